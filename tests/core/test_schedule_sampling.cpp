// Sampling timesteps against diffusers' DDIMScheduler.set_timesteps, scheduler configs of real models, presets.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ddpm/sampling.h"

using namespace ddpm;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(DDPM_SOURCE_DIR) + "/tests/fixtures/schedulers/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// diffusers' timesteps k, written from set_timesteps' formulas; our t is k + 1.
std::vector<int> plus_one(std::vector<int> k) {
    for (int& v : k) ++v;
    return k;
}

std::vector<int> steps(int T, int N, Spacing s, int offset = 0) {
    auto r = sampling_timesteps(T, {N, s, offset});
    REQUIRE(r.ok());
    return *r;
}

}  // namespace

TEST_CASE("leading spacing: (arange(N) * (T // N))[::-1] + steps_offset, SD's never visits t = T", "[sampling]") {
    CHECK(steps(1000, 10, Spacing::Leading) == plus_one({900, 800, 700, 600, 500, 400, 300, 200, 100, 0}));
    CHECK(steps(1000, 10, Spacing::Leading, 1) == plus_one({901, 801, 701, 601, 501, 401, 301, 201, 101, 1}));
    // T // N floors: 1000 // 3 = 333
    CHECK(steps(1000, 3, Spacing::Leading) == plus_one({666, 333, 0}));
    const auto sd = steps(1000, 50, Spacing::Leading, 1);
    CHECK(sd.front() == 982);   // diffusers' 981: the last 18 steps are never visited (Lin et al. 2023)
    CHECK(sd.back() == 2);
}

TEST_CASE("trailing spacing: round(arange(T, 0, -T / N)) - 1 starts at t = T", "[sampling]") {
    CHECK(steps(1000, 10, Spacing::Trailing) == plus_one({999, 899, 799, 699, 599, 499, 399, 299, 199, 99}));
    // 1000 / 3 = 333.33: round(1000) - 1, round(666.67) - 1, round(333.33) - 1
    CHECK(steps(1000, 3, Spacing::Trailing) == plus_one({999, 666, 332}));
    // N where numpy's arange length rounds up to N + 1: still N steps, none below t = 1
    const auto s61 = steps(1000, 61, Spacing::Trailing);
    CHECK(s61.size() == 61);
    CHECK(s61.back() == int(std::nearbyint(1000 - 60 * (1000.0 / 61))));
}

TEST_CASE("linspace spacing: linspace(0, T - 1, N).round()[::-1], half to even", "[sampling]") {
    CHECK(steps(1000, 10, Spacing::Linspace) == plus_one({999, 888, 777, 666, 555, 444, 333, 222, 111, 0}));
    // 999 / 49 = 20.387755...: 48 * that = 978.61 -> 979, 47 * = 958.22 -> 958
    const auto s = steps(1000, 50, Spacing::Linspace);
    CHECK(s[0] == 1000);
    CHECK(s[1] == 980);
    CHECK(s[2] == 959);
    CHECK(s.back() == 1);
    // linspace(0, 9, 3) = 0, 4.5, 9: 4.5 rounds to 4 (even)
    CHECK(steps(10, 3, Spacing::Linspace) == plus_one({9, 4, 0}));
    CHECK(steps(1, 1, Spacing::Linspace) == std::vector<int>{1});
}

TEST_CASE("sampling steps out of range are errors", "[sampling]") {
    CHECK_THAT(sampling_timesteps(1000, {1001, Spacing::Leading, 0}).error(), Catch::Contains("outside 1..T"));
    CHECK_THAT(sampling_timesteps(1000, {0, Spacing::Leading, 0}).error(), Catch::Contains("outside 1..T"));
    CHECK_THAT(sampling_timesteps(1000, {1000, Spacing::Leading, 1}).error(), Catch::Contains("diffusers timestep 1000"));
}

