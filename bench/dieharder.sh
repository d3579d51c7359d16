#!/usr/bin/env bash
# Feeds the generator's raw 32-bit stream to dieharder (Debian package dieharder): every test (-a).
# Not run in CI (it takes an hour or more). Usage: bench/dieharder.sh [index|seeds] [BUILD_DIR]
#   index: blocks 0, 1, 2, ... of one stream; seeds: block 0 of consecutive seeds (across keys).
# The summary kept in docs/dieharder.txt is this script's output.
set -euo pipefail
mode=${1:-index}
build=${2:-build}
command -v dieharder >/dev/null || { echo "dieharder is not installed: apt-get install dieharder" >&2; exit 1; }
echo "# dieharder -a on ddpm-viz's Philox4x32-10 stream ($mode), $(date -u +%Y-%m-%d)"
"$build/bench/ddpm-rng-stream" "$mode" | dieharder -a -g 200
