#ifndef KX_LOAD_H
#define KX_LOAD_H
#include "opts.h"
/* Load o->kernel (or print its plan with --dry-run); returns an exit status. */
int do_load(const struct opts *o);
/* Unload with the syscall the options allow; returns an exit status. */
int do_unload(const struct opts *o);
#endif
