#pragma once
// The views of the distribution of x_t (histogram with the exact q(x_t), KL to the prior), of the
// reparameterization trick, and the "How it works" window. Each is a function over App state.
#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/distribution.h"
#include "ddpm/schedule.h"

struct App;

// The image's level histogram, recomputed when the image changes (the window's one copy of it).
struct X0HistogramCache {
    const float* data = nullptr;   // which x0 it describes
    std::size_t size = 0;
    std::string source;
    ddpm::LevelHistogram histogram;
    // kl_prior for t = 0..T of the schedule it was computed for.
    ddpm::ScheduleParams kl_params;
    std::vector<double> kl;
    bool kl_valid = false;
};

struct DistributionViewState {
    bool open = false;
    int channel = ddpm::kAllChannels;   // kAllChannels or 0, 1, 2
    bool kl_log_y = true;
    // What the bars and the curve were computed for; recomputed when any of it changes.
    int t = -1, cached_channel = -2;
    uint32_t seed = 0;
    ddpm::ScheduleParams params;
    const float* data = nullptr;
    std::vector<double> bars;      // density of the sampled x_t per bin
    std::vector<double> exact;     // exact density of q(x_t) averaged over each curve step
    std::size_t sampled = 0;       // how many values the bars count
};

struct ReparamViewState {
    bool open = false;
    float mu = 0.5f, sigma = 0.8f;
    bool follow_t = false;         // mu = sqrt(alpha_bar_t) x0, sigma = sqrt(1 - alpha_bar_t)
    float x0 = 0.6f;               // the pixel value x0 used when following t
    int highlighted = 0;           // the sample whose derivatives are shown
};

// The histogram of the current image.
const ddpm::LevelHistogram& x0_histogram(App& app);
// kl_prior(t) for t = 0..T of the current image and schedule.
const std::vector<double>& kl_prior_of(App& app);

void draw_distribution_view(App& app);
void draw_reparam_view(App& app);
void draw_how_it_works(App& app);
