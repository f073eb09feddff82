/*
 * The contract between the loader (lib/, libkx/) and a purgatory blob.
 *
 * A purgatory blob is a flat, position-independent binary. It starts with
 * a header at offset 0:
 *
 *   offset  size  field
 *   0       16    code: a jump to the real entry (the blob is entered here)
 *   16      4     magic        "KXPG" (0x4750584b little-endian)
 *   20      2     version      KX_PURG_VERSION
 *   22      2     hdr_size     bytes from offset 0 to the end of the params
 *   24      4     memsz        bytes the blob needs in memory (file + bss + stack)
 *   28      4     arch         KX_PURG_ARCH_*
 *   32      ...   struct kx_purg_params, filled in by the loader
 *
 * The loader copies the blob, fills the params, and makes it the kexec entry.
 * The purgatory verifies ranges[] (unless KX_PURG_VERIFY is clear), then sets
 * regs[] and jumps to `entry` in the CPU mode `entry_mode` names.
 * This header is included by C on both sides and by the purgatory assembly;
 * docs/purgatory.md describes it for people writing their own preamble.
 */
#ifndef KX_PURGATORY_H
#define KX_PURGATORY_H

#define KX_PURG_MAGIC        0x4750584b /* "KXPG" */
#define KX_PURG_VERSION      1
#define KX_PURG_PARAMS_OFF   32
#define KX_PURG_MAX_RANGES   16
#define KX_PURG_NREGS        8
/* sizeof(struct kx_purg_params): 48 + 8*8 + 16*24 */
#define KX_PURG_PARAMS_SIZE  496
#define KX_PURG_HDR_SIZE     (KX_PURG_PARAMS_OFF + KX_PURG_PARAMS_SIZE)

/* params.flags */
#define KX_PURG_VERIFY       0x1  /* check every range's digest before jumping */
#define KX_PURG_VERBOSE      0x2  /* say what happens on the serial port */
#define KX_PURG_4LEVEL       0x4  /* x86_64: the next kernel needs 4-level paging;
					if 5-level paging is on, switch to an
					identity map of the first 4 GiB first */

/* params.entry_mode */
#define KX_PURG_ENTRY_64     1     /* x86_64: long mode, identity map kept */
#define KX_PURG_ENTRY_32     2     /* x86: 32-bit protected mode, paging off */
#define KX_PURG_ENTRY_ARM    3     /* 32-bit ARM: ARM state, MMU and caches off;
					regs[1] 0 = the machine type the kernel
					passed, regs[2] 0 = the kernel's r2 */
#define KX_PURG_ENTRY_PPC64  4     /* ppc64le: real mode (MMU off), r3..r5 =
					regs[0..2]; regs[0] is the device tree,
					whose boot_cpuid_phys the purgatory sets to
					the CPU that runs it */

/* ppc64: the old kernel copies the first 256 bytes at the kexec entry to
 * physical 0 and sends its secondary CPUs to 0x60 there. The ppc64
 * purgatory's entry is this far into the blob, a 256-byte area whose first
 * word branches to the purgatory's code; the loader fills the other 252
 * bytes with the next kernel's own (its __secondary_hold at 0x60), so that
 * the secondaries wait in the next kernel's code (docs/ppc64le.md). */
#define KX_PURG_PPC64_HEAD   0x300
#define KX_PURG_PPC64_HEADSZ 256

/* params.digest_alg */
#define KX_DIGEST_XXH64      1

/* header.arch: the ELF machine number */
#define KX_PURG_ARCH_I386    3
#define KX_PURG_ARCH_X86_64  62
#define KX_PURG_ARCH_AARCH64 183
#define KX_PURG_ARCH_ARM     40
#define KX_PURG_ARCH_PPC64   21
#if defined(__x86_64__)
#define KX_PURG_ARCH_NATIVE  KX_PURG_ARCH_X86_64
#elif defined(__i386__)
#define KX_PURG_ARCH_NATIVE  KX_PURG_ARCH_I386
#elif defined(__aarch64__)
#define KX_PURG_ARCH_NATIVE  KX_PURG_ARCH_AARCH64
#elif defined(__arm__)
#define KX_PURG_ARCH_NATIVE  KX_PURG_ARCH_ARM
#elif defined(__powerpc64__)
#define KX_PURG_ARCH_NATIVE  KX_PURG_ARCH_PPC64
#endif

/* field offsets inside params, for assembly */
#define KX_PP_FLAGS          8
#define KX_PP_MODE           12
#define KX_PP_ENTRY          16
#define KX_PP_REGS           24

#ifndef __ASSEMBLER__
#include <stdint.h>

/* what regs[] means is the architecture's: include/kx/arch/<arch>.h */

struct kx_purg_range {
	uint64_t start;   /* physical address */
	uint64_t len;     /* bytes covered by the digest */
	uint64_t digest;  /* digest_alg over [start, start+len) */
};

struct kx_purg_params {
	uint32_t magic;        /*  0 copy of the header magic, set by the loader */
	uint16_t version;      /*  4 */
	uint16_t serial_port;  /*  6 I/O port of a 16550 UART for messages, 0 = none */
	uint32_t flags;        /*  8 KX_PURG_* */
	uint8_t  entry_mode;   /* 12 KX_PURG_ENTRY_* */
	uint8_t  digest_alg;   /* 13 KX_DIGEST_* */
	uint16_t nranges;      /* 14 <= KX_PURG_MAX_RANGES */
	uint64_t entry;        /* 16 where to jump */
	uint64_t regs[KX_PURG_NREGS]; /* 24 register values at the jump; rsp 0 = keep ours */
	uint64_t reserved[2];  /* 88 zero */
	uint32_t serial_baud;  /* 104 x86: program the UART to this speed; 0 = keep its speed */
	uint32_t reserved2;    /* 108 zero */
	struct kx_purg_range ranges[KX_PURG_MAX_RANGES]; /* 112 */
};

struct kx_purg_header {
	uint8_t  code[16];
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint32_t memsz;
	uint32_t arch;
	struct kx_purg_params params;
};

#define KX_PURG_CHECK_LAYOUT()                                                      \
	_Static_assert(sizeof(struct kx_purg_params) == KX_PURG_PARAMS_SIZE, "params"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_params, entry) == KX_PP_ENTRY, "entry"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_params, entry_mode) == KX_PP_MODE, "mode"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_params, regs) == KX_PP_REGS, "regs"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_params, serial_baud) == 104, "baud"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_params, ranges) == 112, "ranges"); \
	_Static_assert(__builtin_offsetof(struct kx_purg_header, params) == KX_PURG_PARAMS_OFF, "hdr"); \
	_Static_assert(sizeof(struct kx_purg_header) == KX_PURG_HDR_SIZE, "hdr size")
#endif
#endif
