/* lib/boot/fsprobe.c: file systems made by their own mkfs tools
 * (tests/unit/mkfs.sh), then edited and hostile variants of them. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kx/boot.h>
#include "t.h"

#define LEN KX_FSPROBE_LEN

struct fx { const char *name; enum kx_probe r; const char *type, *uuid, *label; };

/* What blkid -p prints for each image tests/unit/mkfs.sh makes (checked
 * against its .blkid file too where blkid is installed). */
static const struct fx fixtures[] = {
	{ "ext4", KX_PROBE_FS, "ext4", "0123abcd-0000-4000-8000-00000000beef", "BOOTLBL" },
	{ "ext3", KX_PROBE_FS, "ext3", "3e3e3e3e-1111-4222-8333-444444444444", "ext3 lab" },
	{ "ext2", KX_PROBE_FS, "ext2", "2e2e2e2e-1111-4222-8333-444444444444", "" },
	{ "ext16", KX_PROBE_FS, "ext4", "16161616-1111-4222-8333-444444444444", "sixteen-chars-ab" },
	{ "fat32", KX_PROBE_FS, "vfat", "1A2B-3C4D", "ESPLABEL" },
	{ "fat16", KX_PROBE_FS, "vfat", "DEAD-BEEF", "fat16" },
	{ "fat12", KX_PROBE_FS, "vfat", "0000-C0DE", "" },
	{ "xfs", KX_PROBE_FS, "xfs", "11111111-2222-3333-4444-555555555555", "xfslab" },
	{ "btrfs", KX_PROBE_FS, "btrfs", "99999999-2222-3333-4444-555555555555", "btr lab" },
	/* GRUB's and blkid's iso9660 uuid: the modification date (2011), not the creation
	 * date (2001); the label: the Joliet volume id (UTF-8 here) */
	{ "iso", KX_PROBE_FS, "iso9660", "2011-12-13-14-15-16-00", "Vol Thr\xc3\xa9" "e" },
	{ "isonj", KX_PROBE_FS, "iso9660", "2011-12-13-14-15-16-00", "PLAIN_ISO" },
	{ "gpt", KX_PROBE_PTABLE, "gpt", "", "" },
	{ "dos", KX_PROBE_PTABLE, "dos", "", "" },
	{ "swap", KX_PROBE_OTHER, "swap", "", "" },
};

#define FXDIR "build/fsprobe-fixtures"

/* Make the images once (into build/fsprobe-fixtures, from the repository's
 * root, as make unit runs): again only when tests/unit/mkfs.sh is newer.
 * Made in a temporary directory and renamed, so a half-made set is never used. */
static const char *make_fixtures(char *why, size_t n)
{
	struct stat a, b;
	char tmp[32], cmd[512], e[160] = "";
	FILE *f;

	if (stat("tests/unit/mkfs.sh", &a)) {
		snprintf(why, n, "no tests/unit/mkfs.sh (run from the repository root)");
		return 0;
	}
	if (!stat(FXDIR "/.done", &b) && b.st_mtime >= a.st_mtime)
		return FXDIR;
	if (mkdir("build", 0755) && errno != EEXIST) {
		snprintf(why, n, "cannot make build/");
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "build/fsprobe-XXXXXX");
	if (!mkdtemp(tmp)) {
		snprintf(why, n, "mkdtemp failed");
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "sh tests/unit/mkfs.sh %s 2>%s/err && touch %s/.done && "
		 "rm -rf " FXDIR " && mv %s " FXDIR, tmp, tmp, tmp, tmp);
	if (system(cmd) == 0)
		return FXDIR;
	snprintf(cmd, sizeof(cmd), "%s/err", tmp);
	if ((f = fopen(cmd, "r"))) {
		if (!fgets(e, sizeof(e), f))
			e[0] = 0;
		fclose(f);
	}
	e[strcspn(e, "\n")] = 0;
	snprintf(why, n, "tests/unit/mkfs.sh: %s", e[0] ? e : "failed");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd)) {
	}
	return 0;
}

