#pragma once
// The Export section of the window: frame, sequence, filmstrip, GIF, MP4, schedule table and plot
// through core's export module (the same run_export as `ddpm-viz export`, so the same bytes).
// Drawn inside the Controls window after the schedule controls: a section, not a window.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "ddpm/export.h"

struct App;
struct FileDialog;

// What the user chose; plain values, so tests can build a request without a window.
struct ExportSettings {
    int kind = 0;                 // index into export_choices()
    std::string ts;               // timesteps text; empty: the kind's default
    std::string out;              // output path; empty: the kind's default; relative: inside `folder`
    std::string folder;           // the chosen output folder (absolute); "": not chosen yet
    int max_side = 0;
    int columns = 0, gap = 8, labels = 1;   // labels: 0 none, 1 t, 2 t + alpha_bar, 3 t + SNR
    int fps = 10, loop = 0;
    bool label_t = false, label_alpha_bar = false, label_snr = false, label_schedule = false;   // GIF/MP4
    float hold_first = 0, hold_last = 0;   // GIF/MP4: seconds the first and last frames stay
};
// The GUI's max side when switching to an animation: slide-sized.
constexpr int kSlideMaxSide = 640;

// One entry of the kind combo.
struct ExportChoice {
    ddpm::ExportKind kind;
    const char* label;
    bool log_snr_plot = false;    // the right-hand plot instead of the left one
};
const std::vector<ExportChoice>& export_choices();

// The request the Export button runs, from the window's state; an error names the bad field.
ddpm::Result<ddpm::ExportRequest> make_export_request(const App& app, const ExportSettings& settings);
std::string default_export_out(const App& app, const ExportSettings& settings);
std::string default_export_ts(const App& app, const ExportSettings& settings);
// Where the export of `settings` writes: `out` (or the default name) inside the chosen folder.
std::string export_out_path(const App& app, const ExportSettings& settings);
// Makes `path` the Export panel's folder (remembered in the settings and in saved sessions); a
// missing path or a file is an error in the status line and the folder stays.
bool set_export_folder(App& app, const std::string& path);

// The panel's state: settings and the export running on a worker thread.
struct ExportPanel {
    ExportSettings settings;
    std::vector<std::string> clashes;   // existing files the user is asked about
    std::shared_ptr<FileDialog> folder_dialog;   // zenity's folder chooser, running
    bool show_folder_popup = false;     // the built-in chooser (no zenity)
    std::string folder_field, folder_error;
    bool export_after_folder = false;   // Export was pressed before a folder was chosen
    ddpm::ExportRequest pending;        // waits for that answer
    std::atomic<int> done{0}, total{0};
    std::atomic<bool> cancel{false};
    std::chrono::steady_clock::time_point started, last_wake;   // last_wake: worker thread only
    std::future<ddpm::Result<ddpm::ExportResult>> job;   // last member: joined first on destruction
    ~ExportPanel();   // cancels a running export and waits for its clean-up
};

void draw_export_panel(App& app);
// Reports a finished export in the status line; every frame, whether or not the panel is shown.
void poll_export(App& app);
