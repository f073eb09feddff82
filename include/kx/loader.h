/* Image loaders: one table, probe without side effects, load fills a plan. */
#ifndef KX_LOADER_H
#define KX_LOADER_H
#include <stddef.h>
#include <stdint.h>
#include "comp.h"
#include "plan.h"

#define KX_MAX_INITRDS 8
#define KX_MAX_MODULES 12

struct kx_blob { const uint8_t *buf; uint64_t len; const char *name; };

/* A multiboot module: a file and its string (--module "FILE ARGS"). */
struct kx_module { struct kx_blob file; const char *string; };

/* A raw segment: a file copied to a fixed address (--segment FILE@ADDR). */
struct kx_raw_seg { struct kx_blob file; uint64_t addr; };

/* What the running system tells us about itself (gathered by libkx/). */
struct kx_sysinfo {
	struct kx_memmap mem;      /* firmware memory map */
	const uint8_t *boot_params; /* x86: /sys/kernel/boot_params/data, or NULL */
	size_t boot_params_len;
	uint64_t acpi_rsdp;        /* physical address, 0 = unknown */
	uint8_t rsdp[36];          /* the RSDP structure itself (multiboot2 ACPI tags) */
	unsigned rsdp_len;         /* 20 (ACPI 1.0), 36 (2.0+), 0 = unknown */
	uint8_t rng_seed[32];
	int have_rng_seed;
	struct kx_blob fdt;        /* arm64: the running system's device tree
				      (/sys/firmware/fdt); buf NULL when none */
	/* Memory for what does not fit the request's scratch (an unpacked
	 * kernel, an edited device tree): alloc(alloc_ctx, n) gives n bytes
	 * that stay valid until the load is freed, or NULL. Set by the
	 * library's system side; NULL = no such memory. */
	void *(*alloc)(void *ctx, size_t n);
	void *alloc_ctx;
	/* The decompressor (kx/comp.h), called with alloc_ctx; NULL = none. */
	kx_unpack_fn unpack;
};

struct kx_load_req {
	struct kx_blob image;
	struct kx_blob initrd[KX_MAX_INITRDS];
	unsigned ninitrd;
	const char *cmdline;           /* final command line, NUL-terminated */
	struct kx_module module[KX_MAX_MODULES];
	unsigned nmodule;
	struct kx_raw_seg raw[KX_MAX_SEGMENTS];
	unsigned nraw;
	uint64_t entry;                /* --entry, when have_entry */
	int have_entry;
	const char *loader_name;       /* for boot-loader-name fields, e.g. "kx 0.2.0" */
	struct kx_blob dtb;            /* device tree to start from (--dtb or the running
					  system's), arm64; buf NULL when none */
	struct kx_window window;
	struct kx_blob uki_linux;      /* a UKI's .linux as the library unwrapped it (a
					  compressed or zboot kernel); buf NULL: as in the file */
	const struct kx_sysinfo *sys;
	uint8_t *scratch;              /* room for built segments (boot params ...) */
	size_t scratch_len;
};

struct kx_loader {
	const char *name;              /* canonical -t name */
	const char *const *aliases;    /* NULL-terminated, kexec-tools names */
	int (*probe)(const uint8_t *buf, size_t len);   /* 1 = mine */
	int kernel_parses;             /* kexec_file_load can take this type */
	int no_image;                  /* the image is raw segments, not a kernel file */
	int uki;                       /* a unified kernel image: kexec_file_load gets its
					  .linux, .ucode and .initrd, not the file */
	int entry_fixed;               /* the boot protocol fixes the entry: no --entry */
	int takes_dtb;                 /* the loader passes a device tree (--dtb) */
	struct kx_err (*load)(const struct kx_load_req *r, struct kx_plan *p);
};

/*
 * Place the n initrd files rd[] back to back in one span, each rounded up to
 * `align`, each its own segment: the first of tries[] (only their within,
 * top_down and exclusions count) that has room for the span wins. *out is
 * [first byte, last file's last byte), {0, 0} when there is nothing to load.
 * Errors: KX_E_NO_SPACE ("initrd", a: the span, b: the last try's limit),
 * those of kx_plan_add. Shared by the Linux loaders of every architecture.
 */
struct kx_err kx_place_initrds(struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
			       const struct kx_blob *rd, unsigned n, uint64_t align,
			       const struct kx_place *tries, unsigned ntries, struct kx_range *out);

extern const struct kx_loader *const kx_loaders[]; /* NULL-terminated, probe order */
const struct kx_loader *kx_loader_by_name(const char *name);
const struct kx_loader *kx_loader_probe(const uint8_t *buf, size_t len);
#endif
