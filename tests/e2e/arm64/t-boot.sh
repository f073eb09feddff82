#!/usr/bin/env bash
# t-boot.sh (arm64) - the main test: Debian's arm64 kernel (A) runs
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/extra.gz --append=...
#   kx -e
# in auto mode: no policy asks for kexec_file_load (which Debian 12's arm64
# kernel lacks anyway), so kx takes kexec_load with its own plan, device tree
# and purgatory, without trying kexec_file_load first. Kernel B
# must come up with that command line and both initrds intact, after the
# purgatory verified every segment with the MMU on.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-d" 1
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path" \
	"auto mode should take kexec_load"
assert_log_lacks "$E2E_LOG" "kexec_file_load: " "auto mode should not try kexec_file_load"
assert_log_has "$E2E_LOG" "loaded with kexec_load" "kexec_load should load it"
assert_log_has "$E2E_LOG" "kx purgatory: at EL1, MMU and caches on" \
	"the purgatory should verify with the MMU and caches on"
assert_log_has "$E2E_LOG" "kx purgatory: 4 segments verified" \
	"the purgatory should verify kernel, two initrds and the device tree"
assert_log_order "$E2E_LOG" "kx purgatory: jumping to" "KXB-UP:"
e2e_finish
