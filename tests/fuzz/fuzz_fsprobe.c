/* The file-system probe (lib/boot/fsprobe.c): a device's first bytes are
 * anyone's. Every field must come back terminated, whatever the input. */
#include <string.h>
#include <kx/boot.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t big[KX_FSPROBE_LEN];
	struct kx_fsinfo fi;
	enum kx_probe r = kx_fsprobe(data, size, &fi);
	char pu[40];

	if (!memchr(fi.type, 0, sizeof(fi.type)) || !memchr(fi.uuid, 0, sizeof(fi.uuid)) ||
	    !memchr(fi.label, 0, sizeof(fi.label)) || r > KX_PROBE_OTHER ||
	    ((r == KX_PROBE_NONE) != !fi.type[0]))
		__builtin_trap();
	if (kx_partuuid(data, size, size ? data[size - 1] : 1, pu) ? !memchr(pu, 0, sizeof(pu)) : pu[0])
		__builtin_trap();
	/* the input again where the superblocks are (-max_len is 64 KiB): at 0,
	 * at 32 KiB (iso9660) and at 64 KiB (btrfs), in a zeroed 128 KiB */
	if (size <= 32768) {
		memset(big, 0, sizeof(big));
		memcpy(big + 32768, data, size);
		memcpy(big + 65536, data, size);
		(void)kx_fsprobe(big, sizeof(big), &fi);
		if (!memchr(fi.label, 0, sizeof(fi.label)))
			__builtin_trap();
	}
	return 0;
}
