/*
 * kx boot: find the boot entries on the machine, choose one (an id or title,
 * the configured default, or the menu), and boot it through the same load
 * path as kx -l (docs/boot.md). A thin client of libkx's kx_boot_* calls.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "menu.h"
#include "opts.h"

#define MAX_PLACES 32
#define CMDLINE_MAX 4096

struct boot_opts {
	const char *place[MAX_PLACES];
	unsigned nplace;
	const char *entry;      /* an id or a title glob */
	int scan, list, json, dflt, menu, load_only, dry_run, debug, crash, no_verify;
	int syscall;
	int timeout;            /* -1: the configuration's */
	const char *append;     /* added to the entry's command line */
	const char *cmdline;    /* instead of the entry's */
};

static void boot_usage(FILE *f)
{
	fprintf(f,
	     "usage: %s boot [PLACE...] [--scan] [--list [--json] | --default | --menu | ENTRY]\n"
	     "               [--load-only] [--dry-run [--json]] [-s|-c|-a] [-i] [-p] [-d]\n"
	     "               [--append=TEXT] [--command-line=TEXT] [--timeout=SECONDS]\n"
	     "Find the boot entries (BLS Type #1 and #2, grub.cfg, extlinux/syslinux, plain /boot\n"
	     "kernels), choose one and boot it with kexec (docs/boot.md).\n"
	     "  PLACE              a directory holding boot files or a block device (read-only);\n"
	     "                     none and no --scan: /boot, /efi and /boot/efi\n"
	     "  --scan             every block device and partition, mounted read-only, detached\n"
	     "  --list             list the entries (--json: as one JSON object); boot nothing\n"
	     "  --default          boot the entry the configuration makes the default\n"
	     "  --menu             choose in a menu on the terminal (the default without ENTRY)\n"
	     "  ENTRY              boot the entry with this id or title (a glob: 'Debian*')\n"
	     "  --load-only        load the entry; %s -e boots it later\n"
	     "  --dry-run          show the plan, load nothing (--json: as JSON)\n"
	     "  --append=TEXT      add TEXT to the entry's command line\n"
	     "  --command-line=TEXT  use TEXT instead of the entry's command line\n"
	     "  --timeout=SECONDS  the menu's countdown (0: boot the default at once; -1: wait)\n"
	     "  -s, -c, -a, -i     the syscall (as kx -l: file, classic, auto) and no verification\n"
	     "  -p                 load the entry as the crash kernel (implies --load-only)\n"
	     "  -d, --debug        say each step\n", prog, prog);
}

enum { B_SCAN = 256, B_LIST, B_JSON, B_DEFAULT, B_MENU, B_LOAD_ONLY, B_DRY, B_APPEND, B_CMDLINE,
       B_TIMEOUT, B_HELP };

