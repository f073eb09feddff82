/* What a load is: as data (kx_load_info), for people (kx --dry-run, -d) and
 * for programs (--json). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <kx/bzimage.h>
#include <kx/comp.h>
#include "render.h"
#include "arch.h"
#include "load.h"

static const char *mode_name(uint8_t m)
{
	return m == KX_PURG_ENTRY_64 ? "64-bit" : m == KX_PURG_ENTRY_32 ? "32-bit protected mode" :
	       m == KX_PURG_ENTRY_ARM ? "ARM, MMU off" :
	       m == KX_PURG_ENTRY_PPC64 ? "real mode, MMU off" : "?";
}

const char *why_text(struct kx_load *l)
{
	char *b = l->why_text;
	size_t n = sizeof(l->why_text);

	switch (l->why) {
	case WHY_ASKED_CLASSIC:
		return "asked for with -c";
	case WHY_ASKED_FILE:
		return "asked for with -s";
	case WHY_AUTO_FORMAT:
		if (!kx_arch_kernel_format[0]) /* 32-bit ARM */
			snprintf(b, n, "auto: %s has no kexec_file_load, so kx plans it", kx_arch_name);
		else
			snprintf(b, n, "auto: the kernel's own loader takes only %s kernels, so kx plans it",
			 kx_arch_kernel_format);
		return b;
	case WHY_AUTO_CLASSIC_ONLY:
		snprintf(b, n, "auto: %s needs kx's own plan", kx_classic_option(l->classic_only));
		return b;
	default:
		snprintf(b, n, "auto: %s", auto_why_text(&l->pol, l->au.why));
		return b;
	}
}

/* Why the next kernel gets no EFI runtime state (enum kx_efi_state). */
static const char *efi_why(int state)
{
	switch (state) {
	case KX_EFI_NOT_EFI:
		return "this system did not boot through EFI";
	case KX_EFI_OFF:
		return "turned off (--noefi)";
	case KX_EFI_NO_RUNTIME:
		return "the firmware's runtime services are off (no /sys/firmware/efi/runtime-map)";
	case KX_EFI_FW32:
		return "32-bit firmware under a 64-bit kernel: no runtime services after kexec";
	case KX_EFI_UNREADABLE:
		return "/sys/firmware/efi/runtime-map is readable by root only";
	case KX_EFI_TOO_MANY:
		return "more runtime regions than kx takes";
	case KX_EFI_KERNEL:
		return "the kernel does not say it takes EFI state after kexec (XLF_EFI_KEXEC)";
	case KX_EFI_BOOT_PARAMS:
		return "/sys/kernel/boot_params/data names no EFI memory map";
	case KX_EFI_DESC_VERSION:
		return "EFI memory descriptors of a version other than 1";
	default:
		return "unknown";
	}
}

/* Why a bzImage's kernel was loaded as it is (enum kx_unpacked), into b. */
static const char *unpack_why(const struct kx_plan *p, char *b, size_t n)
{
	static const char *const unpack_fault[] = {
		[KX_UNPACK_TOO_BIG] = "it unpacks to more than kx allows",
		[KX_UNPACK_UNSUPPORTED] = "it uses a feature kx does not unpack",
		[KX_UNPACK_NO_CODEC] = "this kx was built without that decompressor",
	};
	const char *comp = kx_comp_name((enum kx_comp)p->unpack_comp), *t;

	switch (p->unpacked) {
	case KX_UNPACKED_OFF:
		return "asked not to: --no-unpack";
	case KX_UNPACKED_CRASH:
		return "a crash kernel";
	case KX_UNPACKED_NO_UNPACKER:
		return "no decompressor here";
	case KX_UNPACKED_NOT_RELOCATABLE:
		return "the kernel is not relocatable";
	case KX_UNPACKED_NO_PAYLOAD:
		return "its setup header names no payload";
	case KX_UNPACKED_CODEC:
		return "its payload's compression is unknown to kx";
	case KX_UNPACKED_UNPACK:
		t = KX_PICK(unpack_fault, p->unpack_fault);
		snprintf(b, n, "kx cannot unpack its %s payload: %s", comp ? comp : "?",
			 t ? t : "no memory");
		return b;
	case KX_UNPACKED_SIZE:
		snprintf(b, n, "its payload unpacks to %" PRIu64 " bytes, not the size it ends with",
			 p->unpacked_len);
		return b;
	case KX_UNPACKED_NOT_ELF:
		return "no x86-64 ELF vmlinux in its payload";
	case KX_UNPACKED_ELF_LAYOUT:
		return "its vmlinux is not laid out as the kernel's decompressor expects";
	case KX_UNPACKED_RELOCS:
		if (p->unpack_fault == KX_RELOC_OUTSIDE) {
			snprintf(b, n, "a relocation (0x%08" PRIx32 ") falls outside the kernel",
				 p->bad_reloc);
			return b;
		}
		return "no relocation table after its vmlinux";
	case KX_UNPACKED_NO_ROOM:
		return "no room for it unpacked";
	default:
		return "unknown";
	}
}

