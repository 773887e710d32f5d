/* pay.c - paying quoted records exactly once: the journal first, then the
 * platform, then the outcome (DESIGN.md section 8)
 *
 * A batch goes through three commits: the intents of every new attempt
 * (durable before any request leaves), the platform's batch, and the
 * outcomes. A crash between any two leaves attempts the journal knows and
 * that are sent again with the same key, which the platform answers with
 * its first outcome: nobody is paid twice, no payment is lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "journal.h"
#include "jsonio.h"
#include "money.h"
#include "pay.h"
#include "payment.h"
#include "person.h"
#include "retry.h"
#include "session.h"
#include "util.h"

enum act {
	A_PASS,		/* not ours: an error, or no quote */
	A_DONE,		/* jm paid this person before: emit that payment */
	A_SEND,		/* a new attempt, or an unresolved one again */
	A_NOTHING,	/* nothing due */
	A_SKIP,		/* past --max-total */
};

struct slot {
	enum act act;
	int resend, unsent;
	struct jm_attempt a;
	struct jm_perr err;
	int64_t due;
};

struct jm_pay {
	struct jm_platform *p;
	struct jm_journal *j;
	const char *token;
	struct jm_pay_opts o;
	struct slot *slots;
	size_t cap, n;
	struct jm_rec *base;
	int64_t spent;
	int capped;
	struct jm_pay_totals t;
	struct jm_calls calls;
};

/* Tests kill jm-pay at each state of the journal: JM_TEST_KILL_AT=POINT
 * (intents, half-sent, platform, outcomes), optionally POINT:N for the
 * N-th batch (jm_kill_point). */
static void
fault_point(const char *point)
{
	static long batch;

	if (!strcmp(point, "intents"))
		batch++;
	jm_kill_point(point, batch);
}

struct jm_pay *
jm_pay_new(struct jm_platform *p, const struct jm_pay_opts *o)
{
	struct jm_pay *pay = jm_calloc(1, sizeof *pay);

	pay->p = p;
	pay->o = *o;
	pay->j = jm_journal_open();
	return pay;
}

void
jm_pay_free(struct jm_pay *pay)
{
	if (!pay)
		return;
	jm_journal_close(pay->j);
	jm_calls_free(&pay->calls);
	free(pay->slots);
	free(pay);
}

const struct jm_pay_totals *
jm_pay_totals(const struct jm_pay *pay)
{
	return &pay->t;
}

/* The pension's grade: the year's total the payment brings the person to
 * (several payments a year are allowed, each to a higher grade). */
static int
read_grade(struct jm_rec *r, json_object *q, struct slot *s)
{
	char msg[256];
	int k = jm_fen_get(q, "grade_fen", &s->a.grade, msg, sizeof msg);

	if (k < 0 || (k == 0 && !strcmp(s->a.item, "pension")) ||
	    (k > 0 && s->a.grade == 0)) {
		jm_rec_error(r, k < 0 ? "BAD_VALUE" : "MISSING_FIELD",
		    _("the pension quote lacks its grade (grade_fen): quote "
		    "again"));
		return -1;
	}
	return 0;
}

