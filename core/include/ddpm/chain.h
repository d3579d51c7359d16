#pragma once
// The forward process as a Markov chain with random access: one sample path x_0, x_1, ..., x_T of
// q(x_t | x_{t-1}) = N(sqrt(alpha_t) x_{t-1}, beta_t I), any x_t in O(log T) per pixel.
//
// Construction: the noise part y_t = x_t - sqrt(alpha_bar_t) x0 is a Gauss-Markov process, y_0 = 0,
// y_t = sqrt(alpha_t) y_{t-1} + sqrt(beta_t) eps_t. Draw y_T ~ N(0, 1 - alpha_bar_T), then bisect
// [0, T]: given y_s and y_u, the midpoint m = (s + u) / 2 is Gaussian,
//     y_m | y_s, y_u ~ N(A y_s + B y_u, var),
//     A = g(s,m) V(m,u) / V(s,u),  B = g(m,u) V(s,m) / V(s,u),  var = V(s,m) V(m,u) / V(s,u),
// with g(s,u) = sqrt(alpha_bar_u / alpha_bar_s) = prod_{s<r<=u} sqrt(alpha_r) and V(s,u) = 1 - g(s,u)^2
// (a Brownian bridge in the process's own time). g and V come from interval sums of log(1 - beta_r)
// through exp and expm1, never from 1/alpha_bar, so zero terminal SNR and T = 100000 stay finite.
// Every t in 1..T-1 is the midpoint of exactly one interval of the bisection, so node t draws its
// noise from stream kChainStream | t (t = T: the top draw y_T); the joint law of the path is then
// exactly the chain's, and x_t is the same whichever t were asked before it.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/schedule.h"

