// The translation catalogue: complete, in step with the tr() strings of app/, and switched live.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "i18n.h"
#include "settings.h"

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The C escapes xgettext and tr("...") literals use.
std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
    return out;
}

struct Entry {
    std::string msgstr;
    bool fuzzy = false;
};

// msgid -> entry of a .po/.pot file (the header, msgid "", left out).
std::map<std::string, Entry> read_po(const std::filesystem::path& path) {
    std::map<std::string, Entry> entries;
    std::istringstream in(read_text(path));
    std::string line, msgid, msgstr, *field = nullptr;
    bool fuzzy = false, have = false;
    auto flush = [&] {
        if (have && !msgid.empty()) entries[msgid] = {msgstr, fuzzy};
        msgid.clear(), msgstr.clear(), fuzzy = false, have = false, field = nullptr;
    };
    const std::regex quoted("\"((?:[^\"\\\\]|\\\\.)*)\"");
    while (std::getline(in, line)) {
        if (line.rfind("#,", 0) == 0) {
            if (have) flush();
            fuzzy = fuzzy || line.find("fuzzy") != std::string::npos;
            continue;
        }
        if (line.rfind("msgid ", 0) == 0) {
            if (have) flush();
            have = true;
            field = &msgid;
        } else if (line.rfind("msgstr ", 0) == 0) {
            field = &msgstr;
        } else if (line.empty() || line[0] == '#') {
            continue;
        }
        std::smatch m;
        if (field && std::regex_search(line, m, quoted)) *field += unescape(m[1].str());
    }
    flush();
    return entries;
}

// Every tr("...") and N_("...") literal in app/ (adjacent literals joined, as the compiler does).
std::set<std::string> app_literals() {
    std::set<std::string> literals;
    const std::regex call("\\b(?:tr|N_)\\(\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*)+)\\)");
    const std::regex piece("\"((?:[^\"\\\\]|\\\\.)*)\"");
    for (const auto& f : std::filesystem::recursive_directory_iterator(std::filesystem::path(DDPM_SOURCE_DIR) / "app")) {
        if (f.path().extension() != ".cpp" && f.path().extension() != ".h") continue;
        // Code only: comment lines may show tr() in examples.
        std::string text;
        std::istringstream lines(read_text(f.path()));
        for (std::string line; std::getline(lines, line);)
            if (line.find_first_not_of(" \t") == std::string::npos || line.compare(line.find_first_not_of(" \t"), 2, "//") != 0)
                text += line + "\n";
        for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
            const std::string args = (*it)[1].str();
            std::string joined;
            for (auto p = std::sregex_iterator(args.begin(), args.end(), piece); p != std::sregex_iterator(); ++p)
                joined += unescape((*p)[1].str());
            if (!joined.empty() && joined != "...") literals.insert(joined);
        }
    }
    return literals;
}

const std::filesystem::path kPo = std::filesystem::path(DDPM_SOURCE_DIR) / "po";

}  // namespace

TEST_CASE("zh_CN catalogue translates every msgid, none fuzzy") {
    const auto po = read_po(kPo / "zh_CN.po");
    const auto pot = read_po(kPo / "ddpm-viz.pot");
    REQUIRE(pot.size() > 50);
    for (const auto& [msgid, entry] : pot) {
        INFO("msgid: " << msgid);
        const auto it = po.find(msgid);
        REQUIRE(it != po.end());
        CHECK_FALSE(it->second.msgstr.empty());
        CHECK_FALSE(it->second.fuzzy);
    }
}

TEST_CASE("every tr() string of app/ is in the .pot and translated in zh_CN.po") {
    // A new view whose strings are not extracted (cmake --build build --target pot) and translated fails here.
    const auto pot = read_po(kPo / "ddpm-viz.pot");
    const auto po = read_po(kPo / "zh_CN.po");
    const auto literals = app_literals();
    REQUIRE(literals.size() > 50);
    REQUIRE(literals.count("Play") == 1);   // the scan itself works
    for (const auto& s : literals) {
        INFO("tr(\"" << s << "\") in app/");
        CHECK(pot.count(s) == 1);
        CHECK(po.count(s) == 1);
        if (po.count(s)) CHECK_FALSE(po.at(s).msgstr.empty());
    }
}

