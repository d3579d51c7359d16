// `ddpm-viz export` through the real binary: the kind follows --out, files read back, the same bytes
// as the core API the GUI's Export panel calls, --force, and failures that leave nothing behind.
#include <fcntl.h>
#include <gif_lib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "ddpm/export.h"
#include "ddpm/image.h"
#include "ddpm/png.h"
#include "export_fonts.h"
#include "run.h"

namespace fs = std::filesystem;

namespace {

const std::string kCatPath = DDPM_SOURCE_DIR "/assets/chelsea.png";
const std::string kCat = "'" + kCatPath + "'";

using test::listing;

// The binary in a forked child after setup() (limits, user); exit code and stderr.
test::RunResult run_in_child(const std::vector<std::string>& args, const std::function<void()>& setup,
                             const std::string& err_file, const std::string& exe = DDPM_VIZ_EXE) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);   // before setup drops rights
        dup2(fd, 2);
        setup();
        std::vector<char*> argv{const_cast<char*>(exe.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    test::RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.err = test::slurp(err_file);
    fs::remove(err_file);
    return r;
}

// What the Export panel builds from the window's state: the decoded file, its path and hash.
ddpm::ExportRequest panel_request(ddpm::ExportKind kind, const std::string& out, std::vector<int> ts) {
    auto bytes = ddpm::read_file(kCatPath);
    REQUIRE(bytes.ok());
    ddpm::ExportRequest r;
    r.kind = kind;
    r.x0 = *ddpm::decode_image(bytes->data(), bytes->size(), kCatPath);
    r.input_path = kCatPath;
    r.input_hash = ddpm::fnv1a64(bytes->data(), bytes->size());
    r.ts = std::move(ts);
    r.out = out;
    r.name = "chelsea";
    return r;
}

}  // namespace

TEST_CASE("export --help explains the kinds by --out and gives examples", "[cli][export]") {
    const auto r = test::run_viz("export --help");
    CHECK(r.code == 0);
    for (const char* s : {"DIR/", "FILE.gif", "FILE.mp4", "FILE.csv", "--t", "START:STOP:STEP", "--force", "--max-side",
                          "--columns", "--gap", "--labels", "--fps", "--loop", "--plot", "Examples:", "manifest"})
        CHECK_THAT(r.out, Catch::Contains(s));
}

TEST_CASE("a folder ending in / gets one PNG per t, zero-padded to the digits of T, plus a manifest", "[cli][export]") {
    test::TempDir dir;
    auto r = test::run_viz("export " + kCat + " --t 0:1000:250 --max-side 100 --out '" + (dir / "frames/") + "'");
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());   // stderr is not a terminal: no progress
    CHECK(listing(dir / "frames") == std::vector<std::string>{"chelsea.manifest.json", "chelsea_t0000.png",
                                                               "chelsea_t0250.png", "chelsea_t0500.png",
                                                               "chelsea_t0750.png", "chelsea_t1000.png"});
    auto img = ddpm::load_image(dir / "frames/chelsea_t0500.png");
    REQUIRE(img.ok());
    CHECK((img->width == 100 && img->height == 67));
    // --T 50 pads to two digits; --name sets the prefix.
    r = test::run_viz("export " + kCat + " --T 50 --t 5,50 --max-side 32 --name cat --out '" + (dir / "short/") + "'");
    REQUIRE(r.code == 0);
    CHECK(listing(dir / "short") == std::vector<std::string>{"cat.manifest.json", "cat_t05.png", "cat_t50.png"});
}

