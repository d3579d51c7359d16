// Placeholder: the export panel arrives with core's export module in a later change.
#include "panel_export.h"

#include <imgui.h>

#include "app.h"

void draw_export_panel(App&) {
    if (!ImGui::CollapsingHeader("Export")) return;
    ImGui::TextDisabled("Exports come in a later change;");
    ImGui::TextDisabled("for now use `ddpm-viz export`.");
}
