/*
 * kx boot's volumes (libkx/bootfs.c): the file systems a discovery reads,
 * and struct kx_boot_fs over them. A volume is a directory kx was given, or
 * a block device kx mounted itself: read-only, without replaying a journal
 * (ext4 noload, xfs norecovery, btrfs nologreplay), as a detached mount
 * (fsopen/fsmount: in no mount namespace, gone when its descriptor closes).
 * Every path is opened beneath the volume's root with openat2(RESOLVE_BENEATH
 * | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV): "..", absolute symlinks and
 * symlinks or mounts leading out of it are refused.
 */
#ifndef KX_BOOTFS_H
#define KX_BOOTFS_H
#include <stddef.h>
#include <stdint.h>
#include <kx.h>
#include <kx/boot.h>

struct kx_vol {
	int root;              /* O_PATH descriptor of the volume's root directory */
	int mounted;           /* kx mounted it (root is a detached mount, or mnt below) */
	char name[128];        /* "/dev/vda1" or the directory given */
	char type[16];         /* "ext4", "vfat", "xfs", "btrfs", "iso9660"; "" for a directory */
	char uuid[40], label[64], partuuid[40]; /* as blkid/GRUB print them; "" if none */
	char mnt[64];          /* where it is mounted when a detached mount is impossible, or "" */
};

/* A mapped file, unmapped when the volumes are freed. */
struct kx_vol_map { void *p; size_t len; };

struct kx_vols {
	struct kx_vol v[KX_BOOT_MAX_VOLS];
	unsigned n;
	struct kx_vol_map map[512];
	unsigned nmap;
	int namespace_done;    /* the fallback's private mount namespace exists */
	/* for debug lines (may be NULL) */
	void (*log)(void *arg, int level, const char *line);
	void *log_arg;
};

/* Initialise (all descriptors -1). */
void kx_vols_init(struct kx_vols *vs);
/* A directory; a block device (mounted read-only); every block device with a
 * file system kx reads. 0, or -1 with *err (KX_E_FILE, KX_E_MOUNT). The scan
 * skips devices it cannot mount (a debug line says why). */
int kx_vols_add_dir(struct kx_vols *vs, const char *dir, struct kx_error *err);
int kx_vols_add_device(struct kx_vols *vs, const char *dev, struct kx_error *err);
int kx_vols_scan(struct kx_vols *vs, struct kx_error *err);
/* The struct kx_boot_fs reading these volumes (ctx = vs). */
struct kx_boot_fs kx_vols_fs(struct kx_vols *vs);
/* An open read-only descriptor of path beneath volume vol, or -1 with *err
 * (KX_E_FILE with the errno; KX_E_BOOT_PATH for a refused path). */
int kx_vols_open(struct kx_vols *vs, unsigned vol, const char *path, struct kx_error *err);
/* Unmap, close, unmount everything. */
void kx_vols_free(struct kx_vols *vs);
#endif
