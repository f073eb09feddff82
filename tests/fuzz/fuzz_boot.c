/*
 * The whole of kx boot's discovery (lib/boot/) over an in-memory disk made
 * from the input: every format, `source`/`configfile`/`blscfg` between files,
 * two volumes for `search`, then the default and a match. The input is a
 * list of records: a byte choosing the file (its volume in bit 7), a 16-bit
 * little-endian length, the bytes. Nothing may crash, hang, or break the
 * list's invariants.
 */
#include "fuzz.h"
#include "memfs.h"

static const char *const paths[] = {
	"/loader/loader.conf", "/loader/entries/a.conf", "/loader/entries/b.conf",
	"/boot/loader/entries/c.conf", "/EFI/Linux/u.efi", "/boot/grub/grub.cfg",
	"/boot/grub/grubenv", "/boot/grub/x.cfg", "/grub2/grub.cfg", "/EFI/debian/grub.cfg",
	"/extlinux/extlinux.conf", "/syslinux/syslinux.cfg", "/syslinux/inc.cfg",
	"/boot/vmlinuz-6.1.0-13-amd64", "/boot/initrd.img-6.1.0-13-amd64", "/boot/vmlinuz-6.10",
	"/vmlinuz", "/initrd.img", "/boot/Image", "/dtb/x.dtb",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memfs m;
	struct kx_boot_fs fs;
	struct kx_boot_list *bl = memfs_list_new();
	size_t at = 0;
	unsigned i, k;

	memset(&m, 0, sizeof(m));
	memfs_volume(&m, "/dev/vda1", "1234-ABCD", "ESP");
	memfs_volume(&m, "/dev/vda2", "0b5e1b2a-1111-2222-3333-444455556666", "root");
	while (at + 3 <= size) {
		unsigned sel = data[at];
		size_t len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;
		at += 3;
		if (len > size - at)
			len = size - at;
		memfs_file(&m, sel >> 7, paths[(sel & 0x7f) % NPATHS], data + at, len);
		at += len;
	}
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_walk(bl, &fs, 1, "x64");
	kx_boot_finish(bl);
	if (bl->n > KX_BOOT_MAX_ENTRIES || bl->used > bl->cap)
		__builtin_trap();
	if (bl->dflt >= (int)bl->n || (bl->dflt >= 0 && bl->e[bl->dflt].bad))
		__builtin_trap(); /* the default is an entry that can boot */
	for (i = 0; i < bl->n; i++) {
		const struct kx_boot_entry *e = &bl->e[i];
		if (!e->id || !e->title || e->ninitrd > KX_BOOT_MAX_INITRDS || e->vol > 1 ||
		    (unsigned)e->bad >= KX_BOOT_BAD__END)
			__builtin_trap();
		if (!e->bad && (!e->kernel || memfs_exists(&m, e->vol, e->kernel) != 1))
			__builtin_trap(); /* bootable means its kernel is there */
		for (k = 0; !e->bad && k < e->ninitrd; k++)
			if (!e->initrd[k] || memfs_exists(&m, e->vol, e->initrd[k]) != 1)
				__builtin_trap();
	}
	(void)kx_boot_match(bl, "*a*");
	(void)kx_boot_match(bl, "[!x]*");
	return 0;
}
