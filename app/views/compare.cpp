// Compare schedules as images: A (the current schedule) and up to three pinned ones, each pane x_t of
// the same image and seed, synced by t, by t/T, or by log_snr (B shows the t where its log_snr equals A's).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <string>

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
    ImGui::SetNextWindowSize(ImVec2(720, 480), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin((std::string(tr("Compare schedules")) + "###Compare schedules").c_str(), &app.compare.open)) {
        ImGui::End();
        return;
    }
    const char* syncs[] = {tr("same t"), tr("same t/T"), tr("same ln SNR")};
    int sync = int(app.compare.sync);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::Combo(tr("sync"), &sync, syncs, 3)) app.compare.sync = CompareSync(sync);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("A is the current schedule; Pin in the plots adds B, C, D."));

    std::vector<const ddpm::Schedule*> panes{&app.schedule};
    std::vector<std::string> names{ddpm::schedule_label(app.params)};
    for (std::size_t i = 0; i < app.pinned.size() && panes.size() < 4; ++i) {
        panes.push_back(&app.pinned[i].schedule);
        names.push_back(app.pinned[i].name);
    }
    const int n = int(panes.size());
    const int cols = n <= 2 ? n : 2, rows = (n + cols - 1) / cols;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float cell_w = avail.x / cols, cell_h = avail.y / rows;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float iw = float(app.renderer.width()), ih = float(app.renderer.height());
    for (int k = 0; k < n; ++k) {
        const ddpm::Schedule& s = *panes[std::size_t(k)];
        const int t = std::clamp(compare_t(app, s), 0, s.T());
        const ImVec2 cell(start.x + (k % cols) * cell_w, start.y + (k / cols) * cell_h);
        ImGui::SetCursorScreenPos(cell);
        ImGui::PushClipRect(cell, ImVec2(cell.x + cell_w - 8, cell.y + 2 * line), true);   // captions stay in their pane
        char caption[256];
        std::snprintf(caption, sizeof caption, tr("%c: %s"), char('A' + k), names[std::size_t(k)].c_str());
        ImGui::TextUnformatted(caption);
        ImGui::SetCursorScreenPos(ImVec2(cell.x, cell.y + line));
        std::snprintf(caption, sizeof caption, tr("t = %d/%d  ln SNR %.3g%s"), t, s.T(),
                      s.log_snr[std::size_t(t)],
                      ddpm::schedule_info(s.params.kind).family == ddpm::ScheduleFamily::VP ? "" : tr(" (VP-scaled)"));
        ImGui::TextDisabled("%s", caption);
        ImGui::PopClipRect();
        const ImVec2 box(cell_w - 8, cell_h - 2 * line - 8);
        if (iw <= 0 || box.x < 8 || box.y < 8) continue;
        const float zoom = std::min(box.x / iw, box.y / ih);
        const ImVec2 origin(cell.x + (box.x - iw * zoom) * 0.5f, cell.y + 2 * line + (box.y - ih * zoom) * 0.5f);
        draw_view(app, ddpm::gpu::xt_uniforms(s, t, app.seed), origin, zoom, ImVec2(cell.x, cell.y + 2 * line),
                  ImVec2(cell.x + box.x, cell.y + 2 * line + box.y));
    }
    ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + avail.y));
    ImGui::Dummy(ImVec2(0, 0));
    ImGui::End();
}