static int parse(int argc, char **argv, struct boot_opts *o)
{
	static const struct option longs[] = {
		{ "scan", 0, 0, B_SCAN }, { "list", 0, 0, B_LIST }, { "json", 0, 0, B_JSON },
		{ "default", 0, 0, B_DEFAULT }, { "menu", 0, 0, B_MENU },
		{ "load-only", 0, 0, B_LOAD_ONLY }, { "dry-run", 0, 0, B_DRY },
		{ "append", 1, 0, B_APPEND }, { "command-line", 1, 0, B_CMDLINE },
		{ "timeout", 1, 0, B_TIMEOUT }, { "help", 0, 0, B_HELP }, { "debug", 0, 0, 'd' },
		{ "kexec-file-syscall", 0, 0, 's' }, { "kexec-syscall", 0, 0, 'c' },
		{ "kexec-syscall-auto", 0, 0, 'a' }, { "no-checks", 0, 0, 'i' },
		{ "load-panic", 0, 0, 'p' }, { 0, 0, 0, 0 },
	};
	int c;

	o->timeout = -2; /* not given */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":scaipdh", longs, 0)) != -1) {
		char *end;
		switch (c) {
		case B_SCAN: o->scan = 1; break;
		case B_LIST: o->list = 1; break;
		case B_JSON: o->json = 1; break;
		case B_DEFAULT: o->dflt = 1; break;
		case B_MENU: o->menu = 1; break;
		case B_LOAD_ONLY: o->load_only = 1; break;
		case B_DRY: o->dry_run = 1; break;
		case B_APPEND: o->append = optarg; break;
		case B_CMDLINE: o->cmdline = optarg; break;
		case B_TIMEOUT:
			errno = 0;
			o->timeout = (int)strtol(optarg, &end, 10);
			if (errno || *end || !*optarg || o->timeout < -1 || o->timeout > 86400) {
				say("--timeout takes seconds (0 to 86400, or -1 to wait), not \"%s\".", optarg);
				return -1;
			}
			break;
		case 's': o->syscall = KX_SYSCALL_FILE; break;
		case 'c': o->syscall = KX_SYSCALL_CLASSIC; break;
		case 'a': o->syscall = KX_SYSCALL_AUTO; break;
		case 'i': o->no_verify = 1; break;
		case 'p': o->crash = o->load_only = 1; break;
		case 'd': o->debug = 1; break;
		case 'h': case B_HELP: boot_usage(stdout); exit(EXIT_OK);
		case ':': say("%s needs a value.", argv[optind - 1]); return -1;
		default: say("kx boot does not take %s.", argv[optind - 1]); return -1;
		}
	}
	for (; optind < argc; optind++) {
		const char *a = argv[optind];
		if (a[0] == '/' || !strncmp(a, "./", 2) || !strncmp(a, "../", 3)) {
			if (o->nplace == MAX_PLACES) {
				say("at most %d places.", MAX_PLACES);
				return -1;
			}
			o->place[o->nplace++] = a;
		} else if (o->entry) {
			say("one entry at a time: \"%s\" and \"%s\" were given.", o->entry, a);
			return -1;
		} else {
			o->entry = a;
		}
	}
	if (o->list + o->dflt + o->menu + !!o->entry > 1) {
		say("choose one of --list, --default, --menu and an entry.");
		return -1;
	}
	if (o->json && !o->list && !o->dry_run) {
		say("--json goes with --list or --dry-run.");
		return -1;
	}
	if (o->append && o->cmdline) {
		say("--append adds to the entry's command line, --command-line replaces it: give one.");
		return -1;
	}
	return 0;
}

/* The places: those given (a block device is mounted, anything else is a
 * directory), or the usual ones that exist. */
static int add_places(struct kx_boot *b, const struct boot_opts *o, struct kx_error *err)
{
	static const char *const usual[] = { "/boot", "/efi", "/boot/efi" };
	unsigned i, n = 0;
	struct stat st;

	for (i = 0; i < o->nplace; i++) {
		int dev = !stat(o->place[i], &st) && S_ISBLK(st.st_mode);
		if ((dev ? kx_boot_add_device(b, o->place[i], err) : kx_boot_add_dir(b, o->place[i], err)))
			return report(err);
	}
	if (o->scan && kx_boot_scan(b, err))
		return report(err);
	if (o->nplace || o->scan)
		return 0;
	for (i = 0; i < sizeof(usual) / sizeof(usual[0]); i++)
		if (!stat(usual[i], &st) && S_ISDIR(st.st_mode) && !kx_boot_add_dir(b, usual[i], err))
			n++;
	return 0;
}

/* The menu's lines: text from a disk, so no control character reaches the terminal. */
static const char *clean(char *buf, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = 0;
	return buf;
}

/* One menu line's texts, cleaned. */
struct line { char title[160], id[160], why[256]; };

static int choose_in_menu(struct kx_boot *b, const struct boot_opts *o, char *cmdline,
			  size_t cap, int *edited)
{
	unsigned i, n = kx_boot_count(b);
	int timeout = o->timeout != -2 ? o->timeout : kx_boot_timeout(b), r;
	struct menu_item *items = calloc(n, sizeof(*items));
	struct line *t = calloc(n, sizeof(*t));

	if (!items || !t) {
		free(items);
		free(t);
		say("out of memory for the menu.");
		return -2;
	}
	for (i = 0; i < n; i++) {
		const struct kx_boot_entry *e = kx_boot_get(b, i);
		items[i].title = clean(t[i].title, sizeof(t[i].title), e->title);
		items[i].id = clean(t[i].id, sizeof(t[i].id), e->id);
		items[i].cmdline = e->cmdline ? e->cmdline : ""; /* the menu shows it safely */
		if (e->bad) {
			kx_boot_bad_message(e, t[i].why, sizeof(t[i].why));
			items[i].why_not = clean(t[i].why, sizeof(t[i].why), t[i].why);
		}
	}
	r = menu_run(0, 1, items, n, kx_boot_default(b, 0), timeout, cmdline, cap, edited);
	free(items);
	free(t);
	return r;
}

