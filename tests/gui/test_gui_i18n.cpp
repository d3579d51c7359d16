// The window in Simplified Chinese: the text changes, the pictures do not, the CJK font is found.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ddpm/image.h"
#include "gui.h"

namespace {

// The window at 1280x800 whatever the screen, with its stderr.
using Shot = test::Screenshot;
Shot shot(const std::string& name, const std::string& flags) {
    return test::run_screenshot(name, "--window-size 1280x800 " + flags);
}


// Fraction of pixels in the box that differ between a and b.
double changed(const ddpm::Rgb8& a, const ddpm::Rgb8& b, int x0, int y0, int x1, int y1) {
    int n = 0, total = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x, ++total) {
            const std::size_t i = (std::size_t(y) * std::size_t(a.width) + std::size_t(x)) * 3;
            n += a.pixels[i] != b.pixels[i] || a.pixels[i + 1] != b.pixels[i + 1] || a.pixels[i + 2] != b.pixels[i + 2];
        }
    return double(n) / total;
}

}  // namespace

TEST_CASE("zh_CN: the window's words change, its image does not, and the Chinese font is found") {
    const Shot en = shot("i18n-en", "--lang en --t 250");
    const Shot zh = shot("i18n-zh", "--lang zh_CN --t 250");
    REQUIRE(en.image.width == zh.image.width);
    INFO(zh.err);
    CHECK(zh.err.find("Chinese font") == std::string::npos);
    // The Controls panel's headers and buttons (left column, top): different text.
    CHECK(changed(en.image, zh.image, 0, 20, 360, 300) > 0.02);
    // The middle of the image view: the same x_t pixels in both languages.
    CHECK(changed(en.image, zh.image, 670, 200, 970, 360) == 0.0);
}

TEST_CASE("LANGUAGE=zh_CN in the environment gives the Chinese window, as --lang zh_CN does") {
    const Shot env = shot("i18n-env", "--t 250 ");
    const Shot zh = shot("i18n-zh2", "--lang zh_CN --t 250");
    // Same flags otherwise: the environment's language equals --lang zh_CN when set.
    const Shot from_env = [&] {
        setenv("LANGUAGE", "zh_CN", 1);
        Shot s = shot("i18n-env-zh", "--t 250");
        unsetenv("LANGUAGE");
        return s;
    }();
    CHECK(changed(from_env.image, zh.image, 0, 20, 360, 300) < 0.001);
    CHECK(changed(env.image, zh.image, 0, 20, 360, 300) > 0.02);
}

TEST_CASE("presentation mode shows the slider, the image and one plot, without the controls") {
    const Shot normal = shot("present-off", "--t 250");
    const Shot present = shot("present-on", "--presentation --t 250");
    // The Controls panel is gone: its column now shows the image or the slider.
    CHECK(changed(normal.image, present.image, 0, 20, 360, 600) > 0.3);
}
