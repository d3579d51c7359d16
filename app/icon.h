#pragma once
// ddpm-viz's icon, drawn in code: a sun over a hill that dissolves into noise from left to right,
// x_t = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps with alpha_bar falling across the icon.
// The window sets it (glfwSetWindowIcon) and the build writes the hicolor PNGs from it.
#include "ddpm/image.h"

ddpm::Rgb8 draw_icon(int size);
