#include "ddpm/noise.h"

#include <cassert>
#include <algorithm>
#include <cmath>

#include "ddpm/parallel.h"
#include "ddpm/rng.h"

namespace ddpm {

namespace rng {
void fill_normal(uint32_t key, uint64_t first, float* out, std::size_t n) {
    std::size_t k = 0;
    if (n && (first & 1u)) {   // odd start: the second half of a pair
        out[k++] = normal(key, first);
    }
    const uint32_t p0 = uint32_t((first + k) >> 1);
    const std::size_t pairs = (n - k) / 2;
    float* o = out + k;
    // Plain loop over pairs: GCC vectorises normal_pair (integer hashing, polynomials, sqrt).
    for (std::size_t j = 0; j < pairs; ++j) {
        const NormalPair z = normal_pair(key, p0 + uint32_t(j));
        o[2 * j] = z.a;
        o[2 * j + 1] = z.b;
    }
    k += 2 * pairs;
    if (k < n) out[k] = normal(key, first + k);
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
void axpb_noise(const Image& x, float a, float b, uint32_t key, Image& out, unsigned threads) {
    for_rows(x, threads, [&](std::size_t begin, std::size_t n) {
        constexpr std::size_t kBlock = 2048;   // noise for a block stays in L1
        float eps[kBlock];
        for (std::size_t i = 0; i < n; i += kBlock) {
            const std::size_t m = std::min(kBlock, n - i);
            rng::fill_normal(key, begin + i, eps, m);
            axpby(x.data.data() + begin + i, eps, a, b, out.data.data() + begin + i, m);
        }
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
    const uint32_t key = rng::stream_key(seed, stream);
    for_rows(out, threads, [&](std::size_t begin, std::size_t n) { rng::fill_normal(key, begin, out.data.data() + begin, n); });
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
    const uint32_t key = rng::stream_key(seed, kEpsStream);
    constexpr std::size_t kBlock = 2048;
    float eps[kBlock];
    const std::size_t n = n_pixels * 3;
    for (std::size_t i = 0; i < n; i += kBlock) {
        const std::size_t m = std::min(kBlock, n - i);
        rng::fill_normal(key, first_pixel * 3 + i, eps, m);
        axpby(x0 + i, eps, signal, noise, out + i, m);
    }
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
