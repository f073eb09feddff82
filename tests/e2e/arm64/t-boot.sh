#!/usr/bin/env bash
# t-boot.sh (arm64) - the main test: Debian's arm64 kernel (A) runs
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# in auto mode: Debian 12's arm64 kernel has no kexec_file_load, so kx falls
# back to kexec_load with its own plan, device tree and purgatory. Kernel B
# must come up with that command line and both initrds intact, after the
# purgatory verified every segment with the MMU on.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-d" 1
assert_log_has "$E2E_LOG" "kexec_file_load: " "auto mode should try kexec_file_load first"
assert_log_has "$E2E_LOG" "loaded with kexec_load" "and fall back to kexec_load"
assert_log_has "$E2E_LOG" "kx purgatory: at EL1, MMU and caches on" \
	"the purgatory should verify with the MMU and caches on"
assert_log_has "$E2E_LOG" "kx purgatory: 4 segments verified" \
	"the purgatory should verify kernel, two initrds and the device tree"
assert_log_order "$E2E_LOG" "kx purgatory: jumping to" "KXB-UP:"
e2e_finish
