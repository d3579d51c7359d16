#include "renderer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "ddpm/embedded.h"
#include "ddpm/noise.h"
#include "ddpm/rng.h"

namespace ddpm::gpu {

std::string shader_file(std::string_view name) {
    const EmbeddedFile* file = find_embedded(embedded_shaders(), name);
    assert(file && "shader not embedded: is it in shaders/?");
    return file ? std::string(reinterpret_cast<const char*>(file->data), file->size) : std::string();
}

std::string fragment_source(std::string_view body_file) {
    // #line 1 keeps the driver's line numbers true to the body file.
    return "#version 330 core\n" + shader_file("noise.glsl") + "\n" + shader_file("chain.glsl") + "\n" +
           shader_file("xt.glsl") + "\n#line 1\n" +
           shader_file(body_file);
}

std::string vertex_source() { return "#version 330 core\n#line 1\n" + shader_file("fullscreen_vert.glsl"); }

namespace {
std::string shader_log(GLuint shader) {
    GLint length = 0;
    glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
    std::string log(std::size_t(length > 0 ? length : 0), '\0');
    if (length > 0) glGetShaderInfoLog(shader, length, nullptr, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
}

Result<GLuint> compile(GLenum stage, const std::string& source) {
    const GLuint shader = glCreateShader(stage);
    const char* text = source.c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok) return shader;
    std::string log = shader_log(shader);
    glDeleteShader(shader);
    return Error{std::string(stage == GL_VERTEX_SHADER ? "vertex" : "fragment") +
                 " shader failed to compile: " + log};
}
}  // namespace

Program::~Program() {
    if (id_) glDeleteProgram(id_);
}

Status Program::load(const std::string& vertex_source, const std::string& fragment_source) {
    auto vs = compile(GL_VERTEX_SHADER, vertex_source);
    if (!vs) return Error{vs.error()};
    auto fs = compile(GL_FRAGMENT_SHADER, fragment_source);
    if (!fs) {
        glDeleteShader(*vs);
        return Error{fs.error()};
    }
    const GLuint program = glCreateProgram();
    glAttachShader(program, *vs);
    glAttachShader(program, *fs);
    glLinkProgram(program);
    glDeleteShader(*vs);
    glDeleteShader(*fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        GLint length = 0;
        glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
        std::string log(std::size_t(length > 0 ? length : 0), '\0');
        if (length > 0) glGetProgramInfoLog(program, length, nullptr, log.data());
        glDeleteProgram(program);
        return Error{"shader program failed to link: " + log};
    }
    if (id_) glDeleteProgram(id_);
    id_ = program;
    return {};
}

RenderTarget::~RenderTarget() { release(); }

void RenderTarget::release() {
    if (framebuffer_) glDeleteFramebuffers(1, &framebuffer_);
    if (texture_) glDeleteTextures(1, &texture_);
    texture_ = framebuffer_ = 0;
    width_ = height_ = 0;
}

void RenderTarget::resize(int width, int height) {
    assert(width > 0 && height > 0);
    if (width == width_ && height == height_) return;
    if (!texture_) {
        glGenTextures(1, &texture_);
        glGenFramebuffers(1, &framebuffer_);
    }
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
    assert(glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    width_ = width;
    height_ = height;
}

XtUniforms xt_uniforms(const Schedule& schedule, int t, uint32_t seed) {
    assert(t >= 0 && t <= schedule.T());
    return {float(schedule.sqrt_alpha_bar[std::size_t(t)]), float(schedule.sqrt_one_minus_alpha_bar[std::size_t(t)]),
            rng::stream_key(seed, kEpsStream)};
}

XtUniforms chain_xt_uniforms(const ChainSchedule& chain, int t, uint32_t seed) {
    const ChainPath path = chain_path(chain, t);
    XtUniforms u{path.signal, path.noise, rng::stream_key(seed, kEpsStream)};
    u.chain_levels = int(path.levels.size());
    u.chain_to_eps = path.to_eps;
    std::copy(path.levels.begin(), path.levels.end(), u.chain.begin());
    return u;
}

XtUniforms with_weights(XtUniforms u, float sqrt_alpha_bar, float sqrt_one_minus_alpha_bar) {
    u.sqrt_alpha_bar = sqrt_alpha_bar;
    u.sqrt_one_minus_alpha_bar = sqrt_one_minus_alpha_bar;
    return u;
}

Renderer::~Renderer() {
    if (x0_texture_) glDeleteTextures(1, &x0_texture_);
    if (vertex_array_) glDeleteVertexArrays(1, &vertex_array_);
}

Status Renderer::init() {
    if (Status s = xt_program.load(vertex_source(), fragment_source("xt_frag.glsl")); !s)
        return Error{"xt_frag.glsl: " + s.error};
    if (Status s = copy_program.load(vertex_source(), fragment_source("copy_frag.glsl")); !s)
        return Error{"copy_frag.glsl: " + s.error};
    if (Status s = view_program.load(vertex_source(), fragment_source("view_frag.glsl")); !s)
        return Error{"view_frag.glsl: " + s.error};
    if (Status s = walk_program.load(vertex_source(), fragment_source("chain_walk_frag.glsl")); !s)
        return Error{"chain_walk_frag.glsl: " + s.error};
    // The core profile needs a bound vertex array even when the vertices come from gl_VertexID.
    if (!vertex_array_) glGenVertexArrays(1, &vertex_array_);
    return {};
}

GLint Renderer::max_texture_size() const {
    GLint size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &size);
    return size;
}

Status Renderer::upload(const Image& x0, std::string* note) {
    if (x0.empty()) return Error{"the image is empty"};
    // RGB32F costs 12 bytes a pixel, and the x_t target as much again: above 2^26 pixels (768 MB)
    // the window shows the image downscaled rather than asking the driver for gigabytes.
    constexpr int64_t kMaxTexturePixels = int64_t(1) << 26;
    const int limit = max_texture_size();
    int side = std::min(std::max(x0.width, x0.height), limit);
    const int64_t pixels = int64_t(x0.width) * x0.height;
    if (pixels > kMaxTexturePixels)
        side = std::min(side, int(std::max(x0.width, x0.height) * std::sqrt(double(kMaxTexturePixels) / double(pixels))));
    if (note) note->clear();
    if (!x0_texture_) glGenTextures(1, &x0_texture_);
    for (;;) {
        Image downsized;
        const Image* image = &x0;
        if (side < std::max(x0.width, x0.height)) {
            downsized = downsize(x0, side);
            image = &downsized;
        }
        glBindTexture(GL_TEXTURE_2D, x0_texture_);
        // Rows of 3 floats: any width is 4-byte aligned, but keep 1 so nothing depends on it.
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB32F, image->width, image->height, 0, GL_RGB, GL_FLOAT, image->data.data());
        // texelFetch only, but a mipmapped default filter would leave the texture incomplete (black).
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        if (glGetError() == GL_OUT_OF_MEMORY) {
            // Smaller until it fits: a huge image is still shown, downscaled, as the README says.
            if (side > 256) {
                side /= 2;
                continue;
            }
            width_ = height_ = 0;
            return Error{"the GPU has not enough memory for a " + std::to_string(image->width) + "x" +
                         std::to_string(image->height) + " image"};
        }
        width_ = image->width;
        height_ = image->height;
        ++uploads_;
        if (note && image != &x0)
            *note = "shown downscaled to " + std::to_string(width_) + "x" + std::to_string(height_) + ": " +
                    std::to_string(x0.width) + "x" + std::to_string(x0.height) +
                    (side == limit ? " is above this GPU's texture limit of " + std::to_string(limit)
                                   : std::string(" is more than the GPU memory the window uses"));
        return {};
    }
}

