/* lib/boot/discover.c's walk over volumes (memfs): where each format is
 * looked for, path resolution (/boot added or removed, .. refused), the
 * checks of each entry, and the default across volumes. */
#include <string.h>
#include "t.h"
#include "memfs.h"

static int find_id(const struct kx_boot_list *bl, const char *id)
{
	unsigned i;
	for (i = 0; i < bl->n; i++)
		if (!strcmp(bl->e[i].id, id))
			return (int)i;
	return -1;
}

TEST(boot_walk_esp_and_root)
{
	static struct memfs m;
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs;
	int a, b, c, u;

	memset(&m, 0, sizeof(m));
	memfs_volume(&m, "/dev/vda1", "1234-ABCD", "ESP");
	memfs_volume(&m, "/dev/vda2", "0b5e1b2a-1111-2222-3333-444455556666", "root");
	/* the ESP: loader.conf, two entries (one with two initrds), an arm64 entry, a
	 * missing initrd, a path leaving the volume */
	memfs_file(&m, 0, "/loader/loader.conf", "default debian-*\ntimeout 4\n", (size_t)-1);
	memfs_file(&m, 0, "/loader/entries/debian-6.1.conf",
		   "title Debian 12\nversion 6.1.0-13-amd64\nlinux /debian/vmlinuz\n"
		   "initrd /debian/ucode.img\ninitrd /debian/initrd.img\noptions root=/dev/vda2 ro\n",
		   (size_t)-1);
	memfs_file(&m, 0, "/loader/entries/arm.conf",
		   "title For arm64\nlinux /debian/vmlinuz\narchitecture aa64\n", (size_t)-1);
	memfs_file(&m, 0, "/loader/entries/gone.conf",
		   "title Gone\nlinux /debian/vmlinuz\ninitrd /debian/nothing.img\n", (size_t)-1);
	memfs_file(&m, 0, "/loader/entries/escape.conf",
		   "title Escape\nlinux /debian/../../etc/passwd\n", (size_t)-1);
	memfs_file(&m, 0, "/debian/vmlinuz", "k", 1);
	memfs_file(&m, 0, "/debian/ucode.img", "u", 1);
	memfs_file(&m, 0, "/debian/initrd.img", "i", 1);
	memfs_file(&m, 0, "/EFI/Linux/fake.efi", "MZ not a UKI", (size_t)-1);
	/* the root file system: no configuration, two kernels in /boot */
	memfs_file(&m, 1, "/boot/vmlinuz-6.1.0-13-amd64", "k", 1);
	memfs_file(&m, 1, "/boot/initrd.img-6.1.0-13-amd64", "i", 1);
	memfs_file(&m, 1, "/boot/vmlinuz-6.10.1-amd64", "k", 1);
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_walk(bl, &fs, 1, "x64");
	kx_boot_finish(bl);

	a = find_id(bl, "debian-6.1");
	REQUIRE(a >= 0);
	CHECK_EQ(bl->e[a].bad, KX_BOOT_OK);
	CHECK_EQ(bl->e[a].ninitrd, 2);
	CHECK_STR(bl->e[a].initrd[0], "/debian/ucode.img");
	CHECK_STR(bl->e[a].cmdline, "root=/dev/vda2 ro");
	CHECK_EQ(bl->dflt, a);
	CHECK_EQ(bl->why, KX_WHY_LOADER_CONF);
	CHECK_EQ(bl->timeout, 4);
	b = find_id(bl, "arm");
	REQUIRE(b >= 0);
	CHECK_EQ(bl->e[b].bad, KX_BOOT_ARCH);
	c = find_id(bl, "gone");
	REQUIRE(c >= 0);
	CHECK_EQ(bl->e[c].bad, KX_BOOT_MISSING);
	CHECK_STR(bl->e[c].bad_detail, "/debian/nothing.img");
	CHECK_EQ(bl->e[find_id(bl, "escape")].bad, KX_BOOT_PATH);
	u = find_id(bl, "fake.efi");
	REQUIRE(u >= 0);
	CHECK_EQ(bl->e[u].bad, KX_BOOT_NOT_KERNEL);
	/* plain kernels on the second volume, newest first, paired by version */
	a = find_id(bl, "vmlinuz-6.10.1-amd64");
	b = find_id(bl, "vmlinuz-6.1.0-13-amd64");
	REQUIRE(a >= 0 && b >= 0);
	CHECK(a < b);
	CHECK_EQ(bl->e[a].vol, 1);
	CHECK_EQ(bl->e[a].ninitrd, 0);
	CHECK_EQ(bl->e[b].ninitrd, 1);
	CHECK_EQ(bl->e[b].format, KX_BOOT_PLAIN);
}

