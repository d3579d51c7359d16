#pragma once
// Text in exported figures (filmstrip and animation labels, plot titles and legends, the chain
// strip's captions): TrueType faces drawn with stb_truetype, from font files the program finds
// (the app asks fontconfig; core reads only the files it is given), with stb_easy_font's ASCII
// bitmap glyphs when there is none. The labels' words follow the program's language through a
// translation function the app supplies; core itself knows no catalogue and no GUI.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ddpm/result.h"

namespace ddpm {

// A parsed TrueType/OpenType (glyf) face; immutable, shared by the export threads.
struct TextFace;
// Face `index` of a .ttf, .otf or .ttc file; an error names the file and what is wrong with it.
Result<std::shared_ptr<const TextFace>> load_text_face(const std::string& path, int index = 0);
// True when the face has a glyph for the codepoint.
bool face_has_glyph(const TextFace& face, uint32_t codepoint);

// What exported text is drawn with. Process-wide, like the C locale: the app sets it once it knows
// its language and fonts (start-up, View > Language); exports running meanwhile see either the old
// or the new one whole.
struct ExportText {
    std::vector<std::shared_ptr<const TextFace>> faces;   // per character the first that has it; none: bitmap font
    const char* (*translate)(const char* msgid) = nullptr;  // the labels' words; nullptr: English
};
void set_export_text(ExportText text);
ExportText export_text();

// A label's words in the program's language (the xgettext keyword for core's strings). English
// while no face is set (the bitmap font has ASCII only) and when the faces lack a character of the
// translation (Chinese without a CJK font).
const char* label_tr(const char* msgid);
// Marks a msgid in a table for the catalogue; translated where it is shown, with label_tr.
constexpr const char* label_tr_noop(const char* msgid) { return msgid; }
// `format` with its first %s replaced by `value` (a translation cannot make it read past the end).
std::string fill_label(const char* format, const std::string& value);

}  // namespace ddpm
