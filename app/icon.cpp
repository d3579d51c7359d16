#include "icon.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

ddpm::Rgb8 draw_icon(int size) {
    ddpm::Rgb8 icon{size, size, std::vector<uint8_t>(std::size_t(size) * std::size_t(size) * 3)};
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const float u = (float(x) + 0.5f) / float(size), v = (float(y) + 0.5f) / float(size);
            // x0: sky, sun, hill, in [-1, 1].
            float c[3] = {-0.55f + 0.4f * v, -0.25f + 0.3f * v, 0.55f};
            if (std::hypot(u - 0.42f, v - 0.38f) < 0.2f) c[0] = 1.0f, c[1] = 0.55f, c[2] = -0.6f;
            if (v > 0.68f + 0.08f * std::sin(u * 5.0f)) c[0] = -0.55f, c[1] = 0.35f, c[2] = -0.45f;
            // alpha_bar from 1 (left) to 0.02 (right); eps from a small integer hash (a fixed picture).
            const float alpha_bar = std::max(0.02f, 1.0f - u * u * 1.2f);
            for (int k = 0; k < 3; ++k) {
                uint32_t h = uint32_t(x) * 73856093u ^ uint32_t(y) * 19349663u ^ uint32_t(k) * 83492791u;
                h ^= h >> 13, h *= 0x5bd1e995u, h ^= h >> 15;
                const float eps = (float(h & 0xffff) / 65535.0f + float(h >> 16) / 65535.0f - 1.0f) * 2.4f;
                const float xt = std::sqrt(alpha_bar) * c[k] + std::sqrt(1 - alpha_bar) * eps;
                icon.pixels[(std::size_t(y) * std::size_t(size) + std::size_t(x)) * 3 + std::size_t(k)] =
                    uint8_t(std::lround(std::clamp((xt + 1) * 127.5f, 0.0f, 255.0f)));
            }
        }
    return icon;
}
