#ifndef KX_SHOW_H
#define KX_SHOW_H
#include <stdio.h>
#include <kx/plan.h>
void show_plan(FILE *f, const struct kx_plan *p, const char *syscall, int verify);
void show_plan_json(FILE *f, const struct kx_plan *p, const char *syscall, int verify);
#endif
