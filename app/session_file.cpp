// Sessions as files: the .ddpmviz format and export manifests read as sessions. No App here, so
// the fuzz target (tests/fuzz/fuzz_session.cpp) links this file alone.
#include "session.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <filesystem>

#include "ddpm/toy.h"
#include "ddpm/png.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr int kSessionVersion = 1;

// A whole number as T. nlohmann's get<int> of a number outside int's range is a bare cast, which is
// undefined behaviour (fuzz_session: "t": 5.1e34); such numbers, and fractions, are refused here as
// a value of the wrong type.
template <class T>
T whole(const json& v) {
    using L = std::numeric_limits<T>;
    bool fits = false;
    if (v.is_number_unsigned()) fits = v.get<uint64_t>() <= uint64_t(L::max());
    else if (v.is_number_integer()) fits = v.get<int64_t>() >= int64_t(L::min()) && v.get<int64_t>() <= int64_t(L::max());
    else if (v.is_number_float()) {
        const double d = v.get<double>();
        fits = std::trunc(d) == d && d >= double(L::min()) && d <= double(L::max());
    }
    if (!fits) throw json::type_error::create(302, "not a whole number in range", nullptr);
    return v.is_number_float() ? T(v.get<double>()) : v.is_number_unsigned() ? T(v.get<uint64_t>()) : T(v.get<int64_t>());
}
template <class T>
T whole(const json& j, const char* key, T fallback) {
    return j.contains(key) ? whole<T>(j.at(key)) : fallback;
}

json params_json(const ddpm::ScheduleParams& p) {
    // The same keys as an export manifest's "schedule", so either reads back through params_from.
    return json::parse(ddpm::schedule_params_json(p));
}

