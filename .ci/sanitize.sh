#!/usr/bin/env bash
# CI's sanitizer and fuzzing stage (./build.sh sanitize runs it after installing clang):
#  1. the whole ctest suite built with -fsanitize=address,undefined (build-asan), LeakSanitizer
#     told to ignore only the GL driver's own allocations (tests/sanitizers/lsan.supp);
#  2. ThreadSanitizer over the tests that use threads: parallel loops, the export workers, the
#     CLI's exports and the window's export worker (build-tsan);
#  3. each libFuzzer target in tests/fuzz for DDPM_FUZZ_SECONDS (default 20) from its seed corpus
#     (build-fuzz, clang-14). A finding stops CI and leaves crash-* beside the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${DDPM_FUZZ_SECONDS:-20}
root=$PWD
stage() { echo "== $1 ($SECONDS s into the stage)" >&2; }
# clang at -O1 with asserts on: gcc with -fsanitize=address,undefined took 5x clang's time to compile
# a test file here (157 s against 32 s for tests/core/test_schedule.cpp), which alone would break
# CI's 30 minutes on two cores.
export CC=clang-14 CXX=clang++-14
san=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" -DDDPM_BUILD_BENCH=OFF)

stage "ASan + UBSan: the whole suite"
cmake -S . -B build-asan "${san[@]}" -DDDPM_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
    # use_tls=0: clang 14's LeakSanitizer can crash scanning glibc 2.36's dynamic TLS of the GL driver
    # (see lsan.supp); not scanning TLS can only add reports, never hide one.
    export LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    cd build-asan && ctest --output-on-failure -j"$jobs"
)

stage "ThreadSanitizer: the tests that use threads"
cmake -S . -B build-tsan "${san[@]}" -DDDPM_TSAN=ON >/dev/null
cmake --build build-tsan -j"$jobs" --target ddpm-core-tests ddpm-cli-tests ddpm-app-tests
(
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    build-tsan/tests/ddpm-core-tests "[parallel],[export]"
    build-tsan/tests/ddpm-cli-tests
    build-tsan/tests/ddpm-app-tests "[export]"
)

stage "libFuzzer: ${fuzz_seconds} s per target"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDPM_FUZZ=ON -DDDPM_BUILD_TESTS=OFF \
    -DDDPM_BUILD_BENCH=OFF >/dev/null
targets=(image t_list schedule png_roundtrip scheduler_config betas toy_csv session)
cmake --build build-fuzz -j"$jobs" --target "${targets[@]/#/fuzz_}"
for t in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    # The first folder collects what the fuzzer finds; the seeds in the tree are only read.
    (cd build-fuzz && UBSAN_OPTIONS=halt_on_error=1 "tests/fuzz/fuzz_$t" -max_total_time="$fuzz_seconds" \
        -rss_limit_mb=2560 -timeout=20 -print_final_stats=1 "corpus/$t" "$root/tests/fuzz/corpus/$t" 2>&1 |
        grep -E "^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|#[0-9]+ +DONE)" || true
     test "${PIPESTATUS[0]}" -eq 0)
done
stage "sanitizers and fuzzing: clean"
