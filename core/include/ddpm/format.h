#pragma once
// Numbers for people (style.md §12): the shortest text that reads back as the same double.
#include <string>

namespace ddpm {

// 0.05 -> "0.05", 1e-4 -> "0.0001", 1e-7 -> "1e-07", 1000 -> "1000" (std::to_chars, round trip).
std::string shortest(double value);

}  // namespace ddpm
