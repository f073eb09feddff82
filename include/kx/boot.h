/*
 * kx boot's pure half (lib/boot/): the parsers of every boot-entry format,
 * the discovery walk over one volume, ordering and the default choice.
 * Nothing here touches a file: every read goes through struct kx_boot_fs,
 * which libkx implements over real file systems (libkx/boot.c: paths
 * resolved beneath the volume's root) and the tests over memory.
 *
 * Everything found goes into one struct kx_boot_list: a fixed table of
 * entries and an arena for their strings (no malloc). Inputs are hostile
 * (a USB stick): every cap below is enforced, a bad entry is listed with
 * its reason, and no input can crash, hang or grow anything past its cap.
 */
#ifndef KX_BOOT_H
#define KX_BOOT_H
#include <stddef.h>
#include <stdint.h>
#include <kx/entry.h>
#include <kx/err.h>

#define KX_BOOT_MAX_ENTRIES 256        /* entries in one discovery; more are counted, dropped */
#define KX_BOOT_MAX_VOLS    64         /* volumes (file systems) in one discovery */
#define KX_BOOT_MAX_CONF    (1u << 20) /* a configuration file kx reads */
#define KX_BOOT_MAX_LINE    4096       /* a line of one, after joining continuations */
#define KX_BOOT_MAX_DEPTH   8          /* GRUB source/configfile/submenu nesting */
#define KX_BOOT_MAX_WORD    4096       /* a GRUB word after variable expansion */
#define KX_BOOT_MAX_VARS    128        /* GRUB variables */
#define KX_BOOT_MAX_DIR     512        /* names read from one directory */
#define KX_BOOT_MAX_UKI     (512u << 20) /* a UKI kx reads for its entry */
#define KX_BOOT_ARENA       (4u << 20) /* bytes for every string of a discovery */

/* How `search` finds a volume (struct kx_boot_fs.find). */
enum kx_boot_find { KX_FIND_UUID = 1, KX_FIND_LABEL, KX_FIND_FILE, KX_FIND_PARTUUID };

/* struct kx_boot_fs.read's and .list's failures (negative returns). */
enum { KX_FS_MISSING = -1, KX_FS_TOO_BIG = -2, KX_FS_REFUSED = -3, KX_FS_ERROR = -4 };

/*
 * The file systems, as the caller sees them. vol: an index the caller gave
 * (libkx: its volume table). Paths are absolute from the volume's root; the
 * implementation refuses paths that leave it (KX_FS_REFUSED).
 */
struct kx_boot_fs {
	void *ctx;
	/* The whole file, at most max bytes: 0 with *buf and *len set (valid until
	 * the discovery is freed), or KX_FS_*. */
	int (*read)(void *ctx, unsigned vol, const char *path, size_t max,
		    const uint8_t **buf, size_t *len);
	/* Each name in the directory (not "." or ".."), in any order, at most
	 * KX_BOOT_MAX_DIR: 0, or KX_FS_*. each returns nonzero to stop. */
	int (*list)(void *ctx, unsigned vol, const char *dir,
		    int (*each)(void *arg, const char *name, int is_dir), void *arg);
	/* 1 if path is a regular file kx may read, 0 if not, KX_FS_REFUSED. */
	int (*exists)(void *ctx, unsigned vol, const char *path);
	/* The volume `search` names (how, value), or -1. */
	int (*find)(void *ctx, enum kx_boot_find how, const char *value);
	/* The volume's name for messages ("/dev/vda1", "/boot"), never NULL. */
	const char *(*name)(void *ctx, unsigned vol);
};

/* What a discovery found. Zero it, set arena/cap, then run kx_boot_walk per volume. */
struct kx_boot_list {
	struct kx_boot_entry e[KX_BOOT_MAX_ENTRIES];
	unsigned n;
	unsigned dropped;      /* entries past KX_BOOT_MAX_ENTRIES, or lost to a full arena */
	/* the default: index into e, or -1; why names the rule that chose it */
	int dflt;
	enum kx_boot_why { KX_WHY_NONE = 0, KX_WHY_LOADER_CONF, KX_WHY_GRUB, KX_WHY_SYSLINUX,
			   KX_WHY_FIRST } why;
	int dflt_unbootable;   /* the configured default cannot be booted: dflt is the first that can */
	int timeout;           /* seconds the first volume with a menu configuration asks for;
				  -1: none given */
	char *arena;
	size_t cap, used;
	/* per volume, while discovering (kx_boot_walk fills them) */
	const char *conf_default[KX_BOOT_MAX_VOLS]; /* loader.conf's default glob */
	const char *grub_default[KX_BOOT_MAX_VOLS]; /* GRUB's default, as written */
	const char *sys_default[KX_BOOT_MAX_VOLS];  /* syslinux's default label */
};

/* ---- the arena and entries (lib/boot/list.c) -------------------------------------- */

/* A copy of s[0..n) in the arena, NUL-terminated, or NULL when full (dropped). */
const char *kx_boot_strn(struct kx_boot_list *bl, const char *s, size_t n);
const char *kx_boot_str(struct kx_boot_list *bl, const char *s);
/* A new zeroed entry (profile -1) at the end, or NULL when the table is full. */
struct kx_boot_entry *kx_boot_add(struct kx_boot_list *bl, enum kx_boot_format f, unsigned vol,
				  const char *source, unsigned line);
/* Mark e unbootable (the first reason stays). */
void kx_boot_bad(struct kx_boot_list *bl, struct kx_boot_entry *e, enum kx_boot_bad why,
		 const char *detail);
