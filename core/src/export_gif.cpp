// Animated GIF through giflib: a 256-colour median-cut palette per frame (noise and photo need
// different colours) and Floyd-Steinberg dithering so smooth gradients keep their look.
// giflib's own GifQuantizeBuffer keeps its sort axis in a global, so it cannot run on frames in parallel.
#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

#include "ddpm/parallel.h"
#include "export_internal.h"

namespace ddpm {

namespace {

constexpr int kBits = 5, kLevels = 1 << kBits, kBins = kLevels * kLevels * kLevels;

int bin_of(int r, int g, int b) { return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3); }
int bin_channel(int bin, int axis) { return (bin >> (10 - 5 * axis)) & (kLevels - 1); }

struct Palette {
    std::array<std::array<uint8_t, 3>, 256> rgb{};
    int size = 0;
};

// Median cut over a 15-bit histogram (Heckbert 1982): split the box with the most pixels times
// extent along its longest axis, at the pixel median.
Palette median_cut(const Rgb8& img) {
    std::vector<uint32_t> count(kBins, 0);
    std::vector<std::array<uint64_t, 3>> sum(kBins, {0, 0, 0});
    for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
        const int r = img.pixels[i], g = img.pixels[i + 1], b = img.pixels[i + 2], k = bin_of(r, g, b);
        ++count[k];
        sum[k][0] += r, sum[k][1] += g, sum[k][2] += b;
    }
    struct Box {
        std::vector<int> bins;
        uint64_t pixels = 0;
        int axis = 0, extent = 0;
    };
    const auto measure = [&](Box& box) {
        int lo[3] = {kLevels, kLevels, kLevels}, hi[3] = {-1, -1, -1};
        box.pixels = 0;
        for (int k : box.bins) {
            box.pixels += count[k];
            for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], bin_channel(k, a)), hi[a] = std::max(hi[a], bin_channel(k, a));
        }
        box.axis = 0;
        for (int a = 1; a < 3; ++a)
            if (hi[a] - lo[a] > hi[box.axis] - lo[box.axis]) box.axis = a;
        box.extent = hi[box.axis] - lo[box.axis];
    };
    std::vector<Box> boxes(1);
    for (int k = 0; k < kBins; ++k)
        if (count[k]) boxes[0].bins.push_back(k);
    measure(boxes[0]);
    while (boxes.size() < 256) {
        int best = -1;
        uint64_t best_score = 0;
        for (int i = 0; i < int(boxes.size()); ++i) {
            const uint64_t score = boxes[i].bins.size() > 1 ? boxes[i].pixels * uint64_t(boxes[i].extent + 1) : 0;
            if (score > best_score) best_score = score, best = i;
        }
        if (best < 0) break;
        Box& box = boxes[best];
        const int axis = box.axis;
        std::sort(box.bins.begin(), box.bins.end(),
                  [&](int a, int b) { return bin_channel(a, axis) < bin_channel(b, axis); });
        uint64_t acc = 0;
        std::size_t cut = 1;
        for (; cut < box.bins.size() - 1; ++cut) {
            acc += count[box.bins[cut - 1]];
            if (2 * acc >= box.pixels) break;
        }
        Box other;
        other.bins.assign(box.bins.begin() + cut, box.bins.end());
        box.bins.resize(cut);
        measure(box);
        measure(other);
        boxes.push_back(std::move(other));
    }
    Palette p;
    p.size = int(boxes.size());
    for (int i = 0; i < p.size; ++i) {
        uint64_t s[3] = {0, 0, 0}, n = 0;
        for (int k : boxes[i].bins) {
            n += count[k];
            for (int a = 0; a < 3; ++a) s[a] += sum[k][a];
        }
        for (int a = 0; a < 3; ++a) p.rgb[i][a] = uint8_t(n ? (s[a] + n / 2) / n : 0);
    }
    if (p.size == 0) p.size = 1;   // an empty image still needs one colour
    return p;
}

