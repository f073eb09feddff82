/*
 * Loading: map the files, resolve what the next kernel gets (a job), choose
 * the system call, then either let the kernel parse the image
 * (kexec_file_load) or plan every segment ourselves (kexec_load).
 */
#include "load.h"
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kx/bytes.h>
#include <kx/cmdline.h>
#include <kx/pe.h>
#include "arch.h"
#include "check.h"
#include "crash.h"
#include "msg.h"
#include "show.h"
#include "sys.h"

#define KEXEC_ON_CRASH          0x1
#define KEXEC_FILE_UNLOAD       0x1
#define KEXEC_FILE_ON_CRASH     0x2
#define KEXEC_FILE_NO_INITRAMFS 0x4
#define MAX_BLOBS (KX_MAX_INITRDS + 2)

/* Everything a load needs, resolved from the options and the files. */
struct job {
	const struct opts *o;
	const struct kx_loader *ld;
	struct kx_blob kernel;          /* what the loader parses (a UKI's .linux) */
	const char *kernel_file;        /* a file the kernel may read itself, or NULL */
	struct kx_blob initrd[MAX_BLOBS];
	unsigned ninitrd;
	int initrd_files_only;          /* every initrd is a user file, none built */
	struct kx_module module[KX_MAX_MODULES];
	unsigned nmodule;
	struct kx_raw_seg raw[KX_MAX_SEGMENTS];
	unsigned nraw;
	const char *cmdline;
	struct kx_blob dtb;             /* --dtb, or none */
	int file_ok;                    /* kexec_file_load can take this image */
	int is_uki;
	struct kx_uki uki;              /* its sections, when is_uki */
	const char *classic_only;       /* an option only kexec_load honours, or NULL */
};

static void on_sigbus(int sig)
{
	static const char m[] = "kx: a file shrank while kx was reading it; nothing was loaded. "
				"Try again once the file is complete.\n";
	(void)sig;
	(void)!write(2, m, sizeof(m) - 1);
	_exit(EXIT_FAIL);
}

static char cmdline[64 * 1024];


static int build_cmdline(const struct opts *o, const char *base, size_t baselen)
{
	static const char *const drop_boot_image[] = { "BOOT_IMAGE", 0 };
	/* -p: nor anything that reserves memory the crash region does not have
	 * (what Fedora's kdump removes too) */
	static const char *const drop_crash[] = { "BOOT_IMAGE", "crashkernel", "hugepages",
		"hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma", "log_buf_len", "swiotlb",
		"slub_debug", 0 };
	struct kx_err err = KX_NOERR;
	unsigned i;

	cmdline[0] = 0;
	if (base)
		err = kx_cmdline_add(cmdline, sizeof(cmdline), base, baselen, 0);
	if (!KX_FAILED(err) && o->reuse) {
		static char cur[8192];
		size_t n;
		int e = sys_read_text("/proc/cmdline", cur, sizeof(cur), &n);
		if (e) {
			msg_file_error("current command line", "/proc/cmdline", e);
			return -1;
		}
		/* a crash kernel must not reserve a crash kernel of its own */
		err = kx_cmdline_add(cmdline, sizeof(cmdline), cur, n,
				     o->panic ? drop_crash : drop_boot_image);
	}
	for (i = 0; !KX_FAILED(err) && i < o->nappend; i++)
		err = kx_cmdline_add(cmdline, sizeof(cmdline), o->append[i], strlen(o->append[i]), 0);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "command line");
		return -1;
	}
	return 0;
}

static int map(const char *role, const char *path, struct kx_blob *b)
{
	struct kx_file f;
	int e = sys_map(path, &f);

	if (e) {
		msg_file_error(role, path, e);
		return -1;
	}
	*b = (struct kx_blob){ f.buf, f.len, path };
	return 0;
}

