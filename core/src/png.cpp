#include "ddpm/png.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <thread>
#include <unordered_set>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <string_view>

namespace ddpm {

namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

void chunk(std::vector<uint8_t>& out, const char* type, const uint8_t* data, std::size_t n) {
    put32(out, uint32_t(n));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data, data + n);
    put32(out, uint32_t(crc32(0, out.data() + start, uInt(n + 4))));
}

// Mean absolute difference between horizontal neighbours over a sample of rows: high for noise.
double roughness(const Rgb8& img) {
    const std::size_t row = std::size_t(img.width) * 3;
    if (row <= 3) return 0;
    const int step = std::max(1, img.height / 32);
    uint64_t sum = 0, count = 0;
    for (int y = 0; y < img.height; y += step) {
        const uint8_t* p = img.pixels.data() + y * row;
        for (std::size_t i = 3; i < row; ++i) sum += uint64_t(std::abs(int(p[i]) - int(p[i - 3])));
        count += row - 3;
    }
    return double(sum) / double(count);
}

uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return uint8_t(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// IDAT in pieces of 1 MiB: chunk lengths stay far below PNG's 2^31 limit.
constexpr std::size_t kIdatPiece = std::size_t(1) << 20;

}  // namespace

std::vector<int> png_sample_rows(int height) {
    std::vector<int> rows;
    const int step = std::max(1, height / 32);
    for (int y = 0; y < height; y += step) rows.push_back(y);
    return rows;
}

bool png_prefers_no_filter(const Rgb8& sample) { return roughness(sample) > 16.0; }

struct PngWriter::State {
    int width, height, rows_done = 0;
    bool noisy;
    Sink sink;
    z_stream z{};
    bool z_open = false;
    std::vector<uint8_t> prev, filtered, idat;
    std::vector<uint8_t> cand[4];
    Status failed;
};

PngWriter::PngWriter(int width, int height, bool noisy, Sink sink) : s_(std::make_unique<State>()) {
    State& s = *s_;
    s.width = width, s.height = height, s.noisy = noisy, s.sink = std::move(sink);
    // Noise barely compresses: Huffman-only coding is several times faster than LZ77 matching
    // and loses almost nothing on it. Filtered photos are mostly short residuals, where Z_RLE
    // (runs only) measured smaller than level 6 and 3-4x faster (bench_export.cpp, assets/*.png);
    // flat synthetic images (plots) stay small because their filtered rows are runs of zeros.
    if (deflateInit2(&s.z, 1, Z_DEFLATED, 15, 9, noisy ? Z_HUFFMAN_ONLY : Z_RLE) != Z_OK) throw std::bad_alloc();
    s.z_open = true;
    const std::size_t row = std::size_t(width) * 3;
    s.prev.assign(row, 0);
    s.filtered.resize(row + 1);
    for (auto& c : s.cand) c.resize(row);
    s.idat.resize(kIdatPiece);
    std::vector<uint8_t> head = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, ihdr;
    put32(ihdr, uint32_t(width));
    put32(ihdr, uint32_t(height));
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});   // 8-bit RGB, deflate, adaptive filters, no interlace
    chunk(head, "IHDR", ihdr.data(), ihdr.size());
    s.failed = s.sink(head.data(), head.size());
    s.z.next_out = s.idat.data();
    s.z.avail_out = uInt(s.idat.size());
}

PngWriter::~PngWriter() {
    if (s_->z_open) deflateEnd(&s_->z);
}

namespace {
// Deflates what is in z's input; every full 1 MiB of output becomes an IDAT chunk.
Status pump(PngWriter::Sink& sink, z_stream& z, std::vector<uint8_t>& idat, int flush) {
    for (;;) {
        const int rc = deflate(&z, flush);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) throw std::runtime_error("zlib could not compress the image");
        if (z.avail_out == 0) {
            std::vector<uint8_t> c;
            c.reserve(idat.size() + 12);
            chunk(c, "IDAT", idat.data(), idat.size());
            if (Status st = sink(c.data(), c.size()); !st) return st;
            z.next_out = idat.data();
            z.avail_out = uInt(idat.size());
            continue;
        }
        if (flush == Z_FINISH ? rc == Z_STREAM_END : z.avail_in == 0) return {};
    }
}
}  // namespace

