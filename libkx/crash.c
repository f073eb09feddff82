/*
 * kdump (kx -p): the reserved region, the crash kernel's command line, the
 * ELF core header and memory map for kexec_load, and kx --suggest-crashkernel.
 * The builders are pure (lib/crash.c); this file reads what they need from
 * /proc and /sys:
 *   /proc/iomem                          "Crash kernel" lines, System RAM
 *   /sys/kernel/kexec_crash_size         the reservation's size (for non-root)
 *   /sys/devices/system/cpu/cpuN/crash_notes{,_size}   each CPU's note buffer
 *   /sys/kernel/vmcoreinfo               "ADDR SIZE" of the VMCOREINFO note
 *   /proc/kcore (program headers only)   the direct map's base, the kernel text
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kx/bytes.h>
#include <kx/crash.h>
#include <kx/elf.h>
#include <kx/pe.h>
#include "arch.h"
#include "load.h"


#define MiB ((uint64_t)KX_MiB)
#define CPU_DIR "/sys/devices/system/cpu"
/* without crash_notes_size (old kernels) kexec-tools assumes this much */
#define NOTE_BYTES_DEFAULT 1024
/* boot parameters, purgatory, core header: what a -p load adds to the files */
#define LOAD_OVERHEAD (64ull << 10)
/* powerpc shows the region in its device tree's /chosen, not in /proc/iomem:
 * 1 with *r when it is there */
static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;
	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int read_dt_region(struct kx_range *r)
{
	uint8_t b[8], s[8];
	size_t n = 0, m = 0;

	if (sys_read_bin("/proc/device-tree/chosen/linux,crashkernel-base", b, sizeof(b), &n) || n != 8 ||
	    sys_read_bin("/proc/device-tree/chosen/linux,crashkernel-size", s, sizeof(s), &m) || m != 8)
		return 0;
	r->start = be64(b);
	r->end = r->start + be64(s);
	return r->end > r->start;
}

/* The page size of the running kernel (ppc64: 64 KiB): segments are aligned to it. */
static uint64_t page_size(void)
{
	long v = sysconf(_SC_PAGESIZE);
	return v > (long)KX_PAGE ? (uint64_t)v : KX_PAGE;
}

static void read_regions(struct kx_load *l)
{
	struct crash_state *cs = &l->cs;
	char b[64];
	size_t len;
	unsigned i;

	if (cs->read)
		return;
	cs->read = 1;
	if (!read_iomem(l, &len)) {
		struct kx_err err = kx_iomem_find(l->iomem, len, "Crash kernel", cs->region,
						  KX_CRASH_MAX_REGIONS, &cs->nregion);
		if (KX_FAILED(err)) {
			cs->nregion = 0;
			cs->hidden = err.code == KX_E_MEMMAP_HIDDEN;
		}
	}
	if (!cs->nregion && read_dt_region(&cs->region[0])) {
		cs->nregion = 1;
		cs->hidden = 0;
	}
	for (i = 0; i < cs->nregion; i++) {
		cs->size += cs->region[i].end - cs->region[i].start;
		if (cs->region[i].start > cs->region[cs->main].start)
			cs->main = i;
	}
	if (!cs->nregion && !sys_read_text("/sys/kernel/kexec_crash_size", b, sizeof(b), 0))
		cs->size = strtoull(b, 0, 10);
	if (cs->nregion)
		dbg(l, "crash kernel region: 0x%" PRIx64 "-0x%" PRIx64 " (%u region%s, %" PRIu64 " MiB)",
		    cs->region[cs->main].start, cs->region[cs->main].end, cs->nregion,
		    cs->nregion > 1 ? "s" : "", cs->size / MiB);
}

/* The bytes the region must hold for the main region's segments. */
static uint64_t region_size(const struct crash_state *cs)
{
	if (cs->nregion)
		return cs->region[cs->main].end - cs->region[cs->main].start;
	return cs->size;
}

static uint64_t pages(uint64_t n)
{
	uint64_t r;
	return kx_align_up(n, KX_PAGE, &r) ? r : n;
}

