#!/usr/bin/env bash
# A GIF of the same frames from ddpm-viz and from ffmpeg, side by side: time and size.
#   bench/gif_vs_ffmpeg.sh [path/to/ddpm-viz] [frames]
# ddpm-viz makes the frames itself; ffmpeg gets them as the PNG sequence ddpm-viz exports (its time
# below excludes writing that sequence). ffmpeg is run twice: its plain GIF (one fixed 8-bit palette,
# what `ffmpeg -i frames.png out.gif` gives) and its best (palettegen + paletteuse, one palette for all
# frames from a first pass). Needs ffmpeg and /usr/bin/time.
set -euo pipefail
viz=${1:-build/app/ddpm-viz}
n=${2:-200}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
step=$(( 1000 / n )); [ "$step" -ge 1 ] || step=1
ts="0:$(( step * (n - 1) )):$step"
measure() {   # label, command...: prints "label: S s, SIZE bytes" for the file named last
    local label=$1; shift
    local out=${*: -1}
    /usr/bin/time -f "%e" -o "$dir/time" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    printf '%-40s %6.2f s  %9d bytes\n' "$label" "$(cat "$dir/time")" "$(stat -c %s "$out")"
}
"$viz" export chelsea --t "$ts" --max-side 256 --out "$dir/seq/" >/dev/null
measure "ddpm-viz (palette per frame, dithered)" "$viz" export chelsea --t "$ts" --max-side 256 --fps 20 --out "$dir/viz.gif"
measure "ffmpeg plain" ffmpeg -v error -y -framerate 20 -pattern_type glob -i "$dir/seq/*.png" "$dir/plain.gif"
measure "ffmpeg palettegen + paletteuse" ffmpeg -v error -y -framerate 20 -pattern_type glob -i "$dir/seq/*.png" \
    -filter_complex "[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse" "$dir/best.gif"
echo "($n frames of 256x170; ffmpeg reads the PNG sequence, ddpm-viz computes x_t too)"
