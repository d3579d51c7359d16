#pragma once
// Toy distributions: the forward process on data given as points, where everything is exact.
// With data x0 in {c_1..c_N} (each optionally smoothed by N(0, h^2 I), the "data bandwidth"),
// q(x_t) = (1/N) sum_j N(x_t; a c_j, s^2 I) with a = sqrt(alpha_bar_t), s^2 = (1 - alpha_bar_t) + a^2 h^2:
// a Gaussian mixture with a closed-form score, and the ideal denoiser E[x0 | x_t] is a softmax-weighted
// mean of the data (log-sum-exp weights, safe at any t). So the reverse process runs for real with no
// network, and shows what a perfect denoiser of a finite data set does: it reproduces the data points.
//
// Noise streams of one seed (rng::stream_key(seed, stream), block index = point index i; a 2D point
// uses normals v[0], v[1], a 1D value v[0]):
//   0                 closed-form eps of x_t = a x0 + b eps (as for images, noise.h)
//   t (1..T)          the chain's step t: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t
//   0x60000000        the reverse process's start x_T ~ N(0, I)
//   0x60000000 + t    the reverse process's noise added when stepping down from t (DDPM)
//   0x70000000 + 0..5 data: presets (+0 uniform words, +1 normals), luminance points (+2), resampling
//                     (+3), 1D samples (+4 uniform words, +5 normals)
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/result.h"
#include "ddpm/schedule.h"

namespace ddpm {
struct SamplingParams;   // ddpm/sampling.h (not included: its Preset would clash with toy::Preset under using-directives)
}

