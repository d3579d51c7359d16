// Animations for slides: labels stamped in the frames, held ends, and a warning before a huge file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ddpm/image.h"
#include "run.h"

namespace {
// Each frame's delay in centiseconds, walking the GIF's blocks (GIF89a: extensions, images, trailer).
std::vector<int> gif_delays(const std::string& g) {
    std::vector<int> delays;
    const auto at = [&](std::size_t i) { return i < g.size() ? static_cast<unsigned char>(g[i]) : 0u; };
    std::size_t i = 13;
    if (at(10) & 0x80) i += 3u << ((at(10) & 7) + 1);   // the global colour table
    const auto skip_blocks = [&] { while (i < g.size() && at(i)) i += at(i) + 1; ++i; };
    while (i < g.size() && at(i) != 0x3b) {
        if (at(i) == 0x21) {
            if (at(i + 1) == 0xf9) delays.push_back(int(at(i + 4) | at(i + 5) << 8));
            i += 2;
            skip_blocks();
        } else if (at(i) == 0x2c) {
            const unsigned flags = at(i + 9);
            i += 10;
            if (flags & 0x80) i += 3u << ((flags & 7) + 1);
            ++i;   // LZW minimum code size
            skip_blocks();
        } else {
            FAIL("not a GIF block at byte " << i);
        }
    }
    return delays;
}
}  // namespace

TEST_CASE("GIF --labels stamps each frame, --hold-first/--hold-last lengthen the ends' delays") {
    test::TempDir dir;
    auto plain = test::run_viz("export chelsea --t 0:1000:250 --max-side 120 --fps 10 --out '" + dir / "plain.gif" + "'");
    REQUIRE(plain.code == 0);
    auto labelled = test::run_viz("export chelsea --t 0:1000:250 --max-side 120 --fps 10 --labels t,snr --hold-first 0.5 "
                                  "--hold-last 1 --out '" + dir / "slides.gif" + "'");
    INFO(labelled.err);
    REQUIRE(labelled.code == 0);
    const std::string manifest = test::slurp(dir / "slides.gif.manifest.json");
    // One entry per distinct frame; the holds are durations.
    const auto m = nlohmann::json::parse(manifest);
    CHECK(m.at("t") == nlohmann::json({0, 250, 500, 750, 1000}));
    CHECK(m.at("hold") == nlohmann::json({{"first_s", 0.5}, {"last_s", 1.0}}));
    // 10 frames/s: 10 cs each, the first 50 cs longer and the last 100 cs longer.
    CHECK(gif_delays(test::slurp(dir / "slides.gif")) == std::vector<int>{60, 10, 10, 10, 110});
    CHECK(gif_delays(test::slurp(dir / "plain.gif")) == std::vector<int>{10, 10, 10, 10, 10});
    auto a = ddpm::load_image(dir / "plain.gif"), b = ddpm::load_image(dir / "slides.gif");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    // The first frame: the top-left corner is darkened under the label, the rest of the frame is the same.
    const auto pa = ddpm::to_rgb8(*a), pb = ddpm::to_rgb8(*b);
    auto mean = [](const ddpm::Rgb8& img, int x0, int y0, int x1, int y1) {
        double sum = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) sum += img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
        return sum / ((x1 - x0) * (y1 - y0));
    };
    CHECK(mean(pb, 0, 0, 20, 8) < mean(pa, 0, 0, 20, 8) - 20);
    CHECK(std::abs(mean(pb, 60, 60, 110, 75) - mean(pa, 60, 60, 110, 75)) < 3);
}

TEST_CASE("animation labels and holds are checked") {
    test::TempDir dir;
    auto bad = test::run_viz("export --t 0:1000:500 --labels t,colour --out '" + dir / "x.gif" + "'");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("t, alpha_bar, snr, schedule") != std::string::npos);
    auto hold_png = test::run_viz("export --t 0,500 --hold-last 1 --out '" + dir / "x.png" + "'");
    CHECK(hold_png.code == 2);
    CHECK(hold_png.err.find("for a GIF or MP4") != std::string::npos);
    auto negative = test::run_viz("export --t 0:1000:500 --hold-first -1 --out '" + dir / "y.gif" + "'");
    CHECK(negative.code == 2);
}

TEST_CASE("a GIF that will be large warns on stderr and suggests --max-side") {
    test::TempDir dir;
    // 201 frames of 512x512: about 53 MB estimated. --max-side 0 is full size; the warning comes first.
    auto r = test::run_viz("export astronaut --t 0:1000:5 --max-side 0 --out '" + dir / "big.gif" + "'", "ulimit -f 2048;");
    CHECK(r.err.find("warning: 201 frames of 512x512 make about 52 MB; --max-side 384") != std::string::npos);
    auto small = test::run_viz("export astronaut --t 0:1000:100 --max-side 128 --out '" + dir / "small.gif" + "'");
    CHECK(small.code == 0);
    CHECK(small.err.find("warning") == std::string::npos);
}

TEST_CASE("export names the embedded samples, and without IMAGE uses chelsea as the window does") {
    test::TempDir dir;
    auto r = test::run_viz("export --t 10 --out '" + dir / "x.png" + "'");
    REQUIRE(r.code == 0);
    CHECK(test::slurp(dir / "x.png.manifest.json").find("\"path\": \"embedded:chelsea.png\"") != std::string::npos);
    r = test::run_viz("export coffee --t 10 --out '" + dir / "c.png" + "'");
    REQUIRE(r.code == 0);
    CHECK(test::slurp(dir / "c.png.manifest.json").find("\"path\": \"embedded:coffee.png\"") != std::string::npos);
    r = test::run_viz("export nosuchimage --t 10 --out '" + dir / "n.png" + "'");
    CHECK(r.code == 1);
    CHECK(r.err.find("the embedded samples are chelsea, astronaut and coffee") != std::string::npos);
}

TEST_CASE("an MP4's holds are the end frames repeated in the video, listed once in the manifest") {
    if (std::system("command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1") != 0) {
        WARN("ffmpeg is not installed: MP4 holds were not tested");
        return;
    }
    test::TempDir dir;
    auto r = test::run_viz("export chelsea --t 0:1000:250 --max-side 64 --fps 10 --hold-first 0.5 --hold-last 1 --out '" +
                           dir / "h.mp4" + "'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto m = nlohmann::json::parse(test::slurp(dir / "h.mp4.manifest.json"));
    CHECK(m.at("t").size() == 5);
    CHECK(m.at("hold").at("last_s") == 1.0);
    // ffprobe counts the frames: 5 distinct + 5 held first + 10 held last.
    const std::string count = dir / "count.txt";
    const std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                            "-of csv=p=0 '" + dir / "h.mp4" + "' >'" + count + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(std::stoi(test::slurp(count)) == 20);
}
