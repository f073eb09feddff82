#!/usr/bin/env bash
# t-smp.sh (32-bit ARM) - two CPUs: 32-bit ARM kexec needs the secondary CPU
# to go offline (CPU hotplug through PSCI on QEMU virt), or kexec_load fails
# with EINVAL. In kernel A (2 CPUs): kx --check says the secondary CPUs can
# go offline and names no kexec_file_load, -s is refused with the reason;
# then kx -l with an initrd and a command line, kx -e; kernel B comes up with
# both (its /init reports them).
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
export KX_E2E_SMP=2
nonce=$(e2e_nonce)
log=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "0-1" -n "two CPUs online" -- cat /sys/devices/system/cpu/online
expect_out "secondary CPUs           can go offline" -- kx --check
expect_out "(arm has no kexec_file_load: kx uses kexec_load)" -n "--check names no kexec_file_load" -- kx --check
expect_rc 2 -o "kexec_file_load (-s) does not exist on arm; use -c (or no option)." -n "kx -s refused" -- kx -s -l /b/vmlinuz
expect_rc 0 -n "kx -l" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=5 fail=0"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
	"kernel B should get initrd B intact; got: $(log_value "$log" KXB-PAYLOAD:)"
assert_log_has "$log" "KXB-DONE" "kernel B's /init should run to the end"
e2e_finish
