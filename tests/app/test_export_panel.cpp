// The Export panel's requests (built from the window's App, no ImGui context needed) give the same
// bytes as the command line with the matching flags.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "app.h"
#include "ddpm/export.h"
#include "ddpm/text.h"
#include "fonts.h"
#include "panel_export.h"
#include "run.h"
#include "session.h"
#include "settings.h"

namespace fs = std::filesystem;

namespace {

const std::string kCatPath = DDPM_SOURCE_DIR "/assets/chelsea.png";

int choice_index(ddpm::ExportKind kind, bool log_snr = false) {
    const auto& c = export_choices();
    for (int i = 0; i < int(c.size()); ++i)
        if (c[i].kind == kind && c[i].log_snr_plot == log_snr) return i;
    FAIL("no export choice");
    return -1;
}

// The window after opening chelsea.png with the cosine schedule, T = 500, t = 123, seed 42.
void open_cat(App& app) {
    auto loaded = load_image_file(kCatPath);
    REQUIRE(loaded.ok());
    app.x0 = loaded->image;
    app.image_source = loaded->source;
    app.image_hash = loaded->hash;
    app.params = ddpm::default_params(ddpm::ScheduleKind::Cosine);
    app.params.T = 500;
    app.schedule = *ddpm::make_schedule(app.params);
    app.t = 123;
    app.seed = 42;
}

}  // namespace

TEST_CASE("the Export panel writes the same bytes as `ddpm-viz export` with the same settings", "[export]") {
    test::TempDir dir;
    // The window's labels in the system's fonts, as the command line draws them (English in both).
    use_fonts_for_exports(find_system_fonts());
    struct Reset {
        ~Reset() { ddpm::set_export_text({}); }
    } reset;
    App app;
    open_cat(app);
    struct Case {
        ddpm::ExportKind kind;
        std::string ts, flags, gui_name, cli_name;
        void (*tweak)(ExportSettings&);
    };
    const std::vector<Case> cases = {
        {ddpm::ExportKind::Frame, "", "--t 123", "gui.png", "cli.png", [](ExportSettings&) {}},
        {ddpm::ExportKind::Frame, "", "--t 123 --view equation --max-side 200", "gui_eq.png", "cli_eq.png",
         [](ExportSettings& s) { s.max_side = 200; }},
        {ddpm::ExportKind::Filmstrip, "0,100,500", "--t 0,100,500 --columns 2 --gap 3 --labels alpha_bar", "gui_s.png", "cli_s.png",
         [](ExportSettings& s) { s.columns = 2, s.gap = 3, s.labels = 2; }},
        {ddpm::ExportKind::Gif, "0:500:100", "--t 0:500:100 --max-side 100 --fps 8 --loop 2", "gui.gif", "cli.gif",
         [](ExportSettings& s) { s.max_side = 100, s.fps = 8, s.loop = 2; }},
        {ddpm::ExportKind::Sequence, "7,300", "--t 7,300 --max-side 50", "gui_seq", "cli_seq/",
         [](ExportSettings& s) { s.max_side = 50; }},
        {ddpm::ExportKind::Plot, "", "--plot --t 123 --curves beta,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar",
         "gui_p.png", "cli_p.png", [](ExportSettings&) {}},
    };
    for (const auto& c : cases) {
        INFO(c.flags);
        app.view = c.kind == ddpm::ExportKind::Frame && c.cli_name == "cli_eq.png" ? "equation" : "xt";
        ExportSettings s;
        s.kind = choice_index(c.kind);
        s.ts = c.ts;
        s.out = dir / c.gui_name;
        c.tweak(s);
        auto request = make_export_request(app, s);
        REQUIRE(request.ok());
        REQUIRE(ddpm::run_export(*request).ok());
        const auto r = test::run_viz("export '" + kCatPath + "' --schedule cosine --T 500 --seed 42 " + c.flags +
                                     " --out '" + (dir / c.cli_name) + "'");
        REQUIRE(r.code == 0);
        if (c.kind == ddpm::ExportKind::Sequence) {
            for (const char* f : {"chelsea_t007.png", "chelsea_t300.png"})
                CHECK(test::slurp(fs::path(dir / "gui_seq") / f) == test::slurp(fs::path(dir / "cli_seq") / f));
        } else {
            CHECK(test::slurp(dir / c.gui_name) == test::slurp(dir / c.cli_name));
        }
    }
}

