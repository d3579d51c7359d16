// Image files in and out: the value mapping, every format and layout, and hostile files.
#include <stb_image_write.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/png.h"
#include "run.h"

using namespace ddpm;

namespace {

const std::string kCat = DDPM_SOURCE_DIR "/assets/chelsea.png";

void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

void put32(std::string& s, uint32_t v) {
    for (int k = 24; k >= 0; k -= 8) s += char(v >> k);
}
void chunk(std::string& s, const char* type, const std::string& data) {
    put32(s, uint32_t(data.size()));
    const std::string body = type + data;
    s += body;
    put32(s, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}
// A PNG built by hand, so the tests can make layouts our encoder never writes (16-bit, gray+alpha).
std::string png(int w, int h, int depth, int colour, const std::string& raw_rows, bool declare_only = false) {
    std::string s = "\x89PNG\r\n\x1a\n", ihdr;
    put32(ihdr, uint32_t(w));
    put32(ihdr, uint32_t(h));
    ihdr += char(depth), ihdr += char(colour), ihdr += std::string(3, '\0');
    chunk(s, "IHDR", ihdr);
    if (!declare_only) {
        uLongf n = compressBound(uLong(raw_rows.size()));
        std::string z(n, '\0');
        compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw_rows.data()), uLong(raw_rows.size()));
        z.resize(n);
        chunk(s, "IDAT", z);
    }
    chunk(s, "IEND", "");
    return s;
}

}  // namespace

TEST_CASE("8-bit values map to [-1, 1] and back exactly, out-of-range x is clamped", "[image]") {
    for (int v = 0; v < 256; ++v) REQUIRE(to_u8(from_u8(uint8_t(v))) == v);
    CHECK(from_u8(0) == -1.0f);
    CHECK(from_u8(255) == 1.0f);
    CHECK(to_u8(-3.0f) == 0);
    CHECK(to_u8(3.0f) == 255);
    CHECK(to_u8(0.0f) == 128);   // round(127.5)
    CHECK(to_u8(NAN) == 0);
}

TEST_CASE("the sample image loads at its size", "[image]") {
    auto img = load_image(kCat);
    REQUIRE(img.ok());
    CHECK(img->width == 451);
    CHECK(img->height == 300);
    CHECK(img->size() == 451u * 300 * 3);
}

TEST_CASE("our PNG encoder round-trips noisy and smooth images through stb_image", "[image][png]") {
    const Image cat = *load_image(kCat);
    test::TempDir dir;
    for (float noise : {0.0f, 0.05f, 1.0f}) {
        Schedule s = *make_schedule({});
        const int t = noise == 0 ? 0 : noise < 0.5f ? 20 : 1000;
        const Rgb8 rgb = to_rgb8(q_sample(cat, s, t, 4));
        const std::string path = dir / ("x" + std::to_string(t) + ".png");
        REQUIRE(write_png(path, rgb, false).ok());
        auto back = load_image(path);
        REQUIRE(back.ok());
        CHECK(to_rgb8(*back).pixels == rgb.pixels);
    }
}

