/* Shared test fixtures: synthetic bzImages, memory maps, files on disk. */
#ifndef KX_UNIT_FIXTURES_H
#define KX_UNIT_FIXTURES_H
#include <stddef.h>
#include <stdint.h>
#include <kx/bzimage.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include <kx/range.h>

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Setup header offsets (Documentation/arch/x86/boot.rst), independent of lib/. */
#define O_SETUP_SECTS   0x1f1
#define O_BOOT_FLAG     0x1fe
#define O_JUMP          0x200
#define O_JUMP_OFF      0x201
#define O_MAGIC         0x202
#define O_VERSION       0x206
#define O_TYPE_OF_LOADER 0x210
#define O_LOADFLAGS     0x211
#define O_CODE32_START  0x214
#define O_RAMDISK_IMAGE 0x218
#define O_RAMDISK_SIZE  0x21c
#define O_CMD_LINE_PTR  0x228
#define O_INITRD_MAX    0x22c
#define O_KERNEL_ALIGN  0x230
#define O_RELOCATABLE   0x234
#define O_MIN_ALIGN     0x235
#define O_XLOADFLAGS    0x236
#define O_CMDLINE_SIZE  0x238
#define O_SUBARCH       0x23c
#define O_SUBARCH_DATA  0x240
#define O_PAYLOAD_OFF   0x248
#define O_PAYLOAD_LEN   0x24c
#define O_SETUP_DATA    0x250
#define O_PREF_ADDRESS  0x258
#define O_INIT_SIZE     0x260
#define O_HANDOVER      0x264
#define O_KERNEL_INFO   0x268
/* zero page fields outside the setup header */
#define ZP_SCREEN_INFO  0x000
#define ZP_ACPI_RSDP    0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE  0x0c4
#define ZP_EXT_CMD_LINE_PTR  0x0c8
#define ZP_EDID_INFO    0x140
#define ZP_E820_ENTRIES 0x1e8
#define ZP_SENTINEL     0x1ef
#define ZP_HDR_LIMIT    0x290
#define ZP_E820_TABLE   0x2d0
#define ZP_E820_MAX     128

#define SETUP_E820_EXT  1
#define SETUP_EFI       4
#define SETUP_RNG_SEED  9

/* A synthetic bzImage: boot protocol 2.15 header, 64-bit, relocatable. */
struct bz_spec {
	uint16_t version;          /* 0x020f */
	uint8_t setup_sects;       /* 8 */
	uint8_t jump;              /* byte at 0x201: 0x6a, the header ends at 0x26c */
	uint8_t loadflags;         /* LOADED_HIGH */
	uint16_t xloadflags;       /* XLF_KERNEL_64 */
	uint8_t relocatable;       /* 1 */
	uint32_t initrd_addr_max;  /* 0x7fffffff */
	uint32_t kernel_alignment; /* 2 MiB */
	uint32_t cmdline_size;     /* 2047 */
	uint32_t init_size;        /* 8 MiB */
	uint64_t pref_address;     /* 16 MiB */
	size_t kernel_len;         /* bytes after the setup sectors: 3 pages + 1 */
};
void bz_spec_default(struct bz_spec *s);
/* malloc'd image; every byte not a header field is a non-zero pattern */
uint8_t *bz_build(const struct bz_spec *s, size_t *len);
size_t bz_setup_len(const struct bz_spec *s);

/* An exact-size heap copy of buf[0, len) (so ASan sees any over-read). */
uint8_t *dup_exact(const void *buf, size_t len);

struct mm_ent { uint64_t start, end; uint32_t type; };
/* m = the given entries (added with kx_memmap_add); 0 on failure */
int mm_set(struct kx_memmap *m, const struct mm_ent *e, size_t n);
/* A typical PC: low RAM, holes, 2 GiB - 128 KiB below 4 GiB, 2 GiB above. */
void mm_std(struct kx_memmap *m);

/* A zeroed plan, with segments [mem, mem + memsz) ("block") if n > 0. */
void plan_with(struct kx_plan *p, const uint64_t (*segs)[2], size_t n);

/* Whole file into a malloc'd buffer; NULL if it cannot be read. */
uint8_t *read_whole(const char *path, size_t *len);
/* A Debian vmlinuz from the e2e cache (or $KX_UNIT_VMLINUZ); NULL if none. */
const char *find_vmlinuz(void);
/* The built purgatory blob path (or $KX_UNIT_PURGATORY); NULL if none. */
const char *find_purgatory(void);

uint64_t align_up_u64(uint64_t v, uint64_t a);
#endif
