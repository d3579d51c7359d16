// The plot widget's axis and tick maths (pure functions; no ImGui context needed).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "plot.h"


namespace {
void check_ticks(const std::vector<double>& got, const std::vector<double>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(1e-12));
}
}  // namespace

TEST_CASE("Tick steps are 1, 2 or 5 times a power of ten", "[plot]") {
    CHECK(plot::nice_step(1000, 5) == Approx(200));
    CHECK(plot::nice_step(1, 5) == Approx(0.2));
    CHECK(plot::nice_step(0.02, 4) == Approx(0.005));
    CHECK(plot::nice_step(7, 5) == Approx(1));
    CHECK(plot::nice_step(19.4, 4) == Approx(5));
    CHECK(plot::nice_step(0, 5) == 1);   // degenerate spans still give a step
}

TEST_CASE("Linear ticks cover the range at round values", "[plot]") {
    check_ticks(plot::linear_ticks(0, 1000, 5), {0, 200, 400, 600, 800, 1000});
    check_ticks(plot::linear_ticks(-0.04, 1.04, 5), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
    const auto ticks = plot::linear_ticks(-10.3, 9.1, 4);
    check_ticks(ticks, {-10, -5, 0, 5});
    CHECK_FALSE(std::signbit(ticks[2]));   // "0", never "-0"
    CHECK(plot::linear_ticks(1, 1).empty());
}

TEST_CASE("Log ticks are decades, thinned over many decades, with 2 and 5 over less than three", "[plot]") {
    check_ticks(plot::log_ticks(1e-5, 1), {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1});
    const auto wide = plot::log_ticks(1e-20, 1, 8);
    CHECK(wide.size() <= 8);
    CHECK(wide.front() == Approx(1e-20));
    check_ticks(plot::log_ticks(0.015, 0.09), {0.02, 0.05});
    check_ticks(plot::log_ticks(0.9, 25), {1, 2, 5, 10, 20});
    CHECK(plot::log_ticks(0, 1).empty());
}

TEST_CASE("Tick labels show the digits the step needs", "[plot]") {
    CHECK(plot::tick_label(0.4, 0.2) == "0.4");
    CHECK(plot::tick_label(250, 50) == "250");
    CHECK(plot::tick_label(-5, 5) == "-5");
    CHECK(plot::tick_label(0, 0.1) == "0");
    CHECK(plot::tick_label(0.015, 0.005) == "0.015");
    CHECK(plot::tick_label(2e-5, 1e-5) == "2e-5");
    CHECK(plot::tick_label(1.5e-5, 5e-6) == "1.5e-5");
    CHECK(plot::tick_label(1e6, 2e5) == "1.0e6");
    CHECK(plot::log_tick_label(1e-4) == "0.0001");
    CHECK(plot::log_tick_label(1e-5) == "1e-5");
    CHECK(plot::log_tick_label(100) == "100");
    CHECK(plot::log_tick_label(1e6) == "1e6");
}

TEST_CASE("Axes map values to [0, 1] and back, log axes in log space", "[plot]") {
    const plot::Axis linear{-1, 3, false};
    CHECK(linear.to_unit(1) == Approx(0.5));
    CHECK(linear.from_unit(0.25) == Approx(0));
    const plot::Axis log{1e-4, 1, true};
    CHECK(log.to_unit(1e-2) == Approx(0.5));
    CHECK(log.from_unit(0.75) == Approx(0.1));
    for (double v : {2e-4, 0.003, 0.5}) CHECK(log.from_unit(log.to_unit(v)) == Approx(v));
}

TEST_CASE("fit_axis frames the finite values with a margin and skips what cannot be drawn", "[plot]") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> alpha_bar{1, 0.5, 0.0};
    const std::vector<double> beta{0, 1e-4, 0.02};
    const std::vector<double> log_snr{inf, 2, -10};

    std::vector<std::span<const double>> both{alpha_bar, beta};
    const plot::Axis a = plot::fit_axis(both, false);
    CHECK(a.lo < 0);
    CHECK(a.lo > -0.1);
    CHECK(a.hi > 1);
    CHECK(a.hi < 1.1);

    std::vector<std::span<const double>> betas{beta};
    const plot::Axis b = plot::fit_axis(betas, true);   // beta_0 = 0 has no place on a log axis
    CHECK(b.log);
    CHECK(b.lo > 0);
    CHECK(b.lo < 1e-4);
    CHECK(b.hi > 0.02);

    std::vector<std::span<const double>> snr{log_snr};
    const plot::Axis c = plot::fit_axis(snr, false);   // log_snr_0 = inf is skipped
    CHECK(std::isfinite(c.hi));
    CHECK(c.hi > 2);
    CHECK(c.lo < -10);

    const std::vector<double> flat{5, 5, 5};
    std::vector<std::span<const double>> flats{flat};
    const plot::Axis d = plot::fit_axis(flats, false);
    CHECK(d.lo < 5);
    CHECK(d.hi > 5);
    const plot::Axis e = plot::fit_axis({}, false);
    CHECK(e.hi > e.lo);
}

