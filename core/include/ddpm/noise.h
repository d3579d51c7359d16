#pragma once
// The forward process on images. Pure functions of (image, schedule, t, seed); noise comes from
// ddpm::rng so the CPU, the shader and the tests agree whatever the thread count.
#include <cstdint>

#include "ddpm/image.h"
#include "ddpm/schedule.h"

namespace ddpm {

// Noise streams of one seed: q_sample's eps is stream 0, the Markov step t uses stream t.
constexpr uint32_t kEpsStream = 0;
constexpr uint32_t kPosteriorStream = 0x40000000u;   // + t, for posterior samples
// kChainStream = 0x80000000 | t: the random-access chain's bisection node t (ddpm/chain.h).

// eps of q_sample as an image: channel c of pixel p is rng::normal4(stream_key(seed, stream), p).v[c].
Image noise_image(int width, int height, uint32_t seed, uint32_t stream = kEpsStream, unsigned threads = 0);

// out = a * x + b * eps, elementwise (the reparameterisation with eps given).
void axpby(const float* x, const float* eps, float a, float b, float* out, std::size_t n);

// x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps(seed); t = 0 returns x0 exactly.
Image q_sample(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads = 0);
// The same into `out`, reusing its buffer when it already has x0's size (no allocation per frame).
void q_sample_into(const Image& x0, const Schedule& s, int t, uint32_t seed, Image& out, unsigned threads = 0);
// out = signal * x0 + noise * eps for pixels [first_pixel, first_pixel + n_pixels) of an image (3 floats
// a pixel, x0 and out pointing at that span), eps exactly as q_sample draws it for those pixels: for
// computing an image by row bands. One thread; the caller splits the work.
void q_sample_pixels(const float* x0, float* out, std::size_t first_pixel, std::size_t n_pixels, float signal,
                     float noise, uint32_t seed);

// One Markov step x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t, eps_t from stream t.
Image markov_step(const Image& x_prev, const Schedule& s, int t, uint32_t seed, unsigned threads = 0);

// q(x_{t-1} | x_t, x0) = N(coef_x0 x0 + coef_xt x_t, posterior_variance_t I)   (Ho et al. eq. 7)
Image posterior_mean(const Image& x0, const Image& xt, const Schedule& s, int t, unsigned threads = 0);
// A sample of that posterior, noise from stream kPosteriorStream + t.
Image posterior_sample(const Image& x0, const Image& xt, const Schedule& s, int t, uint32_t seed,
                       unsigned threads = 0);

}  // namespace ddpm
