// The pixel probe: one pixel's value over t on the chain's path and in the closed form, the mean
// sqrt(alpha_bar_t) x0 with the band +-2 sqrt(1 - alpha_bar_t), and faint chain paths of other seeds.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "chain_views.h"
#include "i18n.h"

namespace {
constexpr int kProbePoints = 2000;   // at most this many t on the curve
constexpr int kOtherSeeds = 4;
}  // namespace

void draw_probe_window(App& app) {
    if (!app.probe_open || app.x0.empty()) return;
    app.probe_x = std::clamp(app.probe_x, 0, app.x0.width - 1);
    app.probe_y = std::clamp(app.probe_y, 0, app.x0.height - 1);
    ChainViews& cv = chain_views(app);
    ChainViewKey key = chain_view_key(app, -1);
    key.x = app.probe_x, key.y = app.probe_y;
    if (!(cv.probe_key == key)) {
        const int T = app.schedule.T(), stride = std::max(1, (T + kProbePoints - 1) / kProbePoints);
        cv.probe_ts.clear();
        for (int t = 0; t <= T; t += stride) cv.probe_ts.push_back(t);
        if (cv.probe_ts.back() != T) cv.probe_ts.push_back(T);
        const ddpm::ChainSchedule& c = app_chain(app);
        cv.probe_chain = ddpm::chain_pixel_path(app.x0, c, key.x, key.y, cv.probe_ts, app.seed);
        cv.probe_closed = ddpm::closed_pixel_path(app.x0, app.schedule, key.x, key.y, cv.probe_ts, app.seed);
        cv.probe_others.clear();
        for (uint32_t k = 1; k <= kOtherSeeds; ++k)
            cv.probe_others.push_back(ddpm::chain_pixel_path(app.x0, c, key.x, key.y, cv.probe_ts, app.seed + k));
        cv.probe_key = key;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    place_window(app, ImVec2(display.x * 0.55f, display.y * 0.08f), ImVec2(display.x * 0.42f, display.y * 0.42f));
    if (!ImGui::Begin((std::string(tr("Pixel probe")) + "###Pixel probe").c_str(), &app.probe_open)) {
        ImGui::End();
        return;
    }
    ImGui::Text(tr("pixel (%d, %d), seed %u"), key.x, key.y, app.seed);
    for (int c = 0; c < 3; ++c) {
        ImGui::SameLine();
        const char* names[3] = {"R", "G", "B"};
        if (ImGui::RadioButton(names[c], app.probe_channel == c)) app.probe_channel = c;
    }
    hint_text(tr("(click a pixel of x_t to probe it)"));
    const int ch = app.probe_channel;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // The legend, on as many lines as the window's width needs (a narrow window or scale 2).
    char seeds[64];
    std::snprintf(seeds, sizeof seeds, tr("chain, seeds %u..%u"), app.seed + 1, app.seed + kOtherSeeds);
    const std::pair<ImVec4, const char*> entries[] = {
        {ImVec4(1, 0.35f, 0.3f, 1), tr("chain path")},
        {ImVec4(0.35f, 0.63f, 1, 1), tr("closed form")},
        {ImGui::GetStyleColorVec4(ImGuiCol_Text), tr("mean sqrt(alpha_bar_t) x0")},
        {ImVec4(0.55f, 0.6f, 0.9f, 1), tr("+-2 sqrt(1 - alpha_bar_t)")},
        {ImVec4(1, 0.5f, 0.4f, 0.5f), seeds},
    };
    int legend_lines = 1;
    for (float x = -1; const auto& [color, text] : entries) {
        const float w = ImGui::CalcTextSize(text).x;
        if (x >= 0 && x + ImGui::GetStyle().ItemSpacing.x + w > avail.x) ++legend_lines, x = -1;
        x = (x < 0 ? 0 : x + ImGui::GetStyle().ItemSpacing.x) + w;
    }
    const float legend = legend_lines * ImGui::GetTextLineHeightWithSpacing();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size(avail.x, std::max(60.0f, avail.y - legend));
    ImGui::InvisibleButton("##probe", size);
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    const int T = app.schedule.T();
    const auto px = [&](int t) { return p0.x + float(t) / float(std::max(1, T)) * size.x; };
    const auto py = [&](float v) { return p0.y + (1 - (std::clamp(v, -3.5f, 3.5f) + 3.5f) / 7.0f) * size.y; };
    if (ImGui::IsItemActive()) set_t(app, int(std::lround((ImGui::GetIO().MousePos.x - p0.x) / size.x * T)));
    draw->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
    const float x0 = app.x0.data[(std::size_t(key.y) * std::size_t(app.x0.width) + std::size_t(key.x)) * 3 + std::size_t(ch)];
    const auto& ts = cv.probe_ts;
    for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
        const auto band = [&](std::size_t j, float sign) {
            const double m = app.schedule.sqrt_alpha_bar[std::size_t(ts[j])] * x0;
            return py(float(m + sign * 2 * app.schedule.sqrt_one_minus_alpha_bar[std::size_t(ts[j])]));
        };
        draw->AddRectFilled(ImVec2(px(ts[i]), band(i, 1)), ImVec2(px(ts[i + 1]) + 1, band(i, -1)), IM_COL32(70, 80, 120, 120));
    }
    const auto path = [&](const std::vector<std::array<float, 3>>& v, ImU32 color, float thickness) {
        for (std::size_t i = 0; i + 1 < ts.size(); ++i)
            draw->AddLine(ImVec2(px(ts[i]), py(v[i][std::size_t(ch)])), ImVec2(px(ts[i + 1]), py(v[i + 1][std::size_t(ch)])),
                          color, thickness);
    };
    for (const auto& o : cv.probe_others) path(o, IM_COL32(255, 120, 100, 60), 1);
    for (std::size_t i = 0; i + 1 < ts.size(); ++i)
        draw->AddLine(ImVec2(px(ts[i]), py(float(app.schedule.sqrt_alpha_bar[std::size_t(ts[i])] * x0))),
                      ImVec2(px(ts[i + 1]), py(float(app.schedule.sqrt_alpha_bar[std::size_t(ts[i + 1])] * x0))),
                      IM_COL32(230, 230, 230, 255), 1.5f);
    path(cv.probe_closed, IM_COL32(90, 160, 255, 255), 1.5f);
    path(cv.probe_chain, IM_COL32(255, 90, 70, 255), 1.5f);
    draw->AddLine(ImVec2(px(app.t), p0.y), ImVec2(px(app.t), p1.y), IM_COL32(255, 255, 255, 120));
    for (int v = -3; v <= 3; ++v) {
        char l[8];
        std::snprintf(l, sizeof l, "%d", v);
        draw->AddText(ImVec2(p0.x + 3, py(float(v)) - ImGui::GetTextLineHeight() * 0.5f), IM_COL32(150, 150, 150, 255), l);
    }
    for (bool first = true; const auto& [color, text] : entries) {
        if (!first) same_line_if_fits(ImGui::CalcTextSize(text).x);
        first = false;
        ImGui::TextColored(color, "%s", text);
    }
    ImGui::End();
}