TEST_CASE("FILE.png is a frame for one t and a filmstrip for several", "[cli][export]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export " + kCat + " --t 100 --out '" + (dir / "one.png") + "'").code == 0);
    auto one = ddpm::load_image(dir / "one.png");
    REQUIRE(one.ok());
    CHECK((one->width == 451 && one->height == 300));
    REQUIRE(test::run_viz("export " + kCat + " --t 0,100,1000 --labels none --gap 10 --out '" + (dir / "strip.png") + "'").code == 0);
    auto strip = ddpm::load_image(dir / "strip.png");
    REQUIRE(strip.ok());
    CHECK((strip->width == 3 * 451 + 4 * 10 && strip->height == 300 + 2 * 10));
    const auto m = nlohmann::json::parse(test::slurp(dir / "strip.png.manifest.json"));
    CHECK(m["kind"] == "filmstrip");
    CHECK(m["t"] == nlohmann::json::array({0, 100, 1000}));
    CHECK(m["filmstrip"]["gap"] == 10);
    CHECK(m["input"]["path"] == fs::path(kCatPath).lexically_normal().string());
}

TEST_CASE("CLI and the core API the Export panel calls give byte-identical files", "[cli][export]") {
    test::TempDir dir;
    const test::SystemExportFonts fonts;   // the labels in the fonts the command line finds
    const std::string seeds = " --seed 42 --schedule cosine --T 500";
    REQUIRE(test::run_viz("export " + kCat + seeds + " --t 123 --out '" + (dir / "cli.png") + "'").code == 0);
    REQUIRE(test::run_viz("export " + kCat + seeds + " --t 0,100,500 --columns 2 --labels snr --out '" + (dir / "cli_strip.png") + "'").code == 0);
    REQUIRE(test::run_viz("export " + kCat + seeds + " --t 0:500:100 --max-side 120 --fps 25 --loop 3 --out '" + (dir / "cli.gif") + "'").code == 0);
    REQUIRE(test::run_viz("export " + kCat + seeds + " --t 10,20 --max-side 64 --out '" + (dir / "cli_seq/") + "'").code == 0);

    ddpm::ScheduleParams params = ddpm::default_params(ddpm::ScheduleKind::Cosine);
    params.T = 500;
    auto frame = panel_request(ddpm::ExportKind::Frame, dir / "gui.png", {123});
    auto strip = panel_request(ddpm::ExportKind::Filmstrip, dir / "gui_strip.png", {0, 100, 500});
    strip.filmstrip.columns = 2;
    strip.filmstrip.extra = ddpm::FilmstripLabel::Snr;
    auto gif = panel_request(ddpm::ExportKind::Gif, dir / "gui.gif", {0, 100, 200, 300, 400, 500});
    gif.max_side = 120;
    gif.gif = {4, 3};
    auto seq = panel_request(ddpm::ExportKind::Sequence, dir / "gui_seq", {10, 20});
    seq.max_side = 64;
    for (auto* r : {&frame, &strip, &gif, &seq}) {
        r->params = params;
        r->seed = 42;
        REQUIRE(ddpm::run_export(*r).ok());
    }
    CHECK(test::slurp(dir / "gui.png") == test::slurp(dir / "cli.png"));
    CHECK(test::slurp(dir / "gui_strip.png") == test::slurp(dir / "cli_strip.png"));
    CHECK(test::slurp(dir / "gui.gif") == test::slurp(dir / "cli.gif"));
    CHECK(test::slurp(dir / "gui_seq/chelsea_t010.png") == test::slurp(dir / "cli_seq/chelsea_t010.png"));
    CHECK(test::slurp(dir / "gui_seq/chelsea_t020.png") == test::slurp(dir / "cli_seq/chelsea_t020.png"));
    // The manifests agree on everything but the file names.
    auto cli_m = nlohmann::json::parse(test::slurp(dir / "cli.png.manifest.json"));
    auto gui_m = nlohmann::json::parse(test::slurp(dir / "gui.png.manifest.json"));
    cli_m.erase("files"), gui_m.erase("files");
    CHECK(cli_m.dump() == gui_m.dump());
}

TEST_CASE("FILE.gif decodes with giflib at the right frame count and size", "[cli][export]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export " + kCat + " --t 0:1000:100 --max-side 90 --fps 20 --out '" + (dir / "a.gif") + "'").code == 0);
    int err = 0;
    GifFileType* gif = DGifOpenFileName((dir / "a.gif").c_str(), &err);
    REQUIRE(gif != nullptr);
    REQUIRE(DGifSlurp(gif) == GIF_OK);
    CHECK(gif->ImageCount == 11);
    CHECK((gif->SWidth == 90 && gif->SHeight == 60));
    GraphicsControlBlock gcb;
    REQUIRE(DGifSavedExtensionToGCB(gif, 3, &gcb) == GIF_OK);
    CHECK(gcb.DelayTime == 5);   // 20 fps
    DGifCloseFile(gif, &err);
}

