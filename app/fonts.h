#pragma once
// The window's fonts: a UI font from the system (fontconfig: DejaVu Sans or Noto Sans from
// Debian's packages) with ImGui's built-in font as the fallback, and the CJK glyphs a catalogue
// needs merged in from a CJK font (WenQuanYi Micro Hei or Noto Sans CJK). Only the glyphs the
// catalogue uses are rasterised, so a rebuild (new scale, new language) takes milliseconds.
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/result.h"

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

// Exported figures' text (core's ExportText): these fonts' faces, UI font first, and tr() for the
// labels' words. Faces that cannot be read are skipped (the bitmap font is the last fallback).
void use_fonts_for_exports(const SystemFonts& fonts);
// The command line's exports: tr() in `lang` ("" : LANGUAGE/LC_ALL/LC_MESSAGES/LANG) and the
// system's fonts. An unknown language is an error that lists ours.
ddpm::Status use_language_for_exports(const std::string& lang);
