/*
 * The policy facts auto mode weighs (kx/policy.h, docs/syscalls.md), read
 * from files only: lockdown, kexec_load_disabled, the running kernel's
 * configuration, Secure Boot, IMA's policy, Kexec HandOver, Xen. The
 * decision itself is lib/policy.c's (pure).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "arch.h"
#include "load.h"

#define CONFIG_MAX   (2u << 20)   /* a kernel .config is ~250 KB */
#define GZ_MAX       (512u << 10)
#define IMA_POLICY_MAX (64u << 10)
#define CMDLINE_READ 8192

static int flag_file(const char *path)
{
	char b[32];
	if (sys_read_text(path, b, sizeof(b), 0))
		return -1;
	return b[0] == '1';
}

/* The running kernel's .config: /proc/config.gz (CONFIG_IKCONFIG_PROC),
 * else /boot/config-RELEASE. The text lives in the load's memory. */
static const char *read_config(struct kx_load *l, size_t *len, char *src, size_t srcn)
{
	struct utsname u;
	struct kx_file f;
	uint8_t *gz = load_alloc(l, GZ_MAX);
	size_t n = 0;
	char path[300];

	*src = 0;
	if (gz && !sys_read_bin("/proc/config.gz", gz, GZ_MAX, &n) && n && n < GZ_MAX) {
		const uint8_t *out;
		size_t outlen;
		struct kx_err e = kx_unpack(l, KX_COMP_GZIP, gz, n, CONFIG_MAX, &out, &outlen);
		if (!KX_FAILED(e)) {
			snprintf(src, srcn, "/proc/config.gz");
			*len = outlen;
			return (const char *)out;
		}
	}
	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (l->nfiles < MAX_FILES && !sys_map(path, &f)) {
		l->files[l->nfiles++] = f; /* unmapped with the load */
		snprintf(src, srcn, "%s", path);
		*len = f.len;
		return (const char *)f.buf;
	}
	return 0;
}

/* UEFI Secure Boot: 1, 0, -1 (unknown). The SecureBoot variable (efivarfs,
 * readable by all), else x86's boot_params.secure_boot (root). */
static int secure_boot(void)
{
	uint8_t b[8];
	size_t n = 0;

	if (sys_exists("/sys/firmware/efi"))
		return 0; /* not booted through EFI */
	if (!sys_read_bin("/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c",
			  b, sizeof(b), &n) && n == 5)
		return b[4] == 1;
	if (!strcmp(kx_arch_name, "x86_64") || !strcmp(kx_arch_name, "i386")) {
		/* boot_params.secure_boot (0x1ec): 2 disabled, 3 enabled */
		uint8_t bp[4096];
		if (!sys_read_bin("/sys/kernel/boot_params/data", bp, sizeof(bp), &n) && n > 0x1ec &&
		    (bp[0x1ec] == 2 || bp[0x1ec] == 3))
			return bp[0x1ec] == 3;
	}
	return -1;
}

static int xen_dom0(void)
{
	char b[256];

	if (sys_read_text("/sys/hypervisor/type", b, sizeof(b), 0) || strncmp(b, "xen", 3))
		return 0;
	if (sys_read_text("/proc/xen/capabilities", b, sizeof(b), 0))
		return -1; /* Xen, but whose domain is this? (xenfs not mounted) */
	return strstr(b, "control_d") != 0;
}

static int lockdown_level(char *mode, size_t n)
{
	if (sys_lockdown(mode, n)) {
		snprintf(mode, n, "unknown");
		return -1;
	}
	return !strcmp(mode, "none") ? 0 : !strcmp(mode, "integrity") ? 1 :
	       !strcmp(mode, "confidentiality") ? 2 : -1;
}