static uint8_t *load(const char *dir, const char *name, const char *ext, size_t *len)
{
	char path[160];
	FILE *f;
	uint8_t *b = calloc(1, LEN + 1);
	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	*len = 0;
	if (!b || !(f = fopen(path, "rb"))) {
		free(b);
		return 0;
	}
	*len = fread(b, 1, LEN, f);
	fclose(f);
	return b;
}

/* blkid's KEY=value from an export file, or "" (no escapes undone: callers
 * compare only values without spaces). */
static void blkid_value(const uint8_t *txt, size_t len, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key), i = 0;
	out[0] = 0;
	while (i < len) {
		const char *line = (const char *)txt + i;
		size_t l = strcspn(line, "\n");
		if (l > kl && !strncmp(line, key, kl) && line[kl] == '=') {
			snprintf(out, n, "%.*s", (int)(l - kl - 1), line + kl + 1);
			return;
		}
		i += l + 1;
	}
}

static int terminated(const struct kx_fsinfo *fi)
{
	return memchr(fi->type, 0, sizeof(fi->type)) && memchr(fi->uuid, 0, sizeof(fi->uuid)) &&
	       memchr(fi->label, 0, sizeof(fi->label));
}

TEST(fsprobe_real_file_systems)
{
	char why[200];
	const char *dir = make_fixtures(why, sizeof(why));
	unsigned i;

	if (!dir)
		SKIP("%s", why);
	for (i = 0; i < T_ARRAY_SIZE(fixtures); i++) {
		const struct fx *x = &fixtures[i];
		struct kx_fsinfo fi;
		size_t len, blen;
		uint8_t *b = load(dir, x->name, "head", &len), *bk;
		T_ROW("%s", x->name);
		if (!CHECK(b != 0 && len == LEN))
			continue;
		CHECK_EQ(kx_fsprobe(b, len, &fi), x->r);
		CHECK_STR(fi.type, x->type);
		CHECK_STR(fi.uuid, x->uuid);
		CHECK_STR(fi.label, x->label);
		if ((bk = load(dir, x->name, "blkid", &blen))) {
			char v[80];
			blkid_value(bk, blen, x->r == KX_PROBE_PTABLE ? "PTTYPE" : "TYPE", v, sizeof(v));
			CHECK_STR(fi.type, v);
			if (x->r == KX_PROBE_FS) {
				blkid_value(bk, blen, "UUID", v, sizeof(v));
				CHECK_STR(fi.uuid, v);
			}
			free(bk);
		}
		free(b);
	}
}

/* Every prefix of every image: no crash, no read past len (ASan in unit-san),
 * fields terminated; a prefix that holds the whole superblock gives the same
 * answer as the whole image. */
