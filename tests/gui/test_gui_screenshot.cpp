// Runs the real window on the Xvfb display of the ctest fixture (tests/gui/xvfb.sh) and looks at
// --screenshot PNGs. Regions follow the first layout on a 1280x800 screen: controls on the left,
// the image top right, the plots below it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>

#include "ddpm/image.h"
#include "gui.h"

namespace {

using test::screenshot;

struct Box {
    int x0, y0, x1, y1;
};
const Box kImage{670, 200, 970, 360};     // the middle of the image view
const Box kPlots{370, 490, 1270, 775};    // both plots

const uint8_t* at(const ddpm::Rgb8& image, int x, int y) {
    return &image.pixels[(std::size_t(y) * image.width + x) * 3];
}

double stddev(const ddpm::Rgb8& image, Box b) {
    double sum = 0, sum2 = 0, n = 0;
    for (int y = b.y0; y < b.y1; ++y)
        for (int x = b.x0; x < b.x1; ++x)
            for (int c = 0; c < 3; ++c) {
                const double v = at(image, x, y)[c];
                sum += v, sum2 += v * v, n += 1;
            }
    return std::sqrt(sum2 / n - (sum / n) * (sum / n));
}

double mean_abs_difference(const ddpm::Rgb8& a, const ddpm::Rgb8& b, Box box) {
    double sum = 0, n = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x)
            for (int c = 0; c < 3; ++c, n += 1) sum += std::abs(int(at(a, x, y)[c]) - int(at(b, x, y)[c]));
    return sum / n;
}

// Pixels within `tolerance` of a curve colour (plot.cpp's series colours).
int count_colour(const ddpm::Rgb8& image, Box box, int r, int g, int b, int tolerance = 40) {
    int n = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x) {
            const uint8_t* p = at(image, x, y);
            n += std::abs(p[0] - r) + std::abs(p[1] - g) + std::abs(p[2] - b) <= tolerance;
        }
    return n;
}

// Pixels of a text colour drawn anti-aliased at any brightness: the UI font's thin strokes seldom reach the
// full colour, but keep its proportions (g/r and b/r within 0.06 of the colour's, red channel at least 110).
int count_hue(const ddpm::Rgb8& image, Box box, int r, int g, int b) {
    int n = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x) {
            const uint8_t* p = at(image, x, y);
            if (p[0] < 110) continue;
            const double gr = double(p[1]) / p[0], br = double(p[2]) / p[0];
            n += std::abs(gr - double(g) / r) < 0.06 && std::abs(br - double(b) / r) < 0.06;
        }
    return n;
}

}  // namespace

TEST_CASE("The window shows the cat dissolving as t moves, and the schedule plots", "[gui]") {
    const ddpm::Rgb8 clean = screenshot("t0", "--t 0 --seed 1");
    const ddpm::Rgb8 noisy = screenshot("t1000", "--t 1000 --seed 1");
    REQUIRE(clean.width == 1280);
    REQUIRE(clean.height == 800);
    REQUIRE(noisy.width == 1280);

    // The image region is not blank (the photo at t = 0 has structure; pure noise at t = T too)...
    CHECK(stddev(clean, kImage) > 15);
    CHECK(stddev(noisy, kImage) > 40);
    // ...and differs between the two timesteps.
    CHECK(mean_abs_difference(clean, noisy, kImage) > 30);

    // The plots are drawn: alpha_bar (blue) and log_snr (purple) curves are there.
    CHECK(count_colour(clean, kPlots, 90, 160, 255) > 300);
    CHECK(count_colour(clean, kPlots, 200, 140, 255) > 150);
    // Outside the image the two screenshots barely differ (only the t marker, slider and numbers).
    CHECK(mean_abs_difference(clean, noisy, kPlots) < 5);
}

TEST_CASE("The equation view shows x0, eps and x_t side by side", "[gui]") {
    const ddpm::Rgb8 eq = screenshot("equation", "--t 500 --view equation");
    REQUIRE(eq.width == 1280);
    // Three images across the image view: the clean cat on the left is smooth, eps on the right
    // of it is noise; x_t (right) is noisy too.
    const Box left{400, 200, 600, 300}, middle{720, 200, 920, 300}, right{1040, 200, 1240, 300};
    const double s_left = stddev(eq, left), s_middle = stddev(eq, middle), s_right = stddev(eq, right);
    CHECK(s_left > 10);
    CHECK(s_middle > 60);
    CHECK(s_right > 40);
}

