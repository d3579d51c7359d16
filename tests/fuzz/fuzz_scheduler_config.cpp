// libFuzzer: parse_scheduler_config on any text gives a config whose schedule builds or is refused
// with a message, and whose sampling timesteps (if it names a spacing) stay within 1..T.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddpm/sampling.h"
#include "ddpm/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = ddpm::parse_scheduler_config(text, "fuzz.json");
    if (!config) {
        if (config.error().empty()) __builtin_trap();
        return 0;
    }
    auto s = ddpm::make_schedule(config->params);
    if (!s) return 0;
    ddpm::SamplingParams sampling = config->sampling;
    sampling.steps = 1 + int(size % 97);
    if (auto ts = ddpm::sampling_timesteps(s->T(), sampling))
        for (int t : *ts)
            if (t < 1 || t > s->T()) __builtin_trap();
    return 0;
}
