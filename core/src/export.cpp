// The export driver: validates a request, computes frames in parallel, stages every file under a
// temporary name and renames them all into place only when the whole export succeeded.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "ddpm/export.h"
#include "ddpm/rng.h"
#include "ddpm/noise.h"
#include "ddpm/parallel.h"
#include "ddpm/png.h"
#include "ddpm/probe.h"
#include "export_internal.h"

namespace ddpm {

namespace fs = std::filesystem;

const char* export_kind_name(ExportKind kind) {
    for (const auto& k : kExportKinds)
        if (k.kind == kind) return k.name;
    return "?";
}

bool export_needs_image(ExportKind kind) {
    return kind == ExportKind::Frame || kind == ExportKind::Sequence || kind == ExportKind::Filmstrip ||
           kind == ExportKind::Gif || kind == ExportKind::Mp4 || kind == ExportKind::Npy;
}

std::string sequence_file_name(const std::string& name, int t, int T) {
    const std::string digits = std::to_string(t);
    const std::size_t width = std::to_string(T).size();
    return name + "_t" + std::string(width > digits.size() ? width - digits.size() : 0, '0') + digits + ".png";
}

Result<std::vector<int>> parse_t_list(std::string_view text, int T) {
    const auto bad = [&](std::string_view item) {
        std::string m = "'";   // built step by step: GCC 12 warns falsely (-Wrestrict) on "'" + string
        m += item;
        m += "' is not a timestep; use a number (500), a list (0,250,500) or a range START:STOP:STEP (0:1000:25)";
        return Error{m};
    };
    const auto number = [](std::string_view s, int& out) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    };
    const auto in_range = [&](int t) -> Status {
        if (t < 0 || t > T) return Error{"t = " + std::to_string(t) + " is outside 0.." + std::to_string(T) + " (T = " + std::to_string(T) + ")"};
        return {};
    };
    std::vector<int> ts;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        const std::string_view item = text.substr(pos, comma - pos);
        pos = comma + 1;
        const std::size_t c1 = item.find(':');
        if (c1 == std::string_view::npos) {
            int t = 0;
            if (!number(item, t)) return bad(item);
            if (auto s = in_range(t); !s) return Error{s.error};
            ts.push_back(t);
            continue;
        }
        const std::size_t c2 = item.find(':', c1 + 1);
        int start = 0, stop = 0, step = 1;
        if (!number(item.substr(0, c1), start) ||
            !number(item.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1), stop) ||
            (c2 != std::string_view::npos && !number(item.substr(c2 + 1), step)))
            return bad(item);
        for (int t : {start, stop})
            if (auto s = in_range(t); !s) return Error{s.error};
        if (step == 0) return Error{"the range '" + std::string(item) + "' has a step of 0"};
        if ((stop - start) * int64_t(step) < 0)
            return Error{"the range '" + std::string(item) + "' never reaches " + std::to_string(stop) +
                         " with a step of " + std::to_string(step)};
        for (int64_t t = start; step > 0 ? t <= stop : t >= stop; t += step) ts.push_back(int(t));
    }
    if (ts.empty()) return Error{"no timesteps given"};
    return ts;
}