/* Memory a kernel image takes once loaded (before it runs). */
static uint64_t kernel_bytes(struct kx_elf *e, const uint8_t *buf, size_t len)
{
	uint64_t sum = arch_kernel_bytes(buf, len);
	unsigned i;

	if (sum)
		return pages(sum);
	if (kx_elf_probe(buf, len) && !KX_FAILED(kx_elf_parse(buf, len, e))) {
		for (i = 0; i < e->nload; i++)
			sum += pages(e->load[i].memsz);
		return sum;
	}
	return pages(len);
}

static void add_initrd(const uint8_t *buf, uint64_t len, uint64_t *loaded, uint64_t *unpacked)
{
	*loaded += pages(len);
	*unpacked += kx_initramfs_unpacked(buf, (size_t)len);
}

/* What these files need, from the files alone (either syscall). */
static void estimate(struct kx_load *l)
{
	struct crash_state *cs = &l->cs;
	uint64_t loaded = LOAD_OVERHEAD, unpacked = 0;
	const struct kx_uki *u = &l->uki;
	unsigned i;

	if (l->is_uki) {
		loaded += kernel_bytes(&cs->scratch.elf, u->kernel.buf, u->kernel.len);
		if (u->ucode.len)
			add_initrd(u->ucode.buf, u->ucode.len, &loaded, &unpacked);
		if (u->initrd.len)
			add_initrd(u->initrd.buf, u->initrd.len, &loaded, &unpacked);
	} else if (l->req.image.buf) {
		loaded += kernel_bytes(&cs->scratch.elf, l->req.image.buf, l->req.image.len);
	}
	for (i = 0; i < l->req.ninitrd; i++)
		add_initrd(l->req.initrd[i].buf, l->req.initrd[i].len, &loaded, &unpacked);
	cs->loaded = loaded;
	cs->have_need = !KX_FAILED(kx_crash_need(loaded, unpacked, &cs->need));
}

int crash_setup(struct kx_load *l, struct kx_error *err)
{
	struct crash_state *cs = &l->cs;
	char b1[32], b2[32];
	uint64_t have;
	struct kx_err e = kx_crash_cmdline(l->cmdline, sizeof(l->cmdline), 0);

	if (KX_FAILED(e))
		return fail_lib(err, e, "the crash kernel's command line");
	read_regions(l);
	estimate(l);
	if (cs->have_need)
		dbg(l, "crash kernel needs: %s loaded, %s unpacked initramfs, about %" PRIu64 " MiB in all",
		    fmt_mib(cs->need.loaded, b1, sizeof(b1)), fmt_mib(cs->need.unpacked, b2, sizeof(b2)),
		    cs->need.total / MiB);
	if (l->o.crash_sizing)
		return 0;
	have = region_size(cs);
	if (!have)
		return fail_n(err, KX_E_CRASH_NONE, 0, cs->have_need ? cs->need.suggest : 256 * MiB, 0, 0, 0);
	if (have < cs->loaded)
		return fail_n(err, KX_E_CRASH_SMALL, 0, have, cs->loaded, cs->need.total, cs->need.suggest);
	if (cs->have_need && have < cs->need.total) {
		struct kx_error w;
		char line[512];
		fail_n(&w, KX_W_CRASH_TIGHT, 0, have, cs->need.total, cs->need.suggest, 0);
		kx_error_message(&w, line, sizeof(line));
		kx_log(&l->o, KX_LOG_WARN, "%s", line);
	}
	return 0;
}

int crash_region(struct kx_load *l, struct kx_window *w, struct kx_error *err)
{
	struct crash_state *cs = &l->cs;

	if (l->o.crash_sizing) {
		/* --suggest-crashkernel: the plan only measures, it may go anywhere */
		w->min = 0;
		w->max = UINT64_MAX;
		return 0;
	}
	read_regions(l);
	if (!cs->nregion) {
		if (cs->hidden || (cs->size && !sys_is_root()))
			return fail(err, KX_E_CRASH_HIDDEN, 0, 0);
		return fail_n(err, KX_E_CRASH_NONE, 0, 0, 0, 0, 0);
	}
	w->min = cs->region[cs->main].start;
	w->max = cs->region[cs->main].end;
	return 0;
}

