/* Command-line options, parsed once into a typed struct. */
#ifndef KX_OPTS_H
#define KX_OPTS_H
#include <stdint.h>
#include <stdio.h>
#include <kx/loader.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct opts {
	int load, exec, unload, status, force, dry_run, json, no_checks, no_sync, reuse;
	const char *kernel, *type;
	const char *initrd[KX_MAX_INITRDS];
	unsigned ninitrd;
	const char *append[16]; /* --append and --command-line, in order */
	unsigned nappend;
	uint64_t mem_min, mem_max;
};

void usage(FILE *f);
/* 0, or -1 after printing why (exit with EXIT_USAGE). */
int parse_opts(int argc, char **argv, struct opts *o);
#endif
