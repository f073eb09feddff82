/* Command line assembly: kx_cmdline_add, kx_cmdline_append, kx_cmdline_drop, the tokenizer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/cmdline.h>
#include "t.h"

static const char *const drop_boot_image[] = { "BOOT_IMAGE", 0 };
static const char *const drop_two[] = { "BOOT_IMAGE", "initrd", 0 };
static const char *const drop_empty[] = { 0 };

struct cl_row {
	const char *name;
	const char *start;           /* initial contents of buf */
	size_t cap;                  /* 0: 256 */
	const char *add;
	const char *const *drop;
	enum kx_errcode want;
	const char *result;          /* buf afterwards (also on error) */
};

static const struct cl_row cl_rows[] = {
	{ "append to empty", "", 0, "a b c", 0, KX_OK, "a b c" },
	{ "append to existing", "root=/dev/sda1", 0, "ro quiet", 0, KX_OK, "root=/dev/sda1 ro quiet" },
	{ "empty add", "a", 0, "", 0, KX_OK, "a" },
	{ "only spaces", "a", 0, "   \t\n ", 0, KX_OK, "a" },
	{ "empty both", "", 0, "", 0, KX_OK, "" },
	/* no word is dropped or merged: Linux takes the last console=; words after
	 * "--" are init's */
	{ "repeat of existing kept", "a b", 0, "b c", 0, KX_OK, "a b b c" },
	{ "repeat inside add kept", "", 0, "a a b a", 0, KX_OK, "a a b a" },
	{ "last console= stays last", "console=ttyS0,115200 console=tty0", 0, "console=ttyS0,115200",
	  0, KX_OK, "console=ttyS0,115200 console=tty0 console=ttyS0,115200" },
	{ "init's arguments after --", "quiet -- single", 0, "quiet -- single", 0, KX_OK,
	  "quiet -- single quiet -- single" },
	{ "prefix is not a duplicate", "root=/dev/sda1", 0, "root=/dev/sda", 0, KX_OK,
	  "root=/dev/sda1 root=/dev/sda" },
	{ "longer is not a duplicate", "quiet", 0, "quiet2", 0, KX_OK, "quiet quiet2" },
	{ "same key other value kept", "console=tty0", 0, "console=ttyS0", 0, KX_OK,
	  "console=tty0 console=ttyS0" },
	/* dropped keys */
	{ "BOOT_IMAGE dropped", "", 0, "BOOT_IMAGE=/boot/vmlinuz-6.1 root=UUID=1234 ro",
	  drop_boot_image, KX_OK, "root=UUID=1234 ro" },
	{ "BOOT_IMAGE without value dropped", "", 0, "BOOT_IMAGE quiet", drop_boot_image, KX_OK,
	  "quiet" },
	{ "BOOT_IMAGE= empty value dropped", "", 0, "BOOT_IMAGE= quiet", drop_boot_image, KX_OK,
	  "quiet" },
	{ "BOOT_IMAGEX kept", "", 0, "BOOT_IMAGEX=1", drop_boot_image, KX_OK, "BOOT_IMAGEX=1" },
	{ "BOOT_IMAG kept", "", 0, "BOOT_IMAG=1", drop_boot_image, KX_OK, "BOOT_IMAG=1" },
	{ "boot_image kept (case)", "", 0, "boot_image=1", drop_boot_image, KX_OK, "boot_image=1" },
	{ "BOOT_IMAGE kept without drop list", "", 0, "BOOT_IMAGE=/vmlinuz", 0, KX_OK,
	  "BOOT_IMAGE=/vmlinuz" },
	{ "empty drop list", "", 0, "BOOT_IMAGE=/vmlinuz", drop_empty, KX_OK, "BOOT_IMAGE=/vmlinuz" },
	{ "two keys dropped", "", 0, "initrd=/x BOOT_IMAGE=/y a", drop_two, KX_OK, "a" },
	{ "quoted BOOT_IMAGE dropped", "", 0, "BOOT_IMAGE=\"/boot/my kernel\" ro", drop_boot_image,
	  KX_OK, "ro" },
	{ "drop does not touch buf", "BOOT_IMAGE=/old", 0, "ro", drop_boot_image, KX_OK,
	  "BOOT_IMAGE=/old ro" },
	/* /proc/cmdline as read: ends with a newline */
	{ "/proc/cmdline", "", 0, "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=0b8c ro quiet\n",
	  drop_boot_image, KX_OK, "root=UUID=0b8c ro quiet" },
	/* quotes group words */
	{ "quoted value with space", "", 0, "foo=\"a b\" bar", 0, KX_OK, "foo=\"a b\" bar" },
	{ "whole word quoted", "", 0, "\"a b\" c", 0, KX_OK, "\"a b\" c" },
	{ "quoted value kept verbatim", "", 0, "foo=\"a   b\"", 0, KX_OK, "foo=\"a   b\"" },
	{ "quoted repeat kept", "foo=\"a b\"", 0, "foo=\"a b\" x", 0, KX_OK, "foo=\"a b\" foo=\"a b\" x" },
	{ "quoted word vs its parts", "foo=\"a", 0, "foo=\"a b\"", 0, KX_OK, "foo=\"a foo=\"a b\"" },
	{ "quotes in the middle", "", 0, "a\"b c\"d e", 0, KX_OK, "a\"b c\"d e" },
	{ "tab and newline inside quotes", "", 0, "x=\"a\tb\nc\" y", 0, KX_OK, "x=\"a\tb\nc\" y" },
	{ "empty quotes", "", 0, "x=\"\" y", 0, KX_OK, "x=\"\" y" },
	/* an unbalanced quote runs to the end of the input */
	{ "unbalanced quote", "", 0, "a foo=\"b c d", 0, KX_OK, "a foo=\"b c d" },
	{ "unbalanced quote, trailing newline", "", 0, "foo=\"b c\n", 0, KX_OK, "foo=\"b c\n" },
	/* separators */
	{ "tabs and newlines", "", 0, "a\tb\nc\r\nd", 0, KX_OK, "a b c d" },
	{ "leading and trailing space", "", 0, "  \t a  b \n", 0, KX_OK, "a b" },
	{ "many separators", "x", 0, "\n\n\t\t  y  \r\r z", 0, KX_OK, "x y z" },
	/* capacity: cap counts the NUL */
	{ "exact fit into empty", "", 4, "abc", 0, KX_OK, "abc" },
	{ "one over into empty", "", 4, "abcd", 0, KX_E_CMDLINE_TOO_LONG, "" },
	{ "exact fit with a space", "ab", 6, "cd", 0, KX_OK, "ab cd" },
	{ "one over with a space", "ab", 6, "cde", 0, KX_E_CMDLINE_TOO_LONG, "ab" },
	{ "cap 1 holds only the NUL", "", 1, "a", 0, KX_E_CMDLINE_TOO_LONG, "" },
	{ "cap 1, nothing to add", "", 1, "  ", 0, KX_OK, "" },
	{ "repeats need room", "abc", 4, "abc abc", 0, KX_E_CMDLINE_TOO_LONG, "abc" },
	{ "dropped words need no room", "", 2, "BOOT_IMAGE=/x a", drop_boot_image, KX_OK, "a" },
	/* the words before the one that does not fit stay */
	{ "overflow midway", "a", 6, "bb cc", 0, KX_E_CMDLINE_TOO_LONG, "a bb" },
};

