/*
 * PE/COFF parser and Unified Kernel Image (UKI) sections.
 * Every field is read through kx_le*; every offset is checked against what is
 * left of the file (never a sum that could wrap); the section loop is capped.
 */
#include <kx/bytes.h>
#include <kx/range.h>

/* [off, off + n) inside the len bytes of the file (a sum that wraps is not) */
#define IN_FILE(off, n) kx_range_contains(kx_range_at(0, len), kx_range_at((off), (n)))
#include <kx/pe.h>

#define DOS_LEN        0x40
#define DOS_LFANEW     0x3c
#define COFF_LEN       20     /* after the 4-byte signature */
#define COFF_MACHINE   0
#define COFF_NSECT     2
#define COFF_SYMTAB    8
#define COFF_NSYMS     12
#define COFF_OPTSZ     16
#define COFF_CHARS     18
#define SYM_LEN        18     /* one COFF symbol table record */
#define SECT_LEN       40
#define SH_VSIZE       8
#define SH_VADDR       12
#define SH_RAWSIZE     16
#define SH_RAWOFF      20
#define SH_CHARS       36
/* optional header: offsets common to PE32 and PE32+ */
#define OH_ENTRY       16
#define OH_SECT_ALIGN  32
#define OH_FILE_ALIGN  36
#define OH_IMAGE_SIZE  56
#define OH_HDR_SIZE    60
#define OH_SUBSYSTEM   68
#define OH_BASE32      28     /* PE32: 4 bytes */
#define OH_BASE64      24     /* PE32+: 8 bytes */
#define OH_MIN32       96     /* through NumberOfRvaAndSizes */
#define OH_MIN64       112

/* Validated headers, enough to walk the section table. */
struct hdr {
	uint32_t pe_off;
	unsigned nsect;
	size_t sect_off;       /* section table, nsect * 40 bytes inside the file */
	size_t strtab;         /* COFF string table offset, 0 = none */
	size_t strtab_len;     /* its size (first 4 bytes included), clamped to the file */
};

/* The COFF string table, if PointerToSymbolTable places one in the file. */
static void find_strtab(const uint8_t *buf, size_t len, const uint8_t *coff, struct hdr *h)
{
	uint64_t sym = kx_le32(coff + COFF_SYMTAB);
	uint64_t at, n;

	h->strtab = 0;
	h->strtab_len = 0;
	if (!sym)
		return;
	at = sym + (uint64_t)kx_le32(coff + COFF_NSYMS) * SYM_LEN; /* < 2^37: no wrap */
	if (!IN_FILE(at, 4))
		return;
	n = kx_le32(buf + at);
	if (n < 4)
		return;
	if (n > len - at)
		n = len - at;
	h->strtab = (size_t)at;
	h->strtab_len = (size_t)n;
}

static struct kx_err headers(const uint8_t *buf, size_t len, struct hdr *h, struct kx_pe *pe)
{
	const uint8_t *coff, *opt;
	uint32_t lfanew;
	uint16_t optsz, magic;
	size_t opt_off;
	uint64_t need;

	if (len < DOS_LEN)
		return kx_err(KX_E_TRUNCATED, "DOS header", DOS_LEN, len);
	if (buf[0] != 'M' || buf[1] != 'Z')
		return kx_err(KX_PE_E_NOT_PE, "MZ signature", kx_le16(buf), 0);
	lfanew = kx_le32(buf + DOS_LFANEW);
	if (lfanew & 0x80000000u) /* a LONG: negative */
		return kx_err(KX_E_BAD_HEADER, "e_lfanew", lfanew, 0);
	if (!IN_FILE(lfanew, 4))
		return kx_err(KX_E_TRUNCATED, "PE header", (uint64_t)lfanew + 4 + COFF_LEN, len);
	if (kx_memcmp(buf + lfanew, "PE\0\0", 4))
		return kx_err(KX_PE_E_NOT_PE, "PE signature", kx_le32(buf + lfanew), 0);
	if (!IN_FILE((uint64_t)lfanew + 4, COFF_LEN))
		return kx_err(KX_E_TRUNCATED, "PE header", (uint64_t)lfanew + 4 + COFF_LEN, len);
	coff = buf + lfanew + 4;
	h->pe_off = lfanew;
	h->nsect = kx_le16(coff + COFF_NSECT);
	if (h->nsect > KX_PE_MAX_SECTIONS)
		return kx_err(KX_E_TOO_MANY, "PE sections", KX_PE_MAX_SECTIONS, h->nsect);

	optsz = kx_le16(coff + COFF_OPTSZ);
	opt_off = (size_t)lfanew + 4 + COFF_LEN; /* inside the file, checked above */
	if (optsz < 2)
		return kx_err(KX_E_BAD_HEADER, "SizeOfOptionalHeader", optsz, 0);
	if (!IN_FILE(opt_off, optsz))
		return kx_err(KX_E_TRUNCATED, "PE optional header", (uint64_t)opt_off + optsz, len);
	opt = buf + opt_off;
	magic = kx_le16(opt);
	if (magic != KX_PE_MAGIC_PE32 && magic != KX_PE_MAGIC_PE32PLUS)
		return kx_err(KX_E_BAD_HEADER, "PE optional header magic", magic, 0);
	if (optsz < (magic == KX_PE_MAGIC_PE32 ? OH_MIN32 : OH_MIN64))
		return kx_err(KX_E_BAD_HEADER, "SizeOfOptionalHeader", optsz, 0);