ddpm::Result<ddpm::ScheduleParams> params_from(const json& j, const std::string& where) {
    if (!j.is_object()) return ddpm::Error{where + " is not an object"};
    if (j.contains("schedule") && !j.at("schedule").is_string())
        return ddpm::Error{where + ": \"schedule\" must be a schedule's name"};
    const auto name = j.value("schedule", std::string("linear"));
    auto kind = ddpm::parse_schedule_kind(name);
    if (!kind) return ddpm::Error{where + ": '" + name + "' is not a known schedule"};
    ddpm::ScheduleParams p = ddpm::default_params(*kind);
    try {
        p.T = whole(j, "T", p.T);
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

// The windows and views of a session (each key optional: older sessions have none of them).
ddpm::Status parse_views(const json& j, Session& s) {
    if (j.contains("compare")) {
        const json& c = j.at("compare");
        s.compare_open = c.value("open", false);
        s.compare_sync = c.value("sync", std::string("log_snr"));
        if (s.compare_sync != "t" && s.compare_sync != "fraction" && s.compare_sync != "log_snr")
            return ddpm::Error{"\"compare\": \"sync\" must be t, fraction or log_snr, got " + s.compare_sync};
    }
    if (j.contains("probe")) {
        const json& p = j.at("probe");
        s.probe_open = p.value("open", false);
        s.probe_x = whole(p, "x", 0), s.probe_y = whole(p, "y", 0), s.probe_channel = whole(p, "channel", 0);
        if (s.probe_x < 0 || s.probe_y < 0) return ddpm::Error{"\"probe\": the pixel's x and y must not be negative"};
        if (s.probe_channel < 0 || s.probe_channel > 2) return ddpm::Error{"\"probe\": \"channel\" must be 0 (R), 1 (G) or 2 (B)"};
    }
    if (j.contains("sampling")) {
        const json& p = j.at("sampling");
        s.sampling.steps = whole(p, "steps", 0);
        s.sampling.steps_offset = whole(p, "steps_offset", 0);
        const std::string spacing = p.value("spacing", std::string("leading"));
        auto parsed = ddpm::parse_spacing(spacing);
        if (!parsed) return ddpm::Error{"\"sampling\": \"spacing\" must be leading, trailing or linspace, got " + spacing};
        s.sampling.spacing = *parsed;
        if (s.sampling.steps < 0 || s.sampling.steps_offset < 0)
            return ddpm::Error{"\"sampling\": \"steps\" and \"steps_offset\" must not be negative"};
    }
    if (j.contains("toy")) {
        const json& p = j.at("toy");
        s.toy.data = p.value("data", s.toy.data);
        s.toy.n = whole(p, "n", s.toy.n);
        s.toy.chain = p.value("chain", s.toy.chain);
        s.toy.sampler = p.value("sampler", s.toy.sampler);
        s.toy.steps = whole(p, "steps", s.toy.steps);
        s.toy.samples = whole(p, "samples", s.toy.samples);
        const bool known = ddpm::toy::parse_preset(s.toy.data) || s.toy.data == "image" || s.toy.data == "drawn" || s.toy.data == "csv";
        if (!known) return ddpm::Error{"\"toy\": \"data\" " + s.toy.data + " is not a preset (moons, swissroll, gaussians8, checkerboard, circles), image, drawn or csv"};
        if (s.toy.sampler != "ddpm" && s.toy.sampler != "ddim") return ddpm::Error{"\"toy\": \"sampler\" must be ddpm or ddim, got " + s.toy.sampler};
        if (s.toy.n < 1 || s.toy.steps < 1 || s.toy.samples < 1) return ddpm::Error{"\"toy\": n, steps and samples must be at least 1"};
        // The window allocates these: a hand-edited or hostile session must not ask for billions.
        if (s.toy.n > ddpm::toy::kMaxPoints || s.toy.samples > ddpm::toy::kMaxPoints || s.toy.steps > ddpm::kMaxT)
            return ddpm::Error{"\"toy\": n and samples must be at most " + std::to_string(ddpm::toy::kMaxPoints) +
                               " and steps at most " + std::to_string(ddpm::kMaxT)};
    }
    return {};
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
    if (!s.export_folder.empty()) j["export_folder"] = s.export_folder;
    j["compare"] = {{"open", s.compare_open}, {"sync", s.compare_sync}};
    j["probe"] = {{"open", s.probe_open}, {"x", s.probe_x}, {"y", s.probe_y}, {"channel", s.probe_channel}};
    j["sampling"] = {{"steps", s.sampling.steps},
                     {"spacing", ddpm::spacing_name(s.sampling.spacing)},
                     {"steps_offset", s.sampling.steps_offset}};
    j["toy"] = {{"data", s.toy.data},       {"n", s.toy.n},         {"chain", s.toy.chain},
                {"sampler", s.toy.sampler}, {"steps", s.toy.steps}, {"samples", s.toy.samples}};
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
            if (j.contains("t") && j.at("t").is_array() && !j.at("t").empty()) s.t = whole<int>(j.at("t").at(0));
            else if (j.contains("plot")) s.t = whole(j.at("plot"), "marker_t", -1);
        } else {
            s.image = j.value("image", std::string());
            s.t = whole(j, "t", -1);
            s.export_folder = j.value("export_folder", std::string());
            if (auto st = parse_views(j, s); !st) return ddpm::Error{st.error};
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
        s.seed = whole(j, "seed", uint32_t(0));
        s.view = j.value("view", std::string("xt"));
        const std::string process = j.value("process", std::string("closed"));
        auto parsed = ddpm::parse_process(process);
        if (!parsed) return ddpm::Error{"\"process\" must be closed or chain, got " + process};
        s.process = *parsed;
    } catch (const json::exception&) {
        return ddpm::Error{"a value of the session has the wrong type"};
    }
    const bool known_view = s.view == "xt" || s.view == "equation" || s.view == "step" || s.view == "compare" ||
                            s.view == "strip" || s.view == "toy2d" || s.view == "ribbon";
    if (!known_view) return ddpm::Error{"\"view\" must be xt, equation, step, compare, strip, toy2d or ribbon, got " + s.view};
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
