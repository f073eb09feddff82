/*
 * An in-memory struct kx_boot_fs for the unit tests and the fuzzers of
 * lib/boot/: files are (vol, path, bytes); directories are implied by paths;
 * `search` finds volumes by the uuid/label given to memfs_volume().
 * Header-only (static functions), hosted C.
 */
#ifndef KX_TESTS_MEMFS_H
#define KX_TESTS_MEMFS_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <kx/boot.h>

#define MEMFS_MAX_FILES 128
#define MEMFS_MAX_VOLS 8

struct memfs {
	struct { unsigned vol; const char *path; const uint8_t *data; size_t len; } f[MEMFS_MAX_FILES];
	unsigned nf;
	struct { const char *name, *uuid, *label; } v[MEMFS_MAX_VOLS];
	unsigned nv;
};

/* Add a file (data is borrowed: keep it alive). len (size_t)-1: strlen. */
static inline void memfs_file(struct memfs *m, unsigned vol, const char *path, const void *data,
			      size_t len)
{
	if (m->nf >= MEMFS_MAX_FILES)
		return;
	if (len == (size_t)-1)
		len = strlen((const char *)data);
	m->f[m->nf].vol = vol;
	m->f[m->nf].path = path;
	m->f[m->nf].data = (const uint8_t *)data;
	m->f[m->nf].len = len;
	m->nf++;
}

/* Name a volume (index = order of calls) and give it a uuid and label (may be NULL). */
static inline unsigned memfs_volume(struct memfs *m, const char *name, const char *uuid,
				    const char *label)
{
	if (m->nv >= MEMFS_MAX_VOLS)
		return MEMFS_MAX_VOLS - 1;
	m->v[m->nv].name = name;
	m->v[m->nv].uuid = uuid;
	m->v[m->nv].label = label;
	return m->nv++;
}

static inline int memfs_refused(const char *path)
{
	const char *p = path;
	while ((p = strstr(p, "..")))
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return 1;
		else
			p += 2;
	return 0;
}

static inline int memfs_read(void *ctx, unsigned vol, const char *path, size_t max,
			     const uint8_t **buf, size_t *len)
{
	struct memfs *m = (struct memfs *)ctx;
	unsigned i;
	if (memfs_refused(path))
		return KX_FS_REFUSED;
	for (i = 0; i < m->nf; i++)
		if (m->f[i].vol == vol && !strcmp(m->f[i].path, path)) {
			if (m->f[i].len > max)
				return KX_FS_TOO_BIG;
			*buf = m->f[i].data;
			*len = m->f[i].len;
			return 0;
		}
	return KX_FS_MISSING;
}

static inline int memfs_list(void *ctx, unsigned vol, const char *dir,
			     int (*each)(void *arg, const char *name, int is_dir), void *arg)
{
	struct memfs *m = (struct memfs *)ctx;
	char seen[MEMFS_MAX_FILES][256];
	unsigned i, j, ns = 0, found = 0;
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (memfs_refused(dir))
		return KX_FS_REFUSED;
	for (i = 0; i < m->nf; i++) {
		const char *p = m->f[i].path, *rest, *slash;
		size_t nl;
		if (m->f[i].vol != vol || strncmp(p, dir, dl))
			continue;
		rest = p + dl;
		if (dl == 1 && dir[0] == '/')
			rest = p + 1;
		else if (*rest != '/')
			continue;
		else
			rest++;
		found = 1;
		slash = strchr(rest, '/');
		nl = slash ? (size_t)(slash - rest) : strlen(rest);
		if (!nl || nl >= 256)
			continue;
		for (j = 0; j < ns; j++)
			if (!strncmp(seen[j], rest, nl) && !seen[j][nl])
				break;
		if (j < ns)
			continue;
		memcpy(seen[ns], rest, nl);
		seen[ns][nl] = 0;
		if (each(arg, seen[ns++], slash != 0))
			break;
	}
	return found ? 0 : KX_FS_MISSING;
}

static inline int memfs_exists(void *ctx, unsigned vol, const char *path)
{
	const uint8_t *b;
	size_t l;
	int r = memfs_read(ctx, vol, path, (size_t)-1, &b, &l);
	return r == 0 ? 1 : r == KX_FS_REFUSED ? KX_FS_REFUSED : 0;
}

static inline int memfs_find(void *ctx, enum kx_boot_find how, const char *value)
{
	struct memfs *m = (struct memfs *)ctx;
	unsigned i;
	for (i = 0; i < m->nv; i++) {
		const char *x = how == KX_FIND_UUID ? m->v[i].uuid : how == KX_FIND_LABEL ? m->v[i].label : 0;
		if (how == KX_FIND_FILE && memfs_exists(ctx, i, value) == 1)
			return (int)i;
		if (x && !strcmp(x, value))
			return (int)i;
	}
	return -1;
}

static inline const char *memfs_name(void *ctx, unsigned vol)
{
	struct memfs *m = (struct memfs *)ctx;
	return vol < m->nv && m->v[vol].name ? m->v[vol].name : "memfs";
}

static inline struct kx_boot_fs memfs_ops(struct memfs *m)
{
	struct kx_boot_fs fs = { m, memfs_read, memfs_list, memfs_exists, memfs_find, memfs_name };
	return fs;
}

/* A list with its arena (static storage: one at a time per process). */
static inline struct kx_boot_list *memfs_list_new(void)
{
	static struct kx_boot_list bl;
	static char arena[KX_BOOT_ARENA];
	memset(&bl, 0, sizeof(bl));
	bl.arena = arena;
	bl.cap = sizeof(arena);
	bl.dflt = -1;
	bl.timeout = -1;
	return &bl;
}
#endif
