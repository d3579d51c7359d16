#pragma once
// Counter-based Gaussian generator: a pure function of (seed, stream, index).
// Bits: Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; the
// Random123 reference) with key = (seed, stream) and counter = (index, 0, 0): every distinct
// triple is a distinct input of a keyed bijection, so no two streams can be shifted copies.
// One call gives four 32-bit words, hence four normals by Box-Muller; a pixel's three channels
// come from one call (index = pixel), the fourth normal is for 2D points and spare.
// The float part uses nothing but + - * /, sqrt, bit casts and int <-> float conversions of
// values below 2^24 (all exact), so shaders/noise.glsl computes the same numbers on the GPU.
// Streams of one seed: 0 is q_sample's eps, t the Markov step t, 0x40000000 + t the posterior sample at t
// (see noise.h), 0x80000000 | t the chain's bisection node t (see chain.h).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ddpm::rng {

// The generator's version, written in manifests: bumped whenever the noise for a seed changes.
constexpr int kVersion = 2;

using Counter = std::array<uint32_t, 4>;
using Key = std::array<uint32_t, 2>;

// Random123's Philox4x32 round constants.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

// Philox4x32 with 10 rounds: the published known-answer vectors hold (tests/core/test_rng.cpp).
constexpr Counter philox4x32_10(Counter c, Key k) {
    for (int round = 0; round < 10; ++round) {
        const uint64_t p0 = uint64_t(kPhiloxM0) * c[0];
        const uint64_t p1 = uint64_t(kPhiloxM1) * c[2];
        c = {uint32_t(p1 >> 32) ^ c[1] ^ k[0], uint32_t(p1), uint32_t(p0 >> 32) ^ c[3] ^ k[1], uint32_t(p0)};
        k = {k[0] + kPhiloxW0, k[1] + kPhiloxW1};
    }
    return c;
}

constexpr Key stream_key(uint32_t seed, uint32_t stream) { return {seed, stream}; }

// The four raw words of element block `index` of a stream.
constexpr Counter bits(Key key, uint64_t index) {
    return philox4x32_10({uint32_t(index), uint32_t(index >> 32), 0u, 0u}, key);
}

inline float bits_to_float(uint32_t b) {
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
}
inline uint32_t float_to_bits(float f) {
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

// ln u for u = w / 2^32 (w = 0 counts as 1): 32 bits behind the radius, so |z| reaches
// sqrt(2 ln 2^32) = 6.66. Words of 2^24 and up keep their top 24 bits, smaller ones all of theirs,
// so the float conversion is exact.
inline float log_uniform(uint32_t w) {
    const bool high = w >= (1u << 24);
    const float n = float(high ? w >> 8 : (w | (w == 0u)));
    const uint32_t nb = float_to_bits(n);
    int e = int(nb >> 23) - 127 - (high ? 24 : 32);
    float m = bits_to_float((nb & 0x007fffffu) | 0x3f800000u);   // [1, 2)
    const bool big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    const float ln_m =
        2.0f * s * (1.0f + s2 * (0.33333333f + s2 * (0.2f + s2 * (0.14285714f + s2 * 0.11111111f))));
    return float(e) * 0.69314718f + ln_m;
}

struct NormalPair {
    float a, b;
};

// Box-Muller: radius from word r, angle from word a (quadrant from its top 2 bits, the offset
// in [-pi/4, pi/4) from the next 24).
inline NormalPair box_muller(uint32_t r_word, uint32_t a_word) {
    const float r = std::sqrt(-2.0f * log_uniform(r_word));
    const uint32_t q = a_word >> 30;
    const float x = (float((a_word >> 6) & 0x00ffffffu) * 5.9604645e-08f - 0.5f) * 1.57079633f;
    const float x2 = x * x;
    const float sx = x * (1.0f - x2 * (0.16666667f - x2 * (8.3333333e-03f - x2 * (1.9841270e-04f - x2 * 2.7557319e-06f))));
    const float cx = 1.0f - x2 * (0.5f - x2 * (4.1666667e-02f - x2 * (1.3888889e-03f - x2 * 2.4801587e-05f)));
    // Rotate by q quarter turns.
    const float c = (q & 1u) ? sx : cx;
    const float sn = (q & 1u) ? cx : sx;
    const float cos_t = (q == 1u || q == 2u) ? -c : c;
    const float sin_t = (q >= 2u) ? -sn : sn;
    return {r * cos_t, r * sin_t};
}

struct Normal4 {
    float v[4];
};

// Four independent N(0, 1) values of block `index` of a stream.
inline Normal4 normal4(Key key, uint64_t index) {
    const Counter w = bits(key, index);
    const NormalPair z0 = box_muller(w[0], w[1]), z1 = box_muller(w[2], w[3]);
    return {{z0.a, z0.b, z1.a, z1.b}};
}

// Pixels [first, first + n) of an image's noise: out[3k + c] = normal4(key, first + k).v[c]; vectorized.
void fill_normal3(Key key, uint64_t first, float* out, std::size_t n);

}  // namespace ddpm::rng
