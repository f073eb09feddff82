/* U-Boot legacy images (include/kx/uimage.h). Every field is read through
 * the byte readers and checked; nothing is trusted. */
#include <kx/bytes.h>
#include <kx/uimage.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t kx_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	/* four bits at a time: a 16-entry table, no state */
	static const uint32_t t[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return ~crc;
}

int kx_uimage_probe(const uint8_t *buf, size_t len)
{
	return buf && len >= KX_UIMAGE_HDR && be32(buf) == KX_UIMAGE_MAGIC;
}

struct kx_err kx_uimage_parse(const uint8_t *buf, size_t len, unsigned arch, struct kx_uimage *u)
{
	static const enum kx_comp comps[] = { KX_COMP_NONE, KX_COMP_GZIP, KX_COMP_BZIP2,
		KX_COMP_LZMA, KX_COMP_LZO, KX_COMP_LZ4, KX_COMP_ZSTD };
	uint8_t h[KX_UIMAGE_HDR];
	uint32_t hcrc, dcrc;

	if (len < KX_UIMAGE_HDR)
		return kx_err(KX_E_TRUNCATED, "uImage header", KX_UIMAGE_HDR, len);
	if (be32(buf) != KX_UIMAGE_MAGIC)
		return kx_err(KX_E_BAD_HEADER, "uImage magic", be32(buf), 0);
	kx_memcpy(h, buf, sizeof(h));
	hcrc = be32(h + 4);
	kx_memset(h + 4, 0, 4);
	if (kx_crc32(0, h, sizeof(h)) != hcrc)
		return kx_err(KX_E_UIMAGE, 0, KX_UI_HEADER_CRC, hcrc);
	u->size = be32(buf + 12);
	u->load = be32(buf + 16);
	u->ep = be32(buf + 20);
	dcrc = be32(buf + 24);
	u->os = buf[28];
	u->arch = buf[29];
	u->type = buf[30];
	u->ucomp = buf[31];
	kx_memcpy(u->name, buf + 32, 32);
	u->name[32] = 0;
	if (u->size > len - KX_UIMAGE_HDR)
		return kx_err(KX_E_TRUNCATED, "uImage data", (uint64_t)u->size + KX_UIMAGE_HDR, len);
	if (u->type != KX_UI_TYPE_KERNEL && u->type != KX_UI_TYPE_KERNEL_NOLOAD)
		return kx_err(KX_E_UIMAGE, 0, KX_UI_TYPE, u->type);
	if (u->os != KX_UI_OS_LINUX)
		return kx_err(KX_E_UIMAGE, 0, KX_UI_OS, u->os);
	if (u->arch != arch)
		return kx_err(KX_E_UIMAGE, 0, KX_UI_ARCH, u->arch);
	if (u->ucomp >= sizeof(comps) / sizeof(comps[0]))
		return kx_err(KX_E_UIMAGE, 0, KX_UI_COMP, u->ucomp);
	u->comp = comps[u->ucomp];
	u->payload = buf + KX_UIMAGE_HDR;
	if (kx_crc32(0, u->payload, u->size) != dcrc)
		return kx_err(KX_E_UIMAGE, 0, KX_UI_DATA_CRC, dcrc);
	return KX_NOERR;
}
