#include "ddpm/toy.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#ifdef __AVX__
#include <immintrin.h>
#endif

#include "ddpm/export.h"
#include "ddpm/parallel.h"
#include "ddpm/rng.h"
#include "ddpm/sampling.h"

namespace ddpm::toy {

namespace {

constexpr double kPi = std::numbers::pi;

// A uniform in (0, 1) from one 32-bit word.
double uniform(uint32_t w) { return (double(w) + 0.5) * (1.0 / 4294967296.0); }

rng::Normal4 normals(uint32_t seed, uint32_t stream, std::size_t i) {
    return rng::normal4(rng::stream_key(seed, stream), uint64_t(i));
}

double phi_cdf(double z) { return 0.5 * std::erfc(-z * std::numbers::sqrt2 * 0.5); }

// Eight floats at a time in GCC vector types (AVX2 with -march=native, SSE or scalar elsewhere) for the
// two hot loops over data points: the density grid and the denoiser.
typedef float F8 __attribute__((vector_size(32)));
typedef int32_t I8 __attribute__((vector_size(32)));

[[gnu::always_inline]] inline F8 splat(float v) { return F8{v, v, v, v, v, v, v, v}; }

// a * b + c; fused where the CPU has FMA (these sums are not the generator's, which must not fuse).
[[gnu::always_inline]] inline F8 mul_add(F8 a, F8 b, F8 c) {
#ifdef __FMA__
    return F8(_mm256_fmadd_ps(__m256(a), __m256(b), __m256(c)));
#else
    return a * b + c;
#endif
}

[[gnu::always_inline]] inline F8 min8(F8 a, F8 b) { return a < b ? a : b; }

// e^x for x <= 0, relative error about 2e-7; 0 below -87 (where e^x leaves float's normal range).
// Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, and the degree-6 Taylor polynomial of e^r.
[[gnu::always_inline]] inline F8 exp_nonpositive8(F8 x) {
    const I8 tiny = x < -87.0f;
    x = tiny ? splat(-87.0f) : x;
    const I8 n = __builtin_convertvector(x * 1.44269504f - 0.5f, I8);   // round(x / ln2) for x <= 0
    const F8 nf = __builtin_convertvector(n, F8);
    const F8 r = (x - nf * 0.693145752f) - nf * 1.42860677e-6f;
    F8 p = 1.0f + r * (1.0f + r * (0.5f + r * (1.66666667e-1f + r * (4.16666667e-2f + r * (8.33333333e-3f + r * 1.38888889e-3f)))));
    const F8 scale = F8((n + 127) << 23);
    p *= scale;
    return tiny ? F8{} : p;
}

float horizontal_min(F8 v) {
    float m = v[0];
    for (int l = 1; l < 8; ++l) m = std::min(m, v[l]);
    return m;
}

double horizontal_sum(F8 v) {
    double s = 0;
    for (int l = 0; l < 8; ++l) s += double(v[l]);
    return s;
}

}  // namespace

std::string number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// --- 2D data -------------------------------------------------------------------------------------

const char* preset_name(Preset preset) {
    for (const auto& p : kPresets)
        if (p.preset == preset) return p.name;
    return "?";
}

std::optional<Preset> parse_preset(std::string_view name) {
    for (const auto& p : kPresets)
        if (name == p.name) return p.preset;
    return std::nullopt;
}

Points make_preset(Preset preset, int n, uint32_t seed) {
    assert(n >= 0);
    Points out(std::size_t(std::max(0, n)));
    const rng::Key words = rng::stream_key(seed, kDataStream);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const rng::Counter w = rng::bits(words, i);
        const rng::Normal4 z = normals(seed, kDataStream + 1, i);
        const double u0 = uniform(w[0]), u1 = uniform(w[1]), u2 = uniform(w[2]);
        double x = 0, y = 0;
        switch (preset) {
            case Preset::Moons: {   // scikit-learn's make_moons, centred and scaled by 1.2
                const double th = kPi * u1;
                if (u0 < 0.5) x = std::cos(th), y = std::sin(th);
                else x = 1 - std::cos(th), y = 0.5 - std::sin(th);
                x = (x - 0.5 + 0.05 * z.v[0]) * 1.2;
                y = (y - 0.25 + 0.05 * z.v[1]) * 1.2;
                break;
            }
            case Preset::SwissRoll: {   // make_swiss_roll's (x, z) plane, divided by 6
                const double tt = 1.5 * kPi * (1 + 2 * u1);
                x = tt * std::cos(tt) / 6 + 0.05 * z.v[0];
                y = tt * std::sin(tt) / 6 + 0.05 * z.v[1];
                break;
            }
            case Preset::Gaussians8: {
                const double th = std::floor(u0 * 8) * kPi / 4;
                x = 2 * std::cos(th) + 0.15 * z.v[0];
                y = 2 * std::sin(th) + 0.15 * z.v[1];
                break;
            }
            case Preset::Checkerboard: {   // the 8 dark cells of a 4 x 4 board over [-2, 2]^2
                const int c = std::min(7, int(u0 * 8)), row = c / 2, col = 2 * (c % 2) + (row % 2);
                x = -2 + col + u1;
                y = -2 + row + u2;
                break;
            }
            case Preset::Circles: {   // make_circles with factor 0.5, radii 2 and 1
                const double r = u0 < 0.5 ? 2.0 : 1.0, th = 2 * kPi * u1;
                x = r * std::cos(th) + 0.05 * z.v[0];
                y = r * std::sin(th) + 0.05 * z.v[1];
                break;
            }
        }
        out[i] = {float(x), float(y)};
    }
    return out;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool parse_double(std::string_view s, double& v) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

Result<Points> parse_points_csv(std::string_view text, const std::string& shown) {
    Points out;
    std::size_t line_no = 0, pos = 0;
    bool first = true;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line.empty()) continue;
        const std::size_t comma = line.find(',');
        double x = 0, y = 0;
        const bool ok = comma != std::string_view::npos && parse_double(line.substr(0, comma), x) &&
                        parse_double(line.substr(comma + 1), y);
        if (!ok) {
            if (first) {   // a header such as "x,y"
                first = false;
                continue;
            }
            return Error{shown + " line " + std::to_string(line_no) + ": expected two numbers \"x,y\", got \"" +
                         std::string(line.substr(0, 60)) + "\""};
        }
        first = false;
        if (out.size() == std::size_t(kMaxPoints))
            return Error{shown + " has more than " + std::to_string(kMaxPoints) + " points; use a smaller file"};
        if (std::abs(x) > 1e6 || std::abs(y) > 1e6)
            return Error{shown + " line " + std::to_string(line_no) + ": coordinates beyond 1e6 are not supported"};
        out.push_back({float(x), float(y)});
    }
    if (out.empty()) return Error{shown + " has no points (expected lines of \"x,y\")"};
    return out;
}

