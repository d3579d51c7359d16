// libFuzzer: parse_betas on any text (one number per line, or a CSV with a beta column) gives betas
// that make_schedule takes or refuses with a message; never a crash or a NaN in the schedule.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddpm/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto betas = ddpm::parse_betas(text, "fuzz.csv");
    if (!betas) {
        if (betas.error().empty()) __builtin_trap();
        return 0;
    }
    ddpm::ScheduleParams p = ddpm::default_params(ddpm::ScheduleKind::Custom);
    p.betas = *betas;
    p.T = int(betas->size());
    auto s = ddpm::make_schedule(p);
    if (!s) return 0;
    for (int t = 1; t <= s->T(); ++t)
        if (!(s->alpha_bar[t] >= 0 && s->alpha_bar[t] <= 1) || std::isnan(s->log_snr[t])) __builtin_trap();
    return 0;
}
