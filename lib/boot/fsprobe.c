/*
 * Which file system a device holds, and its uuid and label as blkid and GRUB
 * print them (docs/bootfs.md), from the first KX_FSPROBE_LEN bytes of it.
 * The bytes come from a disk anyone may have written: every field is read
 * through a bounds check against len, every loop is bounded by len or a
 * small constant, and nothing found is trusted to be terminated or sane.
 *
 * Order: signatures of things kx does not mount first (a swap area keeps an
 * old ext superblock at 1 KiB: mkswap clears only the first KiB), then the
 * file systems, then partition tables (a hybrid ISO has an MBR too; a FAT
 * boot sector ends in 0x55aa like an MBR).
 */
#include <kx/boot.h>
#include <kx/bytes.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* len bytes at off are within the buffer */
static int has(size_t buflen, uint64_t off, uint64_t n)
{
	return off <= buflen && n <= buflen - off;
}

static void set(char *d, size_t cap, const char *s)
{
	size_t i;
	for (i = 0; s[i] && i + 1 < cap; i++)
		d[i] = s[i];
	d[i] = 0;
}

static const char hexl[] = "0123456789abcdef";
static const char hexu[] = "0123456789ABCDEF";

/* 16 bytes as 8-4-4-4-12 lower-case hex; "" when they are all zero. */
static void uuid16(char out[40], const uint8_t *u)
{
	unsigned i, o = 0, zero = 1;
	for (i = 0; i < 16; i++) {
		if (u[i])
			zero = 0;
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexl[u[i] >> 4];
		out[o++] = hexl[u[i] & 15];
	}
	out[zero ? 0 : o] = 0;
}

/* A label field of n bytes: up to its first NUL, trailing spaces dropped,
 * control bytes shown as '?'. */
