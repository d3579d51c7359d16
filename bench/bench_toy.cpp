// Toy distributions: one reverse step of 10k samples over 2k data points (the exact denoiser is a
// softmax over all data points per sample: 20M kernel evaluations a step), all cores; the forward
// chain; the density heat map over all data points; and the window's point draw on the GPU alone.
// The whole window's frame time at 10k / 100k points is measured by
// `ddpm-viz --view toy2d --toy-points N --benchmark-frames 300` (README), which also prints its stages.
#include <benchmark/benchmark.h>

#include <memory>

#include "ddpm/parallel.h"
#include "ddpm/toy.h"
#include "headless_gl.h"
#include "renderer.h"

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

// The window's heat map: the exact density on 64 x 64 cells over all N points, range(1) = t
// (t = 10: narrow kernels, most tiles skipped; t = 1000: every point reaches every cell).
void BM_toy_density_grid_64(benchmark::State& state) {
    const Schedule s = *make_schedule({});
    const toy::Points data = toy::make_preset(toy::Preset::Moons, int(state.range(0)), 1);
    const toy::Marginal m = toy::marginal(s, int(state.range(1)), 0);
    for (auto _ : state) benchmark::DoNotOptimize(toy::density_grid(data, m, 64, -3.5, 3.5).data());
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_toy_density_grid_64)
    ->ArgsProduct({{300, 10000, 100000}, {10, 100, 1000}})
    ->ArgNames({"points", "t"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// What the window does on a software renderer instead: splat N points into an 800 x 800 RGBA picture on
// the CPU (toy::splat_points), t changing every frame; uploading it is one 2.5 MB texture copy.
void BM_toy_splat_points(benchmark::State& state) {
    const int n = int(state.range(0));
    const Schedule s = *make_schedule({});
    const toy::Points x0 = toy::make_preset(toy::Preset::Moons, n, 1), eps = toy::closed_form_eps(std::size_t(n), 1);
    std::vector<uint32_t> colors = toy::start_colors(x0);
    for (auto& c : colors) c |= 0xa0000000u;
    toy::Splat canvas;
    canvas.width = canvas.height = 800;
    int t = 0;
    for (auto _ : state) {
        toy::splat_points(x0, &eps, float(s.sqrt_alpha_bar[std::size_t(t)]), float(s.sqrt_one_minus_alpha_bar[std::size_t(t)]), colors,
                          -3.5, 3.5, n > 50000 ? 1 : 2, canvas);
        benchmark::DoNotOptimize(canvas.rgba.data());
        t = (t + 7) % 1001;
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_toy_splat_points)->Arg(10000)->Arg(100000)->ArgName("points")->Unit(benchmark::kMillisecond)->UseRealTime();

// The 2D view's point pass on a hardware GPU: N GL points of size 1 (the window's size above 50k points) from
// x0 and eps buffers mixed by the vertex shader, into an 800 x 800 target, glFinish per frame.
// Its own EGL context, made when this benchmark first runs (bench_toy.cpp sorts after bench_gpu.cpp,
// whose benchmarks have run by then).
void BM_toy_points_draw(benchmark::State& state) {
    static auto gl = gpu::HeadlessGl::create();
    if (!gl) return state.SkipWithError(gl.error().c_str());
    const int n = int(state.range(0)), side = 800;
    gpu::Program program;
    const std::string head = "#version 330 core\n#line 1\n";
    if (Status st = program.load(head + gpu::shader_file("toy_points_vert.glsl"), head + gpu::shader_file("toy_points_frag.glsl")); !st)
        return state.SkipWithError(st.error.c_str());
    const toy::Points x0 = toy::make_preset(toy::Preset::Moons, n, 1), eps = toy::closed_form_eps(std::size_t(n), 1);
    std::vector<uint32_t> colors = toy::start_colors(x0);
    for (auto& c : colors) c |= 0xa0000000u;
    GLuint vao = 0, buffers[3] = {}, fbo = 0, tex = 0;
    glGenVertexArrays(1, &vao);
    glGenBuffers(3, buffers);
    glBindVertexArray(vao);
    const void* data[3] = {x0.data(), eps.data(), colors.data()};
    const std::size_t bytes[3] = {sizeof(toy::Point), sizeof(toy::Point), 4};
    for (int k = 0; k < 3; ++k) {
        glBindBuffer(GL_ARRAY_BUFFER, buffers[k]);
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(std::size_t(n) * bytes[k]), data[k], GL_STATIC_DRAW);
        if (k < 2) glVertexAttribPointer(GLuint(k), 2, GL_FLOAT, GL_FALSE, 0, nullptr);
        else glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
        glEnableVertexAttribArray(GLuint(k));
    }
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, side, side, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
    glViewport(0, 0, side, side);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glEnable(GL_PROGRAM_POINT_SIZE);
    glUseProgram(program.id());
    const Schedule s = *make_schedule({});
    glUniform2f(glGetUniformLocation(program.id(), "u_scale"), 2 / 7.0f, 2 / 7.0f);
    glUniform2f(glGetUniformLocation(program.id(), "u_offset"), 0, 0);
    glUniform1f(glGetUniformLocation(program.id(), "u_point_size"), 1);
    int t = 0;
    for (auto _ : state) {
        glClear(GL_COLOR_BUFFER_BIT);
        glUniform1f(glGetUniformLocation(program.id(), "u_signal"), float(s.sqrt_alpha_bar[std::size_t(t)]));
        glUniform1f(glGetUniformLocation(program.id(), "u_noise"), float(s.sqrt_one_minus_alpha_bar[std::size_t(t)]));
        glDrawArrays(GL_POINTS, 0, n);
        glFinish();
        t = (t + 7) % 1001;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glDeleteFramebuffers(1, &fbo);
    glDeleteTextures(1, &tex);
    glDeleteBuffers(3, buffers);
    glDeleteVertexArrays(1, &vao);
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_toy_points_draw)->Arg(10000)->Arg(100000)->ArgName("points")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
