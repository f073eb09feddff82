/*
 * A load: what the caller gives (kernel, initrds, command line, device tree,
 * modules, raw segments), resolved by kx_load_prepare() into what the next
 * kernel gets and the syscall that will stage it. Everything lives in the
 * struct kx_load; nothing here is static.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kx/bytes.h>
#include <kx/cmdline.h>
#include "arch.h"
#include "load.h"

#ifndef KX_VERSION
#define KX_VERSION "0.1.0"
#endif

/* ---- what the load owns ---------------------------------------------------------- */

static const char *keep_name(struct kx_load *l, const char *s);

struct kx_load *kx_load_new(const struct kx_options *o, struct kx_error *err)
{
	struct kx_load *l;
	ERR_OR_DUMMY(err);

	clear_error(err);
	l = sys_alloc(sizeof(*l)); /* zeroed */
	if (!l) {
		fail_n(err, KX_E_NO_MEMORY, 0, sizeof(*l), 0, 0, 0);
		return 0;
	}
	if (o)
		l->o = *o;
	if (!l->o.mem_max)
		l->o.mem_max = UINT64_MAX;
	/* the options' strings are copied: the caller may free them now */
	if (l->o.purgatory &&
	    !(l->o.purgatory = keep_string(l, l->o.purgatory, strlen(l->o.purgatory)))) {
		fail_file(err, "purgatory", "", -ENAMETOOLONG);
		kx_load_free(l);
		return 0;
	}
	if (l->o.loader_name)
		l->o.loader_name = keep_name(l, l->o.loader_name);
	else
		l->o.loader_name = "kx " KX_VERSION;
	l->kernel_fd = -1;
	l->req.entry = l->o.entry;
	l->req.have_entry = l->o.have_entry;
	l->req.loader_name = l->o.loader_name;
	l->req.cmdline = l->cmdline;
	l->req.scratch = l->scratch;
	l->req.scratch_len = sizeof(l->scratch);
	if (l->o.type && !(l->ld = kx_loader_by_name(l->o.type))) {
		fail(err, KX_E_TYPE_NAME, 0, l->o.type);
		kx_load_free(l);
		return 0;
	}
	l->o.type = 0; /* the caller's string is not kept */
	return l;
}

void kx_load_free(struct kx_load *l)
{
	unsigned i;

	if (!l)
		return;
	for (i = 0; i < l->nfiles; i++)
		sys_unmap(&l->files[i]);
	for (i = 0; i < l->nallocs; i++)
		sys_free(l->allocs[i].p, l->allocs[i].n);
	sys_free(l, sizeof(*l));
}

const char *keep_string(struct kx_load *l, const char *s, size_t n)
{
	char *p;

	if (n >= sizeof(l->strings) - l->nstrings)
		return 0;
	p = l->strings + l->nstrings;
	memcpy(p, s, n);
	p[n] = 0;
	l->nstrings += n + 1;
	return p;
}

void *load_alloc(void *load, size_t n)
{
	struct kx_load *l = load;
	void *p;

	if (l->nallocs == MAX_ALLOCS || !(p = sys_alloc(n)))
		return 0;
	l->allocs[l->nallocs].p = p;
	l->allocs[l->nallocs++].n = n;
	return p;
}

void *load_grow(void *load, void *p, size_t n)
{
	struct kx_load *l = load;
	unsigned i;
	void *q;

	for (i = 0; i < l->nallocs && l->allocs[i].p != p; i++)
		;
	if (i == l->nallocs || !(q = sys_grow(p, l->allocs[i].n, n)))
		return 0;
	l->allocs[i].p = q;
	l->allocs[i].n = n;
	return q;
}

size_t load_mark(void *load)
{
	return ((struct kx_load *)load)->nallocs;
}

