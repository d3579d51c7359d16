// libFuzzer: decode_image on any bytes must return an image or an error, never crash, overflow or
// leak (run under ASan and UBSan). Seeds: one small file of each format in corpus/image.
#include <cstddef>
#include <cstdint>

#include "ddpm/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    // A pixel limit that keeps each input's allocation small, so the fuzzer explores headers
    // rather than spending its time filling big buffers.
    ddpm::ImageLimits limits;
    limits.max_pixels = 1 << 20;
    auto image = ddpm::decode_image(data, size, "fuzz", limits);
    if (image) {
        const int64_t n = int64_t(image->width) * image->height;
        if (image->width <= 0 || image->height <= 0 || n > limits.max_pixels || image->data.size() != std::size_t(n) * 3)
            __builtin_trap();
    }
    return 0;
}
