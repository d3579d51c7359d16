#pragma once
// PNG encoding tuned for noise: noisy frames barely compress, so they get filter None and
// zlib's Huffman-only strategy (fast, and no larger than stb's output); smooth frames get
// per-row filters and real deflate. Deterministic: the same pixels give the same bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/result.h"

namespace ddpm {

std::vector<uint8_t> encode_png(const Rgb8& image);

// ".NAME.PID-N.tmp" beside target: a name no other writer uses, hidden from file listings.
std::string temporary_sibling(const std::string& target);
// Creates path (which must not exist; mode 0666 less the umask) and writes all bytes; on failure
// the partial file is removed. `shown` names the file in the error.
Status write_new_file(const std::string& path, const std::vector<uint8_t>& bytes, const std::string& shown);

// Writes bytes to path through a temporary file in the same folder and a rename, so a failed or
// interrupted write never leaves a half-written file. Refuses to replace a file unless overwrite.
Status write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes, bool overwrite);

Status write_png(const std::string& path, const Rgb8& image, bool overwrite);

}  // namespace ddpm
