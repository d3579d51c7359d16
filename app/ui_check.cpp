#include "ui_check.h"

#include <algorithm>
#include <cfloat>
#include <cstdio>

std::vector<std::string> clipped_text_report(const ImDrawData& data) {
    std::vector<std::string> report;
    const ImGuiIO& io = ImGui::GetIO();
    const ImTextureID font = io.Fonts->TexID;
    const ImVec2 white = io.Fonts->TexUvWhitePixel;
    // Anti-aliased lines are drawn from the atlas too (its baked line strips): not text.
    ImVec4 lines(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX);
    for (const ImVec4& uv : io.Fonts->TexUvLines)
        lines = ImVec4(std::min(lines.x, std::min(uv.x, uv.z)), std::min(lines.y, std::min(uv.y, uv.w)),
                       std::max(lines.z, std::max(uv.x, uv.z)), std::max(lines.w, std::max(uv.y, uv.w)));
    const auto is_line = [&](ImVec2 uv) { return uv.x >= lines.x && uv.x <= lines.z && uv.y >= lines.y && uv.y <= lines.w; };
    // Anti-aliased edges reach half a pixel out; a glyph's own box a pixel or so past its advance.
    constexpr float kSlack = 1.5f;
    const float font_size = ImGui::GetFontSize();
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList& list = *data.CmdLists[l];
        const char* owner = list._OwnerName ? list._OwnerName : "?";
        for (const ImDrawCmd& cmd : list.CmdBuffer) {
            if (cmd.UserCallback || cmd.TextureId != font) continue;
            int out = 0;
            float y0 = FLT_MAX, y1 = -FLT_MAX;
            // ImGui leaves out glyphs wholly outside the clip rectangle and emits the one that straddles
            // its side: a cut line shows as a glyph triangle reaching past it.
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawVert* v[3];
                bool glyph = true;
                float top = FLT_MAX, bottom = -FLT_MAX, left = FLT_MAX, right = -FLT_MAX;
                for (int k = 0; k < 3; ++k) {
                    v[k] = &list.VtxBuffer[int(cmd.VtxOffset + list.IdxBuffer[int(cmd.IdxOffset + i + unsigned(k))])];
                    glyph = glyph && (v[k]->uv.x != white.x || v[k]->uv.y != white.y) && !is_line(v[k]->uv);
                    top = std::min(top, v[k]->pos.y), bottom = std::max(bottom, v[k]->pos.y);
                    left = std::min(left, v[k]->pos.x), right = std::max(right, v[k]->pos.x);
                }
                // Glyphs are at most a line or two high; taller textured quads are not text. Only rows
                // on screen: scrolled-out rows are the scrollbar's business.
                if (!glyph || bottom - top > 2.5f * font_size || top < cmd.ClipRect.y || bottom > cmd.ClipRect.w) continue;
                if (right > cmd.ClipRect.z + kSlack || left < cmd.ClipRect.x - kSlack) {
                    ++out;
                    y0 = std::min(y0, top), y1 = std::max(y1, bottom);
                }
            }
            if (out == 0) continue;
            char line[512];
            std::snprintf(line, sizeof line, "%s: %d glyph triangles past x = %.0f..%.0f (y %.0f..%.0f)", owner, out,
                          cmd.ClipRect.x, cmd.ClipRect.z, y0, y1);
            report.push_back(line);
        }
    }
    return report;
}
