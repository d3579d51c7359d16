// The export module: t lists, file names, every kind read back, manifests, overwrite rules, and
// failed or cancelled exports that must leave nothing behind.
#include <gif_lib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ddpm/export.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/png.h"
#include "run.h"

using namespace ddpm;
namespace fs = std::filesystem;

namespace {

const std::string kCat = DDPM_SOURCE_DIR "/assets/chelsea.png";

ExportRequest cat_request(ExportKind kind, const std::string& out, std::vector<int> ts) {
    ExportRequest r;
    r.kind = kind;
    auto bytes = read_file(kCat);
    REQUIRE(bytes.ok());
    r.x0 = *decode_image(bytes->data(), bytes->size(), kCat);
    r.input_path = kCat;
    r.input_hash = fnv1a64(bytes->data(), bytes->size());
    r.ts = std::move(ts);
    r.seed = 7;
    r.out = out;
    r.name = "cat";
    return r;
}

using test::listing;

std::vector<uint8_t> bytes_of(const std::string& path) {
    auto b = read_file(path);
    REQUIRE(b.ok());
    return *b;
}

// Runs body in a forked child (its own limits and user); returns the child's exit code.
template <class F>
int in_child(F&& body) {
    const pid_t pid = fork();
    if (pid == 0) _exit(body());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("t lists: a number, a comma list, an inclusive START:STOP:STEP range", "[export]") {
    CHECK(*parse_t_list("500", 1000) == std::vector<int>{500});
    CHECK(*parse_t_list("0,10,100,1000", 1000) == std::vector<int>{0, 10, 100, 1000});
    CHECK(*parse_t_list("0:1000:250", 1000) == std::vector<int>{0, 250, 500, 750, 1000});
    CHECK(*parse_t_list("0:10:4", 1000) == std::vector<int>{0, 4, 8});
    CHECK(*parse_t_list("3:5", 1000) == std::vector<int>{3, 4, 5});
    CHECK(*parse_t_list("1000:0:-500", 1000) == std::vector<int>{1000, 500, 0});
    CHECK(*parse_t_list(" 1, 2:4:2 ", 10) == std::vector<int>{1, 2, 4});
    CHECK(parse_t_list("0:1000:25", 1000)->size() == 41);
}

TEST_CASE("bad t lists are errors that say what is wrong", "[export]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"abc", "'abc' is not a timestep"}, {"", "is not a timestep"}, {"1,,2", "is not a timestep"},
        {"1001", "t = 1001 is outside 0..1000"}, {"-1", "outside 0..1000"}, {"0:2000:10", "t = 2000 is outside"},
        {"0:10:0", "step of 0"}, {"10:0:5", "never reaches 0"}, {"1:2:3:4", "not a timestep"}, {"2.5", "not a timestep"}};
    for (const auto& [text, message] : cases) {
        INFO(text);
        auto r = parse_t_list(text, 1000);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains(message));
    }
}

TEST_CASE("sequence names are zero-padded to the digits of T", "[export]") {
    CHECK(sequence_file_name("cat", 42, 1000) == "cat_t0042.png");
    CHECK(sequence_file_name("cat", 1000, 1000) == "cat_t1000.png");
    CHECK(sequence_file_name("x", 7, 50) == "x_t07.png");
    CHECK(sequence_file_name("x", 7, 5) == "x_t7.png");
    CHECK(sequence_file_name("x", 7, 100000) == "x_t000007.png");
}

