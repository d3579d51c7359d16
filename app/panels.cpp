#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <csignal>
#include <fcntl.h>
#include <random>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "app.h"
#include "session.h"
#include "ddpm/format.h"
#include "i18n.h"
#include "ddpm/rng.h"
#include "distribution_view.h"
#include "i18n.h"
#include "panel_export.h"
#include "plot.h"

namespace {

void view_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const ViewDraw& d = *static_cast<const ViewDraw*>(cmd->UserCallbackData);
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 scale = io.DisplayFramebufferScale;
    const ImVec4 clip = cmd->ClipRect;   // the window's clip, in screen coordinates
    ddpm::gpu::ViewPlacement v;
    v.origin_x = d.origin.x * scale.x;
    v.origin_y = d.origin.y * scale.y;
    v.zoom = d.zoom * scale.x;
    v.framebuffer_width = int(io.DisplaySize.x * scale.x);
    v.framebuffer_height = int(io.DisplaySize.y * scale.y);
    v.clip_x0 = int(std::max(d.clip_min.x, clip.x) * scale.x);
    v.clip_y0 = int(std::max(d.clip_min.y, clip.y) * scale.y);
    v.clip_x1 = int(std::min(d.clip_max.x, clip.z) * scale.x);
    v.clip_y1 = int(std::min(d.clip_max.y, clip.w) * scale.y);
    d.app->renderer.draw_view(d.uniforms, v);
}

}  // namespace

