#include "plot.h"

#include "i18n.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <limits>

namespace plot {

double nice_step(double span, int target) {
    if (!(span > 0) || !std::isfinite(span) || target < 1) return 1;
    const double raw = span / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * magnitude;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
    std::vector<double> ticks;
    if (!(hi > lo)) return ticks;
    const double step = nice_step(hi - lo, target);
    const double tolerance = step * 1e-9;
    for (double k = std::ceil((lo - tolerance) / step); k * step <= hi + tolerance; ++k) {
        const double v = k * step;
        ticks.push_back(std::abs(v) < tolerance ? 0.0 : v);   // no "-0"
    }
    return ticks;
}

std::vector<double> t_ticks(int t_max, double width, double label_width) {
    // Labels are centred on their ticks, except the end ones, pushed inside the axis by up to half
    // a label: 1.5 labels apart keeps even those clear. The step is the next 1, 2 or 5 x 10^k up.
    const double min_step = double(t_max) * 1.5 * label_width / std::max(width, 1.0);
    double step = 1;
    if (min_step > 1) {
        const double magnitude = std::pow(10.0, std::floor(std::log10(min_step)));
        step = min_step <= magnitude ? magnitude : min_step <= 2 * magnitude ? 2 * magnitude
             : min_step <= 5 * magnitude ? 5 * magnitude : 10 * magnitude;
    }
    std::vector<double> ticks;
    for (double v = 0; v <= t_max; v += step) ticks.push_back(v);
    return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> ticks;
    if (!(lo > 0) || !(hi > lo)) return ticks;
    const int e0 = int(std::ceil(std::log10(lo) - 1e-9)), e1 = int(std::floor(std::log10(hi) + 1e-9));
    if (e1 - e0 >= 2) {
        const int stride = std::max(1, (e1 - e0 + max_ticks) / max_ticks);
        for (int e = e0; e <= e1; e += stride) ticks.push_back(std::pow(10.0, e));
        return ticks;
    }
    // Less than three decades in view: 1, 2, 5 of each.
    for (int e = int(std::floor(std::log10(lo))); e <= int(std::ceil(std::log10(hi))); ++e)
        for (double m : {1.0, 2.0, 5.0}) {
            const double v = m * std::pow(10.0, e);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
        }
    if (ticks.size() < 2) return linear_ticks(lo, hi, 3);
    return ticks;
}

namespace {
// 1e-05 -> 1e-5, 2e+06 -> 2e6
std::string tidy_exponent(const std::string& s) {
    const auto e = s.find('e');
    if (e == std::string::npos) return s;
    std::string out = s.substr(0, e + 1);
    if (s[e + 1] == '-') out.push_back('-');
    const auto digits = s.find_first_not_of("+-0", e + 1);
    out.append(digits == std::string::npos ? "0" : s.substr(digits));
    return out;
}
}  // namespace

std::string tick_label(double value, double step) {
    if (value == 0) return "0";
    char text[32];
    const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
    if (decimals > 4 || std::abs(value) >= 1e6) {
        // Scientific, with the mantissa digits the step needs.
        const int digits = std::max(0, int(std::floor(std::log10(std::abs(value)) + 1e-9)) -
                                           int(std::floor(std::log10(step) + 1e-9)));
        std::snprintf(text, sizeof text, "%.*e", std::min(digits, 6), value);
        return tidy_exponent(text);
    }
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string log_tick_label(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return tidy_exponent(text);
}

double Axis::to_unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
}

double Axis::from_unit(double u) const {
    if (log) return std::pow(10.0, std::log10(lo) + u * (std::log10(hi) - std::log10(lo)));
    return lo + u * (hi - lo);
}

Axis fit_axis(std::span<const std::span<const double>> series, bool log) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (auto values : series)
        for (double v : values)
            if (std::isfinite(v) && (!log || v > 0)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    if (log) {
        if (!(lo <= hi)) return {1e-3, 1, true};
        double l0 = std::log10(lo), l1 = std::log10(hi);
        if (l1 - l0 < 1e-6) l0 -= 0.5, l1 += 0.5;
        const double margin = 0.04 * (l1 - l0);
        return {std::pow(10.0, l0 - margin), std::pow(10.0, l1 + margin), true};
    }
    if (!(lo <= hi)) return {0, 1, false};
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
        const double pad = std::max(0.5, 0.1 * std::abs(hi));
        return {lo - pad, hi + pad, false};
    }
    const double margin = 0.04 * (hi - lo);
    return {lo - margin, hi + margin, false};
}

