#!/usr/bin/env bash
# fetch.sh [kexec-tools] - download (never install) what the arm64 QEMU tests
# boot, from Debian's arm64 packages, into the cache (default
# tests/e2e/cache/arm64, gitignored; override with KX_E2E_CACHE, which gets
# an arm64/ subdirectory):
#   kernel-arm64/boot/vmlinuz-*   linux-image-arm64 -> linux-image-6.1.0-NN-arm64
#                                 (only ./boot is unpacked; Debian 12 ships a
#                                 plain, uncompressed Image as vmlinuz)
#   busybox/bin/busybox           busybox-static
#   systemd-boot-efi/             with the argument uki-stub: systemd's arm64
#                                 EFI stub (prints its path instead)
#   kexec-tools/                  with the argument: kexec-tools and the
#                                 libraries it needs (glibc, zlib, Xen's...),
#                                 for bench.sh's comparison; never committed
# The host's dpkg setup is not touched: mk/arm64/apt-arm64.sh keeps
# its own arm64 package lists in the cache. Idempotent; prints the kernel's
# path on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KX_E2E_CACHE:-$here/../cache}/arm64
apt=$root/mk/arm64/apt-arm64.sh

say() { echo "fetch-arm64: $*" >&2; }
die() { echo "fetch-arm64: error: $*" >&2; exit 1; }

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

vmlinuz=$(first "$cache"/kernel-arm64/boot/vmlinuz-* || true)
if [ -z "$vmlinuz" ]; then
	pkg=$("$apt" "$cache" depends linux-image-arm64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-arm64 to a kernel package"
	unpack "$cache/kernel-arm64" './boot/*' "$pkg"
	echo "$pkg" >"$cache/kernel-arm64/PACKAGE"
	vmlinuz=$(first "$cache"/kernel-arm64/boot/vmlinuz-*) || die "$pkg has no boot/vmlinuz-*"
	say "kernel $pkg unpacked in $cache/kernel-arm64"
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

stub=usr/lib/systemd/boot/efi/linuxaa64.efi.stub
if [ "${1:-}" = uki-stub ]; then
	# systemd's arm64 EFI stub, for building UKIs (tests/e2e/mkuki.sh)
	[ -f "$cache/systemd-boot-efi/$stub" ] || unpack "$cache/systemd-boot-efi" "" systemd-boot-efi
	[ -f "$cache/systemd-boot-efi/$stub" ] || die "systemd-boot-efi has no $stub"
	printf '%s\n' "$cache/systemd-boot-efi/$stub"
	exit 0
fi
if [ "${1:-}" = kexec-tools ] && [ ! -x "$cache/kexec-tools/sbin/kexec" ]; then
	# Debian's kexec is linked against glibc and, for Xen, libxenctrl
	# shellcheck disable=SC2046 # one package per word
	unpack "$cache/kexec-tools" "" $(closure kexec-tools)
	[ -x "$cache/kexec-tools/sbin/kexec" ] || die "kexec-tools has no sbin/kexec"
fi

printf '%s\n' "$vmlinuz"