namespace {

// A .npy file is assembled in memory before it is renamed into place.
constexpr int64_t kNpyMemoryBudget = int64_t(4) << 30;

// A size-limit or a closed ffmpeg pipe must come back from write() as an error, not kill the process.
void ignore_write_signals() {
    static std::once_flag once;
    std::call_once(once, [] {
        signal(SIGXFSZ, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
    });
}

std::string sequence_folder(const ExportRequest& r) { return r.out.empty() ? std::string(".") : r.out; }

std::string manifest_path(const ExportRequest& r) {
    if (r.kind == ExportKind::Sequence) return (fs::path(sequence_folder(r)) / (r.name + ".manifest.json")).string();
    return r.out + ".manifest.json";
}

// Files under temporary names beside their targets, renamed into place by commit(); anything not
// committed is removed, with the folders this export created.
class Staging {
public:
    explicit Staging(bool overwrite) : overwrite_(overwrite) {}
    ~Staging() { discard(); }

    Status make_folder(const std::string& folder) {
        std::error_code ec;
        fs::path p = fs::path(folder).lexically_normal();
        if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();   // "frames/" -> "frames"
        std::vector<fs::path> missing;
        for (fs::path q = p; !q.empty() && !fs::exists(q, ec); q = q.parent_path()) {
            missing.push_back(q);
            if (q == q.parent_path()) break;
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
            if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST)
                return Error{"could not create the folder " + it->string() + ": " + std::strerror(errno)};
            std::lock_guard lock(mutex_);
            folders_.push_back(it->string());
            temporaries::add_folder(it->string());
        }
        if (!fs::is_directory(p, ec)) return Error{folder + " is a file, not a folder"};
        return {};
    }

    // A fresh temporary path beside target, registered for clean-up.
    std::string reserve(const std::string& target) {
        std::string tmp = temporary_sibling(target);
        std::lock_guard lock(mutex_);
        temporaries::add(tmp);
        staged_.push_back({tmp, target});
        return tmp;
    }

    // Thread-safe.
    Status add(const std::string& target, const std::vector<uint8_t>& bytes) {
        return write_new_file(reserve(target), bytes, target);
    }

    Status commit() {
        std::lock_guard lock(mutex_);
        auto hold = temporaries::hold();   // an interrupt waits until the renames are done
        for (std::size_t i = 0; i < staged_.size(); ++i) {
            const auto [tmp, target] = staged_[i];   // a copy: the error below outlives the erase
            // RENAME_NOREPLACE: a file that appeared since the check is still not replaced.
            const int rc = overwrite_ ? ::rename(tmp.c_str(), target.c_str())
                                      : ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
            if (rc == 0) temporaries::forget(tmp);
            if (rc != 0) {
                const int err = errno;
                // New files already renamed go too; replaced ones cannot come back.
                if (!overwrite_)
                    for (std::size_t j = 0; j < i; ++j) ::unlink(staged_[j].second.c_str());
                staged_.erase(staged_.begin(), staged_.begin() + i);
                return Error{err == EEXIST ? target + " already exists; pass --force to replace it"
                                           : "could not write " + target + ": " + std::strerror(err)};
            }
        }
        staged_.clear();
        for (const auto& f : folders_) temporaries::forget_folder(f);
        folders_.clear();
        return {};
    }

    void discard() {
        std::lock_guard lock(mutex_);
        for (const auto& s : staged_) ::unlink(s.first.c_str()), temporaries::forget(s.first);
        staged_.clear();
        for (auto it = folders_.rbegin(); it != folders_.rend(); ++it) ::rmdir(it->c_str()), temporaries::forget_folder(*it);
        folders_.clear();
    }

private:
    bool overwrite_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> staged_;   // temporary, target
    std::vector<std::string> folders_;
};

// Runs body(i) for i in [0, n) on `threads` workers taking the next index, until body returns false.
template <class F>
void for_each_index(std::size_t n, unsigned threads, F&& body) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    const unsigned workers = unsigned(std::min<std::size_t>(threads, std::max<std::size_t>(n, 1)));
    parallel_for(
        workers,
        [&](std::size_t, std::size_t) {
            for (std::size_t i; !stop && (i = next++) < n;)
                if (!body(i)) stop = true;
        },
        workers);
}

// Reports progress and remembers the first error; shared by the workers of one export.
class Progress {
public:
    Progress(const ExportControl& control, int total) : control_(control), total_(total) {}
    bool cancelled() const { return control_.cancel && control_.cancel->load(); }
    bool ok() const { return !failed_.load(); }
    bool keep_going() const { return ok() && !cancelled(); }
    void fail(const std::string& message) {
        std::lock_guard lock(mutex_);
        if (!failed_.exchange(true)) error_ = message;
    }
    const std::string& error() const { return error_; }
    void step() {
        std::lock_guard lock(mutex_);   // counted under the lock, so reports never go backwards
        const int d = ++done_;
        if (control_.progress) control_.progress(d, total_);
    }

private:
    const ExportControl& control_;
    int total_;
    std::atomic<int> done_{0};
    std::atomic<bool> failed_{false};
    std::mutex mutex_;
    std::string error_;
};

