#!/usr/bin/env bash
# t-reverse.sh (i386) - t-boot.sh the other way round: Debian's 686-pae kernel
# (A) loads the 686 kernel without PAE (B) with kx -c -l (kexec_load, asked
# for) and an initrd, then kx -e; kernel B must come up with the command line
# and initrd B intact. 1 GiB of RAM: kx keeps the kernel, the initrd and the
# boot parameters below the 896 MiB kernel B maps directly.
set -eu
I386_A=686-pae I386_B=686
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_boot_test "-c" 0
assert_log_line "$E2E_LOG" "KXA-UP:" "686-pae" "kernel A should be the 686-pae kernel"
assert_log_line "$E2E_LOG" "KXB-UP:" "$(basename "$E2E_VMLINUZ_B" | sed 's/^vmlinuz-//')" \
	"kernel B should be the 686 kernel"
e2e_finish