Result<Points> load_points_csv(const std::string& path) {
    auto bytes = read_file(path);
    if (!bytes) return Error{bytes.error()};
    return parse_points_csv(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), path);
}

Result<Points> points_from_luminance(const Image& image, int n, uint32_t seed) {
    if (image.empty()) return Error{"there is no image to take points from"};
    const std::size_t pixels = std::size_t(image.width) * std::size_t(image.height);
    std::vector<double> cumulative(pixels);
    double total = 0;
    for (std::size_t p = 0; p < pixels; ++p) {
        const float* c = &image.data[3 * p];
        const double lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];   // in [-1, 1]
        total += std::clamp((lum + 1) * 0.5, 0.0, 1.0);
        cumulative[p] = total;
    }
    if (total <= 0) return Error{"the image is black: no luminance to sample points from"};
    const double scale = 4.0 / std::max(image.width, image.height);
    const rng::Key key = rng::stream_key(seed, kDataStream + 2);
    Points out(std::size_t(std::max(0, n)));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const rng::Counter w = rng::bits(key, i);
        const double target = uniform(w[0]) * total;
        const std::size_t p = std::min(pixels - 1, std::size_t(std::upper_bound(cumulative.begin(), cumulative.end(), target) -
                                                               cumulative.begin()));
        const double px = double(p % std::size_t(image.width)) + uniform(w[1]);
        const double py = double(p / std::size_t(image.width)) + uniform(w[2]);
        out[i] = {float((px - image.width * 0.5) * scale), float((image.height * 0.5 - py) * scale)};
    }
    return out;
}

Points resample(const Points& data, int n, uint32_t seed) {
    assert(!data.empty());
    const rng::Key key = rng::stream_key(seed, kDataStream + 3);
    Points out(std::size_t(std::max(0, n)));
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = data[std::min(data.size() - 1, std::size_t(uniform(rng::bits(key, i)[0]) * double(data.size())))];
    return out;
}

// --- forward process -----------------------------------------------------------------------------

Points closed_form_eps(std::size_t n, uint32_t seed, unsigned threads) {
    Points eps(n);
    parallel_for(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const rng::Normal4 z = normals(seed, 0, i);
            eps[i] = {z.v[0], z.v[1]};
        }
    }, threads);
    return eps;
}

void forward_closed(const Points& x0, const Schedule& s, int t, uint32_t seed, Points& out, unsigned threads) {
    assert(t >= 0 && t <= s.T());
    out.resize(x0.size());
    if (t == 0) {
        std::copy(x0.begin(), x0.end(), out.begin());
        return;
    }
    const float a = float(s.sqrt_alpha_bar[std::size_t(t)]), b = float(s.sqrt_one_minus_alpha_bar[std::size_t(t)]);
    parallel_for(x0.size(), [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const rng::Normal4 z = normals(seed, 0, i);
            out[i] = {a * x0[i].x + b * z.v[0], a * x0[i].y + b * z.v[1]};
        }
    }, threads);
}

namespace {

// Steps from+1 .. to of the chain for every point; each thread runs its points through all steps.
void run_chain(Points& x, const Schedule& s, int from, int to, uint32_t seed, unsigned threads) {
    if (to <= from) return;
    parallel_for(x.size(), [&](std::size_t begin, std::size_t end) {
        for (int t = from + 1; t <= to; ++t) {
            const float keep = float(std::sqrt(s.alpha[std::size_t(t)])), add = float(std::sqrt(s.beta[std::size_t(t)]));
            const rng::Key key = rng::stream_key(seed, uint32_t(t));
            for (std::size_t i = begin; i < end; ++i) {
                const rng::Normal4 z = rng::normal4(key, i);
                x[i] = {keep * x[i].x + add * z.v[0], keep * x[i].y + add * z.v[1]};
            }
        }
    }, threads);
}

// Checkpoint memory: at most this many points (32 MB).
constexpr std::size_t kCheckpointBudget = std::size_t(1) << 22;

}  // namespace

void chain_step(Points& x, const Schedule& s, int t, uint32_t seed, unsigned threads) {
    assert(t >= 1 && t <= s.T());
    run_chain(x, s, t - 1, t, seed, threads);
}

std::size_t ChainCache::cached_points() const {
    std::size_t n = 0;
    for (const auto& c : checkpoints_) n += c.size();
    return n;
}

const Points& ChainCache::at(const Points& x0, const Schedule& s, uint32_t seed, int t, unsigned threads) {
    assert(t >= 0 && t <= s.T());
    if (!valid_ || seed != seed_ || !(s.params == params_) || x0 != x0_) {
        x0_ = x0;
        params_ = s.params;
        seed_ = seed;
        valid_ = true;
        const std::size_t total = std::size_t(s.T() + 1) * std::max<std::size_t>(1, x0.size());
        stride_ = int(std::max<std::size_t>(1, (total + kCheckpointBudget - 1) / kCheckpointBudget));
        checkpoints_.assign(1, x0);
        current_ = x0;
        current_t_ = 0;
    }
    if (t == current_t_) return current_;
    const std::size_t k = std::size_t(t / stride_);
    while (checkpoints_.size() <= k) {
        Points next = checkpoints_.back();
        const int from = int(checkpoints_.size() - 1) * stride_;
        run_chain(next, s, from, from + stride_, seed, threads);
        checkpoints_.push_back(std::move(next));
    }
    const int base = int(k) * stride_;
    if (!(current_t_ >= base && current_t_ < t)) {   // moving forward within the same stretch reuses current_
        current_ = checkpoints_[k];
        current_t_ = base;
    }
    run_chain(current_, s, current_t_, t, seed, threads);
    current_t_ = t;
    return current_;
}

// --- the exact mixture -------------------------------------------------------------------------

Marginal marginal(const Schedule& s, int t, double bandwidth) {
    assert(t >= 0 && t <= s.T());
    const double b = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
    return {s.sqrt_alpha_bar[std::size_t(t)], b * b, bandwidth};
}

