// The chain's pictures and the pixel probe (see ddpm/probe.h): headless, for the CLI and the window.
#include "ddpm/probe.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ddpm/export.h"

namespace ddpm {

namespace {

constexpr uint8_t kBlack[3] = {0, 0, 0};

void fill(Rgb8& img, int x0, int y0, int x1, int y1, const uint8_t rgb[3]) {
    x0 = std::max(x0, 0), y0 = std::max(y0, 0);
    x1 = std::min(x1, img.width), y1 = std::min(y1, img.height);
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) std::memcpy(&img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3], rgb, 3);
}

// A colour mixed with white: alpha 1 is the colour itself.
void blend(Rgb8& img, int x, int y, const uint8_t rgb[3], float alpha) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
    for (int c = 0; c < 3; ++c) p[c] = uint8_t(std::lround(p[c] * (1 - alpha) + rgb[c] * alpha));
}

void line(Rgb8& img, double x0, double y0, double x1, double y1, const uint8_t rgb[3], float alpha, int width = 1) {
    const int steps = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
    for (int k = 0; k <= steps; ++k) {
        const double a = double(k) / steps;
        const int x = int(std::lround(x0 + a * (x1 - x0))), y = int(std::lround(y0 + a * (y1 - y0)));
        for (int dy = 0; dy < width; ++dy)
            for (int dx = 0; dx < width; ++dx) blend(img, x + dx, y + dy, rgb, alpha);
    }
}

void blit(Rgb8& dst, const Rgb8& src, int x, int y) {
    for (int r = 0; r < src.height && y + r < dst.height; ++r) {
        const int w = std::min(src.width, dst.width - x);
        if (w <= 0) return;
        std::memcpy(&dst.pixels[(std::size_t(y + r) * std::size_t(dst.width) + std::size_t(x)) * 3],
                    &src.pixels[std::size_t(r) * std::size_t(src.width) * 3], std::size_t(w) * 3);
    }
}

std::string shortest(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}
std::string shortest(float v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}
std::string fixed(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// A label scale that lets the longest line fit its width.
int scale_for(int width, const std::vector<std::string>& lines) {
    int longest = 1;
    for (const auto& l : lines) longest = std::max(longest, text_width(l, 1));
    return std::clamp(width / longest, 1, 3);
}

}  // namespace

std::string step_equation(const Schedule& s, int t) {
    const std::string tt = std::to_string(t), tp = std::to_string(t - 1);
    return "x_" + tt + " = " + fixed(std::sqrt(s.alpha[std::size_t(t)]), 5) + " * x_" + tp + " + " +
           fixed(std::sqrt(s.beta[std::size_t(t)]), 5) + " * eps_" + tt;
}

