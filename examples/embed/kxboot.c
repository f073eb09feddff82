/*
 * kxboot - the smallest boot menu entry: libkx from the outside, through the
 * installed <kx.h> only (cc kxboot.c $(pkg-config --cflags --libs libkx)).
 *
 *   kxboot [--load] [--exec] KERNEL [INITRD...] [-- CMDLINE WORDS]
 *
 * Without options it only describes the image and prints the plan (no
 * privilege, no kexec system call). --load hands the load to the kernel;
 * --exec (only with --load) then boots it. Exit status: 0, 1 on a failure,
 * 2 on a usage error or an impossible request.
 *
 * Never run --load or --exec on a machine you care about: run them in a
 * virtual machine (tests/e2e/t-embed.sh does, in QEMU).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <kx.h>

static void log_line(void *arg, int level, const char *line)
{
	(void)arg;
	if (level != KX_LOG_PLAN) /* warnings, and with debug its steps */
		fprintf(stderr, "kxboot: %s\n", line);
}

/* Print e as kx would; returns the exit status it deserves. */
static int fail(const struct kx_error *e)
{
	char msg[1024];

	kx_error_message(e, msg, sizeof(msg));
	fprintf(stderr, "kxboot: %s\n", msg);
	return kx_error_is_usage(e) ? 2 : 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kxboot [--load] [--exec] KERNEL [INITRD...] [-- CMDLINE WORDS]\n"
		   "  describes KERNEL and prints its kexec plan; --load loads it,\n"
		   "  --exec (with --load) then boots it.\n");
}

static void print_mib(const char *label, uint64_t bytes)
{
	if (bytes)
		printf("  %-16s %" PRIu64 " bytes (%.1f MiB)\n", label, bytes,
		       (double)bytes / (1024 * 1024));
	else
		printf("  %-16s unknown\n", label);
}

int main(int argc, char **argv)
{
	struct kx_options o = { .syscall = KX_SYSCALL_AUTO, .log = log_line };
	struct kx_error err = { 0 };
	struct kx_load_info info;
	struct kx_load *l;
	const char *kernel = NULL;
	int load = 0, exec = 0, rc = 1, i, dashdash = argc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		} else if (!strcmp(argv[i], "--load")) {
			load = 1;
		} else if (!strcmp(argv[i], "--exec")) {
			exec = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "kxboot: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (!kernel) {
			kernel = argv[i];
		}
	}
	if (!kernel || (exec && !load)) {
		if (kernel)
			fprintf(stderr, "kxboot: --exec boots what --load loaded: give both\n");
		usage(stderr);
		return 2;
	}
	printf("libkx %s (%s), purgatory %zu bytes\n", kx_version(), kx_arch(),
	       kx_purgatory_size());

	l = kx_load_new(&o, &err);
	if (!l)
		return fail(&err);
	if (kx_load_kernel(l, kernel, &err))
		goto out;
	/* the initrds: every other word before "--"; the command line after it */
	for (i = 1; i < dashdash; i++)
		if (argv[i] != kernel && strcmp(argv[i], "--load") && strcmp(argv[i], "--exec") &&
		    kx_load_initrd(l, argv[i], &err))
			goto out;
	for (i = dashdash + 1; i < argc; i++)
		if (kx_load_append(l, argv[i], &err))
			goto out;

	/* what the image is */
	if (kx_load_prepare(l, &err) || kx_load_info(l, &info, &err))
		goto out;
	printf("%s:\n", kernel);
	printf("  %-16s %s (%s)\n", "type", info.type, info.arch);
	printf("  %-16s %s\n", "kexec_file_load", info.file_syscall_ok ?
	       "can take it" : "cannot parse it (kexec_load only)");
	print_mib("memory needed", info.image_memory);
	printf("  %-16s %s\n", "command line", info.cmdline ? info.cmdline : "");

	/* the plan: segments, entry, registers */
	if (kx_load_plan(l, &err) || kx_load_info(l, &info, &err))
		goto out;
	printf("plan: %u segments, %" PRIu64 " bytes, %s%s%s\n", info.nsegments, info.memory,
	       info.syscall, info.fallback ? " then " : "", info.fallback ? info.fallback : "");
	if (kx_load_print(l, stdout, &err))
		goto out;
	fflush(stdout);

	if (load) {
		if (kx_load_commit(l, &err))
			goto out;
		printf("kxboot: loaded %s\n", kernel);
		fflush(stdout);
	}
	if (exec) {
		printf("kxboot: booting it now\n");
		fflush(stdout);
		kx_exec(0, &o, &err); /* returns only on failure */
		goto out;
	}
	rc = 0;
out:
	if (rc)
		rc = fail(&err);
	kx_load_free(l);
	return rc;
}
