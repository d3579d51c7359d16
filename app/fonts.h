#pragma once
// The window's fonts: a UI font from the system (fontconfig: DejaVu Sans or Noto Sans from
// Debian's packages) with ImGui's built-in font as the fallback, and the CJK glyphs a catalogue
// needs merged in from a CJK font (WenQuanYi Micro Hei or Noto Sans CJK). Only the glyphs the
// catalogue uses are rasterised, so a rebuild (new scale, new language) takes milliseconds.
#include <cstdint>
#include <string>
#include <vector>

struct FontFile {
    std::string path;   // "" when none was found
    int index = 0;      // the face inside a .ttc collection
};

struct SystemFonts {
    FontFile ui;    // a sans-serif text face
    FontFile cjk;   // a face with Simplified Chinese glyphs
};
// Asks fontconfig; each entry empty when nothing suitable is installed.
SystemFonts find_system_fonts();

// Rebuilds ImGui's font atlas (io.Fonts) at size_px with the UI font and the CJK glyphs for
// `extra_codepoints`. Call between frames, then recreate the renderer's font texture. Returns a
// note for the status line ("" when all is well), e.g. that no CJK font is installed.
std::string build_font_atlas(const SystemFonts& fonts, float size_px, const std::vector<uint32_t>& extra_codepoints);