static const char *kaslr_text(int k)
{
	switch (k) {
	case KX_KASLR_RANDOM:
		return "randomized";
	case KX_KASLR_CMDLINE:
		return "off (nokaslr)";
	case KX_KASLR_NO_SEED:
		return "off (no random bytes)";
	case KX_KASLR_NOT_BUILT:
		return "off (the kernel is built without it)";
	default:
		return "?";
	}
}

/* The plan's line about a bzImage's kernel: unpacked by kx, or as it is. */
static void unpack_line(struct kx_load *l, struct out *o)
{
	const struct kx_plan *p = &l->plan;
	char b[160];

	if (p->unpacked == KX_UNPACKED_DONE)
		out_put(o, "  kernel: unpacked at load (%s payload, %" PRIu64 " bytes), %" PRIu32
			" relocations; KASLR %s: physical 0x%" PRIx64 ", virtual offset 0x%" PRIx64 "\n",
			kx_comp_name((enum kx_comp)p->unpack_comp), p->unpacked_len, p->nrelocs,
			kaslr_text(p->kaslr), p->kaslr_phys, p->kaslr_virt);
	else if (p->unpacked != KX_UNPACKED_UNSET)
		out_put(o, "  kernel: as it is, its own decompressor runs (%s)\n",
			unpack_why(p, b, sizeof(b)));
}

static const char *syscall_name(const struct kx_load *l)
{
	return l->use_file ? "kexec_file_load" : "kexec_load";
}

void render_plan(struct kx_load *l, const char *syscall)
{
	const struct kx_plan *p = &l->plan;
	struct out o = { l->text, sizeof(l->text), 0 };
	unsigned i;
	char w[96];

	out_put(&o, "kx plan: %s%s image, %u segments, syscall %s\n", wrap_text(l, w, sizeof(w)), p->type,
		p->nseg, syscall);
	out_put(&o, "  %-11s %-18s %10s  %-18s %10s  %s\n", "purpose", "destination", "size", "end",
		"memsize", "source");
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		out_put(&o, "  %-11s 0x%016" PRIx64 " %10" PRIu64 "  0x%016" PRIx64 " %10" PRIu64 "  %s\n",
			s->purpose, s->mem, s->bufsz, s->mem + s->memsz, s->memsz, s->source);
	}
	out_put(&o, "  entry 0x%" PRIx64 " (purgatory); then %s jump to 0x%" PRIx64, p->entry,
		mode_name(p->entry_mode), p->target);
	for (i = 0; i < KX_PURG_NREGS; i++)
		if (p->regs_used & (1u << i))
			out_put(&o, ", %s=0x%" PRIx64, kx_arch_reg_names[i], p->regs[i]);
	out_put(&o, "\n  verification: %s", !l->o.no_verify ?
		"xxh64 digest of each segment, checked in purgatory" : "off (-i)");
	for (i = 0; !l->o.no_verify && i < p->nseg; i++)
		if (!p->seg[i].verify && p->seg[i].bufsz && strcmp(p->seg[i].purpose, "purgatory"))
			out_put(&o, "; not %s (%s)", p->seg[i].purpose,
				l->set[KX_SET_HOTPLUG] ? "the kernel rewrites it on hotplug" : "unchecked");
	out_put(&o, "\n");
	if (!console_port(l))
		out_put(&o, "  purgatory console: none\n");
	else if (kx_arch_console_max == 1 && l->req.atags)
		out_put(&o, "  purgatory console: none (ATAGS: no device tree names a UART)\n");
	else if (kx_arch_console_max == 1 && !strcmp(kx_arch_name, "ppc64le"))
		out_put(&o, "  purgatory console: the hypervisor's virtual terminal (H_PUT_TERM_CHAR; "
			    "none on bare metal)\n");
	else if (kx_arch_console_max == 1)
		out_put(&o, "  purgatory console: the UART the device tree's stdout-path names\n");
	else if (p->serial_baud)
		out_put(&o, "  purgatory console: serial port 0x%x at %u baud\n", console_port(l),
			p->serial_baud);
	else
		out_put(&o, "  purgatory console: serial port 0x%x, speed as it is\n", console_port(l));
	if (p->efi == KX_EFI_PASSED)
		out_put(&o, "  EFI: system table 0x%" PRIx64 ", %u runtime regions\n", p->efi_systab,
			p->efi_regions);
	else if (p->efi != KX_EFI_UNSET)
		out_put(&o, "  EFI: not passed: %s\n", efi_why(p->efi));
	unpack_line(l, &o);
	if (p->cmdline)
		out_put(&o, "  command line: %s\n", p->cmdline);
}

