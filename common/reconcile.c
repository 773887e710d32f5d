/* reconcile.c - jm-receipt --reconcile: the journal against the platform's
 * list of payments, one finding per record (DESIGN.md section 9) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "journal.h"
#include "money.h"
#include "person.h"
#include "reconcile.h"
#include "session.h"
#include "util.h"

/* An attempt whose request may still be travelling is not judged yet. */
#define SETTLE_SECONDS 600

struct run {
	struct jm_platform *p;
	struct jm_receipts *rs;
	struct jm_journal *j;
	const char *token, *since;
	void (*emit)(json_object *, void *);
	void *ctx;
	struct jm_findings *f;
	struct jm_attempt *a;
	size_t na;
	json_object *list;	/* the platform's payments */
	int status;
};

static void
collect(const struct jm_attempt *a, void *ctx)
{
	struct run *r = ctx;

	r->a = jm_realloc(r->a, (r->na + 1) * sizeof *r->a);
	r->a[r->na++] = *a;
}

/* A finding: what, whether a person must look, and about whom. */
static json_object *
finding(struct run *r, const char *what, int person, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "finding", json_object_new_string(what));
	json_object_object_add(o, "needs_person",
	    json_object_new_boolean(person));
	json_object_object_add(o, "message", json_object_new_string(msg));
	if (person)
		jm_exit_note(JM_EXIT_FAIL);
	(void)r;
	return o;
}

static void
about_attempt(json_object *o, const struct jm_attempt *a)
{
	json_object_object_add(o, "insured_id",
	    json_object_new_string(a->person));
	if (a->id_no[0])
		json_object_object_add(o, "id_no",
		    json_object_new_string(a->id_no));
	json_object_object_add(o, "year", json_object_new_int(a->year));
	json_object_object_add(o, "item", json_object_new_string(a->item));
	json_object_object_add(o, "amount_fen",
	    json_object_new_int64(a->amount));
	json_object_object_add(o, "idempotency_key",
	    json_object_new_string(a->key));
	if (a->order_id[0])
		json_object_object_add(o, "order_id",
		    json_object_new_string(a->order_id));
}

static void
put(struct run *r, json_object *f)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "reconcile", f);
	r->emit(rec, r->ctx);
	json_object_put(rec);
}

static void
copy_from(json_object *o, const char *key, char *dst, size_t sz)
{
	const char *s;

	if (jm_get_str(o, key, &s, NULL) > 0)
		snprintf(dst, sz, "%s", s);
}

static int
young(const struct jm_attempt *a)
{
	time_t t;

	/* on the platform's clock, which tests may move on */
	return jm_parse_rfc3339(a->created_at, &t) == 0 &&
	    jm_now() - t < SETTLE_SECONDS;
}

