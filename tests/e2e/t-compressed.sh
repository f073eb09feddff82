#!/usr/bin/env bash
# t-compressed.sh - compressed kernels, in one QEMU run: a chain of seven
# kexecs, one per format, with kx-static built with every decompressor (make
# static-full; the default kx-static carries gzip, xz/lzma and lzo only:
# docs/compression.md). Each kernel loads the next with kx -d and checks that
# kx said which format it unpacked and which syscall took the kernel, so a hop
# that silently read another format fails:
#   kernel A (QEMU boots it) plans, with --dry-run, the bzImage wrapped by lz4
#     (the frame format; lz4 -l is loaded below), "lz4-compressed bzimage";
#     a truncated xz file is refused; then it loads the ELF vmlinux inside the
#     bzImage, wrapped by lz4 -l (the legacy frame, as Linux's KERNEL_LZ4), in
#     auto mode (an ELF: kexec_load with kx's plan) -> kernel B
#   kernel B loads the bzImage wrapped by lzop in auto mode (kexec_load with
#     kx's plan: no policy asks for the file path) -> kernel C
#   kernel C loads the zstd-wrapped bzImage in auto mode -> kernel D
#   kernel D loads the bzip2-wrapped bzImage with -c (kx's plan and
#     purgatory) -> kernel E
#   kernel E loads the gzip-wrapped bzImage with -s (kexec_file_load only, the
#     memfd again) -> kernel F
#   kernel F loads the bzImage xz-compressed as Linux's KERNEL_XZ does
#     (--check=crc32) with -c -> kernel G
#   kernel G loads the ELF vmlinux wrapped by lzma in auto mode (kexec_load)
#     -> kernel H, which reports its command line (a nonce) and initrd B
# The file hop N loads rides in the initrds of hops 1..N, so the biggest
# files come first; each hop's initrd holds only the next hop's kernel and
# initrd, as a plain cpio: its files are compressed already, and gzip on the
# host and gunzip in TCG took the run from 79 s to 102 s for initrds 10-16 %
# smaller. Decompression itself is proven byte for byte, every format, in the
# unit tests (tests/unit/test_unpack.c); here the whole path boots.
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
E2E_TIMEOUT=$((E2E_TIMEOUT * 6)) # eight kernels boot in this run

# hop_script KERNEL HOP "KX OPTIONS" FILE SAYS SYSCALL: the scenario lines of
# a kernel that loads /b/FILE with /b/initrd and kxtest.hop=HOP, checks
# that kx -d said SAYS (the format) and "loaded with SYSCALL", and execs it.
hop_script() {
	local k=$1 hop=$2 opts=$3 file=$4 says=$5 sc=$6
	echo "expect -n \"$k: kx $opts-l $file\" -o \"$says\" -- kx $opts-l -d /b/$file --initrd=/b/initrd --append=\"$E2E_KARGS kxtest.hop=$hop kxtest.nonce=$nonce\""
	echo "said \"$k: $file through $sc\" \"loaded with $sc\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo "kxt_fail \"$k: kx -e\" \"returned rc=\$? instead of booting the next kernel\""
}
# said NAME TEXT (in the guest): the last expect's output contains TEXT
# (t.sh's expect checks one -o)
said_fn='said() { case $KXT_OUT in *"$2"*) kxt_pass "$1" ;; *) kxt_fail "$1" "its output lacks: $2" ;; esac; }'