namespace ddpm::toy {

constexpr uint32_t kReverseStream = 0x60000000u;
constexpr uint32_t kDataStream = 0x70000000u;
// More points than this in a file or request is refused (the window draws 100k interactively).
constexpr int kMaxPoints = 10'000'000;

struct Point {
    float x = 0, y = 0;
    bool operator==(const Point&) const = default;
};
using Points = std::vector<Point>;

// --- 2D data ---------------------------------------------------------------------------------

enum class Preset { Moons, SwissRoll, Gaussians8, Checkerboard, Circles };
struct PresetName {
    Preset preset;
    const char* name;   // CLI value, UI label
};
inline constexpr std::array<PresetName, 5> kPresets{{
    {Preset::Moons, "moons"},
    {Preset::SwissRoll, "swissroll"},
    {Preset::Gaussians8, "gaussians8"},
    {Preset::Checkerboard, "checkerboard"},
    {Preset::Circles, "circles"},
}};
const char* preset_name(Preset preset);
std::optional<Preset> parse_preset(std::string_view name);

// n points of a preset, a pure function of (preset, n, seed); all presets lie within about [-2.5, 2.5]^2.
Points make_preset(Preset preset, int n, uint32_t seed);
// "x,y" per line; blank lines and a first line that is not two numbers (a header) are skipped.
// `shown` names the file in errors, which give the line number.
Result<Points> parse_points_csv(std::string_view text, const std::string& shown);
Result<Points> load_points_csv(const std::string& path);
// n points with probability proportional to pixel luminance (jittered within the pixel), the image
// mapped so its longer side spans [-2, 2] with y up. Error when the image is black.
Result<Points> points_from_luminance(const Image& image, int n, uint32_t seed);
// n points drawn from data with replacement (stream kDataStream + 3).
Points resample(const Points& data, int n, uint32_t seed);

// --- forward process -------------------------------------------------------------------------

// x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps_i; t = 0 gives x0 exactly.
void forward_closed(const Points& x0, const Schedule& s, int t, uint32_t seed, Points& out, unsigned threads = 0);
// The eps of forward_closed for every point (the window uploads it once and lets the GPU mix).
Points closed_form_eps(std::size_t n, uint32_t seed, unsigned threads = 0);

// The chain run step by step: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t, eps_t of point i
// from stream t. A point is two numbers, so O(t) per point is cheap even at T = 100000, and it is
// exactly the Markov chain (core's O(log T) random-access construction is for images). The path is
// cached: checkpoints every `stride` steps, so scrubbing t redoes fewer than `stride` steps.
class ChainCache {
public:
    // x_t of the chain from x0; recomputes when x0, the schedule or the seed changed.
    const Points& at(const Points& x0, const Schedule& s, uint32_t seed, int t, unsigned threads = 0);
    int stride() const { return stride_; }
    // Memory held by the checkpoints, in points.
    std::size_t cached_points() const;

private:
    Points x0_;
    ScheduleParams params_;
    uint32_t seed_ = 0;
    bool valid_ = false;
    int stride_ = 1;
    std::vector<Points> checkpoints_;   // checkpoints_[k] = x at t = k * stride_
    Points current_;
    int current_t_ = -1;
};
// One chain step for every point (t >= 1), in place.
void chain_step(Points& x, const Schedule& s, int t, uint32_t seed, unsigned threads = 0);

// --- the exact mixture q(x_t) ----------------------------------------------------------------

// q(x_t) for data points `data`, each smoothed by N(0, bandwidth^2 I). variance() > 0 is required
// by the density; at t = 0 with bandwidth 0 q is a sum of point masses.
struct Marginal {
    double a = 1;          // sqrt(alpha_bar_t)
    double b2 = 0;         // 1 - alpha_bar_t
    double bandwidth = 0;  // h
    double variance() const { return b2 + a * a * bandwidth * bandwidth; }
};
Marginal marginal(const Schedule& s, int t, double bandwidth);

struct Posterior {
    double log_density = 0;   // log q(x_t)
    double score_x = 0, score_y = 0;     // grad log q(x_t)
    double x0_x = 0, x0_y = 0;           // E[x0 | x_t]
};
// Everything at one x, in one pass over the data (log-sum-exp of the component log weights).
Posterior posterior(const Points& data, const Marginal& m, double x, double y);
double log_density(const Points& data, const Marginal& m, double x, double y);

// The density on a g x g grid over [lo, hi]^2, cell centres, row 0 at y = lo; row-major.
std::vector<double> density_grid(const Points& data, const Marginal& m, int g, double lo, double hi,
                                 unsigned threads = 0);

// --- reverse process -------------------------------------------------------------------------

enum class Sampler { Ddpm, Ddim };
const char* sampler_name(Sampler sampler);
std::optional<Sampler> parse_sampler(std::string_view name);

// N + 1 timesteps T = t_N > ... > t_0 = 0, evenly spaced (rounded, distinct). A schedule that
// provides its own sampling timesteps passes them to the samplers instead.
std::vector<int> sampling_timesteps(int T, int steps);
// The reverse process's timesteps: with sampling.steps > 0 the schedule's sampling timesteps
// (diffusers' set_timesteps, ddpm/sampling.h; the start x ~ N(0, I) sits at the first of them, which
// for leading spacing is below T, as in diffusers) followed by t = 0; else sampling_timesteps(T, steps).
Result<std::vector<int>> reverse_timesteps(int T, const SamplingParams& sampling, int steps);

// x_s = c0 E[x0 | x_t] + ct x_t + sigma z for a step t -> s < t, from alpha_bar alone.
// DDPM: the posterior q(x_s | x_t, x0) with x0 replaced by the denoiser (Ho et al. eq. 6-7, for
// s = t - 1 exactly the schedule's posterior columns); DDIM with eta = 0 (Song et al. eq. 12): sigma = 0.
struct StepCoefs {
    double c0 = 0, ct = 0, sigma = 0;
};
StepCoefs step_coefs(const Schedule& s, Sampler sampler, int t, int to);

// Every step of the reverse process: timesteps[k] descending, path[k] the M samples at timesteps[k]
// (path.front() is x_T ~ N(0, I), path.back() the samples at t = 0).
struct ReversePath {
    std::vector<int> timesteps;
    std::vector<Points> path;
};
// M samples from N(0, I) brought back to t = 0 with the exact denoiser of the (smoothed) data.
ReversePath reverse(const Points& data, double bandwidth, const Schedule& s, Sampler sampler,
                    const std::vector<int>& timesteps, int m, uint32_t seed, unsigned threads = 0);
// One step t -> to of all samples in place (what reverse() runs; the window's animation too).
void reverse_step(const Points& data, double bandwidth, const Schedule& s, Sampler sampler, int t, int to,
                  Points& x, uint32_t seed, unsigned threads = 0);
// x_T ~ N(0, I) of the reverse process.
Points reverse_start(int m, uint32_t seed);

// --- 1D data (the density ribbon) ------------------------------------------------------------

// A 1D x0 distribution: a mixture of Gaussians (variance 0: an atom, as pixel values are), or a
// uniform on [lo, hi].
struct Density1 {
    std::vector<double> mean, variance, weight;   // weights sum to 1
    bool uniform = false;
    double lo = -1, hi = 1;
};
enum class Preset1 { Gaussians2, Gaussians3, Uniform };
struct Preset1Name {
    Preset1 preset;
    const char* name;
};
inline constexpr std::array<Preset1Name, 3> kPresets1{{
    {Preset1::Gaussians2, "gaussians2"},
    {Preset1::Gaussians3, "gaussians3"},
    {Preset1::Uniform, "uniform"},
}};
std::optional<Preset1> parse_preset1(std::string_view name);
Density1 make_preset1(Preset1 preset);
// Channel c (0 R, 1 G, 2 B) of an image's pixels as atoms at their values in [-1, 1], weighted by count.
Density1 pixel_density(const Image& image, int channel);

// log q(x_t) and E[x0 | x_t] of a 1D distribution at x (a = sqrt(alpha_bar_t), b2 = 1 - alpha_bar_t).
struct Posterior1 {
    double log_density = 0, score = 0, x0 = 0;
};
Posterior1 posterior1(const Density1& d, double a, double b2, double x);
// n values of x0 (streams kDataStream + 4 and + 5).
std::vector<double> sample1(const Density1& d, int n, uint32_t seed);
// Chain paths: paths[i][t], t = 0..T, of n values drawn from d (normal v[0] of streams t, index i).
std::vector<std::vector<double>> chain_paths1(const Density1& d, const Schedule& s, int n, uint32_t seed);
// Reverse paths, per sample over the timesteps visited (descending).
std::vector<std::vector<double>> reverse_paths1(const Density1& d, const Schedule& s, Sampler sampler,
                                                const std::vector<int>& timesteps, int n, uint32_t seed);

// The density q(x_t) over (t, x): columns t = 0..T mapped onto `width`, rows x from hi (top) to lo.
// Row-major width * height; at t = 0 atoms are spread over one row each, so the column still shows them.
std::vector<double> ribbon(const Density1& d, const Schedule& s, int width, int height, double lo, double hi,
                           unsigned threads = 0);

// --- pictures (the CLI's PNG/GIF, the window's export) ---------------------------------------

// The colour of each point by where it started: hue from its angle around the data's mean, lighter
// further out. RGB packed as 0xBBGGRR.
std::vector<uint32_t> start_colors(const Points& x0);
// Heat-map colour of a density value relative to the grid's maximum (perceptual ramp, dark to yellow).
std::array<uint8_t, 3> heat_color(double relative);

struct SceneOptions {
    int size = 640;                   // square picture, pixels
    double lo = -3.5, hi = 3.5;       // the square shown
    const std::vector<double>* density = nullptr;   // density_grid over [lo, hi]^2 (any g), optional
    int density_g = 0;
    std::string label;                // drawn at the top left, e.g. "t = 250"
    float point_radius = 2.0f;          // points are (2r - 1)-pixel squares
};
// Points over the heat map with the N(0, I) circles (radius 1 and 2), as the window draws them.
Rgb8 render_scene(const Points& x, const std::vector<uint32_t>& colors, const SceneOptions& options);

// Points splatted into a transparent RGBA8 picture (straight alpha), each blended over the ones before
// it as GL blending would: how the window draws them on a software renderer, where llvmpipe spends about
// a microsecond rasterising each GL point and the CPU splats 100k points in about a millisecond. The
// point i is at signal x0[i] + noise eps[i] (eps null: x0 alone), as shaders/toy_points_vert.glsl,
// a square of `size` pixels centred there; colours are 0xAABBGGRR. Only the pixels the last splat
// touched are cleared, so a frame costs O(points), not O(pixels).
struct Splat {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;        // row 0 at the top (y = hi)
    std::vector<uint32_t> touched;    // pixel indices written since the last clear
};
void splat_points(const Points& x0, const Points* eps, float signal, float noise, const std::vector<uint32_t>& colors,
                  double lo, double hi, int size, Splat& canvas);

struct RibbonPicture {
    int width = 800, height = 400;
    double lo = -3, hi = 3;
    std::vector<std::vector<double>> chain;      // paths[i][t], t = 0..T
    std::vector<std::vector<double>> reverse;    // paths[i][k] over reverse_timesteps
    std::vector<int> reverse_timesteps;
};
// The ribbon with its paths and axes, for slides.
Rgb8 render_ribbon(const Density1& d, const Schedule& s, const RibbonPicture& picture, unsigned threads = 0);

// Shortest round-trip decimal form of v (std::to_chars).
std::string number(double v);

}  // namespace ddpm::toy
