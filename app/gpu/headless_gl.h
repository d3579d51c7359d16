#pragma once
// An OpenGL 3.3 core context with no window and no display (EGL surfaceless, e.g. Mesa llvmpipe):
// for --render, the tests and the benchmarks. Render into framebuffer objects only.
#include <memory>

#include "ddpm/result.h"

namespace ddpm::gpu {

// Under AddressSanitizer only: marks the GL driver's loaded libraries (*_dri.so, libgallium, libLLVM,
// Mesa's EGL/GLX vendors) never to be unloaded. Mesa unloads them at eglTerminate/glfwTerminate while
// pointers to some of their allocations live only in their own data, so LeakSanitizer would report
// the driver's allocations with stacks it can no longer name. Kept loaded, they stay reachable, and
// no suppression has to hide them. Call once the context exists; a no-op in other builds.
void keep_gl_driver_loaded();

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
