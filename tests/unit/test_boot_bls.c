/* kx boot's BLS formats (lib/boot/bls.c, ukient.c, plain.c): the UAPI.10
 * version order with every example of the spec, Type #1 entries as
 * systemd-boot, Fedora and Arch write them, loader.conf, the spec's
 * ordering, UKIs (single and multi-profile, built here), plain /boot
 * directories, and hostile inputs. Codes and fields, never prose. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kx/boot.h>
#include <kx/bytes.h>
#include <kx/pe.h>
#include "fixtures.h"
#include "memfs.h"
#include "t.h"

static struct kx_boot_list *one(const char *name, const char *text)
{
	struct kx_boot_list *bl = memfs_list_new();
	char path[300];

	snprintf(path, sizeof(path), "/loader/entries/%s", name);
	kx_bls_entry(bl, 0, path, name, (const uint8_t *)text, strlen(text));
	return bl;
}

/* ---- UAPI.10 version comparison ------------------------------------------------------ */

static int sign(int r) { return (r > 0) - (r < 0); }

TEST(bls_vercmp_spec_examples)
{
	/* every example of the Version Format Specification, "Examples" */
	static const struct { const char *a, *b; int want; } ex[] = {
		{ "11", "11", 0 },
		{ "systemd-123", "systemd-123", 0 },
		{ "bar-123", "foo-123", -1 },
		{ "123a", "123", 1 },
		{ "123.a", "123", 1 },
		{ "123.a", "123.b", -1 },
		{ "123a", "123.a", 1 },
		{ "11\xce\xb1", "11\xce\xb2", 0 }, /* 11α == 11β */
		{ "B", "a", -1 },
		{ "", "0", -1 },
		{ "0.", "0", 1 },
		{ "0.0", "0", 1 },
		{ "0", "~", 1 },
		{ "", "~", 1 },
		{ "1_", "1", 0 },
		{ "_1", "1", 0 },
		{ "1_", "1.2", -1 },
		{ "1_2_3", "1.3.3", 1 },
		{ "1+", "1", 0 },
		{ "+1", "1", 0 },
		{ "1+", "1.2", -1 },
		{ "1+2+3", "1.3.3", 1 },
	};
	/* each compares lower than every one to its right */
	static const char *const chain[] = {
		"122.1", "123~rc1-1", "123", "123-a", "123-a.1", "123-1", "123-1.1", "123^post1",
		"123.a-1", "123.1-1", "123a-1", "124-1",
	};
	unsigned i, j;

	for (i = 0; i < T_ARRAY_SIZE(ex); i++) {
		T_ROW("%s vs %s", ex[i].a, ex[i].b);
		CHECK_EQ(sign(kx_bls_vercmp(ex[i].a, ex[i].b)), ex[i].want);
		CHECK_EQ(sign(kx_bls_vercmp(ex[i].b, ex[i].a)), -ex[i].want);
	}
	for (i = 0; i < T_ARRAY_SIZE(chain); i++)
		for (j = 0; j < T_ARRAY_SIZE(chain); j++) {
			T_ROW("%s vs %s", chain[i], chain[j]);
			CHECK_EQ(sign(kx_bls_vercmp(chain[i], chain[j])), i < j ? -1 : i > j);
		}
}

TEST(bls_vercmp_more)
{
	static const struct { const char *a, *b; int want; } ex[] = {
		{ "00123", "123", 0 },       /* leading zeros */
		{ "12345", "123", 1 },
		{ "6.1.0-13-amd64", "6.1.0-9-amd64", 1 },
		{ "6.10.0", "6.9.12", 1 },
		{ "5.14.0-362.el9.x86_64", "5.14.0-70.el9.x86_64", 1 },
		{ "6.5.6-300.fc39.x86_64", "6.5.6-300.fc39.x86_64", 0 },
		{ "1.0", "1.a", 1 },         /* kx follows systemd: digits newer than letters */
		{ "abc", "abcde", -1 },
		{ "1~rc1", "1~rc2", -1 },
		{ "1-~", "1-", -1 },
		{ "99999999999999999999999", "99999999999999999999998", 1 }, /* no overflow */
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(ex); i++) {
		T_ROW("%s vs %s", ex[i].a, ex[i].b);
		CHECK_EQ(sign(kx_bls_vercmp(ex[i].a, ex[i].b)), ex[i].want);
		CHECK_EQ(sign(kx_bls_vercmp(ex[i].b, ex[i].a)), -ex[i].want);
	}
	CHECK_EQ(kx_bls_vercmp(NULL, ""), 0);
	CHECK(kx_bls_vercmp(NULL, "1") < 0);
}

/* ---- Type #1 entries ------------------------------------------------------------------- */

TEST(bls_entry_systemd)
{
	/* the spec's own example, as kernel-install writes it */
	struct kx_boot_list *bl = one("6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64.conf",
		"# /boot/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64.conf\n"
		"title        Fedora 19 (Rawhide)\n"
		"sort-key     fedora\n"
		"machine-id   6a9857a393724b7a981ebb5b8495b9ea\n"
		"version      3.8.0-2.fc19.x86_64\n"
		"options      root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 quiet\n"
		"architecture x64\n"
		"linux        /6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/linux\n"
		"initrd       /6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/initrd\n"
		"extra        /6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/somedata.cred\n");
	struct kx_boot_entry *e = &bl->e[0];

	REQUIRE(bl->n == 1);
	CHECK_STR(e->id, "6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64");
	CHECK_STR(e->title, "Fedora 19 (Rawhide)");
	CHECK_STR(e->sort_key, "fedora");
	CHECK_STR(e->machine_id, "6a9857a393724b7a981ebb5b8495b9ea");
	CHECK_STR(e->version, "3.8.0-2.fc19.x86_64");
	CHECK_STR(e->cmdline, "root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 quiet");
	CHECK_STR(e->arch, "x64");
	CHECK_STR(e->kernel, "/6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/linux");
	CHECK_EQ(e->ninitrd, 1);
	CHECK_STR(e->initrd[0], "/6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/initrd");
	CHECK_STR(e->source,
		  "/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64.conf");
	CHECK_EQ(e->line, 1);
	CHECK_EQ(e->format, KX_BOOT_BLS);
	CHECK_EQ(e->bad, KX_BOOT_OK);
	CHECK_EQ(e->profile, -1);
	CHECK_EQ(e->cmdline_own, 0);
	CHECK(e->dtb == NULL);
}