Posterior posterior(const Points& data, const Marginal& m, double x, double y) {
    const double var = m.variance();
    assert(var > 0 && !data.empty());
    const double a = m.a, inv = 0.5 / var;
    // Log-sum-exp: weights exp(-(d_j - d_min) / (2 var)), the nearest component weighing 1.
    double dmin = std::numeric_limits<double>::infinity();
    for (const Point& c : data) {
        const double dx = x - a * c.x, dy = y - a * c.y;
        dmin = std::min(dmin, dx * dx + dy * dy);
    }
    double sum = 0, sx = 0, sy = 0;
    for (const Point& c : data) {
        const double dx = x - a * c.x, dy = y - a * c.y;
        const double e = (dx * dx + dy * dy - dmin) * inv;
        // Weights below exp(-40) = 4e-18 of the largest change nothing in double: skip their exp.
        if (e > 40) continue;
        const double w = std::exp(-e);
        sum += w;
        sx += w * c.x;
        sy += w * c.y;
    }
    Posterior p;
    p.log_density = -dmin * inv + std::log(sum) - std::log(double(data.size())) - std::log(2 * kPi * var);
    const double cx = sx / sum, cy = sy / sum;   // E[c | x_t]
    p.score_x = (a * cx - x) / var;
    p.score_y = (a * cy - y) / var;
    // E[x0 | x_t, c] = c + (a h^2 / var)(x_t - a c), averaged over the component weights.
    const double h2 = m.bandwidth * m.bandwidth;
    p.x0_x = cx * m.b2 / var + a * h2 * x / var;
    p.x0_y = cy * m.b2 / var + a * h2 * y / var;
    return p;
}

double log_density(const Points& data, const Marginal& m, double x, double y) {
    return posterior(data, m, x, y).log_density;
}

// The mixture is isotropic, so on a grid it is separable: with G_x(j, i) = exp(-(x_j - a cx_i)^2 / 2 var)
// and G_y(i, k) likewise, sum_i N(x_j, y_k; a c_i, var I) = sum_i G_x(j, i) G_y(i, k) / (2 pi var), a
// (G x N)(N x G) matrix product: every data point counts, at 2G exps and G^2 multiply-adds per point.
// Log-sum-exp scaling keeps it finite for any variance: each row's factors are divided by the largest
// (the nearest centre along x, found by binary search) and each column's likewise, so every factor is
// in (0, 1] with at least one 1, and the scales come back in double at the end. Factors below e^-87 of
// their row's or column's largest are dropped (float's normal range), which changes no cell by more
// than that fraction of its bound. Points go in blocks of 256, sorted into strips of x and then by y,
// so a block's factors are zero outside a small window of rows and columns at small t and those tiles
// are skipped; products are summed in float within a block and in double across blocks.
std::vector<double> density_grid(const Points& data, const Marginal& m, int g, double lo, double hi, unsigned threads) {
    assert(g > 0 && hi > lo && m.variance() > 0 && !data.empty());
    const std::size_t G = std::size_t(g), n = data.size();
    const double var = m.variance(), inv = 0.5 / var, cell = (hi - lo) / g;
    std::vector<double> u(G);
    for (std::size_t j = 0; j < G; ++j) u[j] = lo + (double(j) + 0.5) * cell;

    // Centres a c_i in buckets of a 16 x 16 partition of the grid (x-major; outside points in the edge
    // buckets): a counting sort, so consecutive points lie close in both x and y.
    struct Centre {
        double x, y;
    };
    constexpr int kBuckets = 16;
    auto bucket_of = [&](double v) { return std::clamp(int(std::floor((v - lo) / (hi - lo) * kBuckets)), 0, kBuckets - 1); };
    std::vector<int> bucket(n);
    std::vector<std::size_t> start(kBuckets * kBuckets + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        bucket[i] = bucket_of(m.a * data[i].x) * kBuckets + bucket_of(m.a * data[i].y);
        ++start[std::size_t(bucket[i]) + 1];
    }
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    std::vector<Centre> c(n);
    for (std::size_t i = 0; i < n; ++i) c[start[std::size_t(bucket[i])]++] = {m.a * double(data[i].x), m.a * double(data[i].y)};
    // Squared distance from each grid line to its nearest centre along that axis (the row and column
    // scales), in O(N + G): the largest centre below each line and the smallest at or above it, from
    // each interval between lines' extremes.
    auto nearest = [&](auto coordinate) {
        const double inf = std::numeric_limits<double>::infinity();
        std::vector<double> low(G + 1, inf), high(G + 1, -inf);   // interval k: [u_{k-1}, u_k), 0 below u_0
        for (const Centre& p : c) {
            const double v = coordinate(p);
            const std::size_t k = std::size_t(std::clamp(std::floor((v - u[0]) / cell) + 1, 0.0, double(G)));
            low[k] = std::min(low[k], v);
            high[k] = std::max(high[k], v);
        }
        std::vector<double> below(G), d2(G);   // below[j]: the largest centre in intervals 0..j
        double run = -inf;
        for (std::size_t j = 0; j < G; ++j) below[j] = run = std::max(run, high[j]);
        run = inf;
        for (std::size_t j = G; j-- > 0;) {
            run = std::min(run, low[j + 1]);   // the smallest centre in intervals j + 1..G
            const double l = u[j] - below[j], r = run - u[j];
            d2[j] = std::min(l * l, r * r);
        }
        return d2;
    };
    const std::vector<double> row_d2 = nearest([](const Centre& p) { return p.x; });
    const std::vector<double> col_d2 = nearest([](const Centre& p) { return p.y; });

    constexpr std::size_t kBlock = 256, kRows = 4, kCols = 16;
    const std::size_t Gr = (G + kRows - 1) / kRows * kRows, Gc = (G + kCols - 1) / kCols * kCols;
    // Rows in bands, so a thread's float partial sums stay at most about 8 MB whatever G is.
    const std::size_t band = std::max(kRows, std::min(Gr, (std::size_t(1) << 20) / Gc / kRows * kRows));
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    // Grid lines padded past G with lines too far away to weigh anything (factor exp(-huge) = 0).
    const std::size_t lines = std::max(Gr + 8, Gc);
    std::vector<double> u_pad(lines, 1e30), row_pad(lines, 0.0), col_pad(lines, 0.0);
    std::copy(u.begin(), u.end(), u_pad.begin());
    std::copy(row_d2.begin(), row_d2.end(), row_pad.begin());
    std::copy(col_d2.begin(), col_d2.end(), col_pad.begin());
    std::vector<double> sum(G * G, 0.0);   // sum[j * G + k]: x index j, y index k
    std::mutex sum_mutex;
    for (std::size_t j0 = 0; j0 < Gr; j0 += band) {
        const std::size_t rows = std::min(band, Gr - j0), stride = (rows + 7) / 8 * 8;
        parallel_for(blocks, [&](std::size_t b0, std::size_t b1) {
            std::vector<float> ax(kBlock * stride), by(kBlock * Gc), arg(std::max(stride, Gc));
            std::vector<double> local(rows * Gc, 0.0);
            std::vector<F8> row_max(stride / 8), col_max(Gc / 8);   // the block's largest factor per 8 lines
            // One point's factors exp(-(d^2 - d_nearest^2) / 2 var) over `count` grid lines from `first`
            // (the exponent in double: at small t it is a difference of large numbers).
            auto factors = [&](double centre, const double* nearest_d2, std::size_t first, std::size_t count, float* out,
                               F8* largest) {
                const double* line = &u_pad[first];
                for (std::size_t j = 0; j < count; ++j) {
                    const double d = line[j] - centre;
                    arg[j] = float((nearest_d2[first + j] - d * d) * inv);
                }
                for (std::size_t j = 0; j < count; j += 8) {
                    F8 e;
                    __builtin_memcpy(&e, &arg[j], sizeof e);
                    const F8 f = exp_nonpositive8(e);
                    __builtin_memcpy(out + j, &f, sizeof f);
                    largest[j / 8] = largest[j / 8] > f ? largest[j / 8] : f;
                }
            };
            auto used = [](const std::vector<F8>& largest, std::size_t first, std::size_t count) {
                for (std::size_t j = first; j < first + count; ++j)
                    if (largest[j / 8][j % 8] > 0) return true;
                return false;
            };
            for (std::size_t b = b0; b < b1; ++b) {
                const std::size_t i0 = b * kBlock, count = std::min(kBlock, n - i0);
                std::fill(row_max.begin(), row_max.end(), F8{});
                std::fill(col_max.begin(), col_max.end(), F8{});
                for (std::size_t i = 0; i < count; ++i) {
                    factors(c[i0 + i].x, row_pad.data(), j0, stride, &ax[i * stride], row_max.data());
                    factors(c[i0 + i].y, col_pad.data(), 0, Gc, &by[i * Gc], col_max.data());
                }
                // Tiles of 4 rows x 16 columns: 8 accumulators in registers, each point's y factors loaded once.
                for (std::size_t j = 0; j < rows; j += kRows) {
                    if (!used(row_max, j, kRows)) continue;
                    for (std::size_t k = 0; k < Gc; k += kCols) {
                        if (!used(col_max, k, kCols)) continue;
                        F8 s00{}, s01{}, s10{}, s11{}, s20{}, s21{}, s30{}, s31{};
                        const float* a = &ax[j];
                        const float* y = &by[k];
                        for (std::size_t i = 0; i < count; ++i, a += stride, y += Gc) {
                            F8 y0, y1;
                            __builtin_memcpy(&y0, y, sizeof y0);
                            __builtin_memcpy(&y1, y + 8, sizeof y1);
                            const F8 a0 = splat(a[0]), a1 = splat(a[1]), a2 = splat(a[2]), a3 = splat(a[3]);
                            s00 = mul_add(a0, y0, s00), s01 = mul_add(a0, y1, s01);
                            s10 = mul_add(a1, y0, s10), s11 = mul_add(a1, y1, s11);
                            s20 = mul_add(a2, y0, s20), s21 = mul_add(a2, y1, s21);
                            s30 = mul_add(a3, y0, s30), s31 = mul_add(a3, y1, s31);
                        }
                        const F8 tile[kRows][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}};
                        for (std::size_t r = 0; r < kRows; ++r)
                            for (int l = 0; l < 8; ++l) {
                                local[(j + r) * Gc + k + std::size_t(l)] += double(tile[r][0][l]);
                                local[(j + r) * Gc + k + 8 + std::size_t(l)] += double(tile[r][1][l]);
                            }
                    }
                }
            }
            std::lock_guard lock(sum_mutex);
            for (std::size_t j = 0; j < rows && j0 + j < G; ++j)
                for (std::size_t k = 0; k < G; ++k) sum[(j0 + j) * G + k] += local[j * Gc + k];
        }, threads);
    }
    std::vector<double> out(G * G);
    const double log_norm = std::log(double(n)) + std::log(2 * kPi * var);
    for (std::size_t k = 0; k < G; ++k)
        for (std::size_t j = 0; j < G; ++j) {
            const double v = sum[j * G + k];
            out[k * G + j] = v > 0 ? std::exp(std::log(v) - (row_d2[j] + col_d2[k]) * inv - log_norm) : 0.0;
        }
    return out;
}

