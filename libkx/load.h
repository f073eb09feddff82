/*
 * libkx inside: the state of one load (everything it maps, builds and
 * plans lives here, nowhere else), and the helpers every file uses.
 */
#ifndef LIBKX_LOAD_H
#define LIBKX_LOAD_H
#include <stdarg.h>
#include <kx.h>
#include <kx/comp.h>
#include <kx/crash.h>
#include <kx/elf.h>
#include <kx/loader.h>
#include <kx/pe.h>
#include <kx/policy.h>
#include "sys.h"

#define MAX_BLOBS    (KX_MAX_INITRDS + 2)  /* a UKI's .ucode and .initrd, then the files */
#define MAX_FILES    (2 + KX_MAX_INITRDS + KX_MAX_MODULES + KX_MAX_SEGMENTS + 2)
#define MAX_ALLOCS   64
#define MAX_APPEND   16
#define CMDLINE_MAX  (64 * 1024)
#define IOMEM_MAX    (256 * 1024)
#define STRINGS_MAX  (64 * 1024)
#define SCRATCH_MAX  (256 * 1024)
#define PURG_MAX     (64 * 1024)
#define CRASH_HDR_MAX (KX_ELF64_EHDR + KX_ELF64_PHDR * (KX_CRASH_MAX_CPUS + 2 + KX_MEMMAP_MAX + \
							 KX_CRASH_MAX_EXCLUDE))

/* How the syscall was chosen, for the plan's "why". */
enum why {
	WHY_ASKED_CLASSIC, WHY_ASKED_FILE, WHY_AUTO_FORMAT, WHY_AUTO_CLASSIC_ONLY,
	WHY_AUTO_POLICY,        /* the system's policy facts decided: l->au */
};

/* The policy facts auto mode weighs, and where they came from (policy.c). */
struct policy_state {
	int read;
	struct kx_policy_facts f;
	char lockdown[32];
	char config[300];       /* where the kernel's .config was read; "" if nowhere */
	int secure_boot;
	int ima_present;
	enum kx_ima_read ima_read;
	int no_file;            /* the kernel's config has no CONFIG_KEXEC_FILE */
};

/* kdump: the reserved region and what the files need (crash.c). */
struct crash_state {
	int read;                  /* the regions were looked up */
	int hidden;                /* /proc/iomem hides addresses (not root) */
	struct kx_range region[KX_CRASH_MAX_REGIONS];
	unsigned nregion, main;    /* main: where the segments go (the highest) */
	uint64_t size;             /* bytes reserved, all regions */
	int have_need;
	uint64_t loaded;           /* the files' segments (estimate from the files) */
	struct kx_crash_need need;
	uint64_t backup_at;        /* ppc64: where the purgatory copies the first 64 KiB */
	struct kx_sysinfo view;    /* the system as the crash kernel sees it: its memory
				      map is RAM below 1 MiB plus the crash region */
	struct kx_memmap ram;      /* System RAM, for the core header */
	struct kx_crash_note notes[KX_CRASH_MAX_CPUS];
	char names[KX_CRASH_MAX_CPUS + 64][16];
	unsigned cpu[KX_CRASH_MAX_CPUS];
	uint8_t hdr[CRASH_HDR_MAX];
	uint8_t kcore[64 * 1024];
	union { struct kx_uki uki; struct kx_elf elf; } scratch;
};

/* A wrapping undone (unwrap.c). */
enum wrap_kind { WRAP_COMP, WRAP_UIMAGE, WRAP_ZBOOT, WRAP_VMLINUX };
struct wrap { enum wrap_kind kind; enum kx_comp comp; };

struct kx_load {
	struct kx_options o;
	int prepared, planned;
	const struct kx_loader *ld;
	/* What the image's loader gets: the kernel (req.image), initrds,
	 * modules, raw segments, device tree, entry, window, command line
	 * (l->cmdline), the system (l->si or, for a crash kernel, cs.view) and
	 * scratch room. The inputs fill it directly; nothing is copied. */
	struct kx_load_req req;
	const char *kernel_file;        /* the kernel's path, for display, or NULL */
	int kernel_fd;                  /* the kernel file's descriptor (the caller's, or the
					   one kx mapped and parsed), or -1 for a buffer */
	int initrd_files_only;          /* every initrd is a user file with a path */
	int initrd_bufs;                /* some initrd is a caller's buffer */
	const char *append[MAX_APPEND];
	unsigned nappend;
	int replace_cmdline, reuse_cmdline;
	uint64_t set[KX_SET__END];      /* kx_load_set's values (0 = not set) */
	uint32_t set_mask;              /* bit i: set[i] was given (CONSOLE_PORT 0 is "nowhere") */
	struct wrap wrap[KX_UNWRAP_DEPTH]; /* the wrappings undone, outermost first */
	unsigned nwrap;
	uint64_t packed_len;            /* the file's length, when unwrapped */
	int is_uki;
	struct kx_uki uki;              /* its sections, when is_uki */
	enum kx_classic_reason classic_only;
	int use_file;                   /* the syscall chosen: kexec_file_load */
	enum why why;
	struct policy_state pol;        /* read once, when auto mode has a choice */
	struct kx_auto au;
	int fell_back;                  /* committed with the other syscall */
	char why_text[320];
	char cmdline[CMDLINE_MAX];
	struct kx_sysinfo si;
	struct kx_efi efi;              /* x86: what si.efi points to */
	struct kx_plan plan;
	struct crash_state cs;
	/* what the load owns */
	struct kx_file files[MAX_FILES];
	unsigned nfiles;
	struct { void *p; size_t n; } allocs[MAX_ALLOCS];
	unsigned nallocs;
	char strings[STRINGS_MAX];
	size_t nstrings;
	uint8_t scratch[SCRATCH_MAX];
	uint8_t purg[PURG_MAX];
	char iomem[IOMEM_MAX];          /* /proc/iomem text, and other scratch reads */
	uint8_t boot_params[4096];
	char text[CMDLINE_MAX + 16 * 1024]; /* the plan, rendered */
	struct kx_preflight pf;         /* the system, for the plan's output */
	int have_pf;
};

