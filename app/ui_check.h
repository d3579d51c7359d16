#pragma once
// The automated usability check (tests/gui): text cut off at the side of its clip rectangle in a
// frame's draw data. Written by `--screenshot` runs when DDPM_VIZ_CLIP_REPORT names a file.
#include <imgui.h>

#include <string>
#include <vector>

// One line per draw command whose glyphs run past its clip rectangle's left or right side, e.g.
// "Controls###Controls: 14 glyph triangles past x = 341 (y 612..628)"; empty when no text is cut.
// Glyphs are the vertices drawn with the font texture outside its white pixel and its line strips.
std::vector<std::string> clipped_text_report(const ImDrawData& data);
