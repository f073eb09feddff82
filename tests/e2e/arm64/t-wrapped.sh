#!/usr/bin/env bash
# t-wrapped.sh (arm64) - the ways kx unwraps an arm64 kernel, in one QEMU run:
# a chain of three kexecs, each hop's initrd holding the next hop's files.
#   kernel A (QEMU boots it) plans, with --dry-run: an EFI zboot "vmlinuz"
#     (gzip payload), a UKI whose .linux is that zboot image, a zboot whose zstd payload this kx-static cannot unpack
#     (refused, one sentence), a bad --dtb (refused); then loads an ELF
#     vmlinux (Debian's Image as the one PT_LOAD of an ELF64 AArch64
#     executable) in auto mode: kexec_load with the Image kx took out of it
#     (no policy asks for kexec_file_load; --dry-run -s shows the memfd
#     kexec_file_load would get) -> kernel B
#   kernel B loads a uImage (U-Boot legacy header, gzip payload) with -c:
#     kx's own plan and purgatory -> kernel C
#   kernel C loads a UKI (systemd's arm64 stub, .linux = the Image, .initrd =
#     initrd B, .cmdline) in auto mode, no --append: the UKI's .cmdline and
#     .initrd reach kernel D, which reports what it got
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
mkwrap=$E2E_ROOT/tests/e2e/mkwrap.py
img=$E2E_VMLINUZ_B
nonce=$(e2e_nonce)
E2E_LOG=$E2E_WORK/console.log
# four kernels boot in this run
E2E_TIMEOUT=$((E2E_TIMEOUT * 3))

# hop 3: kernel D's initrd (init-b), inside a UKI with the Image
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
stub=$("$A64_DIR/fetch.sh" uki-stub) || e2e_die "no systemd arm64 EFI stub"
mkdir -p "$E2E_WORK/h2/b"
KX_UKI_STUB=$stub KX_UKI_OBJCOPY=aarch64-linux-gnu-objcopy KX_UKI_OBJDUMP=aarch64-linux-gnu-objdump \
	KX_UKI_UNAME=arm64-test "$E2E_ROOT/tests/e2e/mkuki.sh" "$img" "$E2E_WORK/initrd-b.gz" \
	"$E2E_KARGS kxtest.hop=3 kxtest.nonce=$nonce" "$E2E_WORK/h2/b/uki.efi" >/dev/null \
	2>"$E2E_WORK/mkuki.err" || e2e_die "mkuki.sh failed: $(cat "$E2E_WORK/mkuki.err")"

# hop 2: kernel C loads the UKI
{
	echo '. /t.sh'
	echo 'expect -n "C: UKI planned" -o "kx plan: uki image" -o "kexec_file_load gets: kernel (memfd of .linux), 1 initrd piece(s)" -- kx --dry-run -s /b/uki.efi'
	echo 'expect_rc 0 -n "C: kx -l UKI" -- kx -l -d /b/uki.efi'
	echo 'kx -e'
	echo 'kxt_fail "C: kx -e" "returned rc=$? instead of booting kernel D"'
} >"$E2E_WORK/s2.sh"
build_initrd_hop "$E2E_WORK/initrd-c.gz" "$E2E_WORK/s2.sh" "$E2E_WORK/h2"

# hop 1: kernel B loads a uImage of Image.gz with kexec_load (-c)
mkdir -p "$E2E_WORK/h1/b"
gzip -1 -n -c "$img" >"$E2E_WORK/Image.gz"
python3 "$mkwrap" uimage arm64 gzip "$E2E_WORK/Image.gz" "$E2E_WORK/h1/b/uImage"
cp "$E2E_WORK/initrd-c.gz" "$E2E_WORK/h1/b/initrd.gz"
{
	echo '. /t.sh'
	echo "expect_rc 0 -n \"B: kx -c -l uImage\" -- kx -c -l -d /b/uImage --initrd=/b/initrd.gz --append=\"$E2E_KARGS kxtest.hop=2 kxtest.nonce=$nonce\""
	echo 'echo "KXA-LOAD-OUTPUT: $(echo "$KXT_OUT" | tr "\n" "|")"'
	echo 'kx -e'
	echo 'kxt_fail "B: kx -e" "returned rc=$? instead of booting kernel C"'
} >"$E2E_WORK/s1.sh"
build_initrd_hop "$E2E_WORK/initrd-bb.gz" "$E2E_WORK/s1.sh" "$E2E_WORK/h1"

# hop 0: kernel A
x=$E2E_WORK/extra-root
mkdir -p "$x/b"
python3 "$mkwrap" vmlinux-arm64 "$img" "$x/b/vmlinux"
python3 "$mkwrap" zboot gzip "$E2E_WORK/Image.gz" "$x/b/vmlinuz.zboot"
head -c 4096 /dev/zero | zstd -q -c >"$E2E_WORK/zstd-payload"
python3 "$mkwrap" zboot zstd22 "$E2E_WORK/zstd-payload" "$x/b/zstd.zboot"
cp "$E2E_WORK/initrd-bb.gz" "$x/b/initrd-hop.gz"
# a UKI whose .linux is the zboot image (as ukify makes from a zboot vmlinuz)
KX_UKI_STUB=$stub KX_UKI_OBJCOPY=aarch64-linux-gnu-objcopy KX_UKI_OBJDUMP=aarch64-linux-gnu-objdump \
	KX_UKI_UNAME=arm64-test "$E2E_ROOT/tests/e2e/mkuki.sh" "$x/b/vmlinuz.zboot" "" "console=ttyAMA0" \
	"$x/b/zboot-uki.efi" >/dev/null 2>"$E2E_WORK/mkuki.err" || e2e_die "mkuki.sh failed: $(cat "$E2E_WORK/mkuki.err")"
{
	echo '. /t.sh'
	echo 'expect -n "zboot planned" -o "kx plan: zboot gzip-compressed image image" -o "kernel " -- kx --dry-run /b/vmlinuz.zboot'
	echo 'expect -n "UKI of a zboot planned" -o "kx plan: zboot gzip-compressed uki image" -o "kexec_file_load gets: kernel (memfd of .linux)" -- kx --dry-run -s /b/zboot-uki.efi'
	echo 'expect -n "zstd zboot refused" -r 1 -o "/b/zstd.zboot: its zstd data cannot be unpacked: this kx was built without that decompressor (unpack the file first)." -- kx --dry-run /b/zstd.zboot'
	echo 'expect -n "bad --dtb refused" -r 1 -o "is not a flattened device tree" -- kx --dry-run /b/vmlinux --dtb=/b/initrd-hop.gz'
	echo 'expect -n "vmlinux planned" -o "kx plan: vmlinux image image" -o "kexec_file_load gets: kernel (memfd of the unpacked kernel)" -- kx --dry-run -s /b/vmlinux'
	echo "expect_rc 0 -n \"A: kx -l vmlinux\" -- kx -l -d /b/vmlinux --initrd=/b/initrd-hop.gz --append=\"$E2E_KARGS kxtest.hop=1 kxtest.nonce=$nonce\""
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
assert_kxt_pass_count "$E2E_LOG" 9
# each hop booted with the command line it was given
assert_log_order "$E2E_LOG" "kxtest.hop=1 kxtest.nonce=$nonce" "kxtest.hop=2 kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path" \
	"A should take kexec_load for the ELF vmlinux's Image"
assert_log_has "$E2E_LOG" "loaded with kexec_load" "B should load the uImage with kexec_load (-c)"
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.hop=3 kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel D should get the UKI's .initrd intact"
assert_log_has "$E2E_LOG" "KXB-DONE"
e2e_finish
