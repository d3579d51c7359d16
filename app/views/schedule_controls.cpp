// The Schedule section of the controls: presets, kind, each kind's own parameters, shift, zero SNR,
// the sampling subset, and the diffusers-config opener. Edits go to app.edit; apply_schedule_edits
// builds the schedule once per frame.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app.h"
#include "ddpm/image.h"
#include "i18n.h"

namespace {

void tooltip(const char* text) {
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

bool slider(const char* label, double& v, double lo, double hi, const char* tip, bool log = false) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
    const bool changed = ImGui::SliderScalar(label, ImGuiDataType_Double, &v, &lo, &hi, "%.5g",
                                             log ? ImGuiSliderFlags_Logarithmic : 0);
    tooltip(tip);
    return changed;
}

}  // namespace

bool open_scheduler_config(App& app, const std::string& path) {
    auto bytes = ddpm::read_file(path);
    if (!bytes) {
        app.status = bytes.error(), app.status_is_error = true;
        return false;
    }
    auto c = ddpm::parse_scheduler_config(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                          std::filesystem::path(path).filename().string());
    if (!c) {
        app.status = c.error(), app.status_is_error = true;
        return false;
    }
    app.edit = c->params;
    const int steps = app.sampling.steps;
    app.sampling = c->sampling;
    app.sampling.steps = steps;
    char text[512];
    std::snprintf(text, sizeof text, tr("%s: %s (diffusers' timestep k is t = k + 1 here)%s%s"),
                  std::filesystem::path(path).filename().c_str(), ddpm::schedule_label(c->params).c_str(),
                  c->warnings.empty() ? "" : "; ", c->warnings.empty() ? "" : c->warnings[0].c_str());
    app.status = text;
    app.status_is_error = false;
    return true;
}

