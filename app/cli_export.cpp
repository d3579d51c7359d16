// `ddpm-viz export`: x_t of an image computed on the CPU, written as PNG.
#include <memory>

#include "cli.h"
#include "ddpm/image.h"
#include "ddpm/noise.h"
#include "ddpm/png.h"

void add_export_command(CLI::App& app, int& exit_code) {
    struct Flags {
        ScheduleFlags schedule;
        std::string image, out;
        int t = 0;
        uint32_t seed = 0;
        bool force = false;
    };
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = app.add_subcommand("export", "Write x_t of IMAGE, computed on the CPU, as a PNG of the same size");
    cmd->add_option("IMAGE", f->image, "Input image (PNG, JPEG, BMP, TGA, GIF)")->required();
    f->schedule.add_to(*cmd);
    cmd->add_option("--t", f->t, "Timestep, 0 (the clean image) to T")->required();
    add_seed_option(*cmd, f->seed);
    cmd->add_option("--out", f->out, "Output PNG file")->required();
    cmd->add_flag("--force", f->force, "Replace --out if it exists");
    cmd->callback([f, &exit_code] {
        auto params = f->schedule.params();
        if (!params) return void(exit_code = fail(kExitUsage, params.error()));
        auto schedule = ddpm::make_schedule(*params);
        if (!schedule) return void(exit_code = fail(kExitUsage, schedule.error()));
        if (f->t < 0 || f->t > schedule->T())
            return void(exit_code = fail(kExitUsage, "--t " + std::to_string(f->t) + " is outside 0.." +
                                                        std::to_string(schedule->T())));
        auto x0 = ddpm::load_image(f->image);
        if (!x0) return void(exit_code = fail(kExitFailure, x0.error()));
        const ddpm::Image xt = ddpm::q_sample(*x0, *schedule, f->t, f->seed);
        auto status = ddpm::write_png(f->out, ddpm::to_rgb8(xt), f->force);
        exit_code = status ? 0 : fail(kExitFailure, status.error);
    });
}
