// The step view: x_{t-1} | sqrt(beta_t) eps_t | x_t of the chain with the live equation, the misprint
// of the step's mean set against it, and the posterior q(x_{t-1} | x_t, x0) (Ho et al. eq. 7).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "chain_views.h"
#include "ddpm/noise.h"
#include "ddpm/probe.h"
#include "ddpm/rng.h"
#include "i18n.h"

void ViewTexture::upload(const ddpm::Rgb8& rgb) {
    if (!id) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, rgb.width, rgb.height, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb.pixels.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    width = rgb.width, height = rgb.height;
}

void ViewTexture::release() {
    if (id) glDeleteTextures(1, &id);
    id = 0;
}

ChainViews& chain_views(App& app) {
    if (!app.chain_views) app.chain_views = std::make_shared<ChainViews>();
    return *app.chain_views;
}

void release_chain_views(App& app) {
    if (!app.chain_views) return;
    for (auto& t : app.chain_views->step_textures) t.release();
    app.chain_views.reset();
}

ChainViewKey chain_view_key(const App& app, int t) {
    return {app.x0.data.data(), app.x0.data.size(), app.params, t, app.seed, -1, -1};
}

namespace {
// Without room for the chain's nodes on the GPU the step view computes on the CPU, at this side at most.
constexpr int kStepMaxSide = 1024;

// The five images of the step view on the GPU, at the image's own size: each is linear in x0, the
// kept nodes y_t and y_{t-1} and the posterior's noise (xt.glsl's lin_mode). Empty when the nodes do
// not fit the GPU budget (the CPU preview then).
std::optional<std::array<ddpm::gpu::XtUniforms, 5>> gpu_step(App& app, int t) {
    if (app.renderer.width() == 0 || app.chain_nodes.capacity(app.renderer) < 4) return std::nullopt;
    const ddpm::Schedule& s = app.schedule;
    const ddpm::ChainSchedule& c = app_chain(app);
    const GLuint prev = t > 1 ? app.chain_nodes.node(app.renderer, c, t - 1, app.seed) : 0;
    const GLuint cur = app.chain_nodes.node(app.renderer, c, t, app.seed);
    if (!cur || (t > 1 && !prev)) return std::nullopt;
    const ddpm::ChainPath pt = ddpm::chain_path(c, t), pp = ddpm::chain_path(c, t - 1);
    // x_t = s_t x0 + k_t y_t (chain_sample_pixels' x_t = signal x0 + noise (to_eps y_t)).
    const double s_t = pt.signal, k_t = double(pt.noise) * double(pt.to_eps);
    const double s_p = pp.signal, k_p = double(pp.noise) * double(pp.to_eps);
    const double sa = std::sqrt(s.alpha[std::size_t(t)]), sb = std::sqrt(s.beta[std::size_t(t)]);
    const double c0 = s.posterior_mean_coef_x0[std::size_t(t)], ct = s.posterior_mean_coef_xt[std::size_t(t)];
    const double sd = std::sqrt(s.posterior_variance[std::size_t(t)]);
    const double lin[5][4] = {
        {s_p, 0, k_p, 0},                                            // x_{t-1}
        {(s_t - sa * s_p) / sb, k_t / sb, -sa * k_p / sb, 0},       // eps_t = (x_t - sqrt(alpha_t) x_{t-1}) / sqrt(beta_t)
        {s_t, k_t, 0, 0},                                            // x_t
        {c0 + ct * s_t, ct * k_t, 0, 0},                             // the posterior mean c0 x0 + ct x_t
        {c0 + ct * s_t, ct * k_t, 0, sd},                            // and a sample (posterior_sample's noise)
    };
    std::array<ddpm::gpu::XtUniforms, 5> out;
    for (int k = 0; k < 5; ++k) {
        ddpm::gpu::XtUniforms& u = out[std::size_t(k)];
        u.linear = true;
        u.chain_y_texture = cur;
        u.prev_texture = prev;
        u.lin_key = ddpm::rng::stream_key(app.seed, ddpm::kPosteriorStream + uint32_t(t));
        for (int j = 0; j < 4; ++j) u.lin[std::size_t(j)] = float(lin[k][j]);
    }
    return out;
}

// One image: the GPU's (u) when given, else the CPU texture.
void image_with_caption(App& app, const ddpm::gpu::XtUniforms* u, const ViewTexture& tex, ImVec2 size,
                        const char* caption) {
    ImGui::BeginGroup();
    if (u) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        queue_view(app, *u, at, size.x / float(app.renderer.width()), at, ImVec2(at.x + size.x, at.y + size.y));
        ImGui::Dummy(size);
    } else {
        ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex.id)), size);
    }
    const float cx = (size.x - ImGui::CalcTextSize(caption).x) * 0.5f;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, cx));
    ImGui::TextUnformatted(caption);
    ImGui::EndGroup();
}
}  // namespace

