// Schedules pinned to published values and to an independent transcription of the formulas.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ddpm/schedule.h"

using namespace ddpm;

namespace {

Schedule make(ScheduleKind kind, int T, bool zts = false) {
    ScheduleParams p = default_params(kind);
    p.T = T;
    p.zero_terminal_snr = zts;
    auto s = make_schedule(p);
    REQUIRE(s.ok());
    return *s;
}

// The formulas as the papers and diffusers write them, straight from the definitions (double, as diffusers).
std::vector<double> reference_alpha_bar(const ScheduleParams& p) {
    const int T = p.T;
    std::vector<double> beta(T);
    auto lin = [&](double a, double b, int i) { return T == 1 ? a : a + (b - a) * i / (T - 1); };
    for (int i = 0; i < T; ++i) {
        switch (p.kind) {
        case ScheduleKind::Linear: beta[i] = lin(p.beta_start, p.beta_end, i); break;
        case ScheduleKind::ScaledLinear: beta[i] = std::pow(lin(std::sqrt(p.beta_start), std::sqrt(p.beta_end), i), 2); break;
        case ScheduleKind::Sigmoid:
            beta[i] = (p.beta_end - p.beta_start) / (1 + std::exp(6 - 12.0 * (T == 1 ? 0 : double(i) / (T - 1)))) + p.beta_start;
            break;
        case ScheduleKind::Cosine: {
            auto f = [&](double u) { return std::pow(std::cos((u + p.cosine_s) / (1 + p.cosine_s) * M_PI / 2), 2); };
            beta[i] = std::min(1 - f(double(i + 1) / T) / f(double(i) / T), p.max_beta);
            break;
        }
        default: FAIL("not a beta kind");
        }
    }
    std::vector<double> ab(T + 1, 1.0);
    for (int t = 1; t <= T; ++t) ab[t] = ab[t - 1] * (1 - beta[t - 1]);
    if (p.zero_terminal_snr) {   // Lin et al. 2023, Algorithm 1
        const double a0 = std::sqrt(ab[1]), aT = std::sqrt(ab[T]);
        for (int t = 1; t <= T; ++t) ab[t] = std::pow((std::sqrt(ab[t]) - aT) * a0 / (a0 - aT), 2);
    }
    return ab;
}

double rel(double a, double b) { return a == b ? 0 : std::abs(a - b) / std::max(std::abs(a), std::abs(b)); }

using LD = long double;

// An independent reference in long double (64-bit mantissa, range to 1e-4951): betas and alpha_bar
// from each kind's own formula, the zero-SNR rescale as Lin et al. write it where long double holds
// the values, in logs (log1p(-exp)) where even it would underflow.
struct Reference {
    std::vector<LD> la, beta;   // log alpha_bar_t and beta_t, t = 0..T
    bool betas_given = false;   // beta is the kind's own (not re-derived from alpha_bar)
    bool chen = false;
};

LD ld_sigmoid(LD x) { return 1 / (1 + std::exp(-x)); }

Reference reference(const ScheduleParams& p) {
    const int T = p.T;
    Reference r;
    r.la.assign(T + 1, 0);
    r.beta.assign(T + 1, 0);
    const LD pi = 3.141592653589793238462643383279502884L;
    auto lin = [&](LD a, LD b, int i) { return T == 1 ? a : a + (b - a) * i / (T - 1); };
    const bool beta_kind = schedule_from_betas(p.kind);
    for (int t = 1; t <= T; ++t) {
        const int i = t - 1;
        const LD u = LD(t) / T;
        switch (p.kind) {
        case ScheduleKind::Linear: r.beta[t] = lin(p.beta_start, p.beta_end, i); break;
        case ScheduleKind::ScaledLinear: r.beta[t] = std::pow(lin(std::sqrt(LD(p.beta_start)), std::sqrt(LD(p.beta_end)), i), 2); break;
        case ScheduleKind::Sigmoid: r.beta[t] = ld_sigmoid(lin(-6, 6, i)) * (p.beta_end - LD(p.beta_start)) + p.beta_start; break;
        case ScheduleKind::Cosine: {
            // In double as diffusers evaluates it: 1 - f(u) / f(u - 1/T) cancels at large T, and these betas
            // (not the exact ratio) are the schedule everyone uses.
            auto f = [&](double v) { return std::pow(std::cos((v + p.cosine_s) / (1 + p.cosine_s) * M_PI / 2), 2); };
            r.beta[t] = std::min(1 - f(double(t) / T) / f(double(t - 1) / T), p.max_beta);
            break;
        }
        case ScheduleKind::Custom: r.beta[t] = p.betas[std::size_t(i)]; break;
        case ScheduleKind::Flow: {   // SD3: sigma = S u / (1 + (S - 1) u); alpha_bar = (1 - sigma)^2 / ((1 - sigma)^2 + sigma^2)
            const LD S = p.shift, sigma = S * u / (1 + (S - 1) * u);
            r.la[t] = -std::log1p(std::pow(sigma / (1 - sigma), 2));
            break;
        }
        case ScheduleKind::Edm: {   // Karras eq. 5 ascending; VP-equivalent alpha_bar = 1 / (1 + sigma^2)
            const LD a = std::pow(LD(p.sigma_min), 1 / LD(p.rho)), b = std::pow(LD(p.sigma_max), 1 / LD(p.rho));
            const LD sigma = p.shift * (T == 1 ? LD(p.sigma_max) : std::pow(a + LD(i) / (T - 1) * (b - a), LD(p.rho)));
            r.la[t] = -std::log1p(sigma * sigma);
            break;
        }
        case ScheduleKind::ChenSigmoid:
        case ScheduleKind::ChenCosine: {
            auto v = [&](LD x) {
                return p.kind == ScheduleKind::ChenSigmoid ? ld_sigmoid(x / p.tau) : std::pow(std::cos(x * pi / 2), 2 * LD(p.tau));
            };
            const LD g = (v(p.end) - v(u * (p.end - p.start) + p.start)) / (v(p.end) - v(p.start));
            r.la[t] = std::log(std::clamp<LD>(g, 1e-9L, 1));
            break;
        }
        case ScheduleKind::Laplace: {
            const LD sgn = u < 0.5L ? 1 : u > 0.5L ? -1 : 0;
            const LD lambda = p.mu - p.b * sgn * std::log(1 - 2 * std::abs(u - 0.5L));
            r.la[t] = std::isinf(lambda) ? (lambda > 0 ? 0 : -INFINITY) : -std::log1p(std::exp(-lambda));
            break;
        }
        }
        if (beta_kind) r.la[t] = r.la[t - 1] + std::log1p(-r.beta[t]);
    }
    if (p.shift != 1 && p.kind != ScheduleKind::Flow && p.kind != ScheduleKind::Edm)
        for (int t = 1; t <= T; ++t) {   // alpha_bar' = sigmoid(log_snr - 2 ln S)
            const LD snr = std::exp(r.la[t]) / -std::expm1(r.la[t]);
            const LD shifted = snr / (LD(p.shift) * p.shift);
            r.la[t] = std::log(shifted / (1 + shifted));
        }
    if (p.zero_terminal_snr && r.la[T] != -INFINITY) {
        const LD s1 = std::exp(r.la[1] / 2), sT = std::exp(r.la[T] / 2);
        std::vector<LD> la = r.la;
        for (int t = 1; t <= T; ++t) {
            if (s1 > 0 && sT > 0) {
                const LD v = (std::exp(r.la[t] / 2) - sT) * s1 / (s1 - sT);
                la[t] = 2 * std::log(v);
            } else {   // beyond long double: log(s_t - s_T) = la_t / 2 + log1p(-exp((la_T - la_t) / 2))
                la[t] = r.la[t] + 2 * std::log1p(-std::exp((r.la[T] - r.la[t]) / 2)) -
                        2 * std::log1p(-std::exp((r.la[T] - r.la[1]) / 2));
            }
        }
        la[T] = -INFINITY;
        r.la = la;
    }
    r.betas_given = beta_kind && p.shift == 1 && !p.zero_terminal_snr;
    r.chen = p.kind == ScheduleKind::ChenSigmoid || p.kind == ScheduleKind::ChenCosine;
    if (!r.betas_given)
        for (int t = 1; t <= T; ++t)
            r.beta[t] = r.la[t - 1] == -INFINITY ? 1 : -std::expm1(r.la[t] - r.la[t - 1]);
    return r;
}

// Worst error of got against want, relative where want is a normal double; 0 or inf must match exactly
// where the true value is beyond double's range.
struct Worst {
    double err = 0;
    int t = -1;
    const char* column = "";
    // Relative error / tol_scale; a subnormal may be off by its last bits besides.
    void check(const char* name, int t_, double got, LD want, LD tol_scale = 1) {
        double e = 0;
        const LD a = std::abs(want);
        if (std::isnan(got)) e = INFINITY;
        else if (std::isinf(want) || a > LD(DBL_MAX)) e = got == double(want) ? 0 : INFINITY;
        else if (a < LD(DBL_TRUE_MIN) / 2) e = got == 0 ? 0 : INFINITY;
        else e = double(std::max<LD>(0, std::abs(got - want) - (a < LD(DBL_MIN) ? 4 * LD(DBL_TRUE_MIN) : 0)) / a / tol_scale);
        if (e > err) err = e, t = t_, column = name;
    }
    // Absolute error / tol_scale, for logs (their absolute error is the relative error of what they are the log of).
    void check_abs(const char* name, int t_, double got, LD want, LD tol_scale = 1) {
        double e = 0;
        if (std::isnan(got)) e = INFINITY;
        else if (std::isinf(want)) e = got == double(want) ? 0 : INFINITY;
        else e = double(std::abs(got - want) / tol_scale);
        if (e > err) err = e, t = t_, column = name;
    }
};

// Every column of s against the long-double reference. log columns are compared in absolute terms
// (their error is what the relative error of the exp'd values is).
Worst compare(const Schedule& s, const Reference& r) {
    Worst w;
    const int T = s.T();
    for (int t = 1; t <= T; ++t) {
        const LD la = r.la[t], la_prev = r.la[t - 1];
        const LD l1 = la == 0 ? -INFINITY : std::log(-std::expm1(la)), l1_prev = la_prev == 0 ? -INFINITY : std::log(-std::expm1(la_prev));
        // exp(x) carries x's absolute error. Chen's reference itself forms 1 - alpha_bar as 1 - gamma in long
        // double, exact to 1e-19 / (1 - alpha_bar) only: that is allowed for too.
        const LD own = r.chen ? std::max<LD>(1, 1e-7L / -std::expm1(la)) : 1;
        const LD scale = own * std::max<LD>(1, std::abs(la) + std::abs(l1));
        w.check_abs("log_alpha_bar", t, s.log_alpha_bar[t], la, std::max<LD>(1, std::abs(la)));
        w.check("alpha_bar", t, s.alpha_bar[t], std::exp(la), scale);
        w.check("sqrt_alpha_bar", t, s.sqrt_alpha_bar[t], std::exp(la / 2), scale);
        w.check("sqrt_one_minus_alpha_bar", t, s.sqrt_one_minus_alpha_bar[t], std::exp(l1 / 2), scale);
        w.check("snr", t, s.snr[t], std::exp(la - l1), scale);
        w.check_abs("log_snr", t, s.log_snr[t], la - l1, scale);
        w.check("sigma", t, s.sigma[t], std::exp((l1 - la) / 2), scale);
        const LD beta = r.beta[t];
        // A beta re-derived from alpha_bar is a difference of neighbouring logs: as exact as |la| / |la_t - la_{t-1}|.
        const LD d = std::abs(la - la_prev);
        const LD cond = r.betas_given ? 1 : std::isfinite(d) && d > 0 ? std::max<LD>(1, std::max<LD>(1, std::abs(la)) / d) : 1;
        w.check("beta", t, s.beta[t], beta, cond);
        if (la == 0) continue;
        // Ho et al. eq. 7 in logs.
        const LD lb = std::log(beta), lalpha = r.betas_given ? std::log1p(-beta) : la_prev == -INFINITY ? -INFINITY : la - la_prev;
        const LD pscale = cond * std::max<LD>(1, std::abs(lb) + std::abs(la_prev) + std::abs(l1_prev) + std::abs(l1));
        if (!r.betas_given) w.check("alpha", t, s.alpha[t], std::exp(lalpha), pscale);
        w.check("posterior_variance", t, s.posterior_variance[t], std::exp(lb + l1_prev - l1), pscale);
        w.check("posterior_mean_coef_x0", t, s.posterior_mean_coef_x0[t], std::exp(lb + la_prev / 2 - l1), pscale);
        w.check("posterior_mean_coef_xt", t, s.posterior_mean_coef_xt[t], std::exp(lalpha / 2 + l1_prev - l1), pscale);
    }
    return w;
}

int nan_count(const Schedule& s) {
    int n = 0;
    for (int c = 1; c < int(kScheduleColumns.size()); ++c)
        for (int t = 0; t <= s.T(); ++t) n += std::isnan(schedule_value(s, c, t));
    return n;
}

ScheduleParams with_T(ScheduleKind kind, int T, bool zts) {
    ScheduleParams p = default_params(kind);
    p.T = T;
    p.zero_terminal_snr = zts;
    if (kind == ScheduleKind::Custom)   // DDPM's betas, as a file would give them
        for (int i = 0; i < T; ++i) p.betas.push_back(T == 1 ? 1e-4 : 1e-4 + i * ((0.02 - 1e-4) / (T - 1)));
    return p;
}

}  // namespace

