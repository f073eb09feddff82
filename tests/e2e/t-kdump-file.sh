#!/usr/bin/env bash
# t-kdump-file.sh - t-kdump.sh with kexec_file_load (kx -p -s): the kernel
# builds the crash kernel's core header, memory map and elfcorehdr= itself;
# kx adds nr_cpus=1 irqpoll reset_devices and drops crashkernel=. The same
# dump checks must pass.
set -eu
KX_KDUMP_SYSCALL=-s exec bash "$(dirname "$0")/t-kdump.sh"
