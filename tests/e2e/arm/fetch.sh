#!/usr/bin/env bash
# fetch.sh [kexec-tools|makedumpfile|dtbs|lpae] - download (never install) what the 32-bit ARM QEMU tests
# boot, from Debian's armhf packages, into the cache (default
# tests/e2e/cache/arm, gitignored; override with KX_E2E_CACHE, which gets
# an arm/ subdirectory):
#   kernel-armmp/boot/vmlinuz-*   linux-image-armmp -> linux-image-6.1.0-NN-armmp
#                                 (only ./boot is unpacked: a zImage, and
#                                 the armmp device trees from ./usr/lib are not needed: QEMU virt makes its own)
#   busybox/bin/busybox           busybox-static
#   kexec-tools/                  with the argument: kexec-tools and the
#                                 libraries it needs (glibc, zlib, Xen's...),
#                                 for bench.sh's comparison; never committed
#   makedumpfile/                 with the argument: makedumpfile and its
#                                 libraries, for t-kdump's crash kernel
#   kernel-armmp-lpae/boot/vmlinuz-*
#                                 with the argument: linux-image-armmp-lpae
#                                 (t-lpae)
#   kernel-armmp/dtbs/            with the argument: the same kernel
#                                 package's device trees for QEMU's
#                                 raspi2b (bcm2836-rpi-2-b.dtb, t-nohotplug)
#                                 and vexpress-a15 (vexpress-v2p-ca15-tc1.dtb,
#                                 t-nokill)
# The host's dpkg setup is not touched: mk/arm/apt-armhf.sh keeps
# its own armhf package lists in the cache. Idempotent; prints the kernel's
# path on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KX_E2E_CACHE:-$here/../cache}/arm
apt=$root/mk/arm/apt-armhf.sh

say() { echo "fetch-arm: $*" >&2; }
die() { echo "fetch-arm: error: $*" >&2; exit 1; }

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
tmps=()
cleanup() { [ ${#tmps[@]} -eq 0 ] || rm -rf "${tmps[@]}"; }
trap cleanup EXIT
first() { [ -e "$1" ] && printf '%s\n' "$1"; }

# unpack DIR FILTER PKG...: download the packages, unpack (FILTER: a tar
# wildcard, or "" for everything) into DIR, atomically
unpack() {
	local dir=$1 filter=$2 dl tmp d
	shift 2
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tmps+=("$dl" "$tmp")
	say "downloading $*"
	(cd "$dl" && "$apt" "$cache" download "$@") || die "apt-get download $* failed"
	for d in "$dl"/*.deb; do
		if [ -n "$filter" ]; then
			dpkg-deb --fsys-tarfile "$d" | tar -x -C "$tmp" --wildcards "$filter"
		else
			dpkg-deb -x "$d" "$tmp"
		fi
	done
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

if [ ! -x "$cache/busybox/bin/busybox" ]; then
	unpack "$cache/busybox" "" busybox-static
	[ -x "$cache/busybox/bin/busybox" ] || die "busybox-static has no bin/busybox"
fi

vmlinuz=$(first "$cache"/kernel-armmp/boot/vmlinuz-* || true)
if [ -z "$vmlinuz" ]; then
	pkg=$("$apt" "$cache" depends linux-image-armmp 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-armmp to a kernel package"
	unpack "$cache/kernel-armmp" './boot/*' "$pkg"
	echo "$pkg" >"$cache/kernel-armmp/PACKAGE"
	vmlinuz=$(first "$cache"/kernel-armmp/boot/vmlinuz-*) || die "$pkg has no boot/vmlinuz-*"
	say "kernel $pkg unpacked in $cache/kernel-armmp"
fi

# closure PKG...: the packages and, recursively, the libraries they depend on
closure() {
	local -A seen=()
	local queue=("$@") p d
	while [ ${#queue[@]} -gt 0 ]; do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		[ -z "${seen[$p]:-}" ] || continue
		seen[$p]=1
		for d in $("$apt" "$cache" depends "$p" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }'); do
			[ -n "${seen[$d]:-}" ] || queue+=("$d")
		done
	done
	echo "${!seen[@]}"
}

if [ "${1:-}" = kexec-tools ] && [ ! -x "$cache/kexec-tools/sbin/kexec" ]; then
	# Debian's kexec is linked against glibc and, for Xen, libxenctrl
	# shellcheck disable=SC2046 # one package per word
	unpack "$cache/kexec-tools" "" $(closure kexec-tools)
	[ -x "$cache/kexec-tools/sbin/kexec" ] || die "kexec-tools has no sbin/kexec"
fi
if [ "${1:-}" = makedumpfile ] && [ ! -x "$cache/makedumpfile/usr/bin/makedumpfile" ]; then
	# shellcheck disable=SC2046 # one package per word
	unpack "$cache/makedumpfile" "" $(closure makedumpfile)
	[ -x "$cache/makedumpfile/usr/bin/makedumpfile" ] || die "makedumpfile has no usr/bin/makedumpfile"
fi

if [ "${1:-}" = lpae ] && ! first "$cache"/kernel-armmp-lpae/boot/vmlinuz-* >/dev/null; then
	pkg=$("$apt" "$cache" depends linux-image-armmp-lpae 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-armmp-lpae to a kernel package"
	unpack "$cache/kernel-armmp-lpae" './boot/*' "$pkg"
	echo "$pkg" >"$cache/kernel-armmp-lpae/PACKAGE"
	first "$cache"/kernel-armmp-lpae/boot/vmlinuz-* >/dev/null || die "$pkg has no boot/vmlinuz-*"
	say "kernel $pkg unpacked in $cache/kernel-armmp-lpae"
fi

dtbs="bcm2836-rpi-2-b.dtb vexpress-v2p-ca15-tc1.dtb"
missing=0
for d in $dtbs; do [ -f "$cache/kernel-armmp/dtbs/$d" ] || missing=1; done
if [ "${1:-}" = dtbs ] && [ "$missing" = 1 ]; then
	pkg=$(cat "$cache/kernel-armmp/PACKAGE" 2>/dev/null) || die "no kernel-armmp/PACKAGE: which kernel package?"
	# a directory of its own: tests running side by side may fetch at once
	got=$(mktemp -d "$cache/.dtbs.XXXXXX")
	tmps+=("$got")
	unpack "$got" './usr/lib/linux-image-*/*.dtb' "$pkg"
	mkdir -p "$cache/kernel-armmp/dtbs"
	for d in $dtbs; do
		f=$(first "$got"/usr/lib/linux-image-*/"$d") || die "$pkg has no $d"
		mv "$f" "$cache/kernel-armmp/dtbs/$d.$$"
		mv "$cache/kernel-armmp/dtbs/$d.$$" "$cache/kernel-armmp/dtbs/$d"
	done
fi

printf '%s\n' "$vmlinuz"