Status PngWriter::add_rows(const uint8_t* rows, int n) {
    State& s = *s_;
    const std::size_t row = std::size_t(s.width) * 3;
    for (int r = 0; r < n && s.failed; ++r, ++s.rows_done) {
        const uint8_t* cur = rows + std::size_t(r) * row;
        uint8_t* dst = s.filtered.data();
        // Filter None everywhere for noise; otherwise per row the filter with the smallest sum of
        // absolute signed residuals (the PNG spec's suggested heuristic).
        if (s.noisy) {
            dst[0] = 0;
            std::memcpy(dst + 1, cur, row);
        } else {
            const uint8_t* up = s.rows_done ? s.prev.data() : nullptr;
            for (std::size_t i = 0; i < row; ++i) {
                const int a = i >= 3 ? cur[i - 3] : 0, b = up ? up[i] : 0, c = up && i >= 3 ? up[i - 3] : 0;
                s.cand[0][i] = cur[i];
                s.cand[1][i] = uint8_t(cur[i] - a);
                s.cand[2][i] = uint8_t(cur[i] - b);
                s.cand[3][i] = uint8_t(cur[i] - paeth(a, b, c));
            }
            static constexpr uint8_t kFilterType[4] = {0, 1, 2, 4};
            int best = 0;
            uint64_t best_sum = UINT64_MAX;
            for (int f = 0; f < 4; ++f) {
                uint64_t sum = 0;
                for (std::size_t i = 0; i < row; ++i) sum += uint64_t(std::abs(int(int8_t(s.cand[f][i]))));
                if (sum < best_sum) best_sum = sum, best = f;
            }
            dst[0] = kFilterType[best];
            std::memcpy(dst + 1, s.cand[best].data(), row);
            std::memcpy(s.prev.data(), cur, row);
        }
        s.z.next_in = dst;
        s.z.avail_in = uInt(row + 1);
        s.failed = pump(s.sink, s.z, s.idat, Z_NO_FLUSH);
    }
    return s.failed;
}

Status PngWriter::finish() {
    State& s = *s_;
    assert(s.rows_done == s.height);
    if (!s.failed) return s.failed;
    s.z.next_in = nullptr;
    s.z.avail_in = 0;
    if (Status st = pump(s.sink, s.z, s.idat, Z_FINISH); !st) return st;
    std::vector<uint8_t> tail;
    const std::size_t left = s.idat.size() - s.z.avail_out;
    if (left) chunk(tail, "IDAT", s.idat.data(), left);
    chunk(tail, "IEND", nullptr, 0);
    deflateEnd(&s.z);
    s.z_open = false;
    return s.sink(tail.data(), tail.size());
}

std::vector<uint8_t> encode_png(const Rgb8& img) {
    std::vector<uint8_t> out;
    out.reserve(std::size_t(img.width) * img.height * 3 / 2 + 1024);
    PngWriter w(img.width, img.height, png_prefers_no_filter(img), [&](const uint8_t* p, std::size_t n) {
        out.insert(out.end(), p, p + n);
        return Status{};
    });
    w.add_rows(img.pixels.data(), img.height);
    w.finish();
    return out;
}

std::string temporary_sibling(const std::string& target) {
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path t(target);
    std::string name = ".";
    name += t.filename().string();
    name += '.';
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter++);
    name += ".tmp";
    return (t.has_parent_path() ? t.parent_path() / name : std::filesystem::path(name)).string();
}

