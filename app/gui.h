#pragma once
// Entry points of the interactive window and of its offscreen twin, called by main.cpp.
#include <cstdint>
#include <optional>
#include <string>

#include "ddpm/schedule.h"

struct GuiOptions {
    std::string image_path;            // empty: the embedded chelsea.png
    ddpm::ScheduleParams params;
    std::optional<int> t;              // unset: the GUI's default
    uint32_t seed = 0;
    std::string view = "xt";           // "xt" or "equation"
    std::string screenshot;            // --screenshot FILE: capture the window after the first frames, exit
    std::string render;                // --render FILE: x_t at native resolution via EGL, exit
    int benchmark_frames = 0;          // --benchmark-frames N: sweep t, print frame times, exit
    float ui_scale = 0;                // --ui-scale: 0 keeps the remembered scale
    std::string lang;                  // --lang: "" keeps the remembered choice, else the environment's
    int window_width = 0, window_height = 0;   // --window-size: 0 = 1280x800, fitted to the screen
    bool presentation = false;         // --presentation: start in presentation mode (F11)
};

// Opens the window; returns the process exit code.
int run_gui(const GuiOptions& options);
// --render: offscreen through EGL surfaceless, no display needed; returns the exit code.
int run_render(const GuiOptions& options);
