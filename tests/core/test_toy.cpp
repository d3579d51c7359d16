// Toy distributions: forward marginals of points, the exact mixture density, its score and denoiser,
// and the reverse process with the exact score, each against an independent formula written here.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "ddpm/rng.h"
#include "ddpm/toy.h"

using namespace ddpm;
using namespace ddpm::toy;

namespace {

Schedule linear(int T = 1000) {
    ScheduleParams p;
    p.T = T;
    return *make_schedule(p);
}

struct Moments {
    double mx = 0, my = 0, vx = 0, vy = 0;
};
Moments moments(const Points& x) {
    Moments m;
    const double n = double(x.size());
    for (const Point& p : x) m.mx += p.x, m.my += p.y;
    m.mx /= n;
    m.my /= n;
    for (const Point& p : x) m.vx += (p.x - m.mx) * (p.x - m.mx), m.vy += (p.y - m.my) * (p.y - m.my);
    m.vx /= n - 1;
    m.vy /= n - 1;
    return m;
}

// Kolmogorov-Smirnov distance of v (standardised by mean, sd) from N(0, 1).
double ks_normal(std::vector<double> v, double mean, double sd) {
    for (double& x : v) x = (x - mean) / sd;
    std::sort(v.begin(), v.end());
    double d = 0;
    const double n = double(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double F = 0.5 * std::erfc(-v[i] / std::sqrt(2.0));
        d = std::max({d, std::abs(F - double(i) / n), std::abs(F - double(i + 1) / n)});
    }
    return d;
}

// 5-sigma checks of the mean and variance of n Gaussian values, and KS at the 0.1% level (1.95 / sqrt(n)).
void check_gaussian(const Points& x, double mx, double my, double var) {
    const Moments m = moments(x);
    const double n = double(x.size());
    INFO("mean (" << m.mx << ", " << m.my << ") vs (" << mx << ", " << my << "), var " << m.vx << ", " << m.vy << " vs " << var);
    CHECK(std::abs(m.mx - mx) < 5 * std::sqrt(var / n));
    CHECK(std::abs(m.my - my) < 5 * std::sqrt(var / n));
    CHECK(std::abs(m.vx - var) < 5 * var * std::sqrt(2 / n));
    CHECK(std::abs(m.vy - var) < 5 * var * std::sqrt(2 / n));
    std::vector<double> xs, ys;
    for (const Point& p : x) xs.push_back(p.x), ys.push_back(p.y);
    CHECK(ks_normal(xs, mx, std::sqrt(var)) < 1.95 / std::sqrt(n));
    CHECK(ks_normal(ys, my, std::sqrt(var)) < 1.95 / std::sqrt(n));
}

// The mixture density written out directly: (1/N) sum_j N(x; a c_j, s^2 I).
double direct_density(const Points& data, double a, double s2, double x, double y) {
    double sum = 0;
    for (const Point& c : data) {
        const double dx = x - a * c.x, dy = y - a * c.y;
        sum += std::exp(-(dx * dx + dy * dy) / (2 * s2)) / (2 * std::numbers::pi * s2);
    }
    return sum / double(data.size());
}

}  // namespace

TEST_CASE("toy: the closed form gives every point the marginal N(a x0, (1 - alpha_bar) I)", "[toy]") {
    const Schedule s = linear();
    const Points x0(20000, Point{1.0f, -0.5f});
    for (int t : {10, 200, 1000}) {
        Points xt;
        forward_closed(x0, s, t, 7, xt);
        const double a = s.sqrt_alpha_bar[std::size_t(t)], b = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
        INFO("t = " << t);
        check_gaussian(xt, a * 1.0, a * -0.5, b * b);
    }
    Points same;
    forward_closed(x0, s, 0, 7, same);
    CHECK(same == x0);
}

TEST_CASE("toy: the chain run step by step has the same marginal as the closed form", "[toy]") {
    const Schedule s = linear();
    const Points x0(20000, Point{1.0f, -0.5f});
    ChainCache chain;
    for (int t : {10, 200, 1000}) {
        const Points& xt = chain.at(x0, s, 3, t);
        const double a = s.sqrt_alpha_bar[std::size_t(t)], b = s.sqrt_one_minus_alpha_bar[std::size_t(t)];
        INFO("t = " << t);
        check_gaussian(xt, a * 1.0, a * -0.5, b * b);
    }
}