/* The quote of a record, read strictly: 0, or -1 with an error given. */
static int
read_quote(struct jm_rec *r, struct slot *s, const char **expires)
{
	json_object *q, *v, *reg;
	const char *ins = NULL, *item, *kind;
	char msg[256];
	int k;

	if (!jm_json_get(r->obj, "quote", &q) || !q) {
		jm_rec_error(r, "MISSING_FIELD", _("no quote: run jm-quote "
		    "before jm-pay"));
		return -1;
	}
	if ((k = jm_fen_get(q, "due_fen", &s->due, msg, sizeof msg)) <= 0) {
		jm_rec_error(r, k ? "BAD_VALUE" : "MISSING_FIELD", "quote.%s",
		    k ? msg : _("due_fen is missing"));
		return -1;
	}
	if (jm_get_str(q, "insured_id", &ins, NULL) <= 0 &&
	    jm_json_get(r->obj, "registration", &reg))
		jm_get_str(reg, "insured_id", &ins, NULL);
	if (!ins || !jm_json_get(q, "year", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    jm_get_str(q, "item", &item, NULL) <= 0 ||
	    jm_get_str(q, "kind", &kind, NULL) <= 0) {
		jm_rec_error(r, "MISSING_FIELD", _("the quote lacks year, item, "
		    "kind or the insured person: quote again"));
		return -1;
	}
	memset(&s->a, 0, sizeof s->a);
	s->a.year = json_object_get_int(v);
	jm_strlcpy(s->a.person, ins, sizeof s->a.person);
	jm_strlcpy(s->a.item, item, sizeof s->a.item);
	jm_strlcpy(s->a.kind, kind, sizeof s->a.kind);
	if (jm_get_str(q, "quote_id", &ins, NULL) > 0)
		jm_strlcpy(s->a.quote_id, ins, sizeof s->a.quote_id);
	if (jm_get_str(r->obj, "id_no", &ins, NULL) > 0)
		jm_strlcpy(s->a.id_no, ins, sizeof s->a.id_no);
	jm_get_str(q, "expires_at", expires, NULL);
	return read_grade(r, q, s);
}

/* A quote past expires_at is quoted again; a changed amount stops it. */
static int
requote(struct jm_pay *pay, struct jm_rec *r, struct slot *s)
{
	json_object *req = json_object_new_object(), *q = NULL;
	struct jm_perr err = {0};
	const char *id;
	int64_t due = -1;
	char msg[64];
	int rc = -1;

	json_object_object_add(req, "insured_id",
	    json_object_new_string(s->a.person));
	json_object_object_add(req, "year", json_object_new_int(s->a.year));
	json_object_object_add(req, "item", json_object_new_string(s->a.item));
	json_object_object_add(req, "kind", json_object_new_string(s->a.kind));
	if (s->a.grade > 0)
		json_object_object_add(req, "grade_fen",
		    json_object_new_int64(s->a.grade));
	if (jm_call(pay->p, "quote", req, &q, &err) < 0) {
		if (err.temporary)
			jm_exit_note(JM_EXIT_TEMP);
		jm_rec_error(r, err.code, _("the quote expired and could not "
		    "be renewed: %s"), err.msg);
	} else if (jm_fen_get(q, "due_fen", &due, msg, sizeof msg) <= 0 ||
	    due != s->due) {
		jm_rec_error(r, "QUOTE_CHANGED", _("the quote expired and the "
		    "amount due is now %lld fen, not %lld: quote again"),
		    (long long)due, (long long)s->due);
	} else {
		if (jm_get_str(q, "quote_id", &id, NULL) > 0)
			jm_strlcpy(s->a.quote_id, id, sizeof s->a.quote_id);
		rc = 0;
	}
	json_object_put(req);
	json_object_put(q);
	return rc;
}

static int
expired(const char *expires)
{
	time_t t;

	return expires && jm_parse_rfc3339(expires, &t) == 0 && t < jm_now();
}

/* A new attempt: its key and hash exist, and are journalled, before the
 * first request leaves. */
static void
new_attempt(struct jm_pay *pay, struct slot *s)
{
	unsigned char r[16];
	struct timespec now;
	uint64_t ms;
	int i;

	/* the time first, in milliseconds (as a UUIDv7), then 80 random
	 * bits: keys made one after another sort together, so that the
	 * journal's index and the platform's take each new one at their
	 * end, not on a page of their own anywhere */
	clock_gettime(CLOCK_REALTIME, &now);
	ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	for (i = 0; i < 6; i++)
		r[i] = (unsigned char)(ms >> (8 * (5 - i)));
	jm_random(r + 6, sizeof r - 6);
	jm_hex(r, sizeof r, s->a.key);
	jm_strlcpy(s->a.endpoint, pay->p->endpoint, sizeof s->a.endpoint);
	jm_strlcpy(s->a.channel, pay->o.channel, sizeof s->a.channel);
	jm_strlcpy(s->a.account, pay->o.account ? pay->o.account : "",
	    sizeof s->a.account);
	s->a.amount = s->due;
	jm_pay_hash(s->a.person, s->a.year, s->a.item, s->a.kind, s->a.grade,
	    s->a.amount, s->a.channel, pay->o.account, s->a.hash);
	jm_strlcpy(s->a.state, "intent", sizeof s->a.state);
	if (!pay->o.dry_run)
		jm_journal_intent(pay->j, &s->a);
}

/* --max-total: once an amount does not fit, nothing more is paid. */
static int
capped(struct jm_pay *pay, int64_t amount)
{
	if (!pay->capped && pay->o.max_total >= 0 &&
	    pay->spent + amount > pay->o.max_total)
		pay->capped = 1;
	return pay->capped;
}

static int
pending(const char *state)
{
	return !strcmp(state, "intent") || !strcmp(state, "sent") ||
	    !strcmp(state, "unknown");
}

/*
 * jm paid this before, and the record is that payment again: for the
 * medical insurance any payment of the person's year and item (one a
 * year); for the pension one that brought the year's total to the grade
 * the quote asks, so that a run made again re-emits it while a higher
 * grade later in the year is a new payment (of the difference).
 */
static int
paid_before(struct jm_pay *pay, struct slot *s, const struct jm_attempt *last,
    int found)
{
	struct jm_attempt done;

	if (s->a.grade > 0) {
		if (!jm_journal_paid_grade(pay->j, pay->p->endpoint,
		    s->a.person, s->a.year, s->a.item, s->a.grade, &done))
			return 0;
		s->a = done;
		return 1;
	}
	if (!found || !jm_state_paid(last->state))
		return 0;
	s->a = *last;
	return 1;
}

/* An unresolved attempt is sent again as it was, whatever the record
 * asks now: say so when that differs. */
static void
resend_warn(struct jm_pay *pay, struct jm_rec *r, const struct slot *s,
    const struct jm_attempt *last)
{
	char a[32], b[32];

	if (strcmp(last->channel, pay->o.channel))
		jm_rec_warn(r, _("an earlier attempt through %s is "
		    "unresolved: it is sent again, not a new one"),
		    last->channel);
	if (last->grade != s->a.grade)
		jm_rec_warn(r, _("an earlier attempt for grade %s is "
		    "unresolved: it is sent again, not one for grade %s"),
		    jm_yuan(last->grade, a), jm_yuan(s->a.grade, b));
}

/* No session to pay with: said with why (another platform's, expired). */
static void
no_session(struct jm_pay *pay, struct jm_rec *r)
{
	const char *why = jm_session_why(pay->p->endpoint);

	if (why)
		jm_rec_error(r, "NO_SESSION", _("no payer is bound (%s): run "
		    "jm-bind; nothing was sent"), why);
	else
		jm_rec_error(r, "NO_SESSION", _("no payer is bound: run "
		    "jm-bind; nothing was sent"));
}

static void
decide(struct jm_pay *pay, struct jm_rec *r, struct slot *s)
{
	struct jm_attempt last;
	const char *expires = NULL;
	char msg[256];
	int found, resend;

	s->act = A_PASS;
	if (r->failed || jm_rec_passes(r))
		return;
	if (jm_json_get(r->obj, "payment", NULL))
		json_object_object_add(r->obj, "payment", NULL);  /* stale */
	if (read_quote(r, s, &expires) < 0)
		return;
	found = jm_journal_last(pay->j, pay->p->endpoint, s->a.person,
	    s->a.year, s->a.item, &last);
	/* paid before under another ID number (the platform checked that
	 * one): this record's id_no was changed after its quote */
	if (found && jm_state_paid(last.state) &&
	    jm_same_person(s->a.id_no, last.id_no, msg, sizeof msg) < 0) {
		jm_rec_error(r, "PERSON_MISMATCH", "%s", msg);
		return;
	}
	resend = found && pending(last.state);
	if (!resend && paid_before(pay, s, &last, found)) {
		s->act = A_DONE;
	} else if (!resend && s->due == 0) {
		s->act = A_NOTHING;
	} else if (capped(pay, resend ? last.amount : s->due)) {
		s->act = A_SKIP;
		s->due = resend ? last.amount : s->due;
	} else if (!pay->token && !pay->o.dry_run) {
		no_session(pay, r);
	} else if (resend) {
		/* an outcome not known yet: the same request, the same key */
		resend_warn(pay, r, s, &last);
		s->a = last;
		s->act = A_SEND;
		s->resend = 1;
		pay->spent += last.amount;
	} else if (!expired(expires) || requote(pay, r, s) == 0) {
		new_attempt(pay, s);
		s->act = A_SEND;
		pay->spent += s->due;
	}
}

static void send_all(struct jm_pay *);

void
jm_pay_prepare(struct jm_rec *recs, size_t n, void *ctx)
{
	struct jm_pay *pay = ctx;
	size_t i;

	if (n > pay->cap) {
		pay->slots = jm_realloc(pay->slots, n * sizeof *pay->slots);
		pay->cap = n;
	}
	memset(pay->slots, 0, n * sizeof *pay->slots);
	pay->base = recs;
	pay->n = n;
	if (!pay->token)
		pay->token = jm_session_token(pay->p->endpoint);
	if (pay->o.dry_run) {
		for (i = 0; i < n; i++)
			decide(pay, &recs[i], &pay->slots[i]);
		return;
	}
	jm_journal_begin(pay->j);
	for (i = 0; i < n; i++)
		decide(pay, &recs[i], &pay->slots[i]);
	jm_journal_commit(pay->j);	/* the intents are on disk */
	fault_point("intents");
	jm_platform_begin(pay->p);
	send_all(pay);
}

static json_object *
request(const struct jm_pay *pay, const struct jm_attempt *a)
{
	json_object *o = json_object_new_object();

	if (pay->token)
		json_object_object_add(o, "token",
		    json_object_new_string(pay->token));
	json_object_object_add(o, "key", json_object_new_string(a->key));
	json_object_object_add(o, "insured_id",
	    json_object_new_string(a->person));
	if (a->id_no[0])	/* the platform checks it is the person's */
		json_object_object_add(o, "id_no",
		    json_object_new_string(a->id_no));
	json_object_object_add(o, "year", json_object_new_int(a->year));
	json_object_object_add(o, "item", json_object_new_string(a->item));
	json_object_object_add(o, "kind", json_object_new_string(a->kind));
	if (a->grade > 0)
		json_object_object_add(o, "grade_fen",
		    json_object_new_int64(a->grade));
	json_object_object_add(o, "amount_fen",
	    json_object_new_int64(a->amount));
	json_object_object_add(o, "channel", json_object_new_string(
	    a->channel));
	if (a->account[0])
		json_object_object_add(o, "account",
		    json_object_new_string(a->account));
	return o;
}

static void
take(char *dst, size_t sz, json_object *o, const char *key)
{
	const char *s;

	if (jm_get_str(o, key, &s, NULL) > 0)
		jm_strlcpy(dst, s, sz);
}

/* Refusals that say nothing of the payment: the platform did not look at
 * the key. The attempt stays as it was, to be sent again with it. */
static int
not_processed(const char *code)
{
	return !strcmp(code, "NO_SESSION") || !strcmp(code, "SESSION_EXPIRED")
	    || !strcmp(code, "PLATFORM_ERROR");
}

/* What the platform said of an attempt. */
void
jm_pay_one(struct jm_rec *r, void *ctx)
{
	struct jm_pay *pay = ctx;
	struct slot *s = &pay->slots[r - pay->base];
	json_object *resp = NULL;
	struct jm_perr *err;
	int rc;

	if (s->act != A_SEND || pay->o.dry_run ||
	    (rc = jm_calls_answer(&pay->calls, r, &resp, &err)) > 0)
		return;
	if (rc < 0) {
		s->err = *err;
		if (not_processed(err->code)) {
			s->unsent = 1;	/* the journal keeps it pending */
			return;
		}
		jm_strlcpy(s->a.state, err->temporary ? "unknown" :
		    "declined", sizeof s->a.state);
		jm_strlcpy(s->a.code, err->code, sizeof s->a.code);
		return;
	}
	jm_strlcpy(s->a.state, "paid", sizeof s->a.state);
	take(s->a.order_id, sizeof s->a.order_id, resp, "order_id");
	take(s->a.txn_id, sizeof s->a.txn_id, resp, "txn_id");
	take(s->a.paid_at, sizeof s->a.paid_at, resp, "paid_at");
	s->a.code[0] = '\0';
	json_object_put(resp);
}

/* Send every attempt of the batch, up to --jobs at once, each retried with
 * its key while the failure is temporary. Tests may kill jm-pay when half
 * of them are sent. */
static void
send_all(struct jm_pay *pay)
{
	struct jm_calls *c = &pay->calls;
	size_t i, half = pay->n / 2;

	jm_calls_start(c, pay->base, pay->n);
	for (i = 0; i < pay->n; i++)
		if (pay->slots[i].act == A_SEND)
			c->req[i] = request(pay, &pay->slots[i].a);
	jm_call_many(pay->p, "pay", c->req, c->resp, c->err, half);
	fault_point("half-sent");
	jm_call_many(pay->p, "pay", c->req + half, c->resp + half,
	    c->err + half, pay->n - half);
}

static json_object *
payment(const struct slot *s, const char *status, int64_t amount)
{
	json_object *o = json_object_new_object();

	if (s->a.order_id[0])
		json_object_object_add(o, "order_id",
		    json_object_new_string(s->a.order_id));
	if (s->a.key[0])
		json_object_object_add(o, "idempotency_key",
		    json_object_new_string(s->a.key));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (s->a.channel[0])
		json_object_object_add(o, "channel",
		    json_object_new_string(s->a.channel));
	json_object_object_add(o, "amount_fen", json_object_new_int64(amount));
	if (s->a.txn_id[0])
		json_object_object_add(o, "txn_id",
		    json_object_new_string(s->a.txn_id));
	if (s->a.paid_at[0])
		json_object_object_add(o, "paid_at",
		    json_object_new_string(s->a.paid_at));
	if (!strcmp(status, "paid"))
		json_object_object_add(o, "settled", json_object_new_boolean(
		    !strcmp(s->a.state, "settled")));
	return o;
}

static void
sent(struct jm_pay *pay, struct jm_rec *r, struct slot *s)
{
	struct jm_pay_totals *t = &pay->t;
	const char *st = s->a.state;

	if (s->unsent) {
		t->failed++;
		jm_rec_error(r, s->err.code, _("%s; nothing was paid, and the "
		    "attempt will be sent again with its key"), s->err.msg);
		return;
	}

	json_object_object_add(r->obj, "payment", payment(s, st, s->a.amount));
	if (!strcmp(st, "paid")) {
		t->paid++;
		t->paid_fen += s->a.amount;
	} else if (!strcmp(st, "unknown")) {
		t->unknown++;
		jm_exit_note(JM_EXIT_TEMP);
		jm_rec_error(r, "OUTCOME_UNKNOWN", _("the outcome of the "
		    "payment is unknown (%s): run jm-pay again later, or "
		    "jm-receipt --reconcile; nobody will be paid twice"),
		    s->err.msg);
	} else {
		t->declined++;
		jm_rec_error(r, s->err.code, "%s", s->err.msg);
	}
}

static void
finish(struct jm_pay *pay, struct jm_rec *r, struct slot *s)
{
	switch (s->act) {
	case A_PASS:
		if (r->failed)
			pay->t.failed++;
		break;
	case A_DONE:
		json_object_object_add(r->obj, "payment",
		    payment(s, "paid", s->a.amount));
		pay->t.again++;
		break;
	case A_SEND:
		sent(pay, r, s);
		break;
	case A_NOTHING:
		json_object_object_add(r->obj, "payment",
		    payment(s, "nothing-due", 0));
		pay->t.nothing++;
		break;
	case A_SKIP:
		json_object_object_add(r->obj, "payment",
		    payment(s, "skipped", s->due));
		pay->t.skipped++;
		pay->t.skipped_fen += s->due;
		break;
	}
}

/* The attempt was sent, then answered: both in its history, its row
 * changed once (an UPDATE less a payment, and the same journal). */
static void
journal_outcome(struct jm_pay *pay, const struct slot *s)
{
	jm_journal_passed(pay->j, s->a.key, "sent", s->resend ? "sent again "
	    "with the same key" : NULL);
	jm_journal_state(pay->j, &s->a, strcmp(s->a.state, "paid") ?
	    s->err.msg : NULL);
}

/* The platform's batch, then the outcomes in the journal, then (by
 * jm_run) the records: nothing is written out before it is durable. */
void
jm_pay_commit(void *ctx)
{
	struct jm_pay *pay = ctx;
	struct slot *s;
	size_t i;

	if (pay->o.dry_run)
		return;
	jm_platform_commit(pay->p);
	fault_point("platform");
	jm_journal_begin(pay->j);
	for (i = 0; i < pay->n; i++) {
		s = &pay->slots[i];
		if (s->act == A_SEND && !s->unsent)
			journal_outcome(pay, s);
	}
	jm_journal_commit(pay->j);
	fault_point("outcomes");
	for (i = 0; i < pay->n; i++)
		finish(pay, &pay->base[i], &pay->slots[i]);
}

const char *
jm_pay_plan(const struct jm_pay *pay, const struct jm_rec *r, int64_t *amount,
    enum jm_plan *what)
{
	const struct slot *s = &pay->slots[r - pay->base];

	*amount = s->act == A_DONE || s->act == A_SEND ? s->a.amount : s->due;
	switch (s->act) {
	case A_DONE:
		*what = JM_PLAN_BEFORE;
		return _("paid before");
	case A_SEND:
		*what = JM_PLAN_PAY;
		return s->resend ? _("pay (earlier attempt, same key)") :
		    _("pay");
	case A_NOTHING:
		*what = JM_PLAN_NOTHING;
		return _("nothing due");
	case A_SKIP:
		*what = JM_PLAN_SKIP;
		return _("skip (past --max-total)");
	default:
		*what = JM_PLAN_NONE;
		*amount = 0;
		return r->failed || jm_json_get(r->obj, "error", NULL) ?
		    _("error") : _("pass");
	}
}

int64_t
jm_pay_due(json_object *rec)
{
	json_object *q;
	int64_t due = 0;
	char msg[64];

	if (jm_json_get(rec, "error", NULL) ||
	    !jm_json_get(rec, "quote", &q) ||
	    jm_fen_get(q, "due_fen", &due, msg, sizeof msg) <= 0)
		return 0;
	return due;
}
