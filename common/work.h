/* work.h - a few threads that take jobs from a queue: what a batch checks
 * (a receipt's signature) runs beside what it fetches */
#ifndef JM_WORK_H
#define JM_WORK_H

struct jm_work;

/* A pool of one thread fewer than the processors (none on one processor,
 * at most 7), started with the first job. */
struct jm_work *jm_work_new(void);
/* Queue fn(arg); a job must not call jm_work_* itself. */
void jm_work_add(struct jm_work *, void (*fn)(void *), void *arg);
/* Until every job queued has run; the caller runs queued ones meanwhile. */
void jm_work_wait(struct jm_work *);
/* Waits, then ends the threads. */
void jm_work_free(struct jm_work *);

#endif
