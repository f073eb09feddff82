/*
 * kx boot's menu (tool/menu.c), driven as a user would: menu_run() runs in a
 * child process on a pty (or on pipes), this process types keys into it with
 * real delays and reads what it draws into a small VT100 screen, 80x24. Each
 * case asserts what menu_run returned (the index, the command line, *edited),
 * when (the countdown), and that the screen stayed within the rules: only
 * the VT100 sequences the menu may use, nothing past column 78, nothing on
 * row 24 (so nothing wraps or scrolls), the terminal's attributes restored.
 * A child that crashes or hangs (20 s alarm) fails its case. Nothing here
 * loads or boots anything: the menu only returns numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "menu.h"

#define CMDMAX 4096

static unsigned fails, cases;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fails++; \
		fprintf(stderr, "test_menu: %s:%d: %s: ", cur, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

static const char *cur = "";

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- a VT100 screen, as much of it as the menu may use ------------------------- */

struct screen {
	char c[24][81];
	char rev[24][80];
	int r, col, rv;
	int st;              /* 0 text, 1 after ESC, 2 in ESC [ */
	char par[32];
	size_t np;
	unsigned long bytes;
	unsigned bad;        /* a sequence or byte outside the menu's rules */
	unsigned over;       /* a character past column 78 */
	int maxcol;          /* the rightmost column written (1-based) */
	char what[64];       /* the first bad thing seen */
};

static void scr_init(struct screen *s)
{
	memset(s, 0, sizeof *s);
	for (int r = 0; r < 24; r++)
		memset(s->c[r], ' ', 80);
}

static void scr_bad(struct screen *s, const char *what, int c)
{
	if (!s->bad++)
		snprintf(s->what, sizeof s->what, "%s (0x%02x)", what, c & 0xff);
}

static void scr_clear(struct screen *s, int r, int from, int to)
{
	for (int x = from; x < to; x++) {
		s->c[r][x] = ' ';
		s->rev[r][x] = 0;
	}
}

static void scr_seq(struct screen *s, int fin)
{
	int a = 0, b = 0, second = 0;

	for (size_t i = 0; i < s->np; i++) {
		if (s->par[i] == ';')
			second = 1;
		else if (s->par[i] >= '0' && s->par[i] <= '9')
			*(second ? &b : &a) = *(second ? &b : &a) * 10 + s->par[i] - '0';
		else
			scr_bad(s, "parameter", s->par[i]);
	}
	switch (fin) {
	case 'H':
		if (!a)
			a = 1;
		if (!b)
			b = 1;
		if (a > 24 || b > 80)
			scr_bad(s, "cursor off the screen", a);
		s->r = a > 24 ? 23 : a - 1;
		s->col = b > 80 ? 79 : b - 1;
		break;
	case 'J':
		if (s->np)
			scr_bad(s, "ESC[nJ", a);
		scr_clear(s, s->r, s->col, 80);
		for (int r = s->r + 1; r < 24; r++)
			scr_clear(s, r, 0, 80);
		break;
	case 'K':
		if (s->np)
			scr_bad(s, "ESC[nK", a);
		scr_clear(s, s->r, s->col < 80 ? s->col : 80, 80);
		break;
	case 'm':
		if (second || (a != 0 && a != 7))
			scr_bad(s, "ESC[m other than 0 and 7", a);
		s->rv = a == 7;
		break;
	default:
		scr_bad(s, "a sequence other than H J K m", fin);
	}
}

static void scr_feed(struct screen *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c = p[i];

		s->bytes++;
		if (s->st == 1) {
			if (c == '[') {
				s->st = 2;
				s->np = 0;
			} else {
				s->st = 0;
				scr_bad(s, "ESC not followed by [", c);
			}
			continue;
		}
		if (s->st == 2) {
			if (c >= 0x30 && c <= 0x3f && s->np < sizeof s->par) {
				s->par[s->np++] = (char)c;
			} else if (c >= 0x40 && c <= 0x7e) {
				s->st = 0;
				scr_seq(s, c);
			} else {
				s->st = 0;
				scr_bad(s, "in a sequence", c);
			}
			continue;
		}
		if (c == 0x1b) {
			s->st = 1;
		} else if (c == '\r') {
			s->col = 0;
		} else if (c == '\n') {
			scr_bad(s, "a newline (the menu positions the cursor)", c);
			if (s->r < 23)
				s->r++;
		} else if (c < 0x20 || c >= 0x7f) {
			scr_bad(s, "a byte outside printable ASCII", c);
		} else {
			if (s->col >= 78)
				s->over++;
			if (s->r == 23)
				scr_bad(s, "a character on row 24", c);
			if (s->col < 80) {
				s->c[s->r][s->col] = (char)c;
				s->rev[s->r][s->col] = (char)s->rv;
				s->col++;
				if (s->col > s->maxcol)
					s->maxcol = s->col;
			}
		}
	}
}

/* row r (1-based) as text, trailing blanks dropped (in one of four buffers: a
 * check and its message may name a few rows) */
