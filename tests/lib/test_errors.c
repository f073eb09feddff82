/*
 * Errors are values: code, sys_errno, what, subject, numbers; the sentence
 * kx_error_message renders; kx_error_is_usage; calls out of order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lt.h"

static const char *msg(const struct kx_error *e)
{
	static __thread char m[1024];

	kx_error_message(e, m, sizeof(m));
	return m;
}

static struct kx_load *bz_load(struct kx_error *e)
{
	struct kx_load *l = kx_load_new(0, e);

	if (l && kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "bz-a", e)) {
		kx_load_free(l);
		return 0;
	}
	return l;
}

LT_CASE(err_missing_file)
{
	struct kx_load *l = kx_load_new(0, 0);
	const char *p = "/nonexistent/kx-lib-test/vmlinuz";
	struct kx_error e;

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel(l, p, &e), -1);
	CHECK_EQ(e.code, KX_E_FILE);
	CHECK_EQ(e.sys_errno, ENOENT);
	CHECK_STR(e.what, "kernel");
	CHECK_STR(e.subject, p);
	CHECK_STR(kx_error_name(e.code), "file");
	CHECK(!kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "cannot open the kernel '/nonexistent/kx-lib-test/vmlinuz': no such file. "
			   "Check the path.");
	CHECK_EQ(kx_load_initrd(l, "/nonexistent/initrd", &e), -1);
	CHECK_STR(msg(&e), "cannot open the initrd '/nonexistent/initrd': no such file. Check the path.");
	/* the load is still usable after a failed call */
	CHECK_EQ(kx_load_kernel(l, fx[FX_BZ_A].path, &e), 0);
	CHECK_EQ(kx_load_prepare(l, &e), 0);
	kx_load_free(l);
}

LT_CASE(err_unknown_type_name)
{
	struct kx_options o = { .type = "nosuch" };
	struct kx_error e;
	const char *m;

	CHECK(!kx_load_new(&o, &e));
	CHECK_EQ(e.code, KX_E_TYPE_NAME);
	CHECK_STR(e.subject, "nosuch");
	CHECK(kx_error_is_usage(&e));
	m = msg(&e);
	CHECK(!strncmp(m, "unknown image type 'nosuch' (kx knows: bzimage, ", 47));
	CHECK(strstr(m, "multiboot") && strstr(m, "elf") && strstr(m, "raw"));
	CHECK(strlen(m) > 2 && !strcmp(m + strlen(m) - 2, ")."));
	/* aliases are names too */
	o.type = "bzImage64";
	{
		struct kx_load *l = kx_load_new(&o, &e);
		CHECK(l);
		kx_load_free(l);
	}
}

LT_CASE(err_raw_type_with_kernel)
{
	struct kx_options o = { .type = "raw" };
	struct kx_load *l = kx_load_new(&o, 0);
	struct kx_error e;
	char want[800];

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel(l, fx[FX_BZ_A].path, &e), -1);
	CHECK_EQ(e.code, KX_E_RAW_KERNEL);
	CHECK_STR(e.subject, fx[FX_BZ_A].path);
	CHECK(kx_error_is_usage(&e));
	snprintf(want, sizeof(want), "a raw image is given with --segment FILE@ADDR, not as '%s'.",
		 fx[FX_BZ_A].path);
	CHECK_STR(msg(&e), want);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "buf", &e), -1);
	CHECK_EQ(e.code, KX_E_RAW_KERNEL);
	/* without segments or an entry: lib's codes */
	CHECK_EQ(kx_load_plan(l, &e), -1);
	CHECK(e.code == KX_E_RAW_NO_SEGMENT || e.code == KX_E_RAW_NO_ENTRY);
	CHECK(!kx_error_is_usage(&e));
	kx_load_free(l);
}

