// The window (GLFW + OpenGL 3.3 + Dear ImGui) and its offscreen twin (--render through EGL).
#include "gui.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "cli.h"
#include "ddpm/png.h"
#include "headless_gl.h"
#include "i18n.h"
#include "icon.h"
#include "session.h"
#include "ui_check.h"

namespace {

using Clock = std::chrono::steady_clock;

// Frames drawn before --screenshot captures: ImGui sizes auto-fitting windows over the first frames.
constexpr int kScreenshotFrame = 4;

int default_t(const ddpm::Schedule& s) { return s.T() / 4; }

std::string glfw_error_text() {
    const char* text = nullptr;
    glfwGetError(&text);
    return text ? text : "unknown error";
}

// imgui.ini in the config folder (settings.h); "" disables saving.
std::string ini_path() {
    const std::string dir = config_dir();
    return dir.empty() ? std::string() : dir + "/imgui.ini";
}

void drop_callback(GLFWwindow* window, int count, const char** paths) {
    // One image at a time: the first dropped file.
    if (count > 0) static_cast<App*>(glfwGetWindowUserPointer(window))->pending_open = paths[0];
}

// The whole window as RGB, top row first.
ddpm::Rgb8 capture_window(int width, int height) {
    ddpm::Rgb8 rgb{width, height, std::vector<uint8_t>(std::size_t(width) * height * 3)};
    std::vector<uint8_t> rows(rgb.pixels.size());
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, rows.data());
    const std::size_t stride = std::size_t(width) * 3;
    for (int y = 0; y < height; ++y)
        std::copy_n(rows.data() + std::size_t(height - 1 - y) * stride, stride, rgb.pixels.data() + std::size_t(y) * stride);
    return rgb;
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size() - 1) + 0.5))];
}

// Loads the command line's image, or the embedded cat.
bool load_start_image(App& app, const GuiOptions& options) {
    app.image_limits.max_pixels = options.max_pixels;
    if (!options.image_path.empty() && is_session_path(options.image_path)) {
        // The session names its own image; the cat stays if that one cannot be opened.
        if (open_session_file(app, options.image_path)) return true;
        const std::string why = app.status;
        open_embedded_image(app, "chelsea.png");
        app.status = why;
        app.status_is_error = true;
        std::fprintf(stderr, "ddpm-viz: %s\n", why.c_str());
        return true;
    }
    if (!options.image_path.empty()) return open_image_file(app, options.image_path);
    return open_embedded_image(app, "chelsea.png");
}

// The UI font size at scale 1, in pixels: DejaVu Sans at 15 px reads like ImGui's 13 px bitmap font.
constexpr float kFontPixels = 15;
// Presentation mode's type, relative to the window's: legible from the back of a room.
constexpr float kPresentationScale = 1.75f;

// Rebuilds the font atlas and the style for the current scale and language, between frames.
void rebuild_fonts(App& app, const ImGuiStyle& base_style, bool texture_exists) {
    app.ui_scale = std::clamp(app.content_scale * app.user_scale * (app.presentation ? kPresentationScale : 1.0f), 0.5f, 8.0f);
    // The language menu names each language in its own script, so those glyphs are always in.
    std::vector<uint32_t> glyphs = i18n::catalogue_codepoints(i18n::current_language());
    for (const auto& l : i18n::languages())
        for (uint32_t cp : i18n::utf8_codepoints(l.name)) glyphs.push_back(cp);
    const std::string note = build_font_atlas(app.fonts, kFontPixels * app.ui_scale, glyphs);
    if (texture_exists) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui::GetStyle() = base_style;
    ImGui::GetStyle().ScaleAllSizes(app.ui_scale);
    if (!note.empty() && note != app.font_note) {
        app.font_note = note;
        std::fprintf(stderr, "ddpm-viz: %s\n", note.c_str());
        app.status = note;
        app.status_is_error = true;
    }
    app.fonts_stale = false;
}

// F11: the primary monitor's full screen, and back to the window as it was.
void apply_fullscreen(GLFWwindow* window, bool full, int saved[4]) {
    GLFWmonitor* current = glfwGetWindowMonitor(window);
    if (full && !current) {
        GLFWmonitor* monitor = glfwGetPrimaryMonitor();
        const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
        if (!mode) return;
        glfwGetWindowPos(window, &saved[0], &saved[1]);
        glfwGetWindowSize(window, &saved[2], &saved[3]);
        glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    } else if (!full && current) {
        glfwSetWindowMonitor(window, nullptr, saved[0], saved[1], saved[2], saved[3], 0);
    }
}

