#!/usr/bin/env bash
# t-compressed.sh - compressed kernels, in one QEMU run: a chain of three kexecs
# with kx-static built with every decompressor (make static-full; the default
# kx-static carries gzip, xz/lzma and lzo only: docs/compression.md).
#   kernel A (QEMU boots it) plans, with --dry-run, Debian's bzImage wrapped
#     by gzip, bzip2, lzma, lzop, lz4 (frame) and zstd, each shown as
#     "<format>-compressed bzimage" (xz and lz4 -l are loaded below); a
#     truncated xz file is refused; then it loads the zstd-wrapped bzImage in
#     auto mode (kexec_file_load gets the unpacked bzImage through a memfd)
#     -> kernel B
#   kernel B loads the bzImage xz-compressed as Linux's KERNEL_XZ does
#     (--check=crc32) with -c (kx's plan and purgatory) -> kernel C
#   kernel C loads the ELF vmlinux inside the bzImage, wrapped by lz4 -l (the
#     legacy frame), in auto mode (an ELF: kexec_load) -> kernel D, which
#     reports what it got
# Decompression itself is proven byte for byte, every format, in the unit
# tests (tests/unit/test_unpack.c); here the whole path boots.
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
E2E_TIMEOUT=$((E2E_TIMEOUT * 3)) # four kernels boot in this run

# hop 2: kernel C loads the ELF vmlinux inside the bzImage, as lz4 -l (legacy
# frame) wraps it, in auto mode (an ELF: kexec_load with kx's plan); kernel D
# gets initrd B
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
mkdir -p "$E2E_WORK/h2/b"
"$E2E_DIR/extract-vmlinux.sh" "$bz" "$E2E_WORK/vmlinux"
lz4 -q -l -c "$E2E_WORK/vmlinux" >"$E2E_WORK/h2/b/vmlinux.lz4"
rm -f "$E2E_WORK/vmlinux"
cp "$E2E_WORK/initrd-b.gz" "$E2E_WORK/h2/b/initrd.gz"
{
	echo '. /t.sh'
	echo "expect_rc 0 -n \"C: kx -l vmlinux.lz4\" -- kx -l -d /b/vmlinux.lz4 --initrd=/b/initrd.gz --append=\"$E2E_KARGS kxtest.hop=3 kxtest.nonce=$nonce\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo 'kxt_fail "C: kx -e" "returned rc=$? instead of booting kernel D"'
} >"$E2E_WORK/s2.sh"
build_initrd_hop "$E2E_WORK/initrd-c.gz" "$E2E_WORK/s2.sh" "$E2E_WORK/h2"

# hop 1: kernel B loads the xz-compressed bzImage (Linux's xz options) with -c
mkdir -p "$E2E_WORK/h1/b"
xz -1 -T1 --check=crc32 -c "$bz" >"$E2E_WORK/h1/b/vmlinuz.xz"
cp "$E2E_WORK/initrd-c.gz" "$E2E_WORK/h1/b/initrd.gz"
{
	echo '. /t.sh'
	echo "expect_rc 0 -n \"B: kx -c -l vmlinuz.xz\" -- kx -c -l -d /b/vmlinuz.xz --initrd=/b/initrd.gz --append=\"$E2E_KARGS kxtest.hop=2 kxtest.nonce=$nonce\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo 'kxt_fail "B: kx -e" "returned rc=$? instead of booting kernel C"'
} >"$E2E_WORK/s1.sh"
build_initrd_hop "$E2E_WORK/initrd-bb.gz" "$E2E_WORK/s1.sh" "$E2E_WORK/h1"

# hop 0: kernel A: every format planned, the zstd one loaded
x=$E2E_WORK/extra-root
mkdir -p "$x/b"
# (xz and lz4 -l are loaded for real by B and C; fast levels: the bzImage's
# payload is compressed already)
gzip -1 -n -c "$bz" >"$x/b/vmlinuz.gz"
bzip2 -1 -c "$bz" >"$x/b/vmlinuz.bz2"
lzma -1 -c "$bz" >"$x/b/vmlinuz.lzma"
lzop -1 -c "$bz" >"$x/b/vmlinuz.lzo"
lz4 -q -1 -c "$bz" >"$x/b/vmlinuz.lz4"
zstd -q -3 -c "$bz" >"$x/b/vmlinuz.zst"
xz -1 -T1 -c "$E2E_WORK/initrd-b.gz" | head -c 100000 >"$x/b/cut.xz"
cp "$E2E_WORK/initrd-bb.gz" "$x/b/initrd-hop.gz"
{
	echo '. /t.sh'
	for f in gz:gzip bz2:bzip2 lzma:lzma lzo:lzo lz4:lz4 zst:zstd; do
		echo "expect -n \"${f#*:} planned\" -o \"kx plan: ${f#*:}-compressed bzimage image\" -o \"kexec_file_load gets: kernel (memfd of the unpacked kernel)\" -- kx --dry-run /b/vmlinuz.${f%%:*}"
	done
	echo 'expect -n "truncated xz refused" -r 1 -o "/b/cut.xz: its xz data ends early (the file is truncated); copy it again." -- kx --dry-run /b/cut.xz'
	echo "expect_rc 0 -n \"A: kx -l vmlinuz.zst\" -- kx -l -d /b/vmlinuz.zst --initrd=/b/initrd-hop.gz --append=\"$E2E_KARGS kxtest.hop=1 kxtest.nonce=$nonce\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo 'kxt_fail "A: kx -e" "returned rc=$? instead of booting kernel B"'
} >"$E2E_WORK/scenario.sh"
export KX_E2E_EXTRA_DIR=$x
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
unset KX_E2E_EXTRA_DIR
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
assert_kxt_pass_count "$E2E_LOG" 10
assert_log_order "$E2E_LOG" "kxtest.hop=1 kxtest.nonce=$nonce" "kxtest.hop=2 kxtest.nonce=$nonce"
assert_log_order "$E2E_LOG" "kxtest.hop=2 kxtest.nonce=$nonce" "KXB-CMDLINE:"
assert_log_has "$E2E_LOG" "zstd-compressed, " "A should say it unpacked the zstd file (-d)"
assert_log_has "$E2E_LOG" "loaded with kexec_file_load" "A should load the unpacked bzImage with kexec_file_load"
assert_log_has "$E2E_LOG" "kx plan: xz-compressed bzimage image" "B should plan the xz bzImage (-c)"
assert_log_has "$E2E_LOG" "kx plan: lz4-legacy-compressed elf-linux image" "C should load the vmlinux.lz4 as Linux through the ELF path"
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.hop=3 kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel D should get initrd B intact"
assert_log_has "$E2E_LOG" "KXB-DONE"
e2e_finish
