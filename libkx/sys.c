#include "sys.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <unistd.h>

/* <linux/reboot.h> values; musl ships no kernel headers */
#define REBOOT_MAGIC1 0xfee1deadu
#define REBOOT_MAGIC2 672274793u
#define REBOOT_CMD_KEXEC 0x45584543u

/*
 * Fault injection, for tests: KX_FAULT="op[:ERRNO],..." makes the named
 * contact with the system fail as if the kernel had said ERRNO (default EIO).
 * ops: map open read short (reads return half) random memfd kexec_load
 * kexec_file_load reboot sigbus (a mapped file shrinks under kx).
 * Checked before the real call, which then never happens.
 */
static const struct { const char *name; int err; } errnames[] = {
	{ "EPERM", EPERM },     { "ENOENT", ENOENT },   { "EINTR", EINTR },
	{ "EIO", EIO },         { "ENOMEM", ENOMEM },   { "EACCES", EACCES },
	{ "EBUSY", EBUSY },     { "EINVAL", EINVAL },   { "ENOSPC", ENOSPC },
	{ "ENOSYS", ENOSYS },   { "ENOEXEC", ENOEXEC }, { "ETXTBSY", ETXTBSY },
	{ "EFBIG", EFBIG },     { "ENODATA", ENODATA }, { "EBADMSG", EBADMSG },
	{ "ENOKEY", ENOKEY },   { "EKEYREJECTED", EKEYREJECTED },
	{ "EKEYREVOKED", EKEYREVOKED }, { "EKEYEXPIRED", EKEYEXPIRED },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ENOPKG", ENOPKG },   { "EAGAIN", EAGAIN },
};

int sys_fault(const char *op)
{
	const char *spec = getenv("KX_FAULT"), *p;
	size_t n = strlen(op);
	unsigned i;

	for (p = spec; p && *p; p += strcspn(p, ","), p += *p == ',') {
		size_t len = strcspn(p, ",:");
		const char *e;
		if (len != n || strncmp(p, op, n))
			continue;
		if (p[len] != ':')
			return -EIO;
		e = p + len + 1;
		for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
			if (!strncmp(e, errnames[i].name, strlen(errnames[i].name)) &&
			    (e[strlen(errnames[i].name)] == ',' || !e[strlen(errnames[i].name)]))
				return -errnames[i].err;
		return atoi(e) > 0 ? -atoi(e) : -EIO;
	}
	return 0;
}

int sys_map_fd(int fd, struct kx_file *f)
{
	struct stat st;
	void *p;
	int e;

	f->buf = 0;
	f->len = 0;
	f->mapped = 0;
	f->fd = -1;
	if ((e = sys_fault("map")))
		return e;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return st.st_size == 0 && S_ISREG(st.st_mode) ? -ENODATA : -EINVAL;
	p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	f->buf = p;
	f->len = (size_t)st.st_size;
	f->mapped = 1;
	if (sys_fault("sigbus"))
		raise(SIGBUS); /* as when the file is truncated while mapped */
	return 0;
}

int sys_map(const char *path, struct kx_file *f)
{
	int fd, e;

	f->path = path;
	f->buf = 0;
	f->len = 0;
	f->mapped = 0;
	f->fd = -1;
	if ((e = sys_fault("map")))
		return e;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = sys_map_fd(fd, f);
	if (e)
		close(fd);
	else
		f->fd = fd; /* the very file that was read, for kexec_file_load */
	return e;
}