// Queues the image for the x_t shader at this point of the window's draw list.
void draw_view(App& app, const ddpm::gpu::XtUniforms& u, ImVec2 origin, float zoom, ImVec2 clip_min, ImVec2 clip_max) {
    if (app.view_draw_count == int(app.view_draws.size()) || app.renderer.width() == 0) return;
    ViewDraw& d = app.view_draws[std::size_t(app.view_draw_count++)];
    d = {&app, u, origin, zoom, clip_min, clip_max};
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddCallback(view_callback, &d);
    draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

bool has_zenity() {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        if (access((dirs.substr(start, end - start) + "/zenity").c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

// zenity's chooser; "" when cancelled. Its own thread waits for it, and zenity gets SIGTERM when
// that thread ends (PR_SET_PDEATHSIG), so quitting the window also closes the chooser.
std::string run_zenity(bool folder, const std::string& title_text, const std::string& start) {
    int out[2];
    if (pipe(out) != 0) return {};
    const std::string title = "--title=" + title_text, filename = "--filename=" + start;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);   // the window quit before prctl
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        if (const int null = open("/dev/null", O_WRONLY); null >= 0) dup2(null, STDERR_FILENO);
        if (folder) execlp("zenity", "zenity", "--file-selection", "--directory", title.c_str(), filename.c_str(), nullptr);
        else execlp("zenity", "zenity", "--file-selection", title.c_str(),
               "--file-filter=Images and sessions | *.png *.jpg *.jpeg *.bmp *.tga *.gif *.ppm *.pgm *.ddpmviz *.manifest.json", "--file-filter=All files | *", nullptr);
        _exit(127);
    }
    close(out[1]);
    std::string path;
    char buffer[512];
    for (ssize_t n; pid > 0 && (n = read(out[0], buffer, sizeof buffer)) > 0;) path.append(buffer, std::size_t(n));
    close(out[0]);
    if (pid > 0) waitpid(pid, nullptr, 0);
    while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
    return path;
}

namespace {

void start_open(App& app) {
    if (app.file_dialog) return;
    if (!has_zenity()) {
        app.show_open_popup = true;
        return;
    }
    app.file_dialog = std::make_shared<FileDialog>();
    std::thread([dialog = app.file_dialog] {
        dialog->path = run_zenity(false, tr("Open an image"));
        dialog->done = true;
        glfwPostEmptyEvent();   // wake the idle window to open it
    }).detach();
}

using ddpm::schedule_label;

}  // namespace

namespace {

// ImGui names: the visible title changes with the language, the ID after ### does not.
constexpr const char* kPanels[] = {"###Controls", "###Image", "###Schedule plots"};

// "Controls###Controls": the translated title with a fixed ID (imgui.ini, open state, layout).
std::string titled(const char* text, const char* id) { return std::string(text) + "###" + id; }

// The user's layout (imgui.ini) follows a window resize proportionally, so every panel stays inside
// the area between the menu bar and the status line (both one frame high).
void scale_panels(ImVec2 from, ImVec2 to) {
    const float bar = ImGui::GetFrameHeight();
    const ImVec2 k(to.x / from.x, std::max(1.0f, to.y - 2 * bar) / std::max(1.0f, from.y - 2 * bar));
    for (const char* name : kPanels)
        if (const ImGuiWindow* w = ImGui::FindWindowByName(name)) {
            ImGui::SetWindowPos(name, ImVec2(std::round(w->Pos.x * k.x), std::round(bar + (w->Pos.y - bar) * k.y)));
            ImGui::SetWindowSize(name, ImVec2(std::round(w->SizeFull.x * k.x), std::round(w->SizeFull.y * k.y)));
        }
}

struct Layout {
    float top, bottom, sidebar, image_height, width;
};
Layout layout(const App& app) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float top = ImGui::GetFrameHeight(), bottom = display.y - ImGui::GetFrameHeight();
    const float sidebar = std::min(360.0f * app.ui_scale, display.x * 0.4f);
    return {top, bottom, sidebar, std::floor((bottom - top) * 0.6f), display.x};
}

// "x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps = 0.724 x0 + 0.690 eps": the symbols with this
// t's numbers, above both views.
std::string live_equation(const ddpm::gpu::XtUniforms& u) {
    char text[160];
    std::snprintf(text, sizeof text, tr("x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps = %.3f x0 + %.3f eps"),
                  u.sqrt_alpha_bar, u.sqrt_one_minus_alpha_bar);
    return text;
}

}  // namespace

// One line of text cut to the space left with "...", the whole of it in a tooltip.
// Kept inside the display: at 1024x640, or at scale 2, a floating window's wished-for size can be
// wider than the screen, and its text would run off the edge.
void place_window(const App& app, ImVec2 pos, ImVec2 size) {
    const ImGuiCond cond = app.reset_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float top = ImGui::GetFrameHeight();
    size = ImVec2(std::min(size.x, display.x), std::min(size.y, display.y - top));
    pos = ImVec2(std::clamp(pos.x, 0.0f, display.x - size.x), std::clamp(pos.y, top, display.y - size.y));
    ImGui::SetNextWindowPos(pos, cond);
    ImGui::SetNextWindowSize(size, cond);
}

void same_line_if_fits(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

void hint_text(const char* text) {
    same_line_if_fits(ImGui::CalcTextSize(text).x);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

void text_ellipsized(const std::string& text) {
    const float avail = ImGui::GetContentRegionAvail().x;
    if (ImGui::CalcTextSize(text.c_str()).x <= avail) {
        ImGui::TextUnformatted(text.c_str());
        return;
    }
    // Keep the end (a file name matters more than its folder): "...photos/cat.png".
    std::size_t cut = 0;
    std::string shown;
    while (cut < text.size()) {
        // Advance one UTF-8 character.
        ++cut;
        while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) ++cut;
        shown = "..." + text.substr(cut);
        if (ImGui::CalcTextSize(shown.c_str()).x <= avail) break;
    }
    ImGui::TextUnformatted(shown.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

namespace {

void draw_image_controls(App& app) {
    text_ellipsized(app.image_source);
    ImGui::TextDisabled("%d x %d", app.x0.width, app.x0.height);
    if (!app.gpu_note.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "%s", app.gpu_note.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::BeginCombo("##samples", tr("Sample image"))) {
        for (const char* name : sample_image_names())
            if (ImGui::Selectable(name, app.image_source == std::string("embedded:") + name)) open_embedded_image(app, name);
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button(app.file_dialog ? tr("Opening...") : tr("Open..."))) start_open(app);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tr("or drop an image file on the window"));
    ImGui::PopTextWrapPos();
}

// The t slider, full width. Shift while dragging snaps t to round steps (10 for T = 1000).
void draw_t_slider(App& app, const char* id) {
    const int T = app.schedule.T();
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::SliderInt(id, &app.t, 0, T, tr("t = %d"), ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemActive() && ImGui::GetIO().KeyShift) {
        const int step = std::max(1, int(plot::nice_step(T, 100)));
        set_t(app, int(std::lround(double(app.t) / step)) * step);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Drag to set t; hold Shift to snap to round values"));
}

}  // namespace

// T applies on Enter or when the field loses focus, not on every keystroke (typing 1000 after
// T = 10 would pass through T = 1 and move t); the -/+ buttons apply at once.
void draw_T_field(App& app) {
    int T = app.T_field_active ? app.T_field : app.edit.T;
    const bool changed = ImGui::InputInt(titled(tr("T"), "T").c_str(), &T, 10, 100);
    const bool typing = ImGui::IsItemActive() && ImGui::GetIO().WantTextInput;
    if (typing) {
        app.T_field = T;
        app.T_field_active = true;
    } else if (changed || app.T_field_active) {
        app.edit.T = T;
        app.T_field_active = false;
    }
}

namespace {

void draw_timestep_controls(App& app) {
    const int T = app.schedule.T();
    draw_t_slider(app, "##t");
    if (ImGui::Button("|<")) set_t(app, 0);
    ImGui::SameLine();
    if (ImGui::Button("-10")) set_t(app, app.t - 10);
    ImGui::SameLine();
    if (ImGui::Button("-1")) set_t(app, app.t - 1);
    ImGui::SameLine();
    if (ImGui::Button("+1")) set_t(app, app.t + 1);
    ImGui::SameLine();
    if (ImGui::Button("+10")) set_t(app, app.t + 10);
    ImGui::SameLine();
    if (ImGui::Button(">|")) set_t(app, T);
    if (ImGui::Button(app.playing ? tr("Pause") : tr("Play"), ImVec2(ImGui::GetFontSize() * 4, 0))) toggle_play(app);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat("##speed", &app.play_speed, 10, 2000, tr("%.0f steps/s"), ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    ImGui::Checkbox(tr("Loop"), &app.loop);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tr("Keys: Left/Right, Shift = 10, Home/End, Space"));
    ImGui::PopTextWrapPos();

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("seed"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputScalar("##seed", ImGuiDataType_U32, &app.seed);
    ImGui::SameLine();
    if (ImGui::Button(tr("New seed"))) app.seed = std::random_device{}();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("process"));
    ImGui::SameLine();
    if (ImGui::RadioButton(tr("closed form"), app.process == ddpm::Process::Closed)) app.process = ddpm::Process::Closed;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps with one eps for every t:\n"
                                   "each frame is a sample of q(x_t | x0), but the frames share their noise"));
    ImGui::SameLine();
    if (ImGui::RadioButton(tr("Markov chain"), app.process == ddpm::Process::Chain)) app.process = ddpm::Process::Chain;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("One sample path x_0, x_1, ..., x_T of q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I),\n"
                                   "fresh noise at every step (computed by random access in O(log T) per pixel)"));
}

void draw_schedule_controls(App& app) { draw_schedule_controls_view(app); }

void draw_numbers(App& app) {
    const auto& s = app.schedule;
    const std::size_t t = std::size_t(app.t);
    const auto& kl = kl_prior_of(app);
    if (!ImGui::BeginTable("numbers", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
    // Each value with its formula in a tooltip over the row.
    auto row = [](const char* name, const char* format, double v, const char* formula) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(name);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", formula);
        ImGui::TableNextColumn();
        ImGui::Text(format, v);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", formula);
    };
    row("beta_t", "%.6g", s.beta[t], tr("beta_t: the variance of step t's fresh noise, from the schedule"));
    row("alpha_t", "%.6g", s.alpha[t], tr("alpha_t = 1 - beta_t: the variance kept by step t"));
    row("sqrt(1 - beta_t)", "%.6g", std::sqrt(s.alpha[t]),
        tr("sqrt(1 - beta_t) = sqrt(alpha_t): the step's mean is sqrt(1 - beta_t) x_{t-1} (not sqrt(1 - beta_t x_{t-1}))"));
    row("alpha_bar_t", "%.6g", s.alpha_bar[t], tr("alpha_bar_t = prod_{s<=t} (1 - beta_s)"));
    row("sqrt_alpha_bar_t", "%.6g", s.sqrt_alpha_bar[t], tr("sqrt(alpha_bar_t): the weight of x0 in x_t"));
    row("sqrt_one_minus_alpha_bar_t", "%.6g", s.sqrt_one_minus_alpha_bar[t],
        tr("sqrt(1 - alpha_bar_t): the weight of eps in x_t, the standard deviation of q(x_t | x0)"));
    row(tr("SNR_t"), "%.6g", s.snr[t], tr("SNR_t = alpha_bar_t / (1 - alpha_bar_t), a plain ratio (signal variance over noise variance)"));
    row(tr("log_snr_t = ln SNR_t"), "%.4f", s.log_snr[t], tr("log_snr_t = ln(alpha_bar_t / (1 - alpha_bar_t)), natural log, as plotted"));
    row(tr("sigma (VE/EDM noise level)"), "%.6g", s.sigma[t],
        tr("sigma = sqrt((1 - alpha_bar_t) / alpha_bar_t): the noise level of x_t / sqrt(alpha_bar_t) = x0 + sigma eps "
           "(variance-exploding form, Karras et al. 2022; the schedule table's `sigma` column). Not Ho et al.'s "
           "sigma_t, the reverse-process standard deviation."));
    if (t >= 1) {
        row(tr("posterior coef of x0"), "%.6g", s.posterior_mean_coef_x0[t],
            tr("sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t): the weight of x0 in the mean of q(x_{t-1} | x_t, x0) "
               "(Ho et al. eq. 7)"));
        row(tr("posterior coef of x_t"), "%.6g", s.posterior_mean_coef_xt[t],
            tr("sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t): the weight of x_t in that mean"));
        row(tr("posterior variance (Ho's sigma_t^2)"), "%.6g", s.posterior_variance[t],
            tr("beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t: the variance of q(x_{t-1} | x_t, x0); Ho et al.'s "
               "reverse-process sigma_t is its square root (or sqrt(beta_t)). At t = 1 it is 0 by this convention: "
               "x_0 is then x0 itself."));
    }
    row(tr("KL to N(0, I) at t"), "%.4g", kl[t],
        tr("KL(q(x_t | x0) || N(0, I)) per dimension, in nats, mean over pixels and channels:\n"
           "0.5 (alpha_bar_t x0^2 + (1 - alpha_bar_t) - 1 - ln(1 - alpha_bar_t)); inf at t = 0"));
    row(tr("KL to N(0, I) at T"), "%.4g", kl.back(),
        tr("The same at t = T: how far x_T is from the prior N(0, I) that sampling starts from"));
    if (ddpm::schedule_info(s.params.kind).family != ddpm::ScheduleFamily::VP) {
        row("signal_t", "%.6g", s.signal[t], tr("signal_t: the weight of x0 in x_t = signal_t x0 + noise_t eps"));
        row("noise_t", "%.6g", s.noise[t], tr("noise_t: the weight of eps in x_t = signal_t x0 + noise_t eps"));
    }
    ImGui::EndTable();
    if (auto warning = ddpm::prior_warning(x0_histogram(app), s)) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImVec4(1, 0.75f, 0.3f, 1), "%s", warning->c_str());
        ImGui::PopTextWrapPos();
    }
}

void draw_open_popup(App& app) {
    if (app.show_open_popup) {
        ImGui::OpenPopup(titled(tr("Open image"), "open-image").c_str());
        app.show_open_popup = false;
    }
    if (!ImGui::BeginPopupModal(titled(tr("Open image"), "open-image").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(tr("Path of a PNG, JPEG, BMP, TGA or GIF file:"));
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    const bool enter = ImGui::InputText("##path", &app.path_field, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button(tr("Open")) || enter) {
        app.pending_open = app.path_field;
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Cancel")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

// File > Save session: a path field (Enter saves), first filled with IMAGE.ddpmviz in the folder of
// the last session.
void draw_save_popup(App& app) {
    const std::string title = titled(tr("Save session"), "save-session");
    if (app.show_save_popup) {
        ImGui::OpenPopup(title.c_str());
        app.show_save_popup = false;
    }
    if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(tr("Save the image, schedule, t, seed, view and pins as:"));
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    const bool enter = ImGui::InputText("##session-path", &app.session_path_field, ImGuiInputTextFlags_EnterReturnsTrue);
    if ((ImGui::Button(tr("Save")) || enter) && !app.session_path_field.empty()) {
        std::string path = app.session_path_field;
        if (!is_session_path(path)) path += ".ddpmviz";
        save_session_file(app, path);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Cancel")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

// The image at `zoom` screen pixels per image pixel, zoomed around the cursor by the wheel and
// panned by dragging.
void draw_xt_canvas(App& app) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x < 8 || avail.y < 8 || app.renderer.width() == 0) return;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("canvas", avail, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
    const ImVec2 image(float(app.renderer.width()), float(app.renderer.height()));
    ImageViewState& v = app.image_view;
    if (v.fit) {
        v.zoom = std::min(avail.x / image.x, avail.y / image.y);
        v.offset = ImVec2((avail.x - image.x * v.zoom) * 0.5f, (avail.y - image.y * v.zoom) * 0.5f);
    }
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
        const ImVec2 mouse(io.MousePos.x - origin.x, io.MousePos.y - origin.y);
        const ImVec2 at((mouse.x - v.offset.x) / v.zoom, (mouse.y - v.offset.y) / v.zoom);   // image point under the cursor
        const float zoom = std::clamp(v.zoom * std::pow(1.25f, io.MouseWheel), 0.02f, 64.0f);
        v.offset = ImVec2(mouse.x - at.x * zoom, mouse.y - at.y * zoom);
        v.zoom = zoom;
        v.fit = false;
    }
    if (ImGui::IsItemActive() && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
        v.offset.x += io.MouseDelta.x;
        v.offset.y += io.MouseDelta.y;
        v.fit = false;
    }
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    // The numbers behind the pixel under the mouse (three normals, computed only while hovering).
    // A click without a drag opens the pixel probe on that pixel.
    if (ImGui::IsItemHovered() && ImGui::IsMouseReleased(ImGuiMouseButton_Left) && app.x0.width == app.renderer.width()) {
        const ImVec2 drag = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0);
        const int px = int(std::floor((io.MousePos.x - origin.x - v.offset.x) / v.zoom));
        const int py = int(std::floor((io.MousePos.y - origin.y - v.offset.y) / v.zoom));
        if (std::abs(drag.x) + std::abs(drag.y) < 3 && px >= 0 && py >= 0 && px < app.x0.width && py < app.x0.height)
            app.probe_open = true, app.probe_x = px, app.probe_y = py;
    }
    if (ImGui::IsItemHovered() && !ImGui::IsItemActive() && app.x0.width == app.renderer.width()) {
        const int px = int(std::floor((io.MousePos.x - origin.x - v.offset.x) / v.zoom));
        const int py = int(std::floor((io.MousePos.y - origin.y - v.offset.y) / v.zoom));
        if (px >= 0 && py >= 0 && px < app.x0.width && py < app.x0.height) {
            const auto u = app_xt_uniforms(app, app.t);
            const std::size_t pixel = std::size_t(py) * std::size_t(app.x0.width) + std::size_t(px);
            const ddpm::rng::Normal4 z = ddpm::rng::normal4(u.key, pixel);
            float x0[3], eps[3], xt[3];
            // The chain's x_t by random access; its "eps" is the path's standardised noise.
            const auto chain = app.process == ddpm::Process::Chain
                                   ? ddpm::chain_pixel_path(app.x0, app_chain(app), px, py, {app.t}, app.seed)[0]
                                   : std::array<float, 3>{};
            for (int c = 0; c < 3; ++c) {
                x0[c] = app.x0.data[pixel * 3 + c];
                eps[c] = z.v[c];
                xt[c] = u.sqrt_alpha_bar * x0[c] + u.sqrt_one_minus_alpha_bar * eps[c];
                if (app.process == ddpm::Process::Chain) {
                    xt[c] = chain[std::size_t(c)];
                    eps[c] = app.t == 0 ? 0.0f : (xt[c] - u.sqrt_alpha_bar * x0[c]) / u.sqrt_one_minus_alpha_bar;
                }
            }
            ImGui::BeginTooltip();
            ImGui::Text(tr("pixel (%d, %d)"), px, py);
            if (ImGui::BeginTable("pixel", 4, ImGuiTableFlags_SizingFixedFit)) {
                for (const char* h : {"", "R", "G", "B"}) {
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", h);
                }
                const std::pair<const char*, const float*> rows[] = {{"x0", x0}, {"eps", eps}, {"x_t", xt}};
                for (const auto& [name, values] : rows) {
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(name);
                    for (int c = 0; c < 3; ++c) {
                        ImGui::TableNextColumn();
                        ImGui::Text("%7.3f", values[c]);
                    }
                }
                ImGui::EndTable();
            }
            ImGui::TextDisabled("%s", tr("x_t is shown clamped to [-1, 1]"));
            ImGui::EndTooltip();
        }
    }
    // Compute x_t for whichever is fewer: the image's pixels (once per t, then shown as a texture)
    // or the screen pixels the image covers (every frame, view_frag.glsl's nearest neighbour).
    const auto u = app_xt_uniforms(app, app.t);
    const ImVec2 p0(origin.x + v.offset.x, origin.y + v.offset.y), end(origin.x + avail.x, origin.y + avail.y);
    const ImVec2 p1(p0.x + image.x * v.zoom, p0.y + image.y * v.zoom);
    const ImVec2 fb = io.DisplayFramebufferScale;
    const double visible = double(std::max(0.0f, std::min(p1.x, end.x) - std::max(p0.x, origin.x)) * fb.x) *
                           double(std::max(0.0f, std::min(p1.y, end.y) - std::max(p0.y, origin.y)) * fb.y);
    if (double(image.x) * double(image.y) >= visible) {
        app.xt_target.release();   // a full-size x_t of a big image is tens of MB of GPU memory
        app.xt_target_valid = false;
        draw_view(app, u, p0, v.zoom, origin, end);
        return;
    }
    if (!app.xt_target_valid || !(app.xt_target_uniforms == u)) {
        app.renderer.render_xt(app.xt_target, u);
        app.xt_target_uniforms = u;
        app.xt_target_valid = true;
    }
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(origin, end, true);
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(app.xt_target.texture())), p0, p1);
    draw->PopClipRect();
}

// "+" and "=" drawn as strokes, as large as the gap between the images allows (the font's are tiny).
void draw_operator(ImDrawList* draw, ImVec2 centre, float half, bool plus) {
    const ImU32 color = IM_COL32(235, 235, 235, 255);
    const float thick = std::max(2.0f, half * 0.28f);
    if (plus) {
        draw->AddLine(ImVec2(centre.x - half, centre.y), ImVec2(centre.x + half, centre.y), color, thick);
        draw->AddLine(ImVec2(centre.x, centre.y - half), ImVec2(centre.x, centre.y + half), color, thick);
    } else {
        for (const float dy : {-half * 0.45f, half * 0.45f})
            draw->AddLine(ImVec2(centre.x - half, centre.y + dy), ImVec2(centre.x + half, centre.y + dy), color, thick);
    }
}

void draw_equation(App& app) {
    const auto u = app_xt_uniforms(app, app.t);
    ImGui::Text(tr("t = %d:  %s"), app.t, live_equation(u).c_str());
    ImGui::Spacing();
    if (app.renderer.width() == 0) return;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float op = ImGui::GetFontSize() * 2.5f;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float aspect = float(app.renderer.height()) / float(app.renderer.width());
    const float w = std::max(8.0f, std::min((avail.x - 2 * op - 4 * ImGui::GetStyle().ItemSpacing.x) / 3,
                                            (avail.y - 2 * line) / aspect));
    const ImVec2 size(w, w * aspect);
    char captions[3][2][64];
    std::snprintf(captions[0][0], 64, "x0");
    std::snprintf(captions[0][1], 64, "sqrt(alpha_bar_t) = %.3f", u.sqrt_alpha_bar);
    std::snprintf(captions[1][0], 64, "eps");
    std::snprintf(captions[1][1], 64, "sqrt(1 - alpha_bar_t) = %.3f", u.sqrt_one_minus_alpha_bar);
    std::snprintf(captions[2][0], 64, "x_t");
    std::snprintf(captions[2][1], 64, "t = %d", app.t);
    const ddpm::gpu::XtUniforms parts[3] = {ddpm::gpu::with_weights(u, 1, 0), ddpm::gpu::with_weights(u, 0, 1), u};   // x0 alone, eps alone, x_t
    const float y = ImGui::GetCursorPosY();
    for (int k = 0; k < 3; ++k) {
        if (k) {
            ImGui::SameLine();
            const ImVec2 at = ImGui::GetCursorScreenPos();
            ImGui::Dummy(ImVec2(op, size.y));
            draw_operator(ImGui::GetWindowDrawList(), ImVec2(at.x + op * 0.5f, at.y + size.y * 0.5f),
                          std::min(op * 0.32f, size.y * 0.3f), k == 1);
            ImGui::SameLine();
            ImGui::SetCursorPosY(y);
        }
        ImGui::BeginGroup();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::Dummy(size);
        draw_view(app, parts[k], at, size.x / float(app.renderer.width()), at, ImVec2(at.x + size.x, at.y + size.y));
        for (const char* caption : captions[k]) {
            const float cx = (size.x - ImGui::CalcTextSize(caption).x) * 0.5f;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, cx));
            ImGui::TextUnformatted(caption);
        }
        ImGui::EndGroup();
    }
}

