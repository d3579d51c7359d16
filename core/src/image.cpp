#include "ddpm/image.h"

// Which decoder sees which bytes, and why (issue 12: stb_image 2.27 overflows its Huffman table on a
// 9-byte JPEG and overflows a signed int on a PPM header):
// - PNG goes to libpng and JPEG to libjpeg-turbo: the decoders every browser and distribution
//   ships, fuzzed continuously by OSS-Fuzz, with exact error messages and row-by-row output (so a
//   big image never needs a second full-size 8-bit copy).
// - Binary PPM/PGM is simple enough to decode here, with overflow-checked header numbers.
// - BMP, TGA and GIF stay with stb_image, because Debian packages nothing better that is small;
//   their headers are checked here first (type, depth, sizes against the bytes present), so stb
//   only ever sees a header it handles, and stb is never handed bytes it could take for one of its
//   other formats (PSD, PIC, HDR, PNM).
// Every path checks the pixel limit before allocating, and the uncompressed formats (and PNG,
// through deflate's 1032:1 ceiling) are refused as truncated when the bytes cannot hold the pixels.
#include <stdio.h>  // jpeglib.h needs FILE first
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <setjmp.h>
#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>

namespace ddpm {

namespace {

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(1) << 30;

std::string dims(int64_t w, int64_t h) { return std::to_string(w) + "x" + std::to_string(h); }

Status check_limits(const std::string& name, int64_t w, int64_t h, const ImageLimits& limits) {
    if (w <= 0 || h <= 0) return Error{name + ": the header says the image is " + dims(w, h) + ", which is empty"};
    if (w > ImageLimits::kMaxSide || h > ImageLimits::kMaxSide || w * h > limits.max_pixels)
        return Error{name + ": " + dims(w, h) + " is larger than the limit of " + std::to_string(limits.max_pixels) +
                     " pixels (and " + std::to_string(ImageLimits::kMaxSide) +
                     " per side); --max-pixels N raises the pixel limit"};
    return {};
}

Error truncated(const std::string& name, int64_t w, int64_t h, uint64_t need, uint64_t have, const char* how) {
    return Error{name + ": the file is truncated: its header says " + dims(w, h) + ", which needs at least " +
                 std::to_string(need) + " bytes of " + how + ", but it holds " + std::to_string(have)};
}

Error damaged(const std::string& name, const std::string& why) {
    return Error{name + ": the image data is damaged or truncated" + (why.empty() ? "" : " (" + why + ")")};
}

Error unknown_format(const std::string& name) {
    return Error{name + ": not an image ddpm-viz can read (unknown format); use PNG, JPEG, BMP, TGA, GIF or PPM"};
}

uint32_t be32(const uint8_t* b) { return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]; }
uint32_t le32(const uint8_t* b) { return uint32_t(b[3]) << 24 | uint32_t(b[2]) << 16 | uint32_t(b[1]) << 8 | b[0]; }
uint16_t le16(const uint8_t* b) { return uint16_t(b[1] << 8 | b[0]); }

// Samples of n pixels (comp channels, 8 or 16 bits, native-endian 16) into RGB floats.
// 8-bit opaque values go through from_u8 so they map exactly as everywhere else.
void store_pixels(float* dst, const void* src, std::size_t n, int comp, bool sixteen, float max = 0) {
    if (max == 0) max = sixteen ? 65535.0f : 255.0f;
    const bool has_alpha = comp == 2 || comp == 4;
    const int colour = has_alpha ? comp - 1 : comp;   // 1 (gray) or 3 (RGB)
    const bool exact = !sixteen && !has_alpha && max == 255.0f;
    for (std::size_t i = 0; i < n; ++i) {
        const auto at = [&](int c) {
            const std::size_t k = i * comp + c;
            return sixteen ? float(static_cast<const uint16_t*>(src)[k]) : float(static_cast<const uint8_t*>(src)[k]);
        };
        const float alpha = has_alpha ? std::min(at(comp - 1) / max, 1.0f) : 1.0f;
        for (int c = 0; c < 3; ++c) {
            const float raw = at(colour == 1 ? 0 : c);
            if (exact) {
                dst[i * 3 + c] = from_u8(uint8_t(raw));
                continue;
            }
            // Composited over white; x = 2 v - 1 equals v8 / 127.5 - 1 for 8-bit values.
            const float v = std::min(raw / max, 1.0f);
            dst[i * 3 + c] = (alpha * v + (1.0f - alpha)) * 2.0f - 1.0f;
        }
    }
}

// Where a decoder puts the pixels: float RGB, or, when the caller asked for it and the file's samples
// are 8-bit and opaque, those samples as 8-bit RGB (a quarter of the memory; from_u8 of them is
// exactly what the float path stores).
struct Target {
    bool bytes = false;
    Image f;
    Rgb8 b;
    void allocate(int w, int h) {
        const std::size_t n = std::size_t(w) * std::size_t(h) * 3;
        if (bytes) b = {w, h, std::vector<uint8_t>(n)};
        else f = {w, h, std::vector<float>(n)};
    }
    int width() const { return bytes ? b.width : f.width; }
    int height() const { return bytes ? b.height : f.height; }
    // n pixels from pixel `first` on.
    void store(std::size_t first, const void* src, std::size_t n, int comp, bool sixteen, float max = 0) {
        if (!bytes) return store_pixels(f.data.data() + first * 3, src, n, comp, sixteen, max);
        assert(!sixteen && (comp == 1 || comp == 3) && (max == 0 || max == 255));
        const auto* in = static_cast<const uint8_t*>(src);
        uint8_t* out = b.pixels.data() + first * 3;
        if (comp == 3) std::memcpy(out, in, n * 3);
        else for (std::size_t i = 0; i < n; ++i) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = in[i];
    }
};

// ---- PNG (libpng) ----

constexpr uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

struct PngInput {
    const uint8_t* bytes;   // the whole file in memory, or
    FILE* file;             // the file, read in order and hashed as it passes
    std::uintmax_t size, at;
    uint64_t hash;
    char message[200];
};

void png_read_input(png_structp png, png_bytep out, png_size_t n) {
    auto* in = static_cast<PngInput*>(png_get_io_ptr(png));
    if (n > in->size - in->at) png_error(png, "the file ends early");
    if (!in->file) {
        std::memcpy(out, in->bytes + in->at, n);
    } else {
        if (std::fread(out, 1, n, in->file) != n) png_error(png, "the file could not be read to the end");
        in->hash = fnv1a64(out, n, in->hash);
    }
    in->at += n;
}

void png_fail(png_structp png, png_const_charp message) {
    auto* in = static_cast<PngInput*>(png_get_error_ptr(png));
    std::snprintf(in->message, sizeof in->message, "%s", message);
    png_longjmp(png, 1);
}

void png_ignore_warning(png_structp, png_const_charp) {}

struct PngDecode {
    PngInput in;
    Target* out;
    std::vector<uint8_t> rows;   // one row, or the whole image when interlaced
};

// Only C objects live in this frame, so the longjmp from libpng skips no destructor.
bool png_decode(PngDecode& d) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d.in, png_fail, png_ignore_warning);
    if (!png) return std::snprintf(d.in.message, sizeof d.in.message, "out of memory"), false;
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
        return false;
    }
    png_set_user_limits(png, ImageLimits::kMaxSide, ImageLimits::kMaxSide);
    png_set_read_fn(png, &d.in, png_read_input);
    png_read_info(png, info);
    png_set_expand(png);   // palette -> RGB, gray 1/2/4 bits -> 8, tRNS -> alpha
    if (png_get_bit_depth(png, info) == 16) png_set_swap(png);   // native-endian 16-bit samples
    const int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int w = int(png_get_image_width(png, info)), h = int(png_get_image_height(png, info));
    const int comp = png_get_channels(png, info);
    const bool sixteen = png_get_bit_depth(png, info) == 16;
    const std::size_t row_bytes = png_get_rowbytes(png, info);
    if (w != d.out->width() || h != d.out->height() || comp < 1 || comp > 4 ||
        row_bytes != std::size_t(w) * comp * (sixteen ? 2 : 1) || (d.out->bytes && (sixteen || comp == 2 || comp == 4)))
        png_error(png, "unexpected layout");
    assert(d.rows.capacity() >= row_bytes * (passes == 1 ? 1 : std::size_t(h)) && "decode_png reserves the expanded rows");
    if (passes == 1) {
        d.rows.resize(row_bytes);
        for (int y = 0; y < h; ++y) {
            png_read_row(png, d.rows.data(), nullptr);
            d.out->store(std::size_t(y) * w, d.rows.data(), std::size_t(w), comp, sixteen);
        }
    } else {
        d.rows.resize(row_bytes * h);
        for (int pass = 0; pass < passes; ++pass)
            for (int y = 0; y < h; ++y) png_read_row(png, d.rows.data() + row_bytes * y, nullptr);
        d.out->store(0, d.rows.data(), std::size_t(w) * h, comp, sixteen);
    }
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

