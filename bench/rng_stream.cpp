// ddpm-rng-stream: the generator's raw 32-bit words on standard output, for dieharder
// (bench/dieharder.sh). `index` (default): blocks 0, 1, 2, ... of (seed 0, stream 0);
// `seeds`: block 0 of seeds 0, 1, 2, ... (stream 0), to test across keys.
#include <cstdio>
#include <cstring>
#include <vector>

#include "ddpm/rng.h"

int main(int argc, char** argv) {
    const bool seeds = argc > 1 && std::strcmp(argv[1], "seeds") == 0;
    std::vector<uint32_t> buf(4 * 4096);
    for (uint64_t block = 0;; block += 4096) {
        for (uint64_t i = 0; i < 4096; ++i) {
            const uint64_t n = block + i;
            const auto w = seeds ? ddpm::rng::bits(ddpm::rng::stream_key(uint32_t(n), uint32_t(n >> 32)), 0)
                                 : ddpm::rng::bits(ddpm::rng::stream_key(0, 0), n);
            std::memcpy(&buf[4 * i], w.data(), sizeof w);
        }
        if (std::fwrite(buf.data(), sizeof(uint32_t), buf.size(), stdout) != buf.size()) return 0;   // reader done
    }
}
