#include "opts.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *prog = "kx";

static void vsay(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", prog, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void debug_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("debug: ", fmt, ap);
	va_end(ap);
}

void usage(FILE *f)
{
	fprintf(f, "usage: %s -l KERNEL [--initrd=FILE]... [--append=ARGS] [options]   load a kernel\n"
		"       %s -e            boot the loaded kernel now\n"
		"       %s KERNEL [...]  load it, then run shutdown -r now (no action given)\n"
		"       %s -u            unload it          %s -S   is one loaded? (exit status)\n"
		"       %s --dry-run KERNEL [...] [--json]   show the plan, change nothing\n"
		"Try '%s --help' for all options, 'man 8 kx' for details.\n",
		prog, prog, prog, prog, prog, prog, prog);
}

static void help(void)
{
	printf("kx %s - load and boot another kernel with kexec\n\n", kx_version());
	usage(stdout);
	puts("\nActions (the last one given wins, as in kexec-tools; none: load, then shutdown -r now):\n"
	     "  -l, --load KERNEL        load KERNEL to boot later with -e\n"
	     "  -e, --exec               sync file systems and boot the loaded kernel\n"
	     "  -f, --force              load, then boot at once (no shutdown)\n"
	     "  -p, --load-panic KERNEL  load a crash kernel (kdump), booted on panic\n"
	     "  -u, --unload             unload the loaded kernel (with -p: the crash kernel)\n"
	     "  -S, --status             exit 1 if the crash kernel is loaded (with -l: the kernel\n"
	     "                           -e boots), 0 if not; prints nothing (-d says it)\n"
	     "      --dry-run            do everything but the kexec syscalls; print the plan\n"
	     "\nKernel options:\n"
	     "      --initrd=FILE        initial ramdisk (repeat for several: concatenated)\n"
	     "      --ramdisk=FILE       same as --initrd\n"
	     "      --append=ARGS        the kernel command line (the last one given counts)\n"
	     "      --command-line=ARGS  same as --append, but a UKI's embedded command line\n"
	     "                           is then not used\n"
	     "      --reuse-cmdline      start from /proc/cmdline (without BOOT_IMAGE=)\n"
	     "  -t, --type=TYPE          image type instead of probing: bzimage, uki, elf,\n"
	     "                           multiboot, multiboot2, raw (kexec-tools names work)\n"
	     "      --module=\"FILE ARGS\" multiboot module with its string (repeatable)\n"
	     "      --segment=FILE@ADDR  raw image: put FILE at physical ADDR (repeatable)\n"
	     "      --entry=ADDR         jump to ADDR instead of the image's entry point\n"
	     "      --purgatory=FILE     your own preamble instead of kx's (docs/purgatory.md)\n"
	     "      --dtb=FILE           device tree to start from (arm64, 32-bit ARM)\n"
	     "      --atags              32-bit ARM: pass ATAGS (memory, initrd, command line),\n"
	     "                           not a device tree\n"
	     "      --mach-type=N        32-bit ARM: the machine type the next kernel gets in r1\n"
	     "                           (default: the running kernel's)\n"
	     "      --print-ckr-size     print the crash kernel reservation in bytes\n"
	     "      --suggest-crashkernel  with a kernel: the crashkernel= these files need\n"
	     "      --hotplug            the kernel updates the crash kernel's core header on\n"
	     "                           CPU or memory hotplug (no reload needed)\n"
	     "      --no-cma             kexec_file_load: do not place segments in CMA\n"
	     "      --force-dtb          kexec_file_load: pass the boot device tree on (x86)\n"
	     "\nOther options:\n"
	     "  -a, --kexec-syscall-auto try kexec_file_load, fall back to kexec_load (default)\n"
	     "  -s, --kexec-file-syscall use kexec_file_load only (the kernel parses, checks signatures)\n"
	     "  -c, --kexec-syscall      use kexec_load only (kx plans, its purgatory verifies)\n"
	     "      --check              what this system allows: lockdown, syscalls, memory\n"
	     "  -i, --no-checks          kexec_load: do not verify the segments in purgatory\n"
	     "      --no-unpack          kexec_load: leave a bzImage's kernel to its own\n"
	     "                           decompressor (default: kx unpacks it at load, KASLR kept)\n"
	     "      --mem-min=ADDR       kexec_load: place nothing below ADDR\n"
	     "      --mem-max=ADDR       kexec_load: place nothing at or above ADDR\n"
	     "      --json               with --dry-run or --check: print JSON\n"
	     "  -y, --no-sync            with -e: do not sync file systems first\n"
	     "  -x, --no-ifdown          accepted for compatibility (kx never downs interfaces)\n"
	     "  -d, --debug              explain each step on stderr; the kernel logs its own\n"
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
       O_MODULE, O_SEGMENT, O_ENTRY, O_PURGATORY, O_NOCMA, O_FORCEDTB, O_HOTPLUG, O_SUGGEST,
       O_MACHTYPE, O_NOUNPACK };

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
	case O_MACHTYPE:
		if (parse_addr(v, &o->set[KX_SET_MACH_TYPE]) || !o->set[KX_SET_MACH_TYPE] ||
		    o->set[KX_SET_MACH_TYPE] > UINT32_MAX) {
			say("--mach-type takes a machine number from 1 to 0xffffffff (arch/arm/tools/"
			    "mach-types), not '%s'.", v);
			return -1;
		}
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
		/* otherwise the same as --append, as in kexec-tools */
		__attribute__((fallthrough));
	case O_APPEND:
		/* kexec-tools' loaders keep the last one given */
		o->append = v;
		o->nappend++;
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
	char name[20];
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
	{ "no-cma", 0, O_NOCMA },	{ "force-dtb", 0, O_FORCEDTB },	{ "hotplug", 0, O_HOTPLUG },
	{ "suggest-crashkernel", 0, O_SUGGEST },				{ "mach-type", 1, O_MACHTYPE },
	{ "no-unpack", 0, O_NOUNPACK },
};
/* Short options; ':' after a letter: it takes a value. */
static const char short_opts[] = "lefpuSdit:csayxvh?";

