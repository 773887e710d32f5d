/* pay.h - paying quoted records exactly once: the journal first, then the
 * platform, then the outcome (DESIGN.md section 8) */
#ifndef JM_PAY_H
#define JM_PAY_H

#include <stdint.h>

#include "platform.h"
#include "stream.h"

struct jm_pay_totals {
	long paid, again, declined, unknown, nothing, skipped, failed;
	int64_t paid_fen, skipped_fen, due_fen;
};

struct jm_pay_opts {
	const char *channel, *account;
	int64_t max_total;	/* -1: no cap */
	int dry_run;
};

struct jm_pay;

/* The session's token is read when the first batch comes (in a pipeline
 * jm-bind saves it only then). */
struct jm_pay *jm_pay_new(struct jm_platform *, const struct jm_pay_opts *);
/* The steps of jm_run: decide and journal the intents of a batch (one
 * fsync), pay each, then journal the outcomes (one fsync). */
void jm_pay_prepare(struct jm_rec *, size_t n, void *pay);
void jm_pay_one(struct jm_rec *, void *pay);
void jm_pay_commit(void *pay);
const struct jm_pay_totals *jm_pay_totals(const struct jm_pay *);
void jm_pay_free(struct jm_pay *);
/* What the batch does with a record (for --dry-run): said in words, and
 * as one of these, with the amount. */
enum jm_plan { JM_PLAN_PAY, JM_PLAN_BEFORE, JM_PLAN_NOTHING, JM_PLAN_SKIP,
	JM_PLAN_NONE };
const char *jm_pay_plan(const struct jm_pay *, const struct jm_rec *,
    int64_t *amount, enum jm_plan *what);
/* The due amount a quoted record would be paid (0 if none), for totals. */
int64_t jm_pay_due(json_object *rec);

#endif
