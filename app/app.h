#pragma once
// The window's state (one App) and its panels, each a function drawing one part of the frame.
// Widgets change the state; the image views are drawn by the x_t shader while ImGui renders the
// frame (draw-list callbacks), so a new t or schedule costs uniforms only.
#include <imgui.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/result.h"
#include "ddpm/sampling.h"
#include "ddpm/schedule.h"
#include "fonts.h"
#include "distribution_view.h"
#include "panel_export.h"
#include "plot.h"
#include "renderer.h"
#include "settings.h"

struct GLFWwindow;
struct Toy2dState;    // app/views/toy2d.h
struct RibbonState;   // app/views/ribbon.h

// Zoom and pan of the image view, in screen pixels per image pixel.
struct ImageViewState {
    bool fit = true;        // follow the panel's size
    float zoom = 1;
    ImVec2 offset{0, 0};    // image top-left relative to the canvas top-left
};

struct App;
// One image drawn by the x_t shader in the middle of ImGui's rendering (a draw-list callback).
struct ViewDraw {
    App* app = nullptr;
    ddpm::gpu::XtUniforms uniforms;
    ImVec2 origin;              // image top-left, screen coordinates
    float zoom = 1;             // screen pixels per image pixel
    ImVec2 clip_min, clip_max;  // the part of the screen it may cover
};

// zenity's answer, shared with the detached thread that waits for it: quitting never waits for the chooser.
struct FileDialog {
    std::atomic<bool> done{false};
    std::string path;   // written before done is set; "" when cancelled
};

// zenity on PATH; without it the choosers are path fields in a popup (Enter submits).
bool has_zenity();
// zenity's file chooser (folder: a folder chooser starting at `start`); "" when cancelled. Blocks:
// run it on a thread of its own.
std::string run_zenity(bool folder, const std::string& title, const std::string& start = "");
// One line of text cut to the space left with "..." at the front, the whole of it in a tooltip.
void text_ellipsized(const std::string& text);
// A window's place and size on first use (and on View > Reset layout), kept inside the display.
void place_window(const App& app, ImVec2 pos, ImVec2 size);
// SameLine() when an item `width` wide still fits on this line, else the next item starts a new one.
void same_line_if_fits(float width);
// A grey hint after the last item, or wrapped on lines of its own when it does not fit there.
void hint_text(const char* text);

// A schedule kept as faint comparison curves.
struct PinnedSchedule {
    std::string name;
    ddpm::ScheduleParams params;   // what rebuilds it (sessions)
    ddpm::Schedule schedule;
};
constexpr int kMaxPinned = 4;

// The Compare window: the current schedule (A) and the pinned ones side by side, same image and seed.
enum class CompareSync { T, Fraction, LogSnr };   // same t, same t/T, or the t of A's log_snr
struct CompareState {
    bool open = false;
    CompareSync sync = CompareSync::LogSnr;
};

struct App {
    // --- What the user looks at; read by the export panel.
    ddpm::Image x0;                       // the current x0 at full resolution (the GPU copy may be downsized)
    std::string image_source;             // its file path, or "embedded:chelsea.png"
    uint64_t image_hash = 0;              // fnv1a64 of that file's bytes, for export manifests
    ddpm::ScheduleParams params;          // the last valid schedule parameters
    ddpm::Schedule schedule;              // make_schedule(params)
    int t = 0;                            // the timestep shown, 0 (clean) .. schedule.T()
    uint32_t seed = 0;                    // the seed of eps
    std::string view = "xt";              // "xt", "equation" (x0 | eps | x_t), "step" or "compare"
    ddpm::Process process = ddpm::Process::Closed;   // closed form (one eps) or the Markov chain's path
    std::string status;                   // the status line: the latest message for the user
    bool status_is_error = false;         // that message reports a failure (shown in red)

