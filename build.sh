#!/usr/bin/env bash
# ddpm-viz set-up on Debian 12: installs the missing packages, builds (Release, ./build), then
#   ./build.sh run [ddpm-viz arguments]   launches ddpm-viz (the window on the embedded cat)
#   ./build.sh test                       runs every test through ctest
#   ./build.sh build                      only builds
#   ./build.sh sanitize                   the suite under ASan/UBSan and TSan, then each fuzzer briefly
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake g++ make pkg-config libimgui-dev libglfw3-dev python3-glad libstb-dev catch2 libcli11-dev
          nlohmann-json3-dev libgif-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev libbenchmark-dev libegl-dev libegl-mesa0 libgl1-mesa-dri
          libx11-dev xvfb xauth libfontconfig1-dev fonts-dejavu-core fonts-wqy-microhei gettext)
# The tests also encode an MP4, which needs the ffmpeg command (optional for running ddpm-viz).
# The install test validates the desktop entry and the AppStream metainfo; `cpack -G DEB` needs
# dpkg-shlibdeps (dpkg-dev) and lintian checks the package.
case "${1:-run}" in test | sanitize) packages+=(ffmpeg desktop-file-utils appstream dpkg-dev lintian python3-numpy) ;; esac
# The sanitizer and fuzzing stage (the whole suite again) also needs clang and its libFuzzer runtime.
[ "${1:-run}" = sanitize ] && packages+=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-run}" = sanitize ] && exec .ci/sanitize.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

what="${1:-run}"
[ $# -gt 0 ] && shift
case "$what" in
    run) exec ./build/app/ddpm-viz "$@" ;;
    test) cd build && exec ctest --output-on-failure -j"$(nproc)" "$@" ;;
    build) ;;
    *) echo "usage: ./build.sh [run|test|build|sanitize] [arguments]" >&2; exit 2 ;;
esac
