#!/usr/bin/env bash
# t-elf-vmlinux.sh - the ELF path: the vmlinux inside the Debian bzImage
# (decompressed here) is loaded as an ELF file, recognised as Linux, and
# booted with a zero page, the initrd and the command line.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
mkdir -p "$E2E_WORK/extra-root/b"
"$E2E_DIR/extract-vmlinux.sh" "$E2E_VMLINUZ" "$E2E_WORK/extra-root/b/vmlinux"
e2e_boot_test "-d" 0 /b/vmlinux
assert_log_has "$E2E_LOG" "kx plan: elf-linux image" "the vmlinux should load as Linux through the ELF path"
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: the kernel's own loader takes only bzImage kernels"
assert_log_has "$E2E_LOG" "kx purgatory:" "kx's purgatory should run"
e2e_finish
