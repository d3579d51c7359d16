// `ddpm-viz stats`: the exact distribution table of x_t, checked against the formula over the image.
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ddpm/image.h"
#include "ddpm/schedule.h"
#include "run.h"

namespace {
const std::string kCatPath = DDPM_SOURCE_DIR "/assets/chelsea.png";
const std::string kCat = "'" + kCatPath + "'";

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        rows.emplace_back();
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) rows.back().push_back(cell);
    }
    return rows;
}
}  // namespace

TEST_CASE("stats writes t, kl_prior, mean_xt, sd_xt for t = 1..T, equal to the formulas over the pixels", "[cli]") {
    test::TempDir dir;
    const auto r = test::run_viz("stats " + kCat + " --T 50 --out '" + dir / "s.csv" + "'");
    REQUIRE(r.code == 0);
    const auto rows = parse_csv(test::slurp(dir / "s.csv"));
    REQUIRE(rows.size() == 51);
    CHECK(rows[0] == std::vector<std::string>{"t", "kl_prior", "mean_xt", "sd_xt"});
    // The image's moments, summed here in long double.
    const ddpm::Image x0 = *ddpm::load_image(kCatPath);
    long double s = 0, ss = 0;
    for (float v : x0.data) s += v, ss += (long double)v * v;
    const long double n = x0.size(), mean0 = s / n, mean_sq = ss / n, var0 = mean_sq - mean0 * mean0;
    ddpm::ScheduleParams p;
    p.T = 50;
    const ddpm::Schedule sch = *ddpm::make_schedule(p);
    for (int t = 1; t <= 50; ++t) {
        const auto& row = rows[std::size_t(t)];
        REQUIRE(row.size() == 4);
        CHECK(row[0] == std::to_string(t));
        const long double ab = sch.alpha_bar[std::size_t(t)];
        const double kl = double(0.5L * (ab * mean_sq + (1 - ab) - 1 - std::log(1 - ab)));
        const double mean = double(std::sqrt(ab) * mean0), sd = double(std::sqrt(ab * var0 + 1 - ab));
        INFO("t = " << t);
        CHECK(std::stod(row[1]) == Approx(kl).epsilon(1e-9));
        CHECK(std::stod(row[2]) == Approx(mean).epsilon(1e-9));
        CHECK(std::stod(row[3]) == Approx(sd).epsilon(1e-9));
    }
    // T = 50 linear leaves alpha_bar_T = 0.6: the note says so on stderr.
    CHECK_THAT(r.err, Catch::Contains("x_T is far from the prior"));
}

TEST_CASE("stats JSON has the same columns, and zero terminal SNR ends at KL 0, mean 0, sd 1 without a note", "[cli]") {
    const auto r = test::run_viz("stats " + kCat + " --zero-terminal-snr --format json");
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["t"].size() == 1000);
    for (const char* key : {"kl_prior", "mean_xt", "sd_xt"}) CHECK(j[key].size() == 1000);
    CHECK(j["kl_prior"][999].get<double>() == 0);
    CHECK(j["mean_xt"][999].get<double>() == 0);
    CHECK(j["sd_xt"][999].get<double>() == 1);
    CHECK(j["parameters"]["zero_terminal_snr"] == true);
    CHECK(j["pixels"] == 451 * 300);
    // The CSV of the same ends "1000,0,0,1".
    const auto csv = test::run_viz("stats " + kCat + " --zero-terminal-snr");
    CHECK_THAT(csv.out, Catch::EndsWith("\n1000,0,0,1\n"));
}

TEST_CASE("stats refuses a missing image, a bad --out and a bad schedule with a sentence", "[cli]") {
    test::TempDir dir;
    auto r = test::run_viz("stats '" + dir / "none.png" + "'");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("none.png"));
    r = test::run_viz("stats " + kCat + " --out '" + dir / "s.txt" + "'");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("use FILE.csv or FILE.json"));
    r = test::run_viz("stats " + kCat + " --T 0");
    CHECK(r.code == 2);
    r = test::run_viz("stats");
    CHECK(r.code == 2);
    CHECK(test::listing(dir.path).empty());
}
