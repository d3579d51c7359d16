// The distribution of x_t over an image: KL to the prior, the mixture density and the moments, each
// against an independent computation (a direct sum over pixels, or a real q_sample).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "ddpm/distribution.h"
#include "ddpm/noise.h"

using namespace ddpm;

namespace {

const Image& cat() {
    static const Image img = *load_image(DDPM_SOURCE_DIR "/assets/chelsea.png");
    return img;
}

Schedule linear(int T, bool zero_snr = false) {
    ScheduleParams p;
    p.T = T;
    p.zero_terminal_snr = zero_snr;
    return *make_schedule(p);
}

// The KL formula of the issue, per value, summed in long double over every pixel and channel.
long double direct_kl(const Image& x0, double alpha_bar) {
    const long double ab = alpha_bar;
    long double total = 0;
    for (float v : x0.data) {
        const long double x = v;
        total += 0.5L * (ab * x * x + (1 - ab) - 1 - std::log(1 - ab));
    }
    return total / (long double)x0.size();
}

}  // namespace

TEST_CASE("kl_prior equals the KL formula summed directly over the cat's pixels", "[distribution]") {
    const LevelHistogram h = level_histogram(cat());
    for (const Schedule& s : {linear(1000), linear(10), *make_schedule(ScheduleParams{.kind = ScheduleKind::Cosine, .T = 1000})}) {
        for (int t : {1, 2, s.T() / 4, s.T() / 2, s.T()}) {
            if (t < 1) continue;
            const double ab = s.alpha_bar[std::size_t(t)];
            if (ab <= 0) continue;
            const double expected = double(direct_kl(cat(), ab));
            INFO(schedule_name(s.params.kind) << " T = " << s.T() << " t = " << t << ": " << kl_prior(h, s, t) << " vs " << expected);
            CHECK(kl_prior(h, s, t) == Approx(expected).epsilon(1e-9).margin(1e-15));
        }
    }
    // At t = 1 of DDPM: 0.5 (0.9999 (E[x0^2] - 1) - ln(1e-4)), between 0.5 (9.2103 - 1) and 0.5 * 9.2103
    // whatever the image (E[x0^2] is in [0, 1]).
    CHECK(kl_prior(h, linear(1000), 1) > 4.105);
    CHECK(kl_prior(h, linear(1000), 1) < 4.606);
}

TEST_CASE("kl_prior is +inf for the clean image and 0 with zero terminal SNR, and finite at T = 100000", "[distribution]") {
    const LevelHistogram h = level_histogram(cat());
    const Schedule s = linear(1000, true);
    CHECK(std::isinf(kl_prior(h, s, 0)));
    CHECK(kl_prior(h, s, 0) > 0);
    REQUIRE(s.alpha_bar[1000] == 0);
    CHECK(kl_prior(h, s, 1000) == 0);
    const Moments m = xt_moments(h, s, 1000);
    CHECK(m.mean == 0);
    CHECK(m.sd == 1);
    const Schedule big = linear(kMaxT);
    const auto kl = kl_prior_curve(h, big);
    REQUIRE(kl.size() == std::size_t(kMaxT) + 1);
    for (int t = 1; t <= kMaxT; ++t) REQUIRE(std::isfinite(kl[std::size_t(t)]));
    // KL falls as t grows: the chain only forgets.
    for (int t = 2; t <= kMaxT; ++t) REQUIRE(kl[std::size_t(t)] <= kl[std::size_t(t) - 1]);
}

TEST_CASE("the mixture density of q(x_t) integrates to 1", "[distribution]") {
    const LevelHistogram h = level_histogram(cat());
    const Schedule s = linear(1000);
    // Trapezoid rule over [-8, 8] in steps of 1e-3: at t = 1 the bumps (sd 0.01) span 10 steps each side.
    for (int t : {1, 50, 300, 1000})
        for (int channel : {kAllChannels, 2}) {
            const int n = 16000;
            const double a = -8, dx = 16.0 / n;
            double integral = 0;
            for (int k = 0; k <= n; ++k)
                integral += (k == 0 || k == n ? 0.5 : 1.0) * mixture_density(h, s, t, a + k * dx, channel);
            integral *= dx;
            INFO("t = " << t << " channel " << channel);
            CHECK(integral == Approx(1).margin(1e-6));
        }
    // The bin probabilities sum to 1 as well, at t = 0 (the levels themselves) too.
    const std::vector<double> edges{-INFINITY, -1.5, -0.5, 0, 0.5, 1.5, INFINITY};
    for (int t : {0, 1, 500}) {
        double total = 0;
        for (double p : mixture_bin_probabilities(h, s, t, edges)) total += p;
        CHECK(total == Approx(1).margin(1e-12));
    }
}

