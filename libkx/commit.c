/*
 * Committing a load: kexec_file_load (the kernel parses the image) or
 * kexec_load (kx's plan), with auto mode's fallback from the first to the
 * second when the kernel cannot take the image.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "arch.h"
#include "load.h"

#define KEXEC_ON_CRASH          0x1
#define KEXEC_FILE_ON_CRASH     0x2
#define KEXEC_FILE_NO_INITRAMFS 0x4
/* Linux's include/uapi/linux/kexec.h; a kernel that predates one answers EINVAL */
#define KEXEC_FILE_DEBUG        0x8   /* Linux 6.8 */
#define KEXEC_FILE_NO_CMA       0x10  /* Linux 6.17 */
#define KEXEC_FILE_FORCE_DTB    0x20  /* Linux 6.18 */

/* 0, or a negative errno from kexec_load; err is filled for other failures. */
static int classic_load(struct kx_load *l, struct kx_error *err)
{
	struct kx_kseg ks[KX_MAX_SEGMENTS];
	const struct kx_plan *p = &l->plan;
	unsigned long flags;
	unsigned i;
	int e;

	if (plan_classic(l, err))
		return 1;
	if (!l->o.crash && arch_smp_stuck() == KX_SMP_NO_OFF) {
		/* the kernel would take it, and its exec would crash trying to take the
		 * secondary CPUs down (a crash kernel starts without them: allowed) */
		fail(err, KX_E_KEXEC, "loading the kernel", l->req.image.name);
		err->b = KX_KEXEC_SMP_NO_OFF;
		return 1;
	}
	if (l->o.debug && l->o.log) {
		/* the plan, as --dry-run shows it */
		render_plan(l, "kexec_load");
		l->o.log(l->o.log_arg, KX_LOG_PLAN, l->text);
	}
	for (i = 0; i < p->nseg; i++)
		ks[i] = (struct kx_kseg){ p->seg[i].buf, p->seg[i].bufsz,
					  (const void *)(uintptr_t)p->seg[i].mem, p->seg[i].memsz };
	flags = kx_arch_kexec_flag | (l->o.crash ? KEXEC_ON_CRASH : 0);
	if (l->o.crash && l->set[KX_SET_HOTPLUG])
		flags |= kx_arch_hotplug_flag;
	e = sys_kexec_load(p->entry, p->nseg, ks, flags);
	if (e == -EINVAL && (flags & kx_arch_hotplug_flag) && l->o.crash && l->set[KX_SET_HOTPLUG]) {
		/* the plan is the one kx checks for every load: the flag is what is new */
		fail(err, KX_E_KERNEL_FLAG, "--hotplug", l->req.image.name);
		err->a = kx_arch_hotplug_flag;
		err->b = 1;
		return 1;
	}
	if (!e)
		dbg(l, "loaded with kexec_load: %u segments, entry 0x%" PRIx64, p->nseg, p->entry);
	return e;
}

/* The initrd pieces kexec_file_load gets: a UKI's .ucode and .initrd first
 * (the EFI stub's order), then the caller's. Returns how many. */
static unsigned file_pieces(const struct kx_load *l, struct kx_blob *out, int *files_only)
{
	unsigned n = 0, i;

	*files_only = l->initrd_files_only;
	if (!l->is_uki) {
		memcpy(out, l->req.initrd, sizeof(out[0]) * l->req.ninitrd);
		return l->req.ninitrd;
	}
	if (l->uki.ucode.present && l->uki.ucode.len)
		out[n++] = (struct kx_blob){ l->uki.ucode.buf, l->uki.ucode.len, ".ucode" };
	if (l->uki.initrd.present && l->uki.initrd.len)
		out[n++] = (struct kx_blob){ l->uki.initrd.buf, l->uki.initrd.len, ".initrd" };
	*files_only = !n && l->initrd_files_only;
	for (i = 0; i < l->req.ninitrd; i++)
		out[n++] = l->req.initrd[i];
	return n;
}

/* The initrd as one descriptor: the file itself, or one sealed memfd with
 * each piece padded to 4 bytes as the kernel's cpio unpacker expects. */
static int initrd_fd(const struct kx_blob *pieces, unsigned n, int files_only)
{
	const void *b[MAX_BLOBS];
	size_t len[MAX_BLOBS], pad[MAX_BLOBS];
	unsigned i;

	if (n == 1 && files_only)
		return sys_open_ro(pieces[0].name);
	for (i = 0; i < n; i++) {
		b[i] = pieces[i].buf;
		len[i] = (size_t)pieces[i].len;
		pad[i] = (4 - len[i] % 4) % 4;
	}
	return sys_memfd("kx-initrd", b, len, pad, n);
}

