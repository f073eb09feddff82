/*
 * Load recipes (specs) and the transcript of building one: every call made,
 * its result and error (all fields and the message), every log line, the
 * kx_load_info (read early, written out just before the load is freed: what
 * a load returns must live until kx_load_free), kx_load_print, the JSON
 * (less the preflight's free-memory figures, which move) and, for crash
 * sizing, kx_load_print_crash_size. Two builds of one recipe must give the
 * same transcript whatever else the process is doing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lt.h"

#define MiB (1ull << 20)

/* (a real kernel is unpacked at load: its four PT_LOADs are four segments) */
const struct spec lt_specs[] = {
	{ .name = "real-path-auto", .kernel = FX_REAL, .ksrc = K_PATH,
	  .initrd = { { FX_INITRD_A, 0 } }, .ninitrd = 1,
	  .append = { "console=ttyS0 quiet", "panic=10" }, .nappend = 2,
	  .want_type = "bzimage", .want_cmdline = "console=ttyS0 quiet panic=10", .want_segments = 7 },
	{ .name = "real-fd-classic-debug", .o = { .syscall = KX_SYSCALL_CLASSIC, .debug = 1 },
	  .kernel = FX_REAL, .ksrc = K_FD,
	  .initrd = { { FX_INITRD_B, 0 }, { FX_INITRD_C, 1 } }, .ninitrd = 2,
	  .append = { "root=/dev/vda", "root=/dev/vda rw" }, .nappend = 2,
	  .want_type = "bzimage", .want_cmdline = "root=/dev/vda root=/dev/vda rw", .want_segments = 8 },
	{ .name = "real-buf-window", .o = { .no_verify = 1, .mem_min = 64 * MiB, .mem_max = 0x80000000 },
	  .kernel = FX_REAL, .ksrc = K_BUF, .append = { "a=1" }, .nappend = 1,
	  .want_type = "bzimage", .want_cmdline = "a=1", .want_segments = 6 },
	{ .name = "real-crash-sizing", .o = { .crash = 1, .crash_sizing = 1, .debug = 1 },
	  .kernel = FX_REAL, .ksrc = K_PATH, .initrd = { { FX_INITRD_A, 1 } }, .ninitrd = 1,
	  .crash_size = 1, .want_type = "bzimage", .want_segments = 5 },
	{ .name = "real-crash-none", .o = { .crash = 1 }, .kernel = FX_REAL, .ksrc = K_BUF,
	  .fails_at = "prepare", .code = KX_E_CRASH_NONE },
	{ .name = "bz-a-buf-tmpfile", .kernel = FX_BZ_A, .ksrc = K_BUF,
	  .initrd = { { FX_INITRD_C, 1 } }, .ninitrd = 1, .append = { "quiet" }, .nappend = 1,
	  .via_tmpfile = 1, .want_type = "bzimage", .want_cmdline = "quiet", .want_segments = 4 },
	{ .name = "bz-b-file-syscall", .o = { .syscall = KX_SYSCALL_FILE }, .kernel = FX_BZ_B,
	  .ksrc = K_PATH, .replace = 1, .append = { "x=y" }, .nappend = 1,
	  .want_type = "bzimage", .want_cmdline = "x=y", .want_segments = 3 },
	{ .name = "bz-a-initrds", .o = { .mem_min = 0 }, .kernel = FX_BZ_A,
	  .ksrc = K_PATH, .initrd = { { FX_INITRD_A, 0 }, { FX_INITRD_B, 1 }, { FX_INITRD_C, 0 } },
	  .ninitrd = 3, .append = { "one", "two three", "one" }, .nappend = 3,
	  .want_type = "bzimage", .want_cmdline = "one two three one", .want_segments = 6 },
	{ .name = "bz-b-reuse", .kernel = FX_BZ_B, .ksrc = K_FD, .reuse = 1,
	  .append = { "extra=1" }, .nappend = 1, .want_type = "bzimage", .want_segments = 3 },
	{ .name = "elf-buf", .kernel = FX_ELF, .ksrc = K_BUF, .append = { "e=1" }, .nappend = 1,
	  .want_type = "elf", .want_cmdline = "e=1", .want_segments = 3 },
	{ .name = "elf-forced-type", .o = { .type = "elf64", .debug = 1 }, .kernel = FX_ELF,
	  .ksrc = K_PATH, .want_type = "elf", .want_cmdline = "", .want_segments = 3 },
	{ .name = "mb1-modules", .o = { .loader_name = "lib-test loader" }, .kernel = FX_MB1,
	  .ksrc = K_PATH, .module = { { FX_MOD_A, "mod-a arg1" }, { FX_MOD_B, "mod-b x=y z" } },
	  .nmodule = 2, .append = { "mbcmd=1" }, .nappend = 1,
	  .want_type = "multiboot", .want_cmdline = "mbcmd=1", .want_segments = 5 },
	{ .name = "raw-segments", .o = { .type = "raw", .have_entry = 1, .entry = 0x1000000 },
	  .seg = { { FX_SEG_A, 0x1000000 }, { FX_SEG_B, 0x2000000 } }, .nseg = 2,
	  .want_type = "raw", .want_cmdline = "", .want_segments = 3 },
	{ .name = "bz-a-own-purgatory", .purgatory = 1, .kernel = FX_BZ_A, .ksrc = K_BUF,
	  .append = { "p=1" }, .nappend = 1,
	  .want_type = "bzimage", .want_cmdline = "p=1", .want_segments = 3 },
	{ .name = "garbage-kernel", .kernel = FX_GARBAGE, .ksrc = K_BUF,
	  .initrd = { { FX_INITRD_C, 0 } }, .ninitrd = 1, .append = { "z" }, .nappend = 1,
	  .fails_at = "kernel", .code = KX_E_UNKNOWN_TYPE },
	{ .name = "bz-b-no-space", .o = { .mem_min = 16 * MiB, .mem_max = 17 * MiB }, .kernel = FX_BZ_B,
	  .ksrc = K_BUF, .fails_at = "plan", .code = KX_E_NO_SPACE },
	{ .name = "elf-file-syscall", .o = { .syscall = KX_SYSCALL_FILE }, .kernel = FX_ELF,
	  .ksrc = K_BUF, .fails_at = "prepare", .code = KX_E_FILE_SYSCALL_TYPE },
	{ .name = "bz-a-file-no-verify", .o = { .syscall = KX_SYSCALL_FILE, .no_verify = 1 },
	  .kernel = FX_BZ_A, .ksrc = K_PATH, .fails_at = "prepare", .code = KX_E_CLASSIC_ONLY },
	{ .name = "bz-a-entry-refused", .o = { .have_entry = 1, .entry = 0x1234000 },
	  .kernel = FX_BZ_A, .ksrc = K_BUF, .fails_at = "prepare", .code = KX_E_NOT_APPLICABLE },
};
const unsigned lt_nspecs = sizeof(lt_specs) / sizeof(lt_specs[0]);