TEST_CASE("toy: the chain's covariance over t is sqrt(alpha_bar_t / alpha_bar_s) (1 - alpha_bar_s)", "[toy]") {
    const Schedule s = linear();
    const Points x0(40000, Point{0.0f, 0.0f});
    ChainCache chain;
    for (auto [ts, tt] : {std::pair{50, 60}, std::pair{100, 300}, std::pair{300, 900}}) {
        const Points xs = chain.at(x0, s, 11, ts);
        const Points xt = chain.at(x0, s, 11, tt);
        double cov = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) cov += double(xs[i].x) * xt[i].x + double(xs[i].y) * xt[i].y;
        cov /= 2.0 * double(xs.size());
        const double ab_s = s.alpha_bar[std::size_t(ts)], ab_t = s.alpha_bar[std::size_t(tt)];
        const double expected = std::sqrt(ab_t / ab_s) * (1 - ab_s);
        // Standard error of the mean of products of two unit-ish normals: sqrt((v_s v_t + c^2) / (2n)).
        const double se = std::sqrt(((1 - ab_s) * (1 - ab_t) + expected * expected) / (2.0 * double(xs.size())));
        INFO("s = " << ts << ", t = " << tt << ": cov " << cov << " vs " << expected);
        CHECK(std::abs(cov - expected) < 5 * se);
    }
    // The closed form's x_s and x_t share eps: their covariance is sqrt(1 - ab_s) sqrt(1 - ab_t), not the chain's.
    Points cs, ct;
    forward_closed(x0, s, 100, 11, cs);
    forward_closed(x0, s, 300, 11, ct);
    CHECK(cs[5].x / s.sqrt_one_minus_alpha_bar[100] == Approx(ct[5].x / s.sqrt_one_minus_alpha_bar[300]).epsilon(1e-5));
}

TEST_CASE("toy: the chain cache gives the same points as stepping from x0, however t is scrubbed", "[toy]") {
    ScheduleParams p;
    p.T = 300;
    const Schedule s = *make_schedule(p);
    const Points x0 = make_preset(Preset::Moons, 500, 1);
    std::vector<Points> direct{x0};
    for (int t = 1; t <= s.T(); ++t) {
        Points x = direct.back();
        chain_step(x, s, t, 5, 1);
        direct.push_back(x);
    }
    ChainCache chain;
    for (int t : {300, 17, 18, 250, 0, 299, 1, 150, 150})
        CHECK(chain.at(x0, s, 5, t) == direct[std::size_t(t)]);
    // A new seed or data set is noticed.
    CHECK(chain.at(x0, s, 6, 17) != direct[17]);
    Points other = x0;
    other[0].x += 1;
    CHECK(chain.at(other, s, 5, 0) == other);
}

TEST_CASE("toy: a large chain keeps checkpoints within its budget", "[toy]") {
    ScheduleParams p;
    p.T = 20000;
    const Schedule s = *make_schedule(p);
    ChainCache chain;
    const Points x0(1000, Point{1, 1});
    chain.at(x0, s, 1, 20000, 2);
    CHECK(chain.stride() > 1);
    CHECK(chain.cached_points() <= (std::size_t(1) << 22) + x0.size());
}

TEST_CASE("toy: the mixture density equals the direct sum and integrates to 1", "[toy]") {
    const Schedule s = linear();
    const Points data{{-1, 0.5f}, {1, 1}, {0.25f, -1.5f}, {2, -2}, {-1, 0.5f}};
    for (double h : {0.0, 0.3})
        for (int t : {5, 50, 400, 1000}) {
            const Marginal m = marginal(s, t, h);
            const double s2 = m.b2 + m.a * m.a * h * h;
            INFO("t = " << t << ", h = " << h);
            for (auto [x, y] : {std::pair{0.0, 0.0}, std::pair{-1.0, 0.5}, std::pair{1.7, -0.3}})
                CHECK(std::exp(log_density(data, m, x, y)) == Approx(direct_density(data, m.a, s2, x, y)).epsilon(1e-9).margin(1e-300));
            const int g = 600;
            const double lo = -8, hi = 8, cell = (hi - lo) / g;
            const auto grid = density_grid(data, m, g, lo, hi, 2);
            double total = 0;
            for (double v : grid) total += v * cell * cell;
            // Midpoint rule on Gaussians at least 3 cells wide (t = 5: sd 0.035 per 0.027 cell is the hardest).
            CHECK(total == Approx(1).epsilon(t == 5 ? 2e-3 : 1e-6));
        }
}

