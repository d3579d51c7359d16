// Build tool: writes ddpm-viz's icon as PNG at the sizes the hicolor theme installs.
// make-icon OUT_DIR SIZE...  ->  OUT_DIR/SIZExSIZE/apps/ddpm-viz.png
#include <cstdio>
#include <filesystem>
#include <string>

#include "ddpm/png.h"
#include "icon.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: make-icon OUT_DIR SIZE...\n");
        return 2;
    }
    for (int i = 2; i < argc; ++i) {
        const int size = std::stoi(argv[i]);
        const auto dir = std::filesystem::path(argv[1]) / (std::to_string(size) + "x" + std::to_string(size)) / "apps";
        std::filesystem::create_directories(dir);
        if (ddpm::Status s = ddpm::write_png((dir / "ddpm-viz.png").string(), draw_icon(size), true); !s) {
            std::fprintf(stderr, "make-icon: %s\n", s.error.c_str());
            return 1;
        }
    }
    return 0;
}
