/*
 * ppc64le kdump through kexec_load: the pure parts of what a crash kernel's
 * planned segments need (lib/arch/ppc64le/crash.c; libkx/arch/ppc64le/crash.c
 * applies them; docs/kdump.md, "ppc64le").
 */
#ifndef KX_LIB_PPC_CRASH_H
#define KX_LIB_PPC_CRASH_H
#include <stddef.h>
#include <stdint.h>
#include <kx/err.h>
#include <kx/range.h>

/* The word at 0x5c of a ppc64 kernel image: __run_at_load. "run0" (as the
 * file has it): the kernel copies itself to physical 0; 1: it runs where it
 * was loaded (a relocatable kernel, as a crash kernel must). */
#define KX_PPC_RUN_AT_LOAD 0x5c
#define KX_PPC_RUN0        0x72756e30u
#define KX_PPC_CRASH_MAX_RESERVE 8

/* 1 when the image's first len bytes hold "run0" at KX_PPC_RUN_AT_LOAD. */
int kx_ppc_crash_relocates(const uint8_t *head, size_t len);
/* Set the word to 1 (head: a writable copy, len >= KX_PPC_RUN_AT_LOAD + 4). */
void kx_ppc_crash_run_at_load(uint8_t *head, size_t len);

/*
 * The crash kernel's device tree: the packed tree src copied into out (cap
 * bytes) with a reserve map entry for each non-empty reserve[0 .. nreserve)
 * (<= KX_PPC_CRASH_MAX_RESERVE) and, on every node whose device_type is
 * "memory" and whose reg reaches beyond `end`, linux,usable-memory: the same
 * ranges cut at end (a range wholly above gets size 0). Packed; *outlen its
 * size. Errors: KX_E_DTB (a: enum kx_dtb_fault, b: libfdt's error),
 * KX_E_SCRATCH ("device tree": cap too small), KX_E_TOO_MANY ("reserve
 * entries").
 */
struct kx_err kx_ppc_dtb_crash(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_range *reserve, unsigned nreserve, uint64_t end,
			       size_t *outlen);
/* Room kx_ppc_dtb_crash needs for src: its size, plus the new entries and
 * properties. */
size_t kx_ppc_dtb_crash_room(const uint8_t *src, size_t srclen);
#endif
