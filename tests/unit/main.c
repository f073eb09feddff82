/* The unit test runner: registry, failure reporting, main. See t.h. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

#define MAX_TESTS 1024
#define CASE_TIMEOUT 120 /* seconds, per case, when forked */
#define CHECKS_FAILED 3   /* exit status of a forked case whose checks failed */
#define CASE_SKIPPED 77   /* exit status of a forked case that skipped (and failed nothing) */

struct t_case {
	const char *name;
	t_fn fn;
	const char *file;
	int line;
};

static struct t_case cases[MAX_TESTS];
static unsigned ncases;
static int too_many;

static const char *cur_name;     /* the running case */
static unsigned cur_failures;    /* its failed checks */
static int cur_skipped;          /* it called SKIP */
static char cur_row[256];        /* T_ROW context */
static int verbose;
static unsigned long nchecks;

void t_register(const char *name, t_fn fn, const char *file, int line)
{
	if (ncases >= MAX_TESTS) {
		too_many = 1;
		return;
	}
	cases[ncases++] = (struct t_case){ name, fn, file, line };
}

static int by_place(const void *a, const void *b)
{
	const struct t_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	return c ? c : x->line - y->line;
}

static void fail_head(const char *file, int line)
{
	printf("%s:%d: %s: ", file, line, cur_name ? cur_name : "?");
	if (cur_row[0])
		printf("[%s] ", cur_row);
	cur_failures++;
}

int t_check(const char *file, int line, int ok, const char *expr)
{
	nchecks++;
	if (ok)
		return 1;
	fail_head(file, line);
	printf("CHECK(%s) failed\n", expr);
	return 0;
}

int t_check_eq(const char *file, int line, int want_equal, const char *ea, const char *eb,
	       uint64_t a, uint64_t b)
{
	nchecks++;
	if ((a == b) == !!want_equal)
		return 1;
	fail_head(file, line);
	printf("CHECK_%s(%s, %s) failed: 0x%" PRIx64 " (%" PRId64 ") %s 0x%" PRIx64 " (%" PRId64 ")\n",
	       want_equal ? "EQ" : "NE", ea, eb, a, (int64_t)a, want_equal ? "!=" : "==", b,
	       (int64_t)b);
	return 0;
}

int t_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		const char *b)
{
	nchecks++;
	if (a == b || (a && b && !strcmp(a, b)))
		return 1;
	fail_head(file, line);
	printf("CHECK_STR(%s, %s) failed:\n", ea, eb);
	printf("    got:  %s%s%s\n", a ? "\"" : "", a ? a : "NULL", a ? "\"" : "");
	printf("    want: %s%s%s\n", b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
	return 0;
}

int t_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
		const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	nchecks++;
	for (i = 0; i < n && x[i] == y[i]; i++)
		;
	if (i == n)
		return 1;
	fail_head(file, line);
	printf("CHECK_MEM(%s, %s, %zu) failed: first difference at offset %zu (0x%zx): "
	       "0x%02x != 0x%02x\n", ea, eb, n, i, i, x[i], y[i]);
	return 0;
}

int t_check_err(const char *file, int line, const char *expr, struct kx_err got,
		enum kx_errcode want)
{
	nchecks++;
	if (got.code == want)
		return 1;
	fail_head(file, line);
	printf("CHECK_ERR(%s) failed: got %s (what \"%s\", a 0x%" PRIx64 ", b 0x%" PRIx64
	       "), want %s\n", expr, kx_errname(got.code), got.what ? got.what : "",
	       got.a, got.b, kx_errname(want));
	return 0;
}

void t_row(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur_row, sizeof(cur_row), fmt, ap);
	va_end(ap);
}

