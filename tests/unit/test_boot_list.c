/* lib/boot/list.c and the parts of lib/boot/discover.c that work on the list:
 * the glob, the arena's cap, duplicates, the default's precedence, matching. */
#include <string.h>
#include "t.h"
#include "memfs.h"

TEST(boot_glob)
{
	static const struct { const char *p, *s; int m; } rows[] = {
		{ "*", "", 1 }, { "*", "abc", 1 }, { "a*", "abc", 1 }, { "*c", "abc", 1 },
		{ "a?c", "abc", 1 }, { "a?c", "ac", 0 }, { "[ab]*", "bx", 1 }, { "[!ab]*", "bx", 0 },
		{ "[a-c]x", "bx", 1 }, { "[a-c]x", "dx", 0 }, { "fedora-*.conf", "fedora-6.1.conf", 1 },
		{ "\\*", "*", 1 }, { "\\*", "a", 0 }, { "[", "[", 1 }, { "[abc", "[abc", 1 },
		{ "*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "Debian*", "Debian GNU/Linux", 1 }, { "debian*", "Debian GNU/Linux", 0 },
		{ "", "", 1 }, { "", "a", 0 }, { "[]]", "]", 1 },
	};
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_ROW("%s ~ %s", rows[i].p, rows[i].s);
		CHECK_EQ(kx_glob(rows[i].p, rows[i].s), rows[i].m);
	}
}

TEST(boot_arena_full_drops)
{
	struct kx_boot_list *bl = memfs_list_new();
	char big[1000];
	unsigned n = 0;

	memset(big, 'x', sizeof(big));
	while (kx_boot_strn(bl, big, sizeof(big)))
		n++;
	CHECK_EQ(n, KX_BOOT_ARENA / (sizeof(big) + 1));
	CHECK(bl->dropped >= 1);
	CHECK(bl->used <= bl->cap);
}

TEST(boot_table_full_drops)
{
	struct kx_boot_list *bl = memfs_list_new();
	unsigned i;

	for (i = 0; i < KX_BOOT_MAX_ENTRIES + 10; i++)
		kx_boot_add(bl, KX_BOOT_PLAIN, 0, "/boot", 0);
	CHECK_EQ(bl->n, KX_BOOT_MAX_ENTRIES);
	CHECK_EQ(bl->dropped, 10);
}

static struct kx_boot_entry *entry(struct kx_boot_list *bl, enum kx_boot_format f, unsigned vol,
				   const char *id, const char *kernel)
{
	struct kx_boot_entry *e = kx_boot_add(bl, f, vol, "/cfg", 1);
	e->id = kx_boot_str(bl, id);
	e->title = e->id;
	e->kernel = kx_boot_str(bl, kernel);
	return e;
}

TEST(boot_initrd_cap)
{
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_entry *e = entry(bl, KX_BOOT_BLS, 0, "a", "/k");
	unsigned i;

	for (i = 0; i < KX_BOOT_MAX_INITRDS; i++)
		kx_boot_initrd(bl, e, "/i", 2);
	CHECK_EQ(e->bad, KX_BOOT_OK);
	kx_boot_initrd(bl, e, "/i", 2);
	CHECK_EQ(e->ninitrd, KX_BOOT_MAX_INITRDS);
	CHECK_EQ(e->bad, KX_BOOT_TOO_MANY_INITRDS);
}

TEST(boot_default_precedence)
{
	struct kx_boot_list *bl = memfs_list_new();

	entry(bl, KX_BOOT_GRUB, 0, "g1", "/k1");
	entry(bl, KX_BOOT_GRUB, 0, "g2", "/k2");
	entry(bl, KX_BOOT_BLS, 0, "fedora-6.1", "/k3");
	entry(bl, KX_BOOT_SYSLINUX, 1, "l1", "/k4");
	bl->grub_default[0] = "g2";
	bl->sys_default[1] = "l1";
	kx_boot_finish(bl);
	CHECK_EQ(bl->dflt, 1);
	CHECK_EQ(bl->why, KX_WHY_GRUB);
	/* loader.conf comes before grub on the same volume; its glob may name the .conf */
	bl->conf_default[0] = "fedora-*.conf";
	kx_boot_finish(bl);
	CHECK_EQ(bl->dflt, 2);
	CHECK_EQ(bl->why, KX_WHY_LOADER_CONF);
	/* a default that cannot boot: the first that can, and the list says so */
	kx_boot_bad(bl, &bl->e[2], KX_BOOT_MISSING, "/k3");
	kx_boot_finish(bl);
	CHECK_EQ(bl->dflt, 0);
	CHECK_EQ(bl->why, KX_WHY_FIRST);
	CHECK_EQ(bl->dflt_unbootable, 1);
}