static const char *const step_names[] = {
	[ST_NEW] = "new", [ST_KERNEL] = "kernel", [ST_INITRD] = "initrd", [ST_MODULE] = "module",
	[ST_SEGMENT] = "segment", [ST_REPLACE] = "replace", [ST_REUSE] = "reuse",
	[ST_APPEND] = "append", [ST_PREPARE] = "prepare", [ST_PLAN] = "plan", [ST_INFO] = "info",
	[ST_PRINT] = "print", [ST_JSON] = "json", [ST_CRASH] = "crash-size", [ST_FINISH] = "finish",
	[ST_FREE] = "free",
};

static int crash_reserved(void)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "Crash kernel") != 0;
	fclose(f);
	return found;
}

const char *run_skip_reason(const struct spec *s)
{
	if (strcmp(kx_arch(), "x86_64"))
		return "the recipes are x86_64 images";
	if (s->kernel == FX_REAL && !fx_have(FX_REAL))
		return "no real vmlinuz (tests/e2e/cache, $KX_LIB_VMLINUZ): run tests/e2e/fetch.sh";
	if (s->purgatory && !fx_have(FX_PURGATORY))
		return "no built purgatory blob ($KX_LIB_PURGATORY)";
	if (s->code == KX_E_CRASH_NONE && crash_reserved())
		return "this system reserves crash kernel memory";
	return 0;
}