/* Every public function: err may be NULL. */
#define ERR_OR_DUMMY(err) struct kx_error err##_dummy; if (!(err)) (err) = &err##_dummy

/* Errors (msg.c): each returns -1 after filling *err. */
int fail(struct kx_error *err, int code, const char *what, const char *subject);
int fail_n(struct kx_error *err, int code, const char *subject, uint64_t a, uint64_t b,
	   uint64_t c, uint64_t d);
int fail_file(struct kx_error *err, const char *role, const char *path, int neg_errno);
int fail_lib(struct kx_error *err, struct kx_err e, const char *subject);
/* A kexec syscall failed: records the errno and the system state that explains it. */
int fail_kexec(struct kx_error *err, int code, const char *op, const char *subject, int neg_errno);
void clear_error(struct kx_error *err);

/* Warnings and debug notes through the caller's log function. */
void kx_log(const struct kx_options *o, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define dbg(l, ...) kx_log(&(l)->o, KX_LOG_DEBUG, __VA_ARGS__)

/* A copy of s in the load's string store, or NULL when it is full. */
const char *keep_string(struct kx_load *l, const char *s, size_t n);
/* Anonymous memory freed with the load (unpacking room, device trees), and
 * the decompressor (kx_unpack_fn; ctx is the load): unpack.h. */
#include "unpack.h"
/* kx_unpack, timed: one debug line per unpack at load with its wall time and
 * sizes (docs/benchmarks.md reads it); every unpack of a kernel goes through it. */
struct kx_err load_unpack(void *load, enum kx_comp c, const uint8_t *in, size_t len, uint64_t max,
			  const uint8_t **out, size_t *outlen);
/* unwrap.c: undo the image's wrappings (a uImage, compression) into l->req.image. */
int unwrap_kernel(struct kx_load *l, struct kx_error *err);
/* ... and a UKI's .linux (l->uki.kernel, and l->req.uki_linux for the loader). */
int unwrap_uki_linux(struct kx_load *l, struct kx_error *err);
/* "xz-compressed ", "uImage gzip-compressed ": the wrappings, "" for none;
 * wrap_name: one wrapping's name for --json ("xz", "uimage", "zboot", "vmlinux"). */
const char *wrap_text(const struct kx_load *l, char *buf, size_t n);
const char *wrap_name(const struct wrap *w);
/* Map a file read-only for the load; the blob is named path. */
int map_file(struct kx_load *l, const char *role, const char *path, struct kx_blob *b,
	     struct kx_error *err);

/* policy.c: the facts (files only; the load's memory holds the texts). */
void policy_read(struct kx_load *l, struct policy_state *s);
/* The facts as one debug line (-d). */
void policy_debug(struct kx_load *l, const struct policy_state *s);
/* The reason auto mode chose, in words (no "auto: " prefix). */
const char *auto_why_text(const struct policy_state *s, enum kx_auto_why why);
/* One line per fact, for --check ("  NAME  VALUE  (effect)"), and as JSON members. */
void policy_print(FILE *f, const struct policy_state *s);
void policy_print_json(FILE *f, const struct policy_state *s);

/* The syscall's words for the plan ("auto: ..."). */
const char *why_text(struct kx_load *l);
/* Render the plan as kx --dry-run shows it into l->text (show.c). */
void render_plan(struct kx_load *l, const char *syscall);

/* Appending to a buffer like snprintf, counting what did not fit (msg.c). */
struct out { char *buf; size_t n, len; };
void out_put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "12.3 MiB" or "16 KiB" (msg.c). */
const char *fmt_mib(uint64_t v, char *b, size_t n);

/* /proc/iomem's text in l->iomem: 0, or -errno (-EFBIG: more than kx reads). */
int read_iomem(struct kx_load *l, size_t *len);
/* l->si.mem from /proc/iomem (its text left in l->iomem); 0, or -1 with err. */
int iomem_memmap(struct kx_load *l, size_t *len, struct kx_error *err);

/* crash.c */
int crash_setup(struct kx_load *l, struct kx_error *err);
int crash_region(struct kx_load *l, struct kx_window *w, struct kx_error *err);
int crash_prepare(struct kx_load *l, struct kx_window w, struct kx_error *err);

/* commit.c: auto mode's fallbacks, from the syscall chosen to the other */
int classic_falls_to_file(const struct kx_load *l);
int file_falls_to_classic(const struct kx_load *l);
/* plan.c: the kexec_load plan (kx_load_plan); commit.c uses it */
int plan_classic(struct kx_load *l, struct kx_error *err);
/* The purgatory's serial port (params.serial_port) */
uint16_t console_port(const struct kx_load *l);
/* kx boot's inputs from descriptors opened beneath a volume (load.c) */
int load_initrd_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err);
int load_dtb_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err);
#endif