TEST_CASE("a frame export is the PNG of q_sample, with a manifest that reproduces it", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Frame, dir / "x300.png", {300});
    auto result = run_export(r);
    REQUIRE(result.ok());
    CHECK(result->files == std::vector<std::string>{dir / "x300.png", dir / "x300.png.manifest.json"});
    const Schedule s = *make_schedule(r.params);
    CHECK(bytes_of(dir / "x300.png") == encode_png(to_rgb8(q_sample(r.x0, s, 300, 7))));

    const auto m = nlohmann::json::parse(test::slurp(dir / "x300.png.manifest.json"));
    CHECK(m["ddpm_viz_version"] == DDPM_VERSION);
    CHECK(m["kind"] == "frame");
    CHECK(m["files"] == nlohmann::json::array({"x300.png"}));
    CHECK(m["input"]["path"] == kCat);
    const auto cat = bytes_of(kCat);
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a64(cat.data(), cat.size())));
    CHECK(m["input"]["fnv1a64"] == hash);
    CHECK(m["input"]["width"] == 451);
    CHECK(m["schedule"]["schedule"] == "linear");
    CHECK(m["schedule"]["T"] == 1000);
    CHECK(m["schedule"]["beta_start"] == 1e-4);
    CHECK(m["schedule"]["beta_end"] == 0.02);
    CHECK(m["schedule"]["zero_terminal_snr"] == false);
    CHECK(m["seed"] == 7);
    CHECK(m["t"] == nlohmann::json::array({300}));
    CHECK(m["view"] == "xt");
    CHECK(listing(dir.path) == std::vector<std::string>{"x300.png", "x300.png.manifest.json"});
}

TEST_CASE("x0 given as 8-bit samples exports the same bytes and manifest as x0 given as floats", "[export][scale]") {
    test::TempDir dir;
    struct Case {
        ExportKind kind;
        std::string view, out;
        std::vector<int> ts;
        Process process = Process::Closed;
        int max_side = 0;
    };
    // The streamed frame at t = 0 and t > 0, and every path that widens the bytes to floats first.
    const std::vector<Case> cases{
        {ExportKind::Frame, "xt", "f0.png", {0}},
        {ExportKind::Frame, "xt", "f500.png", {500}},
        {ExportKind::Frame, "xt", "f999.png", {999}},
        {ExportKind::Frame, "xt", "small.png", {300}, Process::Closed, 200},
        {ExportKind::Frame, "xt", "chain.png", {300}, Process::Chain},
        {ExportKind::Frame, "equation", "eq.png", {300}},
        {ExportKind::Filmstrip, "xt", "strip.png", {0, 500, 1000}},
    };
    for (const auto& c : cases) {
        INFO(c.out);
        auto floats = cat_request(c.kind, dir / ("a-" + c.out), c.ts);
        floats.view = c.view, floats.process = c.process, floats.max_side = c.max_side;
        auto bytes = floats;
        bytes.out = dir / ("b-" + c.out);
        bytes.x0_rgb8 = to_rgb8(floats.x0);
        bytes.x0 = {};
        REQUIRE(from_rgb8(bytes.x0_rgb8).data == floats.x0.data);   // the sample decodes to exact 8-bit values
        REQUIRE(run_export(floats).ok());
        REQUIRE(run_export(bytes).ok());
        CHECK(bytes_of(floats.out) == bytes_of(bytes.out));
        auto manifest = [](const std::string& path) {
            auto m = nlohmann::json::parse(test::slurp(path + ".manifest.json"));
            m.erase("files");   // the only difference: the file names
            return m;
        };
        CHECK(manifest(floats.out) == manifest(bytes.out));
    }
}

