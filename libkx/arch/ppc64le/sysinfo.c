/*
 * ppc64le: the memory the running system offers (/proc/iomem, without the
 * running kernel: the kernel refuses segments below its end), its device
 * tree (/proc/device-tree, flattened with libfdt's sequential writer; else
 * /sys/firmware/fdt, the tree the kernel booted with), and memory for what
 * the loader builds.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libfdt.h>
#include <kx/elf.h>
#include "arch.h"
#include "load.h"
#include <kx/arch/arm64.h>

const char kx_arch_name[] = "ppc64le";
const char kx_arch_kernel_format[] = "vmlinux";
const unsigned long kx_arch_kexec_flag = 21ul << 16; /* KEXEC_ARCH_PPC64 */
/* not an I/O port: nonzero lets the purgatory write to the hypervisor's
 * virtual terminal (pseries: H_PUT_TERM_CHAR), docs/ppc64le.md */
const uint16_t kx_arch_serial_port = 1;
const uint64_t kx_arch_console_max = 1;
const int kx_arch_console_baud = 0;
const uint8_t kx_arch_uimage_arch = 0;
/* kdump through kexec_load (libkx/arch/ppc64le/crash.c, docs/ppc64le.md):
 * an ELF64 EM_PPC64 core header, the direct map at 0xc000000000000000, the
 * first 64 KiB backed up by the purgatory */
const uint16_t kx_arch_crash_machine = 21; /* EM_PPC64 */
const uint8_t kx_arch_crash_elf32 = 0;
const uint64_t kx_arch_crash_low = 0;
const int kx_arch_crash_mem_arg = 0;
const uint64_t kx_arch_crash_page_offset = 0xc000000000000000ull;
const uint64_t kx_arch_crash_direct_end = 0;
const uint64_t kx_arch_crash_backup = 64u << 10;
int ppc_crash_finish(struct kx_load *l, struct kx_error *err);
int (*const kx_arch_crash_finish)(struct kx_load *, struct kx_error *) = ppc_crash_finish;
const unsigned long kx_arch_hotplug_flag = 0x8; /* KEXEC_CRASH_HOTPLUG_SUPPORT */
const uint64_t kx_arch_kernel_map = UINT64_MAX;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"
};

#define FDT_MAX  (8u << 20)  /* the flattened tree */
#define PROP_MAX (2u << 20)  /* one property (ibm,dynamic-memory can be large) */
#define DT_DEPTH 32

struct flat {
	struct kx_load *l;
	void *fdt;
	uint8_t *prop;
	char path[4096];
};

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The directory f->path as a node: its files are properties (first, as the
 * format wants), its directories subnodes. 0 or a libfdt/errno error. */
static int flatten_dir(struct flat *f, const char *name, int depth)
{
	struct dirent **ent;
	size_t plen = strlen(f->path), len;
	int n, i, pass, e = 0;
	struct stat st;

	if (depth > DT_DEPTH)
		return -ELOOP;
	if ((e = fdt_begin_node(f->fdt, name)))
		return e;
	n = scandir(f->path, &ent, 0, by_name);
	if (n < 0)
		return -errno;
	for (pass = 0; pass < 2 && !e; pass++) {
		for (i = 0; i < n && !e; i++) {
			const char *d = ent[i]->d_name;
			if (d[0] == '.' && (!d[1] || (d[1] == '.' && !d[2])))
				continue;
			if (plen + 1 + strlen(d) + 1 > sizeof(f->path)) {
				e = -ENAMETOOLONG;
				break;
			}
			f->path[plen] = '/';
			strcpy(f->path + plen + 1, d);
			if (lstat(f->path, &st))
				e = -errno;
			else if (pass == 0 && S_ISREG(st.st_mode) && strcmp(d, "name")) {
				/* "name" is Open Firmware's: the node's name says it */
				e = sys_read_bin(f->path, f->prop, PROP_MAX, &len);
				if (!e && len >= PROP_MAX)
					e = -EFBIG;
				if (!e)
					e = fdt_property(f->fdt, d, f->prop, (int)len);
			} else if (pass == 1 && S_ISDIR(st.st_mode)) {
				e = flatten_dir(f, d, depth + 1);
			}
			f->path[plen] = 0;
		}
	}
	for (i = 0; i < n; i++)
		free(ent[i]);
	free(ent);
	return e ? e : fdt_end_node(f->fdt);
}

