// ddpm-viz: the window by default, or a headless command (schedule, export).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "gui.h"

static int run(int argc, char** argv) {
    // A file-size limit then fails the write with EFBIG, reported as an error, instead of killing us.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{
        "ddpm-viz: watch the DDPM forward process destroy an image with noise.\n"
        "x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps, eps ~ N(0, I).\n\n"
        "Without a command it opens the window on IMAGE (default: the embedded photo of Chelsea the cat).\n"
        "Examples:\n"
        "  ddpm-viz                                   open the window\n"
        "  ddpm-viz astronaut --schedule cosine --t 300\n"
        "  ddpm-viz scene.ddpmviz                     open a saved session (or an export's .manifest.json)\n"
        "  ddpm-viz schedule --schedule cosine --T 1000 --out cosine.csv\n"
        "  ddpm-viz export chelsea --t 500 --seed 1 --out x500.png\n"
        "  ddpm-viz stats chelsea --T 1000 --out stats.csv\n"
        "  ddpm-viz toy --data moons --t 0,100,500 --out moons.csv",
        "ddpm-viz"};
    app.set_version_flag("--version", DDPM_VERSION);
    app.require_subcommand(0, 1);

    int exit_code = 0;
    add_schedule_command(app, exit_code);
    add_export_command(app, exit_code);
    add_stats_command(app, exit_code);
    add_toy_command(app, exit_code);

    GuiOptions gui;
    ScheduleFlags schedule;
    int t = -1;
    app.add_option("IMAGE", gui.image_path,
                   "Image to open (PNG, JPEG, BMP, TGA, GIF, PPM/PGM), embedded sample chelsea|astronaut|coffee, or a session "
                   "(.ddpmviz, or an export's .manifest.json)");
    schedule.add_to(app);
    app.add_option("--t", t, "Timestep shown at start, 0 (clean image) to T")->group("View");
    add_seed_option(app, gui.seed);
    add_max_pixels_option(app, gui.max_pixels);
    app.add_option("--view", gui.view,
                   "xt: the noisy image; equation: x0 | eps | x_t side by side; step: x_{t-1} | sqrt(beta_t) eps_t | x_t "
                   "of the chain; compare: closed form beside the chain; strip: the chain strip x_0 -> x_1 -> ... -> x_T; toy2d: 2D toy data; ribbon: the 1D density ribbon")
        ->check(CLI::IsMember({"xt", "equation", "step", "compare", "strip", "toy2d", "ribbon"}))
        ->capture_default_str()
        ->group("View");
    app.add_option("--ui-scale", gui.ui_scale, "Size of the interface, 0.5 to 4 (default: the remembered scale, else 1; View > UI scale, Ctrl +/-)")
        ->check(CLI::Range(0.5f, 4.0f))
        ->group("View");
    app.add_option("--lang", gui.lang, "Language of the window: en or zh_CN (default: View > Language, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG)")
        ->check(CLI::IsMember({"en", "zh_CN"}))
        ->group("View");
    app.add_flag("--presentation", gui.presentation, "Start in presentation mode: full screen, large type, slider, image and one plot (F11)")
        ->group("View");
    std::string window_size;
    app.add_option("--window-size", window_size, "Window size WIDTHxHEIGHT in screen pixels (default 1280x800, at most the screen)")
        ->group("View");
    app.add_option("--show", gui.show, "Open these windows at start: distribution, reparam, how-it-works (comma-separated)")
        ->delimiter(',')
        ->check(CLI::IsMember({"distribution", "reparam", "how-it-works"}))
        ->group("View");
    std::vector<std::string> pins;
    app.add_option("--pin", pins, "Pin a schedule at start, as schedule flags in quotes: --pin \"--schedule cosine\" (up to 4)")
        ->type_name("FLAGS")->group("View");
    app.add_flag("--compare-view", gui.compare, "Open the Compare schedules window (A/B panes) at start")->group("View");
    std::string plot_x_axis = "t";
    app.add_option("--plot-x-axis", plot_x_axis,
                   "The schedule plots' x axis: t, t/T (schedules of another T line up) or log_snr (the same noise level lines up)")
        ->check([](const std::string& v) { return ddpm::parse_plot_x_axis(v) ? std::string() : "not one of t, t/T, log_snr"; })
        ->type_name("t|t/T|log_snr")->capture_default_str()->group("View");
    app.add_option("--process", gui.process,
                   "closed: one eps, every frame a sample of q(x_t | x0); chain: one sample path of the Markov chain")
        ->check(CLI::IsMember({"closed", "chain"}))
        ->capture_default_str()
        ->group("View");
    std::string probe;
    app.add_option("--probe", probe, "Open the pixel probe on pixel X,Y (image pixels from the top left)")
        ->type_name("X,Y")
        ->group("View");
    app.add_option("--toy-points", gui.toy_points, "Points of the 2D toy view's data at start")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str()
        ->group("View");
    app.add_option("--toy-reverse", gui.toy_reverse, "The 2D toy view runs the reverse process (ddpm or ddim) at start, shown at --t")
        ->check(CLI::IsMember({"ddpm", "ddim"}))
        ->group("View");
    app.add_option("--screenshot", gui.screenshot, "Save the whole window as PNG after the first frames, then exit (needs a display)")
        ->group("Automation");
    app.add_option("--render", gui.render, "Save x_t at the image's resolution, rendered by the GPU shader offscreen (EGL, no display), then exit")
        ->group("Automation");
    app.add_option("--benchmark-frames", gui.benchmark_frames, "Sweep t over N frames, print the start-up time (and where it went) and median and 95th-percentile frame times, exit")
        ->check(CLI::NonNegativeNumber)
        ->group("Automation");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(kExitUsage, std::string(e.what()) + " (see ddpm-viz --help)");
    }
    if (!app.get_subcommands().empty()) return exit_code;

    auto resolved = schedule.resolve();
    if (!resolved) return fail(kExitUsage, resolved.error());
    for (const auto& w : resolved->warnings) std::cerr << "ddpm-viz: warning: " << w << "\n";
    gui.params = resolved->params;
    gui.sampling = resolved->sampling;
    for (const auto& spec : pins) {
        auto p = parse_schedule_spec(spec);
        if (!p) return fail(kExitUsage, "--pin \"" + spec + "\": " + p.error());
        gui.pins.push_back(*p);
    }
    gui.plot_x_axis = *ddpm::parse_plot_x_axis(plot_x_axis);   // checked by the option
    if (t >= 0) gui.t = t;
    else if (app.count("--t")) return fail(kExitUsage, "--t must be 0 or more, got " + std::to_string(t));
    if (!window_size.empty()) {
        char x = 0;
        std::istringstream in(window_size);
        in >> gui.window_width >> x >> gui.window_height;
        if (!in || x != 'x' || !in.eof() || gui.window_width < 320 || gui.window_height < 240 || gui.window_width > 16384 ||
            gui.window_height > 16384)
            return fail(kExitUsage, "--window-size " + window_size + " is not WIDTHxHEIGHT between 320x240 and 16384x16384");
    }
    if (!probe.empty()) {
        int x = -1, y = -1;
        char rest = 0;
        if (std::sscanf(probe.c_str(), "%d,%d%c", &x, &y, &rest) != 2 || x < 0 || y < 0)
            return fail(kExitUsage, "--probe " + probe + ": give the pixel as X,Y (0 or more, from the top left), e.g. 200,150");
        gui.probe = std::pair{x, y};
    }
    if (!gui.render.empty()) return run_render(gui);
    return run_gui(gui);
}

int main(int argc, char** argv) {
    // Anything unexpected still ends as one sentence and exit 1, never a stack trace.
    try {
        return finish_stdout(run(argc, argv));
    } catch (const std::exception& e) {
        return fail(kExitFailure, std::string("unexpected error: ") + e.what());
    }
}
