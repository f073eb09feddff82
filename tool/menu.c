/*
 * kx boot's interactive menu (tool/menu.h, docs/boot.md "The menu").
 *
 * Made for the worst terminal it can meet: a dumb 80x24 serial line. The only
 * sequences written are VT100's: cursor position (ESC[r;cH), erase below
 * (ESC[J), erase to the end of the line (ESC[K), reverse video (ESC[7m) and
 * normal (ESC[0m). No colours, no line drawing, no UTF-8: every string from a
 * disk is shown as printable ASCII (anything else as '?'), no line is longer
 * than 78 columns and nothing is written on the last row, so a terminal
 * never wraps or scrolls. The selected entry also starts with '>', so the
 * choice shows where reverse video does not (a log, a terminal that lacks it).
 *
 * The screen (rows 1-24):
 *   1      title
 *   2      "more above" or blank
 *   3-18   the entries (16), scrolling with the selection
 *   19     "more below" or blank
 *   20-21  why the selected entry cannot be booted (wrapped), or the editor
 *   22     the keys
 *   23     the countdown, or a remark
 *
 * Input is untrusted bytes: escape sequences are read with a length cap and
 * a 100 ms limit between their bytes, unknown ones are dropped, and every
 * wait is a poll(2) against a CLOCK_MONOTONIC deadline. It only reads `in`
 * and writes `out`; a terminal's attributes are restored on every return.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "menu.h"

#define COLS      78   /* the widest line written */
#define LIST_ROW  3    /* the first entry's row */
#define LIST_N    16   /* entries on the screen */
#define WHY_ROW   20
#define KEYS_ROW  22
#define STAT_ROW  23
#define PARK_ROW  24   /* the cursor waits here, nothing is written on it */
#define ESC_MS    100  /* a lone Esc: no next byte within this */
#define SEQ_MAX   16   /* bytes of an escape sequence after ESC [ */
#define EDIT_W    76   /* columns of the command line shown by the editor */

/* keys: 0-255 a byte, then these */
enum {
	K_UP = 0x100, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_PGUP, K_PGDN, K_DEL,
	K_ESC,          /* a lone Esc */
	K_NONE,         /* a sequence kx does not use: it still stops the countdown */
	K_TIMEOUT = -1, /* nothing within the wait */
	K_EOF = -2,     /* end of input */
	K_ERR = -3,     /* a read error */
};

#define CTL(c) ((c) & 0x1f)

struct menu {
	int in, out;
	const struct menu_item *it;
	unsigned n;
	int dflt;      /* the caller's default if in range, else -1 (marked '*') */
	int target;    /* what the countdown boots: dflt if bootable, else the first bootable */
	int sel;
	unsigned top;  /* the first entry on the screen */
	unsigned numw; /* digits of the largest number */
	char *cmd;
	size_t cap;
	/* input */
	unsigned char ib[64];
	size_t ip, il;
	int push;      /* a byte read too far, or -1 */
	int eof;       /* input ended (or failed) during the countdown: keep counting */
	int stale;     /* the list on the screen is behind (it scrolled) */
	int shown;     /* the selection as the screen shows it */
	/* output, written out by flush() */
	char ob[4096];
	size_t ol;
	/* the countdown */
	int counting;
	int64_t deadline;
	char longer[64]; /* why an entry whose command line does not fit in cap cannot be booted */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- output ------------------------------------------------------------------ */

static void flush(struct menu *m)
{
	size_t off = 0;

	while (off < m->ol) {
		ssize_t w = write(m->out, m->ob + off, m->ol - off);

		if (w > 0) {
			off += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = m->out, .events = POLLOUT };

			if (poll(&p, 1, 1000) <= 0)
				break;
		} else {
			break; /* nobody sees it: the keys still work */
		}
	}
	m->ol = 0;
}

static void put(struct menu *m, const char *s, size_t len)
{
	while (len) {
		size_t k = sizeof m->ob - m->ol;

		if (!k) {
			flush(m);
			continue;
		}
		if (k > len)
			k = len;
		memcpy(m->ob + m->ol, s, k);
		m->ol += k;
		s += k;
		len -= k;
	}
}

