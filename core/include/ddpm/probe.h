#pragma once
// Pictures and tables of the chain for the window and the CLI: the step view x_{t-1} | sqrt(beta_t) eps_t
// | x_t, the chain strip x0 -> x1 -> ... with q(x_t | x_{t-1}) on the arrows, and the pixel probe.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/chain.h"
#include "ddpm/image.h"
#include "ddpm/result.h"
#include "ddpm/schedule.h"

namespace ddpm {

// The step view as one picture: x_{t-1} | sqrt(beta_t) eps_t | x_t with the live equation and its numbers
// above and the misprint of the step's mean below; t >= 1.
Rgb8 render_step(const ChainStep& step, const Schedule& s, int t);
// The step's equation with its numbers, e.g. "x_500 = 0.99499 * x_499 + 0.1 * eps_500".
std::string step_equation(const Schedule& s, int t);

// The chain's strip: tiles of x_t at ts (ascending) with arrows labelled q(x_b | x_a) between them
// and the product of conditionals on top.
Rgb8 render_chain_strip(const std::vector<Rgb8>& tiles, const std::vector<int>& ts);

// One row of the probe table (the CSV's columns, in order).
struct ProbeRow {
    int t = 0;
    std::array<float, 3> x0{}, closed{}, chain{}, mean{};
    double sd = 0;   // sqrt(1 - alpha_bar_t)
};
inline constexpr std::array<const char*, 14> kProbeColumns{"t",       "x0_r",    "x0_g",    "x0_b",   "closed_r",
                                                           "closed_g", "closed_b", "chain_r", "chain_g", "chain_b",
                                                           "mean_r",  "mean_g",  "mean_b",  "sd"};

// Pixel (x, y) of x0 (from the top left) at each t: the closed form and the chain path of `seed`.
Result<std::vector<ProbeRow>> probe_pixel(const Image& x0, const Schedule& s, int x, int y, const std::vector<int>& ts,
                                          uint32_t seed);
// The table as CSV, numbers in their shortest round-trip form.
std::string probe_csv(const std::vector<ProbeRow>& rows);
// The probe as a plot: for each channel, the chain path and the closed-form path over t, the mean
// sqrt(alpha_bar_t) x0 with the band +-2 sqrt(1 - alpha_bar_t), and faint chain paths of `other_seeds`.
Rgb8 render_probe_plot(const Image& x0, const Schedule& s, int x, int y, const std::vector<int>& ts, uint32_t seed,
                       const std::vector<uint32_t>& other_seeds, int width = 960, int height = 720);

}  // namespace ddpm