void load_release(void *load, size_t mark, const void *keep)
{
	struct kx_load *l = load;
	unsigned i, n = (unsigned)mark;

	for (i = (unsigned)mark; i < l->nallocs; i++) {
		if (l->allocs[i].p == keep)
			l->allocs[n++] = l->allocs[i];
		else
			sys_free(l->allocs[i].p, l->allocs[i].n);
	}
	l->nallocs = n;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct kx_err load_unpack(void *load, enum kx_comp c, const uint8_t *in, size_t len, uint64_t max,
			  const uint8_t **out, size_t *outlen)
{
	struct kx_load *l = load;
	uint64_t t0 = mono_us(), us;
	struct kx_err e = kx_unpack(load, c, in, len, max, out, outlen);

	us = mono_us() - t0;
	if (KX_FAILED(e))
		dbg(l, "%s: unpacking %s failed after %" PRIu64 ".%03u ms", l->req.image.name,
		    kx_comp_name(c), us / 1000, (unsigned)(us % 1000));
	else
		dbg(l, "%s: unpacked %s in %" PRIu64 ".%03u ms: %zu bytes from %zu", l->req.image.name,
		    kx_comp_name(c), us / 1000, (unsigned)(us % 1000), *outlen, len);
	return e;
}

/* A copy of the caller's name, or a fixed one when the store is full. */
static const char *keep_name(struct kx_load *l, const char *s)
{
	const char *k = s ? keep_string(l, s, strlen(s)) : 0;
	return k ? k : "(name too long)";
}

int map_file(struct kx_load *l, const char *role, const char *path, struct kx_blob *b,
	     struct kx_error *err)
{
	struct kx_file *f;
	int e;

	if (l->nfiles == MAX_FILES)
		return fail_file(err, role, path, -EMFILE);
	f = &l->files[l->nfiles];
	e = sys_map(path, f);
	if (e)
		return fail_file(err, role, path, e);
	l->nfiles++;
	*b = (struct kx_blob){ f->buf, f->len, keep_name(l, path) };
	f->path = b->name;
	return 0;
}

/* ---- the inputs ------------------------------------------------------------------ */

static int changed(struct kx_load *l, struct kx_error *err)
{
	if (l->prepared)
		return fail(err, KX_E_STATE, "adding to a load after kx_load_prepare", 0);
	clear_error(err);
	return 0;
}

/* The loader table's index of ld. */
static unsigned loader_index(const struct kx_loader *ld)
{
	unsigned i;

	for (i = 0; kx_loaders[i] && kx_loaders[i] != ld; i++)
		;
	return i;
}

/* Does the type -t named fit the image? Not when another loader claims it:
 * then say what the file is (forcing a type stays possible for files no
 * loader recognises, e.g. -t elf for a program). */
static int forced_fits(struct kx_load *l, struct kx_error *err)
{
	const uint8_t *b = l->req.image.buf;
	size_t n = (size_t)l->req.image.len;
	const struct kx_loader *other;

	if (l->ld->probe(b, n) || !(other = kx_loader_probe(b, n)))
		return 0;
	fail(err, KX_E_WRONG_TYPE, l->ld->name, l->req.image.name);
	err->a = loader_index(other);
	return -1;
}

/* The image's name for a message about what it holds: "F (gzip-compressed)"
 * when kx unwrapped it (the name alone when the store is full). */
static const char *unwrapped_name(struct kx_load *l)
{
	char b[256], w[96];
	const char *k;
	size_t n;

	if (!l->nwrap)
		return l->req.image.name;
	wrap_text(l, w, sizeof(w));
	n = strlen(w);
	if (n && w[n - 1] == ' ')
		w[n - 1] = 0;
	snprintf(b, sizeof(b), "%s (%s)", l->req.image.name, w);
	k = keep_string(l, b, strlen(b));
	return k ? k : l->req.image.name;
}

/* The kernel is in l->req.image: say what it is, unless -t said so. */
static int probe(struct kx_load *l, struct kx_error *err)
{
	int bad;

	if (unwrap_kernel(l, err)) {
		l->req.image = (struct kx_blob){ 0, 0, 0 };
		l->kernel_file = 0;
		l->kernel_fd = -1;
		l->nwrap = 0;
		l->packed_len = 0;
		return -1;
	}
	if (l->ld)
		bad = forced_fits(l, err);
	else if ((bad = !(l->ld = kx_loader_probe(l->req.image.buf, l->req.image.len))))
		fail_lib(err, kx_err(KX_E_UNKNOWN_TYPE, 0, 0, 0), unwrapped_name(l));
	if (bad) {
		/* a failed call leaves the load as it was: no kernel (the mapping,
		 * if any, is released with the load) */
		l->req.image = (struct kx_blob){ 0, 0, 0 };
		l->kernel_file = 0;
		l->kernel_fd = -1;
		return -1;
	}
	{
		char w[96];
		dbg(l, "%s: %s%s image", l->req.image.name, wrap_text(l, w, sizeof(w)), l->ld->name);
	}
	return 0;
}

static int kernel_allowed(struct kx_load *l, const char *name, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	if (l->ld && l->ld->no_image)
		return fail(err, KX_E_RAW_KERNEL, 0, name);
	if (l->req.image.buf)
		return fail(err, KX_E_STATE, "a second kernel", name);
	return 0;
}

int kx_load_kernel(struct kx_load *l, const char *path, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (kernel_allowed(l, path, err) || map_file(l, "kernel", path, &l->req.image, err))
		return -1;
	l->kernel_file = l->req.image.name;
	l->kernel_fd = l->files[l->nfiles - 1].fd; /* closed with the load */
	return probe(l, err);
}

int kx_load_kernel_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err)
{
	struct kx_file *f;
	int e;

	ERR_OR_DUMMY(err);
	if (kernel_allowed(l, name, err))
		return -1;
	if (l->nfiles == MAX_FILES)
		return fail_file(err, "kernel", name, -EMFILE);
	f = &l->files[l->nfiles];
	if ((e = sys_map_fd(fd, f)))
		return fail_file(err, "kernel", name, e);
	l->nfiles++;
	l->req.image = (struct kx_blob){ f->buf, f->len, keep_name(l, name) };
	l->kernel_fd = fd;
	return probe(l, err);
}