/* An attempt whose outcome jm does not know: ask the platform. */
static void
resolve(struct run *r, struct jm_attempt *a)
{
	json_object *req = json_object_new_object(), *resp = NULL, *f;
	struct jm_perr err = {0};
	const char *st = NULL;
	char msg[256];

	json_object_object_add(req, "token", json_object_new_string(r->token));
	json_object_object_add(req, "key", json_object_new_string(a->key));
	if (jm_call(r->p, "payment", req, &resp, &err) < 0) {
		json_object_put(req);
		jm_exit_note(err.temporary ? JM_EXIT_TEMP : JM_EXIT_FAIL);
		r->f->failed++;
		jm_errmsg(_("cannot ask about attempt %.12s...: %s"), a->key,
		    err.msg);
		return;
	}
	json_object_put(req);
	jm_get_str(resp, "status", &st, NULL);
	if (st && !strcmp(st, "none") && young(a)) {
		r->f->pending++;
		jm_exit_note(JM_EXIT_TEMP);
		snprintf(msg, sizeof msg, _("the platform has not received "
		    "attempt %.12s... yet: look again later"), a->key);
		f = finding(r, "pending", 0, msg);
	} else {
		if (st && !strcmp(st, "paid")) {
			snprintf(a->state, sizeof a->state, "paid");
			copy_from(resp, "order_id", a->order_id,
			    sizeof a->order_id);
			copy_from(resp, "txn_id", a->txn_id, sizeof a->txn_id);
			copy_from(resp, "paid_at", a->paid_at,
			    sizeof a->paid_at);
		} else {
			snprintf(a->state, sizeof a->state, "declined");
			snprintf(a->code, sizeof a->code, "%s", st &&
			    !strcmp(st, "none") ? "NOT_RECEIVED" : "DECLINED");
			copy_from(resp, "code", a->code, sizeof a->code);
		}
		/* the journal's notes are data, in one language */
		jm_journal_state(r->j, a, "resolved by jm-receipt --reconcile");
		r->f->resolved++;
		snprintf(msg, sizeof msg, !strcmp(a->state, "paid") ?
		    _("an unknown outcome resolved: paid") : _("an unknown "
		    "outcome resolved: not paid (%s); jm-pay may try again"),
		    a->code);
		f = finding(r, "resolved", 0, msg);
		json_object_object_add(f, "outcome",
		    json_object_new_string(a->state));
	}
	about_attempt(f, a);
	put(r, f);
	json_object_put(resp);
}

static int
pending(const char *state)
{
	return !strcmp(state, "intent") || !strcmp(state, "sent") ||
	    !strcmp(state, "unknown");
}

/* The platform's payments for the payer since the date. */
static int
platform_list(struct run *r)
{
	json_object *req = json_object_new_object(), *resp = NULL;
	struct jm_perr err = {0};
	int rc;

	json_object_object_add(req, "token", json_object_new_string(r->token));
	if (r->since)
		json_object_object_add(req, "since",
		    json_object_new_string(r->since));
	rc = jm_call(r->p, "payments", req, &resp, &err);
	json_object_put(req);
	if (rc < 0) {
		jm_errmsg(_("the platform's list of payments: %s"), err.msg);
		r->status = err.temporary ? JM_EXIT_TEMP : JM_EXIT_FAIL;
		return -1;
	}
	json_object_object_get_ex(resp, "payments", &r->list);
	json_object_get(r->list);
	json_object_put(resp);
	return 0;
}

static struct jm_attempt *
by_order(struct run *r, const char *order)
{
	size_t i;

	for (i = 0; i < r->na; i++)
		if (jm_state_paid(r->a[i].state) &&
		    !strcmp(r->a[i].order_id, order))
			return &r->a[i];
	return NULL;
}

static void
about_payment(json_object *f, json_object *p)
{
	static const char *const keys[] = {"insured_id", "id_no", "name",
	    "year", "item", "amount_fen", "order_id", "channel", "paid_at"};
	json_object *v;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_object_get_ex(p, keys[i], &v))
			json_object_object_add(f, keys[i], json_object_get(v));
}

/* Each platform payment against the journal: made elsewhere, a different
 * amount, not settled in time. */
