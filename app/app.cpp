#include "app.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ddpm/embedded.h"

namespace {
// False when the GPU refused the image; x0 stays.
bool set_image(App& app, ddpm::Image image, std::string source, std::vector<uint8_t> bytes) {
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
    app.image_bytes = std::move(bytes);
    app.gpu_note = note;
    app.xt_target_valid = false;
    app.image_view.fit = true;
    app.status_is_error = false;
    app.status = "Opened " + app.image_source + " (" + std::to_string(app.x0.width) + "x" +
                 std::to_string(app.x0.height) + ")" + (note.empty() ? "" : "; " + note);
    return true;
}
}  // namespace

ddpm::Result<LoadedImage> load_image_file(const std::string& path, const ddpm::ImageLimits& limits) {
    auto bytes = ddpm::read_file(path);
    if (!bytes) return ddpm::Error{bytes.error()};
    auto image = ddpm::decode_image(bytes->data(), bytes->size(), path, limits);
    if (!image) return ddpm::Error{image.error()};
    return LoadedImage{std::move(*image), path, std::move(*bytes)};
}

ddpm::Result<LoadedImage> load_embedded_image(const char* name) {
    const ddpm::EmbeddedFile* file = ddpm::find_embedded(ddpm::embedded_assets(), name);
    if (!file) return ddpm::Error{std::string("no embedded image named ") + name};
    auto image = ddpm::decode_image(file->data, file->size, name);
    if (!image) return ddpm::Error{image.error()};
    return LoadedImage{std::move(*image), std::string("embedded:") + name,
                       std::vector<uint8_t>(file->data, file->data + file->size)};
}

namespace {
bool open_loaded(App& app, ddpm::Result<LoadedImage> loaded) {
    if (!loaded) {
        app.status = loaded.error();
        app.status_is_error = true;
        return false;
    }
    return set_image(app, std::move(loaded->image), std::move(loaded->source), std::move(loaded->bytes));
}
}  // namespace

bool open_image_file(App& app, const std::string& path) {
    return open_loaded(app, load_image_file(path, app.image_limits));
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

void handle_keys(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
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
    if (process == ddpm::Process::Chain) return ddpm::gpu::chain_xt_uniforms(app_chain(app), t, app.seed);
    return ddpm::gpu::xt_uniforms(app.schedule, t, app.seed);
}

ddpm::gpu::XtUniforms app_xt_uniforms(App& app, int t) { return app_xt_uniforms(app, t, app.process); }
