#!/usr/bin/env bash
# t-purgatory.sh - a user-supplied preamble: examples/purgatory/minimal.S
# replaces kx's purgatory (--purgatory), says hello on the serial port and
# hands over to kernel B with the registers kx planned.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
blob=$E2E_ROOT/build/examples/minimal-purgatory.bin
[ -f "$blob" ] || e2e_die "no $blob: run make examples"
mkdir -p "$E2E_WORK/extra-root/b"
cp "$blob" "$E2E_WORK/extra-root/b/minimal.bin"
e2e_boot_test "-d --purgatory=/b/minimal.bin" 0
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: --purgatory needs kx's own plan)"
assert_log_has "$E2E_LOG" "/b/minimal.bin" "the plan should show the user's purgatory"
assert_log_has "$E2E_LOG" "example purgatory: hello, jumping to the next kernel"
assert_log_lacks "$E2E_LOG" "kx purgatory:" "kx's own purgatory must not run"
assert_log_order "$E2E_LOG" "example purgatory: hello" "KXB-UP:"
e2e_finish
