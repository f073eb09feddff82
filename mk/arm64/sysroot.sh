#!/usr/bin/env bash
# sysroot.sh DIR - the arm64 libraries make ARCH=arm64 links: musl (the C
# library of kx-static) and libfdt (device tree editing), from Debian's
# arm64 packages (musl-dev, libfdt-dev), unpacked (never installed) into DIR:
#   DIR/root/...                  the unpacked packages
#   DIR/musl-gcc.specs            musl's gcc specs, pointing into DIR/root
#   DIR/fdt-include/              libfdt.h, fdt.h, libfdt_env.h only (for lib/,
#                                 which sees no C library headers)
#   DIR/libfdt.a                  the static libfdt
#   DIR/root/usr/lib/aarch64-linux-gnu/lib{z,bz2,lzma,lz4,lzo2,zstd}.a and their
#                                 headers in DIR/root/usr/include: the decompressors
# Idempotent: once DIR/.done exists nothing is fetched again (delete DIR to
# refresh); safe to run from parallel make jobs (a lock).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
# (touched, so that make, which compares it with this script, is satisfied)
# (.done without the decompressors: a sysroot from before they were added)
done_ok() { [ -f "$out/.done" ] && [ -f "$out/root/usr/lib/aarch64-linux-gnu/libzstd.a" ]; }
if done_ok; then touch "$out/.done"; exit 0; fi
exec 9>"$out/.lock"
flock 9
if done_ok; then exit 0; fi
tmp=$(mktemp -d "$out/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$here/apt-arm64.sh" "$out" download musl-dev libfdt-dev \
	zlib1g-dev libbz2-dev liblzma-dev liblz4-dev liblzo2-dev libzstd-dev)
rm -rf "$out/root"
mkdir -p "$out/root"
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$out/root"; done
lib=$out/root/usr/lib/aarch64-linux-musl
if [ ! -f "$lib/musl-gcc.specs" ] || [ ! -f "$lib/libc.a" ]; then
	echo "sysroot: musl-dev has no libc.a or gcc specs" >&2
	exit 1
fi
sed -e "s|/usr/lib/aarch64-linux-musl|$lib|g" \
	-e "s|/usr/include/aarch64-linux-musl|$out/root/usr/include/aarch64-linux-musl|g" \
	"$lib/musl-gcc.specs" >"$out/musl-gcc.specs"
mkdir -p "$out/fdt-include"
cp "$out/root/usr/include/libfdt.h" "$out/root/usr/include/fdt.h" \
	"$out/root/usr/include/libfdt_env.h" "$out/fdt-include/"
cp "$out/root/usr/lib/aarch64-linux-gnu/libfdt.a" "$out/libfdt.a"
touch "$out/.done"
echo "sysroot: musl and libfdt for arm64 in $out" >&2
