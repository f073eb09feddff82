#!/usr/bin/env bash
# t-corrupt.sh (ppc64le) - the purgatory refuses to boot corrupted memory:
# with the test hook KX_FAULT=digest, kx stores a wrong digest for the kernel
# segment; on kx -e the purgatory must name the corrupt segment on the
# hypervisor's console (H_PUT_TERM_CHAR on pseries' VTY), and halt.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "kx -l with a corrupted digest" -- env KX_FAULT=digest kx -c -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
KX_E2E_STOP_ON="halted." run_qemu "$log" 300 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true

assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-PASS kx -l with a corrupted digest"
assert_log_has "$log" "kx purgatory: segment 0 at 0x" "the purgatory should name the corrupt segment"
assert_log_has "$log" "is corrupt: digest" "the purgatory should report the digest mismatch"
assert_log_has "$log" "Not booting corrupted memory; halted."
assert_log_lacks "$log" "KXB-" "kernel B must not boot from corrupted memory"
e2e_finish
