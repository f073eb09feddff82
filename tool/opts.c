#include "opts.h"
#include <errno.h>
#include <getopt.h>
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

static const struct option long_opts[] = {
	{ "load", no_argument, 0, 'l' },	{ "exec", no_argument, 0, 'e' },
	{ "force", no_argument, 0, 'f' },	{ "unload", no_argument, 0, 'u' },
	{ "status", no_argument, 0, 'S' },	{ "debug", no_argument, 0, 'd' },
	{ "no-checks", no_argument, 0, 'i' },	{ "type", required_argument, 0, 't' },
	{ "kexec-syscall", no_argument, 0, 'c' }, { "no-sync", no_argument, 0, 'y' },
	{ "kexec-file-syscall", no_argument, 0, 's' },
	{ "kexec-syscall-auto", no_argument, 0, 'a' },
	{ "check", no_argument, 0, O_CHECK },
	{ "load-panic", no_argument, 0, 'p' },
	{ "dtb", required_argument, 0, O_DTB },
	{ "print-ckr-size", no_argument, 0, O_CKR },
	{ "module", required_argument, 0, O_MODULE },
	{ "segment", required_argument, 0, O_SEGMENT },
	{ "entry", required_argument, 0, O_ENTRY },
	{ "purgatory", required_argument, 0, O_PURGATORY },
	{ "no-ifdown", no_argument, 0, 'x' },	{ "version", no_argument, 0, 'v' },
	{ "help", no_argument, 0, 'h' },	{ "initrd", required_argument, 0, O_INITRD },
	{ "ramdisk", required_argument, 0, O_INITRD },
	{ "append", required_argument, 0, O_APPEND },
	{ "command-line", required_argument, 0, O_CMDLINE },
	{ "reuse-cmdline", no_argument, 0, O_REUSE },
	{ "dry-run", no_argument, 0, O_DRY },	{ "json", no_argument, 0, O_JSON },
	{ "mem-min", required_argument, 0, O_MEMMIN },
	{ "mem-max", required_argument, 0, O_MEMMAX },
	{ 0, 0, 0, 0 },
};

int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	o->mem_max = UINT64_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":lefpuSdit:csayxvh", long_opts, 0)) != -1) {
		switch (c) {
		case 'l': o->load = 1; break;
		case 'e': o->exec = 1; break;
		case 'f': o->force = 1; break;
		case 'u': o->unload = 1; break;
		case 'S': o->status = 1; break;
		case 'd': o->debug = 1; break;
		case 'i': o->no_checks = 1; break;
		case 't': o->type = optarg; break;
		case 'c': o->syscall = KX_SYSCALL_CLASSIC; break;
		case 's': o->syscall = KX_SYSCALL_FILE; break;
		case 'a': o->syscall = KX_SYSCALL_AUTO; break;
		case O_CHECK: o->check = 1; break;
		case 'p': o->panic = 1; break;
		case O_DTB: o->dtb = optarg; break;
		case O_CKR: o->print_ckr = 1; break;
		case O_MODULE:
		case O_SEGMENT:
		case O_ENTRY:
		case O_INITRD:
		case O_CMDLINE:
		case O_APPEND:
		case O_MEMMIN:
		case O_MEMMAX:
			if (with_value(c, optarg, o))
				return -1;
			break;
		case O_PURGATORY: o->purgatory = optarg; break;
		case 'y': o->no_sync = 1; break;
		case 'x': break;
		case 'v': printf("kx %s (%s, purgatory %zu bytes)\n", kx_version(), kx_arch(),
				 kx_purgatory_size());
			exit(EXIT_OK);
		case 'h': help(); exit(EXIT_OK);
		case O_REUSE: o->reuse = o->replace_cmdline = 1; break;
		case O_DRY: o->dry_run = 1; break;
		case O_JSON: o->json = 1; break;
		case ':':
			say("option '%s' needs a value.", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				say("unknown option '-%c'; see kx --help.", optopt);
			else
				say("unknown option '%s'; see kx --help.", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc) {
		say("unexpected argument '%s' (only one kernel can be given).", argv[optind]);
		return -1;
	}
	return 0;
}