static const char *scr_row(struct screen *s, int r)
{
	static char bufs[4][81];
	static unsigned next;
	char *b = bufs[next++ % 4];
	int k = 80;

	memcpy(b, s->c[r - 1], 80);
	while (k && b[k - 1] == ' ')
		k--;
	b[k] = 0;
	return b;
}

/* the (first) row in reverse video from its first column, or 0 */
static int scr_rev_row(const struct screen *s)
{
	for (int r = 0; r < 24; r++)
		if (s->rev[r][0] && s->rev[r][77])
			return r + 1;
	return 0;
}

/* ---- running the menu in a child ------------------------------------------------ */

enum { SEND = 1, CLOSE, ALIVE, RAW, END };

struct step {
	int ms;               /* after the menu's first output (or its start, if it draws nothing) */
	int act;
	const char *bytes;
	size_t len;
};

#define S(t, s) { t, SEND, s, sizeof(s) - 1 }
#define A(t)    { t, ALIVE, 0, 0 }
#define R(t)    { t, RAW, 0, 0 }
#define C(t)    { t, CLOSE, 0, 0 }
#define E       { 0, END, 0, 0 }

struct result {
	int rc, edited, nul;
	long ms;
	char cmd[CMDMAX];
};

struct run {
	/* in */
	int pty;
	const struct menu_item *items;
	unsigned n;
	int dflt, timeout;
	size_t cap;           /* 0: CMDMAX */
	int nocmd;            /* cmdline NULL, cap 0 */
	const char *ahead;    /* pty: typed before the menu starts (in cooked mode) */
	int noecho;           /* pty: no echo from the start (input left over after
				 the menu returns is not echoed onto the screen) */
	const struct step *steps;
	/* out */
	struct result res;
	int sig, hung, got;
	int alive[8], nalive;
	int raw;              /* ICANON, ECHO and ISIG were off while the menu ran */
	int restored;         /* the pty's attributes are the same after as before */
	struct screen scr;
};

static void child(struct run *R, int in, int out, int resfd)
{
	static struct result res;
	int64_t t;

	alarm(20);
	memset(res.cmd, 'Z', sizeof res.cmd);
	res.edited = -7;
	t = now_ms();
	res.rc = menu_run(in, out, R->items, R->n, R->dflt, R->timeout, R->nocmd ? NULL : res.cmd,
			  R->nocmd ? 0 : R->cap ? R->cap : CMDMAX, &res.edited);
	res.ms = (long)(now_ms() - t);
	res.nul = R->nocmd || memchr(res.cmd, 0, R->cap ? R->cap : CMDMAX) != NULL;
	if (write(resfd, &res, sizeof res) != (ssize_t)sizeof res)
		_exit(3);
	_exit(0);
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int same_attrs(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof a->c_cc);
}