TEST(fsprobe_truncated)
{
	char why[200];
	const char *dir = make_fixtures(why, sizeof(why));
	static const size_t need[] = { 2048, 2048, 2048, 2048, 512, 512, 512, 512, 65536 + 4096,
				       32768 + 3 * 2048, 32768 + 3 * 2048, 8192, 1024, 65536 };
	unsigned i;

	if (!dir)
		SKIP("%s", why);
	for (i = 0; i < T_ARRAY_SIZE(fixtures); i++) {
		struct kx_fsinfo fi;
		size_t len, cut;
		uint8_t *b = load(dir, fixtures[i].name, "head", &len);
		T_ROW("%s", fixtures[i].name);
		if (!CHECK(b != 0))
			continue;
		for (cut = 0; cut <= len; cut += cut < 4096 ? 1 : 509) {
			/* the prefix in a buffer of exactly that size */
			uint8_t *p = malloc(cut ? cut : 1);
			enum kx_probe r;
			memcpy(p, b, cut);
			r = kx_fsprobe(p, cut, &fi);
			free(p);
			if (!CHECK(terminated(&fi)) ||
			    (cut >= need[i] && fixtures[i].r == KX_PROBE_FS && !CHECK_EQ(r, fixtures[i].r)) ||
			    (cut < 512 && !CHECK_EQ(r, KX_PROBE_NONE))) {
				T_ROW("%s cut at %zu", fixtures[i].name, cut);
				break;
			}
		}
		free(b);
	}
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Garbage, and each image with random bytes changed: no crash, terminated. */
TEST(fsprobe_garbage)
{
	static uint8_t b[LEN];
	char why[200];
	const char *dir = make_fixtures(why, sizeof(why));
	struct kx_fsinfo fi;
	uint32_t s = 12345;
	unsigned i, k, round;

	for (round = 0; round < 64; round++) {
		for (i = 0; i < LEN; i++)
			b[i] = (uint8_t)rnd(&s);
		(void)kx_fsprobe(b, LEN, &fi);
		CHECK(terminated(&fi));
	}
	memset(b, 0, LEN);
	CHECK_EQ(kx_fsprobe(b, LEN, &fi), KX_PROBE_NONE);
	CHECK_STR(fi.type, "");
	CHECK_EQ(kx_fsprobe(0, 0, &fi), KX_PROBE_NONE);
	if (!dir)
		SKIP("%s", why);
	for (i = 0; i < T_ARRAY_SIZE(fixtures); i++) {
		size_t len;
		uint8_t *f = load(dir, fixtures[i].name, "head", &len);
		if (!f)
			continue;
		for (round = 0; round < 200; round++) {
			memcpy(b, f, len);
			for (k = 0; k < 64; k++) {
				/* hit the structures: the first 4 KiB and the superblock areas */
				uint32_t at = rnd(&s) % 4;
				at = at == 0 ? rnd(&s) % 4096 : at == 1 ? 32768 + rnd(&s) % 8192 :
				     at == 2 ? 65536 + rnd(&s) % 1024 : rnd(&s) % LEN;
				b[at] = (uint8_t)rnd(&s);
			}
			(void)kx_fsprobe(b, len, &fi);
			if (!CHECK(terminated(&fi)))
				break;
		}
		free(f);
	}
}

/* Labels that fill their field without a NUL, control bytes, FAT's two labels,
 * iso9660 without a modification date, a hybrid ISO (an MBR in front). */
TEST(fsprobe_edited)
{
	char why[200];
	const char *dir = make_fixtures(why, sizeof(why));
	struct kx_fsinfo fi;
	size_t len;
	uint8_t *b;

	if (!dir)
		SKIP("%s", why);
	/* btrfs: 256 label bytes, none NUL: the first 255 */
	if ((b = load(dir, "btrfs", "head", &len))) {
		char want[256];
		memset(b + 65536 + 0x12b, 'A', 256);
		memset(want, 'A', 255);
		want[255] = 0;
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.label, want);
		free(b);
	}
	/* ext4: control bytes and DEL become '?' */
	if ((b = load(dir, "ext4", "head", &len))) {
		memcpy(b + 1024 + 0x78, "a\x1b[2Jb\x7f", 7);
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.label, "a?[2Jb?");
		/* a block size past 64 KiB: not ext */
		b[1024 + 0x18] = 7;
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_NONE);
		free(b);
	}
	/* FAT16: the root directory's label wins over the boot sector's; without a
	 * root label, the boot sector's; "NO NAME" is no label */
	if ((b = load(dir, "fat16", "head", &len))) {
		memcpy(b + 0x2b, "BOOTSECTOR ", 11);
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.label, "fat16");
		{
			/* find and delete the root directory's label entry */
			uint32_t bps = b[11] | b[12] << 8, res = b[14] | b[15] << 8;
			uint32_t fatsz = b[22] | b[23] << 8;
			size_t dir0 = (size_t)(res + b[16] * fatsz) * bps;
			REQUIRE(dir0 + 32 <= len && (b[dir0 + 11] & 0x08));
			b[dir0] = 0xe5;
		}
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.label, "BOOTSECTOR");
		memcpy(b + 0x2b, "NO NAME    ", 11);
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.label, "");
		/* no "FAT" type string: an MBR with a plausible BPB is not FAT */
		memcpy(b + 0x36, "XXXXXXXX", 8);
		CHECK_NE(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		free(b);
	}
	/* iso9660: no modification date -> the creation date; no Joliet -> the
	 * primary volume id; an MBR in front (isohybrid) is still iso9660 */
	if ((b = load(dir, "iso", "head", &len))) {
		memset(b + 32768 + 830, '0', 16);
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.uuid, "2001-02-03-04-05-06-00");
		memset(b + 32768 + 813, 0, 16);
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.uuid, "");
		b[510] = 0x55, b[511] = 0xaa, b[446 + 4] = 0x17, b[446] = 0x80;
		CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
		CHECK_STR(fi.type, "iso9660");
		/* a Joliet id of lone surrogates and NULs in the middle */
		{
			uint8_t *j = b + 32768 + 2048 + 40;
			REQUIRE(b[32768 + 2048] == 2);
			memset(j, 0, 32);
			j[0] = 0xd8, j[1] = 0x00, j[2] = 0x00, j[3] = 'x';
			CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
			CHECK_STR(fi.label, "?x");
			memset(j, 0, 32); /* empty Joliet id: the primary one */
			CHECK_EQ(kx_fsprobe(b, len, &fi), KX_PROBE_FS);
			CHECK_STR(fi.label, "Vol Thr\xc3\xa9" "e");
		}
		free(b);
	}
}