// x_t of the request's process; `chain` is built once per export (O(T)), not once per frame.
Rgb8 frame_at(const Image& x0, const Schedule& s, const ChainSchedule& chain, Process process, int t, uint32_t seed,
              unsigned threads) {
    return to_rgb8(process == Process::Chain ? chain_sample(x0, chain, t, seed, threads) : q_sample(x0, s, t, seed, threads));
}

// The equation view's noise picture: eps of the closed form, or the chain path's standardised noise
// (x_t - sqrt(alpha_bar_t) x0) / sqrt(1 - alpha_bar_t), which is 0 at t = 0.
Image equation_noise(const Image& x0, const ChainSchedule& chain, Process process, int t, uint32_t seed, unsigned threads) {
    if (process == Process::Closed) return noise_image(x0.width, x0.height, seed, kEpsStream, threads);
    ChainPath path = chain_path(chain, t);
    Image out{x0.width, x0.height, std::vector<float>(x0.data.size(), 0.0f)};
    if (path.levels.empty()) return out;
    path.signal = 0, path.noise = 1;
    chain_sample_pixels(x0.data.data(), out.data.data(), 0, std::size_t(x0.width) * std::size_t(x0.height), path, seed);
    return out;
}

// x0 as the frame's rows are read from it: floats, or 8-bit samples widened a band at a time.
struct Rows {
    const Image* f = nullptr;
    const Rgb8* b = nullptr;
    int width() const { return f ? f->width : b->width; }
    int height() const { return f ? f->height : b->height; }
};

// 8-bit x_t of rows [y0, y0 + n) into dst, the rows split over threads; eps exactly as q_sample
// draws it, and t = 0 is x0 itself.
void xt_rows(const Rows& x0, const Schedule& s, int t, uint32_t seed, int y0, int n, float* scratch, uint8_t* dst,
             unsigned threads) {
    const std::size_t width = std::size_t(x0.width()), row = width * 3;
    const float signal = float(s.sqrt_alpha_bar[t]), noise = float(s.sqrt_one_minus_alpha_bar[t]);
    parallel_for(
        std::size_t(n),
        [&](std::size_t a, std::size_t b) {
            const std::size_t first = (std::size_t(y0) + a) * row, m = (b - a) * row;
            float* x = scratch + a * row;
            const float* src = x;
            if (x0.f) {
                src = x0.f->data.data() + first;
            } else {
                const uint8_t* in = x0.b->pixels.data() + first;
                for (std::size_t i = 0; i < m; ++i) x[i] = from_u8(in[i]);
            }
            if (t == 0) x = const_cast<float*>(src);
            else q_sample_pixels(src, x, first / 3, (b - a) * width, signal, noise, seed);   // in place for 8-bit rows
            uint8_t* out = dst + a * row;
            for (std::size_t i = 0; i < m; ++i) out[i] = to_u8(x[i]);
        },
        threads);
}

// One frame computed and encoded by row bands straight into path: x_t, its 8-bit rows and the PNG
// bytes exist a band at a time (about 4 MB of rows), so memory does not grow with the image
// beyond x0 itself. The bytes equal encode_png(frame_at(...)).
Status stream_frame(const Rows& x0, const Schedule& s, int t, uint32_t seed, unsigned threads, const std::string& path,
                    const std::string& shown, const Progress& progress) {
    const int w = x0.width(), h = x0.height();
    const std::size_t row = std::size_t(w) * 3;
    const int band = int(std::clamp<std::size_t>((std::size_t(4) << 20) / row, 1, std::size_t(h)));
    std::vector<float> scratch(std::size_t(band) * row);
    std::vector<uint8_t> rows(std::size_t(band) * row);
    // The filter choice looks at the same rows encode_png samples.
    const std::vector<int> ys = png_sample_rows(h);
    Rgb8 sample{w, int(ys.size()), std::vector<uint8_t>(ys.size() * row)};
    for (std::size_t i = 0; i < ys.size(); ++i) xt_rows(x0, s, t, seed, ys[i], 1, scratch.data(), &sample.pixels[i * row], 1);
    const bool noisy = png_prefers_no_filter(sample);

    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return Error{"could not write " + shown + ": " + std::strerror(errno)};
    const auto sink = [&](const uint8_t* p, std::size_t n) -> Status {
        while (n) {
            const ssize_t k = ::write(fd, p, n);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) return Error{"could not write " + shown + ": " + std::strerror(k < 0 ? errno : EIO)};
            p += k, n -= std::size_t(k);
        }
        return {};
    };
    Status st;
    {
        PngWriter png(w, h, noisy, sink);
        for (int y = 0; y < h && st; y += band) {
            if (progress.cancelled()) {
                st = Error{"cancelled"};
                break;
            }
            const int n = std::min(band, h - y);
            xt_rows(x0, s, t, seed, y, n, scratch.data(), rows.data(), threads);
            st = png.add_rows(rows.data(), n);
        }
        if (st) st = png.finish();
    }
    if (::close(fd) != 0 && st) st = Error{"could not write " + shown + ": " + std::strerror(errno)};
    return st;
}