void draw_step_view(App& app) {
    const int t = app.t;
    const ddpm::Schedule& s = app.schedule;
    if (t < 1) {
        ImGui::TextWrapped("%s", tr("The step view shows q(x_t | x_{t-1}) at t = 1..T: move t above 0."));
        return;
    }
    ChainViews& cv = chain_views(app);
    const ChainViewKey key = chain_view_key(app, t);
    const auto gpu = gpu_step(app, t);
    if (!gpu && !(cv.step_key == key)) {
        const bool shrink = std::max(app.x0.width, app.x0.height) > kStepMaxSide;
        const ddpm::Image small = shrink ? ddpm::downsize(app.x0, kStepMaxSide) : ddpm::Image{};
        const ddpm::Image& x0 = shrink ? small : app.x0;
        const ddpm::ChainStep step = ddpm::chain_step(x0, s, t, app.seed);
        ddpm::Image eps = step.step_noise;
        const float inv = float(1.0 / std::sqrt(s.beta[std::size_t(t)]));
        for (float& v : eps.data) v *= inv;
        const ddpm::Image* images[5] = {&step.prev, &eps, &step.xt, &step.posterior_mean, &step.posterior_sample};
        for (int k = 0; k < 5; ++k) cv.step_textures[std::size_t(k)].upload(ddpm::to_rgb8(*images[k]));
        cv.step_downsized = shrink;
        cv.step_key = key;
    }
    const double beta = s.beta[std::size_t(t)], alpha = s.alpha[std::size_t(t)];
    ImGui::Text(tr("t = %d:  %s   (the chain, seed %u)"), t, ddpm::step_equation(s, t).c_str(), app.seed);
    ImGui::TextDisabled("%s", tr("q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)"));
    ImGui::TextDisabled(tr("beta_t = %.6g,  alpha_t = 1 - beta_t = %.6g,  sqrt(1 - beta_t) = %.6g"),
                        beta, alpha, std::sqrt(alpha));
    ImGui::TextColored(ImVec4(1, 0.55f, 0.45f, 1), "%s",
                       tr("Not sqrt(1 - beta_t x_{t-1}): the mean is sqrt(1 - beta_t) times x_{t-1}, a shrink toward 0."));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("A common misprint puts x_{t-1} inside the square root. The step scales the previous\n"
                                   "image by sqrt(1 - beta_t) and adds noise of variance beta_t, so the variance stays 1."));
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float op = ImGui::CalcTextSize(" * 0.000 + ").x + ImGui::GetStyle().ItemSpacing.x * 2;
    const float aspect = gpu ? float(app.renderer.height()) / float(app.renderer.width())
                             : float(cv.step_textures[0].height) / float(std::max(1, cv.step_textures[0].width));
    // Two rows: the step, then the posterior (smaller).
    const float w = std::max(8.0f, std::min((avail.x - 2 * op) / 3, (avail.y - 4 * line) / (aspect * 1.6f)));
    const ImVec2 size(w, w * aspect);
    char caps[3][96];
    std::snprintf(caps[0], sizeof caps[0], tr("x_%d"), t - 1);
    std::snprintf(caps[1], sizeof caps[1], "%s", tr("sqrt(beta_t) eps_t  (drawn as eps_t)"));
    std::snprintf(caps[2], sizeof caps[2], tr("x_%d"), t);
    char ops[2][32];
    std::snprintf(ops[0], sizeof ops[0], "* %.3f  +", std::sqrt(alpha));
    std::snprintf(ops[1], sizeof ops[1], "%s", "=");
    const float y = ImGui::GetCursorPosY();
    for (int k = 0; k < 3; ++k) {
        if (k) {
            ImGui::SameLine();
            ImGui::SetCursorPosY(y + size.y * 0.5f - ImGui::GetTextLineHeight() * 0.5f);
            ImGui::TextUnformatted(ops[k - 1]);
            ImGui::SameLine();
            ImGui::SetCursorPosY(y);
        }
        image_with_caption(app, gpu ? &(*gpu)[std::size_t(k)] : nullptr, cv.step_textures[std::size_t(k)], size, caps[k]);
    }
    // The posterior q(x_{t-1} | x_t, x0) = N(coef_x0 x0 + coef_xt x_t, posterior_variance I).
    const double c0 = s.posterior_mean_coef_x0[std::size_t(t)], ct = s.posterior_mean_coef_xt[std::size_t(t)];
    const double var = s.posterior_variance[std::size_t(t)];
    ImGui::Text(tr("Posterior q(x_{t-1} | x_t, x0) = N(%.5g x0 + %.5g x_t, %.5g I)   (Ho et al. eq. 7)"), c0, ct, var);
    if (t == 1) ImGui::TextDisabled("%s", tr("At t = 1 the posterior is x0 itself: variance 0 by this convention."));
    const ImVec2 small(size.x * 0.6f, size.y * 0.6f);
    image_with_caption(app, gpu ? &(*gpu)[3] : nullptr, cv.step_textures[3], small, tr("posterior mean"));
    ImGui::SameLine();
    image_with_caption(app, gpu ? &(*gpu)[4] : nullptr, cv.step_textures[4], small, tr("posterior sample"));
    if (!gpu && cv.step_downsized) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), tr("Preview: the image is too large for the GPU's node budget,\n"
                                                        "so this view is computed on the CPU at %d pixels a side."),
                           kStepMaxSide);
    }
}