// --- reverse process -----------------------------------------------------------------------------

const char* sampler_name(Sampler sampler) { return sampler == Sampler::Ddpm ? "ddpm" : "ddim"; }

std::optional<Sampler> parse_sampler(std::string_view name) {
    if (name == "ddpm") return Sampler::Ddpm;
    if (name == "ddim") return Sampler::Ddim;
    return std::nullopt;
}

std::vector<int> sampling_timesteps(int T, int steps) {
    assert(T >= 1 && steps >= 1);
    steps = std::min(steps, T);
    std::vector<int> ts;
    for (int k = steps; k >= 0; --k) {
        const int t = int(std::lround(double(k) * T / steps));
        if (ts.empty() || t < ts.back()) ts.push_back(t);
    }
    return ts;
}

Result<std::vector<int>> reverse_timesteps(int T, const SamplingParams& sampling, int steps) {
    if (sampling.steps <= 0) return sampling_timesteps(T, steps);
    auto ts = ddpm::sampling_timesteps(T, sampling);
    if (!ts) return Error{ts.error()};
    std::vector<int> out = std::move(*ts);
    out.push_back(0);
    return out;
}

StepCoefs step_coefs(const Schedule& s, Sampler sampler, int t, int to) {
    assert(t >= 1 && t <= s.T() && to >= 0 && to < t);
    const auto T = std::size_t(t), S = std::size_t(to);
    if (sampler == Sampler::Ddpm) {
        if (to == t - 1) return {s.posterior_mean_coef_x0[T], s.posterior_mean_coef_xt[T], std::sqrt(s.posterior_variance[T])};
        // q(x_s | x_t, x0) for a jump: alpha_{t|s} = alpha_bar_t / alpha_bar_s.
        const double alpha_ts = s.alpha_bar[T] / s.alpha_bar[S], beta_ts = 1 - alpha_ts;
        const double one_m_t = s.sqrt_one_minus_alpha_bar[T] * s.sqrt_one_minus_alpha_bar[T];
        const double one_m_s = s.sqrt_one_minus_alpha_bar[S] * s.sqrt_one_minus_alpha_bar[S];
        return {s.sqrt_alpha_bar[S] * beta_ts / one_m_t, std::sqrt(alpha_ts) * one_m_s / one_m_t,
                std::sqrt(std::max(0.0, beta_ts * one_m_s / one_m_t))};
    }
    // DDIM, eta = 0: x_s = sqrt(ab_s) x0 + sqrt(1 - ab_s) eps_hat, eps_hat = (x_t - sqrt(ab_t) x0) / sqrt(1 - ab_t).
    const double r = s.sqrt_one_minus_alpha_bar[S] / s.sqrt_one_minus_alpha_bar[T];
    return {s.sqrt_alpha_bar[S] - r * s.sqrt_alpha_bar[T], r, 0};
}

