/*
 * libkx - load and boot another kernel with kexec, from C.
 *
 * One load is one `struct kx_load`: create it with options, give it a
 * kernel (a path, an open file or a buffer), initrds, a command line, a
 * device tree, multiboot modules or raw segments; then plan it (kexec_load's
 * segments, shown or printed as JSON without any privilege), commit it to
 * the kernel, and free it. Loads are independent: the library has no global
 * or static mutable state, so two loads built in one process (or in two
 * threads) do not interfere.
 *
 * Every failure is a `struct kx_error`: a code, the numbers and names that
 * explain it, and the state of the system that mattered. kx_error_message()
 * renders it as the one sentence the kx command prints. Functions that can
 * fail return 0 on success and -1 on failure, with *err filled in (err may
 * be NULL when the caller does not care why).
 *
 * Ownership: the library copies every string it is given (paths, command
 * lines, module strings). Buffers given with kx_load_kernel_buf() and
 * kx_load_initrd_buf() are borrowed and must stay valid until kx_load_free().
 * Files given by path are mapped read-only by the library and unmapped by
 * kx_load_free(). Everything a load returns (strings, segment lists) lives
 * until kx_load_free(). The library allocates with mmap(2) only (no malloc),
 * and installs no signal handlers: a mapped file that shrinks while it is
 * read raises SIGBUS in the caller, which may want to catch it.
 *
 * Link with `pkg-config --cflags --libs libkx`. docs/libkx.md documents every
 * function and error code.
 */
#ifndef KX_H
#define KX_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kx/err.h>
#include <kx/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KX_VERSION_MAJOR 1

/* What the library exports (everything else in it is hidden). */
#if defined(__GNUC__)
#define KX_API __attribute__((visibility("default")))
#else
#define KX_API
#endif

/* ---- errors ------------------------------------------------------------------ */

/*
 * Codes below KX_E__COUNT (kx/err.h) are about the image, the plan or the
 * memory map; these are about the system, the files and the request.
 */
enum kx_syscode {
	KX_E_SYS_FIRST = 1000,
	KX_E_FILE = KX_E_SYS_FIRST, /* what: role ("kernel", "initrd"...); subject: path; sys_errno */
	KX_E_TYPE_NAME,        /* subject: the -t name no loader has */
	KX_E_RAW_KERNEL,       /* subject: a kernel file given with the raw type */
	KX_E_TOO_MANY_INITRDS, /* a: pieces, b: limit */
	KX_E_FILE_SYSCALL_TYPE,/* what: loader name: kexec_file_load cannot parse it */
	KX_E_CLASSIC_ONLY,     /* a: enum kx_classic_reason; kexec_file_load was asked for */
	KX_E_IOMEM_TOO_BIG,    /* a: bytes kx can read */
	KX_E_KEXEC,            /* what: the operation; a: enum kx_op; sys_errno; facts */
	KX_E_KEXEC_FILE,       /* subject: image; a: 1 if a UKI; sys_errno; facts */
	KX_E_KEXEC_FALLBACK,   /* subject: image; sys_errno: kexec_load's; facts */
	KX_E_NOT_LOADED,       /* exec with nothing loaded */
	KX_E_STATUS_UNKNOWN,   /* subject: the /sys file that is missing */
	KX_E_CRASH_NONE,       /* no crashkernel= reservation; a: suggested bytes, or 0 */
	KX_E_CRASH_HIDDEN,     /* the region's address is shown to root only */
	KX_E_CRASH_SMALL,      /* a: reserved, b: bytes to load, c: to boot, d: suggested */
	KX_E_CRASH_ARCH,       /* kexec_load crash kernels are not built on this arch */
	KX_E_CRASH_HIGH,       /* the region is above 4 GiB (crashkernel=,high) */
	KX_E_CRASH_NO_ROOM,    /* a, b: the region; c: the core header's size */
	KX_E_CRASH_TOO_LARGE,  /* the files are too large for any crash kernel */
	KX_E_NO_MEMORY,        /* a: bytes the library could not map */
	KX_E_STATE,            /* what: the call made out of order */
	KX_W_CRASH_TIGHT,      /* a warning: a: reserved, b: needed to boot, c: suggested */
	KX_E_WRONG_TYPE,       /* what: the type asked for; subject: the file; a: the index of the
				  type it is in the loader table (its name in the message) */
	KX_E_NOT_APPLICABLE,   /* what: the image type; a: enum kx_input the type cannot take */
	KX_E_SETTING,          /* a: the enum kx_setting, b: the value it cannot take */
	KX_E_KERNEL_FLAG,      /* what: the option ("--force-dtb"); a: the flag the running kernel
				  does not know (EINVAL); b: 0 kexec_file_load's, 1 kexec_load's */
	KX_E_NO_HOTPLUG,       /* subject: the /sys file a crash-hotplug load needs (missing) */
	KX_E_BOOT_NONE,        /* kx boot found no entry; a: volumes looked at */
	KX_E_BOOT_MATCH,       /* subject: the id or glob no entry matches */
	KX_E_BOOT_BAD,         /* subject: the entry's id; a: enum kx_boot_bad; what: its detail */
	KX_E_MOUNT,            /* subject: the device; what: the file system type; sys_errno;
				  a: 1 if it holds no file system kx mounts (what: what it holds) */
	KX_E_BOOT_PATH,        /* subject: a path an entry names that leaves its file system */
	KX_E_SYS__END
};

