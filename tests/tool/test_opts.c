/*
 * The command line's rules, on the host: parse_opts() (tool/opts.c) turns an
 * argv into kexec-tools' action state (docs/compat.md, "Actions"). Nothing
 * here loads, unloads or boots: only the parser runs.
 */
#include <stdio.h>
#include <string.h>
#include "opts.h"

/* expected state: L load, E exec, H shutdown, U unload, F unload flag kept,
 * G -l given, S status, P crash kernel; '-' for each one not set */
struct row {
	const char *argv[8];
	int rc;             /* parse_opts' return */
	const char *state;  /* "LEHUFGSP" with '-' for unset */
	const char *kernel, *append, *loader, *prog;
	int print_ckr;
};

static const struct row rows[] = {
	/* no action: load, then shutdown */
	{ { "kexec", "K" }, 0, "L-H-----", "K", 0, 0, "kexec", 0 },
	{ { "/sbin/kexec", "-s", "-d", "K" }, 0, "L-H-----", "K", 0, 0, "kexec", 0 },
	{ { "kx", "-c", "-a", "-i", "-x", "-y", "K" }, 0, "L-H-----", "K", 0, 0, "kx", 0 },
	/* actions, left to right */
	{ { "kexec", "-l", "K" }, 0, "L----G--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-e" }, 0, "-E------", 0, 0, 0, 0, 0 },
	{ { "kexec", "-f", "-e" }, 0, "-E------", 0, 0, 0, 0, 0 },
	{ { "kexec", "-e", "-l", "K" }, 0, "L----G--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-l", "K", "-e" }, 0, "-E---G--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-f", "K" }, 0, "LE------", "K", 0, 0, 0, 0 },
	{ { "kexec", "-p", "K" }, 0, "L------P", "K", 0, 0, 0, 0 },
	{ { "kexec", "-p", "-u" }, 0, "---UF--P", 0, 0, 0, 0, 0 },
	{ { "kexec", "-u", "-p" }, 0, "L--UF--P", 0, 0, 0, 0, 0 },
	{ { "kexec", "-u", "-l", "K" }, 0, "L--UFG--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-l", "K", "-u" }, 0, "---UFG--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-e", "-u" }, 0, "-E-UF---", 0, 0, 0, 0, 0 },
	{ { "kexec", "-e", "-p" }, 0, "L------P", 0, 0, 0, 0, 0 },
	{ { "kexec", "-lfe", "K" }, 0, "-E---G--", "K", 0, 0, 0, 0 },
	/* -S (main then drops every other action) */
	{ { "kexec", "-S" }, 0, "L-H---S-", 0, 0, 0, 0, 0 },
	{ { "kexec", "-S", "-l" }, 0, "L----GS-", 0, 0, 0, 0, 0 },
	{ { "kexec", "-l", "-p", "-S" }, 0, "L----GSP", 0, 0, 0, 0, 0 },
	/* the command line: the last --append/--command-line counts */
	{ { "kexec", "-l", "K", "--append=a", "--command-line", "b c", "--append=d -- e" }, 0,
	  "L----G--", "K", "d -- e",
#if defined(__x86_64__)
	  "append",
#else
	  0,
#endif
	  0, 0 },
	/* loader options are noted (refused by main when nothing is loaded) */
	{ { "kexec", "-e", "--initrd=I" }, 0, "-E------", 0, 0,
#if defined(__x86_64__)
	  "initrd",
#else
	  0,
#endif
	  0, 0 },
	{ { "kexec", "-S", "--reset-vga" }, 0, "L-H---S-", 0, 0, 0, 0, 0 },
	/* --print-ckr-size stops the parsing where it stands */
	{ { "kexec", "--print-ckr-size", "--bogus", "-l" }, 0, "L-H-----", 0, 0, 0, 0, 1 },
	{ { "kexec", "--bogus", "--print-ckr-size" }, -1, 0, 0, 0, 0, 0, 0 },
	/* options that became real ones */
	{ { "kexec", "-p", "--hotplug", "--no-cma", "--force-dtb", "K" }, 0, "L------P", "K", 0, 0, 0, 0 },
	{ { "kexec", "-l", "--real-mode", "K" }, -1, 0, 0, 0, 0, 0, 0 },
	/* 32-bit ARM: --atags (a setting there, refused elsewhere), --mach-type */
#if defined(__arm__)
	{ { "kexec", "-l", "--atags", "K" }, 0, "L----G--", "K", 0, 0, 0, 0 },
	{ { "kexec", "-l", "--atags", "--dtb=D", "K" }, -1, 0, 0, 0, 0, 0, 0 },
	{ { "kexec", "-p", "--atags", "K" }, -1, 0, 0, 0, 0, 0, 0 },
#else
	{ { "kexec", "-l", "--atags", "K" }, -1, 0, 0, 0, 0, 0, 0 },
#endif
	{ { "kx", "-l", "--mach-type=0x8e0", "K" }, 0, "L----G--", "K", 0, 0, 0, 0 },
	{ { "kx", "-l", "--mach-type=0", "K" }, -1, 0, 0, 0, 0, 0, 0 },
	{ { "kx", "-l", "--mach-type=0x100000000", "K" }, -1, 0, 0, 0, 0, 0, 0 },
};

static int check(unsigned r, const char *what, int ok)
{
	if (!ok)
		fprintf(stderr, "test_opts: row %u: %s\n", r, what);
	return ok;
}

int main(void)
{
	unsigned r, fails = 0;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *w = &rows[r];
		struct opts o;
		char st[9];
		int argc = 0, rc;

		while (argc < 8 && w->argv[argc])
			argc++;
		memset(&o, 0, sizeof(o));
		rc = parse_opts(argc, (char **)w->argv, &o);
		fails += !check(r, "return value", rc == w->rc);
		if (rc || !w->state)
			continue;
		snprintf(st, sizeof(st), "%c%c%c%c%c%c%c%c", o.a.load ? 'L' : '-', o.a.exec ? 'E' : '-',
			 o.a.shutdown ? 'H' : '-', o.a.unload ? 'U' : '-', o.a.unload_flag ? 'F' : '-',
			 o.a.has_load ? 'G' : '-', o.a.status ? 'S' : '-', o.panic ? 'P' : '-');
		if (!check(r, "action state", !strcmp(st, w->state)))
			fprintf(stderr, "  got %s, want %s\n", st, w->state);
		fails += strcmp(st, w->state) != 0;
		fails += !check(r, "kernel", w->print_ckr || (w->kernel ? o.kernel && !strcmp(o.kernel, w->kernel)
								   : !o.kernel));
		fails += !check(r, "append", w->append ? o.append && !strcmp(o.append, w->append)
						   : !w->append || !o.append);
		fails += !check(r, "loader option", w->loader ? o.loader_name && !strcmp(o.loader_name, w->loader)
							: !o.loader_name);
		fails += !check(r, "program name", !w->prog || !strcmp(prog, w->prog));
		fails += !check(r, "--print-ckr-size", o.print_ckr == w->print_ckr);
		fails += !check(r, "--mach-type", w->argv[2] && !strcmp(w->argv[2], "--mach-type=0x8e0")
						     ? o.set[KX_SET_MACH_TYPE] == 0x8e0
						     : !o.set[KX_SET_MACH_TYPE]);
	}
	printf("%u rows, %u failed\n", r, fails);
	return fails != 0;
}
