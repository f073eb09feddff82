/*
 * Multiboot 2 kernels (i386 architecture): the header and its tags, and the
 * boot information (MBI2) built from what kx knows. The image pieces, their
 * placement and the 32-bit hand-off are shared with multiboot 1 (multiboot.c).
 */
#include <kx/bytes.h>
#include <kx/multiboot.h>

int kx_mb2_find(const uint8_t *buf, size_t len, size_t *off)
{
	static const struct kx_mb_sig mb2 = { KX_MB2_MAGIC, 4, 8, KX_MB2_SEARCH, KX_MB2_HDR_MIN };

	return kx_mb_scan(buf, len, &mb2, off);
}

int kx_multiboot2_probe(const uint8_t *buf, size_t len)
{
	size_t off;
	return kx_mb2_find(buf, len, &off);
}

/* Can the MBI carry information tag t? */
static int can_provide(uint32_t t, unsigned rsdp_len)
{
	switch (t) {
	case KX_MB2_IT_END:
	case KX_MB2_IT_CMDLINE:
	case KX_MB2_IT_LOADER:
	case KX_MB2_IT_MODULE:
	case KX_MB2_IT_MEMINFO:
	case KX_MB2_IT_MMAP:
	case KX_MB2_IT_LOAD_BASE:
		return 1;
	case KX_MB2_IT_ACPI_OLD:
		return rsdp_len >= 20;
	case KX_MB2_IT_ACPI_NEW:
		return rsdp_len >= 36;
	default:
		return 0;
	}
}

/* The smallest valid size of a known header tag (0: unknown type). */
static uint32_t tag_min(uint16_t type)
{
	switch (type) {
	case KX_MB2_HT_END: return 8;
	case KX_MB2_HT_INFO_REQ: return 8;
	case KX_MB2_HT_ADDRESS: return 24;
	case KX_MB2_HT_ENTRY: return 12;
	case KX_MB2_HT_CONSOLE: return 12;
	case KX_MB2_HT_FRAMEBUFFER: return 20;
	case KX_MB2_HT_MODULE_ALIGN: return 8;
	case KX_MB2_HT_EFI_BS: return 8;
	case KX_MB2_HT_ENTRY_EFI32: return 12;
	case KX_MB2_HT_ENTRY_EFI64: return 12;
	case KX_MB2_HT_RELOCATABLE: return 24;
	default: return 0;
	}
}

/* What one header tag (not the end tag) asks for, in h; an error when it is
 * required and kx cannot honour it. */
static struct kx_err one_tag(const uint8_t *g, uint16_t type, uint32_t size, int required,
			     unsigned rsdp_len, struct kx_mb2_header *h)
{
	uint32_t i;

	switch (type) {
	case KX_MB2_HT_INFO_REQ:
		for (i = 0; i < (size - 8) / 4; i++) {
			uint32_t want = kx_le32(g + 8 + 4 * i);
			if (want < 32)
				h->requested |= 1u << want;
			if (required && !can_provide(want, rsdp_len))
				return kx_err(KX_E_UNSUPPORTED,
					      "a multiboot2 information request kx cannot meet",
					      want, 0);
		}
		break;
	case KX_MB2_HT_ADDRESS:
		h->have_addr = 1;
		h->header_addr = kx_le32(g + 8);
		h->load_addr = kx_le32(g + 12);
		h->load_end_addr = kx_le32(g + 16);
		h->bss_end_addr = kx_le32(g + 20);
		break;
	case KX_MB2_HT_ENTRY:
		h->have_entry = 1;
		h->entry_addr = kx_le32(g + 8);
		break;
	case KX_MB2_HT_CONSOLE:
		/* bit 0: a console must be present and described in the MBI */
		if (required && (kx_le32(g + 8) & 1))
			return kx_err(KX_E_UNSUPPORTED,
				      "a described console (multiboot2 console tag)",
				      kx_le32(g + 8), 0);
		break;
	case KX_MB2_HT_FRAMEBUFFER:
		if (required)
			return kx_err(KX_E_UNSUPPORTED,
				      "a video mode (multiboot2 framebuffer tag)",
				      type, 0);
		break;
	case KX_MB2_HT_MODULE_ALIGN:
		break; /* modules are always page aligned */
	case KX_MB2_HT_EFI_BS:
	case KX_MB2_HT_ENTRY_EFI32:
	case KX_MB2_HT_ENTRY_EFI64:
		if (required)
			return kx_err(KX_E_UNSUPPORTED,
				      "EFI boot services (multiboot2 EFI tag; kx hands over in 32-bit protected mode)",
				      type, 0);
		break;
	case KX_MB2_HT_RELOCATABLE:
		/* honoured by loading where the kernel was linked */
		h->have_reloc = 1;
		h->reloc_min = kx_le32(g + 8);
		h->reloc_max = kx_le32(g + 12);
		h->reloc_align = kx_le32(g + 16);
		h->reloc_pref = kx_le32(g + 20);
		break;
	default:
		if (required)
			return kx_err(KX_E_UNSUPPORTED, "an unknown multiboot2 header tag",
				      type, 0);
	}
	return KX_NOERR;
}