TEST_CASE("BMP, TGA, JPEG and GIF decode, gray becomes RGB", "[image]") {
    test::TempDir dir;
    const Rgb8 cat = to_rgb8(*load_image(kCat));
    REQUIRE(stbi_write_bmp((dir / "c.bmp").c_str(), cat.width, cat.height, 3, cat.pixels.data()));
    REQUIRE(stbi_write_tga((dir / "c.tga").c_str(), cat.width, cat.height, 3, cat.pixels.data()));
    REQUIRE(stbi_write_jpg((dir / "c.jpg").c_str(), cat.width, cat.height, 3, cat.pixels.data(), 95));
    for (const char* f : {"c.bmp", "c.tga"}) {
        auto img = load_image(dir / f);
        REQUIRE(img.ok());
        CHECK(to_rgb8(*img).pixels == cat.pixels);
    }
    auto jpg = load_image(dir / "c.jpg");
    REQUIRE(jpg.ok());
    double err = 0;
    const Rgb8 j = to_rgb8(*jpg);
    for (std::size_t i = 0; i < j.pixels.size(); ++i) err += std::abs(int(j.pixels[i]) - int(cat.pixels[i]));
    CHECK(err / double(j.pixels.size()) < 4.0);   // quality-95 JPEG: a few levels off on average

    std::vector<uint8_t> g(8 * 4);
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = uint8_t(i * 8);
    REQUIRE(stbi_write_png((dir / "g.png").c_str(), 8, 4, 1, g.data(), 8));
    auto gi = load_image(dir / "g.png");
    REQUIRE(gi.ok());
    for (std::size_t i = 0; i < g.size(); ++i)
        for (int c = 0; c < 3; ++c) REQUIRE(to_rgb8(*gi).pixels[i * 3 + c] == g[i]);

    // A GIF by hand: 2x1, global palette of 2 colours (red, blue), LZW min code size 2.
    const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 2, 0, 1, 0, 0x80, 0, 0,   // 2x1, 2-colour table
                                 255, 0, 0, 0, 0, 255,                                   // red, blue
                                 0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0,                         // image descriptor
                                 2, 2, 0x44, 0x0a, 0, 0x3b};   // 3-bit codes: clear, 0, 1, end
    write_bytes(dir / "r.gif", std::string(reinterpret_cast<const char*>(gif), sizeof gif));
    auto gf = load_image(dir / "r.gif");
    REQUIRE(gf.ok());
    const Rgb8 gr = to_rgb8(*gf);
    CHECK(gr.width == 2);
    CHECK(std::vector<uint8_t>(gr.pixels.begin(), gr.pixels.end()) == std::vector<uint8_t>{255, 0, 0, 0, 0, 255});
}

TEST_CASE("16-bit keeps its precision, alpha is composited over white", "[image]") {
    test::TempDir dir;
    // 16-bit RGB, 2x1: (0, 32768, 65535) and (1000, 2000, 3000).
    std::string rows = std::string(1, '\0');
    for (uint16_t v : {0, 32768, 65535, 1000, 2000, 3000}) rows += char(v >> 8), rows += char(v & 255);
    write_bytes(dir / "d.png", png(2, 1, 16, 2, rows));
    auto img = load_image(dir / "d.png");
    REQUIRE(img.ok());
    CHECK(img->data[0] == -1.0f);
    CHECK(img->data[1] == Approx(32768.0 / 65535 * 2 - 1).margin(1e-6));
    CHECK(img->data[2] == 1.0f);
    CHECK(img->data[3] == Approx(1000.0 / 65535 * 2 - 1).margin(1e-6));   // between two 8-bit levels

    // Gray + alpha 8-bit, 2x1: black at alpha 0 (-> white), black at alpha 255 (-> black).
    write_bytes(dir / "ga.png", png(2, 1, 8, 4, std::string("\0\0\0\0\xff", 5)));
    auto ga = load_image(dir / "ga.png");
    REQUIRE(ga.ok());
    CHECK(to_rgb8(*ga).pixels == std::vector<uint8_t>{255, 255, 255, 0, 0, 0});
    // RGBA half-transparent red over white: (255, 128, 128).
    write_bytes(dir / "rgba.png", png(1, 1, 8, 6, std::string("\0\xff\0\0\x80", 5)));
    auto ra = load_image(dir / "rgba.png");
    REQUIRE(ra.ok());
    const Rgb8 r = to_rgb8(*ra);
    CHECK(r.pixels[0] == 255);
    CHECK(std::abs(int(r.pixels[1]) - 127) <= 1);
}

TEST_CASE("hostile files give an error naming the file, never a crash or a huge allocation", "[image]") {
    test::TempDir dir;
    const std::string cat = test::slurp(kCat);
    write_bytes(dir / "empty.png", "");
    write_bytes(dir / "text.png", "this is not an image\n");
    write_bytes(dir / "half.png", cat.substr(0, cat.size() / 2));
    write_bytes(dir / "header.png", cat.substr(0, 40));
    write_bytes(dir / "huge.png", png(100000, 100000, 8, 2, "", true));
    write_bytes(dir / "wide.png", png(70000, 10, 8, 2, "", true));
    write_bytes(dir / "many.png", png(16384, 16385, 8, 2, "", true));
    std::filesystem::create_directory(dir / "folder.png");
    const std::pair<const char*, const char*> cases[] = {
        {"missing.png", "No such file or directory"},
        {"empty.png", "the file is empty"},
        {"text.png", "not an image ddpm-viz can read"},
        {"half.png", "damaged or truncated"},
        {"header.png", "the file is truncated: its header says 451x300"},
        {"huge.png", "100000x100000 is larger than the limit"},
        {"wide.png", "70000x10 is larger than the limit"},
        {"many.png", "16384x16385 is larger than the limit"},
        {"folder.png", "is a folder"},
    };
    for (const auto& [file, message] : cases) {
        INFO(file);
        auto img = load_image(dir / file);
        REQUIRE_FALSE(img.ok());
        CHECK_THAT(img.error(), Catch::StartsWith(dir / file) && Catch::Contains(message));
    }
}

