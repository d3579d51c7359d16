// The real binary: schedule and single-frame export commands, exit codes and messages.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "ddpm/image.h"
#include "ddpm/png.h"
#include "ddpm/schedule.h"
#include "run.h"

namespace {
const std::string kCat = "'" DDPM_SOURCE_DIR "/assets/chelsea.png'";
}

TEST_CASE("--help lists the commands and the schedule flags", "[cli]") {
    const auto r = test::run_viz("--help");
    CHECK(r.code == 0);
    for (const char* s : {"schedule", "export", "--schedule", "--T", "--beta-start", "--beta-end", "--cosine-s",
                          "--max-beta", "--zero-terminal-snr", "--screenshot", "--render", "--view"})
        CHECK_THAT(r.out, Catch::Contains(s));
}

TEST_CASE("schedule prints the CSV table that core computes", "[cli]") {
    const auto r = test::run_viz("schedule --schedule cosine --T 10");
    REQUIRE(r.code == 0);
    CHECK(r.out == ddpm::schedule_csv(*ddpm::make_schedule([] { auto p = ddpm::default_params(ddpm::ScheduleKind::Cosine); p.T = 10; return p; }())));
    CHECK(r.err.empty());
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    CHECK_THAT(line, Catch::StartsWith("1,0.0279072628"));
}

TEST_CASE("schedule --out writes JSON by extension and refuses to overwrite without --force", "[cli]") {
    test::TempDir dir;
    const std::string out = dir / "s.json";
    auto r = test::run_viz("schedule --schedule scaled-linear --zero-terminal-snr --out '" + out + "'");
    REQUIRE(r.code == 0);
    CHECK(test::slurp(out) == ddpm::schedule_json(*ddpm::make_schedule(
                                  [] { auto p = ddpm::default_params(ddpm::ScheduleKind::ScaledLinear); p.zero_terminal_snr = true; return p; }())));
    r = test::run_viz("schedule --T 5 --out '" + out + "'");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("already exists"));
    r = test::run_viz("schedule --T 5 --format csv --force --out '" + out + "'");
    CHECK(r.code == 0);
    CHECK_THAT(test::slurp(out), Catch::StartsWith("t,beta,"));
}

TEST_CASE("usage errors exit 2 with one sentence on stderr", "[cli]") {
    const std::pair<const char*, const char*> cases[] = {
        {"schedule --T 0", "T = 0 is outside the allowed range [1, 100000]"},
        {"schedule --beta-start 0.5 --beta-end 0.1", "beta_start = 0.5 is larger than beta_end = 0.1"},
        {"schedule --schedule quadratic", "--schedule"},
        {"schedule --T abc", "--T"},
        {"schedule --bogus", "bogus"},
        {"export", "needs --out"},   // without IMAGE, export uses the default sample (issue 13)
    };
    for (const auto& [args, message] : cases) {
        INFO(args);
        const auto r = test::run_viz(args);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("ddpm-viz: ") && Catch::Contains(message));
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

TEST_CASE("export of a missing or broken file fails with exit 1 and no output file", "[cli]") {
    test::TempDir dir;
    const std::string out = dir / "x.png";
    auto r = test::run_viz("export '" + (dir / "nope.png") + "' --t 10 --out '" + out + "'");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("nope.png: No such file or directory"));
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("export writes x_t with the statistics the theory predicts", "[cli]") {
    // A mid-gray 400x300 image (x0 = 0.0039) at t = 100 of the linear schedule: the pixels are
    // N(sqrt(alpha_bar) x0, 1 - alpha_bar) (std 0.32: clamping at +-1 is 3 sigma away, negligible)
    // plus uniform rounding of 1/127.5.
    test::TempDir dir;
    ddpm::Rgb8 gray{400, 300, std::vector<uint8_t>(400 * 300 * 3, 128)};
    REQUIRE(ddpm::write_png(dir / "gray.png", gray, false).ok());
    const std::string out = dir / "x100.png";
    auto r = test::run_viz("export '" + (dir / "gray.png") + "' --t 100 --seed 3 --out '" + out + "'");
    REQUIRE(r.code == 0);
    auto xt = ddpm::load_image(out);
    REQUIRE(xt.ok());
    CHECK(xt->width == 400);
    CHECK(xt->height == 300);
    const auto s = *ddpm::make_schedule({});
    double sum = 0, sq = 0;
    for (float v : xt->data) sum += v, sq += double(v) * v;
    const double n = double(xt->size()), mean = sum / n, var = sq / n - mean * mean;
    const double want_var = 1 - s.alpha_bar[100] + 1.0 / (12 * 127.5 * 127.5);
    CHECK(std::abs(mean - s.sqrt_alpha_bar[100] * ddpm::from_u8(128)) < 5 * std::sqrt(want_var / n));
    CHECK(std::abs(var - want_var) < 5 * want_var * std::sqrt(2 / n) + 1e-4);   // + clamping's tiny share
    // Same seed, same bytes; t = 0 is the input itself.
    r = test::run_viz("export '" + (dir / "gray.png") + "' --t 100 --seed 3 --force --out '" + (dir / "again.png") + "'");
    CHECK(test::slurp(dir / "again.png") == test::slurp(out));
    r = test::run_viz("export '" + (dir / "gray.png") + "' --t 0 --out '" + (dir / "x0.png") + "'");
    CHECK(ddpm::to_rgb8(*ddpm::load_image(dir / "x0.png")).pixels == gray.pixels);
}