struct kx_err kx_mb2_parse(const uint8_t *buf, size_t len, unsigned rsdp_len,
			   struct kx_mb2_header *h)
{
	size_t lim = len < KX_MB2_SEARCH ? len : KX_MB2_SEARCH, o, t, end;
	unsigned n;

	kx_memset(h, 0, sizeof(*h));
	if (!kx_mb2_find(buf, len, &h->off)) {
		for (o = 0; lim >= KX_MB2_HDR_MIN && o <= lim - KX_MB2_HDR_MIN; o += 8)
			if (kx_le32(buf + o) == KX_MB2_MAGIC)
				return kx_err(KX_E_BAD_HEADER, "multiboot2 header checksum",
					      kx_le32(buf + o + 12), o);
		return kx_err(KX_E_BAD_HEADER, "multiboot2 header (no magic in the first 32 KiB)", 0, 0);
	}
	o = h->off;
	if (kx_le32(buf + o + 4) != KX_MB2_ARCH_I386)
		return kx_err(KX_E_BAD_HEADER, "multiboot2 architecture (not i386)",
			      kx_le32(buf + o + 4), 0);
	h->header_length = kx_le32(buf + o + 8);
	if (h->header_length < KX_MB2_HDR_MIN + 8)
		return kx_err(KX_E_BAD_HEADER, "multiboot2 header_length (no room for the end tag)",
			      h->header_length, 0);
	if (h->header_length > len - o)
		return kx_err(KX_E_TRUNCATED, "multiboot2 header", (uint64_t)o + h->header_length, len);
	if (h->header_length > KX_MB2_SEARCH - o)
		return kx_err(KX_E_BAD_HEADER, "multiboot2 header_length (past the first 32 KiB)",
			      h->header_length, o);

	end = o + h->header_length;
	for (t = o + KX_MB2_HDR_MIN, n = 0;; n++) {
		const uint8_t *g = buf + t;
		uint16_t type, flags;
		uint32_t size, min;
		int required;
		struct kx_err err;

		if (n == KX_MB2_MAX_TAGS)
			return kx_err(KX_E_TOO_MANY, "multiboot2 header tags", KX_MB2_MAX_TAGS, 0);
		if (t > end || end - t < 8)
			return kx_err(KX_E_BAD_HEADER, "multiboot2 header tags (no end tag)",
				      t - o, h->header_length);
		type = kx_le16(g);
		flags = kx_le16(g + 2);
		size = kx_le32(g + 4);
		required = !(flags & KX_MB2_TAG_OPTIONAL);
		if (size < 8)
			return kx_err(KX_E_BAD_HEADER, "multiboot2 header tag size (below 8)", size, type);
		if (size > end - t)
			return kx_err(KX_E_BAD_HEADER, "multiboot2 header tag size (past header_length)",
				      size, type);
		min = tag_min(type);
		if (min && size < min)
			return kx_err(KX_E_BAD_HEADER, "multiboot2 header tag size (too small for its type)",
				      size, type);
		if (type == KX_MB2_HT_END)
			return KX_NOERR;
		err = one_tag(g, type, size, required, rsdp_len, h);
		if (KX_FAILED(err))
			return err;
		/* the next tag is 8-byte aligned (size <= header_length: no wrap) */
		if ((((size_t)size + 7) & ~(size_t)7) >= end - t)
			t = end;
		else
			t += ((size_t)size + 7) & ~(size_t)7;
	}
}

