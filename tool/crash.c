/*
 * kdump (kx -p): the reserved region, the crash kernel's command line, the
 * ELF core header and memory map for kexec_load, and --print-ckr-size.
 * The builders are pure (lib/crash.c); this file reads what they need from
 * /proc and /sys:
 *   /proc/iomem                          "Crash kernel" lines, System RAM
 *   /sys/kernel/kexec_crash_size         the reservation's size (for non-root)
 *   /sys/devices/system/cpu/cpuN/crash_notes{,_size}   each CPU's note buffer
 *   /sys/kernel/vmcoreinfo               "ADDR SIZE" of the VMCOREINFO note
 *   /proc/kcore (program headers only)   the direct map's base, the kernel text
 */
#include "crash.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/crash.h>
#include <kx/elf.h>
#include <kx/pe.h>
#include "arch.h"
#include "msg.h"
#include "sys.h"

#if defined(__x86_64__)
#define CRASH_MACHINE    KX_EM_X86_64
#define CRASH_KERNEL_MAP KX_X86_64_KERNEL_MAP
#else
#define CRASH_MACHINE    0
#define CRASH_KERNEL_MAP UINT64_MAX
#endif

#define MiB ((uint64_t)1 << 20)
#define CPU_DIR "/sys/devices/system/cpu"
/* without crash_notes_size (old kernels) kexec-tools assumes this much */
#define NOTE_BYTES_DEFAULT 1024
/* boot parameters, purgatory, core header: what a -p load adds to the files */
#define LOAD_OVERHEAD (64ull << 10)
#define HDR_MAX (KX_ELF64_EHDR + KX_ELF64_PHDR * (KX_CRASH_MAX_CPUS + 2 + KX_MEMMAP_MAX + \
						   KX_CRASH_MAX_EXCLUDE))

static struct {
	int read;                  /* the regions were looked up */
	int hidden;                /* /proc/iomem hides addresses (not root) */
	struct kx_range region[KX_CRASH_MAX_REGIONS];
	unsigned nregion, main;    /* main: where the segments go (the highest) */
	uint64_t size;             /* bytes reserved, all regions */
	int sizing;                /* --print-ckr-size: plan as if there were room */
	int have_need;
	uint64_t loaded;           /* the files' segments (estimate from the files) */
	struct kx_crash_need need;
	int have_sys;
	struct kx_memmap sys;      /* the running system's map, before crash_prepare */
} cs;

static char iomem[256 * 1024];

/* "12.3 MiB" or "16 KiB", without floating point */
static const char *mib(uint64_t v, char *b, size_t n)
{
	uint64_t t = (v * 10 + MiB / 2) / MiB;

	if (v < MiB)
		snprintf(b, n, "%" PRIu64 " KiB", (v + 1023) >> 10);
	else
		snprintf(b, n, "%" PRIu64 ".%" PRIu64 " MiB", t / 10, t % 10);
	return b;
}

static int read_iomem(size_t *len)
{
	int e = sys_read_text("/proc/iomem", iomem, sizeof(iomem), len);
	if (!e && *len >= sizeof(iomem) - 1)
		e = -EFBIG; /* never work from a cut-off map */
	return e;
}

static void read_regions(void)
{
	char b[64];
	size_t len;
	unsigned i;

	if (cs.read)
		return;
	cs.read = 1;
	if (!read_iomem(&len)) {
		struct kx_err err = kx_iomem_find(iomem, len, "Crash kernel", cs.region,
						  KX_CRASH_MAX_REGIONS, &cs.nregion);
		if (KX_FAILED(err)) {
			cs.nregion = 0;
			cs.hidden = err.code == KX_E_MEMMAP && strstr(err.what, "hidden");
		}
	}
	for (i = 0; i < cs.nregion; i++) {
		cs.size += cs.region[i].end - cs.region[i].start;
		if (cs.region[i].start > cs.region[cs.main].start)
			cs.main = i;
	}
	if (!cs.nregion && !sys_read_text("/sys/kernel/kexec_crash_size", b, sizeof(b), 0))
		cs.size = strtoull(b, 0, 10);
	if (cs.nregion)
		dbg("crash kernel region: 0x%" PRIx64 "-0x%" PRIx64 " (%u region%s, %" PRIu64 " MiB)",
		    cs.region[cs.main].start, cs.region[cs.main].end, cs.nregion,
		    cs.nregion > 1 ? "s" : "", cs.size / MiB);
}

