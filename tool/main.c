/*
 * kx: load and boot another kernel with kexec. A thin client of libkx
 * (include/kx.h): options are parsed once into struct opts (opts.c); this
 * file turns them into library calls, prints what the library renders, and
 * chooses the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <inttypes.h>
#include <unistd.h>
#include "opts.h"

/*
 * The library's sentences name the command as "kx -X" (and name no command
 * otherwise): the tool says them with the name it was invoked as, so that
 * /sbin/kexec advises "kexec -s". Other mentions of kx (the program, "kx's
 * own loader") stay.
 */
static void name_commands(const char *in, char *out, size_t n)
{
	size_t o = 0, pl = strlen(prog);
	const char *p;

	for (p = in; *p && o + 1 < n; p++) {
		int word_start = p == in || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
					       p[-1] == '-' || p[-1] == '/');
		if (word_start && !strncmp(p, "kx -", 4) && o + pl + 1 < n) {
			memcpy(out + o, prog, pl);
			o += pl;
			p++; /* "x"; the loop steps past it */
			continue;
		}
		out[o++] = *p;
	}
	out[o] = 0;
}

/* One sentence for err on stderr; the exit status it means. */
int report(const struct kx_error *err)
{
	char m[1024], named[1280];

	kx_error_message(err, m, sizeof(m));
	name_commands(m, named, sizeof(named));
	say("%s", named);
	return kx_error_is_usage(err) ? EXIT_USAGE : EXIT_FAIL;
}

void log_line(void *arg, int level, const char *line)
{
	char named[1280];

	(void)arg;
	if (level == KX_LOG_PLAN) {
		fputs(line, stderr);
		return;
	}
	name_commands(line, named, sizeof(named));
	if (level == KX_LOG_DEBUG)
		debug_say("%s", named);
	else
		say("%s", named);
}

static struct kx_options lib_options(const struct opts *o)
{
	return (struct kx_options){
		.syscall = (enum kx_syscall)o->syscall,
		.crash = o->panic,
		.crash_sizing = o->suggest_ckr,
		.no_verify = o->no_checks,
		.mem_min = o->mem_min,
		.mem_max = o->mem_max,
		.type = o->type,
		.purgatory = o->purgatory,
		.have_entry = o->have_entry,
		.entry = o->entry,
		.log = log_line,
		.debug = o->debug,
	};
}

void on_sigbus(int sig)
{
	static const char m[] = ": a file shrank while it was being read; nothing was loaded. "
				"Try again once the file is complete.\n";
	(void)sig;
	(void)!write(2, prog, strlen(prog));
	(void)!write(2, m, sizeof(m) - 1);
	_exit(EXIT_FAIL);
}

/* --module "FILE ARGS": the file is the first word; the string is all of it. */
static int add_module(struct kx_load *l, const char *spec, struct kx_error *err)
{
	char path[4096];
	size_t n = strcspn(spec, " \t");

	if (!n || n >= sizeof(path)) {
		say("--module needs \"FILE ARGS\", got '%s'.", spec);
		return EXIT_USAGE;
	}
	memcpy(path, spec, n);
	path[n] = 0;
	return kx_load_module(l, path, spec, err) ? report(err) : 0;
}

/* --segment FILE@ADDR */
static int add_segment(struct kx_load *l, const char *spec, struct kx_error *err)
{
	char path[4096], *end;
	const char *at = strrchr(spec, '@');
	size_t n = (size_t)(at - spec);
	uint64_t addr;

	if (!n || n >= sizeof(path)) {
		say("--segment needs FILE@ADDR, got '%s'.", spec);
		return EXIT_USAGE;
	}
	memcpy(path, spec, n);
	path[n] = 0;
	errno = 0;
	addr = strtoull(at + 1, &end, 0);
	if (errno || end == at + 1 || *end) {
		say("'%s' in --segment is not an address.", at + 1);
		return EXIT_USAGE;
	}
	return kx_load_segment(l, path, addr, err) ? report(err) : 0;
}

