/*
 * Many loads side by side in one process do not interfere: every recipe
 * (recipes.c) built interleaved with all the others, in several orders and
 * in threads, says exactly what it says built alone.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lt.h"

#define MAXR 64

static unsigned usable(const struct spec **out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; i < lt_nspecs && n < max; i++) {
		if (lt_reference(i))
			out[n++] = &lt_specs[i];
		else
			NOTE("%s skipped: %s", lt_specs[i].name, run_skip_reason(&lt_specs[i]));
	}
	return n;
}

static unsigned index_of(const struct spec *s)
{
	return (unsigned)(s - lt_specs);
}

static void compare_all(struct run *rs, unsigned n, const char *mode)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		run_same(&rs[i], lt_reference(index_of(rs[i].s)), mode);
		run_release(&rs[i]);
	}
}

/* Each recipe alone (the references the other cases compare with): it shows
 * what the recipe says (lt_reference checks). */
LT_CASE(recipes_alone)
{
	unsigned i, n = 0;

	for (i = 0; i < lt_nspecs; i++) {
		const char *why = run_skip_reason(&lt_specs[i]);
		if (why)
			NOTE("%s skipped: %s", lt_specs[i].name, why);
		else
			n += lt_reference(i) != 0;
	}
	NOTE("%u recipes of %u run here", n, lt_nspecs);
	if (!n)
		SKIP("no recipe can run here");
}

/* Create all, inputs round-robin, prepare all, plan all, ..., free in reverse. */
LT_CASE(interleaved_round_robin)
{
	const struct spec *sp[MAXR];
	struct run *rs = calloc(MAXR, sizeof(*rs));
	unsigned n = usable(sp, MAXR), i, more;
	int kind;

	REQUIRE(rs);
	for (i = 0; i < n; i++)
		run_init(&rs[i], sp[i], LT_RR_MODE); /* the JSON: threads_lockstep */
	for (i = 0; i < n; i++)
		run_step(&rs[i]); /* kx_load_new */
	do { /* the inputs, one step of each load in turn */
		more = 0;
		for (i = 0; i < n; i++)
			if (run_next_kind(&rs[i]) > ST_NEW && run_next_kind(&rs[i]) < ST_PREPARE)
				more = run_step(&rs[i]);
	} while (more);
	/* then each phase for every load before the next phase */
	for (kind = ST_PREPARE; kind < ST_FREE; kind++)
		for (i = 0; i < n; i++)
			while (run_next_kind(&rs[i]) == kind)
				run_step(&rs[i]);
	for (i = n; i-- > 0;)
		run_all(&rs[i]);
	compare_all(rs, n, "round-robin");
	NOTE("%u loads", n);
	free(rs);
}

/* Any load takes the next step, chosen at random; frees come at random too.
 * (Without kx_load_print, which reads /proc/kallsyms: round-robin has it.) */
LT_CASE(interleaved_random)
{
	const struct spec *sp[MAXR];
	struct run *rs = calloc(MAXR, sizeof(*rs));
	unsigned n = usable(sp, MAXR), i, seed;

	REQUIRE(rs);
	for (seed = 1; seed <= 3; seed++) {
		uint64_t s = 0x1234567ull * seed;
		unsigned left = n;
		char mode[32];

		for (i = 0; i < n; i++)
			run_init(&rs[i], sp[(i + seed) % n], 0);
		while (left) {
			unsigned k = lt_rand(&s) % n;
			while (run_next_kind(&rs[k]) < 0)
				k = (k + 1) % n;
			run_step(&rs[k]);
			if (run_next_kind(&rs[k]) < 0)
				left--;
		}
		snprintf(mode, sizeof(mode), "random order %u", seed);
		compare_all(rs, n, mode);
	}
	free(rs);
}

/* The same recipe many times at once: one file mapped by many loads, one
 * buffer borrowed by many; some freed while the others are still planned. */
