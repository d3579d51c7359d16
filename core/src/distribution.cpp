#include "ddpm/distribution.h"

#include <nlohmann/json.hpp>

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace ddpm {

namespace {

// The channels a statistic is over.
struct ChannelRange {
    int first, last;
};
ChannelRange channels(int channel) {
    assert(channel == kAllChannels || (channel >= 0 && channel < 3));
    return channel == kAllChannels ? ChannelRange{0, 2} : ChannelRange{channel, channel};
}

// Number of values, their sum and their sum of squares over the chosen channels.
struct Sums {
    double n = 0, sum = 0, sum_sq = 0;
};
Sums sums(const LevelHistogram& h, int channel) {
    Sums s;
    const auto [first, last] = channels(channel);
    for (int c = first; c <= last; ++c) {
        s.n += h.pixels;
        s.sum += h.channel_sum[std::size_t(c)];
        s.sum_sq += h.channel_sum_sq[std::size_t(c)];
    }
    return s;
}

std::string number17(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Three significant digits, for sentences.
std::string short_number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 3);
    return std::string(buf, r.ptr);
}

}  // namespace

double normal_pdf(double x) { return 0.3989422804014327 * std::exp(-0.5 * x * x); }
double normal_cdf(double x) { return 0.5 * std::erfc(-x * 0.7071067811865476); }

double LevelHistogram::level_value(int c, int l) const {
    const double n = count[std::size_t(c)][std::size_t(l)];
    return n > 0 ? sum[std::size_t(c)][std::size_t(l)] / n : double(from_u8(uint8_t(l)));
}

LevelHistogram level_histogram(const Image& x0) {
    LevelHistogram h;
    const std::size_t n = x0.width * std::size_t(x0.height);
    assert(x0.size() == n * 3);
    h.pixels = double(n);
    for (std::size_t p = 0; p < n; ++p)
        for (std::size_t c = 0; c < 3; ++c) {
            const float v = x0.data[p * 3 + c];
            const uint8_t l = to_u8(v);
            h.count[c][l] += 1;
            h.sum[c][l] += v;
            h.channel_sum[c] += v;
            h.channel_sum_sq[c] += double(v) * v;
        }
    return h;
}

Moments xt_moments(const LevelHistogram& h, const Schedule& s, int t, int channel) {
    assert(t >= 0 && t <= s.T());
    const Sums x = sums(h, channel);
    if (x.n == 0) return {};
    const double mean0 = x.sum / x.n, var0 = std::max(0.0, x.sum_sq / x.n - mean0 * mean0);
    const double ab = s.alpha_bar[std::size_t(t)];
    // + 0.0: zero terminal SNR gives 0, not -0, for a dark image.
    return {s.sqrt_alpha_bar[std::size_t(t)] * mean0 + 0.0, std::sqrt(ab * var0 + (1 - ab))};
}

double mixture_density(const LevelHistogram& h, const Schedule& s, int t, double x, int channel) {
    assert(t >= 1 && t <= s.T());
    const double signal = s.sqrt_alpha_bar[std::size_t(t)], sd = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
    assert(sd > 0);
    const auto [first, last] = channels(channel);
    double total = 0, n = 0;
    for (int c = first; c <= last; ++c)
        for (int l = 0; l < kLevels; ++l) {
            const double w = h.count[std::size_t(c)][std::size_t(l)];
            if (w == 0) continue;
            total += w * normal_pdf((x - signal * h.level_value(c, l)) / sd);
            n += w;
        }
    return n > 0 ? total / (n * sd) : 0;
}