const Axis& AxisCache::fit(std::span<const std::span<const double>> series, bool log) {
    std::vector<uint64_t> k;
    k.reserve(series.size() * 34 + 1);
    for (auto values : series) {
        k.push_back(reinterpret_cast<uintptr_t>(values.data()));
        k.push_back(values.size());
        // Sampled values too: a new schedule may reuse the old one's memory at the same size.
        for (std::size_t i = 0; i < 32 && !values.empty(); ++i) {
            uint64_t bits;
            std::memcpy(&bits, &values[i * (values.size() - 1) / 31], sizeof bits);
            k.push_back(bits);
        }
    }
    k.push_back(log);
    if (!valid || k != key) {
        axis = fit_axis(series, log);
        key = std::move(k);
        valid = true;
    }
    return axis;
}

int t_at(double u, int T) { return std::clamp(int(std::lround(u * T)), 0, T); }

namespace {
// The index of a falling sequence (log_snr over t) nearest to v; the ends take what lies beyond them.
std::size_t nearest_falling(std::span<const double> xs, double v) {
    if (xs.empty() || !(v < xs[0])) return 0;
    std::size_t lo = 0, hi = xs.size() - 1;
    if (v <= xs[hi]) return hi;
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        (xs[mid] > v ? lo : hi) = mid;
    }
    return std::isinf(xs[lo]) || (v - xs[hi]) < (xs[lo] - v) ? hi : lo;
}
}  // namespace

XAxis x_axis_for(const ddpm::Schedule& s, ddpm::PlotXAxis mode) {
    switch (mode) {
    case ddpm::PlotXAxis::T: return {mode, {}, 1};
    case ddpm::PlotXAxis::Fraction: return {mode, {}, 1.0 / std::max(1, s.T())};
    case ddpm::PlotXAxis::LogSnr: return {mode, s.log_snr, 1};
    }
    return {};
}

void place_series(Series& series, const ddpm::Schedule& s, ddpm::PlotXAxis mode) {
    series.x = mode == ddpm::PlotXAxis::LogSnr ? std::span<const double>(s.log_snr) : std::span<const double>{};
    series.x_scale = mode == ddpm::PlotXAxis::Fraction ? 1.0 / std::max(1, s.T()) : 1.0;
}

double series_x(const Series& s, std::size_t i) { return s.x.empty() ? double(i) * s.x_scale : s.x[i]; }

double axis_x(const XAxis& a, int t) {
    if (!a.of_t.empty()) return a.of_t[std::size_t(std::clamp(t, 0, int(a.of_t.size()) - 1))];
    return t * a.scale;
}

std::size_t index_at_x(const Series& s, double x) {
    if (s.values.empty()) return 0;
    const std::size_t last = s.values.size() - 1;
    if (!s.x.empty()) return std::min(nearest_falling(s.x, x), last);
    const double i = std::round(x / s.x_scale);
    return std::isfinite(i) ? std::size_t(std::clamp(i, 0.0, double(last))) : 0;
}

int t_at_x(const XAxis& a, double x, int T) {
    if (!a.of_t.empty()) return std::clamp(int(nearest_falling(a.of_t, x)), 0, T);
    const double t = std::round(x / a.scale);
    return std::isfinite(t) ? int(std::clamp(t, 0.0, double(T))) : 0;
}