/* The operation a KX_E_KEXEC error is about (its a). */
enum kx_op { KX_OP_LOAD, KX_OP_UNLOAD, KX_OP_EXEC };

/* An input an image type cannot take (KX_E_NOT_APPLICABLE's a). */
enum kx_input { KX_INPUT_ENTRY, KX_INPUT_DTB };

/* Why a load needs kexec_load (KX_E_CLASSIC_ONLY, and the plan's reason). */
enum kx_classic_reason {
	KX_CLASSIC_NONE, KX_CLASSIC_PURGATORY, KX_CLASSIC_ENTRY, KX_CLASSIC_WINDOW,
	KX_CLASSIC_NO_VERIFY, KX_CLASSIC_FAULT,
	KX_CLASSIC_DTB,        /* --dtb on an architecture whose kexec_file_load takes no
				  device tree (arm64, ppc64le: the kernel builds its own) */
};

struct kx_error {
	int code;              /* enum kx_errcode or enum kx_syscode; KX_OK = none */
	int sys_errno;         /* errno of the failed system call or file access, or 0 */
	const char *what;      /* static: the object, field or operation concerned, or NULL */
	uint64_t a, b, c, d;   /* numbers; their meaning depends on the code */
	char subject[256];     /* the file or object the error is about ("" if none) */
	/* the system's state when it failed, for kexec errors */
	char lockdown[24];     /* "integrity", "confidentiality", or "" for none */
	uint8_t root;          /* the caller had root */
	uint8_t load_disabled; /* kernel.kexec_load_disabled was 1 */
};

/* The sentence the kx command prints for e (no "kx: " prefix, no newline),
 * written to buf like snprintf; returns the length it needed. */
KX_API size_t kx_error_message(const struct kx_error *e, char *buf, size_t n);
/* A short stable name for a code ("truncated", "file", "kexec"...). */
KX_API const char *kx_error_name(int code);
/* 1 if e says the request itself was impossible (the command exits 2), else 0. */
KX_API int kx_error_is_usage(const struct kx_error *e);

/* ---- options ------------------------------------------------------------------ */

enum kx_syscall {
	KX_SYSCALL_AUTO,       /* kexec_file_load, falling back to kexec_load */
	KX_SYSCALL_FILE,       /* kexec_file_load only: the kernel parses and checks */
	KX_SYSCALL_CLASSIC,    /* kexec_load only: kx plans, its purgatory verifies */
};

enum kx_log_level {
	KX_LOG_WARN = 1,       /* a warning, one sentence: always sent */
	KX_LOG_DEBUG = 2,      /* a step, one line: only with debug */
	KX_LOG_PLAN = 3,       /* with debug: the plan about to be staged, as kx_load_print shows it */
};

struct kx_options {
	enum kx_syscall syscall;
	int crash;             /* load a crash kernel (kdump), booted on panic */
	int crash_sizing;      /* plan a crash kernel only to measure it (kx_load_print_crash_size) */
	int no_verify;         /* the purgatory does not check the segments' digests */
	uint64_t mem_min;      /* place nothing below this address */
	uint64_t mem_max;      /* nor at or above this one; 0 = no limit */
	const char *type;      /* image type (loader name or kexec-tools alias); NULL = probe */
	const char *purgatory; /* a preamble of your own instead of kx's (a file) */
	int have_entry;
	uint64_t entry;        /* jump here instead of the image's entry point */
	const char *loader_name; /* for boot-loader-name fields; NULL = "kx VERSION" */
	/* Warnings (KX_LOG_WARN) and, with debug set, step-by-step notes. */
	void (*log)(void *arg, int level, const char *line);
	void *log_arg;
	int debug;
};

