#!/usr/bin/env bash
# mkuki.sh - build a Unified Kernel Image (UKI) for tests, the way distributions
# did before ukify: objcopy adds the kernel, initrd, command line ... as PE
# sections to systemd's EFI stub.
#
#   mkuki.sh KERNEL INITRD CMDLINE OUT [UCODE]
#   mkuki.sh --stub            fetch (if needed) the stub; print its path
#
#   KERNEL   bzImage (e.g. tests/e2e/cache/kernel-cloud-amd64/boot/vmlinuz-*),
#            copied verbatim into .linux
#   INITRD   file for .initrd ("" for none)
#   CMDLINE  the command line text itself (not a file name) for .cmdline
#   OUT      the UKI to write (replaced atomically); printed on stdout
#   UCODE    optional microcode cpio for .ucode
#
# Sections added, in this order, each at the previous end rounded up to
# max(SectionAlignment, 4 KiB), the first one after the stub's own sections
# (computed from `objdump -h` of the stub, never hard-coded addresses):
#   .osrel .cmdline .uname [.ucode] .linux [.initrd]
# so .initrd's address comes after .linux's end. The result is checked with
# objdump: no two sections may overlap.
#
# The stub is linuxx64.efi.stub from Debian's systemd-boot-efi package,
# downloaded with `apt-get download` (never installed) and unpacked with
# `dpkg -x` into "$KX_E2E_CACHE/systemd-boot-efi" (default tests/e2e/cache,
# gitignored); later runs use the cache without touching apt.
#
# Needs: objcopy, objdump (binutils), dpkg; apt-get + package lists only for
# the first download.
#
# Environment (all optional):
#   KX_E2E_CACHE         cache dir (default: tests/e2e/cache)
#   KX_UKI_STUB          use this EFI stub instead of the cached Debian one
#   KX_UKI_OBJCOPY, KX_UKI_OBJDUMP  binutils for the stub's architecture
#                        (arm64: aarch64-linux-gnu-objcopy, -objdump)
#   KX_UKI_OFFLINE=1     never download: fail if the stub is not cached
#   KX_UKI_OSREL         file for .osrel (default: a small generated os-release)
#   KX_UKI_UNAME         text for .uname (default: read from the bzImage header)
#   KX_UKI_CMDLINE_END   how .cmdline ends: nul (default, as dracut writes it),
#                        newline, or none
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${KX_E2E_CACHE:-$here/cache}
stubrel=usr/lib/systemd/boot/efi/linuxx64.efi.stub
# another architecture's UKI: its stub (KX_UKI_STUB) and binutils that read it
OBJCOPY=${KX_UKI_OBJCOPY:-objcopy}
OBJDUMP=${KX_UKI_OBJDUMP:-objdump}

