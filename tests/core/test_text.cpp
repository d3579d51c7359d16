// Text in exported figures: TrueType faces (stb_truetype) with the bitmap font as the fallback, and
// the labels' words through the translation the app supplies.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <map>

#include "ddpm/export.h"
#include "ddpm/schedule.h"
#include "ddpm/text.h"

namespace {

// Debian's fonts-dejavu-core and fonts-wqy-microhei (build.sh installs both).
const char* kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* kWqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

struct ResetText {
    ~ResetText() { ddpm::set_export_text({}); }
};

// Pixels that are not white.
int inked(const ddpm::Rgb8& img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
            n += p[0] < 200 || p[1] < 200 || p[2] < 200;
        }
    return n;
}

ddpm::Rgb8 white(int w, int h) { return {w, h, std::vector<uint8_t>(std::size_t(w) * std::size_t(h) * 3, 255)}; }

const char* chinese(const char* msgid) {
    static const std::map<std::string, const char*> zh = {{"t = %s", "时间步 t = %s"}, {"SNR = %s", "信噪比 SNR = %s"}};
    const auto it = zh.find(msgid);
    return it == zh.end() ? msgid : it->second;
}

}  // namespace

TEST_CASE("a font file that is not a font is an error naming it") {
    auto missing = ddpm::load_text_face("/nonexistent/font.ttf");
    CHECK_FALSE(missing.ok());
    auto not_a_font = ddpm::load_text_face(DDPM_SOURCE_DIR "/README.md");
    REQUIRE_FALSE(not_a_font.ok());
    CHECK(not_a_font.error() == DDPM_SOURCE_DIR "/README.md: not a TrueType or OpenType font (or it has no face 0)");
}

TEST_CASE("fill_label replaces the first %s only, and a format without one is kept") {
    CHECK(ddpm::fill_label("t = %s", "500") == "t = 500");
    CHECK(ddpm::fill_label("%s %s %d", "1") == "1 %s %d");
    CHECK(ddpm::fill_label("none", "1") == "none");
}

TEST_CASE("without a face labels stay English in the bitmap font, with faces they follow the translation") {
    ResetText reset;
    ddpm::set_export_text({});
    CHECK(std::strcmp(ddpm::label_tr("t = %s"), "t = %s") == 0);
    // A translation without a face would draw '?' for every CJK character: it is not used.
    ddpm::set_export_text({{}, chinese});
    CHECK(std::strcmp(ddpm::label_tr("t = %s"), "t = %s") == 0);
    CHECK(ddpm::text_height(2) == 20);
}

TEST_CASE("TrueType labels: ink where text_width says, CJK from the second face, the tiles untouched") {
    if (!std::filesystem::exists(kDejaVu) || !std::filesystem::exists(kWqy)) {
        WARN("fonts-dejavu-core or fonts-wqy-microhei is not installed: TrueType text was not tested");
        return;
    }
    ResetText reset;
    auto dejavu = ddpm::load_text_face(kDejaVu), wqy = ddpm::load_text_face(kWqy, 0);
    REQUIRE(dejavu.ok());
    REQUIRE(wqy.ok());
    CHECK(ddpm::face_has_glyph(**wqy, 0x4e2d));        // 中
    CHECK_FALSE(ddpm::face_has_glyph(**dejavu, 0x4e2d));
    CHECK(ddpm::face_has_glyph(**dejavu, 'a'));

    // The bitmap font's filmstrip, for comparison.
    const auto s = *ddpm::make_schedule({});
    std::vector<ddpm::Rgb8> tiles(3, ddpm::Rgb8{256, 64, std::vector<uint8_t>(256 * 64 * 3, 90)});
    const std::vector<int> ts{0, 500, 1000};
    ddpm::FilmstripOptions o;
    o.extra = ddpm::FilmstripLabel::Snr;
    ddpm::set_export_text({});
    const ddpm::Rgb8 bitmap = ddpm::render_filmstrip(tiles, ts, s, o);

    ddpm::set_export_text({{*dejavu, *wqy}, nullptr});
    CHECK(ddpm::text_height(2) == 24);
    // Ink lies inside the box text_width and text_height promise, and there is some.
    ddpm::Rgb8 canvas = white(300, 40);
    const uint8_t black[3] = {0, 0, 0};
    const int w = ddpm::text_width("t = 500", 2);
    CHECK(w > 40);
    CHECK(w < 120);
    ddpm::draw_text(canvas, 10, 5, "t = 500", 2, black);
    CHECK(inked(canvas, 10, 5, 10 + w + 1, 5 + ddpm::text_height(2)) > 60);
    CHECK(inked(canvas, 0, 0, 300, 40) == inked(canvas, 10, 5, 10 + w + 1, 5 + ddpm::text_height(2)));
    const ddpm::Rgb8 english = ddpm::render_filmstrip(tiles, ts, s, o);

    // Without a CJK face the Chinese words would be '?': the labels stay English.
    ddpm::set_export_text({{*dejavu}, chinese});
    CHECK(std::string(ddpm::label_tr("t = %s")) == "t = %s");
    ddpm::set_export_text({{*dejavu, *wqy}, chinese});
    CHECK(std::string(ddpm::label_tr("t = %s")) == "时间步 t = %s");
    const ddpm::Rgb8 zh = ddpm::render_filmstrip(tiles, ts, s, o);
    // Same sheet, same tiles; the label band below the tiles is inked and differs between the languages.
    REQUIRE(zh.width == english.width);
    REQUIRE(zh.height == english.height);
    REQUIRE(english.width == bitmap.width);
    const int band = o.gap + 64;   // the labels start under the tiles
    auto rows_equal = [](const ddpm::Rgb8& a, const ddpm::Rgb8& b, int y0, int y1) {
        const std::size_t row = std::size_t(a.width) * 3;
        return std::memcmp(a.pixels.data() + row * std::size_t(y0), b.pixels.data() + row * std::size_t(y0),
                           row * std::size_t(y1 - y0)) == 0;
    };
    CHECK(rows_equal(zh, english, 0, band));
    CHECK_FALSE(rows_equal(zh, english, band, zh.height));
    CHECK_FALSE(rows_equal(english, bitmap, band, zh.height));
    CHECK(inked(zh, 0, band, zh.width, zh.height) > 200);
    CHECK(inked(english, 0, band, english.width, english.height) > 200);
    // Anti-aliased: grey levels between ink and paper, which the bitmap font never has.
    auto greys = [](const ddpm::Rgb8& img, int y0) {
        int n = 0;
        for (std::size_t i = std::size_t(y0) * std::size_t(img.width) * 3; i < img.pixels.size(); ++i)
            n += img.pixels[i] > 30 && img.pixels[i] < 220;
        return n;
    };
    CHECK(greys(zh, band) > 50);
    CHECK(greys(bitmap, band) == 0);
}
