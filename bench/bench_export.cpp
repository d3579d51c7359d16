// Export throughput: the project's PNG encoder against stb_image_write's default on the same noisy
// frame (bytes reported so "faster" cannot hide "bigger"), and a whole 200-frame sequence export.
#include <benchmark/benchmark.h>
#include <stb_image_write.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "ddpm/export.h"
#include "ddpm/noise.h"
#include "ddpm/png.h"

using namespace ddpm;

namespace {

// A smooth photo-like 8-bit image: gradients and soft discs (what a teacher would load).
Image smooth_image(int n) {
    Rgb8 rgb{n, n, std::vector<uint8_t>(std::size_t(n) * n * 3)};
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double u = double(x) / n, v = double(y) / n;
            const double d = std::hypot(u - 0.45, v - 0.55);
            uint8_t* p = &rgb.pixels[(std::size_t(y) * n + x) * 3];
            p[0] = uint8_t(std::lround(60 + 150 * u + 40 * std::exp(-d * d * 30)));
            p[1] = uint8_t(std::lround(80 + 100 * v + 60 * std::exp(-d * d * 20)));
            p[2] = uint8_t(std::lround(120 + 80 * std::sin(6 * u) * std::cos(4 * v)));
        }
    return from_rgb8(rgb);
}

// stbi_write_png_to_func: the public entry to stb's in-memory encoder (stbi_write_png_to_mem is
// not declared in the header); the callback only counts.
std::size_t stb_png_size(const Rgb8& frame) {
    std::size_t bytes = 0;
    stbi_write_png_to_func([](void* ctx, void*, int n) { *static_cast<std::size_t*>(ctx) += std::size_t(n); }, &bytes,
                           frame.width, frame.height, 3, frame.pixels.data(), frame.width * 3);
    return bytes;
}

// x_t at t = 500 of the linear schedule: alpha_bar 0.08, so the frame is mostly noise.
Rgb8 noisy_frame(int n) { return to_rgb8(q_sample(smooth_image(n), *make_schedule({}), 500, 1)); }

void BM_png_encode_noisy(benchmark::State& state) {
    const Rgb8 frame = noisy_frame(int(state.range(0)));
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto png = encode_png(frame);
        bytes = png.size();
        benchmark::DoNotOptimize(png.data());
    }
    state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_png_encode_noisy)->Arg(512)->Unit(benchmark::kMillisecond);

// The reference: stb_image_write at its default settings (compression level 8, filter heuristic).
void BM_png_encode_stb_default(benchmark::State& state) {
    const Rgb8 frame = noisy_frame(int(state.range(0)));
    std::size_t bytes = 0;
    for (auto _ : state) bytes = stb_png_size(frame);
    state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_png_encode_stb_default)->Arg(512)->Unit(benchmark::kMillisecond);

// The smooth frame too: it must still compress well (bytes), not only fast.
void BM_png_encode_smooth(benchmark::State& state) {
    const Rgb8 frame = to_rgb8(smooth_image(int(state.range(0))));
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto png = encode_png(frame);
        bytes = png.size();
        benchmark::DoNotOptimize(png.data());
    }
    state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_png_encode_smooth)->Arg(512)->Unit(benchmark::kMillisecond);

void BM_png_encode_smooth_stb_default(benchmark::State& state) {
    const Rgb8 frame = to_rgb8(smooth_image(int(state.range(0))));
    std::size_t bytes = 0;
    for (auto _ : state) bytes = stb_png_size(frame);
    state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_png_encode_smooth_stb_default)->Arg(512)->Unit(benchmark::kMillisecond);

// 200 frames (t = 0, 5, ..., 995) of a 512x512 image through run_export, all cores, to a temp folder.
void BM_export_sequence(benchmark::State& state) {
    namespace fs = std::filesystem;
    std::string tmpl = (fs::temp_directory_path() / "ddpm-bench-XXXXXX").string();
    const fs::path root = mkdtemp(tmpl.data());
    ExportRequest r;
    r.kind = ExportKind::Sequence;
    r.x0 = smooth_image(int(state.range(0)));
    r.input_path = "synthetic";
    r.ts = *parse_t_list("0:995:5", 1000);
    r.name = "frame";
    int run = 0;
    for (auto _ : state) {
        r.out = (root / std::to_string(run++)).string();
        auto result = run_export(r);
        if (!result) state.SkipWithError(result.error().c_str());
        state.PauseTiming();
        fs::remove_all(r.out);
        state.ResumeTiming();
    }
    fs::remove_all(root);
    state.counters["frames_per_second"] = benchmark::Counter(double(r.ts.size()) * double(state.iterations()),
                                                             benchmark::Counter::kIsRate);
}
BENCHMARK(BM_export_sequence)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();

// One GIF frame (median cut + Floyd-Steinberg, one thread) of a 256x256 frame: t = 0 is the photo,
// t = 500 mostly noise, whose colours touch most of the 32768 histogram bins.
void BM_gif_frame(benchmark::State& state) {
    const Image x0 = smooth_image(256);
    const Rgb8 frame = to_rgb8(q_sample(x0, *make_schedule({}), int(state.range(0)), 1));
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto gif = encode_gif({frame}, {}, 1);
        if (!gif) state.SkipWithError(gif.error().c_str());
        else bytes = gif->size();
    }
    state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_gif_frame)->Arg(0)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace
