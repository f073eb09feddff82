/* kdump: the crash kernel's memory, ELF core header and command line. */
#ifndef KX_CRASH_H
#define KX_CRASH_H
#include <stddef.h>
#include <kx/loader.h>

/*
 * For every -p load, once the files are mapped and the command line is
 * built, before either syscall (and for --dry-run, --check, --print-ckr-size):
 * add what every crash kernel needs to the command line (nr_cpus=1 irqpoll
 * reset_devices unless given; any elfcorehdr= dropped), read the reserved
 * region and estimate what these files need. Unless `sizing`
 * (--print-ckr-size), a missing reservation or one too small to load them is
 * an error that says how much to reserve; one smaller than the estimate to
 * boot and dump is a warning. 0, or -1 after a message.
 */
int crash_setup(const struct kx_blob *kernel, const struct kx_blob *initrd, unsigned ninitrd,
		int sizing, char *cmdline, size_t cap);

/* The reserved crash region (crashkernel=) as a window; 0, or -1 after a
 * message saying how to reserve one. With --print-ckr-size: all of memory. */
int crash_region(struct kx_window *w);

/*
 * For kexec_load -p, before the image loader runs: turn si->mem into the
 * crash kernel's view of memory, add the ELF core header segment to the
 * plan inside w, and add elfcorehdr= (and what else the crash kernel needs)
 * to the NUL-terminated command line (capacity cap). 0, or -1 after a message.
 */
int crash_prepare(struct kx_sysinfo *si, struct kx_plan *p, struct kx_window w,
		  char *cmdline, size_t cap);

/* The map a crash plan is validated against: the running system's (the
 * crash kernel's view leaves the core header out of RAM, and the kernel's
 * half-of-RAM limit is about the running system), or m when crash_prepare
 * has not run. */
const struct kx_memmap *crash_validate_map(const struct kx_memmap *m);

/* --print-ckr-size: the crashkernel= size these segments need; prints it. */
int crash_print_size(const struct kx_plan *p);
#endif