TEST_CASE("a histogram of a real q_sample fits the exact mixture (chi-square)", "[distribution]") {
    // 451 x 300 x 3 = 405900 values. 80 bins over [-4, 4] plus two tails; bins expecting fewer than 5 are
    // pooled into one. A fit gives chi-square about its degrees of freedom k (sd sqrt(2k)); the test fails
    // beyond k + 6 sqrt(2k) (p < 1e-6 under the hypothesis). A model off by 2% in sd fails by far.
    const Image& x0 = cat();
    const LevelHistogram h = level_histogram(x0);
    const Schedule s = linear(1000);
    std::vector<double> edges{-INFINITY};
    for (int k = 0; k <= 80; ++k) edges.push_back(-4 + 0.1 * k);
    edges.push_back(INFINITY);
    const auto chi_square = [&](const Image& xt, const std::vector<double>& p, int channel, int& dof) {
        std::vector<double> counts(p.size(), 0);
        double n = 0;
        for (std::size_t i = 0; i < xt.size(); ++i) {
            if (channel != kAllChannels && int(i % 3) != channel) continue;
            const auto at = std::upper_bound(edges.begin(), edges.end(), double(xt.data[i]));
            counts[std::size_t(at - edges.begin()) - 1] += 1;
            n += 1;
        }
        double chi = 0, pooled_obs = 0, pooled_exp = 0;
        int bins = 0;
        for (std::size_t k = 0; k < p.size(); ++k) {
            const double e = n * p[k];
            if (e < 5) {
                pooled_obs += counts[k], pooled_exp += e;
                continue;
            }
            chi += (counts[k] - e) * (counts[k] - e) / e, ++bins;
        }
        if (pooled_exp > 0) chi += (pooled_obs - pooled_exp) * (pooled_obs - pooled_exp) / pooled_exp, ++bins;
        dof = bins - 1;
        return chi;
    };
    for (int t : {20, 100, 400, 1000})
        for (int channel : {kAllChannels, 1}) {
            const Image xt = q_sample(x0, s, t, 3);
            int dof = 0;
            const double chi = chi_square(xt, mixture_bin_probabilities(h, s, t, edges, channel), channel, dof);
            INFO("t = " << t << " channel " << channel << ": chi-square " << chi << " with " << dof << " dof");
            CHECK(chi < dof + 6 * std::sqrt(2.0 * dof));
            // The same sample against a mixture whose noise sd is 2% too large must fail.
            if (t == 100 && channel == kAllChannels) {
                Schedule wrong = s;
                wrong.sqrt_one_minus_alpha_bar[100] *= 1.02;
                int d2 = 0;
                CHECK(chi_square(xt, mixture_bin_probabilities(h, wrong, 100, edges), kAllChannels, d2) >
                      d2 + 6 * std::sqrt(2.0 * d2));
            }
        }
}

TEST_CASE("the exact mean and sd of x_t match those of a real q_sample", "[distribution]") {
    // Over n = 405900 values the sample mean differs from the exact one by sqrt(1 - alpha_bar) mean(eps):
    // sd sqrt(1 - alpha_bar / n); the sample variance by the noise's own variance (sd about
    // (1 - alpha_bar) sqrt(2 / n)) and twice the cross term (sd 2 sqrt(alpha_bar (1 - alpha_bar) var(x0) / n)).
    // Tolerance: 5 of those sds.
    const Image& x0 = cat();
    const LevelHistogram h = level_histogram(x0);
    const Schedule s = linear(1000);
    const double n = double(x0.size());
    long double s0 = 0, ss0 = 0;
    for (float v : x0.data) s0 += v, ss0 += (long double)v * v;
    const double var0 = double(ss0 / n - (s0 / n) * (s0 / n));
    for (int t : {0, 1, 100, 500, 1000}) {
        const Image xt = q_sample(x0, s, t, 5);
        long double sum = 0, sum_sq = 0;
        for (float v : xt.data) sum += v, sum_sq += (long double)v * v;
        const double mean = double(sum / n), var = double(sum_sq / n) - mean * mean;
        const Moments m = xt_moments(h, s, t);
        const double ab = s.alpha_bar[std::size_t(t)];
        const double mean_tol = 5 * std::sqrt((1 - ab) / n) + 1e-9;
        const double var_tol = 5 * ((1 - ab) * std::sqrt(2 / n) + 2 * std::sqrt(ab * (1 - ab) * var0 / n)) + 1e-9;
        INFO("t = " << t << ": mean " << mean << " vs " << m.mean << ", var " << var << " vs " << m.sd * m.sd);
        CHECK(std::abs(mean - m.mean) < mean_tol);
        CHECK(std::abs(var - m.sd * m.sd) < var_tol);
    }
    // t = 0 is x0 itself.
    CHECK(xt_moments(h, s, 0).mean == Approx(double(s0 / n)).epsilon(1e-12));
    CHECK(xt_moments(h, s, 0).sd == Approx(std::sqrt(var0)).epsilon(1e-9));
}

TEST_CASE("the far-from-prior warning appears for T = 10 linear and not for T = 1000", "[distribution]") {
    const LevelHistogram h = level_histogram(cat());
    const auto warning = prior_warning(h, linear(10));
    REQUIRE(warning);
    CHECK_THAT(*warning, Catch::Contains("alpha_bar_T = 0.904"));
    CHECK_THAT(*warning, Catch::Contains("x_T is far from the prior"));
    CHECK_FALSE(prior_warning(h, linear(1000)));
    CHECK_FALSE(prior_warning(h, linear(1000, true)));
    CHECK_FALSE(prior_warning(h, *make_schedule(ScheduleParams{.kind = ScheduleKind::Cosine, .T = 1000})));
    CHECK(prior_warning(h, linear(100)));   // alpha_bar_T = 0.36
}

TEST_CASE("stats_csv has the header and one row per t from 1 to T", "[distribution]") {
    const LevelHistogram h = level_histogram(cat());
    const Schedule s = linear(10);
    const std::string csv = stats_csv(h, s);
    CHECK_THAT(csv, Catch::StartsWith("t,kl_prior,mean_xt,sd_xt\n1,"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 11);
    const std::string json = stats_json(h, s, "cat.png");
    CHECK_THAT(json, Catch::Contains("\"kl_prior\":["));
    CHECK_THAT(json, Catch::Contains("\"sd_xt\":["));
}
