#include "ddpm/sampling.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

namespace ddpm {

const char* spacing_name(Spacing s) {
    for (const auto& [k, name] : kSpacings)
        if (k == s) return name;
    return "?";
}

std::optional<Spacing> parse_spacing(std::string_view name) {
    for (const auto& [k, n] : kSpacings)
        if (name == n) return k;
    return std::nullopt;
}

Result<std::vector<int>> sampling_timesteps(int T, const SamplingParams& sp) {
    const int N = sp.steps;
    if (N < 1 || N > T)
        return Error{"--sampling-steps " + std::to_string(N) + " is outside 1..T (T = " + std::to_string(T) + ")"};
    if (sp.steps_offset < 0 || sp.steps_offset >= T)
        return Error{"--steps-offset " + std::to_string(sp.steps_offset) + " is outside 0..T-1"};
    std::vector<long long> k;
    switch (sp.spacing) {
    case Spacing::Linspace:
        // np.linspace(0, T - 1, N).round()[::-1]; np.round rounds half to even, as nearbyint does.
        for (int i = N - 1; i >= 0; --i) {
            const double v = N == 1 ? 0.0 : i == N - 1 ? double(T - 1) : i * (double(T - 1) / (N - 1));
            k.push_back((long long)std::nearbyint(v));
        }
        break;
    case Spacing::Leading: {
        // step_ratio = T // N; (np.arange(0, N) * step_ratio).round()[::-1] + steps_offset
        const long long ratio = T / N;
        for (int i = N - 1; i >= 0; --i) k.push_back(i * ratio + sp.steps_offset);
        break;
    }
    case Spacing::Trailing: {
        // step_ratio = T / N; np.round(np.arange(T, 0, -step_ratio)) - 1. numpy's length ceil(T / step_ratio) is
        // N + 1 for some N (61 at T = 1000) from rounding, with a last timestep -1; N values are what is meant.
        const double ratio = double(T) / N;
        for (long long i = 0; i < N; ++i) k.push_back((long long)std::nearbyint(T + double(i) * -ratio) - 1);
        break;
    }
    }
    std::vector<int> ts;
    for (long long v : k) {
        if (v < 0 || v > T - 1)
            return Error{std::string(spacing_name(sp.spacing)) + " spacing with " + std::to_string(N) + " steps and offset " +
                         std::to_string(sp.steps_offset) + " gives diffusers timestep " + std::to_string(v) +
                         ", outside 0.." + std::to_string(T - 1)};
        ts.push_back(int(v) + 1);
    }
    return ts;
}

namespace {

using nlohmann::json;

// Classes whose forward process is the VP one of their betas, with diffusers' default spacing.
struct KnownClass {
    const char* name;
    const char* spacing;
    bool flow;
};
constexpr KnownClass kClasses[] = {
    {"DDPMScheduler", "leading", false},          {"DDIMScheduler", "leading", false},
    {"DDIMInverseScheduler", "leading", false},   {"PNDMScheduler", "leading", false},
    {"LCMScheduler", "leading", false},           {"TCDScheduler", "leading", false},
    {"EulerDiscreteScheduler", "linspace", false}, {"EulerAncestralDiscreteScheduler", "linspace", false},
    {"LMSDiscreteScheduler", "linspace", false},   {"HeunDiscreteScheduler", "linspace", false},
    {"KDPM2DiscreteScheduler", "linspace", false}, {"KDPM2AncestralDiscreteScheduler", "linspace", false},
    {"DPMSolverMultistepScheduler", "linspace", false}, {"DPMSolverSinglestepScheduler", "linspace", false},
    {"DPMSolverSDEScheduler", "linspace", false},  {"UniPCMultistepScheduler", "linspace", false},
    {"DEISMultistepScheduler", "linspace", false}, {"DDPMWuerstchenScheduler", "leading", false},
    {"FlowMatchEulerDiscreteScheduler", "linspace", true}, {"FlowMatchHeunDiscreteScheduler", "linspace", true},
};

// Keys that shape sampling or the network's output, not q(x_t | x0).
const std::set<std::string> kIgnored = {
    "_diffusers_version", "prediction_type", "clip_sample", "clip_sample_range", "set_alpha_to_one",
    "skip_prk_steps", "thresholding", "dynamic_thresholding_ratio", "sample_max_value", "variance_type",
    "solver_order", "algorithm_type", "solver_type", "lower_order_final", "euler_at_final", "final_sigmas_type",
    "interpolation_type", "timestep_type", "lambda_min_clipped", "use_lu_lambdas", "predict_x0", "disable_corrector",
    "solver_p", "original_inference_steps", "timestep_scaling", "noise_sampler_seed", "s_churn", "s_tmin",
    "s_tmax", "s_noise", "sigma_data", "stochastic_sampling"};

// Keys that would change the noise levels in a way this reader does not model.
const std::set<std::string> kCannot = {
    "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "use_dynamic_shifting", "shift_terminal",
    "invert_sigmas", "base_shift", "max_shift", "base_image_seq_len", "max_image_seq_len", "sigma_min", "sigma_max",
    "time_shift_type"};

std::string dumped(const json& v) {
    std::string s = v.dump();
    return s.size() > 40 ? s.substr(0, 40) + "..." : s;
}

}  // namespace

Result<DiffusersConfig> parse_scheduler_config(std::string_view text, const std::string& file) {
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return Error{file + ": not valid JSON"};
    if (!j.is_object()) return Error{file + ": a scheduler config is a JSON object"};
    DiffusersConfig c;
    const KnownClass* cls = nullptr;
    if (j.contains("_class_name")) {
        if (!j["_class_name"].is_string()) return Error{file + ": _class_name is not a string"};
        c.class_name = j["_class_name"].get<std::string>();
        for (const auto& k : kClasses)
            if (c.class_name == k.name) cls = &k;
        if (!cls) return Error{file + ": scheduler class " + c.class_name + " is not one ddpm-viz reads"};
    }
    const bool flow = cls && cls->flow;
    const auto number = [&](const char* key, double fallback) -> Result<double> {
        if (!j.contains(key) || j[key].is_null()) return fallback;
        if (!j[key].is_number()) return Error{file + ": " + key + " = " + dumped(j[key]) + " is not a number"};
        return j[key].get<double>();
    };
    const auto integer = [&](const char* key, int fallback, int lo, int hi) -> Result<int> {
        if (!j.contains(key) || j[key].is_null()) return fallback;
        if (!j[key].is_number_integer() || j[key].get<long long>() < lo || j[key].get<long long>() > hi)
            return Error{file + ": " + key + " = " + dumped(j[key]) + " is not a whole number in " + std::to_string(lo) +
                         ".." + std::to_string(hi)};
        return int(j[key].get<long long>());
    };
    auto T = integer("num_train_timesteps", 1000, 1, kMaxT);
    if (!T) return Error{T.error()};
    ScheduleParams& p = c.params;
    if (flow) {
        p = default_params(ScheduleKind::Flow);
        auto shift = number("shift", 1);
        if (!shift) return Error{shift.error()};
        p.shift = *shift;
    } else {
        std::string bs = "linear";
        if (j.contains("beta_schedule")) {
            if (!j["beta_schedule"].is_string()) return Error{file + ": beta_schedule is not a string"};
            bs = j["beta_schedule"].get<std::string>();
        }
        if (bs == "linear") p = default_params(ScheduleKind::Linear);
        else if (bs == "scaled_linear") p = default_params(ScheduleKind::ScaledLinear);
        else if (bs == "squaredcos_cap_v2") p = default_params(ScheduleKind::Cosine);
        else if (bs == "sigmoid") p = default_params(ScheduleKind::Sigmoid);
        else return Error{file + ": beta_schedule " + bs + " is not one ddpm-viz knows (linear, scaled_linear, squaredcos_cap_v2, sigmoid)"};
        // diffusers' own defaults where the file leaves them out
        auto start = number("beta_start", 0.0001), end = number("beta_end", 0.02);
        if (!start) return Error{start.error()};
        if (!end) return Error{end.error()};
        if (p.kind != ScheduleKind::Cosine) p.beta_start = *start, p.beta_end = *end;
        if (j.contains("trained_betas") && !j["trained_betas"].is_null()) {
            const json& tb = j["trained_betas"];
            if (!tb.is_array()) return Error{file + ": trained_betas is not a list of numbers"};
            p = default_params(ScheduleKind::Custom);
            for (const auto& v : tb) {
                if (!v.is_number()) return Error{file + ": trained_betas has " + dumped(v) + ", not a number"};
                p.betas.push_back(v.get<double>());
            }
            if (int(p.betas.size()) != *T)
                c.warnings.push_back("trained_betas has " + std::to_string(p.betas.size()) +
                                     " values; T comes from them, not from num_train_timesteps = " + std::to_string(*T));
            *T = int(p.betas.size());
        }
        if (j.contains("rescale_betas_zero_snr")) {
            if (!j["rescale_betas_zero_snr"].is_boolean()) return Error{file + ": rescale_betas_zero_snr is not true or false"};
            p.zero_terminal_snr = j["rescale_betas_zero_snr"].get<bool>();
        }
    }
    p.T = *T;
    std::string spacing = cls ? cls->spacing : "leading";
    if (j.contains("timestep_spacing")) {
        if (!j["timestep_spacing"].is_string()) return Error{file + ": timestep_spacing is not a string"};
        spacing = j["timestep_spacing"].get<std::string>();
    }
    if (auto s = parse_spacing(spacing)) c.sampling.spacing = *s;
    else c.warnings.push_back("timestep_spacing " + spacing + " is not leading, trailing or linspace; using leading");
    auto offset = integer("steps_offset", 0, 0, kMaxT);
    if (!offset) return Error{offset.error()};
    c.sampling.steps_offset = *offset;

    const std::set<std::string> used = {"_class_name", "num_train_timesteps", "beta_schedule", "beta_start", "beta_end",
                                        "trained_betas", "rescale_betas_zero_snr", "timestep_spacing", "steps_offset",
                                        "shift"};
    for (const auto& [key, value] : j.items()) {
        if (used.count(key)) {
            if (key == "shift" && !flow) c.warnings.push_back("shift is read only for FlowMatch schedulers; ignored here");
            continue;
        }
        if (kIgnored.count(key)) {
            c.ignored.push_back(key);
        } else if (kCannot.count(key)) {
            const bool off = value.is_null() || (value.is_boolean() && !value.get<bool>());
            if (!off) c.warnings.push_back(key + " = " + dumped(value) + " changes the noise levels at sampling time; ddpm-viz shows the training schedule without it");
            else c.ignored.push_back(key);
        } else {
            c.warnings.push_back("unknown key " + key + " ignored");
        }
    }
    if (auto s = make_schedule(p); !s) return Error{file + ": " + s.error()};
    return c;
}

const std::vector<Preset>& presets() {
    static const std::vector<Preset> list = [] {
        std::vector<Preset> v;
        const auto kind = [](ScheduleKind k) { return default_params(k); };
        v.push_back({"ddpm", "Ho et al. 2020: linear 1e-4..0.02, T = 1000", kind(ScheduleKind::Linear), {}});
        v.push_back({"iddpm", "Nichol & Dhariwal 2021: cosine, s = 0.008", kind(ScheduleKind::Cosine), {}});
        v.push_back({"sd15", "Stable Diffusion 1.5 scheduler_config.json: scaled-linear 0.00085..0.012, leading spacing, steps_offset 1",
                     kind(ScheduleKind::ScaledLinear), {50, Spacing::Leading, 1}});
        ScheduleParams sd21 = kind(ScheduleKind::ScaledLinear);
        sd21.zero_terminal_snr = true;
        v.push_back({"sd21-zero-snr", "Stable Diffusion 2.1 (v-prediction) as Lin et al. 2023 fix it: zero terminal SNR, trailing spacing",
                     sd21, {50, Spacing::Trailing, 0}});
        v.push_back({"sdxl", "SDXL base 1.0 scheduler_config.json: scaled-linear 0.00085..0.012, leading spacing, steps_offset 1",
                     kind(ScheduleKind::ScaledLinear), {50, Spacing::Leading, 1}});
        ScheduleParams sd3 = kind(ScheduleKind::Flow);
        sd3.shift = 3;
        v.push_back({"sd3", "Esser et al. 2024 (SD3 medium scheduler_config.json): rectified flow, shift 3", sd3, {}});
        v.push_back({"edm", "Karras et al. 2022: sigma 0.002..80, rho 7", kind(ScheduleKind::Edm), {}});
        ScheduleParams simple = kind(ScheduleKind::Cosine);
        simple.shift = 8;
        v.push_back({"simple-diffusion", "Hoogeboom et al. 2023: cosine shifted for 512^2 from base 64 (shift 512/64 = 8)", simple, {}});
        v.push_back({"chen-sigmoid", "Chen 2023, Algorithm 1 defaults: sigmoid in alpha_bar, start -3, end 3, tau 1",
                     kind(ScheduleKind::ChenSigmoid), {}});
        return v;
    }();
    return list;
}

const Preset* find_preset(std::string_view name) {
    for (const auto& p : presets())
        if (name == p.name) return &p;
    return nullptr;
}

}  // namespace ddpm
