// The chain's x_t against the closed form's, on the CPU (all cores), as the window meets them:
// a cold jump (a far t: nothing of its path kept but the top), scrubbing t -> t + 1, and a drag of
// 5..20 steps either way. Each chain benchmark also times closed-form frames of the same size in the
// same run (closed_ms) and prints the ratio (x_closed), so a loaded machine still gives a fair ratio.
// The GPU twins are in bench_gpu.cpp.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

#include "ddpm/chain.h"
#include "ddpm/noise.h"

using namespace ddpm;

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The median of 5 closed-form frames (q_sample_into, all cores).
double closed_ms(const Image& x0, const Schedule& s) {
    Image out;
    double times[5];
    for (double& ms : times) {
        const auto start = std::chrono::steady_clock::now();
        q_sample_into(x0, s, s.T() / 2, 1, out, 0);
        benchmark::DoNotOptimize(out.data.data());
        ms = ms_since(start);
    }
    std::sort(times, times + 5);
    return times[2];
}

enum class Move { Cold, Scrub, Drag };

void run(benchmark::State& state, Move move) {
    const int n = int(state.range(0)), T = int(state.range(1));
    const Image x0 = noise_image(n, n, 99);
    ScheduleParams p;
    p.T = T;
    const Schedule s = *make_schedule(p);
    const ChainSchedule c = make_chain_schedule(s);
    ChainCache cache(std::size_t(1) << 30);   // 1 GB: 21 nodes at 2048^2
    Image out;
    uint32_t r = 12345;
    const auto next = [&] { return r = r * 1664525u + 1013904223u; };
    int t = T / 3;
    cache.sample(x0, c, t, 1, out);
    const double closed = closed_ms(x0, s);
    double total_ms = 0;
    long levels = 0;
    for (auto _ : state) {
        if (move == Move::Cold) t = 1 + int(next() % uint32_t(T));
        else if (move == Move::Scrub) t = t % T + 1;
        else {
            const int d = 5 + int(next() % 16);
            t = std::clamp(t + ((next() >> 31) ? d : -d), 1, T);
        }
        const auto start = std::chrono::steady_clock::now();
        cache.sample(x0, c, t, 1, out);
        benchmark::DoNotOptimize(out.data.data());
        total_ms += ms_since(start);
        levels += cache.levels_last();
    }
    const double frame = total_ms / double(state.iterations());
    state.counters["closed_ms"] = closed;
    state.counters["chain_ms"] = frame;
    state.counters["x_closed"] = frame / closed;
    state.counters["levels"] = double(levels) / double(state.iterations());
}

void BM_chain_cold(benchmark::State& state) { run(state, Move::Cold); }
void BM_chain_scrub(benchmark::State& state) { run(state, Move::Scrub); }
void BM_chain_drag(benchmark::State& state) { run(state, Move::Drag); }

}  // namespace

BENCHMARK(BM_chain_cold)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(8)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_chain_scrub)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(40)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_chain_drag)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(24)->Unit(benchmark::kMillisecond)->UseRealTime();
