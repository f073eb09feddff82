#!/usr/bin/env bash
# t-smp.sh (32-bit ARM) - two CPUs: 32-bit ARM kexec needs the secondary CPU
# to go offline (CPU hotplug through PSCI on QEMU virt), or kexec_load fails
# with EINVAL. In kernel A (2 CPUs, virt's PSCI 1.0): kx --check says the
# secondary CPUs can go offline and names no kexec_file_load, -s is refused
# with the reason; then kx -l with an initrd, a command line and --dtb, kx -e;
# kernel B comes up with both (its scenario reports them as init-b does).
#
# The tree given with --dtb is virt's own (dumped by QEMU) made PSCI 0.1
# without CPU_OFF ("arm,psci", cpu_on, no cpu_off; fdtput): QEMU rewrites
# /psci in a tree given with -dtb, so only a kexec can hand such a tree
# over. Kernel B brings CPU 1 up with PSCI 0.1's CPU_ON, and kx --check
# there says the CPUs CANNOT go offline (PSCI without CPU_OFF: the kernel
# would accept a load, but kx -e would end in BUG_ON in
# smp_shutdown_nonboot_cpus, seen by hand), so kx -l refuses it, saying why,
# and nothing is loaded. PSCI 0.1 has no SYSTEM_OFF either: QEMU is stopped
# once kernel B is done.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
command -v fdtput >/dev/null || e2e_die "no fdtput (package device-tree-compiler; tests/deps.sh)"
zimage=${KX_E2E_ATAGS_KERNEL:-$E2E_ROOT/build/kernels/arm/atags.zimage}
[ -f "$zimage" ] || e2e_die "no ATAGS test kernel at $zimage (make -f tests/kernels/Makefile arm)"
export KX_E2E_SMP=2
nonce=$(e2e_nonce)
log=$E2E_WORK/console.log
mkdir -p "$E2E_WORK/b/b" "$E2E_WORK/a/b"
dtb=$E2E_WORK/a/b/nooff.dtb
"$KX_E2E_QEMU" -M virt,dumpdtb="$dtb" -cpu "$KX_E2E_CPU" -m "$KX_E2E_MEM" -smp 2 -display none \
	>/dev/null 2>&1 || e2e_die "qemu-system-arm could not dump its device tree"
fdtput -t s "$dtb" /psci compatible arm,psci
fdtput -d "$dtb" /psci cpu_off
check_b="secondary CPUs           CANNOT go offline (PSCI without CPU_OFF): the exec would crash the kernel, so kx refuses to load (-p still loads); boot with nr_cpus=1"
# kernel B's initrd: the guest scenario, kx, a 2 MiB payload, the tiny zImage to load
head -c $((2 << 20)) /dev/urandom >"$E2E_WORK/b/payload.bin"
payload=$(sha256sum "$E2E_WORK/b/payload.bin" | cut -d' ' -f1)
cp "$zimage" "$E2E_WORK/b/b/tiny.zimage"
cat >"$E2E_WORK/scenario-b.sh" <<EOF
. /t.sh
echo "KXB-CMDLINE: \$(cat /proc/cmdline)"
echo "KXB-PAYLOAD: \$(sha256sum /payload.bin | cut -d' ' -f1)"
expect_out "psci: Using PSCI v0.1 Function IDs from DT" -n "B: PSCI 0.1 from kx's tree" -- dmesg
expect_rc 1 -n "B: no cpu_off" -- test -e /proc/device-tree/psci/cpu_off
expect_out "0-1" -n "B: two CPUs online" -- cat /sys/devices/system/cpu/online
expect_out "$check_b" -n "B: kx --check: CANNOT go offline (PSCI without CPU_OFF)" -- kx --check
expect_rc 1 -o "kx: loading the kernel: refused by kx: this system's PSCI has no CPU_OFF, so the kernel cannot take its secondary CPUs offline, and kx -e would crash it" \\
	-n "B: kx -l refuses the load whose exec would crash" -- kx -l /b/tiny.zimage
expect_out "0" -n "B: nothing loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
echo "KXB-DONE"
EOF
build_initrd_hop "$E2E_WORK/a/b/initrd.gz" "$E2E_WORK/scenario-b.sh" "$E2E_WORK/b"
cp "$E2E_VMLINUZ_B" "$E2E_WORK/a/b/vmlinuz"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "0-1" -n "two CPUs online" -- cat /sys/devices/system/cpu/online
expect_out "secondary CPUs           can go offline" -- kx --check
expect_out "(arm has no kexec_file_load: kx uses kexec_load)" -n "--check names no kexec_file_load" -- kx --check
expect_rc 2 -o "kexec_file_load (-s) does not exist on arm; use -c (or no option)." -n "kx -s refused" -- kx -s -l /b/vmlinuz
expect_rc 0 -n "kx -l" -- kx -l /b/vmlinuz --dtb=/b/nooff.dtb --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
kxt_summary
EOF
build_initrd_hop "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/a"
KX_E2E_STOP_ON="KXB-DONE" run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=5 fail=0"
assert_log_order "$log" "KXT-SUMMARY pass=5 fail=0" "KXB-CMDLINE:"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
assert_log_has "$log" "KXB-PAYLOAD: $payload" \
	"kernel B should get its initrd intact; got: $(log_value "$log" KXB-PAYLOAD:)"
assert_log_has "$log" "KXT-SUMMARY pass=6 fail=0" "kernel B's checks"
assert_log_has "$log" "KXB-DONE" "kernel B's scenario should run to the end"
e2e_finish