Rgb8 render_step(const ChainStep& step, const Schedule& s, int t) {
    assert(t >= 1 && t <= s.T());
    // The middle tile shows eps_t itself: sqrt(beta_t) eps_t is too faint to see (sd 0.01 at beta = 1e-4).
    Image eps = step.step_noise;
    const float inv = float(1.0 / std::sqrt(s.beta[std::size_t(t)]));
    for (float& v : eps.data) v *= inv;
    const Rgb8 tiles[3] = {to_rgb8(step.prev), to_rgb8(eps), to_rgb8(step.xt)};
    const std::string tt = std::to_string(t);
    const std::vector<std::string> captions = {"x_" + std::to_string(t - 1), "sqrt(beta_t) eps_t (drawn as eps_t)",
                                               "x_" + tt};
    const std::vector<std::string> head = {
        "q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I),  t = " + tt,
        step_equation(s, t),
        "beta_t = " + shortest(s.beta[std::size_t(t)]) + "   alpha_t = 1 - beta_t = " + shortest(s.alpha[std::size_t(t)]) +
            "   sqrt(1 - beta_t) = " + fixed(std::sqrt(s.alpha[std::size_t(t)]), 6)};
    const std::string misprint = "Not sqrt(1 - beta_t x_{t-1}): the mean is sqrt(1 - beta_t) times x_{t-1}.";
    const int w = tiles[0].width, h = tiles[0].height;
    const int scale = std::max(1, scale_for(3 * w, head) - 0);
    const int cap_scale = scale_for(w, captions);
    const int line_h = 12 * scale;
    // Room between the tiles for "* 0.999 +".
    const int gap = std::max(16 * scale, text_width("* " + fixed(std::sqrt(s.alpha[std::size_t(t)]), 3) + " +", scale) + 12 * scale);
    Rgb8 sheet;
    sheet.width = 3 * w + 4 * gap;
    const int head_h = int(head.size()) * line_h + gap;
    sheet.height = head_h + h + 12 * cap_scale + line_h + 3 * gap;
    sheet.pixels.assign(std::size_t(sheet.width) * std::size_t(sheet.height) * 3, 255);
    for (std::size_t i = 0; i < head.size(); ++i) draw_text(sheet, gap, gap + int(i) * line_h, head[i], scale, kBlack);
    const int y = gap + head_h;
    const char* ops[2] = {"+", "="};
    for (int k = 0; k < 3; ++k) {
        const int x = gap + k * (w + gap);
        blit(sheet, tiles[k], x, y);
        const int tw = text_width(captions[std::size_t(k)], cap_scale);
        draw_text(sheet, x + std::max(0, (w - tw) / 2), y + h + 4 * cap_scale, captions[std::size_t(k)], cap_scale, kBlack);
        if (k < 2) {
            const std::string label = k == 0 ? std::string("* ") + fixed(std::sqrt(s.alpha[std::size_t(t)]), 3) + " +" : "=";
            (void)ops;
            const int ow = text_width(label, scale);
            draw_text(sheet, x + w + gap / 2 - ow / 2, y + h / 2 - 4 * scale, label, scale, kBlack);
        }
    }
    static constexpr uint8_t kRed[3] = {190, 30, 30};
    draw_text(sheet, gap, y + h + 12 * cap_scale + gap, misprint, std::max(1, scale_for(3 * w, {misprint})), kRed);
    return sheet;
}

Rgb8 render_chain_strip(const std::vector<Rgb8>& tiles, const std::vector<int>& ts) {
    assert(!tiles.empty() && tiles.size() == ts.size());
    const int n = int(tiles.size()), w = tiles[0].width, h = tiles[0].height;
    std::vector<std::string> arrows;
    for (int i = 0; i + 1 < n; ++i)
        arrows.push_back("q(x_" + std::to_string(ts[std::size_t(i + 1)]) + " | x_" + std::to_string(ts[std::size_t(i)]) + ")");
    std::vector<std::string> widest = arrows;
    widest.push_back("x_" + std::to_string(ts.back()));
    const int scale = std::clamp(w / 60, 1, 3);
    int arrow_w = 0;
    for (const auto& a : arrows) arrow_w = std::max(arrow_w, text_width(a, scale));
    arrow_w += 16 * scale;
    const int gap = 12 * scale, line_h = 12 * scale;
    std::string title = "q(x_1:T | x_0) = prod_t q(x_t | x_{t-1}),  q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)";
    Rgb8 sheet;
    sheet.width = std::max(n * w + (n - 1) * arrow_w + 2 * gap, text_width(title, scale) + 2 * gap);
    sheet.height = 2 * line_h + h + line_h + 3 * gap;
    sheet.pixels.assign(std::size_t(sheet.width) * std::size_t(sheet.height) * 3, 255);
    draw_text(sheet, gap, gap, title, scale, kBlack);
    const int y = gap + 2 * line_h;
    for (int i = 0; i < n; ++i) {
        const int x = gap + i * (w + arrow_w);
        blit(sheet, tiles[std::size_t(i)], x, y);
        const std::string cap = ts[std::size_t(i)] == 0 ? "x_0 = x0" : "x_" + std::to_string(ts[std::size_t(i)]);
        draw_text(sheet, x + std::max(0, (w - text_width(cap, scale)) / 2), y + h + 4 * scale, cap, scale, kBlack);
        if (i + 1 < n) {
            const int ax0 = x + w + 4 * scale, ax1 = x + w + arrow_w - 4 * scale, ay = y + h / 2;
            line(sheet, ax0, ay, ax1, ay, kBlack, 1, scale);
            for (int k = 0; k < 5 * scale; ++k) {
                line(sheet, ax1 - k, ay - k, ax1 - k, ay - k, kBlack, 1, scale);
                line(sheet, ax1 - k, ay + k, ax1 - k, ay + k, kBlack, 1, scale);
            }
            const std::string& a = arrows[std::size_t(i)];
            draw_text(sheet, x + w + (arrow_w - text_width(a, scale)) / 2, ay - 14 * scale, a, scale, kBlack);
        }
    }
    return sheet;
}

