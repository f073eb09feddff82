#!/usr/bin/env bash
# fetch.sh - download (never install) the Debian packages the e2e tests boot:
#   * a real kernel: linux-image-cloud-amd64 -> linux-image-6.1.0-NN-cloud-amd64
#     (or the generic linux-image-amd64 with KX_E2E_FLAVOUR=amd64)
#   * busybox-static (the userland of both guest initramfs images)
#   * Debian's kexec-tools and the libraries its kexec needs (t-compat's
#     reference; bench/fetch-kexec-tools.sh, into $KX_E2E_CACHE/kexec-tools)
# and unpack them into the cache dir (default tests/e2e/cache, gitignored;
# override with KX_E2E_CACHE).
#
# Idempotent: once something is unpacked it is never fetched again, and a fully
# cached run does not touch apt at all. Delete the cache dir to refresh.
#
# Prints the path of the kernel image (vmlinuz) on stdout; everything else goes
# to stderr. busybox ends up at "$KX_E2E_CACHE/busybox/bin/busybox".
#
# fetch.sh --xen: the Xen fixtures of t-xen.sh instead: Debian's
# xen-hypervisor-4.17-amd64 (its gzip'd hypervisor unpacked as
# $KX_E2E_CACHE/xen/xen-4.17-amd64, an ELF32 multiboot 1 and 2 kernel) and the
# generic linux-image-amd64 kernel as dom0 (the cloud flavour has no
# CONFIG_XEN_DOM0; kernel-amd64/ as with KX_E2E_FLAVOUR=amd64). Prints
# "XEN DOM0-VMLINUZ" on one line.
#
# Needs `apt-get update` to have run once (apt-get download and apt-cache use
# the package lists).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${KX_E2E_CACHE:-$here/cache}
flavour=${KX_E2E_FLAVOUR:-cloud-amd64}
want_xen=0
if [ "${1:-}" = --xen ]; then
	want_xen=1
	flavour=amd64
fi

say() { echo "fetch: $*" >&2; }
die() { echo "fetch: error: $*" >&2; exit 1; }

case $flavour in
	cloud | cloud-amd64) flavour=cloud-amd64 ;;
	amd64 | generic) flavour=amd64 ;;
	*) die "KX_E2E_FLAVOUR must be cloud-amd64 (default) or amd64, not '$flavour'" ;;
esac

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
kdir=$cache/kernel-$flavour   # unpacked kernel package (boot/ only)
bdir=$cache/busybox           # unpacked busybox-static package

# Temp dirs under the cache, removed on exit (a failed or interrupted run
# leaves no half-unpacked package behind).
tmps=()
cleanup() { [ ${#tmps[@]} -eq 0 ] || rm -rf "${tmps[@]}"; }
trap cleanup EXIT

# First match of a glob, or nothing.
first() { [ -e "$1" ] && printf '%s\n' "$1"; }

# download PKG DIR: apt-get download PKG into DIR; prints the path of the .deb.
# As root, apt warns that the download is "unsandboxed" because user _apt cannot
# write to our dir; running the download as root on purpose silences that.
download() {
	local pkg=$1 dl=$2
	local opts=()
	if [ "$(id -u)" = 0 ]; then opts=(-o APT::Sandbox::User=root); fi
	say "downloading $pkg"
	if ! (cd "$dl" && apt-get "${opts[@]}" -q download "$pkg" >&2); then
		die "apt-get download $pkg failed (has 'apt-get update' been run?)"
	fi
	first "$dl"/*.deb || die "apt-get download $pkg produced no .deb"
}

# --- busybox-static --------------------------------------------------------
if [ ! -x "$bdir/bin/busybox" ]; then
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmps+=("$dl")
	deb=$(download busybox-static "$dl")
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tmps+=("$tmp")
	dpkg -x "$deb" "$tmp"
	rm -rf "$dl"
	[ -x "$tmp/bin/busybox" ] || die "busybox-static has no bin/busybox"
	rm -rf "$bdir"
	mv "$tmp" "$bdir"       # atomic: $bdir exists only when complete
	say "busybox unpacked in $bdir"
fi

# --- kernel ----------------------------------------------------------------
vmlinuz=$(first "$kdir"/boot/vmlinuz-* || true)
if [ -z "$vmlinuz" ]; then
	meta=linux-image-$flavour
	# The metapackage depends on exactly one versioned image package.
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve $meta to a kernel package (run 'apt-get update' first?)"
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmps+=("$dl")
	deb=$(download "$pkg" "$dl")
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tmps+=("$tmp")
	# Like `dpkg -x`, but only ./boot: the modules (hundreds of MiB for the
	# generic flavour) are never used, the guests run from an initramfs.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*'
	rm -rf "$dl"
	first "$tmp"/boot/vmlinuz-* >/dev/null || die "$pkg contains no boot/vmlinuz-*"
	echo "$pkg" >"$tmp/PACKAGE"
	chmod 755 "$tmp"
	rm -rf "$kdir"
	mv "$tmp" "$kdir"
	vmlinuz=$(first "$kdir"/boot/vmlinuz-*)
	say "kernel $pkg unpacked in $kdir"
fi

# --- Debian's kexec-tools (the reference of t-compat), with its libraries ----
# bench/fetch-kexec-tools.sh lays it out as a guest root in $cache/kexec-tools.
if [ ! -x "$cache/kexec-tools/guest/sbin/kexec" ]; then
	KX_E2E_CACHE=$cache "$here/../../bench/fetch-kexec-tools.sh" >/dev/null ||
		die "fetching kexec-tools failed"
fi

if [ "$want_xen" = 0 ]; then
	printf '%s\n' "$vmlinuz"
	exit 0
fi

# --- Xen (fetch.sh --xen) ---------------------------------------------------
xdir=$cache/xen
xen=$xdir/xen-4.17-amd64
if [ ! -f "$xen" ]; then
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmps+=("$dl")
	deb=$(download xen-hypervisor-4.17-amd64 "$dl")
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tmps+=("$tmp")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/xen-*.gz'
	gz=$(first "$tmp"/boot/xen-4.17-amd64.gz) ||
		die "xen-hypervisor-4.17-amd64 contains no boot/xen-4.17-amd64.gz"
	# kx does not unwrap a gzip'd multiboot kernel (GRUB and kexec-tools do)
	gzip -dc "$gz" >"$tmp/xen-4.17-amd64"
	rm -rf "$tmp/boot"
	dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb" >"$tmp/PACKAGE"
	rm -rf "$dl"
	chmod 755 "$tmp"
	rm -rf "$xdir"
	mv "$tmp" "$xdir"
	say "xen: $(cat "$xdir/PACKAGE") unpacked in $xdir"
fi
printf '%s %s\n' "$xen" "$vmlinuz"