// b: the file's first bytes (33 at least when the file has them); chunk_at(at, c) reads the 8 bytes
// of length and type at offset at into c (false if it cannot).
template <class ChunkAt>
Status decode_png(const uint8_t* b, PngInput& in, const std::string& name, const ImageLimits& limits, Target& out,
                  ChunkAt chunk_at) {
    const std::uintmax_t n = in.size;
    if (n < 33 || std::memcmp(b + 12, "IHDR", 4) != 0) return damaged(name, "no PNG header");
    const int64_t w = be32(b + 16), h = be32(b + 20);
    if (auto st = check_limits(name, w, h, limits); !st) return Error{st.error};
    const int depth = b[24], colour = b[25];
    const int channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 3 ? 1 : colour == 4 ? 2 : colour == 6 ? 4 : 0;
    if (channels == 0 || depth < 1 || depth > 16) return damaged(name, "invalid PNG colour type or depth");
    // The compressed pixels: deflate codes at most 258 bytes in 2 bits (1032:1), so fewer IDAT
    // bytes than raw / 1032 cannot hold the image.
    uint64_t idat = 0;
    bool transparency = false;   // a tRNS chunk: libpng expands it to alpha
    uint8_t c[8];
    for (std::uintmax_t at = 8; at + 12 <= n && chunk_at(at, c);) {
        const uint32_t len = be32(c);
        if (std::memcmp(c + 4, "IDAT", 4) == 0) idat += std::min<uint64_t>(len, n - at - 8);
        if (std::memcmp(c + 4, "tRNS", 4) == 0) transparency = true;
        if (std::memcmp(c + 4, "IEND", 4) == 0 || len > n - at - 12) break;
        at += 12 + uint64_t(len);
    }
    const uint64_t raw = uint64_t(h) * (1 + (uint64_t(w) * channels * depth + 7) / 8);
    if (const uint64_t need = raw / 1032; idat < need) return truncated(name, w, h, need, idat, "compressed pixels");
    if (in.file && std::fseek(in.file, 0, SEEK_SET) != 0) return damaged(name, std::strerror(errno));
    PngDecode d{in, &out, {}};
    out.bytes = out.bytes && depth <= 8 && (colour == 0 || colour == 2 || colour == 3) && !transparency;
    out.allocate(int(w), int(h));
    // Room for the row libpng hands back after png_set_expand (palette -> RGB, tRNS -> alpha), or
    // every row when interlaced (so an interlaced file costs its expanded size twice), reserved here
    // so nothing allocates inside png_decode.
    const int expanded = (colour == 3 ? 3 : channels) + (transparency && colour <= 3 ? 1 : 0);
    d.rows.reserve(std::size_t(w) * expanded * (depth == 16 ? 2 : 1) * (b[28] ? std::size_t(h) : 1));
    if (!png_decode(d)) return damaged(name, d.in.message);
    in = d.in;
    // The bytes after IEND count in the file's hash too.
    if (in.file)
        for (uint8_t tail[4096]; const std::size_t k = std::fread(tail, 1, sizeof tail, in.file);) in.hash = fnv1a64(tail, k, in.hash);
    return {};
}