static void puts_(struct menu *m, const char *s)
{
	put(m, s, strlen(s));
}

/* the cursor to row r (1-24), column c (1-80), and (clear) the rest of that row */
static void at(struct menu *m, int r, int c)
{
	char b[24];
	int k = snprintf(b, sizeof b, "\033[%d;%dH", r, c);

	put(m, b, (size_t)k);
}

static void row(struct menu *m, int r, const char *text)
{
	at(m, r, 1);
	puts_(m, text);
	puts_(m, "\033[K");
}

/*
 * s as printable ASCII into d (dn bytes): a valid UTF-8 sequence becomes
 * one '?', so does every other byte outside 0x20-0x7e (control bytes, escape
 * sequences, C1 codes). If it does not fit, it ends in "...". Returns the
 * length written.
 */
static size_t clean(char *d, size_t dn, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t k = 0;

	if (!dn)
		return 0;
	while (*p) {
		unsigned char c = *p++;

		if (k + 1 >= dn) {
			/* over: the last three columns become "..." */
			if (dn >= 4)
				memcpy(d + dn - 4, "...", 3);
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			d[k++] = (char)c;
			continue;
		}
		d[k++] = '?';
		if (c >= 0xc2 && c <= 0xf4) { /* the continuation bytes of one character */
			unsigned more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;

			while (more-- && (*p & 0xc0) == 0x80)
				p++;
		}
	}
	d[k] = 0;
	return k;
}

static int bootable(const struct menu *m, unsigned i)
{
	const char *c = m->it[i].cmdline ? m->it[i].cmdline : "";

	if (m->it[i].why_not)
		return 0;
	return !m->cmd || strlen(c) < m->cap;
}

static const char *why_not(const struct menu *m, unsigned i)
{
	if (m->it[i].why_not)
		return m->it[i].why_not;
	return bootable(m, i) ? NULL : m->longer;
}

static const char *title(const struct menu *m, unsigned i)
{
	const struct menu_item *it = &m->it[i];

	if (it->title && *it->title)
		return it->title;
	return it->id && *it->id ? it->id : "(no title)";
}

static void draw_entry(struct menu *m, unsigned i)
{
	char line[COLS + 1], t[COLS + 1];
	int r = LIST_ROW + (int)(i - m->top);
	int sel = (int)i == m->sel;
	int k;

	k = snprintf(line, sizeof line, "%c %*u %c%c ", sel ? '>' : ' ', (int)m->numw, i + 1,
		     (int)i == m->dflt ? '*' : ' ', bootable(m, i) ? ' ' : '!');
	if (k < 0 || k >= COLS)
		k = 0;
	clean(t, sizeof line - (size_t)k, title(m, i));
	memcpy(line + k, t, strlen(t) + 1);
	if (sel) {
		size_t l = strlen(line);

		memset(line + l, ' ', COLS - l); /* the bar spans the width */
		line[COLS] = 0;
	}
	at(m, r, 1);
	if (sel)
		puts_(m, "\033[7m");
	puts_(m, line);
	if (sel)
		puts_(m, "\033[0m");
	puts_(m, "\033[K");
}

static void draw_list(struct menu *m)
{
	char b[COLS + 1];
	unsigned below = m->n - m->top > LIST_N ? m->n - m->top - LIST_N : 0;

	snprintf(b, sizeof b, "   (%u more above)", m->top);
	row(m, LIST_ROW - 1, m->top ? b : "");
	for (unsigned r = 0; r < LIST_N; r++) {
		if (m->top + r < m->n)
			draw_entry(m, m->top + r);
		else
			row(m, LIST_ROW + (int)r, "");
	}
	snprintf(b, sizeof b, "   (%u more below)", below);
	row(m, LIST_ROW + LIST_N, below ? b : "");
}

