/*
 * The libkx test runner: installs the kexec guard, makes the fixtures, runs
 * every case (or those whose name contains argv[1]; -v shows notes, -l lists)
 * in this process, and ends with "N passed, N failed, N skipped".
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "lt.h"

#define MAX_CASES 128

static struct { const char *name; lt_fn fn; } cases[MAX_CASES];
static unsigned ncases;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned failures;     /* in the current case */
static int skipped, verbose;
static const char *current;
static char skip_reason[512];

void lt_register(const char *name, lt_fn fn)
{
	if (ncases == MAX_CASES) {
		fprintf(stderr, "lib-test: too many cases\n");
		exit(2);
	}
	cases[ncases].name = name;
	cases[ncases++].fn = fn;
}

static void vfail(const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	failures++;
	printf("  FAIL %s: ", current);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&lock);
}

void lt_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
}

int lt_check(const char *file, int line, int ok, const char *expr)
{
	if (!ok)
		lt_fail("%s:%d: %s", file, line, expr);
	return ok;
}

int lt_check_eq(const char *file, int line, const char *ea, const char *eb, uint64_t a, uint64_t b)
{
	if (a != b)
		lt_fail("%s:%d: %s == %s: %llu (0x%llx) != %llu (0x%llx)", file, line, ea, eb,
			(unsigned long long)a, (unsigned long long)a, (unsigned long long)b,
			(unsigned long long)b);
	return a == b;
}

int lt_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		 const char *b)
{
	int ok = (!a && !b) || (a && b && !strcmp(a, b));

	if (!ok)
		lt_fail("%s:%d: %s == %s:\n    got  '%s'\n    want '%s'", file, line, ea, eb,
			a ? a : "(null)", b ? b : "(null)");
	return ok;
}

void lt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	skipped = 1;
}

void lt_note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	pthread_mutex_lock(&lock);
	printf("  note %s: ", current);
	vprintf(fmt, ap);
	printf("\n");
	pthread_mutex_unlock(&lock);
	va_end(ap);
}

/*
 * Rule zero, at run time: kexec_load, kexec_file_load and reboot kill this
 * process instead of reaching the kernel (as do x32 system calls and any
 * other architecture's, so the filter cannot be side-stepped).
 */
#if defined(__x86_64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static int install_guard(void)
{
#ifdef LT_AUDIT_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kexec_load, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kexec_file_load, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_reboot, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0)) {
		perror("lib-test: cannot install the kexec guard (seccomp)");
		return -1;
	}
	return 0;
#else
	fprintf(stderr, "lib-test: no kexec guard for this architecture\n");
	return -1;
#endif
}

/* The guard is in force: /proc/self/status says seccomp mode 2. */
LT_CASE(guard_installed)
{
	char b[8192];
	FILE *f = fopen("/proc/self/status", "r");
	size_t n;

	REQUIRE(f);
	n = fread(b, 1, sizeof(b) - 1, f);
	fclose(f);
	b[n] = 0;
	CHECK(strstr(b, "\nSeccomp:\t2\n"));
}

/* The calls that make kexec syscalls, if anything still named them: --wrap
 * sends them here (the make rule refuses sources that name them, so they are
 * spelled in pieces). */
#define FORBIDDEN(name)                                                                        \
	int __wrap_kx_##name(void);                                                            \
	int __wrap_kx_##name(void)                                                             \
	{                                                                                      \
		fprintf(stderr, "lib-test: kx_%s called; the tests must never make kexec calls\n", \
			#name);                                                                \
		abort();                                                                       \
	}
FORBIDDEN(load_commit)
FORBIDDEN(unload)
FORBIDDEN(exec)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *filter = 0;
	unsigned i, passed = 0, failed = 0, nskipped = 0;
	double t0 = now();
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[a], "-l")) {
			for (i = 0; i < ncases; i++)
				printf("%s\n", cases[i].name);
			return 0;
		} else {
			filter = argv[a];
		}
	}
	setvbuf(stdout, 0, _IOLBF, 0);
	/*
	 * Every plan's boot parameters carry a fresh RNG seed, so two plans of one
	 * recipe differ there; the library's fault hook turns the seed off so that
	 * whole segments can be compared (test_errors.c's rng_seed_fresh checks
	 * the seed itself with the hook off).
	 */
	if (!getenv("KX_FAULT"))
		setenv("KX_FAULT", "random", 1);
	if (install_guard())
		return 2;
	if (fx_setup())
		return 2;
	for (i = 0; i < ncases; i++) {
		double t;

		if (filter && !strstr(cases[i].name, filter))
			continue;
		current = cases[i].name;
		failures = 0;
		skipped = 0;
		t = now();
		cases[i].fn();
		t = now() - t;
		if (failures) {
			failed++;
			printf("FAIL %s (%u failed checks, %.2f s)\n", current, failures, t);
		} else if (skipped) {
			nskipped++;
			printf("skip %s: %s\n", current, skip_reason);
		} else {
			passed++;
			if (verbose || t > 1.0)
				printf("ok   %s (%.2f s)\n", current, t);
		}
	}
	fx_cleanup();
	printf("lib-test: %.1f s\n", now() - t0);
	printf("%u passed, %u failed, %u skipped\n", passed, failed, nskipped);
	return failed ? 1 : 0;
}