/* The bytes the region must hold for the main region's segments. */
static uint64_t region_size(void)
{
	if (cs.nregion)
		return cs.region[cs.main].end - cs.region[cs.main].start;
	return cs.size;
}

static uint64_t pages(uint64_t n)
{
	uint64_t r;
	return kx_align_up(n, KX_PAGE, &r) ? r : n;
}

/* Memory a kernel image takes once loaded (before it runs). */
static uint64_t kernel_bytes(const uint8_t *buf, size_t len)
{
	static struct kx_elf e;
	uint64_t sum = arch_kernel_bytes(buf, len);
	unsigned i;

	if (sum)
		return pages(sum);
	if (kx_elf_probe(buf, len) && !KX_FAILED(kx_elf_parse(buf, len, &e))) {
		for (i = 0; i < e.nload; i++)
			sum += pages(e.load[i].memsz);
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
static void estimate(const struct kx_blob *kernel, const struct kx_blob *initrd, unsigned n)
{
	static struct kx_uki u;
	uint64_t loaded = LOAD_OVERHEAD, unpacked = 0;
	unsigned i;

	if (kernel && kernel->buf) {
		if (kx_uki_probe(kernel->buf, kernel->len) &&
		    !KX_FAILED(kx_uki_parse(kernel->buf, kernel->len, &u))) {
			loaded += kernel_bytes(u.kernel.buf, u.kernel.len);
			if (u.ucode.len)
				add_initrd(u.ucode.buf, u.ucode.len, &loaded, &unpacked);
			if (u.initrd.len)
				add_initrd(u.initrd.buf, u.initrd.len, &loaded, &unpacked);
		} else {
			loaded += kernel_bytes(kernel->buf, kernel->len);
		}
	}
	for (i = 0; i < n; i++)
		add_initrd(initrd[i].buf, initrd[i].len, &loaded, &unpacked);
	cs.loaded = loaded;
	cs.have_need = !KX_FAILED(kx_crash_need(loaded, unpacked, &cs.need));
}

int crash_setup(const struct kx_blob *kernel, const struct kx_blob *initrd, unsigned ninitrd,
		int sizing, char *cmdline, size_t cap)
{
	char b1[32], b2[32];
	uint64_t have;
	struct kx_err err = kx_crash_cmdline(cmdline, cap, 0, 1);

	if (KX_FAILED(err)) {
		msg_lib_error(err, "the crash kernel's command line");
		return -1;
	}
	cs.sizing = sizing;
	read_regions();
	estimate(kernel, initrd, ninitrd);
	if (cs.have_need)
		dbg("crash kernel needs: %s loaded, %s unpacked initramfs, about %" PRIu64 " MiB in all",
		    mib(cs.need.loaded, b1, sizeof(b1)), mib(cs.need.unpacked, b2, sizeof(b2)),
		    cs.need.total / MiB);
	if (sizing)
		return 0;
	have = region_size();
	if (!have) {
		msg("no memory is reserved for a crash kernel: boot the running kernel with "
		    "crashkernel=%" PRIu64 "M on its command line (what these files need, see kx "
		    "--print-ckr-size), then load it again.", cs.have_need ? cs.need.suggest / MiB : 256);
		return -1;
	}
	if (have < cs.loaded) {
		msg("the crash kernel region (crashkernel=, %s) is too small for these files: they take "
		    "%s to load and about %" PRIu64 " MiB to boot; reserve crashkernel=%" PRIu64 "M "
		    "and reboot, or use a smaller initrd.", mib(have, b1, sizeof(b1)),
		    mib(cs.loaded, b2, sizeof(b2)), cs.need.total / MiB, cs.need.suggest / MiB);
		return -1;
	}
	if (cs.have_need && have < cs.need.total)
		msg("warning: the crash kernel region (%s) is smaller than the %" PRIu64 " MiB these "
		    "files are estimated to need to boot and save a dump; the crash kernel may run out "
		    "of memory. Reserve crashkernel=%" PRIu64 "M to be safe.", mib(have, b1, sizeof(b1)),
		    cs.need.total / MiB, cs.need.suggest / MiB);
	return 0;
}

int crash_region(struct kx_window *w)
{
	if (cs.sizing) {
		/* --print-ckr-size: the plan only measures, it may go anywhere */
		w->min = 0;
		w->max = UINT64_MAX;
		return 0;
	}
	read_regions();
	if (!cs.nregion) {
		if (cs.hidden || (cs.size && !sys_is_root()))
			msg("the crash kernel region's address is visible to root only (/proc/iomem); "
			    "run kx as root.");
		else
			msg("no memory is reserved for a crash kernel: boot the running kernel with "
			    "crashkernel=SIZE (kx --print-ckr-size says how much), then load it again.");
		return -1;
	}
	w->min = cs.region[cs.main].start;
	w->max = cs.region[cs.main].end;
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

static int by_number(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* Each CPU's crash_notes buffer, in CPU order. -errno, with *path set. */
static int read_cpu_notes(struct kx_crash_note *notes, unsigned *n, char *path, size_t plen)
{
	static char names[KX_CRASH_MAX_CPUS + 64][16];
	static unsigned cpu[KX_CRASH_MAX_CPUS];
	unsigned ncpu = 0, i;
	int nn = sys_list_dir(CPU_DIR, names, (int)(sizeof(names) / sizeof(names[0]))), k;

	*n = 0;
	snprintf(path, plen, "%s", CPU_DIR);
	if (nn < 0)
		return nn;
	for (k = 0; k < nn; k++) {
		const char *s = names[k] + 3;
		char *end;
		unsigned long v;
		if (strncmp(names[k], "cpu", 3) || *s < '0' || *s > '9')
			continue;
		v = strtoul(s, &end, 10);
		if (*end || v > 0xffffffffu)
			continue;
		if (ncpu == KX_CRASH_MAX_CPUS)
			return -E2BIG;
		cpu[ncpu++] = (unsigned)v;
	}
	qsort(cpu, ncpu, sizeof(cpu[0]), by_number);
	for (i = 0; i < ncpu; i++) {
		uint64_t addr, size = NOTE_BYTES_DEFAULT;
		char b[32];
		int e;

		snprintf(path, plen, CPU_DIR "/cpu%u/crash_notes", cpu[i]);
		e = read_hex_pair(path, &addr, 0);
		if (e == -ENOENT)
			continue; /* a CPU without notes (not possible, or no CONFIG_CRASH_DUMP) */
		if (e)
			return e;
		snprintf(path, plen, CPU_DIR "/cpu%u/crash_notes_size", cpu[i]);
		if (!sys_read_text(path, b, sizeof(b), 0))
			size = strtoull(b, 0, 10);
		if (!addr || !size)
			return -EINVAL;
		notes[(*n)++] = (struct kx_crash_note){ addr, size };
	}
	if (!*n) {
		snprintf(path, plen, CPU_DIR "/cpu0/crash_notes");
		return -ENOENT;
	}
	return 0;
}

/* The direct map's base and the kernel text, from /proc/kcore's headers. */
static void read_kcore(struct kx_crash_core *c)
{
	static uint8_t buf[64 * 1024];
	struct kx_crash_kcore k;
	size_t len = 0;
	int e = sys_read_bin("/proc/kcore", buf, sizeof(buf), &len);
	struct kx_err err;

	if (e) {
		dbg("/proc/kcore: %s; the dump's RAM has no virtual addresses", strerror(-e));
		return;
	}
	err = kx_crash_kcore_parse(buf, len, CRASH_KERNEL_MAP, &k);
	if (KX_FAILED(err)) {
		dbg("/proc/kcore: %s (%s); the dump's RAM has no virtual addresses", kx_errname(err.code),
		    err.what ? err.what : "");
		return;
	}
	c->page_offset = k.page_offset;
	c->text_vaddr = k.text_vaddr;
	c->text_paddr = k.text_paddr;
	c->text_size = k.text_size;
	dbg("kcore: direct map at 0x%" PRIx64 ", kernel text 0x%" PRIx64 " -> 0x%" PRIx64 " (%" PRIu64
	    " bytes)", k.page_offset, k.text_vaddr, k.text_paddr, k.text_size);
}

/*
 * Everything the header needs. Returns 0, or -errno with what and path naming
 * what could not be read.
 */
static int gather(struct kx_crash_core *c, struct kx_crash_note *notes, struct kx_memmap *ram,
		  struct kx_range *ex, const char **what, char *path, size_t plen)
{
	uint64_t a, s;
	size_t len;
	unsigned i;
	int e;

	memset(c, 0, sizeof(*c));
	c->machine = CRASH_MACHINE;
	*what = "CPU crash notes";
	if ((e = read_cpu_notes(notes, &c->ncpu, path, plen)))
		return e;
	c->cpu = notes;
	*what = "VMCOREINFO location";
	snprintf(path, plen, "/sys/kernel/vmcoreinfo");
	if ((e = read_hex_pair(path, &a, &s)))
		return e;
	c->vmcoreinfo = (struct kx_crash_note){ a, s };
	*what = "memory map";
	snprintf(path, plen, "/proc/iomem");
	if ((e = read_iomem(&len)))
		return e;
	memset(ram, 0, sizeof(*ram));
	if (KX_FAILED(kx_iomem_parse(iomem, len, ram)))
		return -EINVAL;
	read_kcore(c);
	c->ram = ram;
	/* not dumped: the first 1 MiB (the crash kernel uses it) and the regions */
	ex[0] = (struct kx_range){ 0, KX_CRASH_LOW };
	for (i = 0; i < cs.nregion && i + 1 < KX_CRASH_MAX_EXCLUDE; i++)
		ex[i + 1] = cs.region[i];
	c->exclude = ex;
	c->nexclude = i + 1;
	return 0;
}

int crash_prepare(struct kx_sysinfo *si, struct kx_plan *p, struct kx_window w, char *cmdline,
		  size_t cap)
{
	static struct kx_crash_note notes[KX_CRASH_MAX_CPUS];
	static struct kx_memmap ram;
	static uint8_t hdr[HDR_MAX];
	struct kx_range ex[KX_CRASH_MAX_EXCLUDE];
	struct kx_crash_core c;
	char path[256];
	const char *what;
	size_t len = 0;
	uint64_t memsz, at;
	struct kx_err err;
	int e;

	cs.sys = si->mem;
	cs.have_sys = 1;
	read_regions();
	if (!CRASH_MACHINE && !cs.sizing) {
		/* e.g. arm64 passes elfcorehdr and the usable memory in the device tree */
		msg("kx builds crash kernels for kexec_load on x86_64 only; load this one with "
		    "kexec_file_load (kx -p -s).");
		return -1;
	}
	if (!cs.sizing && w.min >= (1ull << 32)) {
		/* crashkernel=X,high: the kernel takes segments only in the high
		 * region, and kx's boot parameters and purgatory must be below 4 GiB */
		msg("the crash kernel region is above 4 GiB (crashkernel=...,high); kx's own loader "
		    "needs part of it below 4 GiB. Load with kexec_file_load (kx -p -s), or reserve the "
		    "region below 4 GiB (crashkernel=SIZE).");
		return -1;
	}
	e = gather(&c, notes, &ram, ex, &what, path, sizeof(path));
	if (!e) {
		err = kx_crash_core_build(&c, hdr, sizeof(hdr), &len);
		if (KX_FAILED(err)) {
			msg_lib_error(err, "the ELF core header");
			return -1;
		}
	} else if (cs.sizing) {
		/* --print-ckr-size without root: a header as large as a big machine's */
		dbg("%s (%s): %s; assuming a 16 KiB core header", what, path, strerror(-e));
		len = 16 << 10;
	} else {
		msg_file_error(what, path, e);
		return -1;
	}
	memsz = pages(len);
	/* at the top of the region: the kernel goes to its bottom, aligned */
	if (!kx_plan_place(p, &si->mem, w,
			   &(struct kx_place){ .size = memsz, .align = KX_PAGE,
					       .within = { w.min, w.max }, .top_down = true },
			   &at)) {
		msg("the crash kernel region (0x%" PRIx64 "-0x%" PRIx64 ") has no room for the ELF core "
		    "header (%" PRIu64 " bytes).", w.min, w.max, memsz);
		return -1;
	}
	err = kx_plan_add(p, "elfcorehdr", "built", e ? 0 : hdr, e ? 0 : len, at, memsz);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "the crash kernel");
		return -1;
	}
	if (!e)
		dbg("ELF core header: %zu bytes at 0x%" PRIx64 ": %u CPU notes, VMCOREINFO at 0x%" PRIx64
		    ", %u program headers", len, at, c.ncpu, c.vmcoreinfo.paddr,
		    (unsigned)kx_le16(hdr + 56));
	if (!cs.sizing) {
		/* from here on the loader sees (and passes on) the crash kernel's memory */
		err = kx_crash_memmap(&cs.sys, cs.region, cs.nregion,
				      (struct kx_range){ at, at + memsz }, &si->mem);
		if (KX_FAILED(err)) {
			msg_lib_error(err, "the crash kernel's memory map");
			return -1;
		}
	}
	err = kx_crash_cmdline(cmdline, cap, at, 1);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "the crash kernel's command line");
		return -1;
	}
	return 0;
}

