// The 2D toy view: data points through the forward process (closed form or chain) at the shared t,
// over the exact density of q(x_t), and the reverse process with the exact denoiser. Points are drawn
// by shaders/toy_points_*.glsl as GL points in a draw-list callback, or on a software renderer splatted
// on the CPU into a texture (toy::splat_points); the maths is core's toy module.
#include "toy2d.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app.h"
#include "i18n.h"

namespace toy = ddpm::toy;

namespace {

constexpr std::size_t kTrailPoints = 600, kReversePathsDrawn = 300;
constexpr int kTrailSteps = 24;

void init_gl(Toy2dState& s) {
    if (s.vao || !s.gl_error.empty()) return;
    const std::string head = "#version 330 core\n#line 1\n";
    if (ddpm::Status st = s.program.load(head + ddpm::gpu::shader_file("toy_points_vert.glsl"),
                                         head + ddpm::gpu::shader_file("toy_points_frag.glsl"));
        !st) {
        s.gl_error = "toy_points: " + st.error;
        return;
    }
    glGenVertexArrays(1, &s.vao);
    glGenBuffers(1, &s.pos_buffer);
    glGenBuffers(1, &s.eps_buffer);
    glGenBuffers(1, &s.color_buffer);
    glBindVertexArray(s.vao);
    glBindBuffer(GL_ARRAY_BUFFER, s.pos_buffer);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, s.eps_buffer);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(1);
    glBindBuffer(GL_ARRAY_BUFFER, s.color_buffer);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
    glEnableVertexAttribArray(2);
    glBindVertexArray(0);
    // llvmpipe rasterises each GL point as its own small job (about 1 us a point), so 100k points
    // cost more than a frame; the CPU splats them in about a millisecond.
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    const std::string name = renderer ? renderer : "";
    s.software = name.find("llvmpipe") != std::string::npos || name.find("softpipe") != std::string::npos ||
                 name.find("swrast") != std::string::npos;
    if (const char* force = std::getenv("DDPM_TOY_POINTS")) s.software = std::string(force) == "splat" ? true : std::string(force) == "gl" ? false : s.software;
    glGenTextures(1, &s.splat_texture);
    glBindTexture(GL_TEXTURE_2D, s.splat_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glGenTextures(1, &s.heat_texture);
    glBindTexture(GL_TEXTURE_2D, s.heat_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

void upload(GLuint buffer, const void* data, std::size_t bytes) {
    glBindBuffer(GL_ARRAY_BUFFER, buffer);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(bytes), data, GL_DYNAMIC_DRAW);
}

void points_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const Toy2dState& s = *static_cast<const Toy2dState*>(cmd->UserCallbackData);
    if (!s.vao || s.draw_count == 0) return;
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 fb = io.DisplayFramebufferScale;
    const float fbw = io.DisplaySize.x * fb.x, fbh = io.DisplaySize.y * fb.y;
    const ImVec4 clip = cmd->ClipRect;
    const float x0 = std::max(s.canvas[0], clip.x) * fb.x, y0 = std::max(s.canvas[1], clip.y) * fb.y;
    const float x1 = std::min(s.canvas[2], clip.z) * fb.x, y1 = std::min(s.canvas[3], clip.w) * fb.y;
    if (x1 <= x0 || y1 <= y0) return;
    glViewport(0, 0, GLsizei(fbw), GLsizei(fbh));
    glEnable(GL_SCISSOR_TEST);
    glScissor(GLint(x0), GLint(fbh - y1), GLsizei(x1 - x0), GLsizei(y1 - y0));
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glEnable(GL_PROGRAM_POINT_SIZE);
    glUseProgram(s.program.id());
    // Data (X, Y) -> canvas pixel -> clip space.
    const double w = (s.canvas[2] - s.canvas[0]) * fb.x, h = (s.canvas[3] - s.canvas[1]) * fb.y, span = s.hi - s.lo;
    const double cx0 = s.canvas[0] * fb.x, cy0 = s.canvas[1] * fb.y;
    const float sx = float(2 * w / (span * fbw)), ox = float(2 * (cx0 - s.lo * w / span) / fbw - 1);
    const float sy = float(2 * h / (span * fbh)), oy = float(1 - 2 * (cy0 + s.hi * h / span) / fbh);
    const GLuint p = s.program.id();
    glUniform1f(glGetUniformLocation(p, "u_signal"), s.signal);
    glUniform1f(glGetUniformLocation(p, "u_noise"), s.noise);
    glUniform2f(glGetUniformLocation(p, "u_scale"), sx, sy);
    glUniform2f(glGetUniformLocation(p, "u_offset"), ox, oy);
    glUniform1f(glGetUniformLocation(p, "u_point_size"), s.point_size * fb.x);
    glBindVertexArray(s.vao);
    glDrawArrays(GL_POINTS, 0, GLsizei(s.draw_count));
    glBindVertexArray(0);
    glDisable(GL_PROGRAM_POINT_SIZE);
}

const char* source_label(int source) {
    if (source < kSourceImage) return toy::kPresets[std::size_t(source)].name;
    if (source == kSourceImage) return tr("the image's luminance");
    if (source == kSourceDrawn) return tr("drawn with the mouse");
    return tr("CSV file");
}

void rebuild_data(App& app, Toy2dState& s) {
    s.data_error.clear();
    toy::Points data;
    if (s.source < kSourceImage) {
        data = toy::make_preset(toy::kPresets[std::size_t(s.source)].preset, s.n, app.seed);
    } else if (s.source == kSourceImage) {
        auto pts = toy::points_from_luminance(app.x0, s.n, app.seed);
        if (pts) data = std::move(*pts);
        else s.data_error = pts.error();
    } else if (s.source == kSourceDrawn) {
        data = s.drawn;
    } else {
        auto pts = toy::load_points_csv(s.csv_path);
        if (pts) data = std::move(*pts);
        else s.data_error = pts.error();
    }
    if (!s.data_error.empty()) {
        app.status = s.data_error;
        app.status_is_error = true;
        if (s.data.empty()) s.data = toy::make_preset(toy::Preset::Moons, s.n, app.seed);
    } else {
        s.data = std::move(data);
    }
    s.eps = toy::closed_form_eps(s.data.size(), app.seed);
    s.colors = toy::start_colors(s.data);
    for (auto& c : s.colors) c |= 0xa0000000u;   // alpha: dense regions read denser
    s.trail_data.assign(s.data.begin(), s.data.begin() + std::ptrdiff_t(std::min(kTrailPoints, s.data.size())));
    s.reverse = {};
    ++s.data_version;
    s.data_stale = false;
}

void upload_heat(Toy2dState& s) {
    double dmax = 0;
    for (double v : s.grid) dmax = std::max(dmax, v);
    std::vector<uint8_t> rgba(s.grid.size() * 4);
    for (std::size_t k = 0; k < s.grid.size(); ++k) {
        const auto c = toy::heat_color(dmax > 0 ? s.grid[k] / dmax : 0);
        for (int i = 0; i < 3; ++i) rgba[4 * k + std::size_t(i)] = uint8_t(c[std::size_t(i)] * 0.6);
        rgba[4 * k + 3] = 255;
    }
    glBindTexture(GL_TEXTURE_2D, s.heat_texture);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, s.grid_g, s.grid_g, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
}

// The density heat map of q(x_t) for the current t and bandwidth, over every data point (core's separable
// grid). Kept while t, the bandwidth and the data stay; a new one is computed on a worker thread while
// the frames go on showing the last, so scrubbing t never waits for it. The first map for new data is
// waited for, so a screenshot or the first frame shows the right one.
void take_heat(Toy2dState& s, Toy2dState::HeatJob done) {
    if (done.version != s.data_version) return;   // made for data since replaced
    if (s.heat_ms.size() >= 4096) s.heat_ms.erase(s.heat_ms.begin(), s.heat_ms.begin() + 2048);
    s.heat_ms.push_back(float(done.ms));
    s.grid = std::move(done.grid);
    s.grid_t = done.t;
    s.grid_h = done.h;
    s.grid_version = done.version;
    if (!s.grid.empty()) upload_heat(s);
}

void update_heat(App& app, Toy2dState& s) {
    if (s.heat_pending.valid() && s.heat_pending.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        take_heat(s, s.heat_pending.get());
    const bool current = s.grid_t == app.t && s.grid_h == s.bandwidth && s.grid_version == s.data_version;
    if (current || s.heat_pending.valid()) return;
    const toy::Marginal m = toy::marginal(app.schedule, app.t, s.bandwidth);
    auto job = [data = s.data, m, t = app.t, h = s.bandwidth, version = s.data_version, g = s.grid_g, lo = s.lo, hi = s.hi] {
        const auto start = std::chrono::steady_clock::now();
        Toy2dState::HeatJob out{{}, t, h, version, 0};
        // Point masses at t = 0 with no bandwidth: no density to show.
        // One thread: the other core stays with the renderer (llvmpipe's threads on a software GL).
        if (m.variance() > 0 && !data.empty()) out.grid = toy::density_grid(data, m, g, lo, hi, 1);
        out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        return out;
    };
    if (s.grid_version != s.data_version) take_heat(s, job());
    else s.heat_pending = std::async(std::launch::async, std::move(job));
}

// The reverse step shown for the shared t: the last visited timestep at or above t.
std::size_t reverse_index(const Toy2dState& s, int t) {
    std::size_t k = 0;
    while (k + 1 < s.reverse.timesteps.size() && s.reverse.timesteps[k + 1] >= t) ++k;
    return k;
}

// The reverse run goes to a worker thread (it can take seconds: samples x data points x steps kernels);
// take_reverse() picks it up when done.
void run_reverse(App& app, Toy2dState& s, bool play) {
    if (s.pending.valid()) return;
    // The schedule's sampling timesteps when it has them (--sampling-steps), else evenly spaced.
    auto ts = toy::reverse_timesteps(app.schedule.T(), app.sampling, s.steps);
    std::vector<int> timesteps = ts ? std::move(*ts) : toy::sampling_timesteps(app.schedule.T(), s.steps);
    s.pending = std::async(std::launch::async, [data = s.data, h = double(s.bandwidth), schedule = app.schedule,
                                                sampler = s.sampler ? toy::Sampler::Ddim : toy::Sampler::Ddpm,
                                                timesteps = std::move(timesteps), m = s.samples, seed = app.seed] {
        return toy::reverse(data, h, schedule, sampler, timesteps, m, seed);
    });
    s.reverse_params = app.params;
    s.reverse_sampling = app.sampling;
    s.pending_play = play;
    app.status = std::string(tr("running the reverse process..."));
    app.status_is_error = false;
}

void take_reverse(App& app, Toy2dState& s) {
    if (!s.pending.valid() || s.pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    s.reverse = s.pending.get();
    if (!(s.reverse_params == app.params && s.reverse_sampling == app.sampling)) {   // the schedule changed meanwhile
        s.reverse = {};
        return;
    }
    ++s.reverse_version;
    s.reverse_colors = toy::start_colors(s.reverse.path.front());
    for (auto& c : s.reverse_colors) c |= 0xd0000000u;
    s.reverse_playing = s.pending_play;
    if (s.pending_play) app.t = app.schedule.T();
    s.reverse_carry = 0;
    app.status = std::string(tr("reverse process done: scrub t to walk it back"));
    app.status_is_error = false;
}

void draw_controls_row(App& app, Toy2dState& s) {
    const float w = ImGui::GetFontSize() * 9;
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("##data", source_label(s.source))) {
        for (int k = 0; k <= kSourceCsv; ++k)
            if (ImGui::Selectable(source_label(k), s.source == k)) {
                s.source = k;
                s.data_stale = true;
            }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (s.source == kSourceCsv) {
        ImGui::SetNextItemWidth(w * 1.4f);
        if (ImGui::InputTextWithHint("##csv", tr("points.csv, Enter to load"), &s.csv_path, ImGuiInputTextFlags_EnterReturnsTrue))
            s.data_stale = true;
    } else if (s.source != kSourceDrawn) {
        ImGui::SetNextItemWidth(w);
        int n = s.n;
        if (ImGui::InputInt("##n", &n, 1000, 10000, ImGuiInputTextFlags_EnterReturnsTrue)) {
            s.n = std::clamp(n, 1, 1000000);
            s.data_stale = true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Number of points (Enter to apply)"));
    } else {
        if (ImGui::Checkbox(tr("Draw"), &s.drawing)) {}
        ImGui::SameLine();
        if (ImGui::Button(tr("Clear"))) {
            s.drawn.clear();
            s.data_stale = true;
        }
    }
    ImGui::SameLine();
    if (ImGui::RadioButton(tr("closed form"), !s.chain)) s.chain = false;
    ImGui::SameLine();
    if (ImGui::RadioButton(tr("chain"), s.chain)) s.chain = true;
    ImGui::SameLine();
    ImGui::Checkbox(tr("density"), &s.heat);
    ImGui::SameLine();
    ImGui::Checkbox(tr("trails"), &s.trails);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    if (ImGui::SliderFloat("##h", &s.bandwidth, 0, 0.5f, tr("bandwidth %.2f"))) s.reverse = {};
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("Data bandwidth: each data point smoothed by a Gaussian of this width (0: the data as given)"));

    const char* samplers[] = {"DDPM", "DDIM"};
    ImGui::SetNextItemWidth(w * 0.6f);
    ImGui::Combo("##sampler", &s.sampler, samplers, 2);
    ImGui::SameLine();
    if (app.sampling.steps > 0) {
        // The schedule's sampling timesteps decide the steps (the Schedule panel's sampling steps).
        ImGui::TextDisabled(tr("%d sampling steps, %s"), app.sampling.steps, ddpm::spacing_name(app.sampling.spacing));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", tr("The reverse process visits the schedule's sampling timesteps, as diffusers does, then t = 0"));
    } else {
        ImGui::SetNextItemWidth(w * 0.8f);
        ImGui::InputInt(tr("steps"), &s.steps, 10, 100);
        s.steps = std::clamp(s.steps, 1, app.schedule.T());
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 0.8f);
    ImGui::InputInt(tr("samples"), &s.samples, 500, 5000);
    s.samples = std::clamp(s.samples, 1, 200000);
    ImGui::SameLine();
    if (ImGui::Button(s.pending.valid() ? tr("Running...") : tr("Run reverse")) && !s.data.empty()) run_reverse(app, s, true);
    if (!s.reverse.path.empty()) {
        ImGui::SameLine();
        if (ImGui::Button(s.reverse_playing ? tr("Pause") : tr("Animate"))) {
            if (!s.reverse_playing && app.t == 0) app.t = app.schedule.T();
            s.reverse_playing = !s.reverse_playing;
        }
        ImGui::SameLine();
        if (ImGui::Button(tr("Forward"))) {
            s.reverse = {};
            s.reverse_playing = false;
        }
    }
}

}  // namespace

Toy2dState::~Toy2dState() {
    if (vao) glDeleteVertexArrays(1, &vao);
    for (GLuint b : {pos_buffer, eps_buffer, color_buffer})
        if (b) glDeleteBuffers(1, &b);
    if (heat_texture) glDeleteTextures(1, &heat_texture);
    if (splat_texture) glDeleteTextures(1, &splat_texture);
}

void draw_toy2d_view(App& app) {
    if (!app.toy2d) {
        app.toy2d = std::make_shared<Toy2dState>();
        app.toy2d->n = app.toy_points;
    }
    Toy2dState& s = *app.toy2d;
    // The CPU time of this view per frame, for --benchmark-frames (the GPU's share shows in the frame time).
    struct Timer {
        std::vector<float>& out;
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
        ~Timer() {
            if (out.size() >= 4096) out.erase(out.begin(), out.begin() + 2048);   // the recent frames are enough
            out.push_back(std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
    } timer{s.view_ms};
    init_gl(s);
    if (!s.gl_error.empty()) {
        ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", s.gl_error.c_str());
        return;
    }
    draw_controls_row(app, s);
    // A new seed changes presets and image points; a new image changes image points.
    if (s.built_seed != app.seed && s.source != kSourceDrawn && s.source != kSourceCsv) s.data_stale = true;
    if (s.source == kSourceImage && s.built_image != app.image_source) s.data_stale = true;
    if (s.data_stale) {
        rebuild_data(app, s);
        s.built_seed = app.seed;
        s.built_image = app.image_source;
    }
    if (!s.reverse.path.empty() && !(s.reverse_params == app.params && s.reverse_sampling == app.sampling)) s.reverse = {};
    // --toy-reverse: run it once at start, shown at the t given on the command line.
    if (!app.toy_reverse_at_start.empty() && !s.data.empty()) {
        s.sampler = app.toy_reverse_at_start == "ddim" ? 1 : 0;
        app.toy_reverse_at_start.clear();
        run_reverse(app, s, false);
        s.pending.wait();   // automation: the first frame already shows it
    }
    take_reverse(app, s);

    // Reverse animation: t runs down from T to 0 over about four seconds.
    const bool reversing = !s.reverse.path.empty();
    if (reversing && s.reverse_playing) {
        s.reverse_carry += ImGui::GetIO().DeltaTime * app.schedule.T() / 4.0;
        const int down = int(s.reverse_carry);
        s.reverse_carry -= down;
        set_t(app, std::max(0, app.t - down));
        if (app.t == 0) s.reverse_playing = false;
    }

    const std::size_t k_rev = reversing ? reverse_index(s, app.t) : 0;
    char caption[160];
    if (reversing)
        std::snprintf(caption, sizeof caption, tr("%s reverse, %d samples: step %d of %d, t = %d"), s.sampler ? "DDIM" : "DDPM",
                      int(s.reverse.path[0].size()), int(k_rev), int(s.reverse.timesteps.size() - 1), s.reverse.timesteps[k_rev]);
    else
        std::snprintf(caption, sizeof caption, tr("%d points, %s, t = %d"), int(s.data.size()),
                      s.chain ? tr("Markov chain") : tr("closed form"), app.t);
    ImGui::TextUnformatted(caption);

    // The square canvas.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float side = std::max(64.0f, std::min(avail.x, avail.y));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 c0(p0.x + std::floor((avail.x - side) * 0.5f), p0.y), c1(c0.x + side, c0.y + side);
    ImGui::InvisibleButton("##toycanvas", ImVec2(avail.x, side));
    const bool hovered = ImGui::IsItemHovered();
    auto to_screen = [&](double x, double y) {
        return ImVec2(float(c0.x + (x - s.lo) / (s.hi - s.lo) * side), float(c0.y + (s.hi - y) / (s.hi - s.lo) * side));
    };
    if (s.source == kSourceDrawn && s.drawing && hovered && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const float x = float(s.lo + (m.x - c0.x) / side * (s.hi - s.lo)), y = float(s.hi - (m.y - c0.y) / side * (s.hi - s.lo));
        if (s.drawn.empty() || std::hypot(s.drawn.back().x - x, s.drawn.back().y - y) > 0.02f) {
            s.drawn.push_back({x, y});
            s.data_stale = true;
        }
    }
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(c0, c1, true);
    draw->AddRectFilled(c0, c1, IM_COL32(20, 20, 23, 255));
    if (s.heat) {
        update_heat(app, s);
        if (!s.grid.empty())
            draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.heat_texture)), c0, c1, ImVec2(0, 1), ImVec2(1, 0));
    }
    const ImVec2 origin = to_screen(0, 0);
    const float unit = side / float(s.hi - s.lo);
    draw->AddCircle(origin, unit, IM_COL32(150, 150, 160, 200), 96);
    draw->AddCircle(origin, 2 * unit, IM_COL32(150, 150, 160, 140), 96);

    // What the point buffer must hold this frame.
    s.point_size = s.data.size() > 50000 ? 1.0f : s.data.size() > 5000 ? 2.0f : 3.0f;   // size-1 points are llvmpipe's fast path
    const int kind = reversing ? 2 : s.chain ? 1 : 0;
    const int key_t = reversing ? int(k_rev) : s.chain ? app.t : -1;
    if (!s.software && (s.uploaded_version != s.data_version || s.uploaded_kind != kind || s.uploaded_t != key_t)) {
        if (kind == 0) {
            upload(s.pos_buffer, s.data.data(), s.data.size() * sizeof(toy::Point));
            upload(s.eps_buffer, s.eps.data(), s.eps.size() * sizeof(toy::Point));
            upload(s.color_buffer, s.colors.data(), s.colors.size() * 4);
            s.uploaded_count = s.data.size();
        } else {
            const toy::Points& x = kind == 1 ? s.chain_cache.at(s.data, app.schedule, app.seed, app.t) : s.reverse.path[k_rev];
            upload(s.pos_buffer, x.data(), x.size() * sizeof(toy::Point));
            if (s.uploaded_kind == 0 || s.uploaded_version != s.data_version || (kind == 2) != (s.uploaded_kind == 2)) {
                upload(s.eps_buffer, x.data(), x.size() * sizeof(toy::Point));   // unused (noise 0), but sized
                const auto& colors = kind == 2 ? s.reverse_colors : s.colors;
                upload(s.color_buffer, colors.data(), colors.size() * 4);
            }
            s.uploaded_count = x.size();
        }
        s.uploaded_version = s.data_version;
        s.uploaded_kind = kind;
        s.uploaded_t = key_t;
    }
    s.signal = kind == 0 ? float(app.schedule.sqrt_alpha_bar[std::size_t(app.t)]) : 1.0f;
    s.noise = kind == 0 ? float(app.schedule.sqrt_one_minus_alpha_bar[std::size_t(app.t)]) : 0.0f;
    s.draw_count = s.uploaded_count;
    s.canvas[0] = c0.x, s.canvas[1] = c0.y, s.canvas[2] = c1.x, s.canvas[3] = c1.y;

    // Trails: the last steps of a subset of the points (forward), or the reverse trajectories so far.
    if (reversing) {
        const std::size_t paths = std::min(kReversePathsDrawn, s.reverse.path[0].size());
        for (std::size_t i = 0; i < paths; ++i) {
            const uint32_t c = s.reverse_colors[i];
            const ImU32 col = IM_COL32(c & 255, (c >> 8) & 255, (c >> 16) & 255, 90);
            for (std::size_t k = 1; k <= k_rev; ++k)
                draw->AddLine(to_screen(s.reverse.path[k - 1][i].x, s.reverse.path[k - 1][i].y),
                              to_screen(s.reverse.path[k][i].x, s.reverse.path[k][i].y), col);
        }
    } else if (s.trails && app.t > 0) {
        const int stride = std::max(1, app.schedule.T() / 200);
        std::vector<toy::Points> steps;
        for (int k = 0; k <= kTrailSteps; ++k) {
            const int t = std::max(0, app.t - k * stride);
            if (s.chain) steps.push_back(s.trail_cache.at(s.trail_data, app.schedule, app.seed, t));
            else {
                toy::Points x;
                toy::forward_closed(s.trail_data, app.schedule, t, app.seed, x, 1);
                steps.push_back(std::move(x));
            }
            if (t == 0) break;
        }
        for (std::size_t i = 0; i < s.trail_data.size(); ++i) {
            const uint32_t c = s.colors[i];
            for (std::size_t k = 1; k < steps.size(); ++k) {
                const int alpha = int(160 * (1 - double(k) / double(steps.size())));
                draw->AddLine(to_screen(steps[k - 1][i].x, steps[k - 1][i].y), to_screen(steps[k][i].x, steps[k][i].y),
                              IM_COL32(c & 255, (c >> 8) & 255, (c >> 16) & 255, alpha));
            }
        }
    }
    if (s.software) {
        // One texel per framebuffer pixel of the canvas; re-splatted only when what it shows changes.
        const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
        const int w = std::max(1, int(std::lround(side * fb.x))), h = std::max(1, int(std::lround(side * fb.y)));
        const std::array<double, 9> key{double(s.data_version), double(s.reverse_version), double(kind), double(key_t),
                                        s.signal, s.noise, app.schedule.alpha_bar.back() + app.schedule.beta[1],
                                        double(w) + double(h) / 65536, double(s.point_size * fb.x) + double(app.seed) * 16};
        if (key != s.splat_key || s.splat.width != w) {
            s.splat_key = key;
            const bool size_changed = s.splat.width != w || s.splat.height != h;
            s.splat.width = w, s.splat.height = h;
            const toy::Points& x = kind == 0   ? s.data
                                   : kind == 1 ? s.chain_cache.at(s.data, app.schedule, app.seed, app.t)
                                               : s.reverse.path[k_rev];
            const int px = std::max(1, int(std::lround(s.point_size * fb.x)));
            toy::splat_points(x, kind == 0 ? &s.eps : nullptr, s.signal, s.noise, kind == 2 ? s.reverse_colors : s.colors,
                              s.lo, s.hi, px, s.splat);
            glBindTexture(GL_TEXTURE_2D, s.splat_texture);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
            if (size_changed) glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, s.splat.rgba.data());
            else glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, s.splat.rgba.data());
        }
        draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.splat_texture)), c0, c1);
    } else {
        draw->AddCallback(points_callback, &s);
        draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }
    draw->AddText(ImVec2(c0.x + 6, c0.y + 4), IM_COL32(200, 200, 200, 255), tr("circles: radius 1 and 2 of N(0, I)"));
    draw->PopClipRect();
    if (s.source == kSourceDrawn && s.drawn.empty())
        draw->AddText(ImVec2(c0.x + 6, c0.y + 22), IM_COL32(255, 220, 120, 255), tr("tick Draw, then drag on the canvas to add points"));
}

namespace {

float median(std::vector<float> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

}  // namespace

void print_toy2d_benchmark(const App& app) {
    if (!app.toy2d || app.toy2d->view_ms.empty()) return;
    const Toy2dState& s = *app.toy2d;
    std::printf("toy2d, %zu points: the view's CPU work median %.2f ms a frame; %zu heat maps (%dx%d over all points) "
                "on a worker thread, median %.1f ms each\n",
                s.data.size(), double(median(s.view_ms)), s.heat_ms.size(), s.grid_g, s.grid_g, double(median(s.heat_ms)));
}
