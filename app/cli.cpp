#include "cli.h"

#include <stdio_ext.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "ddpm/png.h"

void ScheduleFlags::add_to(CLI::App& app) {
    std::string kinds;
    for (const auto& k : ddpm::kScheduleKinds) kinds += (kinds.empty() ? "" : "|") + std::string(k.name);
    app.add_option("--schedule", kind, "Beta schedule: " + kinds)
        ->check(CLI::IsMember([] {
            std::vector<std::string> names;
            for (const auto& k : ddpm::kScheduleKinds) names.push_back(k.name);
            return names;
        }()))
        ->capture_default_str()
        ->group("Schedule");
    app.add_option("--T", T, "Number of diffusion steps, 1 to 100000")->capture_default_str()->group("Schedule");
    beta_start_opt = app.add_option("--beta-start", beta_start,
                                    "First beta (default 1e-4; 0.00085 for scaled-linear)")
                         ->group("Schedule");
    beta_end_opt = app.add_option("--beta-end", beta_end, "Last beta (default 0.02; 0.012 for scaled-linear)")
                       ->group("Schedule");
    app.add_option("--cosine-s", cosine_s, "Offset s of the cosine schedule")->capture_default_str()->group("Schedule");
    app.add_option("--max-beta", max_beta, "Upper clip of the cosine schedule's betas")
        ->capture_default_str()
        ->group("Schedule");
    app.add_flag("--zero-terminal-snr", zero_terminal_snr,
                 "Rescale so that alpha_bar_T = 0 exactly (Lin et al. 2023)")
        ->group("Schedule");
}

ddpm::Result<ddpm::ScheduleParams> ScheduleFlags::params() const {
    auto parsed = ddpm::parse_schedule_kind(kind);
    if (!parsed) return ddpm::Error{"--schedule " + kind + " is not a known schedule"};
    ddpm::ScheduleParams p = ddpm::default_params(*parsed);
    p.T = T;
    if (beta_start_opt && beta_start_opt->count()) p.beta_start = beta_start;
    if (beta_end_opt && beta_end_opt->count()) p.beta_end = beta_end;
    p.cosine_s = cosine_s;
    p.max_beta = max_beta;
    p.zero_terminal_snr = zero_terminal_snr;
    return p;
}

int fail(int code, const std::string& message) {
    std::cerr << "ddpm-viz: " << message << "\n";
    return code;
}

bool write_stdout(std::string_view text) {
    errno = 0;
    const bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
    if (!ok) {
        fail(kExitFailure, std::string("could not write to standard output: ") + std::strerror(errno ? errno : EIO));
        __fpurge(stdout);   // said once: the check at exit must not report the same loss again
        std::clearerr(stdout);
    }
    return ok;
}

int finish_stdout(int exit_code) {
    // Whatever was printed (help, tables, figures) must have arrived: a full disk or a closed
    // pipe is a failure, not a silent truncation.
    errno = 0;
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || std::cout.fail()) {
        fail(kExitFailure, std::string("could not write to standard output: ") + std::strerror(errno ? errno : EIO));
        return exit_code ? exit_code : kExitFailure;
    }
    return exit_code;
}

void add_seed_option(CLI::App& app, uint32_t& seed) {
    app.add_option("--seed", seed, "Noise seed, 0 to 4294967295")->type_name("SEED")->capture_default_str();
}

void add_max_pixels_option(CLI::App& app, int64_t& max_pixels) {
    app.add_option("--max-pixels", max_pixels,
                   "Refuse input images with more pixels than N, before decoding (default 2^28, about 16384x16384)")
        ->check(CLI::PositiveNumber)
        ->type_name("N")
        ->capture_default_str();
}

void add_schedule_command(CLI::App& app, int& exit_code) {
    struct Flags {
        ScheduleFlags schedule;
        std::string format, out;
        bool force = false;
    };
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = app.add_subcommand("schedule", "Print the schedule table for t = 1..T (CSV or JSON)");
    f->schedule.add_to(*cmd);
    cmd->add_option("--format", f->format, "csv or json (default: from --out's extension, else csv)")
        ->check(CLI::IsMember({"csv", "json"}));
    cmd->add_option("--out", f->out, "Write to FILE instead of standard output");
    cmd->add_flag("--force", f->force, "Replace --out if it exists");
    cmd->callback([f, &exit_code] {
        auto params = f->schedule.params();
        if (!params) {
            exit_code = fail(kExitUsage, params.error());
            return;
        }
        auto schedule = ddpm::make_schedule(*params);
        if (!schedule) {
            exit_code = fail(kExitUsage, schedule.error());
            return;
        }
        std::string format = f->format;
        if (format.empty()) {
            std::string ext = std::filesystem::path(f->out).extension().string();
            for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
            format = ext == ".json" ? "json" : "csv";
        }
        const std::string text = format == "json" ? ddpm::schedule_json(*schedule) : ddpm::schedule_csv(*schedule);
        if (f->out.empty() || f->out == "-") {
            exit_code = write_stdout(text) ? 0 : kExitFailure;
            return;
        }
        const ddpm::InterruptCleanup cleanup;
        auto status = ddpm::write_file_atomic(f->out, std::vector<uint8_t>(text.begin(), text.end()), f->force);
        exit_code = status ? 0 : fail(kExitFailure, status.error);
    });
}