Result<std::vector<ProbeRow>> probe_pixel(const Image& x0, const Schedule& s, int x, int y, const std::vector<int>& ts,
                                          uint32_t seed) {
    if (x < 0 || y < 0 || x >= x0.width || y >= x0.height)
        return Error{"pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the " +
                     std::to_string(x0.width) + "x" + std::to_string(x0.height) +
                     " image; X runs 0.." + std::to_string(x0.width - 1) + " and Y 0.." + std::to_string(x0.height - 1) +
                     " from the top left"};
    for (int t : ts)
        if (t < 0 || t > s.T()) return Error{"t = " + std::to_string(t) + " is outside 0.." + std::to_string(s.T())};
    const ChainSchedule c = make_chain_schedule(s);
    const auto chain = chain_pixel_path(x0, c, x, y, ts, seed);
    const auto closed = closed_pixel_path(x0, s, x, y, ts, seed);
    const std::size_t pixel = std::size_t(y) * std::size_t(x0.width) + std::size_t(x);
    std::vector<ProbeRow> rows(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
        ProbeRow& r = rows[i];
        r.t = ts[i];
        for (int ch = 0; ch < 3; ++ch) {
            r.x0[std::size_t(ch)] = x0.data[pixel * 3 + std::size_t(ch)];
            r.mean[std::size_t(ch)] = float(s.sqrt_alpha_bar[std::size_t(r.t)]) * r.x0[std::size_t(ch)];
        }
        r.closed = closed[i];
        r.chain = chain[i];
        r.sd = s.sqrt_one_minus_alpha_bar[std::size_t(r.t)];
    }
    return rows;
}

std::string probe_csv(const std::vector<ProbeRow>& rows) {
    std::string out;
    for (std::size_t k = 0; k < kProbeColumns.size(); ++k) out += (k ? "," : "") + std::string(kProbeColumns[k]);
    out += "\n";
    for (const ProbeRow& r : rows) {
        out += std::to_string(r.t);
        for (const auto* v : {&r.x0, &r.closed, &r.chain, &r.mean})
            for (float f : *v) out += "," + shortest(f);
        out += "," + shortest(r.sd) + "\n";
    }
    return out;
}

