#pragma once
// An OpenGL 3.3 core context with no window and no display (EGL surfaceless, e.g. Mesa llvmpipe):
// for --render, the tests and the benchmarks. Render into framebuffer objects only.
#include <memory>

#include "ddpm/result.h"

namespace ddpm::gpu {

class HeadlessGl {
public:
    // Creates the context, makes it current on this thread and loads the GL functions.
    static Result<std::unique_ptr<HeadlessGl>> create();
    ~HeadlessGl();
    HeadlessGl(const HeadlessGl&) = delete;
    HeadlessGl& operator=(const HeadlessGl&) = delete;

private:
    HeadlessGl() = default;
    void* display_ = nullptr;
    void* context_ = nullptr;
};

}  // namespace ddpm::gpu
