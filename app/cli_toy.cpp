// `ddpm-viz toy`: 2D toy data through the forward process (closed form or chain), the exact density
// of q(x_t) on a grid, and the reverse process with the exact score, as CSV, PNG or GIF (core's toy module).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli.h"
#include "ddpm/export.h"
#include "ddpm/png.h"
#include "ddpm/toy.h"

namespace {

namespace fs = std::filesystem;
namespace toy = ddpm::toy;

std::string lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

void append_float(std::string& out, float v) {
    char buf[32];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_points(std::string& out, int t, const toy::Points& x) {
    for (std::size_t i = 0; i < x.size(); ++i) {
        out += std::to_string(t) + "," + std::to_string(i) + ",";
        append_float(out, x[i].x);
        out += ',';
        append_float(out, x[i].y);
        out += '\n';
    }
}

ddpm::Result<std::pair<double, double>> parse_range(const std::string& text) {
    const std::size_t comma = text.find(',');
    double lo = 0, hi = 0;
    auto num = [](std::string_view s, double& v) {
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
    };
    if (comma == std::string::npos || !num(std::string_view(text).substr(0, comma), lo) ||
        !num(std::string_view(text).substr(comma + 1), hi) || !(hi > lo))
        return ddpm::Error{"--range " + text + ": expected LO,HI with LO < HI, e.g. -3,3"};
    return std::pair{lo, hi};
}

}  // namespace

void add_toy_command(CLI::App& app, int& exit_code) {
    struct Flags {
        ScheduleFlags schedule;
        std::string data, t, process = "closed", out, range = "-3.5,3.5", reverse;
        uint32_t seed = 0;
        int n = 0, data_n = 1000, grid = 100, steps = 100, size = 640;
        double bandwidth = 0;
        bool density = false, force = false, no_heat = false;
    };
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = app.add_subcommand("toy", "2D toy data diffused exactly: points at t, the density of q(x_t), the reverse process");
    cmd->footer(
        "Three modes, each writing --out FILE.csv, FILE.png or FILE.gif:\n"
        "  points (default)  x_t of every data point for each t of --t; CSV columns t,i,x,y (i: the data point)\n"
        "  --density         the exact density of q(x_t) on a G x G grid over [LO,HI]^2; CSV columns x,y,density\n"
        "  --reverse S       M samples from N(0, I) brought back to t = 0 with the exact denoiser (S: ddpm or ddim);\n"
        "                    CSV columns t,i,x,y for every step visited, the last rows are the samples\n"
        "PNG and GIF draw the scene as the window does: points coloured by where they started, over the density\n"
        "heat map and the N(0, I) circles. Noise streams are documented in core/include/ddpm/toy.h.\n"
        "Examples:\n"
        "  ddpm-viz toy --data moons --n 2000 --t 0,100,500 --out moons.csv\n"
        "  ddpm-viz toy --data swissroll --t 0:1000:50 --process chain --out roll.gif\n"
        "  ddpm-viz toy --data gaussians8 --density --t 100 --grid 64 --range -3,3 --out q100.csv\n"
        "  ddpm-viz toy --data moons --reverse ddim --steps 50 --n 500 --out samples.csv\n"
        "  ddpm-viz toy --data moons --reverse ddim --sampling-steps 50 --spacing trailing --n 500 --out trailing.csv");
    f->schedule.add_to(*cmd);
    std::string presets;
    for (const auto& p : toy::kPresets) presets += (presets.empty() ? "" : "|") + std::string(p.name);
    cmd->add_option("--data", f->data, "The data: " + presets + ", or FILE.csv of x,y lines")->required();
    cmd->add_option("--n", f->n, "Points: N points drawn from the data (a preset: N of its points; a file: with replacement). "
                                 "--reverse: the number of samples M (default 1000)")
        ->check(CLI::Range(1, toy::kMaxPoints));
    cmd->add_option("--data-n", f->data_n, "Points a preset has for --density and --reverse")
        ->capture_default_str()
        ->check(CLI::Range(1, toy::kMaxPoints));
    add_seed_option(*cmd, f->seed);
    cmd->add_option("--t", f->t, "Timesteps: 500, 0,10,100 or 0:1000:25 (default 0; --density: one t)");
    cmd->add_option("--process", f->process, "closed (x_t = a x0 + b eps) or chain (the Markov chain, step by step)")
        ->check(CLI::IsMember({"closed", "chain"}))
        ->capture_default_str();
    cmd->add_option("--bandwidth", f->bandwidth, "Smooth each data point by N(0, h^2 I) in the density and the denoiser")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    cmd->add_flag("--density", f->density, "Write the density of q(x_t) on a grid");
    cmd->add_option("--grid", f->grid, "--density: grid size G")->capture_default_str()->check(CLI::Range(1, 4096));
    cmd->add_option("--range", f->range, "--density and pictures: the square [LO,HI]^2 as LO,HI")->capture_default_str();
    cmd->add_option("--reverse", f->reverse, "Run the reverse process: ddpm or ddim (eta = 0)")->check(CLI::IsMember({"ddpm", "ddim"}));
    cmd->add_option("--steps", f->steps, "--reverse: steps, evenly spaced from T to 0 (or --sampling-steps N with --spacing and --steps-offset: "
                                  "the schedule's sampling timesteps, as diffusers visits them, then t = 0)")->capture_default_str()->check(CLI::Range(1, ddpm::kMaxT));
    cmd->add_option("--size", f->size, "PNG/GIF: picture side in pixels")->capture_default_str()->check(CLI::Range(64, 4096));
    cmd->add_flag("--no-heat", f->no_heat, "PNG/GIF: no density heat map under the points");
    cmd->add_option("--out", f->out, "FILE.csv, FILE.png or FILE.gif")->required();
    cmd->add_flag("--force", f->force, "Replace --out if it exists");

    cmd->callback([f, cmd, &exit_code] {
        auto usage = [&](const std::string& m) { exit_code = fail(kExitUsage, m); };
        auto resolved = f->schedule.resolve();
        if (!resolved) return usage(resolved.error());
        auto schedule = ddpm::make_schedule(resolved->params);
        if (!schedule) return usage(schedule.error());
        const ddpm::Schedule& s = *schedule;
        const std::string ext = lower_extension(f->out);
        if (ext != ".csv" && ext != ".png" && ext != ".gif") return usage("--out " + f->out + ": use FILE.csv, FILE.png or FILE.gif");
        if (f->density && !f->reverse.empty()) return usage("--density and --reverse are separate modes; choose one");
        auto range = parse_range(f->range);
        if (!range) return usage(range.error());
        // Not a structured binding: the lambdas below capture these, which clang 14 refuses (C++20).
        const double lo = range->first, hi = range->second;

        // The data.
        const bool points_mode = !f->density && f->reverse.empty();
        toy::Points data;
        if (auto preset = toy::parse_preset(f->data)) {
            data = toy::make_preset(*preset, points_mode && f->n ? f->n : f->data_n, f->seed);
        } else {
            if (lower_extension(f->data) != ".csv")
                return usage("--data " + f->data + " is neither a preset (" + [] {
                    std::string p;
                    for (const auto& k : toy::kPresets) p += (p.empty() ? "" : ", ") + std::string(k.name);
                    return p;
                }() + ") nor a .csv file");
            auto loaded = toy::load_points_csv(f->data);
            if (!loaded) {
                exit_code = fail(kExitFailure, loaded.error());
                return;
            }
            data = std::move(*loaded);
            if (points_mode && f->n) data = toy::resample(data, f->n, f->seed);
        }

        std::vector<int> ts{0};
        if (!f->t.empty()) {
            auto parsed = ddpm::parse_t_list(f->t, s.T());
            if (!parsed) return usage("--t: " + parsed.error());
            ts = *parsed;
        }
        const std::vector<uint32_t> colors = toy::start_colors(data);
        auto heat = [&](int t, std::vector<double>& grid, int g) -> bool {
            const toy::Marginal m = toy::marginal(s, t, f->bandwidth);
            if (f->no_heat || m.variance() <= 0) return false;
            grid = toy::density_grid(data, m, g, lo, hi);
            return true;
        };
        auto scene = [&](const toy::Points& x, const std::vector<uint32_t>& c, int t_heat, const std::string& label) {
            toy::SceneOptions o;
            o.size = f->size;
            o.lo = lo;
            o.hi = hi;
            o.label = label;
            o.point_radius = f->size >= 1024 ? 3.0f : 2.0f;
            std::vector<double> grid;
            if (t_heat >= 0 && heat(t_heat, grid, std::min(160, f->size / 4))) {
                o.density = &grid;
                o.density_g = std::min(160, f->size / 4);
            }
            return toy::render_scene(x, c, o);
        };
        std::vector<uint8_t> bytes;
        auto pictures = [&](const std::vector<ddpm::Rgb8>& frames) -> bool {
            if (ext == ".png") {
                // Several pictures side by side.
                const int n = int(frames.size()), side = frames[0].width;
                ddpm::Rgb8 sheet{side * n, side, std::vector<uint8_t>(std::size_t(side) * side * 3 * std::size_t(n))};
                for (int k = 0; k < n; ++k)
                    for (int y = 0; y < side; ++y)
                        std::copy_n(&frames[std::size_t(k)].pixels[std::size_t(y) * side * 3], std::size_t(side) * 3,
                                    &sheet.pixels[(std::size_t(y) * side * n + std::size_t(k) * side) * 3]);
                bytes = ddpm::encode_png(sheet);
                return true;
            }
            ddpm::GifOptions g;
            g.delay_cs = 8;
            auto gif = ddpm::encode_gif(frames, g);
            if (!gif) {
                exit_code = fail(kExitFailure, gif.error());
                return false;
            }
            bytes = std::move(*gif);
            return true;
        };

        if (f->density) {
            if (ts.size() != 1) return usage("--density takes one --t, got " + std::to_string(ts.size()));
            const toy::Marginal m = toy::marginal(s, ts[0], f->bandwidth);
            if (m.variance() <= 0)
                return usage("q(x_0) of point data is a sum of point masses with no density; use --t 1 or more, or --bandwidth > 0");
            const std::vector<double> grid = toy::density_grid(data, m, f->grid, lo, hi);
            if (ext == ".csv") {
                std::string text = "x,y,density\n";
                const double cell = (hi - lo) / f->grid;
                for (int r = 0; r < f->grid; ++r)
                    for (int c = 0; c < f->grid; ++c)
                        text += toy::number(lo + (c + 0.5) * cell) + "," + toy::number(lo + (r + 0.5) * cell) + "," +
                                toy::number(grid[std::size_t(r) * std::size_t(f->grid) + std::size_t(c)]) + "\n";
                bytes.assign(text.begin(), text.end());
            } else {
                toy::SceneOptions o;
                o.size = f->size;
                o.lo = lo;
                o.hi = hi;
                o.density = &grid;
                o.density_g = f->grid;
                o.label = "q(x_t), t = " + std::to_string(ts[0]);
                if (!pictures({toy::render_scene({}, {}, o)})) return;
            }
        } else if (!f->reverse.empty()) {
            const toy::Sampler sampler = *toy::parse_sampler(f->reverse);
            const int m = f->n ? f->n : 1000;
            if (resolved->sampling.steps > 0 && cmd->count("--steps"))
                return usage("--steps and --sampling-steps both choose the reverse process's timesteps; use one");
            auto timesteps = toy::reverse_timesteps(s.T(), resolved->sampling, f->steps);
            if (!timesteps) return usage(timesteps.error());
            const std::size_t visited = timesteps->size();
            if (double(m) * double(visited) > 5e7)
                return usage("--reverse keeps every step of every sample: " + std::to_string(m) + " samples x " +
                             std::to_string(visited) + " steps is more than 50 million points; use fewer --n or --steps");
            const toy::ReversePath r =
                toy::reverse(data, f->bandwidth, s, sampler, *timesteps, m, f->seed);
            if (ext == ".csv") {
                std::string text = "t,i,x,y\n";
                for (std::size_t k = 0; k < r.path.size(); ++k) append_points(text, r.timesteps[k], r.path[k]);
                bytes.assign(text.begin(), text.end());
            } else {
                const std::vector<uint32_t> c = toy::start_colors(r.path.front());
                std::vector<ddpm::Rgb8> frames;
                if (ext == ".png") {
                    frames.push_back(scene(r.path.back(), c, -1, f->reverse + ", " + std::to_string(r.timesteps.size() - 1) + " steps: t = 0"));
                } else {
                    const std::size_t every = std::max<std::size_t>(1, r.path.size() / 60);
                    for (std::size_t k = 0; k < r.path.size(); k += every)
                        frames.push_back(scene(r.path[k], c, r.timesteps[k], f->reverse + ": t = " + std::to_string(r.timesteps[k])));
                    if ((r.path.size() - 1) % every)
                        frames.push_back(scene(r.path.back(), c, 0, f->reverse + ": t = 0"));
                }
                if (!pictures(frames)) return;
            }
        } else {
            toy::ChainCache chain;
            std::string text = "t,i,x,y\n";
            std::vector<ddpm::Rgb8> frames;
            for (int t : ts) {
                toy::Points closed;
                const toy::Points* x = nullptr;
                if (f->process == "chain") {
                    x = &chain.at(data, s, f->seed, t);
                } else {
                    toy::forward_closed(data, s, t, f->seed, closed);
                    x = &closed;
                }
                if (ext == ".csv") append_points(text, t, *x);
                else frames.push_back(scene(*x, colors, t, "t = " + std::to_string(t)));
            }
            if (ext == ".csv") bytes.assign(text.begin(), text.end());
            else if (!pictures(frames)) return;
        }
        const ddpm::Status status = ddpm::write_file_atomic(f->out, bytes, f->force);
        exit_code = status ? 0 : fail(kExitFailure, status.error);
    });
}