TEST_CASE("FILE.csv and FILE.json hold the same table as `ddpm-viz schedule`", "[cli][export]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export --schedule sigmoid --T 20 --out '" + (dir / "s.csv") + "'").code == 0);
    CHECK(test::slurp(dir / "s.csv") == test::run_viz("schedule --schedule sigmoid --T 20").out);
    REQUIRE(test::run_viz("export --schedule sigmoid --T 20 --out '" + (dir / "s.json") + "'").code == 0);
    CHECK(test::slurp(dir / "s.json") == test::run_viz("schedule --schedule sigmoid --T 20 --format json").out);
    REQUIRE(test::run_viz("export --plot --t 10 --T 20 --curves alpha_bar,log_snr --out '" + (dir / "p.png") + "'").code == 0);
    auto plot = ddpm::load_image(dir / "p.png");
    REQUIRE(plot.ok());
    CHECK((plot->width == 960 && plot->height == 540));
}

TEST_CASE("an existing file is kept and the export fails unless --force", "[cli][export]") {
    test::TempDir dir;
    const std::string out = dir / "x.png";
    REQUIRE(test::run_viz("export " + kCat + " --t 10 --out '" + out + "'").code == 0);
    const std::string first = test::slurp(out);
    auto r = test::run_viz("export " + kCat + " --t 900 --out '" + out + "'");
    CHECK(r.code == 1);
    CHECK(r.err == "ddpm-viz: " + out + " already exists; pass --force to replace it\n");
    CHECK(test::slurp(out) == first);
    r = test::run_viz("export " + kCat + " --t 900 --force --out '" + out + "'");
    CHECK(r.code == 0);
    CHECK(test::slurp(out) != first);
    CHECK(listing(dir.path) == std::vector<std::string>{"x.png", "x.png.manifest.json"});
}

TEST_CASE("usage errors exit 2 with one sentence", "[cli][export]") {
    test::TempDir dir;
    const std::string x = " --out '" + (dir / "x.png") + "'";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"export " + kCat + " --t 5 --out '" + (dir / "x.jpg") + "'", "use a folder ending in /"},
        {"export " + kCat + " --t 2000" + x, "t = 2000 is outside 0..1000"},
        {"export " + kCat + " --t 0:10:0" + x, "step of 0"},
        {"export " + kCat + " --t abc" + x, "'abc' is not a timestep"},
        {"export " + kCat + x, "--t is required"},
        {"export " + kCat + " --t 5", "needs --out"},
        {"export " + kCat + " --t 0:100:10 --fps 60 --out '" + (dir / "x.gif") + "'", "outside 1..50"},
        {"export --plot --curves bogus" + x, "'bogus' is not a schedule column"},
        {"export " + kCat + " --t 5 --max-side -3" + x, "--max-side"},
    };
    for (const auto& [args, message] : cases) {
        INFO(args);
        const auto r = test::run_viz(args);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("ddpm-viz: ") && Catch::Contains(message));
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(listing(dir.path).empty());
}

