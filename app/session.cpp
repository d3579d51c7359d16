#include "session.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "app.h"
#include "ddpm/png.h"
#include "i18n.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr int kSessionVersion = 1;

json params_json(const ddpm::ScheduleParams& p) {
    // The same keys as an export manifest's "schedule", so either reads back through params_from.
    return json::parse(ddpm::schedule_params_json(p));
}

ddpm::Result<ddpm::ScheduleParams> params_from(const json& j, const std::string& where) {
    if (!j.is_object()) return ddpm::Error{where + " is not an object"};
    const auto name = j.value("schedule", std::string("linear"));
    auto kind = ddpm::parse_schedule_kind(name);
    if (!kind) return ddpm::Error{where + ": '" + name + "' is not a known schedule"};
    ddpm::ScheduleParams p = ddpm::default_params(*kind);
    try {
        p.T = j.value("T", p.T);
        p.beta_start = j.value("beta_start", p.beta_start);
        p.beta_end = j.value("beta_end", p.beta_end);
        p.cosine_s = j.value("cosine_s", p.cosine_s);
        p.max_beta = j.value("max_beta", p.max_beta);
        p.zero_terminal_snr = j.value("zero_terminal_snr", p.zero_terminal_snr);
        p.shift = j.value("shift", p.shift);
        p.sigma_min = j.value("sigma_min", p.sigma_min);
        p.sigma_max = j.value("sigma_max", p.sigma_max);
        p.rho = j.value("rho", p.rho);
        p.start = j.value("start", p.start);
        p.end = j.value("end", p.end);
        p.tau = j.value("tau", p.tau);
        p.mu = j.value("mu", p.mu);
        p.b = j.value("b", p.b);
        if (j.contains("betas")) p.betas = j.at("betas").get<std::vector<double>>();
    } catch (const json::exception&) {
        return ddpm::Error{where + " has a value of the wrong type"};
    }
    if (auto s = ddpm::make_schedule(p); !s) return ddpm::Error{where + ": " + s.error()};
    return p;
}

}  // namespace

bool is_session_path(const std::string& path) {
    const std::string name = fs::path(path).filename().string();
    auto ends = [&](const std::string& suffix) {
        return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends(".ddpmviz") || ends(".manifest.json");
}

std::string session_json(const Session& s) {
    json j;
    j["ddpm_viz_session"] = kSessionVersion;
    j["image"] = s.image;
    j["schedule"] = params_json(s.params);
    j["t"] = s.t;
    j["seed"] = s.seed;
    j["view"] = s.view;
    j["process"] = ddpm::process_name(s.process);
    json pins = json::array();
    for (const auto& p : s.pins) pins.push_back(params_json(p));
    j["pins"] = pins;
    return j.dump(2) + "\n";
}

ddpm::Result<Session> parse_session(const std::string& text, const std::string& base) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return ddpm::Error{"not a ddpm-viz session: the file is not a JSON object"};
    Session s;
    const bool manifest = j.contains("ddpm_viz_version") && !j.contains("ddpm_viz_session");
    if (!manifest && !j.contains("ddpm_viz_session")) return ddpm::Error{"not a ddpm-viz session (no \"ddpm_viz_session\" key)"};
    try {
        if (manifest) {
            // An export's manifest: its input, schedule, seed, view and first t.
            if (j.contains("input")) s.image = j.at("input").value("path", std::string());
            if (j.contains("t") && j.at("t").is_array() && !j.at("t").empty()) s.t = j.at("t").at(0).get<int>();
            else if (j.contains("plot")) s.t = j.at("plot").value("marker_t", -1);
        } else {
            s.image = j.value("image", std::string());
            s.t = j.value("t", -1);
        }
        // Pins: a session's, or the other schedules of a compare or plot export.
        if (j.contains("pins")) {
            if (!j.at("pins").is_array()) return ddpm::Error{"\"pins\" is not a list"};
            for (const auto& pin : j.at("pins")) {
                auto p = params_from(pin, "a pin");
                if (!p) return ddpm::Error{p.error()};
                s.pins.push_back(*p);
            }
        }
        s.seed = j.value("seed", uint32_t(0));
        s.view = j.value("view", std::string("xt"));
        // An export's views that are not window views (strip: the chain strip) open as x_t.
        if (manifest && s.view == "strip") s.view = "xt";
        const std::string process = j.value("process", std::string("closed"));
        auto parsed = ddpm::parse_process(process);
        if (!parsed) return ddpm::Error{"\"process\" must be closed or chain, got " + process};
        s.process = *parsed;
    } catch (const json::exception&) {
        return ddpm::Error{"a value of the session has the wrong type"};
    }
    const bool known_view = s.view == "xt" || s.view == "equation" || s.view == "step" || s.view == "compare" ||
                            s.view == "toy2d" || s.view == "ribbon";
    if (!known_view) return ddpm::Error{"\"view\" must be xt, equation, step, compare, toy2d or ribbon, got " + s.view};
    auto params = params_from(j.contains("schedule") ? j.at("schedule") : json::object(), "\"schedule\"");
    if (!params) return ddpm::Error{params.error()};
    s.params = *params;
    if (s.t > s.params.T) return ddpm::Error{"t = " + std::to_string(s.t) + " is above T = " + std::to_string(s.params.T)};
    if (s.t < -1) return ddpm::Error{"t = " + std::to_string(s.t) + " is negative"};
    if (!s.image.empty() && s.image.rfind("embedded:", 0) != 0 && fs::path(s.image).is_relative() && !base.empty())
        s.image = (fs::path(base) / s.image).lexically_normal().string();
    return s;
}

ddpm::Result<Session> read_session(const std::string& path) {
    auto bytes = ddpm::read_file(path);
    if (!bytes) return ddpm::Error{bytes.error()};
    auto s = parse_session(std::string(bytes->begin(), bytes->end()), fs::path(path).parent_path().string());
    if (!s) return ddpm::Error{path + ": " + s.error()};
    return s;
}

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
