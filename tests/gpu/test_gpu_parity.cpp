// The shader's x_t against core's q_sample, read back through EGL surfaceless (no display needed).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"
#include "headless_gl.h"
#include "renderer.h"

using namespace ddpm;

namespace {

// One context for the whole binary.
void require_gl() {
    static Result<std::unique_ptr<gpu::HeadlessGl>> gl = gpu::HeadlessGl::create();
    INFO((gl ? std::string() : gl.error()));
    REQUIRE(gl.ok());
}

struct Agreement {
    double equal_fraction = 0;
    int max_difference = 0;
};
Agreement compare(const Rgb8& a, const Rgb8& b) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    REQUIRE(a.pixels.size() == b.pixels.size());
    std::size_t equal = 0;
    int worst = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        const int d = std::abs(int(a.pixels[i]) - int(b.pixels[i]));
        equal += d == 0;
        worst = std::max(worst, d);
    }
    return {double(equal) / double(a.pixels.size()), worst};
}

Image random_image(int width, int height, uint32_t seed) {
    Image image{width, height, std::vector<float>(std::size_t(width) * height * 3)};
    for (std::size_t i = 0; i < image.data.size(); ++i)
        image.data[i] = from_u8(uint8_t(rng::bits({seed, 0xffffu}, i)[0] >> 24));
    return image;
}

Image chelsea() {
    auto image = load_image(DDPM_SOURCE_DIR "/assets/chelsea.png");
    REQUIRE(image.ok());
    REQUIRE(image->width == 451);
    REQUIRE(image->height == 300);
    return std::move(*image);
}

Rgb8 gpu_xt(gpu::Renderer& renderer, const Schedule& s, int t, uint32_t seed) {
    gpu::RenderTarget target;
    renderer.render_xt(target, gpu::xt_uniforms(s, t, seed));
    return gpu::read_back(target);
}

void check_parity(const Image& x0, const ScheduleParams& params, std::initializer_list<int> ts,
                  std::initializer_list<uint32_t> seeds) {
    require_gl();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(x0).ok());
    const auto schedule = make_schedule(params);
    REQUIRE(schedule.ok());
    for (int t : ts)
        for (uint32_t seed : seeds) {
            const Rgb8 cpu = to_rgb8(q_sample(x0, *schedule, t, seed));
            const Agreement a = compare(gpu_xt(renderer, *schedule, t, seed), cpu);
            INFO(schedule_name(params.kind) << " T=" << params.T << " t=" << t << " seed=" << seed << " image "
                                            << x0.width << "x" << x0.height);
            CHECK(a.equal_fraction >= 0.999);
            CHECK(a.max_difference <= 1);
        }
}

}  // namespace

TEST_CASE("GPU x_t of the cat equals core's q_sample within one 8-bit level", "[gpu]") {
    const Image cat = chelsea();
    check_parity(cat, ScheduleParams{}, {0, 1, 10, 250, 500, 999, 1000}, {0, 1, 4000000000u});
    check_parity(cat, default_params(ScheduleKind::Cosine), {1, 300, 700, 1000}, {7});
    ScheduleParams sd = default_params(ScheduleKind::ScaledLinear);
    sd.beta_start = 0.00085, sd.beta_end = 0.012, sd.zero_terminal_snr = true;
    check_parity(cat, sd, {1, 500, 1000}, {42});
    ScheduleParams sigmoid = default_params(ScheduleKind::Sigmoid);
    sigmoid.T = 50;
    check_parity(cat, sigmoid, {1, 25, 50}, {3});
}

TEST_CASE("GPU x_t equals q_sample on odd image sizes", "[gpu]") {
    for (auto [w, h] : {std::pair{1, 1}, {7, 5}, {33, 17}, {451, 300}, {1023, 3}, {3, 513}})
        check_parity(random_image(w, h, uint32_t(w * 131 + h)), ScheduleParams{}, {0, 123, 1000}, {5, 99});
}

TEST_CASE("GPU at t = 0 shows the image itself", "[gpu]") {
    require_gl();
    const Image cat = chelsea();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(cat).ok());
    const auto s = make_schedule(ScheduleParams{});
    REQUIRE(s.ok());
    CHECK(gpu_xt(renderer, *s, 0, 1).pixels == to_rgb8(cat).pixels);
    // And rows come back top first: the first row is the file's first row.
    const Rgb8 expected = to_rgb8(cat);
    const Rgb8 got = gpu_xt(renderer, *s, 0, 1);
    CHECK(std::equal(got.pixels.begin(), got.pixels.begin() + 451 * 3, expected.pixels.begin()));
}

TEST_CASE("A shader that fails to compile returns the driver's log and keeps the last good program", "[gpu]") {
    require_gl();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(random_image(64, 48, 1)).ok());
    const auto s = make_schedule(ScheduleParams{});
    REQUIRE(s.ok());
    const Rgb8 before = gpu_xt(renderer, *s, 400, 9);
    const GLuint good = renderer.xt_program.id();

    const Status broken = renderer.xt_program.load(gpu::vertex_source(),
                                                   "#version 330 core\nout vec4 color;\nvoid main() { color = undefined_name; }\n");
    REQUIRE_FALSE(broken.ok());
    CHECK_THAT(broken.error, Catch::Contains("fragment shader failed to compile"));
    CHECK_THAT(broken.error, Catch::Contains("undefined_name"));   // the driver's log names the culprit
    CHECK(renderer.xt_program.id() == good);
    CHECK(gpu_xt(renderer, *s, 400, 9).pixels == before.pixels);
}