TEST_CASE("the equation view exports x0 + eps = x_t side by side, x_t being the frame itself", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Frame, dir / "eq.png", {300});
    r.view = "equation";
    REQUIRE(run_export(r).ok());
    auto img = load_image(dir / "eq.png");
    REQUIRE(img.ok());
    const Rgb8 sheet = to_rgb8(*img);
    // 451 px tiles: labels at scale 3, gaps of 48 px.
    CHECK(sheet.width == 3 * 451 + 4 * 48);
    const Schedule s = *make_schedule(r.params);
    const Rgb8 xt = to_rgb8(q_sample(r.x0, s, 300, 7)), eps = to_rgb8(noise_image(451, 300, 7));
    for (int y = 0; y < 300; y += 29) {
        const auto tile_row = [&](const Rgb8& tile) { return tile.pixels.begin() + y * 451 * 3; };
        const auto sheet_row = [&](int x) { return sheet.pixels.begin() + ((y + 48) * sheet.width + x) * 3; };
        CHECK(std::equal(tile_row(eps), tile_row(eps) + 451 * 3, sheet_row(48 + 451 + 48)));
        CHECK(std::equal(tile_row(xt), tile_row(xt) + 451 * 3, sheet_row(48 + 2 * (451 + 48))));
    }
    // "+" and "=" in the gaps at mid-height, nothing above them.
    const auto dark = [&](int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) n += sheet.pixels[(std::size_t(y) * sheet.width + x) * 3] < 64;
        return n;
    };
    for (int k = 1; k <= 2; ++k) {
        const int gx = k * (451 + 48);
        CHECK(dark(gx, 48 + 130, gx + 48, 48 + 170) > 10);
        CHECK(dark(gx, 48, gx + 48, 48 + 100) == 0);
    }
    CHECK(nlohmann::json::parse(test::slurp(dir / "eq.png.manifest.json"))["view"] == "equation");
}

TEST_CASE("FNV-1a 64 matches its published test vectors", "[export]") {
    CHECK(fnv1a64(nullptr, 0) == 0xcbf29ce484222325ull);
    CHECK(fnv1a64(reinterpret_cast<const uint8_t*>("a"), 1) == 0xaf63dc4c8601ec8cull);
    CHECK(fnv1a64(reinterpret_cast<const uint8_t*>("foobar"), 6) == 0x85944171f73967e8ull);
}

TEST_CASE("a sequence writes one PNG per t named NAME_tNNNN.png, in a folder it creates", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Sequence, dir / "frames/", *parse_t_list("0:1000:100", 1000));
    r.max_side = 64;
    std::vector<std::pair<int, int>> reports;
    ExportControl control;
    control.progress = [&](int done, int total) { reports.push_back({done, total}); };
    REQUIRE(run_export(r, control).ok());
    std::vector<std::string> want;
    for (int t = 0; t <= 1000; t += 100) want.push_back(sequence_file_name("cat", t, 1000));
    want.push_back("cat.manifest.json");
    std::sort(want.begin(), want.end());
    CHECK(listing(dir / "frames") == want);
    CHECK(want[0] == "cat.manifest.json");
    CHECK(want[1] == "cat_t0000.png");
    // --max-side 64: 451x300 becomes 64x43; every frame decodes at that size.
    const Schedule s = *make_schedule(r.params);
    const Image small = downsize(r.x0, 64);
    CHECK((small.width == 64 && small.height == 43));
    for (int t : r.ts) {
        const std::string f = (fs::path(dir / "frames") / sequence_file_name("cat", t, 1000)).string();
        CHECK(bytes_of(f) == encode_png(to_rgb8(q_sample(small, s, t, 7))));
    }
    // Progress counted every frame once, ending at total.
    REQUIRE(reports.size() == 11);
    CHECK(reports.back() == std::pair{11, 11});
}

