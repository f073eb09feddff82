#!/usr/bin/env bash
# sysroot.sh DIR - the ppc64el libraries make ARCH=ppc64le links, as
# mk/arm64/sysroot.sh for arm64: musl (kx-static's C library), libfdt, and
# the decompressors' static archives (zlib, bzip2, xz, lz4, lzo, zstd: the
# library's unwrapping layer, where the tree has it), from Debian's ppc64el
# packages (musl-dev, libfdt-dev, the -dev packages), unpacked (never
# installed) into DIR:
#   DIR/root/...          the unpacked packages
#   DIR/musl-gcc.specs    musl's gcc specs, pointing into DIR/root
#   DIR/fdt-include/      libfdt.h, fdt.h, libfdt_env.h (for lib/)
#   DIR/libfdt.a          the static libfdt
# Idempotent (DIR/.done holds the package list: a longer list fetches again),
# safe from parallel make jobs (a lock).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
pkgs="musl-dev libfdt-dev zlib1g-dev libbz2-dev liblzma-dev liblz4-dev liblzo2-dev libzstd-dev"
done_ok() { [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$pkgs" ]; }
if done_ok; then touch "$out/.done"; exit 0; fi
exec 9>"$out/.lock"
flock 9
if done_ok; then exit 0; fi
tmp=$(mktemp -d "$out/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # one package per word
(cd "$tmp" && "$here/apt-ppc64el.sh" "$out" download $pkgs)
for p in $pkgs; do
	compgen -G "$tmp/${p}_*.deb" >/dev/null || { echo "sysroot: $p:ppc64el did not download" >&2; exit 1; }
done
rm -rf "$out/root"
mkdir -p "$out/root"
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$out/root"; done
lib=$out/root/usr/lib/powerpc64le-linux-musl
if [ ! -f "$lib/musl-gcc.specs" ] || [ ! -f "$lib/libc.a" ]; then
	echo "sysroot: musl-dev:ppc64el has no libc.a or gcc specs" >&2
	exit 1
fi
sed -e "s|/usr/lib/powerpc64le-linux-musl|$lib|g" \
	-e "s|/usr/include/powerpc64le-linux-musl|$out/root/usr/include/powerpc64le-linux-musl|g" \
	"$lib/musl-gcc.specs" >"$out/musl-gcc.specs"
mkdir -p "$out/fdt-include"
cp "$out/root/usr/include/libfdt.h" "$out/root/usr/include/fdt.h" \
	"$out/root/usr/include/libfdt_env.h" "$out/fdt-include/"
cp "$out/root/usr/lib/powerpc64le-linux-gnu/libfdt.a" "$out/libfdt.a"
echo "$pkgs" >"$out/.done"
echo "sysroot: musl and libfdt for ppc64el in $out" >&2