static const char *known_types(void)
{
	static char buf[256];
	const struct kx_loader *const *l;

	buf[0] = 0;
	for (l = kx_loaders; *l; l++) {
		if (buf[0])
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, (*l)->name, sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static int is_named(const struct kx_loader *ld, const char *name)
{
	return ld && !strcmp(ld->name, name);
}

/* Map the files and resolve the job. 0, or an exit status after a message. */
static int prepare(const struct opts *o, struct job *j)
{
	unsigned i;

	memset(j, 0, sizeof(*j));
	j->o = o;
	signal(SIGBUS, on_sigbus);
	if (o->type && !(j->ld = kx_loader_by_name(o->type))) {
		msg("unknown image type '%s' (kx knows: %s).", o->type, known_types());
		return EXIT_USAGE;
	}
	if (is_named(j->ld, "raw")) {
		if (o->kernel) {
			msg("a raw image is given with --segment FILE@ADDR, not as '%s'.", o->kernel);
			return EXIT_USAGE;
		}
	} else {
		if (map("kernel", o->kernel, &j->kernel))
			return EXIT_FAIL;
		j->kernel_file = o->kernel;
		if (!j->ld && !(j->ld = kx_loader_probe(j->kernel.buf, j->kernel.len))) {
			msg_lib_error(kx_err(KX_E_UNKNOWN_TYPE, known_types(), 0, 0), o->kernel);
			return EXIT_FAIL;
		}
	}
	dbg("%s: %s image", o->kernel ? o->kernel : "raw segments", j->ld->name);

	for (i = 0; i < o->ninitrd; i++)
		if (map("initrd", o->initrd[i], &j->initrd[j->ninitrd++]))
			return EXIT_FAIL;
	j->initrd_files_only = 1;
	for (i = 0; i < o->nmodule; i++) {
		char path[4096];
		size_t n = strcspn(o->module[i], " \t");
		if (!n || n >= sizeof(path)) {
			msg("--module needs \"FILE ARGS\", got '%s'.", o->module[i]);
			return EXIT_USAGE;
		}
		memcpy(path, o->module[i], n);
		path[n] = 0;
		if (map("module", path, &j->module[i].file))
			return EXIT_FAIL;
		j->module[i].file.name = o->module[i];
		j->module[i].string = o->module[i];
	}
	j->nmodule = o->nmodule;
	for (i = 0; i < o->nsegment; i++) {
		static char paths[KX_MAX_SEGMENTS][4096];
		const char *at = strrchr(o->segment[i], '@');
		size_t n = (size_t)(at - o->segment[i]);
		char *end;
		if (!n || n >= sizeof(paths[i])) {
			msg("--segment needs FILE@ADDR, got '%s'.", o->segment[i]);
			return EXIT_USAGE;
		}
		memcpy(paths[i], o->segment[i], n);
		paths[i][n] = 0;
		errno = 0;
		j->raw[i].addr = strtoull(at + 1, &end, 0);
		if (errno || end == at + 1 || *end) {
			msg("'%s' in --segment is not an address.", at + 1);
			return EXIT_USAGE;
		}
		if (map("segment", paths[i], &j->raw[i].file))
			return EXIT_FAIL;
	}
	j->nraw = o->nsegment;
	if (o->dtb && map("device tree", o->dtb, &j->dtb))
		return EXIT_FAIL;
	if (is_named(j->ld, "uki")) {
		struct kx_err err = kx_uki_parse(j->kernel.buf, j->kernel.len, &j->uki);
		if (KX_FAILED(err)) {
			msg_lib_error(err, o->kernel);
			return EXIT_FAIL;
		}
		j->is_uki = 1;
		j->kernel_file = 0; /* the kernel gets .linux through a memfd */
	}
	/* a UKI's own command line, unless --command-line/--reuse-cmdline replace it */
	if (j->is_uki && j->uki.cmdline.present && !o->replace_cmdline) {
		if (build_cmdline(o, (const char *)j->uki.cmdline.buf, j->uki.cmdline.len))
			return EXIT_FAIL;
	} else if (build_cmdline(o, 0, 0)) {
		return EXIT_FAIL;
	}
	/* -p: the crash kernel's command line, and is the reservation big enough? */
	if (o->panic && crash_setup(&j->kernel, j->initrd, j->ninitrd, o->print_ckr, cmdline,
				    sizeof(cmdline)))
		return EXIT_FAIL;
	j->cmdline = cmdline;
	j->file_ok = j->ld->kernel_parses;
	/* options only kexec_load can honour: kx's own plan and purgatory */
	if (o->purgatory)
		j->classic_only = "--purgatory";
	else if (o->have_entry)
		j->classic_only = "--entry";
	else if (o->mem_min || o->mem_max != UINT64_MAX)
		j->classic_only = "--mem-min/--mem-max";
	else if (o->no_checks)
		j->classic_only = "-i (skip kx's purgatory check)";
	else if (getenv("KX_FAULT") && strstr(getenv("KX_FAULT"), "digest"))
		j->classic_only = "KX_FAULT=digest";
	return 0;
}

/* Which syscall, and why, in words for --dry-run and -d. */
static int choose(const struct job *j, int *use_file, const char **why)
{
	const struct opts *o = j->o;

	*use_file = 0;
	if (o->syscall == SYSCALL_CLASSIC) {
		*why = "asked for with -c";
		return 0;
	}
	if (o->syscall == SYSCALL_FILE) {
		if (!j->file_ok) {
			msg("kexec_file_load (-s) cannot load this %s image: the kernel parses only %s "
			    "kernels on %s; use -c.", j->ld->name, kx_arch_kernel_format, kx_arch_name);
			return EXIT_USAGE;
		}
		if (j->classic_only) {
			msg("%s works only with kexec_load; drop -s or the option.", j->classic_only);
			return EXIT_USAGE;
		}
		*use_file = 1;
		*why = "asked for with -s";
		return 0;
	}
	if (!j->file_ok) {
		static char b[128];
		snprintf(b, sizeof(b), "auto: the kernel's own loader takes only %s kernels, so kx plans it",
			 kx_arch_kernel_format);
		*why = b;
		return 0;
	}
	if (j->classic_only) {
		static char b[128];
		snprintf(b, sizeof(b), "auto: %s needs kx's own plan", j->classic_only);
		*why = b;
		return 0;
	}
	*use_file = 1;
	*why = "auto: tried first (the kernel parses the image and checks its signature); "
	       "kexec_load with the plan below if the kernel cannot take it";
	return 0;
}

/* ---- kexec_load: kx plans every segment --------------------------------- */

static struct kx_sysinfo si;
static struct kx_plan plan;

static int make_plan(const struct job *j)
{
	static uint8_t scratch[256 * 1024], purg[64 * 1024];
	static struct kx_blob user_purg;
	const uint8_t *blob = kx_purgatory_blob;
	size_t bloblen = (size_t)(kx_purgatory_blob_end - kx_purgatory_blob);
	struct kx_load_req req;
	struct kx_err err;
	const char *fault = getenv("KX_FAULT");
	const struct opts *o = j->o;

	if (arch_sysinfo(&si))
		return EXIT_FAIL;
	dbg("memory map: %u entries, %" PRIu64 " MiB of RAM", si.mem.n, kx_memmap_ram(&si.mem) >> 20);
	memset(&req, 0, sizeof(req));
	req.image = j->kernel;
	memcpy(req.initrd, j->initrd, sizeof(req.initrd[0]) * (j->ninitrd < KX_MAX_INITRDS ? j->ninitrd : KX_MAX_INITRDS));
	req.ninitrd = j->ninitrd;
	if (j->ninitrd > KX_MAX_INITRDS) {
		msg("too many initrd pieces (%u; kx takes at most %d).", j->ninitrd, KX_MAX_INITRDS);
		return EXIT_FAIL;
	}
	memcpy(req.module, j->module, sizeof(j->module));
	req.nmodule = j->nmodule;
	memcpy(req.raw, j->raw, sizeof(j->raw));
	req.nraw = j->nraw;
	req.entry = o->entry;
	req.have_entry = o->have_entry;
	req.loader_name = "kx " KX_VERSION;
	req.cmdline = j->cmdline;
	req.window = (struct kx_window){ o->mem_min, o->mem_max };
	req.sys = &si;
	req.scratch = scratch;
	req.scratch_len = sizeof(scratch);
	req.dtb = j->dtb;
	memset(&plan, 0, sizeof(plan));
	if (o->panic) {
		/* everything inside the reserved region; the core header first */
		struct kx_window cw;
		if (crash_region(&cw))
			return EXIT_FAIL;
		if (cw.min > req.window.min)
			req.window.min = cw.min;
		if (cw.max < req.window.max)
			req.window.max = cw.max;
		if (crash_prepare(&si, &plan, req.window, cmdline, sizeof(cmdline)))
			return EXIT_FAIL;
		req.cmdline = cmdline; /* j->cmdline is this buffer too */
	}
	err = j->ld->load(&req, &plan);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel ? o->kernel : "the raw image");
		return EXIT_FAIL;
	}
	if (o->purgatory) {
		if (map("purgatory", o->purgatory, &user_purg))
			return EXIT_FAIL;
		blob = user_purg.buf;
		bloblen = user_purg.len;
	}
	err = kx_plan_add_purgatory(&plan, &si.mem, req.window, blob, bloblen, purg, sizeof(purg),
				    (o->no_checks ? 0 : KX_PURG_VERIFY) | (msg_debug ? KX_PURG_VERBOSE : 0),
				    kx_arch_serial_port);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->purgatory ? o->purgatory : "built-in");
		return EXIT_FAIL;
	}
	if (o->purgatory)
		plan.seg[plan.nseg - 1].source = o->purgatory;
	if (fault && !strcmp(fault, "digest")) {
		/* test hook: make the purgatory see a wrong digest for segment 0 */
		uint8_t *d = purg + KX_PURG_PARAMS_OFF + offsetof(struct kx_purg_params, ranges) +
			     offsetof(struct kx_purg_range, digest);
		kx_put64(d, kx_le64(d) ^ 1);
	}
	/* -p: si.mem is now the crash kernel's view; check against the system's */
	err = kx_plan_validate(&plan, o->panic ? crash_validate_map(&si.mem) : &si.mem);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel ? o->kernel : "the raw image");
		return EXIT_FAIL;
	}
	return 0;
}