namespace {
Result<Image> decode(const std::string& bytes, const ImageLimits& limits = {}) {
    return decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "f", limits);
}
std::string tga_header(int type, int w, int h, int bpp) {
    std::string s(18, '\0');
    s[2] = char(type);
    s[12] = char(w & 255), s[13] = char(w >> 8), s[14] = char(h & 255), s[15] = char(h >> 8);
    s[16] = char(bpp);
    return s;
}
}  // namespace

TEST_CASE("the 9-byte JPEG whose DHT code counts sum past 256 is an error (stb overflowed its table)", "[image][hostile]") {
    const std::string jpeg("\xff\xd8\xff\xc4\x00\x91\x00\x7f\x91", 9);
    auto img = decode(jpeg);
    REQUIRE_FALSE(img.ok());
    CHECK_THAT(img.error(), Catch::StartsWith("f: the image data is damaged or truncated"));
    // A DHT segment whose whole length is present but whose counts sum to 16 x 255.
    std::string dht("\xff\xd8\xff\xc4", 4);
    const int len = 2 + 1 + 16 + 255;
    dht += char(len >> 8), dht += char(len & 255), dht += '\0';
    dht += std::string(16, '\xff') + std::string(255, '\0') + "\xff\xd9";
    auto bad = decode(dht);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error(), Catch::Contains("damaged"));
}

TEST_CASE("TGA and PPM headers claiming 16384x16384 are refused as truncated with the sizes", "[image][hostile]") {
    auto tga = decode(tga_header(2, 16384, 16384, 24));   // the 18-byte bomb: 805 MB of pixels claimed
    REQUIRE_FALSE(tga.ok());
    CHECK(tga.error() ==
          "f: the file is truncated: its header says 16384x16384, which needs at least 805306368 bytes of pixels, but it holds 0");
    auto rle = decode(tga_header(10, 16384, 16384, 24) + std::string(100, '\0'));   // run-length: 4 bytes per 128 pixels
    REQUIRE_FALSE(rle.ok());
    CHECK_THAT(rle.error(), Catch::Contains("needs at least 8388608 bytes of run-length data, but it holds 100"));
    auto ppm = decode("P6\n16384 16384\n255\n");   // the 19-byte bomb
    REQUIRE_FALSE(ppm.ok());
    CHECK_THAT(ppm.error(), Catch::Contains("truncated") && Catch::Contains("16384x16384") &&
                                Catch::Contains("805306368 bytes of pixels, but it holds 0"));
    auto bmp = std::string("BM") + std::string(8, '\0') + std::string("\x36\0\0\0\x28\0\0\0", 8) +
               std::string("\0\x40\0\0\0\x40\0\0\x01\0\x18\0", 12) + std::string(24, '\0');   // 16384x16384, 24 bits
    auto bm = decode(bmp);
    REQUIRE_FALSE(bm.ok());
    CHECK_THAT(bm.error(), Catch::Contains("truncated") && Catch::Contains("16384x16384"));
    // A PNG whose IDAT is far smaller than deflate's 1032:1 ceiling allows for its size.
    auto pngbomb = decode(png(8000, 8000, 8, 2, std::string(100, '\0')));
    REQUIRE_FALSE(pngbomb.ok());
    CHECK_THAT(pngbomb.error(), Catch::Contains("truncated") && Catch::Contains("bytes of compressed pixels"));
}

TEST_CASE("the truncated PPM \"P6 763 4625J\" and short PPM data are errors", "[image][hostile]") {
    auto img = decode(std::string("P6\n 763 4625J\xc4", 14));
    REQUIRE_FALSE(img.ok());
    CHECK_THAT(img.error(), Catch::Contains("damaged or truncated"));
    auto shortdata = decode("P6\n 763 4625 255\n" + std::string(1000, 'x'));
    REQUIRE_FALSE(shortdata.ok());
    CHECK_THAT(shortdata.error(), Catch::Contains("763x4625, which needs at least 10586625 bytes of pixels, but it holds 1000"));
    auto overflow = decode("P6\n 99999999999999999999 1 255\n");   // stb overflowed a signed int here
    REQUIRE_FALSE(overflow.ok());
}

