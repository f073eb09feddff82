#!/usr/bin/env bash
# t-nohotplug.sh (32-bit ARM) - the CPU-hotplug refusal when the secondary
# CPUs cannot go offline at all (t-nokill: when they can but cannot be
# killed). QEMU's raspi2b (four Cortex-A7, always) with the armmp kernel's
# own bcm2836-rpi-2-b.dtb: no PSCI, the CPUs' enable-method is
# "brcm,bcm2836-smp", whose SMP operations (arch/arm/mach-bcm/platsmp.c)
# boot secondaries but have no cpu_die and no cpu_kill: no CPU has a sysfs
# "online" file (smp.c, platform_can_hotplug_cpu), and machine_kexec_prepare
# refuses every kexec_load with EINVAL (more than one CPU possible,
# platform_can_cpu_hotplug false). In kernel A (four CPUs online): kx
# --check says the CPUs CANNOT go offline, kx -l fails with the exact
# sentence, nothing is loaded. (Not maxcpus=1: the CPUs it leaves offline
# spin in QEMU's boot stub, which makes the guest slower under TCG; t-nokill
# shows that an offline CPU still counts.)
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
KX_E2E_CACHE=$E2E_CACHE "$ARM_DIR/fetch.sh" dtbs >/dev/null || e2e_die "fetch.sh dtbs failed"
dtb=$ARM_CACHE/kernel-armmp/dtbs/bcm2836-rpi-2-b.dtb
export KX_E2E_SMP=4 # raspi2b has four, no more, no fewer
log=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
check="secondary CPUs           CANNOT go offline: kexec_load will fail (EINVAL); needs CONFIG_HOTPLUG_CPU and PSCI, or boot with nr_cpus=1"
refused="kx: loading the kernel: the kernel refused (Invalid argument) because it cannot take its secondary CPUs offline: 32-bit ARM kexec needs CPU hotplug (CONFIG_HOTPLUG_CPU and a platform that can power CPUs down, such as PSCI). Boot with nr_cpus=1 (nosmp and maxcpus=1 leave the other CPUs possible, and the kernel counts those), or use a kernel with CPU hotplug; nothing was loaded."
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "0-3" -n "four CPUs online" -- cat /sys/devices/system/cpu/online
expect_rc 1 -n "CPU 1 has no online file" -- test -e /sys/devices/system/cpu/cpu1/online
expect_out "$check" -n "kx --check: CANNOT go offline" -- kx --check
expect_rc 1 -o "$refused" -n "kx -l refused with the reason" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS"
expect_out "0" -n "nothing loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
# raspi2b cannot power itself off: QEMU is stopped once the summary is out
KX_E2E_STOP_ON="KXT-SUMMARY" KX_E2E_MACHINE=raspi2b KX_E2E_QEMU_ARGS="-dtb $dtb" \
	run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=5 fail=0"
e2e_finish