TEST(cmdline_add_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(cl_rows); r++) {
		const struct cl_row *row = &cl_rows[r];
		size_t cap = row->cap ? row->cap : 256, alen = strlen(row->add);
		char *buf = malloc(cap), *add = malloc(alen + 1);
		struct kx_err err;

		if (!buf || !add)
			abort();
		T_ROW("%s", row->name);
		memset(buf, 0x7f, cap);
		strcpy(buf, row->start);
		memcpy(add, row->add, alen);
		add[alen] = '#'; /* not a terminator: only len bytes may be read */
		err = kx_cmdline_add(buf, cap, add, alen, row->drop);
		if (CHECK_ERR(err, row->want) && err.code == KX_E_CMDLINE_TOO_LONG)
			CHECK_EQ(err.b, cap - 1);
		CHECK(memchr(buf, 0, cap) != 0);
		if (memchr(buf, 0, cap))
			CHECK_STR(buf, row->result);
		free(add);
		free(buf);
	}
}

/* The error's numbers: the length the line would have had, and the limit. */
TEST(cmdline_add_error_values)
{
	char buf[8] = "abc";
	struct kx_err err = kx_cmdline_add(buf, sizeof(buf), "defgh", 5, 0);

	if (CHECK_ERR(err, KX_E_CMDLINE_TOO_LONG)) {
		CHECK_EQ(err.a, 9); /* "abc defgh" */
		CHECK_EQ(err.b, 7);
	}
	CHECK_STR(buf, "abc");
}

