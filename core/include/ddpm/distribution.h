#pragma once
// The distribution of x_t over an image's pixels, exactly: q(x_t) is the mixture over pixels of
// N(sqrt(alpha_bar_t) x0, 1 - alpha_bar_t), so the image's histogram of x0 levels gives its density,
// moments and KL to the prior N(0, I) without drawing any noise. Shared by the window, `ddpm-viz stats`
// and the tests.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/schedule.h"

namespace ddpm {

constexpr int kLevels = 256;

// x0's values per channel on the 256 levels of 8 bits: count and exact sum of the values in each level,
// so an 8-bit image's levels are exact and a 16-bit image's are the mean of the values binned there.
// The moments are sums over every value, exact for any image.
struct LevelHistogram {
    std::array<std::array<double, kLevels>, 3> count{}, sum{};
    std::array<double, 3> channel_sum{}, channel_sum_sq{};
    double pixels = 0;
    // The value of level l of channel c (the mean of what fell there; the level's centre when empty).
    double level_value(int c, int l) const;
};
LevelHistogram level_histogram(const Image& x0);

// Which values a distribution is over: one channel (0, 1, 2 = R, G, B) or all three pooled.
constexpr int kAllChannels = -1;

struct Moments {
    double mean = 0, sd = 0;
};
// The exact mean and standard deviation of x_t over the image's pixels (and channels, for kAllChannels):
// mean = sqrt(alpha_bar_t) mean(x0), var = alpha_bar_t var(x0) + 1 - alpha_bar_t.
Moments xt_moments(const LevelHistogram& h, const Schedule& s, int t, int channel = kAllChannels);

// The density of q(x_t) at x: sum over levels of weight * N(x; sqrt(alpha_bar_t) v, 1 - alpha_bar_t).
// Needs t >= 1 with alpha_bar_t < 1 (at t = 0 the distribution is discrete).
double mixture_density(const LevelHistogram& h, const Schedule& s, int t, double x, int channel = kAllChannels);
// The probability of each bin [edges[k], edges[k+1]) under q(x_t), from normal CDFs: exact at any t,
// t = 0 included (the levels' own masses). edges must be increasing; returns edges.size() - 1 values.
std::vector<double> mixture_bin_probabilities(const LevelHistogram& h, const Schedule& s, int t,
                                              std::span<const double> edges, int channel = kAllChannels);

// KL(q(x_t | x0) || N(0, I)) in nats per dimension, the mean over pixels and channels:
// 0.5 (alpha_bar E[x0^2] + (1 - alpha_bar) - 1 - ln(1 - alpha_bar)); +inf where alpha_bar_t = 1 (t = 0).
double kl_prior(const LevelHistogram& h, const Schedule& s, int t);
// kl_prior for t = 0..T.
std::vector<double> kl_prior_curve(const LevelHistogram& h, const Schedule& s);

// Above this KL per dimension at t = T, x_T is said to be far from the prior.
constexpr double kFarFromPriorKl = 0.01;
// A sentence for the user when x_T is far from N(0, I) (e.g. T = 10 linear: alpha_bar_T = 0.90); none otherwise.
std::optional<std::string> prior_warning(const LevelHistogram& h, const Schedule& s);

// The `ddpm-viz stats` table for t = 1..T: t, kl_prior, mean_xt, sd_xt (17 significant digits).
inline constexpr std::array<const char*, 4> kStatsColumns{"t", "kl_prior", "mean_xt", "sd_xt"};
std::string stats_csv(const LevelHistogram& h, const Schedule& s);
// The same as JSON: {"parameters": ..., "t": [...], "kl_prior": [...], ...}; inf written as "inf".
std::string stats_json(const LevelHistogram& h, const Schedule& s, const std::string& image_source);

// The standard normal density and distribution function.
double normal_pdf(double x);
double normal_cdf(double x);

}  // namespace ddpm