TEST_CASE("linear schedule matches DDPM's published alpha_bar", "[schedule]") {
    const Schedule s = make(ScheduleKind::Linear, 1000);
    CHECK(s.alpha_bar[1] == Approx(0.9999).epsilon(1e-12));
    CHECK(s.alpha_bar[500] == Approx(0.078587242882).epsilon(1e-10));
    CHECK(s.alpha_bar[1000] == Approx(4.0358297654e-5).epsilon(1e-9));
    CHECK(s.beta[1] == 1e-4);
    CHECK(s.beta[1000] == 0.02);
}

TEST_CASE("linear posterior variance: 0 at t=1, 0.00979 at t=488, 0.02 at t=1000", "[schedule]") {
    const Schedule s = make(ScheduleKind::Linear, 1000);
    CHECK(s.posterior_variance[1] == 0.0);
    CHECK(s.posterior_variance[488] == Approx(0.00979).margin(1e-5));
    CHECK(s.posterior_variance[1000] == Approx(0.02).margin(1e-5));
}

TEST_CASE("scaled-linear gives Stable Diffusion's sigma range", "[schedule]") {
    const Schedule s = make(ScheduleKind::ScaledLinear, 1000);
    CHECK(s.sigma[1000] == Approx(14.6146).margin(1e-4));
    CHECK(s.sigma[1] == Approx(0.029167).margin(1e-6));
}