TEST_CASE("printf placeholders of each translation match its msgid") {
    const std::regex spec("%[-+ #0]*[0-9*]*(?:\\.[0-9*]+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]");
    auto specs = [&](const std::string& s) {
        std::vector<std::string> out;
        for (auto it = std::sregex_iterator(s.begin(), s.end(), spec); it != std::sregex_iterator(); ++it) out.push_back(it->str());
        return out;
    };
    for (const auto& [msgid, entry] : read_po(kPo / "zh_CN.po")) {
        INFO(msgid << " -> " << entry.msgstr);
        CHECK(specs(msgid) == specs(entry.msgstr));
    }
}

TEST_CASE("tr() switches between English and Chinese while running") {
    REQUIRE_FALSE(i18n::locale_dir().empty());
    std::string why;
    REQUIRE(i18n::set_language("zh_CN", &why));
    CHECK(std::string(tr("Play")) == "播放");
    CHECK(std::string(tr("Schedule")) == "方差调度");
    CHECK(std::string(tr("not in the catalogue")) == "not in the catalogue");
    REQUIRE(i18n::set_language("en"));
    CHECK(std::string(tr("Play")) == "Play");
    CHECK_FALSE(i18n::set_language("xx", &why));
    CHECK(why.find("unknown language") != std::string::npos);
    CHECK(i18n::current_language() == "en");
}

TEST_CASE("the language comes from a locale name") {
    CHECK(i18n::normalize("zh_CN.UTF-8") == "zh_CN");
    CHECK(i18n::normalize("zh_CN:en_US") == "zh_CN");
    CHECK(i18n::normalize("zh") == "zh_CN");
    CHECK(i18n::normalize("en_GB.UTF-8") == "en");
    CHECK(i18n::normalize("C") == "en");
    CHECK(i18n::normalize("C.UTF-8") == "en");
    CHECK(i18n::normalize("de_DE@euro") == "");
}

TEST_CASE("the font atlas is asked for exactly the catalogue's non-ASCII codepoints") {
    const auto points = i18n::catalogue_codepoints("zh_CN");
    std::set<uint32_t> expected;
    for (const auto& [msgid, entry] : read_po(kPo / "zh_CN.po"))
        for (uint32_t cp : i18n::utf8_codepoints(entry.msgstr))
            if (cp >= 0x80) expected.insert(cp);
    CHECK(std::set<uint32_t>(points.begin(), points.end()) == expected);
    CHECK(std::is_sorted(points.begin(), points.end()));
    CHECK(std::count(points.begin(), points.end(), 0x64ad) == 1);   // 播
    CHECK(i18n::catalogue_codepoints("en").empty());
}

TEST_CASE("UTF-8 decoding skips broken bytes") {
    CHECK(i18n::utf8_codepoints("a中") == std::vector<uint32_t>{'a', 0x4e2d});
    CHECK(i18n::utf8_codepoints("\xe4\xb8") == std::vector<uint32_t>{});   // cut in the middle
    CHECK(i18n::utf8_codepoints("\xff" "b") == std::vector<uint32_t>{'b'});
}

TEST_CASE("settings round trip and survive a broken file") {
    const auto dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "settings";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "settings.json").string();
    Settings s;
    s.ui_scale = 1.5f;
    s.language = "zh_CN";
    for (int i = 0; i < 10; ++i) add_recent(s, "/photos/" + std::to_string(i) + ".png");
    add_recent(s, "/photos/5.png");
    REQUIRE(s.recent.size() == std::size_t(kMaxRecent));
    CHECK(s.recent.front() == "/photos/5.png");
    REQUIRE(save_settings(path, s).ok());
    const Settings back = load_settings(path);
    CHECK(back.ui_scale == 1.5f);
    CHECK(back.language == "zh_CN");
    CHECK(back.recent == s.recent);
    std::ofstream(path) << "{not json";
    CHECK(load_settings(path).ui_scale == 1.0f);
    std::ofstream(path) << R"({"ui_scale": 1000})";
    CHECK(load_settings(path).ui_scale == kMaxUiScale);
}

TEST_CASE("UI scale steps come back to 100%") {
    CHECK(next_ui_scale(1.0f, +1) == Approx(1.1f));
    CHECK(next_ui_scale(next_ui_scale(1.0f, +1), -1) == Approx(1.0f));
    CHECK(next_ui_scale(2.0f, +1) == Approx(2.25f));
    CHECK(next_ui_scale(2.25f, -1) == Approx(2.0f));
    CHECK(next_ui_scale(1.05f, -1) == Approx(1.0f));
    CHECK(next_ui_scale(kMaxUiScale, +1) == kMaxUiScale);
    CHECK(next_ui_scale(kMinUiScale, -1) == kMinUiScale);
}
