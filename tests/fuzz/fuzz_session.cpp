// libFuzzer: parse_session on any text (a .ddpmviz or an export manifest) gives a session or an error
// with a message; a session it gives is written by session_json into a file it reads back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto s = parse_session(text, "/tmp");
    if (!s) {
        if (s.error().empty()) __builtin_trap();
        return 0;
    }
    if (!parse_session(session_json(*s), "/tmp")) __builtin_trap();
    return 0;
}