# hop_initrd OUT KERNEL HOP "KX OPTIONS" FILE SAYS SYSCALL NEXT_INITRD: the
# initrd of the kernel that loads FILE (already in $E2E_WORK/next/b), with
# NEXT_INITRD as the next kernel's initrd
hop_initrd() {
	local out=$1 next=$8
	shift
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

build_initrd_b "$E2E_WORK/initrd-b.gz" 2
"$E2E_DIR/extract-vmlinux.sh" "$bz" "$E2E_WORK/vmlinux"
mkdir -p "$E2E_WORK/next/b"
n=$E2E_WORK/next/b
# (fast levels: the bzImage's payload is compressed already, and the tests
# of the formats themselves are the unit tests)

# kernel G: the ELF vmlinux, lzma'd -> H (initrd B)
lzma -0 -c "$E2E_WORK/vmlinux" >"$n/vmlinux.lzma"
hop_initrd "$E2E_WORK/initrd-g.cpio" G 7 "" vmlinux.lzma \
	"kx plan: lzma-compressed elf-linux image" kexec_load "$E2E_WORK/initrd-b.gz"
# kernel F: the bzImage xz'd with Linux's options, -c -> G
xz -0 -T1 --check=crc32 -c "$bz" >"$n/vmlinuz.xz"
hop_initrd "$E2E_WORK/initrd-f.cpio" F 6 "-c " vmlinuz.xz \
	"kx plan: xz-compressed bzimage image" kexec_load "$E2E_WORK/initrd-g.cpio"
# kernel E: the bzImage gzip'd, -s -> F
gzip -1 -n -c "$bz" >"$n/vmlinuz.gz"
hop_initrd "$E2E_WORK/initrd-e.cpio" E 5 "-s " vmlinuz.gz \
	"/b/vmlinuz.gz: gzip-compressed, " kexec_file_load "$E2E_WORK/initrd-f.cpio"
# kernel D: the bzImage bzip2'd, -c -> E
bzip2 -1 -c "$bz" >"$n/vmlinuz.bz2"
hop_initrd "$E2E_WORK/initrd-d.cpio" D 4 "-c " vmlinuz.bz2 \
	"kx plan: bzip2-compressed bzimage image" kexec_load "$E2E_WORK/initrd-e.cpio"
# kernel C: the bzImage zstd'd, auto -> D
zstd -q -3 -c "$bz" >"$n/vmlinuz.zst"
hop_initrd "$E2E_WORK/initrd-c.cpio" C 3 "" vmlinuz.zst \
	"/b/vmlinuz.zst: zstd-compressed, " kexec_load "$E2E_WORK/initrd-d.cpio"
# kernel B: the bzImage lzop'd, auto -> C
lzop -1 -c "$bz" >"$n/vmlinuz.lzo"
hop_initrd "$E2E_WORK/initrd-bb.cpio" B 2 "" vmlinuz.lzo \
	"/b/vmlinuz.lzo: lzo-compressed, " kexec_load "$E2E_WORK/initrd-c.cpio"
rm -rf "$E2E_WORK/next"

# kernel A: plans the lz4 frame, refuses a cut xz; the ELF vmlinux, lz4 -l'd,
# auto -> B
x=$E2E_WORK/extra-root
mkdir -p "$x/b"
lz4 -q -l -c "$E2E_WORK/vmlinux" >"$x/b/vmlinux.lz4"
rm -f "$E2E_WORK/vmlinux"
lz4 -q -1 -c "$bz" >"$x/b/vmlinuz.lz4"
xz -1 -T1 -c "$E2E_WORK/initrd-b.gz" | head -c 100000 >"$x/b/cut.xz"
cp "$E2E_WORK/initrd-bb.cpio" "$x/b/initrd"
{
	echo '. /t.sh'
	echo "$said_fn"
	echo 'expect -n "A: lz4 frame planned" -o "kx plan: lz4-compressed bzimage image" -- kx --dry-run -s /b/vmlinuz.lz4'
	echo 'said "A: lz4 frame through a memfd" "kexec_file_load gets: kernel (memfd of the unpacked kernel)"'
	echo 'expect -n "truncated xz refused" -r 1 -o "/b/cut.xz: its xz data ends early (the file is truncated); copy it again." -- kx --dry-run /b/cut.xz'
	hop_script A 1 "" vmlinux.lz4 "kx plan: lz4-legacy-compressed elf-linux image" kexec_load
} >"$E2E_WORK/scenario.sh"
# (build_initrd_hop, not build_initrd_a: no unused kernel B and initrd B)
build_initrd_hop "$E2E_WORK/initrd-a.cpio" "$E2E_WORK/scenario.sh" "$x"
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.cpio" ""
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
assert_kxt_pass_count "$E2E_LOG" 17
for h in 1 2 3 4 5 6; do
	assert_log_order "$E2E_LOG" "kxtest.hop=$h kxtest.nonce=$nonce" "kxtest.hop=$((h + 1)) kxtest.nonce=$nonce"
done
assert_log_order "$E2E_LOG" "kxtest.hop=7 kxtest.nonce=$nonce" "KXB-CMDLINE:"
for s in "A:lz4-legacy-compressed elf-linux" "B:/b/vmlinuz.lzo: lzo-compressed, " \
	"C:/b/vmlinuz.zst: zstd-compressed, " "D:bzip2-compressed bzimage" \
	"E:/b/vmlinuz.gz: gzip-compressed, " "F:xz-compressed bzimage" "G:lzma-compressed elf-linux"; do
	assert_log_has "$E2E_LOG" "KXT-PASS ${s%%:*}: kx " "kernel ${s%%:*} should load its kernel"
	assert_log_line "$E2E_LOG" "KXA-LOAD-OUTPUT:" "${s#*:}" "kernel ${s%%:*}'s kx -d should say '${s#*:}'"
done
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.hop=7 kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel H should get initrd B intact"
assert_log_has "$E2E_LOG" "KXB-DONE"
e2e_finish
