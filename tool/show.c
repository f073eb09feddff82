/* The plan, for people (--dry-run, -d) and for programs (--json). */
#include "show.h"
#include <inttypes.h>
#include "arch.h"

static const char *mode_name(uint8_t m)
{
	return m == KX_PURG_ENTRY_64 ? "64-bit" : m == KX_PURG_ENTRY_32 ? "32-bit protected mode" : "?";
}

void show_plan(FILE *f, const struct kx_plan *p, const char *syscall, int verify)
{
	unsigned i;

	fprintf(f, "kx plan: %s image, %u segments, syscall %s\n", p->type, p->nseg, syscall);
	fprintf(f, "  %-11s %-18s %10s  %-18s %10s  %s\n", "purpose", "destination", "size",
		"end", "memsize", "source");
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		fprintf(f, "  %-11s 0x%016" PRIx64 " %10" PRIu64 "  0x%016" PRIx64 " %10" PRIu64 "  %s\n",
			s->purpose, s->mem, s->bufsz, s->mem + s->memsz, s->memsz, s->source);
	}
	fprintf(f, "  entry 0x%" PRIx64 " (purgatory); then %s jump to 0x%" PRIx64, p->entry,
		mode_name(p->entry_mode), p->target);
	for (i = 0; i < KX_PURG_NREGS; i++)
		if (p->regs_used & (1u << i))
			fprintf(f, ", %s=0x%" PRIx64, kx_arch_reg_names[i], p->regs[i]);
	fputc('\n', f);
	fprintf(f, "  verification: %s\n", verify ? "xxh64 digest of each segment, checked in purgatory"
						  : "off (-i)");
	if (p->cmdline)
		fprintf(f, "  command line: %s\n", p->cmdline);
}

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void show_plan_json(FILE *f, const struct kx_plan *p, const char *syscall, const char *fallback,
		    const char *why, int verify, const struct preflight *pf)
{
	unsigned i;
	int first = 1;

	fprintf(f, "{\"syscall\":");
	jstr(f, syscall);
	fprintf(f, ",\"fallback\":");
	if (fallback)
		jstr(f, fallback);
	else
		fputs("null", f);
	fprintf(f, ",\"syscall_reason\":");
	jstr(f, why);
	fprintf(f, ",\"type\":");
	jstr(f, p->type);
	fprintf(f, ",\"arch\":");
	jstr(f, kx_arch_name);
	fprintf(f, ",\"entry\":%" PRIu64 ",\"segments\":[", p->entry);
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		fprintf(f, "%s{\"purpose\":", i ? "," : "");
		jstr(f, s->purpose);
		fprintf(f, ",\"source\":");
		jstr(f, s->source);
		fprintf(f, ",\"mem\":%" PRIu64 ",\"memsz\":%" PRIu64 ",\"bufsz\":%" PRIu64, s->mem,
			s->memsz, s->bufsz);
		if (verify && s->verify)
			fprintf(f, ",\"digest\":\"%016" PRIx64 "\"", s->digest);
		fputc('}', f);
	}
	fprintf(f, "],\"handoff\":{\"mode\":");
	jstr(f, mode_name(p->entry_mode));
	fprintf(f, ",\"target\":%" PRIu64 ",\"registers\":{", p->target);
	for (i = 0; i < KX_PURG_NREGS; i++)
		if (p->regs_used & (1u << i)) {
			fprintf(f, "%s", first ? "" : ",");
			jstr(f, kx_arch_reg_names[i]);
			fprintf(f, ":%" PRIu64, p->regs[i]);
			first = 0;
		}
	fprintf(f, "}},\"verify\":%s,\"cmdline\":", verify ? "\"xxh64\"" : "null");
	jstr(f, p->cmdline ? p->cmdline : "");
	if (pf) {
		fprintf(f, ",\"preflight\":");
		check_json(f, pf);
	}
	fprintf(f, "}\n");
}