/* MBI2 sizes: every tag starts 8-byte aligned */
static size_t up8(size_t v) { return (v + 7) & ~(size_t)7; }

static int grow(size_t *size, size_t n, size_t limit)
{
	n = up8(n);
	if (n > limit || *size > limit - n)
		return 0;
	*size += n;
	return 1;
}

static uint8_t *put_tag(uint8_t *q, uint32_t type, uint32_t size)
{
	kx_put32(q, type);
	kx_put32(q + 4, size);
	return q + 8;
}

static uint8_t *put_string_tag(uint8_t *q, uint32_t type, const char *s)
{
	size_t n = kx_strlen(s) + 1;
	kx_memcpy(put_tag(q, type, (uint32_t)(8 + n)), s, n);
	return q + up8(8 + n);
}

/* The loadable image the header describes: its address tag, else the ELF. */
static struct kx_err image_of(const struct kx_load_req *r, const struct kx_mb2_header *h,
			      struct kx_mb_image *im)
{
	struct kx_err err;

	if (h->have_addr) {
		struct kx_mb_aout a = { h->off, KX_MB2_HDR_MIN, h->header_addr, h->load_addr,
					h->load_end_addr, h->bss_end_addr, 1 };
		if (!h->have_entry && !r->have_entry)
			return kx_err(KX_E_BAD_HEADER,
				      "multiboot2 address tag (no entry address tag with it)", 0, 0);
		return kx_mb_aout_image(r->image.buf, r->image.len, &a, h->entry_addr, im);
	}
	if (r->image.len < 4 || kx_memcmp(r->image.buf, "\177ELF", 4))
		return kx_err(KX_E_BAD_HEADER,
			      "multiboot2 kernel (neither ELF nor with an address tag)", 0, 0);
	err = kx_mb_elf_image(r->image.buf, r->image.len, im);
	if (!KX_FAILED(err) && h->have_entry)
		im->entry = h->entry_addr;
	return err;
}

/* What the MBI2 says, and its size: fixed header, the tags, the end tag. */
struct mbi2 {
	const char *name;
	unsigned nmap, rsdp_len;
	size_t size;
};

static struct kx_err mbi2_size(const struct kx_load_req *r, struct mbi2 *m)
{
	size_t limit = r->scratch_len;
	unsigned i;

	if (r->nmodule > KX_MAX_MODULES)
		return kx_err(KX_E_TOO_MANY, "modules", KX_MAX_MODULES, 0);
	m->size = 8;
	if (!grow(&m->size, 8 + kx_mb_cmdline_len(r) + 1, limit) ||
	    !grow(&m->size, 8 + kx_strlen(m->name) + 1, limit) || !grow(&m->size, 12, limit) ||
	    !grow(&m->size, 16, limit) ||
	    !grow(&m->size, 16 + (size_t)m->nmap * KX_MB2_MMAP_ENT, limit) ||
	    (m->rsdp_len && !grow(&m->size, 8 + 20, limit)) ||
	    (m->rsdp_len == 36 && !grow(&m->size, 8 + 36, limit)) || !grow(&m->size, 8, limit))
		return kx_err(KX_E_BOOT_INFO_TOO_BIG, "multiboot2 information", m->size, limit);
	for (i = 0; i < r->nmodule; i++)
		if (!grow(&m->size,
			  16 + kx_strlen(r->module[i].string ? r->module[i].string : "") + 1, limit))
			return kx_err(KX_E_BOOT_INFO_TOO_BIG, "multiboot2 information", m->size, limit);
	return KX_NOERR;
}

