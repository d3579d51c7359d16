#pragma once
// State shared by the chain's views (step.cpp, compare.cpp, probe.cpp): CPU results cached per
// (image, schedule, t, seed) and the GL textures that show them.
#include <glad/gl.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "app.h"
#include "ddpm/chain.h"
#include "ddpm/image.h"

// What a cached result was computed from; recompute when it differs.
struct ChainViewKey {
    const float* image = nullptr;   // app.x0.data.data(): a new image moves in a new buffer
    std::size_t size = 0;
    ddpm::ScheduleParams params;
    int t = -1;
    uint32_t seed = 0;
    int x = -1, y = -1;
    bool operator==(const ChainViewKey&) const = default;
};

// An RGB8 texture for ImGui::Image.
struct ViewTexture {
    GLuint id = 0;
    int width = 0, height = 0;
    void upload(const ddpm::Rgb8& rgb);
    void release();
};

struct ChainViews {
    // Step view: x_{t-1}, eps_t, x_t, posterior mean, posterior sample.
    ChainViewKey step_key;
    std::array<ViewTexture, 5> step_textures;
    bool step_downsized = false;
    // Compare view: histograms of the closed form and the chain at t.
    ChainViewKey compare_key;
    std::vector<float> hist_closed, hist_chain;   // densities over kHistBins bins of [-kHistRange, kHistRange]
    // Probe: the pixel's paths over t.
    ChainViewKey probe_key;
    std::vector<int> probe_ts;
    std::vector<std::array<float, 3>> probe_chain, probe_closed;
    std::vector<std::vector<std::array<float, 3>>> probe_others;
};
constexpr int kHistBins = 96;
constexpr float kHistRange = 4.0f;

ChainViews& chain_views(App& app);
ChainViewKey chain_view_key(const App& app, int t);