    // --- Interface state.
    ddpm::ScheduleParams edit;            // what the schedule widgets show; may be invalid
    std::string schedule_error;           // core's message about `edit`, shown beside the controls
    bool playing = false;
    float play_speed = 250;               // timesteps per second
    bool loop = true;
    double play_carry = 0;                // fraction of a step left from the last frame
    bool play_started = false;            // play began this frame: its time does not count
    bool log_y = false;
    ddpm::PlotXAxis plot_x_axis = ddpm::PlotXAxis::T;   // the schedule plots' x: t, t/T or log_snr
    std::vector<PinnedSchedule> pinned;
    CompareState compare;
    ddpm::SamplingParams sampling;        // steps 0: no sampling subset
    std::vector<int> sampling_ts;         // its t list, noisiest first (marked on the plots)
    ImageViewState image_view;
    int T_field = 0;                      // the T field's text while it is being typed in
    bool T_field_active = false;          // applied on Enter or focus loss
    std::string path_field;               // the Open path field (when zenity is not installed)
    std::string pending_open;             // a dropped file, opened after the frame
    std::shared_ptr<FileDialog> file_dialog;   // zenity running in the background
    bool show_open_popup = false;
    bool show_save_popup = false;
    std::string session_path_field;       // the Save session path field
    bool reset_layout = false;            // place the panels as on first use, this frame
    ImVec2 display_size{0, 0};            // the window size of the last frame
    float ui_scale = 1;                   // content_scale x user_scale (x presentation): sizes follow it
    float content_scale = 1;              // the monitor's content scale (hi-DPI)
    float user_scale = 1;                 // View > UI scale, Ctrl +/-, --ui-scale
    bool presentation = false;            // F11: full screen, large type, slider + image + one plot
    bool fonts_stale = true;              // rebuild the font atlas before the next frame (scale, language)
    std::string font_note;                // why a font is missing, shown once in the status line
    SystemFonts fonts;                    // fontconfig's answer, asked once
    bool export_fonts_loaded = false;     // the faces exported labels are drawn with, read at the first export
    Settings settings;                    // remembered in settings_path ("" in automated runs: not saved)
    std::string settings_path;
    float frame_ms = 0;                   // smoothed frame time, for the status line
    std::unique_ptr<ExportPanel> export_panel;   // the Export section's settings and running job
    DistributionViewState distribution;   // the Distribution of x_t window
    ReparamViewState reparam;             // the Reparameterization trick window
    bool show_how_it_works = false;       // the How it works window
    X0HistogramCache x0_hist;             // x0's level histogram and kl_prior, for the views and values

    // --- GPU.
    GLFWwindow* window = nullptr;
    ddpm::gpu::Renderer renderer;
    ddpm::gpu::ChainNodes chain_nodes;    // the chain's kept node images: scrubbing walks only the levels a neighbour lacks
    std::array<ViewDraw, 12> view_draws;   // this frame's images, drawn in ImGui's render pass
    int view_draw_count = 0;
    // When the image has fewer pixels than its part of the screen: x_t at native size, shown as a texture.
    ddpm::gpu::RenderTarget xt_target;
    ddpm::gpu::XtUniforms xt_target_uniforms;
    bool xt_target_valid = false;         // xt_target holds x_t of the current image for those uniforms
    std::string gpu_note;                 // e.g. "shown downscaled to ..."

    // --- The chain (views/step.cpp, views/compare.cpp, views/probe.cpp).
    ddpm::ChainSchedule chain;            // make_chain_schedule(schedule), rebuilt with it
    ddpm::ScheduleParams chain_params;    // the parameters `chain` was built for
    bool chain_built = false;
    std::shared_ptr<struct ChainViews> chain_views;   // (shared_ptr: complete only in views/) the views' cached images and textures
    bool probe_open = false;              // the pixel probe window
    int probe_x = 0, probe_y = 0;         // its pixel, image pixels from the top left
    int probe_channel = 0;                // 0 R, 1 G, 2 B
    // --- Views with their own state (created on first use).
    std::shared_ptr<Toy2dState> toy2d;
    std::shared_ptr<RibbonState> ribbon;
    int toy_points = 10000;               // --toy-points: the 2D toy view's preset size at start
    std::string toy_reverse_at_start;     // --toy-reverse ddpm|ddim: run the reverse process at start
    ddpm::ImageLimits image_limits;       // --max-pixels: what an opened or dropped file may hold
    plot::AxisCache plot_axes[2];         // the schedule plot's and the log_snr plot's y axes
};

// The chain's interval sums for the current schedule (built on first use after a change).
const ddpm::ChainSchedule& app_chain(App& app);
// x_t's uniforms at t of the app's process and seed (the chain's coefficients come from app_chain).
ddpm::gpu::XtUniforms app_xt_uniforms(App& app, int t);
ddpm::gpu::XtUniforms app_xt_uniforms(App& app, int t, ddpm::Process process);
// Queues an image for the x_t shader at this point of the current window's draw list.
void queue_view(App& app, const ddpm::gpu::XtUniforms& u, ImVec2 origin, float zoom, ImVec2 clip_min, ImVec2 clip_max);
// Views of the chain (app/views/).
void draw_step_view(App& app);
void draw_process_compare_view(App& app);   // closed form beside chain (app/views/compare_process.cpp)
void draw_probe_window(App& app);
void draw_chain_strip_view(App& app);   // x_0 -> x_1 -> ... with q(x_b | x_a) on the arrows (app/views/strip.cpp)
// Frees the views' GL textures (before the context goes).
void release_chain_views(App& app);