	h->sect_off = opt_off + optsz;
	need = (uint64_t)h->nsect * SECT_LEN;
	if (!IN_FILE(h->sect_off, need))
		return kx_err(KX_E_TRUNCATED, "PE section table", (uint64_t)h->sect_off + need, len);
	find_strtab(buf, len, coff, h);

	if (pe) {
		pe->pe_off = lfanew;
		pe->machine = kx_le16(coff + COFF_MACHINE);
		pe->characteristics = kx_le16(coff + COFF_CHARS);
		pe->opt_magic = magic;
		pe->entry = kx_le32(opt + OH_ENTRY);
		pe->image_base = magic == KX_PE_MAGIC_PE32 ? kx_le32(opt + OH_BASE32)
							   : kx_le64(opt + OH_BASE64);
		pe->section_align = kx_le32(opt + OH_SECT_ALIGN);
		pe->file_align = kx_le32(opt + OH_FILE_ALIGN);
		pe->size_of_image = kx_le32(opt + OH_IMAGE_SIZE);
		pe->size_of_headers = kx_le32(opt + OH_HDR_SIZE);
		pe->subsystem = kx_le16(opt + OH_SUBSYSTEM);
		pe->nsect = h->nsect;
	}
	return KX_NOERR;
}

/* "/N": the NUL-terminated entry at offset N of the string table, or NULL. */
static const char *long_name(const uint8_t *buf, const struct hdr *h, const uint8_t *raw)
{
	size_t n = 0, i;
	const uint8_t *s;

	if (raw[0] != '/' || !h->strtab)
		return 0;
	for (i = 1; i < 8 && raw[i]; i++) {
		if (raw[i] < '0' || raw[i] > '9')
			return 0; /* also "//base64" names: not resolved */
		n = n * 10 + (size_t)(raw[i] - '0'); /* <= 7 digits: no overflow */
	}
	if (i == 1 || n < 4 || n >= h->strtab_len)
		return 0;
	s = buf + h->strtab + n;
	for (i = 0; i < h->strtab_len - n; i++)
		if (!s[i])
			return (const char *)s;
	return 0; /* no NUL before the end of the table */
}

static struct kx_err section(const uint8_t *buf, size_t len, const struct hdr *h, unsigned i,
			     struct kx_pe_section *s)
{
	const uint8_t *e = buf + h->sect_off + (size_t)i * SECT_LEN; /* table is inside */
	uint32_t use;

	kx_memcpy(s->name, e, 8);
	s->name[8] = 0;
	s->long_name = long_name(buf, h, e);
	s->vsize = kx_le32(e + SH_VSIZE);
	s->vaddr = kx_le32(e + SH_VADDR);
	s->raw_size = kx_le32(e + SH_RAWSIZE);
	s->raw_off = kx_le32(e + SH_RAWOFF);
	s->flags = kx_le32(e + SH_CHARS);
	use = s->vsize && s->vsize < s->raw_size ? s->vsize : s->raw_size;
	s->data = 0;
	s->len = 0;
	if (!use)
		return KX_NOERR;
	if (!IN_FILE(s->raw_off, use))
		return kx_err(KX_E_TRUNCATED, "PE section data", (uint64_t)s->raw_off + use, len);
	s->data = buf + s->raw_off;
	s->len = use;
	return KX_NOERR;
}

/* Compare a NUL-terminated name with a C string (both bounded by the shorter). */
static int streq(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] == b[i]; i++)
		if (!a[i])
			return 1;
	return 0;
}

int kx_pe_section_is(const struct kx_pe_section *s, const char *name)
{
	return streq(s->long_name ? s->long_name : s->name, name);
}

struct kx_err kx_pe_parse(const uint8_t *buf, size_t len, struct kx_pe *out)
{
	struct hdr h;
	struct kx_err err;
	unsigned i;

	kx_memset(out, 0, sizeof(*out));
	err = headers(buf, len, &h, out);
	if (KX_FAILED(err))
		return err;
	for (i = 0; i < h.nsect; i++) {
		err = section(buf, len, &h, i, &out->sect[i]);
		if (KX_FAILED(err))
			return err;
	}
	return KX_NOERR;
}

const struct kx_pe_section *kx_pe_find(const struct kx_pe *pe, const char *name)
{
	unsigned i;

	for (i = 0; i < pe->nsect && i < KX_PE_MAX_SECTIONS; i++)
		if (kx_pe_section_is(&pe->sect[i], name))
			return &pe->sect[i];
	return 0;
}

/* ---- UKI ---------------------------------------------------------------- */
/* UKI sections are matched on the 8-byte Name field only, as systemd-stub
 * does: a "/N" long name is never a UKI section. */

enum { U_LINUX, U_INITRD, U_CMDLINE, U_UCODE, U_OSREL, U_UNAME, U_DTB, U_N };

