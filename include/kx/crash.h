/*
 * kdump: pure builders for a crash kernel loaded with kexec_load (kx -p -c).
 * With kexec_file_load the kernel builds all of this itself.
 *
 *   - the ELF core header (elfcorehdr=) that /proc/vmcore of the crash kernel
 *     is made from: one PT_NOTE per CPU (its crash_notes buffer), one for
 *     VMCOREINFO, a PT_LOAD for the kernel text and one per System RAM range
 *     of the running kernel, minus the crash regions and the first 1 MiB
 *     (as Linux's own kexec_file_load builds it on x86_64);
 *   - the memory map the crash kernel boots with;
 *   - the command line words every crash kernel needs;
 *   - an estimate of the memory the crash kernel needs (crashkernel=);
 *   - small parsers for /proc/iomem ("Crash kernel") and /proc/kcore headers.
 *
 * No I/O, no libc; every size is checked. libkx/crash.c gathers the inputs.
 */
#ifndef KX_CRASH_H_LIB
#define KX_CRASH_H_LIB
#include <stddef.h>
#include <stdint.h>
#include "cmdline.h" /* kx_cmdline_drop */
#include "err.h"
#include "range.h"

#define KX_CRASH_MAX_CPUS    8192  /* per-CPU notes taken (CONFIG_NR_CPUS max) */
#define KX_CRASH_MAX_REGIONS 8     /* "Crash kernel" ranges (high + low, ...) */
#define KX_CRASH_MAX_EXCLUDE 16    /* ranges left out of the dump */
#define KX_CRASH_LOW         0x100000ull /* the first 1 MiB: never dumped, the
					    crash kernel's to use (Linux >= 5.8) */
#define KX_ELF64_EHDR        64
#define KX_ELF64_PHDR        56
#define KX_ELF32_EHDR        52
#define KX_ELF32_PHDR        32
#define KX_PT_LOAD           1
#define KX_PT_NOTE           4
#define KX_ET_CORE           4

/* A physical buffer of the running kernel: a CPU's notes, VMCOREINFO. */
struct kx_crash_note { uint64_t paddr, size; };

struct kx_crash_core {
	uint16_t machine;                 /* e_machine of the crashed kernel (KX_EM_*) */
	const struct kx_crash_note *cpu;  /* crash_notes of each CPU, in CPU order */
	unsigned ncpu;                    /* <= KX_CRASH_MAX_CPUS */
	struct kx_crash_note vmcoreinfo;  /* size 0: no VMCOREINFO note */
	/* the kernel image mapping: PT_LOAD vaddr text_vaddr -> text_paddr;
	 * text_size 0: none */
	uint64_t text_vaddr, text_paddr, text_size;
	/* RAM PT_LOADs get p_vaddr = page_offset + p_paddr (the direct map);
	 * page_offset 0: p_vaddr 0 (unknown) */
	uint64_t page_offset;
	/* the running kernel's memory: its KX_MEM_RAM entries are dumped
	 * (other entries are ignored) */
	const struct kx_memmap *ram;
	/* never dumped: crash regions, the first 1 MiB, ... (any order, may
	 * overlap; empty ranges are ignored) */
	const struct kx_range *exclude;
	unsigned nexclude;                /* <= KX_CRASH_MAX_EXCLUDE */
	/* 0: ELF64 (x86_64); 1: ELF32 (32-bit ARM, i386): every address,
	 * offset and size must then fit 32 bits, else KX_E_BAD_HEADER (what:
	 * "32-bit core header"); a direct-map p_vaddr that would not fit (RAM
	 * above the linear map) is written as 0 */
	uint8_t elf32;
	/* the end of the direct map (i386: lowmem): RAM pieces are split there
	 * and those above get p_vaddr 0 (highmem has no fixed mapping);
	 * 0: no limit */
	uint64_t direct_end;
	/* a range of the crashed kernel's memory that the purgatory copies
	 * elsewhere before the crash kernel overwrites it (ppc64: the first
	 * 64 KiB, where the crash kernel puts its exception vectors): it is
	 * left out of the RAM pieces and gets its own PT_LOAD, before them,
	 * with p_paddr (and p_vaddr) of the range but p_offset = backup_to,
	 * where the copy is; empty: none */
	struct kx_range backup;
	uint64_t backup_to;
};

/*
 * The size of the header for c (ELF header + program headers), and the
 * number of program headers. Errors: KX_E_TOO_MANY (what: "CPUs" or
 * "excluded ranges" or "program headers"; a: limit).
 */
struct kx_err kx_crash_core_size(const struct kx_crash_core *c, uint64_t *size, unsigned *phnum);

/*
 * Write the ELF64 (or, with c->elf32, ELF32) core header into buf[0, cap):
 * ET_CORE, little endian;
 * PT_NOTEs (p_offset = p_paddr = the buffer), then the kernel text PT_LOAD,
 * then the backup's PT_LOAD (p_offset = backup_to), then one PT_LOAD per
 * dumped RAM piece (p_offset = p_paddr, p_vaddr = page_offset + p_paddr, RWX). *len = bytes written. Errors: as
 * kx_crash_core_size, KX_E_SCRATCH (a: needed, b: cap), KX_E_BAD_HEADER
 * (what: "crash note" / "VMCOREINFO note" / "kernel text": an address range
 * that wraps).
 */