void Renderer::use_program(GLuint program) {
    assert(width_ > 0 && "upload an image first");
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    glUseProgram(program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, x0_texture_);
    glUniform1i(glGetUniformLocation(program, "x0"), 0);
    glBindVertexArray(vertex_array_);
}

void Renderer::set_xt_uniforms(GLuint program, const XtUniforms& u) {
    glUniform1f(glGetUniformLocation(program, "sqrt_alpha_bar"), u.sqrt_alpha_bar);
    glUniform1f(glGetUniformLocation(program, "sqrt_one_minus_alpha_bar"), u.sqrt_one_minus_alpha_bar);
    glUniform2ui(glGetUniformLocation(program, "key"), u.key[0], u.key[1]);
    glUniform1i(glGetUniformLocation(program, "chain_levels"), u.chain_levels);
    glUniform1i(glGetUniformLocation(program, "chain_kept"), u.chain_y_texture != 0);
    glUniform1i(glGetUniformLocation(program, "lin_mode"), u.linear);
    if (u.linear) {
        glUniform4f(glGetUniformLocation(program, "lin"), u.lin[0], u.lin[1], u.lin[2], u.lin[3]);
        glUniform1i(glGetUniformLocation(program, "lin_prev_zero"), u.prev_texture == 0);
        glUniform2ui(glGetUniformLocation(program, "lin_key"), u.lin_key[0], u.lin_key[1]);
        glActiveTexture(GL_TEXTURE4);
        glBindTexture(GL_TEXTURE_2D, u.prev_texture ? u.prev_texture : x0_texture_);
        glUniform1i(glGetUniformLocation(program, "lin_prev_tex"), 4);
        glActiveTexture(GL_TEXTURE0);
    }
    if (u.chain_y_texture) {
        glActiveTexture(GL_TEXTURE3);
        glBindTexture(GL_TEXTURE_2D, u.chain_y_texture);
        glUniform1i(glGetUniformLocation(program, "chain_y_tex"), 3);
        glActiveTexture(GL_TEXTURE0);
    }
    if (u.chain_levels < 0) return;
    float coef[kMaxChainLevels * 3];
    GLuint stream[kMaxChainLevels];
    GLuint upper = 0;
    for (int k = 0; k < kMaxChainLevels; ++k) {
        const ChainLevel& l = u.chain[std::size_t(k)];
        coef[3 * k] = l.a, coef[3 * k + 1] = l.b, coef[3 * k + 2] = l.sd;
        stream[k] = l.stream;
        upper |= GLuint(l.upper) << k;
    }
    glUniform3fv(glGetUniformLocation(program, "chain_coef"), kMaxChainLevels, coef);
    glUniform1uiv(glGetUniformLocation(program, "chain_stream"), kMaxChainLevels, stream);
    glUniform1ui(glGetUniformLocation(program, "chain_upper"), upper);
    glUniform1f(glGetUniformLocation(program, "chain_to_eps"), u.chain_to_eps);
}