int kx_load_kernel_buf(struct kx_load *l, const void *buf, size_t len, const char *name,
		       struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (kernel_allowed(l, name, err))
		return -1;
	if (!buf || !len)
		return fail_file(err, "kernel", name, -ENODATA);
	l->req.image = (struct kx_blob){ buf, len, keep_name(l, name) };
	return probe(l, err);
}

static int initrd_room(struct kx_load *l, struct kx_error *err)
{
	if (changed(l, err))
		return -1;
	if (l->req.ninitrd == KX_MAX_INITRDS)
		return fail_n(err, KX_E_TOO_MANY_INITRDS, 0, l->req.ninitrd + 1, KX_MAX_INITRDS, 0, 0);
	return 0;
}

int kx_load_initrd(struct kx_load *l, const char *path, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (initrd_room(l, err) || map_file(l, "initrd", path, &l->req.initrd[l->req.ninitrd], err))
		return -1;
	if (!l->req.ninitrd++)
		l->initrd_files_only = 1;
	return 0;
}

int kx_load_initrd_buf(struct kx_load *l, const void *buf, size_t len, const char *name,
		       struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (initrd_room(l, err))
		return -1;
	if (!buf || !len)
		return fail_file(err, "initrd", name, -ENODATA);
	l->req.initrd[l->req.ninitrd++] = (struct kx_blob){ buf, len, keep_name(l, name) };
	l->initrd_files_only = 0;
	l->initrd_bufs = 1;
	return 0;
}

/* A command line past kx's own room (own bytes) is reported against the
 * kernel's limit when its image says it: that is the one that matters. */
static uint64_t cmdline_limit(const struct kx_load *l, uint64_t own)
{
	const uint8_t *b = l->is_uki ? l->uki.kernel.buf : l->req.image.buf;
	size_t n = (size_t)(l->is_uki ? l->uki.kernel.len : l->req.image.len);
	uint64_t max = b ? arch_cmdline_max(b, n) : 0;

	return max && max < own ? max : own;
}

