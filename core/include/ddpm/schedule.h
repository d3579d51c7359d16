#pragma once
// Noise schedules of the forward process x_t = signal_t x0 + noise_t eps, and every quantity derived
// from them. All maths in double, in logs (log alpha_bar is primary), computed once in make_schedule;
// everything else reads these arrays. A family is a row of kScheduleKinds, not a switch repeated.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddpm/result.h"

namespace ddpm {

enum class ScheduleKind { Linear, ScaledLinear, Cosine, Sigmoid, Flow, Edm, ChenSigmoid, ChenCosine, Laplace, Custom };

// How signal and noise follow from log_snr: VP keeps signal^2 + noise^2 = 1, flow keeps
// signal + noise = 1, VE keeps signal = 1.
enum class ScheduleFamily { VP, Flow, VE };

struct ScheduleKindName {
    ScheduleKind kind;
    const char* name;      // CLI value, JSON value, UI combo label
    ScheduleFamily family;
    const char* params;    // the parameters it reads, as CLI flags
    const char* formula;   // what it computes, u = t / T
    const char* source;    // paper or code it follows
};
inline constexpr std::array<ScheduleKindName, 10> kScheduleKinds{{
    {ScheduleKind::Linear, "linear", ScheduleFamily::VP, "--beta-start --beta-end",
     "beta_t = linspace(beta_start, beta_end, T)", "Ho et al. 2020 (DDPM)"},
    {ScheduleKind::ScaledLinear, "scaled-linear", ScheduleFamily::VP, "--beta-start --beta-end",
     "beta_t = linspace(sqrt(beta_start), sqrt(beta_end), T)^2", "Rombach et al. 2022 (Stable Diffusion)"},
    {ScheduleKind::Cosine, "cosine", ScheduleFamily::VP, "--cosine-s --max-beta",
     "alpha_bar(u) = cos((u + s) / (1 + s) pi/2)^2 / f(0), beta clipped to max_beta",
     "Nichol & Dhariwal 2021 (iDDPM eq. 17); diffusers squaredcos_cap_v2"},
    {ScheduleKind::Sigmoid, "sigmoid", ScheduleFamily::VP, "--beta-start --beta-end",
     "beta_t = sigmoid(linspace(-6, 6, T)) (beta_end - beta_start) + beta_start: a sigmoid in beta",
     "Xu et al. 2022 (GeoDiff); diffusers sigmoid"},
    {ScheduleKind::Flow, "flow", ScheduleFamily::Flow, "--shift",
     "sigma = u, x_t = (1 - sigma) x0 + sigma eps", "Esser et al. 2024 (SD3); diffusers FlowMatchEulerDiscreteScheduler"},
    {ScheduleKind::Edm, "edm", ScheduleFamily::VE, "--sigma-min --sigma-max --rho",
     "sigma_t = (sigma_min^(1/rho) + (t-1)/(T-1) (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho, x_t = x0 + sigma_t eps",
     "Karras et al. 2022 (EDM) eq. 5"},
    {ScheduleKind::ChenSigmoid, "chen-sigmoid", ScheduleFamily::VP, "--start --end --tau",
     "alpha_bar(u) = (v(end) - v(u (end - start) + start)) / (v(end) - v(start)), v(x) = sigmoid(x / tau): a sigmoid in alpha_bar",
     "Chen 2023, On the importance of noise scheduling, Algorithm 1"},
    {ScheduleKind::ChenCosine, "chen-cosine", ScheduleFamily::VP, "--start --end --tau",
     "alpha_bar(u) = (v(end) - v(u (end - start) + start)) / (v(end) - v(start)), v(x) = cos(x pi/2)^(2 tau)",
     "Chen 2023, On the importance of noise scheduling, Algorithm 1"},
    {ScheduleKind::Laplace, "laplace", ScheduleFamily::VP, "--mu --b",
     "log_snr(u) = mu - b sgn(0.5 - u) ln(1 - 2 |u - 0.5|)", "Hang et al. 2024, Improved noise schedule for diffusion training"},
    {ScheduleKind::Custom, "custom", ScheduleFamily::VP, "--betas FILE", "beta_t read from a file (T from the file)",
     "your own"},
}};
const char* schedule_name(ScheduleKind kind);
const ScheduleKindName& schedule_info(ScheduleKind kind);
std::optional<ScheduleKind> parse_schedule_kind(std::string_view name);
// The kinds given by betas (the shift and zero terminal SNR re-derive them from alpha_bar).
bool schedule_from_betas(ScheduleKind kind);

constexpr int kMaxT = 100000;

struct ScheduleParams {
    ScheduleKind kind = ScheduleKind::Linear;
    int T = 1000;
    double beta_start = 1e-4;   // linear, scaled-linear, sigmoid
    double beta_end = 0.02;     // linear, scaled-linear, sigmoid
    double cosine_s = 0.008;    // cosine
    double max_beta = 0.999;    // cosine
    bool zero_terminal_snr = false;
    double shift = 1;           // every kind: noise / signal multiplied by shift (log_snr - 2 ln shift)
    double sigma_min = 0.002, sigma_max = 80, rho = 7;   // edm
    double start = -3, end = 3, tau = 1;                  // chen-sigmoid (chen-cosine: 0, 1, 1)
    double mu = 0, b = 0.5;                               // laplace
    std::vector<double> betas{};  // custom: beta_1..beta_T
    bool operator==(const ScheduleParams&) const = default;
};

// The literature's defaults for a kind (beta range of DDPM, or of Stable Diffusion for scaled-linear).
ScheduleParams default_params(ScheduleKind kind);

// Arrays indexed by t = 0..T. Row 0 is the clean image: beta 0, alpha_bar 1, snr inf, signal 1, noise 0.
// alpha_bar and the columns after it are VP-equivalent for every kind: alpha_bar = signal^2 / (signal^2 + noise^2),
// beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}; signal and noise are the kind's own coefficients.
struct Schedule {
    ScheduleParams params;
    std::vector<double> beta, alpha, alpha_bar, sqrt_alpha_bar, sqrt_one_minus_alpha_bar, snr,
        log_snr, sigma, posterior_variance, posterior_mean_coef_x0, posterior_mean_coef_xt, signal, noise,
        log_alpha_bar;
    std::vector<std::string> warnings;   // parameters that work but are probably not what was meant
    int T() const { return params.T; }
};

// Checks the parameters and builds the schedule; the error names the parameter, value and range.
// Parameters that add no noise at all (alpha_bar_T = 1) are refused; a NaN anywhere is an error, never a value.
Result<Schedule> make_schedule(const ScheduleParams& params);

// Column names shared by the CSV header, the JSON keys and the UI.
inline constexpr std::array<const char*, 15> kScheduleColumns{
    "t", "beta", "alpha", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr",
    "log_snr", "sigma", "posterior_variance", "posterior_mean_coef_x0", "posterior_mean_coef_xt",
    "signal", "noise", "log_alpha_bar"};
// The value of column c (1..14, as in kScheduleColumns) at t.
double schedule_value(const Schedule& s, int column, int t);
// The column number (1..14) of a value column's name, e.g. "alpha_bar" -> 3; none for "t" or unknown names.
std::optional<int> schedule_column(std::string_view name);

// The table for t = 1..T (or the rows ts, in that order): CSV in the shortest form that reads back
// exactly, or JSON with the parameters. With ts, a column diffusers_timestep = t - 1 follows t.
std::string schedule_csv(const Schedule& s, const std::vector<int>& ts = {});
std::string schedule_json(const Schedule& s, const std::vector<int>& ts = {});
// The parameters as JSON (the kind's own only), as the table and the export manifests write them.
std::string schedule_params_json(const ScheduleParams& p);

// The shortest text that reads back as v (std::to_chars): 0.05, 1e-09, inf.
std::string number_text(double v);
// "cosine s=0.008 T=1000", "flow shift=3 T=1000", "linear 0.0001..0.02 T=1000 zero-SNR".
std::string schedule_label(const ScheduleParams& p);

// A short name for file names, letters, digits, '.', '-' only: "cosine", "flow-shift3",
// "scaled-linear-zsnr", "linear-T500" (T when not 1000).
std::string schedule_slug(const ScheduleParams& p);

// Betas from a file's text: one number per line, or a CSV with a header that has a column named beta.
Result<std::vector<double>> parse_betas(std::string_view text, const std::string& file_name);

// The t where s's log_snr is nearest to log_snr (the same noise level in another schedule), 0..T.
int t_for_log_snr(const Schedule& s, double log_snr);

// The x axis of a schedule plot: the timestep t, the fraction t/T (schedules of different T line up),
// or log_snr (the same noise level lines up: how far apart two schedules really are).
enum class PlotXAxis { T, Fraction, LogSnr };
struct PlotXAxisName {
    PlotXAxis axis;
    const char* name;   // CLI value, manifest value, UI label
};
inline constexpr std::array<PlotXAxisName, 3> kPlotXAxes{{
    {PlotXAxis::T, "t"}, {PlotXAxis::Fraction, "t/T"}, {PlotXAxis::LogSnr, "log_snr"}}};
const char* plot_x_axis_name(PlotXAxis axis);
// "t", "t/T" (or "u", "fraction"), "log_snr" (or "log-snr").
std::optional<PlotXAxis> parse_plot_x_axis(std::string_view name);
// Where t of s sits on that axis: t, t / T, or log_snr_t (+inf at t = 0; -inf at a zero-SNR end).
double plot_x(const Schedule& s, PlotXAxis axis, int t);

}  // namespace ddpm
