// .npy export: NumPy's version 1.0 format, '<f4', C order, x_t unclamped and exactly q_sample's
// floats; numpy itself reads the file in tests/cli/test_cli_export.cpp.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <regex>

#include "ddpm/export.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "run.h"

using namespace ddpm;

namespace {

struct Npy {
    std::string header;
    std::vector<float> data;
};

// The test's own reader of the format (NEP 1 / numpy.lib.format, version 1.0).
Npy read_npy(const std::string& path) {
    const std::string bytes = test::slurp(path);
    REQUIRE(bytes.size() >= 10);
    REQUIRE(bytes.compare(0, 6, "\x93NUMPY") == 0);
    REQUIRE(bytes[6] == 1);
    REQUIRE(bytes[7] == 0);
    const std::size_t len = std::size_t(uint8_t(bytes[8])) | std::size_t(uint8_t(bytes[9])) << 8;
    REQUIRE((10 + len) % 64 == 0);   // the data is aligned, as numpy writes it
    Npy n;
    n.header = bytes.substr(10, len);
    REQUIRE(n.header.back() == '\n');
    const std::size_t count = (bytes.size() - 10 - len) / 4;
    REQUIRE((bytes.size() - 10 - len) % 4 == 0);
    n.data.resize(count);
    std::memcpy(n.data.data(), bytes.data() + 10 + len, count * 4);
    return n;
}

Image gradient(int w, int h) {
    Rgb8 rgb{w, h, std::vector<uint8_t>(std::size_t(w) * h * 3)};
    for (std::size_t i = 0; i < rgb.pixels.size(); ++i) rgb.pixels[i] = uint8_t(i * 37 % 256);
    return from_rgb8(rgb);
}

}  // namespace

TEST_CASE("npy header: dict, shape tuple and padding as numpy writes them", "[export][npy]") {
    const auto h = npy_header({300, 451, 3});
    const std::string s(h.begin(), h.end());
    CHECK(s.size() % 64 == 0);
    CHECK(s.find("{'descr': '<f4', 'fortran_order': False, 'shape': (300, 451, 3), }") == 10);
    const auto one = npy_header({5});
    CHECK(std::string(one.begin(), one.end()).find("'shape': (5,), }") != std::string::npos);
}

TEST_CASE("npy export holds q_sample's floats unclamped, x0 exactly at t = 0, frames in the order given", "[export][npy]") {
    test::TempDir dir;
    ExportRequest r;
    r.kind = ExportKind::Npy;
    r.x0 = gradient(7, 5);
    r.input_path = "gradient";
    r.params.T = 1000;
    r.seed = 3;
    r.ts = {1000, 0, 500};
    r.out = dir / "xt.npy";
    auto res = run_export(r);
    REQUIRE(res.ok());
    CHECK(res->files.back() == dir / "xt.npy.manifest.json");
    const Npy n = read_npy(r.out);
    CHECK(std::regex_search(n.header, std::regex(R"('shape': \(3, 5, 7, 3\))")));
    REQUIRE(n.data.size() == 3 * r.x0.data.size());
    const Schedule s = *make_schedule(r.params);
    const std::size_t frame = r.x0.data.size();
    bool beyond_one = false;
    for (std::size_t f = 0; f < 3; ++f) {
        const Image want = q_sample(r.x0, s, r.ts[f], r.seed);
        for (std::size_t i = 0; i < frame; ++i) {
            REQUIRE(n.data[f * frame + i] == want.data[i]);
            beyond_one |= std::abs(n.data[f * frame + i]) > 1;
        }
    }
    CHECK(beyond_one);   // unclamped
    // t = 0 is x0 = pixel / 127.5 - 1 exactly.
    for (std::size_t i = 0; i < frame; ++i) REQUIRE(n.data[frame + i] == float(uint8_t(i * 37 % 256)) / 127.5f - 1.0f);

    // One t: shape (H, W, 3).
    r.ts = {250};
    r.out = dir / "one.npy";
    REQUIRE(run_export(r).ok());
    CHECK(std::regex_search(read_npy(r.out).header, std::regex(R"('shape': \(5, 7, 3\))")));
}