/* The action options, as kexec-tools' option loop sets its state. */
static void action(int c, struct actions *a)
{
	switch (c) {
	case 'f': /* load, then boot at once */
		a->load = a->exec = a->sync = 1;
		a->shutdown = 0;
		break;
	case 'l':
		a->has_load = a->load = 1;
		a->exec = a->shutdown = 0;
		break;
	case 'p':
		a->load = 1;
		a->exec = a->shutdown = a->sync = 0;
		break;
	case 'u': /* an earlier -e still boots (it then finds nothing loaded) */
		a->load = a->shutdown = a->sync = 0;
		a->unload = a->unload_flag = 1;
		break;
	case 'e':
		a->load = a->shutdown = 0;
		a->sync = a->exec = 1;
		break;
	case 'S':
		a->status = 1;
		break;
	}
}

/* One option with its value (or NULL). 0, or -1 after saying why. */
static int apply(int c, const char *v, struct opts *o)
{
	switch (c) {
	case 'l': case 'e': case 'f': case 'u': case 'S': action(c, &o->a); break;
	case 'p': action(c, &o->a); o->panic = 1; break;
	case 'd': o->debug = 1; break;
	case 'i': o->no_checks = 1; break;
	case 't': o->type = v; break;
	case 'c': o->syscall = KX_SYSCALL_CLASSIC; break;
	case 's': o->syscall = KX_SYSCALL_FILE; break;
	case 'a': o->syscall = KX_SYSCALL_AUTO; break;
	case O_CHECK: o->check = 1; break;
	case O_DTB: o->dtb = v; break;
	case O_CKR: o->print_ckr = 1; break;
	case O_SUGGEST: o->suggest_ckr = 1; break;
	case O_NOCMA: o->no_cma = 1; break;
	case O_FORCEDTB: o->force_dtb = 1; break;
	case O_HOTPLUG: o->hotplug = 1; break;
	case O_NOUNPACK: o->set[KX_SET_NO_UNPACK] = 1; break;
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

/*
 * kexec-tools' x86 loader options: with no load to do (-e, -u, -S last), it
 * stops with its usage text when one is given. Its arm64 options are all
 * architecture options, taken with any action.
 */
static int loader_option(const char *name)
{
#if defined(__x86_64__) || defined(__i386__)
	static const char *const names[] = {
		"command-line", "append", "reuse-cmdline", "initrd", "ramdisk", "args-elf",
		"args-linux", "args-none", "module", "real-mode", "entry-32bit",
		"pass-memmap-cmdline", "noefi", "reuse-video-type", "dtb", 0,
	};
	const char *const *n;

	for (n = names; *n; n++)
		if (!strcmp(*n, name))
			return 1;
#else
	(void)name;
#endif
	return 0;
}

static void note_loader_option(struct opts *o, const char *name)
{
	if (!o->loader_name && loader_option(name))
		o->loader_name = name;
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
		note_loader_option(o, compat_name(c));
		return compat_apply(c, !takes ? 0 : eq ? eq + 1 : argv[*i], o);
	}
	if (!l || (eq && !l->arg)) {
		if (l && l->id < 128)
			say("unknown option '-%c'; see %s --help.", l->id, prog);
		else
			say("unknown option '%s'; see %s --help.", a, prog);
		return -1;
	}
	if (l->arg && !eq && *i + 1 == argc) {
		say("option '%s' needs a value.", a);
		return -1;
	}
	note_loader_option(o, l->name);
	return apply(l->id, !l->arg ? 0 : eq ? eq + 1 : argv[++*i], o);
}

/* argv[*i] is "-xyz" (letters, the last may take a value, here or next). */
static int short_opt(int argc, char **argv, int *i, struct opts *o)
{
	const char *a = argv[*i], *p, *s;

	for (p = a + 1; *p; p++) {
		s = *p == ':' ? 0 : strchr(short_opts, *p);
		if (!s) {
			say("unknown option '-%c'; see %s --help.", *p, prog);
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

/* Options and words in any order, as GNU getopt_long takes them; "--" ends
 * options. --print-ckr-size, -h and -v end the parsing where they stand, as in
 * kexec-tools (what follows them is not read). */
const char *prog_name(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return prog;
	return (slash = strrchr(argv0, '/')) && slash[1] ? slash + 1 : argv0;
}

int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *word[2] = { 0, 0 };
	int i, nword = 0, ended = 0, r;

	if (argc > 0)
		prog = prog_name(argv[0]);
	o->mem_max = UINT64_MAX;
	o->a = (struct actions){ .load = 1, .shutdown = 1, .sync = 1 };
	for (i = 1; i < argc && !o->print_ckr; i++) {
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
	if (o->print_ckr)
		return 0;
	/* ATAGS replace the device tree, and a crash kernel takes its memory from mem= with a tree */
	if (o->set[KX_SET_ATAGS] && o->dtb) {
		say("--atags and --dtb exclude each other: the next kernel gets one or the other.");
		return -1;
	}
	if (o->set[KX_SET_ATAGS] && o->panic) {
		say("--atags is not supported with -p: kx loads crash kernels with a device tree.");
		return -1;
	}
	compat_explain(o);
	o->kernel = word[0];
	if (nword > 1)
		/* kexec-tools reads the first and ignores the rest */
		say("ignoring '%s': only one kernel can be given (%s is the kernel).", word[1], word[0]);
	return 0;
}
