// The 1D density ribbon: q(x_t) over (t, x) as a picture, t across, with chain paths and, after a
// reverse run, the reverse paths; core's toy::render_ribbon draws it, so the PNG export is the same picture.
#include "ribbon.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "app.h"
#include "ddpm/png.h"
#include "i18n.h"

namespace toy = ddpm::toy;

namespace {

constexpr int kSources = int(toy::kPresets1.size()) + 3;

const char* source_label(int k) {
    if (k < int(toy::kPresets1.size())) return toy::kPresets1[std::size_t(k)].name;
    static const char* channels[3] = {"image R values", "image G values", "image B values"};
    return tr(channels[k - int(toy::kPresets1.size())]);
}

toy::RibbonPicture picture_request(const RibbonState& s, int width, int height) {
    toy::RibbonPicture p;
    p.width = width;
    p.height = height;
    p.chain = s.chain;
    if (s.show_reverse) {
        p.reverse = s.reverse;
        p.reverse_timesteps = s.reverse_timesteps;
    }
    return p;
}

void rebuild(App& app, RibbonState& s, int width, int height) {
    const int presets = int(toy::kPresets1.size());
    s.density = s.source < presets ? toy::make_preset1(toy::kPresets1[std::size_t(s.source)].preset)
                                   : toy::pixel_density(app.x0, s.source - presets);
    s.chain = toy::chain_paths1(s.density, app.schedule, s.paths, app.seed);
    if (s.show_reverse) {
        // The schedule's sampling timesteps when it has them (--sampling-steps), else evenly spaced.
        auto ts = toy::reverse_timesteps(app.schedule.T(), app.sampling, s.steps);
        s.reverse_timesteps = ts ? std::move(*ts) : toy::sampling_timesteps(app.schedule.T(), s.steps);
        s.reverse = toy::reverse_paths1(s.density, app.schedule, s.sampler ? toy::Sampler::Ddim : toy::Sampler::Ddpm,
                                        s.reverse_timesteps, s.reverse_n, app.seed);
    }
    s.picture = toy::render_ribbon(s.density, app.schedule, picture_request(s, width, height));
    std::vector<uint8_t> rgba(s.picture.pixels.size() / 3 * 4, 255);
    for (std::size_t k = 0; k < s.picture.pixels.size() / 3; ++k)
        for (int c = 0; c < 3; ++c) rgba[4 * k + std::size_t(c)] = s.picture.pixels[3 * k + std::size_t(c)];
    if (!s.texture) glGenTextures(1, &s.texture);
    glBindTexture(GL_TEXTURE_2D, s.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, s.picture.width, s.picture.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
}

}  // namespace

RibbonState::~RibbonState() {
    if (texture) glDeleteTextures(1, &texture);
}

void draw_ribbon_view(App& app) {
    if (!app.ribbon) app.ribbon = std::make_shared<RibbonState>();
    RibbonState& s = *app.ribbon;
    const float w = ImGui::GetFontSize() * 9;
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("##ribbon-data", source_label(s.source))) {
        for (int k = 0; k < kSources; ++k)
            if (ImGui::Selectable(source_label(k), s.source == k)) s.source = k;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 0.8f);
    ImGui::SliderInt("##paths", &s.paths, 0, 40, tr("%d chain paths"));
    ImGui::SameLine();
    ImGui::Checkbox(tr("reverse paths"), &s.show_reverse);
    if (s.show_reverse) {
        ImGui::SameLine();
        const char* samplers[] = {"DDPM", "DDIM"};
        ImGui::SetNextItemWidth(w * 0.6f);
        ImGui::Combo("##ribbon-sampler", &s.sampler, samplers, 2);
        ImGui::SameLine();
        if (app.sampling.steps > 0) {
            ImGui::TextDisabled(tr("%d sampling steps, %s"), app.sampling.steps, ddpm::spacing_name(app.sampling.spacing));
        } else {
            ImGui::SetNextItemWidth(w * 0.8f);
            ImGui::SliderInt("##ribbon-steps", &s.steps, 1, std::min(1000, app.schedule.T()), tr("%d steps"));
        }
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    ImGui::InputText("##png", &s.png_path);
    ImGui::SameLine();
    const bool save = ImGui::Button(tr("Save PNG"));

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const int width = std::max(64, int(avail.x)), height = std::max(64, int(avail.y - ImGui::GetTextLineHeightWithSpacing()));
    char key[256];
    std::snprintf(key, sizeof key, "%d|%d|%d|%d|%d|%d|%d|%dx%d|%u|%zu", s.source, s.paths, int(s.show_reverse), s.sampler, s.steps,
                  s.reverse_n, app.schedule.T(), width, height, app.seed, app.x0.size());
    // The schedule's parameters and the image identity join the key.
    const std::string full = std::string(key) + app.image_source + std::to_string(app.schedule.alpha_bar.back()) +
                             std::to_string(app.schedule.beta[1]) + "|" + std::to_string(app.sampling.steps) + "|" +
                             ddpm::spacing_name(app.sampling.spacing) + "|" + std::to_string(app.sampling.steps_offset);
    if (full != s.key) {
        s.key = full;
        rebuild(app, s, width, height);
    }
    ImGui::TextDisabled(tr("white: chain paths x_0 -> x_T; cyan: reverse paths from x_T (the marker shows t = %d)"), app.t);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.texture)), ImVec2(float(s.picture.width), float(s.picture.height)));
    // The shared t as a vertical marker over the plot area (render_ribbon's margins: 56 left, 12 right).
    const float plot_w = float(s.picture.width - 68);
    const float x = p0.x + 56 + plot_w * float(app.t) / float(std::max(1, app.schedule.T()));
    ImGui::GetWindowDrawList()->AddLine(ImVec2(x, p0.y + 8), ImVec2(x, p0.y + float(s.picture.height) - 28), IM_COL32(255, 255, 255, 160));
    if (save) {
        const ddpm::Rgb8 full_size = toy::render_ribbon(s.density, app.schedule, picture_request(s, 1600, 800));
        const ddpm::Status st = ddpm::write_png(s.png_path, full_size, true);
        char text[512];
        std::snprintf(text, sizeof text, tr("saved the ribbon as %s (1600 x 800)"), s.png_path.c_str());
        app.status = st ? std::string(text) : st.error;
        app.status_is_error = !st;
    }
}
