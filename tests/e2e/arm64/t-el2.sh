#!/usr/bin/env bash
# t-el2.sh (arm64) - the same chain with the kernels at EL2 (QEMU virt with
# virtualization=on: kernel A keeps EL2 for KVM): the old kernel enters the
# purgatory at EL2, which must build its identity map with the EL2
# registers, verify with the MMU and caches on, and enter kernel B at EL2.
set -eu
. "$(dirname "$0")/lib.sh"
export KX_E2E_MACHINE=virt,virtualization=on
e2e_init
e2e_boot_test "-c -d"
assert_log_has "$E2E_LOG" "kx purgatory: at EL2, MMU and caches on" \
	"the purgatory should run at EL2 with the MMU and caches on"
assert_log_has "$E2E_LOG" "kx purgatory: 3 segments verified"
assert_log_lacks "$E2E_LOG" "unexpected exception" "no exception in the purgatory"
e2e_finish