TEST(bls_entry_fedora_kernelopts)
{
	/* grubby's entries: $kernelopts is a GRUB variable, kept literally here (the
	 * GRUB parser's blscfg expands it); grub_* keys are ignored */
	struct kx_boot_list *bl = one("e5f1f2b2c3d44f0e9a1b2c3d4e5f6a7b-6.5.6-300.fc39.x86_64.conf",
		"title Fedora Linux (6.5.6-300.fc39.x86_64) 39 (Workstation Edition)\n"
		"version 6.5.6-300.fc39.x86_64\n"
		"linux /vmlinuz-6.5.6-300.fc39.x86_64\n"
		"initrd /initramfs-6.5.6-300.fc39.x86_64.img $tuned_initrd\n"
		"options $kernelopts $tuned_params\n"
		"grub_users $grub_users\n"
		"grub_arg --unrestricted\n"
		"grub_class fedora\n");
	struct kx_boot_entry *e = &bl->e[0];

	REQUIRE(bl->n == 1);
	CHECK_STR(e->cmdline, "$kernelopts $tuned_params");
	CHECK_STR(e->initrd[0], "/initramfs-6.5.6-300.fc39.x86_64.img $tuned_initrd");
	CHECK_STR(e->kernel, "/vmlinuz-6.5.6-300.fc39.x86_64");
	CHECK(e->sort_key == NULL);
	CHECK_EQ(e->bad, KX_BOOT_OK);
}

TEST(bls_entry_arch_two_initrds)
{
	/* Arch Linux: microcode first, relative-looking paths, tabs, options twice */
	struct kx_boot_list *bl = one("arch.conf",
		"title\tArch Linux\n"
		"linux\t/vmlinuz-linux\n"
		"initrd\t/intel-ucode.img\n"
		"  # AMD\n"
		"initrd\tinitramfs-linux.img\n"
		"options root=\"LABEL=ROOT\" rw\n"
		"options   quiet   \n");
	struct kx_boot_entry *e = &bl->e[0];

	REQUIRE(bl->n == 1);
	CHECK_STR(e->id, "arch");
	CHECK_EQ(e->ninitrd, 2);
	CHECK_STR(e->initrd[0], "/intel-ucode.img");
	CHECK_STR(e->initrd[1], "/initramfs-linux.img"); /* paths are from the root */
	CHECK_STR(e->cmdline, "root=\"LABEL=ROOT\" rw quiet");
	CHECK(e->version == NULL);
	CHECK_EQ(e->bad, KX_BOOT_OK);
}

TEST(bls_entry_syntax_edges)
{
	struct kx_boot_list *bl;
	struct kx_boot_entry *e;

	/* CRLF, no final newline, a quoted value, a key with no value */
	bl = one("crlf.conf", "title \"Quoted  Title\"\r\nversion\r\nlinux /k\r\noptions a=1");
	e = &bl->e[0];
	CHECK_STR(e->title, "Quoted  Title");
	CHECK(e->version == NULL);
	CHECK_STR(e->kernel, "/k");
	CHECK_STR(e->cmdline, "a=1");
	CHECK_EQ(e->bad, KX_BOOT_OK);

	/* lone CRs break lines too; keys are case-sensitive; the last linux wins */
	bl = one("cr.conf", "Title x\rlinux /a\rlinux /b\r");
	e = &bl->e[0];
	CHECK_STR(e->kernel, "/b");
	CHECK_STR(e->title, "cr"); /* no title, no version: the id */

	/* control characters in a title are shown as '?' */
	bl = one("esc.conf", "title A\x1b[2J\tB\x7f\nlinux /k\n");
	CHECK_STR(bl->e[0].title, "A?[2J?B?");

	/* title falls back to version */
	bl = one("v.conf", "version 6.1\nlinux /k\n");
	CHECK_STR(bl->e[0].title, "6.1");

	/* empty file: listed, no kernel */
	bl = one("empty.conf", "");
	REQUIRE(bl->n == 1);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_NO_KERNEL);
	CHECK_STR(bl->e[0].title, "empty");

	/* architecture is compared lowercase: stored lowercase */
	bl = one("a.conf", "linux /k\narchitecture AA64\n");
	CHECK_STR(bl->e[0].arch, "aa64");

	/* boot counting: the id has no counter */
	bl = one("fedora-6.1+3-1.conf", "linux /k\n");
	CHECK_STR(bl->e[0].id, "fedora-6.1");
	bl = one("fedora-6.1+0.conf", "linux /k\n");
	CHECK_STR(bl->e[0].id, "fedora-6.1");
	bl = one("a+b.conf", "linux /k\n");
	CHECK_STR(bl->e[0].id, "a+b");
	bl = one("devicetree.conf", "linux /k\ndevicetree dtbs/x.dtb\n");
	CHECK_STR(bl->e[0].dtb, "/dtbs/x.dtb");
}

TEST(bls_entry_program_kinds)
{
	static const struct {
		const char *text;
		enum kx_boot_bad bad;
		const char *detail, *kernel;
		int own;
	} rows[] = {
		{ "uki /EFI/fooos/foo.efi\n", KX_BOOT_OK, NULL, "/EFI/fooos/foo.efi", 1 },
		{ "uki /foo.efi\noptions x=1\n", KX_BOOT_OK, NULL, "/foo.efi", 0 },
		{ "efi /EFI/tools/shell.efi\n", KX_BOOT_EFI_PROGRAM, "/EFI/tools/shell.efi", NULL, 0 },
		{ "uki-url http://example.com/fooos.efi\n", KX_BOOT_REMOTE,
		  "http://example.com/fooos.efi", NULL, 0 },
		{ "title only\noptions x\n", KX_BOOT_NO_KERNEL, NULL, NULL, 0 },
		{ "linux /k\nefi /e.efi\n", KX_BOOT_SYNTAX, "a second program key on line 2", NULL, 0 },
		{ "linux /k\ndevicetree /a.dtb\ndevicetree-overlay /o1.dtbo /o2.dtbo\n",
		  KX_BOOT_SYNTAX, "devicetree-overlay on line 3", "/k", 0 },
		{ "linux /k\nprofile 1\n", KX_BOOT_SYNTAX, "profile without uki on line 2", "/k", 0 },
		{ "linux\n", KX_BOOT_NO_KERNEL, NULL, NULL, 0 },
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct kx_boot_list *bl = one("e.conf", rows[i].text);
		struct kx_boot_entry *e = &bl->e[0];
		T_ROW("%u: %s", i, rows[i].text);
		CHECK_EQ(e->bad, rows[i].bad);
		CHECK_STR(e->bad_detail, rows[i].detail);
		CHECK_STR(e->kernel, rows[i].kernel);
		CHECK_EQ(e->cmdline_own, rows[i].own);
	}
	{
		struct kx_boot_list *bl = one("p.conf", "uki /u.efi\nprofile 2\n");
		CHECK_EQ(bl->e[0].profile, 2);
		CHECK_EQ(bl->e[0].bad, KX_BOOT_OK);
	}
}

