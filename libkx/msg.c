/*
 * Every sentence libkx says about a failure: kx_error_message() renders an
 * error value; nothing else in the library writes prose about errors. The
 * errors are filled in by fail*() below, which also record the state of the
 * system a kexec message depends on (root, lockdown, kexec_load_disabled),
 * so that rendering reads nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "arch.h"
#include "load.h"
#include "render.h"

/* ---- making errors ----------------------------------------------------------- */

void clear_error(struct kx_error *err)
{
	memset(err, 0, sizeof(*err));
}

static void set_subject(struct kx_error *err, const char *subject)
{
	snprintf(err->subject, sizeof(err->subject), "%s", subject ? subject : "");
}

int fail(struct kx_error *err, int code, const char *what, const char *subject)
{
	clear_error(err);
	err->code = code;
	err->what = what;
	set_subject(err, subject);
	return -1;
}

int fail_n(struct kx_error *err, int code, const char *subject, uint64_t a, uint64_t b, uint64_t c,
	   uint64_t d)
{
	fail(err, code, 0, subject);
	err->a = a, err->b = b, err->c = c, err->d = d;
	return -1;
}

int fail_file(struct kx_error *err, const char *role, const char *path, int neg_errno)
{
	fail(err, KX_E_FILE, role, path);
	err->sys_errno = -neg_errno;
	return -1;
}

int fail_lib(struct kx_error *err, struct kx_err e, const char *subject)
{
	fail(err, e.code, e.what, subject);
	err->a = e.a, err->b = e.b;
	return -1;
}

static int file_says_1(const char *path)
{
	char b[16];
	return !sys_read_text(path, b, sizeof(b), 0) && b[0] == '1';
}

/* The lockdown mode in force ("integrity", "confidentiality"), or "". */
static void lockdown(char *out, size_t n)
{
	if (sys_lockdown(out, n) || !strcmp(out, "none"))
		out[0] = 0;
}

int fail_kexec(struct kx_error *err, int code, const char *op, const char *subject, int neg_errno)
{
	fail(err, code, op, subject);
	err->sys_errno = -neg_errno;
	err->root = (uint8_t)sys_is_root();
	err->load_disabled = (uint8_t)file_says_1("/proc/sys/kernel/kexec_load_disabled");
	lockdown(err->lockdown, sizeof(err->lockdown));
	return -1;
}

void kx_log(const struct kx_options *o, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->log || (level == KX_LOG_DEBUG && !o->debug))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->log(o->log_arg, level, line);
}

/* ---- rendering ---------------------------------------------------------------- */

#define put out_put

void out_put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(o->len < o->n ? o->buf + o->len : 0, o->len < o->n ? o->n - o->len : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k;
}

/* The name of loader i of the table, for messages. */
static const char *loader_name(uint64_t i)
{
	uint64_t n;

	for (n = 0; kx_loaders[n]; n++)
		;
	return i < n ? kx_loaders[i]->name : "?";
}

/* "bzImage, uki, elf, ...": the loaders kx has, in probe order. */
static void put_types(struct out *o)
{
	const struct kx_loader *const *l;

	for (l = kx_loaders; *l; l++)
		put(o, "%s%s", l == kx_loaders ? "" : ", ", (*l)->name);
}

/* lib/'s errors: render_lib.c, but for the list of loaders, which is ours. */
static void render_lib(struct out *o, const struct kx_error *err)
{
	struct kx_err e = { (enum kx_errcode)err->code, err->what, err->a, err->b };

	if (e.code == KX_E_UNKNOWN_TYPE) {
		put(o, "%s is not a kernel image kx recognises (it knows: ", err->subject);
		put_types(o);
		put(o, "). Name the type with -t if you are sure.");
		return;
	}
	o->len += kx_render_lib(o->len < o->n ? o->buf + o->len : 0, o->len < o->n ? o->n - o->len : 0,
				e, err->subject);
}

static void render_file(struct out *o, const struct kx_error *e)
{
	const char *role = e->what, *path = e->subject;

	switch (e->sys_errno) {
	case ENOENT:
		put(o, "cannot open the %s '%s': no such file. Check the path.", role, path);
		break;
	case EACCES:
	case EPERM:
		put(o, "cannot read the %s '%s': permission denied. Run as root or fix the file's permissions.",
		    role, path);
		break;
	case EISDIR:
		put(o, "the %s '%s' is a directory, not a file.", role, path);
		break;
	case ENODATA:
		put(o, "the %s '%s' is empty.", role, path);
		break;
	case EINVAL:
		put(o, "the %s '%s' is not a regular file.", role, path);
		break;
	default:
		put(o, "cannot read the %s '%s': %s.", role, path, strerror(e->sys_errno));
	}
}

