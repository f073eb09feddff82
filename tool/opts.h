/* Command-line options, parsed once into a typed struct. */
#ifndef KX_OPTS_H
#define KX_OPTS_H
#include <stdint.h>
#include <stdio.h>
#include <kx.h>
#include <kx/loader.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_STATUS_UNKNOWN = 255 };

/*
 * What to do, as kexec-tools decides it (docs/compat.md, "Actions"): every
 * action option sets these left to right, the later one winning, from the
 * start state "load, then run shutdown -r now".
 */
struct actions {
	int load, exec, shutdown, sync, unload;
	int has_load;           /* -l was given (-S then asks about the normal kernel) */
	int unload_flag;        /* -u was given: kexec_file_load's unload flag stays set */
	int status;             /* -S: only the question, nothing else */
};

struct opts {
	struct actions a;
	int dry_run, json, no_checks, no_sync, reuse, check;
	int syscall;            /* KX_SYSCALL_*: -a (default), -s, -c */
	int debug;              /* -d */
	int replace_cmdline;    /* --command-line or --reuse-cmdline: a UKI's .cmdline is not used */
	int panic;              /* -p: the crash kernel (kdump) */
	int print_ckr;          /* --print-ckr-size: the reservation, in bytes, then exit */
	int suggest_ckr;        /* --suggest-crashkernel (kx): the crashkernel= these files need */
	int no_cma, force_dtb, hotplug;
	int loader_opt;         /* the first kexec-tools loader option given (its name), for -e/-u/-S */
	const char *loader_name;
	const char *dtb;        /* --dtb FILE (arm64) */
	const char *kernel, *type;
	const char *initrd[KX_MAX_INITRDS];
	unsigned ninitrd;
	const char *append;     /* the last --append or --command-line (kexec-tools keeps the last) */
	unsigned nappend;       /* how many were given */
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

/* The name kx was invoked as (argv[0]'s last component): "kx", "kexec"... */
extern const char *prog;
/* "NAME: " and one sentence on stderr. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "NAME: debug: " and one line on stderr. */
void debug_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void usage(FILE *f);
/* 0, or -1 after printing why (exit with EXIT_USAGE). */
int parse_opts(int argc, char **argv, struct opts *o);

/* kexec-tools' options kx takes for compatibility (compat.c): the index of
 * the one s names (n bytes: a name or a unique prefix), or -1; */
int compat_find(const char *s, size_t n, int *takes_value);
/* take it (value: the option's, or NULL): 0, or -1 after saying why it is refused */
int compat_apply(int i, const char *value, struct opts *o);
/* its name */
const char *compat_name(int i);
/* with -d: why each one taken changes nothing */
void compat_explain(const struct opts *o);
/* main.c: one sentence for err on stderr, returning the exit status it means;
 * the library's log lines; the SIGBUS handler (a mapped file shrank) */
int report(const struct kx_error *err);
void log_line(void *arg, int level, const char *line);
void on_sigbus(int sig);
/* argv[0]'s last component */
const char *prog_name(const char *argv0);
/* boot.c: kx boot ARGS (argv[0] is "boot") */
int boot_main(int argc, char **argv);
#endif