static void
each_payment(struct run *r, json_object *p)
{
	const char *order = "", *due = "";
	struct jm_attempt *a;
	json_object *f, *v;
	char msg[256], today[11];
	int64_t amount = 0;

	jm_get_str(p, "order_id", &order, NULL);
	jm_fen_get(p, "amount_fen", &amount, msg, sizeof msg);
	if (!(a = by_order(r, order))) {
		r->f->elsewhere++;
		f = finding(r, "paid-elsewhere", 0, _("paid on the platform, "
		    "not by this journal (another channel or operator)"));
		about_payment(f, p);
		put(r, f);
	} else if (a->amount != amount) {
		r->f->mismatch++;
		snprintf(msg, sizeof msg, _("the platform has %lld fen, the "
		    "journal %lld"), (long long)amount, (long long)a->amount);
		f = finding(r, "amount-mismatch", 1, msg);
		about_payment(f, p);
		put(r, f);
	}
	jm_get_str(p, "settle_due", &due, NULL);
	json_object_object_get_ex(p, "settled", &v);
	if (a && json_object_get_boolean(v) && !strcmp(a->state, "paid")) {
		/* 入库: the journal keeps the day it was seen */
		snprintf(a->state, sizeof a->state, "settled");
		jm_journal_state(r->j, a, "settled (入库), seen by jm-receipt "
		    "--reconcile");
	}
	jm_date_str(jm_today(), today);
	if (!json_object_get_boolean(v) && due && strcmp(due, today) < 0) {
		r->f->unsettled++;
		snprintf(msg, sizeof msg, _("paid, but not settled (入库) since "
		    "%s: ask the tax office"), due);
		f = finding(r, "not-settled", 1, msg);
		about_payment(f, p);
		put(r, f);
	}
}

/* Two medical payments for one person and year: a refund candidate. */
static void
duplicates(struct run *r)
{
	size_t n = json_object_array_length(r->list), i, k;
	json_object *a, *b, *f, *orders;
	const char *x[3], *y[3], *it;
	static const char *const keys[] = {"insured_id", "year", "item"};
	int dup, seen;

	for (i = 0; i < n; i++) {
		a = json_object_array_get_idx(r->list, i);
		/* the pension is paid in several payments a year, each to a
		 * higher grade, which the platform keeps within the top */
		if ((it = json_object_get_string(json_object_object_get(a,
		    "item"))) && !strcmp(it, "pension"))
			continue;
		orders = json_object_new_array();
		for (k = 0, seen = dup = 0; k < n; k++) {
			b = json_object_array_get_idx(r->list, k);
			for (int m = 0; m < 3; m++) {
				x[m] = json_object_get_string(
				    json_object_object_get(a, keys[m]));
				y[m] = json_object_get_string(
				    json_object_object_get(b, keys[m]));
			}
			if (strcmp(x[0], y[0]) || strcmp(x[1], y[1]) ||
			    strcmp(x[2], y[2]))
				continue;
			seen += k < i;
			dup++;
			json_object_array_add(orders, json_object_get(
			    json_object_object_get(b, "order_id")));
		}
		if (dup > 1 && !seen) {
			r->f->duplicate++;
			f = finding(r, "duplicate", 1, _("paid more than once for "
			    "the same year and item: a refund (多缴退费) is due"));
			about_payment(f, a);
			json_object_object_add(f, "order_ids", orders);
			put(r, f);
		} else
			json_object_put(orders);
	}
}

static int
listed(struct run *r, const char *order)
{
	size_t n = json_object_array_length(r->list), i;
	const char *o;

	for (i = 0; i < n; i++)
		if (jm_get_str(json_object_array_get_idx(r->list, i),
		    "order_id", &o, NULL) > 0 && !strcmp(o, order))
			return 1;
	return 0;
}

/* A payment the journal holds as paid must be on the platform's list. */
static void
listed_or_missing(struct run *r, const struct jm_attempt *a)
{
	json_object *f;

	if ((!r->since || strncmp(a->paid_at, r->since, strlen(r->since)) >= 0)
	    && !listed(r, a->order_id)) {
		r->f->missing++;
		f = finding(r, "missing-on-platform", 1, _("the journal has "
		    "this payment as paid; the platform does not list it"));
		about_attempt(f, a);
		put(r, f);
	}
}

/* A paid payment as a record, for jm-receipt's fetching. */
static void
as_record(const struct jm_attempt *a, struct jm_rec *rec, long i)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "order_id", json_object_new_string(
	    a->order_id));
	json_object_object_add(p, "status", json_object_new_string("paid"));
	json_object_object_add(p, "amount_fen", json_object_new_int64(
	    a->amount));
	memset(rec, 0, sizeof *rec);
	rec->obj = json_object_new_object();
	json_object_object_add(rec->obj, "payment", p);
	if (a->id_no[0])	/* for messages: whom it is about */
		json_object_object_add(rec->obj, "id_no",
		    json_object_new_string(a->id_no));
	rec->file = "journal";	/* for messages: "journal:N: ..." */
	rec->line = i + 1;
}

