#pragma once
// Sampling timesteps as diffusers' DDIMScheduler.set_timesteps computes them, and the diffusers
// scheduler_config.json reader. diffusers' timestep k is our t = k + 1: its alphas_cumprod[k] is our
// alpha_bar at t = k + 1.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddpm/result.h"
#include "ddpm/schedule.h"

namespace ddpm {

enum class Spacing { Leading, Trailing, Linspace };
inline constexpr std::array<std::pair<Spacing, const char*>, 3> kSpacings{
    {{Spacing::Leading, "leading"}, {Spacing::Trailing, "trailing"}, {Spacing::Linspace, "linspace"}}};
const char* spacing_name(Spacing s);
std::optional<Spacing> parse_spacing(std::string_view name);

struct SamplingParams {
    int steps = 0;              // 0: no sampling subset (every t)
    Spacing spacing = Spacing::Leading;
    int steps_offset = 0;       // added to leading timesteps (diffusers' steps_offset)
    bool operator==(const SamplingParams&) const = default;
};

// The t (1..T) a sampler visits, in its order (noisiest first): diffusers' timesteps k plus one.
Result<std::vector<int>> sampling_timesteps(int T, const SamplingParams& sampling);

// What a diffusers scheduler_config.json says about the forward process.
struct DiffusersConfig {
    std::string class_name;             // "" when the file has no _class_name
    ScheduleParams params;
    SamplingParams sampling;            // spacing and steps_offset; steps stays 0
    std::vector<std::string> ignored;   // keys that do not change the forward process
    std::vector<std::string> warnings;  // keys it cannot honour, named with why
};
Result<DiffusersConfig> parse_scheduler_config(std::string_view json_text, const std::string& file_name);

// Named starting points, each with its source.
struct Preset {
    const char* name;     // CLI value (--preset) and button label
    const char* source;   // paper or model card, shown as the tooltip and in --help
    ScheduleParams params;
    SamplingParams sampling;
};
const std::vector<Preset>& presets();
const Preset* find_preset(std::string_view name);

}  // namespace ddpm