Points reverse_start(int m, uint32_t seed) {
    Points x(std::size_t(std::max(0, m)));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const rng::Normal4 z = normals(seed, kReverseStream, i);
        x[i] = {z.v[0], z.v[1]};
    }
    return x;
}

// The data as the denoiser's inner loop reads it: eight points at a time, centres a c_j and the points
// c_j themselves, padded with points far enough away to weigh nothing.
struct DataLanes {
    std::vector<F8> ax, ay, cx, cy;
};

DataLanes data_lanes(const Points& data, double a) {
    DataLanes d;
    const std::size_t blocks = (data.size() + 7) / 8;
    for (auto* v : {&d.ax, &d.ay, &d.cx, &d.cy}) v->assign(blocks, F8{});
    for (std::size_t b = 0; b < blocks; ++b)
        for (int l = 0; l < 8; ++l) {
            const std::size_t j = b * 8 + std::size_t(l);
            const bool real = j < data.size();
            d.ax[b][l] = real ? float(a * data[j].x) : 1e18f;
            d.ay[b][l] = real ? float(a * data[j].y) : 1e18f;
            d.cx[b][l] = real ? data[j].x : 0.0f;
            d.cy[b][l] = real ? data[j].y : 0.0f;
        }
    return d;
}

// E[c | x_t] for the mixture's components c (what posterior() computes in double), in float lanes:
// squared distances first, then weights exp(-(d^2 - d_min^2) / 2 var) <= 1 (log-sum-exp: the nearest
// centre weighs 1), summed in float over 1024 points at a time and in double across them.
void mean_component(const DataLanes& d, double var, float x, float y, std::vector<float>& d2, double& cx, double& cy) {
    const std::size_t blocks = d.ax.size();
    d2.resize(blocks * 8);
    F8 vmin = splat(std::numeric_limits<float>::infinity());
    for (std::size_t b = 0; b < blocks; ++b) {
        const F8 dx = x - d.ax[b], dy = y - d.ay[b];
        const F8 e = mul_add(dx, dx, dy * dy);
        __builtin_memcpy(&d2[b * 8], &e, sizeof e);
        vmin = min8(vmin, e);
    }
    const F8 dmin = splat(horizontal_min(vmin)), scale = splat(float(-0.5 / var));
    double sum = 0, sx = 0, sy = 0;
    for (std::size_t b0 = 0; b0 < blocks; b0 += 128) {
        F8 w_sum{}, x_sum{}, y_sum{};
        for (std::size_t b = b0; b < std::min(blocks, b0 + 128); ++b) {
            F8 e;
            __builtin_memcpy(&e, &d2[b * 8], sizeof e);
            const F8 w = exp_nonpositive8((e - dmin) * scale);
            w_sum += w;
            x_sum = mul_add(w, d.cx[b], x_sum);
            y_sum = mul_add(w, d.cy[b], y_sum);
        }
        sum += horizontal_sum(w_sum);
        sx += horizontal_sum(x_sum);
        sy += horizontal_sum(y_sum);
    }
    cx = sx / sum;
    cy = sy / sum;
}

void reverse_step(const Points& data, double bandwidth, const Schedule& s, Sampler sampler, int t, int to, Points& x,
                  uint32_t seed, unsigned threads) {
    assert(!data.empty());
    const Marginal m = marginal(s, t, bandwidth);
    const StepCoefs c = step_coefs(s, sampler, t, to);
    const rng::Key key = rng::stream_key(seed, kReverseStream + uint32_t(t));
    const double var = m.variance(), h2 = bandwidth * bandwidth;
    assert(var > 0);
    const DataLanes lanes = data_lanes(data, m.a);
    parallel_for(x.size(), [&](std::size_t begin, std::size_t end) {
        std::vector<float> d2;
        for (std::size_t i = begin; i < end; ++i) {
            double cx, cy;
            mean_component(lanes, var, x[i].x, x[i].y, d2, cx, cy);
            // E[x0 | x_t] = E[c | x_t] b2 / var + (a h^2 / var) x_t (as posterior()).
            const double x0x = cx * m.b2 / var + m.a * h2 * x[i].x / var, x0y = cy * m.b2 / var + m.a * h2 * x[i].y / var;
            double nx = c.c0 * x0x + c.ct * x[i].x, ny = c.c0 * x0y + c.ct * x[i].y;
            if (c.sigma > 0) {
                const rng::Normal4 z = rng::normal4(key, i);
                nx += c.sigma * z.v[0];
                ny += c.sigma * z.v[1];
            }
            x[i] = {float(nx), float(ny)};
        }
    }, threads);
}

ReversePath reverse(const Points& data, double bandwidth, const Schedule& s, Sampler sampler,
                    const std::vector<int>& timesteps, int m, uint32_t seed, unsigned threads) {
    assert(!timesteps.empty() && timesteps.back() == 0);
    ReversePath out;
    out.timesteps = timesteps;
    out.path.reserve(timesteps.size());
    out.path.push_back(reverse_start(m, seed));
    for (std::size_t k = 1; k < timesteps.size(); ++k) {
        Points x = out.path.back();
        reverse_step(data, bandwidth, s, sampler, timesteps[k - 1], timesteps[k], x, seed, threads);
        out.path.push_back(std::move(x));
    }
    return out;
}

// --- 1D ------------------------------------------------------------------------------------------

std::optional<Preset1> parse_preset1(std::string_view name) {
    for (const auto& p : kPresets1)
        if (name == p.name) return p.preset;
    return std::nullopt;
}