TEST_CASE("The t under the mouse is rounded and clamped to 0..T", "[plot]") {
    CHECK(plot::t_at(0.5, 1000) == 500);
    CHECK(plot::t_at(0.0004, 1000) == 0);
    CHECK(plot::t_at(0.0006, 1000) == 1);
    CHECK(plot::t_at(-0.2, 1000) == 0);
    CHECK(plot::t_at(1.3, 1000) == 1000);
    CHECK(plot::t_at(1, 7) == 7);
}

TEST_CASE("Timestep ticks are whole steps whose labels never overlap", "[plot]") {
    // T = 1: 0 and 1, not 0, 0.2, .. labelled "0 0 0 1 1 1".
    check_ticks(plot::t_ticks(1, 300, 20), {0, 1});
    check_ticks(plot::t_ticks(1000, 600, 40), {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000});
    // T = 100000 on the narrow log_snr plot: "100000" labels (about 55 px with the gap) on 300 px.
    const double width = 300, label = 55;
    const auto ticks = plot::t_ticks(100000, width, label);
    check_ticks(ticks, {0, 50000, 100000});
    for (std::size_t i = 1; i < ticks.size(); ++i)
        CHECK((ticks[i] - ticks[i - 1]) / 100000 * width >= 1.5 * label);
    // Wide or narrow, every tick is a whole timestep inside 0..T.
    for (int T : {1, 7, 999, 4000, 100000})
        for (double w : {120.0, 400.0, 2000.0})
            for (double t : plot::t_ticks(T, w, 40)) {
                CHECK(t == std::floor(t));
                CHECK(t >= 0);
                CHECK(t <= T);
            }
}

namespace {
// The t of s whose log_snr is nearest to x, by a plain scan (t = 0 is +inf, never nearest).
int nearest_by_scan(const ddpm::Schedule& s, double x) {
    int best = 0;
    double d = std::numeric_limits<double>::infinity();
    for (int t = 0; t <= s.T(); ++t)
        if (std::abs(s.log_snr[std::size_t(t)] - x) < d) d = std::abs(s.log_snr[std::size_t(t)] - x), best = t;
    return best;
}
}  // namespace

TEST_CASE("x axis t/T: a pin of another T is read at its own t for the same fraction", "[plot]") {
    const auto a = *ddpm::make_schedule({});                       // linear, T = 1000
    auto p = ddpm::default_params(ddpm::ScheduleKind::Cosine);
    p.T = 250;
    const auto b = *ddpm::make_schedule(p);
    const plot::XAxis axis = plot::x_axis_for(a, ddpm::PlotXAxis::Fraction);
    CHECK(plot::axis_x(axis, 400) == Approx(0.4));
    CHECK(plot::t_at_x(axis, 0.4, a.T()) == 400);
    plot::Series pin{"cosine", "", b.alpha_bar};
    plot::place_series(pin, b, ddpm::PlotXAxis::Fraction);
    CHECK(plot::series_x(pin, 100) == Approx(0.4));
    CHECK(plot::index_at_x(pin, 0.4) == 100);
    CHECK(plot::index_at_x(pin, 2.0) == 250);   // past the end: the last t
    const plot::Series pins[] = {pin};
    const auto range = plot::fit_x(pins, axis, a.T());
    CHECK(range.left == 0);
    CHECK(range.right == 1);
}

TEST_CASE("x axis log_snr: high on the left, t found by noise level, infinities left out", "[plot]") {
    const auto a = *ddpm::make_schedule({});
    auto zp = ddpm::default_params(ddpm::ScheduleKind::ScaledLinear);
    zp.zero_terminal_snr = true;   // log_snr_T = -inf
    const auto z = *ddpm::make_schedule(zp);
    REQUIRE(std::isinf(z.log_snr.back()));
    const plot::XAxis axis = plot::x_axis_for(a, ddpm::PlotXAxis::LogSnr);
    for (int t : {1, 2, 17, 300, 999, 1000}) CHECK(plot::t_at_x(axis, a.log_snr[std::size_t(t)], a.T()) == t);
    CHECK(plot::t_at_x(axis, 1e9, a.T()) == 1);    // t = 0 (log_snr +inf) has no place on the axis: the slider reaches it
    CHECK(plot::t_at_x(axis, -1e9, a.T()) == a.T());
    plot::Series pin{"zero snr", "", z.alpha_bar};
    plot::place_series(pin, z, ddpm::PlotXAxis::LogSnr);
    for (double x : {8.0, 3.3, 0.0, -2.5, -9.0, -30.0}) {
        INFO(x);
        CHECK(int(plot::index_at_x(pin, x)) == nearest_by_scan(z, x));
    }
    const plot::Series series[] = {plot::Series{"a", "", a.alpha_bar}, pin};
    const auto range = plot::fit_x(series, axis, a.T());
    // From the highest finite log_snr of either (t = 1) to the lowest finite one, with a small margin.
    const double hi = std::max(a.log_snr[1], z.log_snr[1]);
    const double lo = std::min(a.log_snr[1000], z.log_snr[999]);
    CHECK(range.left > range.right);
    CHECK(range.left == Approx(hi + 0.02 * (hi - lo)));
    CHECK(range.right == Approx(lo - 0.02 * (hi - lo)));
}
