#pragma once
// Every string a person reads in the window goes through tr() where it is shown (style.md §13):
// tr("Play"), ImGui::Text(tr("t = %d of %d"), t, T). Sentences with placeholders, never glued
// fragments, so a translator can reorder them. The catalogue is GNU gettext's: po/*.po, compiled
// with msgfmt at build time (build/locale) and installed under share/locale.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

// Marks a msgid for the catalogue where it is defined (a table of labels) and translated later,
// where it is shown, with tr(). xgettext reads both keywords.
constexpr const char* N_(const char* msgid) { return msgid; }

// The current language's translation of msgid, or msgid itself (English, or not translated).
const char* tr(const char* msgid);

namespace i18n {

struct Language {
    const char* code;   // "en", "zh_CN": the catalogue's name, --lang, the settings file
    const char* name;   // in its own language, as the Language menu shows it
};
// The languages the window speaks, English first.
std::span<const Language> languages();

// "zh_CN" for zh_CN.UTF-8, zh, zh_CN:en ...; "en" for en_GB, C, POSIX; "" for a language we lack.
std::string normalize(const std::string& value);
// The first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set, normalized; "en" when none names ours.
std::string language_from_environment();

// Switches tr() to `code` ("en", "zh_CN") from now on; false (and English) for an unknown code or
// a missing catalogue, with the reason in *why.
bool set_language(const std::string& code, std::string* why = nullptr);
const std::string& current_language();

// The folder holding LANG/LC_MESSAGES/ddpm-viz.mo: next to the binary (../share/locale), the build
// tree, or the install prefix; "" when no catalogue is found.
std::string locale_dir();
// The codepoints above ASCII that the catalogue of `code` uses in its translations (read from the
// .mo), sorted; empty for English or a missing catalogue. The font atlas loads only these glyphs.
std::vector<uint32_t> catalogue_codepoints(const std::string& code);
// The codepoints of UTF-8 text (invalid bytes skipped).
std::vector<uint32_t> utf8_codepoints(const std::string& text);

}  // namespace i18n