TEST_CASE("binary PPM and PGM decode, 8 and 16 bits", "[image]") {
    auto ppm = decode(std::string("P6\n# a comment\n2 1\n255\n\x00\x80\xff\x0a\x14\x1e", 30));
    REQUIRE(ppm.ok());
    CHECK(to_rgb8(*ppm).pixels == std::vector<uint8_t>{0, 128, 255, 10, 20, 30});
    auto pgm = decode(std::string("P5 1 1 65535\n\x80\x00", 15));
    REQUIRE(pgm.ok());
    CHECK(pgm->data[0] == Approx(32768.0 / 65535 * 2 - 1).margin(1e-6));
    CHECK(pgm->data[2] == pgm->data[0]);
}

TEST_CASE("the pixel limit refuses big headers before decoding and can be raised", "[image][hostile]") {
    const std::string ppm = "P6 100 100 255\n" + std::string(30000, '\x40');
    ImageLimits small;
    small.max_pixels = 9999;
    auto refused = decode(ppm, small);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error(), Catch::Contains("100x100 is larger than the limit of 9999 pixels") &&
                                    Catch::Contains("--max-pixels"));
    small.max_pixels = 10000;
    CHECK(decode(ppm, small).ok());
    // Every format checks the limit from its header.
    const Rgb8 tiny{10, 10, std::vector<uint8_t>(300, 7)};
    auto bytes = encode_png(tiny);
    ImageLimits limit99;
    limit99.max_pixels = 99;
    auto p = decode_image(bytes.data(), bytes.size(), "f", limit99);
    REQUIRE_FALSE(p.ok());
    CHECK_THAT(p.error(), Catch::Contains("10x10 is larger than the limit of 99 pixels"));
    auto t = decode(tga_header(2, 10, 10, 24) + std::string(300, '\0'), limit99);
    REQUIRE_FALSE(t.ok());
    CHECK_THAT(t.error(), Catch::Contains("10x10 is larger"));
}

namespace {
// decode_image_compact and load_image_compact of the file at path, checked against decode_image:
// bytes where the samples are 8-bit and opaque, floats otherwise, the same values either way.
void check_compact(const std::string& path, bool expect_bytes) {
    INFO(path);
    const auto bytes = read_file(path);
    REQUIRE(bytes.ok());
    const auto floats = decode_image(bytes->data(), bytes->size(), path);
    REQUIRE(floats.ok());
    const auto decoded = decode_image_compact(bytes->data(), bytes->size(), path);
    const auto loaded = load_image_compact(path);
    REQUIRE(decoded.ok());
    REQUIRE(loaded.ok());
    for (const CompactImage* c : {&*decoded, &*loaded}) {
        CHECK(c->file_hash == fnv1a64(bytes->data(), bytes->size()));
        CHECK(c->rgb8.pixels.empty() == !expect_bytes);
        CHECK(c->image.empty() == expect_bytes);
        CHECK(c->width() == floats->width);
        CHECK(c->height() == floats->height);
        const Image widened = expect_bytes ? from_rgb8(c->rgb8) : c->image;
        CHECK(widened.data == floats->data);   // bit for bit
    }
}
}  // namespace