// ---- JPEG (libjpeg-turbo) ----

// Progressive JPEGs can repeat scans without limit, each costing a pass over the image (the
// libjpeg-turbo documentation's "LJT-01-004"); real encoders write at most a few dozen.
constexpr int kMaxJpegScans = 500;

struct JpegError {
    jpeg_error_mgr mgr;
    jpeg_progress_mgr progress;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr cinfo) {
    auto* e = reinterpret_cast<JpegError*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

// Truncation is only a warning to libjpeg (it fills the rest with gray); here it is an error.
void jpeg_message(j_common_ptr cinfo, int level) {
    if (level < 0 && (cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JWRN_HIT_MARKER)) jpeg_fail(cinfo);
}

void jpeg_count_scans(j_common_ptr cinfo) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxJpegScans) {
        auto* e = reinterpret_cast<JpegError*>(cinfo->err);
        std::snprintf(e->message, sizeof e->message, "more than %d progressive scans", kMaxJpegScans);
        longjmp(e->jump, 1);
    }
}

struct JpegDecode {
    const uint8_t* bytes;
    std::size_t size;
    const ImageLimits* limits;
    const std::string* name;
    JpegError err;
    jpeg_decompress_struct cinfo;
    int stage = 0;                // 1: header read, needs the caller's checks; 2: done
    Target* out = nullptr;
    std::vector<uint8_t> row;
};

