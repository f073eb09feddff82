/*
 * Who owns what: strings (and the options' strings) are copied; buffers
 * given with kx_load_kernel_buf/kx_load_initrd_buf are borrowed until
 * kx_load_free and never written; descriptors stay the caller's; a freed
 * load leaves no mapping or descriptor behind; the log callback gets its
 * own load's lines.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lt.h"

static int plan_info(struct kx_load *l, struct kx_load_info *in)
{
	struct kx_error e;

	if (kx_load_plan(l, &e) || kx_load_info(l, in, &e)) {
		char m[512];
		kx_error_message(&e, m, sizeof(m));
		lt_fail("plan: %s", m);
		return -1;
	}
	return 0;
}

/* Strings the caller changes after handing them over change nothing. */
LT_CASE(own_strings_copied)
{
	char path[600], name[32], text[64], mod[64], type[16];
	struct kx_options o = { .type = type };
	struct kx_load_info in;
	struct kx_load *l, *m;

	snprintf(type, sizeof(type), "bzImage");
	l = kx_load_new(&o, 0);
	REQUIRE(l);
	memset(type, 'X', sizeof(type) - 1); /* -t's name: not kept */
	snprintf(path, sizeof(path), "%s", fx[FX_BZ_A].path);
	REQUIRE(kx_load_kernel(l, path, 0) == 0);
	snprintf(name, sizeof(name), "initrd-name");
	REQUIRE(kx_load_initrd_buf(l, fx[FX_INITRD_C].buf, fx[FX_INITRD_C].len, name, 0) == 0);
	snprintf(text, sizeof(text), "console=ttyS0 root=/dev/sda");
	REQUIRE(kx_load_append(l, text, 0) == 0);
	memset(path, 'P', sizeof(path) - 1);
	memset(name, 'N', sizeof(name) - 1);
	memset(text, 'T', sizeof(text) - 1);
	REQUIRE(plan_info(l, &in) == 0);
	CHECK_STR(in.type, "bzimage");
	CHECK_STR(in.cmdline, "console=ttyS0 root=/dev/sda");
	CHECK_STR(in.segment[0].source, fx[FX_BZ_A].path);
	CHECK_STR(in.segment[1].source, "initrd-name");

	/* a module's string */
	m = kx_load_new(0, 0);
	REQUIRE(m);
	snprintf(mod, sizeof(mod), "mod-a arg=1");
	CHECK_EQ(kx_load_kernel(m, fx[FX_MB1].path, 0), 0);
	CHECK_EQ(kx_load_module(m, fx[FX_MOD_A].path, mod, 0), 0);
	memset(mod, 'M', sizeof(mod) - 1);
	if (plan_info(m, &in) == 0) {
		unsigned i, found = 0;
		for (i = 0; i < in.nsegments; i++)
			found += !strcmp(in.segment[i].purpose, "module") &&
				 !strcmp(in.segment[i].source, "mod-a arg=1");
		CHECK_EQ(found, 1);
	}
	kx_load_free(m);
	kx_load_free(l);
}

/* The options are copied with their strings: loader_name and purgatory may
 * be freed once kx_load_new returns (ASan sees any use after free). */
LT_CASE(own_option_strings_copied)
{
	struct kx_options o = { 0 };
	struct kx_load_info ref, in;
	struct kx_load *l;
	char *name, *purg;
	unsigned i;

	if (!fx_have(FX_PURGATORY))
		SKIP("no built purgatory blob");
	o.loader_name = "loader-name";
	o.purgatory = fx[FX_PURGATORY].path;
	l = kx_load_new(&o, 0);
	REQUIRE(l);
	REQUIRE(kx_load_kernel(l, fx[FX_MB1].path, 0) == 0);
	REQUIRE(plan_info(l, &ref) == 0);
	name = strdup("loader-name");
	purg = strdup(fx[FX_PURGATORY].path);
	REQUIRE(name && purg);
	o.loader_name = name;
	o.purgatory = purg;
	{
		struct kx_load *m = kx_load_new(&o, 0);
		REQUIRE(m);
		memset(name, 'X', strlen(name));
		memset(purg, 'X', strlen(purg));
		free(name);
		free(purg);
		if (kx_load_kernel(m, fx[FX_MB1].path, 0) == 0 && plan_info(m, &in) == 0) {
			CHECK_EQ(in.nsegments, ref.nsegments);
			for (i = 0; i < in.nsegments && i < ref.nsegments; i++) {
				CHECK_STR(in.segment[i].purpose, ref.segment[i].purpose);
				CHECK_STR(in.segment[i].source, ref.segment[i].source);
				CHECK_EQ(in.segment[i].digest, ref.segment[i].digest);
			}
		}
		kx_load_free(m);
	}
	kx_load_free(l);
}

/* A kernel buffer is read when the plan is made (borrowed, not copied), and
 * never written: here it is read-only memory. */