int kx_load_info(struct kx_load *l, struct kx_load_info *info, struct kx_error *err)
{
	const struct kx_plan *p = &l->plan;
	unsigned i;

	ERR_OR_DUMMY(err);
	memset(info, 0, sizeof(*info));
	if (kx_load_prepare(l, err))
		return -1;
	info->type = l->ld->name;
	info->arch = kx_arch_name;
	info->syscall = syscall_name(l);
	info->fallback = file_falls_to_classic(l) ? "kexec_load" :
			 classic_falls_to_file(l) ? "kexec_file_load" : 0;
	info->reason = why_text(l);
	info->cmdline = l->cmdline;
	info->file_syscall_ok = l->ld->kernel_parses;
	info->crash = l->o.crash;
	info->verify = !l->o.no_verify;
	info->image_memory = l->req.image.buf ? arch_kernel_bytes(l->is_uki ? l->uki.kernel.buf :
				l->req.image.buf, l->is_uki ? l->uki.kernel.len : l->req.image.len) : 0;
	if (!l->planned)
		return 0;
	info->type = p->type;
	if (p->cmdline)
		info->cmdline = p->cmdline; /* as built: a multiboot kernel's starts with its name */
	info->nsegments = p->nseg;
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];
		info->segment[i] = (struct kx_segment_info){ s->purpose, s->source, s->mem, s->memsz,
							     s->bufsz, s->digest, s->verify };
		info->memory += s->memsz;
	}
	info->entry = p->entry;
	info->target = p->target;
	info->mode = mode_name(p->entry_mode);
	info->regs_used = p->regs_used;
	for (i = 0; i < KX_INFO_NREGS; i++) {
		info->reg[i] = p->regs[i];
		info->reg_name[i] = kx_arch_reg_names[i];
	}
	return 0;
}

/* The system's state for the plan's last line, read once per load (it scans
 * /proc/kallsyms, which takes tens of milliseconds). */
static const struct kx_preflight *preflight(struct kx_load *l)
{
	if (!l->have_pf)
		kx_preflight(&l->pf);
	l->have_pf = 1;
	return &l->pf;
}

