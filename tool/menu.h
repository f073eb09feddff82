/* kx boot's interactive menu (tool/menu.c): works on a console and on a
 * dumb 80x24 serial terminal (docs/boot.md, "The menu"). */
#ifndef KX_MENU_H
#define KX_MENU_H
#include <stddef.h>

struct menu_item {
	const char *title;     /* the line shown */
	const char *id;
	const char *cmdline;   /* what `e` starts editing from ("" if none) */
	const char *why_not;   /* NULL if bootable, else one sentence: why it cannot be */
};

/*
 * Show items on out, read keys from in (a terminal: raw mode while the menu
 * runs, restored after; a pipe works too). Starts on dflt (or the first
 * bootable one); timeout > 0: a countdown that boots dflt, stopped by any key;
 * 0: boot dflt at once without showing; -1: wait. Keys: up/down (and k/j),
 * digits 1-9 choose, Enter boots, `e` edits the chosen entry's command line
 * (Enter accepts, Esc cancels), q or Esc leaves.
 * Returns the index chosen, -1 if the user left, -2 on a read error or end of
 * input before a choice. cmdline gets the (edited) command line, *edited 1 if
 * it was edited.
 */
int menu_run(int in, int out, const struct menu_item *items, unsigned n, int dflt, int timeout,
	     char *cmdline, size_t cap, int *edited);
#endif
