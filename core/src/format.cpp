#include "ddpm/format.h"

#include <charconv>

namespace ddpm {

std::string shortest(double value) {
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, value);
    std::string s(text, r.ptr);
    // "1e-04" -> "1e-4": the exponent without its padding zeros (and "+"), still an exact round trip.
    if (const auto e = s.find('e'); e != std::string::npos) {
        std::size_t digits = e + 1;
        const bool negative = digits < s.size() && s[digits] == '-';
        if (digits < s.size() && (s[digits] == '+' || s[digits] == '-')) ++digits;
        while (digits + 1 < s.size() && s[digits] == '0') ++digits;
        s = s.substr(0, e + 1) + (negative ? "-" : "") + s.substr(digits);
    }
    return s;
}

}  // namespace ddpm
