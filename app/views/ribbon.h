#pragma once
// The 1D density ribbon's state (app/views/ribbon.cpp).
#include <glad/gl.h>

#include <string>
#include <vector>

#include "ddpm/toy.h"

struct RibbonState {
    int source = 0;              // index into kPresets1, then R, G, B of the current image
    int paths = 12;              // chain paths drawn
    int sampler = 1;             // 0 DDPM, 1 DDIM
    int steps = 100, reverse_n = 12;
    bool show_reverse = false;
    std::string png_path = "ribbon.png";

    // Cache of the picture for (source, schedule, image).
    std::string key;
    ddpm::toy::Density1 density;
    ddpm::Rgb8 picture;
    std::vector<std::vector<double>> chain, reverse;
    std::vector<int> reverse_timesteps;
    GLuint texture = 0;
    ~RibbonState();
};
