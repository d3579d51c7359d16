// Placeholder until the window lands (issue 3): the main job prints the default schedule table.
#include "gui.h"

#include <cstdio>

#include "cli.h"

int run_gui(const GuiOptions& options) {
    auto schedule = ddpm::make_schedule(options.params);
    if (!schedule) return fail(kExitUsage, schedule.error());
    const std::string csv = ddpm::schedule_csv(*schedule);
    std::fwrite(csv.data(), 1, csv.size(), stdout);
    return 0;
}

int run_render(const GuiOptions&) { return fail(kExitFailure, "--render is not available yet"); }
