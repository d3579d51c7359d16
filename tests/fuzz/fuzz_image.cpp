// libFuzzer: decode_image on any bytes must return an image or an error, never crash, overflow or
// leak (run under ASan and UBSan). The compact decode, and for PPM/PGM and PNG the file reader, must agree
// with it exactly: the same refusals and, widened to floats, the same values. Seeds: one small file
// of each format in corpus/image.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "ddpm/image.h"

namespace {
void same(const ddpm::Result<ddpm::Image>& floats, const ddpm::Result<ddpm::CompactImage>& compact) {
    if (floats.ok() != compact.ok()) __builtin_trap();
    if (!floats) return;
    const ddpm::Image widened = compact->image.empty() ? ddpm::from_rgb8(compact->rgb8) : compact->image;
    if (widened.width != floats->width || widened.height != floats->height || widened.data != floats->data)
        __builtin_trap();
}
}  // namespace

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
    same(image, ddpm::decode_image_compact(data, size, "fuzz", limits));
    if (size >= 2 && (data[0] == 'P' || data[0] == 0x89)) {
        static const int fd = memfd_create("fuzz_image", 0);
        if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != ssize_t(size)) __builtin_trap();
        same(image, ddpm::load_image_compact("/proc/self/fd/" + std::to_string(fd), limits));
    }
    return 0;
}
