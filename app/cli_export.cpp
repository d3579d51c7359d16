// `ddpm-viz export`: frames, sequences, filmstrips, GIF, MP4, schedule table and plot through
// core's export module (the GUI's Export panel calls the same run_export, so files are identical).
// The kind follows --out as ffmpeg picks a format by extension.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "app.h"
#include "cli.h"
#include "fonts.h"
#include "ddpm/export.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/png.h"
#include "ddpm/probe.h"
#include "ddpm/rng.h"
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

std::string lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

// The kind --out asks for; an error when the extension is not one we write.
ddpm::Result<ddpm::ExportKind> kind_for_out(const std::string& out, std::size_t t_count, bool plot) {
    using ddpm::ExportKind;
    std::error_code ec;
    const std::string ext = lower_extension(out);
    if (out.back() == '/') return ExportKind::Sequence;
    if (fs::is_directory(out, ec)) {
        // A folder named like a file is never written into by mistake: the slash says it is meant.
        if (!ext.empty())
            return ddpm::Error{"--out " + out + " is an existing folder; give a file name, or " + out +
                               "/ to write a PNG sequence into it"};
        return ExportKind::Sequence;
    }
    if (ext == ".png") return plot ? ExportKind::Plot : t_count == 1 ? ExportKind::Frame : ExportKind::Filmstrip;
    if (ext == ".gif") return ExportKind::Gif;
    if (ext == ".mp4") return ExportKind::Mp4;
    if (ext == ".csv") return ExportKind::ScheduleCsv;
    if (ext == ".json") return ExportKind::ScheduleJson;
    if (ext == ".npy") return ExportKind::Npy;
    return ddpm::Error{"--out " + out +
                       ": use a folder ending in / (PNG sequence), FILE.png, FILE.gif, FILE.mp4, FILE.npy, FILE.csv or "
                       "FILE.json"};
}

// "37/200 frames, about 4 s left" on one updating line; only called when stderr is a terminal.
struct TerminalProgress {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double shown = -1;   // when the line was last written, in seconds since start (ten times a second)
    void operator()(int done, int total) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (elapsed - shown < 0.1 && done < total) return;
        shown = elapsed;
        const double left = done ? elapsed * (total - done) / done : 0;
        std::fprintf(stderr, "\rddpm-viz: exporting %d/%d frames, about %.0f s left   ", done, total, std::ceil(left));
        std::fflush(stderr);
    }
};