/* kexec_load, unloading, rebooting: e->what is the operation. */
static void render_kexec(struct out *o, const struct kx_error *e)
{
	const char *op = e->what;

	if (e->b == KX_KEXEC_SMP_NO_OFF && !e->sys_errno) {
		put(o, "%s: refused by kx: this system's PSCI has no CPU_OFF, so the kernel cannot "
		    "take its secondary CPUs offline, and kx -e would crash it (32-bit ARM kexec "
		    "needs that; the kernel itself would accept the load). Boot with nr_cpus=1, or "
		    "use firmware whose PSCI has CPU_OFF; nothing was loaded. A crash kernel (-p) "
		    "can still be loaded.", op);
		return;
	}
	switch (e->sys_errno) {
	case EPERM:
		if (!e->root)
			put(o, "%s: permission denied; kexec needs root (CAP_SYS_BOOT). Run it as root (sudo).", op);
		else if (e->load_disabled)
			put(o, "%s: refused because kexec is disabled (kernel.kexec_load_disabled=1); "
			    "it stays off until reboot.", op);
		else if (e->lockdown[0])
			put(o, "%s: refused because the kernel is locked down (%s); only signed kernels can be "
			    "loaded, with kexec_file_load (kx -s).", op, e->lockdown);
		else
			put(o, "%s: permission denied by the kernel (a security module may forbid kexec).", op);
		break;
	case ENOSYS:
		put(o, "%s: this kernel has no kexec support (built without CONFIG_KEXEC).", op);
		break;
	case EBUSY:
		put(o, "%s: another kexec load or exec is in progress; try again.", op);
		break;
	case ENOMEM:
		put(o, "%s: the kernel ran out of memory staging the segments; free memory and try again.", op);
		break;
	case EADDRNOTAVAIL:
	case EINVAL:
		if (e->a == KX_OP_EXEC) /* reboot(KEXEC): nothing is loaded, or no kexec here */
			put(o, "%s: the kernel says no kernel is loaded (or it has no kexec support); "
			    "load one first with kx -l KERNEL.", op);
		else if (e->b == KX_KEXEC_SMP_STUCK)
			put(o, "%s: the kernel refused (%s) because it cannot take its secondary CPUs "
			    "offline: 32-bit ARM kexec needs CPU hotplug (CONFIG_HOTPLUG_CPU and a "
			    "platform that can power CPUs down, such as PSCI). Boot with nr_cpus=1 "
			    "(nosmp and maxcpus=1 leave the other CPUs possible, and the kernel "
			    "counts those), or use a kernel with CPU hotplug; nothing was loaded.", op,
			    strerror(e->sys_errno));
		else if (e->b == KX_KEXEC_SMP_NO_KILL)
			put(o, "%s: the kernel refused (%s), most likely because it cannot power its "
			    "secondary CPUs down: 32-bit ARM kexec needs that (a cpu_kill, such as "
			    "PSCI's) whenever more than one CPU is possible, and this system has no "
			    "PSCI, only its platform's own SMP code. Boot with nr_cpus=1 (nosmp and "
			    "maxcpus=1 leave the other CPUs possible, and the kernel counts those), "
			    "or use firmware with PSCI; nothing was loaded.", op,
			    strerror(e->sys_errno));
		else
			put(o, "%s: the kernel rejected the segment plan (%s); nothing was loaded. Please "
			    "report this with the output of kx -d --dry-run.", op, strerror(e->sys_errno));
		break;
	default:
		put(o, "%s failed: %s.", op, strerror(e->sys_errno));
	}
}

/* Where the kernel looks for keys, for signature messages. */
#define KEYS "keys the running kernel trusts (built-in, secondary, or the firmware's db/MOK)"

