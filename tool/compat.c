/*
 * kexec-tools' options that kx takes so that it can stand in for kexec: each
 * either changes nothing kx does (accepted; -d says why) or would change what
 * boots (refused with the reason). docs/compat.md has the whole table.
 */
#include <stdio.h>
#include <string.h>
#include "opts.h"

static const struct compat {
	char name[24];
	uint8_t arg;     /* takes a value */
	uint8_t refuse;  /* ignoring it would change what boots */
	const char *why;
} compat[] = {
	{ "elf64-core-headers", 0, 0, "kx's ELF core headers are ELF64 already" },
	{ "elf32-core-headers", 0, 0, "kx builds ELF64 core headers, which makedumpfile and crash "
				      "read as well" },
	{ "args-linux", 0, 0, "kx boots an ELF vmlinux as Linux already" },
	{ "noefi", 0, 0, "kx passes no EFI runtime state with kexec_load yet" },
	{ "console-serial", 0, 0, "kx's purgatory writes to the first serial port under -d" },
	{ "console-vga", 0, 0, "kx's purgatory writes nothing to the screen" },
	{ "serial", 1, 0, "kx's purgatory uses the first serial port" },
	{ "serial-baud", 1, 0, "kx's purgatory keeps the serial port's speed" },
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

int compat_apply(int i, struct opts *o)
{
	if (compat[i].refuse) {
		say("--%s is not supported: %s.", compat[i].name, compat[i].why);
		return -1;
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