static void label_bytes(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, o = 0;
	for (i = 0; i < n && p[i] && o + 1 < cap; i++)
		out[o++] = p[i] < 0x20 || p[i] == 0x7f ? '?' : (char)p[i];
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

/* UCS-2/UTF-16 big-endian (Joliet) to UTF-8, n bytes, same rules. */
static void label_utf16be(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, o = 0;
	for (i = 0; i + 1 < n; i += 2) {
		uint32_t c = be16(p + i);
		uint8_t u[4];
		unsigned k, nu;
		if (!c)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n && be16(p + i + 2) >= 0xdc00 &&
		    be16(p + i + 2) < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (be16(p + i + 2) - 0xdc00u);
			i += 2;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = '?';
		}
		if (c < 0x20 || c == 0x7f)
			c = '?';
		if (c < 0x80) {
			u[0] = (uint8_t)c, nu = 1;
		} else if (c < 0x800) {
			u[0] = (uint8_t)(0xc0 | c >> 6), u[1] = (uint8_t)(0x80 | (c & 63)), nu = 2;
		} else if (c < 0x10000) {
			u[0] = (uint8_t)(0xe0 | c >> 12), u[1] = (uint8_t)(0x80 | (c >> 6 & 63));
			u[2] = (uint8_t)(0x80 | (c & 63)), nu = 3;
		} else {
			u[0] = (uint8_t)(0xf0 | c >> 18), u[1] = (uint8_t)(0x80 | (c >> 12 & 63));
			u[2] = (uint8_t)(0x80 | (c >> 6 & 63)), u[3] = (uint8_t)(0x80 | (c & 63)), nu = 4;
		}
		if (o + nu + 1 > cap)
			break;
		for (k = 0; k < nu; k++)
			out[o++] = (char)u[k];
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

/* ---- things kx does not mount ------------------------------------------------------ */

static const char *other(const uint8_t *b, size_t len)
{
	static const uint32_t pages[] = { 4096, 8192, 16384, 65536 };
	unsigned i;

	if (has(len, 0, 6) && !kx_memcmp(b, "LUKS\xba\xbe", 6))
		return "crypto_LUKS";
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (has(len, pages[i] - 10, 10) && (!kx_memcmp(b + pages[i] - 10, "SWAPSPACE2", 10) ||
						    !kx_memcmp(b + pages[i] - 10, "SWAP-SPACE", 10)))
			return "swap";
	/* md superblock 1.1 (at 0) and 1.2 (at 4 KiB); 0.90 and 1.0 are at the
	 * end of the device: the volume layer skips devices that are in use */
	if ((has(len, 0, 4) && kx_le32(b) == 0xa92b4efc) ||
	    (has(len, 4096, 4) && kx_le32(b + 4096) == 0xa92b4efc))
		return "linux_raid_member";
	for (i = 0; i < 4; i++)
		if (has(len, i * 512u, 32) && !kx_memcmp(b + i * 512, "LABELONE", 8) &&
		    !kx_memcmp(b + i * 512 + 24, "LVM2 001", 8))
			return "LVM2_member";
	if (has(len, 3, 8) && !kx_memcmp(b + 3, "NTFS    ", 8))
		return "ntfs";
	if (has(len, 3, 8) && !kx_memcmp(b + 3, "EXFAT   ", 8))
		return "exfat";
	return 0;
}

/* ---- ext2/3/4: the superblock at 1 KiB --------------------------------------------- */

#define EXT_COMPAT_JOURNAL   0x4u
#define EXT_INCOMPAT_JDEV    0x8u
#define EXT2_INCOMPAT_OK     (0x2u | 0x10u)        /* filetype, meta_bg */
#define EXT3_INCOMPAT_OK     (0x2u | 0x4u | 0x10u) /* and recover */
#define EXT_RO_OK            (0x1u | 0x2u | 0x4u)  /* sparse_super, large_file, btree_dir */

static int ext(const uint8_t *buf, size_t len, struct kx_fsinfo *fi)
{
	const uint8_t *s = buf + 1024;
	uint32_t compat, incompat, ro;

	if (!has(len, 1024, 1024) || kx_le16(s + 0x38) != 0xef53 || kx_le32(s + 0x18) > 6)
		return 0;
	compat = kx_le32(s + 0x5c);
	incompat = kx_le32(s + 0x60);
	ro = kx_le32(s + 0x64);
	if (incompat & EXT_INCOMPAT_JDEV) {
		set(fi->type, sizeof(fi->type), "jbd");
		return KX_PROBE_OTHER;
	}
	if (!(compat & EXT_COMPAT_JOURNAL))
		set(fi->type, sizeof(fi->type),
		    (incompat & ~EXT2_INCOMPAT_OK) || (ro & ~EXT_RO_OK) ? "ext4" : "ext2");
	else
		set(fi->type, sizeof(fi->type),
		    (incompat & ~EXT3_INCOMPAT_OK) || (ro & ~EXT_RO_OK) ? "ext4" : "ext3");
	uuid16(fi->uuid, s + 0x68);
	label_bytes(fi->label, sizeof(fi->label), s + 0x78, 16);
	return KX_PROBE_FS;
}

/* ---- xfs: the superblock at 0, big-endian ----------------------------------------- */

static int xfs(const uint8_t *b, size_t len, struct kx_fsinfo *fi)
{
	uint32_t bs;
	uint16_t ss;

	if (!has(len, 0, 512) || kx_memcmp(b, "XFSB", 4))
		return 0;
	bs = be32(b + 4);
	ss = be16(b + 102);
	if (bs < 512 || bs > 65536 || !kx_is_pow2(bs) || ss < 512 || ss > 32768 || !kx_is_pow2(ss))
		return 0;
	set(fi->type, sizeof(fi->type), "xfs");
	uuid16(fi->uuid, b + 32);
	label_bytes(fi->label, sizeof(fi->label), b + 108, 12);
	return KX_PROBE_FS;
}

/* ---- btrfs: the superblock at 64 KiB ---------------------------------------------- */

static int btrfs(const uint8_t *buf, size_t len, struct kx_fsinfo *fi)
{
	const uint8_t *s = buf + 65536;

	if (!has(len, 65536, 0x12b + 256) || kx_memcmp(s + 0x40, "_BHRfS_M", 8) ||
	    kx_le64(s + 0x30) != 65536)
		return 0;
	set(fi->type, sizeof(fi->type), "btrfs");
	uuid16(fi->uuid, s + 0x20);
	label_bytes(fi->label, sizeof(fi->label), s + 0x12b, 256);
	return KX_PROBE_FS;
}

/* ---- vfat: the BIOS parameter block at 0 ------------------------------------------- */

/* The volume label entry among n bytes of directory entries at dir, if any. */
static int fat_dir_label(const uint8_t *dir, size_t n, char *out, size_t cap)
{
	size_t i;
	for (i = 0; i + 32 <= n; i += 32) {
		const uint8_t *d = dir + i;
		uint8_t name[11];
		if (d[0] == 0)
			break;
		if (d[0] == 0xe5 || d[11] == 0x0f || (d[11] & 0x18) != 0x08)
			continue; /* deleted, a long-name piece, a directory or file */
		kx_memcpy(name, d, 11);
		if (name[0] == 0x05)
			name[0] = 0xe5;
		label_bytes(out, cap, name, 11);
		return 1;
	}
	return 0;
}

static int vfat(const uint8_t *b, size_t len, struct kx_fsinfo *fi)
{
	uint32_t bps, spc, res, nfat, fatsz, serial;
	uint64_t dir, dirlen;
	const uint8_t *ext; /* the extended boot record: signature, serial, label, type */
	char lab[16];

	if (!has(len, 0, 512))
		return 0;
	bps = kx_le16(b + 11);
	spc = b[13];
	res = kx_le16(b + 14);
	nfat = b[16];
	if (bps < 512 || bps > 4096 || !kx_is_pow2(bps) || !spc || !kx_is_pow2(spc) || !res ||
	    !nfat || nfat > 4 || (b[21] != 0xf0 && b[21] < 0xf8))
		return 0;
	fatsz = kx_le16(b + 22);
	if (fatsz) {
		ext = b + 0x26;
		if (kx_memcmp(b + 0x36, "FAT", 3))
			return 0;
		dir = ((uint64_t)res + (uint64_t)nfat * fatsz) * bps;
		dirlen = (uint64_t)kx_le16(b + 17) * 32;
	} else {
		uint32_t clus = kx_le32(b + 44);
		fatsz = kx_le32(b + 36);
		ext = b + 0x42;
		if (!fatsz || kx_memcmp(b + 0x52, "FAT32", 5) || clus < 2)
			return 0;
		dir = ((uint64_t)res + (uint64_t)nfat * fatsz + (uint64_t)(clus - 2) * spc) * bps;
		dirlen = (uint64_t)spc * bps;
	}
	if (ext[0] != 0x29 && ext[0] != 0x28)
		return 0;
	set(fi->type, sizeof(fi->type), "vfat");
	serial = kx_le32(ext + 1);
	{
		unsigned i;
		for (i = 0; i < 9; i++)
			fi->uuid[i] = i == 4 ? '-' : hexu[serial >> (28 - 4 * (i - (i > 4))) & 15];
		fi->uuid[9] = 0;
	}
	/* the label: the root directory's volume entry (what blkid and GRUB
	 * show; mkfs.vfat -n writes both), else the boot sector's */
	if (dir < len && fat_dir_label(b + dir, (size_t)(dirlen < len - dir ? dirlen : len - dir),
				      fi->label, sizeof(fi->label)))
		return KX_PROBE_FS;
	if (ext[0] == 0x29) {
		label_bytes(lab, sizeof(lab), ext + 5, 11);
		if (kx_memcmp(lab, "NO NAME", 8))
			set(fi->label, sizeof(fi->label), lab);
	}
	return KX_PROBE_FS;
}

/* ---- iso9660: volume descriptors from 32 KiB ------------------------------------- */

/* "YYYY-MM-DD-HH-MM-SS-CC" from a descriptor date (16 digits and a zone), or 0. */
static int iso_date(char out[40], const uint8_t *d)
{
	unsigned i, o = 0, nonzero = 0;
	for (i = 0; i < 16; i++) {
		if (d[i] < '0' || d[i] > '9')
			return 0;
		nonzero |= d[i] != '0';
	}
	if (!nonzero)
		return 0;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10 || i == 12 || i == 14)
			out[o++] = '-';
		out[o++] = (char)d[i];
	}
	out[o] = 0;
	return 1;
}

