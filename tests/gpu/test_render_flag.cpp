// ddpm-viz --render: x_t through the shader, offscreen (EGL), written as PNG. Runs the real binary.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/schedule.h"

namespace {

std::filesystem::path out_dir() {
    const auto dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "render-out";
    std::filesystem::create_directories(dir);
    return dir;
}

// Runs ddpm-viz with arguments (no display); returns the exit code, stderr in `err`.
int run(const std::string& args, std::string& err) {
    const auto err_file = out_dir() / "stderr.txt";
    const std::string command = "env -u DISPLAY '" + std::string(DDPM_VIZ_EXE) + "' " + args + " 2>'" + err_file.string() + "'";
    const int status = std::system(command.c_str());
    std::ifstream in(err_file);
    std::stringstream text;
    text << in.rdbuf();
    err = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("The --render flag writes the cat's x_t at native size, equal to core's q_sample within one level", "[render]") {
    const auto png = (out_dir() / "cat-cosine-t300.png").string();
    std::filesystem::remove(png);
    std::string err;
    REQUIRE(run("--render '" + png + "' --schedule cosine --t 300 --seed 17", err) == 0);
    CHECK(err.empty());
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
    const auto bad = out_dir() / "broken.png";
    std::ofstream(bad) << "not a png";
    std::string err;
    CHECK(run("'" + bad.string() + "' --render '" + (out_dir() / "never.png").string() + "'", err) == 1);
    CHECK_THAT(err, Catch::StartsWith("ddpm-viz: ") && Catch::Contains("broken.png"));
    CHECK_FALSE(std::filesystem::exists(out_dir() / "never.png"));
}

TEST_CASE("The --render flag with --t above T is a usage error", "[render]") {
    std::string err;
    CHECK(run("--render '" + (out_dir() / "never.png").string() + "' --T 100 --t 101", err) == 2);
    CHECK_THAT(err, Catch::Contains("--t 101") && Catch::Contains("T = 100"));
}