/*
 * The kernel's descriptor for kexec_file_load. The one rule: when the file
 * itself is what the kernel parses, the kernel gets that very file (the
 * descriptor kx mapped and parsed, or the caller's), never a copy, so that
 * IMA measures and appraises it under its own name and security.ima
 * signature; kx does not open the path again (it could name another file
 * by now). Only what is not a file of its own (a UKI's .linux, a buffer)
 * goes through a sealed memfd. The caller closes the result unless it is
 * l->kernel_fd.
 */
static int kernel_fd(const struct kx_load *l)
{
	const void *b[1] = { l->is_uki ? l->uki.kernel.buf : l->req.image.buf };
	size_t len[1] = { (size_t)(l->is_uki ? l->uki.kernel.len : l->req.image.len) };

	if (l->kernel_fd >= 0 && !l->is_uki)
		return l->kernel_fd;
	return sys_memfd("kx-kernel", b, len, 0, 1);
}

/* kexec_file_load flags the settings ask for (newer than the kernels kx runs on) */
static const struct {
	int set;
	unsigned long flag;
	const char *option, *without; /* why the load may go without it; NULL: it may not */
} extra[] = {
	{ KX_SET_KERNEL_DEBUG, KEXEC_FILE_DEBUG, "-d", "" },
	{ KX_SET_NO_CMA, KEXEC_FILE_NO_CMA, "--no-cma", "it places no segment in CMA anyway" },
	{ KX_SET_FORCE_DTB, KEXEC_FILE_FORCE_DTB, "--force-dtb", 0 },
};
#define NEXTRA (sizeof(extra) / sizeof(extra[0]))

/*
 * Does the running kernel know this kexec_file_load flag? Asked with no
 * file (fd -1) and not for the crash slot: the kernel checks the flags before
 * it reads the file (EINVAL: unknown; EBADF: known), and nothing loaded is
 * touched. 1, 0, or -1 when it cannot tell.
 */
static int kernel_knows(unsigned long flag)
{
	int e = sys_kexec_file_load(-1, -1, 0, flag);

	return e == -EINVAL ? 0 : e == -EBADF ? 1 : -1;
}

/*
 * The load with the extra flags failed with EINVAL: was it a flag? Each one
 * is asked about (only now: a probe is a kexec call, which counts against
 * kernel.kexec_load_limit_*). Those the kernel does not know are dropped from
 * *flags when the load may go without them; 1 with err when it may not; 0
 * when nothing was dropped (the EINVAL is the load's own).
 */
static int drop_unknown(struct kx_load *l, unsigned long *flags, int *dropped,
			struct kx_error *err)
{
	unsigned i;

	*dropped = 0;
	for (i = 0; i < NEXTRA; i++) {
		if (!(*flags & extra[i].flag) || kernel_knows(extra[i].flag))
			continue;
		if (!extra[i].without) {
			fail(err, KX_E_KERNEL_FLAG, extra[i].option, l->req.image.name);
			err->a = extra[i].flag;
			return 1;
		}
		*flags &= ~extra[i].flag;
		*dropped = 1;
		dbg(l, "this kernel does not know kexec_file_load flag 0x%lx (%s): not asked%s%s",
		    extra[i].flag, extra[i].option, *extra[i].without ? "; " : "", extra[i].without);
	}
	return 0;
}

/* 0, or a negative errno from kexec_file_load; 1 with err for other failures. */
static int file_load(struct kx_load *l, struct kx_error *err)
{
	struct kx_blob pieces[MAX_BLOBS];
	unsigned long flags = l->o.crash ? KEXEC_FILE_ON_CRASH : 0;
	int files_only, kfd, ifd = -1, e, dropped = 0;
	unsigned i, n = file_pieces(l, pieces, &files_only);
	const char *cmdline = l->cmdline[0] ? l->cmdline : 0;

	if (l->set[KX_SET_HOTPLUG])
		dbg(l, "--hotplug: kexec_file_load's crash kernels are updated on hotplug by the "
		       "kernel itself; no flag needed");
	for (i = 0; i < NEXTRA; i++)
		if (l->set[extra[i].set])
			flags |= extra[i].flag;
	kfd = kernel_fd(l);
	if (kfd < 0) {
		fail_file(err, "kernel", l->req.image.name, kfd);
		return 1;
	}
	if (!n)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	else if ((ifd = initrd_fd(pieces, n, files_only)) < 0) {
		fail_file(err, "initrd", pieces[0].name, ifd);
		if (kfd != l->kernel_fd)
			sys_close(kfd);
		return 1;
	}
	dbg(l, "kexec_file_load: kernel fd %d (%s), initrd fd %d, %zu-byte command line, flags 0x%lx",
	    kfd, kfd == l->kernel_fd ? "the file itself" : "a memfd", ifd, strlen(l->cmdline), flags);
	e = sys_kexec_file_load(kfd, ifd, cmdline, flags);
	if (e == -EINVAL && (flags & (KEXEC_FILE_DEBUG | KEXEC_FILE_NO_CMA | KEXEC_FILE_FORCE_DTB))) {
		if (drop_unknown(l, &flags, &dropped, err))
			e = 1;
		else if (dropped)
			e = sys_kexec_file_load(kfd, ifd, cmdline, flags);
	}
	if (kfd != l->kernel_fd)
		sys_close(kfd);
	sys_close(ifd);
	if (!e)
		dbg(l, "loaded with kexec_file_load (flags 0x%lx)", flags);
	return e;
}

