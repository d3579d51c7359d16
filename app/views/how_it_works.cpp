// "How it works": the forward process in words, from the chain rule to the closed form, and what the
// window's fixed-eps view is and is not.
#include <imgui.h>

#include <string>

#include "app.h"
#include "distribution_view.h"
#include "i18n.h"

namespace {

void section(const char* title, const char* body) {
    ImGui::TextColored(ImVec4(1, 0.8f, 0.45f, 1), "%s", title);
    ImGui::TextWrapped("%s", body);
    ImGui::Spacing();
}

}  // namespace

void draw_how_it_works(App& app) {
    if (!app.show_how_it_works) return;
    place_window(app, ImVec2(330 * app.ui_scale, 40 * app.ui_scale), ImVec2(640 * app.ui_scale, 600 * app.ui_scale));
    if (!ImGui::Begin((std::string(tr("How it works")) + "###How it works").c_str(), &app.show_how_it_works)) {
        ImGui::End();
        return;
    }
    ImGui::PushTextWrapPos(0);
    section(tr("1. The chain rule"),
            tr("Any joint distribution factors into conditionals: q(x_1, ..., x_T | x0) = q(x_1 | x0) q(x_2 | x_1, x0) "
               "... q(x_T | x_{T-1}, ..., x0). This holds for every distribution; nothing is assumed yet."));
    section(tr("2. The Markov property"),
            tr("DDPM assumes each step looks only at the one before it: q(x_t | x_{t-1}, ..., x0) = q(x_t | x_{t-1}). "
               "The future depends on the past only through the present."));
    section(tr("3. The product of conditionals"),
            tr("With the Markov property the chain rule becomes q(x_{1:T} | x0) = prod_{t=1..T} q(x_t | x_{t-1}), "
               "each step a Gaussian q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I): shrink the previous "
               "image a little and add a little fresh noise. Note the mean is sqrt(1 - beta_t) times x_{t-1}, not "
               "sqrt(1 - beta_t x_{t-1})."));
    section(tr("4. The closed form, by summing Gaussians"),
            tr("Write one step as x_t = sqrt(alpha_t) x_{t-1} + sqrt(1 - alpha_t) eps_t with alpha_t = 1 - beta_t. "
               "Substituting the step before gives sqrt(alpha_t alpha_{t-1}) x_{t-2} plus two independent Gaussian noises, "
               "of variances alpha_t (1 - alpha_{t-1}) and 1 - alpha_t; their sum is one Gaussian of variance "
               "1 - alpha_t alpha_{t-1}. Repeating to x0: q(x_t | x0) = N(sqrt(alpha_bar_t) x0, (1 - alpha_bar_t) I) "
               "with alpha_bar_t = prod_{s<=t} alpha_s, i.e. x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps, "
               "eps ~ N(0, I) (the reparameterization trick: see its window). As alpha_bar_t goes to 0, x_t "
               "approaches N(0, I): see the Distribution window and its KL plot."));
    section(tr("5. What the image view shows, and what it does not"),
            tr("The image view draws x_t from the closed form with ONE eps per seed, used for every t: dragging t "
               "fades the photo into one fixed noise picture. Each frame is a correct sample of the marginal "
               "q(x_t | x0). The frames together are NOT a run of the chain: in a real run fresh noise enters at "
               "every step, so x_500 and x_1000 are nearly uncorrelated (correlation about sqrt(alpha_bar_1000 / "
               "alpha_bar_500), 0.02 for DDPM), while here they share eps (0.98). Diffusion does not reveal a hidden "
               "noise image; change the seed to see another equally likely x_t."));
    section(tr("Two different sigmas"),
            tr("The values panel's sigma (VE/EDM) = sqrt((1 - alpha_bar_t) / alpha_bar_t) is the noise level of the "
               "same x_t written as x_t / sqrt(alpha_bar_t) = x0 + sigma eps (Karras et al. 2022; the `sigma` column "
               "of the schedule table). Ho et al. 2020's sigma_t is something else: the standard deviation of the "
               "reverse step p(x_{t-1} | x_t), with sigma_t^2 = beta_t or the posterior variance."));
    ImGui::PopTextWrapPos();
    ImGui::End();
}
