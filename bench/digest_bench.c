/*
 * digest_bench - how fast the purgatory's verification routine runs, against
 * SHA-256 (what kexec-tools' purgatory and the kernel's purgatory check with):
 *
 *   xxh64-purgatory   lib/digest.c compiled with the purgatory's own flags
 *                     (-Os -mgeneral-regs-only -ffreestanding ..., from the
 *                     Makefile): the code that runs between the kernels
 *   xxh64-O2          lib/digest.c at -O2, as in build/kx (the loader side)
 *   sha256-portable   bench/sha256.c: plain C SHA-256, the kind of code a
 *                     purgatory carries (no SIMD, no SHA extensions)
 *   sha256-openssl    OpenSSL's SHA-256 (EVP; uses the CPU's SHA extensions
 *                     or SIMD where it has them): the best case for SHA-256
 *
 * usage: digest_bench [-m MIB] [-r RUNS] [-w WHERE] [-q]
 * Hashes a MIB-MiB buffer of pseudo-random bytes RUNS times per routine and
 * prints CSV (routine,where,mib,runs,mb_s,result) with the best run's MB/s
 * (10^6 bytes per second). Self-tests the routines on known answers first.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <kx/digest.h>
#include "sha256.h"

uint64_t kx_xxh64_purg(const void *data, size_t len, uint64_t seed);

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t fold(const uint8_t *d, size_t n)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; i < n; i++)
		v = v << 8 ^ v >> 56 ^ d[i];
	return v;
}

static uint64_t r_xxh64_purg(const uint8_t *p, size_t n) { return kx_xxh64_purg(p, n, 0); }
static uint64_t r_xxh64_o2(const uint8_t *p, size_t n) { return kx_xxh64(p, n, 0); }
static uint64_t r_sha256(const uint8_t *p, size_t n)
{
	uint8_t d[32];
	sha256(p, n, d);
	return fold(d, 32);
}
static uint64_t r_openssl(const uint8_t *p, size_t n)
{
	uint8_t d[32];
	unsigned dl = 0;
	if (!EVP_Digest(p, n, d, &dl, EVP_sha256(), NULL) || dl != 32) {
		fputs("digest_bench: OpenSSL SHA-256 failed\n", stderr);
		exit(1);
	}
	return fold(d, 32);
}

static const struct routine {
	const char *name;
	uint64_t (*fn)(const uint8_t *, size_t);
} routines[] = {
	{ "xxh64-purgatory", r_xxh64_purg },
	{ "xxh64-O2", r_xxh64_o2 },
	{ "sha256-portable", r_sha256 },
	{ "sha256-openssl", r_openssl },
};

static int fails;
static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "digest_bench: self-test failed: %s\n", what);
		fails++;
	}
}

static void hex(const uint8_t *d, char *out)
{
	int i;
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void self_test(const uint8_t *buf, size_t len)
{
	static const char *msg2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t a[32], b[32];
	char h[65];
	unsigned dl;
	size_t n;

	/* FIPS 180-4 examples */
	sha256("abc", 3, a);
	hex(a, h);
	check(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc)");
	sha256(msg2, strlen(msg2), a);
	hex(a, h);
	check(!strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "sha256(448 bits)");
	sha256("", 0, a);
	hex(a, h);
	check(!strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256(empty)");
	/* portable == OpenSSL on every length around the block boundaries */
	for (n = 0; n < 300 && n <= len; n++) {
		sha256(buf, n, a);
		EVP_Digest(buf, n, b, &dl, EVP_sha256(), NULL);
		check(!memcmp(a, b, 32), "sha256 portable vs OpenSSL, short lengths");
	}
	/* XXH64 reference values (seed 0) */
	check(kx_xxh64("", 0, 0) == 0xEF46DB3751D8E999ull, "xxh64(empty)");
	check(kx_xxh64("a", 1, 0) == 0xD24EC4F1A98C6E5Bull, "xxh64(a)");
	check(kx_xxh64("abc", 3, 0) == 0x44BC2CF5AD770999ull, "xxh64(abc)");
	for (n = 0; n < 300 && n <= len; n++)
		check(kx_xxh64(buf, n, 0) == kx_xxh64_purg(buf, n, 0), "xxh64 -O2 vs purgatory build");
}

int main(int argc, char **argv)
{
	size_t mib = 256, len, i;
	int runs = 5, quiet = 0, opt, r;
	const char *where = "native";
	uint8_t *buf;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	while ((opt = getopt(argc, argv, "m:r:w:q")) != -1) {
		switch (opt) {
		case 'm': mib = strtoul(optarg, 0, 10); break;
		case 'r': runs = atoi(optarg); break;
		case 'w': where = optarg; break;
		case 'q': quiet = 1; break;
		default:
			fputs("usage: digest_bench [-m MIB] [-r RUNS] [-w WHERE] [-q]\n", stderr);
			return 2;
		}
	}
	if (!mib || runs < 1) {
		fputs("digest_bench: -m and -r must be positive\n", stderr);
		return 2;
	}
	len = mib << 20;
	buf = malloc(len);
	if (!buf) {
		perror("digest_bench");
		return 1;
	}
	for (i = 0; i + 8 <= len; i += 8) { /* splitmix64: incompressible enough */
		uint64_t z = (x += 0x9E3779B97F4A7C15ull);
		z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ z >> 27) * 0x94D049BB133111EBull;
		z ^= z >> 31;
		memcpy(buf + i, &z, 8);
	}
	self_test(buf, len);
	if (fails)
		return 1;
	if (!quiet)
		printf("routine,where,mib,runs,mb_s,result\n");
	for (i = 0; i < sizeof(routines) / sizeof(routines[0]); i++) {
		double best = 1e30;
		uint64_t res = 0;
		for (r = 0; r < runs; r++) {
			double t0 = now();
			res = routines[i].fn(buf, len);
			double t = now() - t0;
			if (t < best)
				best = t;
		}
		printf("%s,%s,%zu,%d,%.0f,%016" PRIx64 "\n", routines[i].name, where, mib, runs,
		       (double)len / best / 1e6, res);
		fflush(stdout);
	}
	free(buf);
	return 0;
}
