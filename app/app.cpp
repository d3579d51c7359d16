#include "app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <utility>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "ddpm/embedded.h"
#include "i18n.h"

namespace {
// False when the GPU refused the image; x0 stays.
bool set_image(App& app, ddpm::Image image, std::string source, uint64_t hash) {
    std::string note;
    if (ddpm::Status s = app.renderer.upload(image, &note); !s) {
        app.status = source + ": " + s.error;
        app.status_is_error = true;
        // The renderer lost the previous texture only if it failed after replacing it; restore it.
        if (!app.x0.empty()) app.renderer.upload(app.x0, &app.gpu_note);
        return false;
    }
    app.x0 = std::move(image);
    app.image_source = std::move(source);
    app.image_hash = hash;
    app.gpu_note = note;
    app.xt_target_valid = false;
    app.image_view.fit = true;
    app.status_is_error = false;
    char text[1024];
    std::snprintf(text, sizeof text, note.empty() ? tr("Opened %s (%dx%d)") : tr("Opened %s (%dx%d); %s"),
                  app.image_source.c_str(), app.x0.width, app.x0.height, note.c_str());
    app.status = text;
    return true;
}
}  // namespace

ddpm::Result<LoadedImage> load_image_file(const std::string& path, const ddpm::ImageLimits& limits) {
    auto bytes = ddpm::read_file(path);
    if (!bytes) return ddpm::Error{bytes.error()};
    auto image = ddpm::decode_image(bytes->data(), bytes->size(), path, limits);
    if (!image) return ddpm::Error{image.error()};
    return LoadedImage{std::move(*image), path, ddpm::fnv1a64(bytes->data(), bytes->size())};
}

ddpm::Result<LoadedImage> load_embedded_image(const char* name) {
    const ddpm::EmbeddedFile* file = ddpm::find_embedded(ddpm::embedded_assets(), name);
    if (!file) return ddpm::Error{std::string("no embedded image named ") + name};
    auto image = ddpm::decode_image(file->data, file->size, name);
    if (!image) return ddpm::Error{image.error()};
    return LoadedImage{std::move(*image), std::string("embedded:") + name, ddpm::fnv1a64(file->data, file->size)};
}

std::string embedded_sample_name(const std::string& argument) {
    std::string name = argument.rfind("embedded:", 0) == 0 ? argument.substr(9) : argument;
    if (name.find('.') == std::string::npos) name += ".png";
    return ddpm::find_embedded(ddpm::embedded_assets(), name.c_str()) ? name : std::string();
}

namespace {
// A file of that name wins: a photo called "coffee" in the current folder is the user's.
template <class Embedded, class File>
auto load_argument(const std::string& argument, Embedded embedded, File file) -> decltype(file(argument)) {
    std::error_code ec;
    const bool is_file = std::filesystem::exists(argument, ec);
    if (!is_file)
        if (const std::string sample = embedded_sample_name(argument); !sample.empty()) return embedded(sample);
    auto loaded = file(argument);
    if (!loaded && !is_file) return ddpm::Error{loaded.error() + " (the embedded samples are chelsea, astronaut and coffee)"};
    return loaded;
}
}  // namespace

ddpm::Result<LoadedImage> load_image_argument(const std::string& argument, const ddpm::ImageLimits& limits) {
    return load_argument(
        argument, [](const std::string& sample) { return load_embedded_image(sample.c_str()); },
        [&](const std::string& path) { return load_image_file(path, limits); });
}

ddpm::Result<ddpm::CompactImage> load_image_argument_compact(const std::string& argument, const ddpm::ImageLimits& limits,
                                                             std::string& source) {
    return load_argument(
        argument,
        [&](const std::string& sample) -> ddpm::Result<ddpm::CompactImage> {
            const ddpm::EmbeddedFile* file = ddpm::find_embedded(ddpm::embedded_assets(), sample.c_str());
            source = "embedded:" + sample;
            return ddpm::decode_image_compact(file->data, file->size, sample);
        },
        [&](const std::string& path) {
            source = path;
            return ddpm::load_image_compact(path, limits);
        });
}

namespace {
bool open_loaded(App& app, ddpm::Result<LoadedImage> loaded) {
    if (!loaded) {
        app.status = loaded.error();
        app.status_is_error = true;
        return false;
    }
    return set_image(app, std::move(loaded->image), std::move(loaded->source), loaded->hash);
}
}  // namespace