static int classic_load(const struct job *j, int *errno_out)
{
	struct kx_kseg ks[KX_MAX_SEGMENTS];
	unsigned i;
	int e, rc = make_plan(j);

	*errno_out = 0;
	if (rc)
		return rc;
	if (msg_debug)
		show_plan(stderr, &plan, "kexec_load", !j->o->no_checks);
	for (i = 0; i < plan.nseg; i++)
		ks[i] = (struct kx_kseg){ plan.seg[i].buf, plan.seg[i].bufsz,
					  (const void *)(uintptr_t)plan.seg[i].mem, plan.seg[i].memsz };
	e = sys_kexec_load(plan.entry, plan.nseg, ks,
			   kx_arch_kexec_flag | (j->o->panic ? KEXEC_ON_CRASH : 0));
	if (e) {
		*errno_out = e;
		return EXIT_FAIL;
	}
	dbg("loaded with kexec_load: %u segments, entry 0x%" PRIx64, plan.nseg, plan.entry);
	return EXIT_OK;
}

/* ---- kexec_file_load: the kernel parses the image ------------------------ */

static int file_load(const struct job *j, int *errno_out)
{
	int kfd, ifd = -1, e;
	unsigned long flags = j->o->panic ? KEXEC_FILE_ON_CRASH : 0;
	unsigned i;

	const struct kx_blob *pieces = j->initrd;
	struct kx_blob uki_pieces[MAX_BLOBS];
	unsigned npieces = j->ninitrd;
	int files_only = j->initrd_files_only;

	*errno_out = 0;
	if (j->is_uki) {
		/* .ucode, then .initrd, then the user's files: the EFI stub's order */
		npieces = 0;
		if (j->uki.ucode.present && j->uki.ucode.len)
			uki_pieces[npieces++] = (struct kx_blob){ j->uki.ucode.buf, j->uki.ucode.len, ".ucode" };
		if (j->uki.initrd.present && j->uki.initrd.len)
			uki_pieces[npieces++] = (struct kx_blob){ j->uki.initrd.buf, j->uki.initrd.len, ".initrd" };
		files_only = !npieces;
		for (i = 0; i < j->ninitrd; i++)
			uki_pieces[npieces++] = j->initrd[i];
		pieces = uki_pieces;
	}
	if (j->kernel_file) {
		kfd = sys_open_ro(j->kernel_file);
	} else {
		const void *b[1] = { j->is_uki ? j->uki.kernel.buf : j->kernel.buf };
		size_t l[1] = { j->is_uki ? j->uki.kernel.len : j->kernel.len };
		kfd = sys_memfd("kx-kernel", b, l, 0, 1);
	}
	if (kfd < 0) {
		msg_file_error("kernel", j->kernel.name, kfd);
		return EXIT_FAIL;
	}
	if (!npieces) {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	} else if (npieces == 1 && files_only) {
		ifd = sys_open_ro(pieces[0].name);
	} else {
		/* several pieces: one sealed memfd, each piece padded to 4 bytes as
		 * the kernel's cpio unpacker expects */
		const void *b[MAX_BLOBS];
		size_t l[MAX_BLOBS], pad[MAX_BLOBS];
		for (i = 0; i < npieces; i++) {
			b[i] = pieces[i].buf;
			l[i] = pieces[i].len;
			pad[i] = (4 - l[i] % 4) % 4;
		}
		ifd = sys_memfd("kx-initrd", b, l, pad, npieces);
	}
	if (npieces && ifd < 0) {
		msg_file_error("initrd", pieces[0].name, ifd);
		sys_close(kfd);
		return EXIT_FAIL;
	}
	dbg("kexec_file_load: kernel fd %d, initrd fd %d, %zu-byte command line, flags 0x%lx", kfd, ifd,
	    strlen(j->cmdline), flags);
	e = sys_kexec_file_load(kfd, ifd, j->cmdline[0] ? j->cmdline : 0, flags);
	sys_close(kfd);
	sys_close(ifd);
	if (e) {
		*errno_out = e;
		return EXIT_FAIL;
	}
	dbg("loaded with kexec_file_load");
	return EXIT_OK;
}