// Floyd-Steinberg error diffusion onto the palette; nearest colours cached per 15-bit bin. Noise
// touches most of the 32768 bins, so the search walks the palette in red order outwards from the
// bin's red and stops once red alone is farther than the best match: the same colour (lowest index
// on ties) as a scan of all 256, at a fraction of the cost.
std::vector<uint8_t> dither(const Rgb8& img, const Palette& p) {
    std::vector<int16_t> nearest(kBins, -1);
    std::array<uint8_t, 256> by_red{};
    for (int i = 0; i < p.size; ++i) by_red[i] = uint8_t(i);
    std::sort(by_red.begin(), by_red.begin() + p.size, [&](int a, int b) { return p.rgb[a][0] < p.rgb[b][0]; });
    const auto lookup = [&](int r, int g, int b) {
        int16_t& n = nearest[bin_of(r, g, b)];
        if (n < 0) {
            const int cr = (r & ~7) | 4, cg = (g & ~7) | 4, cb = (b & ~7) | 4;
            int best = 0, best_d = 1 << 30;
            const auto consider = [&](int i) {
                const int dr = cr - p.rgb[i][0], dg = cg - p.rgb[i][1], db = cb - p.rgb[i][2];
                const int d = dr * dr + dg * dg + db * db;
                if (d < best_d || (d == best_d && i < best)) best_d = d, best = i;
            };
            const int mid = int(std::lower_bound(by_red.begin(), by_red.begin() + p.size, cr,
                                                 [&](int i, int v) { return p.rgb[i][0] < v; }) -
                                by_red.begin());
            for (int k = mid; k < p.size; ++k) {
                const int dr = p.rgb[by_red[k]][0] - cr;
                if (dr * dr > best_d) break;
                consider(by_red[k]);
            }
            for (int k = mid - 1; k >= 0; --k) {
                const int dr = cr - p.rgb[by_red[k]][0];
                if (dr * dr > best_d) break;
                consider(by_red[k]);
            }
            n = int16_t(best);
        }
        return n;
    };
    const int w = img.width, h = img.height;
    std::vector<uint8_t> out(std::size_t(w) * h);
    std::vector<float> err_cur((w + 2) * 3, 0.f), err_next((w + 2) * 3, 0.f);
    for (int y = 0; y < h; ++y) {
        std::fill(err_next.begin(), err_next.end(), 0.f);
        for (int x = 0; x < w; ++x) {
            const uint8_t* px = &img.pixels[(std::size_t(y) * w + x) * 3];
            int v[3];
            for (int a = 0; a < 3; ++a) v[a] = std::clamp(int(px[a] + err_cur[(x + 1) * 3 + a] + 0.5f), 0, 255);
            const int idx = lookup(v[0], v[1], v[2]);
            out[std::size_t(y) * w + x] = uint8_t(idx);
            for (int a = 0; a < 3; ++a) {
                const float e = float(v[a] - p.rgb[idx][a]);
                err_cur[(x + 2) * 3 + a] += e * (7.f / 16);
                err_next[x * 3 + a] += e * (3.f / 16);
                err_next[(x + 1) * 3 + a] += e * (5.f / 16);
                err_next[(x + 2) * 3 + a] += e * (1.f / 16);
            }
        }
        std::swap(err_cur, err_next);
    }
    return out;
}


}  // namespace

