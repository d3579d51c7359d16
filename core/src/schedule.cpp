#include "ddpm/schedule.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace ddpm {

const ScheduleKindName& schedule_info(ScheduleKind kind) {
    for (const auto& k : kScheduleKinds)
        if (k.kind == kind) return k;
    assert(false && "unnamed schedule kind");
    return kScheduleKinds[0];
}

const char* schedule_name(ScheduleKind kind) { return schedule_info(kind).name; }

std::optional<ScheduleKind> parse_schedule_kind(std::string_view name) {
    for (const auto& k : kScheduleKinds)
        if (name == k.name) return k.kind;
    return std::nullopt;
}

bool schedule_from_betas(ScheduleKind kind) {
    return kind == ScheduleKind::Linear || kind == ScheduleKind::ScaledLinear || kind == ScheduleKind::Cosine ||
           kind == ScheduleKind::Sigmoid || kind == ScheduleKind::Custom;
}

ScheduleParams default_params(ScheduleKind kind) {
    ScheduleParams p;
    p.kind = kind;
    if (kind == ScheduleKind::ScaledLinear) {
        p.beta_start = 0.00085;   // Stable Diffusion v1 (LDM)
        p.beta_end = 0.012;
    }
    if (kind == ScheduleKind::ChenCosine) p.start = 0, p.end = 1, p.tau = 1;   // Chen 2023's defaults
    return p;
}

namespace {
// As Python's repr: the shortest digits that read back exactly, in fixed notation from 1e-4 to 1e16.
char* shortest(char* first, char* last, double v) {
    char* end = std::to_chars(first, last, v).ptr;
    const double a = std::abs(v);
    if (a >= 1e-4 && a < 1e-1 && std::find(first, end, 'e') != end)
        end = std::to_chars(first, last, v, std::chars_format::fixed).ptr;
    return end;
}
}  // namespace

std::string number_text(double v) {
    char buf[64];
    return std::string(buf, shortest(buf, buf + sizeof buf, v));
}

namespace {

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

std::optional<Error> check_range(const char* name, double v, double lo, bool lo_open, double hi, bool hi_open = false) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok) return std::nullopt;
    return Error{std::string(name) + " = " + number_text(v) + " is outside the allowed range " + (lo_open ? "(" : "[") +
                 number_text(lo) + ", " + number_text(hi) + (hi_open ? ")" : "]")};
}