/* Only len bytes of add are looked at. */
TEST(cmdline_add_respects_len)
{
	static const struct { size_t len; const char *want; } rows[] = {
		{ 0, "" }, { 1, "a" }, { 3, "abc" }, { 4, "abc" }, { 5, "abc d" }, { 7, "abc def" },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		char buf[64] = "";
		T_ROW("len %zu", rows[r].len);
		CHECK_OK(kx_cmdline_add(buf, sizeof(buf), "abc def ghi", rows[r].len, 0));
		CHECK_STR(buf, rows[r].want);
	}
}

/* Appending in steps gives the same line as appending at once. */
TEST(cmdline_add_incremental)
{
	static const char *const parts[] = { "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro\n",
					     "console=ttyS0,115200", "ro", "quiet splash",
					     "root=/dev/vda1" };
	char buf[256] = "";
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(parts); i++) {
		T_ROW("part %zu", i);
		CHECK_OK(kx_cmdline_add(buf, sizeof(buf), parts[i], strlen(parts[i]),
					i == 0 ? drop_boot_image : 0));
	}
	T_ROW_CLEAR();
	CHECK_STR(buf, "root=/dev/vda1 ro console=ttyS0,115200 ro quiet splash root=/dev/vda1");
}

/* kx_cmdline_append: the text as it is, after one space (kexec-tools' --append). */
TEST(cmdline_append_table)
{
	static const struct {
		const char *start, *text;
		size_t len, cap; /* len 0: strlen; cap 0: 64 */
		enum kx_errcode want;
		const char *result;
	} rows[] = {
		{ "", "a  b", 0, 0, KX_OK, "a  b" },
		{ "x", "console=tty0", 0, 0, KX_OK, "x console=tty0" },
		{ "console=tty0", "console=tty0", 0, 0, KX_OK, "console=tty0 console=tty0" },
		{ "x", "", 0, 0, KX_OK, "x" },
		{ "x", " lead and trail ", 0, 0, KX_OK, "x  lead and trail " },
		{ "x", "-- single  s", 0, 0, KX_OK, "x -- single  s" },
		{ "x", "ab\0cd", 5, 0, KX_OK, "x ab" },   /* a NUL ends the text */
		{ "", "abc", 2, 0, KX_OK, "ab" },          /* only len bytes */
		{ "ab", "cd", 0, 6, KX_OK, "ab cd" },       /* exact fit */
		{ "ab", "cde", 0, 6, KX_E_CMDLINE_TOO_LONG, "ab" },
	};
	unsigned r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		char buf[64];
		size_t cap = rows[r].cap ? rows[r].cap : sizeof(buf);
		size_t len = rows[r].len ? rows[r].len : strlen(rows[r].text);
		struct kx_err e;
		T_ROW("'%s' + '%s'", rows[r].start, rows[r].text);
		strcpy(buf, rows[r].start);
		e = kx_cmdline_append(buf, cap, rows[r].text, len);
		CHECK_ERR(e, rows[r].want);
		if (e.code == KX_E_CMDLINE_TOO_LONG) {
			CHECK_EQ(e.a, strlen(rows[r].start) + 1 + strlen(rows[r].text));
			CHECK_EQ(e.b, cap - 1);
		}
		CHECK_STR(buf, rows[r].result);
	}
}

/* A 16 KiB line filled word by word to the last byte. */
TEST(cmdline_add_fills_to_capacity)
{
	const size_t cap = 16 * 1024;
	char *buf = malloc(cap), word[16];
	size_t n = 0, i;
	struct kx_err err = KX_NOERR;

	REQUIRE(buf);
	buf[0] = 0;
	for (i = 0; i < cap; i++) {
		/* distinct 7-character words: "w000000" ... */
		word[0] = 'w';
		for (n = 1; n < 7; n++)
			word[n] = (char)('0' + (i >> (3 * (6 - n))) % 8);
		err = kx_cmdline_add(buf, cap, word, 7, 0);
		if (err.code != KX_OK)
			break;
	}
	CHECK_ERR(err, KX_E_CMDLINE_TOO_LONG);
	/* 8 bytes per word ("w....." + space), the first has no space */
	CHECK_EQ(strlen(buf), (cap - 1 + 1) / 8 * 8 - 1);
	CHECK(strlen(buf) < cap);
	free(buf);
}

