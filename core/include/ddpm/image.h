#pragma once
// Images as the model sees them: RGB float, x = v / 127.5 - 1 for 8-bit v, row-major, interleaved.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/result.h"

namespace ddpm {

// The largest sheet (filmstrip, equation view) an export draws.
constexpr int kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = int64_t(1) << 28;

// What a decoder may allocate for one image. Files whose header claims more are refused before any
// pixel is decoded; --max-pixels on the command line changes max_pixels.
struct ImageLimits {
    int64_t max_pixels = int64_t(1) << 28;   // about 16384x16384: 3 GiB as float RGB
    static constexpr int kMaxSide = 65535;   // the most any of our formats can store
};

struct Image {
    int width = 0, height = 0;
    std::vector<float> data;   // width * height * 3 values in [-1, 1] (x_t may leave that range)
    std::size_t size() const { return data.size(); }
    bool empty() const { return data.empty(); }
};

struct Rgb8 {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;   // width * height * 3
};

inline float from_u8(uint8_t v) { return float(v) / 127.5f - 1.0f; }
// round((clamp(x, -1, 1) + 1) * 127.5); NaN maps to 0.
inline uint8_t to_u8(float x) {
    x = x > -1.0f ? (x < 1.0f ? x : 1.0f) : -1.0f;
    return uint8_t(int((x + 1.0f) * 127.5f + 0.5f));
}

// Decodes PNG, JPEG, BMP, TGA, GIF (first frame) and binary PPM/PGM, 8 or 16 bits,
// gray/gray+alpha/RGB/RGBA. Gray becomes RGB; alpha is composited over white (what a viewer shows on
// a light page). 16-bit values are scaled to [-1, 1] without rounding to 8 bits first. Safe for
// untrusted bytes: a damaged, truncated or oversized file is an error naming the file.
Result<Image> decode_image(const uint8_t* bytes, std::size_t size, const std::string& name,
                           const ImageLimits& limits = {});
Result<Image> load_image(const std::string& path, const ImageLimits& limits = {});
// Reads a whole file; the error names the path and the reason.
Result<std::vector<uint8_t>> read_file(const std::string& path);

// An image as decoded for exports of huge inputs: a file whose samples are 8-bit and opaque keeps
// them as 8-bit RGB in rgb8 (from_rgb8 of it equals decode_image exactly, in a quarter of the
// memory); any other file gives image. Exactly one of the two is filled.
struct CompactImage {
    Image image;
    Rgb8 rgb8;
    uint64_t file_hash = 0;   // fnv1a64 of the file's bytes
    int width() const { return image.empty() ? rgb8.width : image.width; }
    int height() const { return image.empty() ? rgb8.height : image.height; }
};
Result<CompactImage> decode_image_compact(const uint8_t* bytes, std::size_t size, const std::string& name,
                                          const ImageLimits& limits = {});
// The same from a file; a PNG or binary PPM/PGM is read from the file as it decodes, so its bytes
// are never held beside its pixels.
Result<CompactImage> load_image_compact(const std::string& path, const ImageLimits& limits = {});

// FNV-1a, 64 bits (the input's content hash in manifests); h continues an earlier part's hash.
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;
uint64_t fnv1a64(const uint8_t* data, std::size_t size, uint64_t h = kFnvBasis);

Rgb8 to_rgb8(const Image& image);
Image from_rgb8(const Rgb8& rgb);

// Downsizes (stb_image_resize's default filter) so the longer side is at most max_side;
// returns a copy when it already fits.
Image downsize(const Image& image, int max_side);

}  // namespace ddpm
