#pragma once
// Splits [0, n) into contiguous chunks run on up to `threads` threads (0: all cores).
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace ddpm {

inline unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class F>
void parallel_for(std::size_t n, F&& body, unsigned threads = 0) {
    if (threads == 0) threads = hardware_threads();
    threads = unsigned(std::min<std::size_t>(threads, n));
    if (threads <= 1) {
        if (n) body(std::size_t(0), n);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    const std::size_t chunk = (n + threads - 1) / threads;
    for (unsigned k = 1; k < threads; ++k) {
        const std::size_t begin = k * chunk, end = std::min(n, begin + chunk);
        if (begin < end) pool.emplace_back([&body, begin, end] { body(begin, end); });
    }
    body(std::size_t(0), std::min(n, chunk));
    for (auto& t : pool) t.join();
}

}  // namespace ddpm
