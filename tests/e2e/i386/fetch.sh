#!/usr/bin/env bash
# fetch.sh [makedumpfile|kexec-tools] - download (never install) what the i386 QEMU tests boot, from
# Debian's i386 packages, into the cache (default tests/e2e/cache/i386,
# gitignored; override with KX_E2E_CACHE, which gets an i386/ subdirectory):
#   kernel-686/boot/vmlinuz-*       linux-image-686 -> linux-image-6.1.0-NN-686
#   kernel-686-pae/boot/vmlinuz-*   linux-image-686-pae -> ...-686-pae
#                                   (only ./boot is unpacked)
#   busybox/bin/busybox             busybox-static (i386)
#   makedumpfile/                   with the argument: makedumpfile and the
#                                   libraries it depends on, for t-kdump
#   kexec-tools/                    with the argument: kexec-tools and the
#                                   libraries it depends on, for make bench's
#                                   i386 peer (BENCH_ARCHES=i386); never committed
# The host's dpkg setup is not touched: mk/i386/apt-i386.sh keeps its own
# i386 package lists in the cache. Idempotent; prints the two kernels' paths
# on stdout, 686 first, then 686-pae.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KX_E2E_CACHE:-$here/../cache}/i386
apt=$root/mk/i386/apt-i386.sh

say() { echo "fetch-i386: $*" >&2; }
die() { echo "fetch-i386: error: $*" >&2; exit 1; }

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

# kernel FLAVOUR: the vmlinuz of linux-image-FLAVOUR's current kernel package
kernel() {
	local fl=$1 v pkg
	v=$(first "$cache/kernel-$fl"/boot/vmlinuz-* || true)
	if [ -z "$v" ]; then
		pkg=$("$apt" "$cache" depends "linux-image-$fl" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
		[ -n "$pkg" ] || die "cannot resolve linux-image-$fl to a kernel package"
		unpack "$cache/kernel-$fl" './boot/*' "$pkg"
		echo "$pkg" >"$cache/kernel-$fl/PACKAGE"
		v=$(first "$cache/kernel-$fl"/boot/vmlinuz-*) || die "$pkg has no boot/vmlinuz-*"
		say "kernel $pkg unpacked in $cache/kernel-$fl"
	fi
	printf '%s\n' "$v"
}

kernel 686
kernel 686-pae

if [ "${1:-}" = makedumpfile ] && [ ! -x "$cache/makedumpfile/usr/bin/makedumpfile" ]; then
	# its libraries, as apt-cache depends names them (libdw1 needs more)
	pkgs=$("$apt" "$cache" depends makedumpfile libdw1 libelf1 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }' | sort -u)
	# shellcheck disable=SC2086 # one package per word
	unpack "$cache/makedumpfile" "" makedumpfile $pkgs
	[ -x "$cache/makedumpfile/usr/bin/makedumpfile" ] || die "makedumpfile has no usr/bin/makedumpfile"
fi
if [ "${1:-}" = kexec-tools ] && [ ! -x "$cache/kexec-tools/sbin/kexec" ]; then
	# Debian's kexec and the libraries it depends on (glibc, zlib, liblzma...)
	pkgs=$("$apt" "$cache" depends kexec-tools 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }' | sort -u)
	# shellcheck disable=SC2086 # one package per word
	unpack "$cache/kexec-tools" "" kexec-tools $pkgs
	[ -x "$cache/kexec-tools/sbin/kexec" ] || die "kexec-tools has no sbin/kexec"
fi
