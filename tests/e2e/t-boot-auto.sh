#!/usr/bin/env bash
# t-boot-auto.sh - the default (auto) mode, where no policy asks for
# kexec_file_load (no lockdown, kexec_load allowed, Debian's IMA with no
# kexec rule, no KHO, not Xen): kexec_load with kx's plan and purgatory, the
# faster path; two initrds reach kernel B.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-d" 1
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path" \
	"auto should choose kexec_load"
assert_log_has "$E2E_LOG" "loaded with kexec_load"
assert_log_lacks "$E2E_LOG" "trying kexec_file_load" "auto should not need the fallback here"
e2e_finish
