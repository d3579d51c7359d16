// The forward process on images: the closed form, the Markov chain and the posterior agree
// with the theory's marginals.
#include <catch2/catch.hpp>
#include <cmath>

#include "ddpm/noise.h"

using namespace ddpm;

namespace {

Image constant(int w, int h, float v) {
    Image img;
    img.width = w;
    img.height = h;
    img.data.assign(std::size_t(w) * h * 3, v);
    return img;
}

struct Stats {
    double mean, var;
};
Stats stats(const Image& img) {
    double s = 0, ss = 0;
    for (float v : img.data) s += v, ss += double(v) * v;
    const double n = double(img.size());
    return {s / n, ss / n - (s / n) * (s / n)};
}

Schedule linear(int T) {
    ScheduleParams p;
    p.T = T;
    return *make_schedule(p);
}

// 5-sigma tolerances for the sample mean and variance of n Gaussian values of variance v.
void check_marginal(const Image& x, double mean, double var) {
    const Stats s = stats(x);
    const double n = double(x.size());
    INFO("mean " << s.mean << " vs " << mean << ", var " << s.var << " vs " << var);
    CHECK(std::abs(s.mean - mean) < 5 * std::sqrt(var / n));
    CHECK(std::abs(s.var - var) < 5 * var * std::sqrt(2 / n));
}

}  // namespace

TEST_CASE("q_sample at t = 0 returns x0 exactly", "[noise]") {
    Image x0 = noise_image(31, 17, 9);
    CHECK(q_sample(x0, linear(1000), 0, 1).data == x0.data);
}

TEST_CASE("q_sample of a constant image has mean sqrt(alpha_bar) x0 and variance 1 - alpha_bar", "[noise]") {
    // 512x512x3 = 786432 values per check.
    const Schedule s = linear(1000);
    const Image x0 = constant(512, 512, 0.6f);
    for (int t : {1, 10, 100, 500, 1000}) {
        INFO("t = " << t);
        check_marginal(q_sample(x0, s, t, 11), s.sqrt_alpha_bar[t] * 0.6, 1 - s.alpha_bar[t]);
    }
}

TEST_CASE("q_sample is the same whatever the thread count, and differs between seeds", "[noise]") {
    const Schedule s = linear(1000);
    const Image x0 = noise_image(451, 300, 1);
    const Image a = q_sample(x0, s, 300, 5, 1), b = q_sample(x0, s, 300, 5, 2);
    CHECK(a.data == b.data);
    CHECK(q_sample(x0, s, 300, 6).data != a.data);
    // x_t is built from the generator's stream 0 (equal up to FMA rounding).
    const Image eps = noise_image(451, 300, 5);
    const float ca = float(s.sqrt_alpha_bar[300]), cb = float(s.sqrt_one_minus_alpha_bar[300]);
    for (std::size_t i = 0; i < a.size(); i += 997) REQUIRE(a.data[i] == Approx(ca * x0.data[i] + cb * eps.data[i]).margin(1e-6));
}

TEST_CASE("iterating the Markov step t times gives the closed form's marginal", "[noise]") {
    // T = 100 linear, 256x256x3 = 196608 values, chained through all 100 steps.
    const Schedule s = linear(100);
    const Image x0 = constant(256, 256, -0.8f);
    Image x = x0;
    for (int t = 1; t <= 100; ++t) {
        x = markov_step(x, s, t, 3);
        if (t == 10 || t == 50 || t == 100) {
            INFO("t = " << t);
            check_marginal(x, s.sqrt_alpha_bar[t] * -0.8, 1 - s.alpha_bar[t]);
        }
    }
}

TEST_CASE("a posterior sample from x_t ~ q(x_t | x0) has the marginal of q(x_{t-1} | x0)", "[noise]") {
    const Schedule s = linear(1000);
    const Image x0 = constant(512, 512, 0.3f);
    for (int t : {2, 100, 700, 1000}) {
        const Image xt = q_sample(x0, s, t, 21);
        const Image prev = posterior_sample(x0, xt, s, t, 21);
        INFO("t = " << t);
        check_marginal(prev, s.sqrt_alpha_bar[t - 1] * 0.3, 1 - s.alpha_bar[t - 1]);
    }
    // t = 1: the posterior is x0 itself (variance 0, mean coefficient on x0 is 1).
    const Image xt = q_sample(x0, s, 1, 2);
    const Image prev = posterior_sample(x0, xt, s, 1, 2);
    for (std::size_t i = 0; i < prev.size(); i += 1013) REQUIRE(prev.data[i] == Approx(0.3f).margin(1e-6));
}
