/*
 * kx: load and boot another kernel with kexec. A thin client of libkx
 * (include/kx.h): options are parsed once into struct opts (opts.c); this
 * file turns them into library calls, prints what the library renders, and
 * chooses the exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "opts.h"

/* One sentence for err on stderr; the exit status it means. */
static int report(const struct kx_error *err)
{
	char m[1024];

	kx_error_message(err, m, sizeof(m));
	say("%s", m);
	return kx_error_is_usage(err) ? EXIT_USAGE : EXIT_FAIL;
}

static void log_line(void *arg, int level, const char *line)
{
	(void)arg;
	if (level == KX_LOG_PLAN)
		fputs(line, stderr);
	else
		fprintf(stderr, level == KX_LOG_DEBUG ? "kx: debug: %s\n" : "kx: %s\n", line);
}

static struct kx_options lib_options(const struct opts *o)
{
	return (struct kx_options){
		.syscall = (enum kx_syscall)o->syscall,
		.crash = o->panic,
		.crash_sizing = o->print_ckr,
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

static void on_sigbus(int sig)
{
	static const char m[] = "kx: a file shrank while kx was reading it; nothing was loaded. "
				"Try again once the file is complete.\n";
	(void)sig;
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

/* Everything the options give the load, in the order kx has always read it. */
static int build(struct kx_load *l, const struct opts *o, struct kx_error *err)
{
	unsigned i;
	int rc;

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
	for (i = 0; i < o->nappend; i++)
		if (kx_load_append(l, o->append[i], err))
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

static int run_load(struct kx_load *l, const struct opts *o, struct kx_error *err)
{
	int rc = build(l, o, err);

	if (rc)
		return rc;
	if (o->print_ckr)
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

static int do_load(const struct opts *o)
{
	struct kx_options ko = lib_options(o);
	struct kx_error err;
	struct kx_load *l;
	int rc;

	signal(SIGBUS, on_sigbus);
	if (!(l = kx_load_new(&ko, &err)))
		return report(&err);
	rc = run_load(l, o, &err);
	kx_load_free(l);
	return rc;
}

/* Exit status as kexec-tools: 1 if a kernel is loaded, 0 if not (2: cannot tell). */
static int do_status(int crash)
{
	struct kx_error err;
	int l = kx_loaded(crash, &err);

	if (l < 0) {
		report(&err);
		return EXIT_USAGE;
	}
	if (crash)
		printf(l ? "kx: a crash kernel is loaded; a panic boots it\n" : "kx: no crash kernel is loaded\n");
	else
		printf(l ? "kx: a kernel is loaded; kx -e boots it\n" : "kx: no kernel is loaded\n");
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

/* What to do, once the options make sense together; the exit status. */
static int act(struct opts *o)
{
	struct kx_options ko = lib_options(o);
	struct kx_error err;

	if (o->check && !o->dry_run && !o->kernel && !o->nsegment)
		return do_check(o->json);
	if (o->status)
		return do_status(o->panic);
	if (o->unload && o->dry_run) {
		/* --dry-run never reaches a privileged system call */
		printf("kx: dry run: would unload the loaded %skernel (nothing was changed)\n",
		       o->panic ? "crash " : "");
		return EXIT_OK;
	}
	if (o->unload)
		return kx_unload(&ko, &err) ? report(&err) : EXIT_OK;
	if (o->load || o->force || o->dry_run || o->check) {
		int rc;
		if (!o->kernel && !o->nsegment) {
			say("no kernel given; name the kernel image to load, e.g. kx -l /boot/vmlinuz.");
			return EXIT_USAGE;
		}
		rc = do_load(o);
		if (rc || o->dry_run || o->check || !(o->force || o->exec))
			return rc;
	} else if (o->kernel) {
		say("'%s' given without -l; did you mean kx -l %s?", o->kernel, o->kernel);
		return EXIT_USAGE;
	}
	kx_exec(o->no_sync, &ko, &err);
	return report(&err);
}

int main(int argc, char **argv)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.panic && !o.unload && !o.status)
		o.load = 1;
	if (o.print_ckr)
		o.load = o.panic = 1;
	if (!(o.load + o.exec + o.unload + o.status + o.force + o.dry_run + o.check)) {
		if (o.kernel)
			say("say what to do with '%s': -l to load it, --dry-run to see the plan.", o.kernel);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.json && !o.dry_run && !o.check) {
		say("--json goes with --dry-run or --check.");
		return EXIT_USAGE;
	}
	return act(&o);
}