static void
receipt_finding(struct run *r, const struct jm_attempt *a, struct jm_rec *rec,
    int stored)
{
	json_object *f, *v;

	if (stored) {
		r->f->fetched++;
		f = finding(r, "receipt-fetched", 0, _("the receipt was "
		    "missing: fetched, verified and stored"));
	} else {
		r->f->failed++;
		f = finding(r, "receipt-missing", 1, _("the receipt is missing "
		    "and could not be fetched"));
	}
	about_attempt(f, a);
	if (json_object_object_get_ex(rec->obj, "receipt", &v))
		json_object_object_add(f, "receipt", json_object_get(v));
	put(r, f);
}

/* The receipts of paid payments not stored yet: fetched together. */
static void
receipts(struct run *r)
{
	struct jm_rec *recs = jm_calloc(r->na, sizeof *recs);
	size_t i, n = 0, *which = jm_calloc(r->na, sizeof *which);
	char *ok = jm_calloc(r->na + 1, 1);

	for (i = 0; i < r->na; i++)
		if (jm_state_paid(r->a[i].state) &&
		    jm_receipts_missing(r->rs, r->a[i].order_id)) {
			as_record(&r->a[i], &recs[n], (long)n);
			which[n++] = i;
		}
	jm_receipts_prefetch(r->rs, recs, n);
	for (i = 0; i < n; i++)
		ok[i] = jm_receipts_one(r->rs, &recs[i]) != NULL;
	jm_receipts_commit(r->rs);	/* indexed before they are reported */
	for (i = 0; i < n; i++) {
		receipt_finding(r, &r->a[which[i]], &recs[i], ok[i]);
		jm_rec_free(&recs[i]);
	}
	free(ok);
	free(recs);
	free(which);
}

int
jm_reconcile(struct jm_platform *p, struct jm_receipts *rs, const char *since,
    void (*emit)(json_object *, void *), void *ctx, struct jm_findings *f)
{
	struct run r = {p, rs, NULL, NULL, since, emit, ctx, f, NULL, 0, NULL,
	    0};
	size_t i, n;
	const char *why;

	if (!(r.token = jm_session_token(p->endpoint))) {
		if ((why = jm_session_why(p->endpoint)))
			jm_errmsg(_("no payer is bound on %s (%s): "
			    "reconciliation lists the payer's payments (jm-bind "
			    "--payer ...)"), p->endpoint, why);
		else
			jm_errmsg(_("no payer is bound on %s: reconciliation "
			    "lists the payer's payments (jm-bind --payer ...)"),
			    p->endpoint);
		return JM_EXIT_FAIL;
	}
	r.j = jm_journal_open();
	jm_journal_each(r.j, p->endpoint, since, collect, &r);
	jm_platform_begin(p);
	jm_journal_begin(r.j);
	for (i = 0; i < r.na; i++)
		if (pending(r.a[i].state))
			resolve(&r, &r.a[i]);
	if (platform_list(&r) == 0) {
		n = json_object_array_length(r.list);
		for (i = 0; i < n; i++)
			each_payment(&r, json_object_array_get_idx(r.list, i));
		duplicates(&r);
	}
	jm_journal_commit(r.j);
	if (r.list) {
		for (i = 0; i < r.na; i++)
			if (jm_state_paid(r.a[i].state))
				listed_or_missing(&r, &r.a[i]);
		receipts(&r);
	}
	jm_platform_commit(p);
	json_object_put(r.list);
	jm_journal_close(r.j);
	free(r.a);
	return r.status;
}
