// ddpm-viz --render: x_t through the shader, offscreen (EGL), written as PNG. Runs the real binary.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/schedule.h"
#include "run.h"

namespace {
// Without a display: --render must not need one. run_viz names its output files per process and
// call, and each case writes into its own TempDir, so ctest -j runs the cases side by side.
test::RunResult run_headless(const std::string& args) { return test::run_viz(args, "env -u DISPLAY"); }
}  // namespace

TEST_CASE("The --render flag writes the cat's x_t at native size, equal to core's q_sample within one level", "[render]") {
    const test::TempDir dir;
    const auto png = dir / "cat-cosine-t300.png";
    const auto r = run_headless("--render '" + png + "' --schedule cosine --t 300 --seed 17");
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    auto got = ddpm::load_image(png);
    REQUIRE(got.ok());
    auto cat = ddpm::load_image(DDPM_SOURCE_DIR "/assets/chelsea.png");
    REQUIRE(cat.ok());
    const auto s = ddpm::make_schedule(ddpm::default_params(ddpm::ScheduleKind::Cosine));
    REQUIRE(s.ok());
    const ddpm::Rgb8 expected = ddpm::to_rgb8(ddpm::q_sample(*cat, *s, 300, 17));
    const ddpm::Rgb8 rendered = ddpm::to_rgb8(*got);
    REQUIRE(rendered.width == 451);
    REQUIRE(rendered.height == 300);
    std::size_t equal = 0;
    int worst = 0;
    for (std::size_t i = 0; i < expected.pixels.size(); ++i) {
        const int d = std::abs(int(expected.pixels[i]) - int(rendered.pixels[i]));
        equal += d == 0;
        worst = std::max(worst, d);
    }
    CHECK(double(equal) / double(expected.pixels.size()) >= 0.999);
    CHECK(worst <= 1);
}

TEST_CASE("The --render flag on an unreadable image fails with core's message and exit code 1", "[render]") {
    const test::TempDir dir;
    const auto bad = dir / "broken.png", never = dir / "never.png";
    std::ofstream(bad) << "not a png";
    const auto r = run_headless("'" + bad + "' --render '" + never + "'");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("ddpm-viz: ") && Catch::Contains("broken.png"));
    CHECK_FALSE(std::filesystem::exists(never));
}

TEST_CASE("The --render flag with --t above T is a usage error", "[render]") {
    const test::TempDir dir;
    const auto never = dir / "never.png";
    const auto r = run_headless("--render '" + never + "' --T 100 --t 101");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--t 101") && Catch::Contains("T = 100"));
    CHECK_FALSE(std::filesystem::exists(never));
}
