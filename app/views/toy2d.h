#pragma once
// The 2D toy view's own state (app/views/toy2d.cpp): data, caches of the forward and reverse
// process, and the GL objects that draw the points.
#include <glad/gl.h>

#include <array>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "ddpm/sampling.h"
#include "ddpm/toy.h"
#include "renderer.h"

struct App;

struct Toy2dState {
    // --- Settings (widgets).
    int source = 0;                   // index into kPresets, then kSourceImage, kSourceDrawn, kSourceCsv
    int n = 10000;                    // points of a preset or from the image
    bool chain = false;               // the Markov chain instead of the closed form
    bool heat = true, trails = false, drawing = false;
    float bandwidth = 0;              // data bandwidth h of the density and the denoiser
    int sampler = 0;                  // 0 DDPM, 1 DDIM
    int steps = 100, samples = 2000;
    std::string csv_path;

    // --- Data and caches.
    ddpm::toy::Points data, eps, drawn;
    std::vector<uint32_t> colors;
    uint64_t data_version = 0;        // bumped on every change of data
    bool data_stale = true;
    std::string data_error;
    std::string built_image;          // the image and seed the data was built from
    uint32_t built_seed = 0;
    ddpm::ScheduleParams reverse_params;   // the schedule the reverse ran on
    ddpm::SamplingParams reverse_sampling;  // and its sampling timesteps
    ddpm::toy::ChainCache chain_cache;
    ddpm::toy::Points trail_data;     // the points with trails (a subset)
    ddpm::toy::ChainCache trail_cache;
    std::vector<double> grid;         // density heat map of all data points, shown for (grid_t, grid_h, grid_version)
    int grid_g = 64, grid_t = -1;
    float grid_h = -1;
    uint64_t grid_version = ~uint64_t(0);
    struct HeatJob {
        std::vector<double> grid;
        int t;
        float h;
        uint64_t version;
        double ms;                    // how long density_grid took
    };
    std::future<HeatJob> heat_pending;   // the next heat map, on a worker thread
    std::vector<float> heat_ms, view_ms;   // per heat map and per frame (CPU side of the view), for --benchmark-frames
    ddpm::toy::ReversePath reverse;   // empty: the forward process is shown
    std::vector<uint32_t> reverse_colors;
    std::future<ddpm::toy::ReversePath> pending;   // a reverse run on a worker thread
    bool pending_play = false;        // animate it when it arrives
    bool reverse_playing = false;
    double reverse_carry = 0;

    // --- GPU.
    ddpm::gpu::Program program;
    std::string gl_error;
    GLuint vao = 0, pos_buffer = 0, eps_buffer = 0, color_buffer = 0, heat_texture = 0;
    uint64_t uploaded_version = ~uint64_t(0);
    int uploaded_kind = -1, uploaded_t = -1;   // what pos_buffer holds: 0 x0, 1 chain x_t, 2 reverse step
    std::size_t uploaded_count = 0;
    // Software renderers (llvmpipe) get the points splatted on the CPU into a texture instead of GL
    // points (toy::splat_points); DDPM_TOY_POINTS=gl or =splat forces one way.
    bool software = false;
    ddpm::toy::Splat splat;
    GLuint splat_texture = 0;
    std::array<double, 9> splat_key{};
    uint64_t reverse_version = 0;     // bumped when a reverse run arrives
    // The draw of this frame, read by the draw-list callback.
    float signal = 1, noise = 0, point_size = 2;
    float canvas[4] = {0, 0, 0, 0};   // x0, y0, x1, y1 in screen coordinates
    double lo = -3.5, hi = 3.5;
    std::size_t draw_count = 0;

    ~Toy2dState();
};
constexpr int kSourceImage = int(ddpm::toy::kPresets.size()), kSourceDrawn = kSourceImage + 1, kSourceCsv = kSourceImage + 2;
