#!/usr/bin/env bash
# fetch.sh [kexec-tools|makedumpfile] - download (never install) what the
# ppc64le QEMU tests boot, from Debian's ppc64el packages, into the cache
# (default tests/e2e/cache/ppc64le, gitignored; override with KX_E2E_CACHE,
# which gets a ppc64le/ subdirectory):
#   kernel-powerpc64le/boot/vmlinux-*  linux-image-powerpc64le ->
#                                 linux-image-6.1.0-NN-powerpc64le (only ./boot
#                                 is unpacked: an ELF64 vmlinux, and its config;
#                                 QEMU pseries' console (hvc0, the spapr VTY)
#                                 is built in, so no modules are needed)
#   busybox/bin/busybox           busybox-static
#   kexec-tools/                  with the argument: kexec-tools and the
#                                 libraries it needs (glibc, zlib, ...), the
#                                 peer of bench.sh and of the harness's own
#                                 test (t-peer.sh); never committed
#   makedumpfile/                 with the argument: makedumpfile and its
#                                 libraries, for t-kdump's crash kernel
# The host's dpkg setup is not touched: mk/arm64/apt-arm64.sh with
# APT_ARCH=ppc64el keeps its own ppc64el package lists in the cache.
# Idempotent; prints the kernel's path on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KX_E2E_CACHE:-$here/../cache}/ppc64le
apt() { APT_ARCH=ppc64el "$root/mk/arm64/apt-arm64.sh" "$@"; }

say() { echo "fetch-ppc64le: $*" >&2; }
die() { echo "fetch-ppc64le: error: $*" >&2; exit 1; }

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
	(cd "$dl" && apt "$cache" download "$@") || die "apt-get download $* failed"
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

vmlinux=$(first "$cache"/kernel-powerpc64le/boot/vmlinux-* || true)
if [ -z "$vmlinux" ]; then
	pkg=$(apt "$cache" depends linux-image-powerpc64le 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-powerpc64le to a kernel package"
	unpack "$cache/kernel-powerpc64le" './boot/*' "$pkg"
	echo "$pkg" >"$cache/kernel-powerpc64le/PACKAGE"
	vmlinux=$(first "$cache"/kernel-powerpc64le/boot/vmlinux-*) || die "$pkg has no boot/vmlinux-*"
	say "kernel $pkg unpacked in $cache/kernel-powerpc64le"
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
		for d in $(apt "$cache" depends "$p" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }'); do
			[ -n "${seen[$d]:-}" ] || queue+=("$d")
		done
	done
	echo "${!seen[@]}"
}

if [ "${1:-}" = kexec-tools ] && [ ! -x "$cache/kexec-tools/sbin/kexec" ]; then
	# shellcheck disable=SC2046 # one package per word
	unpack "$cache/kexec-tools" "" $(closure kexec-tools)
	[ -x "$cache/kexec-tools/sbin/kexec" ] || die "kexec-tools has no sbin/kexec"
fi
if [ "${1:-}" = makedumpfile ] && [ ! -x "$cache/makedumpfile/usr/bin/makedumpfile" ]; then
	# shellcheck disable=SC2046 # one package per word
	unpack "$cache/makedumpfile" "" $(closure makedumpfile)
	[ -x "$cache/makedumpfile/usr/bin/makedumpfile" ] || die "makedumpfile has no usr/bin/makedumpfile"
fi

printf '%s\n' "$vmlinux"