/* /proc/device-tree as a flattened tree in *out; 0 or an error. */
static int flatten(struct kx_load *l, const char *root, uint8_t **out, size_t *outlen)
{
	struct flat f = { .l = l };
	int e;

	f.fdt = load_alloc(l, FDT_MAX);
	f.prop = load_alloc(l, PROP_MAX);
	if (!f.fdt || !f.prop)
		return -ENOMEM;
	snprintf(f.path, sizeof(f.path), "%s", root);
	if ((e = fdt_create(f.fdt, FDT_MAX)) || (e = fdt_finish_reservemap(f.fdt)) ||
	    (e = flatten_dir(&f, "", 0)) || (e = fdt_finish(f.fdt)))
		return e;
	*out = f.fdt;
	*outlen = fdt_totalsize(f.fdt);
	return 0;
}

/* Take [0, end) out of the RAM entries of m: the running kernel. */
static struct kx_err carve_low(struct kx_memmap *m, uint64_t end)
{
	struct kx_memmap old = *m;
	struct kx_err e = KX_NOERR;
	unsigned i;

	m->n = 0;
	for (i = 0; i < old.n && !KX_FAILED(e); i++) {
		struct kx_mement x = old.e[i];
		if (x.type == KX_MEM_RAM && x.start < end) {
			uint64_t cut = x.end < end ? x.end : end;
			e = kx_memmap_add(m, x.start, cut, KX_MEM_RESERVED);
			if (!KX_FAILED(e) && cut < x.end)
				e = kx_memmap_add(m, cut, x.end, KX_MEM_RAM);
		} else {
			e = kx_memmap_add(m, x.start, x.end, x.type);
		}
	}
	return e;
}

int arch_sysinfo(struct kx_load *l, struct kx_error *err)
{
	struct kx_sysinfo *si = &l->si;
	size_t len;
	uint8_t *fdt = 0, kend[8];
	uint64_t end = 0;
	long page;
	struct kx_err e;

	if (iomem_memmap(l, &len, err))
		return -1;
	e = kx_a64_iomem_reserved(l->iomem, len, &si->mem);
	if (KX_FAILED(e))
		return fail_lib(err, e, "/proc/iomem");
	/* the running kernel's end: /chosen's linux,kernel-end, which the
	 * kernel adds for kexec; else the span of its iomem "Kernel" lines
	 * are not there on powerpc: keep a generous 64 MiB */
	if (!sys_read_bin("/proc/device-tree/chosen/linux,kernel-end", kend, sizeof(kend), &len) &&
	    (len == 8 || len == 4)) {
		unsigned i;
		for (i = 0; i < len; i++)
			end = end << 8 | kend[i];
	}
	if (!end)
		end = 64ull << 20;
	e = carve_low(&si->mem, (end + 0xffff) & ~0xffffull);
	if (KX_FAILED(e))
		return fail_lib(err, e, "/proc/iomem");
	page = sysconf(_SC_PAGESIZE);
	if (page > 4096)
		kx_a64_memmap_align(&si->mem, (uint64_t)page);
	if (!kx_memmap_ram(&si->mem))
		return fail_lib(err, kx_err(KX_E_NO_RAM, 0, 0, 0), "the memory map");
	si->boot_params = 0;
	si->boot_params_len = 0;
	si->acpi_rsdp = 0;
	si->rsdp_len = 0;
	si->fdt = (struct kx_blob){ 0, 0, "/proc/device-tree" };
	if (!access("/proc/device-tree", R_OK) && !flatten(l, "/proc/device-tree", &fdt, &len)) {
		si->fdt.buf = fdt;
		si->fdt.len = len;
	} else if ((fdt = load_alloc(l, FDT_MAX)) &&
		   !sys_read_bin("/sys/firmware/fdt", fdt, FDT_MAX, &len) && len) {
		si->fdt = (struct kx_blob){ fdt, len, "/sys/firmware/fdt" };
	}
	si->have_rng_seed = !sys_random(si->rng_seed, sizeof(si->rng_seed));
	si->alloc = load_alloc;
	si->alloc_ctx = l;
	si->unpack = load_unpack;
	return 0;
}

/* The ELF vmlinux is what the loader takes: nothing to unwrap. */
int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err)
{
	(void)l, (void)buf, (void)len, (void)out, (void)outlen, (void)err;
	return 0;
}

uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len)
{
	(void)buf, (void)len;
	return 0;
}

uint64_t arch_cmdline_max(const uint8_t *buf, size_t len)
{
	(void)buf, (void)len;
	return 0;
}

/* Its kexec gathers the secondary CPUs itself (kexec_wait). */
int arch_smp_stuck(void)
{
	return -1;
}