TEST_CASE("cosine T=10 matches iDDPM's alpha_bar", "[schedule]") {
    const Schedule s = make(ScheduleKind::Cosine, 10);
    const double golden[] = {0.97209274, 0.89870592, 0.78691051, 0.64747821, 0.49384359,
                             0.34080964, 0.20312147, 0.09404561, 0.02409172};
    for (int t = 1; t <= 9; ++t) CHECK(s.alpha_bar[t] == Approx(golden[t - 1]).margin(1e-8));
    CHECK(s.beta[10] == 0.999);   // clipped at max_beta
}

TEST_CASE("beta schedules match diffusers' cumprod to 1e-12, with and without zero terminal SNR", "[schedule]") {
    for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::ScaledLinear, ScheduleKind::Cosine, ScheduleKind::Sigmoid})
        for (int T : {1, 2, 10, 1000, 4000})
            for (bool zts : {false, true}) {
                if (zts && T == 1) continue;
                ScheduleParams p = default_params(kind);
                p.T = T;
                p.zero_terminal_snr = zts;
                INFO(schedule_name(kind) << " T=" << T << " zts=" << zts);
                auto s = make_schedule(p);
                REQUIRE(s.ok());
                const auto ab = reference_alpha_bar(p);
                double worst = 0;
                for (int t = 0; t <= T; ++t) {
                    // absolute for values near 0 (alpha_bar_T of cosine is ~1e-5 of round-off)
                    const double err = ab[t] < 1e-6 ? std::abs(s->alpha_bar[t] - ab[t]) : rel(s->alpha_bar[t], ab[t]);
                    worst = std::max(worst, err);
                }
                CHECK(worst < 1e-12);
                if (!zts)
                    for (int t = 1; t <= T; ++t) REQUIRE(s->alpha[t] == 1 - s->beta[t]);
            }
}