static void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int debug_on;

static void debug(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	debug_say("%s", line);
}

/* kexec-tools' options that are load settings (kx_load_set). */
static int settings(struct kx_load *l, const struct opts *o, struct kx_error *err)
{
	/* -i and --mem-min/--mem-max apply to kexec_load only, and do not choose it */
	if (kx_load_set(l, KX_SET_CLASSIC_HINTS, 1, err))
		return -1;
	if (o->no_cma && kx_load_set(l, KX_SET_NO_CMA, 1, err))
		return -1;
	if (o->force_dtb && kx_load_set(l, KX_SET_FORCE_DTB, 1, err))
		return -1;
	if (o->hotplug && kx_load_set(l, KX_SET_HOTPLUG, 1, err))
		return -1;
	if (o->debug && kx_load_set(l, KX_SET_KERNEL_DEBUG, 1, err))
		return -1;
	return 0;
}

/* Everything the options give the load, in the order kx has always read it. */
static int build(struct kx_load *l, const struct opts *o, struct kx_error *err)
{
	unsigned i;
	int rc;

	if (settings(l, o, err))
		return report(err);
	if (o->kernel && kx_load_kernel(l, o->kernel, err))
		return report(err);
	for (i = 0; i < o->ninitrd; i++)
		if (kx_load_initrd(l, o->initrd[i], err))
			return report(err);
	for (i = 0; i < o->nmodule; i++)
		if ((rc = add_module(l, o->module[i], err)))
			return rc;
	for (i = 0; i < o->nsegment; i++)
		if ((rc = add_segment(l, o->segment[i], err)))
			return rc;
	if (o->dtb && kx_load_dtb(l, o->dtb, err))
		return report(err);
	if (o->replace_cmdline)
		kx_load_replace_cmdline(l);
	if (o->reuse)
		kx_load_reuse_cmdline(l);
	if (o->nappend > 1)
		debug("%u --append/--command-line given: the last one counts, as in kexec-tools",
		      o->nappend);
	if (o->append && kx_load_append(l, o->append, err))
		return report(err);
	for (i = 1; i < KX_SET__END; i++)
		if (o->set[i] && kx_load_set(l, (enum kx_setting)i, o->set[i], err))
			return report(err);
	return kx_load_prepare(l, err) ? report(err) : 0;
}

/* kx --check KERNEL: the preflight, with the memory this load needs. */
static int check_load(struct kx_load *l, int json, struct kx_error *err)
{
	struct kx_load_info info;
	struct kx_preflight pf;

	if (kx_load_plan(l, err) || kx_load_info(l, &info, err))
		return report(err);
	kx_preflight(&pf);
	if (json) {
		kx_preflight_print_json(stdout, &pf);
		printf("\n");
	} else {
		kx_preflight_print(stdout, &pf, info.memory);
	}
	return pf.load_ok || pf.file_ok ? EXIT_OK : EXIT_FAIL;
}

static int run_load(struct kx_load *l, const struct opts *o, int read_only, struct kx_error *err)
{
	int rc = build(l, o, err);

	if (rc || read_only)
		return rc;
	if (o->suggest_ckr)
		return kx_load_print_crash_size(l, stdout, err) ? report(err) : EXIT_OK;
	if (o->check && !o->dry_run)
		return check_load(l, o->json, err);
	if (o->dry_run) {
		/* the kexec_load plan is shown in every case: it is also the fallback */
		rc = o->json ? kx_load_print_json(l, stdout, err) : kx_load_print(l, stdout, err);
		return rc ? report(err) : EXIT_OK;
	}
	return kx_load_commit(l, err) ? report(err) : EXIT_OK;
}

static int load_files(const struct opts *o, int read_only)
{
	struct kx_options ko = lib_options(o);
	struct kx_error err;
	struct kx_load *l;
	int rc;

	signal(SIGBUS, on_sigbus);
	if (!(l = kx_load_new(&ko, &err)))
		return report(&err);
	rc = run_load(l, o, read_only, &err);
	kx_load_free(l);
	return rc;
}

