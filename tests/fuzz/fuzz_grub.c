/*
 * grub.cfg and syslinux configurations over an in-memory file system. The
 * first byte chooses the parser (even: GRUB, odd: syslinux); the rest is
 * split at the first "\n--\n" into the configuration and a second file it
 * may source/include (/boot/grub/b.cfg, also /boot/grub/grubenv and a BLS
 * entry for blscfg). Checks: every entry is consistent, nothing past caps.
 */
#include <kx/boot.h>
#include "fuzz.h"
#include "memfs.h"

static void check(const struct kx_boot_list *bl)
{
	unsigned i, k;

	if (bl->n > KX_BOOT_MAX_ENTRIES || bl->used > bl->cap)
		__builtin_trap();
	for (i = 0; i < bl->n; i++) {
		const struct kx_boot_entry *e = &bl->e[i];
		if (e->ninitrd > KX_BOOT_MAX_INITRDS || e->bad >= KX_BOOT_BAD__END)
			__builtin_trap();
		for (k = 0; k < e->ninitrd; k++)
			if (!e->initrd[k] || strlen(e->initrd[k]) >= KX_BOOT_ARENA)
				__builtin_trap();
		if (e->format != KX_BOOT_BLS && e->kernel && e->kernel[0] != '/')
			__builtin_trap(); /* paths are absolute in their volume */
		if (e->vol >= 3)
			__builtin_trap();
		if (e->id)
			(void)strlen(e->id);
		if (e->cmdline)
			(void)strlen(e->cmdline);
	}
	for (i = 0; i < KX_BOOT_MAX_VOLS; i++) {
		if (bl->grub_default[i])
			(void)strlen(bl->grub_default[i]);
		if (bl->sys_default[i])
			(void)strlen(bl->sys_default[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memfs m;
	struct kx_boot_fs fs;
	struct kx_boot_list *bl;
	const uint8_t *a, *b = 0;
	size_t al, bl_len = 0, i;
	int sys;

	if (!size)
		return 0;
	sys = data[0] & 1;
	a = data + 1;
	al = size - 1;
	for (i = 0; i + 4 <= al; i++)
		if (!memcmp(a + i, "\n--\n", 4)) {
			b = a + i + 4;
			bl_len = al - i - 4;
			al = i;
			break;
		}
	memset(&m, 0, sizeof(m));
	memfs_volume(&m, "/dev/vda1", "UUID-0", "ESP");
	memfs_volume(&m, "/dev/vda2", "UUID-1", "ROOT");
	memfs_volume(&m, "/dev/vda3", "UUID-2", "boot");
	memfs_file(&m, 0, "/boot/grub/grub.cfg", a, al);
	if (b) {
		memfs_file(&m, 0, "/boot/grub/b.cfg", b, bl_len);
		memfs_file(&m, 0, "/boot/grub/grubenv", b, bl_len);
		memfs_file(&m, 1, "/loader/entries/x.conf", b, bl_len);
		memfs_file(&m, 0, "/boot/extlinux/b.cfg", b, bl_len);
	}
	memfs_file(&m, 0, "/vmlinuz", "K", 1);
	memfs_file(&m, 1, "/vmlinuz", "K", 1);
	fs = memfs_ops(&m);
	bl = memfs_list_new();
	if (sys)
		kx_syslinux_parse(bl, &fs, 0, "/boot/extlinux/extlinux.conf", a, al);
	else
		kx_grub_parse(bl, &fs, 0, "/boot/grub/grub.cfg", a, al);
	check(bl);
	return 0;
}