TEST_CASE("filmstrip: columns, gap and label rows give the expected size, labels put ink under each tile", "[export]") {
    // A mid-gray image at t = 0 gives flat gray tiles, so any dark pixel is label ink.
    ExportRequest base;
    Rgb8 gray{200, 100, std::vector<uint8_t>(200 * 100 * 3, 128)};
    const Schedule s = *make_schedule({});
    std::vector<Rgb8> tiles(5, gray);
    const std::vector<int> ts = {0, 10, 100, 500, 1000};
    FilmstripOptions o;
    o.columns = 3;
    o.gap = 8;
    o.labels = false;
    const Rgb8 bare = render_filmstrip(tiles, ts, s, o);
    CHECK(bare.width == 3 * 200 + 4 * 8);
    CHECK(bare.height == 2 * 100 + 3 * 8);

    o.labels = true;
    const Rgb8 one = render_filmstrip(tiles, ts, s, o);
    const int label_h = (one.height - bare.height) / 2;
    CHECK(one.width == bare.width);
    CHECK(label_h > 12);   // a line of text at least
    o.extra = FilmstripLabel::AlphaBar;
    const Rgb8 two = render_filmstrip(tiles, ts, s, o);
    CHECK(two.height - one.height == 2 * 12);   // one more 12-pixel text line per row (scale 1 for 200 px tiles)

    const auto ink = [&](const Rgb8& img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) n += img.pixels[(std::size_t(y) * img.width + x) * 3] < 64;
        return n;
    };
    const int cell_h = 100 + label_h;
    for (int i = 0; i < 6; ++i) {
        const int x = 8 + (i % 3) * 208, y = 8 + (i / 3) * (cell_h + 8);
        INFO("tile " << i);
        CHECK(ink(one, x, y, x + 200, y + 100) == 0);                   // the tile itself is untouched gray
        if (i < 5) CHECK(ink(one, x, y + 100, x + 200, y + cell_h) > 20);   // "t = N" under it
        else CHECK(ink(one, x, y, x + 200, y + cell_h) == 0);               // no sixth tile, no label
        // Centred: no ink in the outer fifths of the label band.
        CHECK(ink(one, x, y + 100, x + 40, y + cell_h) == 0);
        CHECK(ink(one, x + 160, y + 100, x + 200, y + cell_h) == 0);
    }
    CHECK(ink(one, 0, 0, one.width, 8) == 0);   // the top gap
    // Longer labels ("t = 1000") have more ink than short ones ("t = 0").
    CHECK(ink(one, 8 + 208, 8 + cell_h + 8 + 100, 8 + 208 + 200, 8 + 2 * cell_h + 8) >
          ink(one, 8, 8 + 100, 8 + 200, 8 + cell_h));
}

TEST_CASE("filmstrip export reads back at the sheet's size", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Filmstrip, dir / "strip.png", {0, 250, 500, 1000});
    r.filmstrip.columns = 2;
    r.filmstrip.gap = 4;
    r.filmstrip.labels = false;
    REQUIRE(run_export(r).ok());
    auto img = load_image(dir / "strip.png");
    REQUIRE(img.ok());
    CHECK(img->width == 2 * 451 + 3 * 4);
    CHECK(img->height == 2 * 300 + 3 * 4);
    // The first tile is x0 itself.
    const Rgb8 sheet = to_rgb8(*img), cat = to_rgb8(r.x0);
    for (int y = 0; y < 300; y += 37)
        CHECK(std::equal(cat.pixels.begin() + y * 451 * 3, cat.pixels.begin() + (y + 1) * 451 * 3,
                         sheet.pixels.begin() + ((y + 4) * sheet.width + 4) * 3));
}

