/* The preflight: what this system allows, read from files only (no kexec call). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "arch.h"
#include "load.h"

static int read_flag(const char *path)
{
	char b[32];
	if (sys_read_text(path, b, sizeof(b), 0))
		return -1;
	return b[0] == '1';
}

static void lockdown_mode(char *out, size_t n)
{
	if (sys_lockdown(out, n))
		snprintf(out, n, "unknown");
}

/* Does /proc/kallsyms name the syscall? Symbol names are visible to all. */
static void syscalls(int *has_load, int *has_file)
{
	char buf[16 * 1024];
	size_t keep = 0;
	long n;
	int fd = sys_open_ro("/proc/kallsyms"), any = 0;

	*has_load = *has_file = -1;
	if (fd < 0)
		return;
	*has_load = *has_file = 0;
	/* line by line over a sliding buffer; a line never exceeds 512 bytes */
	while ((n = read(fd, buf + keep, sizeof(buf) - 1 - keep)) > 0) {
		char *p = buf, *nl;
		buf[keep + (size_t)n] = 0;
		any = 1;
		while ((nl = strchr(p, '\n'))) {
			*nl = 0;
			/* "ADDR TYPE NAME": a weak (W) syscall symbol is the -ENOSYS
			 * stub of one that was not built in (cond_syscall) */
			const char *type = strchr(p, ' ');
			if (type && type[1] == 'W' && type[2] == ' ') {
				p = nl + 1;
				continue;
			}
			if (strlen(p) > 19 && !strcmp(p + strlen(p) - 19, "sys_kexec_file_load"))
				*has_file = 1;
			else if (strlen(p) > 14 && !strcmp(p + strlen(p) - 14, "sys_kexec_load"))
				*has_load = 1;
			p = nl + 1;
		}
		keep = strlen(p);
		memmove(buf, p, keep);
		if (*has_load && *has_file)
			break;
	}
	sys_close(fd);
	if (!any)
		*has_load = *has_file = -1; /* cannot tell */

}

/* The "Key: N kB" line of /proc/meminfo, in bytes. */
static uint64_t meminfo(const char *text, const char *key)
{
	const char *p;
	size_t n = strlen(key);

	for (p = text; *p; p += strcspn(p, "\n"), p += *p == '\n')
		if (!strncmp(p, key, n))
			return strtoull(p + n, 0, 10) * 1024;
	return 0;
}

void kx_preflight(struct kx_preflight *pf)
{
	struct utsname u;
	char b[4096];

	memset(pf, 0, sizeof(*pf));
	if (!uname(&u))
		snprintf(pf->kernel, sizeof(pf->kernel), "%s", u.release);
	lockdown_mode(pf->lockdown, sizeof(pf->lockdown));
	pf->load_disabled = read_flag("/proc/sys/kernel/kexec_load_disabled");
	pf->root = sys_is_root();
	syscalls(&pf->has_load, &pf->has_file);
	if (!kx_arch_kernel_format[0])
		pf->has_file = 0; /* i386: Linux has no such syscall */
	pf->loaded = read_flag("/sys/kernel/kexec_loaded");
	pf->crash_loaded = read_flag("/sys/kernel/kexec_crash_loaded");
	if (!sys_read_text("/sys/kernel/kexec_crash_size", b, sizeof(b), 0))
		pf->crash_size = strtoull(b, 0, 10);
	if (!sys_read_text("/proc/meminfo", b, sizeof(b), 0)) {
		pf->mem_total = meminfo(b, "MemTotal:");
		pf->mem_avail = meminfo(b, "MemAvailable:");
	}
	{
		int locked = strcmp(pf->lockdown, "none") && strcmp(pf->lockdown, "unknown");
		int allowed = pf->root && pf->load_disabled != 1;
		pf->load_ok = allowed && pf->has_load != 0 && !locked;
		pf->file_ok = allowed && pf->has_file != 0;
	}
}

/* The policy facts, read with a scratch load (its memory holds the texts). */
static int policy_now(struct policy_state *s, struct kx_load **l)
{
	*l = kx_load_new(0, 0);
	if (!*l)
		return -1;
	policy_read(*l, s);
	return 0;
}

static const char *yes_no(int v) { return v < 0 ? "unknown" : v ? "yes" : "no"; }

