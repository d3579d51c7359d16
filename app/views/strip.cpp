// The chain strip in the window: x_0 -> x_1 -> x_2 -> ... -> x_{t-1} -> x_t -> ... -> x_T of one
// sample path, with q(x_b | x_a) on each arrow (the product of conditionals, drawn), as
// `export --view strip` draws it (core/src/probe.cpp's render_chain_strip), plus each factor's numbers.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "chain_views.h"
#include "i18n.h"

namespace {
// The timesteps shown at t: the first steps, the step into t, and the end.
std::vector<int> strip_steps(int t, int T) {
    std::vector<int> ts{0, 1, 2, t - 1, t, T};
    ts.erase(std::remove_if(ts.begin(), ts.end(), [&](int v) { return v < 0 || v > T; }), ts.end());
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    return ts;
}
}  // namespace

void draw_chain_strip_view(App& app) {
    const ddpm::ChainSchedule& c = app_chain(app);
    const int T = c.T;
    const std::vector<int> ts = strip_steps(app.t, T);
    const int n = int(ts.size());
    ImGui::TextUnformatted(tr("q(x_1:T | x_0) = prod_t q(x_t | x_{t-1}),  q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)"));
    ImGui::TextDisabled("%s", tr("One sample path of the chain (seed as set). Each arrow is one factor; over several steps "
                                 "q(x_b | x_a) = N(sqrt(alpha_bar_b / alpha_bar_a) x_a, (1 - alpha_bar_b / alpha_bar_a) I)."));
    if (app.renderer.width() == 0) return;
    char labels[8][48];
    float arrow_w = 0;
    for (int i = 0; i + 1 < n; ++i) {
        std::snprintf(labels[i], sizeof labels[i], tr("q(x_%d | x_%d)"), ts[std::size_t(i + 1)], ts[std::size_t(i)]);
        arrow_w = std::max(arrow_w, ImGui::CalcTextSize(labels[i]).x);
    }
    arrow_w += ImGui::GetFontSize() * 1.5f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float aspect = float(app.renderer.height()) / float(app.renderer.width());
    const float w = std::max(8.0f, std::min((avail.x - float(n - 1) * arrow_w) / float(n), (avail.y - 4 * line) / aspect));
    const ImVec2 size(w, w * aspect);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    for (int i = 0; i < n; ++i) {
        const ImVec2 at(p0.x + float(i) * (w + arrow_w), p0.y + line);
        // The chain's own x_t at this step, walked in the shader for the screen pixels of the tile.
        queue_view(app, ddpm::gpu::chain_xt_uniforms(c, ts[std::size_t(i)], app.seed), at, w / float(app.renderer.width()),
                   at, ImVec2(at.x + size.x, at.y + size.y));
        char cap[32];
        if (ts[std::size_t(i)] == 0) std::snprintf(cap, sizeof cap, "%s", tr("x_0 = x0"));
        else std::snprintf(cap, sizeof cap, tr("x_%d"), ts[std::size_t(i)]);
        const ImU32 cap_color = ts[std::size_t(i)] == app.t ? ImGui::GetColorU32(ImGuiCol_PlotHistogram) : ink;
        draw->AddText(ImVec2(at.x + (w - ImGui::CalcTextSize(cap).x) * 0.5f, at.y + size.y + 4), cap_color, cap);
        if (i + 1 == n) continue;
        const int a = ts[std::size_t(i)], b = ts[std::size_t(i + 1)];
        const float ax0 = at.x + w + 6, ax1 = at.x + w + arrow_w - 6, ay = at.y + size.y * 0.5f;
        draw->AddLine(ImVec2(ax0, ay), ImVec2(ax1, ay), ink, 2);
        draw->AddTriangleFilled(ImVec2(ax1, ay), ImVec2(ax1 - 8, ay - 5), ImVec2(ax1 - 8, ay + 5), ink);
        const float lw = ImGui::CalcTextSize(labels[i]).x;
        draw->AddText(ImVec2(at.x + w + (arrow_w - lw) * 0.5f, ay - line - 2), ink, labels[i]);
        // The factor's numbers: x_b = gain x_a + noise of this variance.
        char num[2][48];
        std::snprintf(num[0], sizeof num[0], tr("mean %.4g x_%d"), ddpm::chain_gain(c, a, b), a);
        std::snprintf(num[1], sizeof num[1], tr("var %.3g"), ddpm::chain_residual_variance(c, a, b));
        for (int k = 0; k < 2; ++k)
            draw->AddText(ImVec2(at.x + w + (arrow_w - ImGui::CalcTextSize(num[k]).x) * 0.5f, ay + 6 + float(k) * line),
                          faint, num[k]);
    }
    ImGui::Dummy(ImVec2(float(n) * w + float(n - 1) * arrow_w, size.y + 3 * line));
    ImGui::TextDisabled("%s", tr("Drag t to move x_{t-1} -> x_t along the path; x_t is the same picture however t was reached."));
}
