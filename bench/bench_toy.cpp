// Toy distributions: one reverse step of 10k samples over 2k data points (the exact denoiser is a
// softmax over all data points per sample: 20M kernel evaluations a step), all cores; the forward
// chain and the density grid. The window's frame time at 10k / 100k points is measured by
// `ddpm-viz --view toy2d --toy-points N --benchmark-frames 200` (README).
#include <benchmark/benchmark.h>

#include "ddpm/parallel.h"
#include "ddpm/toy.h"

using namespace ddpm;

namespace {

void BM_toy_reverse_step(benchmark::State& state) {
    const Schedule s = *make_schedule({});
    const toy::Points data = toy::make_preset(toy::Preset::Moons, 2000, 1);
    toy::Points x = toy::reverse_start(10000, 2);
    int t = 500;
    for (auto _ : state) {
        toy::reverse_step(data, 0, s, state.range(0) ? toy::Sampler::Ddim : toy::Sampler::Ddpm, t, t - 1, x, 3);
        benchmark::DoNotOptimize(x.data());
        t = t > 1 ? t - 1 : 500;
    }
    state.counters["steps/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["threads"] = double(hardware_threads());
}
BENCHMARK(BM_toy_reverse_step)->Arg(0)->Arg(1)->ArgName("ddim")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_toy_chain_100k_points_1000_steps(benchmark::State& state) {
    const Schedule s = *make_schedule({});
    const toy::Points data = toy::make_preset(toy::Preset::Moons, 100000, 1);
    for (auto _ : state) {
        toy::ChainCache chain;
        benchmark::DoNotOptimize(chain.at(data, s, 1, 1000).data());
    }
}
BENCHMARK(BM_toy_chain_100k_points_1000_steps)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_toy_density_grid_64_over_300(benchmark::State& state) {
    const Schedule s = *make_schedule({});
    const toy::Points data = toy::make_preset(toy::Preset::Moons, 300, 1);
    for (auto _ : state) benchmark::DoNotOptimize(toy::density_grid(data, toy::marginal(s, 100, 0), 64, -3.5, 3.5).data());
}
BENCHMARK(BM_toy_density_grid_64_over_300)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
