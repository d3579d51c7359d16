#pragma once
// What the window remembers between runs, in the config folder it already uses for imgui.ini
// ($XDG_CONFIG_HOME/ddpm-viz/settings.json, else ~/.config/ddpm-viz/settings.json).
#include <string>
#include <vector>

#include "ddpm/result.h"

struct Settings {
    float ui_scale = 1;                 // the user's UI scale on top of the monitor's content scale
    std::string language;               // "en", "zh_CN"; "" follows the environment
    std::vector<std::string> recent;    // recently opened images and sessions, newest first
    std::string export_folder;          // where the Export panel writes; "" not chosen yet
};
constexpr int kMaxRecent = 8;
constexpr float kMinUiScale = 0.5f, kMaxUiScale = 4.0f;

// The config folder, created if missing; "" when there is no HOME to put it in.
std::string config_dir();
// Missing or unreadable file: the defaults (a broken file never stops the window).
Settings load_settings(const std::string& path);
ddpm::Status save_settings(const std::string& path, const Settings& settings);
// Puts `path` first in the list, without duplicates, at most kMaxRecent.
void add_recent(Settings& settings, const std::string& path);
// The next step of the UI scale menu / Ctrl +/-: 50% .. 400% in steps of 10% (25% above 200%).
float next_ui_scale(float scale, int direction);
