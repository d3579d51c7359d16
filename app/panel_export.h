#pragma once
// The Export section of the window (PNG / GIF / strip / CSV through core's export module).
// Drawn inside the Controls window after the schedule controls: a section, not a window.
struct App;

void draw_export_panel(App& app);