// An image with where it came from.
struct LoadedImage {
    ddpm::Image image;
    std::string source;             // the path, or "embedded:NAME"
    uint64_t hash = 0;              // fnv1a64 of the file's bytes (which are not kept)
};
ddpm::Result<LoadedImage> load_image_file(const std::string& path, const ddpm::ImageLimits& limits = {});
ddpm::Result<LoadedImage> load_embedded_image(const char* name);
// What the command line calls IMAGE: an image file, or an embedded sample named chelsea,
// astronaut or coffee (with or without .png) when no file of that name exists.
ddpm::Result<LoadedImage> load_image_argument(const std::string& argument, const ddpm::ImageLimits& limits = {});
// The same for an export of one closed-form frame of a possibly huge image: the pixels kept as 8 bits
// where that is exact, the file's bytes not kept (source: as in LoadedImage).
ddpm::Result<ddpm::CompactImage> load_image_argument_compact(const std::string& argument, const ddpm::ImageLimits& limits,
                                                             std::string& source);
// The sample's file name for "chelsea", "chelsea.png" or "embedded:chelsea.png"; "" if none.
std::string embedded_sample_name(const std::string& argument);

// Replaces x0 with an image file; on failure the status line gets core's message and x0 stays.
bool open_image_file(App& app, const std::string& path);
// One of the embedded samples: "chelsea.png", "astronaut.png", "coffee.png".
bool open_embedded_image(App& app, const char* name);
// The embedded samples by file name.
std::vector<const char*> sample_image_names();
// An image, a sample name or a session (.ddpmviz, .manifest.json), as Open, a drop or Recent gives it.
bool open_path(App& app, const std::string& path);
// "linear 1e-4..0.02 T=1000": the schedule in the status line and the pins' legend (not translated).
// Builds the schedule from app.edit when it changed: valid -> params/schedule, else schedule_error.
void apply_schedule_edits(App& app);
// Keyboard: Left/Right (Shift: 10), Home/End, Space; not while typing or while a popup is open.
void handle_keys(App& app);
// Play or pause; playing from the end starts again at 0.
void toggle_play(App& app);
// Advances t while playing by the seconds since the last frame (not on the frame play started).
void advance_play(App& app, float seconds);
void set_t(App& app, int t);

// The UI scale (View menu, Ctrl +/-); saved in the settings.
void set_user_scale(App& app, float scale);
// View > Language: switches tr() now, rebuilds the fonts for its glyphs, remembers the choice.
void set_app_language(App& app, const std::string& code);
void save_app_settings(App& app);
// Reads a diffusers scheduler_config.json into the schedule widgets; errors go to the status line.
bool open_scheduler_config(App& app, const std::string& path);
// The Schedule section (app/views/schedule_controls.cpp).
void draw_schedule_controls_view(App& app);
// The schedule plots' x axis choice: t, t/T or log_snr (app/views/schedule_controls.cpp).
void draw_plot_x_axis_combo(App& app);
// The T field: applied on Enter or focus loss, the -/+ buttons at once (app/panels.cpp).
void draw_T_field(App& app);

// The Compare schedules window (app/views/compare.cpp).
void draw_compare_view(App& app);
// The t that pane schedule s shows while A shows app.t, by app.compare.sync.
int compare_t(const App& app, const ddpm::Schedule& s);
// Queues x_t with these uniforms for the shader at this point of the current window's draw list.
void draw_view(App& app, const ddpm::gpu::XtUniforms& u, ImVec2 origin, float zoom, ImVec2 clip_min, ImVec2 clip_max);

// Panels.
void draw_menu_bar(App& app);
void draw_controls(App& app);
void draw_image_view(App& app);
void draw_plots(App& app);
void draw_status_line(App& app);
// app/views: the 2D toy data view and the 1D density ribbon, in the Image panel.
void draw_toy2d_view(App& app);
// --benchmark-frames: one line on where the 2D toy view's frame went (nothing when it was not shown).
void print_toy2d_benchmark(const App& app);
void draw_ribbon_view(App& app);
// The whole frame: panels, then the once-per-frame updates.
void draw_frame(App& app);
