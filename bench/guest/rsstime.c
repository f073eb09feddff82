/*
 * rsstime - run a command, then print its wall time and peak RSS:
 *
 *   rsstime CMD [ARGS...]   ->  on stderr, after CMD exits:
 *   rsstime: elapsed_s=3.141 maxrss_kb=1234 rc=0
 *
 * Like busybox `time -v`, but its RSS figure is right: busybox takes
 * ru_maxrss, which Linux gives in KiB, for a number of pages and prints four
 * times the real value. A child's ru_maxrss also counts what the process it
 * was forked from had resident before the exec, so the forking process should
 * be small: this one is (`rsstime kx -l -s` reports about 0.2 MB).
 * Built static with musl, run inside the benchmark guests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int st = 0, rc;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: rsstime CMD [ARGS...]\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("rsstime: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "rsstime: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("rsstime: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(stderr, "rsstime: elapsed_s=%.3f maxrss_kb=%ld rc=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss, rc);
	return rc;
}