TEST_CASE("compact decoding keeps opaque 8-bit samples as bytes, equal to the float decode, and the rest as floats",
          "[image][scale]") {
    test::TempDir dir;
    const Rgb8 cat = to_rgb8(*load_image(kCat));
    const int w = cat.width, h = cat.height;
    REQUIRE(stbi_write_png((dir / "rgb.png").c_str(), w, h, 3, cat.pixels.data(), w * 3));
    REQUIRE(stbi_write_bmp((dir / "c.bmp").c_str(), w, h, 3, cat.pixels.data()));
    REQUIRE(stbi_write_tga((dir / "c.tga").c_str(), w, h, 3, cat.pixels.data()));
    REQUIRE(stbi_write_jpg((dir / "c.jpg").c_str(), w, h, 3, cat.pixels.data(), 90));
    std::vector<uint8_t> gray(std::size_t(w) * h);
    for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = cat.pixels[i * 3 + 1];
    REQUIRE(stbi_write_png((dir / "gray.png").c_str(), w, h, 1, gray.data(), w));
    REQUIRE(stbi_write_bmp((dir / "gray.bmp").c_str(), w, h, 1, gray.data()));
    const std::string cat_bytes(cat.pixels.begin(), cat.pixels.end()), gray_bytes(gray.begin(), gray.end());
    const std::string dims = std::to_string(w) + " " + std::to_string(h);
    write_bytes(dir / "c.ppm", "P6\n" + dims + "\n255\n" + cat_bytes);
    write_bytes(dir / "g.pgm", "P5 " + dims + " 255\n" + gray_bytes);
    write_bytes(dir / "trailing.ppm", "P6 " + dims + " 255\n" + cat_bytes + "bytes after the samples");
    // A comment longer than the 64 KiB the file reader looks at for a header: read whole instead.
    write_bytes(dir / "long-comment.ppm", "P6\n#" + std::string(70000, 'c') + "\n" + dims + " 255\n" + cat_bytes);
    // Palette without and with transparency (tRNS), by hand.
    const auto palette_png = [&](bool trns) {
        std::string s = "\x89PNG\r\n\x1a\n", ihdr;
        put32(ihdr, 3), put32(ihdr, 1), ihdr += "\x08\x03", ihdr += std::string(3, '\0');
        chunk(s, "IHDR", ihdr);
        chunk(s, "PLTE", std::string("\xff\x00\x00\x00\xff\x00\x00\x00\xff", 9));
        if (trns) chunk(s, "tRNS", std::string("\x80", 1));
        const std::string raw("\x00\x00\x01\x02", 4);
        uLongf n = compressBound(uLong(raw.size()));
        std::string z(n, '\0');
        compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()));
        z.resize(n);
        chunk(s, "IDAT", z);
        chunk(s, "IEND", "");
        return s;
    };
    write_bytes(dir / "palette.png", palette_png(false));
    write_bytes(dir / "palette-trns.png", palette_png(true));
    std::string rows16 = std::string(1, '\0');
    for (uint16_t v : {0, 32768, 65535, 1000, 2000, 3000}) rows16 += char(v >> 8), rows16 += char(v & 255);
    write_bytes(dir / "d16.png", png(2, 1, 16, 2, rows16));
    write_bytes(dir / "rgba.png", png(1, 1, 8, 6, std::string("\0\xff\0\0\x80", 5)));
    write_bytes(dir / "ga.png", png(2, 1, 8, 4, std::string("\0\0\0\0\xff", 5)));
    write_bytes(dir / "max100.ppm", "P6 1 1 100\n" + std::string("\x00\x32\x64", 3));
    write_bytes(dir / "max1000.pgm", std::string("P5 1 1 1000\n\x01\xf4", 14));
    std::vector<uint8_t> rgba(std::size_t(w) * h * 4, 200);
    REQUIRE(stbi_write_tga((dir / "rgba.tga").c_str(), w, h, 4, rgba.data()));

    for (const char* f : {"rgb.png", "c.bmp", "c.tga", "c.jpg", "gray.png", "gray.bmp", "c.ppm", "g.pgm",
                          "trailing.ppm", "long-comment.ppm", "palette.png"})
        check_compact(dir / f, true);
    for (const char* f : {"palette-trns.png", "d16.png", "rgba.png", "ga.png", "max100.ppm", "max1000.pgm", "rgba.tga"})
        check_compact(dir / f, false);
}