std::optional<Error> validate(const ScheduleParams& p) {
    using K = ScheduleKind;
    if (p.kind == K::Custom) {
        if (p.betas.empty()) return Error{"the custom schedule needs betas (--betas FILE)"};
        if (p.betas.size() > std::size_t(kMaxT))
            return Error{"the betas file has " + std::to_string(p.betas.size()) + " values, more than T = " +
                         std::to_string(kMaxT) + " allows"};
        for (std::size_t i = 0; i < p.betas.size(); ++i) {
            const double b = p.betas[i];
            const std::string where = "beta at t = " + std::to_string(i + 1);
            if (!(b >= 0 && b <= 1))
                return Error{where + " is " + number_text(b) + ", outside the allowed range [0, 1]"};
            if (b == 1 && i + 1 < p.betas.size())
                return Error{where + " is 1, which makes alpha_bar 0 before the last step; only the last beta may be 1"};
        }
    }
    if (p.T < 1 || p.T > kMaxT)
        return Error{"T = " + std::to_string(p.T) + " is outside the allowed range [1, " + std::to_string(kMaxT) + "]"};
    if (p.kind == K::Custom && std::size_t(p.T) != p.betas.size())
        return Error{"T = " + std::to_string(p.T) + " but the betas list has " + std::to_string(p.betas.size()) +
                     " values; T comes from the betas"};
    switch (p.kind) {
    case K::Linear:
    case K::ScaledLinear:
    case K::Sigmoid:
        if (auto e = check_range("beta_start", p.beta_start, 0, true, 1)) return e;
        if (auto e = check_range("beta_end", p.beta_end, 0, true, 1)) return e;
        if (p.beta_start > p.beta_end)
            return Error{"beta_start = " + number_text(p.beta_start) + " is larger than beta_end = " +
                         number_text(p.beta_end) + "; the schedule must not decrease"};
        break;
    case K::Cosine:
        if (auto e = check_range("cosine_s", p.cosine_s, 0, true, INFINITY, true)) return e;
        if (auto e = check_range("max_beta", p.max_beta, 0, true, 1)) return e;
        break;
    case K::Edm:
        if (auto e = check_range("sigma_min", p.sigma_min, 0, true, INFINITY, true)) return e;
        if (auto e = check_range("sigma_max", p.sigma_max, 0, true, INFINITY, true)) return e;
        if (auto e = check_range("rho", p.rho, 0, true, INFINITY, true)) return e;
        if (p.sigma_min >= p.sigma_max)
            return Error{"sigma_min = " + number_text(p.sigma_min) + " must be below sigma_max = " + number_text(p.sigma_max)};
        break;
    case K::ChenSigmoid:
    case K::ChenCosine: {
        if (auto e = check_range("tau", p.tau, 0, true, INFINITY, true)) return e;
        const bool cosine = p.kind == K::ChenCosine;
        const double lo = cosine ? 0 : -INFINITY, hi = cosine ? 1 : INFINITY;
        if (auto e = check_range("start", p.start, lo, false, hi, !cosine)) return e;
        if (auto e = check_range("end", p.end, lo, false, hi, !cosine)) return e;
        if (!(p.start < p.end))
            return Error{"start = " + number_text(p.start) + " must be below end = " + number_text(p.end)};
        const auto v = [&](double x) { return cosine ? std::pow(std::cos(x * M_PI / 2), 2 * p.tau) : sigmoid(x / p.tau); };
        if (v(p.start) == v(p.end))
            return Error{"start = " + number_text(p.start) + ", end = " + number_text(p.end) + " and tau = " +
                         number_text(p.tau) + " give the same value at both ends in double precision: alpha_bar would be undefined"};
        break;
    }
    case K::Laplace:
        if (auto e = check_range("mu", p.mu, -INFINITY, false, INFINITY, true)) return e;
        if (auto e = check_range("b", p.b, 0, true, INFINITY, true)) return e;
        break;
    case K::Flow:
    case K::Custom: break;
    }
    if (auto e = check_range("shift", p.shift, 0, true, INFINITY, true)) return e;
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

// log(1 + e^x) without overflow; softplus(inf) = inf, softplus(-inf) = 0.
double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

// beta_1..beta_T of the kinds given by betas, into beta[1..T].
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
        case ScheduleKind::Custom: beta[t] = p.betas[std::size_t(i)]; break;
        default: assert(false && "not a beta kind");
        }
    }
}

// Per t: la = log alpha_bar, l1 = log(1 - alpha_bar), r = log_snr = la - l1, each accurate where the
// plain value would underflow.
struct Logs {
    std::vector<double> la, l1, r;
};

void logs_from_la(Logs& g, int t) {
    g.l1[t] = std::log(-std::expm1(g.la[t]));   // la = 0 -> -inf; la = -inf -> 0
    g.r[t] = g.la[t] - g.l1[t];
}
void logs_from_r(Logs& g, int t) {
    g.la[t] = -softplus(-g.r[t]);   // log sigmoid(r)
    g.l1[t] = -softplus(g.r[t]);    // log sigmoid(-r)
}