/* ---- a load -------------------------------------------------------------------- */

struct kx_load;

/* A new, empty load with these options (copied; NULL = defaults). */
KX_API struct kx_load *kx_load_new(const struct kx_options *o, struct kx_error *err);
/* Unmaps and frees everything the load holds; NULL is fine. */
KX_API void kx_load_free(struct kx_load *l);

/* The kernel: a file, an open descriptor (not closed by the library) or a buffer. */
KX_API int kx_load_kernel(struct kx_load *l, const char *path, struct kx_error *err);
KX_API int kx_load_kernel_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err);
KX_API int kx_load_kernel_buf(struct kx_load *l, const void *buf, size_t len, const char *name,
		       struct kx_error *err);
/* Initrds, in order (concatenated for the kernel). */
KX_API int kx_load_initrd(struct kx_load *l, const char *path, struct kx_error *err);
KX_API int kx_load_initrd_buf(struct kx_load *l, const void *buf, size_t len, const char *name,
		       struct kx_error *err);
/*
 * The command line is built from: the image's own (a UKI's .cmdline) unless
 * replaced, then the running system's (/proc/cmdline, without BOOT_IMAGE=;
 * for a crash kernel also without crashkernel=) if reused, then every appended
 * text in order, verbatim, after one space. Nothing is removed or merged: where
 * a parameter is given twice, the kernel sees both (Linux keeps the last).
 */
KX_API int kx_load_append(struct kx_load *l, const char *text, struct kx_error *err);
/* These two return 0, or -1 once the load is prepared (the command line is built). */
KX_API int kx_load_replace_cmdline(struct kx_load *l); /* do not use the image's own */
KX_API int kx_load_reuse_cmdline(struct kx_load *l);   /* start from /proc/cmdline */
/* Device tree to start from (arm64); default: the running system's. */
KX_API int kx_load_dtb(struct kx_load *l, const char *path, struct kx_error *err);
/* Multiboot module: a file and its string (GRUB's "FILE ARGS"). */
KX_API int kx_load_module(struct kx_load *l, const char *path, const char *string,
		   struct kx_error *err);
/* Raw image piece: the file copied to a physical address (type "raw"). */
KX_API int kx_load_segment(struct kx_load *l, const char *path, uint64_t addr, struct kx_error *err);

/*
 * Settings beyond struct kx_options, one at a time, before kx_load_prepare
 * (new ones are added here without changing the struct). A setting this
 * library does not know, or a value it cannot take, is KX_E_SETTING: a
 * caller can tell an older library from a refused request.
 */
enum kx_setting {
	KX_SET_NO_CMA = 1,     /* 1: kexec_file_load may not use CMA (KEXEC_FILE_NO_CMA) */
	KX_SET_FORCE_DTB,      /* 1: kexec_file_load passes the device tree (KEXEC_FILE_FORCE_DTB) */
	KX_SET_HOTPLUG,        /* 1: a crash kernel the kernel updates on CPU or memory hotplug */
	KX_SET_KERNEL_DEBUG,   /* 1: the kernel logs its own kexec steps (KEXEC_FILE_DEBUG) */
	KX_SET_NO_EFI,         /* 1: pass no EFI runtime state to the next kernel (kexec_load;
				  with kexec_file_load the kernel decides) */
	KX_SET_CONSOLE_PORT,   /* where kx's purgatory writes: x86: the I/O port of a 16550
				  UART (default 0x3f8); arm64: 1, the UART the device tree's
				  stdout-path names (the default); 0: nowhere */
	KX_SET_CONSOLE_BAUD,   /* x86: program that UART to this speed; 0: leave it as it is */
	KX_SET_CLASSIC_HINTS,  /* 1: no_verify, mem_min and mem_max apply to kexec_load only and do
				  not choose it (kexec-tools' rule): kexec_file_load ignores them */
	KX_SET_ATAGS,          /* 32-bit ARM, 1: pass an ATAGS list (memory, initrd, command line)
				  instead of a device tree; not with kx_load_dtb nor a crash kernel */
	KX_SET_MACH_TYPE,      /* 32-bit ARM: the machine type the next kernel gets in r1
				  (1 to 0xffffffff); default: the one the running kernel passes */
	KX_SET_NO_UNPACK,      /* x86_64, 1: kexec_load keeps a bzImage as it is (its own
				  decompressor runs and picks its KASLR offsets); default: kx
				  unpacks and relocates the kernel at load (docs/compression.md) */
	KX_SET__END
};
KX_API int kx_load_set(struct kx_load *l, enum kx_setting what, uint64_t value,
		       struct kx_error *err);

