// The counter-based generator: Philox4x32-10 to its published answers, deterministic by
// (seed, stream, index), and statistically N(0, 1) with no relation between seeds, streams,
// indices or channels at any lag.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <vector>

#include "ddpm/noise.h"
#include "ddpm/rng.h"

using namespace ddpm;

namespace {

constexpr std::size_t kPixels = 1 << 20;   // 3.1M normals (3 channels) per draw

// Channel c of pixels [first, first + n) of stream (seed, stream), as doubles.
std::vector<double> channel(uint32_t seed, uint32_t stream, int c, std::size_t n, uint64_t first = 0) {
    std::vector<float> f(3 * n);
    rng::fill_normal3(rng::stream_key(seed, stream), first, f.data(), n);
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = f[3 * i + std::size_t(c)];
    return out;
}
// All three channels in index order.
std::vector<double> draw(uint32_t seed, uint32_t stream, std::size_t pixels) {
    std::vector<float> f(3 * pixels);
    rng::fill_normal3(rng::stream_key(seed, stream), 0, f.data(), pixels);
    return {f.begin(), f.end()};
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    const double n = double(std::min(a.size(), b.size()));
    for (std::size_t i = 0; i < n; ++i) sa += a[i], sb += b[i], sab += a[i] * b[i], saa += a[i] * a[i], sbb += b[i] * b[i];
    const double cov = sab / n - sa / n * sb / n;
    return cov / std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

// In-place radix-2 FFT (the test's own, independent of the code under test).
void fft(std::vector<std::complex<double>>& a, bool inverse) {
    const std::size_t n = a.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const double angle = 2 * M_PI / double(len) * (inverse ? 1 : -1);
        const std::complex<double> w(std::cos(angle), std::sin(angle));
        for (std::size_t i = 0; i < n; i += len) {
            std::complex<double> wk = 1;
            for (std::size_t k = 0; k < len / 2; ++k, wk *= w) {
                const auto u = a[i + k], v = a[i + k + len / 2] * wk;
                a[i + k] = u + v;
                a[i + k + len / 2] = u - v;
            }
        }
    }
    if (inverse)
        for (auto& x : a) x /= double(n);
}

// max over every circular lag L of |sum_i a_i b_{i+L}| / sqrt(n): under independence each lag is
// N(0, 1) in the limit, so the maximum over n = 2^18 lags is about 5 (sqrt(2 ln 2n)).
double max_cross_correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = a.size();
    std::vector<std::complex<double>> fa(a.begin(), a.end()), fb(b.begin(), b.end());
    fft(fa, false);
    fft(fb, false);
    for (std::size_t i = 0; i < n; ++i) fa[i] = std::conj(fa[i]) * fb[i];
    fft(fa, true);
    double worst = 0;
    for (const auto& v : fa) worst = std::max(worst, std::abs(v.real()));
    return worst / std::sqrt(double(n));
}

}  // namespace