// The kind's own log_snr (or log alpha_bar) at t = 1..T.
void fill_logs(const ScheduleParams& p, const std::vector<double>& beta, Logs& g) {
    const int T = p.T;
    if (schedule_from_betas(p.kind)) {
        // Neumaier's compensated sum of log(1 - beta): exact to about one ulp of the total even at T = 1e5.
        double sum = 0, c = 0;
        for (int t = 1; t <= T; ++t) {
            const double x = std::log1p(-beta[t]);
            if (std::isinf(x) || std::isinf(sum)) {   // beta = 1: alpha_bar is 0 from here
                sum = -INFINITY, c = 0;
            } else {
                const double s = sum + x;
                c += std::abs(sum) >= std::abs(x) ? (sum - s) + x : (x - s) + sum;
                sum = s;
            }
            g.la[t] = sum + c;
            logs_from_la(g, t);
        }
        return;
    }
    for (int t = 1; t <= T; ++t) {
        const double u = double(t) / T;
        switch (p.kind) {
        case ScheduleKind::Flow:
            g.r[t] = 2 * (std::log1p(-u) - std::log(u));   // sigma = u: signal 1 - u, noise u
            logs_from_r(g, t);
            break;
        case ScheduleKind::Edm: {
            const double a = std::pow(p.sigma_min, 1 / p.rho), b = std::pow(p.sigma_max, 1 / p.rho);
            const double sigma = T == 1 ? p.sigma_max : std::pow(a + double(t - 1) / (T - 1) * (b - a), p.rho);
            g.r[t] = -2 * std::log(sigma);
            logs_from_r(g, t);
            break;
        }
        case ScheduleKind::ChenSigmoid:
        case ScheduleKind::ChenCosine: {
            // Chen 2023, Algorithm 1: gamma(u) = alpha_bar = (v(end) - v(x)) / (v(end) - v(start)), x = u (end - start)
            // + start, clipped to [1e-9, 1]. Both differences through log v and expm1, so alpha_bar near 1 (t = 1
            // at large T) and near 0 keep their digits where the plain formula cancels.
            const auto log_v = [&](double x) {
                if (p.kind == ScheduleKind::ChenSigmoid) return -softplus(-x / p.tau);
                // log cos(x pi/2)^(2 tau); past x = 0.5 as sin((1 - x) pi/2), exact where cos is near 0
                if (x > 0.5) return 2 * p.tau * std::log(std::sin((1 - x) * (M_PI / 2)));
                const double sn = std::sin(x * (M_PI / 2));
                return p.tau * std::log1p(-sn * sn);
            };
            const double x = u * (p.end - p.start) + p.start;
            const double lx = log_v(x), ls = log_v(p.start), le = log_v(p.end);
            const double range = std::exp(ls) * -std::expm1(le - ls);   // v(start) - v(end) > 0
            const double ab = lx == le ? 0 : std::exp(lx) * -std::expm1(le - lx) / range, one_minus = std::exp(ls) * -std::expm1(lx - ls) / range;
            if (ab < 1e-9) {
                g.la[t] = std::log(1e-9);
                g.l1[t] = std::log1p(-1e-9);
                g.r[t] = g.la[t] - g.l1[t];
            } else if (ab >= 1 || one_minus <= 0) {
                g.la[t] = 0;
                logs_from_la(g, t);
            } else {
                g.la[t] = std::log(ab);
                g.l1[t] = std::log(one_minus);
                g.r[t] = g.la[t] - g.l1[t];
            }
            break;
        }
        case ScheduleKind::Laplace: {
            // Hang et al. 2024: log_snr = mu - b sgn(0.5 - u) ln(1 - 2 |u - 0.5|); -inf at u = 1.
            const double sgn = u < 0.5 ? 1 : u > 0.5 ? -1 : 0;
            g.r[t] = sgn == 0 ? p.mu : p.mu - p.b * sgn * std::log1p(-2 * std::abs(u - 0.5));
            logs_from_r(g, t);
            break;
        }
        default: assert(false && "a beta kind");
        }
    }
}

// Lin et al. 2023, Algorithm 1, in logs: sqrt(alpha_bar) s_t becomes (s_t - s_T) s_1 / (s_1 - s_T), so
// alpha_bar_1 is kept and alpha_bar_T = 0. With g_t = log(1 - s_T / s_t): la'_t = la_t + 2 g_t - 2 g_1.
void rescale_zero_terminal_snr(Logs& g, int T) {
    const double laT = g.la[T];
    if (laT == -INFINITY) return;   // already pure noise at T
    if (g.la[1] == laT) {           // alpha_bar did not move after t = 1: only the last step changes
        g.la[T] = -INFINITY;
        logs_from_la(g, T);
        return;
    }
    const auto log_gap = [&](int t) { return std::log(-std::expm1(0.5 * (laT - g.la[t]))); };
    const double g1 = log_gap(1);
    for (int t = 2; t <= T; ++t) {
        g.la[t] = t == T ? -INFINITY : g.la[t] + 2 * (log_gap(t) - g1);
        logs_from_la(g, t);
    }
}