void policy_read(struct kx_load *l, struct policy_state *s)
{
	char *cmd = load_alloc(l, CMDLINE_READ), *pol = load_alloc(l, IMA_POLICY_MAX);
	size_t cmdlen = 0, clen = 0, plen = 0;
	const char *cfg;
	struct kx_ima_raw r;
	char b[64];
	int e;

	memset(s, 0, sizeof(*s));
	s->f.lockdown = lockdown_level(s->lockdown, sizeof(s->lockdown));
	s->f.load_disabled = flag_file("/proc/sys/kernel/kexec_load_disabled");
	if (cmd && sys_read_text("/proc/cmdline", cmd, CMDLINE_READ, &cmdlen))
		cmd = 0;
	cfg = read_config(l, &clen, s->config, sizeof(s->config));
#define CFG(name) (cfg ? kx_kconfig(cfg, clen, name) : -1)
	s->secure_boot = secure_boot();
	s->f.sig_force = CFG("CONFIG_KEXEC_SIG_FORCE");
	s->no_file = CFG("CONFIG_KEXEC_FILE") == 0; /* Debian 12's arm64 and ppc64el kernels */
	s->f.sig_arch = s->secure_boot == 1 && CFG("CONFIG_IMA_ARCH_POLICY") == 1 &&
			CFG("CONFIG_KEXEC_SIG") == 1 ? 1 :
			s->secure_boot == 0 || CFG("CONFIG_IMA_ARCH_POLICY") == 0 ||
			CFG("CONFIG_KEXEC_SIG") == 0 ? 0 : -1;
	/* IMA */
	memset(&r, 0, sizeof(r));
	e = sys_securityfs_read("ima/runtime_measurements_count", b, sizeof(b), 0);
	r.present = !e || e == -EACCES || e == -EPERM ? 1 : e == -ENOENT ? 0 : -1;
	if (r.present == 1) {
		e = pol ? sys_securityfs_read("ima/policy", pol, IMA_POLICY_MAX, &plen) : -ENOMEM;
		r.read = !e ? KX_IMA_READ_OK : e == -EACCES || e == -EPERM ? KX_IMA_READ_DENIED :
			 e == -ENOENT ? KX_IMA_READ_GONE : KX_IMA_READ_ERROR;
		r.policy = pol;
		r.policy_len = plen;
	}
	r.cmdline = cmd;
	r.cmdline_len = cmdlen;
	r.secure_boot = s->secure_boot;
	r.cfg_arch_policy = CFG("CONFIG_IMA_ARCH_POLICY");
	r.cfg_require_kexec = CFG("CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS");
	r.cfg_write_policy = CFG("CONFIG_IMA_WRITE_POLICY");
	r.cfg_read_policy = CFG("CONFIG_IMA_READ_POLICY");
#undef CFG
	s->ima_read = r.read;
	s->ima_present = r.present;
	s->f.ima = kx_ima_infer(&r, &s->f.ima_src);
	s->f.kho = kx_kho_infer(cmd, cmdlen, sys_exists("/sys/kernel/debug/kho") ? -1 : 1);
	s->f.xen = xen_dom0();
	s->read = 1;
}

static const char *ima_source(const struct policy_state *s)
{
	switch (s->f.ima_src) {
	case KX_IMA_SRC_POLICY: return "its policy, read from securityfs";
	case KX_IMA_SRC_BUILTIN: return "the built-in policy ima_policy= names";
	case KX_IMA_SRC_BUILD: return "CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS";
	case KX_IMA_SRC_ARCH: return "Secure Boot's arch policy (CONFIG_IMA_ARCH_POLICY)";
	case KX_IMA_SRC_CUSTOM: return "a custom policy was loaded and cannot be read";
	case KX_IMA_SRC_INFERRED:
		return "no custom policy loaded, none built in or named on the command line";
	case KX_IMA_SRC_NONE: return "no IMA in this kernel";
	default:
		return s->ima_present < 0 ? "securityfs cannot be read (not root?)" :
		       !s->config[0] ? "ima/policy cannot be read and the kernel's config is unknown" :
				       "ima/policy cannot be read (needs root and CONFIG_IMA_READ_POLICY)";
	}
}

const char *auto_why_text(const struct policy_state *s, enum kx_auto_why why)
{
	switch (why) {
	case KX_AUTO_XEN:
		return "a Xen dom0, where kexec-tools uses kexec_load too";
	case KX_AUTO_LOCKDOWN:
		return s->f.lockdown == 2 ? "the kernel is locked down (confidentiality): kexec_load is refused"
					  : "the kernel is locked down (integrity): kexec_load is refused";
	case KX_AUTO_LOAD_DISABLED:
		return "kernel.kexec_load_disabled=1: kexec_load is refused";
	case KX_AUTO_SIG_FORCE:
		return "the kernel enforces kexec signatures (CONFIG_KEXEC_SIG_FORCE): only "
		       "kexec_file_load checks them";
	case KX_AUTO_SIG_ARCH:
		return "Secure Boot with IMA's arch policy: the kernel enforces kexec signatures, which "
		       "only kexec_file_load checks";
	case KX_AUTO_IMA:
		switch (s->f.ima_src) {
		case KX_IMA_SRC_BUILTIN:
			return "an IMA rule measures or appraises the kexec kernel (ima_policy= on the "
			       "command line): IMA sees the file through kexec_file_load only";
		case KX_IMA_SRC_BUILD:
			return "an IMA rule appraises the kexec kernel "
			       "(CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS): IMA sees the file through "
			       "kexec_file_load only";
		case KX_IMA_SRC_ARCH:
			return "an IMA rule measures the kexec kernel (Secure Boot's arch policy): IMA "
			       "sees the file through kexec_file_load only";
		default:
			return "an IMA rule measures or appraises the kexec kernel (ima/policy): IMA "
			       "sees the file through kexec_file_load only";
		}
	case KX_AUTO_KHO:
		return "Kexec HandOver is enabled: it works through kexec_file_load only";
	case KX_AUTO_IMA_UNKNOWN:
		return s->f.ima_src == KX_IMA_SRC_CUSTOM ?
		       "IMA's policy is unknown (a custom policy was loaded and cannot be read): "
		       "kexec_file_load, the safe side; kexec_load if the kernel cannot take the image" :
		       "IMA's policy is unknown (ima/policy cannot be read): kexec_file_load, the safe "
		       "side; kexec_load if the kernel cannot take the image";
	default:
		if (s->no_file)
			return "kx's own plan and purgatory, the faster path: nothing in the system's "
			       "policy asks for kexec_file_load, and this kernel is built without "
			       "CONFIG_KEXEC_FILE";
		return "kx's own plan and purgatory, the faster path: nothing in the system's policy "
		       "asks for kexec_file_load; kexec_file_load if kexec_load is refused";
	}
}

