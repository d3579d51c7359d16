#include "panel_export.h"

#define GLFW_INCLUDE_NONE   // glad provides the GL declarations (through app.h)
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app.h"
#include "i18n.h"

namespace fs = std::filesystem;
using ddpm::ExportKind;

const std::vector<ExportChoice>& export_choices() {
    static const std::vector<ExportChoice> choices = {
        {ExportKind::Frame, N_("Current frame x_t (PNG)")},
        {ExportKind::Sequence, N_("Sequence of frames (PNG folder)")},
        {ExportKind::Filmstrip, N_("Filmstrip with labels (PNG)")},
        {ExportKind::Gif, N_("Animation (GIF)")},
        {ExportKind::Mp4, N_("Video (MP4, needs ffmpeg)")},
        {ExportKind::Npy, N_("x_t as floats (NumPy .npy)")},
        {ExportKind::Plot, N_("Schedule plot (PNG)")},
        {ExportKind::Plot, N_("ln SNR plot (PNG)"), true},
        {ExportKind::ScheduleCsv, N_("Schedule table (CSV)")},
        {ExportKind::ScheduleJson, N_("Schedule table (JSON)")},
    };
    return choices;
}

namespace {

const ExportChoice& choice_of(const ExportSettings& s) {
    const auto& c = export_choices();
    return c[std::size_t(std::clamp(s.kind, 0, int(c.size()) - 1))];
}

// "chelsea" for "embedded:chelsea.png" or "/photos/chelsea.png".
std::string image_stem(const App& app) {
    std::string source = app.image_source;
    if (const auto colon = source.find(':'); source.rfind("embedded:", 0) == 0) source = source.substr(colon + 1);
    const std::string stem = fs::path(source).stem().string();
    return stem.empty() ? "image" : stem;
}

bool uses_t_list(ExportKind k) {
    return k == ExportKind::Sequence || k == ExportKind::Filmstrip || k == ExportKind::Gif || k == ExportKind::Mp4 ||
           k == ExportKind::Npy;
}

}  // namespace

std::string default_export_ts(const App& app, const ExportSettings& s) {
    const int T = app.schedule.T();
    if (choice_of(s).kind == ExportKind::Filmstrip) {
        // The DDPM paper's forward-process figure: a few steps, dense where the image still shows.
        std::string list = "0";
        for (int d : {20, 10, 4, 2})
            if (T / d > 0) (list += ',') += std::to_string(T / d);
        (list += ',') += std::to_string(T);
        return list;
    }
    std::string range = "0:";   // appended, not "a" + b: GCC 12's false -Wrestrict
    ((range += std::to_string(T)) += ':') += std::to_string(std::max(1, T / 50));
    return range;
}

std::string default_export_out(const App& app, const ExportSettings& s) {
    // The schedule is in every name, so exports of two schedules never overwrite each other.
    const std::string slug = ddpm::schedule_slug(app.params);
    // Spaces and shell or path characters of the image's name become '_' (UTF-8 letters stay).
    std::string stem = image_stem(app);
    for (char& ch : stem)
        if (const auto u = static_cast<unsigned char>(ch); u < 0x80 && !std::isalnum(u) && ch != '.' && ch != '-' && ch != '_')
            ch = '_';
    stem += "_" + slug;
    const ExportChoice& c = choice_of(s);
    switch (c.kind) {
    case ExportKind::Frame: return stem + "_" + ddpm::sequence_file_name("x", app.t, app.schedule.T()).substr(2);
    case ExportKind::Sequence: return stem + "_frames/";
    case ExportKind::Filmstrip: return stem + "_filmstrip.png";
    case ExportKind::Gif: return stem + "_noising.gif";
    case ExportKind::Mp4: return stem + "_noising.mp4";
    case ExportKind::Npy: return stem + "_xt.npy";
    case ExportKind::Plot: return (c.log_snr_plot ? "log_snr_plot_" : "schedule_plot_") + slug + ".png";
    case ExportKind::ScheduleCsv: return "schedule_" + slug + ".csv";
    case ExportKind::ScheduleJson: return "schedule_" + slug + ".json";
    }
    return "export";
}

std::string export_out_path(const App& app, const ExportSettings& s) {
    const std::string out = s.out.empty() ? default_export_out(app, s) : s.out;
    if (s.folder.empty() || fs::path(out).is_absolute()) return out;
    return (fs::path(s.folder) / out).string();   // "a/" / "frames/" keeps the slash a sequence needs
}

