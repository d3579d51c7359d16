// Distribution of x_t: a histogram of this seed's x_t values (unclamped) with the exact density of
// q(x_t) for this image and N(0, 1) over it, and KL(q(x_t | x0) || N(0, I)) against t.
#include "distribution_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <string>

#include "app.h"
#include "ddpm/noise.h"
#include "i18n.h"
#include "plot.h"

namespace {

constexpr double kLo = -4, kHi = 4;   // the x axis of the histogram
constexpr int kBars = 100, kCurveSteps = 240;
constexpr std::size_t kMaxSampled = std::size_t(1) << 18;   // pixels counted for the bars

// x_t of up to kMaxSampled pixels, in 256 evenly spaced runs for big images, counted into kBars bins
// (as densities) over [kLo, kHi]; values outside count in the total but fall off the plot.
void sample_bars(const App& app, DistributionViewState& d) {
    const std::size_t n = app.x0.width * std::size_t(app.x0.height);
    const auto u = ddpm::gpu::xt_uniforms(app.schedule, app.t, app.seed);
    std::vector<std::pair<std::size_t, std::size_t>> runs;   // (first pixel, count)
    if (n <= kMaxSampled) {
        runs.push_back({0, n});
    } else {
        const std::size_t k = 256, len = kMaxSampled / k;
        for (std::size_t i = 0; i < k; ++i) runs.push_back({i * (n / k), len});
    }
    d.bars.assign(kBars, 0);
    std::vector<float> out;
    double total = 0;
    const double width = (kHi - kLo) / kBars;
    for (const auto& [first, count] : runs) {
        out.resize(count * 3);
        ddpm::q_sample_pixels(app.x0.data.data() + first * 3, out.data(), first, count, u.sqrt_alpha_bar,
                              u.sqrt_one_minus_alpha_bar, app.seed);
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (d.channel != ddpm::kAllChannels && int(i % 3) != d.channel) continue;
            total += 1;
            const double b = std::floor((double(out[i]) - kLo) / width);
            if (b >= 0 && b < kBars) d.bars[std::size_t(b)] += 1;
        }
    }
    for (double& v : d.bars) v = total > 0 ? v / (total * width) : 0;
    d.sampled = std::size_t(total) / (d.channel == ddpm::kAllChannels ? 3 : 1);
}

void update(App& app, DistributionViewState& d) {
    if (d.t == app.t && d.seed == app.seed && d.params == app.params && d.data == app.x0.data.data() &&
        d.cached_channel == d.channel)
        return;
    d.t = app.t, d.seed = app.seed, d.params = app.params, d.data = app.x0.data.data(), d.cached_channel = d.channel;
    sample_bars(app, d);
    std::vector<double> edges(kCurveSteps + 1);
    for (int k = 0; k <= kCurveSteps; ++k) edges[std::size_t(k)] = kLo + (kHi - kLo) * k / kCurveSteps;
    d.exact = ddpm::mixture_bin_probabilities(x0_histogram(app), app.schedule, app.t, edges, d.channel);
    for (double& v : d.exact) v /= (kHi - kLo) / kCurveSteps;
}

void draw_histogram(const DistributionViewState& d, ImVec2 size) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##hist", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float pad_l = ImGui::CalcTextSize("0.00").x + 8, pad_b = ImGui::GetTextLineHeight() + 6, pad_t = 4, pad_r = 8;
    const ImVec2 a(p0.x + pad_l, p0.y + pad_t), b(p0.x + size.x - pad_r, p0.y + size.y - pad_b);
    double y_max = 0.45;   // N(0, 1) peaks at 0.399
    for (double v : d.bars) y_max = std::max(y_max, v);
    for (double v : d.exact) y_max = std::max(y_max, v);
    y_max *= 1.05;
    const auto X = [&](double x) { return a.x + float((x - kLo) / (kHi - kLo)) * (b.x - a.x); };
    const auto Y = [&](double y) { return b.y - float(y / y_max) * (b.y - a.y); };
    draw->AddRectFilled(a, b, IM_COL32(30, 30, 34, 255));
    // What the image view can show: x_t clamped to [-1, 1].
    draw->AddRectFilled(ImVec2(X(-1), a.y), ImVec2(X(1), b.y), IM_COL32(60, 60, 70, 255));
    for (int k = int(kLo); k <= int(kHi); ++k) {
        char label[8];
        std::snprintf(label, sizeof label, "%d", k);
        const float x = X(k);
        draw->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + 3), IM_COL32(160, 160, 160, 255));
        draw->AddText(ImVec2(x - ImGui::CalcTextSize(label).x * 0.5f, b.y + 4), IM_COL32(170, 170, 170, 255), label);
    }
    for (double y : plot::linear_ticks(0, y_max, 4)) {
        const std::string label = plot::tick_label(y, plot::nice_step(y_max, 4));
        draw->AddText(ImVec2(p0.x + pad_l - 4 - ImGui::CalcTextSize(label.c_str()).x, Y(y) - ImGui::GetTextLineHeight() * 0.5f),
                      IM_COL32(170, 170, 170, 255), label.c_str());
        draw->AddLine(ImVec2(a.x, Y(y)), ImVec2(b.x, Y(y)), IM_COL32(70, 70, 76, 255));
    }
    const double bw = (kHi - kLo) / kBars;
    for (int k = 0; k < kBars; ++k) {
        const double v = d.bars[std::size_t(k)];
        if (v <= 0) continue;
        draw->AddRectFilled(ImVec2(X(kLo + k * bw) + 0.5f, Y(v)), ImVec2(X(kLo + (k + 1) * bw) - 0.5f, b.y),
                            IM_COL32(90, 160, 255, 150));
    }
    // N(0, 1), the prior, dashed; then the exact q(x_t) on top.
    const double cw = (kHi - kLo) / kCurveSteps;
    for (int k = 0; k < kCurveSteps; k += 2) {
        const double x1 = kLo + k * cw, x2 = x1 + cw;
        draw->AddLine(ImVec2(X(x1), Y(ddpm::normal_pdf(x1))), ImVec2(X(x2), Y(ddpm::normal_pdf(x2))),
                      IM_COL32(230, 230, 230, 230), 1.5f);
    }
    std::vector<ImVec2> line;
    for (int k = 0; k < kCurveSteps; ++k) {
        const double y = std::min(d.exact[std::size_t(k)], y_max);
        line.push_back(ImVec2(X(kLo + k * cw), Y(y)));
        line.push_back(ImVec2(X(kLo + (k + 1) * cw), Y(y)));
    }
    draw->AddPolyline(line.data(), int(line.size()), IM_COL32(255, 160, 60, 255), 0, 2.0f);
    draw->AddRect(a, b, IM_COL32(110, 110, 110, 255));
    if (hovered) {
        const double x = kLo + (ImGui::GetIO().MousePos.x - a.x) / (b.x - a.x) * (kHi - kLo);
        if (x >= kLo && x < kHi) {
            const std::size_t bar = std::min<std::size_t>(kBars - 1, std::size_t((x - kLo) / bw));
            const std::size_t step = std::min<std::size_t>(kCurveSteps - 1, std::size_t((x - kLo) / cw));
            ImGui::SetTooltip(tr("x_t = %.3f\nsampled density %.4g\nexact q(x_t) %.4g\nN(0, 1) %.4g"), x, d.bars[bar],
                              d.exact[step], ddpm::normal_pdf(x));
        }
    }
}

}  // namespace