void kx_preflight_print(FILE *f, const struct kx_preflight *pf, uint64_t need)
{
	int locked = strcmp(pf->lockdown, "none") && strcmp(pf->lockdown, "unknown");

	fprintf(f, "kx check on Linux %s (%s)\n", pf->kernel, kx_arch_name);
	fprintf(f, "  running as root          %s%s\n", yes_no(pf->root),
		pf->root ? "" : "  (loading needs root: CAP_SYS_BOOT)");
	fprintf(f, "  lockdown                 %s%s\n", pf->lockdown,
		locked ? "  (kexec_load refused; kexec_file_load takes signed kernels only)" : "");
	fprintf(f, "  kexec_load_disabled      %s%s\n", yes_no(pf->load_disabled),
		pf->load_disabled == 1 ? "  (no kexec until reboot)" : "");
	fprintf(f, "  kexec_load syscall       %s%s\n", yes_no(pf->has_load),
		pf->load_ok ? "  -> usable" : "  -> not usable now");
	fprintf(f, "  kexec_file_load syscall  %s%s\n", yes_no(pf->has_file),
		pf->file_ok ? (locked ? "  -> usable with signed kernels" : "  -> usable")
			    : "  -> not usable now");
	if (!kx_arch_kernel_format[0])
		fprintf(f, "                           (%s has no kexec_file_load: kx uses kexec_load)\n",
			kx_arch_name);
	else if (!pf->has_file)
		fprintf(f, "                           (this kernel is built without CONFIG_KEXEC_FILE: "
			"kx uses kexec_load)\n");
	switch (arch_smp_stuck()) {
	case 0:
		fprintf(f, "  secondary CPUs           can go offline (kexec needs that here)\n");
		break;
	case 1:
		fprintf(f, "  secondary CPUs           CANNOT go offline: kexec_load will fail (EINVAL); "
			"needs CONFIG_HOTPLUG_CPU and PSCI, or boot with nr_cpus=1\n");
		break;
	case 2:
		fprintf(f, "  secondary CPUs           may NOT go offline for kexec (no PSCI): kexec_load "
			"fails (EINVAL) unless the platform's own SMP code can power CPUs down; "
			"nr_cpus=1 avoids it\n");
		break;
	case 3:
		fprintf(f, "  secondary CPUs           CANNOT go offline (PSCI without CPU_OFF): "
			"the exec would crash the kernel, so kx refuses to load (-p still loads); boot with nr_cpus=1\n");
		break;
	}
	{
		struct policy_state s;
		struct kx_load *l;
		if (!policy_now(&s, &l)) {
			policy_print(f, &s);
			kx_load_free(l);
		}
	}
	fprintf(f, "  kernel loaded            %s\n", yes_no(pf->loaded));
	fprintf(f, "  crash kernel loaded      %s\n", yes_no(pf->crash_loaded));
	if (pf->crash_size)
		fprintf(f, "  crashkernel reservation  %" PRIu64 " MiB\n", pf->crash_size >> 20);
	else
		fprintf(f, "  crashkernel reservation  none (add crashkernel= to the command line for kdump)\n");
	fprintf(f, "  memory                   %" PRIu64 " MiB available of %" PRIu64 " MiB",
		pf->mem_avail >> 20, pf->mem_total >> 20);
	if (need)
		fprintf(f, "; this load needs %" PRIu64 " MiB%s", (need + (1 << 20) - 1) >> 20,
			need > pf->mem_avail ? " (NOT available)" : "");
	fputc('\n', f);
}

static const char *jb(int v) { return v < 0 ? "null" : v ? "true" : "false"; }

void kx_preflight_print_json(FILE *f, const struct kx_preflight *pf)
{
	fprintf(f,
		"{\"kernel\":\"%s\",\"arch\":\"%s\",\"root\":%s,\"lockdown\":\"%s\","
		"\"kexec_load_disabled\":%s,\"has_kexec_load\":%s,\"has_kexec_file_load\":%s,"
		"\"kexec_load_usable\":%s,\"kexec_file_load_usable\":%s,\"loaded\":%s,"
		"\"crash_loaded\":%s,\"crash_size\":%" PRIu64 ",\"mem_total\":%" PRIu64
		",\"mem_available\":%" PRIu64,
		pf->kernel, kx_arch_name, jb(pf->root), pf->lockdown, jb(pf->load_disabled),
		jb(pf->has_load), jb(pf->has_file), jb(pf->load_ok), jb(pf->file_ok), jb(pf->loaded),
		jb(pf->crash_loaded), pf->crash_size, pf->mem_total, pf->mem_avail);
	{
		struct policy_state s;
		struct kx_load *l;
		if (!policy_now(&s, &l)) {
			policy_print_json(f, &s);
			kx_load_free(l);
		}
	}
	fputc('}', f);
}