TEST_CASE("the PPM/PGM and PNG file readers refuse what the in-memory decoder refuses, with the same message",
          "[image][hostile]") {
    test::TempDir dir;
    const auto cat = read_file(kCat);
    REQUIRE(cat.ok());
    const std::string cat_png(cat->begin(), cat->end());
    std::string flipped = cat_png;
    flipped[flipped.size() / 2] ^= 0x10;   // inside IDAT: a CRC or inflate error
    std::map<std::string, std::string> files{
        {"bomb.png", png(16000, 16000, 8, 2, "", true)},
        {"cut.png", cat_png.substr(0, cat_png.size() / 2)},
        {"flipped.png", flipped},
        {"no-ihdr.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, 'x')},
        {"short.ppm", "P6 100 100 255\n" + std::string(29999, '\x40')},
        {"bomb.ppm", "P6 16384 16384 255\n"},
        {"huge.ppm", "P6 70000 2 255\n" + std::string(420000, '\0')},
        {"maxval.ppm", "P6 1 1 0\n\x00\x00\x00"},
        {"header.ppm", "P6 12"},
    };
    for (const auto& [name, bytes] : files) {
        INFO(name);
        write_bytes(dir / name, bytes);
        auto from_file = load_image_compact(dir / name);
        auto in_memory = load_image(dir / name);
        REQUIRE_FALSE(from_file.ok());
        REQUIRE_FALSE(in_memory.ok());
        CHECK(from_file.error() == in_memory.error());
    }
    CHECK_THAT(load_image_compact(dir / "bomb.png").error(), Catch::Contains("truncated") && Catch::Contains("16000x16000"));
    CHECK_THAT(load_image_compact(dir / "short.ppm").error(),
               Catch::Contains("truncated") && Catch::Contains("30000 bytes of pixels, but it holds 29999"));
    CHECK_THAT(load_image_compact(dir.path.string()).error(), Catch::Contains("is a folder"));
}

TEST_CASE("every seed of the image fuzzer (each format and layout) decodes alike through all three paths", "[image]") {
    int files = 0, compact_bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(DDPM_SOURCE_DIR "/tests/fuzz/corpus/image")) {
        const std::string path = entry.path().string();
        INFO(path);
        const auto floats = load_image(path);
        const auto decoded = [&] {
            const auto bytes = read_file(path);
            return decode_image_compact(bytes->data(), bytes->size(), path);
        }();
        const auto loaded = load_image_compact(path);
        for (const auto* c : {&decoded, &loaded}) {
            REQUIRE(c->ok() == floats.ok());
            if (!floats) {
                CHECK(c->error() == floats.error());
                continue;
            }
            const Image widened = (*c)->image.empty() ? from_rgb8((*c)->rgb8) : (*c)->image;
            CHECK(widened.width == floats->width);
            CHECK(widened.data == floats->data);
            compact_bytes += !(*c)->rgb8.pixels.empty();
        }
        ++files;
    }
    CHECK(files >= 17);
    CHECK(compact_bytes == 2 * 7);   // the seven opaque 8-bit seeds stay 8-bit on both paths (stb gives GIFs as RGBA)
}

TEST_CASE("a BMP whose colour indices run past its palette is refused (stb read its uninitialised entries)",
          "[image][hostile]") {
    // 8x2 pixels at 1 bit, a BITMAPINFOHEADER and `colours` palette entries (black, white, ...).
    const auto bmp = [](int colours, uint8_t row0) {
        std::string s = "BM";
        const auto le = [&](uint32_t v, int bytes) {
            for (int k = 0; k < bytes; ++k) s += char(v >> (8 * k));
        };
        const uint32_t offset = 14 + 40 + 4 * colours;
        le(offset + 8, 4), le(0, 4), le(offset, 4);
        le(40, 4), le(8, 4), le(2, 4), le(1, 2), le(1, 2), le(0, 4), le(8, 4), le(0, 4), le(0, 4), le(colours, 4), le(0, 4);
        for (int c = 0; c < colours; ++c) le(c ? 0x00ffffff : 0, 4);
        s += char(row0), s += std::string(3, '\0'), s += std::string(4, '\0');   // two rows of 4 bytes
        return s;
    };
    auto two = decode(bmp(2, 0xf0));
    REQUIRE(two.ok());
    const Rgb8 rgb = to_rgb8(*two);
    CHECK(rgb.pixels[0] == 0);   // bottom-up: the top row is the file's second, all index 0
    CHECK(rgb.pixels[std::size_t(8 + 4) * 3] == 0);    // first row, fifth pixel: index 0, black
    CHECK(rgb.pixels[std::size_t(8 + 0) * 3] == 255);  // first row, first pixel: index 1, white
    // One colour: index 0 everywhere is fine, an index 1 is not.
    CHECK(decode(bmp(1, 0x00)).ok());
    auto one = decode(bmp(1, 0x01));
    REQUIRE_FALSE(one.ok());
    CHECK_THAT(one.error(), Catch::Contains("colour index 1 is outside the BMP's palette of 1"));
    // No palette at all.
    CHECK_THAT(decode(bmp(0, 0x00)).error(), Catch::Contains("palette missing"));
}
