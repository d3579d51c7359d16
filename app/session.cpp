#include "session.h"

#include <filesystem>

#include "app.h"
#include "ddpm/png.h"
#include "ddpm/toy.h"
#include "i18n.h"
#include "toy2d.h"

namespace fs = std::filesystem;

Session capture_session(const App& app) {
    Session s;
    std::error_code ec;
    const bool embedded = app.image_source.rfind("embedded:", 0) == 0;
    const fs::path abs = embedded ? fs::path() : fs::absolute(app.image_source, ec);
    s.image = embedded || ec ? app.image_source : abs.lexically_normal().string();
    s.params = app.params;
    s.t = app.t;
    s.seed = app.seed;
    s.view = app.view;
    s.process = app.process;
    for (const auto& p : app.pinned) s.pins.push_back(p.params);
    s.export_folder = app.export_panel ? app.export_panel->settings.folder : app.settings.export_folder;
    s.compare_open = app.compare.open;
    s.compare_sync = app.compare.sync == CompareSync::T ? "t" : app.compare.sync == CompareSync::Fraction ? "fraction" : "log_snr";
    s.probe_open = app.probe_open;
    s.probe_x = app.probe_x, s.probe_y = app.probe_y, s.probe_channel = app.probe_channel;
    s.sampling = app.sampling;
    s.toy.n = app.toy_points;
    if (const Toy2dState* toy = app.toy2d.get()) {
        s.toy.data = toy->source < kSourceImage ? ddpm::toy::kPresets[std::size_t(toy->source)].name
                     : toy->source == kSourceImage ? "image"
                     : toy->source == kSourceDrawn ? "drawn"
                                                   : "csv";
        s.toy.n = toy->n, s.toy.chain = toy->chain, s.toy.sampler = toy->sampler == 1 ? "ddim" : "ddpm";
        s.toy.steps = toy->steps, s.toy.samples = toy->samples;
    }
    return s;
}

bool apply_session(App& app, const Session& s) {
    // Everything is checked before anything changes, so a bad session leaves the scene as it was.
    auto schedule = ddpm::make_schedule(s.params);
    if (!schedule) {
        app.status = schedule.error();
        app.status_is_error = true;
        return false;
    }
    std::vector<PinnedSchedule> pins;
    for (const auto& p : s.pins) {
        auto pinned = ddpm::make_schedule(p);
        if (!pinned) {
            app.status = pinned.error();
            app.status_is_error = true;
            return false;
        }
        pins.push_back({ddpm::schedule_label(p), p, std::move(*pinned)});
    }
    if (!s.image.empty() && !open_image_file(app, s.image)) return false;
    app.params = app.edit = s.params;
    app.schedule = std::move(*schedule);
    app.t = s.t < 0 ? app.schedule.T() / 4 : std::min(s.t, app.schedule.T());
    app.seed = s.seed;
    app.view = s.view;
    app.process = s.process;
    app.pinned = std::move(pins);
    if (int(app.pinned.size()) > kMaxPinned) app.pinned.erase(app.pinned.begin(), app.pinned.end() - kMaxPinned);
    app.compare.open = s.compare_open;
    app.compare.sync = s.compare_sync == "t" ? CompareSync::T : s.compare_sync == "fraction" ? CompareSync::Fraction : CompareSync::LogSnr;
    // The probe's pixel inside the image (a session may come with a smaller image than it was saved with).
    app.probe_open = s.probe_open;
    app.probe_x = std::clamp(s.probe_x, 0, std::max(0, app.x0.width - 1));
    app.probe_y = std::clamp(s.probe_y, 0, std::max(0, app.x0.height - 1));
    app.probe_channel = s.probe_channel;
    app.sampling = s.sampling;
    auto sampling_ts = app.sampling.steps > 0 ? ddpm::sampling_timesteps(app.schedule.T(), app.sampling)
                                              : ddpm::Result<std::vector<int>>(std::vector<int>{});
    app.sampling_ts = sampling_ts ? *sampling_ts : std::vector<int>{};
    app.toy_points = s.toy.n;
    if (!app.toy2d) app.toy2d = std::make_shared<Toy2dState>();
    Toy2dState& toy = *app.toy2d;
    int source = s.toy.data == "image" ? kSourceImage : s.toy.data == "drawn" ? kSourceDrawn : s.toy.data == "csv" ? kSourceCsv : 0;
    for (std::size_t i = 0; i < ddpm::toy::kPresets.size(); ++i)
        if (s.toy.data == ddpm::toy::kPresets[i].name) source = int(i);
    if (toy.source != source || toy.n != s.toy.n) toy.data_stale = true;
    toy.source = source, toy.n = s.toy.n, toy.chain = s.toy.chain, toy.sampler = s.toy.sampler == "ddim" ? 1 : 0;
    toy.steps = s.toy.steps, toy.samples = s.toy.samples;
    // The session's export folder, while it exists (a session opened on another machine keeps ours).
    std::error_code ec;
    if (!s.export_folder.empty() && fs::is_directory(s.export_folder, ec)) {
        if (!app.export_panel) app.export_panel = std::make_unique<ExportPanel>();
        app.export_panel->settings.folder = s.export_folder;
    }
    return true;
}

bool save_session_file(App& app, const std::string& path) {
    const std::string text = session_json(capture_session(app));
    if (ddpm::Status st = ddpm::write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()), true); !st) {
        app.status = st.error;
        app.status_is_error = true;
        return false;
    }
    char message[1024];
    std::snprintf(message, sizeof message, tr("Saved the session to %s"), path.c_str());
    app.status = message;
    app.status_is_error = false;
    add_recent(app.settings, fs::absolute(path).lexically_normal().string());
    save_app_settings(app);
    return true;
}

bool open_session_file(App& app, const std::string& path) {
    auto s = read_session(path);
    if (!s) {
        app.status = s.error();
        app.status_is_error = true;
        return false;
    }
    if (!apply_session(app, *s)) return false;
    char message[1024];
    std::snprintf(message, sizeof message, tr("Opened the session %s"), path.c_str());
    app.status = message;
    app.status_is_error = false;
    std::error_code ec;
    add_recent(app.settings, fs::absolute(path, ec).lexically_normal().string());
    save_app_settings(app);
    return true;
}