struct kx_err kx_crash_core_build(const struct kx_crash_core *c, uint8_t *buf, size_t cap,
				  size_t *len);

/*
 * The memory map the crash kernel boots with, in *out (cleared first):
 *   - RAM of sys below 1 MiB (the real-mode trampoline and the like);
 *   - every non-RAM entry of sys, as it is (ACPI tables and NVS, reserved,
 *     persistent memory, ...): never free RAM, and never MMIO space;
 *   - each crash region as RAM, except `hole` (the core header: the crash
 *     kernel must neither overwrite nor map it as its own RAM); pieces
 *     smaller than a page are dropped.
 * No other RAM: the crashed kernel's memory is only read, through
 * /proc/vmcore. Errors: KX_E_TOO_MANY (memory map entries), KX_E_MEMMAP.
 */
struct kx_err kx_crash_memmap(const struct kx_memmap *sys, const struct kx_range *crash,
			      unsigned ncrash, struct kx_range hole, struct kx_memmap *out);

/*
 * The crash kernel's command line, in place (NUL-terminated buf, capacity
 * cap): every elfcorehdr= word is removed, then, when elfcorehdr is not 0,
 * "elfcorehdr=0x<hex>" is appended (Linux takes the last one, so removing
 * the earlier ones changes nothing but keeps the line from growing). Nothing
 * else is added: kdump's nr_cpus=1, irqpoll, reset_devices are the caller's
 * (kexec-tools adds none either). Errors: KX_E_CMDLINE_TOO_LONG (a: length,
 * b: cap - 1).
 */
struct kx_err kx_crash_cmdline(char *buf, size_t cap, uint64_t elfcorehdr);

/*
 * 32-bit ARM: the crash kernel's memory is given on its command line, as
 * kexec-tools gives it (arch/arm/kernel/setup.c early_mem: "mem=SIZE@START"
 * replaces every memory bank of the device tree). In place: every mem= word
 * is removed, then, for a nonempty usable, "mem=0x<size>@0x<start>" is
 * appended. Errors: KX_E_CMDLINE_TOO_LONG.
 */
struct kx_err kx_crash_cmdline_mem(char *buf, size_t cap, struct kx_range usable);

/*
 * /proc/iomem: every line named `name` (at any nesting depth), as
 * [start, end + 1), in file order, at most max. Errors: KX_E_MEMMAP
 * ("a malformed /proc/iomem line", a: line), KX_E_MEMMAP_HIDDEN (every
 * matching line reads 0-0: not root), KX_E_TOO_MANY.
 */
struct kx_err kx_iomem_find(const char *buf, size_t len, const char *name, struct kx_range *out,
			    unsigned max, unsigned *n);

/* What /proc/kcore's program headers say about the running kernel. */
struct kx_crash_kcore {
	uint64_t page_offset;                     /* 0: not found */
	uint64_t text_vaddr, text_paddr, text_size; /* text_size 0: not found */
};

/*
 * Parse the ELF64 header of /proc/kcore (the first len bytes of it):
 * the kernel text is the PT_LOAD at or above kernel_map whose p_paddr is
 * known (not -1); the direct map's base is p_vaddr - p_paddr of the other
 * PT_LOADs with a known p_paddr (they must agree; Linux >= 4.x sets p_paddr
 * for RAM). Errors: KX_E_TRUNCATED ("kcore ELF header", "kcore program
 * headers"), KX_E_BAD_HEADER (what names the field).
 */
struct kx_err kx_crash_kcore_parse(const uint8_t *buf, size_t len, uint64_t kernel_map,
				   struct kx_crash_kcore *out);

/*
 * The memory a crash kernel needs (all in bytes). `loaded` is what its
 * segments take (kernel with init_size, initrds, boot parameters,
 * purgatory, core header), `unpacked` the initramfs once unpacked; to that
 * come a fixed KX_CRASH_RUNTIME for the running kernel and the dump tool,
 * and the struct page array for the region (1/64 of it). total is rounded
 * up to 1 MiB, suggest (for crashkernel=) up to 16 MiB.
 */
#define KX_CRASH_RUNTIME (64ull << 20)
struct kx_crash_need {
	uint64_t loaded, unpacked, runtime, memmap, total, suggest;
};
struct kx_err kx_crash_need(uint64_t loaded, uint64_t unpacked, struct kx_crash_need *n);

/*
 * An estimate of the memory an initramfs takes once unpacked (buf: one
 * initrd file, possibly several archives back to back): uncompressed newc
 * cpio archives count their file data; a gzip member at the end counts its
 * ISIZE, a zstd frame its content size when it gives one; anything else
 * counts 4 times its compressed size. Bounded work; never fails.
 */
uint64_t kx_initramfs_unpacked(const uint8_t *buf, size_t len);
#endif
