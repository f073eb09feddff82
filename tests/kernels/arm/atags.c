/*
 * kx ATAGS test kernel: entered like a 32-bit ARM Linux zImage (MMU off,
 * r0 = 0, r1 = the machine type, r2 = the ATAGS list), it prints on QEMU
 * virt's PL011 (0x09000000, physical) the registers and every tag of the
 * list, one fact per line starting with "KXATAGS ", then powers the machine
 * off with PSCI SYSTEM_OFF (hvc, as QEMU virt offers it). tests/kernels/
 * README.md documents every line.
 *
 * Freestanding, position independent, every access aligned (the MMU is
 * off); the list is never trusted: the walk is bounded in bytes and tags,
 * every size is checked against what is left, the initrd is read only when
 * it lies inside a memory tag.
 */
#include <stddef.h>
#include <stdint.h>

#define UART       0x09000000u   /* QEMU virt's PL011 */
#define PL011_FR   0x18
#define PL011_TXFF 0x20
#define RAM_LO     0x40000000u   /* QEMU virt's RAM starts here */
#define LIST_MAX   0x4000u       /* bytes of list walked at most (booting.rst: 16 KiB) */
#define TAGS_MAX   256u
#define MEM_MAX    32u
#define INITRD_MAX (256u << 20)
#define PSCI_SYSTEM_OFF 0x84000008u

#define ATAG_NONE    0x00000000u
#define ATAG_CORE    0x54410001u
#define ATAG_MEM     0x54410002u
#define ATAG_INITRD2 0x54420005u
#define ATAG_CMDLINE 0x54410009u

void kmain(uint32_t r0, uint32_t r1, uint32_t r2, uint32_t base);
uint32_t psci_call(uint32_t fn);
void halt(void) __attribute__((noreturn));
extern char _edata[] __attribute__((visibility("hidden")));
extern char _end[] __attribute__((visibility("hidden")));

/* gcc may emit calls to these even in freestanding code */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static inline uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static void putc_(char c)
{
	unsigned spin;

	for (spin = 0; spin < 1000000 && (rd32(UART + PL011_FR) & PL011_TXFF); spin++)
		;
	wr32(UART, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void hex(uint32_t v, int digits)
{
	int i, started = 0;

	puts_("0x");
	for (i = 7; i >= 0; i--) {
		unsigned d = (v >> (4 * i)) & 0xf;
		if (d || started || i < digits || i == 0) {
			putc_((char)(d < 10 ? '0' + d : 'a' + d - 10));
			started = 1;
		}
	}
}

static void dec(uint32_t v)
{
	char b[12];
	int n = 0;

	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_(b[--n]);
}

static void line(const char *s)
{
	puts_("KXATAGS ");
	puts_(s);
}

/* zlib's CRC32 (reflected, polynomial 0xedb88320), bit by bit */
static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

struct range { uint32_t start, size; };

/* [s, s + n) inside one of the memory tags */
static int in_mem(const struct range *m, unsigned nm, uint32_t s, uint32_t n)
{
	unsigned i;

	for (i = 0; i < nm; i++)
		if (s >= m[i].start && s - m[i].start <= m[i].size && n <= m[i].size - (s - m[i].start))
			return 1;
	return 0;
}

/*
 * Walk the list at r2: prints every tag when print is set, else only
 * collects the memory tags (at most MEM_MAX). Returns 0 at a proper ATAG_NONE, -1 on
 * a malformed list (an "error" line says why when printing).
 */
static int walk(uint32_t r2, int print, struct range *mem, unsigned *nmem)
{
	uint32_t off = 0, left = LIST_MAX, i;

	if (r2 & 3 || r2 < RAM_LO || r2 > 0xffffffffu - LIST_MAX) {
		if (print)
			line("error r2 is not a word-aligned address in RAM\n");
		return -1;
	}
	for (i = 0; i < TAGS_MAX; i++) {
		uint32_t a = r2 + off, size, type;
		if (left < 8) {
			if (print)
				line("error list runs past 16 KiB\n");
			return -1;
		}
		size = rd32(a);
		type = rd32(a + 4);
		if (print) {
			line("tag ");
			dec(i);
			puts_(" type=");
			hex(type, 8);
			puts_(" size=");
			dec(size);
			putc_('\n');
		}
		if (type == ATAG_NONE) {
			if (print) {
				line("end tags=");
				dec(i + 1);
				puts_(" bytes=");
				dec(off + 8);
				putc_('\n');
			}
			return 0;
		}
		if (i == 0 && type != ATAG_CORE) {
			if (print)
				line("error the first tag is not ATAG_CORE\n");
			return -1;
		}
		if (size < 2 || size > left / 4) {
			if (print)
				line("error tag size\n");
			return -1;
		}
		if (type == ATAG_CORE && print) {
			if (size >= 5) {
				line("core flags=");
				hex(rd32(a + 8), 0);
				puts_(" pagesize=");
				dec(rd32(a + 12));
				puts_(" rootdev=");
				hex(rd32(a + 16), 0);
				putc_('\n');
			} else {
				line("core (no data)\n");
			}
		} else if (type == ATAG_MEM && size >= 4) {
			uint32_t sz = rd32(a + 8), st = rd32(a + 12);
			if (print) {
				line("mem start=");
				hex(st, 0);
				puts_(" size=");
				hex(sz, 0);
				putc_('\n');
			} else if (*nmem < MEM_MAX) {
				mem[*nmem].start = st;
				mem[*nmem].size = sz;
				++*nmem;
			}
		} else if (type == ATAG_INITRD2 && size >= 4 && print) {
			uint32_t st = rd32(a + 8), sz = rd32(a + 12);
			line("initrd2 start=");
			hex(st, 0);
			puts_(" size=");
			dec(sz);
			puts_(" crc32=");
			if (sz <= INITRD_MAX && in_mem(mem, *nmem, st, sz))
				hex(crc32((const uint8_t *)st, sz), 8);
			else
				puts_("none (not inside a memory tag)");
			putc_('\n');
		} else if (type == ATAG_CMDLINE && print) {
			uint32_t n = (size - 2) * 4, k;
			const volatile char *s = (const volatile char *)(a + 8);
			line("cmdline=");
			for (k = 0; k < n && s[k]; k++)
				putc_(s[k] >= 0x20 && s[k] < 0x7f ? s[k] : '?');
			if (k == n)
				puts_("(unterminated)");
			putc_('\n');
		}
		off += size * 4;
		left -= size * 4;
	}
	if (print)
		line("error more than 256 tags\n");
	return -1;
}

void kmain(uint32_t r0, uint32_t r1, uint32_t r2, uint32_t base)
{
	struct range mem[MEM_MAX];
	unsigned nmem = 0;

	line("BEGIN\n");
	line("r0=");
	hex(r0, 0);
	puts_(" r1=");
	hex(r1, 0);
	puts_(" r2=");
	hex(r2, 0);
	putc_('\n');
	line("image start=");
	hex(base, 0);
	puts_(" end=");
	hex((uint32_t)(uintptr_t)_edata, 0);  /* pc-relative: where it runs */
	puts_(" bss_end=");
	hex((uint32_t)(uintptr_t)_end, 0);
	putc_('\n');
	walk(r2, 0, mem, &nmem); /* the memory tags first: the initrd is read inside them */
	walk(r2, 1, mem, &nmem);
	line("DONE\n");
	psci_call(PSCI_SYSTEM_OFF);
	line("HALT\n");
	halt();
}
