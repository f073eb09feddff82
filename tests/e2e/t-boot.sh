#!/usr/bin/env bash
# t-boot.sh - the main end-to-end test, through kx's own plan and purgatory:
#   kx -l -c -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# Kernel B must come up with exactly that command line and both initrds
# intact, and the purgatory must have verified every segment on the way.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-c -d" 1
assert_log_has "$E2E_LOG" "loaded with kexec_load" "kx -c should use kexec_load"
# the kernel unpacked at load (its four PT_LOADs: Debian's 6.1 vmlinux) when
# this kx carries its codec, else the bzImage as it is
kline=$(e2e_kernel_line "$E2E_VMLINUZ_B")
case $kline in
"kernel: unpacked at load ("*) nseg=7 what="the kernel's four PT_LOADs" ;;
"kernel: as it is, "*) nseg=4 what="the kernel" ;;
*) e2e_die "no kernel line in kx --dry-run -c $E2E_VMLINUZ_B" ;;
esac
e2e_log "$kline"
assert_log_has "$E2E_LOG" "$kline" "kx -c -d should say what it made of the bzImage"
assert_log_has "$E2E_LOG" "kx purgatory: $nseg segments verified" \
	"the purgatory should verify $what, two initrds and boot params"
assert_log_order "$E2E_LOG" "kx purgatory: jumping to" "KXB-UP:"
e2e_finish
