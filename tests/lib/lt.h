/*
 * Hosted tests of libkx through its public API only (include/kx.h): the
 * runner (main.c), the images and files the loads are built from
 * (fixtures.c), the load recipes and their transcripts (recipes.c), and the
 * cases (test_*.c).
 *
 * Rule zero: nothing here commits, unloads or boots. The make rule refuses
 * to build when a source names the three calls that make kexec syscalls,
 * --wrap turns any hidden use into an abort, and main() installs a seccomp
 * filter that kills the process on kexec_load, kexec_file_load or reboot.
 *
 *   LT_CASE(name) { ... }   a case; cases run in order of definition per file
 *   CHECK(c), CHECK_EQ(a, b), CHECK_STR(a, b)   record a failure, return 1 if ok
 *   REQUIRE(c)               CHECK, and return from the case when it fails
 *   SKIP(fmt, ...)           the case is skipped, with the reason
 *   NOTE(fmt, ...)           a line of information (shown with -v)
 * Checks may be made from several threads at once.
 */
#ifndef KX_LT_H
#define KX_LT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kx.h>

typedef void (*lt_fn)(void);
void lt_register(const char *name, lt_fn fn);

#define LT_CASE(name)                                                              \
	static void name(void);                                                    \
	__attribute__((constructor)) static void lt_reg_##name(void)              \
	{                                                                          \
		lt_register(#name, name);                                          \
	}                                                                          \
	static void name(void)

int lt_check(const char *file, int line, int ok, const char *expr);
int lt_check_eq(const char *file, int line, const char *ea, const char *eb, uint64_t a, uint64_t b);
int lt_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		 const char *b);
void lt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(c) lt_check(__FILE__, __LINE__, !!(c), #c)
#define CHECK_EQ(a, b) lt_check_eq(__FILE__, __LINE__, #a, #b, (uint64_t)(a), (uint64_t)(b))
#define CHECK_STR(a, b) lt_check_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define REQUIRE(c)                 \
	do {                       \
		if (!CHECK(c))     \
			return;    \
	} while (0)
#define SKIP(...)                    \
	do {                         \
		lt_skip(__VA_ARGS__); \
		return;              \
	} while (0)
#define NOTE(...) lt_note(__VA_ARGS__)

/* ---- fixtures (fixtures.c) ------------------------------------------------------ */

/* An input: bytes in memory (borrowed by loads) and the same bytes in a file. */
struct fx {
	const char *name;
	uint8_t *buf;
	size_t len;
	char path[512];
};

enum fx_id {
	FX_REAL,        /* a Debian vmlinuz (tests/e2e/cache), or none */
	FX_BZ_A,        /* synthetic bzImage, protocol 2.15, 8 MiB init_size */
	FX_BZ_B,        /* another one: 24 MiB init_size, 32 MiB preferred, 1 MiB payload */
	FX_ELF,         /* an ELF64 x86-64 kernel, two PT_LOADs at 16 MiB */
	FX_MB1,         /* a multiboot 1 a.out-kludge kernel at 2 MiB */
	FX_GARBAGE,     /* 4 KiB that is no kernel */
	FX_INITRD_A,    /* 300 KiB + 17 */
	FX_INITRD_B,    /* 1 MiB */
	FX_INITRD_C,    /* 4097 bytes */
	FX_SEG_A,       /* raw pieces: 8 KiB, 4097 bytes */
	FX_SEG_B,
	FX_MOD_A,       /* multiboot modules: 5000 bytes, 70 KiB */
	FX_MOD_B,
	FX_PURGATORY,   /* the built purgatory blob (a file given with --purgatory), or none */
	FX__COUNT
};

extern struct fx fx[FX__COUNT];
extern char lt_dir[];          /* the temporary directory the files are in */
int fx_setup(void);            /* 0, or -1 with a message */
void fx_cleanup(void);
int fx_have(enum fx_id id);    /* the fixture exists (FX_REAL, FX_PURGATORY may not) */
/* a synthetic bzImage (malloc'd): init_size, pref_address, bytes after the setup */
uint8_t *fx_bzimage(uint32_t init_size, uint64_t pref, size_t kernel_len, size_t *len);
/* n bytes of a pattern seeded by seed (malloc'd) */
uint8_t *fx_pattern(size_t n, unsigned seed);
/* write buf to lt_dir/name; the path in out */
int fx_write(const char *name, const void *buf, size_t len, char *out, size_t outlen);

/* ---- recipes and transcripts (recipes.c) ------------------------------------------ */

enum ksrc { K_NONE, K_PATH, K_FD, K_BUF };

struct spec {
	const char *name;
	struct kx_options o;
	int purgatory;              /* o.purgatory = the built blob's path */
	enum fx_id kernel;
	enum ksrc ksrc;
	struct { enum fx_id id; int buf; } initrd[3];
	unsigned ninitrd;
	struct { enum fx_id id; const char *string; } module[2];
	unsigned nmodule;
	struct { enum fx_id id; uint64_t addr; } seg[2];
	unsigned nseg;
	const char *append[4];
	unsigned nappend;
	int replace, reuse;
	int crash_size;             /* kx_load_print_crash_size as well */
	int via_tmpfile;            /* print through tmpfile() rather than a memstream */
	/* what the reference (alone) run must show, so no comparison is vacuous */
	const char *fails_at;       /* the first step that fails, or NULL */
	int code;                   /* its error code */
	const char *want_type;      /* kx_load_info's type after the plan */
	const char *want_cmdline;
	unsigned want_segments;
};

extern const struct spec lt_specs[];
extern const unsigned lt_nspecs;

/* What a run prints besides its core transcript: kx_load_print reads
 * /proc/kallsyms (kx_preflight), some 65 ms, so not every run does. */
enum { LT_PRINT = 1, LT_JSON = 2, LT_FULL = 3 };

/* Under ThreadSanitizer everything is some 3x slower; the runs there print
 * less (the JSON in threads only), to keep the run short. */
#if defined(__SANITIZE_THREAD__)
#define LT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LT_TSAN 1
#endif
#endif
#ifdef LT_TSAN
#define LT_REF_MODE LT_JSON
#define LT_RR_MODE 0
#else
#define LT_REF_MODE LT_FULL
#define LT_RR_MODE LT_PRINT
#endif

/* A transcript in three parts: the calls, kx_load_print's text, the JSON. */
struct transcript {
	char *text[3];
	size_t len[3];
};

/* One load being built from a spec, and everything it said. */
struct run {
	unsigned mode;              /* LT_PRINT, LT_JSON */
	const struct spec *s;
	struct kx_load *l;
	int fd;                     /* K_FD: ours, closed after kx_load_free */
	unsigned step, nsteps;
	struct step { int kind, idx; } steps[32];
	FILE *ts[3];                /* the transcript's parts */
	struct transcript t;
	struct kx_load_info info;
	int have_info;
	char got_type[32], got_cmdline[4096]; /* copied at ST_FINISH, for run_meets_spec */
	const char *first_fail;     /* the first step that failed */
	int first_code;
	int freed;
};

/* step kinds */
enum {
	ST_NEW, ST_KERNEL, ST_INITRD, ST_MODULE, ST_SEGMENT, ST_REPLACE, ST_REUSE, ST_APPEND,
	ST_PREPARE, ST_PLAN, ST_INFO, ST_PRINT, ST_JSON, ST_CRASH, ST_FINISH, ST_FREE,
};

/* 0 if the spec can run here; else the reason it cannot (a missing fixture). */
const char *run_skip_reason(const struct spec *s);
void run_init(struct run *r, const struct spec *s, unsigned mode);
/* Do the next step; 0 when there is none left (the transcript is final). */
int run_step(struct run *r);
int run_next_kind(const struct run *r); /* the next step's kind, or -1 */
void run_all(struct run *r);             /* every step, alone */
void run_release(struct run *r);         /* the transcript's memory */
/* Compare r's transcript with the reference (the parts r has); report the
 * first different line. */
int run_same(const struct run *r, const struct transcript *ref, const char *mode);
/* The reference transcript of spec i (built alone first, LT_REF_MODE), or NULL
 * if the spec cannot run here. */
const struct transcript *lt_reference(unsigned i);
/* Does the alone run of spec s show what the spec says it must? */
int run_meets_spec(const struct run *r);
/* kx_load_info as text (every field); appended to f */
void info_dump(FILE *f, const struct kx_load_info *in);
/* e as text (every field and the message) */
void error_dump(FILE *f, const struct kx_error *e);

/* A small deterministic random generator (xorshift), one per user. */
static inline uint32_t lt_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}
#endif
