/* Kernel command line assembly: quoted words, de-duplication, dropped keys. */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H
#include <stddef.h>
#include "err.h"

/*
 * Append the words of `add` (len bytes; double quotes group words) to the
 * NUL-terminated command line in buf (capacity cap). A word identical to one
 * already there is skipped, so reusing a command line never makes it grow; a
 * word whose key (text before '=') is in `drop` (NULL-terminated) is skipped.
 */
struct kx_err kx_cmdline_add(char *buf, size_t cap, const char *add, size_t len,
			     const char *const *drop);
#endif
