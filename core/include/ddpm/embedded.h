#pragma once
// Files compiled into the binary by cmake/Embed.cmake (sample images, shaders).
#include <cstddef>
#include <span>
#include <string_view>

namespace ddpm {

struct EmbeddedFile {
    const char* name;              // file name without folder, e.g. "chelsea.png"
    const unsigned char* data;     // followed by a 0 byte not counted in size
    std::size_t size;
};

// Defined by ddpm_embed() in app/CMakeLists.txt: shaders/*.glsl in ddpm_gpu, assets/*.png in ddpm_app.
std::span<const EmbeddedFile> embedded_shaders();
std::span<const EmbeddedFile> embedded_assets();

inline const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files, std::string_view name) {
    for (const auto& f : files)
        if (name == f.name) return &f;
    return nullptr;
}

}  // namespace ddpm