void draw_schedule_controls_view(App& app) {
    using K = ddpm::ScheduleKind;
    for (const auto& p : ddpm::presets()) {
        const float w = ImGui::CalcTextSize(p.name).x + 2 * ImGui::GetStyle().FramePadding.x;
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        if (&p != &ddpm::presets().front() && ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <= right)
            ImGui::SameLine();
        if (ImGui::Button(p.name)) {
            app.edit = p.params;
            app.sampling.spacing = p.sampling.spacing, app.sampling.steps_offset = p.sampling.steps_offset;
            if (p.sampling.steps) app.sampling.steps = p.sampling.steps;
        }
        tooltip(p.source);
    }
    if (ImGui::Button(tr("Reset"))) app.edit = ddpm::ScheduleParams{}, app.sampling = {};

    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
    if (ImGui::BeginCombo(tr("schedule"), ddpm::schedule_name(app.edit.kind))) {
        for (const auto& k : ddpm::kScheduleKinds) {
            if (k.kind == K::Custom && app.edit.kind != K::Custom) continue;   // comes from a file or a config
            if (ImGui::Selectable(k.name, k.kind == app.edit.kind) && k.kind != app.edit.kind) {
                ddpm::ScheduleParams p = ddpm::default_params(k.kind);
                p.T = app.edit.T;
                p.zero_terminal_snr = app.edit.zero_terminal_snr;
                p.shift = app.edit.shift;
                app.edit = p;
            }
            if (ImGui::IsItemHovered()) {
                char tip[512];
                std::snprintf(tip, sizeof tip, tr("%s\nSource: %s"), k.formula, k.source);
                tooltip(tip);
            }
        }
        ImGui::EndCombo();
    }
    const auto& info = ddpm::schedule_info(app.edit.kind);
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    {
        char tip[600];
        std::snprintf(tip, sizeof tip, tr("%s\nSource: %s"), info.formula, info.source);
        tooltip(tip);
    }
    auto& e = app.edit;
    switch (e.kind) {
    case K::Cosine:
        slider("cosine_s", e.cosine_s, 1e-4, 0.5, tr("Offset s of iDDPM's cosine"), true);
        slider("max_beta", e.max_beta, 0.5, 0.9999, tr("Upper clip of the betas"));
        break;
    case K::Linear:
    case K::ScaledLinear:
    case K::Sigmoid:
        slider("beta_start", e.beta_start, 1e-6, 0.999, tr("First beta"), true);
        slider("beta_end", e.beta_end, 1e-6, 0.999, tr("Last beta"), true);
        if (e.kind == K::Sigmoid) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
            ImGui::TextWrapped("%s", tr("A sigmoid in beta (GeoDiff, diffusers); chen-sigmoid is Chen 2023's sigmoid in alpha_bar."));
            ImGui::PopStyleColor();
        }
        break;
    case K::Edm:
        slider("sigma_min", e.sigma_min, 1e-4, 1, tr("Smallest sigma (Karras et al. 2022)"), true);
        slider("sigma_max", e.sigma_max, 1, 1000, tr("Largest sigma"), true);
        slider("rho", e.rho, 1, 20, tr("Karras rho: larger spends more steps at small sigma"));
        break;
    case K::ChenSigmoid:
    case K::ChenCosine: {
        const bool cos = e.kind == K::ChenCosine;
        slider("start", e.start, cos ? 0 : -10, cos ? 1 : 10, tr("Chen 2023 Algorithm 1: start"));
        slider("end", e.end, cos ? 0 : -10, cos ? 1 : 10, tr("Chen 2023 Algorithm 1: end"));
        slider("tau", e.tau, 0.1, 5, tr("Temperature tau"), true);
        break;
    }
    case K::Laplace:
        slider("mu", e.mu, -5, 5, tr("log_snr at the middle step"));
        slider("b", e.b, 0.05, 5, tr("Spread of log_snr around mu"), true);
        break;
    case K::Flow:
    case K::Custom: break;
    }
    slider("shift", e.shift, 0.1, 64, tr("noise/signal times S (log_snr - 2 ln S): SD3's shift; S = resolution / base for Hoogeboom et al. 2023"), true);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
    if (e.kind == K::Custom) ImGui::Text(tr("T = %d (from the betas)"), e.T);
    else draw_T_field(app);
    ImGui::Checkbox(tr("zero terminal SNR"), &e.zero_terminal_snr);
    tooltip(tr("Rescales the schedule so that alpha_bar_T = 0: the last step is pure noise (Lin et al. 2023)."));
    if (info.family != ddpm::ScheduleFamily::VP)
    {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", tr("The image shows the VP-scaled x_t / sqrt(signal^2 + noise^2)."));
        ImGui::PopStyleColor();
    }

    // The timesteps a sampler visits.
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    ImGui::InputInt(tr("sampling steps"), &app.sampling.steps, 1, 10);
    app.sampling.steps = std::clamp(app.sampling.steps, 0, app.schedule.T());
    tooltip(tr("0: every t. N: the N timesteps of diffusers' DDIM set_timesteps, marked on the plots; "
               "diffusers' timestep k is t = k + 1 here."));
    if (app.sampling.steps > 0) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
        if (ImGui::BeginCombo("##spacing", ddpm::spacing_name(app.sampling.spacing))) {
            for (const auto& [s, name] : ddpm::kSpacings)
                if (ImGui::Selectable(name, s == app.sampling.spacing)) app.sampling.spacing = s;
            ImGui::EndCombo();
        }
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
        ImGui::InputInt(tr("steps offset"), &app.sampling.steps_offset);
        app.sampling.steps_offset = std::max(0, app.sampling.steps_offset);
        auto ts = ddpm::sampling_timesteps(app.schedule.T(), app.sampling);
        app.sampling_ts = ts ? *ts : std::vector<int>{};
        if (!ts) ImGui::TextColored(ImVec4(1, 0.4f, 0.35f, 1), "%s", ts.error().c_str());
        else {
            // Step the slider through them: previous (less noise) and next (the sampler's next, noisier first).
            if (ImGui::ArrowButton("##prev_sample", ImGuiDir_Left)) {
                int best = -1;
                for (int t : app.sampling_ts) if (t < app.t) best = std::max(best, t);
                if (best >= 0) set_t(app, best);
            }
            ImGui::SameLine();
            if (ImGui::ArrowButton("##next_sample", ImGuiDir_Right)) {
                int best = -1;
                for (int t : app.sampling_ts) if (t > app.t && (best < 0 || t < best)) best = t;
                if (best >= 0) set_t(app, best);
            }
            ImGui::SameLine();
            ImGui::Text(tr("sampler visits t = %d .. %d"), app.sampling_ts.front(), app.sampling_ts.back());
        }
    } else {
        app.sampling_ts.clear();
    }
    if (!app.schedule_error.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImVec4(1, 0.4f, 0.35f, 1), "%s", app.schedule_error.c_str());
        ImGui::TextDisabled(tr("Still showing: %s"), ddpm::schedule_label(app.params).c_str());
        ImGui::PopTextWrapPos();
    }
}

void draw_plot_x_axis_combo(App& app) {
    const char* items[] = {tr("x: t"), tr("x: t/T"), tr("x: log_snr")};
    int mode = int(app.plot_x_axis);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    if (ImGui::Combo("##plot x axis", &mode, items, 3)) app.plot_x_axis = ddpm::PlotXAxis(mode);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("The plots' x axis: the timestep t; t/T, so schedules of another T line up; or log_snr, "
                                   "so the same noise level lines up (clean on the left). The marker, the sampler's "
                                   "timesteps and a click follow the current schedule's t."));
}
