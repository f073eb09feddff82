/*
 * kx boot as library calls (include/kx.h, docs/boot.md): the volumes
 * (bootfs.c), the discovery over them (lib/boot/), and an entry given to a
 * load through descriptors opened beneath its volume.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bootfs.h"
#include "load.h"
#include "sys.h"

#define MAX_FDS (2 + KX_BOOT_MAX_INITRDS)

struct kx_boot {
	struct kx_options o;      /* log and debug only */
	struct kx_vols vols;
	struct kx_boot_list list;
	int discovered;
	int fd[4 * MAX_FDS];      /* descriptors given to loads: closed by kx_boot_free */
	unsigned nfd;
	size_t size;
	char arena[];
};

static void clear(struct kx_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

struct kx_boot *kx_boot_new(const struct kx_options *o, struct kx_error *err)
{
	size_t size = sizeof(struct kx_boot) + KX_BOOT_ARENA;
	struct kx_boot *b = sys_alloc(size);

	clear(err);
	if (!b) {
		fail(err, KX_E_NO_MEMORY, 0, 0);
		if (err)
			err->a = size;
		return 0;
	}
	memset(b, 0, sizeof(*b));
	b->size = size;
	if (o) {
		b->o.log = o->log;
		b->o.log_arg = o->log_arg;
		b->o.debug = o->debug;
	}
	kx_vols_init(&b->vols);
	b->vols.log = o && o->debug ? o->log : 0;
	b->vols.log_arg = o ? o->log_arg : 0;
	b->list.arena = b->arena;
	b->list.cap = KX_BOOT_ARENA;
	b->list.dflt = -1;
	b->list.timeout = -1;
	return b;
}

void kx_boot_free(struct kx_boot *b)
{
	unsigned i;

	if (!b)
		return;
	for (i = 0; i < b->nfd; i++)
		close(b->fd[i]);
	kx_vols_free(&b->vols);
	sys_free(b, b->size);
}

static int adding(struct kx_boot *b, struct kx_error *err)
{
	clear(err);
	if (!b->discovered)
		return 0;
	fail(err, KX_E_STATE, 0, 0);
	if (err)
		err->what = "adding a volume after kx_boot_discover";
	return -1;
}

int kx_boot_add_dir(struct kx_boot *b, const char *dir, struct kx_error *err)
{
	return adding(b, err) ? -1 : kx_vols_add_dir(&b->vols, dir, err);
}

int kx_boot_add_device(struct kx_boot *b, const char *dev, struct kx_error *err)
{
	return adding(b, err) ? -1 : kx_vols_add_device(&b->vols, dev, err);
}

int kx_boot_scan(struct kx_boot *b, struct kx_error *err)
{
	return adding(b, err) ? -1 : kx_vols_scan(&b->vols, err);
}

int kx_boot_discover(struct kx_boot *b, struct kx_error *err)
{
	struct kx_boot_fs fs = kx_vols_fs(&b->vols);
	const char *arch = kx_boot_uefi_arch(kx_arch());
	unsigned v;

	clear(err);
	if (b->discovered)
		return 0;
	b->discovered = 1;
	for (v = 0; v < b->vols.n; v++) {
		unsigned before = b->list.n;
		kx_boot_walk(&b->list, &fs, v, arch);
		kx_log(&b->o, KX_LOG_DEBUG, "%s: %u entr%s", b->vols.v[v].name, b->list.n - before,
		       b->list.n - before == 1 ? "y" : "ies");
	}
	kx_boot_finish(&b->list);
	if (b->list.dropped)
		kx_log(&b->o, KX_LOG_WARN, "%u boot entries were left out: more than kx lists (%u)",
		       b->list.dropped, KX_BOOT_MAX_ENTRIES);
	if (!b->list.n) {
		fail(err, KX_E_BOOT_NONE, 0, 0);
		if (err)
			err->a = b->vols.n;
		return -1;
	}
	return 0;
}

unsigned kx_boot_count(const struct kx_boot *b) { return b ? b->list.n : 0; }

const struct kx_boot_entry *kx_boot_get(const struct kx_boot *b, unsigned i)
{
	return b && i < b->list.n ? &b->list.e[i] : 0;
}

static const char *why_name(const struct kx_boot_list *bl)
{
	switch (bl->why) {
	case KX_WHY_LOADER_CONF: return "loader.conf default";
	case KX_WHY_GRUB: return "grub.cfg default";
	case KX_WHY_SYSLINUX: return "syslinux default";
	case KX_WHY_FIRST:
		return bl->dflt_unbootable ? "the first bootable entry (the configured default cannot boot)"
					   : "the first bootable entry";
	default: return "none";
	}
}

int kx_boot_default(const struct kx_boot *b, const char **why)
{
	if (why)
		*why = b ? why_name(&b->list) : "none";
	return b ? b->list.dflt : -1;
}

int kx_boot_timeout(const struct kx_boot *b) { return b ? b->list.timeout : -1; }

int kx_boot_find(const struct kx_boot *b, const char *pattern, struct kx_error *err)
{
	int i = kx_boot_match(&b->list, pattern);

	clear(err);
	if (i < 0)
		fail(err, KX_E_BOOT_MATCH, 0, pattern);
	return i;
}

const char *kx_boot_volume(const struct kx_boot *b, unsigned vol)
{
	return b && vol < b->vols.n ? b->vols.v[vol].name : "";
}

const char *kx_boot_volume_type(const struct kx_boot *b, unsigned vol)
{
	return b && vol < b->vols.n ? b->vols.v[vol].type : "";
}

/* "VOLUME:PATH" for a device, "DIR/PATH" for a directory: what messages show. */
static void file_name(const struct kx_boot *b, unsigned vol, const char *path, char *out, size_t n)
{
	const struct kx_vol *v = &b->vols.v[vol];
	size_t l = strlen(v->name);

	if (v->type[0])
		snprintf(out, n, "%s:%s", v->name, path);
	else if (l && v->name[l - 1] == '/')
		snprintf(out, n, "%.*s%s", (int)(l - 1), v->name, path);
	else
		snprintf(out, n, "%s%s", v->name, path);
}

static int open_in(struct kx_boot *b, const struct kx_boot_entry *e, const char *path, char *name,
		   size_t n, struct kx_error *err)
{
	int fd;

	file_name(b, e->vol, path, name, n);
	if (b->nfd == sizeof(b->fd) / sizeof(b->fd[0])) {
		fail(err, KX_E_TOO_MANY, 0, 0);
		return -1;
	}
	fd = kx_vols_open(&b->vols, e->vol, path, err);
	if (fd < 0) {
		if (err)
			snprintf(err->subject, sizeof(err->subject), "%s", name);
		return -1;
	}
	b->fd[b->nfd++] = fd;
	return fd;
}

int kx_boot_apply(struct kx_boot *b, unsigned i, const char *cmdline, struct kx_load *l,
		  struct kx_error *err)
{
	const struct kx_boot_entry *e = kx_boot_get(b, i);
	char name[512];
	unsigned k;
	int fd;

	clear(err);
	if (!e)
		return fail(err, KX_E_BOOT_MATCH, 0, "(no such entry)");
	if (e->bad) {
		fail(err, KX_E_BOOT_BAD, 0, e->id);
		if (err) {
			err->a = e->bad;
			err->what = e->bad_detail;
		}
		return -1;
	}
	kx_log(&b->o, KX_LOG_DEBUG, "boot entry %s (%s) from %s", e->id, e->title,
	       kx_boot_volume(b, e->vol));
	if ((fd = open_in(b, e, e->kernel, name, sizeof(name), err)) < 0 ||
	    kx_load_kernel_fd(l, fd, name, err))
		return -1;
	for (k = 0; k < e->ninitrd; k++)
		if ((fd = open_in(b, e, e->initrd[k], name, sizeof(name), err)) < 0 ||
		    load_initrd_fd(l, fd, name, err))
			return -1;
	if (e->dtb) {
		if (strcmp(kx_arch(), "arm64") && strcmp(kx_arch(), "arm"))
			kx_log(&b->o, KX_LOG_DEBUG, "the entry's device tree %s is not used on %s",
			       e->dtb, kx_arch());
		else if ((fd = open_in(b, e, e->dtb, name, sizeof(name), err)) < 0 ||
			 load_dtb_fd(l, fd, name, err))
			return -1;
	}
	if (cmdline || !e->cmdline_own) {
		kx_load_replace_cmdline(l);
		if (cmdline ? *cmdline : e->cmdline && *e->cmdline)
			if (kx_load_append(l, cmdline ? cmdline : e->cmdline, err))
				return -1;
	}
	return 0;
}

/* ---- printing ---------------------------------------------------------------------- */

static const char *format_name(enum kx_boot_format f)
{
	switch (f) {
	case KX_BOOT_BLS: return "bls";
	case KX_BOOT_UKI: return "uki";
	case KX_BOOT_GRUB: return "grub";
	case KX_BOOT_SYSLINUX: return "syslinux";
	case KX_BOOT_PLAIN: return "plain";
	}
	return "?";
}

/* Text from a disk, printed: no control characters reach the terminal;
 * padded to width (never cut). */
static void safe(FILE *f, const char *s, int width)
{
	int n = 0;

	for (; s && *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	for (; n < width; n++)
		fputc(' ', f);
}

int kx_boot_print(const struct kx_boot *b, FILE *f)
{
	unsigned i;

	for (i = 0; i < b->list.n; i++) {
		const struct kx_boot_entry *e = &b->list.e[i];
		fprintf(f, "%2u%c ", i, (int)i == b->list.dflt ? '*' : ' ');
		safe(f, e->id, 24);
		fprintf(f, " %-8s ", format_name(e->format));
		safe(f, kx_boot_volume(b, e->vol), 10);
		fputc(' ', f);
		safe(f, e->title, -1);
		if (e->bad) {
			char why[512];
			kx_boot_bad_message(e, why, sizeof(why));
			fputs(" -- cannot boot: ", f);
			safe(f, why, -1);
		}
		fputc('\n', f);
	}
	if (b->list.dflt >= 0)
		fprintf(f, "default: %d (%s)", b->list.dflt, why_name(&b->list));
	else
		fputs("default: none (no entry can be booted)", f);
	if (b->list.timeout >= 0)
		fprintf(f, "; timeout %d s", b->list.timeout);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

/* A JSON string: valid UTF-8 passes, any other byte is written as \u00XX. */
static void jstr(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		unsigned n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			   : (*p & 0xf8) == 0xf0 ? 3 : 9, k;
		for (k = 1; n != 9 && k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				n = 9;
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || n == 9)
			fprintf(f, "\\u%04x", *p);
		else {
			fwrite(p, 1, n + 1, f);
			p += n + 1;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

int kx_boot_print_json(const struct kx_boot *b, FILE *f)
{
	unsigned i, k;

	fputs("{\"entries\":[", f);
	for (i = 0; i < b->list.n; i++) {
		const struct kx_boot_entry *e = &b->list.e[i];
		char why[512];
		fprintf(f, "%s{\"index\":%u,\"id\":", i ? "," : "", i);
		jstr(f, e->id);
		fputs(",\"title\":", f);
		jstr(f, e->title);
		fprintf(f, ",\"format\":\"%s\",\"volume\":", format_name(e->format));
		jstr(f, kx_boot_volume(b, e->vol));
		fputs(",\"fstype\":", f);
		jstr(f, kx_boot_volume_type(b, e->vol));
		fputs(",\"source\":", f);
		jstr(f, e->source);
		fprintf(f, ",\"line\":%u,\"version\":", e->line);
		jstr(f, e->version);
		fputs(",\"kernel\":", f);
		jstr(f, e->kernel);
		fputs(",\"initrd\":[", f);
		for (k = 0; k < e->ninitrd; k++) {
			if (k)
				fputc(',', f);
			jstr(f, e->initrd[k]);
		}
		fputs("],\"cmdline\":", f);
		jstr(f, e->cmdline);
		fprintf(f, ",\"cmdline_own\":%s,\"devicetree\":", e->cmdline_own ? "true" : "false");
		jstr(f, e->dtb);
		fputs(",\"architecture\":", f);
		jstr(f, e->arch);
		fprintf(f, ",\"profile\":%d,\"bootable\":%s,\"reason\":", e->profile,
			e->bad ? "false" : "true");
		if (e->bad) {
			kx_boot_bad_message(e, why, sizeof(why));
			jstr(f, why);
			fputs(",\"reason_code\":", f);
			jstr(f, kx_boot_bad_name(e->bad));
		} else {
			fputs("null,\"reason_code\":null", f);
		}
		fprintf(f, ",\"default\":%s}", (int)i == b->list.dflt ? "true" : "false");
	}
	fprintf(f, "],\"default\":%d,\"default_rule\":\"%s\",\"timeout\":%d,\"dropped\":%u}\n",
		b->list.dflt, why_name(&b->list), b->list.timeout, b->list.dropped);
	return ferror(f) ? -1 : 0;
}
