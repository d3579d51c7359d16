#include "cli.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "ddpm/image.h"
#include "ddpm/png.h"

void ScheduleFlags::add_to(CLI::App& a) {
    app = &a;
    std::string kinds;
    for (const auto& k : ddpm::kScheduleKinds) kinds += (kinds.empty() ? "" : "|") + std::string(k.name);
    a.add_option("--schedule", kind,
                 "Schedule kind: " + kinds +
                     " (sigmoid is a sigmoid in beta as in GeoDiff/diffusers; chen-sigmoid is Chen 2023's sigmoid in alpha_bar;"
                     " see `ddpm-viz schedule --help` for each formula and source)")
        ->check(CLI::IsMember([] {
            std::vector<std::string> names;
            for (const auto& k : ddpm::kScheduleKinds) names.push_back(k.name);
            return names;
        }()))
        ->capture_default_str()
        ->group("Schedule");
    a.add_option("--T", T, "Number of diffusion steps, 1 to 100000")->capture_default_str()->group("Schedule");
    a.add_option("--beta-start", beta_start, "First beta (default 1e-4; 0.00085 for scaled-linear)")->group("Schedule");
    a.add_option("--beta-end", beta_end, "Last beta (default 0.02; 0.012 for scaled-linear)")->group("Schedule");
    a.add_option("--cosine-s", cosine_s, "Offset s of the cosine schedule")->capture_default_str()->group("Schedule");
    a.add_option("--max-beta", max_beta, "Upper clip of the cosine schedule's betas")->capture_default_str()->group("Schedule");
    a.add_flag("--zero-terminal-snr", zero_terminal_snr, "Rescale so that alpha_bar_T = 0 exactly (Lin et al. 2023)")
        ->group("Schedule");
    a.add_option("--shift", shift,
                 "Multiply noise/signal by S for any kind (log_snr - 2 ln S), each kind in its family: SD3's shift S "
                 "(flow: sigma' = S sigma / (1 + (S-1) sigma)); Hoogeboom et al. 2023's resolution shift S = resolution / base; "
                 "diffusers issue 9392's snr_shift_scale s is S = sqrt(s)")
        ->type_name("S")->capture_default_str()->group("Schedule");
    a.add_option("--sigma-min", sigma_min, "edm: smallest sigma (default 0.002)")->group("Schedule");
    a.add_option("--sigma-max", sigma_max, "edm: largest sigma (default 80)")->group("Schedule");
    a.add_option("--rho", rho, "edm: Karras rho (default 7)")->group("Schedule");
    a.add_option("--start", start, "chen-sigmoid/chen-cosine: start (default -3 / 0)")->group("Schedule");
    a.add_option("--end", end, "chen-sigmoid/chen-cosine: end (default 3 / 1)")->group("Schedule");
    a.add_option("--tau", tau, "chen-sigmoid/chen-cosine: temperature tau (default 1)")->group("Schedule");
    a.add_option("--mu", mu, "laplace: log_snr at u = 0.5 (default 0)")->group("Schedule");
    a.add_option("--b", b, "laplace: scale b (default 0.5)")->group("Schedule");
    a.add_option("--betas", betas_file, "Custom betas: one per line, or a CSV with a column named beta (T from the file)")
        ->type_name("FILE")->group("Schedule");
    a.add_option("--scheduler-config", config_file,
                 "A diffusers scheduler_config.json (num_train_timesteps, beta_schedule, betas, rescale_betas_zero_snr, "
                 "timestep_spacing, steps_offset, FlowMatch shift); diffusers' timestep k is our t = k + 1")
        ->type_name("FILE")->group("Schedule");
    std::string names;
    for (const auto& p : ddpm::presets()) names += (names.empty() ? "" : "|") + std::string(p.name);
    a.add_option("--preset", preset, "Start from a published schedule: " + names)
        ->check(CLI::IsMember([] {
            std::vector<std::string> v;
            for (const auto& p : ddpm::presets()) v.push_back(p.name);
            return v;
        }()))
        ->type_name("NAME")->group("Schedule");
    a.add_option("--sampling-steps", sampling_steps,
                 "Only the N timesteps a sampler visits (diffusers' DDIM set_timesteps), noisiest first")
        ->type_name("N")->group("Sampling");
    a.add_option("--spacing", spacing, "leading, trailing or linspace (as diffusers' timestep_spacing)")
        ->check(CLI::IsMember({"leading", "trailing", "linspace"}))->capture_default_str()->group("Sampling");
    a.add_option("--steps-offset", steps_offset, "Added to leading timesteps (diffusers' steps_offset; SD uses 1)")
        ->type_name("K")->group("Sampling");
}