// The window's icon (the same picture as the hicolor icons the install puts in share/icons).
void set_window_icon(GLFWwindow* window) {
    std::vector<std::vector<uint8_t>> pixels;
    std::vector<GLFWimage> images;
    for (int size : {16, 32, 48, 64}) {
        const ddpm::Rgb8 rgb = draw_icon(size);
        std::vector<uint8_t>& rgba = pixels.emplace_back(std::size_t(size) * std::size_t(size) * 4, 255);
        for (std::size_t i = 0; i < std::size_t(size) * std::size_t(size); ++i)
            std::copy_n(rgb.pixels.data() + 3 * i, 3, rgba.data() + 4 * i);
    }
    int k = 0;
    for (int size : {16, 32, 48, 64}) images.push_back({size, size, pixels[std::size_t(k++)].data()});
    glfwSetWindowIcon(window, int(images.size()), images.data());
}

struct GlfwSession {
    ~GlfwSession() { glfwTerminate(); }
};

}  // namespace

int run_gui(const GuiOptions& options) {
    const auto start = Clock::now();
    auto schedule = ddpm::make_schedule(options.params);
    if (!schedule) return fail(kExitUsage, schedule.error());
    if (options.t && *options.t > schedule->T())
        return fail(kExitUsage, "--t " + std::to_string(*options.t) + " is above T = " + std::to_string(schedule->T()));

    if (!glfwInit())
        return fail(kExitFailure, "cannot open a window: " + glfw_error_text() +
                                      " (no display? --render FILE works without one)");
    GlfwSession glfw;
    // --benchmark-frames says where start-up goes: the display and GL context, the fonts, the image.
    const auto since = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    const auto glfw_ready = Clock::now();
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    // 1280x800, or less on a smaller screen (a 1024x640 projector): the whole window stays visible.
    int window_width = options.window_width > 0 ? options.window_width : 1280;
    int window_height = options.window_height > 0 ? options.window_height : 800;
    if (GLFWmonitor* monitor = options.window_width > 0 ? nullptr : glfwGetPrimaryMonitor()) {
        int x = 0, y = 0, w = 0, h = 0;
        glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
        if (w > 0 && h > 0) window_width = std::min(window_width, w), window_height = std::min(window_height, h);
    }
    GLFWwindow* window = glfwCreateWindow(window_width, window_height, "ddpm-viz", nullptr, nullptr);
    ddpm::gpu::keep_gl_driver_loaded();   // the sanitizer build's leak check (headless_gl.h)
    if (!window)
        return fail(kExitFailure, "OpenGL 3.3 is not available on this display (" + glfw_error_text() +
                                      "); ddpm-viz needs an OpenGL 3.3 core driver such as Mesa");
    glfwMakeContextCurrent(window);
    if (gladLoadGL(glfwGetProcAddress) < GLAD_MAKE_VERSION(3, 3))
        return fail(kExitFailure, "OpenGL 3.3 is not available: the driver's functions could not be loaded");
    const bool benchmark = options.benchmark_frames > 0;
    glfwSwapInterval(benchmark ? 0 : 1);
    const auto gl_ready = Clock::now();

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    const std::string ini = (options.screenshot.empty() && !benchmark) ? ini_path() : std::string();
    io.IniFilename = ini.empty() ? nullptr : ini.c_str();   // automation runs start from the default layout
    float scale_x = 1, scale_y = 1;
    glfwGetWindowContentScale(window, &scale_x, &scale_y);
    ImGui::StyleColorsDark();
    // Slider grabs see-through, so the value's digits stay readable wherever the handle sits.
    ImGui::GetStyle().Colors[ImGuiCol_SliderGrab].w = 0.45f;
    ImGui::GetStyle().Colors[ImGuiCol_SliderGrabActive].w = 0.6f;
    const ImGuiStyle base_style = ImGui::GetStyle();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    auto owned_app = std::make_unique<App>();   // its GL objects must go before the window
    App& app = *owned_app;
    app.window = window;
    app.content_scale = std::clamp(std::max(scale_x, scale_y), 1.0f, 4.0f);
    // Automated runs neither read nor write the user's settings: the flags alone decide.
    const bool automated = !options.screenshot.empty() || benchmark;
    if (const std::string dir = automated ? std::string() : config_dir(); !dir.empty()) {
        app.settings_path = dir + "/settings.json";
        app.settings = load_settings(app.settings_path);
    }
    app.user_scale = options.ui_scale > 0 ? std::clamp(options.ui_scale, kMinUiScale, kMaxUiScale) : app.settings.ui_scale;
    const std::string language = !options.lang.empty()             ? options.lang
                                 : !app.settings.language.empty() ? app.settings.language
                                                                  : i18n::language_from_environment();
    std::string why;
    if (!i18n::set_language(language, &why)) std::fprintf(stderr, "ddpm-viz: %s\n", why.c_str());
    app.presentation = options.presentation;
    app.fonts = find_system_fonts();
    rebuild_fonts(app, base_style, false);
    const auto fonts_ready = Clock::now();
    set_window_icon(window);
    int saved_window[4] = {0, 0, 1280, 800};
    glfwSetWindowUserPointer(window, &app);
    glfwSetDropCallback(window, drop_callback);
    int exit_code = 0;
    if (ddpm::Status s = app.renderer.init(); !s) {
        exit_code = fail(kExitFailure, "the x_t shader does not work on this driver: " + s.error);
    } else {
        app.params = app.edit = options.params;
        app.schedule = std::move(*schedule);
        app.sampling = options.sampling;
        for (const auto& p : options.pins)
            if (auto ps = ddpm::make_schedule(p); ps && int(app.pinned.size()) < kMaxPinned)
                app.pinned.push_back({ddpm::schedule_label(p), p, std::move(*ps)});
        app.compare.open = options.compare;
        app.plot_x_axis = options.plot_x_axis;
        if (app.sampling.steps > 0)
            if (auto ts = ddpm::sampling_timesteps(app.schedule.T(), app.sampling)) app.sampling_ts = *ts;
        app.t = options.t.value_or(default_t(app.schedule));
        app.seed = options.seed;
        app.view = options.view;
        for (const auto& w : options.show) {
            app.distribution.open |= w == "distribution";
            app.reparam.open |= w == "reparam";
            app.show_how_it_works |= w == "how-it-works";
        }
        app.process = *ddpm::parse_process(options.process);
        if (options.probe) app.probe_open = true, app.probe_x = options.probe->first, app.probe_y = options.probe->second;
        app.toy_points = options.toy_points;
        app.toy_reverse_at_start = options.toy_reverse;
        if (!load_start_image(app, options)) {
            // Keep the window useful: the cat, with the reason in the status line.
            const std::string why = app.status;
            std::fprintf(stderr, "ddpm-viz: %s\n", why.c_str());
            open_embedded_image(app, "chelsea.png");
            app.status = why;
            app.status_is_error = true;
        }
    }

    const auto image_ready = Clock::now();
    std::vector<double> frame_ms;
    int frame = 0;
    std::string title_source;   // the image named in the window title
    while (exit_code == 0 && !glfwWindowShouldClose(window)) {
        const auto frame_start = Clock::now();
        if (benchmark) {
            glfwPollEvents();
            // Sweep t over the run, one step per frame.
            const int n = options.benchmark_frames;
            app.t = n > 1 ? int(std::lround(double(frame) * app.schedule.T() / (n - 1))) : app.schedule.T();
        } else if (frame < kScreenshotFrame + 1 && !options.screenshot.empty()) {
            glfwPollEvents();
        } else {
            // Idle without spinning when nothing moves.
            if (app.playing) glfwPollEvents();
            else glfwWaitEventsTimeout(0.25);
        }
        const auto work_start = Clock::now();
        if (app.fonts_stale) {
            apply_fullscreen(window, app.presentation, saved_window);
            rebuild_fonts(app, base_style, true);
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // Automated runs ignore wherever the pointer happens to be: no hover tooltips in screenshots.
        if (benchmark || !options.screenshot.empty()) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        ImGui::NewFrame();
        draw_frame(app);
        if (app.image_source != title_source) {
            title_source = app.image_source;
            const std::string name = std::filesystem::path(title_source).filename().string();
            glfwSetWindowTitle(window, ("ddpm-viz - " + (name.empty() ? title_source : name)).c_str());
        }
        ImGui::Render();
        int width = 0, height = 0;
        glfwGetFramebufferSize(window, &width, &height);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glViewport(0, 0, width, height);
        glClearColor(0.08f, 0.08f, 0.09f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        if (frame == 0 && benchmark) {
            glFinish();
            const auto now = Clock::now();
            std::printf("startup to first frame: %.1f ms (display %.1f, window and GL %.1f, fonts %.1f, "
                        "shaders and image %.1f, first frame %.1f)\n",
                        since(start, now), since(start, glfw_ready), since(glfw_ready, gl_ready),
                        since(gl_ready, fonts_ready), since(fonts_ready, image_ready), since(image_ready, now));
        }
        if (!options.screenshot.empty() && frame == kScreenshotFrame)
            if (const char* report = std::getenv("DDPM_VIZ_CLIP_REPORT"); report && *report)
                if (FILE* f = std::fopen(report, "w")) {
                    for (const auto& line : clipped_text_report(*ImGui::GetDrawData())) std::fprintf(f, "%s\n", line.c_str());
                    std::fclose(f);
                }
        if (!options.screenshot.empty() && frame == kScreenshotFrame) {
            const ddpm::Status s = ddpm::write_png(options.screenshot, capture_window(width, height), true);
            exit_code = s ? 0 : fail(kExitFailure, s.error);
            glfwSetWindowShouldClose(window, GLFW_TRUE);
        }
        glfwSwapBuffers(window);
        // The work of a frame, not the idle wait for events.
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - work_start).count();
        app.frame_ms = frame == 0 ? float(ms) : 0.9f * app.frame_ms + 0.1f * float(ms);
        if (benchmark) {
            glFinish();
            frame_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - frame_start).count());
            if (int(frame_ms.size()) == options.benchmark_frames) {
                std::printf("%d frames, %s, %dx%d image, %dx%d window: median %.2f ms, 95th percentile %.2f ms\n",
                            options.benchmark_frames, ddpm::process_name(app.process), app.renderer.width(), app.renderer.height(), width, height,
                            percentile(frame_ms, 0.5), percentile(frame_ms, 0.95));
                print_toy2d_benchmark(app);
                glfwSetWindowShouldClose(window, GLFW_TRUE);
            }
        }
        ++frame;
    }

    release_chain_views(app);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    owned_app.reset();
    glfwDestroyWindow(window);
    return exit_code;
}