/* The memory map tag at q; returns what follows it. */
static uint8_t *put_mmap(uint8_t *q, const struct kx_memmap *mem, unsigned nmap)
{
	unsigned i;

	put_tag(q, KX_MB2_IT_MMAP, 16 + nmap * KX_MB2_MMAP_ENT);
	kx_put32(q + 8, KX_MB2_MMAP_ENT);
	kx_put32(q + 12, 0);
	for (i = 0; i < nmap; i++) {
		const struct kx_mement *e = &mem->e[i];
		uint8_t *v = q + 16 + (size_t)i * KX_MB2_MMAP_ENT;
		kx_put64(v, e->start);
		kx_put64(v + 8, e->end - e->start);
		kx_put32(v + 16, e->type);
	}
	return q + up8(16 + (size_t)nmap * KX_MB2_MMAP_ENT);
}

/* Returns the command line, inside the MBI. */
static const char *build_mbi2(const struct kx_load_req *r, const struct mbi2 *m,
			      const struct kx_mb_placed *pl)
{
	uint8_t *b = pl->mbi_buf, *q;
	char *cmdline = (char *)b + 16;
	size_t n = kx_mb_cmdline_len(r) + 1;
	uint32_t lower, upper;
	unsigned i;

	kx_memset(b, 0, m->size);
	kx_put32(b, (uint32_t)m->size);
	put_tag(b + 8, KX_MB2_IT_CMDLINE, (uint32_t)(8 + n));
	kx_mb_cmdline_put(r, cmdline);
	q = b + 8 + up8(8 + n);
	q = put_string_tag(q, KX_MB2_IT_LOADER, m->name);
	kx_put32(put_tag(q, KX_MB2_IT_LOAD_BASE, 12), (uint32_t)pl->load_base);
	q += 16;
	for (i = 0; i < r->nmodule; i++) {
		const char *s = r->module[i].string ? r->module[i].string : "";
		size_t sn = kx_strlen(s) + 1;
		uint8_t *v = put_tag(q, KX_MB2_IT_MODULE, (uint32_t)(16 + sn));
		kx_put32(v, (uint32_t)pl->mod_start[i]);
		kx_put32(v + 4, (uint32_t)pl->mod_end[i]);
		kx_memcpy(v + 8, s, sn);
		q += up8(16 + sn);
	}
	kx_mb_meminfo(&r->sys->mem, &lower, &upper);
	kx_put32(put_tag(q, KX_MB2_IT_MEMINFO, 16), lower);
	kx_put32(q + 12, upper);
	q = put_mmap(q + 16, &r->sys->mem, m->nmap);
	if (m->rsdp_len) {
		kx_memcpy(put_tag(q, KX_MB2_IT_ACPI_OLD, 8 + 20), r->sys->rsdp, 20);
		q += up8(8 + 20);
	}
	if (m->rsdp_len == 36) {
		kx_memcpy(put_tag(q, KX_MB2_IT_ACPI_NEW, 8 + 36), r->sys->rsdp, 36);
		q += up8(8 + 36);
	}
	put_tag(q, KX_MB2_IT_END, 8);
	return cmdline;
}

struct kx_err kx_multiboot2_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct mbi2 m = {
		.name = r->loader_name ? r->loader_name : "kx",
		.nmap = r->sys->mem.n < KX_MEMMAP_MAX ? r->sys->mem.n : KX_MEMMAP_MAX,
		.rsdp_len = r->sys->rsdp_len >= 36 ? 36 : r->sys->rsdp_len >= 20 ? 20 : 0,
	};
	struct kx_mb2_header h;
	struct kx_mb_image im;
	struct kx_mb_placed pl;
	struct kx_err err;

	err = kx_mb2_parse(r->image.buf, r->image.len, m.rsdp_len, &h);
	if (KX_FAILED(err))
		return err;
	err = image_of(r, &h, &im);
	if (KX_FAILED(err))
		return err;
	err = mbi2_size(r, &m);
	if (KX_FAILED(err))
		return err;
	err = kx_mb_place(r, p, &im, m.size, &pl);
	if (KX_FAILED(err))
		return err;
	kx_mb_handoff(p, &pl, KX_MB2_BOOT_MAGIC, "multiboot2", build_mbi2(r, &m, &pl));
	return KX_NOERR;
}
