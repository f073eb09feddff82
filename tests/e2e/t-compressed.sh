#!/usr/bin/env bash
# t-compressed.sh - compressed kernels and kx's unpacking at load (KASLR kept),
# in one QEMU run: a chain of eight kexecs with kx-static built with every
# decompressor (make static-full; the default kx-static carries gzip,
# xz/lzma, lzo and lz4 only: docs/compression.md). Seven hops load a bzImage whose
# *payload* is repacked with another codec (repack-payload.py: the kernel's
# own decompressor could no longer run, so the boot proves kx unpacked and
# relocated the kernel itself); one loads a whole gzip-wrapped bzImage with
# -s (kexec_file_load: the kernel's own decompressor and KASLR). Each kernel
# prints its _text from /proc/kallsyms (as root) and checks what kx -d said:
#   kernel A (QEMU boots it) plans, with --dry-run, the whole bzImage wrapped
#     by the lz4 frame format with -s; a truncated xz file is refused; then it
#     loads the lz4-payload bzImage (lz4 -l, as Linux's KERNEL_LZ4) in auto
#     mode (kexec_load, kx's plan) -> kernel B
#   kernel B loads the lzo-payload bzImage in auto mode -> kernel C
#   kernel C loads the gzip-payload bzImage with -c (kx's purgatory verifies
#     the unpacked, relocated segments) -> kernel D
#   kernel D loads the zstd-payload bzImage in auto mode -> kernel E
#   kernel E loads the lzma-payload bzImage (legacy .lzma, as Linux's
#     KERNEL_LZMA; LzmaDec into the output) in auto mode -> kernel F
#   kernel F loads the bzip2-payload bzImage (as Linux's KERNEL_BZIP2; libbz2
#     takes 10-15 s in TCG for the 65 MB) in auto mode -> kernel G
#   kernel G loads the xz-payload bzImage (--check=crc32, as Linux's
#     KERNEL_XZ) in auto mode with nokaslr -> kernel H
#   kernel H loads the gzip-wrapped bzImage with -s (kexec_file_load only,
#     through a memfd) -> kernel I, which reports its command line (a nonce)
#     and initrd B
# KASLR: B to G were unpacked by kx with KASLR on: kx -d says "KASLR
# randomized" for each and their _text values are not all the same (about 1
# in 480 for a pair to be equal: six equal values do not happen); H (nokaslr)
# has _text at 0xffffffff81000000 and kx said "KASLR off".
# The file hop N loads rides in the initrds of hops 1..N, so the biggest
# files come first; each hop's initrd holds only the next hop's kernel and
# initrd, as a plain cpio: its files are compressed already.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
KX_BIN=${KX_FULL_BIN:-$E2E_ROOT/build/full/kx-static}
[ -x "$KX_BIN" ] || e2e_skip "no $KX_BIN (make static-full)"
for t in gzip bzip2 lzma xz lzop lz4 zstd; do
	command -v "$t" >/dev/null || e2e_skip "no $t on the host (tests/deps.sh)"
done
bz=$E2E_VMLINUZ_B
nonce=$(e2e_nonce)
E2E_LOG=$E2E_WORK/console.log
E2E_TIMEOUT=$((E2E_TIMEOUT * 8)) # nine kernels boot in this run

# hop_script KERNEL HOP "KX OPTIONS" FILE SAYS SYSCALL [SAYS2] [APPEND]: the
# scenario lines of a kernel that prints its _text, loads /b/FILE with
# /b/initrd and kxtest.hop=HOP (and APPEND), checks that kx -d said SAYS
# (the format), SAYS2 and "loaded with SYSCALL", and execs it.
hop_script() {
	local k=$1 hop=$2 opts=$3 file=$4 says=$5 sc=$6 says2=${7:-} app=${8:-}
	echo "echo \"KXT-TEXT $k: \$(grep ' _text\$' /proc/kallsyms | head -n1)\""
	echo "expect -n \"$k: kx $opts-l $file\" -o \"$says\" -- kx $opts-l -d /b/$file --initrd=/b/initrd --append=\"$E2E_KARGS kxtest.hop=$hop kxtest.nonce=$nonce$app\""
	echo "said \"$k: $file through $sc\" \"loaded with $sc\""
	[ -z "$says2" ] || echo "said \"$k: $file: $says2\" \"$says2\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo "kxt_fail \"$k: kx -e\" \"returned rc=\$? instead of booting the next kernel\""
}
# said NAME TEXT (in the guest): the last expect's output contains TEXT
# (t.sh's expect checks one -o)
said_fn='said() { case $KXT_OUT in *"$2"*) kxt_pass "$1" ;; *) kxt_fail "$1" "its output lacks: $2" ;; esac; }'