TEST_CASE("An unreadable image does not stop the window: the status line says why", "[gui]") {
    const std::filesystem::path bad = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "gui-out" / "not-an-image.png";
    std::filesystem::create_directories(bad.parent_path());
    std::ofstream(bad) << "this is not a PNG";
    const ddpm::Rgb8 shot = screenshot("bad-image", "'" + bad.string() + "' --t 0");
    // The cat is shown instead, and the status line (bottom row of text) has text on it.
    CHECK(stddev(shot, kImage) > 15);
    CHECK(stddev(shot, Box{4, 784, 400, 798}) > 10);
}

TEST_CASE("Without OpenGL 3.3 the window says so and exits with 1", "[gui]") {
    // Mesa pretends to offer only OpenGL 3.1.
    const std::filesystem::path dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "gui-out";
    std::filesystem::create_directories(dir);
    const std::string err = (dir / "no-gl33.txt").string();
    const std::string command = "env DISPLAY=" + test::xvfb_display() + " MESA_GL_VERSION_OVERRIDE=3.1 '" + DDPM_VIZ_EXE +
                                "' --screenshot '" + (dir / "never.png").string() + "' 2>'" + err + "'";
    const int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    std::ifstream in(err);
    std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(message, Catch::Contains("OpenGL 3.3 is not available"));
    CHECK(std::count(message.begin(), message.end(), '\n') == 1);   // one clear message
}

#include <csignal>
#include <unistd.h>

namespace {
// The window title after dropping `file` on the running window (tests/gui/xdnd_drop.c).
std::string drop(const std::string& file) {
    const std::string command = "env DISPLAY=" + test::xvfb_display() + " '" + DDPM_XDND_DROP + "' '" + file + "'";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    char line[512] = {0};
    const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
    REQUIRE(pclose(pipe) == 0);
    REQUIRE(got);
    std::string title = line;
    while (!title.empty() && title.back() == '\n') title.pop_back();
    return title;
}
}  // namespace

TEST_CASE("A photo dropped on the window replaces the cat, and a broken file leaves it", "[gui]") {
    const std::filesystem::path dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "gui-out";
    std::filesystem::create_directories(dir / "config");
    const std::filesystem::path broken = dir / "dropped-broken.png";
    std::ofstream(broken) << "not a png";
    const std::string x = test::xvfb_display();
    REQUIRE_FALSE(x.empty());
    const std::string config = (dir / "config").string();
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        setenv("DISPLAY", x.c_str(), 1);
        setenv("XDG_CONFIG_HOME", config.c_str(), 1);
        execl(DDPM_VIZ_EXE, DDPM_VIZ_EXE, static_cast<char*>(nullptr));
        _exit(127);
    }
    std::string coffee, after_broken;
    {
        coffee = drop(DDPM_SOURCE_DIR "/assets/coffee.png");
        after_broken = drop(broken.string());
    }
    const bool alive = kill(pid, 0) == 0;
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(coffee == "ddpm-viz - coffee.png");
    CHECK(after_broken == "ddpm-viz - coffee.png");
    CHECK(alive);
}

TEST_CASE("The Distribution, Reparameterization and How it works windows open and draw their curves", "[gui]") {
    // Each window covers the middle of the image view with its dark background; each adds its own colour there,
    // which the others lack.
    const Box middle{440, 110, 930, 470};
    const ddpm::Rgb8 dist = screenshot("distribution", "--t 1000 --show distribution");
    const ddpm::Rgb8 reparam = screenshot("reparam", "--t 1000 --show reparam");
    const ddpm::Rgb8 how = screenshot("how-it-works", "--t 1000 --show how-it-works");
    // The exact q(x_t) in orange.
    CHECK(count_colour(dist, middle, 255, 160, 60, 30) > count_colour(reparam, middle, 255, 160, 60, 30) + 400);
    // The density N(mu, sigma^2) in green.
    CHECK(count_colour(reparam, middle, 120, 220, 120, 30) > count_colour(dist, middle, 120, 220, 120, 30) + 120);
    // Section headings in gold, at the left edge of the How it works window (x 335..965 in this layout).
    const Box how_box{335, 60, 965, 630};
    INFO("gold: how " << count_hue(how, how_box, 255, 204, 115) << ", distribution " << count_hue(dist, how_box, 255, 204, 115));
    CHECK(count_hue(how, how_box, 255, 204, 115) > count_hue(dist, how_box, 255, 204, 115) + 300);
}