TEST(boot_walk_boot_prefix)
{
	static struct memfs m;
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs;

	/* entries written for a separate /boot, read where /boot is a directory of /,
	 * and the reverse */
	memset(&m, 0, sizeof(m));
	memfs_file(&m, 0, "/boot/loader/entries/a.conf", "linux /vmlinuz-1\ninitrd /initrd-1\n", (size_t)-1);
	memfs_file(&m, 0, "/boot/loader/entries/b.conf", "linux /boot/vmlinuz-2\n", (size_t)-1);
	memfs_file(&m, 0, "/boot/vmlinuz-1", "k", 1);
	memfs_file(&m, 0, "/boot/initrd-1", "i", 1);
	memfs_file(&m, 0, "/vmlinuz-2", "k", 1);
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_finish(bl);
	REQUIRE(bl->n == 2);
	CHECK_EQ(bl->e[find_id(bl, "a")].bad, KX_BOOT_OK);
	CHECK_STR(bl->e[find_id(bl, "a")].kernel, "/boot/vmlinuz-1");
	CHECK_STR(bl->e[find_id(bl, "a")].initrd[0], "/boot/initrd-1");
	CHECK_EQ(bl->e[find_id(bl, "b")].bad, KX_BOOT_OK);
	CHECK_STR(bl->e[find_id(bl, "b")].kernel, "/vmlinuz-2");
}

TEST(boot_walk_config_too_big)
{
	static struct memfs m;
	static char big[KX_BOOT_MAX_CONF + 10];
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs;

	memset(&m, 0, sizeof(m));
	memset(big, '#', sizeof(big));
	memfs_file(&m, 0, "/loader/entries/huge.conf", big, sizeof(big));
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_finish(bl);
	REQUIRE(bl->n == 1);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_TOO_BIG);
	CHECK_EQ(bl->dflt, -1);
}

TEST(boot_walk_nothing)
{
	static struct memfs m;
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs;

	memset(&m, 0, sizeof(m));
	memfs_file(&m, 0, "/etc/passwd", "root", 4);
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_finish(bl);
	CHECK_EQ(bl->n, 0);
	CHECK_EQ(bl->dflt, -1);
}

TEST(boot_walk_esp_stub_default)
{
	static struct memfs m;
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs;
	static const char stub[] =
		"search.fs_uuid 0b5e1b2a-1111-2222-3333-444455556666 root\n"
		"set prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n";
	static const char cfg[] =
		"set default=\"1\"\nset timeout=3\n"
		"menuentry 'Debian' --id deb { linux /boot/vmlinuz-1 root=/dev/vda2\n"
		"  initrd /boot/initrd-1 }\n"
		"menuentry 'Debian old' --id deb-old { linux /boot/vmlinuz-0 root=/dev/vda2 old\n }\n";

	memset(&m, 0, sizeof(m));
	memfs_volume(&m, "/dev/vda1", "1234-ABCD", "ESP");
	memfs_volume(&m, "/dev/vda2", "0b5e1b2a-1111-2222-3333-444455556666", "root");
	memfs_file(&m, 0, "/EFI/debian/grub.cfg", stub, (size_t)-1);
	memfs_file(&m, 1, "/boot/grub/grub.cfg", cfg, (size_t)-1);
	memfs_file(&m, 1, "/boot/vmlinuz-1", "k", 1);
	memfs_file(&m, 1, "/boot/vmlinuz-0", "k", 1);
	memfs_file(&m, 1, "/boot/initrd-1", "i", 1);
	fs = memfs_ops(&m);
	kx_boot_walk(bl, &fs, 0, "x64");
	kx_boot_walk(bl, &fs, 1, "x64");
	kx_boot_finish(bl);
	REQUIRE(bl->n == 2); /* found through the stub and directly: listed once */
	CHECK_EQ(bl->e[0].vol, 1);
	CHECK_STR(bl->e[0].id, "deb");
	REQUIRE(bl->dflt == 1);
	CHECK_STR(bl->e[1].id, "deb-old");
	CHECK_EQ(bl->why, KX_WHY_GRUB);
	CHECK_EQ(bl->timeout, 3);
	CHECK_STR(bl->e[0].cmdline, "root=/dev/vda2");
	CHECK_EQ(bl->e[0].ninitrd, 1);
}