bool open_image_file(App& app, const std::string& path) {
    return open_loaded(app, load_image_argument(path, app.image_limits));
}
bool open_embedded_image(App& app, const char* name) { return open_loaded(app, load_embedded_image(name)); }

std::vector<const char*> sample_image_names() {
    std::vector<const char*> names;
    for (const auto& f : ddpm::embedded_assets()) names.push_back(f.name);
    // chelsea, the default, first.
    std::stable_partition(names.begin(), names.end(), [](const char* n) { return std::string(n) == "chelsea.png"; });
    return names;
}

void apply_schedule_edits(App& app) {
    if (app.edit == app.params) {
        app.schedule_error.clear();
        return;
    }
    auto schedule = ddpm::make_schedule(app.edit);
    if (!schedule) {
        app.schedule_error = schedule.error();
        return;
    }
    app.params = app.edit;
    app.schedule = std::move(*schedule);
    app.schedule_error.clear();
    app.t = std::min(app.t, app.schedule.T());
}

void set_t(App& app, int t) { app.t = std::clamp(t, 0, app.schedule.T()); }

void save_app_settings(App& app) {
    if (app.settings_path.empty()) return;
    if (ddpm::Status s = save_settings(app.settings_path, app.settings); !s) {
        app.status = s.error;
        app.status_is_error = true;
    }
}

void set_user_scale(App& app, float scale) {
    scale = std::clamp(scale, kMinUiScale, kMaxUiScale);
    if (scale == app.user_scale) return;
    app.user_scale = app.settings.ui_scale = scale;
    app.fonts_stale = true;
    app.reset_layout = true;   // the first-use layout at the new size
    save_app_settings(app);
}

void set_app_language(App& app, const std::string& code) {
    std::string why;
    if (!i18n::set_language(code, &why)) {
        app.status = why;
        app.status_is_error = true;
    }
    app.settings.language = code;
    app.fonts_stale = true;
    save_app_settings(app);
}

void handle_keys(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
    // Ctrl +/-/0 and F11 work everywhere, even while a field has the keyboard.
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)))
        set_user_scale(app, next_ui_scale(app.user_scale, +1));
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)))
        set_user_scale(app, next_ui_scale(app.user_scale, -1));
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_0, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_0, false))) set_user_scale(app, 1);
    if (ImGui::IsKeyPressed(GLFW_KEY_F11, false)) {
        app.presentation = !app.presentation;
        app.fonts_stale = true;
    }
    if (app.presentation && !io.WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) &&
        !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
        app.presentation = false;
        app.fonts_stale = true;
    }
    // Typing into a field, or a menu or modal ("Replace files?") is open: the keys are theirs.
    if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
    const int step = io.KeyShift ? 10 : 1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) set_t(app, app.t - step);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) set_t(app, app.t + step);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) set_t(app, 0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) set_t(app, app.schedule.T());
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) toggle_play(app);
}

void toggle_play(App& app) {
    app.playing = !app.playing;
    app.play_carry = 0;
    app.play_started = app.playing;
    if (app.playing && app.t >= app.schedule.T()) app.t = 0;
}

void advance_play(App& app, float seconds) {
    // The first frame's time includes the idle wait before Play (up to 0.25 s): the clock starts now.
    if (!app.playing || std::exchange(app.play_started, false)) return;
    app.play_carry += double(seconds) * app.play_speed;
    const int steps = int(app.play_carry);
    app.play_carry -= steps;
    int t = app.t + steps;
    if (t > app.schedule.T()) {
        if (app.loop) {
            t = 0;
        } else {
            t = app.schedule.T();
            app.playing = false;
        }
    }
    app.t = t;
}

const ddpm::ChainSchedule& app_chain(App& app) {
    if (!app.chain_built || !(app.chain_params == app.params) || app.chain.T != app.schedule.T()) {
        app.chain = ddpm::make_chain_schedule(app.schedule);
        app.chain_params = app.params;
        app.chain_built = true;
    }
    return app.chain;
}

ddpm::gpu::XtUniforms app_xt_uniforms(App& app, int t, ddpm::Process process) {
    if (process == ddpm::Process::Chain) {
        if (app.renderer.width() == 0) return ddpm::gpu::chain_xt_uniforms(app_chain(app), t, app.seed);
        return app.chain_nodes.xt_uniforms(app.renderer, app_chain(app), t, app.seed);
    }
    return ddpm::gpu::xt_uniforms(app.schedule, t, app.seed);
}

ddpm::gpu::XtUniforms app_xt_uniforms(App& app, int t) { return app_xt_uniforms(app, t, app.process); }