static int do_load(const struct opts *o) { return load_files(o, 0); }
/* read and check the files, load nothing */
static int do_prepare_only(const struct opts *o) { return load_files(o, 1); }

/*
 * -S as kexec-tools: the crash kernel unless -l was given without -p; exit 1
 * if it is loaded, 0 if not, 255 if the kernel cannot say; nothing printed
 * (-d says it on stderr).
 */
static int do_status(const struct opts *o)
{
	int crash = o->panic || !o->a.has_load;
	struct kx_error err;
	int l = kx_loaded(crash, &err);

	if (l < 0) {
		if (o->debug)
			report(&err);
		return EXIT_STATUS_UNKNOWN;
	}
	if (crash)
		debug(l ? "a crash kernel is loaded; a panic boots it" : "no crash kernel is loaded");
	else
		debug(l ? "a kernel is loaded; %s -e boots it" : "no kernel is loaded", prog);
	return l ? 1 : 0;
}

static int do_check(int json)
{
	struct kx_preflight pf;

	kx_preflight(&pf);
	if (json) {
		kx_preflight_print_json(stdout, &pf);
		fputc('\n', stdout);
	} else {
		kx_preflight_print(stdout, &pf, 0);
	}
	return pf.load_ok || pf.file_ok ? EXIT_OK : EXIT_FAIL;
}

/* The last "Crash kernel" range in /proc/iomem's text, or 0 (none, or hidden).
 * A line: indentation, "first-last : name". */
static uint64_t iomem_crash_size(const char *text)
{
	static const char name[] = " : Crash kernel";
	uint64_t size = 0;
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		char *end;
		uint64_t first = strtoull(line, &end, 16), last = 0;
		if (*end == '-') {
			last = strtoull(end + 1, &end, 16);
			if (!strncmp(end, name, sizeof(name) - 1) &&
			    (end[sizeof(name) - 1] == '\n' || !end[sizeof(name) - 1]))
				size = last > first ? last - first + 1 : 0;
		}
		line = eol ? eol + 1 : 0;
	}
	return size;
}

/* A /proc or /sys file's text, NUL-terminated (empty if it cannot be read). */
static void read_text(const char *path, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && r > 0 && n < cap - 1)
		if ((r = read(fd, buf + n, cap - 1 - n)) > 0)
			n += (size_t)r;
	buf[n] = 0;
	if (fd >= 0)
		close(fd);
}

/* --print-ckr-size: the crash reservation in bytes, as kexec-tools prints it
 * (the last region in /proc/iomem); where /proc/iomem hides addresses (not
 * root), /sys/kernel/kexec_crash_size says it instead of 0. */
static int print_ckr_size(void)
{
	static char text[256 * 1024];
	uint64_t size;

	read_text("/proc/iomem", text, sizeof(text));
	size = iomem_crash_size(text);
	if (!size) {
		read_text("/sys/kernel/kexec_crash_size", text, 32);
		size = strtoull(text, 0, 10);
	}
	printf("%" PRIu64 "\n", size);
	return EXIT_OK;
}

/* kexec-tools' last step when no action was given: reboot through the init
 * system, which runs kexec -e (systemd) or reboots. */
static int run_shutdown(void)
{
	static const char *const paths[] = { "/sbin/shutdown", "/etc/shutdown", "/bin/shutdown" };
	char *const args[] = { (char *)"shutdown", (char *)"-r", (char *)"now", 0 };
	unsigned i;

	debug("no action given: the kernel is loaded; running shutdown -r now");
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		execv(paths[i], args);
	execvp("shutdown", args); /* kx: also where PATH has it (NixOS has no /sbin) */
	say("cannot run shutdown -r now (%s); the kernel is loaded: boot it with %s -e.",
	    strerror(errno), prog);
	return EXIT_FAIL;
}

