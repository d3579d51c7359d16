// Animations for slides: labels stamped in the frames, held ends, and a warning before a huge file.
#include <catch2/catch.hpp>

#include "ddpm/image.h"
#include "run.h"

TEST_CASE("GIF --labels stamps each frame, --hold-first/--hold-last repeat the ends") {
    test::TempDir dir;
    auto plain = test::run_viz("export chelsea --t 0:1000:250 --max-side 120 --fps 10 --out '" + dir / "plain.gif" + "'");
    REQUIRE(plain.code == 0);
    auto labelled = test::run_viz("export chelsea --t 0:1000:250 --max-side 120 --fps 10 --labels t,snr --hold-first 0.5 "
                                  "--hold-last 1 --out '" + dir / "slides.gif" + "'");
    INFO(labelled.err);
    REQUIRE(labelled.code == 0);
    const std::string manifest = test::slurp(dir / "slides.gif.manifest.json");
    // 5 frames at 10 frames/s: 5 more of t = 0 first and 10 more of t = 1000 last.
    CHECK(manifest.find("\"t\": [\n    0,\n    0,\n    0,\n    0,\n    0,\n    0,\n    250") != std::string::npos);
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
