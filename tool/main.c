/*
 * kx: load and boot another kernel with kexec.
 * Options are parsed once into struct opts (opts.c); loading is load.c;
 * the small actions are here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "arch.h"
#include "check.h"
#include "load.h"
#include "msg.h"
#include "opts.h"
#include "sys.h"

/* 1 loaded, 0 not, -1 unknown (no kexec in this kernel). */
/* 1 loaded, 0 not, -1 unknown (no kexec in this kernel). */
static int loaded_file(const char *path)
{
	char b[16];
	if (sys_read_text(path, b, sizeof(b), 0))
		return -1;
	return b[0] == '1';
}

static int loaded(void) { return loaded_file("/sys/kernel/kexec_loaded"); }

/* Exit status as kexec-tools: 1 if a kernel is loaded, 0 if not (2: cannot tell). */
static int do_status(int crash)
{
	const char *f = crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded";
	int l = loaded_file(f);

	if (l < 0) {
		msg("cannot tell: %s is missing (kernel without kexec support?).", f);
		return EXIT_USAGE;
	}
	if (crash)
		printf(l ? "kx: a crash kernel is loaded; a panic boots it\n" : "kx: no crash kernel is loaded\n");
	else
		printf(l ? "kx: a kernel is loaded; kx -e boots it\n" : "kx: no kernel is loaded\n");
	return l ? 1 : 0;
}

static int do_exec(const struct opts *o)
{
	int e;

	if (loaded() == 0) {
		msg("no kernel is loaded, so there is nothing to boot; load one first with kx -l KERNEL.");
		return EXIT_FAIL;
	}
	if (!o->no_sync) {
		dbg("syncing file systems");
		sys_sync();
	}
	e = sys_reboot_kexec();
	msg_kexec_error("booting the loaded kernel", e ? e : -EINVAL);
	return EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct opts o;
	int actions;

	memset(&o, 0, sizeof(o));
	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.panic && !o.unload && !o.status)
		o.load = 1;
	if (o.print_ckr)
		o.load = o.panic = 1;
	actions = o.load + o.exec + o.unload + o.status + o.force + o.dry_run + o.check;
	if (!actions) {
		if (o.kernel)
			msg("say what to do with '%s': -l to load it, --dry-run to see the plan.", o.kernel);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.json && !o.dry_run && !o.check) {
		msg("--json goes with --dry-run or --check.");
		return EXIT_USAGE;
	}
	if (o.check && !o.dry_run && !o.kernel && !o.nsegment)
		return do_check(o.json);
	if (o.status)
		return do_status(o.panic);
	if (o.unload)
		return do_unload(&o);
	if (o.load || o.force || o.dry_run || o.check) {
		int rc;
		if (!o.kernel && !o.nsegment) {
			msg("no kernel given; name the kernel image to load, e.g. kx -l /boot/vmlinuz.");
			return EXIT_USAGE;
		}
		rc = do_load(&o);
		if (rc || o.dry_run || o.check || !(o.force || o.exec))
			return rc;
	} else if (o.kernel) {
		msg("'%s' given without -l; did you mean kx -l %s?", o.kernel, o.kernel);
		return EXIT_USAGE;
	}
	return do_exec(&o);
}