/* ---- the ELF core header's inputs ------------------------------------------ */

static int read_hex_pair(const char *path, uint64_t *a, uint64_t *b)
{
	char buf[128], *end;
	int e = sys_read_text(path, buf, sizeof(buf), 0);

	if (e)
		return e;
	errno = 0;
	*a = strtoull(buf, &end, 16);
	if (errno || end == buf)
		return -EINVAL;
	if (b) {
		char *p = end;
		*b = strtoull(p, &end, 16);
		if (errno || end == p)
			return -EINVAL;
	}
	return 0;
}

/* Insertion sort: the directory lists CPUs nearly in order already. */
static void sort_numbers(unsigned *v, unsigned n)
{
	unsigned i, j, x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Each CPU's crash_notes buffer, in CPU order. -errno, with *path set. */
static int read_cpu_notes(struct crash_state *cs, unsigned *n, char *path, size_t plen)
{
	unsigned ncpu = 0, i;
	int nn = sys_list_dir(CPU_DIR, cs->names, (int)(sizeof(cs->names) / sizeof(cs->names[0]))), k;

	*n = 0;
	snprintf(path, plen, "%s", CPU_DIR);
	if (nn < 0)
		return nn;
	for (k = 0; k < nn; k++) {
		const char *s = cs->names[k] + 3;
		char *end;
		unsigned long v;
		if (strncmp(cs->names[k], "cpu", 3) || *s < '0' || *s > '9')
			continue;
		v = strtoul(s, &end, 10);
		if (*end || v > 0xffffffffu)
			continue;
		if (ncpu == KX_CRASH_MAX_CPUS)
			return -E2BIG;
		cs->cpu[ncpu++] = (unsigned)v;
	}
	sort_numbers(cs->cpu, ncpu);
	for (i = 0; i < ncpu; i++) {
		uint64_t addr, size = NOTE_BYTES_DEFAULT;
		char b[32];
		int e;

		snprintf(path, plen, CPU_DIR "/cpu%u/crash_notes", cs->cpu[i]);
		e = read_hex_pair(path, &addr, 0);
		if (e == -ENOENT)
			continue; /* a CPU without notes (not possible, or no CONFIG_CRASH_DUMP) */
		if (e)
			return e;
		snprintf(path, plen, CPU_DIR "/cpu%u/crash_notes_size", cs->cpu[i]);
		if (!sys_read_text(path, b, sizeof(b), 0))
			size = strtoull(b, 0, 10);
		if (!addr || !size)
			return -EINVAL;
		cs->notes[(*n)++] = (struct kx_crash_note){ addr, size };
	}
	if (!*n) {
		snprintf(path, plen, CPU_DIR "/cpu0/crash_notes");
		return -ENOENT;
	}
	return 0;
}

/* The direct map's base and the kernel text, from /proc/kcore's headers. */
static void read_kcore(struct kx_load *l, struct kx_crash_core *c)
{
	struct kx_crash_kcore k;
	size_t len = 0;
	int e = sys_read_bin("/proc/kcore", l->cs.kcore, sizeof(l->cs.kcore), &len);
	struct kx_err err;

	if (e) {
		dbg(l, "/proc/kcore: %s; the dump's RAM has no virtual addresses", strerror(-e));
		return;
	}
	err = kx_crash_kcore_parse(l->cs.kcore, len, kx_arch_kernel_map, &k);
	if (KX_FAILED(err)) {
		dbg(l, "/proc/kcore: %s (%s); the dump's RAM has no virtual addresses",
		    kx_errname(err.code), err.what ? err.what : "");
		return;
	}
	c->page_offset = k.page_offset;
	c->text_vaddr = k.text_vaddr;
	c->text_paddr = k.text_paddr;
	c->text_size = k.text_size;
	dbg(l, "kcore: direct map at 0x%" PRIx64 ", kernel text 0x%" PRIx64 " -> 0x%" PRIx64 " (%" PRIu64
	    " bytes)", k.page_offset, k.text_vaddr, k.text_paddr, k.text_size);
}

/*
 * Everything the header needs. Returns 0, or -errno with what and path naming
 * what could not be read.
 */
static int gather(struct kx_load *l, struct kx_crash_core *c, struct kx_range *ex,
		  const char **what, char *path, size_t plen)
{
	struct crash_state *cs = &l->cs;
	uint64_t a, s;
	size_t len;
	unsigned i;
	int e;

	memset(c, 0, sizeof(*c));
	c->machine = kx_arch_crash_machine;
	c->elf32 = kx_arch_crash_elf32;
	*what = "CPU crash notes";
	if ((e = read_cpu_notes(cs, &c->ncpu, path, plen)))
		return e;
	c->cpu = cs->notes;
	*what = "VMCOREINFO location";
	snprintf(path, plen, "/sys/kernel/vmcoreinfo");
	if ((e = read_hex_pair(path, &a, &s)))
		return e;
	c->vmcoreinfo = (struct kx_crash_note){ a, s };
	*what = "memory map";
	snprintf(path, plen, "/proc/iomem");
	if ((e = read_iomem(l, &len)))
		return e;
	memset(&cs->ram, 0, sizeof(cs->ram));
	if (KX_FAILED(kx_iomem_parse(l->iomem, len, &cs->ram)))
		return -EINVAL;
	read_kcore(l, c);
	if (!c->page_offset && kx_arch_crash_page_offset) {
		c->page_offset = kx_arch_crash_page_offset;
		c->direct_end = kx_arch_crash_direct_end;
	}
	c->ram = &cs->ram;
	/* not dumped: the regions, and on x86 the first 1 MiB (the crash kernel
	 * uses it; empty elsewhere) */
	ex[0] = (struct kx_range){ 0, kx_arch_crash_low };
	for (i = 0; i < cs->nregion && i + 1 < KX_CRASH_MAX_EXCLUDE; i++)
		ex[i + 1] = cs->region[i];
	c->exclude = ex;
	c->nexclude = i + 1;
	if (cs->backup_at) {
		c->backup = (struct kx_range){ 0, kx_arch_crash_backup };
		c->backup_to = cs->backup_at;
	}
	return 0;
}

/* The ELF core header in cs->hdr: its length, 0 for a sizing stand-in
 * (with *len its size), or -1 with err. */
static int build_header(struct kx_load *l, size_t *len, struct kx_error *err)
{
	struct kx_range ex[KX_CRASH_MAX_EXCLUDE];
	struct kx_crash_core c;
	char path[256];
	const char *what;
	struct kx_err e;
	int r = gather(l, &c, ex, &what, path, sizeof(path));

	if (!r) {
		e = kx_crash_core_build(&c, l->cs.hdr, sizeof(l->cs.hdr), len);
		if (e.code == KX_E_BAD_HEADER && c.elf32 && e.what &&
		    !strcmp(e.what, "32-bit core header")) {
			/* RAM or notes above 4 GiB (LPAE, PAE): ELF32 cannot say
			 * them; the crash kernel's vmcore reads ELF64 as well */
			dbg(l, "ELF core header: memory above 4 GiB (0x%" PRIx64 "), so ELF64", e.a);
			c.elf32 = 0;
			e = kx_crash_core_build(&c, l->cs.hdr, sizeof(l->cs.hdr), len);
		}
		if (KX_FAILED(e))
			return fail_lib(err, e, "the ELF core header");
		dbg(l, "ELF core header: ELF%d, %zu bytes: %u CPU notes, VMCOREINFO at 0x%" PRIx64
		    ", %u program headers", c.elf32 ? 32 : 64, *len, c.ncpu, c.vmcoreinfo.paddr,
		    (unsigned)kx_le16(l->cs.hdr + (c.elf32 ? 44 : 56)));
		return 1;
	}
	if (l->o.crash_sizing) {
		/* --suggest-crashkernel without root: a header as large as a big machine's */
		dbg(l, "%s (%s): %s; assuming a 16 KiB core header", what, path, strerror(-r));
		*len = 16 << 10;
		return 0;
	}
	return fail_file(err, what, path, r);
}

int crash_prepare(struct kx_load *l, struct kx_window w, struct kx_error *err)
{
	struct crash_state *cs = &l->cs;
	struct kx_memmap *mem = &l->si.mem;
	size_t len = 0;
	uint64_t memsz, at;
	struct kx_err e;
	int built;

	read_regions(l);
	if (!kx_arch_crash_machine && !l->o.crash_sizing)
		/* arm64 passes elfcorehdr and the usable memory in the device tree:
		 * kx does not build that (kexec_file_load does) */
		return fail(err, KX_E_CRASH_ARCH, 0, 0);
	if (!l->o.crash_sizing && w.min >= (1ull << 32))
		/* crashkernel=X,high: the kernel takes segments only in the high
		 * region, and kx's boot parameters and purgatory must be below 4 GiB */
		return fail(err, KX_E_CRASH_HIGH, 0, 0);
	if (kx_arch_crash_backup && !l->o.crash_sizing) {
		/* ppc64: the purgatory's copy of the first bytes of memory (the crash
		 * kernel puts its exception vectors there), at the region's top */
		uint64_t bsz = kx_align_up(kx_arch_crash_backup, page_size(), &at) ? at : kx_arch_crash_backup;
		if (!kx_plan_place(&l->plan, mem, w,
				   &(struct kx_place){ .size = bsz, .align = page_size(),
						       .within = { w.min, w.max }, .top_down = true }, &at))
			return fail_n(err, KX_E_CRASH_NO_ROOM, 0, w.min, w.max, bsz, 0);
		e = kx_plan_add(&l->plan, "backup", "built", 0, 0, at, bsz);
		if (KX_FAILED(e))
			return fail_lib(err, e, "the crash kernel");
		/* written by the purgatory after its check */
		l->plan.seg[l->plan.nseg - 1].verify = 0;
		cs->backup_at = at;
		dbg(l, "backup of the first %" PRIu64 " KiB at 0x%" PRIx64, kx_arch_crash_backup >> 10, at);
	}
	if ((built = build_header(l, &len, err)) < 0)
		return -1;
	memsz = pages(len);
	if (page_size() > KX_PAGE)
		memsz = kx_align_up(memsz, page_size(), &at) ? at : memsz;
	if (l->set[KX_SET_HOTPLUG] && !l->o.crash_sizing) {
		/* the kernel rewrites the header on CPU or memory hotplug: it needs the
		 * room it says, and kx's purgatory must not check what it rewrites */
		static const char f[] = "/sys/kernel/crash_elfcorehdr_size";
		char b[32];
		uint64_t room = 0;
		if (!sys_read_text(f, b, sizeof(b), 0))
			room = strtoull(b, 0, 0);
		if (!room)
			return fail(err, KX_E_NO_HOTPLUG, 0, f);
		if (pages(room) > memsz)
			memsz = pages(room);
		dbg(l, "--hotplug: the core header gets %" PRIu64 " bytes (%s) and is not verified",
		    memsz, f);
	}
	if (kx_arch_crash_mem_arg)
		/* 32-bit ARM: the crash kernel's memory ends where the header starts,
		 * and memory banks are mapped in 1 MiB sections */
		memsz = kx_align_up(memsz, MiB, &at) ? at : memsz;
	/* at the top of the region: the kernel goes to its bottom, aligned */
	if (!kx_plan_place(&l->plan, mem, w,
			   &(struct kx_place){ .size = memsz,
					       .align = kx_arch_crash_mem_arg ? MiB : page_size(),
					       .within = { w.min, w.max }, .top_down = true }, &at))
		return fail_n(err, KX_E_CRASH_NO_ROOM, 0, w.min, w.max, memsz, 0);
	e = kx_plan_add(&l->plan, "elfcorehdr", "built", built ? l->cs.hdr : 0, built ? len : 0, at,
			memsz);
	if (KX_FAILED(e))
		return fail_lib(err, e, "the crash kernel");
	if (l->set[KX_SET_HOTPLUG])
		l->plan.seg[l->plan.nseg - 1].verify = 0;
	dbg(l, "ELF core header at 0x%" PRIx64, at);
	if (!l->o.crash_sizing) {
		/* the loader sees (and passes on) the crash kernel's memory */
		/* (with mem=, the header's top leftovers are no use to it either) */
		struct kx_range hole = { at, kx_arch_crash_mem_arg ? w.max : at + memsz };
		cs->view = l->si;
		e = kx_crash_memmap(mem, cs->region, cs->nregion, hole, &cs->view.mem);
		if (KX_FAILED(e))
			return fail_lib(err, e, "the crash kernel's memory map");
		l->req.sys = &cs->view;
	}
	if (kx_arch_crash_mem_arg) {
		/* the region's bottom (the kernel's PHYS_OFFSET: the region is
		 * 128 MiB aligned) up to the header */
		e = kx_crash_cmdline_mem(l->cmdline, sizeof(l->cmdline),
					 l->o.crash_sizing ? (struct kx_range){ 0, 0 }
							   : (struct kx_range){ w.min, at });
		if (KX_FAILED(e))
			return fail_lib(err, e, "the crash kernel's command line");
	}
	e = kx_crash_cmdline(l->cmdline, sizeof(l->cmdline), at);
	return KX_FAILED(e) ? fail_lib(err, e, "the crash kernel's command line") : 0;
}

/* ---- --suggest-crashkernel ------------------------------------------------------- */

static void print_need(FILE *f, const struct kx_plan *p, const struct kx_crash_need *n)
{
	char b[32];
	unsigned i;

	fprintf(f, "crashkernel=%" PRIu64 "M\n", n->suggest / MiB);
	fprintf(f, "  a crash kernel loaded from these files needs about %" PRIu64 " MiB:\n",
		n->total / MiB);
	for (i = 0; i < p->nseg; i++)
		fprintf(f, "    %-12s %10s  %s\n", p->seg[i].purpose, fmt_mib(p->seg[i].memsz, b, sizeof(b)),
			!strcmp(p->seg[i].purpose, "kernel") ? "the kernel's init_size" : p->seg[i].source);
	fprintf(f, "    %-12s %10s  the initramfs, unpacked (estimated)\n", "unpacked",
		fmt_mib(n->unpacked, b, sizeof(b)));
	fprintf(f, "    %-12s %10s  the crash kernel's own memory and the dump tool's (allowance)\n",
		"runtime", fmt_mib(n->runtime, b, sizeof(b)));
	fprintf(f, "    %-12s %10s  a struct page for every page of the region (1/64)\n", "memmap",
		fmt_mib(n->memmap, b, sizeof(b)));
}

int kx_load_print_crash_size(struct kx_load *l, FILE *f, struct kx_error *err)
{
	const struct kx_plan *p = &l->plan;
	const struct crash_state *cs = &l->cs;
	struct kx_crash_need n;
	uint64_t loaded = 0, unpacked = 0;
	char b[32];
	unsigned i;

	ERR_OR_DUMMY(err);
	l->o.crash = l->o.crash_sizing = 1;
	if (kx_load_plan(l, err))
		return -1;
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		loaded += s->memsz;
		if (!strcmp(s->purpose, "initrd") && s->buf)
			unpacked += kx_initramfs_unpacked(s->buf, (size_t)s->bufsz);
	}
	if (KX_FAILED(kx_crash_need(loaded, unpacked, &n)))
		return fail(err, KX_E_CRASH_TOO_LARGE, 0, 0);
	print_need(f, p, &n);
	read_regions(l);
	if (cs->size)
		fprintf(f, "  reserved now: %s%s%s\n", fmt_mib(cs->size, b, sizeof(b)),
			cs->nregion ? "" : " (its address is shown to root only)",
			cs->size >= n.total ? ", enough" : ", too small: reserve more and reboot");
	else
		fprintf(f, "  reserved now: nothing; add crashkernel=%" PRIu64 "M to the kernel command line "
			"and reboot\n", n.suggest / MiB);
	return 0;
}
