// The schedule flags on the real binary: kinds, configs, sampling rows, presets, custom betas, refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ddpm/image.h"
#include "ddpm/sampling.h"
#include "ddpm/schedule.h"
#include "run.h"

namespace {
const std::string kFixtures = DDPM_SOURCE_DIR "/tests/fixtures/schedulers/";

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}
}  // namespace

TEST_CASE("schedule: issue 8's long zero-SNR cases print no NaN", "[cli]") {
    for (const char* args : {"schedule --T 75000 --zero-terminal-snr", "schedule --schedule sigmoid --T 100000",
                             "schedule --T 2000 --beta-start 0.5 --beta-end 0.6 --zero-terminal-snr"}) {
        INFO(args);
        const auto r = test::run_viz(args);
        REQUIRE(r.code == 0);
        CHECK(r.out.find("nan") == std::string::npos);
    }
}

TEST_CASE("schedule: parameters that add no noise exit 2 with a sentence", "[cli]") {
    const auto r = test::run_viz("schedule --schedule cosine --cosine-s 1e300");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("add no noise") && Catch::Contains("cosine s=1e+300"));
    CHECK(r.out.empty());
}

TEST_CASE("schedule: new kinds and --shift reach core unchanged", "[cli]") {
    const auto r = test::run_viz("schedule --schedule flow --shift 3 --T 20");
    REQUIRE(r.code == 0);
    ddpm::ScheduleParams p = ddpm::default_params(ddpm::ScheduleKind::Flow);
    p.shift = 3, p.T = 20;
    CHECK(r.out == ddpm::schedule_csv(*ddpm::make_schedule(p)));
    const auto e = test::run_viz("schedule --schedule edm --sigma-min 0.01 --sigma-max 10 --rho 3 --T 5");
    REQUIRE(e.code == 0);
    p = ddpm::default_params(ddpm::ScheduleKind::Edm);
    p.sigma_min = 0.01, p.sigma_max = 10, p.rho = 3, p.T = 5;
    CHECK(e.out == ddpm::schedule_csv(*ddpm::make_schedule(p)));
    const auto bad = test::run_viz("schedule --schedule laplace --b -1");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("b = -1 is outside"));
}

TEST_CASE("schedule --scheduler-config --sampling-steps: the sampler's rows, diffusers_timestep = t - 1", "[cli]") {
    const auto r = test::run_viz("schedule --scheduler-config '" + kFixtures + "sd15.json' --sampling-steps 10");
    REQUIRE(r.code == 0);
    const auto l = lines(r.out);
    REQUIRE(l.size() == 11);
    CHECK_THAT(l[0], Catch::StartsWith("t,diffusers_timestep,beta,"));
    CHECK_THAT(l[1], Catch::StartsWith("902,901,"));   // leading spacing with SD's steps_offset 1
    CHECK_THAT(l[10], Catch::StartsWith("2,1,"));
    CHECK_THAT(r.err, Catch::Contains("ignored (they do not change the forward process)") && Catch::Contains("skip_prk_steps"));
    const auto t = test::run_viz("schedule --scheduler-config '" + kFixtures + "sd21.json' --sampling-steps 4 --spacing trailing --steps-offset 0");
    REQUIRE(t.code == 0);
    CHECK_THAT(lines(t.out)[1], Catch::StartsWith("1000,999,"));
    const auto s3 = test::run_viz("schedule --scheduler-config '" + kFixtures + "sd3.json' --T 10");
    REQUIRE(s3.code == 0);
    CHECK_THAT(lines(s3.out)[5], Catch::Contains(",0.25,0.75,"));
    const auto bad = test::run_viz("schedule --spacing trailing");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("need --sampling-steps"));
}

TEST_CASE("schedule --betas FILE and --preset", "[cli]") {
    test::TempDir dir;
    {
        std::ofstream(dir / "b.txt") << "0.1\n0.2\n0.3\n";
    }
    const auto r = test::run_viz("schedule --betas '" + (dir / "b.txt") + "'");
    REQUIRE(r.code == 0);
    REQUIRE(lines(r.out).size() == 4);
    CHECK_THAT(lines(r.out)[2], Catch::StartsWith("2,0.2,0.8,0.72,"));
    const auto wrongT = test::run_viz("schedule --betas '" + (dir / "b.txt") + "' --T 5");
    CHECK(wrongT.code == 2);
    CHECK_THAT(wrongT.err, Catch::Contains("T comes from the file"));
    const auto p = test::run_viz("schedule --preset simple-diffusion --T 10");
    REQUIRE(p.code == 0);
    ddpm::ScheduleParams want = ddpm::find_preset("simple-diffusion")->params;
    want.T = 10;
    CHECK(p.out == ddpm::schedule_csv(*ddpm::make_schedule(want)));
}

