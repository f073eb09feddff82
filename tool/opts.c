#include "opts.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void say(const char *fmt, ...)
{
	va_list ap;

	fputs("kx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void usage(FILE *f)
{
	fputs("usage: kx -l KERNEL [--initrd=FILE]... [--append=ARGS] [options]   load a kernel\n"
	      "       kx -e            boot the loaded kernel now\n"
	      "       kx -u            unload it          kx -S   is one loaded?\n"
	      "       kx --dry-run KERNEL [...] [--json]   show the plan, change nothing\n"
	      "Try 'kx --help' for all options, 'man 8 kx' for details.\n", f);
}

static void help(void)
{
	printf("kx %s - load and boot another kernel with kexec\n\n", kx_version());
	usage(stdout);
	puts("\nActions:\n"
	     "  -l, --load KERNEL        load KERNEL to boot later with -e\n"
	     "  -e, --exec               sync file systems and boot the loaded kernel\n"
	     "  -f, --force              load, then boot at once (no -e needed)\n"
	     "  -p, --load-panic KERNEL  load a crash kernel (kdump), booted on panic\n"
	     "  -u, --unload             unload the loaded kernel (with -p: the crash kernel)\n"
	     "  -S, --status             say whether a kernel is loaded; exit 1 if so, 0 if not (as kexec-tools)\n"
	     "      --dry-run            do everything but the kexec syscalls; print the plan\n"
	     "\nKernel options:\n"
	     "      --initrd=FILE        initial ramdisk (repeat for several: concatenated)\n"
	     "      --ramdisk=FILE       same as --initrd\n"
	     "      --append=ARGS        add ARGS to the kernel command line\n"
	     "      --command-line=ARGS  same as --append (as kexec-tools on x86_64), but a\n"
	     "                           UKI's embedded command line is then not used\n"
	     "      --reuse-cmdline      start from /proc/cmdline (without BOOT_IMAGE=)\n"
	     "  -t, --type=TYPE          image type instead of probing: bzimage, uki, elf,\n"
	     "                           multiboot, multiboot2, raw (kexec-tools names work)\n"
	     "      --module=\"FILE ARGS\" multiboot module with its string (repeatable)\n"
	     "      --segment=FILE@ADDR  raw image: put FILE at physical ADDR (repeatable)\n"
	     "      --entry=ADDR         jump to ADDR instead of the image's entry point\n"
	     "      --purgatory=FILE     your own preamble instead of kx's (docs/purgatory.md)\n"
	     "      --dtb=FILE           device tree to start from (arm64)\n"
	     "      --print-ckr-size     with -p: the crashkernel= size these files need\n"
	     "\nOther options:\n"
	     "  -a, --kexec-syscall-auto try kexec_file_load, fall back to kexec_load (default)\n"
	     "  -s, --kexec-file-syscall use kexec_file_load only (the kernel parses, checks signatures)\n"
	     "  -c, --kexec-syscall      use kexec_load only (kx plans, its purgatory verifies)\n"
	     "      --check              what this system allows: lockdown, syscalls, memory\n"
	     "  -i, --no-checks          do not verify the segments in purgatory\n"
	     "      --mem-min=ADDR       place nothing below ADDR\n"
	     "      --mem-max=ADDR       place nothing at or above ADDR\n"
	     "      --json               with --dry-run or --check: print JSON\n"
	     "  -y, --no-sync            with -e: do not sync file systems first\n"
	     "  -x, --no-ifdown          accepted for compatibility (kx never downs interfaces)\n"
	     "  -d, --debug              explain each step on stderr\n"
	     "  -v, --version            print the version\n"
	     "  -h, --help               print this help");
}

static int parse_addr(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		*v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		*v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		*v <<= 30, end++;
	return *end ? -1 : 0;
}

enum { O_INITRD = 256, O_APPEND, O_CMDLINE, O_DTB, O_CKR, O_REUSE, O_DRY, O_JSON, O_MEMMIN, O_MEMMAX, O_CHECK,
       O_MODULE, O_SEGMENT, O_ENTRY, O_PURGATORY };

/* An option with a value: lists, addresses. 0, or -1 after saying why. */
static int with_value(int c, const char *v, struct opts *o)
{
	switch (c) {
	case O_MODULE:
		if (o->nmodule == KX_MAX_MODULES) {
			say("too many --module options (kx takes at most %d).", KX_MAX_MODULES);
			return -1;
		}
		o->module[o->nmodule++] = v;
		break;
	case O_SEGMENT:
		if (o->nsegment == KX_MAX_SEGMENTS - 1) {
			say("too many --segment options (at most %d).", KX_MAX_SEGMENTS - 1);
			return -1;
		}
		if (!strrchr(v, '@')) {
			say("--segment needs FILE@ADDR, e.g. --segment=code.bin@0x100000.");
			return -1;
		}
		o->segment[o->nsegment++] = v;
		break;
	case O_ENTRY:
		if (parse_addr(v, &o->entry)) {
			say("'%s' is not an address (use a number like 0x100000).", v);
			return -1;
		}
		o->have_entry = 1;
		break;
	case O_INITRD:
		if (o->ninitrd == KX_MAX_INITRDS) {
			say("too many --initrd files (kx takes at most %d).", KX_MAX_INITRDS);
			return -1;
		}
		o->initrd[o->ninitrd++] = v;
		break;
	case O_CMDLINE:
		o->replace_cmdline = 1;
		/* on x86_64, as in kexec-tools, it appends too */
		__attribute__((fallthrough));
	case O_APPEND:
		if (o->nappend == 16) {
			say("too many --append/--command-line options (at most 16).");
			return -1;
		}
		o->append[o->nappend++] = v;
		break;
	case O_MEMMIN:
	case O_MEMMAX:
		if (parse_addr(v, c == O_MEMMIN ? &o->mem_min : &o->mem_max)) {
			say("'%s' is not an address (use a number like 0x1000000 or 16M).", v);
			return -1;
		}
		break;
	}
	return 0;
}

/* Long options: a name, what it means (a short option's letter or an O_*
 * value), and whether it takes a value. A name may be cut to a unique prefix. */
static const struct lopt {
	char name[19];
	uint8_t arg;
	uint16_t id;
} long_opts[] = {
	{ "load", 0, 'l' },		{ "exec", 0, 'e' },		{ "force", 0, 'f' },
	{ "unload", 0, 'u' },		{ "status", 0, 'S' },		{ "debug", 0, 'd' },
	{ "no-checks", 0, 'i' },	{ "type", 1, 't' },		{ "kexec-syscall", 0, 'c' },
	{ "no-sync", 0, 'y' },		{ "kexec-file-syscall", 0, 's' },
	{ "kexec-syscall-auto", 0, 'a' }, { "check", 0, O_CHECK },	{ "load-panic", 0, 'p' },
	{ "dtb", 1, O_DTB },		{ "print-ckr-size", 0, O_CKR },	{ "module", 1, O_MODULE },
	{ "segment", 1, O_SEGMENT },	{ "entry", 1, O_ENTRY },	{ "purgatory", 1, O_PURGATORY },
	{ "no-ifdown", 0, 'x' },	{ "version", 0, 'v' },		{ "help", 0, 'h' },
	{ "initrd", 1, O_INITRD },	{ "ramdisk", 1, O_INITRD },	{ "append", 1, O_APPEND },
	{ "command-line", 1, O_CMDLINE }, { "reuse-cmdline", 0, O_REUSE }, { "dry-run", 0, O_DRY },
	{ "json", 0, O_JSON },		{ "mem-min", 1, O_MEMMIN },	{ "mem-max", 1, O_MEMMAX },
};
/* Short options; ':' after a letter: it takes a value. */
static const char short_opts[] = "lefpuSdit:csayxvh?";

/* One option with its value (or NULL). 0, or -1 after saying why. */
static int apply(int c, const char *v, struct opts *o)
{
	switch (c) {
	case 'l': o->load = 1; break;
	case 'e': o->exec = 1; break;
	case 'f': o->force = 1; break;
	case 'u': o->unload = 1; break;
	case 'S': o->status = 1; break;
	case 'd': o->debug = 1; break;
	case 'i': o->no_checks = 1; break;
	case 't': o->type = v; break;
	case 'c': o->syscall = KX_SYSCALL_CLASSIC; break;
	case 's': o->syscall = KX_SYSCALL_FILE; break;
	case 'a': o->syscall = KX_SYSCALL_AUTO; break;
	case O_CHECK: o->check = 1; break;
	case 'p': o->panic = 1; break;
	case O_DTB: o->dtb = v; break;
	case O_CKR: o->print_ckr = 1; break;
	case O_PURGATORY: o->purgatory = v; break;
	case 'y': o->no_sync = 1; break;
	case 'x': break;
	case 'v':
		printf("kx %s (%s, purgatory %zu bytes)\n", kx_version(), kx_arch(), kx_purgatory_size());
		exit(EXIT_OK);
	case 'h':
	case '?': help(); exit(EXIT_OK);
	case O_REUSE: o->reuse = o->replace_cmdline = 1; break;
	case O_DRY: o->dry_run = 1; break;
	case O_JSON: o->json = 1; break;
	default: return with_value(c, v, o);
	}
	return 0;
}

/* The long option s names (n bytes): an exact name, else a unique prefix. */
static const struct lopt *find_long(const char *s, size_t n)
{
	const struct lopt *hit = 0;
	unsigned i, count = 0;

	for (i = 0; i < sizeof(long_opts) / sizeof(long_opts[0]); i++) {
		if (strncmp(long_opts[i].name, s, n))
			continue;
		if (!long_opts[i].name[n])
			return &long_opts[i];
		hit = &long_opts[i];
		count++;
	}
	return count == 1 ? hit : 0;
}

/* argv[*i] is "--name[=value]"; a value may be the next word. */
static int long_opt(int argc, char **argv, int *i, struct opts *o)
{
	const char *a = argv[*i], *eq = strchr(a + 2, '=');
	size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct lopt *l = find_long(a + 2, n);
	int c, takes;

	if (!l && (c = compat_find(a + 2, n, &takes)) >= 0) {
		if (takes && !eq && *i + 1 == argc) {
			say("option '%s' needs a value.", a);
			return -1;
		}
		*i += takes && !eq;
		return compat_apply(c, !takes ? 0 : eq ? eq + 1 : argv[*i], o);
	}
	if (!l || (eq && !l->arg)) {
		if (l && l->id < 128)
			say("unknown option '-%c'; see kx --help.", l->id);
		else
			say("unknown option '%s'; see kx --help.", a);
		return -1;
	}
	if (l->arg && !eq && *i + 1 == argc) {
		say("option '%s' needs a value.", a);
		return -1;
	}
	return apply(l->id, !l->arg ? 0 : eq ? eq + 1 : argv[++*i], o);
}

/* argv[*i] is "-xyz" (letters, the last may take a value, here or next). */
static int short_opt(int argc, char **argv, int *i, struct opts *o)
{
	const char *a = argv[*i], *p, *s;

	for (p = a + 1; *p; p++) {
		s = *p == ':' ? 0 : strchr(short_opts, *p);
		if (!s) {
			say("unknown option '-%c'; see kx --help.", *p);
			return -1;
		}
		if (s[1] != ':') {
			if (apply(*p, 0, o))
				return -1;
			continue;
		}
		if (!p[1] && *i + 1 == argc) {
			say("option '%s' needs a value.", a);
			return -1;
		}
		return apply(*p, p[1] ? p + 1 : argv[++*i], o);
	}
	return 0;
}

/* Options and words in any order, as GNU getopt_long takes them; "--" ends options. */
int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *word[2] = { 0, 0 };
	int i, nword = 0, ended = 0, r;

	o->mem_max = UINT64_MAX;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (ended || a[0] != '-' || !a[1]) {
			if (nword < 2)
				word[nword] = a;
			nword++;
			continue;
		}
		if (!strcmp(a, "--")) {
			ended = 1;
			continue;
		}
		r = a[1] == '-' ? long_opt(argc, argv, &i, o) : short_opt(argc, argv, &i, o);
		if (r)
			return -1;
	}
	compat_explain(o);
	o->kernel = word[0];
	if (nword > 1) {
		say("unexpected argument '%s' (only one kernel can be given).", word[1]);
		return -1;
	}
	return 0;
}
