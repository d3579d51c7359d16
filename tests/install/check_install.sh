#!/bin/sh
# Installs the build tree into a temporary prefix and checks it as a distribution would:
# every file in its standard place, the desktop entry (desktop-file-validate) and the AppStream
# metainfo (appstreamcli validate --pedantic, without network), the icons and the catalogue.
# usage: check_install.sh BUILD_DIR
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
id=org.ddpm_viz.ddpm_viz
for f in bin/ddpm-viz share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
         share/man/man1/ddpm-viz.1.gz share/locale/zh_CN/LC_MESSAGES/ddpm-viz.mo \
         share/icons/hicolor/48x48/apps/ddpm-viz.png share/icons/hicolor/256x256/apps/ddpm-viz.png; do
    [ -s "$prefix/$f" ] || { echo "missing from the install tree: $f" >&2; exit 1; }
done
# The icons are PNGs of the size their folder names.
for size in 16 32 48 64 128 256; do
    png="$prefix/share/icons/hicolor/${size}x${size}/apps/ddpm-viz.png"
    got=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
    [ "$got" = "${size}x${size}" ] || { echo "$png is $got, not ${size}x${size}" >&2; exit 1; }
done
desktop-file-validate "$prefix/share/applications/$id.desktop"
appstreamcli validate --pedantic --no-net "$prefix/share/metainfo/$id.metainfo.xml"
# The man page has a section for each subcommand.
for section in "SCHEDULE COMMAND" "EXPORT COMMAND" "WINDOW OPTIONS"; do
    gzip -dc "$prefix/share/man/man1/ddpm-viz.1.gz" | grep -q "^.SH $section" || { echo "man page lacks $section" >&2; exit 1; }
done
# The installed binary finds its catalogue under the prefix (../share/locale).
"$prefix/bin/ddpm-viz" --help >/dev/null
echo "install tree OK"