static const struct {
	const char *name; /* also the `what` of KX_PE_E_DUP */
} uki_sect[U_N] = {
	[U_LINUX] = { ".linux" },
	[U_INITRD] = { ".initrd" },
	[U_CMDLINE] = { ".cmdline" },
	[U_UCODE] = { ".ucode" },
	[U_OSREL] = { ".osrel" },
	[U_UNAME] = { ".uname" },
	[U_DTB] = { ".dtb" },
};

static int uki_kind(const struct kx_pe_section *s)
{
	int k;

	for (k = 0; k < U_N; k++)
		if (streq(s->name, uki_sect[k].name))
			return k;
	return -1;
}

/* Text: up to the first NUL; trim_nl also drops one trailing "\n" or "\r\n". */
static size_t text_len(const uint8_t *p, size_t n, int trim_nl)
{
	size_t i;

	for (i = 0; i < n && p[i]; i++)
		;
	if (trim_nl && i && p[i - 1] == '\n') {
		i--;
		if (i && p[i - 1] == '\r')
			i--;
	}
	return i;
}

/* Headers and section table only: section data is checked by kx_uki_parse,
 * so that a truncated UKI gets a precise error rather than "unknown type". */
int kx_uki_probe(const uint8_t *buf, size_t len)
{
	struct hdr h;
	char name[9];
	unsigned i;

	if (KX_FAILED(headers(buf, len, &h, 0)))
		return 0;
	name[8] = 0;
	for (i = 0; i < h.nsect; i++) { /* the table is inside the file */
		kx_memcpy(name, buf + h.sect_off + (size_t)i * SECT_LEN, 8);
		if (streq(name, ".linux"))
			return 1;
	}
	return 0;
}

struct kx_err kx_uki_parse(const uint8_t *buf, size_t len, struct kx_uki *u)
{
	struct kx_uki_part part[2][U_N]; /* [0] base, [1] profile 0 */
	struct kx_pe_section s;
	struct hdr h;
	struct kx_err err;
	unsigned i, seg = 0;
	int k;

	kx_memset(u, 0, sizeof(*u));
	kx_memset(part, 0, sizeof(part));
	err = headers(buf, len, &h, 0);
	if (KX_FAILED(err))
		return err;
	u->machine = kx_le16(buf + h.pe_off + 4 + COFF_MACHINE);
	for (i = 0; i < h.nsect; i++) {
		err = section(buf, len, &h, i, &s);
		if (KX_FAILED(err))
			return err;
		if (streq(s.name, ".profile")) {
			u->nprofiles++;
			seg++;
			continue;
		}
		k = uki_kind(&s);
		if (k < 0 || seg > 1)
			continue;
		if (part[seg][k].present)
			return kx_err(KX_PE_E_DUP, uki_sect[k].name, i, 0);
		part[seg][k].present = 1;
		part[seg][k].buf = s.data;
		part[seg][k].len = s.len;
	}
	for (k = 0; k < U_N; k++)
		if (part[1][k].present)
			part[0][k] = part[1][k];
	if (!part[0][U_LINUX].present)
		return kx_err(KX_PE_E_NOT_UKI, "UKI .linux section (missing)", 0, 0);
	u->kernel = part[0][U_LINUX];
	u->initrd = part[0][U_INITRD];
	u->cmdline = part[0][U_CMDLINE];
	u->ucode = part[0][U_UCODE];
	u->osrel = part[0][U_OSREL];
	u->uname = part[0][U_UNAME];
	u->dtb = part[0][U_DTB];
	u->cmdline.len = text_len(u->cmdline.buf, u->cmdline.len, 1);
	u->uname.len = text_len(u->uname.buf, u->uname.len, 1);
	u->osrel.len = text_len(u->osrel.buf, u->osrel.len, 0);
	return KX_NOERR;
}

/* ---- os-release ------------------------------------------------------------ */

int kx_osrel_value(const uint8_t *txt, size_t len, const char *key, const uint8_t **val,
		   size_t *vlen)
{
	size_t klen = kx_strlen(key), pos = 0, end, v, n;

	if (!txt || !klen)
		return 0;
	len = text_len(txt, len, 0);
	while (pos < len) {
		for (end = pos; end < len && txt[end] != '\n'; end++)
			;
		n = end - pos;
		if (n && txt[end - 1] == '\r')
			n--;
		if (n > klen && txt[pos] != '#' && txt[pos + klen] == '=' &&
		    !kx_memcmp(txt + pos, key, klen)) {
			v = pos + klen + 1;
			n -= klen + 1;
			if (n >= 2 && (txt[v] == '"' || txt[v] == '\'') && txt[v + n - 1] == txt[v]) {
				v++;
				n -= 2;
			}
			*val = txt + v;
			*vlen = n;
			return 1;
		}
		pos = end + 1; /* end < len here, or the loop ends */
	}
	return 0;
}

int kx_osrel_pretty(const uint8_t *txt, size_t len, const uint8_t **val, size_t *vlen)
{
	return kx_osrel_value(txt, len, "PRETTY_NAME", val, vlen) ||
	       kx_osrel_value(txt, len, "NAME", val, vlen);
}
