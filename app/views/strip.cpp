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
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tr("One sample path of the chain (seed as set). Each arrow is one factor; over several steps "
                                 "q(x_b | x_a) = N(sqrt(alpha_bar_b / alpha_bar_a) x_a, (1 - alpha_bar_b / alpha_bar_a) I)."));
    ImGui::PopTextWrapPos();
    if (app.renderer.width() == 0) return;
    char labels[8][48], means[8][48], vars[8][48];
    float arrow_w = 0;
    for (int i = 0; i + 1 < n; ++i) {
        const int a = ts[std::size_t(i)], b = ts[std::size_t(i + 1)];
        std::snprintf(labels[i], sizeof labels[i], tr("q(x_%d | x_%d)"), b, a);
        // The factor's numbers: x_b = gain x_a + noise of this variance.
        std::snprintf(means[i], sizeof means[i], tr("mean %.4g x_%d"), ddpm::chain_gain(c, a, b), a);
        std::snprintf(vars[i], sizeof vars[i], tr("var %.3g"), ddpm::chain_residual_variance(c, a, b));
        for (const char* text : {labels[i], means[i], vars[i]}) arrow_w = std::max(arrow_w, ImGui::CalcTextSize(text).x);
    }
    arrow_w += ImGui::GetFontSize() * 1.5f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float aspect = float(app.renderer.height()) / float(app.renderer.width());
    // One row if the tiles stay readable, else two (the arrow into the second row starts it).
    const int rows = (avail.x - float(n - 1) * arrow_w) / float(n) >= 140 ? 1 : 2;
    const int per_row = (n + rows - 1) / rows;
    const float row_h_max = (avail.y - 2 * line) / float(rows) - 2 * line;
    const float w = std::max(8.0f, std::min((avail.x - float(per_row) * arrow_w) / float(per_row), row_h_max / aspect));
    const ImVec2 size(w, w * aspect);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const auto arrow = [&](int i, float x, float y) {   // the arrow from tile i to tile i + 1, at (x, y) its left middle
        const float ax0 = x + 6, ax1 = x + arrow_w - 6;
        draw->AddLine(ImVec2(ax0, y), ImVec2(ax1, y), ink, 2);
        draw->AddTriangleFilled(ImVec2(ax1, y), ImVec2(ax1 - 8, y - 5), ImVec2(ax1 - 8, y + 5), ink);
        draw->AddText(ImVec2(x + (arrow_w - ImGui::CalcTextSize(labels[i]).x) * 0.5f, y - line - 2), ink, labels[i]);
        draw->AddText(ImVec2(x + (arrow_w - ImGui::CalcTextSize(means[i]).x) * 0.5f, y + 6), faint, means[i]);
        draw->AddText(ImVec2(x + (arrow_w - ImGui::CalcTextSize(vars[i]).x) * 0.5f, y + 6 + line), faint, vars[i]);
    };
    for (int i = 0; i < n; ++i) {
        const int row = i / per_row, col = i % per_row;
        const float row_y = p0.y + line + float(row) * (size.y + 3 * line);
        const float lead = row > 0 ? arrow_w : 0;   // the second row starts with the arrow into it
        const ImVec2 at(p0.x + lead + float(col) * (w + arrow_w), row_y);
        if (row > 0 && col == 0) arrow(i - 1, p0.x, row_y + size.y * 0.5f);
        // The chain's own x_t at this step, walked in the shader for the screen pixels of the tile.
        queue_view(app, ddpm::gpu::chain_xt_uniforms(c, ts[std::size_t(i)], app.seed), at, w / float(app.renderer.width()),
                   at, ImVec2(at.x + size.x, at.y + size.y));
        char cap[32];
        if (ts[std::size_t(i)] == 0) std::snprintf(cap, sizeof cap, "%s", tr("x_0 = x0"));
        else std::snprintf(cap, sizeof cap, tr("x_%d"), ts[std::size_t(i)]);
        const ImU32 cap_color = ts[std::size_t(i)] == app.t ? ImGui::GetColorU32(ImGuiCol_PlotHistogram) : ink;
        draw->AddText(ImVec2(at.x + (w - ImGui::CalcTextSize(cap).x) * 0.5f, at.y + size.y + 4), cap_color, cap);
        if (i + 1 < n && col + 1 < per_row) arrow(i, at.x + w, at.y + size.y * 0.5f);
    }
    ImGui::Dummy(ImVec2(avail.x, float(rows) * (size.y + 3 * line)));
    ImGui::TextDisabled("%s", tr("Drag t to move x_{t-1} -> x_t along the path; x_t is the same picture however t was reached."));
}
