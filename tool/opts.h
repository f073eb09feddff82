/* Command-line options, parsed once into a typed struct. */
#ifndef KX_OPTS_H
#define KX_OPTS_H
#include <stdint.h>
#include <stdio.h>
#include <kx.h>
#include <kx/loader.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct opts {
	int load, exec, unload, status, force, dry_run, json, no_checks, no_sync, reuse, check;
	int syscall;            /* KX_SYSCALL_*: -a (default), -s, -c */
	int debug;              /* -d */
	int replace_cmdline;    /* --command-line or --reuse-cmdline: a UKI's .cmdline is not used */
	int panic;              /* -p: the crash kernel (kdump) */
	int print_ckr;          /* --print-ckr-size */
	const char *dtb;        /* --dtb FILE (arm64) */
	const char *kernel, *type;
	const char *initrd[KX_MAX_INITRDS];
	unsigned ninitrd;
	const char *append[16]; /* --append and --command-line, in order */
	unsigned nappend;
	uint64_t mem_min, mem_max;
	const char *module[KX_MAX_MODULES]; /* --module "FILE ARGS" */
	unsigned nmodule;
	const char *segment[KX_MAX_SEGMENTS]; /* --segment FILE@ADDR */
	unsigned nsegment;
	uint64_t entry;
	int have_entry;
	const char *purgatory;  /* --purgatory FILE */
	uint8_t compat[8];      /* kexec-tools options taken that change nothing (compat.c) */
	uint64_t set[KX_SET__END]; /* kx_load_set settings given (0 = not given) */
	unsigned ncompat;
};

/* "kx: " and one sentence on stderr. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void usage(FILE *f);
/* 0, or -1 after printing why (exit with EXIT_USAGE). */
int parse_opts(int argc, char **argv, struct opts *o);

/* kexec-tools' options kx takes for compatibility (compat.c): the index of
 * the one s names (n bytes: a name or a unique prefix), or -1; */
int compat_find(const char *s, size_t n, int *takes_value);
/* take it: 0, or -1 after saying why it is refused */
int compat_apply(int i, const char *value, struct opts *o);
/* with -d: why each one taken changes nothing */
void compat_explain(const struct opts *o);
#endif
