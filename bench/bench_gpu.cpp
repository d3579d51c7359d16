// The x_t render pass against a plain textured copy of the same size (the fill-rate limit), on an
// EGL surfaceless context. glFinish makes each iteration include the GPU's work.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
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

// The chain's x_t as the window meets it (bench_chain.cpp's CPU twins): a cold jump (a far t, nothing
// of its path kept but the top), scrubbing t -> t + 1, a drag of 5..20 steps either way. Each frame is
// ChainNodes' walk of the levels not kept, then the x_t pass reading y_t from its node; closed_ms is the
// closed-form pass timed in the same run, x_closed the ratio. range(1) = T.
enum class Move { Cold, Scrub, Drag };
void gpu_chain(benchmark::State& state, Move move) {
    const int n = int(state.range(0)), T = int(state.range(1));
    if (!prepare(state, n)) return;
    ddpm::ScheduleParams p;
    p.T = T;
    const auto schedule = ddpm::make_schedule(p);
    const ddpm::ChainSchedule chain = ddpm::make_chain_schedule(*schedule);
    ddpm::gpu::Renderer& r = *gpu().renderer;
    ddpm::gpu::RenderTarget target;
    ddpm::gpu::ChainNodes nodes;   // the window's budget (512 MB)
    const auto ms_since = [](std::chrono::steady_clock::time_point start) {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    double closed[5];
    for (double& ms : closed) {
        const auto start = std::chrono::steady_clock::now();
        r.render_xt(target, ddpm::gpu::xt_uniforms(*schedule, T / 2, 1));
        glFinish();
        ms = ms_since(start);
    }
    std::sort(closed, closed + 5);
    uint32_t rnd = 12345;
    const auto next = [&] { return rnd = rnd * 1664525u + 1013904223u; };
    int t = T / 3;
    r.render_xt(target, nodes.xt_uniforms(r, chain, t, 1));
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
        r.render_xt(target, nodes.xt_uniforms(r, chain, t, 1));
        glFinish();
        total_ms += ms_since(start);
        levels += nodes.levels_last();
    }
    const double frame = total_ms / double(state.iterations());
    state.counters["closed_ms"] = closed[2];
    state.counters["chain_ms"] = frame;
    state.counters["x_closed"] = frame / closed[2];
    state.counters["levels"] = double(levels) / double(state.iterations());
    state.SetItemsProcessed(state.iterations() * int64_t(n) * n);
}
void BM_gpu_chain_cold(benchmark::State& state) { gpu_chain(state, Move::Cold); }
void BM_gpu_chain_scrub(benchmark::State& state) { gpu_chain(state, Move::Scrub); }
void BM_gpu_chain_drag(benchmark::State& state) { gpu_chain(state, Move::Drag); }

// The chain walked in the x_t pass itself, every level every frame (what the window does when three
// nodes of the image do not fit ChainNodes' budget).
void BM_gpu_chain_unkept(benchmark::State& state) {
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

BENCHMARK(BM_gpu_chain_cold)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(4)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_chain_scrub)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_chain_drag)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Iterations(12)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_chain_unkept)->ArgsProduct({{512, 1024, 2048}, {1000, 100000}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_xt)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gpu_copy)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