// Two calls: the header (stage 1), then the pixels into d.out (stage 2). Only C objects live in
// this frame, so the longjmp skips no destructor.
bool jpeg_decode(JpegDecode& d) {
    if (setjmp(d.err.jump)) {
        jpeg_destroy_decompress(&d.cinfo);
        return false;
    }
    if (d.stage == 0) {
        d.cinfo.err = jpeg_std_error(&d.err.mgr);
        d.err.mgr.error_exit = jpeg_fail;
        d.err.mgr.emit_message = jpeg_message;
        jpeg_create_decompress(&d.cinfo);
        d.err.progress.progress_monitor = jpeg_count_scans;
        d.cinfo.progress = &d.err.progress;
        jpeg_mem_src(&d.cinfo, d.bytes, static_cast<unsigned long>(d.size));
        jpeg_read_header(&d.cinfo, TRUE);
        d.stage = 1;
        return true;
    }
    d.cinfo.out_color_space = JCS_RGB;   // gray and YCbCr both become RGB
    jpeg_start_decompress(&d.cinfo);
    if (int(d.cinfo.output_width) != d.out->width() || int(d.cinfo.output_height) != d.out->height() ||
        d.cinfo.output_components != 3)
        ERREXIT(&d.cinfo, JERR_CONVERSION_NOTIMPL);
    const int w = d.out->width();
    while (d.cinfo.output_scanline < d.cinfo.output_height) {
        const JDIMENSION y = d.cinfo.output_scanline;
        JSAMPROW rows[1] = {d.row.data()};
        if (jpeg_read_scanlines(&d.cinfo, rows, 1) != 1) ERREXIT(&d.cinfo, JERR_INPUT_EOF);
        d.out->store(std::size_t(y) * w, d.row.data(), std::size_t(w), 3, false);
    }
    jpeg_finish_decompress(&d.cinfo);
    jpeg_destroy_decompress(&d.cinfo);
    d.stage = 2;
    return true;
}

Status decode_jpeg(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, Target& out) {
    auto d = std::make_unique<JpegDecode>();
    d->bytes = b, d->size = n, d->limits = &limits, d->name = &name;
    if (!jpeg_decode(*d)) return damaged(name, d->err.message);
    const int64_t w = d->cinfo.image_width, h = d->cinfo.image_height;
    Status st = check_limits(name, w, h, limits);
    // A sequential Huffman JPEG codes every 8x8 block of its full-resolution component in at
    // least one bit (progressive and arithmetic-coded files can do with less).
    const uint64_t need = uint64_t(w) * uint64_t(h) / 512;
    if (st && !d->cinfo.progressive_mode && !d->cinfo.arith_code && n < need) st = truncated(name, w, h, need, n, "data");
    if (!st) {
        jpeg_destroy_decompress(&d->cinfo);
        return st;
    }
    try {
        out.allocate(int(w), int(h));   // 8-bit RGB samples: out.bytes stays as asked
        d->row.resize(std::size_t(w) * 3);
    } catch (const std::bad_alloc&) {
        jpeg_destroy_decompress(&d->cinfo);
        throw;
    }
    d->out = &out;
    if (!jpeg_decode(*d)) return damaged(name, d->err.message);
    return {};
}

// ---- PPM/PGM (binary P6/P5), decoded here ----