static void run(struct run *R)
{
	int in_w, out_r, c_in, c_out, slave = -1, rp[2], st = 0;
	struct termios before, during;
	int64_t t0, base = -1, done_at = 0;
	const struct step *sp = R->steps;
	const char *pend = NULL;
	size_t plen = 0, got = 0;
	int done = 0;
	pid_t pid;

	scr_init(&R->scr);
	R->nalive = R->raw = R->sig = R->hung = 0;
	R->restored = 1;
	memset(&R->res, 0, sizeof R->res);
	R->res.rc = -99;
	if (R->pty) {
		int m = posix_openpt(O_RDWR | O_NOCTTY);

		if (m < 0 || grantpt(m) || unlockpt(m) || (slave = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0) {
			perror("test_menu: pty");
			exit(1);
		}
		tcgetattr(slave, &before);
		if (R->noecho) {
			before.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			tcsetattr(slave, TCSANOW, &before);
		}
		if (R->ahead && write(m, R->ahead, strlen(R->ahead)) < 0) {
			perror("test_menu: write");
			exit(1);
		}
		in_w = out_r = m;
		c_in = c_out = slave;
	} else {
		int pi[2], po[2];

		if (pipe(pi) || pipe(po)) {
			perror("test_menu: pipe");
			exit(1);
		}
		in_w = pi[1];
		c_in = pi[0];
		out_r = po[0];
		c_out = po[1];
	}
	if (pipe(rp)) {
		perror("test_menu: pipe");
		exit(1);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("test_menu: fork");
		exit(1);
	}
	if (!pid) {
		close(rp[0]);
		close(in_w);
		if (out_r != in_w)
			close(out_r);
		child(R, c_in, c_out, rp[1]);
	}
	close(rp[1]);
	if (!R->pty) {
		close(c_in);
		close(c_out);
	}
	nonblock(in_w);
	nonblock(out_r);
	t0 = now_ms();
	for (;;) {
		int64_t t = now_ms();
		struct pollfd p[3];
		int np = 0, io = -1, ir = -1, iw = -1;

		if (base < 0 && (R->scr.bytes || t - t0 > 1000))
			base = t;
		while (base >= 0 && !plen && !done && sp && sp->act != END && t >= base + sp->ms) {
			if (sp->act == SEND) {
				pend = sp->bytes;
				plen = sp->len;
			} else if (sp->act == CLOSE && !R->pty && in_w >= 0) {
				close(in_w);
				in_w = -1;
			} else if (sp->act == ALIVE && R->nalive < 8) {
				R->alive[R->nalive++] = waitpid(pid, NULL, WNOHANG) == 0 && !got;
			} else if (sp->act == RAW && R->pty) {
				R->raw = !tcgetattr(slave, &during) &&
					 !(during.c_lflag & (ICANON | ECHO | ISIG));
			}
			sp++;
		}
		if (done && (R->pty ? t - done_at > 20 : out_r < 0))
			break; /* all it drew is read */
		if (t - t0 > 30000) {
			kill(pid, SIGKILL);
			R->hung = 1;
			break;
		}
		if (out_r >= 0) {
			p[np] = (struct pollfd){ .fd = out_r, .events = POLLIN };
			io = np++;
		}
		if (!done) {
			p[np] = (struct pollfd){ .fd = rp[0], .events = POLLIN };
			ir = np++;
		}
		if (plen && in_w >= 0) {
			p[np] = (struct pollfd){ .fd = in_w, .events = POLLOUT };
			iw = np++;
		}
		if (poll(p, (nfds_t)np, 10) < 0 && errno != EINTR)
			break;
		if (io >= 0 && p[io].revents) {
			unsigned char b[4096];
			ssize_t k = read(out_r, b, sizeof b);

			if (k > 0)
				scr_feed(&R->scr, b, (size_t)k);
			else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				out_r = R->pty ? out_r : -1;
		}
		if (ir >= 0 && p[ir].revents) {
			ssize_t k = read(rp[0], (char *)&R->res + got, sizeof R->res - got);

			if (k > 0) {
				got += (size_t)k;
			} else if (k == 0) {
				done = 1;
				done_at = now_ms();
			}
		}
		if (iw >= 0 && p[iw].revents) {
			ssize_t k = write(in_w, pend, plen);

			if (k > 0) {
				pend += k;
				plen -= (size_t)k;
			} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
				plen = 0;
			}
		}
	}
	waitpid(pid, &st, 0);
	R->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	R->got = got == sizeof R->res;
	if (!R->got)
		R->res.rc = -99;
	if (R->pty) {
		struct termios after;

		R->restored = !tcgetattr(slave, &after) && same_attrs(&before, &after);
		close(slave);
	}
	if (in_w >= 0)
		close(in_w);
	if (out_r >= 0 && out_r != in_w)
		close(out_r);
	close(rp[0]);
	cases++;
	if (getenv("MENU_TEST_VERBOSE")) /* =2: the screen as it was left, too */
		fprintf(stderr, "test_menu: %-50s %5ld ms, rc %d\n", cur, (long)(now_ms() - t0), R->res.rc);
	if (getenv("MENU_TEST_VERBOSE") && !strcmp(getenv("MENU_TEST_VERBOSE"), "2"))
		for (int r = 1; r <= 24; r++)
			fprintf(stderr, "%2d|%s\n", r, scr_row(&R->scr, r));
}

/* what every run must satisfy */
static void sane(struct run *R)
{
	CHECK(!R->hung && R->sig != SIGALRM, "the menu hung");
	CHECK(!R->sig, "the menu died of signal %d", R->sig);
	CHECK(R->got, "no result from the menu");
	CHECK(!R->scr.bad, "%u bytes outside the rules, first: %s", R->scr.bad, R->scr.what);
	CHECK(!R->scr.over && R->scr.maxcol <= 78, "%u characters past column 78 (widest %d)",
	      R->scr.over, R->scr.maxcol);
	CHECK(R->restored, "the terminal's attributes were not restored");
	CHECK(R->res.nul, "the command line is not terminated within cap");
}

/* ---- the entries ------------------------------------------------------------------ */

static const struct menu_item five[] = {
	{ "Debian GNU/Linux", "debian", "root=/dev/vda1 ro quiet", NULL },
	{ "Debian GNU/Linux (recovery mode)", "debian-rec", "root=/dev/vda1 ro single", NULL },
	{ "Fedora Linux 39", "fedora", "root=UUID=1234 rhgb", "/vmlinuz-6.5 is missing." },
	{ "Arch Linux", "arch", "root=/dev/vda3 rw", NULL },
	{ "An EFI program", "efi", "", "it is an EFI program (/EFI/x.efi), not a kernel." },
};

static struct run R;

static void basic(int pty, int dflt, int timeout, const struct step *steps)
{
	memset(&R, 0, sizeof R);
	R.pty = pty;
	R.items = five;
	R.n = 5;
	R.dflt = dflt;
	R.timeout = timeout;
	R.steps = steps;
	run(&R);
	sane(&R);
}

#define IS(i, cmdline) (R.res.rc == (i) && !strcmp(R.res.cmd, (cmdline)))

