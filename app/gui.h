#pragma once
// Entry points of the interactive window and of its offscreen twin, called by main.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "ddpm/sampling.h"
#include "ddpm/schedule.h"

struct GuiOptions {
    std::string image_path;            // empty: the embedded chelsea.png
    ddpm::ScheduleParams params;
    ddpm::SamplingParams sampling;   // --sampling-steps: marked on the plots
    std::vector<ddpm::ScheduleParams> pins;   // --pin: pinned at start
    bool compare = false;            // --compare-view: the Compare window open at start
    ddpm::PlotXAxis plot_x_axis = ddpm::PlotXAxis::T;   // --plot-x-axis: the schedule plots' x axis
    std::optional<int> t;              // unset: the GUI's default
    uint32_t seed = 0;
    std::string view = "xt";           // "xt", "equation", "step", "compare", "toy2d" or "ribbon"
    std::string process = "closed";    // "closed" (one eps) or "chain" (one sample path of the Markov chain)
    std::optional<std::pair<int, int>> probe;   // --probe X,Y: open the pixel probe on that pixel
    int toy_points = 10000;            // --toy-points: the 2D toy view's data size
    std::string toy_reverse;           // --toy-reverse ddpm|ddim: the toy view runs the reverse at start
    std::string screenshot;            // --screenshot FILE: capture the window after the first frames, exit
    std::string render;                // --render FILE: x_t at native resolution via EGL, exit
    int benchmark_frames = 0;          // --benchmark-frames N: sweep t, print frame times, exit
    float ui_scale = 0;                // --ui-scale: 0 keeps the remembered scale
    std::string lang;                  // --lang: "" keeps the remembered choice, else the environment's
    int window_width = 0, window_height = 0;   // --window-size: 0 = 1280x800, fitted to the screen
    bool presentation = false;         // --presentation: start in presentation mode (F11)
    std::vector<std::string> show;     // --show: windows open at start (distribution, reparam, how-it-works)
    int64_t max_pixels = int64_t(1) << 28;   // --max-pixels N: larger images are refused
};

// Opens the window; returns the process exit code.
int run_gui(const GuiOptions& options);
// --render: offscreen through EGL surfaceless, no display needed; returns the exit code.
int run_render(const GuiOptions& options);