namespace {
// The panel, created with the remembered folder on first use.
ExportPanel& panel_of(App& app) {
    if (!app.export_panel) {
        app.export_panel = std::make_unique<ExportPanel>();
        app.export_panel->settings.folder = app.settings.export_folder;
    }
    return *app.export_panel;
}

std::string expand_home(const std::string& path) {
    const char* home = std::getenv("HOME");
    if (home && (path == "~" || path.rfind("~/", 0) == 0)) return home + path.substr(1);
    return path;
}
}  // namespace

bool set_export_folder(App& app, const std::string& path) {
    std::error_code ec;
    const fs::path folder = fs::absolute(expand_home(path), ec).lexically_normal();
    char text[1200];
    if (path.empty() || ec || !fs::is_directory(folder, ec)) {
        std::snprintf(text, sizeof text, fs::exists(folder, ec) ? tr("%s is not a folder; choose a folder for the exports")
                                                               : tr("%s does not exist; choose an existing folder for the exports"),
                      path.c_str());
        app.status = text;
        app.status_is_error = true;
        return false;
    }
    std::string name = folder.string();
    if (name.size() > 1 && name.back() == '/') name.pop_back();   // "/tmp/x/." normalises to "/tmp/x/"
    panel_of(app).settings.folder = name;
    app.settings.export_folder = name;
    save_app_settings(app);
    std::snprintf(text, sizeof text, tr("Exports go to %s"), name.c_str());
    app.status = text;
    app.status_is_error = false;
    return true;
}