std::vector<double> mixture_bin_probabilities(const LevelHistogram& h, const Schedule& s, int t,
                                              std::span<const double> edges, int channel) {
    assert(t >= 0 && t <= s.T() && edges.size() >= 2);
    const double signal = s.sqrt_alpha_bar[std::size_t(t)], sd = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
    std::vector<double> p(edges.size() - 1, 0.0), cdf(edges.size());
    const auto [first, last] = channels(channel);
    double n = 0;
    for (int c = first; c <= last; ++c)
        for (int l = 0; l < kLevels; ++l) {
            const double w = h.count[std::size_t(c)][std::size_t(l)];
            if (w == 0) continue;
            n += w;
            const double m = signal * h.level_value(c, l);
            for (std::size_t k = 0; k < edges.size(); ++k)
                cdf[k] = sd > 0 ? normal_cdf((edges[k] - m) / sd) : (m < edges[k] ? 1.0 : 0.0);
            for (std::size_t k = 0; k + 1 < edges.size(); ++k) p[k] += w * (cdf[k + 1] - cdf[k]);
        }
    if (n > 0)
        for (double& v : p) v /= n;
    return p;
}

double kl_prior(const LevelHistogram& h, const Schedule& s, int t) {
    assert(t >= 0 && t <= s.T());
    const Sums x = sums(h, kAllChannels);
    const double mean_sq = x.n > 0 ? x.sum_sq / x.n : 0;
    const double ab = s.alpha_bar[std::size_t(t)];
    // KL(N(m, v) || N(0, 1)) = 0.5 (m^2 + v - 1 - ln v) with m = sqrt(ab) x0, v = 1 - ab: the "+ v - 1"
    // is -ab, and ln(1 - ab) as log1p(-ab) keeps its digits when ab is small (ab = 0: KL = 0 exactly;
    // ab = 1: -log1p(-1) = +inf).
    return 0.5 * (ab * (mean_sq - 1) - std::log1p(-ab));
}

std::vector<double> kl_prior_curve(const LevelHistogram& h, const Schedule& s) {
    std::vector<double> kl(std::size_t(s.T()) + 1);
    for (int t = 0; t <= s.T(); ++t) kl[std::size_t(t)] = kl_prior(h, s, t);
    return kl;
}

std::optional<std::string> prior_warning(const LevelHistogram& h, const Schedule& s) {
    const int T = s.T();
    const double kl = kl_prior(h, s, T);
    if (!(kl > kFarFromPriorKl)) return std::nullopt;
    return "x_T is far from the prior N(0, I): alpha_bar_T = " + short_number(s.alpha_bar[std::size_t(T)]) +
           " keeps sqrt(alpha_bar_T) = " + short_number(s.sqrt_alpha_bar[std::size_t(T)]) +
           " of the image in x_T, and KL(q(x_T | x0) || N(0, I)) = " + short_number(kl) +
           " nats per dimension (above " + short_number(kFarFromPriorKl) +
           "). A larger T or beta_end brings x_T close to pure noise.";
}

std::string stats_csv(const LevelHistogram& h, const Schedule& s) {
    std::string out;
    for (std::size_t c = 0; c < kStatsColumns.size(); ++c) (out += c ? "," : "") += kStatsColumns[c];
    out += '\n';
    for (int t = 1; t <= s.T(); ++t) {
        const Moments m = xt_moments(h, s, t);
        out += std::to_string(t) + ',' + number17(kl_prior(h, s, t)) + ',' + number17(m.mean) + ',' +
               number17(m.sd) + '\n';
    }
    return out;
}

std::string stats_json(const LevelHistogram& h, const Schedule& s, const std::string& image_source) {
    using nlohmann::json;
    const json params = json::parse(schedule_params_json(s.params));
    json t_col = json::array(), kl = json::array(), mean = json::array(), sd = json::array();
    for (int t = 1; t <= s.T(); ++t) {
        const Moments m = xt_moments(h, s, t);
        const double k = kl_prior(h, s, t);
        t_col.push_back(t);
        // JSON has no infinity: "inf", as the schedule table writes it.
        if (std::isfinite(k)) kl.push_back(k);
        else kl.push_back("inf");
        mean.push_back(m.mean);
        sd.push_back(m.sd);
    }
    json j = {{"image", image_source}, {"pixels", static_cast<long long>(h.pixels)}, {"parameters", params}, {"t", t_col},
              {"kl_prior", kl},        {"mean_xt", mean},    {"sd_xt", sd}};
    return j.dump() + "\n";
}

}  // namespace ddpm
