#pragma once
// Sessions: what makes a scene (image, schedule, t, seed, view, pins) as a small JSON file,
// `.ddpmviz`, written by File > Save session and opened by File > Open, `ddpm-viz scene.ddpmviz`
// or a drop. An export's .manifest.json opens as a session too. Language-independent: keys and
// values are the names used everywhere else (schedule names, "xt"/"equation"), never UI text.
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/result.h"
#include "ddpm/chain.h"
#include "ddpm/sampling.h"
#include "ddpm/schedule.h"

struct App;

struct Session {
    std::string image;                        // a path (absolute when saved) or "embedded:chelsea.png"
    ddpm::ScheduleParams params;
    int t = -1;                               // -1: the window's default
    uint32_t seed = 0;
    std::string view = "xt";                  // xt, equation, step, compare, toy2d, ribbon
    ddpm::Process process = ddpm::Process::Closed;
    std::vector<ddpm::ScheduleParams> pins;   // pinned comparison schedules, oldest first
    std::string export_folder;                // the Export panel's folder; "" not chosen
    // The windows and views around the scene.
    bool compare_open = false;                // the Compare schedules window (its panes: A and the pins)
    std::string compare_sync = "log_snr";     // t, fraction or log_snr
    bool probe_open = false;                  // the pixel probe and its pixel
    int probe_x = 0, probe_y = 0, probe_channel = 0;
    ddpm::SamplingParams sampling;            // the sampler's timesteps marked on the plots
    struct Toy {
        std::string data = "moons";           // a preset's name, or image, drawn, csv
        int n = 10000;
        bool chain = false;
        std::string sampler = "ddpm";         // the reverse process: ddpm or ddim
        int steps = 100, samples = 2000;
        bool operator==(const Toy&) const = default;
    } toy;
};

// True for NAME.ddpmviz and NAME.manifest.json: open these as sessions, not as images.
bool is_session_path(const std::string& path);
std::string session_json(const Session& session);
// A .ddpmviz or an export manifest; relative image paths are taken from the file's folder (`base`).
// An error says which key is wrong.
ddpm::Result<Session> parse_session(const std::string& text, const std::string& base);
ddpm::Result<Session> read_session(const std::string& path);

// The window's scene, and the other way round: apply_session opens the image and sets the rest;
// on any error the window keeps its state and the status line says why.
Session capture_session(const App& app);
bool apply_session(App& app, const Session& session);
// File > Save session / Open: write or read `path`, remember it in the recent list.
bool save_session_file(App& app, const std::string& path);
bool open_session_file(App& app, const std::string& path);
