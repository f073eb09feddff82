/*
 * kx-static only: Debian's libbz2.a is built against glibc with
 * _FORTIFY_SOURCE, so its assertion message calls __fprintf_chk, which musl
 * does not have. This is that function, without the fortification (the
 * format strings are libbz2's own constants).
 */
#include <stdarg.h>
#include <stdio.h>

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}
