/* Boot entries: what `kx boot` finds on a file system and can boot
 * (docs/boot.md). Part of the public API (include/kx.h includes it); the
 * parsers that fill it are in lib/boot/, pure and fuzzed. */
#ifndef KX_ENTRY_H
#define KX_ENTRY_H
#include <stdint.h>

#define KX_BOOT_MAX_INITRDS 8

/* Where an entry was described. */
enum kx_boot_format {
	KX_BOOT_BLS = 1,   /* Boot Loader Specification Type #1: loader/entries/NAME.conf */
	KX_BOOT_UKI,       /* Type #2: a unified kernel image in EFI/Linux/ (one entry per profile) */
	KX_BOOT_GRUB,      /* a menuentry of grub.cfg (blscfg adds KX_BOOT_BLS entries) */
	KX_BOOT_SYSLINUX,  /* a label of extlinux.conf / syslinux.cfg / isolinux.cfg / pxelinux */
	KX_BOOT_PLAIN,     /* a kernel in /boot with no configuration, paired with its initrd */
};

/* Why an entry cannot be booted (KX_BOOT_OK: it can). bad_detail says more. */
enum kx_boot_bad {
	KX_BOOT_OK = 0,
	KX_BOOT_NO_KERNEL,     /* the entry names no kernel */
	KX_BOOT_MISSING,       /* detail: a file the entry names is not there */
	KX_BOOT_ARCH,          /* detail: the architecture it is for (not this machine's) */
	KX_BOOT_PATH,          /* detail: a path kx refuses (.., a symlink out of the file system) */
	KX_BOOT_SCRIPT,        /* detail: the GRUB command only GRUB can evaluate (a loop, a
				  function, a test kx cannot decide) */
	KX_BOOT_TOO_MANY_INITRDS, /* more than KX_BOOT_MAX_INITRDS */
	KX_BOOT_SYNTAX,        /* detail: what is malformed (an unterminated quote or block...) */
	KX_BOOT_TOO_BIG,       /* detail: a configuration file, line or expansion over kx's cap */
	KX_BOOT_NO_VOLUME,     /* detail: the uuid/label/file `search` found on no file system */
	KX_BOOT_EFI_PROGRAM,   /* a BLS `efi` entry: an EFI program, not a kernel kx can boot */
	KX_BOOT_REMOTE,        /* detail: a `uki-url` (or another network source) */
	KX_BOOT_NOT_KERNEL,    /* detail: the file named as the kernel is not one kx can load */
	KX_BOOT_BAD__END
};

/*
 * One bootable (or listed-but-unbootable) entry. Strings are NUL-terminated
 * and live as long as the discovery that made them; unset ones are NULL.
 * Paths are inside the entry's volume, absolute from its root ("/vmlinuz-6.1").
 * New fields are only ever added at the end.
 */
struct kx_boot_entry {
	const char *id;        /* stable and unique within a discovery: BLS: file name
				  without .conf; UKI: file name (with "@N" for profile N);
				  GRUB: the menuentry's --id, else its title path
				  ("Advanced options>Debian, with Linux 6.1"); syslinux: the label;
				  plain: the kernel's file name */
	const char *title;     /* what a menu shows */
	const char *version;   /* the kernel's version, where the format says it */
	const char *sort_key;  /* BLS sort-key / UKI os-release IMAGE_ID or ID */
	const char *machine_id;
	const char *kernel;    /* the kernel (or the UKI) */
	const char *initrd[KX_BOOT_MAX_INITRDS]; /* in order: concatenated for the kernel */
	unsigned ninitrd;
	const char *cmdline;   /* the command line the entry gives; a UKI's own .cmdline is
				  shown here too (cmdline_own = 1) */
	const char *dtb;       /* a device tree file, or NULL */
	const char *dtb_dir;   /* syslinux fdtdir: a directory of device trees (not used by kx:
				  it keeps the running system's device tree) */
	const char *arch;      /* the UEFI name of the architecture it is for ("x64", "aa64",
				  "ia32", "arm"...), or NULL if it does not say */
	const char *source;    /* the configuration file (or, UKI and plain, the kernel) */
	unsigned line;         /* the line in source where the entry starts, 0 if none */
	unsigned vol;          /* the volume (file system) every path is in */
	enum kx_boot_format format;
	int profile;           /* UKI profile number, -1 if none */
	int cmdline_own;       /* cmdline is the UKI's own (.cmdline): kx does not replace it */
	enum kx_boot_bad bad;  /* KX_BOOT_OK if it can be booted */
	const char *bad_detail;
};

#endif
