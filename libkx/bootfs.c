/*
 * kx boot's volumes (bootfs.h, docs/bootfs.md): directories it is given and
 * block devices it mounts itself, read-only, without replaying a journal, as
 * detached mounts; and every file read beneath a volume's root, never out
 * of it.
 *
 * Mounting: fsopen/fsconfig/fsmount (Linux 5.2) make a mount that is in no
 * mount namespace: its descriptor is the volume's root and closing it
 * unmounts it. Where fsopen is missing (ENOSYS), the process moves into a
 * private mount namespace of its own (once) and mounts on a fresh directory
 * under /run/kx (or /tmp), unmounted (MNT_DETACH) and removed when freed.
 *
 * Paths: openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
 * from the root (Linux 5.6): "..", absolute symlinks and symlinks or mounts
 * leading out are refused (EXDEV, ELOOP). Where openat2 is missing, the path
 * is walked one component at a time with O_NOFOLLOW: every symlink and every
 * ".." is refused, and so is a component on another device: stricter.
 * A file is opened O_PATH first and only reopened for reading once it is
 * known to be a regular file (opening a device node or a FIFO can block or
 * act).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <kx/bytes.h>
#include "bootfs.h"
#include "load.h"

/* the new mount API and openat2: numbers shared by every architecture, and
 * flags under kx's own names (the C library's headers may or may not have them) */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_getdents64
#define SYS_getdents64 __NR_getdents64
#endif
struct open_how_ { uint64_t flags, mode, resolve; };
#define RES_NO_XDEV       0x01
#define RES_NO_MAGICLINKS 0x02
#define RES_BENEATH       0x08
#define FSOPEN_CLOEXEC_   0x1
#define FSMOUNT_CLOEXEC_  0x1
#define FSCONFIG_FLAG_    0
#define FSCONFIG_STRING_  1
#define FSCONFIG_CREATE_  6
#define MA_RDONLY         0x1
#define MA_NOSUID         0x2
#define MA_NODEV          0x4
#define MA_NOEXEC         0x8

static void note(struct kx_vols *vs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct kx_vols *vs, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!vs->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vs->log(vs->log_arg, KX_LOG_DEBUG, line);
}

/* src into dst[cap], cut short if need be (a btrfs label can be 255 bytes;
 * struct kx_vol keeps 63) */
static void copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}

void kx_vols_init(struct kx_vols *vs)
{
	unsigned i;

	memset(vs, 0, sizeof(*vs));
	for (i = 0; i < KX_BOOT_MAX_VOLS; i++)
		vs->v[i].root = -1;
}

static struct kx_vol *next_vol(struct kx_vols *vs, struct kx_error *err)
{
	struct kx_vol *v;

	if (vs->n >= KX_BOOT_MAX_VOLS) {
		fail_n(err, KX_E_TOO_MANY, 0, KX_BOOT_MAX_VOLS, 0, 0, 0);
		err->what = "volumes";
		return 0;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof(*v));
	v->root = -1;
	return v;
}

/* ---- resolving paths beneath a root ------------------------------------------------ */

/* One component after another from root, refusing "..", every symlink and
 * every component on another device; the last opened with flags. */
static int walk(int root, const char *p, int flags)
{
	char name[NAME_MAX + 1] = ".";
	struct stat rs, st;
	int cur, fd;

	if (fstat(root, &rs))
		return -errno;
	if ((cur = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	for (;;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			p++;
			continue;
		}
		if ((n == 2 && p[0] == '.' && p[1] == '.') || n > NAME_MAX) {
			close(cur);
			return n > NAME_MAX ? -ENAMETOOLONG : -EXDEV;
		}
		if (strcmp(name, ".")) {
			/* the previous component was not the last: a directory to go through */
			fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &st)) {
				int e = -errno;
				if (fd >= 0)
					close(fd);
				close(cur);
				return e;
			}
			close(cur);
			cur = fd;
			fd = S_ISLNK(st.st_mode) ? -ELOOP : st.st_dev != rs.st_dev ? -EXDEV :
			     !S_ISDIR(st.st_mode) ? -ENOTDIR : 0;
			if (fd) {
				close(cur);
				return fd;
			}
		}
		memcpy(name, p, n);
		name[n] = 0;
		p += n;
	}
	fd = openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY));
	if (fd < 0) {
		/* O_NOFOLLOW on a symlink: ELOOP, or ENOTDIR with O_DIRECTORY */
		int e = -errno;
		if (!fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
			e = -ELOOP;
		close(cur);
		return e;
	}
	close(cur);
	if (fstat(fd, &st) || S_ISLNK(st.st_mode) || st.st_dev != rs.st_dev) {
		int e = S_ISLNK(st.st_mode) ? -ELOOP : -EXDEV;
		close(fd);
		return e;
	}
	return fd;
}