struct PnmHeader {
    int64_t w = 0, h = 0, maxval = 0;
    int comp = 0;
    std::size_t pixels_at = 0;   // where the samples start
    uint64_t pixel_bytes() const { return uint64_t(w) * uint64_t(h) * comp * (maxval > 255 ? 2 : 1); }
};

// The header from the file's first n bytes (n may be only a prefix: then false means "not within it").
Status pnm_header(const uint8_t* b, std::size_t n, const std::string& name, PnmHeader& hd) {
    hd.comp = b[1] == '6' ? 3 : 1;
    std::size_t at = 2;
    // Whitespace and # comments, then a decimal number of at most 9 digits (no overflow).
    const auto number = [&](int64_t& v) {
        for (;;) {
            while (at < n && (b[at] == ' ' || b[at] == '\t' || b[at] == '\n' || b[at] == '\r' || b[at] == '\v' || b[at] == '\f')) ++at;
            if (at < n && b[at] == '#')
                while (at < n && b[at] != '\n' && b[at] != '\r') ++at;
            else
                break;
        }
        v = 0;
        int digits = 0;
        for (; at < n && b[at] >= '0' && b[at] <= '9'; ++at, ++digits) {
            if (digits == 9) return false;
            v = v * 10 + (b[at] - '0');
        }
        return digits > 0;
    };
    if (!number(hd.w) || !number(hd.h) || !number(hd.maxval) || at >= n) return damaged(name, "invalid PPM/PGM header");
    hd.pixels_at = at + 1;   // the single whitespace byte after maxval
    if (hd.maxval < 1 || hd.maxval > 65535)
        return damaged(name, "PPM/PGM maximum value " + std::to_string(hd.maxval) + " is outside 1..65535");
    return {};
}

// The samples, a row at a time from read(dst, n) (false: the bytes ran out), into out.
template <class Read>
Status pnm_pixels(const PnmHeader& hd, const std::string& name, Target& out, Read read) {
    const int bytes_per = hd.maxval > 255 ? 2 : 1;
    const int w = int(hd.w), comp = hd.comp;
    out.bytes = out.bytes && hd.maxval == 255;
    out.allocate(w, int(hd.h));
    std::vector<uint8_t> raw(std::size_t(w) * comp * bytes_per);
    std::vector<uint16_t> row(std::size_t(w) * comp);
    for (int64_t y = 0; y < hd.h; ++y) {
        if (!read(raw.data(), raw.size())) return damaged(name, "the file could not be read to the end");
        if (hd.maxval == 255) {
            out.store(std::size_t(y) * w, raw.data(), std::size_t(w), comp, false);
            continue;
        }
        const uint8_t* p = raw.data();
        for (auto& v : row) {   // big-endian when 16 bits; values above maxval are clamped
            v = bytes_per == 2 ? uint16_t(p[0] << 8 | p[1]) : p[0];
            p += bytes_per;
        }
        out.store(std::size_t(y) * w, row.data(), std::size_t(w), comp, true, float(hd.maxval));
    }
    return {};
}

Status check_pnm(const PnmHeader& hd, uint64_t file_size, const std::string& name, const ImageLimits& limits) {
    if (auto st = check_limits(name, hd.w, hd.h, limits); !st) return st;
    const uint64_t need = hd.pixel_bytes(), have = file_size - std::min<uint64_t>(hd.pixels_at, file_size);
    if (have < need) return truncated(name, hd.w, hd.h, need, have, "pixels");
    return {};
}

Status decode_pnm(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, Target& out) {
    PnmHeader hd;
    if (auto st = pnm_header(b, n, name, hd); !st) return st;
    if (auto st = check_pnm(hd, n, name, limits); !st) return st;
    const uint8_t* p = b + hd.pixels_at;
    return pnm_pixels(hd, name, out, [&](uint8_t* dst, std::size_t k) {
        std::memcpy(dst, p, k);
        p += k;
        return true;
    });
}

// ---- BMP, TGA, GIF: checked here, decoded by stb_image ----

