#include "ddpm/schedule.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ddpm {

const char* schedule_name(ScheduleKind kind) {
    for (const auto& k : kScheduleKinds)
        if (k.kind == kind) return k.name;
    assert(false && "unnamed schedule kind");
    return "?";
}

std::optional<ScheduleKind> parse_schedule_kind(std::string_view name) {
    for (const auto& k : kScheduleKinds)
        if (name == k.name) return k.kind;
    return std::nullopt;
}

ScheduleParams default_params(ScheduleKind kind) {
    ScheduleParams p;
    p.kind = kind;
    if (kind == ScheduleKind::ScaledLinear) {
        p.beta_start = 0.00085;   // Stable Diffusion v1 (LDM)
        p.beta_end = 0.012;
    }
    return p;
}

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::optional<Error> check_range(const char* name, double v, double lo, bool lo_open, double hi) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
    if (ok) return std::nullopt;
    return Error{std::string(name) + " = " + number(v) + " is outside the allowed range " + (lo_open ? "(" : "[") +
                 number(lo) + ", " + number(hi) + "]"};
}

std::optional<Error> validate(const ScheduleParams& p) {
    if (p.T < 1 || p.T > kMaxT)
        return Error{"T = " + std::to_string(p.T) + " is outside the allowed range [1, " + std::to_string(kMaxT) + "]"};
    if (p.kind == ScheduleKind::Cosine) {
        if (!std::isfinite(p.cosine_s) || p.cosine_s <= 0)
            return Error{"cosine_s = " + number(p.cosine_s) + " is outside the allowed range (0, inf)"};
        if (auto e = check_range("max_beta", p.max_beta, 0, true, 1)) return e;
    } else {
        if (auto e = check_range("beta_start", p.beta_start, 0, true, 1)) return e;
        if (auto e = check_range("beta_end", p.beta_end, 0, true, 1)) return e;
        if (p.beta_start > p.beta_end)
            return Error{"beta_start = " + number(p.beta_start) + " is larger than beta_end = " + number(p.beta_end) +
                         "; the schedule must not decrease"};
    }
    if (p.zero_terminal_snr && p.T < 2)
        return Error{"zero_terminal_snr needs T >= 2 (alpha_bar_1 is kept and alpha_bar_T set to 0), got T = 1"};
    return std::nullopt;
}

// numpy.linspace(start, stop, n)[i]: start + i * step, the last value exactly stop.
double linspace(double start, double stop, int n, int i) {
    if (n == 1) return start;
    if (i == n - 1) return stop;
    return start + i * ((stop - start) / (n - 1));
}

// beta_1..beta_T into beta[1..T].
void fill_betas(const ScheduleParams& p, std::vector<double>& beta) {
    const int T = p.T;
    for (int t = 1; t <= T; ++t) {
        const int i = t - 1;
        switch (p.kind) {
        case ScheduleKind::Linear: beta[t] = linspace(p.beta_start, p.beta_end, T, i); break;
        case ScheduleKind::ScaledLinear: {
            const double r = linspace(std::sqrt(p.beta_start), std::sqrt(p.beta_end), T, i);
            beta[t] = r * r;
            break;
        }
        case ScheduleKind::Cosine: {
            // iDDPM eq. 17: alpha_bar(u) = f(u) / f(0), beta_t = 1 - alpha_bar(t/T) / alpha_bar((t-1)/T)
            const auto f = [&](double u) {
                const double c = std::cos((u + p.cosine_s) / (1 + p.cosine_s) * (M_PI / 2));
                return c * c;
            };
            beta[t] = std::min(1 - f(double(t) / T) / f(double(t - 1) / T), p.max_beta);
            break;
        }
        case ScheduleKind::Sigmoid: {
            const double x = linspace(-6, 6, T, i);
            beta[t] = 1 / (1 + std::exp(-x)) * (p.beta_end - p.beta_start) + p.beta_start;
            break;
        }
        }
    }
}

// Lin et al. 2023, Algorithm 1: shift and scale sqrt(alpha_bar) so that alpha_bar_T = 0 and
// alpha_bar_1 is kept, then recover beta. beta_1 is kept as is so alpha_bar_1 is bit-identical.
void rescale_zero_terminal_snr(std::vector<double>& beta) {
    const int T = int(beta.size()) - 1;
    std::vector<double> s(T + 1);
    double ab = 1;
    for (int t = 1; t <= T; ++t) s[t] = std::sqrt(ab *= 1 - beta[t]);
    const double first = s[1], last = s[T];
    if (first == last) {   // alpha_bar did not move (beta below double precision) or is 0 from t = 1
        beta[T] = 1;
        return;
    }
    for (int t = 1; t <= T; ++t) s[t] = (s[t] - last) * (first / (first - last));
    for (int t = 2; t <= T; ++t) beta[t] = 1 - (s[t] * s[t]) / (s[t - 1] * s[t - 1]);
    beta[T] = 1;
}

}  // namespace

