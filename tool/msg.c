#include "msg.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "render.h"
#include "sys.h"

int msg_debug;

void msg(const char *fmt, ...)
{
	va_list ap;
	fputs("kx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dbg(const char *fmt, ...)
{
	va_list ap;
	if (!msg_debug)
		return;
	fputs("kx: debug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void msg_file_error(const char *role, const char *path, int e)
{
	switch (-e) {
	case ENOENT:
		msg("cannot open the %s '%s': no such file. Check the path.", role, path);
		break;
	case EACCES:
	case EPERM:
		msg("cannot read the %s '%s': permission denied. Run kx as root or fix the file's permissions.",
		    role, path);
		break;
	case EISDIR:
		msg("the %s '%s' is a directory, not a file.", role, path);
		break;
	case ENODATA:
		msg("the %s '%s' is empty.", role, path);
		break;
	case EINVAL:
		msg("the %s '%s' is not a regular file.", role, path);
		break;
	default:
		msg("cannot read the %s '%s': %s.", role, path, strerror(-e));
	}
}

void msg_lib_error(struct kx_err e, const char *s)
{
	char buf[8192]; /* a path (PATH_MAX) and the sentence around it */

	kx_render_lib(buf, sizeof(buf), e, s);
	msg("%s", buf);
}

static int file_says_1(const char *path)
{
	char b[16];
	return !sys_read_text(path, b, sizeof(b), 0) && b[0] == '1';
}

/* The lockdown mode in force ("integrity", "confidentiality"), or NULL. */
static const char *lockdown(char *buf, size_t n)
{
	char *a, *z;

	if (sys_read_text("/sys/kernel/security/lockdown", buf, n, 0))
		return 0;
	a = strchr(buf, '[');
	z = a ? strchr(a, ']') : 0;
	if (!a || !z)
		return 0;
	*z = 0;
	return strcmp(a + 1, "none") ? a + 1 : 0;
}

void msg_kexec_error(const char *op, int e)
{
	char lb[128];
	const char *ld;

	switch (-e) {
	case EPERM:
		if (!sys_is_root())
			msg("%s: permission denied; kexec needs root (CAP_SYS_BOOT). Run kx with sudo.", op);
		else if (file_says_1("/proc/sys/kernel/kexec_load_disabled"))
			msg("%s: refused because kexec is disabled (kernel.kexec_load_disabled=1); "
			    "it stays off until reboot.", op);
		else if ((ld = lockdown(lb, sizeof(lb))))
			msg("%s: refused because the kernel is locked down (%s); only signed kernels can be "
			    "loaded, with kexec_file_load (kx -s).", op, ld);
		else
			msg("%s: permission denied by the kernel (a security module may forbid kexec).", op);
		break;
	case ENOSYS:
		msg("%s: this kernel has no kexec support (built without CONFIG_KEXEC).", op);
		break;
	case EBUSY:
		msg("%s: another kexec load or exec is in progress; try again.", op);
		break;
	case ENOMEM:
		msg("%s: the kernel ran out of memory staging the segments; free memory and try again.", op);
		break;
	case EADDRNOTAVAIL:
	case EINVAL:
		msg("%s: the kernel rejected the segment plan (%s); nothing was loaded. Please report this "
		    "with the output of kx -d --dry-run.", op, strerror(-e));
		break;
	default:
		msg("%s failed: %s.", op, strerror(-e));
	}
}

/* Where the kernel looks for keys, for signature messages. */
#define KEYS "keys the running kernel trusts (built-in, secondary, or the firmware's db/MOK)"

void msg_kexec_file_error(int e, const char *image, int is_uki)
{
	char lb[128], ub[512];
	const char *ld = lockdown(lb, sizeof(lb));

	if (is_uki) {
		/* the kernel checks .linux's own signature, not the UKI envelope's */
		snprintf(ub, sizeof(ub), "%s's .linux section (the kernel checks the signature of the "
			 "kernel inside the UKI, not of the UKI itself)", image);
		image = ub;
	}

	switch (-e) {
	case EPERM:
		if (!sys_is_root() || file_says_1("/proc/sys/kernel/kexec_load_disabled"))
			msg_kexec_error("loading the kernel", e);
		else if (ld)
			msg("%s was refused: the kernel is locked down (%s) and does not trust the image's "
			    "signature; only kernels signed with %s can be loaded.", image, ld, KEYS);
		else
			msg("loading with kexec_file_load: permission denied by the kernel "
			    "(a security module such as IMA may require a signed image).");
		break;
	case EKEYREJECTED:
		msg("%s was refused: its signature does not verify against %s (lockdown: %s); "
		    "sign it with a trusted key, or enroll the key with mokutil.", image, KEYS,
		    ld ? ld : "none");
		break;
	case ENOKEY:
		msg("%s was refused: it is signed with a key the running kernel does not know "
		    "(lockdown: %s); enroll the key (mokutil --import) or use a kernel signed by your "
		    "distribution.", image, ld ? ld : "none");
		break;
	case ENODATA:
		msg("%s was refused: it carries no signature and this kernel requires one "
		    "(lockdown: %s); sign it (sbsign) or boot a signed kernel.", image, ld ? ld : "none");
		break;
	case EBADMSG:
		msg("%s was refused: its signature is malformed; re-sign the image.", image);
		break;
	case EKEYREVOKED:
	case EKEYEXPIRED:
		msg("%s was refused: the key that signed it is %s; use an image signed with a current key.",
		    image, -e == EKEYREVOKED ? "revoked" : "expired");
		break;
	case ENOPKG:
		msg("%s was refused: the kernel lacks the crypto algorithm its signature uses.", image);
		break;
	case ENOEXEC:
		msg("the kernel cannot parse %s with kexec_file_load (not a bzImage it accepts); "
		    "try kx -c, which loads it with kx's own loader.", image);
		break;
	case EINVAL:
		msg("kexec_file_load rejected %s or its arguments (EINVAL); try kx -c.", image);
		break;
	case ENOSYS:
	case EOPNOTSUPP:
		msg("this kernel has no kexec_file_load (built without CONFIG_KEXEC_FILE); use kx -c.");
		break;
	case ETXTBSY:
		msg("%s is open for writing by another program; kexec_file_load will not read it until "
		    "it is closed.", image);
		break;
	case EFBIG:
		msg("%s is too large for kexec_file_load.", image);
		break;
	case EBUSY:
	case ENOMEM:
	default:
		msg_kexec_error("loading with kexec_file_load", e);
	}
}

void msg_kexec_fallback_error(int e, const char *image)
{
	char lb[128];
	const char *ld = lockdown(lb, sizeof(lb));

	if (-e == EPERM && ld && sys_is_root())
		msg("%s could not be loaded: kexec_file_load does not take this image, and kexec_load is "
		    "refused because the kernel is locked down (%s); under lockdown only signed bzImage "
		    "kernels can be loaded.", image, ld);
	else
		msg_kexec_error("loading the kernel (kexec_file_load could not take it, so kx tried kexec_load)",
				e);
}