# hop_initrd OUT NEXT_INITRD KERNEL HOP "KX OPTIONS" FILE SAYS SYSCALL [SAYS2]
# [APPEND]: the initrd of the kernel that loads FILE (already in
# $E2E_WORK/next/b), with NEXT_INITRD as the next kernel's initrd
hop_initrd() {
	local out=$1 next=$2
	shift 2
	cp "$next" "$E2E_WORK/next/b/initrd"
	{
		echo '. /t.sh'
		echo "$said_fn"
		hop_script "$@"
	} >"$E2E_WORK/s.sh"
	build_initrd_hop "$out" "$E2E_WORK/s.sh" "$E2E_WORK/next"
	rm -rf "$E2E_WORK/next"
	mkdir -p "$E2E_WORK/next/b"
}

# repack CODEC OUT: the bzImage with its payload packed by CODEC
repack() {
	local kind=other
	case $1 in
	gzip) gzip -1 -n -c "$raw" >"$E2E_WORK/packed"; kind=gzip ;;
	bzip2) bzip2 -1 -c "$raw" >"$E2E_WORK/packed" ;;
	lzma) lzma -0 -c "$raw" >"$E2E_WORK/packed" ;;
	xz) xz -0 -T1 --check=crc32 -c "$raw" >"$E2E_WORK/packed" ;;
	lzo) lzop -1 -c "$raw" >"$E2E_WORK/packed" ;;
	lz4) lz4 -q -l -1 -c "$raw" >"$E2E_WORK/packed" ;;
	zstd) zstd -q -3 -c "$raw" >"$E2E_WORK/packed" ;;
	esac
	python3 "$E2E_DIR/repack-payload.py" "$bz" "$E2E_WORK/packed" "$(stat -c %s "$raw")" "$kind" "$2"
	rm -f "$E2E_WORK/packed"
}

build_initrd_b "$E2E_WORK/initrd-b.gz" 2
raw=$E2E_WORK/payload.raw # vmlinux.bin + its relocation table
"$E2E_DIR/extract-vmlinux.sh" "$bz" "$raw"
un="kernel: unpacked at load"
rnd="KASLR randomized"

mkdir -p "$E2E_WORK/next/b"
n=$E2E_WORK/next/b
# kernel H: the whole bzImage gzip'd, -s -> I (initrd B)
gzip -1 -n -c "$bz" >"$n/vmlinuz.gz"
hop_initrd "$E2E_WORK/initrd-h.cpio" "$E2E_WORK/initrd-b.gz" H 8 "-s " vmlinuz.gz \
	"/b/vmlinuz.gz: gzip-compressed, " kexec_file_load
# kernel G: the xz payload, auto, nokaslr -> H
repack xz "$n/vmlinuz-xz"
hop_initrd "$E2E_WORK/initrd-g.cpio" "$E2E_WORK/initrd-h.cpio" G 7 "" vmlinuz-xz \
	"$un (xz payload" kexec_load "KASLR off (nokaslr): physical 0x1000000, virtual offset 0x0" " nokaslr"
# kernel F: the bzip2 payload, auto -> G
repack bzip2 "$n/vmlinuz-bzip2"
hop_initrd "$E2E_WORK/initrd-f.cpio" "$E2E_WORK/initrd-g.cpio" F 6 "" vmlinuz-bzip2 \
	"$un (bzip2 payload" kexec_load "$rnd"
# kernel E: the lzma payload, auto -> F
repack lzma "$n/vmlinuz-lzma"
hop_initrd "$E2E_WORK/initrd-e.cpio" "$E2E_WORK/initrd-f.cpio" E 5 "" vmlinuz-lzma \
	"$un (lzma payload" kexec_load "$rnd"
# kernel D: the zstd payload, auto -> E
repack zstd "$n/vmlinuz-zstd"
hop_initrd "$E2E_WORK/initrd-d.cpio" "$E2E_WORK/initrd-e.cpio" D 4 "" vmlinuz-zstd \
	"$un (zstd payload" kexec_load "$rnd"
# kernel C: the gzip payload, -c -> D
repack gzip "$n/vmlinuz-gzip"
hop_initrd "$E2E_WORK/initrd-c.cpio" "$E2E_WORK/initrd-d.cpio" C 3 "-c " vmlinuz-gzip \
	"$un (gzip payload" kexec_load "$rnd"