TEST_CASE("An image above the GPU's texture limit is downsized and the caller is told", "[gpu]") {
    require_gl();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    const int limit = renderer.max_texture_size();
    REQUIRE(limit >= 1024);
    std::string note;
    REQUIRE(renderer.upload(random_image(limit + 1, 2, 3), &note).ok());
    CHECK(renderer.width() <= limit);
    CHECK_THAT(note, Catch::Contains("texture limit") && Catch::Contains(std::to_string(limit)));
    REQUIRE(renderer.upload(random_image(limit, 2, 3), &note).ok());
    CHECK(renderer.width() == limit);
    CHECK(note.empty());
}

TEST_CASE("The on-screen image view shows the same pixels as x_t, nearest neighbour when zoomed", "[gpu]") {
    require_gl();
    const Image cat = chelsea();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(cat).ok());
    const auto s = make_schedule(ScheduleParams{});
    REQUIRE(s.ok());
    const auto u = gpu::xt_uniforms(*s, 600, 11);
    const Rgb8 xt = gpu_xt(renderer, *s, 600, 11);

    // A "window" twice the image's size plus a margin; the view puts the image at (5, 3), zoom 2.
    const int W = 2 * 451 + 10, H = 2 * 300 + 6;
    gpu::RenderTarget window;
    window.resize(W, H);
    glBindFramebuffer(GL_FRAMEBUFFER, window.framebuffer());
    glClearColor(0, 0, 0, 1);
    glDisable(GL_SCISSOR_TEST);
    glClear(GL_COLOR_BUFFER_BIT);
    gpu::ViewPlacement v;
    v.origin_x = 5, v.origin_y = 3, v.zoom = 2;
    v.framebuffer_width = W, v.framebuffer_height = H;
    v.clip_x0 = 0, v.clip_y0 = 0, v.clip_x1 = W, v.clip_y1 = H;
    renderer.draw_view(u, v);
    glDisable(GL_SCISSOR_TEST);
    const Rgb8 shown = gpu::read_back(window);   // bottom row first: window row y is H - 1 - y

    auto window_pixel = [&](int x, int y) { return &shown.pixels[(std::size_t(H - 1 - y) * W + x) * 3]; };
    std::size_t mismatches = 0;
    for (int y = 0; y < 300; ++y)
        for (int x = 0; x < 451; ++x)
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx)
                    mismatches += !std::equal(window_pixel(5 + 2 * x + dx, 3 + 2 * y + dy),
                                              window_pixel(5 + 2 * x + dx, 3 + 2 * y + dy) + 3,
                                              &xt.pixels[(std::size_t(y) * 451 + x) * 3]);
    CHECK(mismatches == 0);
    // Outside the image the window keeps what it had.
    CHECK(window_pixel(2, 1)[0] == 0);
    CHECK(window_pixel(W - 2, H - 2)[1] == 0);
}

TEST_CASE("A released render target frees its texture and renders the same x_t after it", "[gpu]") {
    require_gl();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(random_image(40, 30, 2)).ok());
    const auto s = make_schedule(ScheduleParams{});
    REQUIRE(s.ok());
    const auto u = gpu::xt_uniforms(*s, 300, 4);
    gpu::RenderTarget target;
    renderer.render_xt(target, u);
    const Rgb8 before = gpu::read_back(target);
    const GLuint texture = target.texture();
    REQUIRE(glIsTexture(texture));

    target.release();
    CHECK_FALSE(glIsTexture(texture));
    CHECK(target.texture() == 0);
    CHECK(target.width() == 0);
    renderer.render_xt(target, u);
    CHECK(gpu::read_back(target).pixels == before.pixels);
}

namespace {
void check_chain_parity(const Image& x0, const ScheduleParams& params, std::initializer_list<int> ts, uint32_t seed) {
    require_gl();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(x0).ok());
    const auto schedule = make_schedule(params);
    REQUIRE(schedule.ok());
    const ChainSchedule chain = make_chain_schedule(*schedule);
    for (int t : ts) {
        gpu::RenderTarget target;
        renderer.render_xt(target, gpu::chain_xt_uniforms(chain, t, seed));
        const Agreement a = compare(gpu::read_back(target), to_rgb8(chain_sample(x0, chain, t, seed)));
        INFO(schedule_name(params.kind) << " T=" << params.T << " t=" << t << " seed=" << seed << " image " << x0.width
                                        << "x" << x0.height << ": equal " << a.equal_fraction);
        CHECK(a.equal_fraction >= 0.999);
        CHECK(a.max_difference <= 1);
    }
}
}  // namespace

