#!/usr/bin/env bash
# seeds.sh OUTDIR: seed corpora for the fuzzers, one directory per harness.
# Small seeds are committed in tests/fuzz/corpus/; real images come from the
# e2e cache (fetched with apt-get download, never committed) and the build
# (test kernels), cut to a size a fuzzer can mutate.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/fuzz_bzimage" "$out/fuzz_pe" "$out/fuzz_text" "$out/fuzz_elf" "$out/fuzz_plan" \
	"$out/fuzz_multiboot" "$out/fuzz_unpack" "$out/fuzz_fsprobe"
cp -r "$here/corpus/." "$out/"
for k in "$here"/../../build/kernels/*.elf "$here"/../../build/kernels/*.bin; do
	[ -f "$k" ] && cp "$k" "$out/fuzz_multiboot/" && cp "$k" "$out/fuzz_elf/"
done
# unpack: one small stream per format, from the host's compressors (tests/deps.sh)
seq 1 3000 >"$out/unpack.in"
for c in "gzip -9 -n" "bzip2" "lzma" "xz" "xz --check=crc32" "lzop" "lz4 -l" "lz4" "zstd -q"; do
	n=$(echo "$c" | tr ' ' '_')
	$c -c "$out/unpack.in" >"$out/fuzz_unpack/$n" 2>/dev/null || rm -f "$out/fuzz_unpack/$n"
done
# xz: two streams, stream padding between and after them, Linux's appended length
if command -v xz >/dev/null; then
	{ xz --check=crc32 -c "$out/unpack.in"; printf '\0\0\0\0'; xz -1 -c "$out/unpack.in"
	  printf '\0\0\0\0\220\053\0\0'; } >"$out/fuzz_unpack/xz_streams_padding_length"
fi
rm -f "$out/unpack.in"
# plan: a few segments over a small map
head -c 512 /dev/urandom >"$out/fuzz_plan/random"
# elf: this machine's own small executables are valid ELF64 x86-64 files
for f in /bin/true /bin/sleep; do [ -f "$f" ] && head -c 65536 "$f" >"$out/fuzz_elf/$(basename "$f")"; done

# fsprobe: the first 64 KiB of each file system tests/unit/mkfs.sh makes (when its tools are there)
if sh "$here/../unit/mkfs.sh" "$out/fsprobe.tmp" 2>/dev/null; then
	for f in "$out"/fsprobe.tmp/*.head; do head -c 65536 "$f" >"$out/fuzz_fsprobe/$(basename "$f" .head)"; done
	# the superblocks beyond 32 KiB, moved to the front (the harness puts them back)
	tail -c +32769 "$out/fsprobe.tmp/iso.head" | head -c 32768 >"$out/fuzz_fsprobe/iso-at-32k"
	tail -c +65537 "$out/fsprobe.tmp/btrfs.head" | head -c 32768 >"$out/fuzz_fsprobe/btrfs-at-64k"
fi
rm -rf "$out/fsprobe.tmp"

# bzimage: an unpacked payload (ELF vmlinux + relocation table, for the
# table's parser), and a bzImage whose "gzip" payload is that (the harness's
# stand-in decompressor hands back the bytes between magic and size)
python3 - "$out/fuzz_bzimage" <<'PY'
import struct, sys
d = sys.argv[1]
K = 0xffffffff80000000
elf = bytearray(0x5000)
elf[0:7] = b"\x7fELF\x02\x01\x01"
# section headers at 0x5000 - 0 (none): table right after the PT_LOADs
struct.pack_into("<HHIQQQIHHHHHH", elf, 16, 2, 62, 1, 0x1000000, 64, 0x5000, 0, 64, 56, 3, 64, 0, 0)
def ph(i, off, va, pa, fs, ms):
    struct.pack_into("<IIQQQQQQ", elf, 64 + 56 * i, 1, 5, off, va, pa, fs, ms, 0x1000)
ph(0, 0x1000, K + 0x1000000, 0x1000000, 0x2000, 0x2000)
ph(1, 0x3000, 0, 0x1002000, 0x1000, 0x1000)
ph(2, 0x4000, K + 0x1003000, 0x1003000, 0x1000, 0x3000)
struct.pack_into("<Q", elf, 0x1100, 0xffffffff81001000)
struct.pack_into("<I", elf, 0x1200, 0x81001000)
table = struct.pack("<7I", 0, 0x81000100, 0x81002008, 0, 0x81003010, 0, 0x81000200)
raw = bytes(elf) + table
open(d + "/unpacked-payload", "wb").write(raw)
pay = b"\x1f\x8b\x08" + raw + struct.pack("<I", len(raw))
setup = bytearray(0x1000)
kern = bytearray(b"\x90" * 0x100) + pay + b"nokaslr\0" + bytes(64)
setup[0x1f1] = 7
struct.pack_into("<I", setup, 0x1f4, (len(kern) + 15) // 16)
struct.pack_into("<H", setup, 0x1fe, 0xAA55)
setup[0x201] = 0x6a
setup[0x202:0x206] = b"HdrS"
struct.pack_into("<H", setup, 0x206, 0x020f)
setup[0x211] = 1
struct.pack_into("<I", setup, 0x22c, 0x7fffffff)
struct.pack_into("<I", setup, 0x230, 0x200000)
setup[0x234] = 1
struct.pack_into("<H", setup, 0x236, 1)
struct.pack_into("<I", setup, 0x238, 2047)
struct.pack_into("<II", setup, 0x248, 0x100, len(pay))
struct.pack_into("<Q", setup, 0x258, 0x1000000)
struct.pack_into("<I", setup, 0x260, 0x800000)
open(d + "/bzimage-unpacked", "wb").write(bytes(setup) + kern)
PY

vmlinuz=$("$here/../e2e/fetch.sh" 2>/dev/null) || { echo "seeds: no kernel fixture; synthetic seeds only" >&2; exit 0; }
head -c 32768 "$vmlinuz" >"$out/fuzz_bzimage/vmlinuz-head"
head -c 32768 "$vmlinuz" >"$out/fuzz_pe/bzimage-head"
printf 'console=ttyS0 x=1' >"$out/cmdline.tmp"
if KX_E2E_CACHE=${KX_E2E_CACHE:-$here/../e2e/cache} "$here/../e2e/mkuki.sh" "$out/fuzz_bzimage/vmlinuz-head" "" \
	"console=ttyS0 uki=1" "$out/fuzz_pe/uki" >/dev/null 2>&1; then
	:
else
	echo "seeds: could not build a UKI seed (no systemd-boot-efi stub?)" >&2
fi
rm -f "$out/cmdline.tmp"