namespace temporaries {
namespace {
struct Registry {
    std::recursive_mutex mutex;
    std::unordered_set<std::string> files;
    std::vector<std::string> folders;   // in creation order: parents first
};
Registry& registry() {
    static Registry r;   // never destroyed: the watcher may use it while the process exits
    return r;
}
}  // namespace

void add(const std::string& path) {
    auto lock = hold();
    registry().files.insert(path);
}
void forget(const std::string& path) {
    auto lock = hold();
    registry().files.erase(path);
}
void add_folder(const std::string& path) {
    auto lock = hold();
    registry().folders.push_back(path);
}
void forget_folder(const std::string& path) {
    auto lock = hold();
    auto& f = registry().folders;
    f.erase(std::remove(f.begin(), f.end(), path), f.end());
}
std::unique_lock<std::recursive_mutex> hold() { return std::unique_lock(registry().mutex); }

void remove_all() {
    auto lock = hold();
    for (const auto& f : registry().files) ::unlink(f.c_str());
    registry().files.clear();
    for (auto it = registry().folders.rbegin(); it != registry().folders.rend(); ++it) ::rmdir(it->c_str());
    registry().folders.clear();
}

int sweep_stale(const std::string& folder) {
    DIR* dir = ::opendir(folder.empty() ? "." : folder.c_str());
    if (!dir) return 0;
    int removed = 0;
    const pid_t self = ::getpid();
    while (const dirent* e = ::readdir(dir)) {
        // ".NAME.PID-N.tmp", as temporary_sibling makes them.
        const std::string_view name = e->d_name;
        if (name.size() < 10 || name[0] != '.' || name.substr(name.size() - 4) != ".tmp") continue;
        const std::string_view stem = name.substr(0, name.size() - 4);
        const std::size_t dash = stem.rfind('-'), dot = stem.rfind('.', dash);
        if (dash == std::string_view::npos || dot == std::string_view::npos || dot == 0) continue;
        const std::string_view pid_text = stem.substr(dot + 1, dash - dot - 1), n_text = stem.substr(dash + 1);
        if (pid_text.empty() || n_text.empty() || pid_text.size() > 9 ||
            pid_text.find_first_not_of("0123456789") != std::string_view::npos ||
            n_text.find_first_not_of("0123456789") != std::string_view::npos)
            continue;
        const pid_t pid = pid_t(std::stol(std::string(pid_text)));
        // A running process (ours, or one that reused the number) keeps its files. PIDs are per
        // namespace: a folder shared with a container could hold a live writer we cannot see, which
        // is why only files of this user are touched.
        if (pid == self || pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
        struct stat st;
        if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != ::getuid())
            continue;
        if (::unlinkat(::dirfd(dir), e->d_name, 0) == 0) ++removed;
    }
    ::closedir(dir);
    return removed;
}
}  // namespace temporaries

struct InterruptCleanup::State {
    sigset_t signals, old_mask;
    std::atomic<bool> stop{false};
    std::thread watcher;
};

InterruptCleanup::InterruptCleanup() : state_(std::make_unique<State>()) {
    State& s = *state_;
    sigemptyset(&s.signals);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&s.signals, sig);
    pthread_sigmask(SIG_BLOCK, &s.signals, &s.old_mask);
    // A thread that waits for the signals rather than a handler: clean-up may then take locks and
    // free memory, which a handler may not.
    s.watcher = std::thread([&s] {
        while (!s.stop.load()) {
            const timespec wait{0, 50'000'000};
            const int sig = sigtimedwait(&s.signals, nullptr, &wait);
            if (sig <= 0) continue;
            temporaries::remove_all();
            _exit(128 + sig);
        }
    });
}

InterruptCleanup::~InterruptCleanup() {
    state_->stop = true;
    state_->watcher.join();
    // A signal that came after the watcher stopped is delivered now, with its usual effect.
    pthread_sigmask(SIG_SETMASK, &state_->old_mask, nullptr);
}

Status write_new_file(const std::string& path, const std::vector<uint8_t>& bytes, const std::string& shown) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return Error{"could not write " + shown + ": " + std::strerror(errno)};
    std::size_t done = 0;
    int err = 0;
    while (done < bytes.size() && !err) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) err = n < 0 ? errno : EIO;
        else done += std::size_t(n);
    }
    // No fsync: it would cost more than the encoding; the rename still never exposes a partial file.
    if (::close(fd) != 0 && !err) err = errno;
    if (!err) return {};
    ::unlink(path.c_str());
    return Error{"could not write " + shown + ": " + std::strerror(err)};
}

Status write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes, bool overwrite) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(path, ec)) return Error{path + " already exists; pass --force to replace it"};
    temporaries::sweep_stale(std::filesystem::path(path).parent_path().string());
    const std::string tmp = temporary_sibling(path);
    temporaries::add(tmp);
    if (Status s = write_new_file(tmp, bytes, path); !s) return temporaries::forget(tmp), s;
    auto lock = temporaries::hold();
    // RENAME_NOREPLACE closes the gap between the check above and the rename.
    const int rc = overwrite ? ::rename(tmp.c_str(), path.c_str())
                             : ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    temporaries::forget(tmp);
    if (rc != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        if (err == EEXIST) return Error{path + " already exists; pass --force to replace it"};
        return Error{"could not write " + path + ": " + std::strerror(err)};
    }
    return {};
}

Status write_png(const std::string& path, const Rgb8& image, bool overwrite) {
    return write_file_atomic(path, encode_png(image), overwrite);
}

}  // namespace ddpm
