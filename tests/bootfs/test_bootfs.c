/*
 * libkx/bootfs.c on the host (make bootfs-test): directory volumes and the
 * path rules, with openat2 and with its fallback (KX_FAULT=openat2:ENOSYS).
 * Each case runs in its own child process, in a private mount namespace (a
 * user namespace too where it is not root) with a tmpfs of its own: no real
 * disk is read, mounted or written, and nothing is left mounted. Block
 * devices are exercised in QEMU (tests/e2e, t-kxboot) and by hand with a loop
 * device (tests/bootfs/loop.sh).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "bootfs.h"
#include "t.h"

static char top[64];

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void echo_to(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0) {
		}
		close(fd);
	}
}

/* A private mount namespace with a tmpfs at top, and the tree the cases read:
 *   vol/vmlinuz  vol/empty  vol/big (2 MiB)  vol/loader/entries/{a,b}.conf
 *   vol/inlink -> vmlinuz          vol/inlink2 -> sub/../vmlinuz
 *   vol/abs -> /outside/secret     vol/esc -> ../outside/secret
 *   vol/dirlink -> loader          vol/fifo (a FIFO)
 *   vol/mnt/ (another tmpfs) with vol/mnt/x    vol/many/ (600 files)
 *   outside/secret */
static const char *setup(char *why, size_t n)
{
	char p[256], secret[96];
	unsigned i;

	if (unshare(CLONE_NEWNS)) {
		uid_t uid = getuid();
		gid_t gid = getgid();
		char map[64];
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
			snprintf(why, n, "no private mount namespace: %s", strerror(errno));
			return 0;
		}
		echo_to("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		echo_to("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		echo_to("/proc/self/gid_map", map);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, n, "cannot make / private: %s", strerror(errno));
		return 0;
	}
	/* a tmpfs over /tmp, seen only in this namespace: nothing is left behind */
	snprintf(top, sizeof(top), "/tmp/kx-bootfs-XXXXXX");
	if (mount("kxtest", "/tmp", "tmpfs", 0, "size=16m") || !mkdtemp(top)) {
		snprintf(why, n, "cannot mount a tmpfs: %s", strerror(errno));
		return 0;
	}
#define P(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)
	snprintf(secret, sizeof(secret), "%s/outside/secret", top);
	if (mkdir(P("%s/vol", top), 0755) || mkdir(P("%s/outside", top), 0755) ||
	    mkdir(P("%s/vol/loader", top), 0755) || mkdir(P("%s/vol/loader/entries", top), 0755) ||
	    mkdir(P("%s/vol/sub", top), 0755) || mkdir(P("%s/vol/mnt", top), 0755) ||
	    mkdir(P("%s/vol/many", top), 0755) ||
	    write_file(P("%s/vol/vmlinuz", top), "KERNEL") || write_file(P("%s/vol/empty", top), "") ||
	    write_file(P("%s/vol/loader/entries/a.conf", top), "title A\n") ||
	    write_file(P("%s/vol/loader/entries/b.conf", top), "title B\n") ||
	    write_file(P("%s/outside/secret", top), "SECRET") ||
	    symlink("vmlinuz", P("%s/vol/inlink", top)) ||
	    symlink("sub/../vmlinuz", P("%s/vol/inlink2", top)) ||
	    symlink(secret, P("%s/vol/abs", top)) ||
	    symlink("../outside/secret", P("%s/vol/esc", top)) ||
	    symlink("loader", P("%s/vol/dirlink", top)) || mkfifo(P("%s/vol/fifo", top), 0644) ||
	    write_file(P("%s/vol/big", top), "") || truncate(p, 2 << 20) ||
	    mount("kxinner", P("%s/vol/mnt", top), "tmpfs", 0, "size=1m") ||
	    write_file(P("%s/vol/mnt/x", top), "OTHER FS")) {
		snprintf(why, n, "cannot build the tree (%s): %s", p, strerror(errno));
		return 0;
	}
	for (i = 0; i < 600; i++)
		if (write_file(P("%s/vol/many/f%03u", top, i), "")) {
			snprintf(why, n, "cannot build the tree: %s", strerror(errno));
			return 0;
		}
	snprintf(p, sizeof(p), "%s/vol", top);
	return top;
