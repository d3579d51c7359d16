// An export's manifest names the whole schedule (every family, custom betas, a diffusers config), so
// opening it as a session rebuilds the same schedule, value for value.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ddpm/export.h"
#include "ddpm/sampling.h"
#include "run.h"
#include "session.h"

namespace {

// The schedule after export -> manifest -> session.
ddpm::ScheduleParams through_manifest(const ddpm::ScheduleParams& p) {
    test::TempDir dir;
    ddpm::ExportRequest r;
    r.kind = ddpm::ExportKind::ScheduleCsv;
    r.params = p;
    r.out = dir / "s.csv";
    const auto done = ddpm::run_export(r);
    REQUIRE(done.ok());
    auto session = parse_session(test::slurp(dir / "s.csv.manifest.json"), dir.path.string());
    REQUIRE(session.ok());
    return session->params;
}

// Every column, at every t, exactly.
void check_same_schedule(const ddpm::ScheduleParams& a, const ddpm::ScheduleParams& b) {
    const auto sa = ddpm::make_schedule(a), sb = ddpm::make_schedule(b);
    REQUIRE(sa.ok());
    REQUIRE(sb.ok());
    REQUIRE(sa->T() == sb->T());
    CHECK(ddpm::schedule_csv(*sa) == ddpm::schedule_csv(*sb));
}

}  // namespace

TEST_CASE("a manifest reopens the same schedule, for every kind", "[session]") {
    using K = ddpm::ScheduleKind;
    std::vector<ddpm::ScheduleParams> cases;
    auto add = [&](K kind, auto tweak) {
        ddpm::ScheduleParams p = ddpm::default_params(kind);
        tweak(p);
        cases.push_back(p);
    };
    add(K::Linear, [](auto& p) { p.beta_start = 2e-4, p.beta_end = 0.03, p.T = 700; });
    add(K::ScaledLinear, [](auto& p) { p.zero_terminal_snr = true; });
    add(K::Cosine, [](auto& p) { p.cosine_s = 0.02, p.max_beta = 0.9; });
    add(K::Sigmoid, [](auto& p) { p.beta_end = 0.01; });
    add(K::Flow, [](auto& p) { p.shift = 3; });
    add(K::Edm, [](auto& p) { p.sigma_min = 0.01, p.sigma_max = 40, p.rho = 5; });
    add(K::ChenSigmoid, [](auto& p) { p.start = -2, p.end = 4, p.tau = 0.7; });
    add(K::ChenCosine, [](auto& p) { p.start = 0.2, p.end = 1, p.tau = 2; });
    add(K::Laplace, [](auto& p) { p.mu = 1, p.b = 0.7; });
    add(K::Cosine, [](auto& p) { p.shift = 8; });   // simple diffusion's shift on a VP kind
    add(K::Custom, [](auto& p) {
        p.betas = {1e-4, 0.001, 0.01, 0.05, 0.2, 0.5};
        p.T = 6;
    });
    for (const auto& p : cases) {
        INFO(ddpm::schedule_label(p));
        const auto back = through_manifest(p);
        CHECK(back.kind == p.kind);
        check_same_schedule(back, p);
    }
}

TEST_CASE("the manifest of a diffusers config run reopens the config's schedule", "[session]") {
    for (const char* name : {"sd15.json", "sd21.json", "sdxl.json", "if_stage1.json", "sd3.json"}) {
        INFO(name);
        const std::string path = std::string(DDPM_SOURCE_DIR "/tests/fixtures/schedulers/") + name;
        const auto config = ddpm::parse_scheduler_config(test::slurp(path), name);
        REQUIRE(config.ok());
        check_same_schedule(through_manifest(config->params), config->params);
    }
}

TEST_CASE("the command line's manifests carry the new families' parameters", "[session]") {
    test::TempDir dir;
    const std::string betas = dir / "betas.txt";
    {
        std::ofstream f(betas);
        f << "0.001\n0.01\n0.1\n0.3\n";
    }
    struct Case {
        std::string flags;
        ddpm::ScheduleParams expected;
    };
    ddpm::ScheduleParams edm = ddpm::default_params(ddpm::ScheduleKind::Edm);
    edm.rho = 3, edm.sigma_max = 20;
    ddpm::ScheduleParams flow = ddpm::default_params(ddpm::ScheduleKind::Flow);
    flow.shift = 3;
    ddpm::ScheduleParams custom = ddpm::default_params(ddpm::ScheduleKind::Custom);
    custom.betas = {0.001, 0.01, 0.1, 0.3};
    custom.T = 4;
    const auto sd21 = ddpm::parse_scheduler_config(
        test::slurp(DDPM_SOURCE_DIR "/tests/fixtures/schedulers/sd21.json"), "sd21.json");
    REQUIRE(sd21.ok());
    const std::vector<Case> cases = {
        {"--schedule edm --rho 3 --sigma-max 20", edm},
        {"--schedule flow --shift 3", flow},
        {"--betas '" + betas + "'", custom},
        {"--scheduler-config '" DDPM_SOURCE_DIR "/tests/fixtures/schedulers/sd21.json'", sd21->params},
    };
    int k = 0;
    for (const auto& c : cases) {
        INFO(c.flags);
        const std::string out = dir / ("x" + std::to_string(k++) + ".png");
        const auto r = test::run_viz("export chelsea --t 3 --max-side 32 " + c.flags + " --out '" + out + "'");
        REQUIRE(r.code == 0);
        const std::string manifest = test::slurp(out + ".manifest.json");
        CHECK(nlohmann::json::parse(manifest)["schedule"]["schedule"] == ddpm::schedule_name(c.expected.kind));
        auto session = parse_session(manifest, dir.path.string());
        REQUIRE(session.ok());
        check_same_schedule(session->params, c.expected);
        CHECK(session->t == 3);
    }
}

TEST_CASE("a compare sheet's manifest opens as the Compare window with the other schedules pinned", "[session]") {
    test::TempDir dir;
    const std::string out = dir / "c.png";
    const auto r = test::run_viz("export chelsea --t 0,300 --max-side 32 --compare 'cosine;flow --shift 3;laplace --mu 1' --out '" + out + "'");
    REQUIRE(r.code == 0);
    auto session = parse_session(test::slurp(out + ".manifest.json"), dir.path.string());
    REQUIRE(session.ok());
    CHECK(session->view == "compare");
    CHECK(session->params == ddpm::default_params(ddpm::ScheduleKind::Cosine));
    REQUIRE(session->pins.size() == 2);
    ddpm::ScheduleParams flow = ddpm::default_params(ddpm::ScheduleKind::Flow), laplace = ddpm::default_params(ddpm::ScheduleKind::Laplace);
    flow.shift = 3, laplace.mu = 1;
    check_same_schedule(session->pins[0], flow);
    check_same_schedule(session->pins[1], laplace);
    CHECK(session->t == 0);
}

TEST_CASE("a plot's manifest keeps its pins", "[session]") {
    test::TempDir dir;
    const std::string out = dir / "p.png";
    const auto r = test::run_viz("export --plot --x-axis log_snr --pin '--schedule edm --sigma-max 40' --out '" + out + "'");
    REQUIRE(r.code == 0);
    auto session = parse_session(test::slurp(out + ".manifest.json"), dir.path.string());
    REQUIRE(session.ok());
    REQUIRE(session->pins.size() == 1);
    ddpm::ScheduleParams edm = ddpm::default_params(ddpm::ScheduleKind::Edm);
    edm.sigma_max = 40;
    check_same_schedule(session->pins[0], edm);
}