/* why the selected entry cannot be booted, over two rows */
static void draw_why(struct menu *m)
{
	char b[2 * COLS + 1], one[COLS + 1];
	const char *w = why_not(m, (unsigned)m->sel);
	size_t len, cut;

	if (!w) {
		row(m, WHY_ROW, "");
		row(m, WHY_ROW + 1, "");
		return;
	}
	memcpy(b, "Cannot boot: ", 14);
	len = 13 + clean(b + 13, sizeof b - 13, w);
	cut = len;
	if (len > COLS) { /* wrap at the last space that fits, else cut */
		cut = COLS;
		while (cut > 13 && b[cut] != ' ')
			cut--;
		if (cut == 13)
			cut = COLS;
	}
	memcpy(one, b, cut);
	one[cut] = 0;
	row(m, WHY_ROW, one);
	while (cut < len && b[cut] == ' ')
		cut++;
	if (len - cut > COLS) /* the rest is cut too */
		memcpy(b + cut + COLS - 3, "...", 4);
	row(m, WHY_ROW + 1, b + cut);
}

static void draw_keys(struct menu *m)
{
	row(m, KEYS_ROW, "Up/Down or 1-9: choose  Enter: boot  e: edit the command line  q: leave");
}

static void draw_count(struct menu *m)
{
	char tail[40], t[COLS + 1], b[2 * COLS]; /* fits: t is cut to what is left */
	int64_t left = m->deadline - now_ms();
	long s = left <= 0 ? 0 : (long)((left + 999) / 1000);
	int k = snprintf(tail, sizeof tail, "' in %ld s; any key stops", s);

	clean(t, (size_t)(COLS - 9 - k + 1), title(m, (unsigned)m->target));
	snprintf(b, sizeof b, "Booting '%s%s", t, tail);
	row(m, STAT_ROW, b);
}

static void park(struct menu *m)
{
	at(m, PARK_ROW, 1);
	flush(m);
}

static void draw_all(struct menu *m)
{
	m->stale = 0;
	m->shown = m->sel;
	puts_(m, "\033[0m\033[H\033[J");
	row(m, 1, "kx boot: choose an entry");
	draw_list(m);
	draw_why(m);
	draw_keys(m);
	if (m->counting)
		draw_count(m);
	park(m);
}

/* ---- input ------------------------------------------------------------------- */

/* One byte within ms (-1: no limit), or K_TIMEOUT, K_EOF, K_ERR. */
static int getbyte(struct menu *m, int ms)
{
	int64_t end = ms < 0 ? 0 : now_ms() + ms;
	unsigned again = 0;

	if (m->push >= 0) {
		int c = m->push;

		m->push = -1;
		return c;
	}
	if (m->ip < m->il)
		return m->ib[m->ip++];
	for (;;) {
		int wait = -1;
		struct pollfd p = { .fd = m->in, .events = POLLIN };
		ssize_t r;

		if (ms >= 0) {
			int64_t left = end - now_ms();

			wait = left <= 0 ? 0 : left > 1000000 ? 1000000 : (int)left;
		}
		if (m->eof) { /* nothing more will come: only the clock */
			if (wait < 0)
				return K_EOF;
			if (wait > 0 && poll(NULL, 0, wait) < 0 && errno != EINTR)
				return K_ERR;
			if (now_ms() < end)
				continue;
			return K_TIMEOUT;
		}
		r = poll(&p, 1, wait);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return K_ERR;
		}
		if (r == 0)
			return K_TIMEOUT;
		if (p.revents & POLLNVAL)
			return K_ERR;
		r = read(m->in, m->ib, sizeof m->ib);
		if (r > 0) {
			m->il = (size_t)r;
			m->ip = 1;
			return m->ib[0];
		}
		if (r == 0)
			return K_EOF;
		if ((errno == EINTR || errno == EAGAIN) && ++again < 1000)
			continue;
		return K_ERR;
	}
}

/* more keys are already there: draw once they are read (a slow serial line
 * would otherwise draw every step of a burst of keys) */
