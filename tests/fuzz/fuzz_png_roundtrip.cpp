// libFuzzer: any 8-bit RGB pixels encoded by encode_png decode (libpng) to the same pixels.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ddpm/image.h"
#include "ddpm/png.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    ddpm::Rgb8 rgb;
    rgb.width = 1 + data[0] % 64;
    const std::size_t row = std::size_t(rgb.width) * 3;
    rgb.height = int(std::min<std::size_t>((size - 2) / row, 256));
    if (rgb.height < 1) return 0;
    rgb.pixels.assign(data + 2, data + 2 + row * rgb.height);
    const auto png = ddpm::encode_png(rgb);
    auto back = ddpm::decode_image(png.data(), png.size(), "roundtrip");
    if (!back || back->width != rgb.width || back->height != rgb.height || ddpm::to_rgb8(*back).pixels != rgb.pixels)
        __builtin_trap();
    return 0;
}