/* -t naming a type another loader recognises the file as (B4): what it is */
LT_CASE(err_wrong_type)
{
	struct kx_options o = { .type = "elf" };
	struct kx_load *l = kx_load_new(&o, 0);
	struct kx_error e;
	char want[800];

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel(l, fx[FX_BZ_A].path, &e), -1);
	CHECK_EQ(e.code, KX_E_WRONG_TYPE);
	CHECK_STR(e.what, "elf");
	CHECK_STR(e.subject, fx[FX_BZ_A].path);
	CHECK(kx_error_is_usage(&e));
	snprintf(want, sizeof(want), "%s is a bzimage image, not elf; drop -t or name its type.",
		 fx[FX_BZ_A].path);
	CHECK_STR(msg(&e), want);
	/* the load is as it was: no kernel */
	CHECK_EQ(kx_load_prepare(l, &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	kx_load_free(l);
}

/* A command line longer than kx's own room is reported against the kernel's
 * limit (B3): the bzImage's cmdline_size, 2047 for the fixture. */
LT_CASE(err_cmdline_past_kx_room)
{
	struct kx_load *l = kx_load_new(0, 0);
	struct kx_error e;
	static char big[70001];

	REQUIRE(l);
	memset(big, 'x', sizeof(big) - 1);
	CHECK_EQ(kx_load_kernel(l, fx[FX_BZ_A].path, &e), 0);
	CHECK_EQ(kx_load_append(l, big, &e), -1);
	CHECK_EQ(e.code, KX_E_CMDLINE_TOO_LONG);
	CHECK_EQ(e.a, sizeof(big) - 1);
	CHECK_EQ(e.b, 2047);
	CHECK_STR(msg(&e), "the command line is 70000 bytes but this kernel accepts at most 2047; "
			   "shorten --append/--command-line.");
	kx_load_free(l);
}

/* An entry point for a bzImage, whose boot protocol fixes it (B5): refused,
 * with either syscall, never dropped silently. */
LT_CASE(err_entry_for_bzimage)
{
	struct kx_options o = { .have_entry = 1, .entry = 0x1000000 };
	struct kx_load *l = kx_load_new(&o, 0);
	struct kx_error e;

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "bz-a", &e), 0);
	CHECK_EQ(kx_load_prepare(l, &e), -1);
	CHECK_EQ(e.code, KX_E_NOT_APPLICABLE);
	CHECK_EQ(e.a, KX_INPUT_ENTRY);
	CHECK_STR(e.what, "bzimage");
	CHECK(kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "--entry does not apply to a bzimage image (its boot protocol fixes the "
			   "entry point); drop it.");
	kx_load_free(l);
	/* an ELF kernel takes one */
	l = kx_load_new(&o, 0);
	REQUIRE(l);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_ELF].buf, fx[FX_ELF].len, "elf", &e), 0);
	CHECK_EQ(kx_load_prepare(l, &e), 0);
	kx_load_free(l);
}

LT_CASE(err_file_syscall_with_classic_option)
{
	struct kx_options o = { .syscall = KX_SYSCALL_FILE, .no_verify = 1 };
	struct kx_load *l = kx_load_new(&o, 0);
	struct kx_error e;

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "bz-a", &e), 0);
	CHECK_EQ(kx_load_prepare(l, &e), -1);
	CHECK_EQ(e.code, KX_E_CLASSIC_ONLY);
	CHECK_EQ(e.a, KX_CLASSIC_NO_VERIFY);
	CHECK(kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "-i (skip kx's purgatory check) works only with kexec_load; drop -s or the "
			   "option.");
	/* and every later call says the same */
	CHECK_EQ(kx_load_plan(l, &e), -1);
	CHECK_EQ(e.code, KX_E_CLASSIC_ONLY);
	kx_load_free(l);
	/* -s with an image only kx can plan */
	l = kx_load_new(&o, 0);
	REQUIRE(l);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_ELF].buf, fx[FX_ELF].len, "elf", &e), 0);
	CHECK_EQ(kx_load_prepare(l, &e), -1);
	CHECK_EQ(e.code, KX_E_FILE_SYSCALL_TYPE);
	CHECK(kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "kexec_file_load (-s) cannot load this elf image: the kernel parses only "
			   "bzImage kernels on x86_64; use -c.");
	kx_load_free(l);
}

