/*
 * A stand-in for lib/boot/bls.c until it is merged (the lead deletes this
 * file then): weak, minimal versions of the two calls GRUB's blscfg needs.
 * kx_bls_entry reads title, version, linux, initrd, options, devicetree;
 * kx_bls_sort keeps the order the directory gave.
 */
#include <kx/boot.h>
#include <kx/bytes.h>

static int key_is(const uint8_t *k, size_t kl, const char *s)
{
	return kl == kx_strlen(s) && !kx_memcmp(k, s, kl);
}

__attribute__((weak)) void kx_bls_entry(struct kx_boot_list *bl, unsigned vol, const char *path,
					const char *name, const uint8_t *buf, size_t len)
{
	struct kx_boot_entry *e = kx_boot_add(bl, KX_BOOT_BLS, vol, path, 1);
	size_t p = 0, nl = kx_strlen(name);

	if (!e)
		return;
	e->id = kx_boot_strn(bl, name, nl > 5 ? nl - 5 : nl);
	while (p < len) {
		size_t e0 = p, k, v;
		while (e0 < len && buf[e0] != '\n')
			e0++;
		for (k = p; k < e0 && buf[k] != ' ' && buf[k] != '\t'; k++)
			;
		for (v = k; v < e0 && (buf[v] == ' ' || buf[v] == '\t'); v++)
			;
		if (key_is(buf + p, k - p, "title"))
			e->title = kx_boot_strn(bl, (const char *)buf + v, e0 - v);
		else if (key_is(buf + p, k - p, "version"))
			e->version = kx_boot_strn(bl, (const char *)buf + v, e0 - v);
		else if (key_is(buf + p, k - p, "linux"))
			e->kernel = kx_boot_strn(bl, (const char *)buf + v, e0 - v);
		else if (key_is(buf + p, k - p, "initrd"))
			kx_boot_initrd(bl, e, (const char *)buf + v, e0 - v);
		else if (key_is(buf + p, k - p, "options"))
			e->cmdline = kx_boot_strn(bl, (const char *)buf + v, e0 - v);
		else if (key_is(buf + p, k - p, "devicetree"))
			e->dtb = kx_boot_strn(bl, (const char *)buf + v, e0 - v);
		p = e0 + 1;
	}
	if (!e->title)
		e->title = e->id;
	if (!e->kernel)
		kx_boot_bad(bl, e, KX_BOOT_NO_KERNEL, 0);
}

__attribute__((weak)) void kx_bls_sort(struct kx_boot_list *bl, unsigned from)
{
	(void)bl;
	(void)from;
}
