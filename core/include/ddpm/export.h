#pragma once
// Export: frames, sequences, filmstrips, GIF and MP4 of x_t, the schedule table and plot, each with
// a manifest. One module for the GUI and the command line, so the same request gives the same bytes.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/result.h"
#include "ddpm/schedule.h"

namespace ddpm {

enum class ExportKind { Frame, Sequence, Filmstrip, Gif, Mp4, ScheduleCsv, ScheduleJson, Plot, Npy };

struct ExportKindName {
    ExportKind kind;
    const char* name;   // manifest "kind", UI label
};
inline constexpr std::array<ExportKindName, 9> kExportKinds{{
    {ExportKind::Frame, "frame"},
    {ExportKind::Sequence, "sequence"},
    {ExportKind::Filmstrip, "filmstrip"},
    {ExportKind::Gif, "gif"},
    {ExportKind::Mp4, "mp4"},
    {ExportKind::ScheduleCsv, "schedule-csv"},
    {ExportKind::ScheduleJson, "schedule-json"},
    {ExportKind::Plot, "plot"},
    {ExportKind::Npy, "npy"},
}};
const char* export_kind_name(ExportKind kind);
// Kinds that noise the input image (the others only need the schedule).
bool export_needs_image(ExportKind kind);

// Second label line of a filmstrip tile, under "t = N".
enum class FilmstripLabel { None, AlphaBar, Snr };

struct FilmstripOptions {
    int columns = 0;          // 0: all tiles in one row
    int gap = 8;              // pixels between tiles and around the sheet (white)
    bool labels = true;       // "t = N" under each tile
    FilmstripLabel extra = FilmstripLabel::None;
};

struct GifOptions {
    int delay_cs = 10;        // frame delay in hundredths of a second
    int loop = 0;             // 0: loop forever; N: play N times
};

struct VideoOptions {
    int fps = 25;
};

// Labels stamped into the top-left corner of each GIF/MP4 frame (for slides).
struct AnimationLabels {
    bool t = false;            // "t = 500"
    bool alpha_bar = false;    // "alpha_bar = 0.0786"
    bool snr = false;          // "SNR = 0.0853"
    bool schedule = false;     // "linear 1e-4..0.02 T=1000"
    bool any() const { return t || alpha_bar || snr || schedule; }
};

struct PlotOptions {
    int width = 960, height = 540;
    std::vector<std::string> curves{"alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar"};   // kScheduleColumns names
    int marker_t = -1;        // a vertical line at this t; -1: none
    bool log_y = false;       // log10 y axis over the positive values
    std::string title;        // "" : the schedule's label (and the pins')
    std::vector<ScheduleParams> pins;   // more schedules on the same axes, each with its own dash
    // t, t/T or log_snr (high on the left, so noise grows to the right as with t). With t and pins of
    // another T the axis is t/T, since their t do not line up.
    PlotXAxis x_axis = PlotXAxis::T;
};

// Everything an export needs, by value, so a worker thread can own it.
struct ExportRequest {
    ExportKind kind = ExportKind::Frame;
    Image x0;                          // the input at full resolution (empty for schedule kinds)
    // Or, instead of x0, its 8-bit samples (x0 = from_u8 of them): a quarter of the memory, and a
    // closed-form frame streams from them without ever widening the whole image (CompactImage).
    Rgb8 x0_rgb8;
    int input_width() const { return x0.empty() ? x0_rgb8.width : x0.width; }
    int input_height() const { return x0.empty() ? x0_rgb8.height : x0.height; }
    std::string input_path;            // as the user named it ("embedded:chelsea.png" for the sample)
    uint64_t input_hash = 0;           // fnv1a64 of the input file's bytes
    ScheduleParams params;
    std::vector<int> ts;               // timesteps, in order (parse_t_list)
    uint32_t seed = 0;
    Process process = Process::Closed;  // x_t of the closed form (one eps) or of the chain's path
    std::string view = "xt";           // Frame: "xt", or "equation" for x0 + eps = x_t side by side
    int max_side = 0;                  // > 0: downsize x0 so its longer side is at most this
    std::string out;                   // the file, or for Sequence the folder
    std::string name = "frame";        // Sequence: out/name_t0000.png
    bool overwrite = false;
    FilmstripOptions filmstrip;
    GifOptions gif;
    VideoOptions video;
    PlotOptions plot;
    AnimationLabels animation_labels;  // Gif, Mp4
    double hold_first = 0, hold_last = 0;   // Gif, Mp4: seconds the first and last frames stay longer
    unsigned threads = 0;              // 0: all cores
};

// Progress is reported as frames done out of total; calls are serialised but may come from any thread.
struct ExportControl {
    std::function<void(int done, int total)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct ExportResult {
    std::vector<std::string> files;    // written, the manifest last
};

// Runs the export. Files appear only when everything succeeded: each is written under a temporary
// name and renamed at the end; on failure or cancel nothing new is left behind and the error is one
// sentence. Existing files are refused unless request.overwrite.
Result<ExportResult> run_export(const ExportRequest& request, const ExportControl& control = {});

// The files run_export would write, the manifest last (the GUI asks before replacing any of them).
std::vector<std::string> export_targets(const ExportRequest& request);

// "500", "0,10,100,1000" or "0:1000:25" (START:STOP:STEP, inclusive of STOP when on the step);
// every t within 0..T.
Result<std::vector<int>> parse_t_list(std::string_view text, int T);

// name_t0042.png with t zero-padded to the number of digits of T.
std::string sequence_file_name(const std::string& name, int t, int T);


// The pieces, public for tests and the GUI preview.
// The label lines of frame t, numbers in shortest round-trip form.
std::vector<std::string> animation_label_lines(const AnimationLabels& labels, const Schedule& s, const ScheduleParams& p, int t);
// Draws those lines on a dark box in the frame's top-left corner, sized to the frame.
void stamp_animation_labels(Rgb8& frame, const std::vector<std::string>& lines);
// A hold of `seconds` in whole units of 1/rate s (GIF: rate 100, centiseconds added to the frame's
// delay; MP4: rate fps, copies of the frame). The t list keeps one entry per distinct frame.
int hold_units(double seconds, double rate);
// The size an animation of n frames of width x height will have, roughly (noise hardly compresses:
// about one byte per pixel for a GIF); for the warning that suggests --max-side.
double estimated_animation_bytes(ExportKind kind, int64_t n, int width, int height);

Rgb8 render_filmstrip(const std::vector<Rgb8>& tiles, const std::vector<int>& ts, const Schedule& s,
                      const FilmstripOptions& options);
// The window's equation view as one picture: x0 + eps = x_t with their weights.
Rgb8 render_equation(const Rgb8& x0, const Rgb8& eps, const Rgb8& xt, const Schedule& s, int t);
Rgb8 render_plot(const Schedule& s, const PlotOptions& options);
// Median-cut palette per frame and Floyd-Steinberg dithering; frames must share one size.
Result<std::vector<uint8_t>> encode_gif(const std::vector<Rgb8>& frames, const GifOptions& options,
                                        unsigned threads = 0);
// NumPy .npy version 1.0, '<f4', C order, of the given shape: the header (padded so the data
// starts at a multiple of 64 bytes, as numpy writes it) followed by the floats' bytes.
std::vector<uint8_t> npy_header(const std::vector<std::size_t>& shape);
std::string manifest_json(const ExportRequest& request, const std::vector<std::string>& files);
// Draws ASCII text with stb_easy_font's glyphs, each glyph pixel a scale x scale block.
void draw_text(Rgb8& image, int x, int y, const std::string& text, int scale, const uint8_t rgb[3]);
int text_width(const std::string& text, int scale);
int text_height(int scale);

}  // namespace ddpm
