// The toy reverse process's timesteps from the schedule's sampling steps (kept apart from test_toy.cpp:
// ddpm::Preset of sampling.h and toy::Preset clash under that file's using-directives).
#include <catch2/catch.hpp>

#include "ddpm/sampling.h"
#include "ddpm/toy.h"

TEST_CASE("toy: reverse timesteps are the schedule's sampling timesteps then 0, else evenly spaced", "[toy]") {
    // diffusers' leading spacing, 4 steps of T = 1000 with steps_offset 1: k = 751, 501, 251, 1, our t = k + 1.
    const auto leading = ddpm::toy::reverse_timesteps(1000, ddpm::SamplingParams{4, ddpm::Spacing::Leading, 1}, 50);
    REQUIRE(leading.ok());
    CHECK(*leading == std::vector<int>{752, 502, 252, 2, 0});
    const auto none = ddpm::toy::reverse_timesteps(1000, ddpm::SamplingParams{}, 10);
    REQUIRE(none.ok());
    CHECK(*none == ddpm::toy::sampling_timesteps(1000, 10));
    CHECK_FALSE(ddpm::toy::reverse_timesteps(10, ddpm::SamplingParams{11, ddpm::Spacing::Trailing, 0}, 5).ok());
}
