#pragma once
// The GUI tests' shared pieces: the ctest fixture's Xvfb display and a --screenshot run of the real window.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ddpm/image.h"

namespace test {

// The display of the fixture (tests/gui/xvfb.sh writes its number), else $DISPLAY.
inline std::string xvfb_display() {
    if (const char* dir = std::getenv("DDPM_XVFB_DIR")) {
        std::ifstream in(std::string(dir) + "/display");
        std::string number;
        in >> number;
        if (!number.empty()) return ":" + number;
    }
    const char* env = std::getenv("DISPLAY");
    return env ? env : "";
}

struct Screenshot {
    ddpm::Rgb8 image;
    std::string err;   // what ddpm-viz wrote to standard error
};

// Runs ddpm-viz --screenshot with extra flags and a config folder of its own; returns the PNG and stderr.
inline Screenshot run_screenshot(const std::string& name, const std::string& flags) {
    const std::string x = xvfb_display();
    INFO("no X display: run through ctest, whose fixture starts Xvfb");
    REQUIRE_FALSE(x.empty());
    const std::filesystem::path dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "gui-out";
    std::filesystem::create_directories(dir / "config");
    const std::string png = (dir / (name + ".png")).string(), err = (dir / (name + ".err")).string();
    std::filesystem::remove(png);
    const std::string command = "env DISPLAY=" + x + " XDG_CONFIG_HOME='" + (dir / "config").string() + "' '" +
                                DDPM_VIZ_EXE + "' --screenshot '" + png + "' " + flags + " 2>'" + err + "'";
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);
    auto image = ddpm::load_image(png);
    REQUIRE(image.ok());
    std::ifstream in(err);
    std::stringstream s;
    s << in.rdbuf();
    return {ddpm::to_rgb8(*image), s.str()};
}

inline ddpm::Rgb8 screenshot(const std::string& name, const std::string& flags) {
    return run_screenshot(name, flags).image;
}

}  // namespace test