/* kexec_file_load refused for good (no fallback): subject is the image. */
static void render_kexec_file(struct out *o, const struct kx_error *e)
{
	struct kx_error k = *e;
	char ub[512];
	const char *image = e->subject, *ld = e->lockdown[0] ? e->lockdown : 0;

	if (e->a) {
		/* the kernel checks .linux's own signature, not the UKI envelope's */
		snprintf(ub, sizeof(ub), "%s's .linux section (the kernel checks the signature of the "
			 "kernel inside the UKI, not of the UKI itself)", image);
		image = ub;
	}
	k.what = "loading the kernel";
	switch (e->sys_errno) {
	case EPERM:
		if (!e->root || e->load_disabled)
			render_kexec(o, &k);
		else if (ld)
			put(o, "%s was refused: the kernel is locked down (%s) and does not trust the image's "
			    "signature; only kernels signed with %s can be loaded.", image, ld, KEYS);
		else
			put(o, "loading with kexec_file_load: permission denied by the kernel "
			    "(a security module such as IMA may require a signed image).");
		break;
	case EKEYREJECTED:
		put(o, "%s was refused: its signature does not verify against %s (lockdown: %s); "
		    "sign it with a trusted key, or enroll the key with mokutil.", image, KEYS,
		    ld ? ld : "none");
		break;
	case ENOKEY:
		put(o, "%s was refused: it is signed with a key the running kernel does not know "
		    "(lockdown: %s); enroll the key (mokutil --import) or use a kernel signed by your "
		    "distribution.", image, ld ? ld : "none");
		break;
	case ENODATA:
		put(o, "%s was refused: it carries no signature and this kernel requires one "
		    "(lockdown: %s); sign it (sbsign) or boot a signed kernel.", image, ld ? ld : "none");
		break;
	case EACCES: /* not a capability (EPERM): a check on the file as the kernel read it */
		put(o, "%s was refused while the kernel read it (permission denied): a security module "
		    "denied it. With IMA appraising the kexec kernel (ima_policy=secure_boot or "
		    "appraise_tcb, an appraise rule on KEXEC_KERNEL_CHECK, or Secure Boot's arch "
		    "policy), the image needs an IMA signature the kernel trusts: a security.ima "
		    "extended attribute (evmctl ima_sign) or an appended signature "
		    "(CONFIG_IMA_APPRAISE_MODSIG); the kernel's audit log names the rule.", image);
		break;
	case EBADMSG:
		put(o, "%s was refused: its signature is malformed; re-sign the image.", image);
		break;
	case EKEYREVOKED:
	case EKEYEXPIRED:
		put(o, "%s was refused: the key that signed it is %s; use an image signed with a current key.",
		    image, e->sys_errno == EKEYREVOKED ? "revoked" : "expired");
		break;
	case ENOPKG:
		put(o, "%s was refused: the kernel lacks the crypto algorithm its signature uses.", image);
		break;
	case ENOEXEC:
		put(o, "the kernel cannot parse %s with kexec_file_load (not a bzImage it accepts); "
		    "try kx -c, which loads it with kx's own loader.", image);
		break;
	case EINVAL:
		put(o, "kexec_file_load rejected %s or its arguments (EINVAL); try kx -c.", image);
		break;
	case ENOSYS:
	case EOPNOTSUPP:
		put(o, "this kernel has no kexec_file_load (built without CONFIG_KEXEC_FILE); use kx -c.");
		break;
	case ETXTBSY:
		put(o, "%s is open for writing by another program; kexec_file_load will not read it until "
		    "it is closed.", image);
		break;
	case EFBIG:
		put(o, "%s is too large for kexec_file_load.", image);
		break;
	default:
		k.what = "loading with kexec_file_load";
		render_kexec(o, &k);
	}
}

/* kexec_file_load could not take the image, and kexec_load failed too. */
static void render_fallback(struct out *o, const struct kx_error *e)
{
	struct kx_error k = *e;

	if (e->sys_errno == EPERM && e->lockdown[0] && e->root) {
		put(o, "%s could not be loaded: kexec_file_load does not take this image, and kexec_load is "
		    "refused because the kernel is locked down (%s); under lockdown only signed bzImage "
		    "kernels can be loaded.", e->subject, e->lockdown);
		return;
	}
	k.what = "loading the kernel (kexec_file_load could not take it, so kx tried kexec_load)";
	render_kexec(o, &k);
}

static const char *const classic_option[] = {
	[KX_CLASSIC_NONE] = "?", [KX_CLASSIC_PURGATORY] = "--purgatory", [KX_CLASSIC_ENTRY] = "--entry",
	[KX_CLASSIC_WINDOW] = "--mem-min/--mem-max",
	[KX_CLASSIC_NO_VERIFY] = "-i (skip kx's purgatory check)", [KX_CLASSIC_FAULT] = "KX_FAULT=digest",
	[KX_CLASSIC_DTB] = "--dtb (kexec_file_load takes no device tree)",
};