/*
 * Resolve the load: probe the image, build the command line, check a crash
 * load's reservation, choose the syscall. Files only, no privilege; called
 * by the functions below when needed.
 */
KX_API int kx_load_prepare(struct kx_load *l, struct kx_error *err);
/* Plan kexec_load's segments (reads the memory map: root for real addresses). */
KX_API int kx_load_plan(struct kx_load *l, struct kx_error *err);
/* Hand the load to the kernel with the chosen syscall (and the fallback). */
KX_API int kx_load_commit(struct kx_load *l, struct kx_error *err);

/* ---- what a load is --------------------------------------------------------------- */

#define KX_INFO_MAX_SEGMENTS 16
#define KX_INFO_NREGS 8

struct kx_segment_info {
	const char *purpose;   /* "kernel", "initrd", "boot-params", "purgatory"... */
	const char *source;    /* file name or "built" */
	uint64_t mem, memsz;   /* physical destination and bytes reserved */
	uint64_t bufsz;        /* bytes copied from the file or buffer */
	uint64_t digest;       /* XXH64 of the bytes, when verified */
	int verify;            /* the purgatory checks this segment */
};

struct kx_load_info {
	const char *type;      /* image type: the loader's name ("bzimage", "uki", "elf", "multiboot"...;
				  after planning, what the loader made of it, e.g. "elf-linux") */
	const char *arch;      /* "x86_64", "arm64" */
	const char *syscall;   /* "kexec_file_load" or "kexec_load": chosen, or after a commit used */
	const char *fallback;  /* the syscall tried next, or NULL */
	const char *reason;    /* why that syscall, in words */
	const char *cmdline;   /* what the next kernel gets */
	int file_syscall_ok;   /* kexec_file_load can parse this image */
	int crash;             /* a crash kernel */
	int verify;            /* the purgatory verifies */
	uint64_t image_memory; /* bytes the kernel takes once placed (0 = unknown) */
	/* after kx_load_plan(): */
	unsigned nsegments;
	struct kx_segment_info segment[KX_INFO_MAX_SEGMENTS];
	uint64_t entry;        /* where the kernel jumps: the purgatory */
	uint64_t target;       /* where the purgatory jumps: the next kernel */
	const char *mode;      /* "64-bit", "32-bit protected mode" */
	uint32_t regs_used;    /* bit i: reg[i] is set */
	uint64_t reg[KX_INFO_NREGS];
	const char *reg_name[KX_INFO_NREGS];
	uint64_t memory;       /* bytes of all segments */
};

/* Fill *info (after kx_load_prepare; segments after kx_load_plan). */
KX_API int kx_load_info(struct kx_load *l, struct kx_load_info *info, struct kx_error *err);
/* The plan as kx --dry-run prints it (text), and as JSON (one object, one line). */
KX_API int kx_load_print(struct kx_load *l, FILE *f, struct kx_error *err);
KX_API int kx_load_print_json(struct kx_load *l, FILE *f, struct kx_error *err);
/* A crash load's crashkernel= estimate, as kx --suggest-crashkernel prints it. */
KX_API int kx_load_print_crash_size(struct kx_load *l, FILE *f, struct kx_error *err);

/* ---- the system ---------------------------------------------------------------------- */

/* Is a kernel (crash: a crash kernel) loaded? 1, 0, or -1 with *err if unknown. */
KX_API int kx_loaded(int crash, struct kx_error *err);
/* Unload with the syscall the options allow (syscall, crash; log). */
KX_API int kx_unload(const struct kx_options *o, struct kx_error *err);
/* Boot the loaded kernel now: syncs file systems first unless no_sync. Does
 * not stop services or unmount anything. Returns only on failure. */
KX_API int kx_exec(int no_sync, const struct kx_options *o, struct kx_error *err);