TEST_CASE("toy: the density grid counts every data point, from t = 1 to T and at any grid size", "[toy]") {
    // 3000 moons points (more than any block or strip), on grids that are and are not multiples of 16,
    // against the direct double sum at every cell: relative 1e-5 where the cell holds at least 1e-12 of
    // the grid's largest value (below that float's range of the scaled factors decides), else absolute.
    const Schedule s = linear();
    const Points data = make_preset(Preset::Moons, 3000, 8);
    for (double h : {0.0, 0.25})
        for (int t : {1, 10, 100, 600, 1000})
            for (int g : {37, 64}) {
                const Marginal m = marginal(s, t, h);
                const double s2 = m.variance(), lo = -3, hi = 3.5, cell = (hi - lo) / g;
                const auto grid = density_grid(data, m, g, lo, hi, 2);
                REQUIRE(grid.size() == std::size_t(g) * std::size_t(g));
                std::vector<double> direct(grid.size());
                double dmax = 0;
                for (int r = 0; r < g; ++r)
                    for (int c = 0; c < g; ++c) {
                        const double v = direct_density(data, m.a, s2, lo + (c + 0.5) * cell, lo + (r + 0.5) * cell);
                        direct[std::size_t(r) * std::size_t(g) + std::size_t(c)] = v;
                        dmax = std::max(dmax, v);
                    }
                INFO("t = " << t << ", h = " << h << ", g = " << g);
                REQUIRE(dmax > 0);
                int bad = 0;
                for (std::size_t k = 0; k < grid.size(); ++k) {
                    const bool ok = direct[k] > 1e-12 * dmax ? std::abs(grid[k] - direct[k]) <= 1e-5 * direct[k]
                                                            : std::abs(grid[k] - direct[k]) <= 1e-12 * dmax;
                    bad += !ok;
                    if (!ok && bad < 4) WARN("cell " << k << ": " << grid[k] << " vs direct " << direct[k]);
                }
                CHECK(bad == 0);
            }
}

TEST_CASE("toy: the density grid stays finite and peaks on the data at t = 1, where plain exps underflow", "[toy]") {
    // sd 0.01 and 1 / (2 pi var) = 1592: the factors are scaled to their row's and column's nearest
    // point, so nothing overflows and the cells on the points are exact.
    const Schedule s = linear();
    const Points data{{-1, 0}, {1, 0}};
    const Marginal m = marginal(s, 1, 0);
    const int g = 5;
    const auto grid = density_grid(data, m, g, -2.5, 2.5, 1);   // cell centres -2, -1, 0, 1, 2
    for (double v : grid) CHECK(std::isfinite(v));
    // The cells at (-1, 0) and (1, 0) hold the points: density 0.5 / (2 pi var) at a = sqrt(1 - 1e-4).
    const double a = m.a, var = m.variance();
    const double at_point = 0.5 * std::exp(-(1 - a) * (1 - a) / (2 * var)) / (2 * std::numbers::pi * var);
    CHECK(grid[2 * g + 1] == Approx(at_point).epsilon(1e-5));
    CHECK(grid[2 * g + 3] == Approx(at_point).epsilon(1e-5));
    CHECK(grid[0] == 0.0);   // exp(-(1 + 4) / 2e-4) is below double's range
}

TEST_CASE("toy: the reverse step's float denoiser agrees with the double posterior", "[toy]") {
    // One DDIM step from t to t - 1 is c0 E[x0 | x_t] + ct x_t; compare with posterior() in double.
    const Schedule s = linear();
    const Points data = make_preset(Preset::Gaussians8, 1001, 5);   // not a multiple of 8
    for (double h : {0.0, 0.3})
        for (int t : {2, 30, 300, 1000}) {
            Points x = reverse_start(64, 7);
            for (Point& p : x) p.x *= 1.5f, p.y *= 1.5f;
            const Points before = x;
            reverse_step(data, h, s, Sampler::Ddim, t, t - 1, x, 1, 2);
            const StepCoefs c = step_coefs(s, Sampler::Ddim, t, t - 1);
            const Marginal m = marginal(s, t, h);
            INFO("t = " << t << ", h = " << h);
            for (std::size_t i = 0; i < x.size(); ++i) {
                const Posterior p = posterior(data, m, before[i].x, before[i].y);
                CHECK(x[i].x == Approx(c.c0 * p.x0_x + c.ct * before[i].x).margin(2e-5));
                CHECK(x[i].y == Approx(c.c0 * p.x0_y + c.ct * before[i].y).margin(2e-5));
            }
        }
}