namespace detail {

GifFrame quantize_gif_frame(const Rgb8& frame) {
    const Palette p = median_cut(frame);
    GifFrame out;
    out.palette.assign(p.rgb.begin(), p.rgb.begin() + p.size);
    out.indices = dither(frame, p);
    return out;
}

int gif_write(void* self, const uint8_t* data, int n) {
    auto* w = static_cast<GifWriter*>(self);
    if (!w->sink_error_) return 0;
    w->sink_error_ = w->sink_(data, std::size_t(n));
    return w->sink_error_ ? n : 0;
}

namespace {
int gif_output(GifFileType* gif, const GifByteType* data, int n) { return gif_write(gif->UserData, data, n); }
}  // namespace

Result<std::unique_ptr<GifWriter>> GifWriter::open(int w, int h, const GifOptions& options, Sink sink) {
    if (w > 65535 || h > 65535)
        return Error{"a GIF is at most 65535 pixels on a side, this image is " + std::to_string(w) + "x" + std::to_string(h)};
    std::unique_ptr<GifWriter> out(new GifWriter);
    out->width_ = w, out->height_ = h, out->delay_cs_ = std::clamp(options.delay_cs, 0, 65535);
    out->sink_ = std::move(sink);
    int err = 0;
    GifFileType* gif = EGifOpen(out.get(), gif_output, &err);
    if (!gif) return Error{std::string("could not start the GIF: ") + GifErrorString(err)};
    out->gif_ = gif;
    const auto fail = [&](const char* what) {
        if (!out->sink_error_) return Error{out->sink_error_.error};
        return Error{std::string("could not encode the GIF (") + what + "): " + GifErrorString(gif->Error)};
    };
    EGifSetGifVersion(gif, true);
    if (EGifPutScreenDesc(gif, w, h, 8, 0, nullptr) == GIF_ERROR) return fail("screen");
    if (options.loop != 1) {
        // NETSCAPE2.0 application extension: the count is extra repetitions, 0 meaning forever.
        const int repeat = options.loop <= 0 ? 0 : std::min(options.loop - 1, 65535);
        const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        const GifByteType loop[] = {1, GifByteType(repeat & 0xff), GifByteType(repeat >> 8)};
        if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
            EGifPutExtensionBlock(gif, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(gif, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR)
            return fail("loop");
    }
    return out;
}

GifWriter::~GifWriter() {
    int err = 0;
    if (gif_) EGifCloseFile(static_cast<GifFileType*>(gif_), &err);
}

Status GifWriter::add(GifFrame& frame, int extra_cs) {
    auto* gif = static_cast<GifFileType*>(gif_);
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = DISPOSE_DO_NOT;
    gcb.DelayTime = std::clamp(delay_cs_ + extra_cs, 0, 65535);
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    EGifGCBToExtension(&gcb, ext);
    // GIF colour tables hold a power of two entries, at least 2.
    int bits = 1;
    while ((1 << bits) < int(frame.palette.size())) ++bits;
    ColorMapObject* map = GifMakeMapObject(1 << bits, nullptr);
    if (!map) return Error{"could not encode the GIF (palette): out of memory"};
    for (std::size_t c = 0; c < frame.palette.size(); ++c)
        map->Colors[c] = {frame.palette[c][0], frame.palette[c][1], frame.palette[c][2]};
    const bool ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) != GIF_ERROR &&
                    EGifPutImageDesc(gif, 0, 0, width_, height_, false, map) != GIF_ERROR &&
                    EGifPutLine(gif, frame.indices.data(), width_ * height_) != GIF_ERROR;
    GifFreeMapObject(map);
    frame.indices = {};
    if (!sink_error_) return sink_error_;
    if (!ok) return Error{std::string("could not encode the GIF (frame): ") + GifErrorString(gif->Error)};
    return {};
}

Status GifWriter::finish() {
    int err = 0;
    auto* gif = static_cast<GifFileType*>(gif_);
    gif_ = nullptr;
    const bool ok = EGifCloseFile(gif, &err) != GIF_ERROR;
    if (!sink_error_) return sink_error_;
    if (!ok) return Error{std::string("could not finish the GIF: ") + GifErrorString(err)};
    return {};
}

Result<std::vector<uint8_t>> encode_gif_frames(std::vector<GifFrame>& frames, int w, int h, const GifOptions& options) {
    if (frames.empty()) return Error{"a GIF needs at least one frame"};
    std::vector<uint8_t> bytes;
    auto writer = GifWriter::open(w, h, options, [&](const uint8_t* p, std::size_t n) {
        bytes.insert(bytes.end(), p, p + n);
        return Status{};
    });
    if (!writer) return Error{writer.error()};
    for (auto& frame : frames)
        if (auto st = (*writer)->add(frame); !st) return Error{st.error};
    if (auto st = (*writer)->finish(); !st) return Error{st.error};
    return bytes;
}

}  // namespace detail

Result<std::vector<uint8_t>> encode_gif(const std::vector<Rgb8>& frames, const GifOptions& options, unsigned threads) {
    if (frames.empty()) return Error{"a GIF needs at least one frame"};
    std::vector<detail::GifFrame> quantized(frames.size());
    // Frames differ in cost, so workers take the next frame rather than a fixed share.
    std::atomic<std::size_t> next{0};
    const unsigned workers = threads ? threads : hardware_threads();
    parallel_for(
        workers, [&](std::size_t, std::size_t) {
            for (std::size_t i; (i = next++) < frames.size();) quantized[i] = detail::quantize_gif_frame(frames[i]);
        },
        workers);
    return detail::encode_gif_frames(quantized, frames[0].width, frames[0].height, options);
}

}  // namespace ddpm
