// Schedules pinned to published values and to an independent transcription of the formulas.
#include <catch2/catch.hpp>
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

// The formulas as the papers and diffusers write them, straight from the definitions.
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

TEST_CASE("every schedule matches the formulas to 1e-12, with and without zero terminal SNR", "[schedule]") {
    for (const auto& k : kScheduleKinds)
        for (int T : {1, 2, 10, 1000, 4000})
            for (bool zts : {false, true}) {
                if (zts && T == 1) continue;
                ScheduleParams p = default_params(k.kind);
                p.T = T;
                p.zero_terminal_snr = zts;
                INFO(k.name << " T=" << T << " zts=" << zts);
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
                for (int t = 1; t <= T; ++t) {
                    const double a = s->alpha_bar[t], prev = s->alpha_bar[t - 1], beta = s->beta[t];
                    REQUIRE(s->alpha[t] == 1 - beta);
                    REQUIRE(rel(s->sqrt_alpha_bar[t], std::sqrt(a)) < 1e-15);
                    REQUIRE(rel(s->sqrt_one_minus_alpha_bar[t], std::sqrt(1 - a)) < 1e-15);
                    REQUIRE(rel(s->snr[t], a / (1 - a)) < 1e-15);
                    REQUIRE(rel(s->sigma[t], std::sqrt((1 - a) / a)) < 1e-15);
                    REQUIRE(rel(s->posterior_variance[t], beta * (1 - prev) / (1 - a)) < 1e-15);
                    REQUIRE(rel(s->posterior_mean_coef_x0[t], beta * std::sqrt(prev) / (1 - a)) < 1e-15);
                    REQUIRE(rel(s->posterior_mean_coef_xt[t], std::sqrt(1 - beta) * (1 - prev) / (1 - a)) < 1e-15);
                }
            }
}

TEST_CASE("zero terminal SNR: alpha_bar_T is exactly 0, alpha_bar_1 unchanged, no NaN", "[schedule]") {
    for (const auto& k : kScheduleKinds) {
        INFO(k.name);
        const Schedule plain = make(k.kind, 1000), zero = make(k.kind, 1000, true);
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
        {with([](auto& p) { p.beta_start = 0.03; }), "beta_start = 0.029999999999999999 is larger than beta_end = 0.02"},
        {with([](auto& p) { p.kind = ScheduleKind::Cosine; p.cosine_s = 0; }), "cosine_s = 0 is outside the allowed range (0, inf)"},
        {with([](auto& p) { p.kind = ScheduleKind::Cosine; p.max_beta = -1; }), "max_beta = -1"},
        {with([](auto& p) { p.T = 1; p.zero_terminal_snr = true; }), "zero_terminal_snr needs T >= 2"},
    };
    for (const auto& c : cases) {
        auto s = make_schedule(c.p);
        REQUIRE_FALSE(s.ok());
        CHECK_THAT(s.error(), Catch::Contains(c.expect));
    }
    // Parameters a kind does not use are not checked.
    ScheduleParams cos = default_params(ScheduleKind::Cosine);
    cos.beta_start = -5;
    CHECK(make_schedule(cos).ok());
}

TEST_CASE("CSV: exact header, 17 significant digits that round-trip, inf spelled out", "[schedule]") {
    const Schedule s = make(ScheduleKind::Cosine, 50, true);
    const std::string csv = schedule_csv(s);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,sigma,"
                  "posterior_variance,posterior_mean_coef_x0,posterior_mean_coef_xt");
    int rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        std::istringstream cells(line);
        std::string cell;
        for (int c = 0; std::getline(cells, cell, ','); ++c) REQUIRE(std::strtod(cell.c_str(), nullptr) == schedule_value(s, c, rows));
    }
    CHECK(rows == 50);
    CHECK(csv.find(",0,-inf,inf,") != std::string::npos);
}

TEST_CASE("JSON: the same columns as arrays plus the parameters", "[schedule]") {
    const Schedule s = make(ScheduleKind::ScaledLinear, 20, true);
    const auto j = nlohmann::json::parse(schedule_json(s));
    CHECK(j["parameters"]["schedule"] == "scaled-linear");
    CHECK(j["parameters"]["T"] == 20);
    CHECK(j["parameters"]["beta_start"] == 0.00085);
    CHECK(j["parameters"]["zero_terminal_snr"] == true);
    for (int c = 0; c < int(kScheduleColumns.size()); ++c) {
        const auto& col = j[kScheduleColumns[c]];
        REQUIRE(col.size() == 20);
        for (int t = 1; t <= 20; ++t) {
            const double v = schedule_value(s, c, t);
            if (std::isfinite(v)) REQUIRE(col[t - 1].get<double>() == v);
            else REQUIRE(col[t - 1] == (v > 0 ? "inf" : "-inf"));
        }
    }
}

TEST_CASE("long schedules: log_snr and sigma stay exact where alpha_bar underflows", "[schedule]") {
    ScheduleParams p;
    p.T = 100000;
    const Schedule s = *make_schedule(p);
    // log alpha_bar = sum log(1 - beta_t), about -1011.77 here: far below double's range.
    double log_ab = 0;
    for (int t = 1; t <= p.T; ++t) log_ab += std::log(1 - s.beta[t]);
    CHECK(s.alpha_bar[p.T] == 0.0);                  // underflowed, not stuck at a subnormal
    CHECK(s.log_snr[p.T] == Approx(log_ab).epsilon(1e-12));
    CHECK(s.sigma[p.T] == Approx(std::exp(-0.5 * log_ab)).epsilon(1e-10));
    for (int t = 2; t <= p.T; ++t) REQUIRE(s.log_snr[t] < s.log_snr[t - 1]);   // strictly falling throughout
}

TEST_CASE("schedule_column finds value columns by their CSV names", "[schedule]") {
    CHECK(schedule_column("beta") == 1);
    CHECK(schedule_column("alpha_bar") == 3);
    CHECK(schedule_column("posterior_mean_coef_xt") == 11);
    CHECK_FALSE(schedule_column("t"));
    CHECK_FALSE(schedule_column("alphabar"));
}
