// Debian's stb_image implementation compiled into each fuzz target, so the fuzzer sees coverage
// inside it and ASan checks its accesses (the system libstb.so is neither); the executable's copy
// takes precedence over the shared library's symbols.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