static int iso9660(const uint8_t *buf, size_t len, struct kx_fsinfo *fi)
{
	const uint8_t *pvd = 0, *joliet = 0;
	unsigned s;

	for (s = 16; s < 16 + 32 && has(len, s * 2048ull, 2048); s++) {
		const uint8_t *d = buf + s * 2048;
		if (kx_memcmp(d + 1, "CD001", 5))
			break;
		if (d[0] == 255)
			break;
		if (d[0] == 1 && !pvd)
			pvd = d;
		if (d[0] == 2 && !joliet && d[88] == '%' && d[89] == '/' &&
		    (d[90] == '@' || d[90] == 'C' || d[90] == 'E'))
			joliet = d;
	}
	if (!pvd)
		return 0;
	set(fi->type, sizeof(fi->type), "iso9660");
	if (!iso_date(fi->uuid, pvd + 830))
		(void)iso_date(fi->uuid, pvd + 813);
	if (joliet)
		label_utf16be(fi->label, sizeof(fi->label), joliet + 40, 32);
	if (!fi->label[0])
		label_bytes(fi->label, sizeof(fi->label), pvd + 40, 32);
	return KX_PROBE_FS;
}

/* ---- partition tables ------------------------------------------------------------ */

static const char *ptable(const uint8_t *b, size_t len)
{
	unsigned i, used = 0;

	if ((has(len, 512, 8) && !kx_memcmp(b + 512, "EFI PART", 8)) ||
	    (has(len, 4096, 8) && !kx_memcmp(b + 4096, "EFI PART", 8)))
		return "gpt";
	if (!has(len, 0, 512) || b[510] != 0x55 || b[511] != 0xaa)
		return 0;
	for (i = 0; i < 4; i++) {
		const uint8_t *p = b + 446 + 16 * i;
		if (p[0] != 0 && p[0] != 0x80)
			return 0;
		used += p[4] != 0;
	}
	return used ? "dos" : 0;
}

