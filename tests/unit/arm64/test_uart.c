/* The purgatory's console lookup (purgatory/arch/arm64/fdt.c), on the host. */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "a64.h"
#include "purg.h" /* purgatory/arch/arm64 */
#include "t.h"

/* Set /chosen/stdout-path of a copy of the fixture tree. */
static uint8_t *with_stdout(const char *path, size_t *len)
{
	size_t l;
	uint8_t *src = a64_dtb(&l, 1), *t = calloc(1, l + 4096);
	int chosen;

	if (fdt_open_into(src, t, (int)l + 4096))
		abort();
	chosen = fdt_path_offset(t, "/chosen");
	if (path)
		fdt_setprop_string(t, chosen, "stdout-path", path);
	else
		fdt_delprop(t, chosen, "stdout-path");
	fdt_pack(t);
	*len = fdt_totalsize(t);
	free(src);
	return t;
}

struct uart_row {
	const char *path;
	int found;
	unsigned type;
	uint64_t base;
	unsigned shift, width;
};

TEST(a64_purgatory_uart_lookup)
{
	static const struct uart_row rows[] = {
		{ "/pl011@9000000", 1, KX_UART_PL011, 0x9000000, 0, 0 },
		{ "/pl011@9000000:115200n8", 1, KX_UART_PL011, 0x9000000, 0, 0 },
		{ "/pl011", 1, KX_UART_PL011, 0x9000000, 0, 0 },       /* unit address left out */
		{ "serial0", 1, KX_UART_PL011, 0x9000000, 0, 0 },      /* an alias */
		{ "serial0:115200", 1, KX_UART_PL011, 0x9000000, 0, 0 },
		{ "/soc/serial@201000", 1, KX_UART_16550, 0xfe201000, 2, 4 }, /* through ranges */
		{ "serial1", 1, KX_UART_16550, 0xfe201000, 2, 4 },
		{ "/memory@40000000", 0, 0, 0, 0, 0 },                 /* not a UART */
		{ "/pl011@9000001", 0, 0, 0, 0, 0 },
		{ "/soc", 0, 0, 0, 0, 0 },
		{ "/nope/pl011@9000000", 0, 0, 0, 0, 0 },
		{ "serial9", 0, 0, 0, 0, 0 },                          /* no such alias */
		{ "", 0, 0, 0, 0, 0 },
		{ "/", 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0 },                                  /* no stdout-path */
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct uart_row *r = &rows[i];
		size_t len;
		uint8_t *t = with_stdout(r->path, &len);
		struct kx_uart u;

		T_ROW("stdout-path %s", r->path ? r->path : "(none)");
		CHECK_EQ(kx_fdt_uart(t, len, &u), r->found);
		if (r->found) {
			CHECK_EQ(u.type, r->type);
			CHECK_EQ(u.base, r->base);
			if (r->type == KX_UART_16550) {
				CHECK_EQ(u.shift, r->shift);
				CHECK_EQ(u.width, r->width);
			}
		} else {
			CHECK_EQ(u.type, KX_UART_NONE);
		}
		free(t);
	}
}

TEST(a64_purgatory_uart_bus_without_ranges)
{
	size_t len;
	uint8_t *t = with_stdout("/soc/serial@201000", &len);
	struct kx_uart u;

	/* not translatable: no address rather than a wrong one */
	fdt_delprop(t, fdt_path_offset(t, "/soc"), "ranges");
	CHECK_EQ(kx_fdt_uart(t, len, &u), 0);
	free(t);
}

TEST(a64_purgatory_uart_hostile)
{
	size_t len, i, cut;
	uint8_t *t = with_stdout("serial1", &len), *bad = malloc(len);
	struct kx_uart u;

	for (cut = 0; cut < len; cut += 3) {
		uint8_t *p = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any read past */
		T_ROW("cut at %zu", cut);
		memcpy(p, t, cut);
		CHECK_EQ(kx_fdt_uart(p, cut, &u), 0);
		free(p);
	}
	for (i = 0; i < len * 8; i++) {
		memcpy(bad, t, len);
		bad[i / 8] ^= (uint8_t)(1u << (i % 8));
		T_ROW("bit %zu", i);
		if (kx_fdt_uart(bad, len, &u))
			CHECK(u.type == KX_UART_PL011 || u.type == KX_UART_16550);
	}
	free(bad);
	free(t);
}