TEST_CASE("toy: the score is the gradient of the log density and the denoiser is Tweedie's", "[toy]") {
    const Schedule s = linear();
    const Points data = make_preset(Preset::Gaussians8, 200, 3);
    const double e = 1e-5;
    for (double h : {0.0, 0.2})
        for (int t : {20, 150, 700}) {
            const Marginal m = marginal(s, t, h);
            for (auto [x, y] : {std::pair{0.1, 0.2}, std::pair{1.5, 1.3}, std::pair{-2.5, 0.4}}) {
                const Posterior p = posterior(data, m, x, y);
                const double gx = (log_density(data, m, x + e, y) - log_density(data, m, x - e, y)) / (2 * e);
                const double gy = (log_density(data, m, x, y + e) - log_density(data, m, x, y - e)) / (2 * e);
                INFO("t = " << t << ", h = " << h << " at (" << x << ", " << y << ")");
                CHECK(p.score_x == Approx(gx).epsilon(1e-5).margin(1e-6));
                CHECK(p.score_y == Approx(gy).epsilon(1e-5).margin(1e-6));
                // Tweedie: E[x0 | x_t] = (x_t + (1 - alpha_bar) score) / sqrt(alpha_bar).
                CHECK(p.x0_x == Approx((x + m.b2 * p.score_x) / m.a).epsilon(1e-9));
                CHECK(p.x0_y == Approx((y + m.b2 * p.score_y) / m.a).epsilon(1e-9));
            }
        }
}

TEST_CASE("toy: log-sum-exp keeps the density, score and denoiser finite far from the data at t = 1", "[toy]") {
    const Schedule s = linear();
    const Points data{{-1, 0}, {1, 0}};
    const Marginal m = marginal(s, 1, 0);   // variance 1e-4: plain exp(-d / 2 var) underflows to 0 here
    const Posterior p = posterior(data, m, 40, 3);
    CHECK(std::isfinite(p.log_density));
    CHECK(p.log_density < -1e6);
    CHECK(std::isfinite(p.score_x));
    CHECK(p.x0_x == Approx(1).margin(1e-12));   // all weight on the nearer point
    CHECK(p.x0_y == Approx(0).margin(1e-12));
}

TEST_CASE("toy: step coefficients for one step are the schedule's posterior columns", "[toy]") {
    const Schedule s = linear();
    for (int t : {1, 2, 500, 1000}) {
        // The general jump t -> s written from alpha_bar (Ho et al. eq. 7 with alpha_{t|s}), at s = t - 1.
        const double ab_t = s.alpha_bar[std::size_t(t)], ab_s = s.alpha_bar[std::size_t(t - 1)];
        const double beta = 1 - ab_t / ab_s;
        const StepCoefs c = step_coefs(s, Sampler::Ddpm, t, t - 1);
        CHECK(c.c0 == Approx(std::sqrt(ab_s) * beta / (1 - ab_t)).epsilon(1e-9));
        CHECK(c.ct == Approx(std::sqrt(ab_t / ab_s) * (1 - ab_s) / (1 - ab_t)).epsilon(1e-9));
        CHECK(c.sigma * c.sigma == Approx(beta * (1 - ab_s) / (1 - ab_t)).epsilon(1e-9).margin(1e-300));
        const StepCoefs d = step_coefs(s, Sampler::Ddim, t, t - 1);
        CHECK(d.sigma == 0);
        CHECK(d.ct == Approx(std::sqrt((1 - ab_s) / (1 - ab_t))).epsilon(1e-12));
    }
}

TEST_CASE("toy: sampling timesteps are evenly spaced from T down to 0", "[toy]") {
    CHECK(sampling_timesteps(1000, 10) == std::vector<int>{1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 0});
    CHECK(sampling_timesteps(10, 50).size() == 11);
    CHECK(sampling_timesteps(7, 3) == std::vector<int>{7, 5, 2, 0});
}

