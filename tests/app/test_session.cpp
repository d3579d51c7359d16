// Sessions (.ddpmviz): a round trip keeps every field, manifests open as sessions, bad files are errors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "session.h"

namespace {

ddpm::ScheduleParams cosine(int T) {
    ddpm::ScheduleParams p = ddpm::default_params(ddpm::ScheduleKind::Cosine);
    p.T = T;
    p.cosine_s = 0.01;
    return p;
}

// A file of fuzz_session's corpus (tests/fuzz/corpus/session), as text.
std::string fuzz_input(const std::string& name) {
    std::ifstream in(std::string(DDPM_SOURCE_DIR) + "/tests/fuzz/corpus/session/" + name);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("a session survives a round trip through its JSON") {
    Session s;
    s.image = "/photos/cat.png";
    s.params = ddpm::default_params(ddpm::ScheduleKind::ScaledLinear);
    s.params.beta_start = 0.00085;
    s.params.beta_end = 0.012;
    s.params.zero_terminal_snr = true;
    s.t = 733;
    s.seed = 4294967295u;
    s.view = "equation";
    s.pins = {ddpm::ScheduleParams{}, cosine(500)};
    const std::string text = session_json(s);
    CHECK(text.find("0.00085") != std::string::npos);   // shortest round-trip numbers, not 0.00084999999999999995
    auto back = parse_session(text, "/elsewhere");
    REQUIRE(back.ok());
    CHECK(back->image == s.image);   // absolute: not moved under base
    CHECK(back->params == s.params);
    CHECK(back->t == 733);
    CHECK(back->seed == 4294967295u);
    CHECK(back->view == "equation");
    REQUIRE(back->pins.size() == 2);
    CHECK(back->pins[0] == s.pins[0]);
    CHECK(back->pins[1] == s.pins[1]);
    CHECK(session_json(*back) == text);
}

TEST_CASE("a session keeps main's views, the chain process and the newer schedule families") {
    Session s;
    s.view = "step";
    s.process = ddpm::Process::Chain;
    s.params = ddpm::default_params(ddpm::ScheduleKind::Edm);
    s.params.rho = 5;
    s.params.shift = 3;
    s.pins = {ddpm::default_params(ddpm::ScheduleKind::Laplace)};
    s.pins[0].mu = 0.5;
    auto back = parse_session(session_json(s), "");
    REQUIRE(back.ok());
    CHECK(back->view == "step");
    CHECK(back->process == ddpm::Process::Chain);
    CHECK(back->params == s.params);
    REQUIRE(back->pins.size() == 1);
    CHECK(back->pins[0] == s.pins[0]);
    for (const char* view : {"compare", "toy2d", "ribbon"}) {
        s.view = view;
        auto v = parse_session(session_json(s), "");
        REQUIRE(v.ok());
        CHECK(v->view == view);
    }
    CHECK(!parse_session(R"({"ddpm_viz_session": 1, "process": "teleport"})", "").ok());
}

TEST_CASE("a session's relative image path is taken from the session's folder, samples stay") {
    Session s;
    s.image = "pics/cat.png";
    auto back = parse_session(session_json(s), "/lecture");
    REQUIRE(back.ok());
    CHECK(back->image == "/lecture/pics/cat.png");
    s.image = "embedded:coffee.png";
    CHECK(parse_session(session_json(s), "/lecture")->image == "embedded:coffee.png");
}

TEST_CASE("an export's manifest opens as a session") {
    const auto dir = std::filesystem::path(DDPM_BINARY_DIR) / "tests" / "session-manifest";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string out = (dir / "x.png").string();
    const std::string command = std::string("'") + DDPM_VIZ_EXE + "' export coffee --schedule cosine --T 400 --t 123 --seed 9 --max-side 64 --out '" + out + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    REQUIRE(is_session_path(out + ".manifest.json"));
    auto s = read_session(out + ".manifest.json");
    REQUIRE(s.ok());
    CHECK(s->image == "embedded:coffee.png");
    CHECK(s->params.kind == ddpm::ScheduleKind::Cosine);
    CHECK(s->params.T == 400);
    CHECK(s->t == 123);
    CHECK(s->seed == 9u);
    CHECK(s->view == "xt");
}

TEST_CASE("broken sessions are errors that say what is wrong") {
    auto error = [](const std::string& text) {
        auto s = parse_session(text, "");
        REQUIRE_FALSE(s.ok());
        return s.error();
    };
    CHECK(error("{not json").find("not a JSON object") != std::string::npos);
    CHECK(error("[1, 2]").find("not a JSON object") != std::string::npos);
    CHECK(error(R"({"image": "a.png"})").find("ddpm_viz_session") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "schedule": {"schedule": "wiggly"}})").find("wiggly") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "t": 5000})").find("above T") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "t": "five"})").find("wrong type") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "view": "sideways"})").find("view") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "schedule": {"T": 0}})").find("schedule") != std::string::npos);
    CHECK(error(R"({"ddpm_viz_session": 1, "pins": 3})").find("pins") != std::string::npos);
    CHECK_FALSE(read_session("/nonexistent/scene.ddpmviz").ok());
}

