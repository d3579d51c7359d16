#include "settings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ddpm/png.h"

std::string config_dir() {
    std::filesystem::path dir;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) dir = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) dir = std::filesystem::path(home) / ".config";
    else return {};
    dir /= "ddpm-viz";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return ec ? std::string() : dir.string();
}

Settings load_settings(const std::string& path) {
    Settings s;
    std::ifstream in(path);
    if (!in) return s;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object()) return s;
    if (auto it = j.find("ui_scale"); it != j.end() && it->is_number())
        s.ui_scale = std::clamp(it->get<float>(), kMinUiScale, kMaxUiScale);
    if (auto it = j.find("language"); it != j.end() && it->is_string()) s.language = it->get<std::string>();
    if (auto it = j.find("recent"); it != j.end() && it->is_array())
        for (const auto& r : *it)
            if (r.is_string() && int(s.recent.size()) < kMaxRecent) s.recent.push_back(r.get<std::string>());
    if (auto it = j.find("export_folder"); it != j.end() && it->is_string()) s.export_folder = it->get<std::string>();
    return s;
}

ddpm::Status save_settings(const std::string& path, const Settings& settings) {
    const nlohmann::json j = {{"ui_scale", settings.ui_scale}, {"language", settings.language}, {"recent", settings.recent},
                              {"export_folder", settings.export_folder}};
    const std::string text = j.dump(2) + "\n";
    return ddpm::write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()), true);
}

void add_recent(Settings& settings, const std::string& path) {
    auto& r = settings.recent;
    r.erase(std::remove(r.begin(), r.end(), path), r.end());
    r.insert(r.begin(), path);
    if (int(r.size()) > kMaxRecent) r.resize(kMaxRecent);
}

float next_ui_scale(float scale, int direction) {
    // Whole percent steps, so that 100% comes back exactly after + then -.
    const int percent = int(std::lround(scale * 100));
    const int step = (direction > 0 ? percent >= 200 : percent > 200) ? 25 : 10;
    const int next = direction > 0 ? (percent / step + 1) * step : ((percent + step - 1) / step - 1) * step;
    return std::clamp(float(next) / 100.0f, kMinUiScale, kMaxUiScale);
}