Density1 make_preset1(Preset1 preset) {
    Density1 d;
    switch (preset) {
        case Preset1::Gaussians2: d.mean = {-1.5, 1.5}, d.variance = {0.04, 0.04}, d.weight = {0.5, 0.5}; break;
        case Preset1::Gaussians3: d.mean = {-2, 0.5, 2}, d.variance = {0.0225, 0.09, 0.01}, d.weight = {0.3, 0.5, 0.2}; break;
        case Preset1::Uniform: d.uniform = true, d.lo = -1.5, d.hi = 1.5; break;
    }
    return d;
}

Density1 pixel_density(const Image& image, int channel) {
    assert(channel >= 0 && channel < 3);
    std::array<double, 256> count{};
    const std::size_t pixels = image.size() / 3;
    for (std::size_t p = 0; p < pixels; ++p) count[to_u8(image.data[3 * p + std::size_t(channel)])] += 1;
    Density1 d;
    for (int v = 0; v < 256; ++v)
        if (count[std::size_t(v)] > 0) {
            d.mean.push_back(from_u8(uint8_t(v)));
            d.variance.push_back(0);
            d.weight.push_back(count[std::size_t(v)] / double(pixels));
        }
    return d;
}

Posterior1 posterior1(const Density1& d, double a, double b2, double x) {
    Posterior1 p;
    if (d.uniform) {
        const double width = d.hi - d.lo;
        if (a <= 0) {   // x_t = noise alone
            p.log_density = -0.5 * x * x / b2 - 0.5 * std::log(2 * kPi * b2);
            p.score = -x / b2;
            p.x0 = 0.5 * (d.lo + d.hi);
            return p;
        }
        assert(b2 > 0);
        const double b = std::sqrt(b2), hp = (x - a * d.lo) / b, hq = (x - a * d.hi) / b;   // hp > hq
        // P = Phi(hp) - Phi(hq), from the side where it does not cancel.
        const double P = hq > 0 ? 0.5 * (std::erfc(hq / std::numbers::sqrt2) - std::erfc(hp / std::numbers::sqrt2))
                                : 0.5 * (std::erfc(-hp / std::numbers::sqrt2) - std::erfc(-hq / std::numbers::sqrt2));
        const double inv_sqrt_2pi = 0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2;
        if (P > 1e-300) {
            p.log_density = std::log(P) - std::log(a * width);
            p.score = (std::exp(-0.5 * hp * hp) - std::exp(-0.5 * hq * hq)) * inv_sqrt_2pi / (b * P);
        } else {   // far tails: Mills ratio, the score of the nearer edge's Gaussian tail
            const double h = hq > 0 ? hq : hp;
            p.log_density = -0.5 * h * h - std::log(std::abs(h) * std::sqrt(2 * kPi)) - std::log(a * width);
            p.score = -h / b;
        }
        p.x0 = (x + b2 * p.score) / a;   // Tweedie
        return p;
    }
    const std::size_t n = d.mean.size();
    assert(n > 0);
    double emax = -std::numeric_limits<double>::infinity();
    auto log_term = [&](std::size_t j, double& var) {
        var = b2 + a * a * d.variance[j];
        const double e = x - a * d.mean[j];
        return std::log(d.weight[j]) - 0.5 * std::log(2 * kPi * var) - 0.5 * e * e / var;
    };
    for (std::size_t j = 0; j < n; ++j) {
        double var;
        if (d.weight[j] > 0) emax = std::max(emax, log_term(j, var));
    }
    double sum = 0, score = 0, x0 = 0;
    for (std::size_t j = 0; j < n; ++j) {
        if (d.weight[j] <= 0) continue;
        double var;
        const double w = std::exp(log_term(j, var) - emax);
        sum += w;
        score += w * (a * d.mean[j] - x) / var;
        x0 += w * (d.mean[j] + a * d.variance[j] * (x - a * d.mean[j]) / var);
    }
    p.log_density = emax + std::log(sum);
    p.score = score / sum;
    p.x0 = x0 / sum;
    return p;
}

std::vector<double> sample1(const Density1& d, int n, uint32_t seed) {
    std::vector<double> out(std::size_t(std::max(0, n)));
    const rng::Key key = rng::stream_key(seed, kDataStream + 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double u = uniform(rng::bits(key, i)[0]);
        if (d.uniform) {
            out[i] = d.lo + u * (d.hi - d.lo);
            continue;
        }
        std::size_t j = 0;
        for (double c = d.weight[0]; j + 1 < d.weight.size() && u >= c; c += d.weight[++j]) {}
        out[i] = d.mean[j] + std::sqrt(d.variance[j]) * double(normals(seed, kDataStream + 5, i).v[0]);
    }
    return out;
}

std::vector<std::vector<double>> chain_paths1(const Density1& d, const Schedule& s, int n, uint32_t seed) {
    const std::vector<double> x0 = sample1(d, n, seed);
    std::vector<std::vector<double>> paths(x0.size(), std::vector<double>(std::size_t(s.T() + 1)));
    for (std::size_t i = 0; i < x0.size(); ++i) {
        double x = x0[i];
        paths[i][0] = x;
        for (int t = 1; t <= s.T(); ++t) {
            x = std::sqrt(s.alpha[std::size_t(t)]) * x + std::sqrt(s.beta[std::size_t(t)]) * double(normals(seed, uint32_t(t), i).v[0]);
            paths[i][std::size_t(t)] = x;
        }
    }
    return paths;
}

std::vector<std::vector<double>> reverse_paths1(const Density1& d, const Schedule& s, Sampler sampler,
                                                const std::vector<int>& timesteps, int n, uint32_t seed) {
    std::vector<std::vector<double>> paths(std::size_t(std::max(0, n)));
    for (std::size_t i = 0; i < paths.size(); ++i) {
        double x = double(normals(seed, kReverseStream, i).v[0]);
        paths[i].push_back(x);
        for (std::size_t k = 1; k < timesteps.size(); ++k) {
            const int t = timesteps[k - 1], to = timesteps[k];
            const double b = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
            const Posterior1 p = posterior1(d, s.sqrt_alpha_bar[std::size_t(t)], b * b, x);
            const StepCoefs c = step_coefs(s, sampler, t, to);
            x = c.c0 * p.x0 + c.ct * x;
            if (c.sigma > 0) x += c.sigma * double(normals(seed, kReverseStream + uint32_t(t), i).v[0]);
            paths[i].push_back(x);
        }
    }
    return paths;
}