TEST_CASE("numbers outside an int's range are errors, not undefined casts (fuzz_session finding)") {
    // tests/fuzz/corpus/session/finding-huge-t: "t": 5.1e34, which nlohmann's get<int> casts unchecked.
    auto s = parse_session(fuzz_input("finding-huge-t"), "");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error() == "a value of the session has the wrong type");
    auto error = [](const std::string& extra) {
        auto r = parse_session(R"({"ddpm_viz_session": 1, )" + extra + "}", "");
        return r ? std::string("ok") : r.error();
    };
    CHECK(error(R"("seed": 4294967296)") == "a value of the session has the wrong type");
    CHECK(error(R"("seed": -1)") == "a value of the session has the wrong type");
    CHECK(error(R"("t": 2.5)") == "a value of the session has the wrong type");
    CHECK(error(R"("probe": {"x": 1e300})") == "a value of the session has the wrong type");
    CHECK(error(R"("schedule": {"T": 3e9})") == "\"schedule\" has a value of the wrong type");
    // Whole numbers written as floats still read.
    auto ok = parse_session(R"({"ddpm_viz_session": 1, "t": 250.0, "seed": 4294967295, "schedule": {"T": 500.0}})", "");
    REQUIRE(ok.ok());
    CHECK(ok->t == 250);
    CHECK(ok->seed == 4294967295u);
    CHECK(ok->params.T == 500);
}

TEST_CASE("a schedule's name that is not text is an error, not an exception (fuzz_session finding)") {
    // tests/fuzz/corpus/session/finding-nested-schedule: a manifest-like file whose "schedule" object
    // holds another "schedule" object; reading the name as text threw out of parse_session.
    auto s = parse_session(fuzz_input("finding-nested-schedule"), "");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error() == "\"schedule\": \"schedule\" must be a schedule's name");
    auto pin = parse_session(R"({"ddpm_viz_session": 1, "pins": [{"schedule": 3}]})", "");
    REQUIRE_FALSE(pin.ok());
    CHECK(pin.error() == "a pin: \"schedule\" must be a schedule's name");
}

TEST_CASE("sessions are recognised by name") {
    CHECK(is_session_path("scene.ddpmviz"));
    CHECK(is_session_path("/a/b/x.png.manifest.json"));
    CHECK_FALSE(is_session_path("cat.png"));
    CHECK_FALSE(is_session_path(".ddpmviz"));
    CHECK_FALSE(is_session_path("schedule.json"));
}

TEST_CASE("a session keeps the compare panes' sync, the probe, the sampler's steps and the toy view") {
    Session s;
    s.pins = {cosine(1000)};   // the compare panes: A and the pins
    s.compare_open = true;
    s.compare_sync = "fraction";
    s.probe_open = true;
    s.probe_x = 17, s.probe_y = 230, s.probe_channel = 2;
    s.sampling = {50, ddpm::Spacing::Trailing, 1};
    s.toy = {"swissroll", 2500, true, "ddim", 40, 700};
    s.export_folder = "/tmp/lecture";
    const std::string text = session_json(s);
    auto back = parse_session(text, "");
    REQUIRE(back.ok());
    CHECK(back->compare_open);
    CHECK(back->compare_sync == "fraction");
    CHECK(back->probe_open);
    CHECK(back->probe_x == 17);
    CHECK(back->probe_y == 230);
    CHECK(back->probe_channel == 2);
    CHECK(back->sampling == s.sampling);
    CHECK(back->toy == s.toy);
    CHECK(back->export_folder == "/tmp/lecture");
    CHECK(session_json(*back) == text);
    // The UI language is not part of a scene.
    CHECK(text.find("lang") == std::string::npos);
    // An older session without these keys opens with the defaults.
    auto old = parse_session(R"({"ddpm_viz_session": 1, "image": "embedded:chelsea.png"})", "");
    REQUIRE(old.ok());
    CHECK_FALSE(old->compare_open);
    CHECK(old->compare_sync == "log_snr");
    CHECK(old->sampling == ddpm::SamplingParams{});
    CHECK(old->toy == Session::Toy{});
}

TEST_CASE("the views' bad values are errors naming the key") {
    auto error = [](const std::string& extra) {
        auto s = parse_session(R"({"ddpm_viz_session": 1, )" + extra + "}", "");
        return s ? std::string("ok") : s.error();
    };
    CHECK(error(R"("compare": {"sync": "wobbly"})") == "\"compare\": \"sync\" must be t, fraction or log_snr, got wobbly");
    CHECK(error(R"("probe": {"channel": 3})") == "\"probe\": \"channel\" must be 0 (R), 1 (G) or 2 (B)");
    CHECK(error(R"("probe": {"x": -1})") == "\"probe\": the pixel's x and y must not be negative");
    CHECK(error(R"("sampling": {"spacing": "random"})") == "\"sampling\": \"spacing\" must be leading, trailing or linspace, got random");
    CHECK(error(R"("toy": {"data": "spiral"})").find("\"toy\": \"data\" spiral is not a preset") == 0);
    CHECK(error(R"("toy": {"sampler": "euler"})") == "\"toy\": \"sampler\" must be ddpm or ddim, got euler");
    CHECK(error(R"("toy": {"n": 0})") == "\"toy\": n, steps and samples must be at least 1");
    // A session is read before anything is allocated for it: no billion points from a hand-edited file.
    CHECK(error(R"("toy": {"n": 1000000000})") == "\"toy\": n and samples must be at most 10000000 and steps at most 100000");
    CHECK(error(R"("toy": {"steps": 100001})").find("steps at most 100000") != std::string::npos);
    CHECK(error(R"("probe": {"x": "left"})") == "a value of the session has the wrong type");
}
