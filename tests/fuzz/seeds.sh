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
