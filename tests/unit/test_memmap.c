/* The memory map: kx_memmap_add, kx_memtype_from_name, kx_iomem_parse, kx_memmap_ram. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/range.h>
#include "fixtures.h"
#include "t.h"

static int sorted(const struct kx_memmap *m)
{
	unsigned i;

	for (i = 1; i < m->n; i++)
		if (m->e[i - 1].start > m->e[i].start)
			return 0;
	return 1;
}

TEST(memmap_add_sorts)
{
	static const struct mm_ent in[] = {
		{ 0x100000000, 0x180000000, KX_MEM_RAM },
		{ 0x100000, 0x7ffe0000, KX_MEM_RAM },
		{ 0x0, 0x9fc00, KX_MEM_RAM },
		{ 0xfffc0000, 0x100000000, KX_MEM_RESERVED },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
	};
	static const uint64_t want[] = { 0x0, 0x9fc00, 0x100000, 0xfffc0000, 0x100000000 };
	struct kx_memmap m;
	unsigned i;

	REQUIRE(mm_set(&m, in, T_ARRAY_SIZE(in)));
	CHECK_EQ(m.n, T_ARRAY_SIZE(in));
	for (i = 0; i < m.n && i < T_ARRAY_SIZE(want); i++) {
		T_ROW("entry %u", i);
		CHECK_EQ(m.e[i].start, want[i]);
	}
	T_ROW("entry 2");
	CHECK_EQ(m.e[2].end, 0x7ffe0000);
	CHECK_EQ(m.e[2].type, KX_MEM_RAM);
	T_ROW("entry 3");
	CHECK_EQ(m.e[3].type, KX_MEM_RESERVED);
	T_ROW_CLEAR();
	CHECK_EQ(kx_memmap_ram(&m), 0x9fc00 + (0x7ffe0000 - 0x100000) + 0x80000000ull);
}

/* Equal starts keep their insertion order; overlaps are accepted as given. */
TEST(memmap_add_equal_starts)
{
	struct kx_memmap m;

	memset(&m, 0, sizeof(m));
	CHECK_OK(kx_memmap_add(&m, 0x2000, 0x3000, KX_MEM_RAM));
	CHECK_OK(kx_memmap_add(&m, 0x1000, 0x2000, KX_MEM_ACPI));
	CHECK_OK(kx_memmap_add(&m, 0x1000, 0x5000, KX_MEM_NVS));
	CHECK_OK(kx_memmap_add(&m, 0x1000, 0x1800, KX_MEM_PMEM));
	CHECK_EQ(m.n, 4);
	CHECK(sorted(&m));
	CHECK_EQ(m.e[0].type, KX_MEM_ACPI);
	CHECK_EQ(m.e[1].type, KX_MEM_NVS);
	CHECK_EQ(m.e[2].type, KX_MEM_PMEM);
	CHECK_EQ(m.e[3].type, KX_MEM_RAM);
}