ddpm::Result<ScheduleFlags::Resolved> ScheduleFlags::resolve() const {
    Resolved r;
    ddpm::ScheduleParams& p = r.params;
    if (given("--preset") && given("--scheduler-config"))
        return ddpm::Error{"--preset and --scheduler-config both give a whole schedule; use one"};
    if (given("--preset")) {
        const ddpm::Preset* found = ddpm::find_preset(preset);
        if (!found) return ddpm::Error{"--preset " + preset + " is not a known preset"};
        p = found->params;
        r.sampling = found->sampling;
        r.sampling.steps = 0;
    } else if (given("--scheduler-config")) {
        auto bytes = ddpm::read_file(config_file);
        if (!bytes) return ddpm::Error{bytes.error()};
        auto c = ddpm::parse_scheduler_config(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                              config_file);
        if (!c) return ddpm::Error{c.error()};
        p = c->params;
        r.sampling = c->sampling;
        for (const auto& w : c->warnings) r.warnings.push_back(config_file + ": " + w);
        if (!c->ignored.empty()) {
            std::string list;
            for (const auto& k : c->ignored) list += (list.empty() ? "" : ", ") + k;
            r.warnings.push_back(config_file + ": ignored (they do not change the forward process): " + list);
        }
    }
    const bool base = given("--preset") || given("--scheduler-config");
    if (!base || given("--schedule")) {
        auto parsed = ddpm::parse_schedule_kind(kind);
        if (!parsed) return ddpm::Error{"--schedule " + kind + " is not a known schedule"};
        const ddpm::ScheduleParams keep = p;
        p = ddpm::default_params(*parsed);
        if (base) p.T = keep.T, p.zero_terminal_snr = keep.zero_terminal_snr;
    }
    if (given("--betas")) {
        if (given("--schedule") && p.kind != ddpm::ScheduleKind::Custom)
            return ddpm::Error{"--betas gives the betas; leave out --schedule " + kind + " (or use --schedule custom)"};
        auto bytes = ddpm::read_file(betas_file);
        if (!bytes) return ddpm::Error{bytes.error()};
        auto betas = ddpm::parse_betas(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), betas_file);
        if (!betas) return ddpm::Error{betas.error()};
        const bool zts = p.zero_terminal_snr;
        p = ddpm::default_params(ddpm::ScheduleKind::Custom);
        p.zero_terminal_snr = zts;
        p.betas = std::move(*betas);
        if (given("--T") && T != int(p.betas.size()))
            return ddpm::Error{"--T " + std::to_string(T) + " but " + betas_file + " has " + std::to_string(p.betas.size()) +
                               " betas; T comes from the file"};
        p.T = int(p.betas.size());
    } else if (p.kind == ddpm::ScheduleKind::Custom && p.betas.empty()) {
        return ddpm::Error{"--schedule custom needs --betas FILE"};
    }
    if (given("--T") || (!base && p.kind != ddpm::ScheduleKind::Custom)) {
        if (p.kind == ddpm::ScheduleKind::Custom && !given("--betas") && T != p.T)
            return ddpm::Error{"--T cannot change the length of trained betas (" + std::to_string(p.T) + ")"};
        if (p.kind != ddpm::ScheduleKind::Custom) p.T = T;
    }
    if (given("--beta-start")) p.beta_start = beta_start;
    if (given("--beta-end")) p.beta_end = beta_end;
    if (given("--cosine-s")) p.cosine_s = cosine_s;
    if (given("--max-beta")) p.max_beta = max_beta;
    if (given("--zero-terminal-snr")) p.zero_terminal_snr = zero_terminal_snr;
    if (given("--shift")) p.shift = shift;
    if (given("--sigma-min")) p.sigma_min = sigma_min;
    if (given("--sigma-max")) p.sigma_max = sigma_max;
    if (given("--rho")) p.rho = rho;
    if (given("--start")) p.start = start;
    if (given("--end")) p.end = end;
    if (given("--tau")) p.tau = tau;
    if (given("--mu")) p.mu = mu;
    if (given("--b")) p.b = b;
    if (given("--sampling-steps")) r.sampling.steps = sampling_steps;
    if (given("--spacing")) r.sampling.spacing = *ddpm::parse_spacing(spacing);
    if (given("--steps-offset")) r.sampling.steps_offset = steps_offset;
    if ((given("--spacing") || given("--steps-offset")) && !given("--sampling-steps"))
        return ddpm::Error{"--spacing and --steps-offset need --sampling-steps N"};
    return r;
}