ddpm::Result<ddpm::ExportRequest> make_export_request(const App& app, const ExportSettings& s) {
    const ExportChoice& c = choice_of(s);
    ddpm::ExportRequest r;
    r.kind = c.kind;
    r.params = app.params;
    r.seed = app.seed;
    r.view = app.view;
    r.out = export_out_path(app, s);
    r.max_side = std::max(0, s.max_side);
    if (ddpm::export_needs_image(r.kind)) {
        if (app.x0.empty()) return ddpm::Error{tr("open an image first")};
        r.x0 = app.x0;
        r.input_path = app.image_source;
        r.input_hash = app.image_hash;
        r.name = image_stem(app);
    }
    if (uses_t_list(r.kind)) {
        auto ts = ddpm::parse_t_list(s.ts.empty() ? default_export_ts(app, s) : s.ts, app.schedule.T());
        if (!ts) return ddpm::Error{tr("timesteps: ") + ts.error()};
        r.ts = std::move(*ts);
    } else if (r.kind == ExportKind::Frame) {
        r.ts = {app.t};
    }
    if (r.kind == ExportKind::Sequence && r.out.back() != '/') r.out += '/';
    r.filmstrip.columns = std::max(0, s.columns);
    r.filmstrip.gap = std::clamp(s.gap, 0, 1000);
    r.filmstrip.labels = s.labels != 0;
    r.filmstrip.extra = s.labels == 2 ? ddpm::FilmstripLabel::AlphaBar
                        : s.labels == 3 ? ddpm::FilmstripLabel::Snr
                                        : ddpm::FilmstripLabel::None;
    // The same rounding as the command line's --fps.
    r.gif.delay_cs = int(std::lround(100.0 / std::clamp(s.fps, 1, 50)));
    r.gif.loop = std::max(0, s.loop);
    r.video.fps = std::clamp(s.fps, 1, 240);
    if (r.kind == ExportKind::Gif || r.kind == ExportKind::Mp4) {
        r.animation_labels = {s.label_t, s.label_alpha_bar, s.label_snr, s.label_schedule};
        r.hold_first = s.hold_first, r.hold_last = s.hold_last;
    }
    // What the window's plots show: beta and the alpha_bar family on the left, log SNR on the right.
    if (c.log_snr_plot) r.plot.curves = {"log_snr"};
    else r.plot.curves = {"beta", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar"};
    r.plot.marker_t = app.t;
    // As the window draws them: its x axis and pins.
    r.plot.x_axis = app.plot_x_axis;
    for (const auto& pin : app.pinned) r.plot.pins.push_back(pin.params);
    return r;
}

ExportPanel::~ExportPanel() {
    cancel = true;
    if (job.valid()) job.wait();
}

namespace {

void start_job(App& app, ExportPanel& p, ddpm::ExportRequest request) {
    // Exported labels use the window's faces, in its language; read here, not at start-up (~12 ms).
    if (!app.export_fonts_loaded) use_fonts_for_exports(app.fonts), app.export_fonts_loaded = true;
    p.done = 0;
    p.total = ddpm::export_needs_image(request.kind) ? int(request.ts.size()) : 1;
    p.cancel = false;
    p.started = std::chrono::steady_clock::now();
    char text[1024];
    std::snprintf(text, sizeof text, tr("Exporting to %s ..."), request.out.c_str());
    app.status = text;
    app.status_is_error = false;
    p.job = std::async(std::launch::async, [&p, request = std::move(request)] {
        ddpm::ExportControl control;
        control.cancel = &p.cancel;
        control.progress = [&p](int done, int total) {
            p.done = done, p.total = total;
            // Wake the idle window so the bar moves, ten times a second: each wake costs a frame
            // that competes with the export for the CPU.
            const auto now = std::chrono::steady_clock::now();
            if (now - p.last_wake > std::chrono::milliseconds(100)) {
                p.last_wake = now;
                glfwPostEmptyEvent();
            }
        };
        auto result = ddpm::run_export(request, control);
        glfwPostEmptyEvent();
        return result;
    });
}

void finish_job(App& app, ExportPanel& p) {
    auto result = p.job.get();
    if (!result && p.cancel) {
        app.status = tr("Export cancelled; no files were written or replaced");
        app.status_is_error = false;
        return;
    }
    if (!result) {
        app.status = std::string(tr("Export failed: ")) + result.error();
        app.status_is_error = true;
        return;
    }
    const auto& files = result->files;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - p.started).count();
    // Absolute: the window's working folder is not on screen.
    std::error_code ec;
    const fs::path first = fs::absolute(files[0], ec).lexically_normal();
    char text[2048];
    if (files.size() > 2)
        std::snprintf(text, sizeof text, tr("Exported %zu files to %s in %.1f s"), files.size() - 1,
                      first.parent_path().string().c_str(), seconds);
    else
        std::snprintf(text, sizeof text, tr("Exported %s in %.1f s (with %s)"), first.string().c_str(), seconds,
                      fs::path(files.back()).filename().string().c_str());
    app.status = text;
    app.status_is_error = false;
}

void draw_progress(ExportPanel& p) {
    const int done = p.done, total = std::max(1, p.total.load());
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - p.started).count();
    char overlay[96];
    if (done > 0 && done < total)
        std::snprintf(overlay, sizeof overlay, tr("%d / %d frames, about %.0f s left"), done, total,
                      std::ceil(elapsed * (total - done) / done));
    else
        std::snprintf(overlay, sizeof overlay, done >= total ? tr("%d / %d frames, writing files") : tr("%d / %d frames"), done, total);
    ImGui::ProgressBar(float(done) / float(total), ImVec2(-1, 0), overlay);
    if (p.cancel) ImGui::TextDisabled("%s", tr("Cancelling; removing what was written ..."));
    else if (ImGui::Button(tr("Cancel"))) p.cancel = true;
}

