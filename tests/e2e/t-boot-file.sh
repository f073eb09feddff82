#!/usr/bin/env bash
# t-boot-file.sh - kexec_file_load (kx -s): the kernel parses the bzImage
# itself; kx hands it the kernel file directly, and the two initrds through
# one sealed memfd.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-s -d" 1
assert_log_has "$E2E_LOG" "loaded with kexec_file_load" "kx -s should use kexec_file_load"
assert_log_lacks "$E2E_LOG" "kx purgatory:" "the kernel's purgatory runs, not kx's"
e2e_finish
