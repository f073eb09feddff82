/* kdump: the crash kernel's memory, ELF core header and command line. */
#ifndef KX_CRASH_H
#define KX_CRASH_H
#include <stddef.h>
#include <kx/loader.h>

/* The reserved crash region (crashkernel=) as a window; 0, or -1 after a
 * message saying how to reserve one. */
int crash_region(struct kx_window *w);

/*
 * For kexec_load -p, before the image loader runs: turn si->mem into the
 * crash kernel's view of memory, add the ELF core header segment to the
 * plan inside w, and add elfcorehdr= (and what else the crash kernel needs)
 * to the NUL-terminated command line (capacity cap). 0, or -1 after a message.
 */
int crash_prepare(struct kx_sysinfo *si, struct kx_plan *p, struct kx_window w,
		  char *cmdline, size_t cap);

/* --print-ckr-size: the crashkernel= size these segments need; prints it. */
int crash_print_size(const struct kx_plan *p);
#endif