Status check_bmp(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, int& w, int& h) {
    if (n < 26) return damaged(name, "BMP header cut short");
    const uint32_t offset = le32(b + 10), hsz = le32(b + 14);
    if (hsz != 12 && hsz != 40 && hsz != 56 && hsz != 108 && hsz != 124) return damaged(name, "unknown BMP header");
    if (n < 14 + hsz) return damaged(name, "BMP header cut short");
    int64_t bw, bh;
    int bpp, compression = 0;
    if (hsz == 12) {
        bw = le16(b + 18), bh = le16(b + 20), bpp = le16(b + 24);
    } else {
        bw = int32_t(le32(b + 18)), bh = int32_t(le32(b + 22)), bpp = le16(b + 28), compression = int(le32(b + 30));
    }
    bh = bh < 0 ? -bh : bh;   // negative: rows from the top
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) return damaged(name, "unsupported BMP depth");
    if (compression != 0 && compression != 3) return damaged(name, "compressed BMP (only uncompressed is supported)");
    if (auto st = check_limits(name, bw, bh, limits); !st) return st;
    const uint64_t row = (uint64_t(bw) * bpp + 31) / 32 * 4, need = row * uint64_t(bh);
    if (offset < 14 + hsz || offset > n) return damaged(name, "BMP pixel offset outside the file");
    if (n - offset < need) return truncated(name, bw, bh, need, n - offset, "pixels");
    // stb_image leaves the palette entries past the file's own uninitialised and reads them for
    // indices beyond it (found by fuzz_image: two decodes of one file differed), so every index
    // must lie within the palette, whose size is computed as stb computes it.
    if (bpp <= 8) {
        const int64_t psize = hsz == 12 ? (int64_t(offset) - 14 - 24) / 3 : (int64_t(offset) - 14 - hsz) / 4;
        if (psize < 1 || psize > 256) return damaged(name, "BMP palette missing or longer than 256 colours");
        const uint8_t* p = b + offset;
        for (int64_t y = 0; y < bh && psize < (int64_t(1) << bpp); ++y, p += row)
            for (int64_t x = 0; x < bw; ++x) {
                const int index = bpp == 8 ? p[x] : bpp == 4 ? (p[x / 2] >> (x % 2 ? 0 : 4)) & 15 : (p[x / 8] >> (7 - x % 8)) & 1;
                if (index >= psize)
                    return damaged(name, "a pixel's colour index " + std::to_string(index) + " is outside the BMP's palette of " +
                                             std::to_string(psize));
            }
    }
    w = int(bw), h = int(bh);
    return {};
}

// A TGA header stb_image takes as one (its stbi__tga_test), with every size within the file.
Status check_tga(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, int& w, int& h) {
    if (n < 18) return unknown_format(name);
    const int cmap_type = b[1], type = b[2], cmap_bpp = b[7], bpp = b[16];
    const int64_t cmap_len = le16(b + 5), tw = le16(b + 12), th = le16(b + 14);
    if (cmap_type == 1) {
        if (type != 1 && type != 9) return unknown_format(name);
        if (cmap_bpp != 8 && cmap_bpp != 15 && cmap_bpp != 16 && cmap_bpp != 24 && cmap_bpp != 32) return unknown_format(name);
        if (bpp != 8 && bpp != 16) return unknown_format(name);
    } else if (cmap_type == 0) {
        if (type != 2 && type != 3 && type != 10 && type != 11) return unknown_format(name);
        if (bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) return unknown_format(name);
    } else {
        return unknown_format(name);
    }
    if (tw < 1 || th < 1) return unknown_format(name);
    if (auto st = check_limits(name, tw, th, limits); !st) return st;
    const uint64_t start = 18 + uint64_t(b[0]) + (cmap_type ? uint64_t(cmap_len) * ((cmap_bpp + 7) / 8) : 0);
    const uint64_t pixel = (bpp + 7) / 8, pixels = uint64_t(tw) * uint64_t(th);
    // Run-length packets: one header byte and one pixel for up to 128 pixels.
    const uint64_t need = type >= 9 ? (pixels + 127) / 128 * (1 + pixel) : pixels * pixel;
    const uint64_t have = n > start ? n - start : 0;
    if (n < start || have < need) return truncated(name, tw, th, need, have, type >= 9 ? "run-length data" : "pixels");
    w = int(tw), h = int(th);
    return {};
}