static void t_timeout0(void)
{
	static const struct step none[] = { E };

	cur = "timeout 0";
	basic(0, 1, 0, none);
	CHECK(IS(1, five[1].cmdline) && R.res.edited == 0, "rc %d cmd '%s'", R.res.rc, R.res.cmd);
	CHECK(R.scr.bytes == 0, "it drew %lu bytes", R.scr.bytes);
	CHECK(R.res.ms < 200, "it took %ld ms", R.res.ms);

	cur = "timeout 0, unbootable default";
	basic(0, 2, 0, none);
	CHECK(IS(0, five[0].cmdline), "rc %d", R.res.rc);
	cur = "timeout 0, default out of range";
	basic(0, 77, 0, none);
	CHECK(IS(0, five[0].cmdline), "rc %d", R.res.rc);

	cur = "timeout 0, nothing bootable";
	memset(&R, 0, sizeof R);
	R.items = five + 4;
	R.n = 1;
	R.steps = none;
	run(&R);
	sane(&R);
	CHECK(R.res.rc == -1 && R.res.cmd[0] == 0 && R.scr.bytes == 0, "rc %d", R.res.rc);

	cur = "no entries";
	memset(&R, 0, sizeof R);
	R.items = five;
	R.timeout = 5;
	R.steps = none;
	run(&R);
	sane(&R);
	CHECK(R.res.rc == -1 && R.scr.bytes == 0, "rc %d", R.res.rc);
}

static void t_countdown(void)
{
	static const struct step raw[] = { R(100), E };
	static const struct step stop[] = { S(0, "j"), A(1700), S(1800, "\r"), E };
	static const struct step eof[] = { C(0), E };

	cur = "countdown";
	basic(1, 3, 1, raw);
	CHECK(IS(3, five[3].cmdline) && R.res.edited == 0, "rc %d cmd '%s'", R.res.rc, R.res.cmd);
	CHECK(R.res.ms >= 950 && R.res.ms < 2500, "it took %ld ms", R.res.ms);
	CHECK(R.raw, "the terminal was not in raw mode while the menu ran");
	CHECK(strstr(scr_row(&R.scr, 23), five[3].title), "row 23: '%s'", scr_row(&R.scr, 23));
	CHECK(scr_rev_row(&R.scr) == 6 && strstr(scr_row(&R.scr, 6), five[3].title),
	      "the default is not the selection (row %d)", scr_rev_row(&R.scr));

	cur = "a key stops the countdown";
	basic(1, 0, 1, stop);
	CHECK(R.nalive == 1 && R.alive[0], "the countdown was not stopped");
	CHECK(IS(1, five[1].cmdline), "rc %d", R.res.rc);
	CHECK(R.res.ms >= 1800, "it took %ld ms", R.res.ms);
	CHECK(scr_row(&R.scr, 23)[0] == 0, "the countdown line stayed: '%s'", scr_row(&R.scr, 23));

	/* and the default cannot be booted: the countdown boots the first that can */
	cur = "the input ends during the countdown";
	basic(0, 2, 1, eof);
	CHECK(IS(0, five[0].cmdline), "rc %d", R.res.rc);
	CHECK(R.res.ms >= 950 && R.res.ms < 2500, "it took %ld ms", R.res.ms);
	CHECK(strstr(scr_row(&R.scr, 23), five[0].title) &&
	      !strcmp(scr_row(&R.scr, 5), "  3 *! Fedora Linux 39"), "row 5 '%s'", scr_row(&R.scr, 5));
}

