#!/usr/bin/env bash
# t-boot-auto.sh - the default (auto) mode picks kexec_file_load for a bzImage,
# and two initrds reach kernel B through one sealed memfd.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-d" 1
assert_log_has "$E2E_LOG" "syscall: kexec_file_load (auto: tried first" "auto should choose kexec_file_load"
assert_log_has "$E2E_LOG" "loaded with kexec_file_load"
assert_log_lacks "$E2E_LOG" "trying kexec_load" "auto should not need the fallback here"
e2e_finish