TEST(bls_entry_hostile)
{
	struct kx_boot_list *bl;
	struct kx_boot_entry *e;
	size_t n = 20000, i;
	char *big = malloc(n + 100), *many, *p;
	static const char nul[] = "title A\nlinux /k\0\ninitrd /x\n";

	REQUIRE(big);
	/* a line over KX_BOOT_MAX_LINE: skipped, the entry marked, the rest read */
	strcpy(big, "linux /k\noptions ");
	memset(big + strlen(big), 'x', n);
	strcpy(big + 17 + n, "\ntitle T\n");
	bl = one("big.conf", big);
	e = &bl->e[0];
	CHECK_EQ(e->bad, KX_BOOT_TOO_BIG);
	CHECK_STR(e->bad_detail, "line 2");
	CHECK_STR(e->title, "T");
	CHECK(e->cmdline == NULL);
	free(big);

	/* a NUL ends the file (the line before it counts) */
	bl = memfs_list_new();
	kx_bls_entry(bl, 0, "/loader/entries/n.conf", "n.conf", (const uint8_t *)nul, sizeof(nul) - 1);
	e = &bl->e[0];
	CHECK_EQ(e->bad, KX_BOOT_SYNTAX);
	CHECK_STR(e->bad_detail, "a NUL byte on line 2");
	CHECK_STR(e->kernel, "/k");
	CHECK_EQ(e->ninitrd, 0);

	/* 10000 initrd lines: too many, no crash, bounded */
	many = malloc(10000 * 12 + 16);
	REQUIRE(many);
	strcpy(many, "linux /k\n");
	for (i = 0, p = many + strlen(many); i < 10000; i++, p += 10)
		memcpy(p, "initrd /i\n", 11);
	bl = one("many.conf", many);
	e = &bl->e[0];
	CHECK_EQ(e->bad, KX_BOOT_TOO_MANY_INITRDS);
	CHECK_EQ(e->ninitrd, KX_BOOT_MAX_INITRDS);
	free(many);

	/* exactly the cap: fine */
	bl = one("eight.conf", "linux /k\ninitrd /1\ninitrd /2\ninitrd /3\ninitrd /4\ninitrd /5\n"
			       "initrd /6\ninitrd /7\ninitrd /8\n");
	CHECK_EQ(bl->e[0].bad, KX_BOOT_OK);
	CHECK_EQ(bl->e[0].ninitrd, 8);
	CHECK_STR(bl->e[0].initrd[7], "/8");

	/* options joined past the cap */
	many = malloc(2000 * 19 + 64);
	REQUIRE(many);
	strcpy(many, "linux /k\n");
	for (i = 0, p = many + strlen(many); i < 2000; i++, p += 19)
		memcpy(p, "options 0123456789\n", 20);
	bl = one("opts.conf", many);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_TOO_BIG);
	CHECK_STR(bl->e[0].bad_detail, "the joined options");
	CHECK(strlen(bl->e[0].cmdline) <= KX_BOOT_MAX_LINE);
	free(many);

	/* the table full: nothing added, counted */
	bl = memfs_list_new();
	for (i = 0; i < KX_BOOT_MAX_ENTRIES + 3; i++)
		kx_bls_entry(bl, 0, "/e.conf", "e.conf", (const uint8_t *)"linux /k\n", 9);
	CHECK_EQ(bl->n, KX_BOOT_MAX_ENTRIES);
	CHECK_EQ(bl->dropped, 3);
}

/* ---- loader.conf ------------------------------------------------------------------------- */

TEST(bls_loader_conf)
{
	static const struct { const char *text; const char *dflt; int timeout; } rows[] = {
		{ "default arch.conf\ntimeout 4\neditor no\nconsole-mode max\n", "arch.conf", 4 },
		{ "default  fedora-*\ntimeout menu-force\n", "fedora-*", -1 },
		{ "timeout menu-hidden\ndefault @saved\n", NULL, 0 },
		{ "timeout 0\n", NULL, 0 },
		{ "timeout menu-disabled\n", NULL, 0 },
		{ "timeout 3s\n", NULL, -1 },          /* not a number: ignored */
		{ "timeout 99999999999999\n", NULL, 0x7fffffff },
		{ "#default x\n default  \"a b.CONF\"  \r\n", "a b.CONF", -1 },
		{ "default foo.efi\ndefault bar.efi\n", "bar.efi", -1 }, /* the last one */
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct kx_boot_list *bl = memfs_list_new();
		T_ROW("%u", i);
		kx_bls_loader_conf(bl, 3, (const uint8_t *)rows[i].text, strlen(rows[i].text));
		CHECK_STR(bl->conf_default[3], rows[i].dflt);
		CHECK(bl->conf_default[0] == NULL);
		CHECK_EQ(bl->timeout, rows[i].timeout);
	}
	{
		/* the first volume's timeout stays; a volume past the table is ignored */
		struct kx_boot_list *bl = memfs_list_new();
		kx_bls_loader_conf(bl, 0, (const uint8_t *)"timeout 5\n", 10);
		kx_bls_loader_conf(bl, 1, (const uint8_t *)"timeout 7\n", 10);
		CHECK_EQ(bl->timeout, 5);
		kx_bls_loader_conf(bl, KX_BOOT_MAX_VOLS, (const uint8_t *)"default x\n", 10);
		CHECK_EQ(bl->n, 0);
	}
}

