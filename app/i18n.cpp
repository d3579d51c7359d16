#include "i18n.h"

#include <libintl.h>

#include <algorithm>
#include <array>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

// glibc's counter of loaded catalogues: incrementing it makes gettext look LANGUAGE up again
// (the documented way to switch language in a running program, gettext manual 11.5).
extern "C" int _nl_msg_cat_cntr;

namespace i18n {
namespace {

constexpr const char* kDomain = "ddpm-viz";
constexpr std::array<Language, 2> kLanguages{{{"en", "English"}, {"zh_CN", "简体中文"}}};

std::string& current() {
    static std::string language = "en";
    return language;
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

bool has_catalogue(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& l : kLanguages)
        if (std::filesystem::exists(dir / l.code / "LC_MESSAGES" / (std::string(kDomain) + ".mo"), ec)) return true;
    return false;
}

}  // namespace

std::span<const Language> languages() { return kLanguages; }

std::string normalize(const std::string& value) {
    // The first entry of a LANGUAGE list; the language part before _territory, .codeset or @modifier.
    const std::string first = value.substr(0, value.find(':'));
    const std::string lang = first.substr(0, first.find_first_of("_.@"));
    if (lang == "zh") return "zh_CN";
    if (lang == "en" || lang == "C" || lang == "POSIX") return "en";
    return "";
}

std::string language_from_environment() {
    for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (!value || !*value) continue;
        const std::string lang = normalize(value);
        return lang.empty() ? "en" : lang;
    }
    return "en";
}

std::string locale_dir() {
    std::vector<std::filesystem::path> dirs;
    if (const auto exe = executable_dir(); !exe.empty()) dirs.push_back(exe.parent_path() / "share" / "locale");
#ifdef DDPM_BUILD_LOCALE_DIR
    dirs.emplace_back(DDPM_BUILD_LOCALE_DIR);
#endif
#ifdef DDPM_INSTALL_LOCALE_DIR
    dirs.emplace_back(DDPM_INSTALL_LOCALE_DIR);
#endif
    for (const auto& d : dirs)
        if (has_catalogue(d)) return d.string();
    return {};
}

bool set_language(const std::string& code, std::string* why) {
    const bool known = std::any_of(kLanguages.begin(), kLanguages.end(), [&](const Language& l) { return code == l.code; });
    current() = "en";
    if (!known) {
        if (why) *why = "unknown language '" + code + "' (known: en, zh_CN)";
        return false;
    }
    if (code == "en") return true;
    const std::string dir = locale_dir();
    if (dir.empty() || !std::filesystem::exists(std::filesystem::path(dir) / code / "LC_MESSAGES" / (std::string(kDomain) + ".mo"))) {
        if (why) *why = "no " + code + " catalogue (" + kDomain + ".mo) next to the program or under its install prefix";
        return false;
    }
    bindtextdomain(kDomain, dir.c_str());
    bind_textdomain_codeset(kDomain, "UTF-8");
    // gettext translates nothing in the C locale; C.UTF-8 is built into glibc, so it works even
    // where zh_CN.UTF-8 was never generated. Only LC_MESSAGES: numbers keep their '.'.
    const char* locale = std::setlocale(LC_MESSAGES, "");
    if (!locale || std::strcmp(locale, "C") == 0 || std::strcmp(locale, "POSIX") == 0)
        std::setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", code.c_str(), 1);
    ++_nl_msg_cat_cntr;
    current() = code;
    return true;
}

const std::string& current_language() { return current(); }

std::vector<uint32_t> utf8_codepoints(const std::string& text) {
    std::vector<uint32_t> points;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t length = text.size();
    for (std::size_t k = 0; k < length;) {
        const unsigned char c = s[k];
        const int extra = c < 0x80 ? 0 : c >= 0xf8 ? -1 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
        if (extra < 0 || k + std::size_t(extra) >= length) {
            ++k;
            continue;
        }
        uint32_t cp = extra == 0 ? c : c & (0x3fu >> extra);
        for (int e = 1; e <= extra; ++e) cp = (cp << 6) | (s[k + std::size_t(e)] & 0x3fu);
        points.push_back(cp);
        k += std::size_t(extra) + 1;
    }
    return points;
}

std::vector<uint32_t> catalogue_codepoints(const std::string& code) {
    std::vector<uint32_t> points;
    const std::string dir = locale_dir();
    if (code == "en" || dir.empty()) return points;
    std::ifstream in(std::filesystem::path(dir) / code / "LC_MESSAGES" / (std::string(kDomain) + ".mo"), std::ios::binary);
    const std::string mo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The .mo layout (gettext manual 10.3): magic, revision, N, offset of the originals' table,
    // offset of the translations' table; each table entry is (length, offset), little-endian here.
    auto u32 = [&](std::size_t at) -> uint32_t {
        if (at + 4 > mo.size()) return 0;
        uint32_t v;
        std::memcpy(&v, mo.data() + at, 4);
        return v;
    };
    if (u32(0) != 0x950412deu) return points;
    const uint32_t n = u32(8), translations = u32(16);
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t length = u32(translations + 8 * std::size_t(i)), offset = u32(translations + 8 * std::size_t(i) + 4);
        if (std::size_t(offset) + length > mo.size()) break;
        for (uint32_t cp : utf8_codepoints(mo.substr(offset, length)))
            if (cp >= 0x80) points.push_back(cp);
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    return points;
}

}  // namespace i18n

const char* tr(const char* msgid) {
    // English is the msgids themselves; "" would fetch the catalogue's header.
    if (i18n::current_language() == "en" || !msgid || !*msgid) return msgid;
    return dgettext("ddpm-viz", msgid);
}
