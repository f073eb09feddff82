#ifndef KX_SHOW_H
#define KX_SHOW_H
#include <stdio.h>
#include <kx/plan.h>
#include "check.h"
void show_plan(FILE *f, const struct kx_plan *p, const char *syscall, int verify);
/* fallback: the syscall tried next, or NULL; why: the reason for the choice */
void show_plan_json(FILE *f, const struct kx_plan *p, const char *syscall, const char *fallback,
		    const char *why, int verify, const struct preflight *pf);
#endif
