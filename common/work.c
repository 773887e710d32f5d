/* work.c - a few threads that take jobs from a queue: what a batch checks
 * (a receipt's signature) runs beside what it fetches */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"
#include "work.h"

#define MAX_THREADS 7

struct job {
	void (*fn)(void *);
	void *arg;
};

struct jm_work {
	pthread_mutex_t mu;
	pthread_cond_t more;	/* a job queued, or the end */
	pthread_cond_t idle;	/* the queue empty and no job running */
	struct job *q;
	size_t head, n, cap;	/* queued: q[head] to q[n - 1] */
	size_t running;
	int stop, nthreads, started;
	pthread_t t[MAX_THREADS];
};

/* The next job run, with the lock held (and held again after). */
static void
run_one(struct jm_work *w)
{
	struct job j = w->q[w->head++];

	w->running++;
	pthread_mutex_unlock(&w->mu);
	j.fn(j.arg);
	pthread_mutex_lock(&w->mu);
	w->running--;
	if (w->head == w->n && w->running == 0)
		pthread_cond_broadcast(&w->idle);
}

static void *
worker(void *arg)
{
	struct jm_work *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == w->n && !w->stop)
			pthread_cond_wait(&w->more, &w->mu);
		if (w->head == w->n)
			break;
		run_one(w);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct jm_work *
jm_work_new(void)
{
	struct jm_work *w = jm_calloc(1, sizeof *w);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->idle, NULL);
	w->nthreads = cpus > MAX_THREADS ? MAX_THREADS : cpus > 1 ?
	    (int)cpus - 1 : 0;
	return w;
}

/* The threads take no signal: the program's handlers run in main's. */
static void
start(struct jm_work *w)
{
	sigset_t all, old;
	int i;

	w->started = 1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < w->nthreads; i++)
		if (pthread_create(&w->t[i], NULL, worker, w) != 0)
			break;
	w->nthreads = i;	/* fewer, or none: main runs the jobs */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
jm_work_add(struct jm_work *w, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&w->mu);
	if (!w->started)
		start(w);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->q = jm_realloc(w->q, w->cap * sizeof *w->q);
	}
	w->q[w->n++] = (struct job){fn, arg};
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
}

void
jm_work_wait(struct jm_work *w)
{
	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->head < w->n)
			run_one(w);
		else if (w->running)
			pthread_cond_wait(&w->idle, &w->mu);
		else
			break;
	}
	w->head = w->n = 0;
	pthread_mutex_unlock(&w->mu);
}

void
jm_work_free(struct jm_work *w)
{
	int i;

	if (!w)
		return;
	jm_work_wait(w);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->more);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->nthreads && w->started; i++)
		pthread_join(w->t[i], NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->idle);
	free(w->q);
	free(w);
}