Result<Schedule> make_schedule(const ScheduleParams& params) {
    if (auto e = validate(params)) return *e;
    const int T = params.T;
    Schedule s;
    s.params = params;
    for (auto* v : {&s.beta, &s.alpha, &s.alpha_bar, &s.sqrt_alpha_bar, &s.sqrt_one_minus_alpha_bar, &s.snr,
                    &s.log_snr, &s.sigma, &s.posterior_variance, &s.posterior_mean_coef_x0,
                    &s.posterior_mean_coef_xt})
        v->assign(T + 1, 0.0);
    fill_betas(params, s.beta);
    if (params.zero_terminal_snr) rescale_zero_terminal_snr(s.beta);

    // Row 0: the clean image.
    s.alpha[0] = s.alpha_bar[0] = s.sqrt_alpha_bar[0] = 1;
    s.snr[0] = s.log_snr[0] = INFINITY;
    s.posterior_mean_coef_x0[0] = 1;
    // Also summed in logs: a product of subnormals gets stuck (alpha_bar of linear T = 1e5 would stay
    // at 1e-322 instead of underflowing), and log_snr and sigma stay right where alpha_bar is 0.
    double log_alpha_bar = 0;
    for (int t = 1; t <= T; ++t) {
        const double beta = s.beta[t], alpha = 1 - beta, ab_prev = s.alpha_bar[t - 1];
        log_alpha_bar += std::log1p(-beta);   // -inf once beta = 1
        const bool tiny = ab_prev * alpha < 1e-300;
        const double ab = tiny ? std::exp(log_alpha_bar) : ab_prev * alpha;
        s.alpha[t] = alpha;
        s.alpha_bar[t] = ab;
        s.sqrt_alpha_bar[t] = std::sqrt(ab);
        s.sqrt_one_minus_alpha_bar[t] = std::sqrt(1 - ab);
        // alpha_bar = 0 gives snr 0, log_snr -inf, sigma inf; IEEE division does that without NaN.
        s.snr[t] = ab / (1 - ab);
        s.log_snr[t] = std::log(s.snr[t]);
        s.sigma[t] = std::sqrt((1 - ab) / ab);
        if (tiny) {
            const double log_one_minus = std::log(-std::expm1(log_alpha_bar));
            s.log_snr[t] = log_alpha_bar - log_one_minus;
            s.sigma[t] = std::exp(0.5 * (log_one_minus - log_alpha_bar));
        }
        if (1 - ab > 0) {
            // Ho et al. 2020, eq. 7
            s.posterior_variance[t] = beta * (1 - ab_prev) / (1 - ab);
            s.posterior_mean_coef_x0[t] = beta * std::sqrt(ab_prev) / (1 - ab);
            s.posterior_mean_coef_xt[t] = std::sqrt(alpha) * (1 - ab_prev) / (1 - ab);
        } else {
            // betas so small that alpha_bar rounds to 1: x_t is x0.
            s.posterior_mean_coef_x0[t] = 1;
        }
    }
    return s;
}

double schedule_value(const Schedule& s, int column, int t) {
    assert(t >= 0 && t <= s.T());
    const std::vector<double>* columns[] = {nullptr,
                                            &s.beta,
                                            &s.alpha,
                                            &s.alpha_bar,
                                            &s.sqrt_alpha_bar,
                                            &s.sqrt_one_minus_alpha_bar,
                                            &s.snr,
                                            &s.log_snr,
                                            &s.sigma,
                                            &s.posterior_variance,
                                            &s.posterior_mean_coef_x0,
                                            &s.posterior_mean_coef_xt};
    assert(column >= 0 && column < int(std::size(columns)));
    return column == 0 ? double(t) : (*columns[column])[t];
}

std::optional<int> schedule_column(std::string_view name) {
    for (int c = 1; c < int(kScheduleColumns.size()); ++c)
        if (name == kScheduleColumns[c]) return c;
    return std::nullopt;
}

std::string schedule_csv(const Schedule& s) {
    std::string out;
    for (std::size_t c = 0; c < kScheduleColumns.size(); ++c) (out += c ? "," : "") += kScheduleColumns[c];
    out += '\n';
    for (int t = 1; t <= s.T(); ++t) {
        out += std::to_string(t);
        for (int c = 1; c < int(kScheduleColumns.size()); ++c) (out += ',') += number(schedule_value(s, c, t));
        out += '\n';
    }
    return out;
}

std::string schedule_json(const Schedule& s) {
    using nlohmann::json;
    const auto& p = s.params;
    json params = {{"schedule", schedule_name(p.kind)}, {"T", p.T}, {"zero_terminal_snr", p.zero_terminal_snr}};
    if (p.kind == ScheduleKind::Cosine) {
        params["cosine_s"] = p.cosine_s;
        params["max_beta"] = p.max_beta;
    } else {
        params["beta_start"] = p.beta_start;
        params["beta_end"] = p.beta_end;
    }
    json j = {{"parameters", params}};
    std::vector<int> ts(s.T());
    for (int t = 1; t <= s.T(); ++t) ts[t - 1] = t;
    j["t"] = ts;
    for (int c = 1; c < int(kScheduleColumns.size()); ++c) {
        json column = json::array();
        for (int t = 1; t <= s.T(); ++t) {
            const double v = schedule_value(s, c, t);
            // JSON has no infinity: written as the strings CSV uses, which float() and numpy read.
            if (std::isfinite(v)) column.push_back(v);
            else column.push_back(v > 0 ? "inf" : "-inf");
        }
        j[kScheduleColumns[c]] = std::move(column);
    }
    return j.dump() + "\n";
}

}  // namespace ddpm
