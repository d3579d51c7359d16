#include "ddpm/chain.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "ddpm/noise.h"
#include "ddpm/parallel.h"
#include "ddpm/rng.h"

namespace ddpm {

const char* process_name(Process p) {
    for (const auto& n : kProcesses)
        if (n.process == p) return n.name;
    return "?";
}

std::optional<Process> parse_process(std::string_view name) {
    for (const auto& n : kProcesses)
        if (name == n.name) return n.process;
    return std::nullopt;
}

ChainSchedule make_chain_schedule(const Schedule& s) {
    ChainSchedule c;
    c.T = s.T();
    const std::size_t n = std::size_t(c.T) + 1;
    c.sum_log_alpha.assign(n, 0.0);
    c.zero_alphas.assign(n, 0);
    c.signal.resize(n);
    c.noise.resize(n);
    for (std::size_t t = 0; t < n; ++t) {
        c.signal[t] = float(s.sqrt_alpha_bar[t]);
        c.noise[t] = float(s.sqrt_one_minus_alpha_bar[t]);
        if (t == 0) continue;
        // log1p keeps the small betas' digits that log(alpha) would round away.
        const bool zero = s.beta[t] >= 1.0;
        c.sum_log_alpha[t] = c.sum_log_alpha[t - 1] + (zero ? 0.0 : std::log1p(-s.beta[t]));
        c.zero_alphas[t] = c.zero_alphas[t - 1] + int(zero);
    }
    return c;
}

double chain_gain(const ChainSchedule& c, int s, int u) {
    assert(0 <= s && s <= u && u <= c.T);
    if (c.zero_alphas[std::size_t(u)] != c.zero_alphas[std::size_t(s)]) return 0.0;
    return std::exp(0.5 * (c.sum_log_alpha[std::size_t(u)] - c.sum_log_alpha[std::size_t(s)]));
}

double chain_residual_variance(const ChainSchedule& c, int s, int u) {
    assert(0 <= s && s <= u && u <= c.T);
    if (c.zero_alphas[std::size_t(u)] != c.zero_alphas[std::size_t(s)]) return 1.0;
    // 1 - g^2 = -expm1(2 log g): no cancellation when the interval is short and its betas small.
    return -std::expm1(c.sum_log_alpha[std::size_t(u)] - c.sum_log_alpha[std::size_t(s)]);
}

ChainPath chain_path(const ChainSchedule& c, int t) {
    assert(t >= 0 && t <= c.T);
    ChainPath p;
    p.t = t;
    p.signal = c.signal[std::size_t(t)];
    if (t == 0) return p;   // y_0 = 0: x_t = x0 exactly
    p.noise = c.noise[std::size_t(t)];
    p.to_eps = float(1.0 / std::sqrt(chain_residual_variance(c, 0, t)));
    // The top: y_T ~ N(0, 1 - alpha_bar_T), held as the upper end of [0, T].
    p.levels.push_back({0, 0, float(std::sqrt(chain_residual_variance(c, 0, c.T))), kChainStream | uint32_t(c.T), true,
                        c.T, -1, -1});
    int lo = 0, hi = c.T;
    while (t != hi && t != lo) {
        const int m = lo + (hi - lo) / 2;
        const double v_sm = chain_residual_variance(c, lo, m), v_mu = chain_residual_variance(c, m, hi);
        const double v_su = chain_residual_variance(c, lo, hi);
        ChainLevel level;
        if (v_su > 0) {
            level.a = float(chain_gain(c, lo, m) * v_mu / v_su);
            level.b = float(chain_gain(c, m, hi) * v_sm / v_su);
            level.sd = float(std::sqrt(v_sm * v_mu / v_su));
        } else {   // betas so small the interval has no noise at all: carry y_lo forward
            level.a = float(chain_gain(c, lo, m));
        }
        level.stream = kChainStream | uint32_t(m);
        level.node = m;
        level.low = lo;
        level.high = hi;
        level.upper = t <= m;
        p.levels.push_back(level);
        if (t == m) break;
        (t < m ? hi : lo) = m;
    }
    assert(int(p.levels.size()) <= kMaxChainLevels);
    return p;
}

void chain_walk_pixels(const ChainPath& path, std::size_t start, const float* lo_start, const float* hi_start,
                       float* const* store, uint32_t seed, std::size_t first_pixel, std::size_t n_pixels, float* y) {
    assert(start < path.levels.size());
    constexpr std::size_t kBlock = 512;   // a block's three rows of values stay in L1
    float lo[kBlock * 3], hi[kBlock * 3], z[kBlock * 3];
    for (std::size_t i = 0; i < n_pixels; i += kBlock) {
        const std::size_t m = std::min(kBlock, n_pixels - i), n = 3 * m;
        if (lo_start) std::copy(lo_start + 3 * i, lo_start + 3 * i + n, lo);
        else std::fill(lo, lo + n, 0.0f);
        if (hi_start) std::copy(hi_start + 3 * i, hi_start + 3 * i + n, hi);
        else std::fill(hi, hi + n, 0.0f);
        bool last_upper = false;
        for (std::size_t level = start; level < path.levels.size(); ++level) {
            const ChainLevel& l = path.levels[level];
            rng::fill_normal3(rng::stream_key(seed, l.stream), first_pixel + i, z, m);
            float* dst = l.upper ? hi : lo;
            for (std::size_t k = 0; k < n; ++k) dst[k] = (l.a * lo[k] + l.b * hi[k]) + l.sd * z[k];
            if (store && store[level]) std::copy(dst, dst + n, store[level] + 3 * i);
            last_upper = l.upper;
        }
        const float* src = last_upper ? hi : lo;
        std::copy(src, src + n, y + 3 * i);
    }
}

void chain_noise_pixels(const ChainPath& path, uint32_t seed, std::size_t first_pixel, std::size_t n_pixels, float* y) {
    chain_walk_pixels(path, 0, nullptr, nullptr, nullptr, seed, first_pixel, n_pixels, y);
}

ChainCache::Node* ChainCache::find(int t) {
    for (Node& n : nodes_)
        if (n.t == t) return &n;
    return nullptr;
}

void ChainCache::clear() {
    nodes_.clear();
    scratch_.clear();
    scratch_.shrink_to_fit();
    levels_last_ = 0;
}

const float* ChainCache::noise(const ChainSchedule& c, int t, uint32_t seed, std::size_t n_pixels, unsigned threads) {
    assert(t >= 1 && t <= c.T && n_pixels > 0);
    if (seed != seed_ || n_pixels != n_pixels_ || sum_log_alpha_ != c.sum_log_alpha || zero_alphas_ != c.zero_alphas) {
        clear();
        seed_ = seed;
        n_pixels_ = n_pixels;
        sum_log_alpha_ = c.sum_log_alpha;
        zero_alphas_ = c.zero_alphas;
    }
    ++clock_;
    levels_last_ = 0;
    if (Node* kept = find(t)) {
        kept->used = clock_;
        return kept->y.data();
    }
    const ChainPath path = chain_path(c, t);
    const std::size_t L = path.levels.size();
    // The deepest level whose interval ends are both known (node 0 is y_0 = 0; the root reads zeros).
    std::size_t start = 0;
    const float *lo = nullptr, *hi = nullptr;
    for (std::size_t k = L - 1; k >= 1; --k) {
        const ChainLevel& l = path.levels[k];
        Node* h = find(l.high);
        Node* w = l.low == 0 ? nullptr : find(l.low);
        if (h && (l.low == 0 || w)) {
            start = k;
            h->used = clock_;
            hi = h->y.data();
            if (w) w->used = clock_, lo = w->y.data();
            break;
        }
    }
    // Keep the new nodes, the deepest first, in what max_bytes leaves after the two ends read.
    const std::size_t node_bytes = n_pixels * 3 * sizeof(float);
    const std::size_t capacity = max_bytes_ / node_bytes;
    const std::size_t pinned = std::size_t(hi != nullptr) + std::size_t(lo != nullptr);
    const std::size_t keep = capacity > pinned ? std::min(L - start, capacity - pinned) : 0;
    std::vector<float*> store(L, nullptr);
    std::vector<int> made;
    for (std::size_t k = L; k-- > start && made.size() < keep;) {
        Node* slot = find(path.levels[k].node);   // kept, but above no kept pair of ends: same bits again
        if (slot) {
        } else if (nodes_.size() < capacity) {
            nodes_.emplace_back();
            slot = &nodes_.back();
            // emplace_back may move the vector: look the ends up again.
            if (hi) hi = find(path.levels[start].high)->y.data();
            if (lo) lo = find(path.levels[start].low)->y.data();
        } else {   // reuse the least recently used buffer that is not an end being read
            for (Node& n : nodes_)
                if (n.used != clock_ && (!slot || n.used < slot->used)) slot = &n;
            if (!slot) break;
        }
        slot->t = path.levels[k].node;
        slot->used = clock_;
        slot->y.resize(3 * n_pixels);
        made.push_back(slot->t);
    }
    for (int node : made) {
        Node* n = find(node);
        for (std::size_t k = start; k < L; ++k)
            if (path.levels[k].node == node) store[k] = n->y.data();
    }
    float* y = store[L - 1];
    if (!y) {
        scratch_.resize(3 * n_pixels);
        y = scratch_.data();
    }
    const std::size_t chunk = 64 * 512;   // spans of pixels for the threads
    parallel_for(
        (n_pixels + chunk - 1) / chunk,
        [&](std::size_t c0, std::size_t c1) {
            const std::size_t p0 = c0 * chunk, p1 = std::min(n_pixels, c1 * chunk);
            std::vector<float*> st(L, nullptr);
            for (std::size_t k = 0; k < L; ++k) st[k] = store[k] ? store[k] + 3 * p0 : nullptr;
            chain_walk_pixels(path, start, lo ? lo + 3 * p0 : nullptr, hi ? hi + 3 * p0 : nullptr, st.data(), seed,
                              p0, p1 - p0, y + 3 * p0);
        },
        threads);
    levels_last_ = int(L - start);
    return y;
}

void ChainCache::sample(const Image& x0, const ChainSchedule& c, int t, uint32_t seed, Image& out, unsigned threads) {
    out.width = x0.width;
    out.height = x0.height;
    out.data.resize(x0.data.size());
    if (t == 0) {
        std::copy(x0.data.begin(), x0.data.end(), out.data.begin());
        levels_last_ = 0;
        return;
    }
    const float* y = noise(c, t, seed, x0.data.size() / 3, threads);
    const ChainPath path = chain_path(c, t);
    // chain_sample_pixels' formula, in the same order.
    parallel_for(
        x0.data.size(),
        [&](std::size_t k0, std::size_t k1) {
            for (std::size_t k = k0; k < k1; ++k)
                out.data[k] = path.signal * x0.data[k] + path.noise * (y[k] * path.to_eps);
        },
        threads);
}

void chain_sample_pixels(const float* x0, float* out, std::size_t first_pixel, std::size_t n_pixels,
                         const ChainPath& path, uint32_t seed) {
    if (path.levels.empty()) {
        std::copy(x0, x0 + 3 * n_pixels, out);
        return;
    }
    chain_noise_pixels(path, seed, first_pixel, n_pixels, out);
    // The shader's formula, in the same order (shaders/chain.glsl).
    for (std::size_t k = 0; k < 3 * n_pixels; ++k) out[k] = path.signal * x0[k] + path.noise * (out[k] * path.to_eps);
}

Image chain_sample(const Image& x0, const ChainSchedule& c, int t, uint32_t seed, unsigned threads) {
    assert(t >= 0 && t <= c.T);
    Image out{x0.width, x0.height, std::vector<float>(x0.data.size())};
    const ChainPath path = chain_path(c, t);
    const std::size_t row = std::size_t(x0.width);
    parallel_for(
        std::size_t(x0.height),
        [&](std::size_t y0, std::size_t y1) {
            chain_sample_pixels(x0.data.data() + 3 * y0 * row, out.data.data() + 3 * y0 * row, y0 * row,
                                (y1 - y0) * row, path, seed);
        },
        threads);
    return out;
}

Image chain_sample(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    return chain_sample(x0, make_chain_schedule(s), t, seed, threads);
}

Image process_sample(const Image& x0, const Schedule& s, Process p, int t, uint32_t seed, unsigned threads) {
    return p == Process::Chain ? chain_sample(x0, s, t, seed, threads) : q_sample(x0, s, t, seed, threads);
}

ChainStep chain_step(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    assert(t >= 1 && t <= s.T());
    const ChainSchedule c = make_chain_schedule(s);
    ChainStep step;
    step.prev = chain_sample(x0, c, t - 1, seed, threads);
    step.xt = chain_sample(x0, c, t, seed, threads);
    step.step_noise = step.xt;
    const float sqrt_alpha = float(std::sqrt(s.alpha[std::size_t(t)]));
    for (std::size_t k = 0; k < step.xt.data.size(); ++k)
        step.step_noise.data[k] = step.xt.data[k] - sqrt_alpha * step.prev.data[k];
    step.posterior_mean = posterior_mean(x0, step.xt, s, t, threads);
    step.posterior_sample = posterior_sample(x0, step.xt, s, t, seed, threads);
    return step;
}

std::vector<std::array<float, 3>> chain_pixel_path(const Image& x0, const ChainSchedule& c, int x, int y,
                                                   const std::vector<int>& ts, uint32_t seed) {
    assert(x >= 0 && y >= 0 && x < x0.width && y < x0.height);
    const std::size_t pixel = std::size_t(y) * std::size_t(x0.width) + std::size_t(x);
    std::vector<std::array<float, 3>> out;
    out.reserve(ts.size());
    for (int t : ts) {
        std::array<float, 3> v;
        chain_sample_pixels(x0.data.data() + 3 * pixel, v.data(), pixel, 1, chain_path(c, t), seed);
        out.push_back(v);
    }
    return out;
}

std::vector<std::array<float, 3>> closed_pixel_path(const Image& x0, const Schedule& s, int x, int y,
                                                    const std::vector<int>& ts, uint32_t seed) {
    assert(x >= 0 && y >= 0 && x < x0.width && y < x0.height);
    const std::size_t pixel = std::size_t(y) * std::size_t(x0.width) + std::size_t(x);
    std::vector<std::array<float, 3>> out;
    out.reserve(ts.size());
    for (int t : ts) {
        std::array<float, 3> v;
        if (t == 0) std::copy_n(x0.data.data() + 3 * pixel, 3, v.data());
        else
            q_sample_pixels(x0.data.data() + 3 * pixel, v.data(), pixel, 1, float(s.sqrt_alpha_bar[std::size_t(t)]),
                            float(s.sqrt_one_minus_alpha_bar[std::size_t(t)]), seed);
        out.push_back(v);
    }
    return out;
}

}  // namespace ddpm