void Renderer::begin_pass(RenderTarget& target, GLuint program) {
    target.resize(width_, height_);
    glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer());
    glViewport(0, 0, width_, height_);
    glDisable(GL_SCISSOR_TEST);
    use_program(program);
}

void Renderer::render_xt(RenderTarget& target, const XtUniforms& u) {
    begin_pass(target, xt_program.id());
    set_xt_uniforms(xt_program.id(), u);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void Renderer::render_copy(RenderTarget& target) {
    begin_pass(target, copy_program.id());
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void Renderer::draw_view(const XtUniforms& u, const ViewPlacement& v) {
    // Scissor to the clip rectangle and the image, so the shader rarely has to discard.
    const int x0 = std::max(v.clip_x0, int(std::floor(v.origin_x)));
    const int y0 = std::max(v.clip_y0, int(std::floor(v.origin_y)));
    const int x1 = std::min(v.clip_x1, int(std::ceil(v.origin_x + v.zoom * float(width_))));
    const int y1 = std::min(v.clip_y1, int(std::ceil(v.origin_y + v.zoom * float(height_))));
    if (x1 <= x0 || y1 <= y0) return;
    const GLuint program = view_program.id();
    use_program(program);
    set_xt_uniforms(program, u);
    glUniform2f(glGetUniformLocation(program, "view_origin"), v.origin_x, v.origin_y);
    glUniform1f(glGetUniformLocation(program, "view_zoom"), v.zoom);
    glUniform1f(glGetUniformLocation(program, "framebuffer_height"), float(v.framebuffer_height));
    glViewport(0, 0, v.framebuffer_width, v.framebuffer_height);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, v.framebuffer_height - y1, x1 - x0, y1 - y0);   // GL counts rows from the bottom
    glDrawArrays(GL_TRIANGLES, 0, 3);
}

ChainNodes::Node* ChainNodes::find(int t) {
    for (Node& n : nodes_)
        if (n.t == t) return &n;
    return nullptr;
}

void ChainNodes::clear() {
    for (Node& n : nodes_) glDeleteTextures(1, &n.texture);
    nodes_.clear();
    if (framebuffer_) glDeleteFramebuffers(1, &framebuffer_);
    framebuffer_ = 0;
    levels_last_ = 0;
}

std::size_t ChainNodes::capacity(const Renderer& r) const {
    return r.width() > 0 ? max_bytes_ / (std::size_t(r.width()) * std::size_t(r.height()) * 16) : 0;
}

XtUniforms ChainNodes::xt_uniforms(Renderer& renderer, const ChainSchedule& chain, int t, uint32_t seed) {
    XtUniforms u = chain_xt_uniforms(chain, t, seed);
    if (t > 0) u.chain_y_texture = node(renderer, chain, t, seed);
    return u;
}

GLuint ChainNodes::node(Renderer& r, const ChainSchedule& c, int t, uint32_t seed) {
    assert(t >= 1 && t <= c.T && r.width() > 0);
    if (seed != seed_ || r.uploads() != uploads_ || r.width() != width_ || r.height() != height_ ||
        sum_log_alpha_ != c.sum_log_alpha || zero_alphas_ != c.zero_alphas) {
        clear();
        seed_ = seed;
        uploads_ = r.uploads();
        width_ = r.width();
        height_ = r.height();
        sum_log_alpha_ = c.sum_log_alpha;
        zero_alphas_ = c.zero_alphas;
    }
    const std::size_t capacity = this->capacity(r);
    levels_last_ = 0;
    if (capacity < 3) return 0;
    ++clock_;
    if (Node* kept = find(t)) {
        kept->used = clock_;
        kept->frame = frame_;
        return kept->texture;
    }
    const ChainPath path = chain_path(c, t);
    const std::size_t L = path.levels.size();
    // The deepest level whose two ends are kept (node 0 is y_0 = 0; the root reads zeros), as in core.
    std::size_t start = 0;
    GLuint lo = 0, hi = 0;
    for (std::size_t k = L - 1; k >= 1; --k) {
        const ChainLevel& l = path.levels[k];
        Node* h = find(l.high);
        Node* w = l.low == 0 ? nullptr : find(l.low);
        if (h && (l.low == 0 || w)) {
            start = k;
            h->used = clock_, h->frame = frame_;
            hi = h->texture;
            if (w) w->used = clock_, w->frame = frame_, lo = w->texture;
            break;
        }
    }
    GLint most_buffers = 0, most_attachments = 0;
    glGetIntegerv(GL_MAX_DRAW_BUFFERS, &most_buffers);
    glGetIntegerv(GL_MAX_COLOR_ATTACHMENTS, &most_attachments);
    const std::size_t outputs = std::size_t(std::clamp(std::min(most_buffers, most_attachments), 1, 8));
    const std::size_t pinned = std::size_t(lo != 0) + std::size_t(hi != 0);
    // Leave this frame's other nodes alone while there is room (a view may still draw them).
    std::size_t held = 0;
    if (frame_ > 0)   // 0: new_frame never called (tests, benchmarks): no frames to respect
        for (const Node& n : nodes_) held += n.frame == frame_ && n.used != clock_;
    const std::size_t room = capacity - pinned > held ? capacity - pinned - held : 1;
    const std::size_t keep = std::min({outputs, L - start, room});
    // The deepest `keep` levels, each to a texture: a kept one again (same bits), a new one, or the
    // least recently used one not read by this pass.
    std::vector<std::pair<std::size_t, GLuint>> stores;
    for (std::size_t k = L; k-- > start && stores.size() < keep;) {
        Node* slot = find(path.levels[k].node);
        if (!slot && nodes_.size() < capacity) {
            Node n;
            glGenTextures(1, &n.texture);
            glBindTexture(GL_TEXTURE_2D, n.texture);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, width_, height_, 0, GL_RGBA, GL_FLOAT, nullptr);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            nodes_.push_back(n);
            slot = &nodes_.back();
        } else if (!slot) {
            // The least recently used, those of earlier frames first; never an end this pass reads.
            const auto older = [&](const Node& a, const Node* b) {
                return !b || (a.frame < frame_) > (b->frame < frame_) ||
                       ((a.frame < frame_) == (b->frame < frame_) && a.used < b->used);
            };
            for (Node& n : nodes_)
                if (n.used != clock_ && older(n, slot)) slot = &n;
            if (!slot) break;
        }
        slot->t = path.levels[k].node;
        slot->used = clock_;
        slot->frame = frame_;
        stores.push_back({k, slot->texture});
    }
    if (stores.empty() || stores.front().first != L - 1) return 0;   // cannot happen with capacity >= 3
    if (!framebuffer_) glGenFramebuffers(1, &framebuffer_);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    GLenum buffers[8];
    for (std::size_t k = 0; k < 8; ++k) {
        const GLuint texture = k < stores.size() ? stores[k].second : 0;
        if (k < outputs) glFramebufferTexture2D(GL_FRAMEBUFFER, GLenum(GL_COLOR_ATTACHMENT0 + k), GL_TEXTURE_2D, texture, 0);
        buffers[k] = GLenum(GL_COLOR_ATTACHMENT0 + k);
    }
    glDrawBuffers(GLsizei(stores.size()), buffers);
    assert(glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE);
    glViewport(0, 0, width_, height_);
    glDisable(GL_SCISSOR_TEST);
    const GLuint program = r.walk_program.id();
    r.use_program(program);
    // The levels start..L-1 as the walk's uniforms (chain.glsl's layout, from level 0).
    XtUniforms u{0, 0, rng::stream_key(seed, kEpsStream)};
    u.chain_levels = int(L - start);
    std::copy(path.levels.begin() + std::ptrdiff_t(start), path.levels.end(), u.chain.begin());
    r.set_xt_uniforms(program, u);
    GLint store[8];
    for (std::size_t k = 0; k < 8; ++k) store[k] = k < stores.size() ? GLint(stores[k].first - start) : -1;
    glUniform1iv(glGetUniformLocation(program, "walk_store"), 8, store);
    glUniform1i(glGetUniformLocation(program, "walk_lo_zero"), lo == 0);
    glUniform1i(glGetUniformLocation(program, "walk_hi_zero"), hi == 0);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, lo ? lo : r.x0_texture_);
    glActiveTexture(GL_TEXTURE2);
    glBindTexture(GL_TEXTURE_2D, hi ? hi : r.x0_texture_);
    glActiveTexture(GL_TEXTURE0);
    glUniform1i(glGetUniformLocation(program, "walk_lo"), 1);
    glUniform1i(glGetUniformLocation(program, "walk_hi"), 2);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glDrawBuffers(1, buffers);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    levels_last_ = int(L - start);
    return stores.front().second;
}

Rgb8 read_back(const RenderTarget& target) {
    Rgb8 out{target.width(), target.height(), {}};
    out.pixels.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
    glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, out.width, out.height, GL_RGB, GL_UNSIGNED_BYTE, out.pixels.data());
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return out;
}

}  // namespace ddpm::gpu
