/*
 * kx boot's BLS formats (lib/boot/bls.c, ukient.c, plain.c): the input as a
 * Type #1 entry file, as loader.conf, as a UKI, its two halves (split at the
 * first NUL, or the middle) compared as versions, its lines as the names of
 * a /boot directory for the plain scan; then everything found sorted, and
 * every entry's strings checked to be terminated inside the arena.
 */
#include <stdlib.h>
#include <string.h>
#include <kx/boot.h>
#include "memfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct kx_boot_list *bl)
{
	unsigned i, j;

	if (bl->n > KX_BOOT_MAX_ENTRIES || bl->used > bl->cap)
		abort();
	for (i = 0; i < bl->n; i++) {
		const struct kx_boot_entry *e = &bl->e[i];
		const char *s[] = { e->id, e->title, e->version, e->sort_key, e->machine_id, e->kernel,
				    e->cmdline, e->dtb, e->arch, e->source, e->bad_detail };
		if (e->ninitrd > KX_BOOT_MAX_INITRDS || (unsigned)e->bad >= KX_BOOT_BAD__END)
			abort();
		for (j = 0; j < sizeof(s) / sizeof(s[0]); j++)
			(void)(s[j] ? strlen(s[j]) : 0);
		for (j = 0; j < e->ninitrd; j++)
			(void)strlen(e->initrd[j]);
		if (!e->id || !e->title)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[70000], b[70000], names[64][80];
	struct kx_boot_list *bl = memfs_list_new();
	struct memfs *m = calloc(1, sizeof(*m));
	struct kx_boot_fs fs;
	size_t half, i, n, k;

	if (!m)
		return 0;
	kx_bls_entry(bl, 0, "/loader/entries/fuzz+1-2.conf", "fuzz+1-2.conf", data, size);
	kx_bls_loader_conf(bl, 0, data, size);
	kx_uki_entries(bl, 1, "/EFI/Linux/fuzz.efi", "fuzz.efi", data, size);

	/* two versions */
	for (half = 0; half < size && data[half]; half++)
		;
	if (half == size)
		half = size / 2;
	n = half < sizeof(a) - 1 ? half : sizeof(a) - 1;
	memcpy(a, data, n);
	a[n] = 0;
	k = size - half > 0 ? size - half - (half < size) : 0;
	if (k > sizeof(b) - 1)
		k = sizeof(b) - 1;
	memcpy(b, data + size - k, k);
	b[k] = 0;
	if ((kx_bls_vercmp(a, b) > 0) != (kx_bls_vercmp(b, a) < 0) || kx_bls_vercmp(a, a))
		abort();

	/* lines as file names in /boot */
	for (i = 0, n = 0; i < size && n < 64;) {
		size_t l = 0;
		strcpy(names[n], "/boot/");
		while (i < size && data[i] != '\n' && l < 60) {
			char c = (char)data[i++];
			names[n][6 + l++] = c && c != '/' ? c : '_';
		}
		while (i < size && data[i] != '\n')
			i++;
		i++;
		names[n][6 + l] = 0;
		memfs_file(m, 2, names[n], "x", 1);
		n++;
	}
	fs = memfs_ops(m);
	kx_plain_scan(bl, &fs, 2, "/boot");
	kx_bls_sort(bl, 0);
	check(bl);
	free(m);
	return 0;
}
