// The plot's y-axis cache: the same axis as fit_axis, refitted when the series change.
#include <catch2/catch.hpp>
#include <vector>

#include "plot.h"

TEST_CASE("the axis cache gives fit_axis's axis and refits when the series or the scale change", "[plot]") {
    std::vector<double> a(100001), b(100001);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = double(i) / 100000, b[i] = 1 - a[i] * 0.5;
    std::vector<std::span<const double>> series{a, b};
    plot::AxisCache cache;
    const plot::Axis want = plot::fit_axis(series, false);
    CHECK(cache.fit(series, false).lo == want.lo);
    CHECK(cache.fit(series, false).hi == want.hi);
    // The same memory and size with new values (a new schedule reusing the old one's buffer).
    for (auto& v : a) v *= 3;
    CHECK(cache.fit(series, false).hi == plot::fit_axis(series, false).hi);
    CHECK(cache.fit(series, false).hi > want.hi * 2);
    // Log scale is another axis.
    CHECK(cache.fit(series, true).log);
    CHECK(cache.fit(series, true).lo == plot::fit_axis(series, true).lo);
    // Fewer series.
    series.pop_back();
    CHECK(cache.fit(series, false).lo == plot::fit_axis(series, false).lo);
}
