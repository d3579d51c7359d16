// The reparameterization trick in 1D (the notes' z = mu + sigma * eps): the same eps samples move as mu
// and sigma change, so z is a differentiable function of them (dz/dmu = 1, dz/dsigma = eps); with
// "follow t" it is one pixel of x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <string>

#include "app.h"
#include "ddpm/distribution.h"
#include "ddpm/rng.h"
#include "distribution_view.h"
#include "i18n.h"

namespace {

constexpr int kSamples = 32;
constexpr uint32_t kReparamStream = 0x20000000u;   // this panel's own eps, apart from q_sample's and the chain's
constexpr double kLo = -5, kHi = 5;

}  // namespace

void draw_reparam_view(App& app) {
    ReparamViewState& r = app.reparam;
    if (!r.open) return;
    place_window(app, ImVec2(420 * app.ui_scale, 90 * app.ui_scale), ImVec2(620 * app.ui_scale, 600 * app.ui_scale));
    if (!ImGui::Begin((std::string(tr("Reparameterization trick")) + "###Reparameterization trick").c_str(), &r.open)) {
        ImGui::End();
        return;
    }
    const std::size_t t = std::size_t(app.t);
    ImGui::Checkbox(tr("follow t: z is one pixel of x_t"), &r.follow_t);
    if (r.follow_t) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::SliderFloat("x0", &r.x0, -1, 1, "%.2f");
        r.mu = float(app.schedule.sqrt_alpha_bar[t] * r.x0);
        r.sigma = float(app.schedule.sqrt_one_minus_alpha_bar[t]);
    }
    ImGui::BeginDisabled(r.follow_t);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    ImGui::SliderFloat("mu", &r.mu, -3, 3, "%.3f");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    ImGui::SliderFloat("sigma", &r.sigma, 0, 3, "%.3f");
    ImGui::EndDisabled();

    double eps[kSamples];
    for (int k = 0; k < kSamples / 4; ++k) {
        const ddpm::rng::Normal4 n = ddpm::rng::normal4(ddpm::rng::stream_key(app.seed, kReparamStream), uint64_t(k));
        for (int j = 0; j < 4; ++j) eps[k * 4 + j] = n.v[j];
    }
    r.highlighted = std::clamp(r.highlighted, 0, kSamples - 1);

    // Two axes: eps ~ N(0, 1) above, z = mu + sigma eps below, each sample joined to where it lands.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const ImVec2 size(avail.x, std::max(160.0f, avail.y - 9.5f * line));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##reparam", size);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float left = p0.x + 10, right = p0.x + size.x - 10;
    const float band = size.y * 0.5f, density_h = band * 0.55f;
    const float eps_axis = p0.y + band - 22, z_axis = p0.y + size.y - 22;
    const auto X = [&](double x) { return left + float((x - kLo) / (kHi - kLo)) * (right - left); };
    draw->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(30, 30, 34, 255));
    const ImU32 axis = IM_COL32(160, 160, 160, 255), dot = IM_COL32(90, 160, 255, 255), hi = IM_COL32(255, 160, 60, 255);
    for (const float y : {eps_axis, z_axis}) {
        draw->AddLine(ImVec2(left, y), ImVec2(right, y), axis);
        for (int k = int(kLo); k <= int(kHi); ++k) {
            char label[8];
            std::snprintf(label, sizeof label, "%d", k);
            draw->AddLine(ImVec2(X(k), y), ImVec2(X(k), y + 3), axis);
            draw->AddText(ImVec2(X(k) - ImGui::CalcTextSize(label).x * 0.5f, y + 4), axis, label);
        }
    }
    draw->AddText(ImVec2(left, p0.y + 4), IM_COL32(220, 220, 220, 255), tr("eps ~ N(0, 1): fixed samples"));
    draw->AddText(ImVec2(left, p0.y + band + 4), IM_COL32(220, 220, 220, 255), tr("z = mu + sigma * eps ~ N(mu, sigma^2)"));
    // Densities: N(0, 1) over the eps axis; N(mu, sigma^2) over the z axis, scaled so its peak keeps one height
    // when sigma is small (the area is 1 in both; the peak height is 1 / (sigma sqrt(2 pi))).
    const auto curve = [&](float base, double mu, double sigma, ImU32 color) {
        if (sigma <= 0) {
            draw->AddLine(ImVec2(X(mu), base), ImVec2(X(mu), base - density_h), color, 2);
            return;
        }
        const double peak = ddpm::normal_pdf(0) / std::max(sigma, 0.4);
        std::vector<ImVec2> pts;
        for (int k = 0; k <= 300; ++k) {
            const double x = kLo + (kHi - kLo) * k / 300;
            const double y = std::min(ddpm::normal_pdf((x - mu) / sigma) / sigma, peak);
            pts.push_back(ImVec2(X(x), base - float(y / peak) * density_h));
        }
        draw->AddPolyline(pts.data(), int(pts.size()), color, 0, 2);
    };
    curve(eps_axis, 0, 1, IM_COL32(200, 200, 200, 200));
    curve(z_axis, r.mu, r.sigma, IM_COL32(120, 220, 120, 255));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (int k = 0; k < kSamples; ++k) {
        const double z = r.mu + r.sigma * eps[k];
        const ImVec2 a(X(eps[k]), eps_axis), b(X(z), z_axis);
        const bool h = k == r.highlighted;
        draw->AddLine(a, b, h ? hi : IM_COL32(90, 160, 255, 70), h ? 2.0f : 1.0f);
        draw->AddCircleFilled(a, h ? 5.0f : 3.5f, h ? hi : dot);
        draw->AddCircleFilled(b, h ? 5.0f : 3.5f, h ? hi : dot);
        if (ImGui::IsItemClicked() && ((std::abs(mouse.x - a.x) < 6 && std::abs(mouse.y - a.y) < 8) ||
                                       (std::abs(mouse.x - b.x) < 6 && std::abs(mouse.y - b.y) < 8)))
            r.highlighted = k;
    }
    const double e = eps[r.highlighted], z = r.mu + r.sigma * e;
    ImGui::Text(tr("The orange sample: eps = %.3f,  z = %.3f + %.3f * %.3f = %.3f"), e, r.mu, r.sigma, e, z);
    ImGui::Text(tr("dz/dmu = 1,   dz/dsigma = eps = %.3f"), e);
    ImGui::SameLine();
    ImGui::TextDisabled(tr("(click a sample to follow it)"));
    ImGui::PushTextWrapPos(0);
    ImGui::TextWrapped("%s", tr("Drawing z ~ N(mu, sigma^2) directly has no derivative with respect to mu or sigma. "
                                "Writing z = mu + sigma * eps with eps ~ N(0, 1) drawn once moves the randomness into "
                                "eps: drag the sliders and the same samples slide and stretch, so z is a smooth "
                                "function of (mu, sigma) and gradients pass through it."));
    ImGui::TextColored(ImVec4(0.6f, 0.85f, 0.6f, 1),
                       tr("DDPM: x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps is z with mu = sqrt(alpha_bar_t) "
                          "x0 = %.3f and sigma = sqrt(1 - alpha_bar_t) = %.3f (t = %d, x0 = %.2f)."),
                       app.schedule.sqrt_alpha_bar[t] * r.x0, app.schedule.sqrt_one_minus_alpha_bar[t], app.t, r.x0);
    ImGui::TextDisabled("%s", tr("It gives x_t in one step from x0 and eps, and makes eps the training target."));
    ImGui::PopTextWrapPos();
    ImGui::End();
}