/*
 * path (absolute from the volume's root; "" or "/" is the root) opened with
 * flags beneath root: a descriptor, or -errno (-EXDEV, -ELOOP: refused).
 */
static int open_beneath(int root, const char *path, int flags)
{
	struct open_how_ how;
	const char *p = path, *q;
	int fd, e, tries;

	while (*p == '/')
		p++;
	if (!*p)
		p = ".";
	if (strlen(p) >= PATH_MAX)
		return -ENAMETOOLONG;
	/* ".." written in a path is refused even where it would stay inside
	 * (as kx_boot_fs says); a symlink's ".." that stays inside is fine */
	for (q = p; *q; q += strcspn(q, "/"), q += *q == '/')
		if (q[0] == '.' && q[1] == '.' && (q[2] == '/' || !q[2]))
			return -EXDEV;
	e = sys_fault("openat2");
	for (tries = 0; !e && tries < 4; tries++) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY));
		how.resolve = RES_BENEATH | RES_NO_MAGICLINKS | RES_NO_XDEV;
		fd = (int)syscall(SYS_openat2, root, p, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno == ENOSYS || errno == EPERM) /* EPERM: a seccomp filter that does
							 not know openat2 (old containers) */
			break;
		if (errno != EAGAIN) /* EAGAIN: a rename raced with ".." */
			return -errno;
	}
	if (e && e != -ENOSYS)
		return e;
	return walk(root, p, flags);
}

static int vol_root(struct kx_vols *vs, unsigned vol)
{
	return vol < vs->n ? vs->v[vol].root : -1;
}

static int fs_code(int e)
{
	switch (e) {
	case -EXDEV:
	case -ELOOP:
		return KX_FS_REFUSED;
	case -ENOENT:
	case -ENOTDIR:
	case -ENAMETOOLONG:
		return KX_FS_MISSING;
	default:
		return KX_FS_ERROR;
	}
}

/* A regular file beneath the volume, open for reading, and its stat: fd or -errno
 * (-EISDIR/-ENODEV for a directory or anything not a regular file). */
static int open_file(struct kx_vols *vs, unsigned vol, const char *path, struct stat *st)
{
	struct stat st2;
	int root = vol_root(vs, vol), fd, rd;

	if (root < 0)
		return -ENOENT;
	if ((fd = open_beneath(root, path, O_PATH)) < 0)
		return fd;
	if (fstat(fd, st)) {
		int e = -errno;
		close(fd);
		return e;
	}
	close(fd);
	if (!S_ISREG(st->st_mode))
		return S_ISDIR(st->st_mode) ? -EISDIR : -ENODEV;
	if ((rd = open_beneath(root, path, O_RDONLY | O_NONBLOCK)) < 0)
		return rd;
	if (fstat(rd, &st2) || st2.st_dev != st->st_dev || st2.st_ino != st->st_ino) {
		close(rd);
		return -EAGAIN; /* replaced between the two opens */
	}
	*st = st2;
	return rd;
}

/* ---- struct kx_boot_fs ------------------------------------------------------------- */

static int fs_read(void *ctx, unsigned vol, const char *path, size_t max, const uint8_t **buf,
		   size_t *len)
{
	struct kx_vols *vs = ctx;
	struct stat st;
	void *p;
	int fd = open_file(vs, vol, path, &st);

	if (fd < 0)
		return fd == -EISDIR || fd == -ENODEV ? KX_FS_MISSING : fs_code(fd);
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return KX_FS_TOO_BIG;
	}
	if (st.st_size == 0) {
		close(fd);
		*buf = (const uint8_t *)"";
		*len = 0;
		return 0;
	}
	if (vs->nmap >= sizeof(vs->map) / sizeof(vs->map[0])) {
		close(fd);
		note(vs, "boot volumes: more than %u files read; %s not read",
		     (unsigned)(sizeof(vs->map) / sizeof(vs->map[0])), path);
		return KX_FS_ERROR;
	}
	p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return KX_FS_ERROR;
	vs->map[vs->nmap].p = p;
	vs->map[vs->nmap].len = (size_t)st.st_size;
	vs->nmap++;
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

