// Compare schedules as images: A (the current schedule) and up to three pinned ones, each pane x_t of
// the same image and seed, synced by t, by t/T, or by log_snr (B shows the t where its log_snr equals A's).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <string>
#include <vector>

#include "app.h"
#include "i18n.h"

int compare_t(const App& app, const ddpm::Schedule& s) {
    const ddpm::Schedule& a = app.schedule;
    switch (app.compare.sync) {
    case CompareSync::T: return std::min(app.t, s.T());
    case CompareSync::Fraction: return int(std::lround(double(app.t) / a.T() * s.T()));
    case CompareSync::LogSnr: return ddpm::t_for_log_snr(s, a.log_snr[std::size_t(app.t)]);
    }
    return 0;
}

void draw_compare_view(App& app) {
    if (!app.compare.open) return;
    place_window(app, ImVec2(60 * app.ui_scale, 60 * app.ui_scale), ImVec2(720 * app.ui_scale, 480 * app.ui_scale));
    if (!ImGui::Begin((std::string(tr("Compare schedules")) + "###Compare schedules").c_str(), &app.compare.open)) {
        ImGui::End();
        return;
    }
    const char* syncs[] = {tr("same t"), tr("same t/T"), tr("same ln SNR")};
    int sync = int(app.compare.sync);
    float widest = 0;   // the combo as wide as its longest choice (the Chinese ones are longer)
    for (const char* c : syncs) widest = std::max(widest, ImGui::CalcTextSize(c).x);
    ImGui::SetNextItemWidth(widest + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2);
    if (ImGui::Combo(tr("sync"), &sync, syncs, 3)) app.compare.sync = CompareSync(sync);
    hint_text(tr("A is the current schedule; Pin in the plots adds B, C, D."));

    std::vector<const ddpm::Schedule*> panes{&app.schedule};
    std::vector<std::string> names{ddpm::schedule_label(app.params)};
    for (std::size_t i = 0; i < app.pinned.size() && panes.size() < 4; ++i) {
        panes.push_back(&app.pinned[i].schedule);
        names.push_back(app.pinned[i].name);
    }
    const int n = int(panes.size());
    const int cols = n <= 2 ? n : 2, rows = (n + cols - 1) / cols;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float cell_w = avail.x / cols, cell_h = avail.y / rows;
    // Each pane's two captions, wrapped to the pane; every pane's image starts below the tallest.
    std::vector<std::string> titles, levels;
    std::vector<int> ts;
    float header = 0;
    for (int k = 0; k < n; ++k) {
        const ddpm::Schedule& s = *panes[std::size_t(k)];
        const int t = std::clamp(compare_t(app, s), 0, s.T());
        char caption[256];
        std::snprintf(caption, sizeof caption, tr("%c: %s"), char('A' + k), names[std::size_t(k)].c_str());
        titles.push_back(caption);
        std::snprintf(caption, sizeof caption, tr("t = %d/%d  ln SNR %.3g%s"), t, s.T(), s.log_snr[std::size_t(t)],
                      ddpm::schedule_info(s.params.kind).family == ddpm::ScheduleFamily::VP ? "" : tr(" (VP-scaled)"));
        levels.push_back(caption);
        ts.push_back(t);
        const float wrap = cell_w - 8;
        header = std::max(header, ImGui::CalcTextSize(titles.back().c_str(), nullptr, false, wrap).y +
                                      ImGui::CalcTextSize(levels.back().c_str(), nullptr, false, wrap).y);
    }
    header += ImGui::GetStyle().ItemSpacing.y * 2;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float iw = float(app.renderer.width()), ih = float(app.renderer.height());
    for (int k = 0; k < n; ++k) {
        const ddpm::Schedule& s = *panes[std::size_t(k)];
        const int t = ts[std::size_t(k)];
        const ImVec2 cell(start.x + (k % cols) * cell_w, start.y + (k / cols) * cell_h);
        ImGui::SetCursorScreenPos(cell);
        ImGui::PushTextWrapPos(cell.x - ImGui::GetWindowPos().x + cell_w - 8);
        ImGui::TextUnformatted(titles[std::size_t(k)].c_str());
        ImGui::SetCursorScreenPos(ImVec2(cell.x, ImGui::GetCursorScreenPos().y));   // not the window's left
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextUnformatted(levels[std::size_t(k)].c_str());
        ImGui::PopStyleColor();
        ImGui::PopTextWrapPos();
        const ImVec2 box(cell_w - 8, cell_h - header - 8);
        if (iw <= 0 || box.x < 8 || box.y < 8) continue;
        const float zoom = std::min(box.x / iw, box.y / ih);
        const ImVec2 origin(cell.x + (box.x - iw * zoom) * 0.5f, cell.y + header + (box.y - ih * zoom) * 0.5f);
        draw_view(app, ddpm::gpu::xt_uniforms(s, t, app.seed), origin, zoom, ImVec2(cell.x, cell.y + header),
                  ImVec2(cell.x + box.x, cell.y + header + box.y));
    }
    ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + avail.y));
    ImGui::Dummy(ImVec2(0, 0));
    ImGui::End();
}