void *sys_alloc(size_t n)
{
	void *p = mmap(0, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

#if defined(__SANITIZE_THREAD__)
#define KX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KX_TSAN 1
#endif
#endif

void *sys_grow(void *p, size_t old, size_t n)
{
#ifdef KX_TSAN
	/* ThreadSanitizer does not intercept mremap: the range a mapping moves
	 * away from keeps its shadow, and a later mapping there in another thread
	 * reads as a race. Under TSan (make lib-test-tsan) grow by copying. */
	void *q = sys_alloc(n);
	if (q) {
		memcpy(q, p, old < n ? old : n);
		sys_free(p, old);
	}
	return q;
#else
	void *q = mremap(p, old ? old : 1, n, MREMAP_MAYMOVE);
	return q == MAP_FAILED ? 0 : q;
#endif
}

void sys_free(void *p, size_t n)
{
	if (p)
		munmap(p, n ? n : 1);
}

void sys_unmap(struct kx_file *f)
{
	if (f->mapped)
		munmap((void *)f->buf, f->len);
	f->mapped = 0;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int sys_read_bin(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	size_t got = 0;
	int fd, e;

	if ((e = sys_fault("read")))
		return e;
	if (sys_fault("short") && cap > 1)
		cap /= 2;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

int sys_read_text(const char *path, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int e;

	if (!cap)
		return -EINVAL;
	e = sys_read_bin(path, (uint8_t *)buf, cap - 1, &n);
	buf[e ? 0 : n] = 0;
	if (len)
		*len = e ? 0 : n;
	return e;
}

/* getdents64 directly: no DIR, so no malloc in the static binary */
struct kx_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int sys_list_dir(const char *path, char names[][16], int max)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	long got;

	if (fd < 0)
		return -errno;
	while (n < max && (got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		long off = 0;
		while (off < got && n < max) {
			struct kx_dirent64 *de = (struct kx_dirent64 *)(void *)(buf + off);
			if (de->reclen == 0 || off + de->reclen > got)
				break;
			off += de->reclen;
			if (de->name[0] == '.' || strnlen(de->name, 16) >= 16)
				continue;
			strcpy(names[n++], de->name);
		}
	}
	close(fd);
	return n;
}

int sys_random(void *buf, size_t n)
{
	ssize_t r;

	if (sys_fault("random"))
		return sys_fault("random");
	r = getrandom(buf, n, GRND_NONBLOCK);
	if (r == (ssize_t)n)
		return 0;
	return r < 0 ? -errno : -EIO;
}

int sys_kexec_load(uint64_t entry, unsigned long nr, const struct kx_kseg *segs, unsigned long flags)
{
	int e = sys_fault("kexec_load"), tries;

	if (e)
		return e;
	for (tries = 0; tries < 3; tries++) {
		if (syscall(SYS_kexec_load, (unsigned long)entry, nr, segs, flags) == 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	return -errno;
}

int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long len = cmdline ? strlen(cmdline) + 1 : 0; /* counts the NUL */
	int e = sys_fault("kexec_file_load"), tries;

	if (e)
		return e;
#ifdef SYS_kexec_file_load
	for (tries = 0; tries < 3; tries++) {
		if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags) == 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	return -errno;
#else /* i386: the syscall does not exist */
	(void)kernel_fd, (void)initrd_fd, (void)len, (void)flags, (void)tries;
	return -ENOSYS;
#endif
}

int sys_open_ro(const char *path)
{
	int fd;

	if ((fd = sys_fault("open")))
		return fd;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sys_memfd(const char *name, const void *const *bufs, const size_t *lens, const size_t *pads,
	      unsigned n)
{
	static const char zeros[64];
	unsigned i;
	int e, fd;

	if ((e = sys_fault("memfd")))
		return e;
	fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		size_t pad = pads ? pads[i] : 0;
		if ((e = write_all(fd, bufs[i], lens[i])))
			goto fail;
		while (pad) {
			size_t k = pad < sizeof(zeros) ? pad : sizeof(zeros);
			if ((e = write_all(fd, zeros, k)))
				goto fail;
			pad -= k;
		}
	}
	/* sealed: the kernel reads exactly what we wrote */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	lseek(fd, 0, SEEK_SET);
	return fd;
fail:
	close(fd);
	return e;
}

int sys_read_phys(uint64_t addr, void *buf, size_t len)
{
	int fd, e = sys_fault("mem");
	ssize_t n;

	if (e)
		return e;
	fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	e = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return e;
}

void sys_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int sys_reboot_kexec(void)
{
	int e = sys_fault("reboot");

	if (e)
		return e;
	if (syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2,
		    REBOOT_CMD_KEXEC, 0) < 0)
		return -errno;
	return 0;
}

void sys_sync(void) { sync(); }

int sys_is_root(void) { return geteuid() == 0; }

/* securityfs's file `name`, where it is not mounted (an initramfs): mounted
 * read-only on a fresh directory for the question, then detached. Root only. */
static int read_securityfs_privately(const char *name, char *buf, size_t cap, size_t *len)
{
	static const char *const bases[] = { "/run", "/tmp", "/dev" };
	char dir[64], path[128];
	unsigned i;
	int e = -ENOENT;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		/* per thread: threads loading at once each mount their own */
		snprintf(dir, sizeof(dir), "%s/.kx-securityfs-%d-%ld", bases[i], (int)getpid(),
			 (long)syscall(SYS_gettid));
		if (!mkdir(dir, 0700))
			break;
	}
	if (i == sizeof(bases) / sizeof(bases[0]))
		return -errno;
	if (!mount("securityfs", dir, "securityfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0)) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		e = sys_read_text(path, buf, cap, len);
		umount2(dir, MNT_DETACH);
	} else {
		e = -errno;
	}
	rmdir(dir);
	return e;
}

int sys_lockdown(char *mode, size_t n)
{
	char b[128], *a, *z;
	int e = sys_read_text("/sys/kernel/security/lockdown", b, sizeof(b), 0);

	if (e == -ENOENT && sys_is_root())
		e = read_securityfs_privately("lockdown", b, sizeof(b), 0);
	if (e)
		return e;
	if (!(a = strchr(b, '[')) || !(z = strchr(a, ']')))
		return -EINVAL;
	*z = 0;
	snprintf(mode, n, "%s", a + 1);
	return 0;
}

int sys_securityfs_read(const char *name, char *buf, size_t cap, size_t *len)
{
	char path[128];
	int e;

	snprintf(path, sizeof(path), "/sys/kernel/security/%s", name);
	e = sys_read_text(path, buf, cap, len);
	/* securityfs always has lsm: without it, securityfs is not mounted there */
	if (e == -ENOENT && access("/sys/kernel/security/lsm", F_OK))
		e = sys_is_root() ? read_securityfs_privately(name, buf, cap, len) : -ENOMEDIUM;
	return e;
}

int sys_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -errno : 0;
}
