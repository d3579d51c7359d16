// parallel_for: every index once, and a worker's exception comes back to the caller after the join.
#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "ddpm/parallel.h"

TEST_CASE("parallel_for covers every index exactly once for any thread count", "[parallel]") {
    for (unsigned threads : {1u, 2u, 3u, 8u, 64u}) {
        std::vector<std::atomic<int>> hits(1000);
        ddpm::parallel_for(hits.size(), [&](std::size_t b, std::size_t e) { for (auto i = b; i < e; ++i) ++hits[i]; }, threads);
        for (const auto& h : hits) REQUIRE(h == 1);
    }
}

TEST_CASE("an exception in a worker is rethrown after all threads joined", "[parallel]") {
    std::atomic<int> finished{0};
    const auto body = [&](std::size_t b, std::size_t) {
        if (b != 0) throw std::runtime_error("worker failed");
        ++finished;
    };
    CHECK_THROWS_WITH(ddpm::parallel_for(4, body, 4), "worker failed");
    CHECK(finished == 1);   // the chunk on the calling thread still ran to its end
}
