#pragma once
// Pieces of the export module shared between its source files; not part of the public API.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ddpm/export.h"

namespace ddpm::detail {

// Exported text in the ExportText's TrueType faces (text.cpp), one line 12 * scale pixels high;
// -1 / false while none is set, and the bitmap font draws it.
int face_text_width(const std::string& text, int scale);
int face_text_height(int scale);
bool draw_face_text(Rgb8& image, int x, int y, const std::string& text, int scale, const uint8_t rgb[3]);

// One GIF frame reduced to at most 256 colours, ready for LZW.
struct GifFrame {
    std::vector<std::array<uint8_t, 3>> palette;
    std::vector<uint8_t> indices;
};
GifFrame quantize_gif_frame(const Rgb8& frame);
Result<std::vector<uint8_t>> encode_gif_frames(std::vector<GifFrame>& frames, int width, int height,
                                               const GifOptions& options);

// A GIF written frame by frame as the frames are made, so memory does not grow with their number.
class GifWriter {
public:
    using Sink = std::function<Status(const uint8_t*, std::size_t)>;
    static Result<std::unique_ptr<GifWriter>> open(int width, int height, const GifOptions& options, Sink sink);
    ~GifWriter();
    // Writes the frame, shown extra_cs centiseconds longer than the others, and frees its indices.
    Status add(GifFrame& frame, int extra_cs = 0);
    Status finish();

private:
    GifWriter() = default;
    void* gif_ = nullptr;   // GifFileType*
    int width_ = 0, height_ = 0, delay_cs_ = 0;
    Sink sink_;
    Status sink_error_;
    friend int gif_write(void*, const uint8_t*, int);
};

// The ffmpeg command on PATH, or an error saying how to get it.
Result<std::string> find_ffmpeg();

// ffmpeg reading raw RGB frames from a pipe and writing H.264 MP4 to path.
class VideoPipe {
public:
    // ffmpeg writes to path; its messages name `shown` instead (the final name, not the temporary).
    static Result<VideoPipe> open(const std::string& ffmpeg, const std::string& path, const std::string& shown,
                                  int width, int height, int fps);
    VideoPipe(VideoPipe&& o) noexcept;
    VideoPipe& operator=(VideoPipe&&) = delete;
    ~VideoPipe();
    // The frame must be width x height.
    Status write(const Rgb8& frame);
    // Waits for ffmpeg; the error carries its last message.
    Status finish();
    // Stops ffmpeg without waiting for a complete file (cancel, or an error elsewhere).
    void abort();

private:
    VideoPipe() = default;
    pid_t pid_ = -1;
    int stdin_fd_ = -1, log_fd_ = -1;
    std::string path_, shown_;
    Status collect();
};

}  // namespace ddpm::detail
