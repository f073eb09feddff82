/*
 * The device tree the next ppc64le kernel gets: a copy of the one to start
 * from (--dtb, or the running system's /proc/device-tree, flattened by
 * libkx/arch/ppc64le), edited with libfdt. On POWER the tree is the whole
 * hand-off (there are no boot parameters besides it): /chosen, the reserve
 * map and the header's boot CPU are what change; docs/ppc64le.md says why
 * each property kx removes must not leak into the next kernel.
 *
 * libfdt's headers want <string.h>, <stdlib.h>, <limits.h>: the shim in
 * lib/arch/arm64/shim declares the few functions it calls (docs/arm64.md).
 */
#include <libfdt.h>
#include <kx/bytes.h>
#include <kx/purgatory.h>
#include "ppc64.h"

static struct kx_err fdt_error(int e)
{
	switch (e) {
	case -FDT_ERR_BADMAGIC:
		return kx_err(KX_E_DTB, 0, KX_DTB_MAGIC, (uint64_t)-e);
	case -FDT_ERR_BADVERSION:
		return kx_err(KX_E_DTB, 0, KX_DTB_VERSION, (uint64_t)-e);
	case -FDT_ERR_TRUNCATED:
		return kx_err(KX_E_DTB, 0, KX_DTB_TRUNCATED, (uint64_t)-e);
	case -FDT_ERR_NOSPACE:
		return kx_err(KX_E_SCRATCH, "device tree", 0, 0);
	default:
		return kx_err(KX_E_DTB, 0, KX_DTB_DAMAGED, (uint64_t)-e);
	}
}

static int valid(const uint8_t *src, size_t srclen)
{
	if (srclen < sizeof(struct fdt_header) || srclen > INT32_MAX)
		return -FDT_ERR_TRUNCATED;
	return fdt_check_full(src, srclen);
}

struct kx_err kx_ppc_dtb_check(const uint8_t *src, size_t srclen)
{
	int e = valid(src, srclen);
	return e ? fdt_error(e) : KX_NOERR;
}

/* Room for the copy: the whole tree as it is, the command line, the reserve
 * entries kx adds (at most one per node plus a few), a /chosen, and slack. */
size_t kx_ppc_dtb_room(const uint8_t *src, size_t srclen, size_t cmdline_len)
{
	uint64_t used;
	int node = -1, n = 0;

	if (valid(src, srclen))
		return 4096;
	used = fdt_totalsize(src);
	if (fdt_off_dt_strings(src) + (uint64_t)fdt_size_dt_strings(src) > used)
		used = fdt_off_dt_strings(src) + (uint64_t)fdt_size_dt_strings(src);
	while ((node = fdt_next_node(src, node, 0)) >= 0)
		n++;
	return (size_t)(used + cmdline_len + 16 * (uint64_t)(n + 8) + 8192);
}

/* n big-endian cells (1 or 2) at p, as a number. */
static uint64_t cells(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

/* A 4- or 8-byte property as a number; 0 when absent or of another size. */
static int get_num(const void *fdt, int node, const char *name, uint64_t *v)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return 0;
	*v = cells(p, len / 4);
	return 1;
}

static int del(void *fdt, int node, const char *name)
{
	int e = fdt_delprop(fdt, node, name);
	return e == -FDT_ERR_NOTFOUND ? 0 : e;
}

/* Reserve [base, base + size) when both are there and the range is sane. */
static int reserve(void *fdt, uint64_t base, uint64_t size)
{
	if (!size || base + size < base)
		return 0;
	return fdt_add_mem_rsv(fdt, base, size);
}

/* The old kernel's properties of /chosen that must not reach the next one. */
static const char *const chosen_drop[] = {
	"linux,kernel-end",        /* the old kernel's end, added for kexec-tools */
	"linux,crashkernel-base",  /* the old kernel's crashkernel= reservation */
	"linux,crashkernel-size",
	"linux,memory-limit",      /* the old kernel's mem=: the new command line decides */
	"linux,htab-base",         /* the old kernel's hash table (bare metal) */
	"linux,htab-size",
	"linux,initrd-start",      /* set again below when there is an initrd */
	"linux,initrd-end",
	"bootargs",
	"rng-seed",                /* set again below when there are fresh bytes */
};

