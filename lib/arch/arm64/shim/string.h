/*
 * lib/ is compiled with -nostdinc (compiler headers only). libfdt's
 * libfdt_env.h includes <string.h>, <stdlib.h> and <limits.h>; this shim
 * (used only for lib/arch/arm64/dtb.c, see mk/arm64.mk and docs/arm64.md)
 * declares the few C library functions libfdt itself calls. They come from
 * the C library kx is linked with, as libfdt.a does.
 */
#ifndef KX_SHIM_STRING_H
#define KX_SHIM_STRING_H
#include <stddef.h>
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
#endif