// Presentation mode (F11): full screen, large type, the t slider, the image and one plot.
void draw_presentation(App& app) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar;
    if (ImGui::Begin("##presentation", nullptr, flags)) {
        if (ImGui::Button(app.playing ? tr("Pause") : tr("Play"), ImVec2(ImGui::GetFontSize() * 4, 0))) toggle_play(app);
        ImGui::SameLine();
        draw_t_slider(app, "##presentation-t");
        const auto u = ddpm::gpu::xt_uniforms(app.schedule, app.t, app.seed);
        ImGui::TextUnformatted(live_equation(u).c_str());
        ImGui::SameLine();
        const char* hint = tr("F11 or Esc: leave presentation mode");
        ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint).x));
        ImGui::TextDisabled("%s", hint);
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float image_width = std::floor((avail.x - spacing) * 0.62f);
        ImGui::BeginChild("##presentation-image", ImVec2(image_width, avail.y), false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        if (app.view == "equation") draw_equation(app);
        else draw_xt_canvas(app);
        ImGui::EndChild();
        ImGui::SameLine();
        // One plot: alpha_bar and its square roots, the weights of x0 and eps in x_t.
        const std::vector<plot::Series> series = {
            {"alpha_bar", "", app.schedule.alpha_bar, IM_COL32(90, 160, 255, 255), false},
            {"sqrt_alpha_bar", "", app.schedule.sqrt_alpha_bar, IM_COL32(110, 210, 110, 255), false},
            {"sqrt_one_minus_alpha_bar", "", app.schedule.sqrt_one_minus_alpha_bar, IM_COL32(240, 90, 90, 255), false}};
        plot::plot("presentation-plot", series, app.schedule.T(), app.t, false, ImGui::GetContentRegionAvail());
    }
    ImGui::End();
}

}  // namespace

