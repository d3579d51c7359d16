#include "headless_gl.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <glad/gl.h>
#include <dlfcn.h>
#include <link.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace ddpm::gpu {

namespace {
Error egl_error(const std::string& what) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%04x", unsigned(eglGetError()));
    return Error{"cannot create an offscreen OpenGL 3.3 context: " + what + " (EGL error " + code + ")"};
}
GLADapiproc egl_proc(const char* name) { return reinterpret_cast<GLADapiproc>(eglGetProcAddress(name)); }
}  // namespace

void keep_gl_driver_loaded() {
#ifdef DDPM_ASAN
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void*) {
            const char* name = info->dlpi_name;
            if (name && (std::strstr(name, "_dri.so") || std::strstr(name, "libgallium") || std::strstr(name, "libLLVM") ||
                         std::strstr(name, "libEGL_mesa") || std::strstr(name, "libGLX_mesa") || std::strstr(name, "libglapi")))
                dlopen(name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);   // a reference never dropped
            return 0;
        },
        nullptr);
#endif
}

Result<std::unique_ptr<HeadlessGl>> HeadlessGl::create() {
    const char* extensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!extensions || !std::strstr(extensions, "EGL_MESA_platform_surfaceless"))
        return Error{"cannot create an offscreen OpenGL 3.3 context: EGL_MESA_platform_surfaceless is "
                     "missing (install Mesa's libegl1-mesa / libgl1-mesa-dri)"};
    std::unique_ptr<HeadlessGl> gl(new HeadlessGl);
    EGLDisplay display = eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    if (display == EGL_NO_DISPLAY) return egl_error("no surfaceless display");
    if (!eglInitialize(display, nullptr, nullptr)) return egl_error("eglInitialize failed");
    keep_gl_driver_loaded();
    gl->display_ = display;
    if (!eglBindAPI(EGL_OPENGL_API)) return egl_error("desktop OpenGL is not supported");

    // The default EGL_SURFACE_TYPE is a window, which a surfaceless display does not have.
    const EGLint config_attribs[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLConfig config = nullptr;
    EGLint count = 0;
    if (!eglChooseConfig(display, config_attribs, &config, 1, &count) || count == 0)
        return egl_error("no OpenGL config");
    const EGLint context_attribs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                                      EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                      EGL_NONE};
    EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, context_attribs);
    if (context == EGL_NO_CONTEXT) return egl_error("OpenGL 3.3 core is not available");
    gl->context_ = context;
    if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context))
        return egl_error("eglMakeCurrent without a surface failed");
    if (!gladLoadGL(egl_proc)) return Error{"cannot load the OpenGL 3.3 functions through EGL"};
    return gl;
}

HeadlessGl::~HeadlessGl() {
    if (!display_) return;
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context_) eglDestroyContext(display_, context_);
    eglTerminate(display_);
}

}  // namespace ddpm::gpu
