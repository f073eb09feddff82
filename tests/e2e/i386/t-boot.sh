#!/usr/bin/env bash
# t-boot.sh (i386) - the main test: Debian's 686 kernel (A, no PAE, 1 GiB of
# RAM: highmem above 896 MiB) runs
#   kx --check; kx -s -l (refused: i386 has no kexec_file_load)
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# in auto mode, which is kexec_load with kx's plan and its 32-bit purgatory.
# Kernel B, the 686-pae kernel (I386_A/I386_B swap them), must come up with
# that command line and both initrds intact, after the purgatory verified
# every segment and entered it through the 32-bit boot protocol.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
nonce=$(e2e_nonce)
E2E_LOG=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
extra_dir=$E2E_WORK/extra-root
mkdir -p "$extra_dir/b"
build_initrd_extra "$extra_dir/b/extra.gz" second.bin
export KX_E2E_EXTRA_DIR=$extra_dir
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "(i386 has no kexec_file_load: kx uses kexec_load)" \
	-n "kx --check: no kexec_file_load on i386" -- kx --check
expect_out "kx: kexec_file_load (-s) does not exist on i386; use -c (or no option)." \
	-r 2 -n "kx -s -l refused" -- kx -s -l /b/vmlinuz
expect_out '"mode":"32-bit protected mode"' -n "kx --dry-run --json: 32-bit hand-off" -- \
	kx --dry-run --json /b/vmlinuz --initrd=/b/initrd.gz
expect_rc 0 -n "kx -l -d" -- kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz \
	--append="$E2E_KARGS kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
unset KX_E2E_EXTRA_DIR
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
assert_log_has "$E2E_LOG" "KXT-PASS kx -s -l refused"
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: i386 has no kexec_file_load, so kx plans it)" \
	"auto mode should go straight to kexec_load"
assert_log_has "$E2E_LOG" "kx purgatory: 4 segments verified" \
	"the purgatory should verify kernel, two initrds and the boot parameters"
assert_log_order "$E2E_LOG" "kx purgatory: jumping to 0x0000000001000000" "KXB-UP:"
assert_log_line "$E2E_LOG" "KXB-UP:" "$(basename "$E2E_VMLINUZ_B" | sed 's/^vmlinuz-//')" \
	"kernel B should be the other flavour"
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$E2E_LOG" KXB-CMDLINE:)"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
	"kernel B should get initrd B intact; got: $(log_value "$E2E_LOG" KXB-PAYLOAD:)"
assert_log_has "$E2E_LOG" "KXB-EXTRA: second.bin $KXB_EXTRA_SHA256" \
	"kernel B should get the second initrd's file intact"
assert_log_has "$E2E_LOG" "KXB-DONE" "kernel B's /init should run to the end"
e2e_finish