TEST_CASE("every kind x T in {1,2,1000,20000,75000,90060,100000} x zero SNR: no NaN, every column within 1e-12 of a long-double reference",
          "[schedule]") {
    // T = 90060: fuzz_schedule's finding, sigmoid with zero terminal SNR gave 10168 NaN rows there.
    // Tolerance: relative 1e-12 per unit of the logs involved (exp(x) inherits x's absolute error, and
    // the rescale's 1 - s_T / s_t near t = T is only as exact as that difference of logs).
    for (const auto& k : kScheduleKinds)
        for (int T : {1, 2, 1000, 20000, 75000, 90060, 100000})
            for (bool zts : {false, true}) {
                if (zts && T == 1) continue;
                const ScheduleParams p = with_T(k.kind, T, zts);
                INFO(k.name << " T=" << T << " zts=" << zts);
                auto s = make_schedule(p);
                REQUIRE(s.ok());
                CHECK(nan_count(*s) == 0);
                const Worst w = compare(*s, reference(p));
                INFO("worst " << w.err << " in " << w.column << " at t=" << w.t);
                CHECK(w.err < (zts ? 1e-9 : 1e-12));
                // log_snr is finite except where SNR is exactly 0.
                // log_snr is infinite only where the true SNR is exactly 0 (e.g. clipped alpha_bar rescaled to 0).
                const Reference ref = reference(p);
                int infinite = 0;
                for (int t = 1; t < T; ++t) infinite += !std::isfinite(s->log_snr[t]) && std::isfinite(ref.la[t]) && ref.la[t] != 0;
                CHECK(infinite == 0);
                if (zts) CHECK(s->alpha_bar[T] == 0.0);
            }
}

TEST_CASE("extreme beta ranges stay NaN-free and exact: 0.5..0.6, equal betas, 1e-9..1e-8, up to 0.999", "[schedule]") {
    const std::pair<double, double> ranges[] = {{0.5, 0.6}, {0.01, 0.01}, {1e-9, 1e-8}, {0.001, 0.999}, {0.999, 0.999}};
    for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::ScaledLinear, ScheduleKind::Sigmoid})
        for (auto [lo, hi] : ranges)
            for (int T : {2, 1000, 2000, 100000})
                for (bool zts : {false, true}) {
                    ScheduleParams p = default_params(kind);
                    p.T = T, p.beta_start = lo, p.beta_end = hi, p.zero_terminal_snr = zts;
                    INFO(schedule_name(kind) << " " << lo << ".." << hi << " T=" << T << " zts=" << zts);
                    auto s = make_schedule(p);
                    REQUIRE(s.ok());
                    CHECK(nan_count(*s) == 0);
                    const Worst w = compare(*s, reference(p));
                    INFO("worst " << w.err << " in " << w.column << " at t=" << w.t);
                    CHECK(w.err < (zts ? 1e-9 : 1e-12));
                }
}

TEST_CASE("issue 8's NaN cases: long zero-SNR schedules are finite and keep subnormal-range values", "[schedule]") {
    ScheduleParams p;
    p.T = 75000;
    p.zero_terminal_snr = true;
    Schedule s = *make_schedule(p);
    for (int t = 1; t < p.T; ++t) REQUIRE(std::isfinite(s.beta[t]));
    // sqrt(alpha_bar) at linear T = 75000, t = 73314 is about 1e-158: in range, so not 0.
    p.zero_terminal_snr = false;
    s = *make_schedule(p);
    const Reference r = reference(p);
    CHECK(s.sqrt_alpha_bar[73314] > 1e-170);
    CHECK(s.sqrt_alpha_bar[73314] == Approx(double(std::exp(r.la[73314] / 2))).epsilon(1e-12));
    CHECK(s.posterior_mean_coef_x0[73314] > 0);
    // linear 0.001..0.999 at T = 1000, t = 924
    p = ScheduleParams{};
    p.beta_start = 0.001, p.beta_end = 0.999;
    s = *make_schedule(p);
    CHECK(s.sqrt_alpha_bar[924] == Approx(double(std::exp(reference(p).la[924] / 2))).epsilon(1e-12));
    CHECK(s.sqrt_alpha_bar[924] > 0);
    p.T = 2000, p.beta_start = 0.5, p.beta_end = 0.6, p.zero_terminal_snr = true;
    s = *make_schedule(p);
    for (int t = 1; t <= p.T; ++t) REQUIRE(!std::isnan(s.beta[t]));
}