/* ---- ordering ------------------------------------------------------------------------------ */

static void add_conf(struct kx_boot_list *bl, const char *name, const char *text)
{
	char path[300];
	snprintf(path, sizeof(path), "/loader/entries/%s", name);
	kx_bls_entry(bl, 0, path, name, (const uint8_t *)text, strlen(text));
}

TEST(bls_sort_spec_order)
{
	struct kx_boot_list *bl = memfs_list_new();
	static const char *const want[] = {
		"debian-6.1",        /* sort-key debian < fedora */
		"fedora-b-6.6",      /* fedora, machine-id aaa: newest version first */
		"fedora-b-6.5",
		"fedora-a-6.7",      /* machine-id bbb */
		"zz-11",             /* no sort-key: by id, newest version first */
		"zz-9",
		"aa",
		"fedora-bad-7.0",    /* no tries left: last */
	};
	unsigned i;

	/* a placeholder before `from` stays where it is */
	add_conf(bl, "first.conf", "linux /k\n");
	add_conf(bl, "aa.conf", "linux /k\n");
	add_conf(bl, "zz-9.conf", "linux /k\n");
	add_conf(bl, "fedora-bad-7.0+0-3.conf", "sort-key fedora\nversion 7.0\nlinux /k\n");
	add_conf(bl, "fedora-b-6.5.conf", "sort-key fedora\nmachine-id aaa\nversion 6.5\nlinux /k\n");
	add_conf(bl, "fedora-a-6.7.conf", "sort-key fedora\nmachine-id bbb\nversion 6.7\nlinux /k\n");
	add_conf(bl, "zz-11.conf", "linux /k\n");
	add_conf(bl, "fedora-b-6.6.conf", "sort-key fedora\nmachine-id aaa\nversion 6.6\nlinux /k\n");
	add_conf(bl, "debian-6.1.conf", "sort-key debian\nversion 6.1\nlinux /k\n");
	kx_bls_sort(bl, 1);
	REQUIRE(bl->n == 1 + T_ARRAY_SIZE(want));
	CHECK_STR(bl->e[0].id, "first");
	for (i = 0; i < T_ARRAY_SIZE(want); i++) {
		T_ROW("%u", i);
		CHECK_STR(bl->e[1 + i].id, want[i]);
	}
}

TEST(bls_sort_tries_and_stability)
{
	struct kx_boot_list *bl = memfs_list_new();

	/* ids newest first (y before x); the same id: more tries left first, then fewer
	 * done; equal ones keep their order */
	add_conf(bl, "x+1-2.conf", "title one\nlinux /k\n");
	add_conf(bl, "x+2-1.conf", "title two\nlinux /k\n");
	add_conf(bl, "x+2.conf", "title three\nlinux /k\n");
	add_conf(bl, "y.conf", "title y1\nlinux /k\n");
	add_conf(bl, "y.conf", "title y2\nlinux /k\n");
	kx_bls_sort(bl, 0);
	CHECK_STR(bl->e[0].title, "y1");
	CHECK_STR(bl->e[1].title, "y2");
	CHECK_STR(bl->e[2].title, "three");
	CHECK_STR(bl->e[3].title, "two");
	CHECK_STR(bl->e[4].title, "one");
	kx_bls_sort(bl, 5); /* nothing to do */
	kx_bls_sort(bl, 99);
	CHECK_STR(bl->e[4].title, "one");
}

/* ---- UKIs ------------------------------------------------------------------------------------ */

struct sec {
	const char *name;
	const char *data; /* NULL: n bytes of a pattern */
	size_t n;
};

/* A PE32+ with these sections (data 512-aligned after the headers). */
static uint8_t *uki_build(uint16_t machine, const struct sec *s, unsigned n, size_t *len)
{
	size_t tab = 0x40 + 4 + 20 + 0xf0, at = (tab + n * 40 + 0x1ff) & ~(size_t)0x1ff, i, j;
	size_t off[32];
	uint8_t *b;

	for (i = 0; i < n; i++) {
		off[i] = at;
		at += (s[i].n + 0x1ff) & ~(size_t)0x1ff;
	}
	b = calloc(1, at ? at : 1);
	if (!b)
		abort();
	b[0] = 'M';
	b[1] = 'Z';
	kx_put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	kx_put16(b + 0x44, machine);
	kx_put16(b + 0x46, (uint16_t)n);
	kx_put16(b + 0x44 + 16, 0xf0);
	kx_put16(b + 0x58, 0x20b);
	kx_put16(b + 0x58 + 68, 10);
	for (i = 0; i < n; i++) {
		uint8_t *e = b + tab + i * 40;
		memcpy(e, s[i].name, strnlen(s[i].name, 8));
		kx_put32(e + 8, (uint32_t)s[i].n);
		kx_put32(e + 12, (uint32_t)(0x10000 * (i + 1)));
		kx_put32(e + 16, (uint32_t)((s[i].n + 0x1ff) & ~(size_t)0x1ff));
		kx_put32(e + 20, (uint32_t)off[i]);
		for (j = 0; j < s[i].n; j++)
			b[off[i] + j] = s[i].data ? (uint8_t)s[i].data[j] : (uint8_t)(j * 7 + i);
	}
	*len = at;
	return b;
}

#define S(name, text) { name, text, sizeof(text) - 1 }

static struct kx_boot_list *uki(uint16_t machine, const char *name, const struct sec *s, unsigned n)
{
	struct kx_boot_list *bl = memfs_list_new();
	char path[300];
	size_t len;
	uint8_t *b = uki_build(machine, s, n, &len);

	snprintf(path, sizeof(path), "/EFI/Linux/%s", name);
	kx_uki_entries(bl, 1, path, name, b, len);
	free(b); /* every string the entries hold is in the arena */
	return bl;
}