TEST_CASE("toy: DDPM and DDIM with the exact score land on the data points in their proportions", "[toy]") {
    const Schedule s = linear();
    // Point A twice, point B once: a perfect denoiser returns A for 2/3 of the samples.
    const Points data{{-1, 0.5f}, {-1, 0.5f}, {1.5f, -1}};
    const int M = 3000;
    for (auto [sampler, steps] : {std::pair{Sampler::Ddpm, 1000}, std::pair{Sampler::Ddim, 100}}) {
        const ReversePath r = reverse(data, 0, s, sampler, sampling_timesteps(s.T(), steps), M, 21);
        REQUIRE(r.path.size() == std::size_t(steps) + 1);
        int on_a = 0, off = 0;
        for (const Point& p : r.path.back()) {
            const double da = std::hypot(p.x + 1, p.y - 0.5), db = std::hypot(p.x - 1.5, p.y + 1);
            if (std::min(da, db) > 1e-3) ++off;
            on_a += da < db;
        }
        INFO(sampler_name(sampler) << ": " << on_a << " of " << M << " on A, " << off << " off the data");
        CHECK(off == 0);
        // 2/3 within 5 binomial standard deviations.
        CHECK(std::abs(on_a / double(M) - 2.0 / 3) < 5 * std::sqrt(2.0 / 9 / M));
    }
}

TEST_CASE("toy: with a data bandwidth the samples spread as the smoothed data does", "[toy]") {
    const Schedule s = linear();
    // One point at (0.5, 0) smoothed by N(0, 0.4^2 I): the samples should be N((0.5, 0), 0.16 I).
    const Points data{{0.5f, 0.0f}};
    for (auto [sampler, steps] : {std::pair{Sampler::Ddpm, 1000}, std::pair{Sampler::Ddim, 200}}) {
        const ReversePath r = reverse(data, 0.4, s, sampler, sampling_timesteps(s.T(), steps), 6000, 4);
        INFO(sampler_name(sampler));
        check_gaussian(r.path.back(), 0.5, 0, 0.16);
    }
    // Bandwidth 0 on the same point is a point mass: no spread at all.
    const ReversePath r0 = reverse(data, 0, s, Sampler::Ddpm, sampling_timesteps(s.T(), 1000), 50, 4);
    for (const Point& p : r0.path.back()) CHECK(std::hypot(p.x - 0.5, p.y) < 1e-3);
}

TEST_CASE("toy: the reverse process starts from the documented N(0, I) stream", "[toy]") {
    const Points x = reverse_start(4, 9);
    const rng::Normal4 z = rng::normal4(rng::stream_key(9, kReverseStream), 2);
    CHECK(x[2] == Point{z.v[0], z.v[1]});
}

TEST_CASE("toy: presets are deterministic, sized and bounded", "[toy]") {
    for (const auto& p : kPresets) {
        const Points a = make_preset(p.preset, 2000, 1), b = make_preset(p.preset, 2000, 1), c = make_preset(p.preset, 2000, 2);
        INFO(p.name);
        CHECK(a.size() == 2000);
        CHECK(a == b);
        CHECK(a != c);
        for (const Point& q : a) CHECK((std::abs(q.x) < 3 && std::abs(q.y) < 3));
        CHECK(parse_preset(p.name) == p.preset);
    }
    CHECK_FALSE(parse_preset("spiral"));
    // The 8 Gaussians put an eighth of the points near each centre.
    const Points g = make_preset(Preset::Gaussians8, 8000, 3);
    const int near_east = int(std::count_if(g.begin(), g.end(), [](Point q) { return std::hypot(q.x - 2, q.y) < 0.75; }));
    CHECK(std::abs(near_east - 1000) < 5 * std::sqrt(8000 * (1.0 / 8) * (7.0 / 8)));
}

TEST_CASE("toy: CSV points parse with a header, and bad lines name their number", "[toy]") {
    auto ok = parse_points_csv("x,y\n1,2\n\n-0.5, 3e-1\r\n", "pts.csv");
    REQUIRE(ok);
    CHECK(*ok == Points{{1, 2}, {-0.5f, 0.3f}});
    auto bad = parse_points_csv("1,2\n3;4\n", "pts.csv");
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == "pts.csv line 2: expected two numbers \"x,y\", got \"3;4\"");
    CHECK_FALSE(parse_points_csv("", "e.csv"));
    CHECK_FALSE(parse_points_csv("x,y\n", "e.csv"));
    CHECK_FALSE(parse_points_csv("1,nan\n", "e.csv"));
    CHECK_FALSE(parse_points_csv("1,1e300\n", "e.csv"));
    CHECK_FALSE(load_points_csv("/nonexistent/points.csv"));
}

