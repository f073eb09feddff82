#!/usr/bin/env bash
# t-boot.sh (ppc64le) - the main test: Debian's powerpc64le kernel (A) on QEMU
# pseries (TCG) runs
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# in auto mode: Debian 12's ppc64el kernel has no kexec_file_load, so kx takes
# kexec_load with its own plan, the device tree it flattens from
# /proc/device-tree, and its purgatory (kx --check says the kernel has no
# kexec_file_load). Kernel B must come up with that
# command line and both initrds intact, after the purgatory verified every
# segment (its messages on the hypervisor's console, H_PUT_TERM_CHAR), with
# every CPU online: once with 1 vCPU, once with 2 (the secondary waits in
# kernel B's own __secondary_hold, docs/ppc64le.md). KX_E2E_PPC_SMP picks
# the CPU counts (default "1 2").
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
mkdir -p "$E2E_WORK/extra-root/b"
build_initrd_extra "$E2E_WORK/extra-root/b/extra.gz" second.bin
for n in ${KX_E2E_PPC_SMP:-1 2}; do
	nonce=$(e2e_nonce)
	log=$E2E_WORK/console-smp$n.log
	cat >"$E2E_WORK/scenario.sh" <<EOS
. /t.sh
expect_out "$((n - 1))" -n "$n CPUs online" -- cat /sys/devices/system/cpu/online
expect -r any -n "kx --check: no kexec_file_load" -o "kexec_file_load syscall  no" -o "built without CONFIG_KEXEC_FILE: kx uses kexec_load" -- kx --check
expect_rc 0 -n "kx -l -d" -- kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
expect_out 1 -n "kexec_loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOS
	KX_E2E_EXTRA_DIR=$E2E_WORK/extra-root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	KX_E2E_SMP=$n run_qemu "$log" "${KX_E2E_TIMEOUT:-400}" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
	assert_qemu_rc 0
	assert_no_kxt_fail "$log"
	assert_log_has "$log" "KXT-SUMMARY pass=4 fail=0"
	assert_log_has "$log" "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path: nothing in the system's policy asks for kexec_file_load, and this kernel is built without CONFIG_KEXEC_FILE)" \
		"$n CPUs: auto mode should take kexec_load and say the kernel has no kexec_file_load"
	assert_log_has "$log" "loaded with kexec_load" "$n CPUs: kexec_load should load it"
	assert_log_has "$log" "kx purgatory: real mode, MSR 0x" "$n CPUs: the purgatory should report on hvc0"
	assert_log_has "$log" "kx purgatory: 4 segments verified" \
		"$n CPUs: the purgatory should verify kernel, two initrds and the device tree"
	assert_log_order "$log" "kx purgatory: jumping to" "KXB-UP:"
	assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
		"$n CPUs: kernel B should get the command line (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
	assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
		"$n CPUs: kernel B should get initrd B intact; got: $(log_value "$log" KXB-PAYLOAD:)"
	assert_log_has "$log" "KXB-EXTRA: second.bin $KXB_EXTRA_SHA256" \
		"$n CPUs: kernel B should get the second initrd's file intact"
	assert_log_has "$log" "KXB-CPUS: $n" "$n CPUs: kernel B should bring up every CPU; got: $(log_value "$log" KXB-CPUS:)"
	assert_log_has "$log" "KXB-DONE" "$n CPUs: kernel B's /init should run to the end"
done
e2e_finish