TEST_CASE("zero terminal SNR: alpha_bar_T is exactly 0, alpha_bar_1 unchanged, no NaN", "[schedule]") {
    for (const auto& k : kScheduleKinds) {
        INFO(k.name);
        const Schedule plain = *make_schedule(with_T(k.kind, 1000, false)), zero = *make_schedule(with_T(k.kind, 1000, true));
        CHECK(zero.alpha_bar[1000] == 0.0);
        CHECK(zero.alpha_bar[1] == plain.alpha_bar[1]);
        CHECK(zero.snr[1000] == 0.0);
        CHECK(zero.log_snr[1000] == -INFINITY);
        CHECK(zero.sigma[1000] == INFINITY);
        CHECK(zero.sqrt_one_minus_alpha_bar[1000] == 1.0);
        for (int t = 1; t <= 1000; ++t)
            for (int c = 1; c < int(kScheduleColumns.size()); ++c) REQUIRE(!std::isnan(schedule_value(zero, c, t)));
        for (int t = 2; t <= 1000; ++t) REQUIRE(zero.alpha_bar[t] < zero.alpha_bar[t - 1]);
    }
}

TEST_CASE("T = 1 follows numpy.linspace: beta_1 = beta_start", "[schedule]") {
    CHECK(make(ScheduleKind::Linear, 1).beta[1] == 1e-4);
    CHECK(make(ScheduleKind::ScaledLinear, 1).beta[1] == Approx(0.00085).epsilon(1e-15));
    CHECK(make(ScheduleKind::Sigmoid, 1).beta[1] == Approx(1e-4 + (0.02 - 1e-4) / (1 + std::exp(6.0))).epsilon(1e-15));
}

TEST_CASE("flow: sigma = t/T exactly as FlowMatchEulerDiscreteScheduler trains, and SD3's shift", "[schedule]") {
    const Schedule s = make(ScheduleKind::Flow, 1000);
    for (int t : {1, 250, 500, 999, 1000}) {
        CHECK(s.noise[t] == double(t) / 1000);
        CHECK(s.signal[t] == 1 - double(t) / 1000);
    }
    CHECK(s.alpha_bar[1000] == 0.0);
    CHECK(s.log_snr[500] == Approx(0.0).margin(1e-15));
    ScheduleParams p = default_params(ScheduleKind::Flow);
    p.shift = 3;
    const Schedule sh = *make_schedule(p);
    // diffusers: sigmas = shift * sigmas / (1 + (shift - 1) * sigmas)
    for (int t : {1, 100, 500, 900}) {
        const double u = t / 1000.0;
        CHECK(sh.noise[t] == Approx(3 * u / (1 + 2 * u)).epsilon(1e-15));
        CHECK(sh.signal[t] + sh.noise[t] == Approx(1).epsilon(1e-15));
        CHECK(sh.log_snr[t] == Approx(s.log_snr[t] - 2 * std::log(3.0)).epsilon(1e-12));
    }
}

TEST_CASE("edm: Karras sigmas ascending from sigma_min to sigma_max, signal 1", "[schedule]") {
    ScheduleParams p = default_params(ScheduleKind::Edm);
    p.T = 18;
    const Schedule s = *make_schedule(p);
    CHECK(s.noise[1] == Approx(0.002).epsilon(1e-14));
    CHECK(s.noise[18] == Approx(80).epsilon(1e-14));
    // Karras eq. 5 with i = t - 1 counted from the low end.
    const double a = std::pow(0.002, 1 / 7.0), b = std::pow(80.0, 1 / 7.0);
    CHECK(s.noise[9] == Approx(std::pow(a + 8.0 / 17 * (b - a), 7)).epsilon(1e-14));
    for (int t = 1; t <= 18; ++t) {
        CHECK(s.signal[t] == 1);
        CHECK(s.alpha_bar[t] == Approx(1 / (1 + s.noise[t] * s.noise[t])).epsilon(1e-13));
        CHECK(s.sigma[t] == Approx(s.noise[t]).epsilon(1e-13));   // VE: sqrt((1 - alpha_bar) / alpha_bar) = sigma
    }
    p.shift = 2;
    const Schedule sh = *make_schedule(p);
    CHECK(sh.noise[9] == Approx(2 * s.noise[9]).epsilon(1e-14));
}

TEST_CASE("a formula flat near alpha_bar = 1 gives no negative beta and never rises (fuzz_schedule finding)", "[schedule]") {
    // tests/fuzz/corpus/schedule/finding-chen-wide-range: alpha_bar rounded up by an ulp at t = 3, 13, 18
    // and 23, so those betas were -1.1e-16, and beta_1 printed as -0.
    ScheduleParams p = default_params(ScheduleKind::ChenSigmoid);
    p.T = 9736, p.start = -524.2889765625, p.end = 196608, p.tau = 1;
    const Schedule s = *make_schedule(p);
    CHECK(nan_count(s) == 0);
    for (int t = 1; t <= p.T; ++t) {
        INFO("t = " << t);
        REQUIRE(s.beta[t] >= 0);
        REQUIRE_FALSE(std::signbit(s.beta[t]));
        REQUIRE(s.alpha_bar[t] <= s.alpha_bar[t - 1]);
    }
    CHECK(s.alpha_bar[p.T] == Approx(1e-9));   // the clip at the end still holds
}

