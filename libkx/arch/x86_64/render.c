/* x86_64 has no image errors of its own: libkx/render_lib.c renders them all. */
#include "render.h"

int kx_render_arch(char *buf, size_t n, struct kx_err e, const char *s)
{
	(void)buf, (void)n, (void)e, (void)s;
	return -1;
}
