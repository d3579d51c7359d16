// Play: t advances by play_speed steps a second, counted from when play starts.
#include <catch2/catch.hpp>

#include "app.h"

TEST_CASE("Play starts its clock when it starts: an idle wait before it does not jump t", "[play]") {
    App app;
    app.schedule = *ddpm::make_schedule(ddpm::ScheduleParams{});
    app.t = 100;
    app.play_speed = 250;
    advance_play(app, 0.1f);   // paused: nothing moves
    CHECK(app.t == 100);

    toggle_play(app);
    advance_play(app, 0.25f);   // the frame play started in, after a 0.25 s idle wait
    CHECK(app.t == 100);
    advance_play(app, 0.1f);
    CHECK(app.t == 125);
    advance_play(app, 0.002f);   // half a step is kept for the next frame
    advance_play(app, 0.002f);
    CHECK(app.t == 126);

    toggle_play(app);   // pause, then play again after a long wait
    CHECK_FALSE(app.playing);
    toggle_play(app);
    advance_play(app, 0.25f);
    CHECK(app.t == 126);

    app.t = app.schedule.T();   // playing from the end starts again at 0
    toggle_play(app);
    toggle_play(app);
    CHECK(app.t == 0);
}