TEST_CASE("chen-sigmoid and chen-cosine: Chen 2023 Algorithm 1 with its clip", "[schedule]") {
    const Schedule sig = make(ScheduleKind::ChenSigmoid, 100);
    auto gamma_sig = [](double u) {
        auto sg = [](double x) { return 1 / (1 + std::exp(-x)); };
        return std::max((sg(3) - sg(u * 6 - 3)) / (sg(3) - sg(-3)), 1e-9);
    };
    for (int t : {1, 30, 50, 99, 100}) CHECK(sig.alpha_bar[t] == Approx(gamma_sig(t / 100.0)).epsilon(1e-13));
    CHECK(sig.alpha_bar[100] == Approx(1e-9).epsilon(1e-13));
    const Schedule cs = make(ScheduleKind::ChenCosine, 100);
    // start 0, end 1, tau 1: alpha_bar = (v_end - cos(u pi/2)^2) / (v_end - 1), nearly cos(u pi/2)^2
    for (int t : {1, 30, 50, 99}) CHECK(cs.alpha_bar[t] == Approx(std::pow(std::cos(t / 100.0 * M_PI / 2), 2)).epsilon(1e-13));
    ScheduleParams p = default_params(ScheduleKind::ChenSigmoid);
    p.start = 0, p.end = 3, p.tau = 0.5;
    const Schedule s2 = *make_schedule(p);
    auto g2 = [](double u) {
        auto v = [](double x) { return 1 / (1 + std::exp(-x / 0.5)); };
        return (v(3) - v(u * 3)) / (v(3) - v(0));
    };
    CHECK(s2.alpha_bar[400] == Approx(g2(0.4)).epsilon(1e-13));
}

TEST_CASE("laplace: log_snr = mu - b sgn(0.5 - u) ln(1 - 2|u - 0.5|)", "[schedule]") {
    ScheduleParams p = default_params(ScheduleKind::Laplace);
    p.mu = 1, p.b = 0.7;
    const Schedule s = *make_schedule(p);
    CHECK(s.log_snr[500] == 1);
    CHECK(s.log_snr[250] == Approx(1 - 0.7 * std::log(0.5)).epsilon(1e-14));
    CHECK(s.log_snr[750] == Approx(1 + 0.7 * std::log(0.5)).epsilon(1e-14));
    CHECK(s.log_snr[1000] == -INFINITY);
    CHECK(s.alpha_bar[250] == Approx(1 / (1 + std::exp(-(1 - 0.7 * std::log(0.5))))).epsilon(1e-14));
}

TEST_CASE("shift S multiplies noise/signal by S for every kind (log_snr - 2 ln S), each kind in its family", "[schedule]") {
    for (const auto& k : kScheduleKinds) {
        INFO(k.name);
        ScheduleParams p = with_T(k.kind, 1000, false), q = p;
        q.shift = 8;   // simple diffusion: 512^2 from base 64
        const Schedule a = *make_schedule(p), b = *make_schedule(q);
        for (int t : {1, 100, 500, 900}) {
            CHECK(b.log_snr[t] == Approx(a.log_snr[t] - 2 * std::log(8.0)).margin(1e-11));
            CHECK(b.noise[t] / b.signal[t] == Approx(8 * a.noise[t] / a.signal[t]).epsilon(1e-12));
            if (k.family == ScheduleFamily::VP) CHECK(b.signal[t] * b.signal[t] + b.noise[t] * b.noise[t] == Approx(1).epsilon(1e-14));
            if (k.family == ScheduleFamily::Flow) CHECK(b.signal[t] + b.noise[t] == Approx(1).epsilon(1e-14));
            if (k.family == ScheduleFamily::VE) CHECK(b.signal[t] == 1);
        }
    }
}

TEST_CASE("custom betas: a list or a CSV column named beta, bad files are errors", "[schedule]") {
    auto list = parse_betas("0.1\n0.2\r\n# note\n\n0.3\n", "b.txt");
    REQUIRE(list.ok());
    CHECK(*list == std::vector<double>{0.1, 0.2, 0.3});
    auto csv = parse_betas("t,beta,alpha\n1,0.25,0.75\n2,0.5,0.5\n", "s.csv");
    REQUIRE(csv.ok());
    CHECK(*csv == std::vector<double>{0.25, 0.5});
    // The schedule CSV this program writes reads back.
    const Schedule lin = make(ScheduleKind::Linear, 50);
    auto back = parse_betas(schedule_csv(lin), "schedule.csv");
    REQUIRE(back.ok());
    CHECK(*back == std::vector<double>(lin.beta.begin() + 1, lin.beta.end()));
    ScheduleParams p = default_params(ScheduleKind::Custom);
    p.betas = *back;
    p.T = int(p.betas.size());
    CHECK(make_schedule(p)->alpha_bar == lin.alpha_bar);
    const std::pair<const char*, const char*> bad[] = {
        {"", "no betas"},
        {"0.1\nx\n", "line 2: 'x' is not a number"},
        {"t,alpha\n1,0.5\n", "column named beta"},
        {"0.1\n0.2,0.3\n", "line 2 has several values"},
    };
    for (auto [text, message] : bad) CHECK_THAT(parse_betas(text, "f").error(), Catch::Contains(message));
    p.betas = {0.1, 1, 0.2};
    p.T = 3;
    CHECK_THAT(make_schedule(p).error(), Catch::Contains("only the last beta may be 1"));
    p.betas = {0.1, -0.2};
    p.T = 2;
    CHECK_THAT(make_schedule(p).error(), Catch::Contains("beta at t = 2 is -0.2"));
}