TEST_CASE("the panel's defaults: names from the image, t lists from T", "[export]") {
    App app;
    open_cat(app);
    ExportSettings s;
    s.kind = choice_index(ddpm::ExportKind::Frame);
    CHECK(default_export_out(app, s) == "chelsea_cosine-T500_t123.png");
    s.kind = choice_index(ddpm::ExportKind::Sequence);
    CHECK(default_export_out(app, s) == "chelsea_cosine-T500_frames/");
    CHECK(default_export_ts(app, s) == "0:500:10");
    CHECK(make_export_request(app, s)->ts.size() == 51);
    s.kind = choice_index(ddpm::ExportKind::Filmstrip);
    CHECK(default_export_ts(app, s) == "0,25,50,125,250,500");
    s.kind = choice_index(ddpm::ExportKind::ScheduleCsv);
    CHECK(default_export_out(app, s) == "schedule_cosine-T500.csv");
    app.image_source = "embedded:astronaut.png";
    s.kind = choice_index(ddpm::ExportKind::Gif);
    CHECK(default_export_out(app, s) == "astronaut_cosine-T500_noising.gif");
    s.kind = choice_index(ddpm::ExportKind::Plot, true);
    CHECK(make_export_request(app, s)->plot.curves == std::vector<std::string>{"log_snr"});
}

TEST_CASE("the panel's bad settings are one sentence each", "[export]") {
    App app;
    open_cat(app);
    ExportSettings s;
    s.kind = choice_index(ddpm::ExportKind::Gif);
    s.ts = "0:900:10";
    auto r = make_export_request(app, s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "timesteps: t = 900 is outside 0..500 (T = 500)");
    App empty;
    empty.schedule = *ddpm::make_schedule({});
    s.ts.clear();
    CHECK(make_export_request(empty, s).error() == "open an image first");
    // The schedule table needs no image.
    s.kind = choice_index(ddpm::ExportKind::ScheduleJson);
    CHECK(make_export_request(empty, s).ok());
}

TEST_CASE("a finished export reaches the status line without the panel being drawn", "[export]") {
    App app;
    poll_export(app);   // no panel yet: nothing to report
    CHECK(app.status.empty());
    app.export_panel = std::make_unique<ExportPanel>();
    std::promise<ddpm::Result<ddpm::ExportResult>> worker;
    app.export_panel->job = worker.get_future();
    app.status = "Exporting to out.gif ...";
    poll_export(app);   // still running
    CHECK(app.status == "Exporting to out.gif ...");
    worker.set_value(ddpm::Error{"out.gif: No space left on device"});
    poll_export(app);
    CHECK(app.status == "Export failed: out.gif: No space left on device");
    CHECK(app.status_is_error);
    CHECK_FALSE(app.export_panel->job.valid());
}

TEST_CASE("exports go into the chosen folder, absolute names stay where they say", "[export]") {
    test::TempDir dir;
    App app;
    open_cat(app);
    ExportSettings s;
    s.kind = choice_index(ddpm::ExportKind::Frame);
    CHECK(make_export_request(app, s)->out == "chelsea_cosine-T500_t123.png");   // no folder: as typed
    s.folder = dir.path.string();
    CHECK(make_export_request(app, s)->out == dir / "chelsea_cosine-T500_t123.png");
    s.out = "lecture/x.png";
    CHECK(make_export_request(app, s)->out == dir / "lecture/x.png");
    s.out = "/elsewhere/x.png";
    CHECK(make_export_request(app, s)->out == "/elsewhere/x.png");
    s.out.clear();
    s.kind = choice_index(ddpm::ExportKind::Sequence);
    CHECK(make_export_request(app, s)->out == dir / "chelsea_cosine-T500_frames/");   // still a folder
}