int kx_load_print(struct kx_load *l, FILE *f, struct kx_error *err)
{
	const struct kx_preflight *pf;
	struct out o;

	ERR_OR_DUMMY(err);
	if (kx_load_plan(l, err))
		return -1;
	render_plan(l, syscall_name(l));
	o = (struct out){ l->text, sizeof(l->text), strlen(l->text) };
	out_put(&o, "  syscall: %s (%s)\n", syscall_name(l), why_text(l));
	if (l->use_file)
		out_put(&o, "  kexec_file_load gets: kernel %s, %u initrd piece(s), the command line above\n",
			l->kernel_file ? l->kernel_file : l->is_uki ? "(memfd of .linux)" :
			l->kernel_fd >= 0 ? "(the caller's fd)" : "(memfd of the unpacked kernel)",
			l->req.ninitrd + (l->is_uki ? !!l->uki.ucode.len + !!l->uki.initrd.len : 0));
	if (l->use_file && l->plan.efi != KX_EFI_UNSET && l->plan.efi != KX_EFI_NOT_EFI)
		out_put(&o, "  (the EFI line is kexec_load's: kexec_file_load's kernel passes its own "
			"EFI state)\n");
	fputs(l->text, f);
	pf = preflight(l);
	fprintf(f, "  system: lockdown %s, kexec_load %s, kexec_file_load %s, %s loaded\n",
		pf->lockdown, pf->load_ok ? "usable" : "not usable now",
		pf->file_ok ? "usable" : "not usable now", pf->loaded == 1 ? "a kernel is" : "nothing is");
	return 0;
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

static void json_segments(FILE *f, const struct kx_load_info *in)
{
	unsigned i;

	fprintf(f, ",\"entry\":%" PRIu64 ",\"segments\":[", in->entry);
	for (i = 0; i < in->nsegments; i++) {
		const struct kx_segment_info *s = &in->segment[i];
		fprintf(f, "%s{\"purpose\":", i ? "," : "");
		jstr(f, s->purpose);
		fprintf(f, ",\"source\":");
		jstr(f, s->source);
		fprintf(f, ",\"mem\":%" PRIu64 ",\"memsz\":%" PRIu64 ",\"bufsz\":%" PRIu64, s->mem,
			s->memsz, s->bufsz);
		if (in->verify && s->verify)
			fprintf(f, ",\"digest\":\"%016" PRIx64 "\"", s->digest);
		fputc('}', f);
	}
	fprintf(f, "]");
}

static void json_handoff(FILE *f, const struct kx_load_info *in)
{
	unsigned i;
	int first = 1;

	fprintf(f, ",\"handoff\":{\"mode\":");
	jstr(f, in->mode);
	fprintf(f, ",\"target\":%" PRIu64 ",\"registers\":{", in->target);
	for (i = 0; i < KX_INFO_NREGS; i++)
		if (in->regs_used & (1u << i)) {
			fprintf(f, "%s", first ? "" : ",");
			jstr(f, in->reg_name[i]);
			fprintf(f, ":%" PRIu64, in->reg[i]);
			first = 0;
		}
	fprintf(f, "}}");
}

/* "wrapping": the wrappings undone, outermost first ([] for a plain file),
 * "packed_size": the file's size when there were any. */
static void json_wrapping(FILE *f, const struct kx_load *l)
{
	unsigned i;

	fprintf(f, ",\"wrapping\":[");
	for (i = 0; i < l->nwrap; i++) {
		fprintf(f, "%s", i ? "," : "");
		jstr(f, wrap_name(&l->wrap[i]));
	}
	fprintf(f, "]");
	if (l->packed_len)
		fprintf(f, ",\"packed_size\":%" PRIu64 ",\"unpacked_size\":%" PRIu64, l->packed_len,
			l->req.image.len);
}

/* "unpack": what became of a bzImage's kernel (x86_64 kexec_load plans). */
static void json_unpack(FILE *f, struct kx_load *l)
{
	const struct kx_plan *p = &l->plan;
	char b[160];

	if (p->unpacked == KX_UNPACKED_UNSET)
		return;
	if (p->unpacked != KX_UNPACKED_DONE) {
		fprintf(f, ",\"unpack\":{\"done\":false,\"reason\":");
		jstr(f, unpack_why(p, b, sizeof(b)));
		fputc('}', f);
		return;
	}
	fprintf(f, ",\"unpack\":{\"done\":true,\"codec\":");
	jstr(f, kx_comp_name((enum kx_comp)p->unpack_comp));
	fprintf(f, ",\"unpacked_size\":%" PRIu64 ",\"relocations\":%" PRIu32
		",\"kaslr\":%s,\"kaslr_why\":", p->unpacked_len, p->nrelocs,
		p->kaslr == KX_KASLR_RANDOM ? "true" : "false");
	jstr(f, kaslr_text(p->kaslr));
	fprintf(f, ",\"phys\":%" PRIu64 ",\"virt_offset\":%" PRIu64 "}", p->kaslr_phys,
		p->kaslr_virt);
}

int kx_load_print_json(struct kx_load *l, FILE *f, struct kx_error *err)
{
	struct kx_load_info in;

	ERR_OR_DUMMY(err);
	if (kx_load_plan(l, err) || kx_load_info(l, &in, err))
		return -1;
	fprintf(f, "{\"syscall\":");
	jstr(f, in.syscall);
	fprintf(f, ",\"fallback\":");
	if (in.fallback)
		jstr(f, in.fallback);
	else
		fputs("null", f);
	fprintf(f, ",\"syscall_reason\":");
	jstr(f, in.reason);
	fprintf(f, ",\"type\":");
	jstr(f, in.type);
	fprintf(f, ",\"arch\":");
	jstr(f, in.arch);
	json_wrapping(f, l);
	json_segments(f, &in);
	json_handoff(f, &in);
	if (l->plan.efi == KX_EFI_PASSED)
		fprintf(f, ",\"efi\":{\"systab\":%" PRIu64 ",\"runtime_regions\":%u}",
			l->plan.efi_systab, l->plan.efi_regions);
	else if (l->plan.efi != KX_EFI_UNSET) {
		fprintf(f, ",\"efi\":{\"not_passed\":");
		jstr(f, efi_why(l->plan.efi));
		fputc('}', f);
	}
	json_unpack(f, l);
	fprintf(f, ",\"verify\":%s,\"cmdline\":", in.verify ? "\"xxh64\"" : "null");
	jstr(f, l->plan.cmdline ? l->plan.cmdline : "");
	fprintf(f, ",\"preflight\":");
	kx_preflight_print_json(f, preflight(l));
	fprintf(f, "}\n");
	return 0;
}