static void t_keys(void)
{
	/* down, down (SS3), down, up, up, down: 2 (unbootable); Enter stays; End, Home,
	 * PgDn, PgUp, down: 1, Enter */
	static const struct step arrows[] = {
		S(0, "\033[B"), S(20, "\033OB"), S(40, "j"), S(60, "\033[A"), S(80, "k"),
		S(100, "\033[B"), S(120, "\r"), A(400), S(420, "\033[F"), S(440, "\033[H"),
		S(460, "\033[6~"), S(480, "\033[5~"), S(500, "\033[1;5B"), S(520, "\r"), E
	};
	static const struct step unboot[] = {
		S(0, "jj"), S(20, "\r"), S(40, "e"), A(300), C(320), E
	};
	static const struct step unboot_q[] = {
		S(0, "jj"), S(20, "\r"), S(40, "e"), A(300), S(320, "q"), E
	};
	static const struct step digits[] = { S(0, "9"), S(20, "3"), A(300), S(320, "4"), E };
	static const struct step esc[] = { S(0, "\033"), A(40), E };
	static const struct step split[] = { S(0, "\033"), S(20, "[B"), S(200, "\r"), E };
	static const struct step ctrlc[] = { S(0, "j\003"), E };
	/* cut sequences: ESC O, ESC [ 1 ; then a whole one; the next ESC starts anew */
	static const struct step cut[] = { S(0, "\033O\033[1;\033[B\033[\033OB"), S(20, "j\r"), E };
	static const struct step eof[] = { S(0, "j"), C(50), E };
	static const struct step redraw[] = { S(0, "j\014"), S(100, "\r"), E };

	cur = "arrows";
	basic(1, 0, -1, arrows);
	CHECK(R.nalive == 1 && R.alive[0], "Enter on an unbootable entry returned");
	CHECK(IS(1, five[1].cmdline), "rc %d", R.res.rc);

	cur = "unbootable";
	basic(0, 0, -1, unboot);
	CHECK(R.nalive == 1 && R.alive[0], "an unbootable entry was chosen");
	CHECK(R.res.rc == -2, "rc %d at the end of input", R.res.rc);
	CHECK(scr_rev_row(&R.scr) == 5, "the selection is on row %d", scr_rev_row(&R.scr));
	CHECK(strstr(scr_row(&R.scr, 20), five[2].why_not), "row 20: '%s'", scr_row(&R.scr, 20));
	CHECK(!strcmp(scr_row(&R.scr, 3), "  1 *  Debian GNU/Linux"), "row 3: '%s'", scr_row(&R.scr, 3));
	CHECK(!strncmp(scr_row(&R.scr, 5), "> 3  ! Fedora Linux 39", 23), "row 5: '%s'",
	      scr_row(&R.scr, 5));

	cur = "unbootable, then q";
	basic(1, 0, -1, unboot_q);
	CHECK(R.nalive == 1 && R.alive[0], "an unbootable entry was chosen");
	CHECK(R.res.rc == -1 && R.res.edited == 0, "rc %d", R.res.rc);

	cur = "digits";
	basic(0, 0, -1, digits);
	CHECK(R.nalive == 1 && R.alive[0], "digit 3 (unbootable) returned");
	CHECK(IS(3, five[3].cmdline), "rc %d", R.res.rc);

	cur = "a lone Esc";
	basic(1, 0, -1, esc);
	CHECK(R.nalive == 1 && R.alive[0], "Esc did not wait for a sequence");
	CHECK(R.res.rc == -1, "rc %d", R.res.rc);

	cur = "an arrow split over two writes";
	basic(1, 0, -1, split);
	CHECK(IS(1, five[1].cmdline), "rc %d", R.res.rc);

	cur = "keys typed before the menu starts";
	memset(&R, 0, sizeof R);
	R.pty = 1;
	R.items = five;
	R.n = 5;
	R.timeout = 5;
	R.ahead = "j2";
	R.steps = (const struct step[]){ E };
	run(&R);
	sane(&R);
	CHECK(IS(1, five[1].cmdline) && R.res.ms < 500, "rc %d after %ld ms", R.res.rc, R.res.ms);

	cur = "cut escape sequences";
	basic(0, 0, -1, cut);
	CHECK(IS(3, five[3].cmdline), "rc %d", R.res.rc);

	cur = "ctrl-c";
	basic(1, 0, -1, ctrlc);
	CHECK(R.res.rc == -1, "rc %d", R.res.rc);

	cur = "end of input";
	basic(0, 0, -1, eof);
	CHECK(R.res.rc == -2 && R.res.cmd[0] == 0, "rc %d", R.res.rc);

	cur = "ctrl-l";
	basic(1, 0, -1, redraw);
	CHECK(IS(1, five[1].cmdline), "rc %d", R.res.rc);
	CHECK(scr_rev_row(&R.scr) == 4, "the selection is on row %d", scr_rev_row(&R.scr));
}

static void t_edit(void)
{
	static const struct step typing[] = {
		S(0, "e"), S(20, "\025root=/dev/vda1 console=ttyS0"),
		S(40, "\033[D\033[D\033[[A\033[D\033OD\033[15~\033[D"), S(60, "\177X"), S(80, "\001A"),
		S(100, "\005 end"), S(120, "\r"), E
	};
	static const struct step erase[] = {
		S(0, "e"), S(20, "\005\177\177\177\177\177\177"), S(40, "\001\033[C\033[C\033OC\006\033[C"),
		S(60, "\013\033[3~"), S(80, "\033[H\033[3~"), S(100, "\033[F\033[D\004\bp"),
		S(120, "\r"), E
	};
	static const struct step cancel[] = {
		S(0, "je"), S(20, "zzz"), S(40, "\033"), S(400, "\r"), E
	};
	static const struct step same[] = { S(0, "e"), S(20, "\r"), E };

	cur = "edit";
	basic(1, 0, 5, typing);
	CHECK(IS(0, "Aroot=/dev/vda1 consoleXttyS0 end") && R.res.edited == 1, "rc %d cmd '%s' edited %d",
	      R.res.rc, R.res.cmd, R.res.edited);

	cur = "edit: erase";
	basic(1, 0, -1, erase);
	/* "root=/dev/vda1 ro quiet" less " quiet", ^K after "root=", Del at the end
	 * (nothing), Home Del: "oot=", End Left ^D: "oot", BS: "oo", "p": "oop" */
	CHECK(IS(0, "oop") && R.res.edited == 1, "rc %d cmd '%s'", R.res.rc, R.res.cmd);

	cur = "edit: cancel";
	basic(1, 0, -1, cancel);
	CHECK(IS(1, five[1].cmdline) && R.res.edited == 0, "rc %d cmd '%s' edited %d", R.res.rc,
	      R.res.cmd, R.res.edited);

	cur = "edit: accepted unchanged";
	basic(0, 0, -1, same);
	CHECK(IS(0, five[0].cmdline) && R.res.edited == 0, "rc %d edited %d", R.res.rc, R.res.edited);
}