/* Errors after which auto mode tries kexec_load: the kernel cannot take the
 * image or the call, nothing about trust or policy. */
static int falls_back(int e)
{
	return e == -ENOSYS || e == -ENOEXEC || e == -EINVAL || e == -EOPNOTSUPP;
}

static void show(const struct job *j, int use_file, const char *why)
{
	const char *sc = use_file ? "kexec_file_load" : "kexec_load";
	const char *fb = use_file && j->o->syscall == SYSCALL_AUTO ? "kexec_load" : 0;
	struct preflight pf;

	check_gather(&pf);
	if (j->o->json) {
		show_plan_json(stdout, &plan, sc, fb, why, !j->o->no_checks, &pf);
		return;
	}
	show_plan(stdout, &plan, sc, !j->o->no_checks);
	printf("  syscall: %s (%s)\n", sc, why);
	if (use_file)
		printf("  kexec_file_load gets: kernel %s, %u initrd piece(s), the command line above%s\n",
		       j->kernel_file ? j->kernel_file : "(memfd of .linux)",
		       j->ninitrd + (j->is_uki ? !!j->uki.ucode.len + !!j->uki.initrd.len : 0),
		       "" /* count shown is pieces */);
	check_print_short(stdout, &pf);
}

int do_load(const struct opts *o)
{
	struct job j;
	const char *why;
	int use_file, rc, e;

	if ((rc = prepare(o, &j)))
		return rc;
	if ((rc = choose(&j, &use_file, &why)))
		return rc;
	dbg("syscall: %s (%s)", use_file ? "kexec_file_load" : "kexec_load", why);

	if (o->print_ckr) {
		if ((rc = make_plan(&j)))
			return rc;
		return crash_print_size(&plan) ? EXIT_FAIL : EXIT_OK;
	}
	if (o->check && !o->dry_run) {
		/* kx --check KERNEL: the preflight, with the memory this load needs */
		struct preflight pf;
		uint64_t need = 0;
		unsigned i;
		if ((rc = make_plan(&j)))
			return rc;
		for (i = 0; i < plan.nseg; i++)
			need += plan.seg[i].memsz;
		check_gather(&pf);
		if (o->json) {
			check_json(stdout, &pf);
			printf("\n");
		} else {
			check_print(stdout, &pf, need);
		}
		return pf.load_ok || pf.file_ok ? EXIT_OK : EXIT_FAIL;
	}
	if (o->dry_run) {
		/* the kexec_load plan is shown in every case: it is also the fallback */
		if ((rc = make_plan(&j)))
			return rc;
		show(&j, use_file, why);
		return EXIT_OK;
	}
	if (use_file) {
		rc = file_load(&j, &e);
		if (!e)
			return rc;
		if (o->syscall != SYSCALL_AUTO || !falls_back(e)) {
			msg_kexec_file_error(e, j.kernel.name, j.is_uki);
			return EXIT_FAIL;
		}
		dbg("kexec_file_load: %s; trying kexec_load", strerror(-e));
		rc = classic_load(&j, &e);
		if (e)
			msg_kexec_fallback_error(e, j.kernel.name);
		return rc;
	}
	rc = classic_load(&j, &e);
	if (e)
		msg_kexec_error("loading the kernel", e);
	return rc;
}

int do_unload(const struct opts *o)
{
	int e = 0;

	if (o->syscall != SYSCALL_FILE) {
		e = sys_kexec_load(0, 0, 0, kx_arch_kexec_flag | (o->panic ? KEXEC_ON_CRASH : 0));
		if (!e || o->syscall == SYSCALL_CLASSIC) {
			if (e)
				msg_kexec_error("unloading", e);
			return e ? EXIT_FAIL : EXIT_OK;
		}
		dbg("kexec_load unload: %s; trying kexec_file_load", strerror(-e));
	}
	/* under lockdown or kexec_load_disabled, only the file syscall may unload */
	e = sys_kexec_file_load(-1, -1, 0, KEXEC_FILE_UNLOAD | (o->panic ? KEXEC_FILE_ON_CRASH : 0));
	if (e) {
		msg_kexec_error("unloading", e);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