// --compare: one filmstrip row per schedule (same x0, seed and t list), each row titled with its schedule.
template <class Flags, class Usage>
int run_compare(const Flags& f, const std::vector<int>& ts, const Usage& usage) {
    if (ts.empty()) return usage("--compare needs --t: a list (0,250,500) or a range START:STOP:STEP"), kExitUsage;
    if (lower_extension(f.out) != ".png") return usage("--compare writes a PNG: give --out FILE.png"), kExitUsage;
    std::vector<ddpm::Schedule> schedules;
    std::string rest = f.compare;
    for (std::size_t start = 0; start <= rest.size();) {
        std::size_t end = rest.find(';', start);
        if (end == std::string::npos) end = rest.size();
        std::string spec = rest.substr(start, end - start);
        start = end + 1;
        while (!spec.empty() && spec.front() == ' ') spec.erase(spec.begin());
        while (!spec.empty() && spec.back() == ' ') spec.pop_back();
        if (spec.empty()) continue;
        if (spec.front() != '-') spec = "--schedule " + spec;
        auto p = parse_schedule_spec(spec);
        if (!p) return usage("--compare \"" + spec + "\": " + p.error()), kExitUsage;
        for (int t : ts)
            if (t > p->T) return usage("--compare: t = " + std::to_string(t) + " is above T = " + std::to_string(p->T) + " of " + ddpm::schedule_label(*p)), kExitUsage;
        schedules.push_back(*ddpm::make_schedule(*p));
    }
    if (schedules.empty()) return usage("--compare needs at least one schedule"), kExitUsage;
    if (schedules.size() > 8) return usage("--compare takes at most 8 schedules"), kExitUsage;
    auto loaded = load_image_argument(f.image.empty() ? "chelsea" : f.image);   // no IMAGE: the default sample
    if (!loaded) return fail(kExitFailure, loaded.error());
    ddpm::Image img = f.max_side > 0 ? ddpm::downsize(loaded->image, f.max_side) : std::move(loaded->image);
    ddpm::FilmstripOptions o;
    o.columns = f.columns, o.gap = f.gap, o.labels = f.labels != "none";
    o.extra = f.labels == "alpha_bar" ? ddpm::FilmstripLabel::AlphaBar : f.labels == "snr" ? ddpm::FilmstripLabel::Snr : ddpm::FilmstripLabel::None;
    const int scale = img.width >= 256 ? 2 : 1;
    const int title_h = ddpm::text_height(scale) + 8;
    // One schedule's row: its title band above its filmstrip. Every row has the first one's size
    // (same tiles, t list and labels), so the sheet's size is known after one row and the rows are
    // encoded as they are made: memory holds x0 and one row, whatever the number of schedules.
    const auto make_row = [&](const ddpm::Schedule& s) {
        std::vector<ddpm::Rgb8> tiles;
        for (int t : ts) tiles.push_back(ddpm::to_rgb8(ddpm::q_sample(img, s, t, f.seed)));
        const ddpm::Rgb8 strip = ddpm::render_filmstrip(tiles, ts, s, o);
        tiles.clear();
        ddpm::Rgb8 row{strip.width, strip.height + title_h, std::vector<uint8_t>(std::size_t(strip.width) * (strip.height + title_h) * 3, 255)};
        std::copy(strip.pixels.begin(), strip.pixels.end(), row.pixels.begin() + std::size_t(title_h) * strip.width * 3);
        std::string label = ddpm::schedule_label(s.params);
        if (ddpm::schedule_info(s.params.kind).family != ddpm::ScheduleFamily::VP)
            label += "  (VP-scaled: x_t / sqrt(signal^2 + noise^2))";
        static constexpr uint8_t kInk[3] = {0, 0, 0};
        ddpm::draw_text(row, f.gap, 6, label, scale, kInk);
        return row;
    };

    // The manifest: every schedule in full (the first as "schedule", the others as "pins", so the
    // manifest opens as a session with the Compare window's panes).
    nlohmann::ordered_json m;
    m["ddpm_viz_version"] = DDPM_VERSION;
    m["noise_generator"] = {{"name", "philox4x32-10"}, {"version", ddpm::rng::kVersion}};
    m["kind"] = "compare-filmstrip";
    m["files"] = {fs::path(f.out).filename().string(), fs::path(f.out).filename().string() + ".manifest.json"};
    m["schedule"] = nlohmann::ordered_json::parse(ddpm::schedule_params_json(schedules[0].params));
    auto pins = nlohmann::ordered_json::array();
    for (std::size_t i = 1; i < schedules.size(); ++i) pins.push_back(nlohmann::ordered_json::parse(ddpm::schedule_params_json(schedules[i].params)));
    m["pins"] = pins;
    m["compare"] = f.compare;
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(loaded->hash));
    m["input"] = {{"path", loaded->source}, {"fnv1a64", hash}, {"width", img.width}, {"height", img.height}};
    m["max_side"] = f.max_side;
    m["seed"] = f.seed;
    m["process"] = "closed";
    m["t"] = ts;
    m["view"] = "compare";
    m["filmstrip"] = {{"columns", o.columns}, {"gap", o.gap}, {"labels", o.labels}, {"extra_label", f.labels == "alpha_bar" || f.labels == "snr" ? f.labels : "none"}};
    const std::string manifest = m.dump(2) + "\n";
    const std::string manifest_path = f.out + ".manifest.json";
    std::error_code ec;
    if (!f.force)
        for (const auto& target : {f.out, manifest_path})
            if (fs::exists(target, ec)) return fail(kExitFailure, target + " already exists; pass --force to replace it");

    ddpm::Rgb8 row = make_row(schedules[0]);
    const int width = row.width, row_h = row.height;
    if (int64_t(row_h) * int64_t(schedules.size()) > ddpm::kMaxImageSide)
        return fail(kExitFailure, "the comparison sheet would be " + std::to_string(int64_t(row_h) * int64_t(schedules.size())) +
                                      " pixels tall, more than " + std::to_string(ddpm::kMaxImageSide) +
                                      "; use a smaller --max-side, fewer timesteps or more --columns");
    // Written under a temporary name and renamed at the end, as every export: no half-written sheet.
    const std::string tmp = ddpm::temporary_sibling(f.out);
    const ddpm::InterruptCleanup cleanup;
    ddpm::temporaries::add(tmp);
    std::FILE* file = std::fopen(tmp.c_str(), "wbx");
    if (!file) {
        ddpm::temporaries::forget(tmp);
        return fail(kExitFailure, "could not write " + f.out + ": " + std::strerror(errno));
    }
    const auto sink = [&](const uint8_t* p, std::size_t n) -> ddpm::Status {
        if (std::fwrite(p, 1, n, file) != n) return ddpm::Error{"could not write " + f.out + ": " + std::strerror(errno)};
        return {};
    };
    ddpm::Status st;
    {
        ddpm::PngWriter png(width, row_h * int(schedules.size()), ddpm::png_prefers_no_filter(row), sink);
        for (std::size_t i = 0; i < schedules.size() && st; ++i) {
            if (i > 0) row = make_row(schedules[i]);
            if (row.width != width || row.height != row_h) {
                st = ddpm::Error{"the rows of the comparison differ in size; nothing was written"};   // cannot happen: same tiles
                break;
            }
            st = png.add_rows(row.pixels.data(), row.height);
        }
        if (st) st = png.finish();
    }
    if (std::fclose(file) != 0 && st) st = ddpm::Error{"could not write " + f.out + ": " + std::strerror(errno)};
    if (st) st = ddpm::write_file_atomic(manifest_path, std::vector<uint8_t>(manifest.begin(), manifest.end()), f.force);
    if (st) {
        fs::rename(tmp, f.out, ec);
        if (ec) {
            st = ddpm::Error{"could not write " + f.out + ": " + ec.message()};
            fs::remove(manifest_path, ec);
        }
    }
    if (!st) {
        fs::remove(tmp, ec);
        ddpm::temporaries::forget(tmp);
        return fail(kExitFailure, st.error);
    }
    ddpm::temporaries::forget(tmp);
    return 0;
}