struct nul_case { const char *start; const char *add; size_t len; };

static int nul_child(void *arg)
{
	const struct nul_case *c = arg;
	char buf[64];
	struct kx_err err;

	strcpy(buf, c->start);
	err = kx_cmdline_add(buf, sizeof(buf), c->add, c->len, 0);
	/* sane outcomes: the NUL ends the input, or separates words */
	if (err.code != KX_OK)
		return 1;
	if (!strcmp(c->start, "")) /* "\0b" */
		return strcmp(buf, "") && strcmp(buf, "b");
	return strcmp(buf, "a x") && strcmp(buf, "a x y"); /* "a" + "x\0y" */
}

/*
 * Regression (found by this test at commit 5b97b7f, lib/cmdline.c:12-24,
 * next_word): a NUL inside the first len bytes of `add` gave a zero-length
 * word without advancing. With an empty buffer kx_cmdline_add then looped
 * forever; with a non-empty one it appended a space per iteration until the
 * buffer was full and returned CMDLINE_TOO_LONG. Run in a child process with
 * a timeout, so a hang fails this case instead of stalling the suite.
 */
TEST(cmdline_add_nul_inside_len)
{
	static const struct nul_case cases[] = { { "", "\0b", 2 }, { "a", "x\0y", 3 } };
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(cases); i++) {
		char why[128];
		T_ROW("start \"%s\", add of %zu bytes with a NUL", cases[i].start, cases[i].len);
		if (!t_in_child(nul_child, (void *)&cases[i], 1, why, sizeof(why))) {
			T_ROW("start \"%s\", add of %zu bytes with a NUL: %s", cases[i].start,
			      cases[i].len, why);
			CHECK(!"kx_cmdline_add handles a NUL inside len");
		}
	}
}

TEST(cmdline_drop_table)
{
	static const struct { const char *in, *key, *want; unsigned n; } rows[] = {
		{ "crashkernel=256M quiet", "crashkernel", "quiet", 1 },
		{ "quiet crashkernel=1G-4G:192M,4G-:256M", "crashkernel", "quiet", 1 },
		{ "a irqpoll b irqpoll", "irqpoll", "a b", 2 },
		{ "crashkernel", "crashkernel", "", 1 },
		{ "crashkernelx=1 crash=2", "crashkernel", "crashkernelx=1 crash=2", 0 },
		{ "k=\"a b\" x", "k", "x", 1 },
		{ "", "k", "", 0 },
	};
	char buf[128];
	unsigned r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("'%s' without %s", rows[r].in, rows[r].key);
		snprintf(buf, sizeof(buf), "%s", rows[r].in);
		CHECK_EQ(kx_cmdline_drop(buf, rows[r].key), rows[r].n);
		CHECK_STR(buf, rows[r].want);
	}
}

TEST(cmdline_word_table)
{
	static const char text[] = "  a \"b c\"\td=\"x y\"z\n\re\0hidden";
	static const char *const want[] = { "a", "\"b c\"", "d=\"x y\"z", "e" };
	const char *p = text, *end = text + sizeof(text) - 1, *w;
	size_t wl, n = 0;

	while ((w = kx_cmdline_word(&p, end, &wl))) {
		if (!CHECK(n < T_ARRAY_SIZE(want)))
			break;
		T_ROW("word %zu", n);
		CHECK_EQ(wl, strlen(want[n]));
		CHECK(!memcmp(w, want[n], wl));
		n++;
	}
	T_ROW_CLEAR();
	CHECK_EQ(n, 4); /* the NUL ends the text, whatever the length said */
	p = text;
	CHECK(!kx_cmdline_word(&p, text + 2, &wl)); /* blanks only */
	CHECK(kx_cmdline_key_is("nr_cpus=1", 9, "nr_cpus"));
	CHECK(kx_cmdline_key_is("irqpoll", 7, "irqpoll"));
	CHECK(!kx_cmdline_key_is("irqpollx", 8, "irqpoll"));
	CHECK(!kx_cmdline_key_is("irq=1", 5, "irqpoll"));
	CHECK(kx_cmdline_key_is("=x", 2, ""));
}