TEST_CASE("GIF decodes with giflib: frame count, size, delay and loop, t = 0 stays recognisable", "[export][gif]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Gif, dir / "noise.gif", {0, 100, 400, 1000});
    r.max_side = 160;
    r.gif.delay_cs = 7;
    r.gif.loop = 0;
    REQUIRE(run_export(r).ok());

    int err = 0;
    GifFileType* gif = DGifOpenFileName((dir / "noise.gif").c_str(), &err);
    REQUIRE(gif != nullptr);
    REQUIRE(DGifSlurp(gif) == GIF_OK);
    CHECK(gif->ImageCount == 4);
    CHECK(gif->SWidth == 160);
    CHECK(gif->SHeight == 106);
    // DGifSlurp files the extensions before an image under that image.
    bool loops_forever = false;
    const SavedImage& first = gif->SavedImages[0];
    for (int i = 0; i + 1 < first.ExtensionBlockCount; ++i) {
        const auto& e = first.ExtensionBlocks[i];
        if (e.Function == APPLICATION_EXT_FUNC_CODE && e.ByteCount == 11 && std::memcmp(e.Bytes, "NETSCAPE2.0", 11) == 0) {
            const auto& data = first.ExtensionBlocks[i + 1];
            loops_forever = data.ByteCount == 3 && data.Bytes[0] == 1 && data.Bytes[1] == 0 && data.Bytes[2] == 0;
        }
    }
    CHECK(loops_forever);
    for (int i = 0; i < gif->ImageCount; ++i) {
        GraphicsControlBlock gcb;
        REQUIRE(DGifSavedExtensionToGCB(gif, i, &gcb) == GIF_OK);
        CHECK(gcb.DelayTime == 7);
        CHECK(gif->SavedImages[i].ImageDesc.Width == 160);
    }
    // Frame 0 against the downsized photo: dithering keeps the local mean, so 4x4 block averages
    // stay within a few levels.
    const SavedImage& f0 = gif->SavedImages[0];
    const ColorMapObject* map = f0.ImageDesc.ColorMap ? f0.ImageDesc.ColorMap : gif->SColorMap;
    REQUIRE(map != nullptr);
    const Rgb8 want = to_rgb8(downsize(r.x0, 160));
    double total_error = 0;
    int blocks = 0;
    for (int by = 0; by + 4 <= 106; by += 4)
        for (int bx = 0; bx + 4 <= 160; bx += 4)
            for (int c = 0; c < 3; ++c) {
                double got = 0, ref = 0;
                for (int y = by; y < by + 4; ++y)
                    for (int x = bx; x < bx + 4; ++x) {
                        const GifColorType col = map->Colors[f0.RasterBits[y * 160 + x]];
                        got += c == 0 ? col.Red : c == 1 ? col.Green : col.Blue;
                        ref += want.pixels[(y * 160 + x) * 3 + c];
                    }
                total_error += std::abs(got - ref) / 16, ++blocks;
            }
    CHECK(total_error / blocks < 3.0);
    DGifCloseFile(gif, &err);
}

TEST_CASE("encode_gif: loop 1 plays once (no NETSCAPE block), frames share nothing", "[export][gif]") {
    Rgb8 a{8, 4, std::vector<uint8_t>(8 * 4 * 3, 0)}, b{8, 4, std::vector<uint8_t>(8 * 4 * 3, 255)};
    auto bytes = encode_gif({a, b, a}, GifOptions{5, 1});
    REQUIRE(bytes.ok());
    const std::string s(bytes->begin(), bytes->end());
    CHECK(s.substr(0, 6) == "GIF89a");
    CHECK(s.find("NETSCAPE2.0") == std::string::npos);
    CHECK_FALSE(encode_gif({}, {}).ok());
}

// Floyd-Steinberg onto a given palette with the nearest colour of each 15-bit bin's centre by a
// scan of every entry (lowest index on ties): what the encoder's pruned search must reproduce.
std::vector<uint8_t> reference_dither(const Rgb8& img, const ColorMapObject& map) {
    const auto nearest = [&](int r, int g, int b) {
        const int cr = (r & ~7) | 4, cg = (g & ~7) | 4, cb = (b & ~7) | 4;
        int best = 0, best_d = 1 << 30;
        for (int i = 0; i < map.ColorCount; ++i) {
            const int dr = cr - map.Colors[i].Red, dg = cg - map.Colors[i].Green, db = cb - map.Colors[i].Blue;
            if (dr * dr + dg * dg + db * db < best_d) best_d = dr * dr + dg * dg + db * db, best = i;
        }
        return best;
    };
    const int w = img.width;
    std::vector<uint8_t> out(std::size_t(w) * img.height);
    std::vector<float> cur((w + 2) * 3, 0.f), next((w + 2) * 3, 0.f);
    for (int y = 0; y < img.height; ++y) {
        std::fill(next.begin(), next.end(), 0.f);
        for (int x = 0; x < w; ++x) {
            int v[3];
            for (int a = 0; a < 3; ++a)
                v[a] = std::clamp(int(img.pixels[(std::size_t(y) * w + x) * 3 + a] + cur[(x + 1) * 3 + a] + 0.5f), 0, 255);
            const int idx = nearest(v[0], v[1], v[2]);
            out[std::size_t(y) * w + x] = uint8_t(idx);
            const GifColorType& c = map.Colors[idx];
            const int got[3] = {c.Red, c.Green, c.Blue};
            for (int a = 0; a < 3; ++a) {
                const float e = float(v[a] - got[a]);
                cur[(x + 2) * 3 + a] += e * (7.f / 16);
                next[x * 3 + a] += e * (3.f / 16);
                next[(x + 1) * 3 + a] += e * (5.f / 16);
                next[(x + 2) * 3 + a] += e * (1.f / 16);
            }
        }
        std::swap(cur, next);
    }
    return out;
}

