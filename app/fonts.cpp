#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "ddpm/text.h"
#include "i18n.h"

namespace {

// The best match for `pattern_text` that really has `probe` (fontconfig falls back to any face).
FontFile match(FcConfig* config, const char* family, const char* lang, FcChar32 probe) {
    FontFile file;
    FcPattern* pattern = FcPatternCreate();
    FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
    if (lang) FcPatternAddString(pattern, FC_LANG, reinterpret_cast<const FcChar8*>(lang));
    FcPatternAddInteger(pattern, FC_WEIGHT, FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pattern, FC_SLANT, FC_SLANT_ROMAN);
    FcConfigSubstitute(config, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    if (FcPattern* found = FcFontMatch(config, pattern, &result)) {
        FcChar8* path = nullptr;
        FcCharSet* charset = nullptr;
        int index = 0;
        if (FcPatternGetString(found, FC_FILE, 0, &path) == FcResultMatch &&
            FcPatternGetCharSet(found, FC_CHARSET, 0, &charset) == FcResultMatch && FcCharSetHasChar(charset, probe)) {
            FcPatternGetInteger(found, FC_INDEX, 0, &index);
            // stb_truetype reads TrueType outlines (.ttf, .ttc, .otf with glyf); not Type 1 or bitmaps.
            const std::string p = reinterpret_cast<const char*>(path);
            const std::string ext = p.size() > 4 ? p.substr(p.size() - 4) : "";
            if (ext == ".ttf" || ext == ".ttc" || ext == ".otf" || ext == ".TTF") file = {p, index};
        }
        FcPatternDestroy(found);
    }
    FcPatternDestroy(pattern);
    return file;
}

}  // namespace

SystemFonts find_system_fonts() {
    SystemFonts fonts;
    if (!FcInit()) return fonts;
    FcConfig* config = FcConfigGetCurrent();
    fonts.ui = match(config, "sans-serif", "en", 'a');
    fonts.cjk = match(config, "sans-serif", "zh-cn", 0x4e2d);   // 中
    return fonts;
}

std::string build_font_atlas(const SystemFonts& fonts, float size_px, const std::vector<uint32_t>& extra_codepoints) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    std::string note;
    ImFont* base = nullptr;
    if (!fonts.ui.path.empty()) {
        ImFontConfig c;
        c.FontNo = fonts.ui.index;
        c.OversampleH = 2;
        c.PixelSnapH = false;
        // Latin-1, general punctuation (… – ·), Greek for ε, β, ᾱ in labels, arrows and math.
        static const ImWchar ranges[] = {0x0020, 0x00ff, 0x0370, 0x03ff, 0x2000, 0x206f, 0x2190, 0x21ff, 0x2200, 0x22ff, 0};
        base = io.Fonts->AddFontFromFileTTF(fonts.ui.path.c_str(), std::round(size_px), &c, ranges);
    }
    if (!base) {
        ImFontConfig c;
        c.SizePixels = std::round(size_px * 13.0f / 15.0f);
        base = io.Fonts->AddFontDefault(&c);
        note = "no system UI font found (install fonts-dejavu-core); using the built-in font";
    }
    // Only BMP codepoints fit ImWchar (16 bits here); the catalogue's CJK are all in it.
    ImVector<ImWchar> cjk_ranges;
    ImFontGlyphRangesBuilder builder;
    bool any = false;
    for (uint32_t cp : extra_codepoints)
        if (cp >= 0x80 && cp <= 0xffff) builder.AddChar(ImWchar(cp)), any = true;
    if (any) {
        builder.BuildRanges(&cjk_ranges);
        if (!fonts.cjk.path.empty()) {
            ImFontConfig c;
            c.MergeMode = true;
            c.FontNo = fonts.cjk.index;
            c.OversampleH = 1;
            c.PixelSnapH = true;
            // The atlas copies the ranges' glyphs at Build(); the ranges must live until then.
            io.Fonts->AddFontFromFileTTF(fonts.cjk.path.c_str(), std::round(size_px), &c, cjk_ranges.Data);
        } else {
            note = "no Chinese font found: install fonts-wqy-microhei or fonts-noto-cjk to read 简体中文";
        }
    }
    io.Fonts->Build();
    return note;
}

void use_fonts_for_exports(const SystemFonts& fonts) {
    ddpm::ExportText text;
    for (const FontFile* f : {&fonts.ui, &fonts.cjk})
        if (!f->path.empty())
            if (auto face = ddpm::load_text_face(f->path, f->index)) text.faces.push_back(*face);
    text.translate = tr;
    ddpm::set_export_text(std::move(text));
}

ddpm::Status use_language_for_exports(const std::string& lang) {
    const std::string code = lang.empty() ? i18n::language_from_environment() : i18n::normalize(lang);
    if (code.empty()) {
        std::string known;
        for (const auto& l : i18n::languages()) known += (known.empty() ? "" : ", ") + std::string(l.code);
        return ddpm::Error{"--lang " + lang + " is not a language of ddpm-viz; use one of " + known};
    }
    std::string why;
    if (!i18n::set_language(code, &why)) return ddpm::Error{why};
    use_fonts_for_exports(find_system_fonts());
    return {};
}