static int fs_exists(void *ctx, unsigned vol, const char *path)
{
	struct kx_vols *vs = ctx;
	struct stat st;
	int root = vol_root(vs, vol), fd;

	int r;

	if (root < 0)
		return 0;
	if ((fd = open_beneath(root, path, O_PATH)) < 0)
		return fs_code(fd) == KX_FS_REFUSED ? KX_FS_REFUSED : 0;
	r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return r;
}

struct dirent64_ {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int fs_list(void *ctx, unsigned vol, const char *dir,
		   int (*each)(void *arg, const char *name, int is_dir), void *arg)
{
	struct kx_vols *vs = ctx;
	int root = vol_root(vs, vol), fd;
	unsigned count = 0;
	char buf[8192] __attribute__((aligned(8)));

	if (root < 0)
		return KX_FS_MISSING;
	if ((fd = open_beneath(root, dir, O_RDONLY | O_DIRECTORY)) < 0)
		return fs_code(fd);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf)), off;
		if (n < 0) {
			close(fd);
			return KX_FS_ERROR;
		}
		if (n == 0)
			break;
		for (off = 0; off + (long)sizeof(struct dirent64_) <= n;) {
			struct dirent64_ *d = (struct dirent64_ *)(buf + off);
			int is_dir;
			if (d->reclen < sizeof(*d) || d->reclen > n - off)
				break;
			off += d->reclen;
			if (!strcmp(d->name, ".") || !strcmp(d->name, ".."))
				continue;
			is_dir = d->type == 4; /* DT_DIR */
			if (d->type == 10 || d->type == 0) { /* DT_LNK, DT_UNKNOWN: what it leads to */
				char full[PATH_MAX];
				struct stat st;
				int f;
				if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, d->name) < sizeof(full) &&
				    (f = open_beneath(root, full, O_PATH)) >= 0) {
					is_dir = !fstat(f, &st) && S_ISDIR(st.st_mode);
					close(f);
				}
			}
			if (each(arg, d->name, is_dir) || ++count >= KX_BOOT_MAX_DIR) {
				close(fd);
				return 0;
			}
		}
	}
	close(fd);
	return 0;
}

static int fs_find(void *ctx, enum kx_boot_find how, const char *value)
{
	struct kx_vols *vs = ctx;
	unsigned i;

	if (!value || !*value)
		return -1;
	for (i = 0; i < vs->n; i++) {
		const struct kx_vol *v = &vs->v[i];
		if ((how == KX_FIND_UUID && v->uuid[0] && !strcasecmp(v->uuid, value)) ||
		    (how == KX_FIND_LABEL && v->label[0] && !strcmp(v->label, value)) ||
		    (how == KX_FIND_PARTUUID && v->partuuid[0] && !strcasecmp(v->partuuid, value)) ||
		    (how == KX_FIND_FILE && fs_exists(ctx, i, value) == 1))
			return (int)i;
	}
	return -1;
}

static const char *fs_name(void *ctx, unsigned vol)
{
	struct kx_vols *vs = ctx;
	return vol < vs->n ? vs->v[vol].name : "?";
}

struct kx_boot_fs kx_vols_fs(struct kx_vols *vs)
{
	struct kx_boot_fs fs = { vs, fs_read, fs_list, fs_exists, fs_find, fs_name };
	return fs;
}

int kx_vols_open(struct kx_vols *vs, unsigned vol, const char *path, struct kx_error *err)
{
	struct stat st;
	char subject[PATH_MAX + 160];
	int fd;

	ERR_OR_DUMMY(err);
	fd = open_file(vs, vol, path, &st);
	if (fd >= 0) {
		/* back to blocking reads */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		return fd;
	}
	snprintf(subject, sizeof(subject), "%s%s%s", fs_name(vs, vol),
		 vol < vs->n && vs->v[vol].type[0] ? ":" : "", path);
	if (fs_code(fd) == KX_FS_REFUSED)
		return fail(err, KX_E_BOOT_PATH, 0, subject);
	return fail_file(err, "boot file", subject, fd == -ENODEV ? -EINVAL : fd);
}