void error_dump(FILE *f, const struct kx_error *e)
{
	char m[1024];
	size_t n = kx_error_message(e, m, sizeof(m));

	fprintf(f, "code=%d (%s) errno=%d what=%s subject='%s' a=%" PRIu64 " b=%" PRIu64 " c=%" PRIu64
		" d=%" PRIu64 " lockdown='%s' root=%d disabled=%d usage=%d\n  message: %s\n",
		e->code, kx_error_name(e->code), e->sys_errno, e->what ? e->what : "(none)", e->subject,
		e->a, e->b, e->c, e->d, e->lockdown, e->root, e->load_disabled, kx_error_is_usage(e), m);
	if (n != strlen(m) || !n)
		fprintf(f, "  message length %zu, returned %zu\n", strlen(m), n);
}

static const char *s_or(const char *s) { return s ? s : "(null)"; }

void info_dump(FILE *f, const struct kx_load_info *in)
{
	unsigned i;

	fprintf(f, "info: type=%s arch=%s syscall=%s fallback=%s\n  reason=%s\n  cmdline='%s'\n",
		s_or(in->type), s_or(in->arch), s_or(in->syscall), s_or(in->fallback), s_or(in->reason),
		s_or(in->cmdline));
	fprintf(f, "  file_syscall_ok=%d crash=%d verify=%d image_memory=%" PRIu64 " nsegments=%u\n",
		in->file_syscall_ok, in->crash, in->verify, in->image_memory, in->nsegments);
	for (i = 0; i < in->nsegments && i < KX_INFO_MAX_SEGMENTS; i++) {
		const struct kx_segment_info *s = &in->segment[i];
		fprintf(f, "  seg %u: %s from %s mem=0x%" PRIx64 " memsz=%" PRIu64 " bufsz=%" PRIu64
			" digest=%016" PRIx64 " verify=%d\n", i, s_or(s->purpose), s_or(s->source), s->mem,
			s->memsz, s->bufsz, s->digest, s->verify);
	}
	fprintf(f, "  entry=0x%" PRIx64 " target=0x%" PRIx64 " mode=%s regs_used=0x%x memory=%" PRIu64 "\n",
		in->entry, in->target, s_or(in->mode), in->regs_used, in->memory);
	for (i = 0; i < KX_INFO_NREGS; i++)
		if (in->regs_used & (1u << i))
			fprintf(f, "  %s=0x%" PRIx64 "\n", s_or(in->reg_name[i]), in->reg[i]);
}

void run_init(struct run *r, const struct spec *s, unsigned mode)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->mode = mode;
	r->fd = -1;
#define ADD(k, i) (r->steps[r->nsteps++] = (struct step){ (k), (i) })
	ADD(ST_NEW, 0);
	if (s->ksrc != K_NONE)
		ADD(ST_KERNEL, 0);
	for (i = 0; i < s->ninitrd; i++)
		ADD(ST_INITRD, (int)i);
	for (i = 0; i < s->nmodule; i++)
		ADD(ST_MODULE, (int)i);
	for (i = 0; i < s->nseg; i++)
		ADD(ST_SEGMENT, (int)i);
	if (s->replace)
		ADD(ST_REPLACE, 0);
	if (s->reuse)
		ADD(ST_REUSE, 0);
	for (i = 0; i < s->nappend; i++)
		ADD(ST_APPEND, (int)i);
	ADD(ST_PREPARE, 0);
	ADD(ST_PLAN, 0);
	ADD(ST_INFO, 0);
	if (mode & LT_PRINT)
		ADD(ST_PRINT, 0);
	if (mode & LT_JSON)
		ADD(ST_JSON, 0);
	if (s->crash_size)
		ADD(ST_CRASH, 0);
	ADD(ST_FINISH, 0);
	ADD(ST_FREE, 0);