const ddpm::LevelHistogram& x0_histogram(App& app) {
    X0HistogramCache& c = app.x0_hist;
    if (c.data != app.x0.data.data() || c.size != app.x0.size() || c.source != app.image_source) {
        c.histogram = ddpm::level_histogram(app.x0);
        c.data = app.x0.data.data(), c.size = app.x0.size(), c.source = app.image_source;
        c.kl_valid = false;
    }
    return c.histogram;
}

const std::vector<double>& kl_prior_of(App& app) {
    const ddpm::LevelHistogram& h = x0_histogram(app);
    X0HistogramCache& c = app.x0_hist;
    if (!c.kl_valid || !(c.kl_params == app.params) || c.kl.size() != std::size_t(app.schedule.T()) + 1) {
        c.kl = ddpm::kl_prior_curve(h, app.schedule);
        c.kl_params = app.params;
        c.kl_valid = true;
    }
    return c.kl;
}

void draw_distribution_view(App& app) {
    DistributionViewState& d = app.distribution;
    if (!d.open || app.x0.empty()) return;
    place_window(app, ImVec2(380 * app.ui_scale, 60 * app.ui_scale), ImVec2(620 * app.ui_scale, 580 * app.ui_scale));
    if (!ImGui::Begin((std::string(tr("Distribution of x_t")) + "###Distribution of x_t").c_str(), &d.open)) {
        ImGui::End();
        return;
    }
    const char* channels[] = {tr("all channels"), "R", "G", "B"};
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    int pick = d.channel + 1;
    if (ImGui::Combo("##channel", &pick, channels, 4)) d.channel = pick - 1;
    ImGui::SameLine();
    ImGui::Text(tr("t = %d, seed %u"), app.t, app.seed);
    update(app, d);

    ImGui::TextColored(ImVec4(0.35f, 0.63f, 1, 1), "%s", tr("bars: this seed's x_t"));
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.63f, 0.24f, 1), "%s", tr("orange: exact q(x_t)"));
    ImGui::SameLine();
    ImGui::TextUnformatted(tr("dashed: N(0, 1)"));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("q(x_t) = (1/N) sum over pixels i of N(sqrt(alpha_bar_t) x0_i, 1 - alpha_bar_t):\n"
                                   "computed from the image's 256-level histogram, no noise drawn."));
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float hist_h = std::max(80.0f, (avail.y - 5 * line) * 0.6f);
    draw_histogram(d, ImVec2(avail.x, hist_h));
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled(tr("Unclamped values, %zu pixels counted. The image view clamps x_t to [-1, 1] (the shaded "
                           "band): values outside it show as black or white."),
                        d.sampled);
    ImGui::PopTextWrapPos();

    const auto& kl = kl_prior_of(app);
    ImGui::Checkbox(tr("log y"), &d.kl_log_y);
    ImGui::SameLine();
    ImGui::TextWrapped(tr("KL(q(x_t | x0) || N(0, I)) per dimension: %.4g nats at t = %d, %.4g at T = %d"),
                       kl[std::size_t(app.t)], app.t, kl.back(), app.schedule.T());
    if (auto warning = ddpm::prior_warning(x0_histogram(app), app.schedule)) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImVec4(1, 0.75f, 0.3f, 1), "%s", warning->c_str());
        ImGui::PopTextWrapPos();
    }
    const plot::Series series[] = {{"kl_prior", tr("KL per dimension (nats)"), kl, IM_COL32(255, 120, 120, 255), false}};
    plot::plot("kl_prior", series, app.schedule.T(), app.t, d.kl_log_y,
               ImVec2(ImGui::GetContentRegionAvail().x, std::max(60.0f, ImGui::GetContentRegionAvail().y)));
    ImGui::End();
}
