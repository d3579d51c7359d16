// Slide helpers for animations: labels stamped into GIF/MP4 frames, the length of held first and last frames,
// and the size estimate behind the "this will be large" warning.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "ddpm/export.h"
#include "ddpm/format.h"
#include "ddpm/text.h"

namespace ddpm {
namespace {
// Four significant digits, then the shortest text of that value: 0.0786, not 0.078600000000000003.
std::string four_digits(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", v);
    return shortest(std::strtod(text, nullptr));
}
}  // namespace

std::vector<std::string> animation_label_lines(const AnimationLabels& labels, const Schedule& s, const ScheduleParams& p, int t) {
    std::vector<std::string> lines;
    const std::size_t i = std::size_t(t);
    if (labels.t) lines.push_back(fill_label(label_tr("t = %s"), std::to_string(t)));
    if (labels.alpha_bar) lines.push_back(fill_label(label_tr("alpha_bar = %s"), four_digits(s.alpha_bar[i])));
    if (labels.snr) lines.push_back(fill_label(label_tr("SNR = %s"), four_digits(s.snr[i])));
    if (labels.schedule) {
        std::string name = schedule_name(p.kind);
        name += p.kind == ScheduleKind::Cosine ? " s=" + shortest(p.cosine_s) : " " + shortest(p.beta_start) + ".." + shortest(p.beta_end);
        lines.push_back(name + " T=" + std::to_string(p.T) + (p.zero_terminal_snr ? " zero-SNR" : ""));
    }
    return lines;
}

void stamp_animation_labels(Rgb8& frame, const std::vector<std::string>& lines) {
    if (lines.empty() || frame.width < 8 || frame.height < 8) return;
    // Text about a thirtieth of the frame's height per line, at least one glyph pixel.
    const int scale = std::max(1, frame.height / 300);
    const int pad = 3 * scale, line = text_height(scale) + scale;
    int width = 0;
    for (const auto& l : lines) width = std::max(width, text_width(l, scale));
    const int x1 = std::min(frame.width, width + 2 * pad), y1 = std::min(frame.height, int(lines.size()) * line + 2 * pad);
    // A dark box under the text, so it reads over any noise.
    for (int y = 0; y < y1; ++y)
        for (int x = 0; x < x1; ++x)
            for (int c = 0; c < 3; ++c) {
                uint8_t& v = frame.pixels[(std::size_t(y) * std::size_t(frame.width) + std::size_t(x)) * 3 + std::size_t(c)];
                v = uint8_t(v / 4);
            }
    const uint8_t white[3] = {255, 255, 255};
    for (std::size_t k = 0; k < lines.size(); ++k) draw_text(frame, pad, pad + int(k) * line, lines[k], scale, white);
}

int hold_units(double seconds, double rate) {
    // A GIF delay is 16 bits of centiseconds; nothing shows a slide for longer than ten minutes.
    return int(std::lround(std::clamp(seconds, 0.0, 600.0) * rate));
}

double estimated_animation_bytes(ExportKind kind, int64_t n, int width, int height) {
    // Measured on noisy frames: a GIF holds about one byte per pixel (LZW of dithered noise barely
    // compresses), an H.264 MP4 at ffmpeg's default quality about a fifth of that.
    const double pixels = double(n) * width * height;
    return kind == ExportKind::Gif ? pixels : kind == ExportKind::Mp4 ? pixels * 0.2 : 0;
}

}  // namespace ddpm