// a * b / c from its factors' logs where the plain product would leave double's normal range.
double product(double plain, double log_value) {
    return std::abs(plain) >= 1e-290 && std::abs(plain) <= 1e290 ? plain : std::exp(log_value);
}

}  // namespace

Result<Schedule> make_schedule(const ScheduleParams& params) {
    if (auto e = validate(params)) return *e;
    const int T = params.T;
    Schedule s;
    s.params = params;
    for (auto* v : {&s.beta, &s.alpha, &s.alpha_bar, &s.sqrt_alpha_bar, &s.sqrt_one_minus_alpha_bar, &s.snr,
                    &s.log_snr, &s.sigma, &s.posterior_variance, &s.posterior_mean_coef_x0,
                    &s.posterior_mean_coef_xt, &s.signal, &s.noise, &s.log_alpha_bar})
        v->assign(T + 1, 0.0);
    Logs g{std::vector<double>(T + 1, 0.0), std::vector<double>(T + 1, -INFINITY), std::vector<double>(T + 1, INFINITY)};
    const bool from_betas = schedule_from_betas(params.kind);
    if (from_betas) fill_betas(params, s.beta);
    fill_logs(params, s.beta, g);

    const bool shifted = params.shift != 1;
    if (shifted) {
        const double d = 2 * std::log(params.shift);
        for (int t = 1; t <= T; ++t) {
            g.r[t] -= d;
            logs_from_r(g, t);
        }
    }
    if (params.zero_terminal_snr) rescale_zero_terminal_snr(g, T);
    // No kind's alpha_bar ever rises, but a formula evaluated where it is flat near 1 can round up by
    // an ulp (chen-sigmoid with start -524, end 196608: fuzz_schedule's finding), which would be a
    // negative beta; the step keeps the level before it.
    for (int t = 2; t <= T; ++t)
        if (g.la[t] > g.la[t - 1]) g.la[t] = g.la[t - 1], g.l1[t] = g.l1[t - 1], g.r[t] = g.r[t - 1];
    const bool betas_kept = from_betas && !shifted && !params.zero_terminal_snr;

    if (g.l1[T] == -INFINITY)
        return Error{"these parameters add no noise (every beta is 0 and alpha_bar_T = 1 in double precision): " +
                     schedule_label(params)};

    const ScheduleFamily family = schedule_info(params.kind).family;
    // Row 0: the clean image.
    s.alpha[0] = s.alpha_bar[0] = s.sqrt_alpha_bar[0] = s.signal[0] = 1;
    s.snr[0] = s.log_snr[0] = INFINITY;
    s.posterior_mean_coef_x0[0] = 1;
    for (int t = 1; t <= T; ++t) {
        const double la = g.la[t], l1 = g.l1[t], r = g.r[t], la_prev = g.la[t - 1], l1_prev = g.l1[t - 1];
        // beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}, kept as given where the kind defines it.
        double log_alpha = 0;
        if (betas_kept || (from_betas && params.zero_terminal_snr && !shifted && t == 1)) {
            log_alpha = std::log1p(-s.beta[t]);
        } else if (la_prev == -INFINITY) {   // pure noise already: any beta gives the same x_t; say 1
            s.beta[t] = 1;
            log_alpha = -INFINITY;
        } else {
            log_alpha = la - la_prev;
            s.beta[t] = 0.0 - std::expm1(log_alpha);   // +0, not -0, where alpha_bar stays put
        }
        const double beta = s.beta[t];
        s.alpha[t] = betas_kept ? 1 - beta : std::exp(log_alpha);   // 1 - beta loses alpha's digits where beta is near 1
        s.log_alpha_bar[t] = la;
        s.alpha_bar[t] = std::exp(la);
        s.sqrt_alpha_bar[t] = s.alpha_bar[t] >= DBL_MIN ? std::sqrt(s.alpha_bar[t]) : std::exp(0.5 * la);
        const double one_minus = std::exp(l1);
        s.sqrt_one_minus_alpha_bar[t] = one_minus >= DBL_MIN ? std::sqrt(one_minus) : std::exp(0.5 * l1);
        s.log_snr[t] = r;
        s.snr[t] = std::exp(r);
        s.sigma[t] = std::exp(-0.5 * r);
        if (l1 == -INFINITY) {
            // alpha_bar rounds to 1: x_t is x0.
            s.posterior_mean_coef_x0[t] = 1;
        } else {
            // Ho et al. 2020, eq. 7, from logs where the plain products leave double's range.
            const double log_beta = std::log(beta);
            const double sqrt_ab_prev = s.sqrt_alpha_bar[t - 1], one_minus_prev = std::exp(l1_prev);
            s.posterior_variance[t] = product(beta * one_minus_prev / one_minus, log_beta + l1_prev - l1);
            s.posterior_mean_coef_x0[t] = product(beta * sqrt_ab_prev / one_minus, log_beta + 0.5 * la_prev - l1);
            s.posterior_mean_coef_xt[t] =
                product(std::exp(0.5 * log_alpha) * one_minus_prev / one_minus, 0.5 * log_alpha + l1_prev - l1);
        }
        // The kind's own coefficients: the exact formula where nothing re-derived them.
        const double u = double(t) / T;
        if (params.kind == ScheduleKind::Flow && !params.zero_terminal_snr) {
            const double S = params.shift, sigma = S * u / (1 + (S - 1) * u);   // SD3 eq. 23
            s.signal[t] = 1 - sigma;
            s.noise[t] = sigma;
        } else if (family == ScheduleFamily::VP) {
            s.signal[t] = s.sqrt_alpha_bar[t];
            s.noise[t] = s.sqrt_one_minus_alpha_bar[t];
        } else if (family == ScheduleFamily::Flow) {
            s.signal[t] = 1 / (1 + std::exp(-0.5 * r));
            s.noise[t] = 1 / (1 + std::exp(0.5 * r));
        } else {
            s.signal[t] = 1;
            s.noise[t] = std::exp(-0.5 * r);
        }
    }
    if (params.kind == ScheduleKind::Edm && !params.zero_terminal_snr) {
        const double a = std::pow(params.sigma_min, 1 / params.rho), b = std::pow(params.sigma_max, 1 / params.rho);
        for (int t = 1; t <= T; ++t)
            s.noise[t] = params.shift * (T == 1 ? params.sigma_max : std::pow(a + double(t - 1) / (T - 1) * (b - a), params.rho));
    }

    for (int c = 1; c < int(kScheduleColumns.size()); ++c)
        for (int t = 0; t <= T; ++t)
            if (std::isnan(schedule_value(s, c, t)))
                return Error{std::string("internal error: ") + kScheduleColumns[c] + " is NaN at t = " + std::to_string(t) +
                             " for " + schedule_label(params) + "; please report these parameters"};
    if (s.alpha_bar[T] > 0.5)
        s.warnings.push_back("alpha_bar_T = " + number_text(s.alpha_bar[T]) +
                             ": even the last step keeps most of the signal (" + schedule_label(params) + ")");
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
                                            &s.posterior_mean_coef_xt,
                                            &s.signal,
                                            &s.noise,
                                            &s.log_alpha_bar};
    static_assert(std::size(columns) == kScheduleColumns.size());
    assert(column >= 0 && column < int(std::size(columns)));
    return column == 0 ? double(t) : (*columns[column])[std::size_t(t)];
}

