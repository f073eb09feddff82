/* Prose for lib/'s errors: the one place where a struct kx_err becomes words.
 * Pure (no I/O): the caller prints the result (libkx/msg.c's kx_error_message; the kx command adds "kx: "). */
#ifndef KX_RENDER_H
#define KX_RENDER_H
#include <stddef.h>
#include <kx/err.h>

/* The sentence saying what went wrong with subject (a file name or what the
 * caller was reading) and what to do, without prefix or newline, into buf
 * (n bytes, always NUL-terminated when n > 0). Returns the length it wanted,
 * as snprintf does. */
size_t kx_render_lib(char *buf, size_t n, struct kx_err e, const char *subject);
/* The architecture's own codes (libkx/arch/<arch>/render.c): snprintf's
 * result, or -1 for a code that is not the architecture's. */
int kx_render_arch(char *buf, size_t n, struct kx_err e, const char *subject);
/* t[i] of a table of n sentences, or NULL */
#define KX_PICK(t, i) ((i) < sizeof(t) / sizeof((t)[0]) && (t)[i] ? (t)[i] : 0)
#endif