LT_CASE(same_inputs_many_loads)
{
	static const char *const names[] = { "real-path-auto", "bz-a-buf-tmpfile", "mb1-modules",
					      "real-fd-classic-debug" };
	struct run *rs = calloc(MAXR, sizeof(*rs));
	unsigned n = 0, i, j, k;

	REQUIRE(rs);
	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
		for (i = 0; i < lt_nspecs; i++)
			if (!strcmp(lt_specs[i].name, names[j]) && !run_skip_reason(&lt_specs[i]))
				for (k = 0; k < 3; k++)
					run_init(&rs[n++], &lt_specs[i], 0);
	if (!n) {
		free(rs);
		SKIP("none of the recipes can run here");
	}
	/* all up to the plan; every other one freed; the rest finished after */
	for (i = 0; i < n; i++)
		while (run_next_kind(&rs[i]) >= 0 && run_next_kind(&rs[i]) <= ST_PLAN)
			run_step(&rs[i]);
	for (i = 0; i < n; i += 2)
		run_all(&rs[i]);
	for (i = 1; i < n; i += 2)
		run_all(&rs[i]);
	compare_all(rs, n, "many copies");
	free(rs);
}

/* ---- threads ---------------------------------------------------------------------- */

struct thr {
	pthread_t t;
	const struct spec *s;
	pthread_barrier_t *bar;
	unsigned nsteps_max, rounds;
	int failed;
};

/* Every thread does its load's step i, then waits for all the others. */
static void *lockstep(void *arg)
{
	struct thr *t = arg;
	struct run r;
	const struct transcript *ref = lt_reference(index_of(t->s));
	unsigned i;

	run_init(&r, t->s, LT_JSON);
	for (i = 0; i < t->nsteps_max; i++) {
		run_step(&r);
		pthread_barrier_wait(t->bar);
	}
	t->failed = !run_same(&r, ref, "threads in lockstep");
	run_release(&r);
	return 0;
}

static void *free_running(void *arg)
{
	struct thr *t = arg;
	const struct transcript *ref = lt_reference(index_of(t->s));
	unsigned i;

	pthread_barrier_wait(t->bar);
	for (i = 0; i < t->rounds && !t->failed; i++) {
		struct run r;
		run_init(&r, t->s, 0);
		run_all(&r);
		t->failed = !run_same(&r, ref, "threads running free");
		run_release(&r);
	}
	return 0;
}

static void threads(void *(*fn)(void *), unsigned rounds)
{
	const struct spec *sp[MAXR];
	struct thr *t = calloc(MAXR, sizeof(*t));
	pthread_barrier_t bar;
	unsigned n = usable(sp, MAXR), i, maxsteps = 0;

	REQUIRE(t);
	for (i = 0; i < n; i++) {
		struct run r;
		run_init(&r, sp[i], LT_FULL);
		if (r.nsteps > maxsteps)
			maxsteps = r.nsteps;
		run_release(&r);
	}
	pthread_barrier_init(&bar, 0, n);
	for (i = 0; i < n; i++) {
		t[i] = (struct thr){ .s = sp[i], .bar = &bar, .nsteps_max = maxsteps, .rounds = rounds };
		if (pthread_create(&t[i].t, 0, fn, &t[i])) {
			lt_fail("pthread_create failed");
			abort(); /* the barrier would never open */
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i].t, 0);
	pthread_barrier_destroy(&bar);
	NOTE("%u threads", n);
	free(t);
}

/* A thread per recipe, all taking step i together. */
LT_CASE(threads_lockstep)
{
	threads(lockstep, 1);
}

/* A thread per recipe, each building its load three times as fast as it can. */
LT_CASE(threads_free_running)
{
	threads(free_running, 3);
}

/* After all that, a recipe built alone still says what it said first. */
LT_CASE(zz_alone_afterwards)
{
	unsigned i;

	for (i = 0; i < lt_nspecs; i++) {
		const struct transcript *ref = lt_reference(i);
		struct run r;

		if (!ref)
			continue;
		run_init(&r, &lt_specs[i], 0);
		run_all(&r);
		run_same(&r, ref, "alone afterwards");
		run_release(&r);
	}
}
