/* seeds DIR: starting inputs for fuzz_arm64 (one per target, the first
 * byte selects it), made from the unit test fixtures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "a64.h"

static void put(const char *dir, const char *name, uint8_t sel, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fputc(sel, f) == EOF || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	size_t gzlen, zlen, dlen;
	uint8_t *img, *gz, *zb, *dtb;
	static const char iomem[] = "40000000-bfffffff : System RAM\n  41860000-41eaffff : reserved\n"
				    "  48000000-480fdfff : reserved\n";

	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	img = a64_image(16384, 0, 65536, 0xa);
	gz = a64_gzip(img, 16384, 6, &gzlen);
	zb = a64_zboot(gz, gzlen, "gzip", &zlen);
	dtb = a64_dtb(&dlen, 1);
	put(argv[1], "gzip", 0, gz, gzlen);
	put(argv[1], "image", 1, img, 16384);
	put(argv[1], "image-gz", 1, gz, gzlen);
	put(argv[1], "zboot", 1, zb, zlen);
	put(argv[1], "dtb", 2, dtb, dlen);
	put(argv[1], "uart", 3, dtb, dlen);
	put(argv[1], "iomem", 4, (const uint8_t *)iomem, sizeof(iomem) - 1);
	return 0;
}