static int pending(struct menu *m)
{
	struct pollfd p = { .fd = m->in, .events = POLLIN };

	if (m->push >= 0 || m->ip < m->il)
		return 1;
	return !m->eof && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* after ESC [ : parameters, intermediates, a final byte (ECMA-48), capped */
static int csi(struct menu *m)
{
	char par[4] = "";
	size_t np = 0;

	for (int i = 0; i < SEQ_MAX; i++) {
		int c = getbyte(m, ESC_MS);

		if (c < 0)
			return K_NONE;
		if (c >= 0x30 && c <= 0x3f) {
			if (np < sizeof par - 1)
				par[np++] = (char)c;
			par[np] = 0;
			continue;
		}
		if (c >= 0x20 && c <= 0x2f)
			continue;
		if (c == '[' && i == 0) { /* the Linux console's F1-F5: ESC [ [ A-E */
			c = getbyte(m, ESC_MS);
			if (c >= 0 && (c < 0x40 || c > 0x7e))
				m->push = c;
			return K_NONE;
		}
		if (c < 0x40 || c > 0x7e) { /* not a sequence after all: that byte is a key */
			m->push = c;
			return K_NONE;
		}
		switch (c) {
		case 'A': return K_UP;
		case 'B': return K_DOWN;
		case 'C': return K_RIGHT;
		case 'D': return K_LEFT;
		case 'H': return K_HOME;
		case 'F': return K_END;
		case '~':
			if (!strcmp(par, "1") || !strcmp(par, "7"))
				return K_HOME;
			if (!strcmp(par, "4") || !strcmp(par, "8"))
				return K_END;
			if (!strcmp(par, "3"))
				return K_DEL;
			if (!strcmp(par, "5"))
				return K_PGUP;
			if (!strcmp(par, "6"))
				return K_PGDN;
			return K_NONE;
		default:
			return K_NONE;
		}
	}
	return K_NONE; /* too long: dropped, what follows is read as keys */
}

/* One key within ms (-1: no limit), or K_TIMEOUT, K_EOF, K_ERR. */
static int getkey(struct menu *m, int ms)
{
	int c = getbyte(m, ms);

	if (c != 0x1b)
		return c;
	c = getbyte(m, ESC_MS);
	if (c == '[')
		return csi(m);
	if (c == 'O') { /* SS3: what some terminals send for arrows and Home/End */
		c = getbyte(m, ESC_MS);
		switch (c) {
		case 'A': return K_UP;
		case 'B': return K_DOWN;
		case 'C': return K_RIGHT;
		case 'D': return K_LEFT;
		case 'H': return K_HOME;
		case 'F': return K_END;
		}
		if (c >= 0 && (c < 0x40 || c > 0x7e))
			m->push = c; /* not a final byte: a key (or the next ESC) */
		return K_NONE;
	}
	if (c >= 0)
		m->push = c; /* ESC then another key: a lone Esc, then that key */
	return K_ESC;
}

/* ---- the editor -------------------------------------------------------------- */

static void draw_edit(struct menu *m, size_t len, size_t pos, size_t *off)
{
	char b[COLS + 1];
	size_t k = 0;

	if (pos < *off)
		*off = pos;
	if (pos >= *off + EDIT_W)
		*off = pos - EDIT_W + 1;
	b[k++] = *off ? '<' : ' ';
	for (size_t i = *off; i < len && i < *off + EDIT_W; i++) {
		unsigned char c = (unsigned char)m->cmd[i];

		b[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (len > *off + EDIT_W)
		b[k++] = '>';
	b[k] = 0;
	row(m, WHY_ROW + 1, b);
	at(m, WHY_ROW + 1, 2 + (int)(pos - *off));
	flush(m);
}

/* 1: accepted, 0: cancelled, K_EOF / K_ERR: the input ended or failed */
static int edit(struct menu *m)
{
	char t[COLS + 1], h[2 * COLS]; /* fits: t is cut to what is left */
	size_t len = strlen(m->cmd), pos = len, off = 0;

	clean(t, COLS - 34, title(m, (unsigned)m->sel));
	snprintf(h, sizeof h, "Command line of '%s' (Enter boots):", t);
	row(m, WHY_ROW, h);
	row(m, KEYS_ROW, "Left/Right ^A ^E: move  Backspace Del: erase  ^U: clear  Esc: cancel");
	row(m, STAT_ROW, "");
	for (;;) {
		int k;

		if (!pending(m))
			draw_edit(m, len, pos, &off);
		k = getkey(m, -1);
		if (k == K_EOF || k == K_ERR || k == K_TIMEOUT)
			return k == K_TIMEOUT ? K_ERR : k;
		switch (k) {
		case '\r':
		case '\n':
			return 1;
		case K_ESC:
		case CTL('c'):
			return 0;
		case K_LEFT:
		case CTL('b'):
			if (pos)
				pos--;
			break;
		case K_RIGHT:
		case CTL('f'):
			if (pos < len)
				pos++;
			break;
		case K_HOME:
		case CTL('a'):
			pos = 0;
			break;
		case K_END:
		case CTL('e'):
			pos = len;
			break;
		case CTL('u'):
			len = pos = 0;
			m->cmd[0] = 0;
			break;
		case CTL('k'):
			len = pos;
			m->cmd[len] = 0;
			break;
		case 0x7f:
		case CTL('h'):
			if (pos) {
				memmove(m->cmd + pos - 1, m->cmd + pos, len - pos + 1);
				pos--;
				len--;
			}
			break;
		case K_DEL:
		case CTL('d'):
			if (pos < len) {
				memmove(m->cmd + pos, m->cmd + pos + 1, len - pos);
				len--;
			}
			break;
		default:
			if (k >= 0x20 && k < 0x7f && len + 1 < m->cap) {
				memmove(m->cmd + pos + 1, m->cmd + pos, len - pos + 1);
				m->cmd[pos++] = (char)k;
				len++;
			}
		}
	}
}

/* ---- the menu ---------------------------------------------------------------- */

/* the selection moves; the screen follows in refresh() */
static void select_(struct menu *m, int i)
{
	if (i < 0)
		i = 0;
	if (i >= (int)m->n)
		i = (int)m->n - 1;
	m->sel = i;
	if ((unsigned)i < m->top || (unsigned)i >= m->top + LIST_N) {
		m->top = (unsigned)i < m->top ? (unsigned)i : (unsigned)i - LIST_N + 1;
		m->stale = 1;
	}
}

/* draw what changed since the screen was last brought up to date */
static void refresh(struct menu *m)
{
	if (m->stale)
		draw_list(m);
	else if (m->shown != m->sel) {
		draw_entry(m, (unsigned)m->shown);
		draw_entry(m, (unsigned)m->sel);
	} else {
		return;
	}
	m->stale = 0;
	m->shown = m->sel;
	draw_why(m);
	row(m, STAT_ROW, "");
	park(m);
}

static void take(struct menu *m, unsigned i)
{
	const char *c = m->it[i].cmdline ? m->it[i].cmdline : "";

	if (m->cmd)
		memcpy(m->cmd, c, strlen(c) + 1); /* bootable(): it fits */
}

/* the menu itself, once the terminal is set */
static int run(struct menu *m, int timeout, int *edited)
{
	if (timeout > 0 && m->target >= 0) {
		m->counting = 1;
		m->deadline = now_ms() + (int64_t)timeout * 1000;
	}
	draw_all(m);
	for (;;) {
		int wait = -1, k;

		if (m->counting) {
			int64_t left = m->deadline - now_ms();

			if (left <= 0) {
				take(m, (unsigned)m->target);
				return m->target;
			}
			wait = (int)((left - 1) % 1000) + 1; /* to the next whole second */
		}
		if (!pending(m)) /* a burst of keys is drawn once */
			refresh(m);
		k = getkey(m, wait);
		if (k == K_TIMEOUT) {
			if (m->counting && m->deadline > now_ms()) { /* at 0 it boots instead */
				draw_count(m);
				park(m);
			}
			continue;
		}
		if (k == K_EOF || k == K_ERR) {
			if (m->counting) { /* no key will stop it: it runs out */
				m->eof = 1;
				continue;
			}
			return -2;
		}
		if (m->counting) {
			m->counting = 0;
			row(m, STAT_ROW, "");
			park(m);
		}
		switch (k) {
		case K_UP:
		case 'k':
			select_(m, m->sel - 1);
			break;
		case K_DOWN:
		case 'j':
			select_(m, m->sel + 1);
			break;
		case K_HOME:
			select_(m, 0);
			break;
		case K_END:
			select_(m, (int)m->n - 1);
			break;
		case K_PGUP:
			select_(m, m->sel - LIST_N);
			break;
		case K_PGDN:
			select_(m, m->sel + LIST_N);
			break;
		case CTL('l'):
			draw_all(m);
			break;
		case 'q':
		case K_ESC:
		case CTL('c'):
			return -1;
		case 'e':
			if (!m->cmd || !bootable(m, (unsigned)m->sel))
				goto refuse;
			refresh(m);
			take(m, (unsigned)m->sel);
			k = edit(m);
			if (k < 0)
				return -2;
			if (k) {
				const char *c = m->it[m->sel].cmdline ? m->it[m->sel].cmdline : "";

				if (edited)
					*edited = strcmp(c, m->cmd) != 0;
				return m->sel;
			}
			draw_all(m);
			break;
		case '\r':
		case '\n':
			if (!bootable(m, (unsigned)m->sel))
				goto refuse;
			take(m, (unsigned)m->sel);
			return m->sel;
		default:
			if (k >= '1' && k <= '9' && (unsigned)(k - '1') < m->n) {
				/* a hotkey, as in GRUB and syslinux: choose and boot */
				select_(m, k - '1');
				if (bootable(m, (unsigned)m->sel)) {
					take(m, (unsigned)m->sel);
					return m->sel;
				}
				goto refuse;
			}
		}
		continue;
refuse:
		refresh(m);
		row(m, STAT_ROW, bootable(m, (unsigned)m->sel) ? "There is no command line to edit."
			: "That entry cannot be booted (see above); choose another.");
		park(m);
	}
}

int menu_run(int in, int out, const struct menu_item *items, unsigned n, int dflt, int timeout,
	     char *cmdline, size_t cap, int *edited)
{
	struct menu m = { .in = in, .out = out, .it = items, .n = n, .dflt = -1, .target = -1,
			  .push = -1, .numw = 1 };
	struct termios saved, raw;
	int tty = 0, rc;

	if (edited)
		*edited = 0;
	if (cmdline && cap) {
		cmdline[0] = 0;
		m.cmd = cmdline;
		m.cap = cap;
	}
	if (!items || !n)
		return -1; /* nothing to choose */
	snprintf(m.longer, sizeof m.longer, "its command line is longer than %zu bytes.",
		 cap ? cap - 1 : 0);
	for (unsigned k = n; k >= 10; k /= 10)
		m.numw++;
	if (dflt >= 0 && (unsigned)dflt < n)
		m.dflt = dflt;
	if (m.dflt >= 0 && bootable(&m, (unsigned)m.dflt))
		m.target = m.dflt;
	for (unsigned i = 0; i < n && m.target < 0; i++)
		if (bootable(&m, i))
			m.target = (int)i;
	if (timeout == 0) {
		if (m.target >= 0)
			take(&m, (unsigned)m.target);
		return m.target;
	}
	m.sel = m.target >= 0 ? m.target : m.dflt >= 0 ? m.dflt : 0;
	if (m.sel >= LIST_N)
		m.top = (unsigned)m.sel - LIST_N + 1;

	if (isatty(in) && !tcgetattr(in, &saved)) {
		/* keys one by one, no echo, no signals (^C is a key here), no
		 * translation; the line's speed, parity and output processing are
		 * left as they are */
		raw = saved;
		raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL |
					   IXON);
		raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tty = !tcsetattr(in, TCSANOW, &raw);
	}
	rc = run(&m, timeout, edited);
	puts_(&m, "\033[0m");
	at(&m, PARK_ROW, 1);
	flush(&m);
	if (tty)
		tcsetattr(in, TCSANOW, &saved);
	return rc;
}