say() { echo "mkuki: $*" >&2; }
die() { echo "mkuki: error: $*" >&2; exit 1; }
usage() {
	echo "usage: mkuki.sh KERNEL INITRD CMDLINE OUT [UCODE]" >&2
	echo "       mkuki.sh --stub" >&2
	exit 2
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (install $2)"; }

tmps=()
cleanup() { [ ${#tmps[@]} -eq 0 ] || rm -rf "${tmps[@]}"; }
trap cleanup EXIT

# stub=the stub's path, downloading and unpacking systemd-boot-efi on first use.
# (Not run in $(...): its temp dirs must reach the EXIT trap.)
find_stub() {
	local sdir=$cache/systemd-boot-efi dl tmp deb
	local opts=()

	if [ -n "${KX_UKI_STUB:-}" ]; then
		[ -r "$KX_UKI_STUB" ] || die "KX_UKI_STUB=$KX_UKI_STUB is not readable"
		stub=$KX_UKI_STUB
		return
	fi
	if [ ! -f "$sdir/$stubrel" ]; then
		[ "${KX_UKI_OFFLINE:-0}" != 1 ] || die "no cached stub at $sdir/$stubrel (KX_UKI_OFFLINE=1)"
		need apt-get apt
		need dpkg dpkg
		mkdir -p "$cache"
		dl=$(mktemp -d "$cache/.dl.XXXXXX")
		tmps+=("$dl")
		if [ "$(id -u)" = 0 ]; then opts=(-o APT::Sandbox::User=root); fi
		say "downloading systemd-boot-efi"
		(cd "$dl" && apt-get "${opts[@]}" -q download systemd-boot-efi >&2) ||
			die "apt-get download systemd-boot-efi failed (has 'apt-get update' been run?)"
		deb=$(find "$dl" -maxdepth 1 -name '*.deb' | head -n 1)
		[ -n "$deb" ] || die "apt-get download systemd-boot-efi produced no .deb"
		tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
		tmps+=("$tmp")
		dpkg -x "$deb" "$tmp"
		rm -rf "$dl"
		[ -f "$tmp/$stubrel" ] || die "systemd-boot-efi has no $stubrel"
		basename "$deb" >"$tmp/PACKAGE"
		chmod 755 "$tmp"
		rm -rf "$sdir"
		mv "$tmp" "$sdir" # atomic: $sdir exists only when complete
		say "stub unpacked in $sdir"
	fi
	stub=$sdir/$stubrel
}

# objdump -h lines: "Idx Name Size VMA LMA FileOff Algn" -> "name size vma"
sections() { "$OBJDUMP" -h "$1" | awk '$1 ~ /^[0-9]+$/ && NF >= 7 { print $2, $3, $4 }'; }

# One field of objdump -p (e.g. SectionAlignment), as a hex number.
pe_field() { "$OBJDUMP" -p "$1" | awk -v f="$2" '$1 == f { print $2; exit }'; }

# Kernel release from a bzImage: the string at kernel_version (0x20e) + 0x200.
bz_release() {
	local f=$1 off
	off=$(od -An -tu2 -j 526 -N 2 "$f" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$f" bs=1 skip=$((off + 512)) count=64 2>/dev/null | tr '\0' '\n' | head -n 1 |
		awk '{ print $1 }'
}

roundup() { echo $(( ($1 + $2 - 1) / $2 * $2 )); }
fsize() { stat -c %s "$1"; }

if [ "${1:-}" = --stub ]; then
	[ $# -eq 1 ] || usage
	find_stub
	printf '%s\n' "$stub"
	exit 0
fi
[ $# -eq 4 ] || [ $# -eq 5 ] || usage
kernel=$1 initrd=$2 cmdline=$3 out=$4 ucode=${5:-}

need "$OBJCOPY" binutils
need "$OBJDUMP" binutils
[ -r "$kernel" ] || die "kernel '$kernel' is not readable"
[ -z "$initrd" ] || [ -r "$initrd" ] || die "initrd '$initrd' is not readable"
[ -z "$ucode" ] || [ -r "$ucode" ] || die "ucode '$ucode' is not readable"
[ -z "${KX_UKI_OSREL:-}" ] || [ -r "$KX_UKI_OSREL" ] || die "KX_UKI_OSREL '$KX_UKI_OSREL' is not readable"

find_stub
work=$(mktemp -d "${TMPDIR:-/tmp}/mkuki.XXXXXX")
tmps+=("$work")

# --- section contents --------------------------------------------------------
uname=${KX_UKI_UNAME:-}
if [ -z "$uname" ]; then
	uname=$(bz_release "$kernel" || true)
	[ -n "$uname" ] || { uname=$(basename "$kernel"); uname=${uname#vmlinuz-}; }
fi
printf '%s' "$uname" >"$work/uname"
if [ -n "${KX_UKI_OSREL:-}" ]; then
	cp "$KX_UKI_OSREL" "$work/osrel"
else
	cat >"$work/osrel" <<EOF
NAME="kx test UKI"
ID=kx-test
VERSION_ID=1
PRETTY_NAME="kx test UKI ($uname)"
EOF
fi
case ${KX_UKI_CMDLINE_END:-nul} in
	nul) printf '%s\0' "$cmdline" >"$work/cmdline" ;;
	newline) printf '%s\n' "$cmdline" >"$work/cmdline" ;;
	none) printf '%s' "$cmdline" >"$work/cmdline" ;;
	*) die "KX_UKI_CMDLINE_END must be nul, newline or none" ;;
esac

# --- layout ------------------------------------------------------------------
salign=$((0x$(pe_field "$stub" SectionAlignment)))
[ "$salign" -gt 0 ] || die "cannot read SectionAlignment of $stub"
align=$(( salign > 4096 ? salign : 4096 ))
end=0
while read -r name size vma; do
	e=$((0x$vma + 0x$size))
	[ "$e" -le "$end" ] || end=$e
	say "stub section $name at 0x$vma, 0x$size bytes"
done < <(sections "$stub")
[ "$end" -gt 0 ] || die "objdump finds no sections in $stub"

args=()
add() { # add NAME FILE: next free address, then advance
	local at size
	at=$(roundup "$end" "$align")
	size=$(fsize "$2")
	args+=(--add-section "$1=$2" --change-section-vma "$1=$(printf '0x%x' "$at")")
	say "$(printf '%-8s at 0x%08x, %d bytes' "$1" "$at" "$size")"
	end=$((at + (size > 0 ? size : 1)))
}
add .osrel "$work/osrel"
add .cmdline "$work/cmdline"
add .uname "$work/uname"
[ -z "$ucode" ] || add .ucode "$ucode"
add .linux "$kernel"
[ -z "$initrd" ] || add .initrd "$initrd"

# --- build, check, install ---------------------------------------------------
"$OBJCOPY" "${args[@]}" "$stub" "$work/uki.efi" || die "objcopy failed"
prev_end=0 prev=
while read -r name size vma; do
	s=$((0x$vma)) e=$((0x$vma + 0x$size))
	[ "$s" -ge "$prev_end" ] || die "sections $prev and $name overlap in the UKI"
	prev_end=$e prev=$name
done < <(sections "$work/uki.efi" | sort -k3,3)
for s in .linux .osrel .cmdline .uname; do
	sections "$work/uki.efi" | grep -q "^$s " || die "the UKI has no $s section"
done
mkdir -p "$(dirname "$out")"
tmps+=("$out.tmp.$$")
cp "$work/uki.efi" "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
printf '%s\n' "$out"