/* ---- sysfs: the device's numbers, its partition number, its disk ------------------- */

/* /sys/dev/block/MAJ:MIN/FILE as text (trailing newline dropped): 0 or -errno */
static int sysdev_text(dev_t rdev, const char *file, char *buf, size_t cap)
{
	char path[96];
	size_t n;
	int e;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s", major(rdev), minor(rdev), file);
	if ((e = sys_read_text(path, buf, cap, &n)))
		return e;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* Read the first bytes of a block device (already open): bytes read, or -errno. */
static long read_head(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t r = pread(fd, buf + got, cap - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return got ? (long)got : -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

/* The PARTUUID of the partition rdev, from its disk's table (sysfs names the disk). */
static void partuuid(struct kx_vols *vs, dev_t rdev, char *out, size_t cap, uint8_t *buf)
{
	char num[16], link[PATH_MAX], path[96], disk[PATH_MAX + 8], u[40];
	char *slash;
	ssize_t n;
	long got;
	int fd;

	out[0] = 0;
	if (sysdev_text(rdev, "partition", num, sizeof(num)))
		return; /* a whole disk */
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
		return;
	link[n] = 0;
	/* .../block/vda/vda1: the disk is the parent directory's name */
	if (!(slash = strrchr(link, '/')))
		return;
	*slash = 0;
	if (!(slash = strrchr(link, '/')))
		return;
	snprintf(disk, sizeof(disk), "/dev/%s", slash + 1);
	for (slash = disk + 5; *slash; slash++)
		if (*slash == '!')
			*slash = '/';
	if ((fd = open(disk, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		note(vs, "boot volumes: %s: %s; no PARTUUID", disk, strerror(errno));
		return;
	}
	got = read_head(fd, buf, KX_FSPROBE_LEN);
	close(fd);
	if (got > 0 && kx_partuuid(buf, (size_t)got, (unsigned)atoi(num), u))
		snprintf(out, cap, "%s", u);
}

/* ---- mounting ---------------------------------------------------------------------- */

/* The no-journal-replay option of a type: key, value (NULL: a flag); alternatives in order. */
struct mopt { const char *key, *val; };

static const struct mopt *noreplay(const char *mtype)
{
	static const struct mopt ext4[] = { { "noload", 0 }, { 0, 0 } };
	static const struct mopt xfs[] = { { "norecovery", 0 }, { 0, 0 } };
	static const struct mopt btrfs[] = { { "rescue", "nologreplay" }, { "nologreplay", 0 }, { 0, 0 } };
	static const struct mopt none[] = { { 0, 0 } };

	if (!strcmp(mtype, "ext4") || !strcmp(mtype, "ext3"))
		return ext4;
	if (!strcmp(mtype, "xfs"))
		return xfs;
	if (!strcmp(mtype, "btrfs"))
		return btrfs;
	return none;
}

/* The mount type for a probed type: ext2 and ext3 through the ext4 driver. */
static const char *mount_type(const char *type)
{
	return !strcmp(type, "ext2") || !strcmp(type, "ext3") ? "ext4" : type;
}

/* A detached read-only mount: its root (O_PATH), or -errno. */
static int mount_detached(const char *mtype, const char *dev)
{
	const struct mopt *o = noreplay(mtype);
	int fs, mnt, e;

	if ((e = sys_fault("fsopen")))
		return e;
	if ((fs = (int)syscall(SYS_fsopen, mtype, FSOPEN_CLOEXEC_)) < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_STRING_, "source", dev, 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_FLAG_, "ro", NULL, 0))
		goto fail;
	/* the first alternative the driver takes (btrfs: rescue=nologreplay
	 * since 5.9, nologreplay before) */
	for (; o->key; o++) {
		if (!syscall(SYS_fsconfig, fs, o->val ? FSCONFIG_STRING_ : FSCONFIG_FLAG_, o->key,
			     o->val, 0))
			break;
		if (errno != EINVAL || !o[1].key)
			goto fail;
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CREATE_, NULL, NULL, 0))
		goto fail;
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC_, MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC);
	if (mnt < 0)
		goto fail;
	close(fs);
	return mnt;
fail:
	e = -errno;
	close(fs);
	return e;
}

/* Without fsopen: mount(2) in a private mount namespace on a fresh directory. */
static int mount_classic(struct kx_vols *vs, struct kx_vol *v, const char *mtype, const char *dev)
{
	static const char *const bases[] = { "/run/kx", "/tmp" };
	const struct mopt *o = noreplay(mtype);
	char opts[64];
	unsigned i;
	int fd;

	if (!vs->namespace_done) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return -errno;
		vs->namespace_done = 1;
		note(vs, "boot volumes: no fsopen: mounting in a private mount namespace");
	}
	(void)mkdir("/run/kx", 0700);
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(v->mnt, sizeof(v->mnt), "%s/vol-XXXXXX", bases[i]);
		if (mkdtemp(v->mnt))
			break;
	}
	if (i == sizeof(bases) / sizeof(bases[0])) {
		v->mnt[0] = 0;
		return -errno;
	}
	for (;;) {
		if (o->key)
			snprintf(opts, sizeof(opts), o->val ? "%s=%s" : "%s", o->key, o->val);
		else
			opts[0] = 0;
		if (!mount(dev, v->mnt, mtype, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   opts[0] ? opts : NULL))
			break;
		if (errno != EINVAL || !o->key || !o[1].key) {
			int e = -errno;
			rmdir(v->mnt);
			v->mnt[0] = 0;
			return e;
		}
		o++;
	}
	if ((fd = open(v->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int e = -errno;
		umount2(v->mnt, MNT_DETACH);
		rmdir(v->mnt);
		v->mnt[0] = 0;
		return e;
	}
	return fd;
}

/*
 * Probe and mount dev (open as fd, the block device rdev); fills the next
 * volume. buf: KX_FSPROBE_LEN bytes of scratch.
 */
static int add_device(struct kx_vols *vs, const char *dev, int fd, dev_t rdev, uint8_t *buf,
		      struct kx_error *err)
{
	struct kx_fsinfo fi;
	struct kx_vol *v;
	enum kx_probe r;
	const char *mtype;
	long got;
	int root;

	if (!(v = next_vol(vs, err)))
		return -1;
	if ((got = read_head(fd, buf, KX_FSPROBE_LEN)) < 0)
		return fail_file(err, "device", dev, (int)got);
	r = kx_fsprobe(buf, (size_t)got, &fi);
	if (r != KX_PROBE_FS) {
		fail(err, KX_E_MOUNT, r == KX_PROBE_NONE ? "no file system kx knows" : "", dev);
		if (r != KX_PROBE_NONE) {
			/* the type's name in the error: static storage is needed for what */
			static const char *const names[] = { "gpt", "dos", "swap", "crypto_LUKS",
							     "LVM2_member", "linux_raid_member", "ntfs",
							     "exfat", "jbd" };
			unsigned i;
			err->what = "not a file system kx mounts";
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (!strcmp(names[i], fi.type))
					err->what = names[i];
		}
		err->sys_errno = ENODEV;
		err->a = 1; /* not a file system kx mounts: nothing was tried */
		return -1;
	}
	mtype = mount_type(fi.type);
	root = mount_detached(mtype, dev);
	if (root == -ENODEV && strcmp(mtype, fi.type))
		root = mount_detached(mtype = fi.type, dev); /* no ext4 driver: ext2/ext3's own */
	if (root == -ENOSYS) {
		root = mount_classic(vs, v, mtype, dev);
		if (root == -ENODEV && strcmp(mtype, fi.type))
			root = mount_classic(vs, v, mtype = fi.type, dev);
	}
	if (root < 0) {
		static const char *const types[] = { "ext4", "ext3", "ext2", "vfat", "xfs", "btrfs",
						     "iso9660" };
		unsigned i;
		fail(err, KX_E_MOUNT, "?", dev);
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(types[i], mtype))
				err->what = types[i];
		err->sys_errno = -root;
		return -1;
	}
	v->root = root;
	v->mounted = 1;
	copy(v->name, sizeof(v->name), dev);
	copy(v->type, sizeof(v->type), fi.type);
	copy(v->uuid, sizeof(v->uuid), fi.uuid);
	copy(v->label, sizeof(v->label), fi.label);
	partuuid(vs, rdev, v->partuuid, sizeof(v->partuuid), buf);
	vs->n++;
	note(vs, "boot volumes: %s: %s uuid=%s label=%s partuuid=%s, mounted read-only%s", dev,
	     fi.type, v->uuid, v->label, v->partuuid, v->mnt[0] ? " on " : " (detached)");
	if (v->mnt[0])
		note(vs, "boot volumes: %s is on %s", dev, v->mnt);
	return 0;
}

int kx_vols_add_device(struct kx_vols *vs, const char *dev, struct kx_error *err)
{
	struct stat st;
	uint8_t *buf;
	int fd, r;

	ERR_OR_DUMMY(err);
	if ((fd = open(dev, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return fail_file(err, "device", dev, -errno);
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		close(fd);
		return fail_file(err, "device", dev, -ENOTBLK);
	}
	if (!(buf = sys_alloc(KX_FSPROBE_LEN))) {
		close(fd);
		return fail_n(err, KX_E_NO_MEMORY, 0, KX_FSPROBE_LEN, 0, 0, 0);
	}
	r = add_device(vs, dev, fd, st.st_rdev, buf, err);
	sys_free(buf, KX_FSPROBE_LEN);
	close(fd);
	return r;
}

/* ---- directories ------------------------------------------------------------------- */

/* udev's name for a device in /dev/disk/by-KIND whose node is rdev, into
 * out (udev's \xHH escapes undone), or "" */
static void udev_name(const char *kind, dev_t rdev, char *out, size_t cap)
{
	char dir[64], path[64 + 256], d[4096] __attribute__((aligned(8)));
	struct stat st;
	long n, off;
	int fd;

	out[0] = 0;
	snprintf(dir, sizeof(dir), "/dev/disk/by-%s", kind);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	while ((n = syscall(SYS_getdents64, fd, d, sizeof(d))) > 0)
		for (off = 0; off + (long)sizeof(struct dirent64_) <= n;) {
			struct dirent64_ *e = (struct dirent64_ *)(d + off);
			size_t i, o = 0;
			if (e->reclen < sizeof(*e) || e->reclen > n - off)
				break;
			off += e->reclen;
			if (e->name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->name);
			if (stat(path, &st) || !S_ISBLK(st.st_mode) || st.st_rdev != rdev)
				continue;
			for (i = 0; e->name[i] && o + 1 < cap; i++) {
				int hi, lo;
				if (e->name[i] == '\\' && e->name[i + 1] == 'x' &&
				    (hi = kx_hexval(e->name[i + 2])) >= 0 &&
				    (lo = kx_hexval(e->name[i + 3])) >= 0) {
					out[o++] = (char)(hi << 4 | lo);
					i += 3;
				} else {
					out[o++] = e->name[i];
				}
			}
			out[o] = 0;
			close(fd);
			return;
		}
	close(fd);
}

/* The file system a directory is on, where it is a block device: its uuid,
 * label and partuuid as udev names them in /dev/disk (a directory's device
 * is never read: without udev, a directory has no uuid; kx boot --scan or a
 * device name gives one). */
static void dir_identity(struct kx_vols *vs, struct kx_vol *v)
{
	struct stat st;

	if (fstat(v->root, &st) || !major(st.st_dev))
		return; /* not on a block device (tmpfs, nfs, overlay, btrfs's anonymous devices) */
	udev_name("uuid", st.st_dev, v->uuid, sizeof(v->uuid));
	udev_name("label", st.st_dev, v->label, sizeof(v->label));
	udev_name("partuuid", st.st_dev, v->partuuid, sizeof(v->partuuid));
	if (v->uuid[0] || v->label[0] || v->partuuid[0])
		note(vs, "boot volumes: %s is on %u:%u uuid=%s label=%s partuuid=%s", v->name,
		     major(st.st_dev), minor(st.st_dev), v->uuid, v->label, v->partuuid);
}

int kx_vols_add_dir(struct kx_vols *vs, const char *dir, struct kx_error *err)
{
	struct kx_vol *v;
	int fd;

	ERR_OR_DUMMY(err);
	if (!(v = next_vol(vs, err)))
		return -1;
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail_file(err, "boot directory", dir, -errno);
	v->root = fd;
	copy(v->name, sizeof(v->name), dir);
	dir_identity(vs, v);
	vs->n++;
	return 0;
}

/* ---- every block device ------------------------------------------------------------ */

#define SCAN_MAX 1024
#define SCAN_NAME 32

/* Why the block device `name` is not looked at, or NULL. */
static const char *skip_reason(const char *name, char *buf, size_t cap)
{
	char path[160], t[64];
	int fd;
	long n;

	if (!strncmp(name, "ram", 3) || !strncmp(name, "zram", 4))
		return "a RAM disk";
	if (!strncmp(name, "fd", 2) && name[2] >= '0' && name[2] <= '9')
		return "a floppy drive";
	if (!strncmp(name, "loop", 4)) {
		snprintf(path, sizeof(path), "/sys/class/block/%s/loop/backing_file", name);
		if (access(path, F_OK))
			return "a loop device with no file";
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	if (sys_read_text(path, t, sizeof(t), 0) || strtoull(t, 0, 10) == 0)
		return "empty (no medium)";
	/* a part of an md array or a device-mapper device (LVM, crypt, multipath) */
	snprintf(path, sizeof(path), "/sys/class/block/%s/holders", name);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		char d[1024] __attribute__((aligned(8)));
		long off;
		while ((n = syscall(SYS_getdents64, fd, d, sizeof(d))) > 0)
			for (off = 0; off + (long)sizeof(struct dirent64_) <= n;) {
				struct dirent64_ *e = (struct dirent64_ *)(d + off);
				if (e->reclen < sizeof(*e) || e->reclen > n - off)
					break;
				off += e->reclen;
				if (strcmp(e->name, ".") && strcmp(e->name, "..")) {
					snprintf(buf, cap, "in use by %s", e->name);
					close(fd);
					return buf;
				}
			}
		close(fd);
	}
	return 0;
}

/* The disk a partition is on ("vda" for "vda1"), from sysfs: 1, or 0 for a
 * whole disk. */
static int parent_name(const char *name, char *out, size_t cap)
{
	char path[96], link[PATH_MAX], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (access(path, F_OK))
		return 0;
	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
		return 0;
	link[n] = 0;
	/* .../block/vda/vda1 */
	if (!(slash = strrchr(link, '/')))
		return 0;
	*slash = 0;
	if (!(slash = strrchr(link, '/')) || strlen(slash + 1) >= cap)
		return 0;
	memcpy(out, slash + 1, strlen(slash + 1) + 1);
	for (slash = out; *slash; slash++)
		if (*slash == '!') /* sysfs's cciss!c0d0 is /dev/cciss/c0d0 */
			*slash = '/';
	return 1;
}

int kx_vols_scan(struct kx_vols *vs, struct kx_error *err)
{
	char (*names)[SCAN_NAME];
	uint8_t *buf;
	unsigned n = 0, i, j, first = vs->n;
	size_t size = SCAN_MAX * SCAN_NAME + KX_FSPROBE_LEN;
	int fd;
	long got;

	ERR_OR_DUMMY(err);
	if ((fd = open("/sys/class/block", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail_file(err, "block devices", "/sys/class/block", -errno);
	if (!(names = sys_alloc(size))) {
		close(fd);
		return fail_n(err, KX_E_NO_MEMORY, 0, size, 0, 0, 0);
	}
	buf = (uint8_t *)names + SCAN_MAX * SCAN_NAME;
	for (;;) {
		char d[4096] __attribute__((aligned(8)));
		long off;
		if ((got = syscall(SYS_getdents64, fd, d, sizeof(d))) <= 0)
			break;
		for (off = 0; off + (long)sizeof(struct dirent64_) <= got;) {
			struct dirent64_ *e = (struct dirent64_ *)(d + off);
			if (e->reclen < sizeof(*e) || e->reclen > got - off)
				break;
			off += e->reclen;
			if (e->name[0] == '.' || strlen(e->name) >= SCAN_NAME)
				continue;
			if (n >= SCAN_MAX) {
				note(vs, "boot volumes: more than %u block devices; the rest not looked at",
				     SCAN_MAX);
				break;
			}
			snprintf(names[n++], SCAN_NAME, "%s", e->name);
		}
	}
	close(fd);
	/* sorted by name (insertion: at most SCAN_MAX) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && kx_devname_cmp(names[j - 1], names[j]) > 0; j--) {
			char t[SCAN_NAME];
			memcpy(t, names[j], SCAN_NAME);
			memcpy(names[j], names[j - 1], SCAN_NAME);
			memcpy(names[j - 1], t, SCAN_NAME);
		}
	for (i = 0; i < n; i++) {
		char why[96], node[SCAN_NAME + 8], devno[32], parent[SCAN_NAME], *c;
		const char *skip = skip_reason(names[i], why, sizeof(why));
		struct kx_error e2;
		struct stat st;
		unsigned ma, mi;

		if (skip) {
			note(vs, "boot volumes: %s skipped: %s", names[i], skip);
			continue;
		}
		if (vs->n >= KX_BOOT_MAX_VOLS) {
			note(vs, "boot volumes: %u volumes already; %s and the rest not looked at",
			     KX_BOOT_MAX_VOLS, names[i]);
			break;
		}
		/* a partition of a disk mounted whole (a hybrid ISO: the disk is
		 * iso9660, its partitions are the ISO again and an ESP image inside
		 * it): the kernel would refuse it (EBUSY), and the disk has it all */
		if (parent_name(names[i], parent, sizeof(parent))) {
			for (j = first; j < vs->n; j++)
				if (!strcmp(vs->v[j].name + 5, parent) && !strncmp(vs->v[j].name, "/dev/", 5))
					break;
			if (j < vs->n) {
				note(vs, "boot volumes: %s skipped: a partition of %s, mounted whole (%s)",
				     names[i], vs->v[j].name, vs->v[j].type);
				continue;
			}
		}
		snprintf(node, sizeof(node), "/dev/%s", names[i]);
		for (c = node + 5; *c; c++)
			if (*c == '!')
				*c = '/';
		{
			char path[96], *end = devno;
			int ok = 0;
			snprintf(path, sizeof(path), "/sys/class/block/%s/dev", names[i]);
			if (!sys_read_text(path, devno, sizeof(devno), 0)) {
				ma = (unsigned)strtoul(devno, &end, 10);
				ok = end > devno && *end == ':';
				mi = ok ? (unsigned)strtoul(devno + (end - devno) + 1, &end, 10) : 0;
				ok = ok && (!*end || *end == '\n');
			}
			if (!ok) {
				note(vs, "boot volumes: %s skipped: no device number", names[i]);
				continue;
			}
		}
		if ((fd = open(node, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
			note(vs, "boot volumes: %s skipped: %s: %s", names[i], node, strerror(errno));
			continue;
		}
		if (fstat(fd, &st) || !S_ISBLK(st.st_mode) || major(st.st_rdev) != ma ||
		    minor(st.st_rdev) != mi) {
			note(vs, "boot volumes: %s skipped: %s is not block device %u:%u", names[i],
			     node, ma, mi);
			close(fd);
			continue;
		}
		if (add_device(vs, node, fd, st.st_rdev, buf, &e2)) {
			char m[300];
			if (e2.code == KX_E_MOUNT && e2.sys_errno == ENODEV && e2.what)
				snprintf(m, sizeof(m), "%s", e2.what); /* "gpt", "swap", ... */
			else
				kx_error_message(&e2, m, sizeof(m));
			note(vs, "boot volumes: %s skipped: %s", names[i], m);
		}
		close(fd);
	}
	sys_free(names, size);
	return 0;
}

void kx_vols_free(struct kx_vols *vs)
{
	unsigned i;

	for (i = 0; i < vs->nmap; i++)
		munmap(vs->map[i].p, vs->map[i].len);
	vs->nmap = 0;
	for (i = 0; i < vs->n; i++) {
		struct kx_vol *v = &vs->v[i];
		if (v->root >= 0)
			close(v->root);
		v->root = -1;
		if (v->mnt[0]) {
			umount2(v->mnt, MNT_DETACH);
			rmdir(v->mnt);
			v->mnt[0] = 0;
		}
	}
	vs->n = 0;
}