LT_CASE(own_kernel_buf_borrowed)
{
	size_t len = fx[FX_BZ_A].len, map = (len + 4095) & ~(size_t)4095;
	uint8_t *buf = mmap(0, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *copy;
	struct kx_load *l, *r;
	struct kx_load_info a, b;

	REQUIRE(buf != MAP_FAILED);
	memcpy(buf, fx[FX_BZ_A].buf, len);
	REQUIRE(mprotect(buf, map, PROT_READ) == 0);
	l = kx_load_new(0, 0);
	REQUIRE(l);
	REQUIRE(kx_load_kernel_buf(l, buf, len, "ro", 0) == 0);
	REQUIRE(kx_load_prepare(l, 0) == 0);
	/* the caller changes a payload byte after prepare, before the plan */
	REQUIRE(mprotect(buf, map, PROT_READ | PROT_WRITE) == 0);
	buf[len - 1] ^= 0x55;
	REQUIRE(mprotect(buf, map, PROT_READ) == 0);
	copy = malloc(len);
	REQUIRE(copy);
	memcpy(copy, buf, len);
	r = kx_load_new(0, 0);
	REQUIRE(r);
	REQUIRE(kx_load_kernel_buf(r, copy, len, "ro", 0) == 0);
	if (plan_info(l, &a) == 0 && plan_info(r, &b) == 0)
		CHECK_EQ(a.segment[0].digest, b.segment[0].digest);
	kx_load_free(l);
	kx_load_free(r);
	free(copy);
	munmap(buf, map);
}

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static unsigned count_maps(void)
{
	static char b[1 << 20];
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t k;
	unsigned n = 0, i;

	if (fd < 0)
		return 0;
	while (got < sizeof(b) && (k = read(fd, b + got, sizeof(b) - got)) > 0)
		got += (size_t)k;
	close(fd);
	for (i = 0; i < got; i++)
		n += b[i] == '\n';
	return n;
}

static void build_some(unsigned rounds, void **last)
{
	unsigned i;

	for (i = 0; i < rounds; i++) {
		struct kx_load *l = kx_load_new(0, 0);
		int fd = open(fx[FX_ELF].path, O_RDONLY | O_CLOEXEC);
		struct kx_load *m = kx_load_new(0, 0);

		if (!l || !m || fd < 0)
			abort();
		kx_load_kernel(l, fx[FX_BZ_A].path, 0);
		kx_load_initrd(l, fx[FX_INITRD_A].path, 0);
		kx_load_initrd_buf(l, fx[FX_INITRD_B].buf, fx[FX_INITRD_B].len, "b", 0);
		kx_load_append(l, "x=1", 0);
		kx_load_plan(l, 0);
		kx_load_kernel_fd(m, fd, "elf", 0);
		kx_load_plan(m, 0);
		kx_load_free(m);
		CHECK(fcntl(fd, F_GETFD) >= 0); /* still the caller's */
		close(fd);
		kx_load_free(l);
		*last = l;
	}
}

/* kx_load_free unmaps everything (the library maps, it does not malloc, so
 * LeakSanitizer cannot see its leaks: count the mappings instead). */
LT_CASE(own_free_leaves_nothing)
{
	unsigned maps0, fds0, maps1, fds1;
	void *last = 0;
	unsigned char v;

	build_some(2, &last); /* warm up whatever the C library sets up once */
	maps0 = count_maps();
	fds0 = count_fds();
	build_some(40, &last);
	maps1 = count_maps();
	fds1 = count_fds();
	CHECK_EQ(fds1, fds0);
	/* 40 loads leaking one mapping each would add 40 lines; allow the
	 * sanitizers' own bookkeeping a little room */
	if (maps1 > maps0 + 8)
		lt_fail("mappings: %u before, %u after 80 loads", maps0, maps1);
	/* the load itself is gone */
	CHECK(mincore((void *)((uintptr_t)last & ~(uintptr_t)4095), 4096, &v) == -1 && errno == ENOMEM);
	NOTE("mappings %u -> %u, descriptors %u -> %u", maps0, maps1, fds0, fds1);
}

struct logs { unsigned n[4]; char first[256]; };

static void count_log(void *arg, int level, const char *line)
{
	struct logs *g = arg;

	if (level >= 0 && level < 4)
		g->n[level]++;
	if (!g->first[0])
		snprintf(g->first, sizeof(g->first), "%s", line);
}

/* Debug lines only with debug set; each load's lines go to its own log_arg. */
LT_CASE(own_log_callback)
{
	struct logs quiet = { { 0 }, "" }, loud = { { 0 }, "" };
	struct kx_options oq = { .log = count_log, .log_arg = &quiet };
	struct kx_options ol = { .log = count_log, .log_arg = &loud, .debug = 1 };
	struct kx_load *q = kx_load_new(&oq, 0), *d = kx_load_new(&ol, 0);

	REQUIRE(q && d);
	CHECK_EQ(kx_load_kernel(q, fx[FX_BZ_A].path, 0), 0);
	CHECK_EQ(kx_load_kernel(d, fx[FX_BZ_A].path, 0), 0);
	CHECK_EQ(kx_load_plan(q, 0), 0);
	CHECK_EQ(kx_load_plan(d, 0), 0);
	CHECK_EQ(quiet.n[KX_LOG_DEBUG], 0);
	CHECK(loud.n[KX_LOG_DEBUG] >= 3);
	CHECK(strstr(loud.first, "bzimage image") != 0);
	kx_load_free(q);
	kx_load_free(d);
}
