// The window's keys against real ImGui frames (a context without a backend: no window needed).
#include <catch2/catch.hpp>

#include "app.h"

namespace {

// An ImGui context able to run frames: a display size and a built font atlas.
struct Frames {
    Frames() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(800, 600);
        io.DeltaTime = 1.0f / 60;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;
    }
    ~Frames() { ImGui::DestroyContext(); }
    // A frame in which `key` goes down, then one in which it is up; `modal` keeps the export's
    // question open (a popup stays open only while it is submitted each frame).
    void press(App& app, ImGuiKey key, bool modal) {
        ImGuiIO& io = ImGui::GetIO();
        for (bool down : {true, false}) {
            io.KeysDown[key] = down;
            ImGui::NewFrame();
            handle_keys(app);
            if (modal && !ImGui::IsPopupOpen("Replace files?")) ImGui::OpenPopup("Replace files?");
            if (ImGui::BeginPopupModal("Replace files?")) ImGui::EndPopup();
            ImGui::EndFrame();
        }
    }
};

void set_up(App& app, int t) {
    app.schedule = *ddpm::make_schedule(ddpm::ScheduleParams{});
    app.t = t;
}

}  // namespace

TEST_CASE("Right, Left and Space move t, except behind a modal", "[keys]") {
    Frames frames;
    App app;
    set_up(app, 100);
    frames.press(app, ImGuiKey_RightArrow, false);
    CHECK(app.t == 101);
    frames.press(app, ImGuiKey_LeftArrow, false);
    CHECK(app.t == 100);

    frames.press(app, ImGuiKey_RightArrow, true);   // opens the modal; the keys of the next frames go to it
    CHECK(app.t == 101);
    frames.press(app, ImGuiKey_RightArrow, true);
    frames.press(app, ImGuiKey_LeftArrow, true);
    frames.press(app, ImGuiKey_LeftArrow, true);
    frames.press(app, ImGuiKey_Space, true);
    CHECK(app.t == 101);
    CHECK_FALSE(app.playing);
}
