/*
 * ppc64le kdump (kx/arch/ppc64le_crash.h): the crash kernel told to run where it is
 * loaded, and its device tree's reservations and usable memory. Pure: libfdt
 * on caller buffers (the shim of lib/arch/arm64/shim for its headers).
 */
#include <libfdt.h>
#include <kx/bytes.h>
#include <kx/arch/ppc64le_crash.h>

#define MAX_RANGES 16 /* reg entries rewritten per memory node */

int kx_ppc_crash_relocates(const uint8_t *head, size_t len)
{
	return head && len >= KX_PPC_RUN_AT_LOAD + 4 && kx_le32(head + KX_PPC_RUN_AT_LOAD) == KX_PPC_RUN0;
}

void kx_ppc_crash_run_at_load(uint8_t *head, size_t len)
{
	if (head && len >= KX_PPC_RUN_AT_LOAD + 4)
		kx_put32(head + KX_PPC_RUN_AT_LOAD, 1);
}

static struct kx_err fdt_fail(int e)
{
	if (e == -FDT_ERR_NOSPACE)
		return kx_err(KX_E_SCRATCH, "device tree", 0, 0);
	if (e == -FDT_ERR_BADMAGIC)
		return kx_err(KX_E_DTB, 0, KX_DTB_MAGIC, (uint64_t)-e);
	if (e == -FDT_ERR_BADVERSION)
		return kx_err(KX_E_DTB, 0, KX_DTB_VERSION, (uint64_t)-e);
	if (e == -FDT_ERR_TRUNCATED)
		return kx_err(KX_E_DTB, 0, KX_DTB_TRUNCATED, (uint64_t)-e);
	return kx_err(KX_E_DTB, 0, KX_DTB_DAMAGED, (uint64_t)-e);
}

static uint64_t cells(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < n * 4; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;
	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* linux,usable-memory on the memory nodes that reach beyond end */
static int usable(void *fdt, uint64_t end)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), node, len, e;
	uint8_t v[MAX_RANGES * 16];

	if (ac < 1 || ac > 2)
		return ac < 0 ? ac : -FDT_ERR_BADNCELLS;
	if (sc < 1 || sc > 2)
		return sc < 0 ? sc : -FDT_ERR_BADNCELLS;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int step = (ac + sc) * 4, n = 0, i, cut = 0;

		if (!reg || len < step)
			continue;
		for (i = 0; i + step <= len && n < (int)sizeof(v); i += step) {
			uint64_t s = cells(reg + i, ac), z = cells(reg + i + ac * 4, sc);
			if (s >= end) {
				z = 0;
				cut = 1;
			} else if (z > end - s) {
				z = end - s;
				cut = 1;
			}
			put_be64(v + n, s);
			put_be64(v + n + 8, z);
			n += 16;
		}
		/* reg is re-read after each setprop: the tree moves */
		if (cut && (e = fdt_setprop(fdt, node, "linux,usable-memory", v, n)))
			return e;
	}
	return node == -FDT_ERR_NOTFOUND ? 0 : node;
}

size_t kx_ppc_dtb_crash_room(const uint8_t *src, size_t srclen)
{
	(void)src;
	/* reserve entries, and per memory node a property header, its name
	 * and MAX_RANGES ranges: a few nodes' worth */
	return srclen + KX_PPC_CRASH_MAX_RESERVE * 16 + 64 * (16 + MAX_RANGES * 16) + 64;
}

struct kx_err kx_ppc_dtb_crash(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_range *reserve, unsigned nreserve, uint64_t end,
			       size_t *outlen)
{
	unsigned i;
	int e;

	if (nreserve > KX_PPC_CRASH_MAX_RESERVE)
		return kx_err(KX_E_TOO_MANY, "reserve entries", KX_PPC_CRASH_MAX_RESERVE, nreserve);
	if (srclen < 40 || cap > 0x7fffffff)
		return kx_err(KX_E_DTB, 0, KX_DTB_TRUNCATED, 0);
	if ((e = fdt_check_header(src)))
		return fdt_fail(e);
	if (fdt_totalsize(src) > srclen)
		return kx_err(KX_E_DTB, 0, KX_DTB_TRUNCATED, 0);
	if ((e = fdt_open_into(src, out, (int)cap)))
		return fdt_fail(e);
	for (i = 0; i < nreserve; i++)
		if (reserve[i].end > reserve[i].start &&
		    (e = fdt_add_mem_rsv(out, reserve[i].start, reserve[i].end - reserve[i].start)))
			return fdt_fail(e);
	if ((e = usable(out, end)))
		return fdt_fail(e);
	if ((e = fdt_pack(out)))
		return fdt_fail(e);
	*outlen = fdt_totalsize(out);
	return KX_NOERR;
}