namespace ddpm {

// Closed form (one eps: every frame a sample of q(x_t | x0)) or Markov chain (one sample path).
enum class Process { Closed, Chain };
struct ProcessName {
    Process process;
    const char* name;   // CLI value, JSON value, UI label
};
inline constexpr std::array<ProcessName, 2> kProcesses{{{Process::Closed, "closed"}, {Process::Chain, "chain"}}};
const char* process_name(Process p);
std::optional<Process> parse_process(std::string_view name);

// Noise streams of the chain's bisection nodes: node t (the midpoint t, or t = T the top draw) uses
// stream kChainStream | t of the seed (see rng.h and noise.h for the others).
constexpr uint32_t kChainStream = 0x80000000u;

// At most 1 + ceil(log2(kMaxT)) = 18 levels; the shader's arrays have this size.
constexpr int kMaxChainLevels = 24;

// One level of the walk from the root to t: y_new = a * y_low + b * y_high + sd * z(stream); y_new then
// replaces y_high when `upper` (the walk goes left), else y_low. The last y_new is y_t.
struct ChainLevel {
    float a = 0, b = 0, sd = 0;
    uint32_t stream = 0;
    bool upper = false;
    int node = 0;   // the timestep this level draws
    int low = -1, high = -1;   // the interval [low, high] whose ends it reads (-1: the root, which reads zeros)
    bool operator==(const ChainLevel&) const = default;
};

// Everything a renderer needs for x_t of the chain: x_t = signal * x0 + noise * (to_eps * y_t), where
// to_eps * y_t is the standardised noise (an N(0, 1) sample per value); levels empty at t = 0.
struct ChainPath {
    int t = 0;
    float signal = 1, noise = 0, to_eps = 0;
    std::vector<ChainLevel> levels;
};

// Interval sums of the schedule, built once per schedule (O(T)); then each path costs O(log T).
struct ChainSchedule {
    int T = 0;
    std::vector<double> sum_log_alpha;   // sum_{r<=t} log(1 - beta_r) over the r with alpha_r > 0
    std::vector<int> zero_alphas;        // how many r <= t have alpha_r = 0 (beta_r = 1)
    std::vector<float> signal, noise;    // sqrt_alpha_bar, sqrt_one_minus_alpha_bar as floats
};
ChainSchedule make_chain_schedule(const Schedule& s);

// sqrt(alpha_bar_u / alpha_bar_s) and 1 - alpha_bar_u / alpha_bar_s for s <= u, without dividing.
double chain_gain(const ChainSchedule& c, int s, int u);
double chain_residual_variance(const ChainSchedule& c, int s, int u);

// The per-level coefficients of t (computed on the CPU, passed to the shader as uniforms).
ChainPath chain_path(const ChainSchedule& c, int t);

// The noise part y of pixels [first_pixel, first_pixel + n_pixels) at the end of `path`, 3 floats a pixel.
void chain_noise_pixels(const ChainPath& path, uint32_t seed, std::size_t first_pixel, std::size_t n_pixels, float* y);
// The walk of chain_noise_pixels from level `start` on: lo and hi begin as the values of that level's
// interval ends (3 floats a pixel of the span, null: zeros), and level k's result is also written to
// store[k] when that is not null. start = 0 with no stores is chain_noise_pixels itself (the same code).
void chain_walk_pixels(const ChainPath& path, std::size_t start, const float* lo_start, const float* hi_start,
                       float* const* store, uint32_t seed, std::size_t first_pixel, std::size_t n_pixels, float* y);
// x_t of the chain for a span of pixels (x0 and out at that span), one thread.
void chain_sample_pixels(const float* x0, float* out, std::size_t first_pixel, std::size_t n_pixels,
                         const ChainPath& path, uint32_t seed);
// x_t of the chain's path for this seed; t = 0 returns x0 exactly.
Image chain_sample(const Image& x0, const ChainSchedule& c, int t, uint32_t seed, unsigned threads = 0);
Image chain_sample(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads = 0);

// The chain's node images kept between frames, so that a neighbouring t reuses what its path shares
// with the t before it: x_t starts at the deepest level of its path whose two interval ends are kept,
// and keeps the nodes it computes (the least recently used dropped first, within max_bytes). Every node
// is the midpoint of one interval only, so a kept node's value is the one the full walk would compute,
// and the result is the bits of chain_sample whatever order the t come in.
class ChainCache {
public:
    explicit ChainCache(std::size_t max_bytes = std::size_t(256) << 20) : max_bytes_(max_bytes) {}
    // y_t (3 floats a pixel) of n_pixels pixels for this schedule and seed; valid until the next call.
    const float* noise(const ChainSchedule& c, int t, uint32_t seed, std::size_t n_pixels, unsigned threads = 0);
    // x_t = signal x0 + noise (to_eps y_t), the bits of chain_sample(x0, c, t, seed).
    void sample(const Image& x0, const ChainSchedule& c, int t, uint32_t seed, Image& out, unsigned threads = 0);
    void clear();
    int levels_last() const { return levels_last_; }      // levels the last call computed (0: y_t was kept)
    std::size_t nodes_kept() const { return nodes_.size(); }
    std::size_t max_bytes() const { return max_bytes_; }

private:
    struct Node {
        int t = 0;
        uint64_t used = 0;
        std::vector<float> y;
    };
    Node* find(int t);
    std::size_t max_bytes_;
    std::vector<double> sum_log_alpha_;   // the schedule the nodes belong to
    std::vector<int> zero_alphas_;
    uint32_t seed_ = 0;
    std::size_t n_pixels_ = 0;
    uint64_t clock_ = 0;
    int levels_last_ = 0;
    std::vector<Node> nodes_;
    std::vector<float> scratch_;
};

// x_t of either process (the export and the CLI's one entry).
Image process_sample(const Image& x0, const Schedule& s, Process p, int t, uint32_t seed, unsigned threads = 0);

// The step view's pieces at t >= 1, all of the chain: x_{t-1}, x_t, the step's noise term
// sqrt(beta_t) eps_t = x_t - sqrt(alpha_t) x_{t-1}, and the posterior q(x_{t-1} | x_t, x0)
// (Ho et al. eq. 7): its mean and a sample (noise from stream kPosteriorStream + t).
struct ChainStep {
    Image prev, xt, step_noise, posterior_mean, posterior_sample;
};
ChainStep chain_step(const Image& x0, const Schedule& s, int t, uint32_t seed, unsigned threads = 0);

// One pixel's values (3 channels) on the chain's path at each t of ts (for the probe).
std::vector<std::array<float, 3>> chain_pixel_path(const Image& x0, const ChainSchedule& c, int x, int y,
                                                   const std::vector<int>& ts, uint32_t seed);
// The same pixel in the closed form (one eps for every t).
std::vector<std::array<float, 3>> closed_pixel_path(const Image& x0, const Schedule& s, int x, int y,
                                                    const std::vector<int>& ts, uint32_t seed);

}  // namespace ddpm