enum kx_probe kx_fsprobe(const uint8_t *buf, size_t len, struct kx_fsinfo *fi)
{
	const char *t;
	int r;

	kx_memset(fi, 0, sizeof(*fi));
	if (!buf)
		return KX_PROBE_NONE;
	if ((t = other(buf, len))) {
		set(fi->type, sizeof(fi->type), t);
		return KX_PROBE_OTHER;
	}
	if ((r = ext(buf, len, fi)) || (r = xfs(buf, len, fi)) || (r = btrfs(buf, len, fi)) ||
	    (r = vfat(buf, len, fi)) || (r = iso9660(buf, len, fi)))
		return (enum kx_probe)r;
	if ((t = ptable(buf, len))) {
		set(fi->type, sizeof(fi->type), t);
		return KX_PROBE_PTABLE;
	}
	kx_memset(fi, 0, sizeof(*fi));
	return KX_PROBE_NONE;
}

/* ---- PARTUUID ------------------------------------------------------------------- */

static void hexn(char *o, uint32_t v, unsigned digits)
{
	unsigned i;
	for (i = 0; i < digits; i++)
		o[i] = hexl[v >> (4 * (digits - 1 - i)) & 15];
}

int kx_partuuid(const uint8_t *d, size_t len, unsigned partno, char out[40])
{
	static const uint32_t sizes[] = { 512, 4096 };
	unsigned i, k;

	out[0] = 0;
	if (!d || !partno)
		return 0;
	for (i = 0; i < 2; i++) {
		const uint8_t *h = d + sizes[i], *g;
		uint64_t lba, off;
		uint32_t n, esz;
		if (!has(len, sizes[i], 92) || kx_memcmp(h, "EFI PART", 8))
			continue;
		lba = kx_le64(h + 72);
		n = kx_le32(h + 80);
		esz = kx_le32(h + 84);
		if (partno > n || esz < 128 || esz > 4096 || lba > UINT64_MAX / sizes[i])
			return 0;
		off = lba * sizes[i];
		if (off > UINT64_MAX - (uint64_t)(partno - 1) * esz)
			return 0;
		off += (uint64_t)(partno - 1) * esz;
		if (!has(len, off, 32))
			return 0;
		g = d + off + 16;
		for (k = 0; k < 16 && !g[k]; k++)
			;
		if (k == 16)
			return 0;
		/* a GUID: its first three fields little-endian */
		hexn(out, kx_le32(g), 8);
		out[8] = '-';
		hexn(out + 9, kx_le16(g + 4), 4);
		out[13] = '-';
		hexn(out + 14, kx_le16(g + 6), 4);
		out[18] = '-';
		hexn(out + 19, (uint32_t)g[8] << 8 | g[9], 4);
		out[23] = '-';
		for (k = 0; k < 6; k++)
			hexn(out + 24 + 2 * k, g[10 + k], 2);
		out[36] = 0;
		return 1;
	}
	if (ptable(d, len) && has(len, 0, 512) && kx_le32(d + 440) && partno < 256) {
		hexn(out, kx_le32(d + 440), 8);
		out[8] = '-';
		hexn(out + 9, partno, 2);
		out[11] = 0;
		return 1;
	}
	return 0;
}

/* ---- the order of device names ---------------------------------------------------- */

static int digit(char c) { return c >= '0' && c <= '9'; }

int kx_devname_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (digit(*a) && digit(*b)) {
			const char *x = a, *y = b;
			size_t la, lb;
			int c;
			while (*x == '0' && digit(x[1]))
				x++;
			while (*y == '0' && digit(y[1]))
				y++;
			for (a = x; digit(*a); a++)
				;
			for (b = y; digit(*b); b++)
				;
			la = (size_t)(a - x), lb = (size_t)(b - y);
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = kx_memcmp(x, y, la)))
				return c < 0 ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++, b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}
