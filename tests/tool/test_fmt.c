/*
 * mk/musl-vfprintf.c (kx-static's vfprintf) against the C library's, byte for
 * byte: every conversion kx's messages use (%s %d %u %zu %c %x %lx %ld %lu,
 * PRIu64, PRIx64, %016 PRIx64, %10s, %-12s, %.15s, %.*s, %*u, %*s, %04x,
 * %02u...) and the rest of what it implements, at the integers' limits.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kx_vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);

static int pass, fail;

static void check(const char *fmt, ...)
{
	char want[1024], got[1024];
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int wn = vsnprintf(want, sizeof(want), fmt, ap);
	FILE *f = fmemopen(got, sizeof(got), "w");
	int gn = kx_vfprintf(f, fmt, aq);
	fclose(f);
	va_end(aq);
	va_end(ap);
	if (wn == gn && gn >= 0 && !memcmp(want, got, (size_t)gn)) {
		pass++;
		return;
	}
	fail++;
	printf("FAIL fmt \"%s\": want %d \"%.*s\", got %d \"%.*s\"\n", fmt, wn, wn > 0 ? wn : 0, want,
	       gn, gn > 0 ? gn : 0, got);
}

static void expect(const char *want, const char *fmt, ...)
{
	char got[256];
	va_list ap;
	va_start(ap, fmt);
	FILE *f = fmemopen(got, sizeof(got), "w");
	int gn = kx_vfprintf(f, fmt, ap);
	fclose(f);
	va_end(ap);
	if (gn == (int)strlen(want) && !memcmp(want, got, (size_t)gn)) {
		pass++;
		return;
	}
	fail++;
	printf("FAIL fmt \"%s\": want \"%s\", got %d \"%.*s\"\n", fmt, want, gn, gn > 0 ? gn : 0, got);
}

int main(void)
{
	static const char *strs[] = { "", "a", "kexec_file_load", "0123456789abcdefghij" };
	static const long long ints[] = { 0, 1, -1, 9, 10, 255, -255, 4096, INT_MAX, INT_MIN,
					  LONG_MAX, LONG_MIN, LLONG_MAX, LLONG_MIN };
	static const char *intfmts[] = { "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d",
					 "%-8.3d|", "%.0d", "%x", "%X", "%#x", "%#X", "%04x", "%#010x", "%o",
					 "%#o", "%#.0o", "%u", "%02u", "%2u", "%10u", "%-10u|", "%hhd", "%hd",
					 "%hhu", "%hx" };
	static const char *longfmts[] = { "%ld", "%lu", "%lx", "%20ld", "%-20lx|", "%lld", "%llu", "%llx",
					  "%zu", "%zd", "%jd", "%ju", "%td", "%016llx" };

	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++) {
		const char *s = strs[i];
		check("%s", s);
		check("[%10s]", s);
		check("[%-12s]", s);
		check("[%-18s]", s);
		check("[%.15s]", s);
		check("[%.*s]", 3, s);
		check("[%.*s]", 0, s);
		check("[%.*s]", -1, s);
		check("[%*s]", 7, s);
		check("[%*s]", -7, s);
		check("[%-8s|%-11s]", s, s);
		check("%s: %s (%s).", "kx", s, "x");
	}
	check("%s", (const char *)NULL);
	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		int v = (int)ints[i];
		for (size_t j = 0; j < sizeof(intfmts) / sizeof(*intfmts); j++)
			check(intfmts[j], v);
		for (size_t j = 0; j < sizeof(longfmts) / sizeof(*longfmts); j++) {
			if (strstr(longfmts[j], "ll") || strchr(longfmts[j], 'j'))
				check(longfmts[j], ints[i]);
			else
				check(longfmts[j], (long)ints[i]);
		}
		check("%" PRIu64 " %" PRIx64 " %016" PRIx64 " %10" PRIu64 " %" PRIu32, (uint64_t)ints[i],
		      (uint64_t)ints[i], (uint64_t)ints[i], (uint64_t)ints[i], (uint32_t)ints[i]);
		check("[%*u]", 6, (unsigned)v);
		check("[%*u]", -6, (unsigned)v);
	}
	check("%" PRIu64, UINT64_MAX);
	check("%" PRIx64, UINT64_MAX);
	check("%c%c%c", 'k', 'x', '!');
	check("[%3c][%-3c]", 'a', 'b');
	check("100%% done, %d%%", 50);
	check("no conversion at all");
	check("");
	check("%s=%u %s=%zu %s=0x%lx", "a", 1u, "b", (size_t)2, "c", 3ul);
	char big[600];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	check("%s|%s", big, "tail"); /* longer than the 256-byte buffer */
	expect("0x0000000000001234", "%p", (void *)0x1234); /* musl's form */
	expect("?", "%f", 1.5);
	expect("?|7", "%Lf|%d", (long double)2.5, 7);

	printf("fmt-test: %d passed, %d failed\n", pass, fail);
	return fail != 0;
}