std::optional<int> schedule_column(std::string_view name) {
    for (int c = 1; c < int(kScheduleColumns.size()); ++c)
        if (name == kScheduleColumns[c]) return c;
    return std::nullopt;
}

namespace {

std::vector<int> rows_or_all(const Schedule& s, const std::vector<int>& ts) {
    if (!ts.empty()) return ts;
    std::vector<int> all(std::size_t(s.T()));
    for (int t = 1; t <= s.T(); ++t) all[std::size_t(t - 1)] = t;
    return all;
}

nlohmann::json params_json(const ScheduleParams& p) {
    using K = ScheduleKind;
    nlohmann::json j = {{"schedule", schedule_name(p.kind)}, {"T", p.T}, {"zero_terminal_snr", p.zero_terminal_snr}};
    switch (p.kind) {
    case K::Cosine: j["cosine_s"] = p.cosine_s, j["max_beta"] = p.max_beta; break;
    case K::Linear:
    case K::ScaledLinear:
    case K::Sigmoid: j["beta_start"] = p.beta_start, j["beta_end"] = p.beta_end; break;
    case K::Edm: j["sigma_min"] = p.sigma_min, j["sigma_max"] = p.sigma_max, j["rho"] = p.rho; break;
    case K::ChenSigmoid:
    case K::ChenCosine: j["start"] = p.start, j["end"] = p.end, j["tau"] = p.tau; break;
    case K::Laplace: j["mu"] = p.mu, j["b"] = p.b; break;
    case K::Custom: j["betas"] = p.betas; break;
    case K::Flow: break;
    }
    j["shift"] = p.shift;
    return j;
}

}  // namespace

