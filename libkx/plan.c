/*
 * kexec_load's plan: kx decides where every segment goes. The memory map
 * and the machine's facts come from arch_sysinfo(); the image's loader
 * (lib/) fills the plan; the purgatory goes last; the plan is checked the
 * way the kernel will check it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include "arch.h"
#include "load.h"

int read_iomem(struct kx_load *l, size_t *len)
{
	int e = sys_read_text("/proc/iomem", l->iomem, sizeof(l->iomem), len);
	if (!e && *len >= sizeof(l->iomem) - 1)
		e = -EFBIG; /* never work from a cut-off map */
	return e;
}

int iomem_memmap(struct kx_load *l, size_t *len, struct kx_error *err)
{
	struct kx_err e;
	int r;

	memset(&l->si.mem, 0, sizeof(l->si.mem));
	r = read_iomem(l, len);
	if (r == -EFBIG)
		return fail_n(err, KX_E_IOMEM_TOO_BIG, 0, sizeof(l->iomem) - 1, 0, 0, 0);
	if (r)
		return fail_file(err, "memory map", "/proc/iomem", r);
	e = kx_iomem_parse(l->iomem, *len, &l->si.mem);
	return KX_FAILED(e) ? fail_lib(err, e, "/proc/iomem") : 0;
}

/* Where the purgatory writes: KX_SET_CONSOLE_PORT, else the architecture's
 * first serial port. */
uint16_t console_port(const struct kx_load *l)
{
	if (l->set_mask & (1u << KX_SET_CONSOLE_PORT))
		return (uint16_t)l->set[KX_SET_CONSOLE_PORT];
	return kx_arch_serial_port;
}

/* The purgatory (kx's, or the caller's file) goes last, below 4 GiB. */
static int add_purgatory(struct kx_load *l, struct kx_window w, struct kx_error *err)
{
	struct kx_blob b = { kx_purgatory_blob, (uint64_t)(kx_purgatory_blob_end - kx_purgatory_blob),
			     "built-in" };
	struct kx_err e;

	if (l->o.purgatory && map_file(l, "purgatory", l->o.purgatory, &b, err))
		return -1;
	l->plan.serial_baud = (uint32_t)l->set[KX_SET_CONSOLE_BAUD];
	e = kx_plan_add_purgatory(&l->plan, &l->si.mem, w, b.buf, (size_t)b.len, l->purg,
				  sizeof(l->purg), (l->o.no_verify ? 0 : KX_PURG_VERIFY) |
				  (l->o.debug ? KX_PURG_VERBOSE : 0), console_port(l));
	if (KX_FAILED(e))
		return fail_lib(err, e, b.name);
	if (l->o.purgatory)
		l->plan.seg[l->plan.nseg - 1].source = b.name;
	if (sys_fault("digest")) {
		/* test hook: make the purgatory see a wrong digest for segment 0 */
		uint8_t *d = l->purg + KX_PURG_PARAMS_OFF + offsetof(struct kx_purg_params, ranges) +
			     offsetof(struct kx_purg_range, digest);
		kx_put64(d, kx_le64(d) ^ 1);
	}
	return 0;
}

int plan_classic(struct kx_load *l, struct kx_error *err)
{
	const char *subject = l->req.image.name ? l->req.image.name : "the raw image";
	struct kx_load_req *req = &l->req;
	struct kx_err e;

	if (l->planned)
		return 0;
	if (arch_sysinfo(l, err))
		return -1;
	dbg(l, "memory map: %u entries, %" PRIu64 " MiB of RAM", l->si.mem.n,
	    kx_memmap_ram(&l->si.mem) >> 20);
	memset(&l->plan, 0, sizeof(l->plan));
	req->sys = &l->si;
	req->window = (struct kx_window){ l->o.mem_min, l->o.mem_max };
	if (l->o.crash) {
		/* everything inside the reserved region; the core header first */
		struct kx_window cw;
		if (crash_region(l, &cw, err))
			return -1;
		if (cw.min > req->window.min)
			req->window.min = cw.min;
		if (cw.max < req->window.max)
			req->window.max = cw.max;
		if (crash_prepare(l, req->window, err))
			return -1;
	}
	/* x86_64: a bzImage's kernel is unpacked at load unless asked not to or a
	 * crash kernel (kept as it is: kdump's own path, untouched) */
	req->no_unpack = l->o.crash ? KX_UNPACKED_CRASH :
			 l->set[KX_SET_NO_UNPACK] ? KX_UNPACKED_OFF : 0;
	e = l->ld->load(req, &l->plan);
	if (KX_FAILED(e))
		return fail_lib(err, e, subject);
	if (l->o.crash && !l->o.crash_sizing && kx_arch_crash_finish && kx_arch_crash_finish(l, err))
		return -1;
	if (add_purgatory(l, req->window, err))
		return -1;
	/* against the running system's map, also for a crash kernel (whose view
	 * leaves the core header out of RAM; the half-of-RAM limit is the system's) */
	e = kx_plan_validate(&l->plan, &l->si.mem);
	if (KX_FAILED(e))
		return fail_lib(err, e, subject);
	l->planned = 1;
	return 0;
}

int kx_load_plan(struct kx_load *l, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (kx_load_prepare(l, err))
		return -1;
	return plan_classic(l, err);
}