/* --dry-run: what the actions would do; never a privileged system call. */
static int dry_run(const struct opts *o)
{
	int rc = EXIT_OK;

	if (o->a.unload)
		printf("%s: dry run: would unload the loaded %skernel (nothing was changed)\n", prog,
		       o->panic ? "crash " : "");
	if (o->a.load) {
		if (!o->kernel && !o->nsegment) {
			say("no kernel given; name the kernel image to load, e.g. %s -l /boot/vmlinuz.", prog);
			return EXIT_USAGE;
		}
		if ((rc = do_load(o)))
			return rc;
	}
	if (!o->json && (o->a.exec || o->a.shutdown))
		printf("%s: dry run: would then %s (nothing was changed)\n", prog,
		       o->a.shutdown ? "run shutdown -r now" : "boot the loaded kernel");
	return rc;
}

/* The actions, in kexec-tools' order: unload, load, then shutdown or boot. */
static int act(const struct opts *o)
{
	struct kx_options ko = lib_options(o);
	struct kx_error err;
	int rc = EXIT_OK;

	if (o->a.unload && kx_unload(&ko, &err))
		return report(&err);
	if (o->a.load) {
		if (!o->kernel && !o->nsegment) {
			say("no kernel given; name the kernel image to load, e.g. %s -l /boot/vmlinuz.", prog);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (o->a.unload_flag && o->syscall != KX_SYSCALL_CLASSIC) {
			/* kexec-tools gives kexec_file_load the unload flag -u set: that
			 * "load" unloads again. The files are read all the same. */
			debug("-u was given before the load: as with kexec-tools, the kernel is read "
			      "but not loaded (the unload flag stays set for kexec_file_load)");
			return do_prepare_only(o);
		}
		if ((rc = do_load(o)))
			return rc;
	}
	if (o->a.shutdown) {
		int l = kx_loaded(0, &err);
		if (l <= 0) {
			if (!l)
				say("nothing has been loaded, so %s does not run shutdown.", prog);
			else
				report(&err);
			return EXIT_FAIL;
		}
		return run_shutdown();
	}
	if (o->a.exec) {
		kx_exec(o->no_sync || !o->a.sync, &ko, &err);
		return report(&err);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	if (argc > 1 && !strcmp(argv[1], "boot") && strcmp(prog_name(argv[0]), "kexec")) {
		/* kx boot (as /sbin/kexec, "boot" stays a file name, as in kexec-tools) */
		prog = prog_name(argv[0]);
#ifdef KX_NO_BOOT
		say("this kx was built without kx boot (make static STATIC_BOOT=no).");
		return EXIT_USAGE;
#else
		return boot_main(argc - 1, argv + 1);
#endif
	}
	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	debug_on = o.debug;
	if (o.print_ckr)
		return print_ckr_size();
	if (o.a.status)
		/* the question only, as kexec-tools */
		o.a = (struct actions){ .status = 1, .has_load = o.a.has_load };
	if (!o.a.load && o.loader_name) {
		say("--%s is for loading a kernel; it does not go with -e, -u or -S.", o.loader_name);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.json && !o.dry_run && !o.check) {
		say("--json goes with --dry-run or --check.");
		return EXIT_USAGE;
	}
	if (o.check && !o.kernel && !o.nsegment)
		return do_check(o.json);
	if (o.a.status)
		return do_status(&o);
	if (o.suggest_ckr || o.check) {
		if (!o.kernel && !o.nsegment) {
			say("no kernel given; name the kernel image, e.g. %s %s /boot/vmlinuz.", prog,
			    o.suggest_ckr ? "--suggest-crashkernel" : "--check");
			return EXIT_USAGE;
		}
		if (o.suggest_ckr)
			o.panic = 1;
		return do_load(&o);
	}
	if (o.dry_run)
		return dry_run(&o);
	return act(&o);
}
