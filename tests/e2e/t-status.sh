#!/usr/bin/env bash
# t-status.sh - kx -S / -l / -u round trip inside kernel A, cross-checked with
# the kernel's own /sys/kernel/kexec_loaded. Kernel B must not boot.
# kx -S exits as kexec-tools does: 1 if a kernel is loaded, 0 if not; it asks
# about the crash kernel unless -l is given, and prints nothing (-d says it).
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log

build_initrd_b "$E2E_WORK/initrd-b.gz" 1

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out 0 -n "kexec_loaded=0 at boot" -- cat /sys/kernel/kexec_loaded
expect -r 0 -o "kx: debug: no kernel is loaded" -n "kx -l -S -d before load" -- kx -l -S -d
expect_rc 0 -n "kx -l" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS"
expect_out 1 -n "kexec_loaded=1 after kx -l" -- cat /sys/kernel/kexec_loaded
expect -r 1 -o "kx: debug: a kernel is loaded; kx -e boots it" -n "kx -l -S -d after load" -- kx -l -S -d
# B1: --dry-run never reaches a privileged syscall, -u included
expect -r 0 -o "dry run: would unload" -n "kx --dry-run -u" -- kx --dry-run -u
expect -r 0 -o "dry run: would unload the loaded crash kernel" -n "kx --dry-run -p -u" -- kx --dry-run -p -u
expect_out 1 -n "still loaded after kx --dry-run -u" -- cat /sys/kernel/kexec_loaded
expect_rc 0 -n "kx -u" -- kx -u
expect_out 0 -n "kexec_loaded=0 after kx -u" -- cat /sys/kernel/kexec_loaded
expect -r 0 -o "kx: debug: no kernel is loaded" -n "kx -l -S -d after unload" -- kx -l -S -d
expect_rc 0 -n "kx -u with nothing loaded" -- kx -u
# the exact argv systemd's systemctl kexec uses (separate option arguments)
ln -s /bin/kx /bin/kexec
expect_rc 0 -n "systemd's call: kexec --load K --append ARGS --initrd F" -- kexec --load /b/vmlinuz --append "$E2E_KARGS" --initrd /b/initrd.gz
expect -r 1 -o "kexec: debug: a kernel is loaded; kexec -e boots it" -n "loaded by the systemd-style call (named kexec)" -- kexec -S -l -d
expect_rc 0 -n "kexec -u" -- kexec -u
kxt_summary
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""

assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_kxt_pass_count "$log" 15
assert_log_has "$log" "KXT-SUMMARY pass=15 fail=0"
assert_log_has "$log" "KXA-SCENARIO-EXIT: rc=0"
assert_log_lacks "$log" "KXB-" "kernel B must not boot in this test"
e2e_finish