// Refuses, before any work, a sheet no viewer opens (labels take at most ~120 rows per tile row).
Status check_sheet(const char* what, int64_t cols, int64_t rows, int64_t tile_w, int64_t tile_h, int64_t gap) {
    const int64_t sw = cols * (tile_w + gap) + gap, sh = rows * (tile_h + 120 + gap) + gap;
    if (sw <= kMaxImageSide && sh <= kMaxImageSide && sw * sh <= kMaxImagePixels) return {};
    return Error{std::string("the ") + what + " would be about " + std::to_string(sw) + "x" + std::to_string(sh) +
                 " pixels, more than " + std::to_string(kMaxImageSide) + " on a side; use a smaller maximum side" +
                 (std::string(what) == "filmstrip" ? ", fewer timesteps or more columns" : "")};
}

Status check_request(const ExportRequest& r, const Schedule& s) {
    if (r.out.empty()) return Error{"no output path given"};
    if (export_needs_image(r.kind)) {
        if (r.x0.empty() && r.x0_rgb8.pixels.empty()) return Error{"this export needs an input image"};
        if (r.ts.empty()) return Error{"no timesteps given"};
        for (int t : r.ts)
            if (t < 0 || t > s.T())
                return Error{"t = " + std::to_string(t) + " is outside 0.." + std::to_string(s.T()) + " (T = " +
                             std::to_string(s.T()) + ")"};
    }
    if (r.kind == ExportKind::Frame && r.ts.size() != 1)
        return Error{"a single frame needs exactly one t, got " + std::to_string(r.ts.size())};
    if (r.kind == ExportKind::Sequence && (r.name.empty() || r.name.find('/') != std::string::npos))
        return Error{"the file name prefix '" + r.name + "' must be non-empty and without '/'"};
    if (r.kind == ExportKind::Sequence) {   // one file per t: a repeated t would name one file twice
        std::vector<int> sorted = r.ts;
        std::sort(sorted.begin(), sorted.end());
        if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
            return Error{"t = " + std::to_string(*dup) + " appears twice; a sequence writes one file per t"};
    }
    if (r.view != "xt" && r.view != "equation" && r.view != "step" && r.view != "strip")
        return Error{"the view '" + r.view + "' is none of xt, equation, step and strip"};
    if (r.view == "step" && (r.kind != ExportKind::Frame || r.ts.size() != 1 || r.ts[0] < 1))
        return Error{"the step view is one frame at a t of 1 or more (it shows x_{t-1}, the step's noise and x_t)"};
    if (r.view == "strip" && r.kind != ExportKind::Filmstrip)
        return Error{"the chain strip needs several timesteps and a FILE.png"};
    if (r.max_side < 0) return Error{"the maximum side must be 0 (full size) or more, got " + std::to_string(r.max_side)};
    if (r.kind == ExportKind::Mp4 && (r.video.fps < 1 || r.video.fps > 240))
        return Error{"the frame rate must be 1 to 240 frames per second, got " + std::to_string(r.video.fps)};
    if (r.kind == ExportKind::Filmstrip && (r.filmstrip.columns < 0 || r.filmstrip.gap < 0 || r.filmstrip.gap > 1000))
        return Error{"filmstrip columns must be 0 or more and the gap 0 to 1000 pixels"};
    if (r.kind == ExportKind::Plot) {
        if (r.plot.width < 200 || r.plot.height < 150 || r.plot.width > 8192 || r.plot.height > 8192)
            return Error{"a plot is 200x150 to 8192x8192 pixels"};
        for (const auto& c : r.plot.curves)
            if (!schedule_column(c))
                return Error{"'" + c + "' is not a schedule column; use one of alpha_bar, sqrt_alpha_bar, snr, log_snr, ..."};
    }
    return {};
}

}  // namespace