TEST_CASE("encode_gif: each pixel gets the palette's nearest colour, as a scan of all 256 finds", "[export][gif]") {
    // A noisy frame (x_t at t = 300 of the cat) touches thousands of bins; a photo frame few.
    const Image cat = downsize(*load_image(kCat), 200);
    for (int t : {0, 300, 1000}) {
        const Rgb8 frame = to_rgb8(q_sample(cat, *make_schedule({}), t, 7));
        auto bytes = encode_gif({frame}, {});
        REQUIRE(bytes.ok());
        test::TempDir dir;
        const std::string path = dir / "f.gif";
        std::FILE* f = std::fopen(path.c_str(), "wb");
        std::fwrite(bytes->data(), 1, bytes->size(), f);
        std::fclose(f);
        int err = 0;
        GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
        REQUIRE(gif != nullptr);
        REQUIRE(DGifSlurp(gif) == GIF_OK);
        const SavedImage& img = gif->SavedImages[0];
        const ColorMapObject* map = img.ImageDesc.ColorMap ? img.ImageDesc.ColorMap : gif->SColorMap;
        REQUIRE(map != nullptr);
        INFO("t = " << t << ", " << map->ColorCount << " colours");
        // Padding entries (a power of two) are black and would tie with a real black: compare noisy frames
        // at 256 colours exactly, and photo frames only where the palette is full too.
        if (map->ColorCount == 256) {
            const std::vector<uint8_t> want = reference_dither(frame, *map);
            CHECK(std::equal(want.begin(), want.end(), img.RasterBits));
        }
        CHECK((t == 0 || map->ColorCount == 256));
        DGifCloseFile(gif, &err);
    }
}

TEST_CASE("schedule CSV and JSON exports are exactly schedule_csv and schedule_json", "[export]") {
    test::TempDir dir;
    ExportRequest r;
    r.params = default_params(ScheduleKind::Cosine);
    r.params.T = 50;
    r.kind = ExportKind::ScheduleCsv;
    r.out = dir / "s.csv";
    REQUIRE(run_export(r).ok());
    CHECK(test::slurp(dir / "s.csv") == schedule_csv(*make_schedule(r.params)));
    r.kind = ExportKind::ScheduleJson;
    r.out = dir / "s.json";
    REQUIRE(run_export(r).ok());
    CHECK(test::slurp(dir / "s.json") == schedule_json(*make_schedule(r.params)));
    const auto m = nlohmann::json::parse(test::slurp(dir / "s.json.manifest.json"));
    CHECK(m["kind"] == "schedule-json");
    CHECK(m["schedule"]["schedule"] == "cosine");
    CHECK_FALSE(m.contains("input"));
}