void queue_view(App& app, const ddpm::gpu::XtUniforms& u, ImVec2 origin, float zoom, ImVec2 clip_min, ImVec2 clip_max) {
    draw_view(app, u, origin, zoom, clip_min, clip_max);
}

void draw_menu_bar(App& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu(titled(tr("File"), "File").c_str())) {
        if (ImGui::MenuItem(tr("Open..."))) start_open(app);
        if (ImGui::MenuItem(tr("Save session..."))) {
            if (app.session_path_field.empty()) {
                std::string stem = app.image_source.rfind("embedded:", 0) == 0 ? app.image_source.substr(9) : app.image_source;
                stem = std::filesystem::path(stem).stem().string();
                app.session_path_field = (stem.empty() ? std::string("scene") : stem) + ".ddpmviz";
            }
            app.show_save_popup = true;
        }
        if (ImGui::BeginMenu(tr("Recent"), !app.settings.recent.empty())) {
            std::string chosen;
            for (const auto& r : app.settings.recent)
                if (ImGui::MenuItem(r.c_str())) chosen = r;
            if (!chosen.empty()) app.pending_open = chosen;
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu(tr("Sample images"))) {
            for (const char* name : sample_image_names())
                if (ImGui::MenuItem(name, nullptr, app.image_source == std::string("embedded:") + name))
                    open_embedded_image(app, name);
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Quit"))) glfwSetWindowShouldClose(app.window, GLFW_TRUE);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(titled(tr("View"), "View").c_str())) {
        ImGui::MenuItem(tr("Compare schedules"), nullptr, &app.compare.open);
        if (ImGui::MenuItem("x_t", nullptr, app.view == "xt")) app.view = "xt";
        if (ImGui::MenuItem(tr("Equation: x0 | eps | x_t"), nullptr, app.view == "equation")) app.view = "equation";
        if (ImGui::MenuItem(tr("Step: x_{t-1} | sqrt(beta_t) eps_t | x_t"), nullptr, app.view == "step")) app.view = "step";
        if (ImGui::MenuItem(tr("Compare: closed form | chain"), nullptr, app.view == "compare")) app.view = "compare";
        if (ImGui::MenuItem(tr("Chain strip: x_0 -> x_1 -> ... -> x_T"), nullptr, app.view == "strip")) app.view = "strip";
        if (ImGui::MenuItem(tr("Pixel probe"), nullptr, app.probe_open)) app.probe_open = !app.probe_open;
        ImGui::Separator();
        ImGui::MenuItem(tr("Distribution of x_t"), nullptr, &app.distribution.open);
        ImGui::MenuItem(tr("Reparameterization trick"), nullptr, &app.reparam.open);
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Fit image"))) app.image_view.fit = true;
        if (ImGui::MenuItem(tr("Reset layout"))) app.reset_layout = true;
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Presentation mode"), "F11", app.presentation)) {
            app.presentation = !app.presentation;
            app.fonts_stale = true;
        }
        if (ImGui::BeginMenu(tr("UI scale"))) {
            if (ImGui::MenuItem(tr("Larger"), "Ctrl +")) set_user_scale(app, next_ui_scale(app.user_scale, +1));
            if (ImGui::MenuItem(tr("Smaller"), "Ctrl -")) set_user_scale(app, next_ui_scale(app.user_scale, -1));
            ImGui::Separator();
            for (int percent : {75, 100, 125, 150, 175, 200, 250, 300}) {
                const std::string label = std::to_string(percent) + "%";
                if (ImGui::MenuItem(label.c_str(), percent == 100 ? "Ctrl 0" : nullptr, std::lround(app.user_scale * 100) == percent))
                    set_user_scale(app, float(percent) / 100);
            }
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu(tr("Language"))) {
            for (const auto& l : i18n::languages())
                if (ImGui::MenuItem(l.name, nullptr, i18n::current_language() == l.code)) set_app_language(app, l.code);
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("Help"))) {
        ImGui::MenuItem(tr("How it works"), nullptr, &app.show_how_it_works);
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void draw_controls(App& app) {
    const Layout l = layout(app);
    place_window(app, ImVec2(0, l.top), ImVec2(l.sidebar, l.bottom - l.top));
    if (ImGui::Begin(titled(tr("Controls"), "Controls").c_str())) {
        ImGui::PushItemWidth(ImGui::GetFontSize() * 11);
        const auto open = ImGuiTreeNodeFlags_DefaultOpen;
        if (ImGui::CollapsingHeader(titled(tr("Image"), "image-section").c_str(), open)) draw_image_controls(app);
        if (ImGui::CollapsingHeader(titled(tr("Timestep and seed"), "timestep-section").c_str(), open)) draw_timestep_controls(app);
        if (ImGui::CollapsingHeader(titled(tr("Schedule"), "schedule-section").c_str(), open)) draw_schedule_controls(app);
        if (ImGui::CollapsingHeader(titled(tr("Values at t"), "values-section").c_str(), open)) draw_numbers(app);
        draw_export_panel(app);
        ImGui::PopItemWidth();
    }
    ImGui::End();
    draw_open_popup(app);
    draw_save_popup(app);
}

void draw_image_view(App& app) {
    const Layout l = layout(app);
    place_window(app, ImVec2(l.sidebar, l.top), ImVec2(l.width - l.sidebar, l.image_height));
    if (ImGui::Begin(titled(tr("Image"), "Image").c_str(), nullptr, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        if (ImGui::RadioButton("x_t", app.view == "xt")) app.view = "xt";
        ImGui::SameLine();
        if (ImGui::RadioButton("x0 | eps | x_t", app.view == "equation")) app.view = "equation";
        ImGui::SameLine();
        if (ImGui::RadioButton(tr("step"), app.view == "step")) app.view = "step";
        ImGui::SameLine();
        if (ImGui::RadioButton(tr("closed | chain"), app.view == "compare")) app.view = "compare";
        ImGui::SameLine();
        // The row wraps where the window is too narrow for every view (UI scale 2, small windows).
        const auto fits = [](const char* label) {
            if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(label).x + ImGui::GetFrameHeight() * 1.5f) ImGui::NewLine();
            return label;
        };
        if (ImGui::RadioButton(fits(tr("chain strip")), app.view == "strip")) app.view = "strip";
        ImGui::SameLine();
        if (ImGui::RadioButton(fits(tr("2D toy")), app.view == "toy2d")) app.view = "toy2d";
        ImGui::SameLine();
        if (ImGui::RadioButton(fits(tr("1D ribbon")), app.view == "ribbon")) app.view = "ribbon";
        if (app.view == "step") {
            draw_step_view(app);
        } else if (app.view == "compare") {
            draw_process_compare_view(app);
        } else if (app.view == "strip") {
            draw_chain_strip_view(app);
        } else if (app.view == "toy2d") {
            draw_toy2d_view(app);
        } else if (app.view == "ribbon") {
            draw_ribbon_view(app);
        } else if (app.view == "xt") {
            // Fit and 1:1 beside the view buttons while they fit there (a large UI scale wraps them).
            const ImGuiStyle& style = ImGui::GetStyle();
            const float buttons = ImGui::CalcTextSize(tr("Fit")).x + ImGui::CalcTextSize("1:1").x + 4 * style.FramePadding.x + style.ItemSpacing.x;
            ImGui::SameLine(0, ImGui::GetFontSize() * 2);
            if (ImGui::GetContentRegionAvail().x < buttons) ImGui::NewLine();
            if (ImGui::Button(tr("Fit"))) app.image_view.fit = true;
            ImGui::SameLine();
            if (ImGui::Button("1:1")) {
                const ImVec2 avail = ImGui::GetContentRegionAvail();
                app.image_view = {false, 1,
                                  ImVec2(std::floor((avail.x - app.renderer.width()) * 0.5f),
                                         std::floor((avail.y - ImGui::GetFrameHeightWithSpacing() - app.renderer.height()) * 0.5f))};
            }
            ImGui::SameLine();
            char zoom[160];
            std::snprintf(zoom, sizeof zoom, tr("%.0f%%  (wheel: zoom, drag: pan)"), app.image_view.zoom * 100);
            if (ImGui::CalcTextSize(zoom).x > ImGui::GetContentRegionAvail().x) {
                // No room for the hint: the zoom alone, the hint in its tooltip.
                std::snprintf(zoom, sizeof zoom, "%.0f%%", app.image_view.zoom * 100);
                ImGui::TextDisabled("%s", zoom);
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("wheel: zoom, drag: pan"));
            } else {
                ImGui::TextDisabled("%s", zoom);
            }
            const auto u = app_xt_uniforms(app, app.t);
            ImGui::Text(tr("t = %d:  %s"), app.t, live_equation(u).c_str());
            draw_xt_canvas(app);
        } else {
            draw_equation(app);
        }
    }
    ImGui::End();
}