Status check_gif(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, int& w, int& h) {
    if (n < 13 || (b[4] != '7' && b[4] != '9') || b[5] != 'a') return damaged(name, "GIF header cut short");
    const int64_t gw = le16(b + 6), gh = le16(b + 8);
    if (auto st = check_limits(name, gw, gh, limits); !st) return st;
    w = int(gw), h = int(gh);
    return {};
}

Status decode_with_stb(const uint8_t* b, std::size_t n, const std::string& name, int w, int h, Target& out) {
    int sw = 0, sh = 0, comp = 0;
    stbi_uc* raw = stbi_load_from_memory(b, int(n), &sw, &sh, &comp, 0);
    if (!raw) return damaged(name, stbi_failure_reason() ? stbi_failure_reason() : "");
    std::unique_ptr<stbi_uc, void (*)(void*)> guard(raw, stbi_image_free);
    // A GIF's first frame may be smaller than its screen; stb returns the screen.
    if (sw != w || sh != h || comp < 1 || comp > 4) return damaged(name, "unexpected size " + dims(sw, sh));
    out.bytes = out.bytes && (comp == 1 || comp == 3);
    out.allocate(w, h);
    out.store(0, raw, std::size_t(w) * h, comp, false);
    return {};
}

Status decode_checked(const uint8_t* b, std::size_t n, const std::string& name, const ImageLimits& limits, Target& out) {
    if (n >= 8 && std::memcmp(b, kPngSignature, 8) == 0) {
        PngInput in{b, nullptr, n, 0, kFnvBasis, {0}};
        return decode_png(b, in, name, limits, out, [&](std::uintmax_t at, uint8_t* c) { return std::memcpy(c, b + at, 8), true; });
    }
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) return decode_jpeg(b, n, name, limits, out);
    if (n >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6')) return decode_pnm(b, n, name, limits, out);
    int w = 0, h = 0;
    if (n >= 4 && std::memcmp(b, "GIF8", 4) == 0) {
        if (auto st = check_gif(b, n, name, limits, w, h); !st) return st;
        return decode_with_stb(b, n, name, w, h, out);
    }
    if (n >= 2 && b[0] == 'B' && b[1] == 'M') {
        if (auto st = check_bmp(b, n, name, limits, w, h); !st) return st;
        return decode_with_stb(b, n, name, w, h, out);
    }
    // TGA has no signature. A valid header's second byte is 0 or 1, so stb cannot take it for
    // any of its signed formats (PSD "8BPS", PIC, HDR "#?", PNM "P5"), which are refused above.
    if (auto st = check_tga(b, n, name, limits, w, h); !st) return st;
    return decode_with_stb(b, n, name, w, h, out);
}

Status decode_into(const uint8_t* bytes, std::size_t size, const std::string& name, const ImageLimits& limits, Target& out) {
    if (size == 0) return Error{name + ": the file is empty"};
    if (size > kMaxFileBytes) return Error{name + ": the file is larger than 1 GiB"};
    try {
        return decode_checked(bytes, size, name, limits, out);
    } catch (const std::bad_alloc&) {
        out = {};
        return Error{name + ": not enough memory to decode this image"};
    }
}

CompactImage compact(Target& t, uint64_t hash) {
    return t.bytes ? CompactImage{{}, std::move(t.b), hash} : CompactImage{std::move(t.f), {}, hash};
}

struct OpenFile {
    std::unique_ptr<FILE, int (*)(FILE*)> f{nullptr, std::fclose};
    std::uintmax_t size = 0;
};

// The file opened for reading, with its size; the error names the path and the reason.
Result<OpenFile> open_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a folder, not a file"};
    OpenFile file;
    file.f.reset(std::fopen(path.c_str(), "rb"));
    if (!file.f) return Error{path + ": " + std::strerror(errno)};
    file.size = std::filesystem::file_size(path, ec);
    if (ec) return Error{path + ": " + ec.message()};
    return file;
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path) {
    auto file = open_file(path);
    if (!file) return Error{file.error()};
    FILE* f = file->f.get();
    const std::uintmax_t size = file->size;
    if (size > kMaxFileBytes) return Error{path + ": the file is larger than 1 GiB"};
    std::vector<uint8_t> bytes(size);
    if (size && std::fread(bytes.data(), 1, size, f) != size) return Error{path + ": could not read the whole file"};
    return bytes;
}

