#!/usr/bin/env bash
# modules.sh DEST MODULE... - kernel modules for the kx boot guests, taken
# from the package of the kernel the tests boot (Debian's cloud kernel has
# virtio_pci, virtio_blk, vfat, xfs, btrfs and isofs as modules).
#
# Copies MODULE... and every module they depend on (the `depends=` field of
# each .ko's .modinfo: Debian's package has no modules.dep, depmod makes it
# at install time) into DEST/lib/kxboot/, and writes DEST/lib/kxboot/load:
# the file names in an order insmod accepts (dependencies first). A guest
# loads them with
#   while read -r m; do insmod /lib/kxboot/$m; done </lib/kxboot/load
#
# The package is downloaded once (apt-get download, never installed) and
# the modules asked for are unpacked into $KX_E2E_CACHE/kmod-PACKAGE/ (the
# package name comes from the PACKAGE file fetch.sh writes next to the
# kernel: KERNEL_DIR, default the cached cloud kernel).
#
# Environment: KX_E2E_CACHE (default tests/e2e/cache), KXBOOT_KERNEL_DIR
# (the unpacked kernel package dir holding PACKAGE; default
# $KX_E2E_CACHE/kernel-cloud-amd64). Needs objcopy (binutils), dpkg-deb, tar.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${KX_E2E_CACHE:-$here/cache}
kdir=${KXBOOT_KERNEL_DIR:-$cache/kernel-cloud-amd64}

die() { echo "modules.sh: error: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: modules.sh DEST MODULE..."
dest=$1
shift
pkg=$(cat "$kdir/PACKAGE" 2>/dev/null) || die "no $kdir/PACKAGE (run fetch.sh)"
mdir=$cache/kmod-$pkg

tmps=()
cleanup() { [ ${#tmps[@]} -eq 0 ] || rm -rf "${tmps[@]}"; }
trap cleanup EXIT

# The package's .deb, downloaded once per call that needs a module not yet
# cached; its file listing is cached (name -> path in the archive).
deb=
get_deb() {
	[ -z "$deb" ] || return 0
	local dl opts=()
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmps+=("$dl")
	[ "$(id -u)" != 0 ] || opts=(-o APT::Sandbox::User=root)
	(cd "$dl" && apt-get "${opts[@]}" -q download "$pkg" >&2) ||
		die "apt-get download $pkg failed (has 'apt-get update' been run?)"
	deb=$(find "$dl" -maxdepth 1 -name '*.deb' | head -n 1)
	[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
}
mkdir -p "$mdir"
if [ ! -s "$mdir/index" ]; then
	get_deb
	# "name path", the name with - as _ (as the kernel spells module names)
	dpkg-deb -c "$deb" | awk '{ p = $NF; if (p ~ /\.ko$/) { n = p; sub(/.*\//, "", n);
		sub(/\.ko$/, "", n); gsub(/-/, "_", n); print n, p } }' >"$mdir/index.tmp"
	[ -s "$mdir/index.tmp" ] || die "$pkg holds no modules"
	mv "$mdir/index.tmp" "$mdir/index"
fi

# ensure NAME...: NAME.ko (and its "depends" line) in the cache
ensure() {
	local want=() n p
	for n in "$@"; do
		[ -f "$mdir/$n.ko" ] || want+=("$n")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	get_deb
	local paths=() tmp
	for n in "${want[@]}"; do
		p=$(awk -v n="$n" '$1 == n { print $2; exit }' "$mdir/index")
		[ -n "$p" ] || die "$pkg has no module $n (built in?)"
		paths+=("$p")
	done
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tmps+=("$tmp")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "${paths[@]}"
	for n in "${want[@]}"; do
		p=$(awk -v n="$n" '$1 == n { print $2; exit }' "$mdir/index")
		objcopy -O binary --only-section=.modinfo "$tmp/$p" "$tmp/modinfo"
		tr '\0' '\n' <"$tmp/modinfo" | sed -n 's/^depends=//p' | tr ',-' ' _' >"$mdir/$n.deps"
		cp "$tmp/$p" "$mdir/$n.ko.tmp"
		mv "$mdir/$n.ko.tmp" "$mdir/$n.ko" # the .ko last: it marks the entry complete
	done
}

# Depth-first: dependencies before the module; each module once.
order=()
seen=" "
visit() {
	local n=$1 d depth=$2
	[ "$depth" -lt 16 ] || die "module dependencies nest too deep at $n"
	case $seen in *" $n "*) return 0 ;; esac
	seen="$seen$n "
	ensure "$n"
	# shellcheck disable=SC2013 # words, not lines
	for d in $(cat "$mdir/$n.deps"); do
		visit "$d" $((depth + 1))
	done
	order+=("$n")
}
# Unpack level by level (one pass over the package per level), then order.
level=$(echo "$*" | tr - _)
for _ in 1 2 3 4 5 6 7 8; do
	[ -n "$level" ] || break
	# shellcheck disable=SC2086 # a list of names
	ensure $level
	level=$(for n in $level; do cat "$mdir/$n.deps"; done | tr ' ' '\n' |
		while read -r d; do [ -z "$d" ] || [ -f "$mdir/$d.ko" ] || echo "$d"; done | sort -u)
done
for m in "$@"; do
	visit "$(echo "$m" | tr - _)" 0
done
mkdir -p "$dest/lib/kxboot"
: >"$dest/lib/kxboot/load"
for n in "${order[@]}"; do
	cp "$mdir/$n.ko" "$dest/lib/kxboot/$n.ko"
	echo "$n.ko" >>"$dest/lib/kxboot/load"
done
