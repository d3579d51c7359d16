// libFuzzer: parse_t_list on any text; every t it returns is within 0..T.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddpm/export.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks T (1..100000 in steps), the rest is the text.
    const int T = 1 + int(data[0]) * 392;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    // A range of 0:100000:1 has 100001 entries; the parser allows that, so it is not a finding.
    auto ts = ddpm::parse_t_list(text, T);
    if (ts)
        for (int t : *ts)
            if (t < 0 || t > T) __builtin_trap();
    return 0;
}
