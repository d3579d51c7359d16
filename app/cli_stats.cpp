// `ddpm-viz stats`: the exact distribution statistics of x_t for an image, t = 1..T (core's distribution
// module, which the window's Distribution panel also draws).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "app.h"
#include "cli.h"
#include "ddpm/distribution.h"
#include "ddpm/image.h"
#include "ddpm/png.h"

void add_stats_command(CLI::App& app, int& exit_code) {
    struct Flags {
        ScheduleFlags schedule;
        std::string image, format, out;
        bool force = false;
    };
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = app.add_subcommand(
        "stats", "Print the exact statistics of x_t over IMAGE's pixels for t = 1..T: KL to N(0, I), mean, sd");
    cmd->footer(
        "Columns (CSV header, JSON keys):\n"
        "  t         the timestep, 1..T\n"
        "  kl_prior  KL(q(x_t | x0) || N(0, I)) in nats per dimension, the mean over pixels and channels:\n"
        "            0.5 (alpha_bar_t x0^2 + (1 - alpha_bar_t) - 1 - ln(1 - alpha_bar_t)); inf where alpha_bar_t = 1\n"
        "  mean_xt   the mean of x_t over pixels and channels: sqrt(alpha_bar_t) mean(x0)\n"
        "  sd_xt     its standard deviation: sqrt(alpha_bar_t var(x0) + 1 - alpha_bar_t)\n"
        "Exact: computed from the image's histogram, with no noise drawn (the expectation over eps).\n"
        "IMAGE is a file or an embedded sample: chelsea, astronaut or coffee.\n"
        "Examples:\n"
        "  ddpm-viz stats chelsea --out stats.csv\n"
        "  ddpm-viz stats chelsea --T 10 --format json");
    cmd->add_option("IMAGE", f->image, "Input image (PNG, JPEG, BMP, TGA, GIF, PPM/PGM) or embedded sample chelsea|astronaut|coffee")->required()->type_name("IMAGE");
    f->schedule.add_to(*cmd);
    cmd->add_option("--format", f->format, "csv or json (default: from --out's extension, else csv)")
        ->check(CLI::IsMember({"csv", "json"}));
    cmd->add_option("--out", f->out, "Write to FILE.csv or FILE.json instead of standard output")->type_name("FILE");
    cmd->add_flag("--force", f->force, "Replace --out if it exists");
    cmd->callback([f, &exit_code] {
        auto params = f->schedule.params();
        if (!params) return void(exit_code = fail(kExitUsage, params.error()));
        auto schedule = ddpm::make_schedule(*params);
        if (!schedule) return void(exit_code = fail(kExitUsage, schedule.error()));
        std::string format = f->format;
        const bool to_stdout = f->out.empty() || f->out == "-";
        if (!to_stdout) {
            std::string ext = std::filesystem::path(f->out).extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            if (ext != ".csv" && ext != ".json")
                return void(exit_code = fail(kExitUsage, "--out " + f->out + ": use FILE.csv or FILE.json"));
            if (format.empty()) format = ext == ".json" ? "json" : "csv";
        }
        if (format.empty()) format = "csv";
        auto loaded = load_image_argument(f->image);
        if (!loaded) return void(exit_code = fail(kExitFailure, loaded.error()));
        const ddpm::Image* x0 = &loaded->image;
        const ddpm::LevelHistogram h = ddpm::level_histogram(*x0);
        const std::string text = format == "json" ? ddpm::stats_json(h, *schedule, loaded->source) : ddpm::stats_csv(h, *schedule);
        if (auto warning = ddpm::prior_warning(h, *schedule)) std::fprintf(stderr, "ddpm-viz: note: %s\n", warning->c_str());
        if (to_stdout) {
            std::fwrite(text.data(), 1, text.size(), stdout);
            exit_code = std::fflush(stdout) == 0 ? 0 : fail(kExitFailure, "could not write to standard output");
            return;
        }
        auto status = ddpm::write_file_atomic(f->out, std::vector<uint8_t>(text.begin(), text.end()), f->force);
        exit_code = status ? 0 : fail(kExitFailure, status.error);
    });
}
