/* Placeholder until kdump support lands: -p says so clearly. */
#include "crash.h"
#include "msg.h"

int crash_region(struct kx_window *w)
{
	(void)w;
	msg("loading a crash kernel (-p) is not supported by this build of kx yet.");
	return -1;
}

int crash_prepare(struct kx_sysinfo *si, struct kx_plan *p, struct kx_window w, char *cmdline,
		  size_t cap)
{
	(void)si, (void)p, (void)w, (void)cmdline, (void)cap;
	return -1;
}

int crash_print_size(const struct kx_plan *p)
{
	(void)p;
	msg("--print-ckr-size is not supported by this build of kx yet.");
	return -1;
}