static int load_entry(struct kx_boot *b, unsigned i, const char *cmdline,
		      const struct boot_opts *o, struct kx_options *ko)
{
	struct kx_error err;
	struct kx_load *l;
	int rc = EXIT_OK;
	const struct kx_boot_entry *e = kx_boot_get(b, i);

	if (!(l = kx_load_new(ko, &err)))
		return report(&err);
	if (kx_boot_apply(b, i, cmdline, l, &err) ||
	    (o->append && kx_load_append(l, o->append, &err)) || kx_load_prepare(l, &err)) {
		rc = report(&err);
	} else if (o->dry_run) {
		char id[160], title[160];
		if (!o->json)
			printf("%s: dry run: boot entry %s (%s) from %s\n", prog,
			       clean(id, sizeof(id), e->id), clean(title, sizeof(title), e->title),
			       kx_boot_volume(b, e->vol));
		if (o->json ? kx_load_print_json(l, stdout, &err) : kx_load_print(l, stdout, &err))
			rc = report(&err);
		else if (!o->json)
			printf("%s: dry run: would then %s (nothing was changed)\n", prog,
			       o->load_only ? "leave it loaded" : "boot it");
	} else if (kx_load_commit(l, &err)) {
		rc = report(&err);
	}
	kx_load_free(l);
	return rc;
}

int boot_main(int argc, char **argv)
{
	struct boot_opts o;
	struct kx_options ko;
	struct kx_error err;
	struct kx_boot *b;
	char edited_line[CMDLINE_MAX];
	const char *cmdline;
	int i, rc, edited = 0;

	memset(&o, 0, sizeof(o));
	if (parse(argc, argv, &o)) {
		boot_usage(stderr);
		return EXIT_USAGE;
	}
	ko = (struct kx_options){ .syscall = (enum kx_syscall)o.syscall, .crash = o.crash,
				  .no_verify = o.no_verify, .log = log_line, .debug = o.debug };
	signal(SIGBUS, on_sigbus);
	if (!(b = kx_boot_new(&ko, &err)))
		return report(&err);
	if ((rc = add_places(b, &o, &err)))
		goto out;
	if (kx_boot_discover(b, &err)) {
		rc = report(&err);
		goto out;
	}
	if (o.list) {
		rc = (o.json ? kx_boot_print_json(b, stdout) : kx_boot_print(b, stdout)) ? EXIT_FAIL
										      : EXIT_OK;
		goto out;
	}
	cmdline = o.cmdline;
	if (o.entry) {
		if ((i = kx_boot_find(b, o.entry, &err)) < 0) {
			rc = report(&err);
			goto out;
		}
	} else if (o.dflt || (o.dry_run && !o.menu)) {
		const char *why;
		if ((i = kx_boot_default(b, &why)) < 0) {
			say("no boot entry can be booted; %s boot --list says why.", prog);
			rc = EXIT_FAIL;
			goto out;
		}
		if (o.debug)
			debug_say("the default entry: %s (%s)", kx_boot_get(b, (unsigned)i)->id, why);
	} else {
		i = choose_in_menu(b, &o, edited_line, sizeof(edited_line), &edited);
		if (i < 0) {
			rc = i == -1 ? EXIT_OK : EXIT_FAIL;
			if (i != -1)
				say("the menu could not read the terminal; nothing was booted.");
			goto out;
		}
		if (edited)
			cmdline = edited_line;
	}
	if ((rc = load_entry(b, (unsigned)i, cmdline, &o, &ko)) || o.dry_run || o.load_only)
		goto out;
	kx_boot_free(b);
	b = 0;
	kx_exec(0, &ko, &err);
	return report(&err);
out:
	kx_boot_free(b);
	return rc;
}
