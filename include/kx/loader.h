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

/*
 * x86: the EFI runtime state a kexec_load'ed Linux needs to keep the
 * firmware's runtime services (efivarfs, efibootmgr): the running kernel's
 * runtime memory map (/sys/firmware/efi/runtime-map, each region at the
 * virtual address the firmware was told once and for all) and the physical
 * addresses of what the system table points to (files in /sys/firmware/efi).
 * libkx reads it; the boot-params builder decides whether it can be passed.
 */
#define KX_EFI_MAX_REGIONS 256
struct kx_efi_md { uint32_t type; uint64_t phys, virt, pages, attr; };

enum kx_efi_state {
	KX_EFI_UNSET,          /* the loader passes no boot parameters (no line in the plan) */
	KX_EFI_READY,          /* read: the builder passes it if the kernel can take it */
	KX_EFI_PASSED,         /* the builder passed it */
	KX_EFI_NOT_EFI,        /* the system did not boot through EFI (no /sys/firmware/efi) */
	KX_EFI_OFF,            /* the caller said no (--noefi) */
	KX_EFI_NO_RUNTIME,     /* no runtime services (empty or missing runtime-map) */
	KX_EFI_FW32,           /* 32-bit firmware under this 64-bit kernel (mixed mode) */
	KX_EFI_UNREADABLE,     /* /sys/firmware/efi could not be read (not root?) */
	KX_EFI_TOO_MANY,       /* more runtime regions than KX_EFI_MAX_REGIONS */
	KX_EFI_KERNEL,         /* the next kernel cannot take it (no XLF_EFI_KEXEC, or ELF) */
	KX_EFI_BOOT_PARAMS,    /* the running kernel's boot_params name no EFI memory map */
	KX_EFI_DESC_VERSION,   /* a memory descriptor version other than 1 */
	KX_EFI__END
};

struct kx_efi {
	int state;             /* enum kx_efi_state: READY, or why there is nothing */
	uint64_t fw_vendor, runtime, tables, smbios; /* physical addresses */
	unsigned n;            /* runtime regions in md[] */
	struct kx_efi_md md[KX_EFI_MAX_REGIONS];
};

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
	uint8_t kaslr_seed[16];    /* x86_64: random bytes for the offsets of a kernel
				      kx unpacks (never passed on) */
	int have_kaslr_seed;
	const struct kx_efi *efi;  /* x86: EFI runtime state, or NULL (= not an EFI boot) */
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
	int atags;                     /* 32-bit ARM: pass ATAGS, not a device tree */
	uint32_t mach_type;            /* 32-bit ARM: r1 for the next kernel (its machine
					  type); 0 = the one the running kernel passes */
	int no_unpack;                 /* x86_64 bzImage: do not unpack the kernel at load;
					  the enum kx_unpacked reason (OFF, CRASH), 0 = try */
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