ddpm::Result<ddpm::ScheduleParams> ScheduleFlags::params() const {
    auto r = resolve();
    if (!r) return ddpm::Error{r.error()};
    return r->params;
}

ddpm::Result<ddpm::ScheduleParams> parse_schedule_spec(const std::string& spec) {
    CLI::App app{"schedule", "schedule"};
    ScheduleFlags flags;
    flags.add_to(app);
    try {
        app.parse(spec, false);
    } catch (const CLI::ParseError& e) {
        return ddpm::Error{e.what()};
    }
    auto p = flags.params();
    if (!p) return p;
    if (auto s = ddpm::make_schedule(*p); !s) return ddpm::Error{s.error()};
    return p;
}

int fail(int code, const std::string& message) {
    std::cerr << "ddpm-viz: " << message << "\n";
    return code;
}

void add_seed_option(CLI::App& app, uint32_t& seed) {
    app.add_option("--seed", seed, "Noise seed, 0 to 4294967295")->type_name("SEED")->capture_default_str();
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
    std::string kinds = "Kinds (x_t = signal x0 + noise eps; alpha_bar and the columns after it are VP-equivalent):\n";
    for (const auto& k : ddpm::kScheduleKinds)
        kinds += "  " + std::string(k.name) + ": " + k.formula + "  [" + k.params + "; " + k.source + "]\n";
    kinds += "Presets:\n";
    for (const auto& p : ddpm::presets()) kinds += "  " + std::string(p.name) + ": " + p.source + "\n";
    kinds += "With --sampling-steps only those rows are printed, in the sampler's order, with diffusers_timestep = t - 1.\n"
             "Examples:\n"
             "  ddpm-viz schedule --schedule flow --shift 3 --T 1000 --out sd3.csv\n"
             "  ddpm-viz schedule --preset sd15 --sampling-steps 50 --spacing leading --steps-offset 1";
    cmd->footer(kinds);
    cmd->add_option("--format", f->format, "csv or json (default: from --out's extension, else csv)")
        ->check(CLI::IsMember({"csv", "json"}));
    cmd->add_option("--out", f->out, "Write to FILE instead of standard output");
    cmd->add_flag("--force", f->force, "Replace --out if it exists");
    cmd->callback([f, &exit_code] {
        auto resolved = f->schedule.resolve();
        if (!resolved) {
            exit_code = fail(kExitUsage, resolved.error());
            return;
        }
        auto schedule = ddpm::make_schedule(resolved->params);
        if (!schedule) {
            exit_code = fail(kExitUsage, schedule.error());
            return;
        }
        for (const auto& w : resolved->warnings) std::cerr << "ddpm-viz: warning: " << w << "\n";
        for (const auto& w : schedule->warnings) std::cerr << "ddpm-viz: warning: " << w << "\n";
        std::vector<int> rows;
        if (resolved->sampling.steps > 0) {
            auto ts = ddpm::sampling_timesteps(schedule->T(), resolved->sampling);
            if (!ts) {
                exit_code = fail(kExitUsage, ts.error());
                return;
            }
            rows = std::move(*ts);
        }
        std::string format = f->format;
        if (format.empty()) {
            std::string ext = std::filesystem::path(f->out).extension().string();
            for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
            format = ext == ".json" ? "json" : "csv";
        }
        const std::string text = format == "json" ? ddpm::schedule_json(*schedule, rows) : ddpm::schedule_csv(*schedule, rows);
        if (f->out.empty() || f->out == "-") {
            std::fwrite(text.data(), 1, text.size(), stdout);
            exit_code = std::fflush(stdout) == 0 ? 0 : fail(kExitFailure, "could not write to standard output");
            return;
        }
        auto status = ddpm::write_file_atomic(f->out, std::vector<uint8_t>(text.begin(), text.end()), f->force);
        exit_code = status ? 0 : fail(kExitFailure, status.error);
    });
}