const char *t_row_get(void)
{
	return cur_row;
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	cur_skipped = 1;
	printf("skip: %s: ", cur_name ? cur_name : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void t_note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	printf("note: %s: ", cur_name ? cur_name : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int t_in_child(int (*fn)(void *), void *arg, unsigned timeout_s, char *why, size_t whylen)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork failed");
		return 0;
	}
	if (pid == 0) {
		alarm(timeout_s);
		_exit(fn(arg) ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid) {
		snprintf(why, whylen, "waitpid failed");
		return 0;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFEXITED(st))
		snprintf(why, whylen, "child exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(why, whylen, "child did not finish within %u s (hang)", timeout_s);
	else if (WIFSIGNALED(st))
		snprintf(why, whylen, "child killed by signal %d", WTERMSIG(st));
	else
		snprintf(why, whylen, "child ended oddly (status 0x%x)", st);
	return 0;
}

static void usage(const char *argv0)
{
	printf("usage: %s [-v] [-l] [-n] [NAME-SUBSTRING]\n"
	       "  -v  verbose: name every case and print notes\n"
	       "  -l  list the cases and exit\n"
	       "  -n  no fork: run every case in this process (for debuggers)\n"
	       "By default each case runs in its own child process, so that a crash, a\n"
	       "sanitizer abort or a hang (%u s) fails that case only.\n", argv0, CASE_TIMEOUT);
}

enum { CASE_FAIL, CASE_PASS, CASE_SKIP };

/* The outcome of a case run in this process: a failed check wins over a skip. */
static int outcome_here(void)
{
	return cur_failures ? CASE_FAIL : cur_skipped ? CASE_SKIP : CASE_PASS;
}

/* Run one case; CASE_PASS, CASE_SKIP or CASE_FAIL. */
static int run_case(const struct t_case *c, int fork_each)
{
	pid_t pid;
	int st;

	cur_name = c->name;
	cur_failures = 0;
	cur_skipped = 0;
	cur_row[0] = 0;
	if (!fork_each) {
		c->fn();
		return outcome_here();
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("%s: fork failed; running in process\n", c->name);
		c->fn();
		return outcome_here();
	}
	if (pid == 0) {
		alarm(CASE_TIMEOUT);
		c->fn();
		fflush(stdout);
		/* exit, not _exit: LeakSanitizer checks this case too */
		exit(cur_failures ? CHECKS_FAILED : cur_skipped ? CASE_SKIPPED : 0);
	}
	if (waitpid(pid, &st, 0) != pid) {
		printf("%s: waitpid failed\n", c->name);
		return CASE_FAIL;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return CASE_PASS;
	if (WIFEXITED(st) && WEXITSTATUS(st) == CASE_SKIPPED)
		return CASE_SKIP;
	if (WIFEXITED(st) && WEXITSTATUS(st) != CHECKS_FAILED)
		printf("%s: the case exited with status %d (sanitizer report above?)\n", c->name,
		       WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		printf("%s: the case did not finish within %u s\n", c->name, CASE_TIMEOUT);
	else if (WIFSIGNALED(st))
		printf("%s: the case was killed by signal %d\n", c->name, WTERMSIG(st));
	cur_failures = cur_failures ? cur_failures : 1;
	return CASE_FAIL;
}

/* KX_REQUIRE_ALL=1 (make check): a skipped case fails the run. */
static int require_all(void)
{
	const char *v = getenv("KX_REQUIRE_ALL");
	return v && *v && strcmp(v, "0");
}

int main(int argc, char **argv)
{
	const char *filter = 0;
	unsigned i, passed = 0, failed = 0, skipped = 0;
	const char *skip_names[MAX_TESTS];
	int list = 0, fork_each = 1, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = 1;
		else if (!strcmp(argv[a], "-l"))
			list = 1;
		else if (!strcmp(argv[a], "-n"))
			fork_each = 0;
		else if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			usage(argv[0]);
			return 0;
		} else if (!filter)
			filter = argv[a];
		else {
			usage(argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, 0, _IOLBF, 0);
	if (too_many) {
		printf("too many test cases (max %d)\n", MAX_TESTS);
		return 2;
	}
	qsort(cases, ncases, sizeof(cases[0]), by_place);

	for (i = 0; i < ncases; i++) {
		const struct t_case *c = &cases[i];

		if (filter && !strstr(c->name, filter))
			continue;
		if (list) {
			printf("%s (%s:%d)\n", c->name, c->file, c->line);
			continue;
		}
		if (verbose)
			printf("run: %s\n", c->name);
		switch (run_case(c, fork_each)) {
		case CASE_PASS:
			passed++;
			break;
		case CASE_SKIP:
			skip_names[skipped++] = c->name;
			break;
		default:
			if (fork_each)
				printf("FAIL: %s\n", c->name);
			else
				printf("FAIL: %s (%u failed check%s)\n", c->name, cur_failures,
				       cur_failures == 1 ? "" : "s");
			failed++;
			break;
		}
		cur_row[0] = 0;
	}
	if (list)
		return 0;
	if (verbose && !fork_each)
		printf("(%lu checks)\n", nchecks);
	if (skipped && require_all()) {
		printf("KX_REQUIRE_ALL=1: %u case%s skipped, which must run here:", skipped,
		       skipped == 1 ? "" : "s");
		for (i = 0; i < skipped; i++)
			printf(" %s", skip_names[i]);
		printf("\n");
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed || (skipped && require_all()) ? 1 : 0;
}
