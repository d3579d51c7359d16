// Every example of README.md and of --help runs as written, each in an empty folder: the headless ones
// (schedule, export, stats, toy, --render) are run; the window's examples need a display (the GUI tests cover
// those flags) and are only counted. An example reading scheduler_config.json gets a real one to read.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "run.h"

namespace {

bool headless(const std::string& args) {
    return args.rfind("schedule", 0) == 0 || args.rfind("export", 0) == 0 || args.rfind("stats", 0) == 0 ||
           args.rfind("toy", 0) == 0 || args.find("--render") != std::string::npos ||
           args.find("--help") != std::string::npos || args.find("--version") != std::string::npos;
}

// "ddpm-viz ARGS" lines: README code blocks (4-space indent) or --help's "  ddpm-viz ARGS   what".
std::vector<std::string> examples(const std::string& text, bool help) {
    std::vector<std::string> out;
    std::istringstream in(text);
    const std::regex readme("^    ddpm-viz(.*?)(\\s+#.*)?$"), from_help("^  ddpm-viz(.*?)(\\s{3,}\\S.*)?$");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, help ? from_help : readme)) {
            std::string args = m[1].str();
            args.erase(0, args.find_first_not_of(' '));
            // The synopsis lines ("ddpm-viz [IMAGE] ...") are not examples.
            if (args.find('[') == std::string::npos && args.find('|') == std::string::npos) out.push_back(args);
        }
    }
    return out;
}

void run_all(const std::vector<std::string>& list, int min_headless) {
    int ran = 0;
    for (const auto& args : list) {
        if (!headless(args)) continue;
        test::TempDir dir;   // each in its own empty folder, as a reader trying one would
        // Examples that read the reader's own diffusers scheduler_config.json get Stable Diffusion 1.5's.
        if (args.find("scheduler_config.json") != std::string::npos)
            std::filesystem::copy_file(std::string(DDPM_SOURCE_DIR) + "/tests/fixtures/schedulers/sd15.json",
                                       dir.path / "scheduler_config.json");
        INFO("ddpm-viz " << args);
        const auto r = test::run_viz(args, "cd '" + dir.path.string() + "' &&");
        INFO(r.err);
        CHECK(r.code == 0);
        ++ran;
    }
    CHECK(ran >= min_headless);
}

}  // namespace

TEST_CASE("every headless example in README.md runs as written") {
    const auto list = examples(test::slurp(std::string(DDPM_SOURCE_DIR) + "/README.md"), false);
    REQUIRE(list.size() >= 12);
    run_all(list, 10);
}

TEST_CASE("every example in --help and export --help runs as written") {
    std::vector<std::string> list;
    for (const char* help : {"--help", "export --help", "schedule --help", "stats --help", "toy --help"}) {
        const auto r = test::run_viz(help);
        REQUIRE(r.code == 0);
        for (const auto& e : examples(r.out, true)) list.push_back(e);
    }
    REQUIRE(list.size() >= 10);
    run_all(list, 8);
}
