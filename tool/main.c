/*
 * kx: load and boot another kernel with kexec.
 * Options are parsed once into struct opts; each action is one function.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kx/cmdline.h>
#include <kx/loader.h>
#include "arch.h"
#include "msg.h"
#include "show.h"
#include "sys.h"

#ifndef KX_VERSION
#define KX_VERSION "0.1.0"
#endif

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

static void usage(FILE *f)
{
	fputs("usage: kx -l KERNEL [--initrd=FILE]... [--append=ARGS] [options]   load a kernel\n"
	      "       kx -e            boot the loaded kernel now\n"
	      "       kx -u            unload it          kx -S   is one loaded? (exit 0/1)\n"
	      "       kx --dry-run KERNEL [...] [--json]   show the plan, change nothing\n"
	      "Try 'kx --help' for all options, 'man 8 kx' for details.\n", f);
}

static void help(void)
{
	printf("kx %s - load and boot another kernel with kexec\n\n", KX_VERSION);
	usage(stdout);
	puts("\nActions:\n"
	     "  -l, --load KERNEL        load KERNEL to boot later with -e\n"
	     "  -e, --exec               sync file systems and boot the loaded kernel\n"
	     "  -f, --force              load, then boot at once (no -e needed)\n"
	     "  -u, --unload             unload the loaded kernel\n"
	     "  -S, --status             exit 0 if a kernel is loaded, 1 if not\n"
	     "      --dry-run            do everything but the kexec syscalls; print the plan\n"
	     "\nKernel options:\n"
	     "      --initrd=FILE        initial ramdisk (repeat for several: concatenated)\n"
	     "      --ramdisk=FILE       same as --initrd\n"
	     "      --append=ARGS        add ARGS to the kernel command line\n"
	     "      --command-line=ARGS  same as --append (as kexec-tools on x86_64)\n"
	     "      --reuse-cmdline      start from /proc/cmdline (without BOOT_IMAGE=)\n"
	     "  -t, --type=TYPE          image type: bzimage (alias bzImage64)\n"
	     "\nOther options:\n"
	     "  -c, --kexec-syscall      use kexec_load (the default for now)\n"
	     "  -i, --no-checks          do not verify the segments in purgatory\n"
	     "      --mem-min=ADDR       place nothing below ADDR\n"
	     "      --mem-max=ADDR       place nothing at or above ADDR\n"
	     "      --json               with --dry-run: print the plan as JSON\n"
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

enum { O_INITRD = 256, O_APPEND, O_REUSE, O_DRY, O_JSON, O_MEMMIN, O_MEMMAX };

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "load", no_argument, 0, 'l' },	{ "exec", no_argument, 0, 'e' },
		{ "force", no_argument, 0, 'f' },	{ "unload", no_argument, 0, 'u' },
		{ "status", no_argument, 0, 'S' },	{ "debug", no_argument, 0, 'd' },
		{ "no-checks", no_argument, 0, 'i' },	{ "type", required_argument, 0, 't' },
		{ "kexec-syscall", no_argument, 0, 'c' }, { "no-sync", no_argument, 0, 'y' },
		{ "no-ifdown", no_argument, 0, 'x' },	{ "version", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' },	{ "initrd", required_argument, 0, O_INITRD },
		{ "ramdisk", required_argument, 0, O_INITRD },
		{ "append", required_argument, 0, O_APPEND },
		{ "command-line", required_argument, 0, O_APPEND },
		{ "reuse-cmdline", no_argument, 0, O_REUSE },
		{ "dry-run", no_argument, 0, O_DRY },	{ "json", no_argument, 0, O_JSON },
		{ "mem-min", required_argument, 0, O_MEMMIN },
		{ "mem-max", required_argument, 0, O_MEMMAX },
		{ 0, 0, 0, 0 },
	};
	int c;

	o->mem_max = UINT64_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":lefuSdit:cyxvh", lo, 0)) != -1) {
		switch (c) {
		case 'l': o->load = 1; break;
		case 'e': o->exec = 1; break;
		case 'f': o->force = 1; break;
		case 'u': o->unload = 1; break;
		case 'S': o->status = 1; break;
		case 'd': msg_debug = 1; break;
		case 'i': o->no_checks = 1; break;
		case 't': o->type = optarg; break;
		case 'c': break;
		case 'y': o->no_sync = 1; break;
		case 'x': break;
		case 'v': printf("kx %s (%s, purgatory %zu bytes)\n", KX_VERSION, kx_arch_name,
				 (size_t)(kx_purgatory_blob_end - kx_purgatory_blob));
			exit(EXIT_OK);
		case 'h': help(); exit(EXIT_OK);
		case O_INITRD:
			if (o->ninitrd == KX_MAX_INITRDS) {
				msg("too many --initrd files (kx takes at most %d).", KX_MAX_INITRDS);
				return -1;
			}
			o->initrd[o->ninitrd++] = optarg;
			break;
		case O_APPEND:
			if (o->nappend == 16) {
				msg("too many --append/--command-line options (at most 16).");
				return -1;
			}
			o->append[o->nappend++] = optarg;
			break;
		case O_REUSE: o->reuse = 1; break;
		case O_DRY: o->dry_run = 1; break;
		case O_JSON: o->json = 1; break;
		case O_MEMMIN:
		case O_MEMMAX:
			if (parse_addr(optarg, c == O_MEMMIN ? &o->mem_min : &o->mem_max)) {
				msg("'%s' is not an address (use a number like 0x1000000 or 16M).", optarg);
				return -1;
			}
			break;
		case ':':
			msg("option '%s' needs a value.", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				msg("unknown option '-%c'; see kx --help.", optopt);
			else
				msg("unknown option '%s'; see kx --help.", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc) {
		msg("unexpected argument '%s' (only one kernel can be given).", argv[optind]);
		return -1;
	}
	return 0;
}

static void on_sigbus(int sig)
{
	static const char m[] = "kx: a file shrank while kx was reading it; nothing was loaded. "
				"Try again once the file is complete.\n";
	(void)sig;
	(void)!write(2, m, sizeof(m) - 1);
	_exit(EXIT_FAIL);
}

static char cmdline[64 * 1024];

static int build_cmdline(const struct opts *o)
{
	static const char *const drop_boot_image[] = { "BOOT_IMAGE", 0 };
	struct kx_err err;
	unsigned i;

	cmdline[0] = 0;
	if (o->reuse) {
		static char cur[8192];
		size_t n;
		int e = sys_read_text("/proc/cmdline", cur, sizeof(cur), &n);
		if (e) {
			msg_file_error("current command line", "/proc/cmdline", e);
			return -1;
		}
		err = kx_cmdline_add(cmdline, sizeof(cmdline), cur, n, drop_boot_image);
		if (KX_FAILED(err))
			goto too_long;
	}
	for (i = 0; i < o->nappend; i++) {
		err = kx_cmdline_add(cmdline, sizeof(cmdline), o->append[i], strlen(o->append[i]), 0);
		if (KX_FAILED(err))
			goto too_long;
	}
	return 0;
too_long:
	msg_lib_error(err, "command line");
	return -1;
}

static struct kx_file files[1 + KX_MAX_INITRDS];

static int do_load(const struct opts *o)
{
	static struct kx_sysinfo si;
	static uint8_t scratch[80 * 1024], purg[16 * 1024];
	static struct kx_plan plan;
	struct kx_load_req req;
	const struct kx_loader *ld;
	struct kx_kseg ks[KX_MAX_SEGMENTS];
	struct kx_err err;
	unsigned i;
	int e;
	const char *fault = getenv("KX_FAULT");

	signal(SIGBUS, on_sigbus);
	memset(&req, 0, sizeof(req));
	e = sys_map(o->kernel, &files[0]);
	if (e) {
		msg_file_error("kernel", o->kernel, e);
		return EXIT_FAIL;
	}
	req.image = (struct kx_blob){ files[0].buf, files[0].len, o->kernel };
	for (i = 0; i < o->ninitrd; i++) {
		e = sys_map(o->initrd[i], &files[1 + i]);
		if (e) {
			msg_file_error("initrd", o->initrd[i], e);
			return EXIT_FAIL;
		}
		req.initrd[i] = (struct kx_blob){ files[1 + i].buf, files[1 + i].len, o->initrd[i] };
	}
	req.ninitrd = o->ninitrd;

	if (o->type) {
		ld = kx_loader_by_name(o->type);
		if (!ld) {
			msg("unknown image type '%s' (known: bzimage, alias bzImage64).", o->type);
			return EXIT_USAGE;
		}
		if (!ld->probe(req.image.buf, req.image.len))
			dbg("%s does not look like a %s image; trying anyway (-t)", o->kernel, ld->name);
	} else {
		ld = kx_loader_probe(req.image.buf, req.image.len);
		if (!ld) {
			msg_lib_error(kx_err(KX_E_UNKNOWN_TYPE, "bzImage", 0, 0), o->kernel);
			return EXIT_FAIL;
		}
	}
	dbg("%s: %s image, %zu bytes", o->kernel, ld->name, files[0].len);

	if (build_cmdline(o))
		return EXIT_FAIL;
	if (arch_sysinfo(&si))
		return EXIT_FAIL;
	dbg("memory map: %u entries, %" PRIu64 " MiB of RAM", si.mem.n, kx_memmap_ram(&si.mem) >> 20);

	req.cmdline = cmdline;
	req.window = (struct kx_window){ o->mem_min, o->mem_max };
	req.sys = &si;
	req.scratch = scratch;
	req.scratch_len = sizeof(scratch);
	memset(&plan, 0, sizeof(plan));
	err = ld->load(&req, &plan);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel);
		return EXIT_FAIL;
	}
	err = kx_plan_add_purgatory(&plan, &si.mem, req.window, kx_purgatory_blob,
				    (size_t)(kx_purgatory_blob_end - kx_purgatory_blob), purg,
				    sizeof(purg),
				    (o->no_checks ? 0 : KX_PURG_VERIFY) | (msg_debug ? KX_PURG_VERBOSE : 0),
				    kx_arch_serial_port);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "built-in");
		return EXIT_FAIL;
	}
	if (fault && !strcmp(fault, "digest")) {
		/* test hook: make the purgatory see a wrong digest for segment 0 */
		struct kx_purg_params *pp = (void *)(purg + KX_PURG_PARAMS_OFF);
		pp->ranges[0].digest ^= 1;
	}
	err = kx_plan_validate(&plan, &si.mem);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel);
		return EXIT_FAIL;
	}

	if (o->dry_run) {
		if (o->json)
			show_plan_json(stdout, &plan, "kexec_load", !o->no_checks);
		else
			show_plan(stdout, &plan, "kexec_load", !o->no_checks);
		return EXIT_OK;
	}
	if (msg_debug)
		show_plan(stderr, &plan, "kexec_load", !o->no_checks);
	for (i = 0; i < plan.nseg; i++)
		ks[i] = (struct kx_kseg){ plan.seg[i].buf, plan.seg[i].bufsz,
					  (const void *)(uintptr_t)plan.seg[i].mem, plan.seg[i].memsz };
	e = sys_kexec_load(plan.entry, plan.nseg, ks, kx_arch_kexec_flag);
	if (e) {
		msg_kexec_error("loading the kernel", e);
		return EXIT_FAIL;
	}
	dbg("loaded with kexec_load: %u segments, entry 0x%" PRIx64, plan.nseg, plan.entry);
	return EXIT_OK;
}