#undef ADD
	for (i = 0; i < 3; i++)
		if (!(r->ts[i] = open_memstream(&r->t.text[i], &r->t.len[i])))
			abort();
}

static void log_line(void *arg, int level, const char *line)
{
	struct run *r = arg;
	const char *t = strstr(line, " in "), *ms = t ? strstr(t, " ms: ") : 0;

	/* the unpack line's wall time ("unpacked xz in 812.345 ms: ...") is the
	 * one thing in the log that differs between runs of the same load */
	if (ms && t + 4 < ms && strspn(t + 4, "0123456789.") == (size_t)(ms - t - 4)) {
		fprintf(r->ts[0], "  log %d: %.*s in T%s\n", level, (int)(t - line), line, ms);
		return;
	}
	fprintf(r->ts[0], "  log %d: %s\n", level, line);
}

/* The JSON, one line, without "preflight" (its free memory moves). */
static void json_into(struct run *r, char *j, size_t n)
{
	FILE *out = r->ts[2];

	char *p = strstr(j, ",\"preflight\":{"), *z = p ? strchr(p, '}') : 0;

	if (!n || j[0] != '{' || j[n - 1] != '\n' || memchr(j, '\n', n - 1))
		fprintf(out, "  json is not one object on one line\n");
	if (p && z)
		memmove(p, z + 1, strlen(z + 1) + 1);
	else
		fprintf(out, "  json has no preflight\n");
	fprintf(out, "  %s", j);
}

static int print_step(struct run *r, struct kx_error *err)
{
	FILE *f;
	char *b = 0;
	size_t n = 0;
	int rc;

	if (!r->s->via_tmpfile)
		return kx_load_print(r->l, r->ts[1], err);
	f = tmpfile();
	if (!f)
		abort();
	rc = kx_load_print(r->l, f, err);
	fflush(f);
	n = (size_t)ftell(f);
	b = malloc(n + 1);
	rewind(f);
	if (!b || fread(b, 1, n, f) != n)
		abort();
	fwrite(b, 1, n, r->ts[1]);
	free(b);
	fclose(f);
	return rc;
}