TEST_CASE("Philox4x32-10 gives Random123's known answers", "[rng]") {
    // Random123 kat_vectors: philox4x32 10 (counter, key) -> output.
    CHECK(rng::philox4x32_10({0, 0, 0, 0}, {0, 0}) == rng::Counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
    CHECK(rng::philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
          rng::Counter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
    CHECK(rng::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
          rng::Counter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
    // The input is the whole (seed, stream, index): key (seed, stream), counter (index, 0, 0, 0).
    CHECK(rng::bits(rng::stream_key(0xa4093822, 0x299f31d0), 0) == rng::philox4x32_10({0, 0, 0, 0}, {0xa4093822, 0x299f31d0}));
    CHECK(rng::bits({1, 2}, (uint64_t(7) << 32) | 5) == rng::philox4x32_10({5, 7, 0, 0}, {1, 2}));
}

TEST_CASE("generator values are pinned (shaders/noise.glsl must reproduce them)", "[rng]") {
    // Pinned once from this implementation; the GPU parity test checks the shader against it.
    const rng::Normal4 z = rng::normal4(rng::stream_key(0, 0), 0);
    const rng::Normal4 w = rng::normal4(rng::stream_key(123456789, 5), 1000000);
    INFO(z.v[0] << " " << z.v[1] << " " << z.v[2] << " " << z.v[3] << " / " << w.v[0] << " " << w.v[1] << " "
                << w.v[2] << " " << w.v[3]);
    // Box-Muller of the known-answer words 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8, by the
    // textbook formula in double: u = w / 2^32, r = sqrt(-2 ln u), angle from the top 26 bits.
    const auto reference = [](uint32_t rw, uint32_t aw) {
        const double r = std::sqrt(-2 * std::log(double(rw) / 4294967296.0));
        const double q = double(aw >> 30);
        const double x = (double((aw >> 6) & 0xffffff) / 16777216.0 - 0.5) * (M_PI / 2);
        const double theta = q * (M_PI / 2) + x;
        return std::pair{r * std::cos(theta), r * std::sin(theta)};
    };
    const auto [a, b] = reference(0x6627e8d5, 0xe169c58d);
    const auto [c, d] = reference(0xbc57ac4c, 0x9b00dbd8);
    CHECK(z.v[0] == Approx(a).margin(2e-6));
    CHECK(z.v[1] == Approx(b).margin(2e-6));
    CHECK(z.v[2] == Approx(c).margin(2e-6));
    CHECK(z.v[3] == Approx(d).margin(2e-6));
}

TEST_CASE("the uniform behind the radius has 32 bits: the tail reaches 6.66 sigma", "[rng]") {
    // ln u for u = w / 2^32 against the double logarithm, over words of every magnitude.
    for (uint64_t w = 1; w < (uint64_t(1) << 32); w += w / 64 + 1) {
        const double want = std::log(double(w >= (1u << 24) ? (w >> 8) << 8 : w) / 4294967296.0);
        INFO("w = " << w);
        REQUIRE(double(rng::log_uniform(uint32_t(w))) == Approx(want).margin(2e-6).epsilon(1e-6));
    }
    CHECK(rng::log_uniform(0) == rng::log_uniform(1));   // 0 counts as 1: no ln 0
    const rng::NormalPair far = rng::box_muller(1, 0x20000000);   // the smallest u, angle 0
    CHECK(std::hypot(far.a, far.b) == Approx(std::sqrt(2 * 32 * std::log(2.0))).epsilon(1e-6));
    CHECK(std::hypot(far.a, far.b) > 6.6);
    // Every radius word gives a finite radius.
    for (uint32_t w : {0u, 1u, 255u, 0xffffffu, 0x1000000u, 0xfffffeffu, 0xffffffffu})
        CHECK(std::isfinite(std::sqrt(-2.0f * rng::log_uniform(w))));
}

TEST_CASE("the same key gives the same value whatever the chunking or thread count", "[rng]") {
    const rng::Key key = rng::stream_key(1234, 0);
    std::vector<float> whole(3 * 10001);
    rng::fill_normal3(key, 0, whole.data(), 10001);
    for (uint64_t first : {0, 1, 2, 3, 7, 17, 4096, 9999}) {
        std::vector<float> part(whole.size() - 3 * first);
        rng::fill_normal3(key, first, part.data(), part.size() / 3);
        for (std::size_t i = 0; i < part.size(); ++i) REQUIRE(part[i] == whole[3 * first + i]);
    }
    // The 8-lane path equals normal4 bit for bit, also across a 2^32 block boundary.
    for (uint64_t p : {0, 1, 5000, 10000}) {
        const rng::Normal4 z = rng::normal4(key, p);
        for (int c = 0; c < 3; ++c) CHECK(z.v[c] == whole[3 * p + std::size_t(c)]);
    }
    const uint64_t edge = (uint64_t(1) << 32) - 5;
    std::vector<float> across(3 * 20);
    rng::fill_normal3(key, edge, across.data(), 20);
    for (uint64_t k = 0; k < 20; ++k) {
        const rng::Normal4 z = rng::normal4(key, edge + k);
        for (int c = 0; c < 3; ++c) REQUIRE(across[3 * k + std::size_t(c)] == z.v[c]);
    }
    CHECK(rng::normal4(key, uint64_t(1) << 32).v[0] != rng::normal4(key, 0).v[0]);
    const Image a = noise_image(451, 300, 7, 0, 1), b = noise_image(451, 300, 7, 0, 2), c = noise_image(451, 300, 7, 0, 7);
    CHECK(a.data == b.data);
    CHECK(a.data == c.data);
}

TEST_CASE("moments of 3.1M samples match N(0, 1)", "[rng]") {
    const auto z = draw(42, 0, kPixels);
    const double n = double(z.size());
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (double v : z) m1 += v;
    m1 /= n;
    for (double v : z) {
        const double d = v - m1;
        m2 += d * d, m3 += d * d * d, m4 += d * d * d * d;
    }
    m2 /= n, m3 /= n, m4 /= n;
    CHECK(std::abs(m1) < 5 / std::sqrt(n));                          // 0.0028
    CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2 / n));                  // 0.004
    CHECK(std::abs(m3 / std::pow(m2, 1.5)) < 5 * std::sqrt(6 / n));  // 0.007
    CHECK(std::abs(m4 / (m2 * m2) - 3) < 5 * std::sqrt(24 / n));     // 0.014
    // Tails: P(|z| > 3) = 0.0026998, P(|z| > 4) = 6.3342e-5 (each within 5 binomial sigma).
    for (auto [x, p] : {std::pair{3.0, 0.0026998}, std::pair{4.0, 6.3342e-5}}) {
        const double tail = double(std::count_if(z.begin(), z.end(), [x = x](double v) { return std::abs(v) > x; })) / n;
        INFO("P(|z| > " << x << ") = " << tail);
        CHECK(std::abs(tail - p) < 5 * std::sqrt(p / n));
    }
}

TEST_CASE("Kolmogorov-Smirnov against N(0, 1) at the 1% level, each channel", "[rng]") {
    for (uint32_t seed : {0u, 1u, 0xdeadbeefu})
        for (int c = 0; c < 3; ++c) {
            auto z = channel(seed, 3, c, 1 << 19);
            std::sort(z.begin(), z.end());
            const double n = double(z.size());
            double d = 0;
            for (std::size_t i = 0; i < z.size(); ++i) {
                const double cdf = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
                d = std::max({d, cdf - double(i) / n, double(i + 1) / n - cdf});
            }
            INFO("seed " << seed << " channel " << c << " D = " << d);
            // Nine tests at alpha = 0.001 each (critical value 1.949 / sqrt(n)).
            CHECK(d < 1.949 / std::sqrt(n));
        }
}

TEST_CASE("no correlation between a pixel's channels, or between values and squares of neighbours", "[rng]") {
    const std::size_t n = kPixels;
    const double limit = 5 / std::sqrt(double(n));   // 0.0049
    const auto r = channel(5, 0, 0, n), g = channel(5, 0, 1, n), b = channel(5, 0, 2, n);
    CHECK(std::abs(correlation(r, g)) < limit);
    CHECK(std::abs(correlation(r, b)) < limit);
    CHECK(std::abs(correlation(g, b)) < limit);
    // Squares: the two normals of one Box-Muller pair share a radius, which would show up here.
    std::vector<double> r2(n), g2(n), b2(n);
    for (std::size_t i = 0; i < n; ++i) r2[i] = r[i] * r[i], g2[i] = g[i] * g[i], b2[i] = b[i] * b[i];
    CHECK(std::abs(correlation(r2, g2)) < limit);
    CHECK(std::abs(correlation(r2, b2)) < limit);
}

TEST_CASE("cross-correlation at every lag finds nothing between seeds, streams or within a stream", "[rng]") {
    // n = 2^18 values each; the statistic at each of the n lags is ~N(0, 1). The limit 6.5 leaves a
    // chance of about n * 8e-11 = 2e-5 per pair of a false alarm; a shifted copy scores sqrt(n) = 512.
    constexpr std::size_t n = 1 << 18;
    constexpr double limit = 6.5;
    const auto series = [](uint32_t seed, uint32_t stream, int c) { return channel(seed, stream, c, n); };
    struct Pair {
        uint32_t seed_a, stream_a, seed_b, stream_b;
    };
    const Pair pairs[] = {
        {312, 0, 764, 0},   // shifted copies under the old generator
        {0, 0, 1, 0},       {0, 0, 2, 0},         {7, 0, 8, 0},        {1000, 0, 1001, 0},   {0, 1, 0, 2},
        {0, 1, 0, 118},     {0, 500, 0, 501},     {3, 0, 0, 3},        {0, 0, 0, 0x40000001u},
        {0xffffffffu, 0, 0, 0xffffffffu},
    };
    for (const Pair& p : pairs)
        for (int c = 0; c < 3; ++c) {
            const double m = max_cross_correlation(series(p.seed_a, p.stream_a, c), series(p.seed_b, p.stream_b, c));
            INFO("(" << p.seed_a << ", " << p.stream_a << ") vs (" << p.seed_b << ", " << p.stream_b << ") channel " << c
                     << ": max " << m);
            CHECK(m < limit);
        }
    // The statistic sees what it is for: a copy shifted by 7284 values scores sqrt(n).
    const auto base = series(1, 0, 0);
    std::vector<double> shifted(n);
    for (std::size_t i = 0; i < n; ++i) shifted[i] = base[(i + 7284) % n];
    CHECK(max_cross_correlation(base, shifted) > 0.99 * std::sqrt(double(n)));
    // Within one stream, every lag but 0 (autocorrelation), and channel against channel at every lag.
    const auto r = series(11, 0, 0), g = series(11, 0, 1);
    std::vector<std::complex<double>> fr(r.begin(), r.end());
    fft(fr, false);
    for (auto& v : fr) v = std::norm(v);
    fft(fr, true);
    double worst = 0;
    for (std::size_t lag = 1; lag < n; ++lag) worst = std::max(worst, std::abs(fr[lag].real()) / std::sqrt(double(n)));
    INFO("autocorrelation max " << worst);
    CHECK(worst < limit);
    CHECK(max_cross_correlation(r, g) < limit);
}

TEST_CASE("no shared runs of values across 1000 seeds x 16 streams", "[rng]") {
    // Each block's first two words as one 64-bit value, 256 blocks per (seed, stream): 8.2M values.
    // Distinct random 64-bit values collide with probability about n^2 / 2^65 = 2e-6; a stream that
    // is a shifted copy of another shares all of its overlap.
    std::vector<uint64_t> values;
    values.reserve(1000 * 16 * 256 * 2);
    for (uint32_t seed = 0; seed < 1000; ++seed)
        for (uint32_t stream = 0; stream < 16; ++stream)
            for (uint64_t i = 0; i < 256; ++i) {
                const rng::Counter w = rng::bits(rng::stream_key(seed, stream), i);
                values.push_back(uint64_t(w[0]) << 32 | w[1]);
                values.push_back(uint64_t(w[2]) << 32 | w[3]);
            }
    std::sort(values.begin(), values.end());
    const auto repeats = std::size_t(values.end() - std::unique(values.begin(), values.end()));
    CHECK(repeats == 0);
}