Rgb8 render_probe_plot(const Image& x0, const Schedule& s, int x, int y, const std::vector<int>& ts_in, uint32_t seed,
                       const std::vector<uint32_t>& other_seeds, int width, int height) {
    std::vector<int> ts = ts_in;
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    Rgb8 img{width, height, std::vector<uint8_t>(std::size_t(width) * std::size_t(height) * 3, 255)};
    const auto rows = probe_pixel(x0, s, x, y, ts, seed);
    if (!rows || ts.empty()) return img;
    const ChainSchedule c = make_chain_schedule(s);
    std::vector<std::vector<std::array<float, 3>>> others;
    for (uint32_t o : other_seeds) others.push_back(chain_pixel_path(x0, c, x, y, ts, o));
    const int scale = width >= 800 ? 2 : 1;
    const int left = 60 * scale, right = 16 * scale, top = 26 * scale, bottom = 28 * scale, panel_gap = 14 * scale;
    const int ph = (height - top - bottom - 2 * panel_gap) / 3, pw = width - left - right;
    const int t0 = ts.front(), t1 = ts.back();
    static constexpr uint8_t kAxis[3] = {60, 60, 60}, kBand[3] = {200, 210, 235}, kMean[3] = {40, 40, 40};
    static constexpr uint8_t kChain[3] = {214, 39, 40}, kClosed[3] = {31, 119, 180}, kOther[3] = {230, 120, 120};
    const char* names[3] = {"R", "G", "B"};
    const std::string title = "pixel (" + std::to_string(x) + ", " + std::to_string(y) + "), seed " + std::to_string(seed) +
                              ":  red chain path, blue closed form, black mean sqrt(alpha_bar_t) x0, band +-2 sqrt(1 - alpha_bar_t)";
    draw_text(img, left, 6 * scale, title, std::max(1, std::min(scale, (width - left) / std::max(1, text_width(title, 1)))), kAxis);
    const auto px = [&](int t) { return left + (t1 > t0 ? double(t - t0) / (t1 - t0) : 0.5) * pw; };
    for (int ch = 0; ch < 3; ++ch) {
        const int ptop = top + ch * (ph + panel_gap);
        const double lo = -3.5, hi = 3.5;
        const auto py = [&](double v) { return ptop + (1 - (std::clamp(v, lo, hi) - lo) / (hi - lo)) * ph; };
        // The +-2 sd band, column by column.
        for (int X = 0; X < pw; ++X) {
            const double tf = t0 + (t1 - t0) * double(X) / std::max(1, pw - 1);
            const std::size_t i = std::size_t(std::lower_bound(ts.begin(), ts.end(), int(std::lround(tf))) - ts.begin());
            const ProbeRow& r = (*rows)[std::min(i, rows->size() - 1)];
            const double m = r.mean[std::size_t(ch)];
            const int ya = int(std::lround(py(m + 2 * r.sd))), yb = int(std::lround(py(m - 2 * r.sd)));
            fill(img, left + X, ya, left + X + 1, yb + 1, kBand);
        }
        for (double v : {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0}) {
            const std::string l = shortest(v);
            draw_text(img, left - 6 * scale - text_width(l, scale), int(py(v)) - 4 * scale, l, scale, kAxis);
            fill(img, left - 3 * scale, int(py(v)), left, int(py(v)) + 1, kAxis);
        }
        draw_text(img, 4 * scale, ptop + ph / 2 - 4 * scale, names[ch], scale, kAxis);
        fill(img, left, ptop, left + 1, ptop + ph, kAxis);
        fill(img, left, ptop + ph, left + pw, ptop + ph + 1, kAxis);
        for (const auto& o : others)
            for (std::size_t i = 0; i + 1 < ts.size(); ++i)
                line(img, px(ts[i]), py(o[i][std::size_t(ch)]), px(ts[i + 1]), py(o[i + 1][std::size_t(ch)]), kOther, 0.35f);
        for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
            const ProbeRow &a = (*rows)[i], &b = (*rows)[i + 1];
            line(img, px(a.t), py(a.mean[std::size_t(ch)]), px(b.t), py(b.mean[std::size_t(ch)]), kMean, 1);
            line(img, px(a.t), py(a.closed[std::size_t(ch)]), px(b.t), py(b.closed[std::size_t(ch)]), kClosed, 1, scale);
            line(img, px(a.t), py(a.chain[std::size_t(ch)]), px(b.t), py(b.chain[std::size_t(ch)]), kChain, 1, scale);
        }
        if (ts.size() == 1) {
            fill(img, int(px(ts[0])) - 2, int(py((*rows)[0].chain[std::size_t(ch)])) - 2, int(px(ts[0])) + 3,
                 int(py((*rows)[0].chain[std::size_t(ch)])) + 3, kChain);
        }
    }
    const int ybase = top + 2 * (ph + panel_gap) + ph;
    for (int k = 0; k <= 4; ++k) {
        const int t = t0 + int(std::lround((t1 - t0) * k / 4.0));
        const std::string l = std::to_string(t);
        draw_text(img, int(px(t)) - text_width(l, scale) / 2, ybase + 6 * scale, l, scale, kAxis);
    }
    draw_text(img, left + pw - text_width("t", scale), ybase + 16 * scale, "t", scale, kAxis);
    return img;
}

}  // namespace ddpm