void draw_replace_popup(App& app, ExportPanel& p) {
    const std::string title = std::string(tr("Replace files?")) + "###replace-files";
    if (!p.clashes.empty() && !ImGui::IsPopupOpen(title.c_str())) ImGui::OpenPopup(title.c_str());
    if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    if (p.clashes.size() == 1) ImGui::Text(tr("%s already exists."), p.clashes[0].c_str());
    else ImGui::Text(tr("%zu files already exist, for example %s."), p.clashes.size(), p.clashes[0].c_str());
    ImGui::TextUnformatted(tr("Replace them?"));
    if (ImGui::Button(tr("Replace"))) {
        p.pending.overwrite = true;
        p.clashes.clear();
        start_job(app, p, std::move(p.pending));
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Keep them")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        p.clashes.clear();
        app.status = tr("Export not started: the files exist");
        app.status_is_error = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

// The folder's start: the chosen one, else the current folder.
std::string chooser_start(const ExportPanel& p) {
    if (!p.settings.folder.empty()) return p.settings.folder + "/";
    std::error_code ec;
    return fs::current_path(ec).string() + "/";
}

void start_choose_folder(ExportPanel& p) {
    if (p.folder_dialog) return;
    if (!has_zenity()) {
        p.show_folder_popup = true;
        p.folder_field = chooser_start(p);
        p.folder_error.clear();
        return;
    }
    p.folder_dialog = std::make_shared<FileDialog>();
    std::thread([dialog = p.folder_dialog, start = chooser_start(p)] {
        dialog->path = run_zenity(true, tr("Export to which folder?"), start);
        dialog->done = true;
        glfwPostEmptyEvent();
    }).detach();
}

void start_export(App& app, ExportPanel& p);

// zenity's answer, or the popup's: the folder, then the export that was waiting for it.
void folder_chosen(App& app, ExportPanel& p, const std::string& path) {
    const bool go = p.export_after_folder;
    p.export_after_folder = false;
    if (!path.empty() && set_export_folder(app, path) && go) start_export(app, p);
}

// The built-in chooser (no zenity): a path field, Enter submits, the popup stays until it is a folder.
void draw_folder_popup(App& app, ExportPanel& p) {
    const std::string title = std::string(tr("Export folder")) + "###export-folder";
    if (p.show_folder_popup) {
        ImGui::OpenPopup(title.c_str());
        p.show_folder_popup = false;
    }
    if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(tr("Folder to write the exports into:"));
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    const bool enter = ImGui::InputText("##folder", &p.folder_field, ImGuiInputTextFlags_EnterReturnsTrue);
    if (!p.folder_error.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", p.folder_error.c_str());
        ImGui::PopTextWrapPos();
    }
    if (ImGui::Button(tr("Choose")) || enter) {
        if (set_export_folder(app, p.folder_field)) {
            p.folder_error.clear();
            ImGui::CloseCurrentPopup();
            const bool go = p.export_after_folder;
            p.export_after_folder = false;
            if (go) start_export(app, p);
        } else {
            p.folder_error = app.status;
        }
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Cancel")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        p.export_after_folder = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void start_export(App& app, ExportPanel& p) {
    auto request = make_export_request(app, p.settings);
    if (!request) {
        app.status = std::string(tr("Export: ")) + request.error();
        app.status_is_error = true;
        return;
    }
    std::error_code ec;
    p.clashes.clear();
    for (const auto& f : ddpm::export_targets(*request))
        if (fs::exists(f, ec)) p.clashes.push_back(f);
    if (p.clashes.empty()) start_job(app, p, std::move(*request));
    else p.pending = std::move(*request);
}

}  // namespace

void poll_export(App& app) {
    ExportPanel* p = app.export_panel.get();
    if (p && p->job.valid() && p->job.wait_for(std::chrono::seconds(0)) == std::future_status::ready) finish_job(app, *p);
}

void draw_export_panel(App& app) {
    ExportPanel& p = panel_of(app);
    if (p.folder_dialog && p.folder_dialog->done) {
        const std::string path = p.folder_dialog->path;
        p.folder_dialog.reset();
        if (path.empty()) p.export_after_folder = false;   // cancelled
        folder_chosen(app, p, path);
    }
    if (!ImGui::CollapsingHeader((std::string(tr("Export")) + "###export-section").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;

    ExportSettings& s = p.settings;
    const bool running = p.job.valid();
    ImGui::BeginDisabled(running);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##kind", tr(choice_of(s).label))) {
        for (int i = 0; i < int(export_choices().size()); ++i)
            if (ImGui::Selectable(tr(export_choices()[i].label), i == s.kind) && i != s.kind) {
                s.kind = i;
                s.out.clear();   // the new kind's default name
                s.ts.clear();
                const ExportKind k = choice_of(s).kind;
                if ((k == ExportKind::Gif || k == ExportKind::Mp4) && s.max_side == 0) s.max_side = kSlideMaxSide;
            }
        ImGui::EndCombo();
    }
    const ExportKind kind = choice_of(s).kind;
    // The folder: where relative names go, asked for on the first export.
    if (ImGui::Button(p.folder_dialog ? tr("Choosing...") : tr("Folder..."))) start_choose_folder(p);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Choose the folder the exports are written into"));
    ImGui::SameLine();
    if (s.folder.empty()) ImGui::TextDisabled("%s", tr("not chosen yet: Export asks"));
    else text_ellipsized(s.folder);
    ImGui::InputTextWithHint(tr("file"), default_export_out(app, s).c_str(), &s.out);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", kind == ExportKind::Sequence ? tr("A folder: one PNG per t, NAME_t0000.png") : tr("The output file; empty: the grey name"));
    if (uses_t_list(kind)) {
        ImGui::InputTextWithHint(tr("timesteps"), default_export_ts(app, s).c_str(), &s.ts);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("A number (500), a list (0,250,500) or START:STOP:STEP (0:1000:25)"));
        if (!s.ts.empty())
            if (auto ts = ddpm::parse_t_list(s.ts, app.schedule.T()); !ts) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", ts.error().c_str());
    } else if (kind == ExportKind::Frame) {
        ImGui::TextDisabled(app.view == "equation" ? tr("t = %d, seed %u: x0 + eps = x_t as in the view")
                                                   : tr("t = %d, seed %u, at the image's resolution"),
                            app.t, app.seed);
    }
    if (ddpm::export_needs_image(kind)) {
        ImGui::InputInt(tr("max side"), &s.max_side, 64, 256);
        s.max_side = std::clamp(s.max_side, 0, ddpm::kMaxImageSide);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Downsize the image so its longer side is at most this (0: full size)"));
    }
    if (kind == ExportKind::Filmstrip) {
        ImGui::InputInt(tr("columns"), &s.columns);
        s.columns = std::max(0, s.columns);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Tiles per row; 0: all in one row"));
        ImGui::SliderInt(tr("gap"), &s.gap, 0, 64, tr("%d px"));
        const char* labels[] = {tr("none"), "t", tr("t and alpha_bar"), tr("t and SNR")};
        ImGui::Combo(tr("labels"), &s.labels, labels, 4);
    }
    if (kind == ExportKind::Gif || kind == ExportKind::Mp4) {
        ImGui::SliderInt(tr("frames/s"), &s.fps, 1, kind == ExportKind::Gif ? 50 : 60);
        if (kind == ExportKind::Gif) {
            ImGui::InputInt(tr("plays"), &s.loop);
            s.loop = std::clamp(s.loop, 0, 65535);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("How many times the animation plays; 0: for ever"));
        }
        ImGui::TextUnformatted(tr("labels"));
        ImGui::SameLine();
        ImGui::Checkbox("t", &s.label_t);
        ImGui::SameLine();
        ImGui::Checkbox("alpha_bar", &s.label_alpha_bar);
        ImGui::SameLine();
        ImGui::Checkbox(tr("SNR"), &s.label_snr);
        ImGui::SameLine();
        ImGui::Checkbox(tr("schedule"), &s.label_schedule);
        ImGui::SliderFloat(tr("hold first"), &s.hold_first, 0, 5, tr("%.1f s"));
        ImGui::SliderFloat(tr("hold last"), &s.hold_last, 0, 5, tr("%.1f s"));
        // Before starting: the size it will have, when that is more than a slide wants.
        if (auto request = make_export_request(app, s); request) {
            const double side = request->max_side > 0
                                    ? std::min(1.0, double(request->max_side) / std::max(app.x0.width, app.x0.height))
                                    : 1.0;
            const double bytes = ddpm::estimated_animation_bytes(kind, int64_t(request->ts.size()), int(app.x0.width * side),
                                                                 int(app.x0.height * side));
            if (bytes > 50e6) {
                ImGui::PushTextWrapPos(0);
                ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), tr("About %lld MB: a smaller max side or fewer timesteps keeps it slide-sized"),
                                   static_cast<long long>(bytes / 1e6));
                ImGui::PopTextWrapPos();
            }
        }
    }
    if (ImGui::Button((std::string(tr("Export")) + "###go").c_str(), ImVec2(-1, 0))) {   // ###go: the header above is "Export" too
        // Nothing is written into the current folder unasked: a relative name waits for a folder.
        const std::string out = s.out.empty() ? default_export_out(app, s) : s.out;
        if (s.folder.empty() && fs::path(out).is_relative()) {
            p.export_after_folder = true;
            start_choose_folder(p);
        } else {
            start_export(app, p);
        }
    }
    ImGui::EndDisabled();
    draw_replace_popup(app, p);
    draw_folder_popup(app, p);
    if (p.job.valid()) draw_progress(p);
}
