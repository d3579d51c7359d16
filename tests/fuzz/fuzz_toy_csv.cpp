// libFuzzer: parse_points_csv on any text gives finite points or an error with a message.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddpm/toy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto points = ddpm::toy::parse_points_csv(text, "fuzz.csv");
    if (!points) {
        if (points.error().empty()) __builtin_trap();
        return 0;
    }
    if (points->empty()) __builtin_trap();
    for (std::size_t i = 0; i < points->size(); ++i)
        if (!std::isfinite((*points)[i].x) || !std::isfinite((*points)[i].y)) __builtin_trap();
    return 0;
}