void draw_plots(App& app) {
    const Layout l = layout(app);
    place_window(app, ImVec2(l.sidebar, l.top + l.image_height), ImVec2(l.width - l.sidebar, l.bottom - l.top - l.image_height));
    if (ImGui::Begin(titled(tr("Schedule plots"), "Schedule plots").c_str())) {
        ImGui::Checkbox(tr("log y"), &app.log_y);
        ImGui::SameLine();
        draw_plot_x_axis_combo(app);
        ImGui::SameLine();
        if (ImGui::Button(tr("Pin"))) {
            if (int(app.pinned.size()) == kMaxPinned) app.pinned.erase(app.pinned.begin());
            app.pinned.push_back({schedule_label(app.params), app.params, app.schedule});
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr("Keep this schedule as faint curves to compare (up to %d)"), kMaxPinned);
        if (!app.pinned.empty()) {
            ImGui::SameLine();
            if (ImGui::Button(tr("Clear pins"))) app.pinned.clear();
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("click or drag on a plot to set t"));

        const ImU32 colors[] = {IM_COL32(255, 160, 60, 255), IM_COL32(90, 160, 255, 255), IM_COL32(110, 210, 110, 255),
                                IM_COL32(240, 90, 90, 255)};
        const char* names[] = {"beta", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar"};
        auto columns = [](const ddpm::Schedule& s) {
            return std::array<std::span<const double>, 4>{s.beta, s.alpha_bar, s.sqrt_alpha_bar, s.sqrt_one_minus_alpha_bar};
        };
        std::vector<plot::Series> main, snr;
        // Each pinned schedule in its own hue, all its curves faint.
        const ImU32 pin_colors[kMaxPinned] = {IM_COL32(230, 230, 230, 255), IM_COL32(80, 220, 220, 255),
                                              IM_COL32(240, 220, 80, 255), IM_COL32(255, 120, 200, 255)};
        for (std::size_t p = 0; p < app.pinned.size(); ++p) {
            const auto& pin = app.pinned[p];
            const auto c = columns(pin.schedule);
            const int dash = int(p % 3) + 1;   // dashed, dotted, dash-dot: apart in grey print too
            for (int k = 0; k < 4; ++k) main.push_back({pin.name, pin.name + ": " + names[k], c[std::size_t(k)], pin_colors[p], true, dash});
            snr.push_back({pin.name, pin.name + ": log_snr", pin.schedule.log_snr, pin_colors[p], true, dash});
        }
        const auto c = columns(app.schedule);
        for (int k = 0; k < 4; ++k) main.push_back({names[k], "", c[std::size_t(k)], colors[k], false});
        snr.push_back({"log_snr = ln SNR", "", app.schedule.log_snr, IM_COL32(200, 140, 255, 255), false});
        // Each curve on the x axis by its own schedule (a pin's own T or log_snr).
        std::size_t k_main = 0, k_snr = 0;
        for (const auto& pin : app.pinned) {
            for (int k = 0; k < 4; ++k) plot::place_series(main[k_main++], pin.schedule, app.plot_x_axis);
            plot::place_series(snr[k_snr++], pin.schedule, app.plot_x_axis);
        }
        for (; k_main < main.size(); ++k_main) plot::place_series(main[k_main], app.schedule, app.plot_x_axis);
        plot::place_series(snr[k_snr], app.schedule, app.plot_x_axis);
        const plot::XAxis x_axis = plot::x_axis_for(app.schedule, app.plot_x_axis);

        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float w0 = std::floor((avail.x - spacing) * 0.6f);
        plot::plot("schedule", main, app.schedule.T(), app.t, app.log_y, ImVec2(w0, avail.y), app.sampling_ts,
                   &app.plot_axes[0], x_axis);
        ImGui::SameLine();
        plot::plot("log_snr", snr, app.schedule.T(), app.t, false, ImVec2(avail.x - w0 - spacing, avail.y),
                   app.sampling_ts, &app.plot_axes[1], x_axis);
    }
    ImGui::End();
}

void draw_status_line(App& app) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float h = ImGui::GetFrameHeight();
    ImGui::SetNextWindowPos(ImVec2(0, display.y - h));
    ImGui::SetNextWindowSize(ImVec2(display.x, h));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetStyle().FramePadding.x, ImGui::GetStyle().FramePadding.y));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (ImGui::Begin("##status", nullptr, flags)) {
        char right[160];
        std::snprintf(right, sizeof right, tr("%s  |  t %d / %d  |  %.1f ms"), schedule_label(app.params).c_str(), app.t,
                      app.schedule.T(), app.frame_ms);
        const float right_width = ImGui::CalcTextSize(right).x;
        ImGui::PushClipRect(ImGui::GetCursorScreenPos(),
                            ImVec2(ImGui::GetCursorScreenPos().x + display.x - right_width - 3 * h, display.y), true);
        if (app.status_is_error) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", app.status.c_str());
        else ImGui::TextUnformatted(app.status.c_str());
        ImGui::PopClipRect();
        ImGui::SameLine(display.x - right_width - h);
        ImGui::TextDisabled("%s", right);
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
}

