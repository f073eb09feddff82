/* Loading: map the files, gather the system's facts, plan, validate, stage. */
#include "load.h"
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stddef.h>
#include <kx/bytes.h>
#include <kx/cmdline.h>
#include "arch.h"
#include "msg.h"
#include "show.h"
#include "sys.h"

static void on_sigbus(int sig)
{
	static const char m[] = "kx: a file shrank while kx was reading it; nothing was loaded. "
				"Try again once the file is complete.\n";
	(void)sig;
	(void)!write(2, m, sizeof(m) - 1);
	_exit(EXIT_FAIL);
}

static char cmdline[64 * 1024];

static int build_cmdline(const struct opts *o)
{
	static const char *const drop_boot_image[] = { "BOOT_IMAGE", 0 };
	struct kx_err err;
	unsigned i;

	cmdline[0] = 0;
	if (o->reuse) {
		static char cur[8192];
		size_t n;
		int e = sys_read_text("/proc/cmdline", cur, sizeof(cur), &n);
		if (e) {
			msg_file_error("current command line", "/proc/cmdline", e);
			return -1;
		}
		err = kx_cmdline_add(cmdline, sizeof(cmdline), cur, n, drop_boot_image);
		if (KX_FAILED(err))
			goto too_long;
	}
	for (i = 0; i < o->nappend; i++) {
		err = kx_cmdline_add(cmdline, sizeof(cmdline), o->append[i], strlen(o->append[i]), 0);
		if (KX_FAILED(err))
			goto too_long;
	}
	return 0;
too_long:
	msg_lib_error(err, "command line");
	return -1;
}

static struct kx_file files[1 + KX_MAX_INITRDS];

int do_load(const struct opts *o)
{
	static struct kx_sysinfo si;
	static uint8_t scratch[80 * 1024], purg[16 * 1024];
	static struct kx_plan plan;
	struct kx_load_req req;
	const struct kx_loader *ld;
	struct kx_kseg ks[KX_MAX_SEGMENTS];
	struct kx_err err;
	unsigned i;
	int e;
	const char *fault = getenv("KX_FAULT");

	signal(SIGBUS, on_sigbus);
	memset(&req, 0, sizeof(req));
	e = sys_map(o->kernel, &files[0]);
	if (e) {
		msg_file_error("kernel", o->kernel, e);
		return EXIT_FAIL;
	}
	req.image = (struct kx_blob){ files[0].buf, files[0].len, o->kernel };
	for (i = 0; i < o->ninitrd; i++) {
		e = sys_map(o->initrd[i], &files[1 + i]);
		if (e) {
			msg_file_error("initrd", o->initrd[i], e);
			return EXIT_FAIL;
		}
		req.initrd[i] = (struct kx_blob){ files[1 + i].buf, files[1 + i].len, o->initrd[i] };
	}
	req.ninitrd = o->ninitrd;

	if (o->type) {
		ld = kx_loader_by_name(o->type);
		if (!ld) {
			msg("unknown image type '%s' (known: bzimage, alias bzImage64).", o->type);
			return EXIT_USAGE;
		}
		if (!ld->probe(req.image.buf, req.image.len))
			dbg("%s does not look like a %s image; trying anyway (-t)", o->kernel, ld->name);
	} else {
		ld = kx_loader_probe(req.image.buf, req.image.len);
		if (!ld) {
			msg_lib_error(kx_err(KX_E_UNKNOWN_TYPE, "bzImage", 0, 0), o->kernel);
			return EXIT_FAIL;
		}
	}
	dbg("%s: %s image, %zu bytes", o->kernel, ld->name, files[0].len);

	if (build_cmdline(o))
		return EXIT_FAIL;
	if (arch_sysinfo(&si))
		return EXIT_FAIL;
	dbg("memory map: %u entries, %" PRIu64 " MiB of RAM", si.mem.n, kx_memmap_ram(&si.mem) >> 20);

	req.cmdline = cmdline;
	req.window = (struct kx_window){ o->mem_min, o->mem_max };
	req.sys = &si;
	req.scratch = scratch;
	req.scratch_len = sizeof(scratch);
	memset(&plan, 0, sizeof(plan));
	err = ld->load(&req, &plan);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel);
		return EXIT_FAIL;
	}
	err = kx_plan_add_purgatory(&plan, &si.mem, req.window, kx_purgatory_blob,
				    (size_t)(kx_purgatory_blob_end - kx_purgatory_blob), purg,
				    sizeof(purg),
				    (o->no_checks ? 0 : KX_PURG_VERIFY) | (msg_debug ? KX_PURG_VERBOSE : 0),
				    kx_arch_serial_port);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "built-in");
		return EXIT_FAIL;
	}
	if (fault && !strcmp(fault, "digest")) {
		/* test hook: make the purgatory see a wrong digest for segment 0 */
		uint8_t *d = purg + KX_PURG_PARAMS_OFF + offsetof(struct kx_purg_params, ranges) +
			     offsetof(struct kx_purg_range, digest);
		kx_put64(d, kx_le64(d) ^ 1);
	}
	err = kx_plan_validate(&plan, &si.mem);
	if (KX_FAILED(err)) {
		msg_lib_error(err, o->kernel);
		return EXIT_FAIL;
	}

	if (o->dry_run) {
		if (o->json)
			show_plan_json(stdout, &plan, "kexec_load", !o->no_checks);
		else
			show_plan(stdout, &plan, "kexec_load", !o->no_checks);
		return EXIT_OK;
	}
	if (msg_debug)
		show_plan(stderr, &plan, "kexec_load", !o->no_checks);
	for (i = 0; i < plan.nseg; i++)
		ks[i] = (struct kx_kseg){ plan.seg[i].buf, plan.seg[i].bufsz,
					  (const void *)(uintptr_t)plan.seg[i].mem, plan.seg[i].memsz };
	e = sys_kexec_load(plan.entry, plan.nseg, ks, kx_arch_kexec_flag);
	if (e) {
		msg_kexec_error("loading the kernel", e);
		return EXIT_FAIL;
	}
	dbg("loaded with kexec_load: %u segments, entry 0x%" PRIx64, plan.nseg, plan.entry);
	return EXIT_OK;
}