std::vector<double> ribbon(const Density1& d, const Schedule& s, int width, int height, double lo, double hi,
                           unsigned threads) {
    assert(width > 0 && height > 0 && hi > lo);
    std::vector<double> out(std::size_t(width) * std::size_t(height));
    const double cell = (hi - lo) / height;
    parallel_for(std::size_t(width), [&](std::size_t begin, std::size_t end) {
        std::vector<double> cdf(std::size_t(height) + 1);
        for (std::size_t c = begin; c < end; ++c) {
            const int t = width == 1 ? s.T() : int(std::lround(double(c) * s.T() / (width - 1)));
            const double a = s.sqrt_alpha_bar[std::size_t(t)], b = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
            if (d.uniform) {
                for (int r = 0; r < height; ++r) {
                    const double x = hi - (r + 0.5) * cell;
                    double v;
                    if (b == 0) v = (x >= a * d.lo && x <= a * d.hi) ? 1 / (a * (d.hi - d.lo)) : 0;
                    else v = std::exp(posterior1(d, a, b * b, x).log_density);
                    out[std::size_t(r) * std::size_t(width) + c] = v;
                }
                continue;
            }
            // The probability of each row's interval over its height: exact for atoms at t = 0 too.
            std::fill(cdf.begin(), cdf.end(), 0.0);   // cdf[r] = P(x_t > hi - r * cell)
            for (std::size_t j = 0; j < d.mean.size(); ++j) {
                const double sd = std::sqrt(b * b + a * a * d.variance[j]), mu = a * d.mean[j];
                for (int r = 0; r <= height; ++r) {
                    const double edge = hi - r * cell;
                    double above;
                    if (sd == 0 || std::abs(edge - mu) > 12 * sd) above = edge < mu ? 1 : 0;
                    else above = 1 - phi_cdf((edge - mu) / sd);
                    cdf[std::size_t(r)] += d.weight[j] * above;
                }
            }
            for (int r = 0; r < height; ++r)
                out[std::size_t(r) * std::size_t(width) + c] = std::max(0.0, cdf[std::size_t(r) + 1] - cdf[std::size_t(r)]) / cell;
        }
    }, threads);
    return out;
}

// --- pictures ------------------------------------------------------------------------------------

namespace {

uint32_t pack(double r, double g, double b) {
    auto c = [](double v) { return uint32_t(std::clamp(int(std::lround(v * 255)), 0, 255)); };
    return c(r) | (c(g) << 8) | (c(b) << 16);
}

uint32_t hsv(double h, double s, double v) {
    h = (h - std::floor(h)) * 6;
    const int i = int(h) % 6;
    const double f = h - std::floor(h), p = v * (1 - s), q = v * (1 - s * f), u = v * (1 - s * (1 - f));
    switch (i) {
        case 0: return pack(v, u, p);
        case 1: return pack(q, v, p);
        case 2: return pack(p, v, u);
        case 3: return pack(p, q, v);
        case 4: return pack(u, p, v);
        default: return pack(v, p, q);
    }
}

void put(Rgb8& img, int x, int y, const uint8_t c[3], float alpha = 1) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
    for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::lround(p[k] + alpha * (c[k] - p[k])));
}

void line(Rgb8& img, double x0, double y0, double x1, double y1, const uint8_t c[3], float alpha) {
    const int steps = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
    for (int k = 0; k <= steps; ++k) {
        const double f = double(k) / steps;
        put(img, int(std::lround(x0 + f * (x1 - x0))), int(std::lround(y0 + f * (y1 - y0))), c, alpha);
    }
}

void circle(Rgb8& img, double cx, double cy, double r, const uint8_t c[3]) {
    const int steps = std::max(16, int(2 * kPi * r));
    for (int k = 0; k < steps; ++k) {
        const double th0 = 2 * kPi * k / steps, th1 = 2 * kPi * (k + 1) / steps;
        line(img, cx + r * std::cos(th0), cy + r * std::sin(th0), cx + r * std::cos(th1), cy + r * std::sin(th1), c, 0.8f);
    }
}

}  // namespace

std::vector<uint32_t> start_colors(const Points& x0) {
    std::vector<uint32_t> out(x0.size());
    if (x0.empty()) return out;
    double mx = 0, my = 0;
    for (const Point& p : x0) mx += p.x, my += p.y;
    mx /= double(x0.size());
    my /= double(x0.size());
    double rmax = 1e-9;
    for (const Point& p : x0) rmax = std::max(rmax, std::hypot(p.x - mx, p.y - my));
    for (std::size_t i = 0; i < x0.size(); ++i) {
        const double dx = x0[i].x - mx, dy = x0[i].y - my;
        out[i] = hsv(std::atan2(dy, dx) / (2 * kPi) + 0.5, 0.75, 0.55 + 0.45 * std::hypot(dx, dy) / rmax);
    }
    return out;
}

std::array<uint8_t, 3> heat_color(double relative) {
    // Five stops of a dark-to-yellow ramp (after matplotlib's inferno), on sqrt(relative) so the tails show.
    static constexpr double stops[5][3] = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};
    const double v = std::sqrt(std::clamp(relative, 0.0, 1.0)) * 4;
    const int k = std::min(3, int(v));
    const double f = v - k;
    std::array<uint8_t, 3> c;
    for (int i = 0; i < 3; ++i) c[std::size_t(i)] = uint8_t(std::lround(stops[k][i] + f * (stops[k + 1][i] - stops[k][i])));
    return c;
}

Rgb8 render_scene(const Points& x, const std::vector<uint32_t>& colors, const SceneOptions& o) {
    assert(o.size > 0 && o.hi > o.lo);
    Rgb8 img{o.size, o.size, std::vector<uint8_t>(std::size_t(o.size) * std::size_t(o.size) * 3)};
    const double scale = o.size / (o.hi - o.lo);
    // Background: the heat map (nearest cell), else the window's dark grey.
    double dmax = 0;
    if (o.density)
        for (double v : *o.density) dmax = std::max(dmax, v);
    for (int py = 0; py < o.size; ++py)
        for (int px = 0; px < o.size; ++px) {
            std::array<uint8_t, 3> c{20, 20, 23};
            if (o.density && o.density_g > 0 && dmax > 0) {
                const int gx = std::min(o.density_g - 1, px * o.density_g / o.size);
                const int gy = std::min(o.density_g - 1, (o.size - 1 - py) * o.density_g / o.size);   // grid row 0 at y = lo
                c = heat_color((*o.density)[std::size_t(gy) * std::size_t(o.density_g) + std::size_t(gx)] / dmax);
                for (auto& v : c) v = uint8_t(v * 0.6);   // dimmed, so the points stay visible over it
            }
            std::copy(c.begin(), c.end(), &img.pixels[(std::size_t(py) * std::size_t(o.size) + std::size_t(px)) * 3]);
        }
    const double ox = -o.lo * scale, oy = o.hi * scale;   // screen position of (0, 0)
    const uint8_t grey[3] = {150, 150, 160};
    circle(img, ox, oy, scale, grey);
    circle(img, ox, oy, 2 * scale, grey);
    const int r = std::max(0, int(std::ceil(o.point_radius)) - 1);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const uint32_t c = i < colors.size() ? colors[i] : 0xffffffu;
        const uint8_t rgb[3] = {uint8_t(c), uint8_t(c >> 8), uint8_t(c >> 16)};
        const int px = int(std::floor((x[i].x - o.lo) * scale)), py = int(std::floor((o.hi - x[i].y) * scale));
        for (int dy = -r; dy <= r; ++dy)
            for (int dx = -r; dx <= r; ++dx) put(img, px + dx, py + dy, rgb, 0.85f);
    }
    const uint8_t white[3] = {235, 235, 235};
    if (!o.label.empty()) draw_text(img, 8, 8, o.label, 2, white);
    return img;
}

