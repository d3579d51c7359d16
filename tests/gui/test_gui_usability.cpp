// The automated usability check: at 1024x640 and at UI scale 2 on 1920x1080, in English and
// Chinese, no text is cut off at the side of its panel or window, also with every other window
// open (the window writes the glyphs past their clip rectangles to DDPM_VIZ_CLIP_REPORT,
// app/ui_check.h), and the screenshots have content up to the right edge.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "ddpm/image.h"
#include "gui.h"
#include "run.h"

namespace {

// Every panel and window the View and Help menus open, on a pinned schedule, the probe on a pixel.
const std::string kAllOpen = "--t 300 --pin \"--schedule cosine\" --compare-view --probe 120,80 "
                             "--show distribution,reparam,how-it-works";

struct Check {
    ddpm::Rgb8 image;
    std::string clipped;   // the report: one line per cut-off run of text
};

Check run_check(const std::string& name, const std::string& flags) {
    const std::filesystem::path report = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "gui-out" / (name + ".clip.txt");
    std::filesystem::create_directories(report.parent_path());
    std::filesystem::remove(report);
    setenv("DDPM_VIZ_CLIP_REPORT", report.c_str(), 1);
    auto shot = test::screenshot(name, flags);
    unsetenv("DDPM_VIZ_CLIP_REPORT");
    INFO("the window did not write the report");
    REQUIRE(std::filesystem::exists(report));
    return {std::move(shot), test::slurp(report)};
}

// Pixels in the rightmost columns that differ from the window's clear colour (20, 20, 23).
int right_edge_content(const ddpm::Rgb8& img, int columns) {
    int n = 0;
    for (int y = 0; y < img.height; ++y)
        for (int x = img.width - columns; x < img.width; ++x) {
            const uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
            n += std::abs(p[0] - 20) + std::abs(p[1] - 20) + std::abs(p[2] - 23) > 12;
        }
    return n;
}

}  // namespace

// The report's lines about the main panels (Controls, Image, Schedule plots, the status line).
std::string main_panel_lines(const std::string& report) {
    std::string out, line;
    std::istringstream in(report);
    while (std::getline(in, line))
        for (const char* id : {"###Controls:", "###Image:", "###Schedule plots:", "##status:"})
            if (line.find(id) != std::string::npos) out += line + "\n";
    return out;
}

TEST_CASE("usability: at 1024x640 and at UI scale 2 on 1920x1080 no text is cut off, with every window open too") {
    for (const char* size : {"1024x640 --ui-scale 1", "1920x1080 --ui-scale 2"})
        for (const char* lang : {"en", "zh_CN"}) {
            const std::string flags = std::string("--window-size ") + size + " --lang " + lang;
            INFO(flags);
            std::string name = std::string("usability-") + size + "-" + lang;
            std::replace(name.begin(), name.end(), ' ', '_');
            const auto c = run_check(name, flags);
            CHECK(c.clipped == "");
            CHECK(right_edge_content(c.image, 8) > c.image.height);   // the panels reach the right edge
            // With every window open no text is cut off anywhere: the floating windows are kept inside
            // the display, and their hints, legends and pane captions wrap.
            const auto all = run_check(name + "-all-open", flags + " " + kAllOpen);
            CHECK(all.clipped == "");
        }
}

TEST_CASE("usability: the check sees cut-off text (a window too narrow for its words)") {
    // 600x400 at scale 2: the panels are far narrower than their rows; the report must say so.
    const auto c = run_check("usability-too-narrow", "--window-size 600x400 --ui-scale 2");
    CHECK(main_panel_lines(c.clipped).find("###Controls: ") != std::string::npos);
    CHECK(c.clipped.find("glyph triangles past x = ") != std::string::npos);
}