/* PARTUUIDs of the tables sfdisk wrote (uuids given, so known); hostile headers */
TEST(fsprobe_partuuid)
{
	char why[200], u[40];
	const char *dir = make_fixtures(why, sizeof(why));
	size_t len;
	uint8_t *b;

	if (!dir)
		SKIP("%s", why);
	if ((b = load(dir, "gpt", "head", &len))) {
		CHECK_EQ(kx_partuuid(b, len, 1, u), 1);
		CHECK_STR(u, "a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90");
		CHECK_EQ(kx_partuuid(b, len, 2, u), 1);
		CHECK_STR(u, "0fedcba9-8765-4321-0fed-cba987654321");
		CHECK_EQ(kx_partuuid(b, len, 3, u), 0); /* an empty slot */
		CHECK_STR(u, "");
		CHECK_EQ(kx_partuuid(b, len, 0, u), 0);
		CHECK_EQ(kx_partuuid(b, len, 129, u), 0); /* past the table */
		CHECK_EQ(kx_partuuid(b, 1024, 1, u), 0);  /* entries cut off */
		/* entries at an absurd LBA, an entry size past 4 KiB */
		memset(b + 512 + 72, 0xff, 8);
		CHECK_EQ(kx_partuuid(b, len, 1, u), 0);
		memset(b + 512 + 72, 0, 8);
		b[512 + 72] = 2;
		b[512 + 85] = 0x20;
		CHECK_EQ(kx_partuuid(b, len, 1, u), 0);
		free(b);
	}
	if ((b = load(dir, "gpt", "partuuid", &len))) {
		/* sfdisk's own answer for partition 2 */
		CHECK(len >= 36 && !strncasecmp((char *)b, "0fedcba9-8765-4321-0fed-cba987654321", 36));
		free(b);
	}
	if ((b = load(dir, "dos", "head", &len))) {
		CHECK_EQ(kx_partuuid(b, len, 2, u), 1);
		CHECK_STR(u, "1234abcd-02");
		b[510] = 0;
		CHECK_EQ(kx_partuuid(b, len, 2, u), 0);
		free(b);
	}
}

/* --scan's order: digit runs as numbers, then the rest as bytes */
TEST(fsprobe_devname_order)
{
	static const char *const sorted[] = { "dm-0", "dm-1", "dm-10", "md0", "md127", "nvme0n1",
					      "nvme0n1p1", "nvme0n1p2", "nvme0n1p10", "nvme1n1", "sda",
					      "sda1", "sda2", "sda10", "sdaa", "sdaa1", "sdb", "sr0",
					      "vda", "vda1", "vda1a", "vda01x", "vda2", "vdb" };
	unsigned i, j;

	for (i = 0; i < T_ARRAY_SIZE(sorted); i++)
		for (j = 0; j < T_ARRAY_SIZE(sorted); j++) {
			int c = kx_devname_cmp(sorted[i], sorted[j]);
			T_ROW("%s vs %s", sorted[i], sorted[j]);
			if (!CHECK_EQ(c, i < j ? -1 : i > j ? 1 : 0))
				return;
		}
	CHECK_EQ(kx_devname_cmp("", ""), 0);
	CHECK_EQ(kx_devname_cmp("", "a"), -1);
	CHECK_EQ(kx_devname_cmp("a00000000000000000000000000000001", "a2"), -1);
}