#undef P
}

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

struct seen { unsigned n, dirs; int a, b, entries, dirlink, fifo; };

static int each(void *arg, const char *name, int is_dir)
{
	struct seen *s = arg;
	s->n++;
	s->dirs += is_dir;
	if (!strcmp(name, "a.conf"))
		s->a = 1;
	if (!strcmp(name, "b.conf"))
		s->b = 1;
	if (!strcmp(name, "loader"))
		s->entries = is_dir;
	if (!strcmp(name, "dirlink"))
		s->dirlink = is_dir ? 1 : -1;
	if (!strcmp(name, "fifo"))
		s->fifo = is_dir ? -1 : 1;
	return 0;
}

static int stop_at_3(void *arg, const char *name, int is_dir)
{
	(void)name, (void)is_dir;
	return ++*(unsigned *)arg == 3;
}

/* The rules both resolvers share; fallback: symlinks are refused too. */
static void rules(int fallback)
{
	static struct kx_vols vs;
	struct kx_boot_fs fs;
	struct kx_error err;
	const uint8_t *b;
	size_t len;
	char why[256], vol[80];
	unsigned fds;
	struct seen s;
	int fd;

	if (!setup(why, sizeof(why)))
		SKIP("%s", why);
	if (fallback)
		setenv("KX_FAULT", "openat2:ENOSYS", 1);
	snprintf(vol, sizeof(vol), "%s/vol", top);
	fds = open_fds();
	kx_vols_init(&vs);
	REQUIRE(kx_vols_add_dir(&vs, vol, &err) == 0);
	CHECK_EQ(vs.n, 1);
	CHECK_STR(vs.v[0].type, "");
	CHECK_STR(vs.v[0].uuid, ""); /* a tmpfs: no block device, no uuid */
	fs = kx_vols_fs(&vs);
	CHECK_STR(fs.name(fs.ctx, 0), vol);
	CHECK_STR(fs.name(fs.ctx, 7), "?");

	/* read: regular files, with and without a leading '/' */
	CHECK_EQ(fs.read(fs.ctx, 0, "/vmlinuz", 1 << 20, &b, &len), 0);
	CHECK(len == 6 && !memcmp(b, "KERNEL", 6));
	CHECK_EQ(fs.read(fs.ctx, 0, "loader//entries/./a.conf", 1 << 20, &b, &len), 0);
	CHECK(len == 8 && !memcmp(b, "title A\n", 8));
	CHECK_EQ(fs.read(fs.ctx, 0, "/empty", 1 << 20, &b, &len), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(fs.read(fs.ctx, 0, "/big", 1 << 20, &b, &len), KX_FS_TOO_BIG);
	CHECK_EQ(fs.read(fs.ctx, 0, "/big", 2 << 20, &b, &len), 0);
	CHECK_EQ(len, 2 << 20);
	CHECK_EQ(fs.read(fs.ctx, 0, "/nothing", 1 << 20, &b, &len), KX_FS_MISSING);
	CHECK_EQ(fs.read(fs.ctx, 0, "/vmlinuz/x", 1 << 20, &b, &len), KX_FS_MISSING);
	CHECK_EQ(fs.read(fs.ctx, 0, "/loader", 1 << 20, &b, &len), KX_FS_MISSING);
	CHECK_EQ(fs.read(fs.ctx, 0, "/fifo", 1 << 20, &b, &len), KX_FS_MISSING); /* and no hang */
	CHECK_EQ(fs.read(fs.ctx, 3, "/vmlinuz", 1 << 20, &b, &len), KX_FS_MISSING);
	/* refused: "..", symlinks out (absolute, relative), another file system */
	CHECK_EQ(fs.read(fs.ctx, 0, "/../outside/secret", 1 << 20, &b, &len), KX_FS_REFUSED);
	CHECK_EQ(fs.read(fs.ctx, 0, "/sub/../vmlinuz", 1 << 20, &b, &len), KX_FS_REFUSED);
	CHECK_EQ(fs.read(fs.ctx, 0, "..", 1 << 20, &b, &len), KX_FS_REFUSED);
	CHECK_EQ(fs.read(fs.ctx, 0, "/abs", 1 << 20, &b, &len), KX_FS_REFUSED);
	CHECK_EQ(fs.read(fs.ctx, 0, "/esc", 1 << 20, &b, &len), KX_FS_REFUSED);
	CHECK_EQ(fs.read(fs.ctx, 0, "/mnt/x", 1 << 20, &b, &len), KX_FS_REFUSED);
	/* symlinks that stay inside: followed by openat2, refused by the fallback */
	CHECK_EQ(fs.read(fs.ctx, 0, "/inlink", 1 << 20, &b, &len), fallback ? KX_FS_REFUSED : 0);
	CHECK_EQ(fs.read(fs.ctx, 0, "/inlink2", 1 << 20, &b, &len), fallback ? KX_FS_REFUSED : 0);
	if (!fallback)
		CHECK(len == 6 && !memcmp(b, "KERNEL", 6));

	/* exists */
	CHECK_EQ(fs.exists(fs.ctx, 0, "/vmlinuz"), 1);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/loader"), 0);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/fifo"), 0);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/nothing"), 0);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/abs"), KX_FS_REFUSED);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/mnt/x"), KX_FS_REFUSED);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/a/../../x"), KX_FS_REFUSED);
	CHECK_EQ(fs.exists(fs.ctx, 0, "/inlink"), fallback ? KX_FS_REFUSED : 1);

	/* list */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(fs.list(fs.ctx, 0, "/loader/entries", each, &s), 0);
	CHECK(s.n == 2 && s.a && s.b && s.dirs == 0);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(fs.list(fs.ctx, 0, "/", each, &s), 0);
	CHECK_EQ(s.entries, 1);
	CHECK_EQ(s.fifo, 1);
	CHECK_EQ(s.dirlink, fallback ? -1 : 1); /* a symlink to a directory inside */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(fs.list(fs.ctx, 0, "", each, &s), 0);
	CHECK(s.entries == 1);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(fs.list(fs.ctx, 0, "/many", each, &s), 0);
	CHECK_EQ(s.n, KX_BOOT_MAX_DIR); /* 600 names, the first 512 given */
	{
		unsigned k = 0;
		CHECK_EQ(fs.list(fs.ctx, 0, "/many", stop_at_3, &k), 0);
		CHECK_EQ(k, 3);
	}
	CHECK_EQ(fs.list(fs.ctx, 0, "/nothing", each, &s), KX_FS_MISSING);
	CHECK_EQ(fs.list(fs.ctx, 0, "/vmlinuz", each, &s), KX_FS_MISSING);
	CHECK_EQ(fs.list(fs.ctx, 0, "/..", each, &s), KX_FS_REFUSED);
	CHECK_EQ(fs.list(fs.ctx, 0, "/mnt", each, &s), KX_FS_REFUSED);
	CHECK_EQ(fs.list(fs.ctx, 0, "/dirlink", each, &s), fallback ? KX_FS_REFUSED : 0);

	/* find: a file on the first volume that has it; uuid/label: none on a tmpfs */
	CHECK_EQ(fs.find(fs.ctx, KX_FIND_FILE, "/loader/entries/a.conf"), 0);
	CHECK_EQ(fs.find(fs.ctx, KX_FIND_FILE, "/nothing"), -1);
	CHECK_EQ(fs.find(fs.ctx, KX_FIND_UUID, ""), -1);
	CHECK_EQ(fs.find(fs.ctx, KX_FIND_LABEL, "x"), -1);

	/* open: a read-only descriptor; refusals and misses as error codes */
	fd = kx_vols_open(&vs, 0, "/vmlinuz", &err);
	CHECK(fd >= 0);
	if (fd >= 0) {
		char t[8] = "";
		CHECK_EQ(read(fd, t, sizeof(t)), 6);
		CHECK_EQ(write(fd, "x", 1), -1);
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
	CHECK_EQ(kx_vols_open(&vs, 0, "/esc", &err), -1);
	CHECK_EQ(err.code, KX_E_BOOT_PATH);
	CHECK(strstr(err.subject, "/esc") != 0);
	CHECK_EQ(kx_vols_open(&vs, 0, "/nothing", &err), -1);
	CHECK_EQ(err.code, KX_E_FILE);
	CHECK_EQ(err.sys_errno, ENOENT);
	CHECK_EQ(kx_vols_open(&vs, 0, "/fifo", &err), -1);
	CHECK_EQ(err.code, KX_E_FILE);
	CHECK_EQ(kx_vols_open(&vs, 0, "/loader", &err), -1);
	CHECK_EQ(err.sys_errno, EISDIR);
	CHECK_EQ(kx_vols_open(&vs, 0, "/mnt/x", &err), -1);
	CHECK_EQ(err.code, KX_E_BOOT_PATH);

	/* what was read stays mapped until kx_vols_free; every descriptor closed */
	CHECK_EQ(fs.read(fs.ctx, 0, "/vmlinuz", 64, &b, &len), 0);
	CHECK(vs.nmap > 0);
	CHECK_EQ(b[0], 'K');
	kx_vols_free(&vs);
	CHECK_EQ(vs.n, 0);
	CHECK_EQ(vs.nmap, 0);
	CHECK_EQ(open_fds(), fds);
}