TEST_CASE("export --plot with --pin, --log-y, --title and a size", "[cli]") {
    test::TempDir dir;
    const std::string out = dir / "p.png";
    const auto r = test::run_viz("export --plot --curves snr --log-y --width 640 --height 300 --title 'three schedules' "
                                 "--pin '--schedule cosine' --pin '--schedule flow --shift 3' --out '" + out + "'");
    REQUIRE(r.code == 0);
    const auto img = ddpm::load_image(out);
    REQUIRE(img.ok());
    CHECK(img->width == 640);
    CHECK(img->height == 300);
    // Three colours of curve: blue (main), red (the first pin), green (the second).
    const auto rgb = ddpm::to_rgb8(*img);
    int blue = 0, red = 0, green = 0;
    for (std::size_t i = 0; i < rgb.pixels.size(); i += 3) {
        const int R = rgb.pixels[i], G = rgb.pixels[i + 1], B = rgb.pixels[i + 2];
        blue += R == 31 && G == 119 && B == 180;
        red += R == 214 && G == 39 && B == 40;
        green += R == 44 && G == 160 && B == 44;
    }
    CHECK(blue > 200);
    CHECK(red > 200);
    CHECK(green > 200);
    const auto bad = test::run_viz("export --plot --pin '--schedule nope' --out '" + (dir / "q.png") + "'");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--pin"));
}

TEST_CASE("export --compare: one filmstrip row per schedule, the same noise", "[cli]") {
    test::TempDir dir;
    const std::string out = dir / "c.png";
    const std::string cat = "'" DDPM_SOURCE_DIR "/assets/chelsea.png'";
    auto r = test::run_viz("export " + cat + " --t 0,500 --max-side 64 --compare 'cosine;linear;flow --shift 3' --out '" + out + "'");
    REQUIRE(r.code == 0);
    const auto one = test::run_viz("export " + cat + " --t 0,500 --max-side 64 --compare 'cosine' --out '" + (dir / "one.png") + "'");
    REQUIRE(one.code == 0);
    const auto sheet = ddpm::load_image(out), single = ddpm::load_image(dir / "one.png");
    REQUIRE(sheet.ok());
    REQUIRE(single.ok());
    CHECK(sheet->width == single->width);
    CHECK(sheet->height == 3 * single->height);   // three rows of the same size
    r = test::run_viz("export " + cat + " --t 0,2000 --compare 'cosine' --out '" + (dir / "x.png") + "'");
    CHECK(r.code == 2);
    r = test::run_viz("export " + cat + " --t 0,10 --compare 'cosine;quadratic' --out '" + (dir / "y.png") + "'");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("quadratic"));
}

TEST_CASE("export --compare streams its rows: each row is that schedule's own sheet, and a manifest names them all", "[cli]") {
    test::TempDir dir;
    const std::string cat = "'" DDPM_SOURCE_DIR "/assets/chelsea.png'";
    const std::vector<std::string> specs = {"cosine", "flow --shift 3", "edm --rho 5"};
    const std::string common = "export " + cat + " --t 0,200,700 --max-side 48 --seed 7 --labels alpha_bar ";
    auto r = test::run_viz(common + "--compare 'cosine;flow --shift 3;edm --rho 5' --out '" + (dir / "all.png") + "'");
    REQUIRE(r.code == 0);
    const auto sheet = ddpm::load_image(dir / "all.png");
    REQUIRE(sheet.ok());
    int y = 0;
    for (std::size_t k = 0; k < specs.size(); ++k) {
        INFO(specs[k]);
        const std::string one = dir / ("one" + std::to_string(k) + ".png");
        REQUIRE(test::run_viz(common + "--compare '" + specs[k] + "' --out '" + one + "'").code == 0);
        const auto row = ddpm::load_image(one);
        REQUIRE(row.ok());
        REQUIRE(row->width == sheet->width);
        const std::size_t n = std::size_t(row->width) * row->height * 3;
        CHECK(std::equal(row->data.begin(), row->data.end(), sheet->data.begin() + std::ptrdiff_t(std::size_t(y) * row->width * 3)));
        y += row->height;
        CHECK(n == row->data.size());
    }
    CHECK(y == sheet->height);
    const std::string manifest = test::slurp(dir / "all.png.manifest.json");
    CHECK_THAT(manifest, Catch::Contains("\"kind\": \"compare-filmstrip\""));
    CHECK_THAT(manifest, Catch::Contains("\"view\": \"compare\""));
    CHECK_THAT(manifest, Catch::Contains("\"rho\": 5"));
    CHECK_THAT(manifest, Catch::Contains("\"shift\": 3"));
    // An existing sheet is kept, and no temporary is left beside it.
    const std::string before = test::slurp(dir / "all.png");
    r = test::run_viz(common + "--compare 'linear' --out '" + (dir / "all.png") + "'");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("--force"));
    CHECK(test::slurp(dir / "all.png") == before);
    for (const auto& name : test::listing(dir.path)) CHECK(name.find(".tmp") == std::string::npos);
}
