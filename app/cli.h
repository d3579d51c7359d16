#pragma once
// Command-line pieces shared by the GUI flags and the headless commands.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "ddpm/sampling.h"
#include "ddpm/schedule.h"

// Exit codes: 2 for a usage error (bad flag or parameter), 1 for work that failed.
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

// The schedule flags, the same names everywhere: --schedule --T --beta-start --beta-end --cosine-s
// --max-beta --zero-terminal-snr --shift, each kind's own (--sigma-min ... --b), --betas FILE,
// --scheduler-config FILE, --preset NAME and the sampling subset (--sampling-steps --spacing --steps-offset).
// A preset or config is the base; flags given explicitly override it. Unset values take the kind's defaults.
struct ScheduleFlags {
    std::string kind = ddpm::schedule_name(ddpm::ScheduleParams{}.kind);
    int T = ddpm::ScheduleParams{}.T;
    double beta_start = 0, beta_end = 0;   // unset: the kind's defaults (see params())
    double cosine_s = ddpm::ScheduleParams{}.cosine_s, max_beta = ddpm::ScheduleParams{}.max_beta;
    bool zero_terminal_snr = false;
    double shift = 1, sigma_min = 0, sigma_max = 0, rho = 0, start = 0, end = 0, tau = 0, mu = 0, b = 0;
    std::string betas_file, config_file, preset, spacing = "leading";
    int sampling_steps = 0, steps_offset = 0;
    CLI::App* app = nullptr;

    void add_to(CLI::App& app);
    // The parameters, or an error naming the bad one (validated by make_schedule later).
    ddpm::Result<ddpm::ScheduleParams> params() const;
    struct Resolved {
        ddpm::ScheduleParams params;
        ddpm::SamplingParams sampling;      // steps 0: every t
        std::vector<std::string> warnings;  // from a scheduler config
    };
    ddpm::Result<Resolved> resolve() const;
    bool given(const char* flag) const { return app && app->count(flag) > 0; }
};

// Schedule flags in one string ("--schedule cosine --T 500"), for --pin and --compare; made and checked.
ddpm::Result<ddpm::ScheduleParams> parse_schedule_spec(const std::string& spec);

// Prints "ddpm-viz: message" to stderr and returns code.
int fail(int code, const std::string& message);

// --seed, 0 to 2^32 - 1 (CLI11 refuses negative and larger values for uint32_t).
void add_seed_option(CLI::App& app, uint32_t& seed);

// Subcommands register themselves; their callback stores the process exit code.
void add_schedule_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);   // cli_export.cpp
void add_stats_command(CLI::App& app, int& exit_code);    // cli_stats.cpp
void add_toy_command(CLI::App& app, int& exit_code);      // cli_toy.cpp
