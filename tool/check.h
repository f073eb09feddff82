/* Preflight: what this system allows, read from files only (no kexec call). */
#ifndef KX_CHECK_H
#define KX_CHECK_H
#include <stdint.h>
#include <stdio.h>

struct preflight {
	char kernel[65];          /* running kernel release */
	char lockdown[24];        /* none, integrity, confidentiality, unknown */
	int load_disabled;        /* kernel.kexec_load_disabled: 0, 1, -1 unknown */
	int root;
	int has_load, has_file;   /* syscall in this kernel: 1, 0, -1 unknown */
	int loaded, crash_loaded; /* 1, 0, -1 unknown */
	uint64_t crash_size;      /* bytes reserved with crashkernel=, 0 = none */
	uint64_t mem_total, mem_avail;
	int load_ok, file_ok;     /* can each syscall load now (file: signed images only?) */
};

void check_gather(struct preflight *pf);
void check_print(FILE *f, const struct preflight *pf, uint64_t need);
void check_print_short(FILE *f, const struct preflight *pf);
void check_json(FILE *f, const struct preflight *pf);
/* kx --check: 0 if some syscall can load, 1 if none can. */
int do_check(int json);
#endif