TEST_CASE("an unwritable folder and an exceeded file-size limit fail with exit 1 and leave no files", "[cli][export]") {
    test::TempDir dir;
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directory(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    // Root writes anywhere, so the export runs as nobody, from copies of the binary and the image
    // (the build and source trees may sit under a folder nobody cannot enter, such as /root).
    test::TempDir copies;
    fs::permissions(copies.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::copy_file(DDPM_VIZ_EXE, copies / "ddpm-viz");
    fs::copy_file(kCatPath, copies / "cat.png");
    fs::permissions(copies / "ddpm-viz", fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::permissions(copies / "cat.png", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    auto r = run_in_child({"export", copies / "cat.png", "--t", "0,500", "--out", dir / "ro/"},
                          [] { if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3); },
                          dir / "err.txt", copies / "ddpm-viz");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("ddpm-viz: could not write") && Catch::Contains("Permission denied"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(listing(dir / "ro").empty());

    for (const std::string& out : {dir / "seq/", dir / "big.png", dir / "big.gif"}) {
        INFO(out);
        r = run_in_child({"export", kCatPath, "--t", out == dir / "big.png" ? "1000" : "0:1000:500", "--out", out},
                         [] { rlimit limit{100 * 1024, 100 * 1024}; setrlimit(RLIMIT_FSIZE, &limit); }, dir / "err.txt");
        CHECK(r.code == 1);   // not killed by SIGXFSZ
        CHECK_THAT(r.err, Catch::Contains("File too large") && Catch::EndsWith("nothing was exported\n"));
        CHECK(listing(dir.path) == std::vector<std::string>{"ro"});
    }
}

TEST_CASE("MP4 needs ffmpeg: a clear message without it, an H.264 file with it", "[cli][export]") {
    test::TempDir dir;
    auto r = test::run_viz("export " + kCat + " --t 0:100:50 --out '" + (dir / "a.mp4") + "'", "PATH=/nonexistent");
    CHECK(r.code == 1);
    CHECK(r.err == "ddpm-viz: MP4 export needs the ffmpeg command, which is not installed (apt-get install ffmpeg); "
                   "a GIF or a PNG sequence works without it\n");
    CHECK(listing(dir.path).empty());

    if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) {
        WARN("ffmpeg is not installed: MP4 encoding itself was not tested");
        return;
    }
    // chelsea is 451x300: the odd width becomes 450 for yuv420p.
    r = test::run_viz("export " + kCat + " --t 0:1000:100 --fps 12 --out '" + (dir / "a.mp4") + "'");
    REQUIRE(r.code == 0);
    const std::string mp4 = test::slurp(dir / "a.mp4");
    REQUIRE(mp4.size() > 1000);
    CHECK(mp4.substr(4, 4) == "ftyp");
    CHECK(mp4.find("avc1") != std::string::npos);
    CHECK(listing(dir.path) == std::vector<std::string>{"a.mp4", "a.mp4.manifest.json"});
}

TEST_CASE("FILE.npy loads with numpy as float32 (N, H, W, 3) and rounds to the PNG frames", "[cli][export][npy]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("export " + kCat + " --t 0,300 --seed 4 --out '" + (dir / "x.npy") + "'").code == 0);
    REQUIRE(test::run_viz("export " + kCat + " --t 300 --seed 4 --out '" + (dir / "x300.png") + "'").code == 0);
    // numpy (python3-numpy, installed by ./build.sh test) writes frame 1 in the 8-bit display mapping.
    const std::string script =
        "import numpy as np, sys\n"
        "a = np.load(sys.argv[1])\n"
        "assert a.dtype == np.float32 and a.shape == (2, 300, 451, 3) and a.flags['C_CONTIGUOUS'], (a.dtype, a.shape)\n"
        "v = np.round((a[0] + 1) * 127.5).astype(np.float32)\n"   // x0 = pixel / 127.5 - 1, in float32
        "assert np.array_equal(a[0], v / np.float32(127.5) - np.float32(1))\n"
        "assert (np.abs(a[1]) > 1).any()\n"
        "np.floor((np.clip(a[1], -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).tofile(sys.argv[2])\n";
    std::ofstream(dir / "check.py") << script;
    const std::string cmd = "/usr/bin/python3 '" + (dir / "check.py") + "' '" + (dir / "x.npy") + "' '" + (dir / "u8.raw") + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string u8 = test::slurp(dir / "u8.raw");
    auto png = ddpm::load_image(dir / "x300.png");
    REQUIRE(png.ok());
    const ddpm::Rgb8 frame = ddpm::to_rgb8(*png);
    REQUIRE(u8.size() == frame.pixels.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < u8.size(); ++i) differ += uint8_t(u8[i]) != frame.pixels[i];
    CHECK(differ == 0);
}