const struct kx_memmap *crash_validate_map(const struct kx_memmap *m)
{
	return cs.have_sys ? &cs.sys : m;
}

/* ---- --print-ckr-size ------------------------------------------------------- */

int crash_print_size(const struct kx_plan *p)
{
	struct kx_crash_need n;
	uint64_t loaded = 0, unpacked = 0;
	char b[32];
	unsigned i;

	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		loaded += s->memsz;
		if (!strcmp(s->purpose, "initrd") && s->buf)
			unpacked += kx_initramfs_unpacked(s->buf, (size_t)s->bufsz);
	}
	if (KX_FAILED(kx_crash_need(loaded, unpacked, &n))) {
		msg("these files are too large for a crash kernel.");
		return -1;
	}
	printf("crashkernel=%" PRIu64 "M\n", n.suggest / MiB);
	printf("  a crash kernel loaded from these files needs about %" PRIu64 " MiB:\n", n.total / MiB);
	for (i = 0; i < p->nseg; i++)
		printf("    %-12s %10s  %s\n", p->seg[i].purpose, mib(p->seg[i].memsz, b, sizeof(b)),
		       !strcmp(p->seg[i].purpose, "kernel") ? "the kernel's init_size" : p->seg[i].source);
	printf("    %-12s %10s  the initramfs, unpacked (estimated)\n", "unpacked",
	       mib(n.unpacked, b, sizeof(b)));
	printf("    %-12s %10s  the crash kernel's own memory and the dump tool's (allowance)\n",
	       "runtime", mib(n.runtime, b, sizeof(b)));
	printf("    %-12s %10s  a struct page for every page of the region (1/64)\n", "memmap",
	       mib(n.memmap, b, sizeof(b)));
	read_regions();
	if (cs.size)
		printf("  reserved now: %s%s%s\n", mib(cs.size, b, sizeof(b)),
		       cs.nregion ? "" : " (its address is shown to root only)",
		       cs.size >= n.total ? ", enough" : ", too small: reserve more and reboot");
	else
		printf("  reserved now: nothing; add crashkernel=%" PRIu64 "M to the kernel command line "
		       "and reboot\n", n.suggest / MiB);
	return 0;
}
