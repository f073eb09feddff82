#!/usr/bin/env bash
# t-kdump-file.sh - t-kdump.sh with kexec_file_load (kx -p -s): the kernel
# builds the crash kernel's core header, memory map and elfcorehdr= itself;
# kx's --reuse-cmdline drops crashkernel= and adds nothing. The same
# dump checks must pass.
set -eu
KX_KDUMP_SYSCALL=-s exec bash "$(dirname "$0")/t-kdump.sh"
