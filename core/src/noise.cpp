#include "ddpm/noise.h"

#include <cassert>
#include <algorithm>
#ifdef __AVX__
#include <immintrin.h>
#endif
#include <cmath>

#include "ddpm/parallel.h"
#include "ddpm/rng.h"

namespace ddpm {

namespace rng {
namespace {

// Eight blocks at a time in GCC vector types (AVX2 here, SSE elsewhere): the same operations in the
// same order as normal4, so the values are equal bit for bit (no FMA contraction under -std=c++20).
typedef uint32_t U8 __attribute__((vector_size(32)));
typedef int32_t I8 __attribute__((vector_size(32)));
typedef float F8 __attribute__((vector_size(32)));

[[gnu::always_inline]] inline U8 mulhi(U8 a, uint32_t m) {
#ifdef __AVX2__
    const __m256i va = __m256i(a), vm = _mm256_set1_epi32(int(m));
    const __m256i even = _mm256_mul_epu32(va, vm);   // 64-bit products of lanes 0, 2, 4, 6
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(va, 32), vm);
    return U8(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA));
#else
    U8 r;
    for (int i = 0; i < 8; ++i) r[i] = uint32_t((uint64_t(a[i]) * m) >> 32);
    return r;
#endif
}

[[gnu::always_inline]] inline F8 sqrt8(F8 x) {
#ifdef __AVX__
    return F8(_mm256_sqrt_ps(__m256(x)));
#else
    for (int i = 0; i < 8; ++i) x[i] = std::sqrt(x[i]);
    return x;
#endif
}

[[gnu::always_inline]] inline F8 to_float(I8 v) { return __builtin_convertvector(v, F8); }

[[gnu::always_inline]] inline F8 log_uniform8(U8 w) {
    const I8 high = w >= (1u << 24);
    const U8 n_int = high ? w >> 8 : (w | (U8(w == 0u) & 1u));
    const U8 nb = U8(to_float(I8(n_int)));
    I8 e = I8(nb >> 23) - 127 - (high ? I8{} + 24 : I8{} + 32);
    F8 m = F8((nb & 0x007fffffu) | 0x3f800000u);
    const I8 big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    const F8 s = (m - 1.0f) / (m + 1.0f);
    const F8 s2 = s * s;
    const F8 ln_m = 2.0f * s * (1.0f + s2 * (0.33333333f + s2 * (0.2f + s2 * (0.14285714f + s2 * 0.11111111f))));
    return to_float(e) * 0.69314718f + ln_m;
}

// Box-Muller of eight word pairs; `both` false leaves b unset (the pixel's fourth normal).
[[gnu::always_inline]] inline void box_muller8(U8 r_word, U8 a_word, F8& a, F8& b, bool both) {
    const F8 r = sqrt8(-2.0f * log_uniform8(r_word));
    const U8 q = a_word >> 30;
    const F8 x = (to_float(I8((a_word >> 6) & 0x00ffffffu)) * 5.9604645e-08f - 0.5f) * 1.57079633f;
    const F8 x2 = x * x;
    const F8 sx = x * (1.0f - x2 * (0.16666667f - x2 * (8.3333333e-03f - x2 * (1.9841270e-04f - x2 * 2.7557319e-06f))));
    const F8 cx = 1.0f - x2 * (0.5f - x2 * (4.1666667e-02f - x2 * (1.3888889e-03f - x2 * 2.4801587e-05f)));
    const I8 odd = (q & 1u) != 0u;
    const F8 c = odd ? sx : cx;
    const I8 neg_cos = (q == 1u) | (q == 2u);
    a = r * (neg_cos ? -c : c);
    if (both) {
        const F8 sn = odd ? cx : sx;
        b = r * ((q >= 2u) ? -sn : sn);
    }
}

}  // namespace

void fill_normal3(Key key, uint64_t first, float* out, std::size_t n) {
    std::size_t k = 0;
    const U8 lane{0, 1, 2, 3, 4, 5, 6, 7};
    for (; k + 8 <= n; k += 8) {
        const uint64_t base = first + k;
        // The low counter word of 8 consecutive blocks; the high word is the same for all 8
        // unless they straddle a 2^32 boundary: those 8 take the scalar path.
        if (uint32_t(base) > 0xfffffff8u) {
            for (std::size_t j = k; j < k + 8; ++j) {
                const Normal4 z = normal4(key, first + j);
                std::copy(z.v, z.v + 3, out + 3 * j);
            }
            continue;
        }
        U8 c0 = uint32_t(base) + lane, c1 = U8{} + uint32_t(base >> 32), c2 = U8{}, c3 = U8{};
        uint32_t k0 = key[0], k1 = key[1];
        for (int round = 0; round < 10; ++round) {
            const U8 hi0 = mulhi(c0, kPhiloxM0), lo0 = c0 * kPhiloxM0;
            const U8 hi1 = mulhi(c2, kPhiloxM1), lo1 = c2 * kPhiloxM1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += kPhiloxW0;
            k1 += kPhiloxW1;
        }
        F8 z0, z1, z2, z3;
        box_muller8(c0, c1, z0, z1, true);
        box_muller8(c2, c3, z2, z3, false);
        float* o = out + 3 * k;
        for (int l = 0; l < 8; ++l) {
            o[3 * l] = z0[l];
            o[3 * l + 1] = z1[l];
            o[3 * l + 2] = z2[l];
        }
    }
    for (; k < n; ++k) {
        const Normal4 z = normal4(key, first + k);
        out[3 * k] = z.v[0];
        out[3 * k + 1] = z.v[1];
        out[3 * k + 2] = z.v[2];
    }
}
}  // namespace rng