/* Errors after which auto mode tries kexec_load: the kernel cannot take the
 * image or the call, nothing about trust or policy. */
static int falls_back(int e)
{
	return e == -ENOSYS || e == -ENOEXEC || e == -EINVAL || e == -EOPNOTSUPP;
}

/* Auto mode chose kexec_load though the kernel could take the image: a
 * refusal (lockdown or IMA kx did not see, a security module) sends it to
 * kexec_file_load, the stricter path. Not under Xen, nor when not root
 * (both would be refused alike). */
int classic_falls_to_file(const struct kx_load *l)
{
	return l->o.syscall == KX_SYSCALL_AUTO && l->why == WHY_AUTO_POLICY && !l->au.use_file &&
	       l->au.why != KX_AUTO_XEN && !l->fell_back;
}

/* ... and kexec_file_load, when chosen, falls to kexec_load on the errors of
 * falls_back() unless a policy kx knows requires the file path. */
int file_falls_to_classic(const struct kx_load *l)
{
	return l->o.syscall == KX_SYSCALL_AUTO && l->why == WHY_AUTO_POLICY && l->au.use_file &&
	       !l->au.required && !l->fell_back;
}

static int refused(int e)
{
	return e == -EPERM || e == -EACCES;
}

int kx_load_commit(struct kx_load *l, struct kx_error *err)
{
	int e;

	ERR_OR_DUMMY(err);
	if (kx_load_prepare(l, err))
		return -1;
	if (!l->use_file) {
		e = classic_load(l, err);
		if (e < 0 && refused(e) && classic_falls_to_file(l) && sys_is_root()) {
			int refusal = e;
			dbg(l, "kexec_load: %s; trying kexec_file_load", strerror(-e));
			e = file_load(l, err);
			if (e > 0)
				return -1;
			if (e < 0 && falls_back(e)) {
				/* the file path cannot take it: kexec_load's refusal is the news */
				dbg(l, "kexec_file_load: %s", strerror(-e));
				fail_kexec(err, KX_E_KEXEC, "loading the kernel", l->req.image.name, refusal);
				return -1;
			}
			if (e < 0) {
				fail_kexec(err, KX_E_KEXEC_FILE, 0, l->req.image.name, e);
				err->a = (uint64_t)l->is_uki;
				return -1;
			}
			l->use_file = 1; /* what kx_load_info reports now */
			l->fell_back = 1;
			return 0;
		}
		if (e < 0) {
			fail_kexec(err, KX_E_KEXEC, "loading the kernel", l->req.image.name, e);
			if (e == -EINVAL) {
				int smp = arch_smp_stuck();
				if (smp == KX_SMP_STUCK)
					err->b = KX_KEXEC_SMP_STUCK;
				else if (smp == KX_SMP_NO_KILL)
					err->b = KX_KEXEC_SMP_NO_KILL;
			}
		}
		return e ? -1 : 0;
	}
	e = file_load(l, err);
	if (e <= 0 && (!e || !file_falls_to_classic(l) || !falls_back(e))) {
		if (e) {
			fail_kexec(err, KX_E_KEXEC_FILE, 0, l->req.image.name, e);
			err->a = (uint64_t)l->is_uki;
		}
		return e ? -1 : 0;
	}
	if (e > 0)
		return -1;
	dbg(l, "kexec_file_load: %s; trying kexec_load", strerror(-e));
	e = classic_load(l, err);
	if (e < 0)
		fail_kexec(err, KX_E_KEXEC_FALLBACK, 0, l->req.image.name, e);
	if (!e) {
		l->use_file = 0; /* what kx_load_info reports now */
		l->fell_back = 1;
	}
	return e ? -1 : 0;
}
