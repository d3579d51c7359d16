// Exported text: stb_truetype faces and the process-wide ExportText (text.h).
#include "ddpm/text.h"

#include <mutex>

#include <algorithm>
#include <cmath>

#include "ddpm/image.h"
#include "export_internal.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_truetype.h>   // the implementation is in Debian's libstb
#pragma GCC diagnostic pop

namespace ddpm {

struct TextFace {
    std::vector<uint8_t> bytes;   // stbtt_fontinfo points into these
    stbtt_fontinfo info{};
};

Result<std::shared_ptr<const TextFace>> load_text_face(const std::string& path, int index) {
    auto bytes = read_file(path);
    if (!bytes) return Error{bytes.error()};
    auto face = std::make_shared<TextFace>();
    face->bytes = std::move(*bytes);
    const int offset = stbtt_GetFontOffsetForIndex(face->bytes.data(), index);
    if (offset < 0 || !stbtt_InitFont(&face->info, face->bytes.data(), offset))
        return Error{path + ": not a TrueType or OpenType font (or it has no face " + std::to_string(index) + ")"};
    return std::shared_ptr<const TextFace>(std::move(face));
}

bool face_has_glyph(const TextFace& face, uint32_t codepoint) {
    return stbtt_FindGlyphIndex(&face.info, int(codepoint)) != 0;
}

namespace {
std::mutex text_mutex;
ExportText current_text;   // guarded by text_mutex
}  // namespace

void set_export_text(ExportText text) {
    std::lock_guard lock(text_mutex);
    current_text = std::move(text);
}

ExportText export_text() {
    std::lock_guard lock(text_mutex);
    return current_text;
}

namespace detail {
std::vector<uint32_t> codepoints(const std::string& text);
}

const char* label_tr(const char* msgid) {
    const ExportText text = export_text();
    if (text.faces.empty() || !text.translate) return msgid;
    const char* translated = text.translate(msgid);
    // A character no face has (Chinese without a CJK font) would print as '?': English instead.
    for (uint32_t cp : detail::codepoints(translated)) {
        bool found = cp < 0x80;
        for (const auto& f : text.faces) found = found || face_has_glyph(*f, cp);
        if (!found) return msgid;
    }
    return translated;
}

std::string fill_label(const char* format, const std::string& value) {
    std::string out = format;
    if (const auto at = out.find("%s"); at != std::string::npos) out.replace(at, 2, value);
    return out;
}

namespace detail {

std::vector<uint32_t> codepoints(const std::string& text) {
    std::vector<uint32_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + std::size_t(n) > text.size()) {   // a stray byte: shown as '?'
            out.push_back('?');
            ++i;
            continue;
        }
        uint32_t cp = n == 1 ? b : b & (0x7f >> n);
        for (int k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + std::size_t(k)]) & 0x3f);
        out.push_back(cp);
        i += std::size_t(n);
    }
    return out;
}

namespace {

struct Glyph {
    const stbtt_fontinfo* info;
    int index;
    float scale;
};

// Lays the text out on one line of height 12 * scale pixels (the bitmap font's line); calls
// `each(glyph, pen_x)` per glyph and returns the width.
template <class Each>
float layout(const ExportText& text, const std::string& s, int scale, Each&& each) {
    const float px = 12.0f * float(scale);
    float pen = 0;
    const stbtt_fontinfo* prev_info = nullptr;
    int prev = 0;
    for (uint32_t cp : codepoints(s)) {
        Glyph g{&text.faces[0]->info, 0, 0};
        for (const auto& f : text.faces)
            if (const int k = stbtt_FindGlyphIndex(&f->info, int(cp)); k != 0) {
                g = {&f->info, k, 0};
                break;
            }
        if (g.index == 0) g.index = stbtt_FindGlyphIndex(g.info, '?');
        g.scale = stbtt_ScaleForPixelHeight(g.info, px);
        if (prev_info == g.info) pen += g.scale * float(stbtt_GetGlyphKernAdvance(g.info, prev, g.index));
        each(g, pen);
        int advance = 0, bearing = 0;
        stbtt_GetGlyphHMetrics(g.info, g.index, &advance, &bearing);
        pen += g.scale * float(advance);
        prev_info = g.info, prev = g.index;
    }
    return pen;
}

}  // namespace

int face_text_width(const std::string& s, int scale) {
    const ExportText text = export_text();
    if (text.faces.empty()) return -1;
    return int(std::ceil(layout(text, s, scale, [](const Glyph&, float) {})));
}

bool draw_face_text(Rgb8& image, int x, int y, const std::string& s, int scale, const uint8_t rgb[3]) {
    const ExportText text = export_text();
    if (text.faces.empty()) return false;
    // One baseline for every face: the first face's ascent below the line's top.
    const stbtt_fontinfo& first = text.faces[0]->info;
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(&first, &ascent, &descent, &gap);
    const float baseline = float(y) + float(ascent) * stbtt_ScaleForPixelHeight(&first, 12.0f * float(scale));
    std::vector<uint8_t> coverage;
    layout(text, s, scale, [&](const Glyph& g, float pen) {
        const float fx = float(x) + pen, shift_x = fx - std::floor(fx), shift_y = baseline - std::floor(baseline);
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        stbtt_GetGlyphBitmapBoxSubpixel(g.info, g.index, g.scale, g.scale, shift_x, shift_y, &x0, &y0, &x1, &y1);
        const int w = x1 - x0, h = y1 - y0;
        if (w <= 0 || h <= 0) return;
        coverage.assign(std::size_t(w) * std::size_t(h), 0);
        stbtt_MakeGlyphBitmapSubpixel(g.info, coverage.data(), w, h, w, g.scale, g.scale, shift_x, shift_y, g.index);
        const int ox = int(std::floor(fx)) + x0, oy = int(std::floor(baseline)) + y0;
        for (int r = 0; r < h; ++r) {
            const int py = oy + r;
            if (py < 0 || py >= image.height) continue;
            for (int c = 0; c < w; ++c) {
                const int pxl = ox + c;
                const int a = coverage[std::size_t(r) * std::size_t(w) + std::size_t(c)];
                if (pxl < 0 || pxl >= image.width || a == 0) continue;
                uint8_t* d = &image.pixels[(std::size_t(py) * std::size_t(image.width) + std::size_t(pxl)) * 3];
                for (int k = 0; k < 3; ++k) d[k] = uint8_t((d[k] * (255 - a) + rgb[k] * a + 127) / 255);
            }
        }
    });
    return true;
}

int face_text_height(int scale) { return export_text().faces.empty() ? -1 : 12 * scale; }

}  // namespace detail

}  // namespace ddpm
