#pragma once
// Splits [0, n) into contiguous chunks run on up to `threads` threads (0: all cores).
#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace ddpm {

inline unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// An exception in any chunk (std::bad_alloc, say) is rethrown here after every thread has joined;
// a thread that cannot be started runs its chunk on the calling thread instead.
template <class F>
void parallel_for(std::size_t n, F&& body, unsigned threads = 0) {
    if (threads == 0) threads = hardware_threads();
    threads = unsigned(std::min<std::size_t>(threads, n));
    if (threads <= 1) {
        if (n) body(std::size_t(0), n);
        return;
    }
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto run = [&](std::size_t begin, std::size_t end) {
        try {
            body(begin, end);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    const std::size_t chunk = (n + threads - 1) / threads;
    for (unsigned k = 1; k < threads; ++k) {
        const std::size_t begin = k * chunk, end = std::min(n, begin + chunk);
        if (begin >= end) continue;
        try {
            pool.emplace_back(run, begin, end);
        } catch (const std::system_error&) {
            run(begin, end);
        }
    }
    run(std::size_t(0), std::min(n, chunk));
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace ddpm
