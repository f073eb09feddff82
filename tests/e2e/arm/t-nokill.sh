#!/usr/bin/env bash
# t-nokill.sh (32-bit ARM) - the CPU-hotplug refusal when the secondary
# CPUs can go offline but cannot be killed (t-nohotplug: when they cannot go
# offline at all). QEMU's vexpress-a15 with two CPUs and the armmp kernel's
# own vexpress-v2p-ca15-tc1.dtb: no PSCI, so the kernel's SMP code is
# vexpress's, which has cpu_die but no cpu_kill. machine_kexec_prepare
# (arch/arm/kernel/machine_kexec.c) refuses every kexec_load with EINVAL
# when more than one CPU is possible, the platform can boot secondaries and
# cannot kill them (smp.c, platform_can_cpu_hotplug: smp_ops.cpu_kill). The
# CPUs still have their sysfs "online" files (platform_can_hotplug_cpu needs
# only cpu_die) and CPU 1 really goes offline; kx tells from the missing
# PSCI. In kernel A: kx --check says so, kx -l fails with the exact
# sentence, with CPU 1 online and offline (an offline CPU is still possible:
# the kernel counts it), and nothing is loaded.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
KX_E2E_CACHE=$E2E_CACHE "$ARM_DIR/fetch.sh" dtbs >/dev/null || e2e_die "fetch.sh dtbs failed"
dtb=$ARM_CACHE/kernel-armmp/dtbs/vexpress-v2p-ca15-tc1.dtb
export KX_E2E_SMP=2
log=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
check="secondary CPUs           may NOT go offline for kexec (no PSCI): kexec_load fails (EINVAL) unless the platform's own SMP code can power CPUs down; nr_cpus=1 avoids it"
refused="kx: loading the kernel: the kernel refused (Invalid argument), most likely because it cannot power its secondary CPUs down: 32-bit ARM kexec needs that (a cpu_kill, such as PSCI's) whenever more than one CPU is possible, and this system has no PSCI, only its platform's own SMP code. Boot with nr_cpus=1 (nosmp and maxcpus=1 leave the other CPUs possible, and the kernel counts those), or use firmware with PSCI; nothing was loaded."
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "0-1" -n "two CPUs online" -- cat /sys/devices/system/cpu/online
expect_rc 0 -n "CPU 1 has an online file" -- test -f /sys/devices/system/cpu/cpu1/online
expect_rc 1 -n "no PSCI in the device tree" -- test -e /proc/device-tree/psci
expect_out "$check" -n "kx --check: may not go offline" -- kx --check
expect_rc 1 -o "$refused" -n "kx -l refused with the reason" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS"
expect_out "0" -n "nothing loaded" -- cat /sys/kernel/kexec_loaded
expect_rc 0 -n "CPU 1 goes offline" -- sh -c 'echo 0 >/sys/devices/system/cpu/cpu1/online'
expect_out "0" -n "one CPU online" -- cat /sys/devices/system/cpu/online
expect_rc 1 -o "$refused" -n "kx -l refused with CPU 1 offline" -- kx -l /b/vmlinuz --append="$E2E_KARGS"
expect_out "0" -n "still nothing loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
KX_E2E_MACHINE=vexpress-a15 KX_E2E_QEMU_ARGS="-dtb $dtb" \
	run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=10 fail=0"
e2e_finish