/* Every adder after kx_load_prepare: KX_E_STATE, and the plan is unchanged. */
LT_CASE(err_state_after_prepare)
{
	struct kx_error e;
	struct kx_load *l = bz_load(&e);
	struct kx_load_info before, after;
	int fd = open(fx[FX_BZ_B].path, O_RDONLY | O_CLOEXEC);
	char cmd_before[256];
	int rc[9];
	unsigned i;

	REQUIRE(l && fd >= 0);
	CHECK_EQ(kx_load_append(l, "before=1", &e), 0);
	REQUIRE(kx_load_plan(l, &e) == 0);
	REQUIRE(kx_load_info(l, &before, &e) == 0);
	snprintf(cmd_before, sizeof(cmd_before), "%s", before.cmdline);
	rc[0] = kx_load_kernel(l, fx[FX_BZ_B].path, &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[1] = kx_load_kernel_fd(l, fd, "bz-b", &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[2] = kx_load_kernel_buf(l, fx[FX_BZ_B].buf, fx[FX_BZ_B].len, "bz-b", &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[3] = kx_load_initrd(l, fx[FX_INITRD_A].path, &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[4] = kx_load_initrd_buf(l, fx[FX_INITRD_A].buf, fx[FX_INITRD_A].len, "i", &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[5] = kx_load_append(l, "after=1", &e);
	CHECK_EQ(e.code, KX_E_STATE);
	CHECK(e.what && strstr(e.what, "after kx_load_prepare"));
	CHECK(strstr(msg(&e), "was called out of order"));
	rc[6] = kx_load_dtb(l, fx[FX_GARBAGE].path, &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[7] = kx_load_module(l, fx[FX_MOD_A].path, "mod-a", &e);
	CHECK_EQ(e.code, KX_E_STATE);
	rc[8] = kx_load_segment(l, fx[FX_SEG_A].path, 0x1000000, &e);
	CHECK_EQ(e.code, KX_E_STATE);
	for (i = 0; i < 9; i++)
		CHECK_EQ(rc[i], -1);
	CHECK(!kx_error_is_usage(&e));
	REQUIRE(kx_load_info(l, &after, &e) == 0);
	CHECK_STR(after.cmdline, cmd_before);
	CHECK_EQ(after.nsegments, before.nsegments);
	CHECK_EQ(after.segment[0].digest, before.segment[0].digest);
	kx_load_free(l);
	close(fd);
}

LT_CASE(err_out_of_order_and_null)
{
	struct kx_error e;
	struct kx_load_info in;
	struct kx_load *l = kx_load_new(0, 0);
	FILE *f = fopen("/dev/null", "w");

	kx_load_free(0); /* nothing happens */
	REQUIRE(l && f);
	/* no kernel yet */
	CHECK_EQ(kx_load_prepare(l, &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	CHECK_EQ(kx_load_plan(l, &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	CHECK_EQ(kx_load_info(l, &in, &e), -1);
	CHECK_EQ(kx_load_print(l, f, &e), -1);
	CHECK_EQ(kx_load_print_json(l, f, &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	/* err may be NULL everywhere */
	CHECK_EQ(kx_load_prepare(l, 0), -1);
	CHECK_EQ(kx_load_kernel(l, "/nonexistent/k", 0), -1);
	CHECK_EQ(kx_load_kernel_buf(l, 0, 0, "empty", 0), -1);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_GARBAGE].buf, fx[FX_GARBAGE].len, "garbage", &e), -1);
	CHECK_EQ(e.code, KX_E_UNKNOWN_TYPE);
	CHECK_STR(e.subject, "garbage");
	CHECK(strstr(msg(&e), "garbage is not a kernel image kx recognises (it knows: bzimage"));
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "bz-a", 0), 0);
	/* a second kernel */
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "again", &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	CHECK_EQ(kx_load_plan(l, 0), 0);
	CHECK_EQ(kx_load_info(l, &in, 0), 0);
	CHECK_EQ(kx_load_print(l, f, 0), 0);
	CHECK_EQ(kx_load_print_json(l, f, 0), 0);
	/* prepare and plan again: nothing changes */
	CHECK_EQ(kx_load_prepare(l, &e), 0);
	CHECK_EQ(kx_load_plan(l, &e), 0);
	kx_load_free(l);
	fclose(f);
	CHECK(!kx_load_new(&(struct kx_options){ .type = "nosuch" }, 0));
}

LT_CASE(err_empty_directory_too_many)
{
	struct kx_load *l = kx_load_new(0, 0);
	struct kx_error e;
	char dir[600], want[800], empty[600];
	unsigned i;
	int rc = 0;

	REQUIRE(l);
	CHECK_EQ(kx_load_kernel_buf(l, fx[FX_BZ_A].buf, 0, "nothing", &e), -1);
	CHECK_EQ(e.code, KX_E_FILE);
	CHECK_EQ(e.sys_errno, ENODATA);
	CHECK_STR(msg(&e), "the kernel 'nothing' is empty.");
	snprintf(dir, sizeof(dir), "%s/a-directory", lt_dir);
	REQUIRE(mkdir(dir, 0700) == 0);
	CHECK_EQ(kx_load_kernel(l, dir, &e), -1);
	CHECK_EQ(e.sys_errno, EISDIR);
	snprintf(want, sizeof(want), "the kernel '%s' is a directory, not a file.", dir);
	CHECK_STR(msg(&e), want);
	rmdir(dir);
	REQUIRE(fx_write("empty", "", 0, empty, sizeof(empty)) == 0);
	CHECK_EQ(kx_load_initrd(l, empty, &e), -1);
	CHECK_EQ(e.sys_errno, ENODATA);
	unlink(empty);
	for (i = 0; i < 100 && !rc; i++)
		rc = kx_load_initrd_buf(l, fx[FX_INITRD_C].buf, fx[FX_INITRD_C].len, "piece", &e);
	CHECK_EQ(rc, -1);
	CHECK_EQ(e.code, KX_E_TOO_MANY_INITRDS);
	CHECK_EQ(e.a, e.b + 1);
	CHECK_EQ(i, e.b + 1);
	kx_load_free(l);
}

/* Every code has a name and a sentence; the message is cut like snprintf. */
LT_CASE(err_names_and_messages)
{
	struct kx_error e;
	char small[8];
	const char *names[KX_E__COUNT + (KX_E_SYS__END - KX_E_SYS_FIRST)];
	unsigned n = 0, i, j;
	int c;
	size_t len;

	for (c = 1; c < KX_E_SYS__END; c++) {
		if (c == KX_E__COUNT)
			c = KX_E_SYS_FIRST;
		memset(&e, 0, sizeof(e));
		e.code = c;
		e.what = "thing";
		snprintf(e.subject, sizeof(e.subject), "subject");
		names[n] = kx_error_name(c);
		if (!CHECK(names[n] && *names[n]))
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(names[j], names[n]))
				lt_fail("codes %d and another share the name %s", c, names[n]);
		n++;
		len = kx_error_message(&e, 0, 0);
		if (!len)
			lt_fail("code %d (%s): empty message", c, kx_error_name(c));
		CHECK_EQ(strlen(msg(&e)), len);
	}
	CHECK_STR(msg(0), "no error");
	memset(&e, 0, sizeof(e));
	CHECK_STR(msg(&e), "no error");
	CHECK(!kx_error_is_usage(0));
	e.code = KX_E_FILE;
	e.what = "kernel";
	e.sys_errno = ENOENT;
	snprintf(e.subject, sizeof(e.subject), "/x");
	len = kx_error_message(&e, small, sizeof(small));
	CHECK_EQ(len, strlen("cannot open the kernel '/x': no such file. Check the path."));
	CHECK_STR(small, "cannot ");
	for (i = 0; i < sizeof(small); i++)
		small[i] = 'x';
	CHECK_EQ(kx_error_message(&e, small, 1), len);
	CHECK_EQ(small[0], 0);
	CHECK_EQ(small[1], 'x');
}

/* The system side that needs no privilege: it answers, and never kexecs. */
LT_CASE(system_queries)
{
	struct kx_preflight pf;
	struct kx_error e;
	char *b = 0;
	size_t n = 0;
	FILE *f;
	int l0 = kx_loaded(0, &e), l1 = kx_loaded(1, &e);

	CHECK(l0 == 0 || l0 == 1 || (l0 == -1 && e.code == KX_E_STATUS_UNKNOWN));
	CHECK(l1 == 0 || l1 == 1 || (l1 == -1 && e.code == KX_E_STATUS_UNKNOWN));
	kx_preflight(&pf);
	CHECK(pf.kernel[0]);
	CHECK_EQ(pf.root, geteuid() == 0);
	CHECK(pf.mem_total > 0);
	f = open_memstream(&b, &n);
	REQUIRE(f);
	kx_preflight_print(f, &pf, 123 << 20);
	fflush(f);
	CHECK(strstr(b, "kx check on Linux ") == b);
	CHECK(strstr(b, "this load needs 123 MiB"));
	fclose(f);
	free(b);
	b = 0;
	f = open_memstream(&b, &n);
	REQUIRE(f);
	kx_preflight_print_json(f, &pf);
	fclose(f);
	CHECK(b[0] == '{' && b[n - 1] == '}' && !strchr(b, '\n'));
	free(b);
	CHECK(kx_version() && strchr(kx_version(), '.'));
	CHECK_STR(kx_arch(), "x86_64");
	CHECK(kx_purgatory_size() > 256 && kx_purgatory_size() < 65536);
}

/* With the seed on (KX_FAULT unset), every plan gets a fresh one: two plans
 * of one recipe differ in the boot parameters only. */
LT_CASE(rng_seed_fresh)
{
	char *saved = getenv("KX_FAULT") ? strdup(getenv("KX_FAULT")) : 0;
	struct kx_load_info a, b;
	struct kx_load *la, *lb;
	unsigned i;

	unsetenv("KX_FAULT");
	la = bz_load(0);
	lb = bz_load(0);
	if (la && lb && !kx_load_plan(la, 0) && !kx_load_plan(lb, 0) && !kx_load_info(la, &a, 0) &&
	    CHECK(!kx_load_info(lb, &b, 0)) && CHECK_EQ(a.nsegments, b.nsegments)) {
		for (i = 0; i < a.nsegments; i++)
			if (!strcmp(a.segment[i].purpose, "boot-params"))
				CHECK(a.segment[i].digest != b.segment[i].digest);
			else
				CHECK_EQ(a.segment[i].digest, b.segment[i].digest);
	} else {
		lt_fail("cannot plan bz-a");
	}
	kx_load_free(la);
	kx_load_free(lb);
	if (saved)
		setenv("KX_FAULT", saved, 1);
	free(saved);
}

LT_CASE(err_setting)
{
	struct kx_load *l = bz_load(0);
	struct kx_error e;

	REQUIRE(l);
	CHECK_EQ(kx_load_set(l, KX_SET_NO_CMA, 1, &e), 0);
	CHECK_EQ(kx_load_set(l, KX_SET_CONSOLE_PORT, 0x3f8, &e), 0);
	CHECK_EQ(kx_load_set(l, KX_SET_CONSOLE_BAUD, 115200, &e), 0);
	/* a flag is 0 or 1 */
	CHECK_EQ(kx_load_set(l, KX_SET_HOTPLUG, 2, &e), -1);
	CHECK_EQ(e.code, KX_E_SETTING);
	CHECK_EQ(e.a, KX_SET_HOTPLUG);
	CHECK_EQ(e.b, 2);
	CHECK(kx_error_is_usage(&e));
	CHECK_STR(kx_error_name(e.code), "setting");
	CHECK_STR(msg(&e), "setting 3 cannot be 2.");
	/* a setting from a newer header */
	CHECK_EQ(kx_load_set(l, (enum kx_setting)99, 1, &e), -1);
	CHECK_EQ(e.code, KX_E_SETTING);
	CHECK_STR(msg(&e), "this libkx does not know setting 99; it is older than the program using it.");
	CHECK_EQ(kx_load_set(l, (enum kx_setting)0, 1, &e), -1);
	/* 32-bit ARM's ATAGS and machine type: refused on every other architecture */
#if !defined(__arm__)
	CHECK_EQ(kx_load_set(l, KX_SET_ATAGS, 1, &e), -1);
	CHECK_EQ(e.code, KX_E_SETTING);
	CHECK_EQ(e.a, KX_SET_ATAGS);
	CHECK_EQ(kx_load_set(l, KX_SET_MACH_TYPE, 0x8e0, &e), -1);
	CHECK_EQ(e.a, KX_SET_MACH_TYPE);
#endif
	/* settings come before the load is resolved */
	CHECK_EQ(kx_load_prepare(l, &e), 0);
	CHECK_EQ(kx_load_set(l, KX_SET_NO_EFI, 1, &e), -1);
	CHECK_EQ(e.code, KX_E_STATE);
	kx_load_free(l);
}

/* The purgatory's console through kx_load_set: the plan says where it
 * writes; a port that is not one (x86: above 0xffff) is refused. */
LT_CASE(console_setting)
{
	static const struct { uint64_t port, baud; int set_port; const char *want; } rows[] = {
		{ 0, 0, 0, "purgatory console: serial port 0x3f8, speed as it is" },
		{ 0x2f8, 57600, 1, "purgatory console: serial port 0x2f8 at 57600 baud" },
		{ 0, 0, 1, "purgatory console: none" },
	};
	struct kx_error e;
	unsigned r;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct kx_load *l = bz_load(0);
		char *text = 0;
		size_t n = 0;
		FILE *f;

		REQUIRE(l);
		if (rows[r].set_port)
			CHECK_EQ(kx_load_set(l, KX_SET_CONSOLE_PORT, rows[r].port, &e), 0);
		if (rows[r].baud)
			CHECK_EQ(kx_load_set(l, KX_SET_CONSOLE_BAUD, rows[r].baud, &e), 0);
		f = open_memstream(&text, &n);
		REQUIRE(f);
		CHECK_EQ(kx_load_print(l, f, &e), 0);
		fclose(f);
		CHECK(text && strstr(text, rows[r].want));
		CHECK(text && strstr(text, "\n  EFI: ")); /* passed, or why not */
		free(text);
		kx_load_free(l);
	}
	{
		struct kx_load *l = bz_load(0);
		REQUIRE(l);
		CHECK_EQ(kx_load_set(l, KX_SET_CONSOLE_PORT, 0x10000, &e), -1);
		CHECK_EQ(e.code, KX_E_SETTING);
		CHECK_EQ(e.b, 0x10000);
		kx_load_free(l);
	}
}

static struct kx_load *bz_load_with(const struct kx_options *o)
{
	struct kx_load *l = kx_load_new(o, 0);

	if (l && kx_load_kernel_buf(l, fx[FX_BZ_A].buf, fx[FX_BZ_A].len, "bz-a", 0)) {
		kx_load_free(l);
		return 0;
	}
	return l;
}

/* -i and --mem-min/--mem-max: with KX_SET_CLASSIC_HINTS they do not choose
 * kexec_load (kexec-tools' rule), and kexec_file_load (-s) takes the load. */
LT_CASE(err_classic_hints)
{
	static const struct kx_options variants[] = {
		{ .no_verify = 1 }, { .mem_min = 64 << 20 }, { .mem_max = 0x80000000 },
	};
	unsigned v, hints;

	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		for (hints = 0; hints < 2; hints++) {
			struct kx_options o = variants[v];
			struct kx_load_info info;
			struct kx_error e;
			struct kx_load *l;

			if (!o.mem_max)
				o.mem_max = UINT64_MAX;
			l = bz_load_with(&o);
			REQUIRE(l);
			CHECK_EQ(kx_load_set(l, KX_SET_CLASSIC_HINTS, hints, &e), 0);
			CHECK_EQ(kx_load_prepare(l, &e), 0);
			CHECK_EQ(kx_load_info(l, &info, &e), 0);
			/* with the hint, auto chooses as for any load (the host's
			 * policy decides); without it, the option needs kexec_load */
			if (hints)
				CHECK_STR(info.syscall, strstr(info.reason, "kx's own plan and purgatory")
					  ? "kexec_load" : "kexec_file_load");
			else
				CHECK_STR(info.syscall, "kexec_load");
			CHECK(hints ? strstr(info.reason, "needs kx's own plan") == 0
				    : strstr(info.reason, "needs kx's own plan") != 0);
			kx_load_free(l);
			/* -s: refused without the hint, taken with it */
			o.syscall = KX_SYSCALL_FILE;
			l = bz_load_with(&o);
			REQUIRE(l);
			CHECK_EQ(kx_load_set(l, KX_SET_CLASSIC_HINTS, hints, &e), 0);
			CHECK_EQ(kx_load_prepare(l, &e), hints ? 0 : -1);
			if (!hints)
				CHECK_EQ(e.code, KX_E_CLASSIC_ONLY);
			kx_load_free(l);
		}
	}
}

/* The new codes: names, sentences, classes. */
LT_CASE(err_kernel_flag_hotplug)
{
	struct kx_error e;

	memset(&e, 0, sizeof(e));
	e.code = KX_E_KERNEL_FLAG;
	e.what = "--force-dtb";
	e.a = 0x20;
	CHECK_STR(kx_error_name(e.code), "kernel-flag");
	CHECK(kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "the running kernel does not know --force-dtb (kexec_file_load flag 0x20, "
			   "Linux 6.18 and later); nothing was loaded. Drop --force-dtb, or boot a "
			   "newer kernel first.");
	e.what = "--hotplug";
	e.a = 0x4;
	e.b = 1; /* kexec_load's */
	CHECK_STR(msg(&e), "the running kernel does not know --hotplug (kexec_load flag 0x4, Linux 6.5 "
			   "and later); nothing was loaded. Drop --hotplug, or boot a newer kernel first.");
	memset(&e, 0, sizeof(e));
	e.code = KX_E_NO_HOTPLUG;
	snprintf(e.subject, sizeof(e.subject), "/sys/kernel/crash_elfcorehdr_size");
	CHECK_STR(kx_error_name(e.code), "no-hotplug");
	CHECK(!kx_error_is_usage(&e));
	CHECK_STR(msg(&e), "--hotplug needs a kernel with crash hotplug (CONFIG_CRASH_HOTPLUG): "
			   "/sys/kernel/crash_elfcorehdr_size is missing; drop --hotplug and reload "
			   "the crash kernel after hotplug.");
	/* a setting's value: CLASSIC_HINTS is a flag */
	{
		struct kx_load *l = bz_load(0);
		REQUIRE(l);
		CHECK_EQ(kx_load_set(l, KX_SET_CLASSIC_HINTS, 2, &e), -1);
		CHECK_EQ(e.code, KX_E_SETTING);
		CHECK_EQ(kx_load_set(l, KX_SET_KERNEL_DEBUG, 1, &e), 0);
		CHECK_EQ(kx_load_set(l, KX_SET_FORCE_DTB, 1, &e), 0);
		kx_load_free(l);
	}
}