const char *kx_classic_option(unsigned r)
{
	return r < sizeof(classic_option) / sizeof(classic_option[0]) ? classic_option[r] : "?";
}

/* "12.3 MiB" or "16 KiB", without floating point */
const char *fmt_mib(uint64_t v, char *b, size_t n)
{
	uint64_t t = (v * 10 + (1u << 19)) >> 20;

	if (v < (1u << 20))
		snprintf(b, n, "%" PRIu64 " KiB", (v + 1023) >> 10);
	else
		snprintf(b, n, "%" PRIu64 ".%" PRIu64 " MiB", t / 10, t % 10);
	return b;
}

static void render_crash(struct out *o, const struct kx_error *e)
{
	char b1[32], b2[32];

	switch (e->code) {
	case KX_E_CRASH_NONE:
		if (e->a)
			put(o, "no memory is reserved for a crash kernel: boot the running kernel with "
			    "crashkernel=%" PRIu64 "M on its command line (what these files need, see kx "
			    "--suggest-crashkernel), then load it again.", e->a >> 20);
		else
			put(o, "no memory is reserved for a crash kernel: boot the running kernel with "
			    "crashkernel=SIZE (kx --suggest-crashkernel says how much), then load it again.");
		break;
	case KX_E_CRASH_HIDDEN:
		put(o, "the crash kernel region's address is visible to root only (/proc/iomem); "
		    "run as root.");
		break;
	case KX_E_CRASH_SMALL:
		put(o, "the crash kernel region (crashkernel=, %s) is too small for these files: they take "
		    "%s to load and about %" PRIu64 " MiB to boot; reserve crashkernel=%" PRIu64 "M "
		    "and reboot, or use a smaller initrd.", fmt_mib(e->a, b1, sizeof(b1)),
		    fmt_mib(e->b, b2, sizeof(b2)), e->c >> 20, e->d >> 20);
		break;
	case KX_W_CRASH_TIGHT:
		put(o, "warning: the crash kernel region (%s) is smaller than the %" PRIu64 " MiB these "
		    "files are estimated to need to boot and save a dump; the crash kernel may run out "
		    "of memory. Reserve crashkernel=%" PRIu64 "M to be safe.", fmt_mib(e->a, b1, sizeof(b1)),
		    e->b >> 20, e->c >> 20);
		break;
	case KX_E_CRASH_ARCH:
		if (!kx_arch_kernel_format[0])
			put(o, "kx builds crash kernels for kexec_load on x86_64, i386, 32-bit arm and "
			    "ppc64le only, and %s has no kexec_file_load: no kdump with kx on %s.", kx_arch_name,
			    kx_arch_name);
		else
			put(o, "kx builds crash kernels for kexec_load on x86_64, i386, 32-bit arm and "
			    "ppc64le only; load this one with kexec_file_load (kx -p -s).");
		break;
	case KX_E_CRASH_HIGH:
		put(o, "the crash kernel region is above 4 GiB (crashkernel=...,high); kx's own loader "
		    "needs part of it below 4 GiB. Load with kexec_file_load (kx -p -s), or reserve the "
		    "region below 4 GiB (crashkernel=SIZE).");
		break;
	case KX_E_CRASH_NO_ROOM:
		put(o, "the crash kernel region (0x%" PRIx64 "-0x%" PRIx64 ") has no room for the ELF core "
		    "header (%" PRIu64 " bytes).", e->a, e->b, e->c);
		break;
	default: /* KX_E_CRASH_TOO_LARGE */
		put(o, "these files are too large for a crash kernel.");
	}
}