TEST_CASE("bad parameters give an error naming the parameter, its value and the range", "[schedule]") {
    struct Case {
        ScheduleParams p;
        const char* expect;
    };
    auto with = [](auto f) {
        ScheduleParams p;
        f(p);
        return p;
    };
    const Case cases[] = {
        {with([](auto& p) { p.T = 0; }), "T = 0 is outside the allowed range [1, 100000]"},
        {with([](auto& p) { p.T = 100001; }), "T = 100001"},
        {with([](auto& p) { p.beta_start = 0; }), "beta_start = 0 is outside the allowed range (0, 1]"},
        {with([](auto& p) { p.beta_end = 1.5; }), "beta_end = 1.5 is outside the allowed range (0, 1]"},
        {with([](auto& p) { p.beta_end = NAN; }), "beta_end = nan"},
        {with([](auto& p) { p.beta_start = INFINITY; }), "beta_start = inf"},
        {with([](auto& p) { p.beta_start = 0.03; }), "beta_start = 0.03 is larger than beta_end = 0.02"},
        {with([](auto& p) { p.kind = ScheduleKind::Cosine; p.cosine_s = 0; }), "cosine_s = 0 is outside the allowed range (0, inf)"},
        {with([](auto& p) { p.kind = ScheduleKind::Cosine; p.max_beta = -1; }), "max_beta = -1"},
        {with([](auto& p) { p.T = 1; p.zero_terminal_snr = true; }), "zero_terminal_snr needs T >= 2"},
        {with([](auto& p) { p.shift = 0; }), "shift = 0 is outside the allowed range (0, inf)"},
        {with([](auto& p) { p.kind = ScheduleKind::Edm; p.sigma_min = 100; }), "sigma_min = 100 must be below sigma_max = 80"},
        {with([](auto& p) { p.kind = ScheduleKind::Edm; p.rho = -1; }), "rho = -1"},
        {with([](auto& p) { p.kind = ScheduleKind::ChenSigmoid; p.tau = 0; }), "tau = 0"},
        {with([](auto& p) { p.kind = ScheduleKind::ChenSigmoid; p.start = 3; }), "start = 3 must be below end = 3"},
        {with([](auto& p) { p.kind = ScheduleKind::ChenSigmoid; p.start = 1e300, p.end = 2e300; }), "same value at both ends"},
        {with([](auto& p) { p.kind = ScheduleKind::ChenCosine; p.start = 0, p.end = 1.5; }), "end = 1.5 is outside the allowed range [0, 1]"},
        {with([](auto& p) { p.kind = ScheduleKind::Laplace; p.b = 0; }), "b = 0"},
        {with([](auto& p) { p.kind = ScheduleKind::Custom; }), "needs betas"},
    };
    for (const auto& c : cases) {
        auto s = make_schedule(c.p);
        INFO(c.expect);
        REQUIRE_FALSE(s.ok());
        CHECK_THAT(s.error(), Catch::Contains(c.expect));
    }
    // Parameters a kind does not use are not checked.
    ScheduleParams cos = default_params(ScheduleKind::Cosine);
    cos.beta_start = -5;
    CHECK(make_schedule(cos).ok());
}

TEST_CASE("parameters that add no noise are refused: cosine_s = 1e300 makes every beta 0", "[schedule]") {
    ScheduleParams p = default_params(ScheduleKind::Cosine);
    p.cosine_s = 1e300;
    auto s = make_schedule(p);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error(), Catch::Contains("add no noise") && Catch::Contains("cosine s=1e+300"));
    ScheduleParams c = default_params(ScheduleKind::Custom);
    c.betas = {0, 0, 0};
    c.T = 3;
    CHECK_THAT(make_schedule(c).error(), Catch::Contains("add no noise"));
    // Most of the signal left at T: allowed, with a warning.
    ScheduleParams weak;
    weak.T = 10;
    const Schedule w = *make_schedule(weak);
    REQUIRE(w.warnings.size() == 1);
    CHECK_THAT(w.warnings[0], Catch::Contains("alpha_bar_T = 0.9037"));
    CHECK(make(ScheduleKind::Linear, 1000).warnings.empty());
}

TEST_CASE("CSV: exact header, shortest round-trip numbers (std::to_chars), inf spelled out", "[schedule]") {
    const Schedule s = make(ScheduleKind::Cosine, 50, true);
    const std::string csv = schedule_csv(s);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,sigma,"
                  "posterior_variance,posterior_mean_coef_x0,posterior_mean_coef_xt,signal,noise,log_alpha_bar");
    int rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        std::istringstream cells(line);
        std::string cell;
        for (int c = 0; std::getline(cells, cell, ','); ++c) {
            REQUIRE(std::strtod(cell.c_str(), nullptr) == schedule_value(s, c, rows));
        }
    }
    CHECK(rows == 50);
    CHECK(csv.find(",0,-inf,inf,") != std::string::npos);
    const std::string lin = schedule_csv(make(ScheduleKind::Linear, 1000));
    CHECK(lin.find("\n1,0.0001,0.9999,0.9999,") != std::string::npos);
    CHECK(lin.find("\n1000,0.02,0.98,") != std::string::npos);
}

