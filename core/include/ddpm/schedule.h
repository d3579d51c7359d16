#pragma once
// Variance schedules of the DDPM forward process and every quantity derived from them.
// All maths in double, computed once in make_schedule; everything else reads these arrays.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddpm/result.h"

namespace ddpm {

enum class ScheduleKind { Linear, ScaledLinear, Cosine, Sigmoid };

struct ScheduleKindName {
    ScheduleKind kind;
    const char* name;   // CLI value, JSON value, UI combo label
};
inline constexpr std::array<ScheduleKindName, 4> kScheduleKinds{{
    {ScheduleKind::Linear, "linear"},
    {ScheduleKind::ScaledLinear, "scaled-linear"},
    {ScheduleKind::Cosine, "cosine"},
    {ScheduleKind::Sigmoid, "sigmoid"},
}};
const char* schedule_name(ScheduleKind kind);
std::optional<ScheduleKind> parse_schedule_kind(std::string_view name);

constexpr int kMaxT = 100000;

struct ScheduleParams {
    ScheduleKind kind = ScheduleKind::Linear;
    int T = 1000;
    double beta_start = 1e-4;   // linear, scaled-linear, sigmoid
    double beta_end = 0.02;     // linear, scaled-linear, sigmoid
    double cosine_s = 0.008;    // cosine
    double max_beta = 0.999;    // cosine
    bool zero_terminal_snr = false;
    bool operator==(const ScheduleParams&) const = default;
};

// The literature's defaults for a kind (beta range of DDPM, or of Stable Diffusion for scaled-linear).
ScheduleParams default_params(ScheduleKind kind);

// Arrays indexed by t = 0..T. Row 0 is the clean image: beta 0, alpha_bar 1, snr inf.
struct Schedule {
    ScheduleParams params;
    std::vector<double> beta, alpha, alpha_bar, sqrt_alpha_bar, sqrt_one_minus_alpha_bar, snr,
        log_snr, sigma, posterior_variance, posterior_mean_coef_x0, posterior_mean_coef_xt;
    int T() const { return params.T; }
};

// Checks the parameters and builds the schedule; the error names the parameter, value and range.
Result<Schedule> make_schedule(const ScheduleParams& params);

// Column names shared by the CSV header, the JSON keys and the UI.
inline constexpr std::array<const char*, 12> kScheduleColumns{
    "t", "beta", "alpha", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr",
    "log_snr", "sigma", "posterior_variance", "posterior_mean_coef_x0", "posterior_mean_coef_xt"};
// The value of column c (1..11, as in kScheduleColumns) at t.
double schedule_value(const Schedule& s, int column, int t);
// The column number (1..11) of a value column's name, e.g. "alpha_bar" -> 3; none for "t" or unknown names.
std::optional<int> schedule_column(std::string_view name);

// The table for t = 1..T: CSV with 17 significant digits, or JSON with the parameters.
std::string schedule_csv(const Schedule& s);
std::string schedule_json(const Schedule& s);

}  // namespace ddpm