TEST_CASE("scheduler configs of SD 1.5, SD 2.1, SDXL, IF and SD3", "[sampling]") {
    auto sd15 = parse_scheduler_config(fixture("sd15.json"), "sd15.json");
    REQUIRE(sd15.ok());
    CHECK(sd15->class_name == "PNDMScheduler");
    CHECK(sd15->params.kind == ScheduleKind::ScaledLinear);
    CHECK(sd15->params.beta_start == 0.00085);
    CHECK(sd15->params.beta_end == 0.012);
    CHECK(sd15->params.T == 1000);
    CHECK(sd15->sampling.spacing == Spacing::Leading);
    CHECK(sd15->sampling.steps_offset == 1);
    CHECK(sd15->warnings.empty());
    CHECK(std::count(sd15->ignored.begin(), sd15->ignored.end(), "skip_prk_steps") == 1);
    // Stable Diffusion's sigma_max = sqrt((1 - alpha_bar) / alpha_bar) at t = T is 14.6146
    CHECK(make_schedule(sd15->params)->sigma[1000] == Approx(14.6146).margin(1e-4));

    // The same model's config as diffusers 0.17 re-saves it, every default written out.
    auto saved = parse_scheduler_config(fixture("sd15_saved.json"), "sd15_saved.json");
    REQUIRE(saved.ok());
    CHECK(saved->params == sd15->params);
    CHECK(saved->sampling == sd15->sampling);
    CHECK(saved->warnings.empty());
    for (const char* key : {"clip_sample_range", "dynamic_thresholding_ratio", "prediction_type", "sample_max_value", "thresholding"})
        CHECK(std::count(saved->ignored.begin(), saved->ignored.end(), key) == 1);

    auto sd21 = parse_scheduler_config(fixture("sd21.json"), "sd21.json");
    REQUIRE(sd21.ok());
    CHECK(sd21->params == sd15->params);   // the same betas; v-prediction does not change q(x_t | x0)
    CHECK(std::count(sd21->ignored.begin(), sd21->ignored.end(), "prediction_type") == 1);

    auto sdxl = parse_scheduler_config(fixture("sdxl.json"), "sdxl.json");
    REQUIRE(sdxl.ok());
    CHECK(sdxl->params == sd15->params);
    CHECK(sdxl->sampling.spacing == Spacing::Leading);
    CHECK(sdxl->warnings.empty());   // use_karras_sigmas false is fine

    auto iff = parse_scheduler_config(fixture("if_stage1.json"), "if_stage1.json");
    REQUIRE(iff.ok());
    CHECK(iff->params.kind == ScheduleKind::Cosine);
    CHECK(iff->params.cosine_s == 0.008);
    CHECK(iff->params.max_beta == 0.999);
    CHECK(iff->sampling.steps_offset == 0);

    auto sd3 = parse_scheduler_config(fixture("sd3.json"), "sd3.json");
    REQUIRE(sd3.ok());
    CHECK(sd3->params.kind == ScheduleKind::Flow);
    CHECK(sd3->params.shift == 3);
    const Schedule s3 = *make_schedule(sd3->params);
    CHECK(s3.noise[500] == Approx(3 * 0.5 / (1 + 2 * 0.5)).epsilon(1e-15));
}

TEST_CASE("scheduler configs: zero SNR, trained betas, refusals and warnings", "[sampling]") {
    auto z = parse_scheduler_config(R"({"_class_name":"DDIMScheduler","beta_schedule":"scaled_linear","beta_start":0.00085,
        "beta_end":0.012,"rescale_betas_zero_snr":true,"timestep_spacing":"trailing"})", "z.json");
    REQUIRE(z.ok());
    CHECK(z->params.zero_terminal_snr);
    CHECK(z->sampling.spacing == Spacing::Trailing);
    auto tb = parse_scheduler_config(R"({"trained_betas":[0.1,0.2,0.3],"num_train_timesteps":3})", "tb.json");
    REQUIRE(tb.ok());
    CHECK(tb->params.kind == ScheduleKind::Custom);
    CHECK(tb->params.betas == std::vector<double>{0.1, 0.2, 0.3});
    CHECK(tb->params.T == 3);
    CHECK_THAT(parse_scheduler_config(R"({"beta_schedule":"exp"})", "e.json").error(),
               Catch::Contains("beta_schedule exp is not one"));
    CHECK_THAT(parse_scheduler_config(R"({"_class_name":"ScoreSdeVeScheduler"})", "v.json").error(),
               Catch::Contains("ScoreSdeVeScheduler"));
    CHECK_THAT(parse_scheduler_config("{", "bad.json").error(), Catch::Contains("not valid JSON"));
    CHECK_THAT(parse_scheduler_config(R"({"num_train_timesteps":-5})", "n.json").error(), Catch::Contains("num_train_timesteps"));
    CHECK_THAT(parse_scheduler_config(R"({"beta_start":"a"})", "n.json").error(), Catch::Contains("beta_start"));
    auto k = parse_scheduler_config(R"({"_class_name":"EulerDiscreteScheduler","use_karras_sigmas":true,"foo":1})", "k.json");
    REQUIRE(k.ok());
    REQUIRE(k->warnings.size() == 2);
    CHECK_THAT(k->warnings[1], Catch::Contains("use_karras_sigmas"));
    CHECK_THAT(k->warnings[0], Catch::Contains("unknown key foo"));
    CHECK(k->sampling.spacing == Spacing::Linspace);   // Euler's default
    auto d = parse_scheduler_config(R"({"_class_name":"FlowMatchEulerDiscreteScheduler","use_dynamic_shifting":true,"shift":1.0})", "f.json");
    REQUIRE(d.ok());
    REQUIRE(d->warnings.size() == 1);
    CHECK_THAT(d->warnings[0], Catch::Contains("use_dynamic_shifting"));
}

TEST_CASE("presets build and name their sources", "[sampling]") {
    REQUIRE(presets().size() >= 9);
    for (const auto& p : presets()) {
        INFO(p.name);
        CHECK(make_schedule(p.params).ok());
        CHECK(std::string(p.source).size() > 10);
        if (p.sampling.steps) CHECK(sampling_timesteps(p.params.T, p.sampling).ok());
    }
    CHECK(find_preset("sd3")->params.shift == 3);
    CHECK(find_preset("nope") == nullptr);
}
