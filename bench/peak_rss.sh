#!/usr/bin/env bash
# Peak memory and time of the big exports the README quotes: one 16000x16000 frame (from a random
# PPM, 768 MB, then from that frame's own PNG) and a 1000-frame GIF of the cat at 256 pixels. Needs
# /usr/bin/time (Debian's `time` package), about 2 GB of memory and 1.5 GB of disk; the files go to
# a temporary folder, removed at the end.
set -euo pipefail
viz=${1:-build/app/ddpm-viz}
cat=$(dirname "$0")/../assets/chelsea.png
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
{ printf 'P6\n16000 16000\n255\n'; head -c 768000000 /dev/urandom; } >"$dir/big.ppm"
/usr/bin/time -f "16000x16000 frame: %e s, peak RSS %M KB" "$viz" export "$dir/big.ppm" --t 500 --out "$dir/big.png"
rm "$dir/big.ppm"
# The same from that frame as a PNG (650 MB of noise), which libpng reads from the file.
/usr/bin/time -f "16000x16000 frame from a PNG: %e s, peak RSS %M KB" "$viz" export "$dir/big.png" --t 500 --out "$dir/big2.png"
rm "$dir"/big*.png
/usr/bin/time -f "1000-frame GIF of 256x170: %e s, peak RSS %M KB" \
    "$viz" export "$cat" --t 0:999:1 --max-side 256 --out "$dir/noise.gif"
