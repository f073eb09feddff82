/*
 * The device tree the next arm64 kernel gets: a copy of the one to start
 * from (--dtb, or the running system's /sys/firmware/fdt), edited with
 * libfdt. Only /chosen changes: the command line, the initrd, fresh seeds,
 * and no leftovers of a crash kernel; everything else is left as it was.
 *
 * libfdt is the one library lib/ uses. Its headers want <string.h>,
 * <stdlib.h> and <limits.h>: lib/arch/arm64/shim declares the few functions
 * it calls, which the C library kx links provides (docs/arm64.md).
 */
#include <libfdt.h>
#include <kx/bytes.h>
#include "arm64.h"

/* One fault per libfdt complaint about the tree we were given. */
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

struct kx_err kx_a64_dtb_check(const uint8_t *src, size_t srclen)
{
	int e = valid(src, srclen);
	return e ? fdt_error(e) : KX_NOERR;
}

size_t kx_a64_dtb_room(const uint8_t *src, size_t srclen, size_t cmdline_len)
{
	uint64_t used;

	if (valid(src, srclen))
		return 4096;
	/* fdt_open_into copies the whole tree, free space included
	 * (totalsize), before anything is added: the command line, seeds,
	 * initrd properties, maybe a /chosen node, and slack */
	used = fdt_totalsize(src);
	if (fdt_off_dt_strings(src) + (uint64_t)fdt_size_dt_strings(src) > used)
		used = fdt_off_dt_strings(src) + (uint64_t)fdt_size_dt_strings(src);
	return (size_t)(used + cmdline_len + 4096);
}

/* Remove a property; "not there" is fine. */
static int del(void *fdt, int node, const char *name)
{
	int e = fdt_delprop(fdt, node, name);
	return e == -FDT_ERR_NOTFOUND ? 0 : e;
}

/* A u32 or u64 property (how initrd addresses are written), or 0. */
static int get_addr(const void *fdt, int node, const char *name, uint64_t *v)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);

	if (p && len == 4) {
		*v = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
		return 1;
	}
	if (p && len == 8) {
		*v = (uint64_t)(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]) << 32 |
		     (uint32_t)(p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7]);
		return 1;
	}
	return 0;
}

struct kx_err kx_a64_dtb_build(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_a64_dt_args *a, size_t *outlen)
{
	int e, chosen, i;
	uint64_t old_start, old_end;

	*outlen = 0;
	if ((e = valid(src, srclen)))
		return fdt_error(e);
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	e = fdt_open_into(src, out, (int)cap);
	if (e)
		return e == -FDT_ERR_NOSPACE ? kx_err(KX_E_SCRATCH, "device tree", srclen, cap)
					     : fdt_error(e);
	chosen = fdt_path_offset(out, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(out, 0, "chosen");
	if (chosen < 0)
		goto fail_chosen;

	/* a stale initrd: its /memreserve/ entry goes with it */
	if (get_addr(out, chosen, "linux,initrd-start", &old_start) &&
	    get_addr(out, chosen, "linux,initrd-end", &old_end) && old_end > old_start) {
		for (i = fdt_num_mem_rsv(out) - 1; i >= 0; i--) {
			uint64_t addr, size;
			if (!fdt_get_mem_rsv(out, i, &addr, &size) && addr == old_start &&
			    (size == old_end - old_start ||
			     size == ((old_end - old_start + 4095) & ~4095ull)))
				fdt_del_mem_rsv(out, i);
		}
	}
	if ((e = del(out, chosen, "linux,elfcorehdr")) ||
	    (e = del(out, chosen, "linux,usable-memory-range")) ||
	    (e = del(out, chosen, "linux,initrd-start")) || (e = del(out, chosen, "linux,initrd-end")) ||
	    (e = del(out, chosen, "kaslr-seed")) || (e = del(out, chosen, "rng-seed")) ||
	    (e = del(out, chosen, "bootargs")))
		goto fail;
	if (a->cmdline && a->cmdline[0] &&
	    (e = fdt_setprop(out, chosen, "bootargs", a->cmdline, (int)kx_strlen(a->cmdline) + 1)))
		goto fail;
	if ((a->initrd_start || a->initrd_end) &&
	    ((e = fdt_setprop_u64(out, chosen, "linux,initrd-start", a->initrd_start)) ||
	     (e = fdt_setprop_u64(out, chosen, "linux,initrd-end", a->initrd_end))))
		goto fail;
	if (a->have_kaslr_seed && (e = fdt_setprop_u64(out, chosen, "kaslr-seed", a->kaslr_seed)))
		goto fail;
	if (a->rng_seed && a->rng_seed_len &&
	    (e = fdt_setprop(out, chosen, "rng-seed", a->rng_seed, (int)a->rng_seed_len)))
		goto fail;
	if ((e = fdt_pack(out)))
		goto fail;
	*outlen = fdt_totalsize(out);
	if (*outlen > KX_A64_DTB_MAX)
		return kx_err(KX_E_DTB_TOO_BIG, 0, *outlen, KX_A64_DTB_MAX);
	return KX_NOERR;
fail_chosen:
	e = chosen;
fail:
	if (e == -FDT_ERR_NOSPACE)
		return kx_err(KX_E_SCRATCH, "device tree", cap + 1, cap);
	return fdt_error(e);
}
