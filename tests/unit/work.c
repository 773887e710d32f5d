/* work.c - unit tests: jm_work's queue, each job run once, wait and
 * free whatever the number of processors */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "../../common/util.h"
#include "../../common/work.h"
#include "tap.h"

#define JOBS 5000

static int runs[JOBS];
static pthread_t who[JOBS];

/* Some work, so that the queue does not drain while jobs are added. */
static void
job(void *arg)
{
	int i = (int)(long)arg;
	volatile unsigned x = 0;
	int k;

	for (k = 0; k < 1000 * (i % 7); k++)
		x += (unsigned)k;
	__atomic_fetch_add(&runs[i], 1, __ATOMIC_RELAXED);
	who[i] = pthread_self();
}

static int
each_once(int n)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += runs[i] != 1;
	return bad;
}

/* A job that waits for a while: jm_work_wait must wait for it too. */
static int slow_done;

static void
slow(void *arg)
{
	struct timespec t = {0, 50 * 1000 * 1000};

	(void)arg;
	nanosleep(&t, NULL);
	__atomic_store_n(&slow_done, 1, __ATOMIC_RELEASE);
}

int
main(void)
{
	struct jm_work *w = jm_work_new();
	int i, others = 0;

	jm_work_wait(w);
	ok(1, "a wait with nothing queued returns");
	for (i = 0; i < JOBS; i++)
		jm_work_add(w, job, (void *)(long)i);
	jm_work_wait(w);
	ok(each_once(JOBS) == 0, "%d jobs, each run once", JOBS);
	for (i = 0; i < JOBS; i++)
		others += !pthread_equal(who[i], pthread_self());
	printf("# %d of %d jobs ran on another thread\n", others, JOBS);

	/* the queue used again after a wait */
	for (i = 0; i < JOBS; i++)
		runs[i] = 0;
	for (i = 0; i < JOBS; i += 2)
		jm_work_add(w, job, (void *)(long)i);
	jm_work_wait(w);
	for (i = 0; i < JOBS; i++)
		if (i % 2 && runs[i] == 0)
			runs[i] = 1;
	ok(each_once(JOBS) == 0, "a second round after the wait, each once");

	jm_work_add(w, slow, NULL);
	nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	jm_work_wait(w);	/* a thread has it by now, if there is one */
	ok(__atomic_load_n(&slow_done, __ATOMIC_ACQUIRE),
	    "the wait waits for a job a thread is still running");

	for (i = 0; i < JOBS; i++)
		runs[i] = 0;
	for (i = 0; i < 100; i++)
		jm_work_add(w, job, (void *)(long)i);
	jm_work_free(w);
	ok(each_once(100) == 0, "free runs what was queued, then ends");

	w = jm_work_new();
	jm_work_free(w);
	ok(1, "a pool never used is freed");
	return tap_done();
}
