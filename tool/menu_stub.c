/* TEMPORARY: weak stand-ins until the parsers land (removed when they do). */
#include "menu.h"
__attribute__((weak)) int menu_run(int in, int out, const struct menu_item *items, unsigned n, int dflt, int timeout, char *cmdline, size_t cap, int *edited){(void)in;(void)out;(void)items;(void)n;(void)timeout;(void)cmdline;(void)cap;(void)edited;return dflt;}