/* Append an initrd path (KX_BOOT_TOO_MANY_INITRDS past the cap). */
void kx_boot_initrd(struct kx_boot_list *bl, struct kx_boot_entry *e, const char *path, size_t n);

/* ---- the formats: each adds the entries one source describes --------------------- */

/* BLS Type #1: one entry file (lib/boot/bls.c). name: its file name. */
void kx_bls_entry(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name,
		  const uint8_t *buf, size_t len);
/* loader.conf: its default glob (into conf_default[vol]) and timeout. */
void kx_bls_loader_conf(struct kx_boot_list *bl, unsigned vol, const uint8_t *buf, size_t len);
/* The UAPI version comparison the spec defines: <0, 0, >0. */
int kx_bls_vercmp(const char *a, const char *b);
/* Sort entries [from, bl->n) as the spec orders them (sort-key, machine-id, version
 * descending, then id), Type #1 and #2 together. */
void kx_bls_sort(struct kx_boot_list *bl, unsigned from);

/* Type #2: a UKI (lib/boot/ukient.c): one entry, or one per .profile. */
void kx_uki_entries(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name,
		    const uint8_t *buf, size_t len);

/* GRUB (lib/boot/grub.c): evaluate grub.cfg as far as kx safely can; source,
 * configfile, blscfg and search go through fs. */
void kx_grub_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		   const char *path, const uint8_t *buf, size_t len);

/* syslinux / extlinux / isolinux / pxelinux (lib/boot/syslinux.c). */
void kx_syslinux_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		       const char *path, const uint8_t *buf, size_t len);

/* Plain kernels in dir with no configuration (lib/boot/plain.c), newest first. */
void kx_plain_scan(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		   const char *dir);

/* ---- discovery (lib/boot/discover.c) ---------------------------------------------- */

/* Every format on volume vol, at the places docs/boot.md lists; then checks
 * that each entry's files exist and its architecture is arch (the UEFI name:
 * "x64", "aa64", "ia32", "arm"). */
void kx_boot_walk(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		      const char *arch);
/* After every volume: drop duplicates, choose the default (docs/boot.md). */
void kx_boot_finish(struct kx_boot_list *bl);
/* The entry id or title glob names (fnmatch-style * ? [...]): its index, or -1. */
int kx_boot_match(const struct kx_boot_list *bl, const char *pattern);
/* fnmatch without flags: 1 if s matches the glob p (bounded: no exponential blow-up). */
int kx_glob(const char *p, const char *s);
/* The UEFI architecture name for a kx_arch() name ("x86_64" -> "x64"), or NULL. */
const char *kx_boot_uefi_arch(const char *kx_arch_name);

/* ---- volumes: what file system a device holds (lib/boot/fsprobe.c) ---------------- */

/* How many bytes from the start of a device kx_fsprobe looks at (btrfs's
 * superblock is at 64 KiB; iso9660's descriptors from 32 KiB). */
#define KX_FSPROBE_LEN (128u * 1024)

/* What kx_fsprobe found. */
enum kx_probe {
	KX_PROBE_NONE = 0,  /* nothing kx knows */
	KX_PROBE_FS,        /* a file system kx mounts: type "ext2", "ext3", "ext4", "vfat",
			       "xfs", "btrfs" or "iso9660" */
	KX_PROBE_PTABLE,    /* a partition table, no file system: type "gpt" or "dos" */
	KX_PROBE_OTHER,     /* something kx does not mount: type "swap", "crypto_LUKS",
			       "LVM2_member", "linux_raid_member", "ntfs", "exfat" */
};

/*
 * A volume's identity, as blkid and GRUB print it: uuid lower-case with dashes
 * (ext*, xfs, btrfs: btrfs's fsid), "XXXX-XXXX" upper-case (vfat's serial),
 * "YYYY-MM-DD-HH-MM-SS-CC" (iso9660: the primary volume descriptor's
 * modification date, else its creation date); label without its padding
 * (vfat: the root directory's volume label if it is within the bytes given,
 * else the boot sector's; iso9660: the Joliet volume id if there is one, else
 * the primary one). Bytes below 0x20 and 0x7f in a label become '?'.
 * Every field is NUL-terminated; "" when the volume has none.
 */
struct kx_fsinfo {
	char type[24];
	char uuid[40];
	char label[256];
};

/* What the first len bytes of a device hold (give KX_FSPROBE_LEN, or all of
 * a shorter device): enum kx_probe, with *fi filled (zeroed when NONE). A
 * structure that runs past len is not recognised. */
enum kx_probe kx_fsprobe(const uint8_t *buf, size_t len, struct kx_fsinfo *fi);

/* The PARTUUID of partition partno (the kernel's number, from 1) from the first
 * len bytes of its disk, as blkid prints it: GPT's unique partition GUID
 * (lower-case), or for an MBR "ssssssss-nn" (the disk signature, the number).
 * 1 with out set, or 0 (out "") when the table or the partition is not there. */
int kx_partuuid(const uint8_t *disk, size_t len, unsigned partno, char out[40]);

/* The order kx boot --scan looks at block devices in: names compared with runs
 * of digits as numbers ("vda" < "vda1" < "vda2" < "vda10" < "vdb",
 * "nvme0n1p2" < "nvme0n1p10" < "nvme1n1"): <0, 0, >0. */
int kx_devname_cmp(const char *a, const char *b);

#endif
