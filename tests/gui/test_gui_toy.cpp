// The 2D toy view and the 1D ribbon in the real window (Xvfb of the ctest fixture): the points are
// splatted on the CPU (llvmpipe) or drawn as GL points, the ribbon by core; read back from --screenshot PNGs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ddpm/image.h"
#include "gui.h"

namespace {

// Pixels in the image panel's canvas area whose channels spread by more than 80 (coloured points or heat).
int coloured_pixels(const ddpm::Rgb8& img, int x0, int y0, int x1, int y1, int* yellow = nullptr) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
            const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
            n += hi - lo > 80;
            if (yellow) *yellow += p[0] > 200 && p[1] > 150 && p[2] < 140;
        }
    return n;
}

}  // namespace

TEST_CASE("The 2D toy view draws the points, gathered at t = 0 and spread at t = T", "[gui][toy]") {
    const ddpm::Rgb8 t0 = test::screenshot("toy-t0", "--view toy2d --t 0 --toy-points 5000");
    const ddpm::Rgb8 tT = test::screenshot("toy-tT", "--view toy2d --t 1000 --toy-points 5000");
    // The canvas sits in the middle of the image panel (x 650..990, y 130..470 at 1280x800).
    const int c0 = coloured_pixels(t0, 650, 140, 990, 465), cT = coloured_pixels(tT, 650, 140, 990, 465);
    INFO("coloured pixels: t = 0 " << c0 << ", t = T " << cT);
    CHECK(c0 > 2000);
    // At t = 0 the moons cover a thin band; at t = T the same points fill the N(0, I) disc.
    CHECK(cT > c0 * 1.3);
}

TEST_CASE("The ribbon view shows the density from the data to N(0, 1)", "[gui][toy]") {
    const ddpm::Rgb8 r = test::screenshot("ribbon", "--view ribbon --t 300");
    int yellow = 0;
    const int coloured = coloured_pixels(r, 430, 120, 1260, 430, &yellow);
    INFO(coloured << " coloured, " << yellow << " yellow");
    CHECK(coloured > 50000);
    CHECK(yellow > 5000);
}

TEST_CASE("The 2D toy view's CPU splat (software renderers) and GL points draw the same picture", "[gui][toy]") {
    // llvmpipe takes the splat by default; DDPM_TOY_POINTS forces either way.
    setenv("DDPM_TOY_POINTS", "splat", 1);
    const ddpm::Rgb8 splat = test::screenshot("toy-splat", "--view toy2d --t 150 --toy-points 5000");
    setenv("DDPM_TOY_POINTS", "gl", 1);
    const ddpm::Rgb8 gl = test::screenshot("toy-gl", "--view toy2d --t 150 --toy-points 5000");
    unsetenv("DDPM_TOY_POINTS");
    REQUIRE(splat.width == gl.width);
    int differ = 0, coloured = 0;
    for (int y = 140; y < 465; ++y)
        for (int x = 650; x < 990; ++x) {
            const std::size_t k = (std::size_t(y) * std::size_t(gl.width) + std::size_t(x)) * 3;
            int d = 0;
            for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(splat.pixels[k + c]) - int(gl.pixels[k + c])));
            differ += d > 24;
            coloured += std::max({gl.pixels[k], gl.pixels[k + 1], gl.pixels[k + 2]}) > 100;
        }
    INFO(differ << " of 110500 canvas pixels differ by more than 24, " << coloured << " bright in the GL picture");
    CHECK(coloured > 2000);
    CHECK(differ < 110500 / 100);
}
