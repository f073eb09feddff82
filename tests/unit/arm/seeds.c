/* mkseeds-arm DIR: seeds for fuzz_arm (a byte picking the target, then a
 * synthetic zImage): with and without a size table, for both targets; for
 * the ATAGS target (3), a buffer size, a memory map and a command line first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arm_fix.h"

static void seed(const char *dir, const char *name, int target, const uint8_t *b, size_t n)
{
	char path[512];
	FILE *f;
	unsigned char t = (unsigned char)target;

	snprintf(path, sizeof(path), "%s/%s-%d", dir, name, target);
	f = fopen(path, "wb");
	if (!f || fwrite(&t, 1, 1, f) != 1 || fwrite(b, 1, n, f) != n || fclose(f))
		exit(1);
}

int main(int argc, char **argv)
{
	struct zi_spec s[] = {
		{ 8 * KiB, 0, 0, 0, 1, 200 * KiB, 40 * KiB, 0x208000, 0x10000, 0 },
		{ 4 * KiB, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 4 * KiB, 0, 0, 0, 1, 100 * KiB, 0, 0, 0, 4 },
	};
	const char *names[] = { "klsz6", "notable", "klsz4" };
	unsigned i;
	int t;

	if (argc != 2)
		return 2;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		uint8_t *z = arm_zimage(&s[i]);
		for (t = 0; t < 2; t++)
			seed(argv[1], names[i], t, z, s[i].len);
		{
			/* cap 0xf0 * 17; RAM 1 GiB at 0x40000001 (odd: RAM); 0xff; cmdline */
			static const uint8_t pre[] = {
				0xf0, 0x01, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0xff,
				'c', 'o', 'n', 's', 'o', 'l', 'e', '=', 't', 't', 'y', 'A', 'M', 'A', '0', 0,
			};
			uint8_t *b = malloc(sizeof(pre) + s[i].len);
			if (!b)
				return 1;
			memcpy(b, pre, sizeof(pre));
			memcpy(b + sizeof(pre), z, s[i].len);
			seed(argv[1], names[i], 3, b, sizeof(pre) + s[i].len);
			free(b);
		}
		free(z);
	}
	return 0;
}