static void render_sys(struct out *o, const struct kx_error *e)
{
	switch (e->code) {
	case KX_E_FILE:
		render_file(o, e);
		break;
	case KX_E_TYPE_NAME:
		put(o, "unknown image type '%s' (kx knows: ", e->subject);
		put_types(o);
		put(o, ").");
		break;
	case KX_E_RAW_KERNEL:
		put(o, "a raw image is given with --segment FILE@ADDR, not as '%s'.", e->subject);
		break;
	case KX_E_TOO_MANY_INITRDS:
		put(o, "too many initrd pieces (%" PRIu64 "; kx takes at most %" PRIu64 ").", e->a, e->b);
		break;
	case KX_E_FILE_SYSCALL_TYPE:
		if (!kx_arch_kernel_format[0]) {
			put(o, "kexec_file_load (-s) does not exist on %s; use -c (or no option).", kx_arch_name);
			break;
		}
		put(o, "kexec_file_load (-s) cannot load this %s image: the kernel parses only %s "
		    "kernels on %s; use -c.", e->what, kx_arch_kernel_format, kx_arch_name);
		break;
	case KX_E_CLASSIC_ONLY:
		put(o, "%s works only with kexec_load; drop -s or the option.", kx_classic_option((unsigned)e->a));
		break;
	case KX_E_IOMEM_TOO_BIG:
		put(o, "/proc/iomem is larger than kx can read (%" PRIu64 " bytes); nothing was loaded.", e->a);
		break;
	case KX_E_KEXEC:
		render_kexec(o, e);
		break;
	case KX_E_KEXEC_FILE:
		render_kexec_file(o, e);
		break;
	case KX_E_KEXEC_FALLBACK:
		render_fallback(o, e);
		break;
	case KX_E_NOT_LOADED:
		put(o, "no kernel is loaded, so there is nothing to boot; load one first with kx -l KERNEL.");
		break;
	case KX_E_STATUS_UNKNOWN:
		put(o, "cannot tell: %s is missing (kernel without kexec support?).", e->subject);
		break;
	case KX_E_NO_MEMORY:
		put(o, "cannot get %" PRIu64 " bytes of memory to build the load; free memory and try again.",
		    e->a);
		break;
	case KX_E_WRONG_TYPE:
		put(o, "%s is a%s %s image, not %s; drop -t or name its type.", e->subject,
		    loader_name(e->a)[0] == 'e' || loader_name(e->a)[0] == 'u' ? "n" : "",
		    loader_name(e->a), e->what);
		break;
	case KX_E_NOT_APPLICABLE:
		if (e->a == KX_INPUT_DTB)
			put(o, "--dtb does not apply to a %s image (kx passes no device tree to it); "
			    "drop it.", e->what);
		else
			put(o, "--entry does not apply to a %s image (its boot protocol fixes the entry "
			    "point); drop it.", e->what);
		break;
	case KX_E_SETTING:
		if (e->a && e->a < KX_SET__END)
			put(o, "setting %" PRIu64 " cannot be %" PRIu64 ".", e->a, e->b);
		else
			put(o, "this libkx does not know setting %" PRIu64 "; it is older than the "
			    "program using it.", e->a);
		break;
	case KX_E_KERNEL_FLAG:
		put(o, "the running kernel does not know %s (%s flag 0x%" PRIx64 "%s); nothing was "
		    "loaded. Drop %s, or boot a newer kernel first.", e->what,
		    e->b ? "kexec_load" : "kexec_file_load", e->a,
		    e->b ? ", Linux 6.5 and later" : e->a == 0x20 ? ", Linux 6.18 and later" : "",
		    e->what);
		break;
	case KX_E_NO_HOTPLUG:
		put(o, "--hotplug needs a kernel with crash hotplug (CONFIG_CRASH_HOTPLUG): %s is "
		    "missing; drop --hotplug and reload the crash kernel after hotplug.", e->subject);
		break;
	case KX_E_BOOT_NONE:
		put(o, "no boot entry found on the %" PRIu64 " file system%s looked at; name the "
		    "directory that holds the boot files (/boot, an ESP), a device, or use --scan.",
		    e->a, e->a == 1 ? "" : "s");
		break;
	case KX_E_BOOT_MATCH:
		put(o, "no boot entry has the id or title %s; kx boot --list shows them.", e->subject);
		break;
	case KX_E_BOOT_BAD: {
		struct kx_boot_entry be = { 0 };
		char why[512];
		be.bad = (enum kx_boot_bad)e->a;
		be.bad_detail = e->what;
		kx_boot_bad_message(&be, why, sizeof(why));
		put(o, "boot entry %s cannot be booted: %s", e->subject, why);
		break;
	}
	case KX_E_MOUNT:
		if (e->a == 1)
			put(o, "%s holds %s, not a file system kx boot reads (ext2/3/4, vfat, xfs, "
			    "btrfs, iso9660).", e->subject, e->what ? e->what : "something else");
		else
			put(o, "cannot mount %s (%s) read-only: %s.", e->subject,
			    e->what ? e->what : "?", strerror(e->sys_errno));
		break;
	case KX_E_BOOT_PATH:
		put(o, "%s leads out of its file system (\"..\", an absolute symlink, or a symlink "
		    "or mount out of it); kx boot does not follow it.", e->subject);
		break;
	case KX_E_STATE:
		put(o, "internal error: %s was called out of order; please report this.", e->what);
		break;
	default:
		render_crash(o, e);
	}
}

