// Core throughput on a 1024x1024 RGB float image (3.1M values), single-threaded unless named.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "ddpm/noise.h"
#include "ddpm/parallel.h"
#include "ddpm/rng.h"

using namespace ddpm;

namespace {

Image test_image(int n) {
    Image img = noise_image(n, n, 99);
    return img;
}

void BM_q_sample(benchmark::State& state) {
    const int n = int(state.range(0));
    const Image x0 = test_image(n);
    const Schedule s = *make_schedule({});
    uint32_t seed = 0;
    for (auto _ : state) {
        Image xt = q_sample(x0, s, 500, seed++, 1);
        benchmark::DoNotOptimize(xt.data.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(x0.size()) * 8);
}
BENCHMARK(BM_q_sample)->Arg(1024)->Unit(benchmark::kMillisecond);

// numpy's a * x0 + b * rng.standard_normal(shape) at the same size, measured by bench/numpy_q_sample.py
// in this run (best of 15), so the ratio compares like with like on a machine whose speed varies.
struct NumpyTimes {
    double f64_ms = 0, f32_ms = 0;   // 0: numpy or python3 missing
};
NumpyTimes numpy_times(int n) {
    NumpyTimes t;
    const std::string cmd = "/usr/bin/python3 '" DDPM_SOURCE_DIR "/bench/numpy_q_sample.py' " + std::to_string(n) + " 2>/dev/null";
    if (FILE* p = popen(cmd.c_str(), "r")) {
        if (std::fscanf(p, "%lf %lf", &t.f64_ms, &t.f32_ms) != 2) t = {};
        pclose(p);
    }
    return t;
}

// Side by side: numpy first, then ours (best iteration), one thread each.
void BM_q_sample_vs_numpy(benchmark::State& state) {
    const int n = int(state.range(0));
    const Image x0 = test_image(n);
    const Schedule s = *make_schedule({});
    const NumpyTimes np = numpy_times(n);
    if (np.f64_ms == 0) {
        state.SkipWithError("python3-numpy is not installed");
        return;
    }
    Image xt;
    uint32_t seed = 0;
    double best_ms = 1e30;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        q_sample_into(x0, s, 500, seed++, xt, 1);
        benchmark::DoNotOptimize(xt.data.data());
        best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    state.counters["ours_ms"] = best_ms;
    state.counters["numpy_ms"] = np.f64_ms;
    state.counters["numpy_f32_ms"] = np.f32_ms;
    state.counters["x_numpy"] = np.f64_ms / best_ms;
    state.counters["x_numpy_f32"] = np.f32_ms / best_ms;
}
BENCHMARK(BM_q_sample_vs_numpy)->Arg(1024)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_q_sample_threads(benchmark::State& state) {
    const int n = int(state.range(0));
    const Image x0 = test_image(n);
    const Schedule s = *make_schedule({});
    uint32_t seed = 0;
    for (auto _ : state) {
        Image xt = q_sample(x0, s, 500, seed++, 0);
        benchmark::DoNotOptimize(xt.data.data());
    }
    state.counters["threads"] = hardware_threads();
}
BENCHMARK(BM_q_sample_threads)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_q_sample_given_eps(benchmark::State& state) {
    const int n = int(state.range(0));
    const Image x0 = test_image(n), eps = noise_image(n, n, 5);
    std::vector<float> out(x0.size());
    for (auto _ : state) {
        axpby(x0.data.data(), eps.data.data(), 0.28f, 0.96f, out.data(), out.size());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(x0.size()) * 12);
}
BENCHMARK(BM_q_sample_given_eps)->Arg(1024)->Unit(benchmark::kMillisecond);

// a[i] = b[i] + s * c[i] over the same number of floats: the memory-bandwidth bound.
void BM_triad(benchmark::State& state) {
    const std::size_t n = std::size_t(state.range(0)) * std::size_t(state.range(0)) * 3;
    std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
    for (auto _ : state) {
        const float s = 0.5f;
        for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
        benchmark::DoNotOptimize(a.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n) * 12);
}
BENCHMARK(BM_triad)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_gaussian(benchmark::State& state) {
    const std::size_t pixels = std::size_t(state.range(0)) * std::size_t(state.range(0)), n = pixels * 3;
    std::vector<float> out(n);
    uint32_t seed = 0;
    for (auto _ : state) {
        rng::fill_normal3(rng::stream_key(seed++, 0), 0, out.data(), pixels);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_gaussian)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
