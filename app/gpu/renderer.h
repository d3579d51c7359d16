#pragma once
// x_t on the GPU: x0 lives in a texture uploaded once; each render is one fullscreen pass whose
// only inputs are uniforms, with the noise of shaders/noise.glsl (the twin of ddpm::rng).
// Needs a current OpenGL 3.3 core context (a GLFW window or HeadlessGl).
#include <glad/gl.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
    GLuint chain_y_texture = 0;   // nonzero: y_t kept by ChainNodes, read instead of walked
    // The step view's linear images (xt.glsl's lin_mode): lin[0] x0 + lin[1] y_t + lin[2] y_prev + lin[3] z,
    // y_t from chain_y_texture, y_prev from prev_texture (0: zeros), z the noise of lin_key.
    bool linear = false;
    std::array<float, 4> lin{};
    GLuint prev_texture = 0;
    rng::Key lin_key{0, 0};
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

    Program xt_program, copy_program, view_program, walk_program;
    // Bumped by every upload (ChainNodes drops its nodes when the image changes).
    uint64_t uploads() const { return uploads_; }

private:
    friend class ChainNodes;
    void begin_pass(RenderTarget& target, GLuint program);
    void use_program(GLuint program);
    void set_xt_uniforms(GLuint program, const XtUniforms& u);
    GLuint x0_texture_ = 0, vertex_array_ = 0;
    int width_ = 0, height_ = 0;
    uint64_t uploads_ = 0;
};

// The chain's node images kept on the GPU (RGBA32F, the image's size), the twin of ddpm::ChainCache:
// x_t starts its walk at the deepest level of its path whose two interval ends are kept and keeps up
// to 8 of the levels it walks (the deepest), the least recently used dropped first, within max_bytes.
// A node has the same bits however it was reached: one program (chain_walk_frag.glsl) computes them all.
class ChainNodes {
public:
    explicit ChainNodes(std::size_t max_bytes = std::size_t(512) << 20) : max_bytes_(max_bytes) {}
    ~ChainNodes() { clear(); }
    ChainNodes(const ChainNodes&) = delete;
    ChainNodes& operator=(const ChainNodes&) = delete;
    // The texture holding y_t of the chain for the renderer's image (t >= 1), or 0 when fewer than
    // three nodes of this size fit in max_bytes (then the x_t shader walks every level itself).
    GLuint node(Renderer& renderer, const ChainSchedule& chain, int t, uint32_t seed);
    // chain_xt_uniforms with y_t from node() where it gives one.
    XtUniforms xt_uniforms(Renderer& renderer, const ChainSchedule& chain, int t, uint32_t seed);
    void clear();
    // Starts a window frame: nodes handed out in this frame are dropped only when nothing else can be.
    void new_frame() { ++frame_; }
    // How many nodes of the renderer's image fit the budget.
    std::size_t capacity(const Renderer& renderer) const;
    int levels_last() const { return levels_last_; }   // levels the last node() walked (0: kept)
    std::size_t nodes_kept() const { return nodes_.size(); }

private:
    struct Node {
        int t = 0;
        uint64_t used = 0, frame = 0;
        GLuint texture = 0;
    };
    Node* find(int t);
    std::size_t max_bytes_;
    std::vector<double> sum_log_alpha_;
    std::vector<int> zero_alphas_;
    uint32_t seed_ = 0;
    uint64_t uploads_ = 0;
    int width_ = 0, height_ = 0;
    uint64_t clock_ = 0, frame_ = 0;
    int levels_last_ = 0;
    std::vector<Node> nodes_;
    GLuint framebuffer_ = 0;
};

// Reads the target back as 8-bit RGB, top row first (the target holds the image top row first).
Rgb8 read_back(const RenderTarget& target);

}  // namespace ddpm::gpu
