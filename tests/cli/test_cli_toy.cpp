// `ddpm-viz toy`: the CSV columns and values against core's toy module, pictures, and bad input.
#include <catch2/catch.hpp>
#include <sstream>

#include "ddpm/image.h"
#include "ddpm/toy.h"
#include "run.h"

namespace {

std::vector<std::vector<double>> rows(const std::string& text, std::string& header) {
    std::istringstream in(text);
    std::getline(in, header);
    std::vector<std::vector<double>> out;
    for (std::string line; std::getline(in, line);) {
        std::vector<double> r;
        std::istringstream cells(line);
        for (std::string c; std::getline(cells, c, ',');) r.push_back(std::stod(c));
        out.push_back(r);
    }
    return out;
}

ddpm::Schedule linear() { return *ddpm::make_schedule({}); }

}  // namespace

TEST_CASE("toy writes t,i,x,y for every t, the closed form's values exactly", "[cli][toy]") {
    test::TempDir dir;
    const auto r = test::run_viz("toy --data moons --n 300 --seed 4 --t 0,250 --out '" + dir / "m.csv" + "'");
    REQUIRE(r.code == 0);
    std::string header;
    const auto table = rows(test::slurp(dir / "m.csv"), header);
    CHECK(header == "t,i,x,y");
    REQUIRE(table.size() == 600);
    const auto data = ddpm::toy::make_preset(ddpm::toy::Preset::Moons, 300, 4);
    ddpm::toy::Points xt;
    ddpm::toy::forward_closed(data, linear(), 250, 4, xt);
    CHECK(table[7][0] == 0);
    CHECK(table[7][1] == 7);
    CHECK(float(table[7][2]) == data[7].x);
    CHECK(float(table[7][3]) == data[7].y);
    CHECK(float(table[300 + 42][2]) == xt[42].x);   // shortest round-trip floats read back exactly
    CHECK(float(table[300 + 42][3]) == xt[42].y);
    CHECK(table[300 + 42][1] == 42);
}

TEST_CASE("toy --process chain follows the Markov chain, and a CSV of points is read in its order", "[cli][toy]") {
    test::TempDir dir;
    {
        std::ofstream(dir / "p.csv") << "x,y\n0.5,-1\n2,2\n";
    }
    const auto r = test::run_viz("toy --data '" + dir / "p.csv" + "' --t 3 --process chain --T 10 --seed 1 --out '" + dir / "c.csv" + "'");
    REQUIRE(r.code == 0);
    std::string header;
    const auto table = rows(test::slurp(dir / "c.csv"), header);
    REQUIRE(table.size() == 2);
    ddpm::ScheduleParams p;
    p.T = 10;
    const auto s = *ddpm::make_schedule(p);
    ddpm::toy::ChainCache chain;
    const auto& x = chain.at({{0.5f, -1}, {2, 2}}, s, 1, 3);
    CHECK(float(table[1][2]) == x[1].x);
    CHECK(float(table[1][3]) == x[1].y);
}

TEST_CASE("toy --density writes x,y,density on the grid, summing to about 1", "[cli][toy]") {
    test::TempDir dir;
    const auto r = test::run_viz("toy --data gaussians8 --density --t 300 --grid 80 --range -5,5 --out '" + dir / "q.csv" + "'");
    REQUIRE(r.code == 0);
    std::string header;
    const auto table = rows(test::slurp(dir / "q.csv"), header);
    CHECK(header == "x,y,density");
    REQUIRE(table.size() == 6400);
    double total = 0;
    for (const auto& row : table) total += row[2] * (10.0 / 80) * (10.0 / 80);
    CHECK(total == Approx(1).epsilon(1e-3));
    CHECK(table[0][0] == Approx(-5 + 0.0625));
    // t = 0 of point data has no density: a usage error that says what to do.
    const auto bad = test::run_viz("toy --data moons --density --t 0 --out '" + dir / "z.csv" + "'");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--bandwidth > 0"));
}

