/* kx boot's library calls as an embedder uses them: a directory of boot
 * files, the entries, the default, and an entry given to a load (prepared,
 * never committed). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lt.h"

static int put(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[768];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -1;
	if (len && fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *w)
{
	(void)st;
	(void)flag;
	(void)w;
	return remove(p);
}

/* the case's files go (the runner removes only its own) */
static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int tree(char *dir, size_t n)
{
	static const char conf[] = "default two*\ntimeout 7\n";
	static const char two[] = "title Two initrds\nversion 1.2\nlinux /k/vmlinuz\n"
				  "initrd /k/ucode\ninitrd /k/initrd\noptions root=/dev/vda2 quiet\n";
	static const char esc[] = "title Escape\nlinux /k/../../vmlinuz\n";
	char p[768];

	snprintf(dir, n, "%s/bootdir", lt_dir);
	snprintf(p, sizeof(p), "%s/loader", dir);
	if (mkdir(dir, 0700) || mkdir(p, 0700))
		return -1;
	snprintf(p, sizeof(p), "%s/loader/entries", dir);
	if (mkdir(p, 0700))
		return -1;
	snprintf(p, sizeof(p), "%s/k", dir);
	if (mkdir(p, 0700))
		return -1;
	if (put(dir, "loader/loader.conf", conf, sizeof(conf) - 1) ||
	    put(dir, "loader/entries/two.conf", two, sizeof(two) - 1) ||
	    put(dir, "loader/entries/esc.conf", esc, sizeof(esc) - 1) ||
	    put(dir, "k/vmlinuz", fx[FX_BZ_A].buf, fx[FX_BZ_A].len) ||
	    put(dir, "k/ucode", fx[FX_INITRD_C].buf, fx[FX_INITRD_C].len) ||
	    put(dir, "k/initrd", fx[FX_INITRD_A].buf, fx[FX_INITRD_A].len))
		return -1;
	snprintf(p, sizeof(p), "%s/k/outside", dir);
	return symlink("/etc/passwd", p);
}

LT_CASE(boot_api_directory)
{
	struct kx_options o = { .syscall = KX_SYSCALL_CLASSIC };
	struct kx_load_info info;
	struct kx_error err;
	struct kx_boot *b;
	struct kx_load *l;
	char dir[512];
	const char *why;
	int d, e;

	REQUIRE(tree(dir, sizeof(dir)) == 0);
	REQUIRE((b = kx_boot_new(0, &err)) != 0);
	REQUIRE(kx_boot_add_dir(b, dir, &err) == 0);
	REQUIRE(kx_boot_discover(b, &err) == 0);
	CHECK_EQ(kx_boot_count(b), 2);
	CHECK_EQ(kx_boot_timeout(b), 7);
	d = kx_boot_default(b, &why);
	REQUIRE(d >= 0);
	CHECK_STR(kx_boot_get(b, (unsigned)d)->id, "two");
	CHECK_STR(why, "loader.conf default");
	CHECK_EQ(kx_boot_get(b, (unsigned)d)->ninitrd, 2);
	CHECK_EQ(kx_boot_find(b, "Two*", &err), d);
	CHECK_EQ(kx_boot_find(b, "nothing", &err), -1);
	CHECK_EQ(err.code, KX_E_BOOT_MATCH);
	e = kx_boot_find(b, "esc", &err);
	REQUIRE(e >= 0);
	CHECK_EQ(kx_boot_get(b, (unsigned)e)->bad, KX_BOOT_PATH);
	CHECK_STR(kx_boot_bad_name(kx_boot_get(b, (unsigned)e)->bad), "path");
	CHECK_STR(kx_boot_volume(b, 0), dir);
	/* adding after the discovery is out of order */
	CHECK(kx_boot_add_dir(b, dir, &err) == -1 && err.code == KX_E_STATE);

	/* the entry through a load: its files and command line, then the caller's */
	REQUIRE((l = kx_load_new(&o, &err)) != 0);
	CHECK(kx_boot_apply(b, (unsigned)e, 0, l, &err) == -1 && err.code == KX_E_BOOT_BAD);
	REQUIRE(kx_boot_apply(b, (unsigned)d, 0, l, &err) == 0);
	REQUIRE(kx_load_append(l, "kx.extra=1", &err) == 0);
	REQUIRE(kx_load_prepare(l, &err) == 0);
	REQUIRE(kx_load_info(l, &info, &err) == 0);
	CHECK_STR(info.cmdline, "root=/dev/vda2 quiet kx.extra=1");
	CHECK_STR(info.type, "bzimage");
	kx_load_free(l);

	/* an edited command line replaces the entry's */
	REQUIRE((l = kx_load_new(&o, &err)) != 0);
	REQUIRE(kx_boot_apply(b, (unsigned)d, "edited=1", l, &err) == 0);
	REQUIRE(kx_load_prepare(l, &err) == 0);
	REQUIRE(kx_load_info(l, &info, &err) == 0);
	CHECK_STR(info.cmdline, "edited=1");
	kx_load_free(l);
	kx_boot_free(b);
	rm_tree(dir);
}

LT_CASE(boot_api_nothing)
{
	struct kx_error err;
	struct kx_boot *b = kx_boot_new(0, &err);
	char dir[512];

	REQUIRE(b != 0);
	snprintf(dir, sizeof(dir), "%s/emptydir", lt_dir);
	REQUIRE(mkdir(dir, 0700) == 0 || errno == EEXIST);
	REQUIRE(kx_boot_add_dir(b, dir, &err) == 0);
	CHECK(kx_boot_discover(b, &err) == -1);
	CHECK_EQ(err.code, KX_E_BOOT_NONE);
	CHECK_EQ(err.a, 1);
	CHECK(kx_boot_add_dir(b, "/nonexistent-kx", &err) == -1);
	kx_boot_free(b);
	rm_tree(dir);
}
