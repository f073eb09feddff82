/*
 * kx test kernel: prints on the serial port (COM1, 0x3f8, 115200 8N1)
 * everything the boot loader handed over, one fact per line, then powers the
 * virtual machine off. Multiboot 1 lines start with "KXMB1 ", multiboot 2
 * lines with "KXMB2 ". tests/kernels/README.md documents every line.
 *
 * Freestanding 32-bit code: no libc, no libgcc (no 64-bit division: 64-bit
 * values are printed in hex, decimals are 32-bit), defensive against a
 * malformed information structure (every walk is bounded).
 */
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3f8
#define MAX_STR 4096       /* longest string printed */
#define MAX_MMAP 1024      /* memory map entries printed */
#define MAX_MODS 64
#define MAX_TAGS 1024

extern char _load_start[], _edata[], _end[], _start[];

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

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- serial output ---- */

static void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void putc_(char c)
{
	unsigned spin;

	for (spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static const char *pfx = "KXMB? ";

static void line(const char *s) /* the prefix, then s */
{
	puts_(pfx);
	puts_(s);
}

static void hex64(uint64_t v) /* 0x, lowercase, no leading zeros */
{
	uint32_t hi = (uint32_t)(v >> 32), lo = (uint32_t)v, d;
	int i, started = 0;

	puts_("0x");
	for (i = 15; i >= 0; i--) {
		d = i >= 8 ? (hi >> (4 * (i - 8))) & 15 : (lo >> (4 * i)) & 15;
		if (d || started || !i) {
			putc_("0123456789abcdef"[d]);
			started = 1;
		}
	}
}

static void hex32w(uint32_t v) /* 0x and exactly 8 digits: CRC32s */
{
	int i;
	puts_("0x");
	for (i = 7; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void dec(uint32_t v)
{
	char b[10];
	int n = 0;
	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_(b[--n]);
}

/* a string from memory, at most max bytes; control characters become '?' */
static void str(const char *s, uint32_t max)
{
	uint32_t i;

	if (!s) {
		puts_("(null)");
		return;
	}
	for (i = 0; i < max && s[i]; i++)
		putc_((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f ? '?' : s[i]);
	if (i == max && max)
		puts_("(unterminated)");
}

static void kv_hex(const char *k, uint64_t v)
{
	puts_(k);
	hex64(v);
}

static void kv_dec(const char *k, uint32_t v)
{
	puts_(k);
	dec(v);
}

static void nl(void) { putc_('\n'); }

/* ---- CRC32 (zlib's: reflected 0xEDB88320, init and final xor ~0) ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- checks of the loader's work on this image ---- */

static volatile uint8_t bss_probe[65536];  /* must arrive zeroed */
static volatile uint32_t data_probe[4] = { 0x4b584d42, 0x12345678, 0x9abcdef0, 0x0fedcba9 };

static void self_check(void)
{
	uint32_t i, dirty = 0;

	for (i = 0; i < sizeof(bss_probe); i++)
		dirty |= bss_probe[i];
	line("");
	kv_hex("kernel start=", (uint32_t)_load_start);
	kv_hex(" end=", (uint32_t)_end);
	kv_hex(" entry=", (uint32_t)_start);
	nl();
	line("bss=");
	puts_(dirty ? "dirty" : "zero");
	puts_(" data=");
	puts_(data_probe[0] == 0x4b584d42 && data_probe[1] == 0x12345678 &&
	      data_probe[2] == 0x9abcdef0 && data_probe[3] == 0x0fedcba9 ? "ok" : "bad");
	nl();
}

static void module_line(uint32_t i, uint32_t start, uint32_t end, const char *s)
{
	line("module ");
	dec(i);
	kv_hex(" start=", start);
	kv_hex(" end=", end);
	if (end >= start) {
		kv_dec(" size=", end - start);
		puts_(" crc32=");
		hex32w(crc32((const uint8_t *)(uintptr_t)start, end - start));
	} else {
		puts_(" size=-1 crc32=none");
	}
	puts_(" string=");
	str(s, MAX_STR);
	nl();
}

/* ---- multiboot 1 ---- */

static uint32_t rd32(uint32_t a) { return *(const volatile uint32_t *)(uintptr_t)a; }
static uint64_t rd64(uint32_t a) { return rd32(a) | (uint64_t)rd32(a + 4) << 32; }

static void mb1(uint32_t mbi)
{
	uint32_t flags = rd32(mbi), i;

	line("");
	kv_hex("magic=", 0x2badb002);
	kv_hex(" mbi=", mbi);
	kv_hex(" flags=", flags);
	nl();
	self_check();
	if (flags & 1) {
		line("");
		kv_dec("mem_lower=", rd32(mbi + 4));
		kv_dec(" mem_upper=", rd32(mbi + 8));
		nl();
	}
	if (flags & 2) {
		line("");
		kv_hex("boot_device=", rd32(mbi + 12));
		nl();
	}
	if (flags & 4) {
		line("cmdline=");
		str((const char *)(uintptr_t)rd32(mbi + 16), MAX_STR);
		nl();
	}
	if (flags & 8) {
		uint32_t n = rd32(mbi + 20), a = rd32(mbi + 24);
		line("");
		kv_dec("mods_count=", n);
		kv_hex(" mods_addr=", a);
		nl();
		for (i = 0; i < n && i < MAX_MODS; i++, a += 16)
			module_line(i, rd32(a), rd32(a + 4), (const char *)(uintptr_t)rd32(a + 8));
	}
	if (flags & 0x40) {
		uint32_t len = rd32(mbi + 44), a = rd32(mbi + 48), end = a + len;
		line("");
		kv_dec("mmap_length=", len);
		kv_hex(" mmap_addr=", a);
		nl();
		for (i = 0; i < MAX_MMAP && a < end; i++) {
			uint32_t size = rd32(a);
			line("");
			kv_hex("mmap base=", rd64(a + 4));
			kv_hex(" len=", rd64(a + 12));
			kv_dec(" type=", rd32(a + 20));
			nl();
			if (size < 20) {
				line("error mmap entry size ");
				dec(size);
				nl();
				break;
			}
			a += size + 4;
		}
	}
	if (flags & 0x200) {
		line("loader=");
		str((const char *)(uintptr_t)rd32(mbi + 64), MAX_STR);
		nl();
	}
}

/* ---- multiboot 2 ---- */

static void quoted(const char *k, uint32_t a, uint32_t n)
{
	uint32_t i;
	puts_(k);
	putc_('"');
	for (i = 0; i < n; i++) {
		char c = *(const volatile char *)(uintptr_t)(a + i);
		putc_(c < 0x20 || c > 0x7e || c == '"' ? '?' : c);
	}
	putc_('"');
}

static const char *sum_ok(uint32_t a, uint32_t n)
{
	uint8_t s = 0;
	uint32_t i;
	for (i = 0; i < n; i++)
		s = (uint8_t)(s + *(const volatile uint8_t *)(uintptr_t)(a + i));
	return s ? "bad" : "ok";
}

static void acpi(uint32_t v, uint32_t len, int is_new)
{
	line(is_new ? "acpi_new" : "acpi_old");
	if (len < 20) {
		puts_(" short");
		nl();
		return;
	}
	quoted(" sig=", v, 8);
	quoted(" oem=", v + 9, 6);
	kv_dec(" rev=", *(const volatile uint8_t *)(uintptr_t)(v + 15));
	kv_hex(" rsdt=", rd32(v + 16));
	puts_(" csum=");
	puts_(sum_ok(v, 20));
	if (is_new && len >= 36) {
		kv_dec(" length=", rd32(v + 20));
		kv_hex(" xsdt=", rd64(v + 24));
		puts_(" xcsum=");
		puts_(sum_ok(v, 36));
	}
	nl();
}

static void mb2(uint32_t mbi)
{
	uint32_t total = rd32(mbi), a = mbi + 8, end = mbi + total, n, nmod = 0, i;
	int ended = 0;

	line("");
	kv_hex("magic=", 0x36d76289);
	kv_hex(" mbi=", mbi);
	kv_dec(" total_size=", total);
	nl();
	self_check();
	if (total < 16 || end < mbi) {
		line("error total_size\n");
		return;
	}
	for (n = 0; n < MAX_TAGS && a + 8 <= end; n++) {
		uint32_t type = rd32(a), size = rd32(a + 4);

		line("");
		kv_dec("tag type=", type);
		kv_dec(" size=", size);
		nl();
		if (size < 8 || size > end - a) {
			line("error tag size\n");
			return;
		}
		switch (type) {
		case 0:
			ended = 1;
			break;
		case 1:
			line("cmdline=");
			str((const char *)(uintptr_t)(a + 8), size - 8);
			nl();
			break;
		case 2:
			line("loader=");
			str((const char *)(uintptr_t)(a + 8), size - 8);
			nl();
			break;
		case 3:
			if (size < 17) {
				line("error module tag size\n");
				break;
			}
			module_line(nmod++, rd32(a + 8), rd32(a + 12), (const char *)(uintptr_t)(a + 16));
			break;
		case 4:
			line("");
			kv_dec("mem_lower=", rd32(a + 8));
			kv_dec(" mem_upper=", rd32(a + 12));
			nl();
			break;
		case 5:
			line("");
			kv_hex("bootdev biosdev=", rd32(a + 8));
			kv_hex(" part=", rd32(a + 12));
			kv_hex(" sub=", rd32(a + 16));
			nl();
			break;
		case 6: {
			uint32_t es = rd32(a + 8), v = a + 16, cnt;
			cnt = es >= 16 ? (size - 16) / es : 0;
			line("");
			kv_dec("mmap entry_size=", es);
			kv_dec(" entry_version=", rd32(a + 12));
			kv_dec(" count=", cnt);
			nl();
			for (i = 0; i < cnt && i < MAX_MMAP; i++, v += es) {
				line("");
				kv_hex("mmap base=", rd64(v));
				kv_hex(" len=", rd64(v + 8));
				kv_dec(" type=", rd32(v + 16));
				nl();
			}
			break;
		}
		case 14:
			acpi(a + 8, size - 8, 0);
			break;
		case 15:
			acpi(a + 8, size - 8, 1);
			break;
		case 21:
			line("");
			kv_hex("load_base=", rd32(a + 8));
			nl();
			break;
		default:
			break;
		}
		if (ended)
			break;
		a += (size + 7) & ~7u;
	}
	if (!ended)
		line("error no end tag\n");
	else if (a + 8 != end)
		line("error end tag is not at total_size\n");
}

/* ---- power off ---- */

static void settle(void) /* QEMU acts on a power-off request a moment later */
{
	unsigned i;
	for (i = 0; i < 20000; i++)
		(void)inb(0x80);
}

static void power_off(void)
{
	outw(0x604, 0x2000);  /* q35: ICH9 PM1a_CNT (PMBASE 0x600), SLP_TYP S5 | SLP_EN */
	settle();
	outw(0xb004, 0x2000); /* pc: PIIX4 PM */
	settle();
	outw(0x4004, 0x3400); /* older QEMU */
	settle();
	line("HALT\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void kmain(uint32_t magic, uint32_t mbi);
void kmain(uint32_t magic, uint32_t mbi)
{
	serial_init();
	crc_init();
	if (magic == 0x2badb002) {
		pfx = "KXMB1 ";
		line("BEGIN\n");
		mb1(mbi);
	} else if (magic == 0x36d76289) {
		pfx = "KXMB2 ";
		line("BEGIN\n");
		mb2(mbi);
	} else {
		pfx = "KXMB? ";
		line("BEGIN\n");
		line("");
		kv_hex("error magic=", magic);
		kv_hex(" mbi=", mbi);
		nl();
	}
	line("DONE\n");
	power_off();
}