/* What this system allows, read from files only (no kexec call, no root). */
struct kx_preflight {
	char kernel[65];          /* running kernel release */
	char lockdown[24];        /* none, integrity, confidentiality, unknown */
	int load_disabled;        /* kernel.kexec_load_disabled: 1, 0, -1 unknown */
	int root;
	int has_load, has_file;   /* the syscall is in this kernel: 1, 0, -1 unknown */
	int loaded, crash_loaded; /* 1, 0, -1 unknown */
	uint64_t crash_size;      /* bytes reserved with crashkernel=, 0 = none */
	uint64_t mem_total, mem_avail;
	int load_ok, file_ok;     /* can each syscall load now (file: signed images only?) */
};
KX_API void kx_preflight(struct kx_preflight *pf);
/* As kx --check prints it; need: bytes a load needs, 0 = none named. */
KX_API void kx_preflight_print(FILE *f, const struct kx_preflight *pf, uint64_t need);
KX_API void kx_preflight_print_json(FILE *f, const struct kx_preflight *pf);

/* ---- boot entries: kx boot (docs/boot.md) -------------------------------------------- */

/*
 * A discovery: the file systems to look at (directories, block devices, or
 * every block device), the entries every format on them describes
 * (struct kx_boot_entry, include/kx/entry.h), their order and the default.
 * Block devices are mounted read-only without replaying a journal, as
 * detached mounts no other process sees, and unmounted by kx_boot_free().
 * Files are opened beneath their file system's root: "..", absolute
 * symlinks and symlinks or mounts leading out of it are refused.
 */
struct kx_boot;

/* o: only log, log_arg and debug are used (NULL: quiet). */
KX_API struct kx_boot *kx_boot_new(const struct kx_options *o, struct kx_error *err);
/* A directory holding a file system's files ("/boot", a mount point). */
KX_API int kx_boot_add_dir(struct kx_boot *b, const char *dir, struct kx_error *err);
/* A block device ("/dev/vda1"), mounted read-only for this discovery. */
KX_API int kx_boot_add_device(struct kx_boot *b, const char *dev, struct kx_error *err);
/* Every block device and partition with a file system kx can read. */
KX_API int kx_boot_scan(struct kx_boot *b, struct kx_error *err);
/* Read every volume's entries, order them, choose the default. */
KX_API int kx_boot_discover(struct kx_boot *b, struct kx_error *err);

KX_API unsigned kx_boot_count(const struct kx_boot *b);
KX_API const struct kx_boot_entry *kx_boot_get(const struct kx_boot *b, unsigned i);
/* The default entry's index, or -1 (no bootable entry); *why, if not NULL,
 * gets the rule that chose it, in words ("loader.conf default", ...). */
KX_API int kx_boot_default(const struct kx_boot *b, const char **why);
/* Seconds a menu waits, as the configuration asks; -1 if it does not say. */
KX_API int kx_boot_timeout(const struct kx_boot *b);
/* The entry whose id or title matches the glob: its index, or -1 (KX_E_BOOT_MATCH). */
KX_API int kx_boot_find(const struct kx_boot *b, const char *pattern, struct kx_error *err);
/* The volume's name ("/dev/vda1", "/boot") and file system type ("ext4"; "" for a directory). */
KX_API const char *kx_boot_volume(const struct kx_boot *b, unsigned vol);
KX_API const char *kx_boot_volume_type(const struct kx_boot *b, unsigned vol);
/* A sentence saying why an entry cannot be booted (like kx_error_message),
 * and a short stable name for the reason ("missing", "arch"...). */
KX_API size_t kx_boot_bad_message(const struct kx_boot_entry *e, char *buf, size_t n);
KX_API const char *kx_boot_bad_name(enum kx_boot_bad why);
/*
 * Give load l entry i: its kernel, initrds and device tree (opened beneath
 * its file system) and its command line (replacing the image's own, unless
 * the entry's is a UKI's own), or cmdline instead when not NULL (an edited
 * one). An unbootable entry is KX_E_BOOT_BAD. The load is then built as any
 * other: kx_load_append, kx_load_prepare, kx_load_commit.
 */
KX_API int kx_boot_apply(struct kx_boot *b, unsigned i, const char *cmdline, struct kx_load *l,
			 struct kx_error *err);
/* The entries as kx boot --list prints them: a table, or JSON (one object). */
KX_API int kx_boot_print(const struct kx_boot *b, FILE *f);
KX_API int kx_boot_print_json(const struct kx_boot *b, FILE *f);
KX_API void kx_boot_free(struct kx_boot *b);

/* The library's version ("0.2.0") and architecture ("x86_64"). */
KX_API const char *kx_version(void);
KX_API const char *kx_arch(void);
/* Bytes of the built-in purgatory. */
KX_API size_t kx_purgatory_size(void);

#ifdef __cplusplus
}
#endif
#endif