// --probe X,Y: one pixel over t as CSV or as a plot, with a manifest beside it. Returns the exit code.
template <class Flags>
int run_probe(const Flags& f, const ddpm::Schedule& s, const std::vector<int>& ts) {
    int x = -1, y = -1;
    const std::string& p = f.probe;
    const std::size_t comma = p.find(',');
    const auto number = [](std::string_view v, int& out) {
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        return !v.empty() && ec == std::errc() && end == v.data() + v.size();
    };
    if (comma == std::string::npos || !number(std::string_view(p).substr(0, comma), x) ||
        !number(std::string_view(p).substr(comma + 1), y))
        return fail(kExitUsage, "--probe " + p + ": give the pixel as X,Y (image pixels from the top left), e.g. 200,150");
    const std::string ext = lower_extension(f.out);
    if (ext != ".csv" && ext != ".png") return fail(kExitUsage, "--probe writes FILE.csv (the table) or FILE.png (the plot)");
    if (ts.empty()) return fail(kExitUsage, "--probe needs --t: a list (0,10,100) or a range (0:1000:5)");
    auto loaded = load_image_argument(f.image.empty() ? "chelsea" : f.image);   // no IMAGE: the default sample
    if (!loaded) return fail(kExitFailure, loaded.error());
    auto* x0 = &loaded->image;
    if (f.max_side > 0 && std::max(x0->width, x0->height) > f.max_side) *x0 = ddpm::downsize(*x0, f.max_side);
    auto rows = ddpm::probe_pixel(*x0, s, x, y, ts, f.seed);
    if (!rows) return fail(kExitUsage, "--probe " + p + ": " + rows.error());
    std::vector<uint8_t> out;
    if (ext == ".csv") {
        const std::string text = ddpm::probe_csv(*rows);
        out.assign(text.begin(), text.end());
    } else {
        std::vector<uint32_t> others;
        for (uint32_t k = 1; k <= 4; ++k) others.push_back(f.seed + k);
        out = ddpm::encode_png(ddpm::render_probe_plot(*x0, s, x, y, ts, f.seed, others));
    }
    nlohmann::ordered_json m;
    m["ddpm_viz_version"] = DDPM_VERSION;
    m["noise_generator"] = {{"name", "philox4x32-10"}, {"version", ddpm::rng::kVersion}};
    m["kind"] = ext == ".csv" ? "probe-csv" : "probe-plot";
    m["files"] = {fs::path(f.out).filename().string(), fs::path(f.out).filename().string() + ".manifest.json"};
    const auto& sp = s.params;
    m["schedule"] = nlohmann::ordered_json::parse(ddpm::schedule_params_json(sp));
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(loaded->hash));
    m["input"] = {{"path", loaded->source}, {"fnv1a64", hash}, {"width", x0->width}, {"height", x0->height}};
    m["max_side"] = f.max_side;
    m["seed"] = f.seed;
    m["probe"] = {x, y};
    m["t"] = ts;
    const std::string manifest = m.dump(2) + "\n";
    const std::string manifest_path = f.out + ".manifest.json";
    std::error_code ec;
    if (!f.force)
        for (const auto& target : {f.out, manifest_path})
            if (fs::exists(target, ec)) return fail(kExitFailure, target + " already exists; pass --force to replace it");
    if (auto st = ddpm::write_file_atomic(f.out, out, f.force); !st) return fail(kExitFailure, st.error);
    if (auto st = ddpm::write_file_atomic(manifest_path, std::vector<uint8_t>(manifest.begin(), manifest.end()), f.force); !st) {
        std::filesystem::remove(f.out, ec);
        return fail(kExitFailure, st.error);
    }
    return 0;
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
    struct Flags {
        ScheduleFlags schedule;
        std::string image, out, t, name, view = "xt", process = "closed", probe, labels = "t", curves = "alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar";
        uint32_t seed = 0;
        bool force = false, plot = false, log_y = false;
        int max_side = 0, columns = 0, gap = 8, fps = 10, loop = 0, width = 960, height = 540;
        double hold_first = 0, hold_last = 0;
        CLI::Option* labels_opt = nullptr;
        std::string title, compare, lang, x_axis = "t";
        std::vector<std::string> pins;
        int64_t max_pixels = ddpm::ImageLimits{}.max_pixels;
    };
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = app.add_subcommand(
        "export",
        "Write x_t of IMAGE (computed on the CPU) as a frame, sequence, filmstrip, GIF, MP4 or .npy, or the\n"
        "schedule as a table or plot");
    // The long story goes below the options, so the top-level --help lists the command in one line.
    cmd->footer(
        "The kind follows --out:\n"
        "  (--view step: x_{t-1} | sqrt(beta_t) eps_t | x_t of the chain; --view strip: the chain strip of several t)\n"
        "  --probe X,Y   FILE.csv: t,x0_r,x0_g,x0_b,closed_r,closed_g,closed_b,chain_r,chain_g,chain_b,mean_r,mean_g,mean_b,sd\n"
        "                FILE.png: that pixel over t, chain and closed-form paths, mean and +-2 sd band\n"
        "  DIR/          one PNG per t: DIR/NAME_t0000.png (zero-padded to the digits of T)\n"
        "  FILE.png      one t: the frame at full resolution; several: a filmstrip (--plot: the schedule plot)\n"
        "  FILE.gif      an animation (giflib)        FILE.mp4   an H.264 video (needs the ffmpeg command)\n"
        "  FILE.npy      x_t as float32, unclamped, x0 = pixel / 127.5 - 1: shape (H, W, 3), or (N, H, W, 3)\n"
        "                for N timesteps in the order given (numpy.load reads it)\n"
        "  FILE.csv|json the schedule table, as `ddpm-viz schedule` prints it\n"
        "Each export also writes FILE.manifest.json (DIR/NAME.manifest.json) with what reproduces it.\n"
        "Files appear only when the whole export succeeded; existing files are kept unless --force.\n"
        "IMAGE is a file or an embedded sample: chelsea (the default), astronaut or coffee.\n"
        "Examples:\n"
        "  ddpm-viz export chelsea --t 500 --seed 1 --out x500.png\n"
        "  ddpm-viz export --t 300 --view equation --out equation.png\n"
        "  ddpm-viz export chelsea --t 500 --view step --out step.png\n"
        "  ddpm-viz export chelsea --t 0:1000:50 --process chain --out chain.gif\n"
        "  ddpm-viz export chelsea --t 0,1,2,3,10,100,1000 --view strip --max-side 96 --out strip.png\n"
        "  ddpm-viz export chelsea --probe 200,150 --t 0:1000:5 --out probe.csv\n"
        "  ddpm-viz export astronaut --t 0:1000:25 --out frames/\n"
        "  ddpm-viz export coffee --t 0,50,100,250,500,1000 --labels alpha_bar --out strip.png\n"
        "  ddpm-viz export coffee --t 0,250,500,1000 --labels snr --lang zh_CN --out strip-zh.png\n"
        "  ddpm-viz export chelsea --t 0:1000:10 --max-side 256 --fps 20 --out noise.gif\n"
        "  ddpm-viz export chelsea --t 0:1000:10 --labels t,alpha_bar --hold-first 1 --hold-last 2 --out slides.gif\n"
        "  ddpm-viz export chelsea --t 0:1000:5 --schedule cosine --out noise.mp4\n"
        "  ddpm-viz export chelsea --t 0,250,500 --out xt.npy\n"
        "  ddpm-viz export --schedule cosine --out cosine.csv\n"
        "  ddpm-viz export chelsea --t 0,100,250,500,750 --compare \"cosine;linear;flow --shift 3\" --max-side 128 --out compare.png\n"
        "  ddpm-viz export --plot --curves alpha_bar,sqrt_one_minus_alpha_bar --pin \"--schedule cosine\" --t 300 --out alpha_bar.png\n"
        "  ddpm-viz export --plot --curves snr --log-y --pin \"--schedule cosine\" --pin \"--schedule flow\" --out snr.png\n"
        "  ddpm-viz export --plot --curves signal,noise --x-axis log_snr --pin \"--schedule flow\" --out by_noise.png");
    cmd->add_option("IMAGE", f->image, "Input image (PNG, JPEG, BMP, TGA, GIF, PPM/PGM) or embedded sample chelsea|astronaut|coffee (default: chelsea)")
        ->type_name("IMAGE");
    f->schedule.add_to(*cmd);
    cmd->add_option("--t", f->t, "Timesteps: a number (500), a list (0,10,100,1000) or START:STOP:STEP (0:1000:25, inclusive)")
        ->type_name("T|LIST|RANGE");
    add_seed_option(*cmd, f->seed);
    cmd->add_option("--out", f->out, "Output: DIR/, FILE.png, FILE.gif, FILE.mp4, FILE.npy, FILE.csv or FILE.json")
        ->type_name("PATH");
    cmd->add_flag("--force", f->force, "Replace existing files");
    cmd->add_option("--max-side", f->max_side, "Downsize the input so its longer side is at most N pixels (0: full size)")
        ->check(CLI::NonNegativeNumber)->type_name("N");
    add_max_pixels_option(*cmd, f->max_pixels);
    cmd->add_option("--view", f->view, "Single frame: xt (x_t alone) or equation (x0 + eps = x_t with their weights)")
        ->check(CLI::IsMember({"xt", "equation", "step", "strip"}))->capture_default_str();
    cmd->add_option("--process", f->process,
                    "closed: every frame a sample of q(x_t | x0) with one eps; chain: one sample path of the Markov chain")
        ->check(CLI::IsMember({"closed", "chain"}))->capture_default_str();
    cmd->add_option("--probe", f->probe,
                    "X,Y: one pixel's values over --t (image pixels from the top left) as FILE.csv, or FILE.png for the plot")
        ->type_name("X,Y")->group("Probe");
    cmd->add_option("--name", f->name, "Sequence file prefix (default: the input's file name without extension)")
        ->type_name("NAME")
        ->group("Sequence");
    cmd->add_option("--columns", f->columns, "Filmstrip tiles per row (0: one row)")
        ->check(CLI::NonNegativeNumber)->type_name("N")->capture_default_str()->group("Filmstrip");
    cmd->add_option("--gap", f->gap, "Filmstrip white space between tiles, in pixels")
        ->check(CLI::Range(0, 1000))->type_name("PX")->capture_default_str()->group("Filmstrip");
    f->labels_opt = cmd->add_option("--labels", f->labels,
                        "Filmstrip: none, t, alpha_bar (t and alpha_bar) or snr (t and SNR). GIF/MP4: a list of "
                        "t, alpha_bar, snr, schedule stamped in each frame's corner (default none)")
        ->capture_default_str()->group("Filmstrip");
    cmd->add_option("--hold-first", f->hold_first, "GIF/MP4: show the first frame this many seconds longer")
        ->check(CLI::Range(0.0, 60.0))->type_name("S")->group("Animation");
    cmd->add_option("--hold-last", f->hold_last, "GIF/MP4: show the last frame this many seconds longer")
        ->check(CLI::Range(0.0, 60.0))->type_name("S")->group("Animation");
    cmd->add_option("--fps", f->fps, "Frames per second of a GIF (1 to 50) or MP4 (1 to 240)")
        ->type_name("N")->capture_default_str()->group("Animation");
    cmd->add_option("--loop", f->loop, "GIF: play N times, 0 for ever")
        ->check(CLI::Range(0, 65535))->type_name("N")->capture_default_str()->group("Animation");
    cmd->add_option("--lang", f->lang, "Language of the labels drawn into figures: en or zh_CN (default: "
                                       "LANGUAGE/LC_ALL/LC_MESSAGES/LANG)")
        ->type_name("LANG");
    cmd->add_flag("--plot", f->plot, "With FILE.png: draw the schedule's curves instead of x_t (--t marks a timestep)")
        ->group("Plot");
    cmd->add_option("--curves", f->curves, "Plot curves, schedule column names separated by commas")
        ->type_name("LIST")->capture_default_str()->group("Plot");
    cmd->add_option("--compare", f->compare,
                    "Filmstrip with one row per schedule, same image, seed and t: schedules separated by ';', each a kind "
                    "and its flags, e.g. \"cosine;linear;flow --shift 3\"")
        ->type_name("LIST")->group("Filmstrip");
    cmd->add_option("--width", f->width, "Plot width in pixels, 200 to 8192")->capture_default_str()->group("Plot");
    cmd->add_option("--height", f->height, "Plot height in pixels, 150 to 8192")->capture_default_str()->group("Plot");
    cmd->add_flag("--log-y", f->log_y, "Plot: log10 y axis (positive values)")->group("Plot");
    cmd->add_option("--title", f->title, "Plot title (default: the schedule names)")->group("Plot");
    cmd->add_option("--x-axis", f->x_axis,
                    "Plot x axis: t, t/T (also u: schedules of different T line up) or log_snr (the same noise level "
                    "lines up; high on the left)")
        ->type_name("t|t/T|log_snr")->capture_default_str()->group("Plot");
    cmd->add_option("--pin", f->pins,
                    "Plot: another schedule on the same axes, as schedule flags in quotes, e.g. --pin \"--schedule cosine\" "
                    "(repeatable, up to 4; each gets its own dash)")
        ->type_name("FLAGS")->group("Plot");

    cmd->callback([f, &exit_code] {
        const auto usage = [&](const std::string& m) { exit_code = fail(kExitUsage, m); };
        if (f->out.empty())
            return usage("export needs --out PATH (see ddpm-viz export --help)");
        auto params = f->schedule.params();
        if (!params) return usage(params.error());
        auto schedule = ddpm::make_schedule(*params);
        if (!schedule) return usage(schedule.error());

        std::vector<int> ts;
        if (!f->t.empty()) {
            auto parsed = ddpm::parse_t_list(f->t, params->T);
            if (!parsed) return usage("--t " + f->t + ": " + parsed.error());
            ts = std::move(*parsed);
        }
        // Figures with words get them in the language and the system's fonts (fontconfig).
        auto kind = kind_for_out(f->out, ts.size(), f->plot);
        const bool words = !f->probe.empty() || !f->compare.empty() ||
                           (kind && (*kind == ddpm::ExportKind::Filmstrip || *kind == ddpm::ExportKind::Plot ||
                                     *kind == ddpm::ExportKind::Gif || *kind == ddpm::ExportKind::Mp4 ||
                                     (*kind == ddpm::ExportKind::Frame && f->view != "xt")));
        if (words || !f->lang.empty())
            if (auto st = use_language_for_exports(f->lang); !st) return usage(st.error);
        if (!f->probe.empty()) return void(exit_code = run_probe(*f, *schedule, ts));
        if (!f->compare.empty()) return void(exit_code = run_compare(*f, ts, usage));
        if (!kind) return usage(kind.error());

        ddpm::ExportRequest r;
        r.kind = *kind;
        r.params = *params;
        r.seed = f->seed;
        r.max_side = f->max_side;
        r.out = f->out;
        r.overwrite = f->force;
        r.ts = ts;
        r.view = f->view;
        r.process = *ddpm::parse_process(f->process);
        if (r.view == "equation" && r.kind != ddpm::ExportKind::Frame)
            return usage("--view equation is for a single frame: FILE.png with one t");
        if (r.view == "step" && (r.kind != ddpm::ExportKind::Frame || ts[0] < 1))
            return usage("--view step is for a single frame at t >= 1: FILE.png with one t");
        if (r.view == "strip" && r.kind != ddpm::ExportKind::Filmstrip)
            return usage("--view strip needs several timesteps and FILE.png");
        if (ddpm::export_needs_image(r.kind)) {
            if (ts.empty())
                return usage("--t is required: a number (500), a list (0,250,500) or a range START:STOP:STEP (0:1000:25)");
        } else if (r.kind == ddpm::ExportKind::Plot) {
            if (ts.size() > 1) return usage("--plot marks one t, got " + std::to_string(ts.size()));
            r.plot.marker_t = ts.empty() ? -1 : ts[0];
            r.plot.curves.clear();
            std::string c;
            for (std::size_t i = 0; i <= f->curves.size(); ++i) {
                if (i == f->curves.size() || f->curves[i] == ',') {
                    if (!c.empty()) r.plot.curves.push_back(c);
                    c.clear();
                } else if (f->curves[i] != ' ') {
                    c += f->curves[i];
                }
            }
            for (const auto& name : r.plot.curves)
                if (!ddpm::schedule_column(name))
                    return usage("--curves: '" + name + "' is not a schedule column (see ddpm-viz schedule)");
            if (r.plot.curves.empty()) return usage("--curves needs at least one column name");
            r.plot.width = f->width, r.plot.height = f->height, r.plot.log_y = f->log_y, r.plot.title = f->title;
            const auto x_axis = ddpm::parse_plot_x_axis(f->x_axis);
            if (!x_axis) return usage("--x-axis " + f->x_axis + " is not one of t, t/T (u), log_snr");
            r.plot.x_axis = *x_axis;
            if (f->pins.size() > 4) return usage("--pin: at most 4 pinned schedules, got " + std::to_string(f->pins.size()));
            for (const auto& spec : f->pins) {
                auto pin = parse_schedule_spec(spec);
                if (!pin) return usage("--pin \"" + spec + "\": " + pin.error());
                r.plot.pins.push_back(*pin);
            }
        }
        if (r.kind == ddpm::ExportKind::Gif) {
            if (f->fps < 1 || f->fps > 50) return usage("--fps " + std::to_string(f->fps) + " is outside 1..50 for a GIF");
            r.gif.delay_cs = int(std::lround(100.0 / f->fps));
            r.gif.loop = f->loop;
        }
        if (r.kind == ddpm::ExportKind::Mp4 && (f->fps < 1 || f->fps > 240))
            return usage("--fps " + std::to_string(f->fps) + " is outside 1..240 for an MP4");
        r.video.fps = f->fps;
        r.filmstrip.columns = f->columns;
        r.filmstrip.gap = f->gap;
        const bool animation = r.kind == ddpm::ExportKind::Gif || r.kind == ddpm::ExportKind::Mp4;
        if (animation) {
            // Animations stamp labels only when asked (a list), so earlier exports stay the same bytes.
            if (f->labels_opt->count()) {
                std::string item;
                for (std::size_t i = 0; i <= f->labels.size(); ++i) {
                    if (i < f->labels.size() && f->labels[i] != ',') {
                        item += f->labels[i];
                        continue;
                    }
                    if (item == "t") r.animation_labels.t = true;
                    else if (item == "alpha_bar") r.animation_labels.alpha_bar = true;
                    else if (item == "snr") r.animation_labels.snr = true;
                    else if (item == "schedule") r.animation_labels.schedule = true;
                    else if (item != "none")
                        return usage("--labels " + f->labels + ": for a GIF or MP4, a list of t, alpha_bar, snr, schedule");
                    item.clear();
                }
            }
            r.hold_first = f->hold_first, r.hold_last = f->hold_last;
        } else if (f->labels != "none" && f->labels != "t" && f->labels != "alpha_bar" && f->labels != "snr") {
            return usage("--labels " + f->labels + " is not one of none, t, alpha_bar, snr");
        } else if (f->hold_first > 0 || f->hold_last > 0) {
            return usage("--hold-first and --hold-last are for a GIF or MP4");
        }
        r.filmstrip.labels = f->labels != "none";
        r.filmstrip.extra = f->labels == "alpha_bar" ? ddpm::FilmstripLabel::AlphaBar
                            : f->labels == "snr"     ? ddpm::FilmstripLabel::Snr
                                                     : ddpm::FilmstripLabel::None;

        if (ddpm::export_needs_image(r.kind)) {
            // No IMAGE: the window's default sample.
            // One closed-form frame streams from x0's 8-bit samples: a 16000x16000 input costs its
            // 768 MB of pixels, not 3 GB of floats beside the file's bytes.
            const std::string image = f->image.empty() ? "chelsea" : f->image;
            const ddpm::ImageLimits limits{f->max_pixels};
            std::string source;
            if (r.kind == ddpm::ExportKind::Frame && r.view == "xt" && r.process == ddpm::Process::Closed) {
                auto loaded = load_image_argument_compact(image, limits, source);
                if (!loaded) return void(exit_code = fail(kExitFailure, loaded.error()));
                r.x0 = std::move(loaded->image), r.x0_rgb8 = std::move(loaded->rgb8), r.input_hash = loaded->file_hash;
            } else {
                auto loaded = load_image_argument(image, limits);
                if (!loaded) return void(exit_code = fail(kExitFailure, loaded.error()));
                r.x0 = std::move(loaded->image), source = loaded->source;
                r.input_hash = loaded->hash;
            }
            std::error_code ec;
            const bool embedded = source.rfind("embedded:", 0) == 0;
            const fs::path abs = fs::absolute(source, ec);
            r.input_path = embedded || ec ? source : abs.lexically_normal().string();
            const std::string file = embedded ? source.substr(9) : source;
            r.name = f->name.empty() ? fs::path(file).stem().string() : f->name;
            if (r.name.empty()) r.name = "frame";
        }

        if (ddpm::export_needs_image(r.kind)) {
            // A 4000x3000 photo makes a GIF of hundreds of MB: say so before the work, with the way out.
            const int in_w = r.input_width(), in_h = r.input_height();
            const double side = r.max_side > 0 ? std::min(1.0, double(r.max_side) / std::max(in_w, in_h)) : 1.0;
            const int w = int(in_w * side), h = int(in_h * side);
            const double bytes = ddpm::estimated_animation_bytes(r.kind, int64_t(r.ts.size()), w, h);
            if (bytes > 50e6) {
                // The side that brings it to about 30 MB, rounded down to 16 pixels.
                const int suggested = std::max(64, int(std::max(w, h) * std::sqrt(30e6 / bytes)) / 16 * 16);
                std::fprintf(stderr,
                             "ddpm-viz: warning: %zu frames of %dx%d make about %lld MB; --max-side %d (or fewer --t "
                             "steps) keeps it slide-sized\n",
                             r.ts.size(), w, h, static_cast<long long>(bytes / 1e6), suggested);
            }
        }
        const bool tty = ::isatty(STDERR_FILENO);
        ddpm::ExportControl control;
        if (tty) control.progress = TerminalProgress{};
        // Ctrl-C or a kill removes the temporaries and exits 130 or 143, leaving no trace.
        const ddpm::InterruptCleanup cleanup;
        auto result = ddpm::run_export(r, control);
        if (tty) std::fputs("\r\033[K", stderr);
        if (!result) return void(exit_code = fail(kExitFailure, result.error()));
        if (tty) {
            const auto& files = result->files;
            const std::string manifest = fs::path(files.back()).filename().string();
            if (r.kind == ddpm::ExportKind::Sequence)
                std::fprintf(stderr, "ddpm-viz: wrote %zu frames and %s in %s\n", files.size() - 1, manifest.c_str(),
                             fs::path(files[0]).parent_path().c_str());
            else
                std::fprintf(stderr, "ddpm-viz: wrote %s and %s\n", files[0].c_str(), manifest.c_str());
        }
        exit_code = 0;
    });
}