TEST_CASE("CSV and JSON with sampling rows: only those t, in order, with diffusers_timestep = t - 1", "[schedule]") {
    const Schedule s = make(ScheduleKind::Linear, 1000);
    const std::string csv = schedule_csv(s, {982, 1, 500});
    CHECK_THAT(csv, Catch::StartsWith("t,diffusers_timestep,beta,"));
    std::istringstream in(csv);
    std::string line;
    std::vector<std::string> starts;
    while (std::getline(in, line)) starts.push_back(line.substr(0, line.find(',', line.find(',') + 1)));
    CHECK(starts == std::vector<std::string>{"t,diffusers_timestep", "982,981", "1,0", "500,499"});
    const auto j = nlohmann::json::parse(schedule_json(s, {982, 1}));
    CHECK(j["t"] == std::vector<int>{982, 1});
    CHECK(j["diffusers_timestep"] == std::vector<int>{981, 0});
    CHECK(j["alpha_bar"][0].get<double>() == s.alpha_bar[982]);
}

TEST_CASE("JSON: the same columns as arrays plus the parameters, never a NaN", "[schedule]") {
    const Schedule s = make(ScheduleKind::ScaledLinear, 20, true);
    const auto j = nlohmann::json::parse(schedule_json(s));
    CHECK(j["parameters"]["schedule"] == "scaled-linear");
    CHECK(j["parameters"]["T"] == 20);
    CHECK(j["parameters"]["beta_start"] == 0.00085);
    CHECK(j["parameters"]["zero_terminal_snr"] == true);
    CHECK(j["parameters"]["shift"] == 1);
    for (int c = 0; c < int(kScheduleColumns.size()); ++c) {
        const auto& col = j[kScheduleColumns[c]];
        REQUIRE(col.size() == 20);
        for (int t = 1; t <= 20; ++t) {
            const double v = schedule_value(s, c, t);
            if (std::isfinite(v)) REQUIRE(col[t - 1].get<double>() == v);
            else REQUIRE(col[t - 1] == (v > 0 ? "inf" : "-inf"));
        }
    }
    ScheduleParams e = default_params(ScheduleKind::Edm);
    const auto je = nlohmann::json::parse(schedule_json(*make_schedule(e)));
    CHECK(je["parameters"]["sigma_max"] == 80);
    CHECK(je["parameters"]["rho"] == 7);
    CHECK_FALSE(je["parameters"].contains("beta_start"));
}

TEST_CASE("long schedules: log_snr and sigma stay exact where alpha_bar underflows", "[schedule]") {
    ScheduleParams p;
    p.T = 100000;
    const Schedule s = *make_schedule(p);
    // log alpha_bar = sum log(1 - beta_t), about -1011.77 here: far below double's range.
    long double log_ab = 0;
    for (int t = 1; t <= p.T; ++t) log_ab += std::log1p(-(long double)s.beta[t]);
    CHECK(s.alpha_bar[p.T] == 0.0);                  // underflowed, not stuck at a subnormal
    CHECK(s.log_alpha_bar[p.T] == Approx(double(log_ab)).epsilon(1e-14));
    CHECK(s.log_snr[p.T] == Approx(double(log_ab)).epsilon(1e-12));
    CHECK(s.sigma[p.T] == Approx(std::exp(-0.5 * double(log_ab))).epsilon(1e-10));
    for (int t = 2; t <= p.T; ++t) REQUIRE(s.log_snr[t] < s.log_snr[t - 1]);   // strictly falling throughout
}

TEST_CASE("schedule_column finds value columns by their CSV names", "[schedule]") {
    CHECK(schedule_column("beta") == 1);
    CHECK(schedule_column("alpha_bar") == 3);
    CHECK(schedule_column("posterior_mean_coef_xt") == 11);
    CHECK(schedule_column("signal") == 12);
    CHECK(schedule_column("log_alpha_bar") == 14);
    CHECK_FALSE(schedule_column("t"));
    CHECK_FALSE(schedule_column("alphabar"));
}

TEST_CASE("t_for_log_snr finds the t of the same noise level in another schedule", "[schedule]") {
    const Schedule cos = make(ScheduleKind::Cosine, 1000), lin = make(ScheduleKind::Linear, 1000);
    for (int t : {1, 100, 400, 800}) {
        const int u = t_for_log_snr(lin, cos.log_snr[t]);
        // the nearest: neither neighbour is closer
        const double d = std::abs(lin.log_snr[u] - cos.log_snr[t]);
        if (u > 1) CHECK(std::abs(lin.log_snr[u - 1] - cos.log_snr[t]) >= d);
        if (u < 1000) CHECK(std::abs(lin.log_snr[u + 1] - cos.log_snr[t]) >= d);
    }
    CHECK(t_for_log_snr(lin, INFINITY) == 0);
    CHECK(t_for_log_snr(lin, -1e9) == 1000);
    CHECK(t_for_log_snr(lin, lin.log_snr[321]) == 321);
}

TEST_CASE("schedule_label and number_text: shortest numbers", "[schedule]") {
    CHECK(number_text(0.05) == "0.05");
    CHECK(number_text(1e-9) == "1e-09");
    CHECK(number_text(INFINITY) == "inf");
    ScheduleParams p = default_params(ScheduleKind::Flow);
    p.shift = 3;
    CHECK(schedule_label(p) == "flow shift=3 T=1000");
    CHECK(schedule_label(ScheduleParams{}) == "linear 0.0001..0.02 T=1000");
}
