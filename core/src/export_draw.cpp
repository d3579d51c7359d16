// CPU drawing for exports: text (TrueType faces from text.h, else stb_easy_font's glyph rectangles),
// filmstrips and schedule plots.
// No display or GPU: exports run headless.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ddpm/export.h"
#include "ddpm/text.h"
#include "export_internal.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

namespace ddpm {

namespace {

constexpr uint8_t kBlack[3] = {0, 0, 0};
constexpr int kGlyphLine = 12;   // stb_easy_font's line height in glyph pixels

void fill_rect(Rgb8& img, int x0, int y0, int x1, int y1, const uint8_t rgb[3]) {
    x0 = std::max(x0, 0), y0 = std::max(y0, 0);
    x1 = std::min(x1, img.width), y1 = std::min(y1, img.height);
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) std::memcpy(&img.pixels[(std::size_t(y) * img.width + x) * 3], rgb, 3);
}

// Blits a tile (same size or clipped) at (x, y).
void blit(Rgb8& dst, const Rgb8& src, int x, int y) {
    for (int r = 0; r < src.height && y + r < dst.height; ++r) {
        const int w = std::min(src.width, dst.width - x);
        if (w <= 0) return;
        std::memcpy(&dst.pixels[(std::size_t(y + r) * dst.width + x) * 3],
                    &src.pixels[std::size_t(r) * src.width * 3], std::size_t(w) * 3);
    }
}

// The legend's words for a schedule column: the name, glossed in the program's language.
std::string legend_name(const std::string& column) {
    static constexpr const char* kGlossed[] = {label_tr_noop("beta"), label_tr_noop("alpha_bar"), label_tr_noop("sqrt_alpha_bar"),
                                               label_tr_noop("sqrt_one_minus_alpha_bar"), label_tr_noop("log_snr"),
                                               label_tr_noop("snr")};
    for (const char* g : kGlossed)
        if (column == g) return label_tr(g);
    return column;
}

std::string format_number(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

}  // namespace

int text_width(const std::string& text, int scale) {
    if (const int w = detail::face_text_width(text, scale); w >= 0) return w;
    std::string t = text;
    return stb_easy_font_width(t.data()) * scale;
}

int text_height(int scale) {
    if (const int h = detail::face_text_height(scale); h >= 0) return h;
    return 10 * scale;   // cap height 7 plus descenders
}

void draw_text(Rgb8& image, int x, int y, const std::string& text, int scale, const uint8_t rgb[3]) {
    if (detail::draw_face_text(image, x, y, text, scale, rgb)) return;
    std::string t;
    for (char c : text) t += (c >= 32 && c < 127) ? c : '?';
    // stb_easy_font truncates silently: room for 32 quads of 64 bytes per character, twice its average.
    std::vector<float> quads(t.size() * 32 * 16 + 16);
    const int n = stb_easy_font_print(0, 0, t.data(), nullptr, quads.data(), int(quads.size() * 4));
    // Each quad is 4 vertices of (x, y, z, rgba) = 4 floats; vertices 0 and 2 are opposite corners.
    for (int q = 0; q < n; ++q) {
        const float* v = &quads[std::size_t(q) * 16];
        const int qx0 = int(std::lround(v[0])), qy0 = int(std::lround(v[1]));
        const int qx1 = int(std::lround(v[8])), qy1 = int(std::lround(v[9]));
        fill_rect(image, x + qx0 * scale, y + qy0 * scale, x + qx1 * scale, y + qy1 * scale, rgb);
    }
}

namespace {

// Text about a twentieth of the tile's width, as large as fits, at least one glyph pixel.
int label_scale(int tile_width, const std::vector<std::vector<std::string>>& labels) {
    int widest = 0;
    for (const auto& lines : labels)
        for (const auto& l : lines) widest = std::max(widest, text_width(l, 1));
    int scale = std::clamp(tile_width / 128, 1, 4);
    while (scale > 1 && widest * scale > tile_width) --scale;
    return scale;
}

// Tiles in rows of `cols` on white, `gap` pixels apart and around, each with its lines of text below.
Rgb8 render_sheet(const std::vector<Rgb8>& tiles, const std::vector<std::vector<std::string>>& labels, int cols,
                  int gap, int scale) {
    const int n = int(tiles.size()), w = tiles[0].width, h = tiles[0].height, rows = (n + cols - 1) / cols;
    const int lines = labels.empty() ? 0 : int(labels[0].size());
    const int pad = 3 * scale;
    const int label_h = lines ? pad + lines * kGlyphLine * scale : 0;
    Rgb8 sheet;
    sheet.width = cols * w + (cols + 1) * gap;
    sheet.height = rows * (h + label_h) + (rows + 1) * gap;
    sheet.pixels.assign(std::size_t(sheet.width) * sheet.height * 3, 255);
    for (int i = 0; i < n; ++i) {
        assert(tiles[i].width == w && tiles[i].height == h);
        const int x = gap + (i % cols) * (w + gap), y = gap + (i / cols) * (h + label_h + gap);
        blit(sheet, tiles[i], x, y);
        for (int l = 0; l < lines; ++l) {
            const int tw = text_width(labels[i][l], scale);
            draw_text(sheet, x + std::max(0, (w - tw) / 2), y + h + pad + l * kGlyphLine * scale, labels[i][l], scale,
                      kBlack);
        }
    }
    return sheet;
}

}  // namespace

Rgb8 render_filmstrip(const std::vector<Rgb8>& tiles, const std::vector<int>& ts, const Schedule& s,
                      const FilmstripOptions& o) {
    assert(!tiles.empty() && tiles.size() == ts.size());
    const int n = int(tiles.size());
    std::vector<std::vector<std::string>> labels;
    if (o.labels)
        for (int t : ts) {
            labels.push_back({fill_label(label_tr("t = %s"), std::to_string(t))});
            if (o.extra == FilmstripLabel::AlphaBar)
                labels.back().push_back(fill_label(label_tr("alpha_bar = %s"), format_number(s.alpha_bar[t])));
            else if (o.extra == FilmstripLabel::Snr)
                labels.back().push_back(fill_label(label_tr("SNR = %s"), format_number(s.snr[t])));
        }
    return render_sheet(tiles, labels, o.columns > 0 ? std::min(o.columns, n) : n, std::max(0, o.gap),
                        label_scale(tiles[0].width, labels));
}

Rgb8 render_equation(const Rgb8& x0, const Rgb8& eps, const Rgb8& xt, const Schedule& s, int t) {
    // The window's equation view: the symbols with this t's numbers, t on the top line, + and = between.
    char weights[2][64];
    std::snprintf(weights[0], sizeof weights[0], "sqrt(alpha_bar_t) = %.3f", s.sqrt_alpha_bar[t]);
    std::snprintf(weights[1], sizeof weights[1], "sqrt(1 - alpha_bar_t) = %.3f", s.sqrt_one_minus_alpha_bar[t]);
    const std::vector<std::vector<std::string>> labels = {
        {"x0", weights[0]}, {"eps", weights[1]}, {"x_t", "t = " + std::to_string(t)}};
    // The gaps follow the tile's size (room for a large + and =); the captions shrink to fit under their tile.
    const int scale = label_scale(x0.width, labels), gap = 16 * std::clamp(x0.width / 128, 1, 4);
    Rgb8 sheet = render_sheet({x0, eps, xt}, labels, 3, gap, scale);
    // The top line sits in the top gap, as large as fits there and across the sheet.
    const std::string top = "t = " + std::to_string(t) + ":  x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps";
    int top_scale = std::clamp(x0.width / 128, 1, 4);
    while (top_scale > 1 && (text_width(top, top_scale) > sheet.width - 2 * gap || text_height(top_scale) > gap - 2)) --top_scale;
    draw_text(sheet, gap, std::max(0, (gap - text_height(top_scale)) / 2 + top_scale), top, top_scale, kBlack);
    // + and = as strokes about two thirds of the gap wide, not glyphs a few pixels high.
    const int half = std::max(3, gap / 3), thick = std::max(1, gap / 10), cy = gap + x0.height / 2;
    for (int k = 0; k < 2; ++k) {
        const int cx = gap + (k + 1) * (x0.width + gap) - gap / 2;
        if (k == 0) {
            fill_rect(sheet, cx - half, cy - thick, cx + half + 1, cy + thick + 1, kBlack);
            fill_rect(sheet, cx - thick, cy - half, cx + thick + 1, cy + half + 1, kBlack);
        } else {
            for (const int dy : {-half / 2, half / 2})
                fill_rect(sheet, cx - half, cy + dy - thick, cx + half + 1, cy + dy + thick + 1, kBlack);
        }
    }
    return sheet;
}

namespace {

void plot_dot(Rgb8& img, int x, int y, int r, const uint8_t rgb[3]) { fill_rect(img, x - r, y - r, x + r + 1, y + r + 1, rgb); }

void draw_line(Rgb8& img, double x0, double y0, double x1, double y1, int r, const uint8_t rgb[3]) {
    const int steps = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
    for (int k = 0; k <= steps; ++k) {
        const double a = double(k) / steps;
        plot_dot(img, int(std::lround(x0 + a * (x1 - x0))), int(std::lround(y0 + a * (y1 - y0))), r, rgb);
    }
}

// 1, 2 or 5 times a power of ten, so that about `count` ticks span `range`.
double nice_step(double range, int count) {
    const double raw = range / count, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

}  // namespace

Rgb8 render_plot(const Schedule& main_schedule, const PlotOptions& o) {
    // The window's hues per curve (orange beta, blue alpha_bar, ...), darker for a white page.
    struct NamedColor { const char* name; uint8_t rgb[3]; };
    static constexpr NamedColor kNamed[] = {{"beta", {255, 127, 14}},          {"alpha_bar", {31, 119, 180}},
                                            {"sqrt_alpha_bar", {44, 160, 44}}, {"sqrt_one_minus_alpha_bar", {214, 39, 40}},
                                            {"log_snr", {148, 103, 189}}};
    static constexpr uint8_t kOthers[][3] = {{140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    static constexpr uint8_t kSchedules[][3] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}, {255, 127, 14}};
    static constexpr uint8_t kAxis[3] = {60, 60, 60}, kGrid[3] = {225, 225, 225}, kMarker[3] = {120, 120, 120};
    // Every schedule drawn: the main one solid, each pin with its own dash.
    std::vector<Schedule> pinned;
    for (const auto& p : o.pins)
        if (auto ps = make_schedule(p)) pinned.push_back(std::move(*ps));
    std::vector<const Schedule*> all{&main_schedule};
    for (const auto& p : pinned) all.push_back(&p);
    bool same_T = true;
    for (const auto* sc : all) same_T = same_T && sc->T() == main_schedule.T();
    // One curve: a colour per schedule. Several: a colour per curve and a dash per schedule.
    std::vector<int> columns;
    for (const auto& name : o.curves)
        if (auto c = schedule_column(name)) columns.push_back(*c);
    const bool colour_per_schedule = columns.size() == 1 && all.size() > 1;

    Rgb8 img;
    img.width = std::max(o.width, 200);
    img.height = std::max(o.height, 150);
    img.pixels.assign(std::size_t(img.width) * img.height * 3, 255);
    const int scale = img.width >= 800 ? 2 : 1;
    std::string title = o.title;
    if (title.empty()) {
        title = schedule_label(main_schedule.params);
        for (const auto& p : o.pins) title += " vs " + schedule_label(p);
    }
    const int title_h = kGlyphLine * scale + 6 * scale;
    const int left = 12 * 6 * scale, right = 16 * scale, top = 16 * scale + title_h, bottom = 30 * scale;
    const int pw = img.width - left - right, ph = img.height - top - bottom;
    const int title_scale = text_width(title, scale) <= img.width - left ? scale : 1;
    draw_text(img, title_scale == scale ? left : 4, 8 * scale, title, title_scale, kBlack);

    // y range over the finite values of every curve (positive ones on a log axis), including 0 on a linear one.
    const bool log_y = o.log_y;
    double lo = log_y ? INFINITY : 0, hi = log_y ? -INFINITY : 0;
    for (const auto* sc : all)
        for (int c : columns)
            for (int t = 1; t <= sc->T(); ++t) {
                const double v = schedule_value(*sc, c, t);
                if (!std::isfinite(v) || (log_y && v <= 0)) continue;
                const double y = log_y ? std::log10(v) : v;
                lo = std::min(lo, y), hi = std::max(hi, y);
            }
    if (!(hi >= lo)) lo = 0, hi = 1;
    if (log_y) lo = std::max(lo, hi - 30);   // at most 30 decades: subnormal tails would flatten the rest
    if (hi - lo < 1e-12) hi = lo + 1;
    const double ys = log_y ? std::max(1.0, std::ceil((hi - lo) / 6)) : nice_step(hi - lo, 5);
    lo = std::floor(lo / ys + 1e-9) * ys, hi = std::ceil(hi / ys - 1e-9) * ys;   // whole ticks at both ends
    const PlotXAxis x_axis = o.x_axis == PlotXAxis::T && !same_T ? PlotXAxis::Fraction : o.x_axis;
    const double x_max = x_axis == PlotXAxis::T ? main_schedule.T() : 1.0;
    // log_snr: the finite range of every schedule drawn, high (clean) on the left.
    double snr_lo = INFINITY, snr_hi = -INFINITY;
    if (x_axis == PlotXAxis::LogSnr) {
        for (const auto* sc : all)
            for (int t = 1; t <= sc->T(); ++t)
                if (const double v = sc->log_snr[std::size_t(t)]; std::isfinite(v)) snr_lo = std::min(snr_lo, v), snr_hi = std::max(snr_hi, v);
        if (!(snr_hi >= snr_lo)) snr_lo = -1, snr_hi = 1;
        if (snr_hi - snr_lo < 1e-9) snr_lo -= 1, snr_hi += 1;
    }
    const auto px = [&](double x) {
        if (x_axis == PlotXAxis::LogSnr) return left + (snr_hi - x) / (snr_hi - snr_lo) * pw;
        return left + (x_max > 1 ? (x - 1) / (x_max - 1) : x) * pw;
    };
    // NaN where the point has no place on the axis (log_snr of +-inf): the curve breaks there.
    const auto xpos = [&](const Schedule& sc, int t) {
        const double x = plot_x(sc, x_axis, t);
        return std::isfinite(x) ? px(x) : NAN;
    };
    const auto py = [&](double v) { return top + (1 - (v - lo) / (hi - lo)) * ph; };

    for (double v = std::ceil(lo / ys) * ys; v <= hi + 1e-9 * ys; v += ys) {
        const int y = int(std::lround(py(v)));
        fill_rect(img, left, y, left + pw, y + 1, kGrid);
        const std::string label = log_y ? "1e" + std::to_string(int(std::lround(v)))
                                        : format_number(std::abs(v) < 1e-12 * ys ? 0.0 : v);
        draw_text(img, left - 6 * scale - text_width(label, scale), y - 4 * scale, label, scale, kAxis);
    }
    if (x_axis == PlotXAxis::LogSnr) {
        const double xs = nice_step(snr_hi - snr_lo, 8);
        for (double v = std::ceil(snr_lo / xs - 1e-9) * xs; v <= snr_hi + 1e-9 * xs; v += xs) {
            const int x = int(std::lround(px(v)));
            fill_rect(img, x, top, x + 1, top + ph, kGrid);
            const std::string label = format_number(std::abs(v) < 1e-9 * xs ? 0.0 : v);
            draw_text(img, x - text_width(label, scale) / 2, top + ph + 6 * scale, label, scale, kAxis);
        }
    } else if (x_axis == PlotXAxis::T) {
        const int T = main_schedule.T();
        const double xs = std::max(1.0, nice_step(std::max(1, T - 1), 5));   // whole timesteps only
        for (double t = xs; t <= T; t += xs) {
            const int x = int(std::lround(px(t)));
            fill_rect(img, x, top, x + 1, top + ph, kGrid);
            const std::string label = std::to_string(int(t));
            draw_text(img, x - text_width(label, scale) / 2, top + ph + 6 * scale, label, scale, kAxis);
        }
    } else {
        for (int k = 1; k <= 5; ++k) {
            const int x = int(std::lround(left + k / 5.0 * pw));
            fill_rect(img, x, top, x + 1, top + ph, kGrid);
            const std::string label = format_number(k / 5.0);
            draw_text(img, x - text_width(label, scale) / 2, top + ph + 6 * scale, label, scale, kAxis);
        }
    }
    fill_rect(img, left, top, left + 1, top + ph + 1, kAxis);
    fill_rect(img, left, top + ph, left + pw + 1, top + ph + 1, kAxis);
    const char* x_name = x_axis == PlotXAxis::LogSnr     ? label_tr("log_snr (noise grows to the right)")
                         : x_axis == PlotXAxis::Fraction ? label_tr("t/T")
                                                         : label_tr("t");
    draw_text(img, left + pw - text_width(x_name, scale), top + ph + 18 * scale, x_name, scale, kAxis);
    if (o.marker_t >= 1 && o.marker_t <= main_schedule.T() && std::isfinite(xpos(main_schedule, o.marker_t))) {
        const int x = int(std::lround(xpos(main_schedule, o.marker_t)));
        fill_rect(img, x, top, x + scale, top + ph, kMarker);
    }

    // Dash patterns in pixels (on, off), solid for the main schedule.
    static constexpr int kDash[][2] = {{1, 0}, {10, 6}, {3, 4}, {14, 4}, {6, 3}};
    int legend_y = top + 6 * scale;
    const auto legend = [&](const std::string& text, const uint8_t* color, int dash) {
        const int lx = left + pw - text_width(text, scale) - 40 * scale;
        const int on = kDash[dash % 5][0] * scale, off = kDash[dash % 5][1] * scale;
        for (int x = 0; x < 30 * scale; ++x)
            if (off == 0 || x % (on + off) < on) fill_rect(img, lx + x, legend_y + 3 * scale, lx + x + 1, legend_y + 5 * scale, color);
        draw_text(img, lx + 34 * scale, legend_y, text, scale, kAxis);
        legend_y += kGlyphLine * scale;
    };
    struct Legend { std::string text; const uint8_t* color; int dash; };
    std::vector<Legend> legends;
    for (std::size_t si = 0; si < all.size(); ++si) {
        const Schedule& sc = *all[si];
        const int dash = colour_per_schedule ? 0 : int(si);
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const int c = columns[k];
            const uint8_t* color = kOthers[k % 5];
            for (const auto& n : kNamed)
                if (std::string(kScheduleColumns[std::size_t(c)]) == n.name) color = n.rgb;
            if (colour_per_schedule) color = kSchedules[si % 5];
            const int on = kDash[dash % 5][0] * scale, off = kDash[dash % 5][1] * scale;
            double prev_x = 0, prev_y = 0, run = 0;
            bool have_prev = false;
            for (int t = 1; t <= sc.T(); ++t) {
                double v = schedule_value(sc, c, t);
                const double x = xpos(sc, t);
                if (!std::isfinite(v) || (log_y && v <= 0) || !std::isfinite(x)) { have_prev = false; continue; }
                if (log_y) v = std::max(std::log10(v), lo);
                const double y = py(v);
                if (have_prev) {
                    const double len = std::hypot(x - prev_x, y - prev_y);
                    // Dashes follow the curve's length; short segments are kept or skipped whole.
                    if (off == 0 || std::fmod(run, double(on + off)) < on) draw_line(img, prev_x, prev_y, x, y, scale / 2, color);
                    run += len;
                } else {
                    plot_dot(img, int(std::lround(x)), int(std::lround(y)), scale / 2, color);
                }
                prev_x = x, prev_y = y, have_prev = true;
            }
            // The gloss only where it fits: beside a schedule's label the name alone.
            std::string name = all.size() > 1 ? kScheduleColumns[std::size_t(c)] : legend_name(kScheduleColumns[std::size_t(c)]);
            if (all.size() > 1) name = colour_per_schedule ? schedule_label(sc.params) : name + " (" + schedule_label(sc.params) + ")";
            legends.push_back({name, color, dash});
        }
    }
    // The legend stays readable over the curves: white under every row first, then the rows (a
    // row's white would cut the one above's descenders).
    static constexpr uint8_t kWhite[3] = {255, 255, 255};
    for (std::size_t k = 0; k < legends.size(); ++k) {
        const int y = legend_y + int(k) * kGlyphLine * scale;
        fill_rect(img, left + pw - text_width(legends[k].text, scale) - 43 * scale, y - 2 * scale, left + pw - 2 * scale,
                  y + kGlyphLine * scale - 1 * scale, kWhite);
    }
    for (const auto& l : legends) legend(l.text, l.color, l.dash);
    return img;
}

}  // namespace ddpm
