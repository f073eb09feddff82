/* The library's only contact with the system: files, /sys, /proc, syscalls.
 * Every function returns 0 or a negative errno; nothing here prints. */
#ifndef KX_SYS_H
#define KX_SYS_H
#include <stddef.h>
#include <stdint.h>

struct kx_file {
	const char *path;
	const uint8_t *buf;
	size_t len;
	int mapped;
	int fd;             /* sys_map: the file, kept open until sys_unmap; else -1 */
};

struct kx_kseg { const void *buf; size_t bufsz; const void *mem; size_t memsz; };

int sys_map(const char *path, struct kx_file *f);       /* map a regular file read-only
							   (and keep it open: f->fd) */
int sys_map_fd(int fd, struct kx_file *f);              /* the same for an open file */
void *sys_alloc(size_t n);                              /* anonymous memory, or NULL */
void sys_free(void *p, size_t n);
/* p (old bytes from sys_alloc) made n bytes long, perhaps moved; NULL, p intact, when not */
void *sys_grow(void *p, size_t old, size_t n);
void sys_unmap(struct kx_file *f);
int sys_read_text(const char *path, char *buf, size_t cap, size_t *len); /* NUL-terminated */
int sys_read_bin(const char *path, uint8_t *buf, size_t cap, size_t *len);
int sys_list_dir(const char *path, char names[][16], int max); /* short numeric names */
int sys_random(void *buf, size_t n);
int sys_kexec_load(uint64_t entry, unsigned long nr, const struct kx_kseg *segs, unsigned long flags);
int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int sys_open_ro(const char *path);                    /* fd or -errno */
int sys_read_phys(uint64_t addr, void *buf, size_t len); /* /dev/mem; 0 or -errno */
int sys_memfd(const char *name, const void *const *bufs, const size_t *lens,
	      const size_t *pads, unsigned n);       /* sealed memfd holding the bufs, or -errno */
void sys_close(int fd);
int sys_reboot_kexec(void);
void sys_sync(void);
int sys_is_root(void);
/* The lockdown mode in force ("none", "integrity", "confidentiality"), from
 * securityfs, mounted privately for the question where it is not mounted. */
int sys_lockdown(char *mode, size_t n);
/* securityfs's file name ("ima/policy"), read like sys_read_text; where
 * securityfs is not mounted, root reads it through the same private mount
 * (others get -ENOMEDIUM: cannot tell). */
int sys_securityfs_read(const char *name, char *buf, size_t cap, size_t *len);
/* 0 when path exists, else -errno (no privilege: stat). */
int sys_exists(const char *path);
/* KX_FAULT test hook: -errno when the op is to fail, else 0 (see sys.c). */
int sys_fault(const char *op);
#endif
