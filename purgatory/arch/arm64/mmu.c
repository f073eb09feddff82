/*
 * The arm64 purgatory's identity map, so that the digests are computed with
 * the MMU and the data cache on. With them off (how kexec enters the
 * purgatory), every load is a Device access that goes to DRAM on its own:
 * on real servers that makes checking a kernel and initrd take minutes.
 *
 * Mapped, and nothing else: every range to verify and the purgatory itself
 * as Normal write-back memory, the console UART as Device-nGnRnE. 4 KiB
 * granule, 48-bit addresses, 1 GiB and 2 MiB blocks where a range allows,
 * 4 KiB pages at its edges. The tables live in the purgatory's bss. When
 * something does not fit (no 4 KiB granule, out of tables, an address above
 * the CPU's physical range), the MMU stays off and the check just runs slower.
 */
#include <kx/digest.h>
#include "purg.h"
#include "../../purgatory.h"

struct kx_a64_mmu kx_a64_mmu;

/* entry.S reads these fields by offset */
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, mair) == 0, "mair");
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, tcr) == 8, "tcr");
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, ttbr) == 16, "ttbr");
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, sctlr_on) == 24, "sctlr_on");
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, sctlr_off) == 32, "sctlr_off");
_Static_assert(__builtin_offsetof(struct kx_a64_mmu, on) == 48, "on");

#define NTABLES     48
#define PAGE        4096ull
#define DESC_VALID  1ull
#define DESC_TABLE  3ull           /* also: a level 3 page */
#define DESC_BLOCK  1ull
#define ADDR_MASK   0x0000fffffffff000ull
#define D_AF        (1ull << 10)
#define D_SH_INNER  (3ull << 8)
#define D_ATTR(i)   ((uint64_t)(i) << 2)
#define D_PXN       (1ull << 53)
#define D_UXN       (1ull << 54)   /* XN in the EL2 (non-VHE) regime */

#define MAIR_DEVICE 0x00ull        /* attr 0: Device-nGnRnE */
#define MAIR_NORMAL 0xffull        /* attr 1: Normal, write-back read/write-allocate */

#define SCTLR_M     (1ull << 0)
#define SCTLR_A     (1ull << 1)
#define SCTLR_C     (1ull << 2)
#define SCTLR_I     (1ull << 12)
#define SCTLR_WXN   (1ull << 19)
#define SCTLR_EE    (1ull << 25)

#define TCR_T0SZ(n) ((uint64_t)(n))
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER  (3ull << 12)
#define TCR_TG0_4K     (0ull << 14)
#define TCR_EPD1       (1ull << 23)
#define TCR_EL2_RES1   ((1ull << 31) | (1ull << 23))
#define HCR_E2H        (1ull << 34)

static uint64_t tables[NTABLES][512] __attribute__((aligned(4096)));
static unsigned ntables;
static uint64_t *root;
static uint64_t normal_attr, device_attr, pa_limit;

extern char _start_blob[] __attribute__((visibility("hidden")));
extern char _end_blob[] __attribute__((visibility("hidden")));

#define MRS(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })

static uint64_t *new_table(void)
{
	uint64_t *t;
	unsigned i;

	if (ntables >= NTABLES)
		return 0;
	t = tables[ntables++];
	for (i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

/* Map at va (page aligned, < end) the largest piece that fits; how much. */
static uint64_t map_one(uint64_t va, uint64_t end, uint64_t attr)
{
	uint64_t *t = root;
	unsigned level;

	for (level = 0; level <= 3; level++) {
		unsigned shift = 39 - 9 * level, k;
		uint64_t size = 1ull << shift, *e = &t[(va >> shift) & 511], *nt;

		if (level == 3) {
			*e = va | attr | DESC_TABLE;
			return PAGE;
		}
		if (level && !(*e & DESC_VALID) && !(va & (size - 1)) && end - va >= size) {
			*e = va | attr | DESC_BLOCK;
			return size;
		}
		if ((*e & 3) == DESC_BLOCK) {
			/* already a block: the same attributes cover it, else split it */
			uint64_t old = *e & ~ADDR_MASK & ~3ull, base = *e & ADDR_MASK;
			if (old == attr)
				return base + size - va;
			if (!(nt = new_table()))
				return 0;
			for (k = 0; k < 512; k++)
				nt[k] = (base + k * (size >> 9)) | old |
					(level + 1 == 3 ? DESC_TABLE : DESC_BLOCK);
			*e = (uint64_t)(uintptr_t)nt | DESC_TABLE;
		} else if (!(*e & DESC_VALID)) {
			if (!(nt = new_table()))
				return 0;
			*e = (uint64_t)(uintptr_t)nt | DESC_TABLE;
		}
		t = (uint64_t *)(uintptr_t)(*e & ADDR_MASK);
	}
	return 0;
}

int kx_a64_map(uint64_t start, uint64_t end, int device)
{
	uint64_t attr = device ? device_attr : normal_attr, step;

	start &= ~(PAGE - 1);
	if (end & (PAGE - 1)) {
		if (end > UINT64_MAX - PAGE)
			return 0;
		end = (end + PAGE - 1) & ~(PAGE - 1);
	}
	if (end > pa_limit || start >= end)
		return start == end;
	while (start < end) {
		if (!(step = map_one(start, end, attr)))
			return 0;
		start += step;
	}
	return 1;
}

/* The console: the UART in the device tree handed to the kernel (x0),
 * read only once that tree's own digest is known to be right. */
static void find_console(const struct kx_purg_params *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct kx_purg_range *r = &p->ranges[i];
		const uint8_t *dt = (const uint8_t *)(uintptr_t)r->start;
		if (r->start != p->regs[0] || !r->len)
			continue;
		if ((p->flags & KX_PURG_VERIFY) && kx_xxh64(dt, (size_t)r->len, 0) != r->digest)
			return;
		kx_fdt_uart(dt, (size_t)r->len, &kx_a64_uart);
		return;
	}
}

void kx_a64_prepare(uint64_t el)
{
	const struct kx_purg_params *p = &kx_params;
	unsigned i, n = p->nranges < KX_PURG_MAX_RANGES ? p->nranges : KX_PURG_MAX_RANGES;
	uint64_t mmfr0, pa, sctlr, xn, vhe = 0;
	static const uint8_t pa_bits[6] = { 32, 36, 40, 42, 44, 48 };

	kx_a64_mmu.on = 0;
	kx_a64_mmu.el = el;
	kx_a64_uart.type = KX_UART_NONE;
	ntables = 0;
	if (p->serial_port)
		find_console(p, n);
	if (el != 1 && el != 2)
		return;
	mmfr0 = MRS(id_aa64mmfr0_el1);
	if (((mmfr0 >> 28) & 0xf) == 0xf)
		return;                        /* no 4 KiB granule (TGran4) */
	pa = mmfr0 & 0xf;
	if (pa > 5)
		pa = 5;                        /* 52-bit needs LPA: 48 is enough to map */
	pa_limit = 1ull << pa_bits[pa];
	if (el == 2)
		vhe = MRS(hcr_el2) & HCR_E2H;
	xn = el == 2 && !vhe ? D_UXN : D_PXN | D_UXN;
	normal_attr = D_AF | D_SH_INNER | D_ATTR(1);
	device_attr = D_AF | D_ATTR(0) | xn;
	if (!(root = new_table()))
		return;
	for (i = 0; i < n; i++) {
		const struct kx_purg_range *r = &p->ranges[i];
		if (r->len && (r->start + r->len < r->start || !kx_a64_map(r->start, r->start + r->len, 0)))
			return;
	}
	if (!kx_a64_map((uintptr_t)_start_blob, (uintptr_t)_end_blob, 0))
		return;
	if (kx_a64_uart.type != KX_UART_NONE &&
	    !kx_a64_map(kx_a64_uart.base, kx_a64_uart.base + 1, 1))
		kx_a64_uart.type = KX_UART_NONE;
	kx_a64_mmu.mair = MAIR_DEVICE | MAIR_NORMAL << 8;
	if (el == 2 && !vhe)
		kx_a64_mmu.tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
				 TCR_TG0_4K | pa << 16 | TCR_EL2_RES1;
	else
		kx_a64_mmu.tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
				 TCR_TG0_4K | TCR_EPD1 | pa << 32;
	kx_a64_mmu.ttbr = (uintptr_t)root;
	sctlr = el == 2 ? MRS(sctlr_el2) : MRS(sctlr_el1);
	if (sctlr & SCTLR_EE)
		return;                        /* big-endian data: not ours */
	kx_a64_mmu.sctlr_off = sctlr & ~(SCTLR_M | SCTLR_C);
	kx_a64_mmu.sctlr_on = (sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~(SCTLR_A | SCTLR_WXN);
	kx_a64_mmu.on = 1;
}

/* ---- exceptions: never expected; say so on the console and stop ---- */

void kx_a64_fault(uint64_t vector)
{
	uint64_t esr, elr, far;

	if (kx_a64_mmu.el == 2) {
		esr = MRS(esr_el2);
		elr = MRS(elr_el2);
		far = MRS(far_el2);
	} else {
		esr = MRS(esr_el1);
		elr = MRS(elr_el1);
		far = MRS(far_el1);
	}
	kx_puts("\nkx purgatory: unexpected exception ");
	kx_puthex(vector);
	kx_puts(" (ESR ");
	kx_puthex(esr);
	kx_puts(", ELR ");
	kx_puthex(elr);
	kx_puts(", FAR ");
	kx_puthex(far);
	kx_puts("); halted.\n");
	kx_halt();
}