static int do_step(struct run *r, const struct step *st, struct kx_error *err)
{
	const struct spec *s = r->s;
	const struct fx *k = &fx[s->kernel];
	struct kx_options o = s->o;
	char *j = 0;
	size_t jn = 0;
	FILE *jf;
	int rc;

	switch (st->kind) {
	case ST_NEW:
		o.log = log_line;
		o.log_arg = r;
		if (s->purgatory)
			o.purgatory = fx[FX_PURGATORY].path;
		r->l = kx_load_new(&o, err);
		return r->l ? 0 : -1;
	case ST_KERNEL:
		if (s->ksrc == K_PATH)
			return kx_load_kernel(r->l, k->path, err);
		if (s->ksrc == K_BUF)
			return kx_load_kernel_buf(r->l, k->buf, k->len, k->name, err);
		r->fd = open(k->path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			abort();
		return kx_load_kernel_fd(r->l, r->fd, k->name, err);
	case ST_INITRD: {
		const struct fx *i = &fx[s->initrd[st->idx].id];
		return s->initrd[st->idx].buf ? kx_load_initrd_buf(r->l, i->buf, i->len, i->name, err)
					      : kx_load_initrd(r->l, i->path, err);
	}
	case ST_MODULE:
		return kx_load_module(r->l, fx[s->module[st->idx].id].path, s->module[st->idx].string, err);
	case ST_SEGMENT:
		return kx_load_segment(r->l, fx[s->seg[st->idx].id].path, s->seg[st->idx].addr, err);
	case ST_REPLACE:
		return kx_load_replace_cmdline(r->l);
	case ST_REUSE:
		return kx_load_reuse_cmdline(r->l);
	case ST_APPEND:
		return kx_load_append(r->l, s->append[st->idx], err);
	case ST_PREPARE:
		return kx_load_prepare(r->l, err);
	case ST_PLAN:
		return kx_load_plan(r->l, err);
	case ST_INFO:
		rc = kx_load_info(r->l, &r->info, err);
		r->have_info = !rc;
		return rc;
	case ST_PRINT:
		return print_step(r, err);
	case ST_JSON:
		jf = open_memstream(&j, &jn);
		if (!jf)
			abort();
		rc = kx_load_print_json(r->l, jf, err);
		fclose(jf);
		if (!rc)
			json_into(r, j, jn);
		free(j);
		return rc;
	case ST_CRASH:
		return kx_load_print_crash_size(r->l, r->ts[0], err);
	case ST_FINISH:
		if (r->have_info) {
			info_dump(r->ts[0], &r->info);
			snprintf(r->got_type, sizeof(r->got_type), "%s", s_or(r->info.type));
			snprintf(r->got_cmdline, sizeof(r->got_cmdline), "%s", s_or(r->info.cmdline));
		}
		return 0;
	default: /* ST_FREE */
		kx_load_free(r->l);
		r->l = 0;
		r->freed = 1;
		if (r->fd >= 0) {
			/* the library does not close a descriptor it was given */
			if (fcntl(r->fd, F_GETFD) < 0)
				fprintf(r->ts[0], "  the kernel's descriptor was closed by the library\n");
			close(r->fd);
			r->fd = -1;
		}
		return 0;
	}
}

int run_next_kind(const struct run *r)
{
	return r->step < r->nsteps ? r->steps[r->step].kind : -1;
}

int run_step(struct run *r)
{
	const struct step *st;
	struct kx_error err;
	FILE *f;
	int rc, i;

	if (r->step >= r->nsteps)
		return 0;
	st = &r->steps[r->step++];
	f = r->ts[st->kind == ST_PRINT ? 1 : st->kind == ST_JSON ? 2 : 0];
	fprintf(f, "%s %d: ", step_names[st->kind], st->idx);
	if (!r->l && st->kind != ST_NEW && st->kind != ST_FINISH && st->kind != ST_FREE) {
		fprintf(f, "no load\n");
	} else {
		memset(&err, 0xa5, sizeof(err)); /* what the library leaves unset shows up */
		err.subject[sizeof(err.subject) - 1] = 0;
		err.lockdown[sizeof(err.lockdown) - 1] = 0;
		rc = do_step(r, st, &err);
		if (rc) {
			fprintf(f, "rc=%d ", rc);
			error_dump(f, &err);
			if (!r->first_fail) {
				r->first_fail = step_names[st->kind];
				r->first_code = err.code;
			}
		} else {
			fprintf(f, "ok\n");
		}
	}
	if (r->step == r->nsteps)
		for (i = 0; i < 3; i++) {
			fclose(r->ts[i]);
			r->ts[i] = 0;
		}
	return 1;
}

void run_all(struct run *r)
{
	while (run_step(r))
		;
}

void run_release(struct run *r)
{
	if (r->l)
		kx_load_free(r->l);
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (r->ts[i])
			fclose(r->ts[i]);
		free(r->t.text[i]);
		r->t.text[i] = 0;
		r->ts[i] = 0;
	}
	if (r->fd >= 0)
		close(r->fd);
	r->l = 0;
	r->fd = -1;
}

static void line_at(const char *t, size_t len, size_t off, char *out, size_t n)
{
	size_t a = off, z = off;

	while (a > 0 && t[a - 1] != '\n')
		a--;
	while (z < len && t[z] != '\n')
		z++;
	snprintf(out, n, "%.*s", (int)(z - a), t + a);
}