TEST(bootfs_dir_openat2) { rules(0); }
TEST(bootfs_dir_fallback) { rules(1); }

/* The mapping table: full means KX_FS_ERROR, never an overrun. */
TEST(bootfs_map_table_full)
{
	static struct kx_vols vs;
	struct kx_boot_fs fs;
	const uint8_t *b;
	size_t len;
	char why[256], vol[80];
	unsigned i, cap = sizeof(vs.map) / sizeof(vs.map[0]);

	if (!setup(why, sizeof(why)))
		SKIP("%s", why);
	snprintf(vol, sizeof(vol), "%s/vol", top);
	kx_vols_init(&vs);
	REQUIRE(kx_vols_add_dir(&vs, vol, 0) == 0);
	fs = kx_vols_fs(&vs);
	for (i = 0; i < cap; i++)
		if (!CHECK_EQ(fs.read(fs.ctx, 0, "/vmlinuz", 64, &b, &len), 0))
			break;
	CHECK_EQ(fs.read(fs.ctx, 0, "/vmlinuz", 64, &b, &len), KX_FS_ERROR);
	CHECK_EQ(fs.read(fs.ctx, 0, "/empty", 64, &b, &len), 0); /* nothing to map */
	kx_vols_free(&vs);
}

/* Volumes kx cannot take: errors with codes, nothing added, no block device touched. */
TEST(bootfs_add_errors)
{
	static struct kx_vols vs;
	struct kx_error err;
	char why[256], p[96];
	unsigned i;

	if (!setup(why, sizeof(why)))
		SKIP("%s", why);
	kx_vols_init(&vs);
	snprintf(p, sizeof(p), "%s/nothing", top);
	CHECK_EQ(kx_vols_add_dir(&vs, p, &err), -1);
	CHECK_EQ(err.code, KX_E_FILE);
	CHECK_EQ(err.sys_errno, ENOENT);
	snprintf(p, sizeof(p), "%s/vol/vmlinuz", top);
	CHECK_EQ(kx_vols_add_dir(&vs, p, &err), -1);
	CHECK_EQ(err.sys_errno, ENOTDIR);
	/* a regular file and a character device are not block devices */
	CHECK_EQ(kx_vols_add_device(&vs, p, &err), -1);
	CHECK_EQ(err.code, KX_E_FILE);
	CHECK_EQ(err.sys_errno, ENOTBLK);
	CHECK_EQ(kx_vols_add_device(&vs, "/dev/null", &err), -1);
	CHECK_EQ(err.sys_errno, ENOTBLK);
	snprintf(p, sizeof(p), "%s/none", top);
	CHECK_EQ(kx_vols_add_device(&vs, p, &err), -1);
	CHECK_EQ(err.sys_errno, ENOENT);
	CHECK_EQ(vs.n, 0);
	/* the table holds KX_BOOT_MAX_VOLS */
	snprintf(p, sizeof(p), "%s/vol", top);
	for (i = 0; i < KX_BOOT_MAX_VOLS; i++)
		if (!CHECK_EQ(kx_vols_add_dir(&vs, p, &err), 0))
			break;
	CHECK_EQ(kx_vols_add_dir(&vs, p, &err), -1);
	CHECK_EQ(err.code, KX_E_TOO_MANY);
	CHECK_EQ(vs.n, KX_BOOT_MAX_VOLS);
	kx_vols_free(&vs);
}