TEST_CASE("plot: axes in dark gray, each curve in its colour, the t marker where asked", "[export]") {
    const Schedule s = *make_schedule({});
    PlotOptions o;
    o.width = 600, o.height = 400;
    o.curves = {"alpha_bar"};
    o.marker_t = 500;
    const Rgb8 img = render_plot(s, o);
    REQUIRE((img.width == 600 && img.height == 400));
    int blue = 0;
    for (std::size_t i = 0; i < img.pixels.size(); i += 3)
        blue += img.pixels[i] == 31 && img.pixels[i + 1] == 119 && img.pixels[i + 2] == 180;
    CHECK(blue > 400);   // a curve across the plot's width
    // alpha_bar falls from 1 to 0: its colour is near the top at the left, near the bottom at the right.
    const auto column_has_blue = [&](int x, int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const uint8_t* p = &img.pixels[(std::size_t(y) * img.width + x) * 3];
            if (p[0] == 31 && p[1] == 119 && p[2] == 180) return true;
        }
        return false;
    };
    CHECK(column_has_blue(80, 0, 100));
    CHECK(column_has_blue(575, 250, 400));
}

TEST_CASE("existing files are kept unless overwrite, a sequence with one clash writes nothing", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Frame, dir / "x.png", {10});
    REQUIRE(run_export(r).ok());
    const auto first = bytes_of(dir / "x.png");
    r.ts = {900};
    auto again = run_export(r);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error() == dir / "x.png" + " already exists; pass --force to replace it");
    CHECK(bytes_of(dir / "x.png") == first);
    r.overwrite = true;
    REQUIRE(run_export(r).ok());
    CHECK(bytes_of(dir / "x.png") != first);

    auto seq = cat_request(ExportKind::Sequence, dir / "seq", {0, 1, 2, 3});
    seq.max_side = 32;
    fs::create_directory(dir / "seq");
    std::ofstream(dir / "seq/cat_t0002.png") << "mine";
    auto clash = run_export(seq);
    REQUIRE_FALSE(clash.ok());
    CHECK_THAT(clash.error(), Catch::Contains("cat_t0002.png already exists"));
    CHECK(listing(dir / "seq") == std::vector<std::string>{"cat_t0002.png"});
    CHECK(test::slurp(dir / "seq/cat_t0002.png") == "mine");
}

TEST_CASE("a cancelled export leaves no files, not even its new folder", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Sequence, dir / "frames/", *parse_t_list("0:1000:10", 1000));
    std::atomic<bool> cancel{false};
    ExportControl control;
    int seen = 0;
    control.progress = [&](int done, int) { seen = done; if (done >= 5) cancel = true; };
    control.cancel = &cancel;
    auto result = run_export(r, control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == "export cancelled; nothing was written");
    CHECK(seen >= 5);
    CHECK(seen < 101);
    CHECK(listing(dir.path).empty());

    for (ExportKind kind : {ExportKind::Gif, ExportKind::Filmstrip}) {
        auto g = cat_request(kind, dir / (kind == ExportKind::Gif ? "a.gif" : "a.png"), {0, 500, 1000});
        cancel = true;
        CHECK_FALSE(run_export(g, control).ok());
        CHECK(listing(dir.path).empty());
        cancel = false;
    }
}

