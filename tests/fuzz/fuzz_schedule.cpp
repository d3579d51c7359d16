// libFuzzer: make_schedule on any parameters (every kind, raw doubles, any T, any shift) returns a
// schedule whose values are in range and finite where they must be, or an error.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ddpm/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    constexpr std::size_t kDoubles = 13;
    if (size < 2 + 4 + kDoubles * 8) return 0;
    ddpm::ScheduleParams p;
    p.kind = ddpm::kScheduleKinds[data[0] % ddpm::kScheduleKinds.size()].kind;
    p.zero_terminal_snr = data[1] & 1;
    int32_t T;
    std::memcpy(&T, data + 2, 4);
    p.T = T % 200001;   // also negative and above the 100000 limit
    double v[kDoubles];
    std::memcpy(v, data + 6, sizeof v);
    p.beta_start = v[0], p.beta_end = v[1], p.cosine_s = v[2], p.max_beta = v[3], p.shift = v[4];
    p.sigma_min = v[5], p.sigma_max = v[6], p.rho = v[7], p.start = v[8], p.end = v[9], p.tau = v[10];
    p.mu = v[11], p.b = v[12];
    if (p.kind == ddpm::ScheduleKind::Custom) {
        // The rest of the input is the betas (at most a few thousand, to keep each run short).
        const std::size_t rest = (size - 6 - sizeof v) / 8;
        p.betas.resize(std::min<std::size_t>(rest, 4096));
        if (!p.betas.empty()) std::memcpy(p.betas.data(), data + 6 + sizeof v, p.betas.size() * 8);
        p.T = int(p.betas.size());
    } else if (p.T > 20000 && (data[1] & 2) == 0) {
        p.T = 1 + p.T % 20000;   // long schedules now and then only: each costs milliseconds
    }
    auto s = ddpm::make_schedule(p);
    if (!s) return 0;
    if (s->T() < 1 || s->T() > ddpm::kMaxT) __builtin_trap();
    for (int t = 1; t <= s->T(); ++t) {
        const double b = s->beta[t], a = s->alpha_bar[t];
        if (!(b >= 0 && b <= 1) || !(a >= 0 && a <= 1)) __builtin_trap();
        if (std::isnan(s->log_snr[t]) || std::isnan(s->signal[t]) || std::isnan(s->noise[t])) __builtin_trap();
        if (a > s->alpha_bar[t - 1]) __builtin_trap();   // the noise never decreases
    }
    return 0;
}