TEST_CASE("toy: luminance points follow the image's bright pixels", "[toy]") {
    Image img;
    img.width = 4;
    img.height = 2;
    img.data.assign(4 * 2 * 3, -1.0f);   // black
    CHECK_FALSE(points_from_luminance(img, 10, 1));
    // The top-left pixel white: every point lands in its square, x in [-2, -1], y in [0, 1].
    for (int c = 0; c < 3; ++c) img.data[std::size_t(c)] = 1.0f;
    auto pts = points_from_luminance(img, 500, 1);
    REQUIRE(pts);
    for (const Point& p : *pts) CHECK((p.x >= -2 && p.x <= -1 && p.y >= 0 && p.y <= 1));
}

TEST_CASE("toy: 1D densities integrate to 1 and their scores are the log density's gradient", "[toy]") {
    const Schedule s = linear();
    Image img;
    img.width = 3;
    img.height = 1;
    img.data = {-1, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f, 0.2f, -0.2f};
    std::vector<Density1> ds{make_preset1(Preset1::Gaussians2), make_preset1(Preset1::Gaussians3),
                             make_preset1(Preset1::Uniform), pixel_density(img, 0)};
    CHECK(ds[3].mean.size() == 2);   // R values -1 and 0.5 (twice)
    CHECK(ds[3].weight[1] == Approx(2.0 / 3));
    for (std::size_t k = 0; k < ds.size(); ++k)
        for (int t : {3, 100, 999}) {
            const double a = s.sqrt_alpha_bar[std::size_t(t)], b2 = std::pow(s.sqrt_one_minus_alpha_bar[std::size_t(t)], 2);
            double total = 0;
            const double lo = -10, hi = 10, cell = 1e-3;
            for (double x = lo + cell / 2; x < hi; x += cell) total += std::exp(posterior1(ds[k], a, b2, x).log_density) * cell;
            INFO("density " << k << ", t = " << t);
            CHECK(total == Approx(1).epsilon(1e-4));
            for (double x : {-1.7, 0.1, 1.2, 4.0}) {
                const double e = 1e-5;
                const Posterior1 p = posterior1(ds[k], a, b2, x);
                const double g = (posterior1(ds[k], a, b2, x + e).log_density - posterior1(ds[k], a, b2, x - e).log_density) / (2 * e);
                CHECK(p.score == Approx(g).epsilon(1e-4).margin(1e-4));
                CHECK(p.x0 == Approx((x + b2 * p.score) / a).epsilon(1e-9).margin(1e-9));
            }
        }
}

TEST_CASE("toy: every ribbon column is a density over x, atoms at t = 0 included", "[toy]") {
    ScheduleParams sp;
    sp.T = 200;
    const Schedule s = *make_schedule(sp);
    Density1 d;
    d.mean = {-0.5, 0.75};
    d.variance = {0, 0};
    d.weight = {0.25, 0.75};
    const int w = 41, h = 300;
    const double lo = -6, hi = 6, cell = (hi - lo) / h;
    const auto q = ribbon(d, s, w, h, lo, hi, 2);
    for (int c = 0; c < w; ++c) {
        double total = 0;
        for (int r = 0; r < h; ++r) total += q[std::size_t(r * w + c)] * cell;
        CHECK(total == Approx(1).epsilon(1e-6));
    }
    // Column 0 (t = 0) is two spikes with masses 1/4 and 3/4 in the rows holding -0.5 and 0.75.
    const int r_a = int((hi - -0.5) / cell), r_b = int((hi - 0.75) / cell);
    CHECK(q[std::size_t(r_a * w)] * cell == Approx(0.25));
    CHECK(q[std::size_t(r_b * w)] * cell == Approx(0.75));
}