int kx_load_append(struct kx_load *l, const char *text, struct kx_error *err)
{
	const char *k;

	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	k = text && l->nappend < MAX_APPEND ? keep_string(l, text, strlen(text)) : 0;
	if (!k) {
		/* the texts so far and this one, as the command line would hold them */
		uint64_t n = text ? strlen(text) : 0;
		unsigned i;
		for (i = 0; i < l->nappend; i++)
			n += strlen(l->append[i]) + 1;
		return fail_lib(err, kx_err(KX_E_CMDLINE_TOO_LONG, 0, n,
					    cmdline_limit(l, sizeof(l->strings) - 1)), "command line");
	}
	l->append[l->nappend++] = k;
	return 0;
}

int kx_load_replace_cmdline(struct kx_load *l)
{
	if (l->prepared)
		return -1; /* the command line is built */
	l->replace_cmdline = 1;
	return 0;
}

int kx_load_reuse_cmdline(struct kx_load *l)
{
	if (l->prepared)
		return -1;
	l->reuse_cmdline = l->replace_cmdline = 1;
	return 0;
}

/* kx boot: an initrd or a device tree from a descriptor opened beneath its
 * volume (libkx/boot.c); the descriptor stays the caller's. The initrd then
 * reaches kexec_file_load through a memfd: its name is a path inside that
 * volume, never opened again. */
static int map_fd(struct kx_load *l, const char *role, int fd, const char *name,
		  struct kx_blob *b, struct kx_error *err)
{
	struct kx_file *f;
	int e;

	if (l->nfiles == MAX_FILES)
		return fail_file(err, role, name, -EMFILE);
	f = &l->files[l->nfiles];
	if ((e = sys_map_fd(fd, f)))
		return fail_file(err, role, name, e);
	l->nfiles++;
	*b = (struct kx_blob){ f->buf, f->len, keep_name(l, name) };
	return 0;
}

int load_initrd_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (changed(l, err) || initrd_room(l, err) ||
	    map_fd(l, "initrd", fd, name, &l->req.initrd[l->req.ninitrd], err))
		return -1;
	l->req.ninitrd++;
	l->initrd_files_only = 0;
	return 0;
}

int load_dtb_fd(struct kx_load *l, int fd, const char *name, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	return map_fd(l, "device tree", fd, name, &l->req.dtb, err);
}

int kx_load_dtb(struct kx_load *l, const char *path, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	return map_file(l, "device tree", path, &l->req.dtb, err);
}

int kx_load_module(struct kx_load *l, const char *path, const char *string, struct kx_error *err)
{
	struct kx_module *m = &l->req.module[l->req.nmodule];

	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	if (l->req.nmodule == KX_MAX_MODULES)
		return fail_lib(err, kx_err(KX_E_TOO_MANY, "modules", KX_MAX_MODULES, 0), path);
	if (map_file(l, "module", path, &m->file, err))
		return -1;
	m->file.name = m->string = keep_name(l, string ? string : path);
	l->req.nmodule++;
	return 0;
}

int kx_load_segment(struct kx_load *l, const char *path, uint64_t addr, struct kx_error *err)
{
	struct kx_raw_seg *r = &l->req.raw[l->req.nraw];

	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	if (l->req.nraw == KX_MAX_SEGMENTS - 1)
		return fail_lib(err, kx_err(KX_E_TOO_MANY, "segments", KX_MAX_SEGMENTS - 1, 0), path);
	if (map_file(l, "segment", path, &r->file, err))
		return -1;
	r->addr = addr;
	l->req.nraw++;
	return 0;
}