std::vector<std::string> export_targets(const ExportRequest& r) {
    std::vector<std::string> files;
    if (r.kind == ExportKind::Sequence) {
        const fs::path folder(sequence_folder(r));
        for (int t : r.ts) files.push_back((folder / sequence_file_name(r.name, t, r.params.T)).string());
    } else {
        files.push_back(r.out);
    }
    files.push_back(manifest_path(r));
    return files;
}

std::string manifest_json(const ExportRequest& r, const std::vector<std::string>& files) {
    using json = nlohmann::ordered_json;
    json m;
    m["ddpm_viz_version"] = DDPM_VERSION;
    m["noise_generator"] = {{"name", "philox4x32-10"}, {"version", rng::kVersion}};
    m["kind"] = export_kind_name(r.kind);
    json names = json::array();
    for (const auto& f : files) names.push_back(fs::path(f).filename().string());
    m["files"] = names;
    // The kind's own parameters, as the schedule table, probe and stats write them: opening the manifest
    // as a session (or reading it in a script) rebuilds this schedule, whatever its family.
    m["schedule"] = json::parse(schedule_params_json(r.params));
    if (export_needs_image(r.kind)) {
        char hash[17];
        std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(r.input_hash));
        m["input"] = {{"path", r.input_path}, {"fnv1a64", hash}, {"width", r.input_width()}, {"height", r.input_height()}};
        m["max_side"] = r.max_side;
        m["seed"] = r.seed;
        m["process"] = process_name(r.process);
        m["t"] = r.ts;
        m["view"] = r.view;
    }
    switch (r.kind) {
    case ExportKind::Filmstrip:
        m["filmstrip"] = {{"columns", r.filmstrip.columns},
                          {"gap", r.filmstrip.gap},
                          {"labels", r.filmstrip.labels},
                          {"extra_label", r.filmstrip.extra == FilmstripLabel::AlphaBar ? "alpha_bar"
                                          : r.filmstrip.extra == FilmstripLabel::Snr    ? "snr"
                                                                                        : "none"}};
        break;
    case ExportKind::Gif:
        m["gif"] = {{"delay_cs", r.gif.delay_cs}, {"loop", r.gif.loop}};
        m["hold"] = {{"first_s", r.hold_first}, {"last_s", r.hold_last}};   // "t" lists each frame once
        break;
    case ExportKind::Mp4:
        m["video"] = {{"fps", r.video.fps}, {"codec", "h264"}};
        m["hold"] = {{"first_s", r.hold_first}, {"last_s", r.hold_last}};
        break;
    case ExportKind::Plot:
        m["plot"] = {{"width", r.plot.width}, {"height", r.plot.height}, {"curves", r.plot.curves}, {"marker_t", r.plot.marker_t},
                     {"x_axis", plot_x_axis_name(r.plot.x_axis)}};
        // The pinned schedules in full, as a session's "pins": the manifest reopens them.
        m["pins"] = json::array();
        for (const auto& p : r.plot.pins) m["pins"].push_back(json::parse(schedule_params_json(p)));
        break;
    default: break;
    }
    return m.dump(2) + "\n";
}

namespace {
Result<ExportResult> run_export_unguarded(const ExportRequest& r, const ExportControl& control);
}

Result<ExportResult> run_export(const ExportRequest& r, const ExportControl& control) {
    // Staging's destructor removes whatever was written when memory runs out midway.
    try {
        return run_export_unguarded(r, control);
    } catch (const std::bad_alloc&) {
        return Error{"not enough memory for this export; nothing was written (a smaller maximum side or fewer "
                     "timesteps needs less)"};
    }
}