TEST_CASE("an unwritable folder gives one sentence and leaves no files", "[export]") {
    test::TempDir dir;
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directory(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    auto r = cat_request(ExportKind::Sequence, dir / "ro", {0, 500});
    r.max_side = 32;
    // Root writes anywhere: the export runs as nobody in a child.
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    const int code = in_child([&] {
        close(pipe_fds[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) return 3;
        auto result = run_export(r);
        if (result.ok()) return 0;
        (void)!write(pipe_fds[1], result.error().data(), result.error().size());
        return 1;
    });
    close(pipe_fds[1]);
    std::string message(512, '\0');
    message.resize(std::max<ssize_t>(0, read(pipe_fds[0], message.data(), message.size())));
    close(pipe_fds[0]);
    CHECK(code == 1);
    CHECK_THAT(message, Catch::Contains("could not write") && Catch::Contains("Permission denied") &&
                            Catch::EndsWith("nothing was exported"));
    CHECK(listing(dir / "ro").empty());
}

TEST_CASE("an exceeded file-size limit (RLIMIT_FSIZE) fails cleanly: no files, no folder, no SIGXFSZ death", "[export]") {
    test::TempDir dir;
    for (ExportKind kind : {ExportKind::Sequence, ExportKind::Gif, ExportKind::Frame}) {
        const std::string out = kind == ExportKind::Sequence ? dir / "frames/" : kind == ExportKind::Gif ? dir / "a.gif" : dir / "a.png";
        auto r = cat_request(kind, out, kind == ExportKind::Frame ? std::vector<int>{1000} : std::vector<int>{0, 500, 1000});
        INFO(export_kind_name(kind));
        const int code = in_child([&] {
            rlimit limit{64 * 1024, 64 * 1024};   // noisy 451x300 frames are ~400 KB
            setrlimit(RLIMIT_FSIZE, &limit);
            auto result = run_export(r);
            return result.ok() ? 0 : result.error().find("File too large") != std::string::npos ? 1 : 2;
        });
        CHECK(code == 1);
        CHECK(listing(dir.path).empty());
    }
}

TEST_CASE("bad requests are errors, not crashes", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Frame, dir / "x.png", {1, 2});
    CHECK_THAT(run_export(r).error(), Catch::Contains("exactly one t"));
    r.ts = {2000};
    CHECK_THAT(run_export(r).error(), Catch::Contains("t = 2000 is outside 0..1000"));
    r.ts = {5};
    r.params.T = 0;
    CHECK_THAT(run_export(r).error(), Catch::Contains("T"));
    r = cat_request(ExportKind::Frame, dir / "x.png", {5});
    r.x0 = {};
    CHECK_THAT(run_export(r).error(), Catch::Contains("needs an input image"));
    r = cat_request(ExportKind::Frame, dir.path.string(), {5});
    CHECK_THAT(run_export(r).error(), Catch::Contains("is a folder"));
    r = cat_request(ExportKind::Frame, dir / "no/such/folder/x.png", {5});
    CHECK_THAT(run_export(r).error(), Catch::Contains("No such file or directory"));
    CHECK(listing(dir.path).empty());
}

TEST_CASE("a sequence refuses a repeated t, and oversized equation views are refused up front", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Sequence, dir / "frames/", {0, 5, 10, 5});
    CHECK_THAT(run_export(r).error(), Catch::Contains("t = 5 appears twice"));
    r = cat_request(ExportKind::Frame, dir / "eq.png", {300});
    r.view = "equation";
    r.x0 = noise_image(6000, 50, 1);   // three 6000-wide tiles: more than 16384 across
    CHECK_THAT(run_export(r).error(), Catch::Contains("the equation view would be about"));
    // GIFs have no such limit any more: frames are written as they are made (memory is one batch).
    CHECK(listing(dir.path).empty());
}

// Not under AddressSanitizer or ThreadSanitizer: their allocators report running out of memory and
// abort rather than throw std::bad_alloc, and their shadow memory does not fit an RLIMIT_AS this tight.
#if !defined(DDPM_ASAN) && !defined(DDPM_TSAN)
TEST_CASE("running out of memory midway is an error with nothing left behind, not an abort", "[export]") {
    test::TempDir dir;
    auto r = cat_request(ExportKind::Sequence, dir / "frames/", {100, 200, 300, 400});
    r.x0 = noise_image(2048, 2048, 3);   // each frame in flight needs ~70 MB
    const int code = in_child([&] {
        // Address space for what is mapped now plus 40 MB: the workers' frames cannot fit.
        long pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        const rlim_t now = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE));
        rlimit limit{now + (40 << 20), now + (40 << 20)};
        setrlimit(RLIMIT_AS, &limit);
        auto result = run_export(r);
        return result.ok() ? 0 : result.error().find("not enough memory") != std::string::npos ? 1 : 2;
    });
    CHECK(code == 1);
    CHECK(listing(dir.path).empty());
}
#endif
