/*
 * libFuzzer harness for the 32-bit ARM zImage code (make fuzz-arm): the
 * first byte picks the target, the rest is its input.
 *   0  kx_zimage_parse (header, size table)
 *   1  the zImage loader with a fixed RAM map and device tree, as kx -l runs it
 */
#include <stdlib.h>
#include <string.h>
#include "arm_fix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_sysinfo si;
	static int ready;
	static uint8_t scratch[65536];
	static struct kx_plan p;
	const uint8_t *d = data + 1;
	size_t n = size ? size - 1 : 0;
	struct kx_zimage z;
	struct kx_load_req r;

	if (!size)
		return 0;
	if (!ready) {
		arm_sysinfo(&si);
		ready = 1;
	}
	if (!(data[0] & 1)) {
		kx_zimage_parse(d, n, &z);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.image = (struct kx_blob){ d, n, "fuzz" };
	r.cmdline = "console=ttyAMA0";
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	si.alloc = 0;       /* the tree is built in scratch */
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	kx_zimage_load(&r, &p);
	return 0;
}
