/*
 * EFI zboot images (Linux's drivers/firmware/efi/libstub/zboot-header.S, on
 * arm64, riscv and loongarch): a PE stub with "zimg" at 4, the payload's
 * offset and size at 8 and 12, its compression's name at 24. The payload is
 * the compressed kernel Image; libkx/unwrap.c unpacks it.
 */
#include <kx/bytes.h>
#include <kx/comp.h>

#define ZB_O_TYPE     4
#define ZB_O_OFF      8
#define ZB_O_SIZE     12
#define ZB_O_COMP     24
#define ZB_HDR        0x40

int kx_zboot_probe(const uint8_t *buf, size_t len)
{
	return buf && len >= ZB_HDR && buf[0] == 'M' && buf[1] == 'Z' &&
	       !kx_memcmp(buf + ZB_O_TYPE, "zimg", 4);
}

struct kx_err kx_zboot_parse(const uint8_t *buf, size_t len, struct kx_zboot *z)
{
	size_t i;

	if (len < ZB_HDR)
		return kx_err(KX_E_TRUNCATED, "EFI zboot header", ZB_HDR, len);
	if (!kx_zboot_probe(buf, len))
		return kx_err(KX_E_BAD_HEADER, "EFI zboot signature (\"zimg\" at 4)", kx_le32(buf + 4), 0);
	z->payload_off = kx_le32(buf + ZB_O_OFF);
	z->payload_len = kx_le32(buf + ZB_O_SIZE);
	for (i = 0; i < sizeof(z->comp) - 1 && ZB_O_COMP + i < 0x38 && buf[ZB_O_COMP + i]; i++) {
		uint8_t c = buf[ZB_O_COMP + i];
		if (c < 0x21 || c > 0x7e)
			return kx_err(KX_E_BAD_HEADER, "EFI zboot compression type", c, 0);
		z->comp[i] = (char)c;
	}
	z->comp[i] = 0;
	if (!i)
		return kx_err(KX_E_BAD_HEADER, "EFI zboot compression type", 0, 0);
	if (z->payload_off < ZB_HDR || !z->payload_len)
		return kx_err(KX_E_BAD_HEADER, "EFI zboot payload offset", z->payload_off, 0);
	if ((uint64_t)z->payload_off + z->payload_len > len)
		return kx_err(KX_E_TRUNCATED, "EFI zboot payload",
			      (uint64_t)z->payload_off + z->payload_len, len);
	return KX_NOERR;
}