/* 1 loaded, 0 not, -1 unknown (no kexec in this kernel). */
static int loaded(void)
{
	char b[16];
	if (sys_read_text("/sys/kernel/kexec_loaded", b, sizeof(b), 0))
		return -1;
	return b[0] == '1';
}

static int do_status(void)
{
	int l = loaded();
	if (l < 0) {
		msg("cannot tell: /sys/kernel/kexec_loaded is missing (kernel without kexec support?).");
		return EXIT_FAIL;
	}
	printf(l ? "kx: a kernel is loaded; kx -e boots it\n" : "kx: no kernel is loaded\n");
	return l ? EXIT_OK : EXIT_FAIL;
}

static int do_unload(void)
{
	int e = sys_kexec_load(0, 0, 0, kx_arch_kexec_flag);
	if (e) {
		msg_kexec_error("unloading", e);
		return EXIT_FAIL;
	}
	dbg("unloaded");
	return EXIT_OK;
}

static int do_exec(const struct opts *o)
{
	int e;

	if (loaded() == 0) {
		msg("no kernel is loaded, so there is nothing to boot; load one first with kx -l KERNEL.");
		return EXIT_FAIL;
	}
	if (!o->no_sync) {
		dbg("syncing file systems");
		sys_sync();
	}
	e = sys_reboot_kexec();
	msg_kexec_error("booting the loaded kernel", e ? e : -EINVAL);
	return EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct opts o;
	int actions;

	memset(&o, 0, sizeof(o));
	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	actions = o.load + o.exec + o.unload + o.status + o.force + o.dry_run;
	if (!actions) {
		if (o.kernel)
			msg("say what to do with '%s': -l to load it, --dry-run to see the plan.", o.kernel);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.json && !o.dry_run) {
		msg("--json goes with --dry-run.");
		return EXIT_USAGE;
	}
	if (o.status)
		return do_status();
	if (o.unload)
		return do_unload();
	if (o.load || o.force || o.dry_run) {
		int rc;
		if (!o.kernel) {
			msg("no kernel given; name the kernel image to load, e.g. kx -l /boot/vmlinuz.");
			return EXIT_USAGE;
		}
		rc = do_load(&o);
		if (rc || o.dry_run || !(o.force || o.exec))
			return rc;
	} else if (o.kernel) {
		msg("'%s' given without -l; did you mean kx -l %s?", o.kernel, o.kernel);
		return EXIT_USAGE;
	}
	return do_exec(&o);
}