static int same_part(const struct run *r, const struct transcript *ref, unsigned k,
		     const char *mode)
{
	static const char *const part[] = { "calls", "kx_load_print", "kx_load_print_json" };
	const char *t = r->t.text[k], *rt = ref->text[k];
	size_t len = r->t.len[k], rlen = ref->len[k], i, n = len < rlen ? len : rlen;
	char a[600], b[600];

	if (t && len == rlen && !memcmp(t, rt, rlen))
		return 1;
	if (!t) {
		lt_fail("%s, %s: no transcript", r->s->name, mode);
		return 0;
	}
	for (i = 0; i < n && t[i] == rt[i]; i++)
		;
	line_at(rt, rlen, i, a, sizeof(a));
	line_at(t, len, i, b, sizeof(b));
	lt_fail("%s, %s: %s differs from the load built alone, at byte %zu:\n    alone: %s\n    %s: %s",
		r->s->name, mode, part[k], i, a, mode, b);
	return 0;
}

int run_same(const struct run *r, const struct transcript *ref, const char *mode)
{
	int ok = same_part(r, ref, 0, mode);

	if (r->mode & LT_PRINT)
		ok &= same_part(r, ref, 1, mode);
	if (r->mode & LT_JSON)
		ok &= same_part(r, ref, 2, mode);
	return ok;
}

int run_meets_spec(const struct run *r)
{
	const struct spec *s = r->s;
	int ok = 1;

	if (s->fails_at) {
		if (!r->first_fail || strcmp(r->first_fail, s->fails_at) || r->first_code != s->code) {
			lt_fail("%s: expected to fail at %s with %s, got %s (%s)", s->name, s->fails_at,
				kx_error_name(s->code), r->first_fail ? r->first_fail : "no failure",
				r->first_fail ? kx_error_name(r->first_code) : "-");
			ok = 0;
		}
		return ok;
	}
	if (r->first_fail) {
		lt_fail("%s: %s failed: %s\n%s", s->name, r->first_fail, kx_error_name(r->first_code),
			r->t.text[0]);
		return 0;
	}
	if (!r->have_info) {
		lt_fail("%s: no info", s->name);
		return 0;
	}
	ok &= CHECK_STR(r->got_type, s->want_type);
	if (s->want_cmdline && !strncmp(s->want_type, "multiboot", 9)) {
		/* a multiboot kernel gets the image's name first (as kexec-tools) */
		char want[600];
		snprintf(want, sizeof(want), "%s %s", fx[s->kernel].path, s->want_cmdline);
		ok &= CHECK_STR(r->got_cmdline, want);
	} else if (s->want_cmdline) {
		ok &= CHECK_STR(r->got_cmdline, s->want_cmdline);
	}
	ok &= CHECK_EQ(r->info.nsegments, s->want_segments);
	if (!ok)
		lt_note("%s:\n%s", s->name, r->t.text[0]);
	return ok;
}

/* ---- the references: each recipe built alone, first ------------------------------- */

static struct { struct transcript t; int done, skip; } refs[64];
static pthread_mutex_t refs_lock = PTHREAD_MUTEX_INITIALIZER;

const struct transcript *lt_reference(unsigned i)
{
	const struct transcript *t;

	pthread_mutex_lock(&refs_lock);
	if (!refs[i].done) {
		struct run r;
		refs[i].done = 1;
		if (run_skip_reason(&lt_specs[i])) {
			refs[i].skip = 1;
		} else {
			run_init(&r, &lt_specs[i], LT_REF_MODE);
			run_all(&r);
			run_meets_spec(&r);
			refs[i].t = r.t;
			memset(&r.t, 0, sizeof(r.t));
			run_release(&r);
		}
	}
	t = refs[i].skip ? 0 : &refs[i].t;
	pthread_mutex_unlock(&refs_lock);
	return t;
}