static void t_cap(void)
{
	static const struct menu_item items[] = {
		{ "long", "long", "root=/dev/vda1 ro quiet splash", NULL },
		{ "short", "short", "ro", NULL },
	};
	static const struct step none[] = { E };
	static const struct step enter_long[] = { S(0, "k\r"), A(300), S(320, "e"), A(600),
						  S(620, "j\r"), E };
	static const struct step grow[] = {
		S(0, "je"), S(20, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		S(40, "\r"), E
	};
	static const struct step nocmd[] = { S(0, "e"), A(300), S(320, "\r"), E };

	cur = "a command line longer than cap";
	memset(&R, 0, sizeof R);
	R.items = items;
	R.n = 2;
	R.cap = 16;
	R.steps = none;
	run(&R);
	sane(&R);
	CHECK(IS(1, "ro"), "rc %d", R.res.rc);

	cur = "a command line longer than cap, in the menu";
	R.timeout = -1;
	R.steps = enter_long;
	run(&R);
	sane(&R);
	CHECK(R.nalive == 2 && R.alive[0] && R.alive[1], "an entry that does not fit was chosen");
	CHECK(IS(1, "ro"), "rc %d", R.res.rc);

	cur = "editing up to cap";
	R.steps = grow;
	run(&R);
	sane(&R);
	CHECK(R.res.rc == 1 && strlen(R.res.cmd) == 15 && !strncmp(R.res.cmd, "roxxxx", 6) &&
	      R.res.edited == 1, "rc %d cmd '%s'", R.res.rc, R.res.cmd);

	cur = "no command line buffer";
	R.nocmd = 1;
	R.steps = nocmd;
	run(&R);
	sane(&R);
	CHECK(R.nalive == 1 && R.alive[0], "e without a buffer returned");
	CHECK(R.res.rc == 0 && R.res.edited == 0, "rc %d", R.res.rc);
}

/* 40 entries: long, hostile and UTF-8 titles, a long reason, scrolling, editing a
 * command line wider than the screen */
static struct menu_item many[40];

static void many_run(int pty, int dflt, const struct step *steps)
{
	memset(&R, 0, sizeof R);
	R.pty = pty;
	R.items = many;
	R.n = 40;
	R.dflt = dflt;
	R.timeout = -1;
	R.steps = steps;
	run(&R);
	sane(&R);
}

static void t_many(void)
{
	static char titles[40][300], why[400], cmd[700], want[800];
	static const struct step keys[] = {
		S(0, "\033[F"), S(20, "\033[H"), S(40, "\033[6~"), S(60, "jjjjjjjjjjjjjjjjjjjj"),
		S(80, "\r"), A(300), R(300), S(320, "jj\r"), E
	};
	static const struct step top[] = { S(0, "\033[H"), C(200), E };
	static const struct step reason[] = { S(0, "\033[F"), S(20, "kkk"), C(200), E };
	static const struct step edit[] = {
		S(0, "e"), S(20, "\001\033[C\033[C"), S(40, "\005abc"), A(200), S(220, "\r"), E
	};
	static const struct step scroll[] = { S(0, "\033[5~"), S(20, "kkkkkkkkk"), S(40, "\r"), E };
	const char *r;

	for (unsigned i = 0; i < 40; i++) {
		int k = snprintf(titles[i], sizeof titles[i], "Entry %u ", i + 1);

		for (int x = k; x < 250; x++)
			titles[i][x] = (char)('a' + (x + (int)i) % 26);
		titles[i][250] = 0;
		many[i] = (struct menu_item){ titles[i], titles[i], "ro", NULL };
	}
	strcpy(titles[5], "Debian \033[2J\033]0;pwned\007 d\xc3\xa9pannage\r\n\x9b"
			  "31m \x7f\x01 \xff\xfe end");
	many[7].title = "";
	many[7].id = "entry-8-id";
	many[8].title = NULL;
	many[8].id = NULL;
	for (int x = 0; x < 380; x++)
		why[x] = x % 9 == 8 ? ' ' : (char)('A' + x % 26);
	why[380] = 0;
	many[36].why_not = why;
	many[37].why_not = "/\033[31mred\033[0m\r\n is missing.";
	for (int x = 0; x < 650; x++)
		cmd[x] = x % 10 == 9 ? ' ' : (char)('0' + x % 10);
	cmd[650] = 0;
	many[35].cmdline = cmd;

	cur = "40 entries: End Home PgDn, j to an unbootable one";
	many_run(1, 25, keys);
	CHECK(R.raw, "not raw while the menu ran");
	CHECK(R.nalive == 1 && R.alive[0], "Enter on unbootable entry 37 returned");
	CHECK(R.res.rc == 38 && !strcmp(R.res.cmd, "ro"), "rc %d", R.res.rc);
	/* the screen as Enter on 37 left it: "jj\r" returns before drawing */
	CHECK(scr_rev_row(&R.scr) == 18 && !strncmp(scr_row(&R.scr, 18), "> 37  ! Entry 37 ", 17) &&
	      !strcmp(scr_row(&R.scr, 2), "   (21 more above)"),
	      "the selection: row %d '%s'", scr_rev_row(&R.scr), scr_row(&R.scr, scr_rev_row(&R.scr)));

	cur = "40 entries: what the first screen shows";
	many_run(0, 25, top);
	CHECK(R.res.rc == -2, "rc %d", R.res.rc);
	r = scr_row(&R.scr, 4);
	CHECK(strlen(r) == 78 && !strncmp(r, "   2    Entry 2 ", 16) && !strcmp(r + 75, "..."), "row 4 '%s'", r);
	r = scr_row(&R.scr, 8);
	CHECK(!strcmp(r, "   6    Debian ?[2J?]0;pwned? d?pannage???31m ?? ?? end"), "row 8 '%s'", r);
	CHECK(!strcmp(scr_row(&R.scr, 10), "   8    entry-8-id"), "row 10 '%s'", scr_row(&R.scr, 10));
	CHECK(strlen(scr_row(&R.scr, 11)) > 7, "row 11 '%s'", scr_row(&R.scr, 11));
	CHECK(scr_row(&R.scr, 2)[0] == 0 && strstr(scr_row(&R.scr, 19), "24"), "rows 2, 19: '%s' '%s'",
	      scr_row(&R.scr, 2), scr_row(&R.scr, 19));

	cur = "40 entries: a long reason";
	many_run(0, 25, reason);
	CHECK(R.res.rc == -2, "rc %d", R.res.rc);
	CHECK(strstr(scr_row(&R.scr, 20), "Cannot boot: ABCDEFGH JKLMNOPQ ") != NULL, "row 20 '%s'", scr_row(&R.scr, 20));
	r = scr_row(&R.scr, 21);
	CHECK(strlen(r) > 70 && !strcmp(r + strlen(r) - 3, "..."), "row 21 '%s'", r);
	CHECK(scr_row(&R.scr, 2)[0] && strstr(scr_row(&R.scr, 2), "24"), "row 2 '%s'", scr_row(&R.scr, 2));

	cur = "40 entries: editing a long command line";
	many_run(1, 35, edit);
	snprintf(want, sizeof want, "%sabc", cmd);
	CHECK(R.nalive == 1 && R.alive[0], "returned early");
	CHECK(IS(35, want) && R.res.edited == 1, "rc %d cmd '%s'", R.res.rc, R.res.cmd);
	CHECK(scr_row(&R.scr, 21)[0] == '<', "row 21 '%s'", scr_row(&R.scr, 21));

	cur = "40 entries: scrolling up";
	many_run(1, 25, scroll);
	CHECK(IS(0, "ro"), "rc %d", R.res.rc);
	CHECK(scr_rev_row(&R.scr) == 3 && scr_row(&R.scr, 2)[0] == 0, "row %d", scr_rev_row(&R.scr));
}

/* ---- random input ------------------------------------------------------------ */

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * keys that neither leave nor choose: any byte but q, Enter, ^C, the digits
 * and a lone Esc; escape sequences known, unknown, unterminated and overlong;
 * with_e: `e` too (the editor, left only by Enter, Esc or ^C: never)
 */
static size_t soup(char *b, size_t n, uint32_t seed, int with_e)
{
	static const char *const seqs[] = {
		"\033[A", "\033[B", "\033[C", "\033[D", "\033OA", "\033OB", "\033OC", "\033OD",
		"\033[H", "\033[F", "\033[1~", "\033[4~", "\033[3~", "\033[5~", "\033[6~",
		"\033OH", "\033OF", "\033[2~", "\033[1;5A", "\033[?25l",
	};
	size_t k = 0;

	while (k + 40 < n) {
		uint32_t r = rnd(&seed) % 100;

		if (r < 25) {
			const char *q = seqs[rnd(&seed) % (sizeof seqs / sizeof *seqs)];

			memcpy(b + k, q, strlen(q));
			k += strlen(q);
		} else if (r < 30) { /* ESC [ then 0-30 parameter-ish bytes, maybe a final */
			unsigned m = rnd(&seed) % 31;

			b[k++] = 0x1b;
			b[k++] = rnd(&seed) % 2 ? '[' : 'O';
			while (m--) { /* no digit: one left over would be a hotkey */
				char c = (char)(0x20 + rnd(&seed) % 0x20);

				b[k++] = c >= '1' && c <= '9' ? '0' : c;
			}
		} else if (r < 33 && with_e) {
			b[k++] = 'e';
		} else {
			unsigned c = rnd(&seed) % 256;

			if (c == 'q' || c == '\r' || c == '\n' || c == 3 || c == 0x1b ||
			    (c >= '1' && c <= '9') || (c == 'e' && !with_e))
				continue;
			b[k++] = (char)c;
		}
	}
	return k;
}

static void check_choice(void)
{
	int rc = R.res.rc;

	CHECK(rc >= -2 && rc < (int)R.n, "rc %d", rc);
	if (rc >= 0) {
		CHECK(!R.items[rc].why_not, "unbootable entry %d chosen", rc);
		CHECK(R.res.edited || !strcmp(R.res.cmd, R.items[rc].cmdline), "cmd '%s'", R.res.cmd);
	}
}

static void t_random(void)
{
	static char buf[2][6000];
	static struct step steps[2][6];
	char name[64];
	unsigned rcs[4] = { 0 };

	cur = name;
	/* bytes, all 256 values: 20 runs on pipes, 4 on a pty (or MENU_TEST_RANDOM=N runs, for a
	 * longer soak) */
	uint32_t nrand = getenv("MENU_TEST_RANDOM") ? (uint32_t)atoi(getenv("MENU_TEST_RANDOM")) : 24;

	if (nrand < 4 || nrand > 1000000)
		nrand = 24;
	for (uint32_t seed = 1; seed <= nrand; seed++) {
		uint32_t s = seed * 2654435761u;
		char *b = buf[0];

		for (int i = 0; i < 5000; i++)
			b[i] = (char)rnd(&s);
		steps[0][0] = (struct step){ 0, SEND, b, 5000 };
		steps[0][1] = (struct step){ 50, CLOSE, 0, 0 };
		steps[0][2] = (struct step){ 0, END, 0, 0 };
		snprintf(name, sizeof name, "random bytes, seed %u", seed);
		memset(&R, 0, sizeof R);
		R.pty = R.noecho = seed > nrand - 4;
		R.items = seed % 2 ? five : many;
		R.n = seed % 2 ? 5 : 40;
		R.dflt = (int)seed % 7;
		R.timeout = seed % 3 ? -1 : 1;
		R.cap = seed % 5 ? 0 : 20;
		R.steps = steps[0];
		run(&R);
		sane(&R);
		check_choice();
		rcs[R.res.rc == -2 ? 0 : R.res.rc == -1 ? 1 : 2]++;
	}
	/* 5000 keys that never leave: the whole input is read, the menu ends with it */
	/* (MENU_TEST_SOUP=N: N runs instead of 6, the last 3 on a pty) */
	uint32_t nsoup = getenv("MENU_TEST_SOUP") ? (uint32_t)atoi(getenv("MENU_TEST_SOUP")) : 6;

	if (nsoup < 3 || nsoup > 1000000)
		nsoup = 6;
	for (uint32_t seed = 1; seed <= nsoup; seed++) {
		size_t len = soup(buf[1], 5040, seed * 40503u, seed % 2);
		int pty = seed > nsoup - 3;
		struct step *st = steps[1];

		st[0] = (struct step){ 0, SEND, buf[1], len };
		st[1] = (struct step){ 50, RAW, 0, 0 };
		if (pty) { /* a pty has no end of input: Esc (twice: one may end a sequence), q */
			st[2] = (struct step){ 100, SEND, "\033", 1 };
			st[3] = (struct step){ 400, SEND, "\033", 1 };
			st[4] = (struct step){ 700, SEND, "q", 1 };
		} else {
			st[2] = (struct step){ 0, CLOSE, 0, 0 }; /* once all is written */
			st[3] = (struct step){ 0, END, 0, 0 };
		}
		st[5] = (struct step){ 0, END, 0, 0 };
		snprintf(name, sizeof name, "random keys%s, %s, seed %u", seed % 2 ? " and e" : "",
			 pty ? "pty" : "pipe", seed);
		memset(&R, 0, sizeof R);
		R.pty = pty;
		R.items = seed % 3 ? many : five;
		R.n = seed % 3 ? 40 : 5;
		R.dflt = (int)seed;
		R.timeout = 3;
		R.cap = seed % 2 ? 300 : 0;
		R.steps = st;
		run(&R);
		sane(&R);
		CHECK(R.res.rc == (pty ? -1 : -2), "rc %d", R.res.rc);
		if (pty)
			CHECK(R.raw, "not raw");
	}
	printf("test_menu: random bytes: %u ended with the input, %u left, %u chose\n", rcs[0], rcs[1],
	       rcs[2]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	t_timeout0();
	t_countdown();
	t_keys();
	t_edit();
	t_cap();
	t_many();
	t_random();
	printf("test_menu: %u runs, %u failed checks\n", cases, fails);
	return fails != 0;
}