int kx_load_set(struct kx_load *l, enum kx_setting what, uint64_t value, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	if (changed(l, err))
		return -1;
	if ((unsigned)what == 0 || (unsigned)what >= KX_SET__END ||
	    ((what < KX_SET_CONSOLE_PORT || what == KX_SET_CLASSIC_HINTS ||
	      what == KX_SET_NO_UNPACK) && value > 1) ||
	    (what == KX_SET_CONSOLE_PORT && value > kx_arch_console_max) ||
	    (what == KX_SET_CONSOLE_BAUD && (value > 4000000 || (value && !kx_arch_console_baud))) ||
	    ((what == KX_SET_ATAGS || what == KX_SET_MACH_TYPE) && strcmp(kx_arch_name, "arm")) ||
	    (what == KX_SET_ATAGS && (value > 1 || (value && l->o.crash))) ||
	    (what == KX_SET_MACH_TYPE && value > UINT32_MAX))
		return fail_n(err, KX_E_SETTING, "", (unsigned)what, value, 0, 0);
	l->set[what] = value;
	l->set_mask |= 1u << what;
	return 0;
}

/* ---- resolving --------------------------------------------------------------------- */

/*
 * The command line: the image's own (a UKI's .cmdline) unless replaced, the
 * running system's if reused (without BOOT_IMAGE=; for a crash kernel also
 * without crashkernel=, as kexec-tools composes it), then the appended texts
 * verbatim. No word is dropped or merged: Linux takes the last of a repeated
 * parameter (console=), and words after "--" belong to init.
 */
static int build_cmdline(struct kx_load *l, struct kx_error *err)
{
	static const char *const drop_boot_image[] = { "BOOT_IMAGE", 0 };
	static const char *const drop_crash[] = { "BOOT_IMAGE", "crashkernel", 0 };
	struct kx_err e = KX_NOERR;
	size_t n;
	unsigned i;
	int r;

	l->cmdline[0] = 0;
	if (l->is_uki && l->uki.cmdline.present && !l->replace_cmdline)
		e = kx_cmdline_add(l->cmdline, sizeof(l->cmdline), (const char *)l->uki.cmdline.buf,
				   l->uki.cmdline.len, 0);
	if (!KX_FAILED(e) && l->reuse_cmdline) {
		char *cur = l->iomem; /* scratch until the memory map is read */
		r = sys_read_text("/proc/cmdline", cur, 8192, &n);
		if (r)
			return fail_file(err, "current command line", "/proc/cmdline", r);
		e = kx_cmdline_add(l->cmdline, sizeof(l->cmdline), cur, n,
				   l->o.crash ? drop_crash : drop_boot_image);
	}
	for (i = 0; !KX_FAILED(e) && i < l->nappend; i++)
		e = kx_cmdline_append(l->cmdline, sizeof(l->cmdline), l->append[i], strlen(l->append[i]));
	if (e.code == KX_E_CMDLINE_TOO_LONG)
		e.b = cmdline_limit(l, e.b);
	return KX_FAILED(e) ? fail_lib(err, e, "command line") : 0;
}

/* Options only kexec_load can honour: kx's own plan and purgatory. With
 * KX_SET_CLASSIC_HINTS, the window and no_verify only apply if it is used. */
static enum kx_classic_reason classic_only(const struct kx_options *o, int hints, int dtb)
{
	if (o->purgatory)
		return KX_CLASSIC_PURGATORY;
	if (o->have_entry)
		return KX_CLASSIC_ENTRY;
	if (dtb) /* kexec_file_load has no device tree argument: it would be dropped */
		return KX_CLASSIC_DTB;
	if (!hints && (o->mem_min || (o->mem_max && o->mem_max != UINT64_MAX)))
		return KX_CLASSIC_WINDOW;
	if (!hints && o->no_verify)
		return KX_CLASSIC_NO_VERIFY;
	if (sys_fault("digest"))
		return KX_CLASSIC_FAULT; /* the test hook corrupts kx's own purgatory */
	return KX_CLASSIC_NONE;
}

