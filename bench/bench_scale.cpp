// q_sample at growing sizes: ns per pixel should stay flat from 256^2 to 4096^2 when the output
// buffer is reused (q_sample_into) and both cores work.
#include <benchmark/benchmark.h>

#include "ddpm/noise.h"

namespace {

void BM_q_sample_into_ns_per_pixel(benchmark::State& state) {
    const int n = int(state.range(0));
    const ddpm::Image x0 = ddpm::noise_image(n, n, 99);
    const ddpm::Schedule s = *ddpm::make_schedule({});
    ddpm::Image xt;
    uint32_t seed = 0;
    for (auto _ : state) {
        ddpm::q_sample_into(x0, s, 500, seed++, xt, 0);
        benchmark::DoNotOptimize(xt.data.data());
    }
    state.counters["ns_per_pixel"] =
        benchmark::Counter(double(state.iterations()) * n * n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_q_sample_into_ns_per_pixel)->RangeMultiplier(2)->Range(256, 4096)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