# kernel B: the lzo payload, auto -> C
repack lzo "$n/vmlinuz-lzo"
hop_initrd "$E2E_WORK/initrd-bb.cpio" "$E2E_WORK/initrd-c.cpio" B 2 "" vmlinuz-lzo \
	"$un (lzo payload" kexec_load "$rnd"
rm -rf "$E2E_WORK/next"

# kernel A: plans the lz4 frame, refuses a cut xz; the lz4 -l payload,
# auto -> B
x=$E2E_WORK/extra-root
mkdir -p "$x/b"
repack lz4 "$x/b/vmlinuz-lz4"
rm -f "$raw"
lz4 -q -1 -c "$bz" >"$x/b/vmlinuz.lz4"
xz -1 -T1 -c "$E2E_WORK/initrd-b.gz" | head -c 100000 >"$x/b/cut.xz"
cp "$E2E_WORK/initrd-bb.cpio" "$x/b/initrd"
{
	echo '. /t.sh'
	echo "$said_fn"
	echo 'expect -n "A: lz4 frame planned" -o "kx plan: lz4-compressed bzimage image" -- kx --dry-run -s /b/vmlinuz.lz4'
	echo 'said "A: lz4 frame through a memfd" "kexec_file_load gets: kernel (memfd of the unpacked kernel)"'
	echo 'expect -n "truncated xz refused" -r 1 -o "/b/cut.xz: its xz data ends early (the file is truncated); copy it again." -- kx --dry-run /b/cut.xz'
	hop_script A 1 "" vmlinuz-lz4 "$un (lz4-legacy payload" kexec_load "$rnd"
} >"$E2E_WORK/scenario.sh"
# (build_initrd_hop, not build_initrd_a: no unused kernel B and initrd B)
build_initrd_hop "$E2E_WORK/initrd-a.cpio" "$E2E_WORK/scenario.sh" "$x"
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.cpio" ""
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
assert_kxt_pass_count "$E2E_LOG" 26
for h in 1 2 3 4 5 6 7; do
	assert_log_order "$E2E_LOG" "kxtest.hop=$h kxtest.nonce=$nonce" "kxtest.hop=$((h + 1)) kxtest.nonce=$nonce"
done
assert_log_order "$E2E_LOG" "KXT-PASS H: kx -s -l vmlinuz.gz" "KXB-CMDLINE:"
for s in "A:$un (lz4-legacy payload" "B:$un (lzo payload" "C:$un (gzip payload" \
	"D:$un (zstd payload" "E:$un (lzma payload" "F:$un (bzip2 payload" "G:$un (xz payload" \
	"H:/b/vmlinuz.gz: gzip-compressed, "; do
	assert_log_has "$E2E_LOG" "KXT-PASS ${s%%:*}: kx " "kernel ${s%%:*} should load its kernel"
	assert_log_line "$E2E_LOG" "KXA-LOAD-OUTPUT:" "${s#*:}" "kernel ${s%%:*}'s kx -d should say '${s#*:}'"
done
# KASLR live in the kernels kx unpacked (B-G), absent with nokaslr (H)
texts=$(grep -a -o 'KXT-TEXT [BCDEFG]: [0-9a-f]*' "$E2E_LOG" | awk '{print $3}' | sort -u | wc -l)
ntexts=$(grep -a -c 'KXT-TEXT [BCDEFG]: [0-9a-f]* T _text' "$E2E_LOG" || true)
e2e_log "_text: $(grep -a -o 'KXT-TEXT [A-H]: [0-9a-f]*' "$E2E_LOG" | tr '\n' ' ')"
if [ "$ntexts" -eq 6 ] && [ "$texts" -ge 2 ]; then _e2e_ok; else
	_e2e_bad "$E2E_LOG" "kernels B-G (KASLR on) should show 6 _text values, not all equal; got $ntexts lines, $texts distinct"
fi
assert_log_has "$E2E_LOG" "KXT-TEXT H: ffffffff81000000 T _text" "kernel H (nokaslr) should have _text at 0xffffffff81000000"
# kx's purgatory verified the unpacked kernel on each kexec_load hop (A-G,
# with -d: its verbose lines): four PT_LOADs, the initrd, the boot parameters
nver=$(grep -a -c "kx purgatory: 6 segments verified" "$E2E_LOG" || true)
if [ "$nver" -eq 7 ]; then _e2e_ok; else
	_e2e_bad "$E2E_LOG" "kx's purgatory should verify 6 segments on each of the 7 kexec_load hops; got $nver such lines"
fi
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.hop=8 kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel I should get initrd B intact"
assert_log_has "$E2E_LOG" "KXB-DONE"
e2e_finish
