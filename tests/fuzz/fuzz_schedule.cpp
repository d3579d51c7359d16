// libFuzzer: make_schedule on any parameters (raw doubles, any T) returns a schedule whose values
// are in range, or an error.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ddpm/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size < 2 + 4 + 4 * 8) return 0;
    ddpm::ScheduleParams p;
    p.kind = ddpm::kScheduleKinds[data[0] % ddpm::kScheduleKinds.size()].kind;
    p.zero_terminal_snr = data[1] & 1;
    int32_t T;
    std::memcpy(&T, data + 2, 4);
    p.T = T % 200001;   // also negative and above the 100000 limit
    double v[4];
    std::memcpy(v, data + 6, sizeof v);
    p.beta_start = v[0], p.beta_end = v[1], p.cosine_s = v[2], p.max_beta = v[3];
    auto s = ddpm::make_schedule(p);
    if (!s) return 0;
    if (s->T() < 1 || s->T() > 100000) __builtin_trap();
    for (int t = 1; t <= s->T(); ++t) {
        const double b = s->beta[t], a = s->alpha_bar[t];
        if (!(b >= 0 && b <= 1) || !(a >= 0 && a <= 1)) __builtin_trap();
    }
    return 0;
}