XRange fit_x(std::span<const Series> series, const XAxis& a, int T) {
    if (a.mode == ddpm::PlotXAxis::Fraction) return {0, 1};
    if (a.mode == ddpm::PlotXAxis::T) {
        int x_max = std::max(T, 1);
        for (const auto& s : series) x_max = std::max(x_max, int(s.values.size()) - 1);
        return {0, double(x_max)};
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    auto take = [&](double v) {
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    };
    // Falling sequences: the extremes are the first and last finite values, past any infinities at the ends.
    auto scan = [&](std::span<const double> xs) {
        for (std::size_t i = 0; i < xs.size(); ++i)
            if (std::isfinite(xs[i])) {
                take(xs[i]);
                break;
            }
        for (std::size_t i = xs.size(); i-- > 0;)
            if (std::isfinite(xs[i])) {
                take(xs[i]);
                break;
            }
    };
    for (const auto& s : series) scan(s.x);
    scan(a.of_t);
    if (!(lo <= hi)) return {1, -1};
    if (hi - lo < 1e-9) lo -= 1, hi += 1;
    const double margin = 0.02 * (hi - lo);
    return {hi + margin, lo - margin};
}

namespace {
// A polyline with an on/off pattern along its length (in pixels); dash 0 is solid.
void dashed_polyline(ImDrawList* draw, const std::vector<ImVec2>& pts, ImU32 color, float thickness, int dash, float px) {
    if (dash == 0 || pts.size() < 2) {
        draw->AddPolyline(pts.data(), int(pts.size()), color, 0, thickness);
        return;
    }
    static constexpr float kPatterns[4][4] = {{1, 0, 1, 0}, {8, 5, 8, 5}, {2, 4, 2, 4}, {9, 4, 2, 4}};
    const float* pat = kPatterns[std::clamp(dash, 0, 3)];
    int k = 0;
    float left = pat[0] * px;
    for (std::size_t i = 1; i < pts.size(); ++i) {
        ImVec2 a = pts[i - 1];
        const ImVec2 b = pts[i];
        float len = std::hypot(b.x - a.x, b.y - a.y);
        while (len > 0) {
            const float step = std::min(len, left);
            const float f = step / len;
            const ImVec2 m(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f);
            if (k % 2 == 0) draw->AddLine(a, m, color, thickness);
            a = m;
            len -= step;
            left -= step;
            if (left <= 0) k = (k + 1) % 4, left = pat[k] * px;
        }
    }
}
}  // namespace

bool plot(const char* id, std::span<const Series> series, int T, int& t, bool log_y, ImVec2 size, std::span<const int> marks,
          AxisCache* cache, const XAxis& xa) {
    ImGui::PushID(id);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    size.x = std::max(size.x, 120.0f);
    size.y = std::max(size.y, 80.0f);
    ImGui::InvisibleButton("plot", size);
    const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();

    const float line = ImGui::GetTextLineHeight();
    const float px = ImGui::GetFontSize() / 13.0f;   // sizes below are for the 13 px font; high-DPI scales them
    const float label_width = ImGui::CalcTextSize("-0.0000").x;
    // The legend in rows above the axes, so it never hides a curve; pinned schedules appear once each.
    std::vector<const Series*> legend;
    for (const auto& s : series)
        if (std::none_of(legend.begin(), legend.end(), [&](const Series* l) { return l->name == s.name; }))
            legend.push_back(&s);
    std::vector<ImVec2> legend_at;
    const float legend_x0 = origin.x + label_width + 6;
    ImVec2 cursor(legend_x0, origin.y);
    for (const auto* s : legend) {
        const float w = (22 + 16) * px + ImGui::CalcTextSize(s->name.c_str()).x;
        if (cursor.x + w > origin.x + size.x && cursor.x > legend_x0) cursor = ImVec2(legend_x0, cursor.y + line);
        legend_at.push_back(cursor);
        cursor.x += w;
    }
    const float legend_height = legend.empty() ? 0 : cursor.y - origin.y + line + 4;
    const ImVec2 p0(legend_x0, origin.y + legend_height), p1(origin.x + size.x - 8, origin.y + size.y - line - 6);
    const float width = std::max(1.0f, p1.x - p0.x), height = std::max(1.0f, p1.y - p0.y);

    std::vector<std::span<const double>> all;
    for (const auto& s : series) all.push_back(s.values);
    const Axis y = cache ? cache->fit(all, log_y) : fit_axis(all, log_y);
    const XRange xr = fit_x(series, xa, T);
    // Off-axis x (log_snr +inf at t = 0, -inf at a zero-SNR end) lands on the nearer edge.
    auto screen_x = [&](double x) {
        const double u = (x - xr.left) / (xr.right - xr.left);
        return p0.x + float(std::isnan(u) ? 0.0 : std::clamp(u, -0.01, 1.01)) * width;
    };
    auto to_screen = [&](double x, double v) { return ImVec2(screen_x(x), p1.y - float(y.to_unit(v)) * height); };

    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.5f);
    draw->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_FrameBg));

    // y ticks and grid
    const auto y_ticks = log_y ? log_ticks(y.lo, y.hi) : linear_ticks(y.lo, y.hi, std::max(2, int(height / (3 * line))));
    const double y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1;
    for (double v : y_ticks) {
        const float sy = to_screen(0, v).y;
        draw->AddLine(ImVec2(p0.x, sy), ImVec2(p1.x, sy), grid);
        const std::string label = log_y ? log_tick_label(v) : tick_label(v, y_step);
        const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        draw->AddText(ImVec2(p0.x - ts.x - 4, sy - ts.y * 0.5f), dim, label.c_str());
    }
    // x ticks: timesteps, fractions of T, or log_snr (falling to the right)
    std::vector<double> x_ticks;
    double x_step = 1;
    if (xa.mode == ddpm::PlotXAxis::T) {
        const float widest = ImGui::CalcTextSize(tick_label(xr.right, 1).c_str()).x + ImGui::GetFontSize();
        x_ticks = t_ticks(int(xr.right), width, widest);
    } else {
        const double lo = std::min(xr.left, xr.right), hi = std::max(xr.left, xr.right);
        const int target = std::max(2, int(width / (ImGui::CalcTextSize("-00.0").x + 2 * ImGui::GetFontSize())));
        x_ticks = linear_ticks(lo, hi, std::min(target, 10));
        if (x_ticks.size() > 1) x_step = x_ticks[1] - x_ticks[0];
    }
    for (double v : x_ticks) {
        const float sx = screen_x(v);
        draw->AddLine(ImVec2(sx, p0.y), ImVec2(sx, p1.y), grid);
        const std::string label = tick_label(v, x_step);
        const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        draw->AddText(ImVec2(std::clamp(sx - ts.x * 0.5f, p0.x, p1.x - ts.x), p1.y + 3), dim, label.c_str());
    }

    // Curves: faint ones first, broken where a value cannot be drawn (inf, or <= 0 on a log axis);
    // long schedules are thinned to about one point per pixel.
    draw->PushClipRect(p0, p1, true);
    std::vector<ImVec2> points;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& s : series) {
            if (s.faint != (pass == 0)) continue;
            // Pins: their own hue and dash, strong enough for a projector.
            const ImU32 color = s.faint ? (s.color & 0x00ffffffu) | (IM_COL32_A_MASK & IM_COL32(0, 0, 0, 190)) : s.color;
            const float thickness = (s.faint ? 1.5f : 2.0f) * px;
            const std::size_t n = s.values.size(), stride = std::max<std::size_t>(1, n / std::size_t(width));
            points.clear();
            // A run of one point (log_snr at T = 1, between infinities) is a dot.
            auto flush = [&] {
                if (points.size() > 1) dashed_polyline(draw, points, color, thickness, s.dash, px);
                if (points.size() == 1) draw->AddCircleFilled(points[0], 1.5f * thickness, color);
                points.clear();
            };
            for (std::size_t i = 0; i < n; i += (i + stride < n || i + 1 == n) ? stride : n - 1 - i) {
                const double v = s.values[i], x = series_x(s, i);
                if (!std::isfinite(v) || (log_y && v <= 0) || !std::isfinite(x)) {
                    flush();
                    continue;
                }
                points.push_back(to_screen(x, std::clamp(v, y.lo, y.hi)));
            }
            flush();
        }
    // The sampler's timesteps: thin lines with a tick at the top.
    for (int m : marks) {
        if (m < 0 || m > T) continue;
        const float mx = screen_x(axis_x(xa, m));
        draw->AddLine(ImVec2(mx, p0.y), ImVec2(mx, p1.y), IM_COL32(255, 220, 120, 60), px);
        draw->AddLine(ImVec2(mx, p0.y), ImVec2(mx, p0.y + 6 * px), IM_COL32(255, 220, 120, 220), 2 * px);
    }
    draw->PopClipRect();
    draw->AddRect(p0, p1, grid);
    // The current t, over the frame and kept inside it, so t = 0 and t = T stay visible.
    const float marker_x = std::clamp(screen_x(axis_x(xa, std::clamp(t, 0, T))), p0.x + px, p1.x - px);
    draw->AddLine(ImVec2(marker_x, p0.y), ImVec2(marker_x, p1.y), ImGui::GetColorU32(ImGuiCol_Text, 0.8f), 1.5f * px);

    for (std::size_t k = 0; k < legend.size(); ++k) {
        const ImVec2 at = legend_at[k];
        const ImU32 c = legend[k]->faint ? (legend[k]->color & 0x00ffffffu) | IM_COL32(0, 0, 0, 220) : legend[k]->color;
        dashed_polyline(draw, {ImVec2(at.x, at.y + line * 0.5f), ImVec2(at.x + 18 * px, at.y + line * 0.5f)}, c,
                        (legend[k]->faint ? 2.0f : 2.5f) * px, legend[k]->dash, px * 0.6f);
        draw->AddText(ImVec2(at.x + 22 * px, at.y), legend[k]->faint ? dim : text_color, legend[k]->name.c_str());
    }

    const double u = std::clamp((ImGui::GetIO().MousePos.x - p0.x) / width, 0.0f, 1.0f);
    const double x_mouse = xr.left + u * (xr.right - xr.left);
    // t mode keeps the old rounding over the whole axis (it may reach past T when a pin is longer).
    const int t_mouse = xa.mode == ddpm::PlotXAxis::T ? t_at(u, int(xr.right)) : t_at_x(xa, x_mouse, T);
    bool changed = false;
    if (active && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        const int t_new = std::min(t_mouse, T);
        changed = t_new != t;
        t = t_new;
    }
    if (hovered || active) {
        const float hx = xa.mode == ddpm::PlotXAxis::T ? screen_x(t_mouse) : p0.x + float(u) * width;
        draw->AddLine(ImVec2(hx, p0.y), ImVec2(hx, p1.y), ImGui::GetColorU32(ImGuiCol_Text, 0.35f));
        ImGui::BeginTooltip();
        if (xa.mode == ddpm::PlotXAxis::LogSnr) ImGui::Text(tr("log_snr = %.3g (t = %d)"), x_mouse, t_mouse);
        else if (xa.mode == ddpm::PlotXAxis::Fraction) ImGui::Text(tr("t/T = %.3f (t = %d)"), x_mouse, t_mouse);
        else ImGui::Text(tr("t = %d"), t_mouse);
        for (const auto& s : series) {
            // Each series at its own index for this x: a pin's t at the same t/T or the same log_snr.
            const std::size_t i = xa.mode == ddpm::PlotXAxis::T ? std::size_t(t_mouse) : index_at_x(s, x_mouse);
            if (i >= s.values.size()) continue;
            ImGui::PushStyleColor(ImGuiCol_Text, s.faint ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : s.color);
            if (xa.mode == ddpm::PlotXAxis::T)
                ImGui::Text("%s = %.6g", (s.tooltip.empty() ? s.name : s.tooltip).c_str(), s.values[i]);
            else
                ImGui::Text(tr("%s = %.6g (t = %d)"), (s.tooltip.empty() ? s.name : s.tooltip).c_str(), s.values[i], int(i));
            ImGui::PopStyleColor();
        }
        ImGui::EndTooltip();
    }
    ImGui::PopID();
    return changed;
}

}  // namespace plot
