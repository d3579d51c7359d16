#pragma once
// x_t on the GPU: x0 lives in a texture uploaded once; each render is one fullscreen pass whose
// only inputs are uniforms, with the noise of shaders/noise.glsl (the twin of ddpm::rng).
// Needs a current OpenGL 3.3 core context (a GLFW window or HeadlessGl).
#include <glad/gl.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/result.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"

namespace ddpm::gpu {

// The text of an embedded shaders/NAME file (asserts that it exists).
std::string shader_file(std::string_view name);
// The fullscreen-triangle vertex shader shared by every pass.
std::string vertex_source();
// "#version 330 core" + noise.glsl + xt.glsl + the body file: GLSL has no #include.
std::string fragment_source(std::string_view body_file);

// A linked program. load() keeps the previous program when the new source fails to compile or link.
class Program {
public:
    Program() = default;
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;
    // The error is the driver's log, prefixed with the stage that failed.
    Status load(const std::string& vertex_source, const std::string& fragment_source);
    GLuint id() const { return id_; }

private:
    GLuint id_ = 0;
};

// A color texture of the image's size (RGBA8) with its framebuffer. It samples nearest both ways:
// zoomed in, pixels stay sharp; zoomed out, each screen pixel shows one true x_t value (filtering
// would average the noise away, and costs more on llvmpipe).
class RenderTarget {
public:
    RenderTarget() = default;
    ~RenderTarget();
    RenderTarget(const RenderTarget&) = delete;
    RenderTarget& operator=(const RenderTarget&) = delete;
    void resize(int width, int height);
    // Frees the GPU memory; the next resize allocates again.
    void release();
    GLuint texture() const { return texture_; }
    GLuint framebuffer() const { return framebuffer_; }
    int width() const { return width_; }
    int height() const { return height_; }

private:
    GLuint texture_ = 0, framebuffer_ = 0;
    int width_ = 0, height_ = 0;
};

// The uniforms of one x_t: x_t = sqrt_alpha_bar * x0 + sqrt_one_minus_alpha_bar * eps(key), where eps
// is stream 0's noise (closed form) or the chain path's standardised noise (chain_levels >= 0).
struct XtUniforms {
    float sqrt_alpha_bar = 1, sqrt_one_minus_alpha_bar = 0;
    rng::Key key{0, 0};   // rng::stream_key(seed, kEpsStream)
    int chain_levels = -1;   // -1: closed form
    float chain_to_eps = 0;
    std::array<ChainLevel, kMaxChainLevels> chain{};
    bool operator==(const XtUniforms&) const = default;
};
XtUniforms xt_uniforms(const Schedule& schedule, int t, uint32_t seed);
// x_t of the chain's path (coefficients from chain_path, computed here on the CPU once per t).
XtUniforms chain_xt_uniforms(const ChainSchedule& chain, int t, uint32_t seed);
// The same uniforms with x_t's weights replaced (x0 alone: 1, 0; the noise alone: 0, 1).
XtUniforms with_weights(XtUniforms u, float sqrt_alpha_bar, float sqrt_one_minus_alpha_bar);

// Where the image view sits in the window, in framebuffer pixels from the window's top-left.
struct ViewPlacement {
    float origin_x = 0, origin_y = 0;      // the image's top-left corner
    float zoom = 1;                        // framebuffer pixels per image pixel
    int framebuffer_width = 0, framebuffer_height = 0;
    int clip_x0 = 0, clip_y0 = 0, clip_x1 = 0, clip_y1 = 0;   // draw only inside this rectangle
};

class Renderer {
public:
    Renderer() = default;
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Compiles the embedded shaders; the error holds the driver's log.
    Status init();
    // Uploads x0 (the only upload per image). An image above the GPU's texture size limit is
    // downsized to fit and `note` says so; otherwise `note` is left empty.
    Status upload(const Image& x0, std::string* note = nullptr);
    int width() const { return width_; }
    int height() const { return height_; }
    GLint max_texture_size() const;

    // Renders x_t into target, resized to the image. x0 alone is {1, 0, key}, eps alone {0, 1, key}.
    void render_xt(RenderTarget& target, const XtUniforms& u);
    // The same pass with a plain copy shader (the benchmark's fill-rate baseline).
    void render_copy(RenderTarget& target);
    // x_t straight into the bound framebuffer, only where the view shows it (the window's image
    // view: the cost follows the pixels on screen). Leaves scissor on and blending off.
    void draw_view(const XtUniforms& u, const ViewPlacement& view);

    Program xt_program, copy_program, view_program;

private:
    void begin_pass(RenderTarget& target, GLuint program);
    void use_program(GLuint program);
    void set_xt_uniforms(GLuint program, const XtUniforms& u);
    GLuint x0_texture_ = 0, vertex_array_ = 0;
    int width_ = 0, height_ = 0;
};

// Reads the target back as 8-bit RGB, top row first (the target holds the image top row first).
Rgb8 read_back(const RenderTarget& target);

}  // namespace ddpm::gpu
