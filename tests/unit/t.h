/*
 * A tiny unit test framework (hosted C, no dependencies).
 *
 *   TEST(name) { ... }            defines and registers a test case
 *   CHECK(cond)                   records a failure (file:line, expression)
 *   CHECK_EQ(a, b), CHECK_NE      integer comparison, values shown in hex and decimal
 *   CHECK_STR(a, b)               NUL-terminated strings (NULL allowed)
 *   CHECK_MEM(a, b, n)            n bytes; the first differing offset is shown
 *   CHECK_ERR(e, code)            a struct kx_err has the given code (KX_OK ...)
 *   CHECK_OK(e)                   CHECK_ERR(e, KX_OK)
 *   REQUIRE(cond)                 CHECK, and return from the test when it fails
 *   T_ROW(fmt, ...)               name the table row being checked; failures
 *                                 report it (cleared at the start of each test;
 *                                 t_row_get() returns it, to extend and restore)
 *   T_ROW_CLEAR()                 forget the row
 *   SKIP(fmt, ...)                report why and return; the case counts as skipped
 *                                 (unless a check failed before: then it failed)
 *
 * Every CHECK* evaluates to 1 when it holds, 0 otherwise, so tests may write
 * `if (!CHECK(...)) continue;`. The runner (main.c) runs every registered case,
 * or those whose name contains the filter argument, each in its own child
 * process (so a crash, a sanitizer abort or a hang fails that case only; -n runs
 * them in process, -l lists them, -v is verbose), and ends with one line
 * "N passed, N failed, N skipped" (N counts cases); the exit status is non-zero
 * if any case failed, or, with KX_REQUIRE_ALL=1 in the environment (make check
 * sets it once the fixtures are there), if any case skipped: the skipped cases
 * are named on the line before. Cases named BUG_* expose known bugs in lib/ and
 * fail until fixed.
 */
#ifndef KX_UNIT_T_H
#define KX_UNIT_T_H
#include <stddef.h>
#include <stdint.h>
#include <kx/err.h>

typedef void (*t_fn)(void);
void t_register(const char *name, t_fn fn, const char *file, int line);

#define TEST(name)                                                                   \
	static void name(void);                                                      \
	__attribute__((constructor)) static void t_reg_##name(void)                 \
	{                                                                            \
		t_register(#name, name, __FILE__, __LINE__);                         \
	}                                                                            \
	static void name(void)

int t_check(const char *file, int line, int ok, const char *expr);
int t_check_eq(const char *file, int line, int want_equal, const char *ea, const char *eb,
	       uint64_t a, uint64_t b);
int t_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		const char *b);
int t_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
		const void *b, size_t n);
int t_check_err(const char *file, int line, const char *expr, struct kx_err got,
		enum kx_errcode want);
void t_row(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *t_row_get(void); /* the current T_ROW text ("" if none) */
void t_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void t_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Run fn(arg) in a child process that is killed after timeout_s seconds, for
 * code that may hang or crash. Returns 1 when the child returned 0 in time;
 * otherwise 0, with a description (exit status, signal, timeout) in why.
 */
int t_in_child(int (*fn)(void *), void *arg, unsigned timeout_s, char *why, size_t whylen);

#define CHECK(c) t_check(__FILE__, __LINE__, !!(c), #c)
#define CHECK_EQ(a, b) t_check_eq(__FILE__, __LINE__, 1, #a, #b, (uint64_t)(a), (uint64_t)(b))
#define CHECK_NE(a, b) t_check_eq(__FILE__, __LINE__, 0, #a, #b, (uint64_t)(a), (uint64_t)(b))
#define CHECK_STR(a, b) t_check_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_MEM(a, b, n) t_check_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n))
#define CHECK_ERR(e, code) t_check_err(__FILE__, __LINE__, #e, (e), (code))
#define CHECK_OK(e) CHECK_ERR(e, KX_OK)
#define REQUIRE(c)                 \
	do {                       \
		if (!CHECK(c))     \
			return;    \
	} while (0)
#define T_ROW(...) t_row(__VA_ARGS__)
#define T_ROW_CLEAR() t_row("%s", "")
#define SKIP(...)                    \
	do {                         \
		t_skip(__VA_ARGS__); \
		return;              \
	} while (0)

#define T_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
