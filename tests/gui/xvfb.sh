#!/bin/sh
# The GUI tests' display: `xvfb.sh start DIR` starts Xvfb on a free display number (written to
# DIR/display; 1920x1080, the largest screen the usability check uses) and returns; `xvfb.sh stop DIR` stops it. Used as a ctest fixture.
set -eu
dir=$2
mkdir -p "$dir"
case $1 in
start)
    rm -f "$dir/display" "$dir/pid"
    # -displayfd: Xvfb picks a free display and writes its number once it accepts connections.
    Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$dir/display" </dev/null >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 100); do
        [ -s "$dir/display" ] && exit 0
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
        sleep 0.1
    done
    echo "Xvfb did not start:" >&2
    cat "$dir/log" >&2
    exit 1
    ;;
stop)
    [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/display" "$dir/pid"
    ;;
esac
