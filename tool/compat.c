/*
 * kexec-tools' options that kx takes so that it can stand in for kexec: each
 * either changes nothing kx does (accepted; -d says why) or would change what
 * boots (refused with the reason). docs/compat.md has the whole table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"

static const struct compat {
	char name[24];
	uint8_t arg;     /* takes a value */
	uint8_t refuse;  /* ignoring it would change what boots */
	const char *why;
} compat[] = {
#if defined(__arm__) || defined(__i386__)
	{ "elf64-core-headers", 0, 0, "kx's ELF core headers are ELF32 here, ELF64 when memory "
				      "lies above 4 GiB; the crash kernel reads either" },
	{ "elf32-core-headers", 0, 0, "kx's ELF core headers are ELF32 here already (ELF64 only "
				      "when memory lies above 4 GiB)" },
#else
	{ "elf64-core-headers", 0, 0, "kx's ELF core headers are ELF64 already" },
	{ "elf32-core-headers", 0, 0, "kx builds ELF64 core headers, which makedumpfile and crash "
				      "read as well" },
#endif
	{ "args-linux", 0, 0, "kx boots an ELF vmlinux as Linux already" },
	{ "noefi", 0, 0, "no EFI runtime state with kexec_load (KX_SET_NO_EFI)" },
	{ "console-serial", 0, 0, "kx's purgatory always writes to a serial port (--serial, default "
				  "ttyS0): errors always, its steps under -d" },
	{ "console-vga", 0, 0, "kx's purgatory writes to a serial port only (a UEFI machine's "
			       "screen is a framebuffer, not VGA text)" },
	{ "serial", 1, 0, "kx's purgatory writes to the UART the device tree's /chosen "
			  "stdout-path names" },
	{ "serial-baud", 1, 0, "kx's purgatory leaves the UART's speed as it is on this "
			       "architecture" },
	{ "reset-vga", 0, 0, "kx leaves the screen as it is for the next kernel" },
	{ "reuse-video-type", 0, 0, "kx passes the running kernel's screen information as it is" },
	{ "pass-memmap-cmdline", 0, 0, "a crash kernel gets its memory map in its boot parameters, "
				       "no memmap= needed" },
	{ "entry-32bit", 0, 0, "kx enters a 64-bit bzImage at its 64-bit entry; the same kernel boots" },
	{ "args-elf", 0, 1, "kx passes no ELF boot notes" },
	{ "args-none", 0, 1, "kx boots an ELF vmlinux as Linux, with its arguments" },
	{ "real-mode", 0, 1, "kx cannot enter a kernel in real mode" },
	{ "reuseinitrd", 0, 1, "kx cannot reuse the first boot's initrd; give it with --initrd" },
	{ "load-preserve-context", 0, 1, "kx has no kexec jump (context preserving)" },
	{ "load-jump-back-helper", 0, 1, "kx has no kexec jump (context preserving)" },
	{ "load-live-update", 0, 1, "kx has no Xen live update" },
	{ "exec-live-update", 0, 1, "kx has no Xen live update" },
#if defined(__arm__)
	{ "atags", 0, 0, "ATAGS instead of a device tree (KX_SET_ATAGS)" },
#else
	{ "atags", 0, 1, "ATAGS are for 32-bit ARM kernels (docs/arm.md)" },
#endif
};

#define NCOMPAT (sizeof(compat) / sizeof(compat[0]))

int compat_find(const char *s, size_t n, int *takes_value)
{
	unsigned i, hit = 0, count = 0;

	for (i = 0; i < NCOMPAT; i++) {
		if (strncmp(compat[i].name, s, n))
			continue;
		if (!compat[i].name[n]) {
			hit = i, count = 1;
			break;
		}
		hit = i;
		count++;
	}
	if (count != 1)
		return -1;
	*takes_value = compat[hit].arg;
	return (int)hit;
}

/* The options kx honours through kx_load_set (KX_SET_*), or 0: the table's
 * other rows are taken as changing nothing, or refused. */
static unsigned setting_of(const char *name)
{
	if (!strcmp(name, "noefi"))
		return KX_SET_NO_EFI;
#if defined(__arm__)
	if (!strcmp(name, "atags"))
		return KX_SET_ATAGS;
#endif
#if defined(__x86_64__) || defined(__i386__)
	if (!strcmp(name, "serial"))
		return KX_SET_CONSOLE_PORT;
	if (!strcmp(name, "serial-baud"))
		return KX_SET_CONSOLE_BAUD;
#endif
	return 0;
}

/* --serial=PORT: ttyS0..ttyS3 or an I/O port in hex (0x3f8); kexec-tools
 * takes ttyS0, ttyS1 and 0xHEX. --serial-baud: a divisor of 115200 from
 * 9600 up, as kexec-tools requires. 0 and a sentence on error. */
static uint64_t setting_value(unsigned what, const char *v)
{
	static const uint16_t tty[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	unsigned long n;
	char *end = 0;

	if (!v)
		return 1; /* a flag */
	if (what == KX_SET_CONSOLE_PORT) {
		if (!strncmp(v, "ttyS", 4) && v[4] >= '0' && v[4] <= '3' && !v[5])
			return tty[v[4] - '0'];
		n = strncmp(v, "0x", 2) || !v[2] ? 0 : strtoul(v + 2, &end, 16);
		if (n && !*end && n < 0x10000)
			return n;
		say("--serial takes ttyS0 to ttyS3 or an I/O port such as 0x3f8, not '%s'.", v);
		return 0;
	}
	n = strtoul(v, &end, 0);
	if (*v && !*end && n >= 9600 && n <= 115200 && 115200 % n == 0)
		return n;
	say("--serial-baud takes a speed that divides 115200, from 9600 to 115200, not '%s'.", v);
	return 0;
}

int compat_apply(int i, const char *value, struct opts *o)
{
	unsigned set = setting_of(compat[i].name);

	if (compat[i].refuse) {
		say("--%s is not supported: %s.", compat[i].name, compat[i].why);
		return -1;
	}
	if (set) {
		uint64_t v = setting_value(set, value);
		if (!v)
			return -1;
		o->set[set] = v;
		return 0;
	}
	if (o->ncompat < sizeof(o->compat) / sizeof(o->compat[0]))
		o->compat[o->ncompat++] = (uint8_t)i;
	return 0;
}

const char *compat_name(int i)
{
	return compat[i].name;
}

void compat_explain(const struct opts *o)
{
	unsigned i;

	for (i = 0; o->debug && i < o->ncompat; i++)
		debug_say("--%s changes nothing: %s", compat[o->compat[i]].name, compat[o->compat[i]].why);
}