/* A directory's uuid, label and partuuid come from udev's /dev/disk links
 * (its device is never opened): a fake /dev on a tmpfs in this namespace,
 * with a node of the same numbers as the device "/" is on (stat only). */
TEST(bootfs_dir_udev_names)
{
	static struct kx_vols vs;
	struct stat st;
	char why[256], node[64];

	if (!setup(why, sizeof(why)))
		SKIP("%s", why);
	if (stat("/", &st) || !major(st.st_dev))
		SKIP("/ is not on a block device here");
	if (mount("kxdev", "/dev", "tmpfs", 0, "size=1m") || mkdir("/dev/disk", 0755) ||
	    mkdir("/dev/disk/by-uuid", 0755) || mkdir("/dev/disk/by-label", 0755) ||
	    mkdir("/dev/disk/by-partuuid", 0755))
		SKIP("cannot make a private /dev: %s", strerror(errno));
	snprintf(node, sizeof(node), "/dev/fake%u", minor(st.st_dev));
	if (mknod(node, S_IFBLK | 0600, st.st_dev) || mknod("/dev/other", S_IFBLK | 0600, makedev(7, 200)))
		SKIP("cannot make a device node here: %s", strerror(errno));
	REQUIRE(!symlink("../../other", "/dev/disk/by-uuid/99999999-0000-4000-8000-000000000000"));
	REQUIRE(!symlink(node, "/dev/disk/by-uuid/0e0e0e0e-0000-4000-8000-000000000001"));
	REQUIRE(!symlink(node, "/dev/disk/by-label/my\\x20boot"));
	REQUIRE(!symlink(node, "/dev/disk/by-partuuid/a1b2c3d4-01"));
	kx_vols_init(&vs);
	REQUIRE(kx_vols_add_dir(&vs, "/", 0) == 0);
	CHECK_STR(vs.v[0].uuid, "0e0e0e0e-0000-4000-8000-000000000001");
	CHECK_STR(vs.v[0].label, "my boot");
	CHECK_STR(vs.v[0].partuuid, "a1b2c3d4-01");
	CHECK_STR(vs.v[0].type, "");
	CHECK_EQ(vs.v[0].mounted, 0);
	{
		struct kx_boot_fs fs = kx_vols_fs(&vs);
		CHECK_EQ(fs.find(fs.ctx, KX_FIND_UUID, "0E0E0E0E-0000-4000-8000-000000000001"), 0);
		CHECK_EQ(fs.find(fs.ctx, KX_FIND_LABEL, "my boot"), 0);
		CHECK_EQ(fs.find(fs.ctx, KX_FIND_LABEL, "MY BOOT"), -1); /* labels: exact */
		CHECK_EQ(fs.find(fs.ctx, KX_FIND_PARTUUID, "A1B2C3D4-01"), 0);
		CHECK_EQ(fs.find(fs.ctx, KX_FIND_UUID, "99999999-0000-4000-8000-000000000000"), -1);
	}
	kx_vols_free(&vs);
}