std::string schedule_params_json(const ScheduleParams& p) { return params_json(p).dump(); }

std::string schedule_csv(const Schedule& s, const std::vector<int>& ts) {
    std::string out = "t";
    if (!ts.empty()) out += ",diffusers_timestep";
    for (std::size_t c = 1; c < kScheduleColumns.size(); ++c) (out += ',') += kScheduleColumns[c];
    out += '\n';
    out.reserve(out.size() * 2 * std::size_t(s.T() + 1));
    char buf[64];
    for (int t : rows_or_all(s, ts)) {
        out += std::to_string(t);
        if (!ts.empty()) (out += ',') += std::to_string(t - 1);
        for (int c = 1; c < int(kScheduleColumns.size()); ++c) {
            out += ',';
            out.append(buf, shortest(buf, buf + sizeof buf, schedule_value(s, c, t)));
        }
        out += '\n';
    }
    return out;
}

std::string schedule_json(const Schedule& s, const std::vector<int>& ts) {
    using nlohmann::json;
    json j = {{"parameters", params_json(s.params)}};
    const std::vector<int> rows = rows_or_all(s, ts);
    j["t"] = rows;
    if (!ts.empty()) {
        std::vector<int> k(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) k[i] = rows[i] - 1;
        j["diffusers_timestep"] = k;
    }
    for (int c = 1; c < int(kScheduleColumns.size()); ++c) {
        json column = json::array();
        for (int t : rows) {
            const double v = schedule_value(s, c, t);
            // JSON has no infinity: written as the strings CSV uses, which float() and numpy read.
            // make_schedule never leaves a NaN, so a value is a number or one of the two infinities.
            assert(!std::isnan(v));
            if (std::isfinite(v)) column.push_back(v);
            else column.push_back(v > 0 ? "inf" : "-inf");
        }
        j[kScheduleColumns[c]] = std::move(column);
    }
    return j.dump() + "\n";
}

std::string schedule_label(const ScheduleParams& p) {
    using K = ScheduleKind;
    std::string text = schedule_name(p.kind);
    switch (p.kind) {
    case K::Cosine: text += " s=" + number_text(p.cosine_s); break;
    case K::Linear:
    case K::ScaledLinear:
    case K::Sigmoid: text += " " + number_text(p.beta_start) + ".." + number_text(p.beta_end); break;
    case K::Edm:
        text += " sigma " + number_text(p.sigma_min) + ".." + number_text(p.sigma_max) + " rho=" + number_text(p.rho);
        break;
    case K::ChenSigmoid:
    case K::ChenCosine:
        text += " " + number_text(p.start) + ".." + number_text(p.end) + " tau=" + number_text(p.tau);
        break;
    case K::Laplace: text += " mu=" + number_text(p.mu) + " b=" + number_text(p.b); break;
    case K::Flow:
    case K::Custom: break;
    }
    if (p.shift != 1) text += " shift=" + number_text(p.shift);
    text += " T=" + std::to_string(p.T);
    if (p.zero_terminal_snr) text += " zero-SNR";
    return text;
}

