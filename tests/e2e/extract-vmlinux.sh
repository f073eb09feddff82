#!/bin/sh
# extract-vmlinux.sh IN OUT - the uncompressed ELF vmlinux inside an x86 bzImage.
#
# The bzImage's setup header gives the compressed payload: payload_offset
# (0x248) and payload_length (0x24c), counted from the start of the
# protected-mode code, (setup_sects + 1) * 512 bytes into the file
# (setup_sects 0 means 4). The payload's format is told by its magic:
#   gzip 1f 8b | xz fd 37 7a 58 5a 00 | zstd 28 b5 2f fd | lz4 02 21 4c 18
#   (the legacy frame "lz4 -l" writes) | bzip2 42 5a 68 | lzma 5d 00 00
# Except for gzip, the kernel build appends the uncompressed size (4 bytes,
# little endian) to the payload; it is cut off before decompressing and
# checked against the result. OUT must come out as an ELF file.
# Needs: od, dd (or head/tail), and the decompressor (lz4, xz, zstd, ...).
set -eu

die() { echo "extract-vmlinux: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: extract-vmlinux.sh BZIMAGE OUT"
in=$1 out=$2
[ -r "$in" ] || die "cannot read $in"

# u8 FILE OFF / u32 FILE OFF: little-endian values, independent of the host
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n'; }
u32() {
	# shellcheck disable=SC2046 # the split into 4 bytes is the point
	set -- $(od -An -tu1 -j "$2" -N4 "$1")
	[ $# -eq 4 ] || die "$in is too short"
	echo $(( $1 | $2 << 8 | $3 << 16 | $4 << 24 ))
}
hex() { od -An -tx1 -j "$2" -N"$3" "$1" | tr -d ' \n'; }

size=$(wc -c <"$in" | tr -d ' ')
[ "$(hex "$in" 0x202 4)" = 48647253 ] || die "$in is not a bzImage (no HdrS signature)"
sects=$(u8 "$in" 0x1f1)
[ "$sects" -ne 0 ] || sects=4
pm=$(( (sects + 1) * 512 ))
poff=$(u32 "$in" 0x248)
plen=$(u32 "$in" 0x24c)
start=$(( pm + poff ))
if [ "$plen" -le 4 ] || [ "$start" -ge "$size" ] || [ "$plen" -gt $(( size - start )) ]; then
	die "$in: payload (offset $poff, length $plen) is not inside the file"
fi

tmp=$(mktemp "${TMPDIR:-/tmp}/extract-vmlinux.XXXXXX")
trap 'rm -f "$tmp" "$tmp.out"' EXIT
tail -c +$(( start + 1 )) "$in" | head -c "$plen" >"$tmp"

magic=$(hex "$tmp" 0 6)
sized=1
case $magic in
1f8b*)         sized=0; dec="gzip -dc" ;;
fd377a585a00)  dec="xz -dc" ;;
28b52ffd*)     dec="zstd -dcq" ;;
02214c18*)     dec="lz4 -dc" ;;
425a68*)       dec="bzip2 -dc" ;;
5d0000*)       dec="xz -dc --format=lzma" ;;
*)             die "$in: unknown payload format (magic $magic)" ;;
esac
command -v "${dec%% *}" >/dev/null || die "needs ${dec%% *} to decompress the payload"

if [ $sized -eq 1 ]; then
	want=$(u32 "$tmp" $(( plen - 4 )))
	head -c $(( plen - 4 )) "$tmp" | $dec >"$tmp.out" || die "$dec failed"
	got=$(wc -c <"$tmp.out" | tr -d ' ')
	[ "$got" -eq "$want" ] || die "decompressed $got bytes, the kernel says $want"
else
	$dec <"$tmp" >"$tmp.out" || die "$dec failed"
fi
[ "$(hex "$tmp.out" 0 4)" = 7f454c46 ] || die "the payload of $in is not an ELF file"
mv "$tmp.out" "$out"
