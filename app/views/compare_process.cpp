// The closed form beside the chain at the same t and seed, and the histograms of both on one plot:
// they differ pixel by pixel and agree in distribution (q(x_t | x0) is the chain's marginal).
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "chain_views.h"
#include "ddpm/noise.h"
#include "i18n.h"

namespace {
constexpr int kHistMaxSide = 512;   // the histograms sample at most this many pixels a side

std::vector<float> histogram(const ddpm::Image& x) {
    std::vector<float> h(kHistBins, 0.0f);
    const float width = 2 * kHistRange / kHistBins;
    for (float v : x.data) {
        const int b = int(std::floor((v + kHistRange) / width));
        if (b >= 0 && b < kHistBins) h[std::size_t(b)] += 1;
    }
    for (float& c : h) c /= float(x.data.size()) * width;   // a density
    return h;
}

void draw_histograms(const ChainViews& cv, ImVec2 size) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    draw->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
    float top = 0.5f;
    for (float v : cv.hist_closed) top = std::max(top, v);
    for (float v : cv.hist_chain) top = std::max(top, v);
    const auto px = [&](float v) { return p0.x + (v + kHistRange) / (2 * kHistRange) * size.x; };
    const auto py = [&](float d) { return p1.y - d / (top * 1.05f) * size.y; };
    const float width = 2 * kHistRange / kHistBins;
    const auto curve = [&](const std::vector<float>& h, ImU32 color) {
        for (int b = 0; b < kHistBins; ++b) {
            const float x0 = px(-kHistRange + b * width), x1 = px(-kHistRange + (b + 1) * width);
            draw->AddLine(ImVec2(x0, py(h[std::size_t(b)])), ImVec2(x1, py(h[std::size_t(b)])), color, 2);
            if (b + 1 < kHistBins) draw->AddLine(ImVec2(x1, py(h[std::size_t(b)])), ImVec2(x1, py(h[std::size_t(b + 1)])), color, 2);
        }
    };
    curve(cv.hist_closed, IM_COL32(90, 160, 255, 220));
    curve(cv.hist_chain, IM_COL32(255, 110, 90, 180));
    for (int v = -4; v <= 4; ++v) {
        char l[8];
        std::snprintf(l, sizeof l, "%d", v);
        draw->AddText(ImVec2(px(float(v)) - 3, p1.y - ImGui::GetTextLineHeight()), IM_COL32(160, 160, 160, 255), l);
    }
    draw->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(90, 160, 255, 255), tr("closed form"));
    draw->AddText(ImVec2(p0.x + 6, p0.y + 4 + ImGui::GetTextLineHeight()), IM_COL32(255, 110, 90, 255), tr("chain"));
}
}  // namespace

void draw_process_compare_view(App& app) {
    const int t = app.t;
    ChainViews& cv = chain_views(app);
    const ChainViewKey key = chain_view_key(app, t);
    if (!(cv.compare_key == key)) {
        const bool shrink = std::max(app.x0.width, app.x0.height) > kHistMaxSide;
        const ddpm::Image small = shrink ? ddpm::downsize(app.x0, kHistMaxSide) : ddpm::Image{};
        const ddpm::Image& x0 = shrink ? small : app.x0;
        cv.hist_closed = histogram(ddpm::q_sample(x0, app.schedule, t, app.seed));
        cv.hist_chain = histogram(ddpm::chain_sample(x0, app_chain(app), t, app.seed));
        cv.compare_key = key;
    }
    ImGui::TextWrapped(tr("t = %d, seed %u. Left: the closed form sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps. Right: the "
                          "Markov chain's path at the same t. They differ pixel by pixel and agree in distribution: "
                          "q(x_t | x0) is the chain's marginal."),
                       t, app.seed);
    if (app.renderer.width() == 0) return;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float aspect = float(app.renderer.height()) / float(app.renderer.width());
    const float hist_h = std::max(60.0f, avail.y * 0.3f);
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float w = std::max(8.0f, std::min((avail.x - spacing) / 2, (avail.y - hist_h - 2 * line) / aspect));
    const ImVec2 size(w, w * aspect);
    const ddpm::Process procs[2] = {ddpm::Process::Closed, ddpm::Process::Chain};
    const char* caps[2] = {tr("closed form q(x_t | x0)"), tr("Markov chain x_t")};
    for (int k = 0; k < 2; ++k) {
        if (k) ImGui::SameLine();
        ImGui::BeginGroup();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::Dummy(size);
        queue_view(app, app_xt_uniforms(app, t, procs[k]), at, size.x / float(app.renderer.width()), at,
                   ImVec2(at.x + size.x, at.y + size.y));
        const float cx = (size.x - ImGui::CalcTextSize(caps[k]).x) * 0.5f;
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, cx));
        ImGui::TextUnformatted(caps[k]);
        ImGui::EndGroup();
    }
    ImGui::TextDisabled("%s", tr("Histograms of every value of x_t (all channels, unclamped): closed form and chain"));
    draw_histograms(cv, ImVec2(std::min(avail.x, 2 * w + spacing), std::max(40.0f, ImGui::GetContentRegionAvail().y)));
}
