// The schedule plot's x axis (t, t/T, log_snr) and the schedule's short file-name form.
#include <catch2/catch.hpp>

#include <cmath>

#include "ddpm/export.h"
#include "ddpm/schedule.h"

using namespace ddpm;

namespace {
// Columns of the plot area (below the title and legend rows) holding at least one pixel of rgb.
int columns_with(const Rgb8& img, const uint8_t rgb[3], int y0) {
    int n = 0;
    for (int x = 0; x < img.width; ++x)
        for (int y = y0; y < img.height; ++y) {
            const uint8_t* p = &img.pixels[(std::size_t(y) * img.width + x) * 3];
            if (p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2]) {
                ++n;
                break;
            }
        }
    return n;
}
}  // namespace

TEST_CASE("plot x axis names read back, with the short forms", "[plot]") {
    for (const auto& a : kPlotXAxes) CHECK(parse_plot_x_axis(plot_x_axis_name(a.axis)) == a.axis);
    CHECK(parse_plot_x_axis("u") == PlotXAxis::Fraction);
    CHECK(parse_plot_x_axis("log-snr") == PlotXAxis::LogSnr);
    CHECK_FALSE(parse_plot_x_axis("snr"));
    const Schedule s = *make_schedule({});
    CHECK(plot_x(s, PlotXAxis::T, 250) == 250);
    CHECK(plot_x(s, PlotXAxis::Fraction, 250) == 0.25);
    // log_snr = ln(alpha_bar / (1 - alpha_bar)) for a VP schedule
    CHECK(plot_x(s, PlotXAxis::LogSnr, 250) == Approx(std::log(s.alpha_bar[250] / (1 - s.alpha_bar[250]))).epsilon(1e-12));
    CHECK(std::isinf(plot_x(s, PlotXAxis::LogSnr, 0)));
}

TEST_CASE("plot on a log_snr axis: every VP schedule's alpha_bar is one curve", "[plot]") {
    // alpha_bar = sigmoid(log_snr) whatever the schedule, so on a log_snr axis the pin's curve covers
    // the main one; on a t axis linear and cosine part (cosine keeps more signal in the middle).
    const Schedule linear = *make_schedule({});
    PlotOptions o;
    o.width = 800, o.height = 500;
    o.curves = {"alpha_bar"};
    o.pins = {default_params(ScheduleKind::Cosine)};
    o.title = "x";
    static constexpr uint8_t kMain[3] = {31, 119, 180}, kPin[3] = {214, 39, 40};   // colour per schedule
    const int below_legend = 140;   // the legend's two rows sit above this at scale 2
    o.x_axis = PlotXAxis::T;
    const Rgb8 by_t = render_plot(linear, o);
    o.x_axis = PlotXAxis::LogSnr;
    const Rgb8 by_snr = render_plot(linear, o);
    const int main_t = columns_with(by_t, kMain, below_legend), main_snr = columns_with(by_snr, kMain, below_legend);
    INFO("main columns visible: t axis " << main_t << ", log_snr axis " << main_snr);
    CHECK(main_t > 300);                 // two curves apart across most of the width
    CHECK(main_snr < main_t / 10);       // hidden under the pin's identical curve
    CHECK(columns_with(by_snr, kPin, below_legend) > 300);
    CHECK(by_t.pixels != by_snr.pixels);
}

TEST_CASE("plot x axis t with pins of another T falls back to t/T", "[plot]") {
    const Schedule a = *make_schedule({});
    PlotOptions o;
    o.curves = {"alpha_bar"};
    ScheduleParams p = default_params(ScheduleKind::Cosine);
    p.T = 100;
    o.pins = {p};
    o.x_axis = PlotXAxis::T;
    const Rgb8 t_axis = render_plot(a, o);
    o.x_axis = PlotXAxis::Fraction;
    CHECK(render_plot(a, o).pixels == t_axis.pixels);
}

TEST_CASE("schedule slugs are short, safe and name what differs from the defaults", "[schedule]") {
    CHECK(schedule_slug({}) == "linear");
    ScheduleParams f = default_params(ScheduleKind::Flow);
    f.shift = 3;
    CHECK(schedule_slug(f) == "flow-shift3");
    ScheduleParams c = default_params(ScheduleKind::Cosine);
    c.shift = 0.125, c.T = 500, c.zero_terminal_snr = true;
    CHECK(schedule_slug(c) == "cosine-shift0.125-zsnr-T500");
    for (const auto& k : kScheduleKinds) {
        const std::string slug = schedule_slug(default_params(k.kind));
        for (char ch : slug) CHECK((std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.'));
    }
}