TEST_CASE("toy: 1D reverse paths with the exact score end on the atoms", "[toy]") {
    const Schedule s = linear();
    Density1 d;
    d.mean = {-0.5, 0.75};
    d.variance = {0, 0};
    d.weight = {0.5, 0.5};
    const auto paths = reverse_paths1(d, s, Sampler::Ddim, sampling_timesteps(s.T(), 100), 40, 2);
    for (const auto& p : paths) {
        REQUIRE(p.size() == 101);
        CHECK(std::min(std::abs(p.back() + 0.5), std::abs(p.back() - 0.75)) < 1e-3);
    }
    // The 1D chain's marginal at T is N(sqrt(alpha_bar_T) x0, 1 - alpha_bar_T): close to N(0, 1); 5-sigma bounds.
    const auto many = chain_paths1(d, s, 4000, 3);
    double sum = 0, sq = 0;
    for (const auto& p : many) sum += p.back(), sq += p.back() * p.back();
    CHECK(std::abs(sum / 4000) < 5 * std::sqrt(1.0 / 4000));
    CHECK(std::abs(sq / 4000 - 1) < 5 * std::sqrt(2.0 / 4000));
    const auto chain = chain_paths1(d, s, 5, 2);
    REQUIRE(chain.size() == 5);
    CHECK(chain[0].size() == 1001);
    CHECK((chain[0][0] == Approx(-0.5) || chain[0][0] == Approx(0.75)));
}

TEST_CASE("toy: splatted points land on their pixels, blend as GL does and clear what they touched", "[toy]") {
    Splat canvas;
    canvas.width = 8, canvas.height = 4;
    // [lo, hi] = [0, 8] across 8 pixels: x = 2.5 is column 2; y = 7.5 is the top row, y = 0.5 row 3
    // (rows over [0, 8] at 2 units each: y 6..8 row 0, 0..2 row 3).
    const Points x0{{2.5f, 7.5f}, {2.5f, 7.5f}, {6.0f, 1.0f}};
    const Points eps{{1, 1}, {1, 1}, {0, 0}};
    const std::vector<uint32_t> colors{0x800000ffu, 0x8000ff00u, 0xffff0000u};   // half red, half green, opaque blue
    splat_points(x0, &eps, 1.0f, 0.0f, colors, 0, 8, 1, canvas);
    auto px = [&](int x, int y) { return &canvas.rgba[(std::size_t(y) * 8 + std::size_t(x)) * 4]; };
    // Green over red, both alpha 128/255: A = a + a (1 - a), colour (g a, r a (1 - a)) / A.
    const double a = 128 / 255.0, A = a + a * (1 - a);
    CHECK(std::abs(px(2, 0)[3] - A * 255) <= 1);
    CHECK(std::abs(px(2, 0)[0] - 255 * a * (1 - a) / A) <= 1);
    CHECK(std::abs(px(2, 0)[1] - 255 * a / A) <= 1);
    CHECK(px(6, 3)[2] == 255);
    CHECK(px(6, 3)[3] == 255);
    int coloured = 0;
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 8; ++x) coloured += px(x, y)[3] > 0;
    CHECK(coloured == 2);
    // signal 0, noise 1 moves every point to eps (1, 1) and (0, 0): the old pixels are cleared, and a
    // 2-pixel square centred on pixel coordinates (1, 3.5) covers columns 0..1 of row 3 (row 4 is outside).
    splat_points(x0, &eps, 0.0f, 1.0f, colors, 0, 8, 2, canvas);
    CHECK(px(2, 0)[3] == 0);
    CHECK(px(6, 3)[3] == 0);
    CHECK(px(0, 3)[3] > 0);
    CHECK(px(1, 3)[3] > 0);
    CHECK(px(2, 3)[3] == 0);
    CHECK(px(1, 2)[3] == 0);
}

TEST_CASE("toy: the scene picture draws points in their colours over the N(0, I) circle", "[toy]") {
    SceneOptions o;
    o.size = 100;
    o.lo = -2;
    o.hi = 2;
    const Rgb8 img = render_scene(Points{{0, 0}, {1.0f, 1.0f}}, {0x0000ffu, 0x00ff00u}, o);
    auto px = [&](int x, int y) {
        const uint8_t* p = &img.pixels[std::size_t(y * 100 + x) * 3];
        return std::array<int, 3>{p[0], p[1], p[2]};
    };
    CHECK(px(50, 50)[0] > 200);    // red point at the centre
    CHECK(px(75, 25)[1] > 200);    // green point at (1, 1)
    CHECK(px(75, 50)[0] > 100);    // the unit circle crosses (1, 0)
    CHECK(px(10, 90) == std::array<int, 3>{20, 20, 23});   // background
}
