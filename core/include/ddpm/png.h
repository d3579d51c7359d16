#pragma once
// PNG encoding tuned for noise: noisy frames barely compress, so they get filter None and
// zlib's Huffman-only strategy (fast, and no larger than stb's output); smooth frames get
// per-row filters and real deflate. Deterministic: the same pixels give the same bytes.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/result.h"

namespace ddpm {

std::vector<uint8_t> encode_png(const Rgb8& image);

// The same encoding row by row, for images too big to hold twice: bytes go to sink as they are made
// (IHDR at once, then 1 MiB IDAT chunks). Given the same rows and filter choice, the bytes equal
// encode_png's.
class PngWriter {
public:
    using Sink = std::function<Status(const uint8_t*, std::size_t)>;
    // noisy: filter None and Huffman-only coding (png_prefers_no_filter decides it for encode_png).
    PngWriter(int width, int height, bool noisy, Sink sink);
    ~PngWriter();
    // n rows of width * 3 bytes, top to bottom; the first sink error is returned from then on.
    Status add_rows(const uint8_t* rows, int n);
    // After all height rows.
    Status finish();

private:
    struct State;
    std::unique_ptr<State> s_;
};
// The rows encode_png looks at to choose its filters, and that choice from those rows alone (an
// Rgb8 holding just them, in order).
std::vector<int> png_sample_rows(int height);
bool png_prefers_no_filter(const Rgb8& sample_rows);

// ".NAME.PID-N.tmp" beside target: a name no other writer uses, hidden from file listings.
std::string temporary_sibling(const std::string& target);
// Creates path (which must not exist; mode 0666 less the umask) and writes all bytes; on failure
// the partial file is removed. `shown` names the file in the error.
Status write_new_file(const std::string& path, const std::vector<uint8_t>& bytes, const std::string& shown);

// Writes bytes to path through a temporary file in the same folder and a rename, so a failed or
// interrupted write never leaves a half-written file. Refuses to replace a file unless overwrite.
Status write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes, bool overwrite);

Status write_png(const std::string& path, const Rgb8& image, bool overwrite);

// The temporary files and new folders of writes in progress, so an interrupted process can remove
// them (InterruptCleanup). Thread-safe.
namespace temporaries {
void add(const std::string& path);
void forget(const std::string& path);          // renamed into place or removed
void add_folder(const std::string& path);      // created by this write: removed when empty
void forget_folder(const std::string& path);
// While held, no clean-up runs: a commit's renames finish as a whole.
std::unique_lock<std::recursive_mutex> hold();
// Unlinks every tracked file, then removes the tracked folders (deepest first) that are empty.
void remove_all();
// Removes ".NAME.PID-N.tmp" files in folder left by processes that no longer run (killed, or
// crashed), owned by this user; returns how many.
int sweep_stale(const std::string& folder);
}  // namespace temporaries

// While alive, SIGINT, SIGTERM and SIGHUP remove every tracked temporary and folder and end the
// process with exit code 128 + the signal (130, 143, 129). Blocks those signals in the creating
// thread and every thread it starts; a watcher thread receives them. One at a time.
class InterruptCleanup {
public:
    InterruptCleanup();
    ~InterruptCleanup();
    InterruptCleanup(const InterruptCleanup&) = delete;
    InterruptCleanup& operator=(const InterruptCleanup&) = delete;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace ddpm
