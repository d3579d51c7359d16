// The chain through the real binary: --process chain exports, the step view and the chain strip,
// and --probe's CSV against core and against the exported frames.
#include <catch2/catch.hpp>

#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "run.h"

namespace {
const std::string kCatPath = DDPM_SOURCE_DIR "/assets/chelsea.png";
const std::string kCat = "'" + kCatPath + "'";

ddpm::Image cat() {
    auto image = ddpm::load_image(kCatPath);
    REQUIRE(image.ok());
    return std::move(*image);
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        rows.emplace_back();
        std::size_t start = 0;
        for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
            rows.back().push_back(line.substr(start, comma - start));
        rows.back().push_back(line.substr(start));
    }
    return rows;
}

float number(const std::string& s) {
    float v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    REQUIRE(r.ec == std::errc());
    return v;
}
}  // namespace

TEST_CASE("export --probe writes the columns the issue names, equal to core and to the exported chain frames", "[cli][chain]") {
    test::TempDir dir;
    const auto r = test::run_viz("export " + kCat + " --probe 200,150 --t 0,1,2,250,500,1000 --seed 7 --out '" +
                                 dir / "probe.csv" + "'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto rows = parse_csv(test::slurp(dir / "probe.csv"));
    REQUIRE(rows.size() == 7);
    CHECK(rows[0] == std::vector<std::string>{"t", "x0_r", "x0_g", "x0_b", "closed_r", "closed_g", "closed_b", "chain_r",
                                              "chain_g", "chain_b", "mean_r", "mean_g", "mean_b", "sd"});
    const ddpm::Image x0 = cat();
    const auto s = ddpm::make_schedule({});
    REQUIRE(s.ok());
    const std::size_t pixel = 150 * std::size_t(x0.width) + 200;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const int t = std::stoi(rows[i][0]);
        INFO("t = " << t);
        const ddpm::Image closed = ddpm::q_sample(x0, *s, t, 7), chain = ddpm::chain_sample(x0, *s, t, 7);
        // Written in the shortest round-trip form, so the values come back bit for bit.
        for (int c = 0; c < 3; ++c) {
            CHECK(number(rows[i][1 + std::size_t(c)]) == x0.data[pixel * 3 + std::size_t(c)]);
            CHECK(number(rows[i][4 + std::size_t(c)]) == closed.data[pixel * 3 + std::size_t(c)]);
            CHECK(number(rows[i][7 + std::size_t(c)]) == chain.data[pixel * 3 + std::size_t(c)]);
            CHECK(number(rows[i][10 + std::size_t(c)]) ==
                  Approx(s->sqrt_alpha_bar[std::size_t(t)] * x0.data[pixel * 3 + std::size_t(c)]).margin(1e-6));
        }
        CHECK(std::stod(rows[i][13]) == Approx(s->sqrt_one_minus_alpha_bar[std::size_t(t)]).epsilon(1e-12));
        // The exported path: the same pixel of `export --process chain` at that t.
        const std::string frame = dir / ("chain" + std::to_string(t) + ".png");
        REQUIRE(test::run_viz("export " + kCat + " --process chain --t " + std::to_string(t) + " --seed 7 --out '" + frame + "'").code == 0);
        const auto png = ddpm::load_image(frame);
        REQUIRE(png.ok());
        for (int c = 0; c < 3; ++c)
            CHECK(ddpm::to_u8(png->data[pixel * 3 + std::size_t(c)]) == ddpm::to_u8(number(rows[i][7 + std::size_t(c)])));
    }
    CHECK(nlohmann::json::parse(test::slurp(dir / "probe.csv.manifest.json"))["probe"] == nlohmann::json::array({200, 150}));
}

TEST_CASE("export --probe FILE.png draws the plot, bad pixels are usage errors", "[cli][chain]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export " + kCat + " --probe 10,20 --t 0:1000:5 --out '" + dir / "probe.png" + "'").code == 0);
    const auto png = ddpm::load_image(dir / "probe.png");
    REQUIRE(png.ok());
    CHECK(png->width == 960);
    auto r = test::run_viz("export " + kCat + " --probe 451,0 --t 5 --out '" + dir / "p.csv" + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find("outside the 451x300 image") != std::string::npos);
    r = test::run_viz("export " + kCat + " --probe 3 --t 5 --out '" + dir / "p.csv" + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find("X,Y") != std::string::npos);
    r = test::run_viz("export " + kCat + " --probe 3,4 --t 5 --out '" + dir / "p.gif" + "'");
    CHECK(r.code == 2);
    CHECK(test::listing(dir.path) == std::vector<std::string>{"probe.png", "probe.png.manifest.json"});
}

TEST_CASE("export --process chain writes the chain's frames and says so in the manifest", "[cli][chain]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export " + kCat + " --process chain --t 300 --seed 2 --out '" + dir / "x.png" + "'").code == 0);
    const ddpm::Image x0 = cat();
    const auto png = ddpm::load_image(dir / "x.png");
    REQUIRE(png.ok());
    CHECK(ddpm::to_rgb8(*png).pixels == ddpm::to_rgb8(ddpm::chain_sample(x0, *ddpm::make_schedule({}), 300, 2)).pixels);
    CHECK(nlohmann::json::parse(test::slurp(dir / "x.png.manifest.json"))["process"] == "chain");
    // A filmstrip, a GIF and a sequence of the chain, and the step and strip views.
    CHECK(test::run_viz("export " + kCat + " --process chain --t 0,10,100 --max-side 64 --out '" + dir / "f.png" + "'").code == 0);
    CHECK(test::run_viz("export " + kCat + " --process chain --t 0:100:10 --max-side 64 --out '" + dir / "a.gif" + "'").code == 0);
    CHECK(test::run_viz("export " + kCat + " --process chain --t 0:4 --max-side 64 --out '" + dir / "seq/" + "'").code == 0);
    CHECK(test::listing(dir / "seq").size() == 6);
    CHECK(test::run_viz("export " + kCat + " --view step --t 500 --out '" + dir / "step.png" + "'").code == 0);
    CHECK(ddpm::load_image(dir / "step.png").ok());
    CHECK(test::run_viz("export " + kCat + " --view strip --t 0,1,2,3,100 --max-side 64 --out '" + dir / "strip.png" + "'").code == 0);
    CHECK(ddpm::load_image(dir / "strip.png").ok());
    const auto r = test::run_viz("export " + kCat + " --view step --t 0 --out '" + dir / "s0.png" + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find("t >= 1") != std::string::npos);
    CHECK(test::run_viz("export " + kCat + " --process markov --t 1 --out '" + dir / "m.png" + "'").code == 2);
}
