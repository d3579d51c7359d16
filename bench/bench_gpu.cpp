// The x_t render pass against a plain textured copy of the same size (the fill-rate limit), on an
// EGL surfaceless context. glFinish makes each iteration include the GPU's work.
#include <benchmark/benchmark.h>

#include <memory>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/schedule.h"
#include "headless_gl.h"
#include "renderer.h"

namespace {

// One context and renderer for the whole run; null when this machine has no EGL OpenGL.
struct Gpu {
    std::unique_ptr<ddpm::gpu::HeadlessGl> gl;
    std::unique_ptr<ddpm::gpu::Renderer> renderer;
    std::string error;
};
Gpu& gpu() {
    static Gpu g = [] {
        Gpu g;
        auto gl = ddpm::gpu::HeadlessGl::create();
        if (!gl) return g.error = gl.error(), std::move(g);
        g.gl = std::move(*gl);
        g.renderer = std::make_unique<ddpm::gpu::Renderer>();
        if (ddpm::Status s = g.renderer->init(); !s) g.error = s.error, g.renderer.reset();
        return g;
    }();
    return g;
}

bool prepare(benchmark::State& state, int n) {
    Gpu& g = gpu();
    if (!g.renderer) {
        state.SkipWithError(g.error.c_str());
        return false;
    }
    ddpm::Image x0{n, n, std::vector<float>(std::size_t(n) * n * 3)};
    for (std::size_t i = 0; i < x0.data.size(); ++i) x0.data[i] = float(i % 255) / 127.5f - 1;
    if (ddpm::Status s = g.renderer->upload(x0); !s) {
        state.SkipWithError(s.error.c_str());
        return false;
    }
    return true;
}

void BM_gpu_xt(benchmark::State& state) {
    const int n = int(state.range(0));
    if (!prepare(state, n)) return;
    const auto schedule = ddpm::make_schedule(ddpm::ScheduleParams{});
    ddpm::gpu::RenderTarget target;
    int t = 1;
    for (auto _ : state) {
        gpu().renderer->render_xt(target, ddpm::gpu::xt_uniforms(*schedule, t, 1));
        glFinish();
        t = t % 1000 + 1;
    }
    state.SetItemsProcessed(state.iterations() * int64_t(n) * n);
}

void BM_gpu_copy(benchmark::State& state) {
    const int n = int(state.range(0));
    if (!prepare(state, n)) return;
    ddpm::gpu::RenderTarget target;
    for (auto _ : state) {
        gpu().renderer->render_copy(target);
        glFinish();
    }
    state.SetItemsProcessed(state.iterations() * int64_t(n) * n);
}

// The chain's x_t while scrubbing (t, t + 1, ...), range(1) = T: coefficients on the CPU, then one pass
// of 1 + ceil(log2 T) levels. No level is cached between frames, so a cold jump costs the same.
void BM_gpu_chain(benchmark::State& state) {
    const int n = int(state.range(0)), T = int(state.range(1));
    if (!prepare(state, n)) return;
    ddpm::ScheduleParams p;
    p.T = T;
    const auto schedule = ddpm::make_schedule(p);
    const ddpm::ChainSchedule chain = ddpm::make_chain_schedule(*schedule);
    ddpm::gpu::RenderTarget target;
    int t = T / 2;
    for (auto _ : state) {
        gpu().renderer->render_xt(target, ddpm::gpu::chain_xt_uniforms(chain, t, 1));
        glFinish();
        t = t % T + 1;
    }
    state.SetItemsProcessed(state.iterations() * int64_t(n) * n);
}

}  // namespace

BENCHMARK(BM_gpu_chain)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_xt)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_copy)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