TEST(boot_default_first_volume_wins)
{
	struct kx_boot_list *bl = memfs_list_new();

	entry(bl, KX_BOOT_PLAIN, 0, "vmlinuz-6.1", "/boot/vmlinuz-6.1");
	entry(bl, KX_BOOT_SYSLINUX, 1, "a", "/k1");
	entry(bl, KX_BOOT_SYSLINUX, 1, "b", "/k2");
	entry(bl, KX_BOOT_GRUB, 2, "c", "/k3");
	bl->sys_default[1] = "b";
	bl->grub_default[2] = "c";
	kx_boot_finish(bl);
	CHECK_EQ(bl->dflt, 2);
	CHECK_EQ(bl->why, KX_WHY_SYSLINUX);
}

TEST(boot_default_none_bootable)
{
	struct kx_boot_list *bl = memfs_list_new();

	kx_boot_bad(bl, entry(bl, KX_BOOT_BLS, 0, "a", "/k"), KX_BOOT_ARCH, "aa64");
	kx_boot_finish(bl);
	CHECK_EQ(bl->dflt, -1);
	CHECK_EQ(bl->why, KX_WHY_NONE);
}

TEST(boot_duplicates_dropped)
{
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_entry *a, *b;

	/* the same BLS file read directly and through blscfg: the expanded one stays */
	a = entry(bl, KX_BOOT_BLS, 0, "f", "/vmlinuz");
	a->cmdline = "$kernelopts quiet";
	entry(bl, KX_BOOT_GRUB, 0, "g", "/vmlinuz-other");
	b = entry(bl, KX_BOOT_BLS, 0, "f", "/vmlinuz");
	b->cmdline = "root=/dev/vda2 quiet";
	/* the very same files and command line twice (grub.cfg and an ESP stub) */
	entry(bl, KX_BOOT_GRUB, 1, "x", "/k")->cmdline = "ro";
	entry(bl, KX_BOOT_GRUB, 1, "y", "/k")->cmdline = "ro";
	kx_boot_finish(bl);
	REQUIRE(bl->n == 3);
	CHECK_STR(bl->e[0].cmdline, "root=/dev/vda2 quiet");
	CHECK_STR(bl->e[1].id, "g");
	CHECK_STR(bl->e[2].id, "x");
}

TEST(boot_match_order)
{
	struct kx_boot_list *bl = memfs_list_new();

	entry(bl, KX_BOOT_GRUB, 0, "Debian GNU/Linux", "/k1")->title = "Debian GNU/Linux";
	entry(bl, KX_BOOT_BLS, 0, "debian", "/k2")->title = "Debian 12";
	entry(bl, KX_BOOT_BLS, 0, "arch", "/k3")->title = "debian";
	kx_boot_finish(bl);
	CHECK_EQ(kx_boot_match(bl, "debian"), 1);   /* an id before a title */
	CHECK_EQ(kx_boot_match(bl, "Debian 12"), 1); /* an exact title */
	CHECK_EQ(kx_boot_match(bl, "Debian*"), 0);  /* a glob, ids first */
	CHECK_EQ(kx_boot_match(bl, "*12"), 1);      /* then titles */
	CHECK_EQ(kx_boot_match(bl, "nothing"), -1);
}

TEST(boot_uefi_arch)
{
	CHECK_STR(kx_boot_uefi_arch("x86_64"), "x64");
	CHECK_STR(kx_boot_uefi_arch("arm64"), "aa64");
	CHECK_STR(kx_boot_uefi_arch("i386"), "ia32");
	CHECK(kx_boot_uefi_arch("x86") == 0);
	CHECK(kx_boot_uefi_arch(0) == 0);
}

TEST(boot_duplicates_without_kernel)
{
	struct kx_boot_list *bl = memfs_list_new();

	/* GRUB's "UEFI Firmware Settings" (fwsetup) found through an ESP stub and directly */
	kx_boot_bad(bl, entry(bl, KX_BOOT_GRUB, 1, "uefi-firmware", 0), KX_BOOT_SCRIPT, "fwsetup");
	kx_boot_bad(bl, entry(bl, KX_BOOT_GRUB, 1, "uefi-firmware", 0), KX_BOOT_SCRIPT, "fwsetup");
	kx_boot_bad(bl, entry(bl, KX_BOOT_GRUB, 1, "other", 0), KX_BOOT_SCRIPT, "fwsetup");
	kx_boot_finish(bl);
	CHECK_EQ(bl->n, 2);
}
