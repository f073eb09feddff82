/* Kernel command line assembly: quoted words, verbatim appends, dropped keys. */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/*
 * Append the words of `add` (len bytes; double quotes group words) to the
 * NUL-terminated command line in buf (capacity cap), one space between words.
 * A word whose key (text before '=') is in `drop` (NULL-terminated) is
 * skipped; every other word is kept, repeated ones too (Linux takes the last
 * of a repeated parameter; words after "--" are init's).
 */
struct kx_err kx_cmdline_add(char *buf, size_t cap, const char *add, size_t len,
			     const char *const *drop);

/* Append `text` (len bytes, or up to a NUL) as it is, after one space when
 * buf is not empty: what kexec-tools does with --append. */
struct kx_err kx_cmdline_append(char *buf, size_t cap, const char *text, size_t len);

/* Remove every word whose key (text before '=', or the whole word) is
 * `key` from the NUL-terminated buf. Returns how many were removed. */
unsigned kx_cmdline_drop(char *buf, const char *key);

/* The command line's one tokenizer: the next word in [*pp, end) (double
 * quotes group; a NUL ends the text), its length in *wl; NULL at the end. */
const char *kx_cmdline_word(const char **pp, const char *end, size_t *wl);
/* Is the key of word [w, w + wl) (text before '=', or all of it) `key`? */
bool kx_cmdline_key_is(const char *w, size_t wl, const char *key);
#endif