static const char *tri(int v) { return v < 0 ? "unknown" : v ? "yes" : "no"; }
static const char *jtri(int v) { return v < 0 ? "null" : v ? "true" : "false"; }

void policy_print(FILE *f, const struct policy_state *s)
{
	struct kx_auto a = kx_auto_choose(&s->f);

	if (!kx_arch_kernel_format[0])
		fprintf(f, "  auto mode                kexec_load (%s has no kexec_file_load)\n",
			kx_arch_name);
	else
		fprintf(f, "  auto mode (%s)%*s%s (%s)\n", kx_arch_kernel_format,
			13 - (int)strlen(kx_arch_kernel_format) > 0 ? 13 - (int)strlen(kx_arch_kernel_format) : 1,
			"", a.use_file ? "kexec_file_load" : "kexec_load", auto_why_text(s, a.why));
	fprintf(f, "  kernel config            %s\n",
		s->config[0] ? s->config : "unknown (no /proc/config.gz, no /boot/config-RELEASE)");
	fprintf(f, "  kexec signatures forced  %s%s\n", tri(s->f.sig_force == 1 || s->f.sig_arch == 1 ? 1 :
		s->f.sig_force < 0 || s->f.sig_arch < 0 ? -1 : 0),
		s->f.sig_force == 1 ? "  (CONFIG_KEXEC_SIG_FORCE)" :
		s->f.sig_arch == 1 ? "  (Secure Boot and IMA's arch policy)" :
		s->f.sig_force < 0 ? "  (the kernel's config is unknown: not counted)" : "");
	fprintf(f, "  Secure Boot              %s\n", tri(s->secure_boot));
	fprintf(f, "  IMA kexec rule           %s  (%s)\n", tri(s->f.ima), ima_source(s));
	fprintf(f, "  Kexec HandOver           %s\n", tri(s->f.kho));
	fprintf(f, "  Xen dom0                 %s\n", tri(s->f.xen));
}

void policy_print_json(FILE *f, const struct policy_state *s)
{
	struct kx_auto a = kx_auto_choose(&s->f);
	const char *r = auto_why_text(s, a.why);

	fprintf(f, ",\"auto_syscall\":\"%s\",\"auto_reason\":\"",
		!kx_arch_kernel_format[0] || !a.use_file ? "kexec_load" : "kexec_file_load");
	for (; *r; r++)
		fputc(*r == '"' ? '\'' : *r, f);
	fprintf(f, "\",\"kernel_config\":");
	if (s->config[0])
		fprintf(f, "\"%s\"", s->config);
	else
		fputs("null", f);
	fprintf(f, ",\"kexec_sig_force\":%s,\"kexec_sig_arch\":%s,\"secure_boot\":%s,"
		"\"ima_kexec_rule\":%s,\"kho\":%s,\"xen_dom0\":%s",
		jtri(s->f.sig_force), jtri(s->f.sig_arch), jtri(s->secure_boot), jtri(s->f.ima),
		jtri(s->f.kho), jtri(s->f.xen));
}

void policy_debug(struct kx_load *l, const struct policy_state *s)
{
	dbg(l, "auto mode's facts: lockdown %s, kexec_load_disabled %s, kernel config %s, "
	       "KEXEC_SIG_FORCE %s, Secure Boot %s (kexec signatures enforced: %s), IMA kexec rule %s "
	       "(%s), Kexec HandOver %s, Xen dom0 %s",
	    s->lockdown, tri(s->f.load_disabled), s->config[0] ? s->config : "unknown",
	    tri(s->f.sig_force), tri(s->secure_boot), tri(s->f.sig_arch), tri(s->f.ima), ima_source(s),
	    tri(s->f.kho), tri(s->f.xen));
}