std::vector<uint8_t> npy_header(const std::vector<std::size_t>& shape) {
    std::string dims;
    for (std::size_t d : shape) dims += std::to_string(d) + ", ";
    dims.resize(dims.size() - (shape.size() == 1 ? 1 : 2));   // (3,) for one dimension, (2, 3) for more
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t unpadded = 10 + dict.size() + 1;   // magic, version, length, dict, '\n'
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += {'\x01', '\x00', char(dict.size() & 0xff), char(dict.size() >> 8)};
    out += dict;
    return {out.begin(), out.end()};
}

namespace {
Result<ExportResult> run_export_unguarded(const ExportRequest& r, const ExportControl& control) {
    auto schedule = make_schedule(r.params);
    if (!schedule) return Error{schedule.error()};
    const Schedule& s = *schedule;
    if (auto st = check_request(r, s); !st) return Error{st.error};

    const std::vector<std::string> targets = export_targets(r);
    std::error_code ec;
    for (const auto& f : targets) {
        if (fs::is_directory(f, ec)) return Error{f + " is a folder; give a file name"};
        if (!r.overwrite && fs::exists(f, ec)) return Error{f + " already exists; pass --force to replace it"};
    }
    ignore_write_signals();
    // Temporaries of earlier exports that were killed (SIGKILL, a crash, a power cut) beside ours.
    {
        std::vector<std::string> folders;
        for (const auto& f : targets) {
            const std::string folder = fs::path(f).parent_path().string();
            if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
        }
        for (const auto& folder : folders) temporaries::sweep_stale(folder);
    }

    Staging staging(r.overwrite);
    if (r.kind == ExportKind::Sequence)
        if (auto st = staging.make_folder(sequence_folder(r)); !st) return Error{st.error};
    const unsigned threads = r.threads ? r.threads : hardware_threads();
    // The input is copied only when --max-side actually shrinks it, and 8-bit samples are widened
    // to floats only where the export needs the whole image as floats.
    const bool shrink = export_needs_image(r.kind) && r.max_side > 0 && std::max(r.input_width(), r.input_height()) > r.max_side;
    const bool streamed = r.kind == ExportKind::Frame && r.view == "xt" && r.process == Process::Closed;
    const bool bytes = r.x0.empty() && !r.x0_rgb8.pixels.empty();
    const Image widened = bytes && (shrink || !streamed) ? from_rgb8(r.x0_rgb8) : Image{};
    const Image& full = widened.empty() ? r.x0 : widened;
    const Image shrunk = shrink ? downsize(full, r.max_side) : Image{};
    const Image& x0 = shrink ? shrunk : full;
    const ChainSchedule chain = r.process == Process::Chain ? make_chain_schedule(s) : ChainSchedule{};
    const int n = int(r.ts.size());
    Progress progress(control, export_needs_image(r.kind) ? n : 1);
    const auto stage = [&](const std::string& target, const std::vector<uint8_t>& bytes) {
        if (auto st = staging.add(target, bytes); !st) progress.fail(st.error);
    };

    switch (r.kind) {
    case ExportKind::Frame: {
        if (r.view == "step") {
            if (auto st = check_sheet("step view", 3, 1, x0.width, x0.height, 200); !st) return Error{st.error};
            stage(r.out, encode_png(render_step(chain_step(x0, s, r.ts[0], r.seed, threads), s, r.ts[0])));
            progress.step();
            break;
        }
        // The closed form's frame streams by row bands straight into its file (memory: a band).
        if (streamed) {
            const Rows rows = x0.empty() ? Rows{nullptr, &r.x0_rgb8} : Rows{&x0, nullptr};
            if (auto st = stream_frame(rows, s, r.ts[0], r.seed, threads, staging.reserve(r.out), r.out, progress); !st) {
                if (!progress.cancelled()) progress.fail(st.error);
            } else {
                progress.step();
            }
            break;
        }
        if (r.view == "equation")
            if (auto st = check_sheet("equation view", 3, 1, x0.width, x0.height, 200); !st) return Error{st.error};
        Rgb8 frame = frame_at(x0, s, chain, r.process, r.ts[0], r.seed, threads);
        if (r.view == "equation")
            frame = render_equation(to_rgb8(x0), to_rgb8(equation_noise(x0, chain, r.process, r.ts[0], r.seed, threads)),
                                    frame, s, r.ts[0]);
        stage(r.out, encode_png(frame));
        progress.step();
        break;
    }
    case ExportKind::Sequence:
        for_each_index(n, threads, [&](std::size_t i) {
            if (!progress.keep_going()) return false;
            stage(targets[i], encode_png(frame_at(x0, s, chain, r.process, r.ts[i], r.seed, 1)));
            progress.step();
            return progress.ok();
        });
        break;
    case ExportKind::Filmstrip: {
        const int64_t cols = r.filmstrip.columns > 0 ? std::min(r.filmstrip.columns, n) : n;
        if (auto st = check_sheet("filmstrip", cols, (n + cols - 1) / cols, x0.width, x0.height, r.filmstrip.gap); !st)
            return Error{st.error};
        std::vector<Rgb8> tiles(n);
        // The chain strip is the chain's path, whatever the process.
        const bool strip = r.view == "strip";
        const ChainSchedule strip_chain = strip && r.process != Process::Chain ? make_chain_schedule(s) : ChainSchedule{};
        const ChainSchedule& tile_chain = strip && r.process != Process::Chain ? strip_chain : chain;
        for_each_index(n, threads, [&](std::size_t i) {
            if (!progress.keep_going()) return false;
            tiles[i] = frame_at(x0, s, tile_chain, strip ? Process::Chain : r.process, r.ts[i], r.seed, 1);
            progress.step();
            return true;
        });
        if (progress.keep_going())
            stage(r.out, encode_png(strip ? render_chain_strip(tiles, r.ts) : render_filmstrip(tiles, r.ts, s, r.filmstrip)));
        break;
    }
    case ExportKind::Gif: {
        // Frames quantized in parallel batches and written in order as they are made: memory is a
        // batch of frames, whatever their number.
        const std::string tmp = staging.reserve(r.out);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) return Error{"could not write " + r.out + ": " + std::strerror(errno)};
        auto gif = detail::GifWriter::open(x0.width, x0.height, r.gif, [&](const uint8_t* p, std::size_t n) -> Status {
            while (n) {
                const ssize_t k = ::write(fd, p, n);
                if (k < 0 && errno == EINTR) continue;
                if (k <= 0) return Error{"could not write " + r.out + ": " + std::strerror(k < 0 ? errno : EIO)};
                p += k, n -= std::size_t(k);
            }
            return {};
        });
        if (!gif) {
            ::close(fd);
            return Error{gif.error()};
        }
        std::vector<detail::GifFrame> batch(threads);
        for (int first = 0; first < n && progress.keep_going(); first += int(threads)) {
            const int count = std::min(int(threads), n - first);
            for_each_index(count, threads, [&](std::size_t k) {
                Rgb8 frame = frame_at(x0, s, chain, r.process, r.ts[first + int(k)], r.seed, 1);
                if (r.animation_labels.any())
                    stamp_animation_labels(frame, animation_label_lines(r.animation_labels, s, r.params, r.ts[first + int(k)]));
                batch[k] = detail::quantize_gif_frame(frame);
                return true;
            });
            for (int k = 0; k < count && progress.keep_going(); ++k) {
                // A hold is a longer delay on the end frame, not more frames.
                const int i = first + k;
                const int extra = (i == 0 ? hold_units(r.hold_first, 100) : 0) + (i == n - 1 ? hold_units(r.hold_last, 100) : 0);
                if (auto st = (*gif)->add(batch[k], extra); !st) progress.fail(st.error);
                else progress.step();
            }
        }
        if (progress.keep_going())
            if (auto st = (*gif)->finish(); !st) progress.fail(st.error);
        gif->reset();
        if (::close(fd) != 0 && progress.ok()) progress.fail("could not write " + r.out + ": " + std::strerror(errno));
        break;
    }
    case ExportKind::Mp4: {
        auto ffmpeg = detail::find_ffmpeg();
        if (!ffmpeg) return Error{ffmpeg.error()};
        // yuv420p needs even sides: drop the last column or row when odd.
        const int w = x0.width & ~1, h = x0.height & ~1;
        if (w < 2 || h < 2) return Error{"an MP4 needs an image at least 2x2 pixels"};
        auto video = detail::VideoPipe::open(*ffmpeg, staging.reserve(r.out), r.out, w, h, r.video.fps);
        if (!video) return Error{video.error()};
        // Frames in parallel batches, piped in order.
        std::vector<Rgb8> batch(threads);
        for (int first = 0; first < n && progress.keep_going(); first += int(threads)) {
            const int count = std::min(int(threads), n - first);
            for_each_index(count, threads, [&](std::size_t k) {
                Rgb8 full = frame_at(x0, s, chain, r.process, r.ts[first + k], r.seed, 1);
                if (r.animation_labels.any())
                    stamp_animation_labels(full, animation_label_lines(r.animation_labels, s, r.params, r.ts[first + k]));
                Rgb8& even = batch[k];
                even.width = w, even.height = h;
                even.pixels.resize(std::size_t(w) * h * 3);
                for (int y = 0; y < h; ++y)
                    std::memcpy(&even.pixels[std::size_t(y) * w * 3], &full.pixels[std::size_t(y) * full.width * 3],
                                std::size_t(w) * 3);
                return true;
            });
            for (int k = 0; k < count && progress.keep_going(); ++k) {
                // A video has one rate: a hold is the end frame piped again.
                const int i = first + k;
                const int copies = 1 + (i == 0 ? hold_units(r.hold_first, r.video.fps) : 0) +
                                   (i == n - 1 ? hold_units(r.hold_last, r.video.fps) : 0);
                Status st;
                for (int c = 0; c < copies && st; ++c) st = video->write(batch[k]);
                if (!st) progress.fail(st.error);
                else progress.step();
            }
        }
        if (progress.keep_going()) {
            if (auto st = video->finish(); !st) progress.fail(st.error);
        } else {
            video->abort();
        }
        break;
    }
    case ExportKind::Npy: {
        // x_t unclamped, shape (H, W, 3) for one t and (N, H, W, 3) for several, in the order given.
        const std::size_t frame_bytes = x0.data.size() * sizeof(float);
        if (double(frame_bytes) * n > double(kNpyMemoryBudget))
            return Error{"the .npy file would hold " + std::to_string(n) + " frames of " + std::to_string(x0.width) +
                         "x" + std::to_string(x0.height) + " floats (" +
                         std::to_string(int64_t(double(frame_bytes) * n / 1e6)) +
                         " MB); use a smaller maximum side or fewer timesteps"};
        std::vector<std::size_t> shape{std::size_t(x0.height), std::size_t(x0.width), 3};
        if (n > 1) shape.insert(shape.begin(), std::size_t(n));
        std::vector<uint8_t> bytes = npy_header(shape);
        const std::size_t header = bytes.size();
        bytes.resize(header + frame_bytes * std::size_t(n));
        static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");
        Image xt;
        for (int i = 0; i < n && progress.keep_going(); ++i) {
            q_sample_into(x0, s, r.ts[i], r.seed, xt, threads);
            std::memcpy(bytes.data() + header + frame_bytes * std::size_t(i), xt.data.data(), frame_bytes);
            progress.step();
        }
        if (progress.keep_going()) stage(r.out, bytes);
        break;
    }
    case ExportKind::ScheduleCsv:
    case ExportKind::ScheduleJson: {
        const std::string text = r.kind == ExportKind::ScheduleCsv ? schedule_csv(s) : schedule_json(s);
        stage(r.out, std::vector<uint8_t>(text.begin(), text.end()));
        progress.step();
        break;
    }
    case ExportKind::Plot:
        stage(r.out, encode_png(render_plot(s, r.plot)));
        progress.step();
        break;
    }

    if (progress.ok() && !progress.cancelled()) {
        const std::string manifest = manifest_json(r, {targets.begin(), targets.end() - 1});
        stage(targets.back(), std::vector<uint8_t>(manifest.begin(), manifest.end()));
    }
    if (!progress.ok()) return Error{progress.error() + "; nothing was exported"};
    if (progress.cancelled()) return Error{"export cancelled; nothing was written"};
    if (auto st = staging.commit(); !st) return Error{st.error};
    return ExportResult{targets};
}
}  // namespace

}  // namespace ddpm
