#pragma once
// Counter-based Gaussian generator: a pure function of (seed, stream, index).
// Only 32-bit integer operations pick the random bits, and the float part uses nothing but
// + - * /, sqrt and bit casts, so shaders/noise.glsl computes the same numbers on the GPU.
// Element i belongs to pair i/2; one pair of uniforms gives two normals by Box-Muller
// (cos for even i, sin for odd i). Streams: 0 is q_sample's eps, t the Markov step t.
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>

namespace ddpm::rng {

// lowbias32 (Chris Wellons' hash prospector): a bijective 32-bit mixer.
constexpr uint32_t mix32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

// The per-(seed, stream) key; computed once per image, passed to the shader as a uniform.
constexpr uint32_t stream_key(uint32_t seed, uint32_t stream) {
    return mix32(mix32(seed ^ 0x3c6ef372u) + stream * 0x9e3779b9u + 0x7f4a7c15u);
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

struct NormalPair {
    float a, b;
};

// Two independent N(0, 1) values for pair p of the stream with this key.
inline NormalPair normal_pair(uint32_t key, uint32_t p) {
    const uint32_t h = mix32(p + key);
    const uint32_t h1 = mix32(h ^ 0x68e31da4u);
    const uint32_t h2 = mix32(h ^ 0xb5297a4du);

    // u in (0, 1] with 24 bits; ln u = ln n - 24 ln 2 where n = u * 2^24 is an integer.
    const float n = float((h1 >> 8) + 1u);
    const uint32_t nb = float_to_bits(n);
    int e = int(nb >> 23) - 127;
    float m = bits_to_float((nb & 0x007fffffu) | 0x3f800000u);   // [1, 2)
    const bool big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    const float ln_m =
        2.0f * s * (1.0f + s2 * (0.33333333f + s2 * (0.2f + s2 * (0.14285714f + s2 * 0.11111111f))));
    const float ln_u = float(e - 24) * 0.69314718f + ln_m;
    const float r = std::sqrt(-2.0f * ln_u);

    // Angle: quadrant from the top 2 bits, x in [-pi/4, pi/4) from the next 24.
    const uint32_t q = h2 >> 30;
    const float x = (float((h2 >> 6) & 0x00ffffffu) * 5.9604645e-08f - 0.5f) * 1.57079633f;
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

// The normal value of element i of the stream with this key.
inline float normal(uint32_t key, uint64_t i) {
    const NormalPair z = normal_pair(key, uint32_t(i >> 1));
    return (i & 1u) ? z.b : z.a;
}

// out[k] = normal(key, first + k) for k < n; vectorized.
void fill_normal(uint32_t key, uint64_t first, float* out, std::size_t n);

}  // namespace ddpm::rng
