// No silent loss: short writes to stdout, a folder given as a file, signals mid-export and the
// temporaries of killed exports.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "run.h"

extern char** environ;

namespace {

const std::string kCat = DDPM_SOURCE_DIR "/assets/chelsea.png";

bool has_temporary(const std::string& dir) {
    for (const auto& name : test::listing(dir))
        if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") return true;
    return false;
}

// Starts a long sequence export into dir/seq/, waits until its first temporary file exists, sends
// sig and returns the exit status.
int interrupt_export(const test::TempDir& dir, int sig) {
    const std::string out = dir / "seq/";
    const char* argv[] = {DDPM_VIZ_EXE, "export", kCat.c_str(), "--t", "0:1000:1", "--out", out.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    REQUIRE(posix_spawn(&pid, DDPM_VIZ_EXE, &actions, nullptr, const_cast<char* const*>(argv), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    // Polls for the first staged frame (at most a minute on a loaded machine; usually milliseconds).
    for (int i = 0; i < 6000 && !has_temporary(dir / "seq"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(has_temporary(dir / "seq"));
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("a short write to standard output is exit 1 with the reason", "[cli][robust]") {
    for (const char* args : {"schedule --T 100000", "schedule --T 10", "schedule --format json", "--help"}) {
        INFO(args);
        test::TempDir dir;
        // run_viz sends stdout to a file, so the shell runs this one directly.
        const std::string cmd = "'" DDPM_VIZ_EXE "' " + std::string(args) + " >/dev/full 2>'" + (dir / "err") + "'";
        const int status = std::system(cmd.c_str());
        CHECK(WEXITSTATUS(status) == 1);
        // The last line of stderr names the failed write (T = 10 also warns first that alpha_bar_T is near 1);
        // the reason is ENOSPC, or EIO when the C++ stream lost it before the final flush.
        const std::string err = test::slurp(dir / "err");
        const std::string last = err.substr(err.rfind('\n', err.size() - 2) == std::string::npos ? 0 : err.rfind('\n', err.size() - 2) + 1);
        CHECK((last == "ddpm-viz: could not write to standard output: No space left on device\n" ||
               last == "ddpm-viz: could not write to standard output: Input/output error\n"));
    }
}

TEST_CASE("an existing folder named like a file is never written into", "[cli][robust]") {
    test::TempDir dir;
    std::filesystem::create_directory(dir / "d.png");
    auto r = test::run_viz("export '" + kCat + "' --t 5,6 --out '" + (dir / "d.png") + "'");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("is an existing folder; give a file name, or") && Catch::Contains("d.png/"));
    CHECK(test::listing(dir / "d.png").empty());
    // The slash says a sequence is meant.
    auto seq = test::run_viz("export '" + kCat + "' --t 5 --max-side 32 --out '" + (dir / "d.png/") + "'");
    CHECK(seq.code == 0);
    CHECK(test::listing(dir / "d.png") == std::vector<std::string>{"chelsea.manifest.json", "chelsea_t0005.png"});
}

TEST_CASE("SIGINT and SIGTERM mid-export remove every temporary and exit 130 and 143", "[cli][robust]") {
    for (const auto& [sig, code] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
        INFO("signal " << sig);
        test::TempDir dir;
        CHECK(interrupt_export(dir, sig) == code);
        // The folder the export created is gone too, so nothing at all is left.
        CHECK(test::listing(dir.path).empty());
    }
}

TEST_CASE("an export sweeps the temporaries that killed exports left beside its target", "[cli][robust]") {
    test::TempDir dir;
    // A process that has ended: its number names no running process.
    pid_t dead = -1;
    const char* argv[] = {"/bin/true", nullptr};
    REQUIRE(posix_spawn(&dead, "/bin/true", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0);
    ::waitpid(dead, nullptr, 0);
    const std::string stale = ".x.png." + std::to_string(dead) + "-3.tmp";
    const std::string live = ".x.png." + std::to_string(::getpid()) + "-0.tmp";   // this test runs
    const std::string other = ".notes." + std::to_string(dead) + ".tmp";          // not our pattern
    for (const auto& name : {stale, live, other}) std::ofstream(dir / name) << "partial";
    auto r = test::run_viz("export '" + kCat + "' --t 5 --max-side 32 --out '" + (dir / "x.png") + "'");
    REQUIRE(r.code == 0);
    const auto names = test::listing(dir.path);
    CHECK(std::find(names.begin(), names.end(), stale) == names.end());
    CHECK(std::find(names.begin(), names.end(), live) != names.end());
    CHECK(std::find(names.begin(), names.end(), other) != names.end());
    // SIGKILL cannot be caught: its temporaries stay until the next export beside them.
    test::TempDir dir2;
    CHECK(interrupt_export(dir2, SIGKILL) == 128 + SIGKILL);
    CHECK(has_temporary(dir2 / "seq"));
    auto again = test::run_viz("export '" + kCat + "' --t 5 --max-side 32 --out '" + (dir2 / "seq/") + "'");
    REQUIRE(again.code == 0);
    CHECK_FALSE(has_temporary(dir2 / "seq"));
}