TEST_CASE("T = 10 warns in the values panel that x_T is far from the prior", "[gui]") {
    // The warning is gold text under the values, in the Controls column; T = 1000 has none there.
    // At UI scale 0.75 the whole merged Controls column (process, schedule families, values) fits in 800 px.
    const Box values{4, 40, 350, 780};
    const ddpm::Rgb8 short_chain = screenshot("t10", "--T 10 --t 10 --ui-scale 0.75");
    const ddpm::Rgb8 long_chain = screenshot("t1000", "--t 1000 --ui-scale 0.75");
    INFO("gold: T = 10 " << count_hue(short_chain, values, 255, 191, 77) << ", T = 1000 " << count_hue(long_chain, values, 255, 191, 77));
    CHECK(count_hue(short_chain, values, 255, 191, 77) > 200);
    CHECK(count_hue(long_chain, values, 255, 191, 77) < 20);
}

TEST_CASE("The step view shows x_{t-1} and x_t nearly alike and the step's noise between them", "[gui][chain]") {
    const ddpm::Rgb8 shot = screenshot("step", "--view step --t 100 --process chain");
    // Tiles of the merged layout: x_{t-1} at x 368..593, the noise at 676..901, x_t at 933..1158 (y 152..300).
    const Box prev{380, 160, 580, 290}, noise{700, 160, 880, 290}, xt{945, 160, 1145, 290};
    // One step of beta = 0.002 changes each value by about 0.045 (3 levels of 255), the noise tile is N(0, 1).
    const double step_change = mean_abs_difference(shot, [&] {
        ddpm::Rgb8 moved = shot;   // x_t's tile laid over x_{t-1}'s
        for (int y = prev.y0; y < prev.y1; ++y)
            for (int x = prev.x0; x < prev.x1; ++x)
                std::copy_n(at(shot, x + (xt.x0 - prev.x0), y), 3,
                            &moved.pixels[(std::size_t(y) * moved.width + std::size_t(x)) * 3]);
        return moved;
    }(), prev);
    INFO("mean |x_t - x_{t-1}| " << step_change << ", noise tile sd " << stddev(shot, noise));
    CHECK(step_change < 12);
    CHECK(stddev(shot, noise) > 60);
}

TEST_CASE("The compare view shows two different noisy images and the probe window draws the chain path", "[gui][chain]") {
    const ddpm::Rgb8 cmp = screenshot("compare", "--view compare --t 500");
    const Box closed{400, 120, 680, 300}, chain{745, 120, 1025, 300};
    CHECK(stddev(cmp, closed) > 40);
    CHECK(stddev(cmp, chain) > 40);
    ddpm::Rgb8 shifted = cmp;
    for (int y = closed.y0; y < closed.y1; ++y)
        for (int x = closed.x0; x < closed.x1; ++x)
            std::copy_n(at(cmp, x + (chain.x0 - closed.x0), y), 3, &shifted.pixels[(std::size_t(y) * shifted.width + std::size_t(x)) * 3]);
    CHECK(mean_abs_difference(cmp, shifted, closed) > 30);   // pixel by pixel they differ

    const ddpm::Rgb8 probe = screenshot("probe", "--process chain --t 300 --probe 200,150");
    const int red = count_colour(probe, Box{710, 110, 1240, 380}, 255, 90, 70, 50);
    INFO(red << " chain-path pixels");
    CHECK(red > 300);
}

TEST_CASE("The chain strip view draws x_0 -> x_1 -> ... -> x_T with arrows: x_1 close to x_0, x_T noise", "[gui][chain]") {
    const ddpm::Rgb8 shot = screenshot("strip", "--view strip --t 100 --process chain");
    // Two rows in the merged layout: x_0, x_1, x_2 at y 147..236; x_99, x_100, x_1000 at y 293..381.
    const Box x0{372, 152, 496, 232}, x1{673, 152, 797, 232}, xT{1142, 298, 1266, 376};
    ddpm::Rgb8 moved = shot;   // x_1's tile laid over x_0's
    for (int y = x0.y0; y < x0.y1; ++y)
        for (int x = x0.x0; x < x0.x1; ++x)
            std::copy_n(at(shot, x + (x1.x0 - x0.x0), y), 3, &moved.pixels[(std::size_t(y) * moved.width + std::size_t(x)) * 3]);
    const double one_step = mean_abs_difference(shot, moved, x0);
    INFO("mean |x_1 - x_0| " << one_step << ", x_T sd " << stddev(shot, xT));
    CHECK(one_step < 8);
    CHECK(stddev(shot, xT) > 60);
    // The arrow x_0 -> x_1 (white, 2 px) between the tiles.
    CHECK(count_colour(shot, Box{515, 185, 650, 195}, 255, 255, 255, 40) > 100);
}
