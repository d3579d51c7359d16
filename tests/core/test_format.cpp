#include <catch2/catch.hpp>

#include <string>

#include "ddpm/format.h"

TEST_CASE("numbers print in the shortest form that reads back exactly") {
    CHECK(ddpm::shortest(0.05) == "0.05");
    CHECK(ddpm::shortest(0.1 + 0.2) == "0.30000000000000004");   // not 0.3: that would read back differently
    CHECK(ddpm::shortest(1e-4) == "1e-4");   // to_chars: the shorter of 0.0001 and 1e-04, exponent unpadded
    CHECK(ddpm::shortest(1e-7) == "1e-7");
    CHECK(ddpm::shortest(1.5e300) == "1.5e300");
    CHECK(ddpm::shortest(1000) == "1000");
    CHECK(ddpm::shortest(0.00085) == "0.00085");
    for (double v : {0.05, 1e-7, 0.1 + 0.2, 1.0 / 3, 123456.789, 2.5e-12}) CHECK(std::stod(ddpm::shortest(v)) == v);
}
