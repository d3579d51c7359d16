#pragma once
// A small line-plot widget on ImDrawList (ImPlot is not packaged for Debian). Series are indexed by
// t: value[t] is drawn at x = t. The axis and tick maths are pure functions, tested without ImGui.
#include <imgui.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddpm/schedule.h"

namespace plot {

// A tick step of 1, 2 or 5 times a power of ten giving about `target` intervals over span.
double nice_step(double span, int target);
// Multiples of the nice step inside [lo, hi].
std::vector<double> linear_ticks(double lo, double hi, int target = 5);
// Whole timesteps 0, step, 2 step, .. <= t_max on an axis `width` pixels wide whose labels are at most
// label_width pixels (gap included): spaced so that no two labels overlap.
std::vector<double> t_ticks(int t_max, double width, double label_width);
// Powers of ten inside [lo, hi] (lo > 0); when that gives fewer than three, 2x and 5x are added.
// Spans of many decades keep every k-th power so that at most max_ticks remain.
std::vector<double> log_ticks(double lo, double hi, int max_ticks = 8);
// A short label: as many decimals as the step needs, or 1e-4 style for small and large values.
std::string tick_label(double value, double step);
std::string log_tick_label(double value);

// The value range shown on an axis.
struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    // 0 at lo, 1 at hi (log axes in log10 space).
    double to_unit(double v) const;
    double from_unit(double u) const;
};
// The y axis around the finite values (positive only on a log axis), with a little margin;
// a flat or empty range still gives a usable axis.
Axis fit_axis(std::span<const std::span<const double>> series, bool log);
// The t under a horizontal position u in [0, 1] of an axis from 0 to T, rounded and clamped.
int t_at(double u, int T);

struct Series {
    std::string name;                 // legend entry (one per name)
    std::string tooltip;              // hover label; empty: the name
    std::span<const double> values;   // value[t], t = 0..size-1
    ImU32 color = IM_COL32_WHITE;
    bool faint = false;               // a pinned comparison curve
    int dash = 0;                     // 0 solid, 1 dashed, 2 dotted, 3 dash-dot: tells pins apart without colour
    // Where value[i] sits on the x axis: x[i] when given (log_snr, falling with i), else i * x_scale
    // (1: t; 1 / T: t/T).
    std::span<const double> x{};
    double x_scale = 1;
};

// The plot's x axis: t, t/T or log_snr. of_t and scale place the current schedule's t (its marker,
// the sampler's timesteps, a click): x = of_t[t] when given, else t * scale.
struct XAxis {
    ddpm::PlotXAxis mode = ddpm::PlotXAxis::T;
    std::span<const double> of_t{};
    double scale = 1;
};
// The axis for schedule s (the current one): x = t, t / T, or s.log_snr.
XAxis x_axis_for(const ddpm::Schedule& s, ddpm::PlotXAxis mode);
// Puts a series of schedule s (values indexed by t) on that axis: sets its x or x_scale.
void place_series(Series& series, const ddpm::Schedule& s, ddpm::PlotXAxis mode);
// x of a series at index i, and of the current schedule at t (may be +-inf for log_snr).
double series_x(const Series& s, std::size_t i);
double axis_x(const XAxis& a, int t);
// The index of s nearest to axis position x; x falling with the index when s.x is given.
std::size_t index_at_x(const Series& s, double x);
// The t of the current schedule nearest to axis position x, 0..T.
int t_at_x(const XAxis& a, double x, int T);
// The x range shown, left to right: [0, x_max] for t, [0, 1] for t/T, the finite log_snr of every
// series from high (left) to low (right).
struct XRange {
    double left = 0, right = 1;
};
XRange fit_x(std::span<const Series> series, const XAxis& a, int T);

// The last fitted y axis of one plot and what it was fitted to, so a frame whose series did not
// change skips the scan over every value (15% of a frame at T = 100000).
struct AxisCache {
    std::vector<uint64_t> key;   // per series: data pointer, size, 32 sampled values; then log_y
    Axis axis;
    bool valid = false;
    // fit_axis(series, log), recomputed only when the key changed.
    const Axis& fit(std::span<const std::span<const double>> series, bool log);
};

// Draws the plot in the next `size` of the window. A click or drag sets t (returns true then);
// hovering shows every series' value at the t under the mouse. With a cache, the y axis is
// refitted only when the series change.
// marks: timesteps drawn as thin vertical lines (the sampler's timesteps).
// x: the x axis (default t).
bool plot(const char* id, std::span<const Series> series, int T, int& t, bool log_y, ImVec2 size,
          std::span<const int> marks = {}, AxisCache* cache = nullptr, const XAxis& x = {});

}  // namespace plot