TEST_CASE("GPU x_t of the Markov chain equals core's chain_sample within one 8-bit level", "[gpu][chain]") {
    const Image cat = chelsea();
    check_chain_parity(cat, ScheduleParams{}, {0, 1, 2, 250, 499, 500, 501, 999, 1000}, 3);
    check_chain_parity(cat, default_params(ScheduleKind::Cosine), {1, 333, 1000}, 4000000000u);
    ScheduleParams sd = default_params(ScheduleKind::ScaledLinear);
    sd.zero_terminal_snr = true;
    check_chain_parity(cat, sd, {1, 999, 1000}, 42);
    ScheduleParams big;
    big.T = 100000;
    check_chain_parity(random_image(33, 17, 7), big, {1, 2, 31415, 50000, 99999, 100000}, 9);
}

TEST_CASE("GPU chain and closed form differ pixel by pixel at the same t and seed", "[gpu][chain]") {
    require_gl();
    const Image cat = chelsea();
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(cat).ok());
    const auto s = make_schedule(ScheduleParams{});
    gpu::RenderTarget a, b;
    renderer.render_xt(a, gpu::xt_uniforms(*s, 500, 1));
    renderer.render_xt(b, gpu::chain_xt_uniforms(make_chain_schedule(*s), 500, 1));
    CHECK(compare(gpu::read_back(a), gpu::read_back(b)).equal_fraction < 0.1);
}

namespace {
// A node texture (RGBA32F) read back as floats, rgb only, rows bottom first as GL stores them.
std::vector<float> read_node(GLuint texture, int width, int height) {
    GLuint fbo = 0;
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture, 0);
    std::vector<float> rgba(std::size_t(width) * height * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_FLOAT, rgba.data());
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glDeleteFramebuffers(1, &fbo);
    std::vector<float> rgb;
    for (std::size_t i = 0; i < rgba.size(); i += 4) rgb.insert(rgb.end(), {rgba[i], rgba[i + 1], rgba[i + 2]});
    return rgb;
}
}  // namespace

TEST_CASE("GPU chain nodes kept between frames give the same bits as a fresh walk, in any order", "[gpu][chain][cache]") {
    require_gl();
    const Image x0 = random_image(37, 21, 5);
    gpu::Renderer renderer;
    REQUIRE(renderer.init().ok());
    REQUIRE(renderer.upload(x0).ok());
    const std::size_t node_bytes = std::size_t(x0.width) * x0.height * 16;
    for (int T : {1000, 100000}) {
        ScheduleParams p;
        p.T = T;
        const auto schedule = make_schedule(p);
        REQUIRE(schedule.ok());
        const ChainSchedule chain = make_chain_schedule(*schedule);
        // Scrub, drags of 5..20 steps, cold jumps, and back.
        std::vector<int> ts;
        for (int t = T / 2 - 12; t <= T / 2 + 12; ++t) ts.push_back(t);
        uint32_t r = 1;
        int t = T / 3;
        for (int k = 0; k < 25; ++k) {
            r = r * 1664525u + 1013904223u;
            t = std::clamp(t + int(r >> 27) - 16, 1, T);
            ts.push_back(t);
        }
        for (int k = 0; k < 10; ++k) ts.push_back(1 + int((r = r * 1664525u + 1013904223u) % uint32_t(T)));
        ts.insert(ts.end(), {T, 1, T - 1, 2});
        for (std::size_t nodes : {std::size_t(40), std::size_t(3)}) {
            gpu::ChainNodes kept(nodes * node_bytes);
            long walked = 0;
            for (int tt : ts) {
                INFO("T = " << T << ", room for " << nodes << ", t = " << tt);
                const GLuint texture = kept.node(renderer, chain, tt, 11);
                REQUIRE(texture != 0);
                walked += kept.levels_last();
                const std::vector<float> y = read_node(texture, x0.width, x0.height);
                gpu::ChainNodes fresh(nodes * node_bytes);
                REQUIRE(y == read_node(fresh.node(renderer, chain, tt, 11), x0.width, x0.height));
                CHECK(fresh.levels_last() == int(chain_path(chain, tt).levels.size()));
                CHECK(kept.nodes_kept() <= nodes);
                // And x_t from the kept node is core's chain_sample within one 8-bit level.
                gpu::RenderTarget target;
                renderer.render_xt(target, kept.xt_uniforms(renderer, chain, tt, 11));
                const Agreement a = compare(gpu::read_back(target), to_rgb8(chain_sample(x0, chain, tt, 11)));
                CHECK(a.equal_fraction >= 0.999);
                CHECK(a.max_difference <= 1);
            }
            // Fewer levels walked than fresh walks would: what the neighbours share was kept.
            long full = 0;
            for (int tt : ts) full += long(chain_path(chain, tt).levels.size());
            if (nodes == 40) CHECK(walked < full / 2);
        }
    }
    // Too big to keep three nodes: 0, and the shader walks every level itself.
    gpu::ChainNodes tiny(2 * node_bytes);
    CHECK(tiny.node(renderer, make_chain_schedule(*make_schedule({})), 5, 1) == 0);
}