namespace {

// Work split over threads in chunks of whole rows; each element's noise depends only on its index.
template <class F>
void for_rows(const Image& img, unsigned threads, F&& f) {
    const std::size_t row = std::size_t(img.width) * 3;
    parallel_for(std::size_t(img.height), [&](std::size_t y0, std::size_t y1) { f(y0 * row, (y1 - y0) * row); },
                 threads);
}

Image like(const Image& img) {
    Image out;
    out.width = img.width;
    out.height = img.height;
    out.data.resize(img.data.size());
    return out;
}

// out = a * x + b * eps(key), fused so the noise never goes through memory.
void axpb_noise_pixels(const float* x, float a, float b, rng::Key key, float* out, std::size_t first_pixel,
                       std::size_t n_pixels) {
    constexpr std::size_t kBlock = 512;   // noise for a block of pixels stays in L1
    float eps[kBlock * 3];
    for (std::size_t i = 0; i < n_pixels; i += kBlock) {
        const std::size_t m = std::min(kBlock, n_pixels - i);
        rng::fill_normal3(key, first_pixel + i, eps, m);
        axpby(x + 3 * i, eps, a, b, out + 3 * i, 3 * m);
    }
}

void axpb_noise(const Image& x, float a, float b, rng::Key key, Image& out, unsigned threads) {
    for_rows(x, threads, [&](std::size_t begin, std::size_t n) {
        axpb_noise_pixels(x.data.data() + begin, a, b, key, out.data.data() + begin, begin / 3, n / 3);
    });
}

}  // namespace

void axpby(const float* x, const float* eps, float a, float b, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = a * x[i] + b * eps[i];
}

Image noise_image(int width, int height, uint32_t seed, uint32_t stream, unsigned threads) {
    Image out;
    out.width = width;
    out.height = height;
    out.data.resize(std::size_t(width) * height * 3);
    const rng::Key key = rng::stream_key(seed, stream);
    for_rows(out, threads,
             [&](std::size_t begin, std::size_t n) { rng::fill_normal3(key, begin / 3, out.data.data() + begin, n / 3); });
    return out;
}

Image q_sample(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    Image out;
    q_sample_into(x0, s, t, seed, out, threads);
    return out;
}

void q_sample_into(const Image& x0, const Schedule& s, int t, uint32_t seed, Image& out, unsigned threads) {
    assert(t >= 0 && t <= s.T());
    out.width = x0.width;
    out.height = x0.height;
    out.data.resize(x0.data.size());
    if (t == 0) {
        std::copy(x0.data.begin(), x0.data.end(), out.data.begin());
        return;
    }
    axpb_noise(x0, float(s.sqrt_alpha_bar[t]), float(s.sqrt_one_minus_alpha_bar[t]), rng::stream_key(seed, kEpsStream),
               out, threads);
}

void q_sample_pixels(const float* x0, float* out, std::size_t first_pixel, std::size_t n_pixels, float signal,
                     float noise, uint32_t seed) {
    axpb_noise_pixels(x0, signal, noise, rng::stream_key(seed, kEpsStream), out, first_pixel, n_pixels);
}

Image markov_step(const Image& x_prev, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    assert(t >= 1 && t <= s.T());
    Image out = like(x_prev);
    axpb_noise(x_prev, float(std::sqrt(s.alpha[t])), float(std::sqrt(s.beta[t])), rng::stream_key(seed, uint32_t(t)),
               out, threads);
    return out;
}

Image posterior_mean(const Image& x0, const Image& xt, const Schedule& s, int t, unsigned threads) {
    assert(t >= 1 && t <= s.T() && x0.size() == xt.size());
    Image out = like(x0);
    const float c0 = float(s.posterior_mean_coef_x0[t]), ct = float(s.posterior_mean_coef_xt[t]);
    for_rows(x0, threads, [&](std::size_t begin, std::size_t n) {
        axpby(x0.data.data() + begin, xt.data.data() + begin, c0, ct, out.data.data() + begin, n);
    });
    return out;
}

Image posterior_sample(const Image& x0, const Image& xt, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    Image mean = posterior_mean(x0, xt, s, t, threads);
    Image out = like(x0);
    axpb_noise(mean, 1.0f, float(std::sqrt(s.posterior_variance[t])), rng::stream_key(seed, kPosteriorStream + uint32_t(t)),
               out, threads);
    return out;
}

}  // namespace ddpm