Result<Image> decode_image(const uint8_t* bytes, std::size_t size, const std::string& name, const ImageLimits& limits) {
    Target out;
    if (auto st = decode_into(bytes, size, name, limits, out); !st) return Error{st.error};
    return std::move(out.f);
}

Result<Image> load_image(const std::string& path, const ImageLimits& limits) {
    auto bytes = read_file(path);
    if (!bytes) return Error{bytes.error()};
    return decode_image(bytes->data(), bytes->size(), path, limits);
}

Result<CompactImage> decode_image_compact(const uint8_t* bytes, std::size_t size, const std::string& name,
                                          const ImageLimits& limits) {
    Target out{true, {}, {}};
    if (auto st = decode_into(bytes, size, name, limits, out); !st) return Error{st.error};
    return compact(out, fnv1a64(bytes, size));
}

Result<CompactImage> load_image_compact(const std::string& path, const ImageLimits& limits) {
    auto file = open_file(path);
    if (!file) return Error{file.error()};
    auto& f = file->f;
    const std::uintmax_t size = file->size;
    // A binary PPM/PGM's samples go from the file straight into the image, and libpng reads a PNG
    // from the file, so the file is never in memory beside its pixels (a 16000x16000 PPM is 768 MB).
    // A PPM header must lie in the first 64 KiB; other formats are read whole and decoded.
    std::vector<uint8_t> head(std::size_t(std::min<std::uintmax_t>(size, 1 << 16)));
    if (std::fread(head.data(), 1, head.size(), f.get()) != head.size()) return Error{path + ": could not read the file"};
    PnmHeader hd;
    if (size <= kMaxFileBytes && head.size() >= 2 && head[0] == 'P' && (head[1] == '5' || head[1] == '6') &&
        pnm_header(head.data(), head.size(), path, hd)) {
        if (auto st = check_pnm(hd, size, path, limits); !st) return Error{st.error};
        uint64_t hash = fnv1a64(head.data(), head.size());
        std::size_t at = hd.pixels_at;   // what of head is still to hand out
        const auto read = [&](uint8_t* dst, std::size_t n) {
            const std::size_t from_head = std::min(n, head.size() - std::min(at, head.size()));
            std::memcpy(dst, head.data() + at, from_head);
            at += from_head;
            const std::size_t rest = n - from_head;
            if (rest && std::fread(dst + from_head, 1, rest, f.get()) != rest) return false;
            hash = fnv1a64(dst + from_head, rest, hash);
            return true;
        };
        Target out{true, {}, {}};
        try {
            if (auto st = pnm_pixels(hd, path, out, read); !st) return Error{st.error};
        } catch (const std::bad_alloc&) {
            return Error{path + ": not enough memory to decode this image"};
        }
        // The bytes after the samples count in the file's hash too.
        for (std::size_t k; (k = std::fread(head.data(), 1, head.size(), f.get())) > 0;) hash = fnv1a64(head.data(), k, hash);
        return compact(out, hash);
    }
    if (size <= kMaxFileBytes && head.size() >= 8 && std::memcmp(head.data(), kPngSignature, 8) == 0) {
        // A PNG is read by libpng from the file too, after a walk over its chunk headers.
        PngInput in{nullptr, f.get(), size, 0, kFnvBasis, {0}};
        const auto chunk_at = [&](std::uintmax_t at, uint8_t* c) {
            return std::fseek(f.get(), long(at), SEEK_SET) == 0 && std::fread(c, 1, 8, f.get()) == 8;
        };
        Target out{true, {}, {}};
        try {
            if (auto st = decode_png(head.data(), in, path, limits, out, chunk_at); !st) return Error{st.error};
        } catch (const std::bad_alloc&) {
            return Error{path + ": not enough memory to decode this image"};
        }
        return compact(out, in.hash);
    }
    f.reset();
    auto bytes = read_file(path);
    if (!bytes) return Error{bytes.error()};
    return decode_image_compact(bytes->data(), bytes->size(), path, limits);
}

uint64_t fnv1a64(const uint8_t* data, std::size_t size, uint64_t h) {
    for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
    return h;
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