TEST_CASE("the export folder must be a folder, and is remembered in the settings", "[export]") {
    test::TempDir dir;
    App app;
    open_cat(app);
    app.settings_path = dir / "settings.json";
    fs::create_directories(dir / "out");
    CHECK(set_export_folder(app, dir / "out/"));
    REQUIRE(app.export_panel);
    CHECK(app.export_panel->settings.folder == dir / "out");
    CHECK(app.status == "Exports go to " + dir / "out");
    CHECK(load_settings(dir / "settings.json").export_folder == dir / "out");
    // A file or a missing path: an error, and the folder stays.
    std::ofstream(dir / "file.txt") << "x";
    CHECK_FALSE(set_export_folder(app, dir / "file.txt"));
    CHECK(app.status == dir / "file.txt" + " is not a folder; choose a folder for the exports");
    CHECK(app.status_is_error);
    CHECK_FALSE(set_export_folder(app, dir / "missing"));
    CHECK(app.status == dir / "missing" + " does not exist; choose an existing folder for the exports");
    CHECK(app.export_panel->settings.folder == dir / "out");
    // A new window starts in the remembered folder, and a session carries the folder to the next one.
    App next;
    open_cat(next);
    next.settings = load_settings(dir / "settings.json");
    Session scene = capture_session(next);
    CHECK(scene.export_folder == dir / "out");
    scene.image.clear();   // the scene without reopening the image
    App third;
    open_cat(third);
    REQUIRE(apply_session(third, scene));
    REQUIRE(third.export_panel);
    ExportSettings s = third.export_panel->settings;
    s.kind = choice_index(ddpm::ExportKind::Npy);
    CHECK(make_export_request(third, s)->out == dir / "out/chelsea_cosine-T500_xt.npy");
}

TEST_CASE("default file names carry the schedule, in safe characters only", "[export]") {
    App app;
    open_cat(app);
    app.params = ddpm::default_params(ddpm::ScheduleKind::Flow);
    app.params.shift = 3;
    app.schedule = *ddpm::make_schedule(app.params);
    app.t = 500;
    ExportSettings s;
    s.kind = choice_index(ddpm::ExportKind::Frame);
    CHECK(default_export_out(app, s) == "chelsea_flow-shift3_t0500.png");
    s.kind = choice_index(ddpm::ExportKind::Plot);
    CHECK(default_export_out(app, s) == "schedule_plot_flow-shift3.png");
    app.params = ddpm::default_params(ddpm::ScheduleKind::ScaledLinear);
    app.params.zero_terminal_snr = true;
    app.params.shift = 1.5;
    app.schedule = *ddpm::make_schedule(app.params);
    app.image_source = "/photos/my cat: \"best\".png";
    s.kind = choice_index(ddpm::ExportKind::Filmstrip);
    CHECK(default_export_out(app, s) == "my_cat___best__scaled-linear-shift1.5-zsnr_filmstrip.png");
    // The plot export draws what the window shows: its x axis and pins.
    app.plot_x_axis = ddpm::PlotXAxis::LogSnr;
    app.pinned.push_back({"cosine", ddpm::default_params(ddpm::ScheduleKind::Cosine),
                          *ddpm::make_schedule(ddpm::default_params(ddpm::ScheduleKind::Cosine))});
    s.kind = choice_index(ddpm::ExportKind::Plot);
    const auto r = make_export_request(app, s);
    REQUIRE(r.ok());
    CHECK(r->plot.x_axis == ddpm::PlotXAxis::LogSnr);
    REQUIRE(r->plot.pins.size() == 1);
    CHECK(r->plot.pins[0] == ddpm::default_params(ddpm::ScheduleKind::Cosine));
}