static int edit(void *out, const struct kx_ppc_dt_args *a, int *self)
{
	int e, chosen, node, len, i, ac, sc;
	uint64_t old_start, old_end, base, size;
	const uint8_t *p;

	chosen = fdt_path_offset(out, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(out, 0, "chosen");
	if (chosen < 0)
		return chosen;
	/* a stale initrd: its reserve map entry goes with it */
	if (get_num(out, chosen, "linux,initrd-start", &old_start) &&
	    get_num(out, chosen, "linux,initrd-end", &old_end) && old_end > old_start) {
		for (i = fdt_num_mem_rsv(out) - 1; i >= 0; i--) {
			uint64_t addr, sz;
			if (!fdt_get_mem_rsv(out, i, &addr, &sz) && addr == old_start &&
			    (sz == old_end - old_start ||
			     sz == ((old_end - old_start + 0xffff) & ~0xffffull) ||
			     sz == ((old_end - old_start + 0xfff) & ~0xfffull)))
				fdt_del_mem_rsv(out, i);
		}
	}
	for (i = 0; i < (int)(sizeof(chosen_drop) / sizeof(chosen_drop[0])); i++)
		if ((e = del(out, chosen, chosen_drop[i])))
			return e;
	if (a->cmdline && a->cmdline[0] &&
	    (e = fdt_setprop(out, chosen, "bootargs", a->cmdline, (int)kx_strlen(a->cmdline) + 1)))
		return e;
	if (a->rng_seed && a->rng_seed_len &&
	    (e = fdt_setprop(out, chosen, "rng-seed", a->rng_seed, (int)a->rng_seed_len)))
		return e;
	if ((a->initrd_start || a->initrd_end) &&
	    ((e = fdt_setprop_u64(out, chosen, "linux,initrd-start", a->initrd_start)) ||
	     (e = fdt_setprop_u64(out, chosen, "linux,initrd-end", a->initrd_end)) ||
	     (e = reserve(out, a->initrd_start, a->initrd_end - a->initrd_start))))
		return e;

	/* every node: what the old kernel added, what firmware keeps for itself */
	for (node = fdt_next_node(out, -1, 0); node >= 0; node = fdt_next_node(out, node, 0)) {
		if ((e = del(out, node, "linux,pci-domain")))
			return e;
		if (get_num(out, node, "linux,rtas-base", &base) &&
		    get_num(out, node, "rtas-size", &size) && (e = reserve(out, base, size)))
			return e;
		if (get_num(out, node, "opal-base-address", &base) &&
		    get_num(out, node, "opal-runtime-size", &size) && (e = reserve(out, base, size)))
			return e;
		if (get_num(out, node, "linux,tce-base", &base) &&
		    get_num(out, node, "linux,tce-size", &size) && (e = reserve(out, base, size)))
			return e;
	}
	/* the root's reserved-ranges: (address, size) pairs in its own cells */
	ac = fdt_address_cells(out, 0);
	sc = fdt_size_cells(out, 0);
	p = fdt_getprop(out, 0, "reserved-ranges", &len);
	if (p && ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2) {
		int step = 4 * (ac + sc);
		for (i = 0; i + step <= len; i += step) {
			/* p moves when the reserve map grows: read it again */
			p = fdt_getprop(out, 0, "reserved-ranges", &len);
			if (!p || i + step > len)
				break;
			base = cells(p + i, ac);
			size = cells(p + i + 4 * ac, sc);
			if ((e = reserve(out, base, size)))
				return e;
		}
	}
	/* the tree itself, last: its address once it is placed */
	if ((e = fdt_add_mem_rsv(out, 0, 0x10000)))
		return e;
	*self = fdt_num_mem_rsv(out) - 1;
	fdt_set_boot_cpuid_phys(out, a->boot_cpu);
	return 0;
}

struct kx_err kx_ppc_dtb_build(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_ppc_dt_args *a, size_t *outlen, int *self)
{
	int e;

	*outlen = 0;
	*self = -1;
	if ((e = valid(src, srclen)))
		return fdt_error(e);
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	e = fdt_open_into(src, out, (int)cap);
	if (e)
		return e == -FDT_ERR_NOSPACE ? kx_err(KX_E_SCRATCH, "device tree", srclen, cap)
					     : fdt_error(e);
	if ((e = edit(out, a, self)) || (e = fdt_pack(out))) {
		if (e == -FDT_ERR_NOSPACE)
			return kx_err(KX_E_SCRATCH, "device tree", cap + 1, cap);
		return fdt_error(e);
	}
	*outlen = fdt_totalsize(out);
	if (*outlen > KX_PPC_DTB_MAX)
		return kx_err(KX_E_DTB_TOO_BIG, 0, *outlen, KX_PPC_DTB_MAX);
	/* the reserve entry covers the tree's 64 KiB-rounded segment */
	kx_ppc_dtb_set_self(out, *self, 0);
	return KX_NOERR;
}

void kx_ppc_dtb_set_self(uint8_t *dtb, int self, uint64_t addr)
{
	uint8_t *ent = dtb + fdt_off_mem_rsvmap(dtb) + 16 * (uint32_t)self;
	uint64_t size = ((uint64_t)fdt_totalsize(dtb) + KX_PPC_SEG_ALIGN - 1) & ~(KX_PPC_SEG_ALIGN - 1);
	int i;

	for (i = 0; i < 8; i++) {
		ent[i] = (uint8_t)(addr >> (56 - 8 * i));
		ent[8 + i] = (uint8_t)(size >> (56 - 8 * i));
	}
}

uint64_t kx_ppc_dtb_rma(const uint8_t *src, size_t srclen)
{
	int node = -1, len, ac, sc;
	const uint8_t *p;
	const char *type;

	if (valid(src, srclen))
		return 0;
	ac = fdt_address_cells(src, 0);
	sc = fdt_size_cells(src, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return 0;
	while ((node = fdt_next_node(src, node, 0)) >= 0) {
		type = fdt_getprop(src, node, "device_type", &len);
		if (!type || len != 7 || kx_memcmp(type, "memory", 7))
			continue;
		p = fdt_getprop(src, node, "reg", &len);
		if (p && len >= 4 * (ac + sc) && cells(p, ac) == 0)
			return cells(p + 4 * ac, sc);
	}
	return 0;
}

uint64_t kx_ppc_dtb_kernel_end(const uint8_t *src, size_t srclen)
{
	uint64_t v;
	int chosen;

	if (valid(src, srclen) || (chosen = fdt_path_offset(src, "/chosen")) < 0)
		return 0;
	return get_num(src, chosen, "linux,kernel-end", &v) ? v : 0;
}
