#include "ddpm/image.h"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace ddpm {

namespace {

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(1) << 30;

Error too_large(const std::string& name, int64_t w, int64_t h) {
    return Error{name + ": " + std::to_string(w) + "x" + std::to_string(h) + " is larger than the limit of " +
                 std::to_string(kMaxImageSide) + " pixels per side and 2^28 pixels in all"};
}

// Width and height from a PNG's IHDR, read directly.
bool png_header_size(const uint8_t* b, std::size_t n, int& w, int& h) {
    static const uint8_t sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 24 || std::memcmp(b, sig, 8) != 0 || std::memcmp(b + 12, "IHDR", 4) != 0) return false;
    const auto be = [&](int o) { return uint32_t(b[o]) << 24 | uint32_t(b[o + 1]) << 16 | uint32_t(b[o + 2]) << 8 | b[o + 3]; };
    if (be(16) > 0x7fffffffu || be(20) > 0x7fffffffu) return false;
    w = int(be(16));
    h = int(be(20));
    return true;
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a folder, not a file"};
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) return Error{path + ": " + std::strerror(errno)};
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return Error{path + ": " + ec.message()};
    if (size > kMaxFileBytes) return Error{path + ": the file is larger than 1 GiB"};
    std::vector<uint8_t> bytes(size);
    if (size && std::fread(bytes.data(), 1, size, f.get()) != size) return Error{path + ": could not read the whole file"};
    return bytes;
}

Result<Image> decode_image(const uint8_t* bytes, std::size_t size, const std::string& name) {
    if (size == 0) return Error{name + ": the file is empty"};
    if (size > kMaxFileBytes) return Error{name + ": the file is larger than 1 GiB"};
    int w = 0, h = 0, comp = 0;
    // The header alone first, so a file claiming huge dimensions is refused before any allocation.
    if (!stbi_info_from_memory(bytes, int(size), &w, &h, &comp)) {
        if (png_header_size(bytes, size, w, h) &&
            (w > kMaxImageSide || h > kMaxImageSide || int64_t(w) * h > kMaxImagePixels))   // stb says only "unknown type"
            return too_large(name, w, h);
        return Error{name + ": not an image ddpm-viz can read (" + stbi_failure_reason() +
                     "); use PNG, JPEG, BMP, TGA or GIF"};
    }
    if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide || int64_t(w) * h > kMaxImagePixels)
        return too_large(name, w, h);

    const bool sixteen = stbi_is_16_bit_from_memory(bytes, int(size));
    void* raw = sixteen ? static_cast<void*>(stbi_load_16_from_memory(bytes, int(size), &w, &h, &comp, 0))
                        : static_cast<void*>(stbi_load_from_memory(bytes, int(size), &w, &h, &comp, 0));
    if (!raw) {
        const std::string why = stbi_failure_reason() ? stbi_failure_reason() : "";
        return Error{name + ": the image data is damaged or truncated" + (why.empty() ? "" : " (" + why + ")")};
    }
    std::unique_ptr<void, void (*)(void*)> guard(raw, stbi_image_free);

    Image img;
    img.width = w;
    img.height = h;
    img.data.resize(std::size_t(w) * h * 3);
    const float max = sixteen ? 65535.0f : 255.0f;
    const std::size_t n = std::size_t(w) * h;
    const bool has_alpha = comp == 2 || comp == 4;
    const int colour = has_alpha ? comp - 1 : comp;   // 1 (gray) or 3 (RGB)
    for (std::size_t i = 0; i < n; ++i) {
        const auto at = [&](int c) {
            const std::size_t k = i * comp + c;
            return sixteen ? float(static_cast<const uint16_t*>(raw)[k]) : float(static_cast<const uint8_t*>(raw)[k]);
        };
        const float alpha = has_alpha ? at(comp - 1) / max : 1.0f;
        for (int c = 0; c < 3; ++c) {
            const float v = at(colour == 1 ? 0 : c) / max;
            // Composited over white; x = 2 v - 1 equals v8 / 127.5 - 1 for 8-bit values.
            const float over = alpha * v + (1.0f - alpha);
            img.data[i * 3 + c] = sixteen || has_alpha ? over * 2.0f - 1.0f : from_u8(uint8_t(at(colour == 1 ? 0 : c)));
        }
    }
    return img;
}

Result<Image> load_image(const std::string& path) {
    auto bytes = read_file(path);
    if (!bytes) return Error{bytes.error()};
    return decode_image(bytes->data(), bytes->size(), path);
}

Rgb8 to_rgb8(const Image& image) {
    Rgb8 out;
    out.width = image.width;
    out.height = image.height;
    out.pixels.resize(image.data.size());
    // Raw pointers: a uint8_t store may alias the vectors' own members, which stops vectorisation.
    const float* src = image.data.data();
    uint8_t* dst = out.pixels.data();
    for (std::size_t i = 0, n = image.data.size(); i < n; ++i) dst[i] = to_u8(src[i]);
    return out;
}

Image from_rgb8(const Rgb8& rgb) {
    Image out;
    out.width = rgb.width;
    out.height = rgb.height;
    out.data.resize(rgb.pixels.size());
    for (std::size_t i = 0; i < rgb.pixels.size(); ++i) out.data[i] = from_u8(rgb.pixels[i]);
    return out;
}

Image downsize(const Image& image, int max_side) {
    const int longest = std::max(image.width, image.height);
    if (max_side <= 0 || longest <= max_side) return image;
    const double scale = double(max_side) / longest;
    Image out;
    out.width = std::max(1, int(image.width * scale + 0.5));
    out.height = std::max(1, int(image.height * scale + 0.5));
    out.data.resize(std::size_t(out.width) * out.height * 3);
    [[maybe_unused]] const int ok =
        stbir_resize_float(image.data.data(), image.width, image.height, 0, out.data.data(), out.width, out.height, 0, 3);
    assert(ok);   // fails only on bad arguments or no memory for its small work buffer
    return out;
}

}  // namespace ddpm