size_t kx_error_message(const struct kx_error *e, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };

	if (n)
		buf[0] = 0;
	if (!e || e->code == KX_OK)
		put(&o, "no error");
	else if (e->code >= KX_E_SYS_FIRST && e->code < KX_E_SYS__END)
		render_sys(&o, e);
	else if (e->code > 0 && e->code < KX_E__COUNT)
		render_lib(&o, e);
	else
		put(&o, "%s: unexpected error %d.", e->subject, e->code);
	return o.len;
}

size_t kx_boot_bad_message(const struct kx_boot_entry *e, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	const char *d = e && e->bad_detail ? e->bad_detail : "";

	if (n)
		buf[0] = 0;
	switch (e ? e->bad : KX_BOOT_OK) {
	case KX_BOOT_OK: put(&o, "it can be booted."); break;
	case KX_BOOT_NO_KERNEL: put(&o, "it names no kernel."); break;
	case KX_BOOT_MISSING: put(&o, "%s is missing.", d); break;
	case KX_BOOT_ARCH: put(&o, "it is for another architecture (%s; this is %s).", d, kx_arch()); break;
	case KX_BOOT_PATH:
		put(&o, "%s leads out of its file system; kx does not follow it.", d);
		break;
	case KX_BOOT_SCRIPT:
		put(&o, "it needs GRUB to evaluate `%s`; kx does not guess what GRUB would do.", d);
		break;
	case KX_BOOT_TOO_MANY_INITRDS:
		put(&o, "it names more than %d initrds.", KX_BOOT_MAX_INITRDS);
		break;
	case KX_BOOT_SYNTAX: put(&o, "its configuration is malformed (%s).", d); break;
	case KX_BOOT_TOO_BIG: put(&o, "%s is larger than kx reads.", d); break;
	case KX_BOOT_NO_VOLUME: put(&o, "no file system has %s.", d); break;
	case KX_BOOT_EFI_PROGRAM: put(&o, "it is an EFI program (%s), not a kernel.", d); break;
	case KX_BOOT_REMOTE: put(&o, "it is on the network (%s); kx boots local files.", d); break;
	case KX_BOOT_NOT_KERNEL: put(&o, "%s is not a kernel kx can load.", d); break;
	default: put(&o, "it cannot be booted (reason %d).", (int)e->bad);
	}
	return o.len;
}

const char *kx_boot_bad_name(enum kx_boot_bad why)
{
	static const char *const names[] = {
		"ok", "no-kernel", "missing", "arch", "path", "script", "too-many-initrds",
		"syntax", "too-big", "no-volume", "efi-program", "remote", "not-kernel",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == KX_BOOT_BAD__END, "a name per reason");
	return (unsigned)why < KX_BOOT_BAD__END ? names[why] : "?";
}

static const char *const sys_names[] = {
	"file", "type-name", "raw-kernel", "too-many-initrds", "file-syscall-type", "classic-only",
	"iomem-too-big", "kexec", "kexec-file", "kexec-fallback", "not-loaded", "status-unknown",
	"crash-none", "crash-hidden", "crash-small", "crash-arch", "crash-high", "crash-no-room",
	"crash-too-large", "no-memory", "state", "crash-tight", "wrong-type", "not-applicable",
	"setting", "kernel-flag", "no-hotplug", "boot-none", "boot-match", "boot-bad", "mount",
	"boot-path",
};
_Static_assert(sizeof(sys_names) / sizeof(sys_names[0]) == KX_E_SYS__END - KX_E_SYS_FIRST,
	       "a name for every system error code");

const char *kx_error_name(int code)
{
	if (code >= KX_E_SYS_FIRST && code < KX_E_SYS__END)
		return sys_names[code - KX_E_SYS_FIRST];
	return kx_errname((enum kx_errcode)code);
}

int kx_error_is_usage(const struct kx_error *e)
{
	return e && (e->code == KX_E_TYPE_NAME || e->code == KX_E_RAW_KERNEL ||
		     e->code == KX_E_FILE_SYSCALL_TYPE || e->code == KX_E_CLASSIC_ONLY ||
		     e->code == KX_E_WRONG_TYPE || e->code == KX_E_NOT_APPLICABLE ||
		     e->code == KX_E_SETTING || e->code == KX_E_KERNEL_FLAG);
}