Result<std::vector<double>> parse_betas(std::string_view text, const std::string& file_name) {
    std::vector<double> betas;
    int column = -1;   // the beta column of a CSV; -1: one number per line
    std::size_t line_no = 0, pos = 0;
    bool header_seen = false;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        // Split on commas.
        std::vector<std::string_view> cells;
        for (std::size_t a = 0;;) {
            const std::size_t b = line.find(',', a);
            std::string_view cell = line.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a);
            while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
            while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
            cells.push_back(cell);
            if (b == std::string_view::npos) break;
            a = b + 1;
        }
        const auto is_number = [](std::string_view c) {
            double v;
            const auto r = std::from_chars(c.data(), c.data() + c.size(), v);
            return r.ec == std::errc() && r.ptr == c.data() + c.size();
        };
        if (!header_seen) {
            header_seen = true;
            if (cells.size() > 1 || !is_number(cells[0])) {
                for (std::size_t i = 0; i < cells.size(); ++i)
                    if (cells[i] == "beta" || cells[i] == "\"beta\"") column = int(i);
                if (column < 0)
                    return Error{file_name + ": line 1 is neither a number nor a CSV header with a column named beta"};
                continue;
            }
        }
        const std::size_t c = column < 0 ? 0 : std::size_t(column);
        if (column < 0 && cells.size() != 1)
            return Error{file_name + ": line " + std::to_string(line_no) + " has several values; give one beta per line or a CSV header with a column named beta"};
        if (c >= cells.size())
            return Error{file_name + ": line " + std::to_string(line_no) + " has no beta column"};
        double v = 0;
        const std::string_view cell = cells[c];
        const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
        if (r.ec != std::errc() || r.ptr != cell.data() + cell.size())
            return Error{file_name + ": line " + std::to_string(line_no) + ": '" + std::string(cell.substr(0, 40)) +
                         "' is not a number"};
        if (betas.size() >= std::size_t(kMaxT))
            return Error{file_name + ": more than " + std::to_string(kMaxT) + " betas (T is at most " +
                         std::to_string(kMaxT) + ")"};
        betas.push_back(v);
    }
    if (betas.empty()) return Error{file_name + ": no betas found (one number per line, or a CSV column named beta)"};
    return betas;
}

int t_for_log_snr(const Schedule& s, double log_snr) {
    // log_snr falls with t for every kind; the nearest of the two neighbours of the crossing.
    int lo = 0, hi = s.T();
    if (!(log_snr < s.log_snr[std::size_t(lo)])) return 0;
    if (log_snr <= s.log_snr[std::size_t(hi)]) return hi;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        (s.log_snr[std::size_t(mid)] > log_snr ? lo : hi) = mid;
    }
    const double a = s.log_snr[std::size_t(lo)], b = s.log_snr[std::size_t(hi)];
    return std::isinf(a) || (log_snr - b) < (a - log_snr) ? hi : lo;
}

std::string schedule_slug(const ScheduleParams& p) {
    std::string slug = schedule_name(p.kind);
    if (p.shift != 1) slug += "-shift" + number_text(p.shift);
    if (p.zero_terminal_snr) slug += "-zsnr";
    if (p.T != 1000) slug += "-T" + std::to_string(p.T);
    for (char& c : slug)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
    return slug;
}

const char* plot_x_axis_name(PlotXAxis axis) {
    for (const auto& a : kPlotXAxes)
        if (a.axis == axis) return a.name;
    return "t";
}

std::optional<PlotXAxis> parse_plot_x_axis(std::string_view name) {
    for (const auto& a : kPlotXAxes)
        if (name == a.name) return a.axis;
    if (name == "u" || name == "fraction") return PlotXAxis::Fraction;
    if (name == "log-snr") return PlotXAxis::LogSnr;
    return std::nullopt;
}

double plot_x(const Schedule& s, PlotXAxis axis, int t) {
    assert(t >= 0 && t <= s.T());
    switch (axis) {
    case PlotXAxis::T: return t;
    case PlotXAxis::Fraction: return double(t) / s.T();
    case PlotXAxis::LogSnr: return s.log_snr[std::size_t(t)];
    }
    return t;
}

}  // namespace ddpm
