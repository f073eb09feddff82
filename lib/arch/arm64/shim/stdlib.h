/* See string.h: what libfdt's headers expect from <stdlib.h>. */
#ifndef KX_SHIM_STDLIB_H
#define KX_SHIM_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
#endif
