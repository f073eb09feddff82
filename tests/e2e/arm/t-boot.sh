#!/usr/bin/env bash
# t-boot.sh (32-bit ARM) - Debian's armmp kernel (A), one CPU, runs
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# in auto mode: 32-bit ARM has no kexec_file_load, so kx plans a kexec_load
# (zImage, the running device tree edited, its purgatory). Kernel B must
# come up with that command line and both initrds intact, after the
# purgatory verified every segment with the MMU off.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-d" 1
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: arm has no kexec_file_load, so kx plans it)" \
	"auto mode should say why it plans a kexec_load"
assert_log_has "$E2E_LOG" "loaded with kexec_load" "the load should go through kexec_load"
assert_log_has "$E2E_LOG" "kx purgatory: 4 segments verified" \
	"the purgatory should verify the zImage, two initrds and the device tree"
assert_log_order "$E2E_LOG" "kx purgatory: jumping to" "KXB-UP:"
e2e_finish