TEST(memmap_add_errors)
{
	static const struct { const char *name; uint64_t s, e; enum kx_errcode want; } rows[] = {
		{ "empty", 0x1000, 0x1000, KX_E_MEMMAP },
		{ "empty at 0", 0, 0, KX_E_MEMMAP },
		{ "inverted", 0x2000, 0x1000, KX_E_MEMMAP },
		{ "inverted at the top", UINT64_MAX, 0, KX_E_MEMMAP },
		{ "one byte", 0x1000, 0x1001, KX_OK },
		{ "up to 2^64-1", 0x1000, UINT64_MAX, KX_OK },
		{ "everything", 0, UINT64_MAX, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct kx_memmap m;
		struct kx_err err;

		memset(&m, 0, sizeof(m));
		T_ROW("%s", rows[r].name);
		err = kx_memmap_add(&m, rows[r].s, rows[r].e, KX_MEM_RAM);
		if (CHECK_ERR(err, rows[r].want) && err.code == KX_E_MEMMAP) {
			CHECK_EQ(err.a, rows[r].s);
			CHECK_EQ(err.b, rows[r].e);
		}
		CHECK_EQ(m.n, rows[r].want == KX_OK ? 1 : 0);
	}
}

TEST(memmap_add_full)
{
	struct kx_memmap *m = calloc(1, sizeof(*m));
	struct kx_err err;
	unsigned i;

	REQUIRE(m);
	/* added high to low: every insertion shifts the whole array */
	for (i = 0; i < KX_MEMMAP_MAX; i++)
		if (!CHECK_OK(kx_memmap_add(m, (KX_MEMMAP_MAX - i) * 0x10000ull,
					    (KX_MEMMAP_MAX - i) * 0x10000ull + 0x1000, KX_MEM_RAM)))
			break;
	CHECK_EQ(m->n, KX_MEMMAP_MAX);
	CHECK(sorted(m));
	err = kx_memmap_add(m, 0, 0x1000, KX_MEM_RAM);
	if (CHECK_ERR(err, KX_E_TOO_MANY))
		CHECK_EQ(err.a, KX_MEMMAP_MAX);
	CHECK_EQ(m->n, KX_MEMMAP_MAX);
	CHECK_EQ(m->e[0].start, 0x10000); /* not overwritten */
	CHECK_EQ(kx_memmap_ram(m), KX_MEMMAP_MAX * 0x1000ull);
	free(m);
}

TEST(memmap_ram_total)
{
	struct kx_memmap m;

	memset(&m, 0, sizeof(m));
	CHECK_EQ(kx_memmap_ram(&m), 0);
	kx_memmap_add(&m, 0, 0x1000, KX_MEM_RESERVED);
	kx_memmap_add(&m, 0x1000, 0x3000, KX_MEM_ACPI);
	CHECK_EQ(kx_memmap_ram(&m), 0);
	kx_memmap_add(&m, 0x10000, 0x20000, KX_MEM_RAM);
	kx_memmap_add(&m, 0x40000, 0x40001, KX_MEM_RAM);
	kx_memmap_add(&m, 0x50000, 0x60000, KX_MEM_PMEM);
	CHECK_EQ(kx_memmap_ram(&m), 0x10001);
}

struct type_row { const char *name; uint32_t want; };

static const struct type_row type_rows[] = {
	{ "System RAM", KX_MEM_RAM },
	{ "Reserved", KX_MEM_RESERVED },
	{ "reserved", KX_MEM_RESERVED },
	{ "ACPI Tables", KX_MEM_ACPI },
	{ "ACPI Non-volatile Storage", KX_MEM_NVS },
	{ "Unusable memory", KX_MEM_UNUSABLE },
	{ "Persistent Memory", KX_MEM_PMEM },
	{ "Persistent Memory (legacy)", KX_MEM_PRAM },
	{ "Soft Reserved", KX_MEM_SOFT_RESERVED },
	/* not memory-map types */
	{ "", 0 },
	{ "System RA", 0 },
	{ "System RAMX", 0 },
	{ "system ram", 0 },
	{ "RESERVED", 0 },
	{ " System RAM", 0 },
	{ "RAM buffer", 0 },
	{ "Kernel code", 0 },
	{ "PCI Bus 0000:00", 0 },
	{ "PCI MMCONFIG 0000 [bus 00-ff]", 0 },
	{ "Persistent Memory (legacy", 0 },
	{ "ACPI", 0 },
	{ "System RAM\r", 0 },
	{ "System\tRAM", 0 },
};

TEST(memtype_from_name_table)
{
	static const char *const suffixes[] = { "", "\n", " ", "\n\n", " \n", "   " };
	size_t r, s;

	for (r = 0; r < T_ARRAY_SIZE(type_rows); r++) {
		for (s = 0; s < T_ARRAY_SIZE(suffixes); s++) {
			char buf[128];
			char *exact;
			size_t n = (size_t)snprintf(buf, sizeof(buf), "%s%s", type_rows[r].name,
						    suffixes[s]);
			T_ROW("\"%s\" + suffix %zu", type_rows[r].name, s);
			exact = (char *)dup_exact(buf, n); /* no NUL: the length is all it has */
			CHECK_EQ(kx_memtype_from_name(exact, n), type_rows[r].want);
			free(exact);
		}
	}
	/* the length, not the NUL, ends the name */
	T_ROW("length shorter than the string");
	CHECK_EQ(kx_memtype_from_name("System RAMXYZ", 10), KX_MEM_RAM);
	CHECK_EQ(kx_memtype_from_name("Reserved", 0), 0);
	/* a name made only of newlines and spaces */
	T_ROW("only whitespace");
	CHECK_EQ(kx_memtype_from_name("\n \n", 3), 0);
}

/* /proc/iomem of a QEMU q35 guest as root, plus a few wrinkles. */
static const char iomem_root[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000c0000-000c99ff : Video ROM\n"
	"000ca000-000cadff : Adapter ROM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-7ffdffff : System RAM\n"
	"  01000000-01e00ee6 : Kernel code\n"
	"  01e00ee7-0245a67f : Kernel data\n"
	"  02a9c000-02ffffff : Kernel bss\n"
	"7ffe0000-7fffffff : Reserved\n"
	"80000000-afffffff : PCI Bus 0000:00\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:01.0\n"
	"    fd000000-fdffffff : bochs-drm\n"
	"fed00000-fed003ff : HPET 0\n"
	"  fed00000-fed003ff : PNP0103:00\n"
	"fed1c000-fed1ffff : Reserved\n"
	"  fed1f410-fed1f414 : iTCO_wdt.0.auto\n"
	"feffc000-feffffff : Reserved\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"  14a000000-14bffffff : Crash kernel\n"
	"180000000-97fffffffff : PCI Bus 0000:00\n";

static const struct mm_ent iomem_root_want[] = {
	{ 0x0, 0x1000, KX_MEM_RESERVED },
	{ 0x1000, 0x9fc00, KX_MEM_RAM },
	{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
	{ 0xf0000, 0x100000, KX_MEM_RESERVED },
	{ 0x100000, 0x7ffe0000, KX_MEM_RAM },
	{ 0x7ffe0000, 0x80000000, KX_MEM_RESERVED },
	{ 0xfed1c000, 0xfed20000, KX_MEM_RESERVED },
	{ 0xfeffc000, 0xff000000, KX_MEM_RESERVED },
	{ 0xfffc0000, 0x100000000, KX_MEM_RESERVED },
	{ 0x100000000, 0x180000000, KX_MEM_RAM },
};

static void check_map(const struct kx_memmap *m, const struct mm_ent *want, size_t n)
{
	size_t i;

	if (!CHECK_EQ(m->n, n))
		return;
	for (i = 0; i < n; i++) {
		if (m->e[i].start == want[i].start && m->e[i].end == want[i].end &&
		    m->e[i].type == want[i].type)
			continue;
		CHECK_EQ(m->e[i].start, want[i].start);
		CHECK_EQ(m->e[i].end, want[i].end);
		CHECK_EQ(m->e[i].type, want[i].type);
		return;
	}
}

static struct kx_err parse_exact(const char *text, size_t len, struct kx_memmap *m)
{
	char *exact = (char *)dup_exact(text, len);
	struct kx_err err;

	memset(m, 0, sizeof(*m));
	err = kx_iomem_parse(exact, len, m);
	free(exact);
	return err;
}

TEST(iomem_parse_realistic)
{
	struct kx_memmap m;

	T_ROW("as given");
	if (CHECK_OK(parse_exact(iomem_root, strlen(iomem_root), &m)))
		check_map(&m, iomem_root_want, T_ARRAY_SIZE(iomem_root_want));
	/* without the final newline */
	T_ROW("no final newline");
	if (CHECK_OK(parse_exact(iomem_root, strlen(iomem_root) - 1, &m)))
		check_map(&m, iomem_root_want, T_ARRAY_SIZE(iomem_root_want));
	T_ROW_CLEAR();
	CHECK_EQ(kx_memmap_ram(&m), (0x9fc00 - 0x1000) + (0x7ffe0000 - 0x100000) + 0x80000000ull);
}

/* As a normal user every address reads as zero: refuse rather than plan blind. */
TEST(iomem_parse_not_root)
{
	char *text = malloc(sizeof(iomem_root)), *line, *q;
	struct kx_memmap m;
	struct kx_err err;

	REQUIRE(text);
	memcpy(text, iomem_root, sizeof(iomem_root));
	/* every hex digit before " : " becomes 0, as the kernel shows it to non-root */
	for (line = text; *line;) {
		char *eol = strchr(line, '\n'), *sep = strstr(line, " : ");
		if (!eol)
			eol = line + strlen(line);
		for (q = line; sep && sep < eol && q < sep; q++)
			if (*q != ' ' && *q != '-')
				*q = '0';
		line = *eol ? eol + 1 : eol;
	}
	CHECK(strstr(text, "000000000-000000000 : System RAM\n"));
	err = parse_exact(text, strlen(text), &m);
	CHECK_ERR(err, KX_E_MEMMAP_HIDDEN);
	/* only untyped lines, all zero: nothing to judge by, nothing added */
	T_ROW("only PCI windows, zeroed");
	CHECK_OK(parse_exact("00000000-00000000 : PCI Bus 0000:00\n",
			     strlen("00000000-00000000 : PCI Bus 0000:00\n"), &m));
	CHECK_EQ(m.n, 0);
	free(text);
}

struct iomem_row {
	const char *name;
	const char *text;
	enum kx_errcode want;
	uint64_t line;       /* err.a for KX_E_MEMMAP */
	unsigned n;          /* entries when OK */
	uint64_t s0, e0;     /* first entry when OK and n > 0 */
};

static const struct iomem_row iomem_rows[] = {
	{ "empty", "", KX_OK, 0, 0, 0, 0 },
	{ "blank lines", "\n\n\n", KX_OK, 0, 0, 0, 0 },
	{ "one RAM line", "00100000-7ffdffff : System RAM\n", KX_OK, 0, 1, 0x100000, 0x7ffe0000 },
	{ "upper-case hex", "ABCDEF00-ABCDEFFF : System RAM\n", KX_OK, 0, 1, 0xabcdef00, 0xabcdf000 },
	{ "16 digits", "0000000000001000-0000000000001fff : System RAM\n", KX_OK, 0, 1, 0x1000,
	  0x2000 },
	{ "short numbers", "1000-1fff : System RAM\n", KX_OK, 0, 1, 0x1000, 0x2000 },
	{ "one byte range", "1000-1000 : System RAM\n", KX_OK, 0, 1, 0x1000, 0x1001 },
	{ "untyped lines skipped", "1000-1fff : PCI Bus\n2000-2fff : Video ROM\n", KX_OK, 0, 0, 0,
	  0 },
	{ "nested lines skipped", "1000-1fff : Reserved\n  1000-1fff : System RAM\n", KX_OK, 0, 1,
	  0x1000, 0x2000 },
	{ "nested garbage skipped", "1000-1fff : Reserved\n  zzzz\n", KX_OK, 0, 1, 0x1000, 0x2000 },
	{ "trailing spaces in the name", "1000-1fff : System RAM  \n", KX_OK, 0, 1, 0x1000, 0x2000 },
	{ "inverted untyped line ignored", "2000-1000 : PCI Bus\n", KX_OK, 0, 0, 0, 0 },
	{ "end 2^64-2", "100000000-fffffffffffffffe : System RAM\n", KX_OK, 0, 1, 0x100000000,
	  0xffffffffffffffffull },
	/* malformed: the line number is reported */
	{ "not hex", "zzzz-ffff : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "no dash", "1000 : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "no end", "1000- : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "no start", "-1fff : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "dash at the end of the line", "1000-\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "start only", "1000\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "no separator", "1000-1fff\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "separator without spaces", "1000-1fff:System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "separator cut", "1000-1fff :\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "separator cut at EOF", "1000-1fff :", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "separator, empty name", "1000-1fff : \n", KX_OK, 0, 0, 0, 0 },
	{ "space inside the number", "10 00-1fff : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "tab-indented", "1000-1fff : Reserved\n\t1000-1fff : System RAM\n", KX_E_MEMMAP, 2, 0, 0,
	  0 },
	{ "CRLF line ends", "1000-1fff : System RAM\r\n", KX_OK, 0, 0, 0, 0 },
	{ "bad third line", "1000-1fff : System RAM\n2000-2fff : Reserved\nxyz\n", KX_E_MEMMAP, 3,
	  0, 0, 0 },
	{ "bad line after blank lines", "\n\n1000-1fff : System RAM\nxyz\n", KX_E_MEMMAP, 4, 0, 0,
	  0 },
	{ "17-digit start", "10000000000000000-10000000000000fff : System RAM\n", KX_E_MEMMAP, 1, 0,
	  0, 0 },
	{ "17-digit end", "1000-10000000000000fff : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "17 digits, leading zero", "00000000000001000-1fff : System RAM\n", KX_E_MEMMAP, 1, 0, 0,
	  0 },
	{ "40 digits", "1111111111111111111111111111111111111111-2 : System RAM\n", KX_E_MEMMAP, 1, 0,
	  0, 0 },
	{ "end 2^64-1", "100000000-ffffffffffffffff : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "inverted", "2000-1000 : System RAM\n", KX_E_MEMMAP, 1, 0, 0, 0 },
	{ "all zero, typed (not root)", "00000000-00000000 : System RAM\n", KX_E_MEMMAP_HIDDEN, 0, 0, 0, 0 },
	{ "NUL in a line", "1000-1fff : System\0RAM\n", KX_OK, 0, 0, 0, 0 },
};

TEST(iomem_parse_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(iomem_rows); r++) {
		const struct iomem_row *row = &iomem_rows[r];
		size_t len = strlen(row->text);
		struct kx_memmap m;
		struct kx_err err;

		if (!strcmp(row->name, "NUL in a line"))
			len = 23;
		T_ROW("%s", row->name);
		err = parse_exact(row->text, len, &m);
		if (!CHECK_ERR(err, row->want))
			continue;
		if (err.code == KX_E_MEMMAP || err.code == KX_E_MEMMAP_HIDDEN)
			CHECK_EQ(err.a, row->line);
		else if (CHECK_EQ(m.n, row->n) && row->n) {
			CHECK_EQ(m.e[0].start, row->s0);
			CHECK_EQ(m.e[0].end, row->e0);
		}
	}
}

/* More typed lines than the map holds: an error, not an overflow. */
TEST(iomem_parse_too_many)
{
	const unsigned n = KX_MEMMAP_MAX + 1;
	size_t cap = (size_t)n * 40 + 1, len = 0;
	char *text = malloc(cap);
	struct kx_memmap *m = calloc(1, sizeof(*m));
	struct kx_err err;
	unsigned i;

	REQUIRE(text && m);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%08x-%08x : System RAM\n",
					(i + 1) * 0x10000, (i + 1) * 0x10000 + 0xfff);
	err = kx_iomem_parse(text, len, m);
	if (CHECK_ERR(err, KX_E_TOO_MANY))
		CHECK_EQ(err.a, KX_MEMMAP_MAX);
	CHECK_EQ(m->n, KX_MEMMAP_MAX);
	free(text);
	free(m);
}

/* The parser adds to what the map already holds. */
TEST(iomem_parse_appends)
{
	struct kx_memmap m;

	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0x5000, 0x6000, KX_MEM_ACPI);
	CHECK_OK(kx_iomem_parse("1000-1fff : System RAM\n", strlen("1000-1fff : System RAM\n"), &m));
	CHECK_EQ(m.n, 2);
	CHECK_EQ(m.e[0].start, 0x1000);
	CHECK_EQ(m.e[1].start, 0x5000);
}
