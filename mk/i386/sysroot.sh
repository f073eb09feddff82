#!/usr/bin/env bash
# sysroot.sh DIR - musl for i386 (the C library of build/i386/kx-static) and
# the decompressors' static archives and headers, from Debian's i386 packages
# (musl-dev and the codecs' -dev packages), unpacked (never installed) into DIR:
#   DIR/root/...             the unpacked packages
#   DIR/musl-gcc.specs       musl's gcc specs, pointing into DIR/root
# The compiler is Debian's cross compiler i686-linux-gnu-gcc
# (gcc-i686-linux-gnu), whose linker's default is elf_i386. Idempotent: once
# DIR/.done exists nothing is fetched again (delete DIR to refresh); safe to
# run from parallel make jobs (a lock).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
pkgs="musl-dev zlib1g-dev libbz2-dev liblzma-dev liblz4-dev liblzo2-dev libzstd-dev"
# a sysroot made from another package list is made again
done_ok() { [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$pkgs" ]; }
if done_ok; then touch "$out/.done"; exit 0; fi
exec 9>"$out/.lock"
flock 9
if done_ok; then exit 0; fi
tmp=$(mktemp -d "$out/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # one package per word
(cd "$tmp" && "$here/apt-i386.sh" "$out" download $pkgs)
for p in $pkgs; do
	compgen -G "$tmp/${p}_*.deb" >/dev/null || { echo "sysroot: $p:i386 did not download" >&2; exit 1; }
done
rm -rf "$out/root"
mkdir -p "$out/root"
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$out/root"; done
lib=$out/root/usr/lib/i386-linux-musl
if [ ! -f "$lib/musl-gcc.specs" ] || [ ! -f "$lib/libc.a" ]; then
	echo "sysroot: musl-dev:i386 has no libc.a or gcc specs" >&2
	exit 1
fi
sed -e "s|/usr/lib/i386-linux-musl|$lib|g" \
	-e "s|/usr/include/i386-linux-musl|$out/root/usr/include/i386-linux-musl|g" \
	"$lib/musl-gcc.specs" >"$out/musl-gcc.specs"
echo "$pkgs" >"$out/.done"
echo "sysroot: musl and the decompressors for i386 in $out" >&2