int run_render(const GuiOptions& options) {
    auto schedule = ddpm::make_schedule(options.params);
    if (!schedule) return fail(kExitUsage, schedule.error());
    const int t = options.t.value_or(default_t(*schedule));
    if (t > schedule->T())
        return fail(kExitUsage, "--t " + std::to_string(t) + " is above T = " + std::to_string(schedule->T()));
    auto loaded = options.image_path.empty() ? load_embedded_image("chelsea.png") : load_image_argument(options.image_path, ddpm::ImageLimits{options.max_pixels});
    if (!loaded) return fail(kExitFailure, loaded.error());
    auto gl = ddpm::gpu::HeadlessGl::create();
    if (!gl) return fail(kExitFailure, gl.error());

    ddpm::Rgb8 rgb;
    {
        ddpm::gpu::Renderer renderer;
        if (ddpm::Status s = renderer.init(); !s) return fail(kExitFailure, s.error);
        std::string note;
        if (ddpm::Status s = renderer.upload(loaded->image, &note); !s) return fail(kExitFailure, s.error);
        if (!note.empty()) std::fprintf(stderr, "ddpm-viz: %s\n", note.c_str());
        ddpm::gpu::RenderTarget target;
        const bool chain = options.process == "chain";
        renderer.render_xt(target, chain ? ddpm::gpu::chain_xt_uniforms(ddpm::make_chain_schedule(*schedule), t, options.seed)
                                         : ddpm::gpu::xt_uniforms(*schedule, t, options.seed));
        rgb = ddpm::gpu::read_back(target);
    }
    if (ddpm::Status s = ddpm::write_png(options.render, rgb, true); !s) return fail(kExitFailure, s.error);
    return 0;
}