void splat_points(const Points& x0, const Points* eps, float signal, float noise, const std::vector<uint32_t>& colors,
                  double lo, double hi, int size, Splat& canvas) {
    assert(canvas.width > 0 && canvas.height > 0 && hi > lo && size >= 1);
    const std::size_t pixels = std::size_t(canvas.width) * std::size_t(canvas.height);
    if (canvas.rgba.size() != pixels * 4) {
        canvas.rgba.assign(pixels * 4, 0);
        canvas.touched.clear();
    }
    for (uint32_t p : canvas.touched) std::fill_n(&canvas.rgba[std::size_t(p) * 4], 4, uint8_t(0));
    canvas.touched.clear();
    const float sx = float(canvas.width / (hi - lo)), sy = float(canvas.height / (hi - lo));
    const float half = 0.5f * float(size) - 0.5f;
    for (std::size_t i = 0; i < x0.size(); ++i) {
        float x = x0[i].x, y = x0[i].y;
        if (eps) x = signal * x + noise * (*eps)[i].x, y = signal * y + noise * (*eps)[i].y;
        else x *= signal, y *= signal;
        const float px = (x - float(lo)) * sx, py = (float(hi) - y) * sy;
        if (!(px > -float(size) && py > -float(size) && px < float(canvas.width + size) && py < float(canvas.height + size))) continue;
        const int cx0 = int(std::floor(px - half)), cy0 = int(std::floor(py - half));
        const uint32_t c = i < colors.size() ? colors[i] : 0xffffffffu;
        const uint32_t a = c >> 24;
        for (int yy = std::max(0, cy0); yy < std::min(canvas.height, cy0 + size); ++yy)
            for (int xx = std::max(0, cx0); xx < std::min(canvas.width, cx0 + size); ++xx) {
                const uint32_t idx = uint32_t(yy) * uint32_t(canvas.width) + uint32_t(xx);
                uint8_t* d = &canvas.rgba[std::size_t(idx) * 4];
                if (d[3] == 0) canvas.touched.push_back(idx);
                // src over dst, straight alpha: A = a + A (1 - a), C = (c a + C A (1 - a)) / A.
                const uint32_t da = d[3], keep = (da * (255 - a) + 127) / 255, oa = a + keep;
                if (oa == 0) continue;
                for (int k = 0; k < 3; ++k) {
                    const uint32_t sc = (c >> (8 * k)) & 255;
                    d[k] = uint8_t((sc * a + d[k] * keep + oa / 2) / oa);
                }
                d[3] = uint8_t(oa);
            }
    }
}

Rgb8 render_ribbon(const Density1& d, const Schedule& s, const RibbonPicture& pic, unsigned threads) {
    const int margin_left = 56, margin_bottom = 28, margin_top = 8, margin_right = 12;
    const int w = std::max(8, pic.width - margin_left - margin_right), h = std::max(8, pic.height - margin_top - margin_bottom);
    Rgb8 img{pic.width, pic.height, std::vector<uint8_t>(std::size_t(pic.width) * std::size_t(pic.height) * 3, 255)};
    const std::vector<double> q = ribbon(d, s, w, h, pic.lo, pic.hi, threads);
    // Each column relative to its own maximum: the shape at every t, from atoms at t = 0 to N(0, 1).
    for (int c = 0; c < w; ++c) {
        double m = 0;
        for (int r = 0; r < h; ++r) m = std::max(m, q[std::size_t(r) * std::size_t(w) + std::size_t(c)]);
        for (int r = 0; r < h; ++r) {
            const auto col = heat_color(m > 0 ? q[std::size_t(r) * std::size_t(w) + std::size_t(c)] / m : 0);
            put(img, margin_left + c, margin_top + r, col.data());
        }
    }
    const int T = s.T();
    auto sx = [&](double t) { return margin_left + t * (w - 1) / std::max(1, T); };
    auto sy = [&](double x) { return margin_top + (pic.hi - x) / (pic.hi - pic.lo) * h; };
    const uint8_t chain_c[3] = {255, 255, 255}, rev_c[3] = {80, 220, 255};
    for (const auto& path : pic.chain) {
        const int stride = std::max(1, T / (2 * w));
        for (int t = stride; t <= T; t += stride)
            line(img, sx(t - stride), sy(path[std::size_t(t - stride)]), sx(t), sy(path[std::size_t(t)]), chain_c, 0.7f);
    }
    for (const auto& path : pic.reverse)
        for (std::size_t k = 1; k < path.size() && k < pic.reverse_timesteps.size(); ++k)
            line(img, sx(pic.reverse_timesteps[k - 1]), sy(path[k - 1]), sx(pic.reverse_timesteps[k]), sy(path[k]), rev_c, 0.85f);
    const uint8_t ink[3] = {20, 20, 20};
    for (double x : {pic.lo, 0.5 * (pic.lo + pic.hi), pic.hi}) {
        const std::string label = number(x);
        draw_text(img, margin_left - 6 - text_width(label, 1), int(std::clamp(sy(x), double(margin_top), double(margin_top + h - 8))) - 3,
                  label, 1, ink);
    }
    draw_text(img, margin_left, margin_top + h + 8, "t = 0", 1, ink);
    const std::string tT = "t = " + std::to_string(T);
    draw_text(img, margin_left + w - text_width(tT, 1), margin_top + h + 8, tT, 1, ink);
    const char* caption = "q(x_t), each column scaled to its maximum";
    draw_text(img, margin_left + (w - text_width(caption, 1)) / 2, margin_top + h + 8, caption, 1, ink);
    return img;
}

}  // namespace ddpm::toy