bool open_path(App& app, const std::string& path) {
    if (is_session_path(path)) return open_session_file(app, path);
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext == ".json" || ext == ".JSON") return open_scheduler_config(app, path);   // a diffusers scheduler config
    if (!open_image_file(app, path)) return false;
    std::error_code ec;
    if (app.image_source.rfind("embedded:", 0) != 0) {
        add_recent(app.settings, std::filesystem::absolute(path, ec).lexically_normal().string());
        save_app_settings(app);
    }
    return true;
}

void draw_frame(App& app) {
    app.view_draw_count = 0;
    app.chain_nodes.new_frame();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    // A minimised window reports 0 x 0: keep the layout for when it comes back.
    if (display.x > 0 && display.y > 0) {
        if (app.display_size.x > 0 && (display.x != app.display_size.x || display.y != app.display_size.y))
            scale_panels(app.display_size, display);
        app.display_size = display;
    }
    if (app.file_dialog && app.file_dialog->done) {
        if (!app.file_dialog->path.empty()) app.pending_open = app.file_dialog->path;
        app.file_dialog.reset();
    }
    poll_export(app);
    // Before the panels, so this frame's layout already fits the new image.
    if (!app.pending_open.empty()) {
        open_path(app, app.pending_open);
        app.pending_open.clear();
    }
    handle_keys(app);
    advance_play(app, ImGui::GetIO().DeltaTime);
    if (app.presentation) {
        draw_presentation(app);
    } else {
        draw_menu_bar(app);
        draw_controls(app);
        draw_image_view(app);
        draw_plots(app);
        draw_distribution_view(app);
        draw_reparam_view(app);
        draw_how_it_works(app);
        draw_compare_view(app);
        draw_probe_window(app);
        draw_status_line(app);
        app.reset_layout = false;
    }

    apply_schedule_edits(app);
}