TEST(bls_uki_single)
{
	static const struct sec s[] = {
		{ ".text", NULL, 100 },
		S(".osrel", "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n"
			    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
		S(".cmdline", "root=/dev/vda1 console=ttyS0\n"),
		S(".uname", "6.1.0-13-amd64\n"),
		{ ".linux", NULL, 3000 },
		{ ".initrd", NULL, 700 },
	};
	struct kx_boot_list *bl = uki(KX_PE_MACHINE_AMD64, "debian-6.1.0-13-amd64.efi", s, 6);
	struct kx_boot_entry *e = &bl->e[0];

	REQUIRE(bl->n == 1);
	CHECK_EQ(e->format, KX_BOOT_UKI);
	CHECK_EQ(e->bad, KX_BOOT_OK);
	CHECK_STR(e->id, "debian-6.1.0-13-amd64.efi");
	CHECK_STR(e->title, "Debian GNU/Linux 12 (bookworm)");
	CHECK_STR(e->version, "6.1.0-13-amd64");
	CHECK_STR(e->sort_key, "debian");
	CHECK_STR(e->cmdline, "root=/dev/vda1 console=ttyS0");
	CHECK_EQ(e->cmdline_own, 1);
	CHECK_STR(e->kernel, "/EFI/Linux/debian-6.1.0-13-amd64.efi");
	CHECK_STR(e->source, "/EFI/Linux/debian-6.1.0-13-amd64.efi");
	CHECK_STR(e->arch, "x64");
	CHECK_EQ(e->vol, 1);
	CHECK_EQ(e->profile, -1);
	CHECK_EQ(e->ninitrd, 0);
}

TEST(bls_uki_metadata_fallbacks)
{
	static const struct sec bare[] = { { ".linux", NULL, 50 } };
	static const struct sec osr[] = {
		{ ".linux", NULL, 50 },
		S(".osrel", "ID=arch\nNAME=\"Arch Linux\"\nIMAGE_ID=img\nIMAGE_VERSION=7\nBUILD_ID=rolling\n"
			    "VERSION_ID=x\n"),
	};
	static const struct sec ctl[] = {
		{ ".linux", NULL, 50 },
		S(".osrel", "PRETTY_NAME=\"Evil\x1b[2J OS\"\nBUILD_ID=b1\n"),
	};
	struct kx_boot_list *bl;

	/* no .osrel, no .cmdline: the file name, nothing own */
	bl = uki(KX_PE_MACHINE_ARM64, "linux+2-1.efi", bare, 1);
	CHECK_STR(bl->e[0].id, "linux.efi"); /* no boot counter in the id */
	CHECK_STR(bl->e[0].title, "linux");
	CHECK(bl->e[0].version == NULL && bl->e[0].sort_key == NULL && bl->e[0].cmdline == NULL);
	CHECK_EQ(bl->e[0].cmdline_own, 0);
	CHECK_STR(bl->e[0].arch, "aa64");
	CHECK_EQ(bl->e[0].bad, KX_BOOT_OK);

	/* IMAGE_ID before NAME, IMAGE_VERSION for the version, IMAGE_ID the sort key */
	bl = uki(KX_PE_MACHINE_I386, "a.EFI", osr, 2);
	CHECK_STR(bl->e[0].id, "a.EFI");
	CHECK_STR(bl->e[0].title, "img");
	CHECK_STR(bl->e[0].version, "7");
	CHECK_STR(bl->e[0].sort_key, "img");
	CHECK_STR(bl->e[0].arch, "ia32");

	/* control characters never reach a menu */
	bl = uki(0x1234, "c.efi", ctl, 2);
	CHECK_STR(bl->e[0].title, "Evil?[2J OS");
	CHECK_STR(bl->e[0].version, "b1");
	CHECK(bl->e[0].arch == NULL);
}

TEST(bls_uki_profiles)
{
	/* the UKI spec's example: a base, then three profiles */
	static const struct sec s[] = {
		{ ".linux", NULL, 2000 },
		S(".osrel", "ID=fooos\nPRETTY_NAME=\"Foo OS\"\nVERSION_ID=3\n"),
		S(".cmdline", "quiet"),
		S(".profile", "ID=regular\nTITLE=\"Regular boot\"\n"),
		S(".profile", "ID=factory-reset\nTITLE=\"Reset Device to Factory Defaults\"\n"),
		S(".cmdline", "quiet systemd.unit=factory-reset.target"),
		S(".profile", "ID=storagetm\n"),
		S(".cmdline", "quiet rd.systemd.unit=storage-target-mode.target"),
		S(".profile", ""),
		S(".cmdline", "quiet"),
	};
	struct kx_boot_list *bl = uki(KX_PE_MACHINE_AMD64, "foo.efi", s, T_ARRAY_SIZE(s));
	struct kx_boot_entry *e = bl->e;

	REQUIRE(bl->n == 4);
	CHECK_STR(e[0].id, "foo.efi");
	CHECK_STR(e[1].id, "foo.efi@1");
	CHECK_STR(e[2].id, "foo.efi@2");
	CHECK_STR(e[3].id, "foo.efi@3");
	CHECK_STR(e[0].title, "Foo OS (Regular boot)");
	CHECK_STR(e[1].title, "Foo OS (Reset Device to Factory Defaults)");
	CHECK_STR(e[2].title, "Foo OS (storagetm)");
	CHECK_STR(e[3].title, "Foo OS (profile 3)");
	CHECK_STR(e[0].cmdline, "quiet");
	CHECK_EQ(e[0].cmdline_own, 1);
	CHECK_STR(e[1].cmdline, "quiet systemd.unit=factory-reset.target");
	CHECK_EQ(e[1].cmdline_own, 0); /* not profile 0's: kx must pass it */
	CHECK_STR(e[2].cmdline, "quiet rd.systemd.unit=storage-target-mode.target");
	CHECK_EQ(e[2].cmdline_own, 0);
	CHECK_STR(e[3].cmdline, "quiet");
	CHECK_EQ(e[3].cmdline_own, 1); /* the same text as profile 0's */
	for (unsigned i = 0; i < 4; i++) {
		T_ROW("profile %u", i);
		CHECK_EQ(e[i].profile, (int)i);
		CHECK_EQ(e[i].bad, KX_BOOT_OK);
		CHECK_STR(e[i].kernel, "/EFI/Linux/foo.efi");
		CHECK_STR(e[i].sort_key, "fooos");
	}
	/* sorted with others: the profiles of one UKI stay in profile order */
	kx_bls_sort(bl, 0);
	CHECK_STR(e[0].id, "foo.efi");
	CHECK_STR(e[3].id, "foo.efi@3");
}

TEST(bls_uki_profiles_kx_cannot_boot)
{
	static const struct sec s[] = {
		{ ".linux", NULL, 2000 },
		S(".cmdline", "base"),
		S(".profile", "ID=a\n"),
		S(".cmdline", "zero"),
		S(".profile", "ID=b\n"),             /* 1: no .cmdline: base's "base" */
		S(".profile", "ID=c\n"),             /* 2: its own initrd */
		{ ".initrd", NULL, 10 },
		S(".profile", "ID=d\n"),             /* 3: two .cmdline */
		S(".cmdline", "x"),
		S(".cmdline", "y"),
		S(".profile", "ID=e\n"),             /* 4: its own .linux */
		{ ".linux", NULL, 100 },
		S(".profile", "ID=f\n"),             /* 5: its own .dtb */
		S(".dtb", "\xd0\x0d\xfe\xed"),
	};
	struct kx_boot_list *bl = uki(KX_PE_MACHINE_AMD64, "m.efi", s, T_ARRAY_SIZE(s));
	struct kx_boot_entry *e = bl->e;

	REQUIRE(bl->n == 6);
	CHECK_STR(e[0].cmdline, "zero");
	CHECK_EQ(e[0].cmdline_own, 1);
	CHECK_EQ(e[0].bad, KX_BOOT_OK);
	CHECK_STR(e[1].cmdline, "base");
	CHECK_EQ(e[1].cmdline_own, 0);
	CHECK_EQ(e[1].bad, KX_BOOT_OK);
	CHECK_EQ(e[2].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(e[2].bad_detail, "profile replaces .initrd");
	CHECK_EQ(e[3].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(e[3].bad_detail, "a second .cmdline section");
	CHECK_EQ(e[4].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(e[4].bad_detail, "profile replaces .linux");
	CHECK_EQ(e[5].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(e[5].bad_detail, "profile replaces .dtb");
	CHECK_STR(e[5].title, "m (f)");
}

TEST(bls_uki_profile_without_cmdline)
{
	/* profile 0 has a command line, profile 1 and the base none: kx passes "" */
	static const struct sec s[] = {
		{ ".linux", NULL, 20 },
		S(".profile", ""),
		S(".cmdline", "p0"),
		S(".profile", "TITLE=one\n"),
	};
	struct kx_boot_list *bl = uki(KX_PE_MACHINE_AMD64, "p.efi", s, T_ARRAY_SIZE(s));

	REQUIRE(bl->n == 2);
	CHECK_STR(bl->e[0].title, "p");
	CHECK_STR(bl->e[1].title, "p (one)");
	CHECK_STR(bl->e[1].cmdline, "");
	CHECK_EQ(bl->e[1].cmdline_own, 0);
	CHECK_EQ(bl->e[1].bad, KX_BOOT_OK);
}

TEST(bls_uki_not_a_uki)
{
	static const struct sec pe[] = { { ".text", NULL, 20 } };
	static const struct sec dup[] = { { ".linux", NULL, 20 }, S(".cmdline", "a"),
					  S(".cmdline", "b") };
	static char bigc[5000];
	const struct sec big[] = { { ".linux", NULL, 20 }, { ".cmdline", bigc, sizeof(bigc) } };
	struct kx_boot_list *bl = memfs_list_new();
	size_t len;
	uint8_t *b;

	kx_uki_entries(bl, 0, "/EFI/Linux/t.efi", "t.efi", (const uint8_t *)"hello", 5);
	REQUIRE(bl->n == 1);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(bl->e[0].id, "t.efi");
	CHECK_STR(bl->e[0].title, "t.efi");
	kx_uki_entries(bl, 0, "/EFI/Linux/e.efi", "e.efi", NULL, 0);
	CHECK_EQ(bl->e[1].bad, KX_BOOT_NOT_KERNEL);

	bl = uki(KX_PE_MACHINE_AMD64, "pe.efi", pe, 1);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_NOT_KERNEL);
	CHECK_STR(bl->e[0].bad_detail, "no .linux section: not a UKI");
	bl = uki(KX_PE_MACHINE_AMD64, "dup.efi", dup, 3);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_NOT_KERNEL);
	memset(bigc, 'c', sizeof(bigc));
	bl = uki(KX_PE_MACHINE_AMD64, "big.efi", big, 2);
	CHECK_EQ(bl->e[0].bad, KX_BOOT_TOO_BIG);

	/* every truncation of a real-looking UKI: listed, never a crash */
	{
		static const struct sec s[] = { S(".osrel", "ID=x\n"), S(".cmdline", "c"),
						S(".profile", "ID=p\n"), { ".linux", NULL, 600 } };
		size_t cut;
		b = uki_build(KX_PE_MACHINE_AMD64, s, 4, &len);
		for (cut = 0; cut <= len; cut += 7) {
			bl = memfs_list_new();
			kx_uki_entries(bl, 0, "/EFI/Linux/x.efi", "x.efi", b, cut);
			T_ROW("cut %zu", cut);
			CHECK(bl->n >= 1);
			/* the last section's data (.linux, 600 of its 0x400 bytes) ends the need */
			CHECK_EQ(bl->e[0].bad == KX_BOOT_OK, cut >= len - 0x400 + 600);
		}
		free(b);
	}
}

/* ---- plain /boot --------------------------------------------------------------------------- */

static struct kx_boot_list *plain(struct memfs *m, const char *dir)
{
	struct kx_boot_list *bl = memfs_list_new();
	struct kx_boot_fs fs = memfs_ops(m);
	kx_plain_scan(bl, &fs, 0, dir);
	return bl;
}

TEST(bls_plain_debian)
{
	struct memfs m = { 0 };
	struct kx_boot_list *bl;

	memfs_volume(&m, "/dev/vda1", NULL, NULL);
	memfs_file(&m, 0, "/boot/config-6.1.0-9-amd64", "x", 1);
	memfs_file(&m, 0, "/boot/vmlinuz-6.1.0-9-amd64", "k", 1);
	memfs_file(&m, 0, "/boot/initrd.img-6.1.0-9-amd64", "i", 1);
	memfs_file(&m, 0, "/boot/System.map-6.1.0-13-amd64", "x", 1);
	memfs_file(&m, 0, "/boot/vmlinuz-6.1.0-13-amd64", "k", 1);
	memfs_file(&m, 0, "/boot/initrd.img-6.1.0-13-amd64", "i", 1);
	memfs_file(&m, 0, "/boot/vmlinuz-6.10.1-1-amd64", "k", 1); /* no initrd */
	memfs_file(&m, 0, "/boot/vmlinuz", "k", 1);                 /* the symlinks */
	memfs_file(&m, 0, "/boot/vmlinuz.old", "k", 1);
	memfs_file(&m, 0, "/boot/initrd.img", "i", 1);
	memfs_file(&m, 0, "/boot/vmlinuz-6.1.0-13-amd64.bak", "k", 1);
	memfs_file(&m, 0, "/boot/grub/grub.cfg", "x", 1);
	bl = plain(&m, "/boot");
	REQUIRE(bl->n == 3);
	CHECK_STR(bl->e[0].id, "vmlinuz-6.10.1-1-amd64");
	CHECK_EQ(bl->e[0].ninitrd, 0);
	CHECK_STR(bl->e[1].id, "vmlinuz-6.1.0-13-amd64");
	CHECK_STR(bl->e[1].title, "Linux 6.1.0-13-amd64");
	CHECK_STR(bl->e[1].version, "6.1.0-13-amd64");
	CHECK_STR(bl->e[1].kernel, "/boot/vmlinuz-6.1.0-13-amd64");
	CHECK_STR(bl->e[1].source, "/boot/vmlinuz-6.1.0-13-amd64");
	CHECK_EQ(bl->e[1].ninitrd, 1);
	CHECK_STR(bl->e[1].initrd[0], "/boot/initrd.img-6.1.0-13-amd64");
	CHECK_STR(bl->e[2].id, "vmlinuz-6.1.0-9-amd64");
	CHECK_STR(bl->e[2].initrd[0], "/boot/initrd.img-6.1.0-9-amd64");
	CHECK_EQ(bl->e[2].format, KX_BOOT_PLAIN);
	CHECK_EQ(bl->e[2].bad, KX_BOOT_OK);
	CHECK(bl->e[2].cmdline == NULL);
}

TEST(bls_plain_fedora_arch_bare)
{
	struct memfs m = { 0 };
	struct kx_boot_list *bl;

	/* Fedora in the volume's root: rescue last, initramfs-V.img */
	memfs_file(&m, 0, "/vmlinuz-0-rescue-6a9857a393724b7a981ebb5b8495b9ea", "k", 1);
	memfs_file(&m, 0, "/initramfs-0-rescue-6a9857a393724b7a981ebb5b8495b9ea.img", "i", 1);
	memfs_file(&m, 0, "/vmlinuz-6.5.6-300.fc39.x86_64", "k", 1);
	memfs_file(&m, 0, "/initramfs-6.5.6-300.fc39.x86_64.img", "i", 1);
	memfs_file(&m, 0, "/.vmlinuz-6.5.6-300.fc39.x86_64.hmac", "h", 1);
	memfs_file(&m, 0, "/loader/entries/x.conf", "h", 1);
	bl = plain(&m, "/");
	REQUIRE(bl->n == 2);
	CHECK_STR(bl->e[0].kernel, "/vmlinuz-6.5.6-300.fc39.x86_64");
	CHECK_STR(bl->e[0].initrd[0], "/initramfs-6.5.6-300.fc39.x86_64.img");
	CHECK_STR(bl->e[1].id, "vmlinuz-0-rescue-6a9857a393724b7a981ebb5b8495b9ea");
	CHECK_STR(bl->e[1].initrd[0], "/initramfs-0-rescue-6a9857a393724b7a981ebb5b8495b9ea.img");

	/* Arch: vmlinuz-linux pairs with initramfs-linux.img, not the fallback */
	memset(&m, 0, sizeof(m));
	memfs_file(&m, 0, "/boot/initramfs-linux-fallback.img", "i", 1);
	memfs_file(&m, 0, "/boot/vmlinuz-linux", "k", 1);
	memfs_file(&m, 0, "/boot/initramfs-linux.img", "i", 1);
	memfs_file(&m, 0, "/boot/intel-ucode.img", "u", 1);
	bl = plain(&m, "/boot/");
	REQUIRE(bl->n == 1);
	CHECK_STR(bl->e[0].initrd[0], "/boot/initramfs-linux.img");
	CHECK_EQ(bl->e[0].ninitrd, 1);

	/* initrd preference: initrd.img-V over initramfs-V.img over initrd-V.img over initrd-V */
	memset(&m, 0, sizeof(m));
	memfs_file(&m, 0, "/b/initrd-1.2", "i", 1);
	memfs_file(&m, 0, "/b/Image-1.2", "k", 1);
	memfs_file(&m, 0, "/b/initrd-1.2.img", "i", 1);
	bl = plain(&m, "/b");
	REQUIRE(bl->n == 1);
	CHECK_STR(bl->e[0].initrd[0], "/b/initrd-1.2.img");

	/* a board: a bare Image and initrd, nothing versioned */
	memset(&m, 0, sizeof(m));
	memfs_file(&m, 0, "/Image", "k", 1);
	memfs_file(&m, 0, "/initrd", "i", 1);
	memfs_file(&m, 0, "/bzImage-", "k", 1); /* no version: not a kernel name */
	bl = plain(&m, "/");
	REQUIRE(bl->n == 1);
	CHECK_STR(bl->e[0].id, "Image");
	CHECK_STR(bl->e[0].title, "Linux");
	CHECK(bl->e[0].version == NULL);
	CHECK_STR(bl->e[0].initrd[0], "/initrd");

	/* no such directory, no kernels: nothing */
	bl = plain(&m, "/nope");
	CHECK_EQ(bl->n, 0);
}

TEST(bls_plain_many)
{
	/* many kernels: newest first */
	static char names[300][40];
	struct memfs *m = calloc(1, sizeof(*m));
	struct kx_boot_list *bl;
	unsigned i;

	REQUIRE(m);
	for (i = 0; i < MEMFS_MAX_FILES; i++) {
		snprintf(names[i], sizeof(names[i]), "/boot/vmlinuz-5.%u", i);
		memfs_file(m, 0, names[i], "k", 1);
	}
	bl = plain(m, "/boot");
	CHECK_EQ(bl->n, MEMFS_MAX_FILES);
	CHECK_STR(bl->e[0].version, "5.127");
	CHECK_STR(bl->e[MEMFS_MAX_FILES - 1].version, "5.0");
	free(m);
}

/* ---- a real UKI ------------------------------------------------------------------------------ */

/* The 8-byte Name of the section table entry named from: to (in place). */
static int rename_section(uint8_t *b, size_t len, const char *from, const char *to)
{
	size_t pe, tab, i, n;

	if (len < 0x40 || (pe = kx_le32(b + 0x3c)) > len - 24)
		return 0;
	n = kx_le16(b + pe + 6);
	tab = pe + 24 + kx_le16(b + pe + 20);
	for (i = 0; i < n && tab + (i + 1) * 40 <= len; i++)
		if (!strncmp((const char *)b + tab + i * 40, from, 8)) {
			memset(b + tab + i * 40, 0, 8);
			memcpy(b + tab + i * 40, to, strlen(to));
			return 1;
		}
	return 0;
}

/*
 * tests/e2e/mkuki.sh around the Debian kernel with Debian's systemd stub
 * (cached, never downloaded here); then two profiles added with objcopy
 * under placeholder names, renamed to .profile / .cmdline in memory (objcopy
 * will not add a second section of one name).
 */
TEST(bls_uki_real_stub)
{
	const char *k = find_vmlinuz(), *cache = getenv("KX_E2E_CACHE");
	char dir[] = "/tmp/kx-unit-bls.XXXXXX", sh[8192], stub[4096], a[300], m[300];
	struct kx_boot_list *bl;
	uint8_t *b;
	size_t len;
	int rc;

	snprintf(stub, sizeof(stub), "%s/systemd-boot-efi/usr/lib/systemd/boot/efi/linuxx64.efi.stub",
		 cache && *cache ? cache : "tests/e2e/cache");
	if (!k)
		SKIP("no vmlinuz under tests/e2e/cache/*/boot");
	if (access(stub, R_OK) != 0)
		SKIP("no cached systemd stub (run tests/e2e/mkuki.sh --stub once)");
	if (system("command -v objcopy >/dev/null 2>&1 && command -v objdump >/dev/null 2>&1") != 0)
		SKIP("no objcopy/objdump (binutils)");
	REQUIRE(mkdtemp(dir) != 0);
	snprintf(a, sizeof(a), "%s/debian.efi", dir);
	snprintf(m, sizeof(m), "%s/multi.efi", dir);
	REQUIRE(snprintf(sh, sizeof(sh),
		"set -e; cd %s; printf 'ID=main\\n' >p0; printf 'ID=rescue\\nTITLE=\"Rescue shell\"\\n' >p1; "
		"printf 'console=ttyS0 rescue' >c1; cd - >/dev/null; "
		"KX_UKI_OFFLINE=1 KX_UKI_STUB='%s' tests/e2e/mkuki.sh '%s' '' 'console=ttyS0 quiet' '%s' "
		">/dev/null 2>%s/log; "
		"set -- $(objdump -h '%s' | awk '$2 == \".linux\" { print $3, $4 }'); "
		"v=$(( (0x$2 + 0x$1 + 0xfff) & ~0xfff )); "
		"objcopy --add-section .kxp0=%s/p0 --change-section-vma .kxp0=$v "
		"--add-section .kxp1=%s/p1 --change-section-vma .kxp1=$((v + 0x1000)) "
		"--add-section .kxc1=%s/c1 --change-section-vma .kxc1=$((v + 0x2000)) '%s' '%s' 2>>%s/log",
		dir, stub, k, a, dir, a, dir, dir, dir, a, m, dir) < (int)sizeof(sh));
	rc = system(sh);
	if (!CHECK(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0)) {
		snprintf(sh, sizeof(sh), "cat %s/log >&2", dir);
		if (system(sh)) {
		}
		goto out;
	}

	REQUIRE((b = read_whole(a, &len)) != 0);
	bl = memfs_list_new();
	kx_uki_entries(bl, 0, "/EFI/Linux/debian.efi", "debian.efi", b, len);
	free(b);
	if (CHECK_EQ(bl->n, 1)) {
		struct kx_boot_entry *e = &bl->e[0];
		CHECK_EQ(e->bad, KX_BOOT_OK);
		CHECK_STR(e->id, "debian.efi");
		CHECK(e->title && !strncmp(e->title, "kx test UKI ", 12)); /* mkuki.sh's .osrel */
		CHECK_STR(e->sort_key, "kx-test");
		CHECK(e->version && !strncmp(e->version, "6.", 2)); /* .uname: the release */
		CHECK_STR(e->cmdline, "console=ttyS0 quiet");
		CHECK_EQ(e->cmdline_own, 1);
		CHECK_STR(e->arch, "x64");
		CHECK_EQ(e->profile, -1);
	}

	REQUIRE((b = read_whole(m, &len)) != 0);
	CHECK(rename_section(b, len, ".kxp0", ".profile"));
	CHECK(rename_section(b, len, ".kxp1", ".profile"));
	CHECK(rename_section(b, len, ".kxc1", ".cmdline"));
	bl = memfs_list_new();
	kx_uki_entries(bl, 0, "/EFI/Linux/multi.efi", "multi.efi", b, len);
	free(b);
	if (CHECK_EQ(bl->n, 2)) {
		struct kx_boot_entry *e = bl->e;
		CHECK_STR(e[0].id, "multi.efi");
		CHECK_EQ(e[0].profile, 0);
		CHECK_STR(e[0].cmdline, "console=ttyS0 quiet");
		CHECK_EQ(e[0].cmdline_own, 1);
		CHECK_STR(e[1].id, "multi.efi@1");
		CHECK(e[1].title && strstr(e[1].title, " (Rescue shell)"));
		CHECK_STR(e[1].cmdline, "console=ttyS0 rescue");
		CHECK_EQ(e[1].cmdline_own, 0);
		CHECK_EQ(e[0].bad, KX_BOOT_OK);
		CHECK_EQ(e[1].bad, KX_BOOT_OK);
	}
out:
	snprintf(sh, sizeof(sh), "rm -rf '%s'", dir);
	CHECK_EQ(system(sh), 0);
}