TEST_CASE("toy --reverse writes every visited step, the last rows on the data", "[cli][toy]") {
    test::TempDir dir;
    {
        std::ofstream(dir / "two.csv") << "-1,0\n1,1\n";
    }
    const auto r = test::run_viz("toy --data '" + dir / "two.csv" + "' --reverse ddim --steps 20 --n 50 --out '" + dir / "r.csv" + "'");
    REQUIRE(r.code == 0);
    std::string header;
    const auto table = rows(test::slurp(dir / "r.csv"), header);
    CHECK(header == "t,i,x,y");
    REQUIRE(table.size() == 21 * 50);
    CHECK(table.front()[0] == 1000);
    for (std::size_t k = table.size() - 50; k < table.size(); ++k) {
        CHECK(table[k][0] == 0);
        const double da = std::hypot(table[k][2] + 1, table[k][3]), db = std::hypot(table[k][2] - 1, table[k][3] - 1);
        CHECK(std::min(da, db) < 1e-3);
    }
}

TEST_CASE("toy --reverse with --sampling-steps visits diffusers' timesteps, then t = 0", "[cli][toy]") {
    test::TempDir dir;
    // diffusers' DDIMScheduler.set_timesteps(10) at T = 1000 (our t = k + 1):
    // trailing round(arange(1000, 0, -100)) - 1 = 999, 899, ..., 99; leading arange(10) * 100 [::-1] + 1 = 901, ..., 1.
    const std::vector<std::pair<std::string, std::vector<int>>> cases{
        {"--spacing trailing", {1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 0}},
        {"--spacing leading --steps-offset 1", {902, 802, 702, 602, 502, 402, 302, 202, 102, 2, 0}},
    };
    for (const auto& [flags, expected] : cases) {
        INFO(flags);
        const std::string out = dir / "s.csv";
        const auto r = test::run_viz("toy --data moons --data-n 40 --reverse ddpm --sampling-steps 10 " + flags +
                                     " --n 3 --force --out '" + out + "'");
        REQUIRE(r.code == 0);
        std::string header;
        const auto table = rows(test::slurp(out), header);
        std::vector<int> visited;
        for (const auto& row : table)
            if (visited.empty() || visited.back() != int(row[0])) visited.push_back(int(row[0]));
        CHECK(visited == expected);
        CHECK(table.size() == expected.size() * 3);
    }
    const auto both = test::run_viz("toy --data moons --reverse ddim --steps 20 --sampling-steps 10 --out '" + dir / "x.csv" + "'");
    CHECK(both.code == 2);
    CHECK_THAT(both.err, Catch::Contains("use one"));
}

TEST_CASE("toy draws PNG and GIF pictures of the scene", "[cli][toy]") {
    test::TempDir dir;
    REQUIRE(test::run_viz("toy --data circles --t 0,200 --size 128 --out '" + dir / "c.png" + "'").code == 0);
    auto img = ddpm::load_image(dir / "c.png");
    REQUIRE(img);
    CHECK(img->width == 256);   // two t side by side
    CHECK(img->height == 128);
    REQUIRE(test::run_viz("toy --data moons --reverse ddpm --steps 10 --n 100 --size 96 --out '" + dir / "r.gif" + "'").code == 0);
    CHECK(test::slurp(dir / "r.gif").substr(0, 6) == "GIF89a");
}

TEST_CASE("toy refuses bad input with a sentence and exit 2 or 1", "[cli][toy]") {
    test::TempDir dir;
    const std::string out = " --out '" + dir / "x.csv" + "'";
    auto r = test::run_viz("toy --data spiral --t 1" + out);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("neither a preset"));
    r = test::run_viz("toy --data moons --t 1 --out '" + dir / "x.txt" + "'");
    CHECK(r.code == 2);
    r = test::run_viz("toy --data moons --t 2000" + out);
    CHECK(r.code == 2);
    r = test::run_viz("toy --data moons --density --t 1,2" + out);
    CHECK(r.code == 2);
    r = test::run_viz("toy --data moons --density --t 5 --range 3,1" + out);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("LO < HI"));
    {
        std::ofstream(dir / "bad.csv") << "1,2\nthree,4\n";
    }
    r = test::run_viz("toy --data '" + dir / "bad.csv" + "' --t 1" + out);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("line 2"));
    r = test::run_viz("toy --data '" + dir / "missing.csv" + "' --t 1" + out);
    CHECK(r.code == 1);
    CHECK(test::listing(dir.path) == std::vector<std::string>{"bad.csv"});
}
