// The counter-based generator: deterministic by key, and statistically N(0, 1).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "ddpm/noise.h"
#include "ddpm/rng.h"

using namespace ddpm;

namespace {

constexpr std::size_t kN = 1 << 22;   // 4.2M samples: 5-sigma tolerances below are ~1e-2 or tighter

std::vector<double> draw(uint32_t seed, uint32_t stream, std::size_t n, uint64_t first = 0) {
    std::vector<float> f(n);
    rng::fill_normal(rng::stream_key(seed, stream), first, f.data(), n);
    return {f.begin(), f.end()};
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    const double n = double(std::min(a.size(), b.size()));
    for (std::size_t i = 0; i < n; ++i) sa += a[i], sb += b[i], sab += a[i] * b[i], saa += a[i] * a[i], sbb += b[i] * b[i];
    const double cov = sab / n - sa / n * sb / n;
    return cov / std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

}  // namespace

TEST_CASE("generator values are pinned (shaders/noise.glsl must reproduce them)", "[rng]") {
    // The integer part is exact on every platform; the float part may differ in the last bits
    // (FMA contraction, GPU arithmetic), hence the tolerance.
    CHECK(rng::mix32(0) == 0u);
    CHECK(rng::mix32(1) == 0x688990c0u);
    CHECK(rng::stream_key(0, 0) == 3596638500u);
    CHECK(rng::stream_key(7, 3) == 2004699165u);
    const uint32_t key = rng::stream_key(0, 0);
    const float first[] = {0.258593589f, 1.10845208f, -0.336689055f, -1.81032217f, 0.681197286f, 0.255293816f};
    for (int i = 0; i < 6; ++i) CHECK(rng::normal(key, i) == Approx(first[i]).epsilon(1e-5));
    const uint32_t key2 = rng::stream_key(123456789, 0);
    const float later[] = {-1.4088943f, 2.22441959f, -1.04866946f, 0.252484828f};
    for (int i = 0; i < 4; ++i) CHECK(rng::normal(key2, 1000000 + i) == Approx(later[i]).epsilon(1e-5));
}

TEST_CASE("the same key gives the same value whatever the chunking or thread count", "[rng]") {
    const uint32_t key = rng::stream_key(1234, 0);
    std::vector<float> whole(10001);
    rng::fill_normal(key, 0, whole.data(), whole.size());
    for (uint64_t first : {0, 1, 2, 3, 17, 4096, 9999}) {
        std::vector<float> part(whole.size() - first);
        rng::fill_normal(key, first, part.data(), part.size());
        for (std::size_t i = 0; i < part.size(); ++i) REQUIRE(part[i] == whole[first + i]);
    }
    for (uint64_t i : {0, 1, 2, 5000, 10000}) CHECK(rng::normal(key, i) == whole[i]);
    const Image a = noise_image(451, 300, 7, 0, 1), b = noise_image(451, 300, 7, 0, 2), c = noise_image(451, 300, 7, 0, 7);
    CHECK(a.data == b.data);
    CHECK(a.data == c.data);
}

TEST_CASE("moments of 4.2M samples match N(0, 1)", "[rng]") {
    const auto z = draw(42, 0, kN);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (double v : z) m1 += v;
    m1 /= kN;
    for (double v : z) {
        const double d = v - m1;
        m2 += d * d, m3 += d * d * d, m4 += d * d * d * d;
    }
    m2 /= kN, m3 /= kN, m4 /= kN;
    const double n = kN;
    CHECK(std::abs(m1) < 5 / std::sqrt(n));                          // 0.0024
    CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2 / n));                  // 0.0035
    CHECK(std::abs(m3 / std::pow(m2, 1.5)) < 5 * std::sqrt(6 / n));  // 0.006
    CHECK(std::abs(m4 / (m2 * m2) - 3) < 5 * std::sqrt(24 / n));     // 0.012
    // Tails: P(|z| > 3) = 0.0026998
    const double tail = double(std::count_if(z.begin(), z.end(), [](double v) { return std::abs(v) > 3; })) / n;
    CHECK(std::abs(tail - 0.0026998) < 5 * std::sqrt(0.0027 / n));
}

TEST_CASE("Kolmogorov-Smirnov against N(0, 1) at the 1% level", "[rng]") {
    for (uint32_t seed : {0u, 1u, 0xdeadbeefu}) {
        auto z = draw(seed, 3, 1 << 20);
        std::sort(z.begin(), z.end());
        const double n = double(z.size());
        double d = 0;
        for (std::size_t i = 0; i < z.size(); ++i) {
            const double cdf = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
            d = std::max({d, cdf - double(i) / n, double(i + 1) / n - cdf});
        }
        INFO("seed " << seed << " D = " << d);
        CHECK(d < 1.628 / std::sqrt(n));   // critical value for alpha = 0.01
    }
}

TEST_CASE("no correlation between neighbouring indices, channels, seeds or streams", "[rng]") {
    const auto z = draw(5, 0, kN + 2048);
    const double limit = 5 / std::sqrt(double(kN));   // 0.0024
    for (int lag : {1, 2, 3, 6, 451 * 3}) {
        std::vector<double> a(z.begin(), z.begin() + kN), b(z.begin() + lag, z.begin() + lag + kN);
        INFO("lag " << lag);
        CHECK(std::abs(correlation(a, b)) < limit);
    }
    // Squares too: Box-Muller pairs share a radius, which would show up here.
    std::vector<double> sq(kN), sq1(kN);
    for (std::size_t i = 0; i < kN; ++i) sq[i] = z[i] * z[i], sq1[i] = z[i + 1] * z[i + 1];
    CHECK(std::abs(correlation(sq, sq1)) < limit);
    const std::vector<double> za(z.begin(), z.begin() + kN);
    CHECK(std::abs(correlation(za, draw(6, 0, kN))) < limit);
    CHECK(std::abs(correlation(za, draw(5, 1, kN))) < limit);
    CHECK(std::abs(correlation(draw(0, 0, kN), draw(1, 0, kN))) < limit);
}
