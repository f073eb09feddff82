/*
 * kx-static's vfprintf: musl's printf family (printf, fprintf, snprintf,
 * vsnprintf, dprintf...) all end in vfprintf; linked before libc.a, this one
 * replaces musl's (10.5 KB with its floating-point formatter, which kx never
 * uses; on arm64 also 9 KB of libgcc's long double routines) by ~1 KB.
 *
 * What it formats: flags - 0 + space #, a width and a precision (digits or
 * *), the lengths hh h l ll z j t, the conversions d i u o x X c s p %.
 * Floating-point conversions (never used by kx) print "?" and consume their
 * argument; %n is refused (returns -1). tests/tool/test_fmt.c compares it with
 * the C library's for every form kx uses and more (make tool-test).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef KX_FMT_NAME
#define KX_FMT_NAME vfprintf
#endif
int KX_FMT_NAME(FILE *restrict f, const char *restrict fmt, va_list ap);

struct out {
	FILE *f;
	size_t n, total;
	int err;
	char buf[256];
};

static void flush(struct out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
		o->err = 1;
	o->n = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	o->total += n;
	while (n) {
		size_t k = sizeof(o->buf) - o->n;
		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
		if (o->n == sizeof(o->buf))
			flush(o);
	}
}

static void pad(struct out *o, char c, long n)
{
	while (n-- > 0)
		put(o, &c, 1);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

int KX_FMT_NAME(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct out o;
	va_list a;

	o.f = f;
	o.n = o.total = 0;
	o.err = 0;
	va_copy(a, ap);
	while (*fmt) {
		const char *p = strchr(fmt, '%');
		if (!p) {
			put(&o, fmt, strlen(fmt));
			break;
		}
		put(&o, fmt, (size_t)(p - fmt));
		fmt = p + 1;

		int fl = 0;
		for (;; fmt++) {
			if (*fmt == '-') fl |= F_LEFT;
			else if (*fmt == '0') fl |= F_ZERO;
			else if (*fmt == '+') fl |= F_PLUS;
			else if (*fmt == ' ') fl |= F_SPACE;
			else if (*fmt == '#') fl |= F_ALT;
			else break;
		}
		long w = 0, prec = -1;
		if (*fmt == '*') {
			w = va_arg(a, int);
			if (w < 0) {
				fl |= F_LEFT;
				w = -w;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				w = w * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(a, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		int len = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t, 5 ptrdiff_t, 6 L */
		for (;; fmt++) {
			if (*fmt == 'h') len = len == -1 ? -2 : -1;
			else if (*fmt == 'l') len = len == 1 ? 2 : 1;
			else if (*fmt == 'z') len = 3;
			else if (*fmt == 'j') len = 4;
			else if (*fmt == 't') len = 5;
			else if (*fmt == 'L') len = 6;
			else break;
		}

		char c = *fmt ? *fmt++ : 0;
		char num[72], *e = num + sizeof(num), *d = e;
		const char *s, *pre = "";
		size_t sl;
		uintmax_t u;
		int neg = 0, base = 10;

		switch (c) {
		case '%':
			put(&o, "%", 1);
			continue;
		case 'c': {
			char ch = (char)va_arg(a, int);
			if (!(fl & F_LEFT))
				pad(&o, ' ', w - 1);
			put(&o, &ch, 1);
			if (fl & F_LEFT)
				pad(&o, ' ', w - 1);
			continue;
		}
		case 's':
			s = va_arg(a, const char *);
			if (!s)
				s = "(null)";
			sl = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
			if (!(fl & F_LEFT))
				pad(&o, ' ', w - (long)sl);
			put(&o, s, sl);
			if (fl & F_LEFT)
				pad(&o, ' ', w - (long)sl);
			continue;
		case 'd': case 'i': {
			intmax_t v;
			switch (len) {
			case -2: v = (signed char)va_arg(a, int); break;
			case -1: v = (short)va_arg(a, int); break;
			case 1: v = va_arg(a, long); break;
			case 2: v = va_arg(a, long long); break;
			case 3: v = (intmax_t)va_arg(a, size_t); break;
			case 4: v = va_arg(a, intmax_t); break;
			case 5: v = va_arg(a, ptrdiff_t); break;
			default: v = va_arg(a, int); break;
			}
			neg = v < 0;
			u = neg ? -(uintmax_t)v : (uintmax_t)v;
			pre = neg ? "-" : fl & F_PLUS ? "+" : fl & F_SPACE ? " " : "";
			break;
		}
		case 'p':
			u = (uintptr_t)va_arg(a, void *);
			base = 16;
			fl |= F_ALT;
			if (prec < (long)(2 * sizeof(void *)))
				prec = 2 * sizeof(void *);
			c = 'x';
			break;
		case 'u': case 'o': case 'x': case 'X':
			switch (len) {
			case -2: u = (unsigned char)va_arg(a, unsigned); break;
			case -1: u = (unsigned short)va_arg(a, unsigned); break;
			case 1: u = va_arg(a, unsigned long); break;
			case 2: u = va_arg(a, unsigned long long); break;
			case 3: u = va_arg(a, size_t); break;
			case 4: u = va_arg(a, uintmax_t); break;
			case 5: u = (uintmax_t)va_arg(a, ptrdiff_t); break;
			default: u = va_arg(a, unsigned); break;
			}
			base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
			if (len == 6)
				(void)va_arg(a, long double);
			else
				(void)va_arg(a, double);
			put(&o, "?", 1);
			continue;
		default: /* %n, an unknown conversion, or the format ends in '%' */
			va_end(a);
			return -1;
		}

		/* an integer: digits, then the prefix, the precision's zeros, the width */
		const char *dig = c == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
		for (uintmax_t v = u; v; v /= (unsigned)base)
			*--d = dig[v % (unsigned)base];
		size_t nd = (size_t)(e - d);
		if (base == 16 && (fl & F_ALT) && u)
			pre = c == 'X' ? "0X" : "0x";
		if (base == 8 && (fl & F_ALT) && prec <= (long)nd)
			prec = (long)nd + 1;
		long z = prec >= 0 ? prec - (long)nd : (u ? 0 : 1);
		if (z < 0)
			z = 0;
		size_t pl = strlen(pre);
		long body = (long)pl + z + (long)nd;
		if ((fl & F_ZERO) && !(fl & F_LEFT) && prec < 0 && w > body) {
			z += w - body;
			body = w;
		}
		if (!(fl & F_LEFT))
			pad(&o, ' ', w - body);
		put(&o, pre, pl);
		pad(&o, '0', z);
		put(&o, d, nd);
		if (fl & F_LEFT)
			pad(&o, ' ', w - body);
	}
	va_end(a);
	flush(&o);
	if (o.err)
		return -1;
	return o.total > INT_MAX ? -1 : (int)o.total;
}