/* Which syscall, and why. */
static int choose(struct kx_load *l, struct kx_error *err)
{
	int file_ok = l->ld->kernel_parses;

	l->use_file = 0;
	if (l->o.syscall == KX_SYSCALL_CLASSIC) {
		l->why = WHY_ASKED_CLASSIC;
	} else if (l->o.syscall == KX_SYSCALL_FILE) {
		if (!file_ok)
			return fail(err, KX_E_FILE_SYSCALL_TYPE, l->ld->name, 0);
		if (l->classic_only)
			return fail_n(err, KX_E_CLASSIC_ONLY, 0, l->classic_only, 0, 0, 0);
		l->use_file = 1;
		l->why = WHY_ASKED_FILE;
	} else if (!file_ok) {
		l->why = WHY_AUTO_FORMAT;
	} else if (l->classic_only) {
		l->why = WHY_AUTO_CLASSIC_ONLY;
	} else {
		/* the fastest path the system's policy allows (docs/syscalls.md) */
		if (!l->pol.read) {
			policy_read(l, &l->pol);
			policy_debug(l, &l->pol);
		}
		l->au = kx_auto_choose(&l->pol.f);
		l->use_file = l->au.use_file;
		l->why = WHY_AUTO_POLICY;
	}
	dbg(l, "syscall: %s (%s)", l->use_file ? "kexec_file_load" : "kexec_load", why_text(l));
	return 0;
}

static int not_applicable(struct kx_load *l, enum kx_input what, struct kx_error *err)
{
	fail(err, KX_E_NOT_APPLICABLE, l->ld->name, l->req.image.name);
	err->a = what;
	return -1;
}

int kx_load_prepare(struct kx_load *l, struct kx_error *err)
{
	ERR_OR_DUMMY(err);
	clear_error(err);
	if (l->prepared)
		return 0;
	if (!l->ld || (!l->ld->no_image && !l->req.image.buf))
		return fail(err, KX_E_STATE, "kx_load_prepare without a kernel", 0);
	if (l->ld->no_image)
		dbg(l, "raw segments: %s image", l->ld->name);
	if (l->ld->uki) {
		struct kx_err e = kx_uki_parse(l->req.image.buf, l->req.image.len, &l->uki);
		if (KX_FAILED(e))
			return fail_lib(err, e, l->req.image.name);
		l->is_uki = 1;
		l->kernel_file = 0; /* the kernel gets .linux through a memfd */
		if (unwrap_uki_linux(l, err)) /* a compressed .linux (an arm64 zboot) */
			return -1;
	}
	/* inputs the image type would ignore: refused, not dropped silently */
	if (l->o.have_entry && l->ld->entry_fixed)
		return not_applicable(l, KX_INPUT_ENTRY, err);
	if (l->req.dtb.buf && !l->ld->takes_dtb)
		return not_applicable(l, KX_INPUT_DTB, err);
	/* 32-bit ARM: ATAGS replace the device tree (not both), r1's machine type */
	if (l->set[KX_SET_ATAGS] && l->req.dtb.buf)
		return fail_n(err, KX_E_SETTING, "", KX_SET_ATAGS, 1, 0, 0);
	l->req.atags = l->set[KX_SET_ATAGS] != 0;
	l->req.mach_type = (uint32_t)l->set[KX_SET_MACH_TYPE];
	if (build_cmdline(l, err))
		return -1;
	/* -p: the crash kernel's command line, and is the reservation big enough? */
	if (l->o.crash && crash_setup(l, err))
		return -1;
	l->classic_only = classic_only(&l->o, (int)l->set[KX_SET_CLASSIC_HINTS], l->req.dtb.buf != 0);
	if (choose(l, err))
		return -1;
	if (l->use_file && (l->o.no_verify || l->o.mem_min ||
			    (l->o.mem_max && l->o.mem_max != UINT64_MAX)))
		dbg(l, "-i, --mem-min and --mem-max apply to kexec_load only: kexec_file_load ignores "
		       "them%s", l->o.syscall == KX_SYSCALL_AUTO ? " (they apply if kx falls back)" : "");
	l->prepared = 1;
	return 0;
}
