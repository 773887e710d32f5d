/* sandbox_pay.c - 确认并支付: payments with idempotency keys, checked
 * against a fresh quote, answered by the channel (test triggers by the
 * payer's phone), the 门诊共济 family account debited */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "jsonio.h"
#include "money.h"
#include "person.h"
#include "payment.h"
#include "policy.h"
#include "sandbox.h"
#include "util.h"

#define SETTLE_DAYS 3	/* working days from payment to 入库 */

/* A paid date and the working days after it: the day it is settled. */
struct jm_date
jm_sb_settle_date(const char *paid_at)
{
	struct jm_date d = {1970, 1, 1};
	long z;
	int n = 0;

	if (sscanf(paid_at, "%4d-%2d-%2d", &d.y, &d.m, &d.d) != 3)
		return d;
	z = jm_days(d);
	while (n < SETTLE_DAYS) {
		z++;
		/* 1970-01-01 was a Thursday: 0 Thu ... 2 Sat, 3 Sun */
		if ((z % 7 + 7) % 7 != 2 && (z % 7 + 7) % 7 != 3)
			n++;
	}
	return jm_from_days(z);
}

#define PAY_COLS "order_id, request_hash, status, channel, amount_fen, " \
	"txn_id, paid_at, code, message"

struct payreq {
	const char *key, *insured, *item, *kind, *channel, *account;
	const char *id_no;	/* the record's, when it names one */
	int year;
	int64_t amount, grade;	/* grade: the pension's, 0 for none */
	char hash[24], payer[32];
};

/* Before the window opens: today is earlier than window.from. */
static int
not_open(json_object *q)
{
	json_object *w, *f;
	struct jm_date from;

	return jm_json_get(q, "window", &w) &&
	    jm_json_get(w, "from", &f) &&
	    jm_parse_date(json_object_get_string(f), &from) == 0 &&
	    jm_date_cmp(jm_today(), from) < 0;
}

static json_object *
paid_answer_of(const char *order, const char *channel, int64_t amount,
    const char *txn, const char *paid_at)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "order_id", json_object_new_string(order));
	json_object_object_add(o, "status", json_object_new_string("paid"));
	json_object_object_add(o, "channel", json_object_new_string(channel));
	json_object_object_add(o, "amount_fen", json_object_new_int64(amount));
	json_object_object_add(o, "txn_id", json_object_new_string(txn));
	json_object_object_add(o, "paid_at", json_object_new_string(paid_at));
	json_object_object_add(o, "settled", json_object_new_boolean(0));
	return o;
}

/* ... from a row of PAY_COLS */
static json_object *
paid_answer(sqlite3_stmt *st)
{
	return paid_answer_of((const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 3),
	    sqlite3_column_int64(st, 4),
	    (const char *)sqlite3_column_text(st, 5),
	    (const char *)sqlite3_column_text(st, 6));
}

/* A key seen before: the first outcome again, or a conflict. 1 when the
 * key is new. */
static int
seen(struct sandbox *sb, const struct payreq *r, json_object **resp,
    struct jm_perr *err)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_PAY_BY_KEY, "SELECT " PAY_COLS
	    " FROM payment WHERE idem_key = ?");
	int rc = 0;

	sqlite3_bind_text(st, 1, r->key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = 1;
	else if (strcmp((const char *)sqlite3_column_text(st, 1), r->hash)) {
		jm_perr_set(err, "IDEMPOTENCY_CONFLICT", _("this idempotency "
		    "key was used for another payment"));
		rc = -1;
	} else if (strcmp((const char *)sqlite3_column_text(st, 2), "paid")) {
		jm_perr_set(err, jm_sb_code((const char *)
		    sqlite3_column_text(st, 7)), "%s", sqlite3_column_text(st,
		    8));
		rc = -1;
	} else
		*resp = paid_answer(st);
	sqlite3_reset(st);
	return rc;
}

static int
parse(json_object *req, struct payreq *r, struct jm_perr *err)
{
	json_object *v;
	char msg[128];

	r->key = jm_sb_str(req, "key");
	r->insured = jm_sb_str(req, "insured_id");
	r->item = jm_sb_str(req, "item");
	r->kind = jm_sb_str(req, "kind");
	r->channel = jm_sb_str(req, "channel");
	r->account = jm_sb_str(req, "account");
	r->id_no = jm_sb_str(req, "id_no");
	if (!r->key || strlen(r->key) < 16 || !r->insured || !r->item ||
	    !r->kind || !r->channel || !jm_json_get(req, "year", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    jm_fen_get(req, "amount_fen", &r->amount, msg, sizeof msg) <= 0) {
		jm_perr_set(err, "BAD_VALUE", _("a payment needs key, "
		    "insured_id, year, item, kind, amount_fen and channel"));
		return -1;
	}
	r->year = json_object_get_int(v);
	if (jm_fen_get(req, "grade_fen", &r->grade, msg, sizeof msg) < 0) {
		jm_perr_set(err, "BAD_VALUE", "grade_fen: %s", msg);
		return -1;
	}
	if (r->amount == 0) {
		jm_perr_set(err, "BAD_VALUE", _("nothing to pay: amount_fen "
		    "is 0"));
		return -1;
	}
	if (!jm_in_list(jm_channels, r->channel) ||
	    (strcmp(r->channel, "family") == 0) != (r->account != NULL)) {
		jm_perr_set(err, "BAD_VALUE", _("channel '%.20s' is not one "
		    "of alipay, wechat, wanshitong, bank, family (family needs "
		    "an account, the others none)"), r->channel);
		return -1;
	}
	jm_pay_hash(r->insured, r->year, r->item, r->kind, r->grade, r->amount,
	    r->channel, r->account, r->hash);
	return 0;
}

/* The person must be the payer's member; for 共济, bound to the account. */
static int
member(struct sandbox *sb, const struct payreq *r, struct jm_perr *err)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_PAY_MEMBER, "SELECT "
	    "family_account FROM member WHERE payer = ? AND insured_id = ?");
	const unsigned char *acct;
	int rc = 0;

	sqlite3_bind_text(st, 1, r->payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->insured, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		jm_perr_set(err, "NOT_BOUND", _("not a member of the payer: "
		    "add the person with jm-bind first"));
		rc = -1;
	} else if (r->account && (!(acct = sqlite3_column_text(st, 0)) ||
	    strcasecmp((const char *)acct, r->account) != 0)) {
		jm_perr_set(err, "NOT_BOUND", _("not bound to that family "
		    "account (门诊共济): bind with jm-bind --family-account"));
		rc = -1;
	}
	sqlite3_reset(st);
	return rc;
}

/* The ID number the record names is the insured person's: a record
 * whose id_no was changed after its quote would be paid for the quoted
 * person and shown paid under another. */
static int
same_person(const struct payreq *r, const struct sb_person *p,
    struct jm_perr *err)
{
	if (jm_same_person(r->id_no, p->id_no, err->msg, sizeof err->msg) == 0)
		return 0;
	err->code = "PERSON_MISMATCH";
	err->temporary = 0;
	return -1;
}

/* The pension: the year's payments stay within the top grade the
 * person's city offers. */
static int
within_top(const struct payreq *r, const struct sb_person *p, int64_t paid,
    struct jm_perr *err)
{
	const int64_t *g;
	const char *src;
	char a[32], b[32], c[32];
	int n;

	if (strcmp(r->item, "pension") != 0 || (n = jm_policy_grades(
	    jm_policy(), r->year, p->region, &g, &src)) < 1 ||
	    paid + r->amount <= g[n - 1])
		return 0;
	jm_perr_set(err, "GRADE_LIMIT", _("the pension payments for %d would "
	    "total %s yuan, more than the top grade %s: at most %s more can "
	    "be paid"), r->year, jm_yuan(paid + r->amount, a),
	    jm_yuan(g[n - 1], b), jm_yuan(paid < g[n - 1] ? g[n - 1] - paid :
	    0, c));
	return -1;
}

/* The fresh quote against the request: 0, or -1 with the refusal. */
static int
agrees(const struct payreq *r, json_object *q, struct jm_perr *err)
{
	int64_t due = -1, paid = 0;
	json_object *v = NULL;
	char msg[128];

	jm_fen_get(q, "due_fen", &due, msg, sizeof msg);
	jm_fen_get(q, "paid_fen", &paid, msg, sizeof msg);
	jm_json_get(q, "in_window", &v);
	if (due == 0 && paid > 0 && r->grade > 0)
		jm_perr_set(err, "ALREADY_PAID", _("the pension for %d already "
		    "totals %s yuan, this grade or more"), r->year,
		    jm_yuan(paid, msg));
	else if (due == 0 && paid > 0)
		jm_perr_set(err, "ALREADY_PAID", _("already paid for %d"),
		    r->year);
	else if (due != r->amount)
		jm_perr_set(err, "QUOTE_CHANGED", _("the amount due is now %lld "
		    "fen, not %lld: quote again"), (long long)due,
		    (long long)r->amount);
	else if (!json_object_get_boolean(v) && not_open(q))
		jm_perr_set(err, "WINDOW_NOT_OPEN", _("the collection for %d "
		    "has not opened yet"), r->year);
	else
		return 0;
	return -1;
}

/*
 * The platform checks the amount at payment time with a fresh quote. For
 * the pension the quote is for the payment's grade, the year's total it
 * brings the person to: a request for a grade already reached is
 * ALREADY_PAID, as jm-pay's journal says "paid before" (pay.c).
 */
static int
requote(struct jm_platform *pl, const struct payreq *r,
    const struct sb_person *p, struct jm_perr *err)
{
	json_object *req = json_object_new_object(), *q = NULL;
	int64_t paid = 0;
	char msg[128];
	int rc;

	json_object_object_add(req, "insured_id",
	    json_object_new_string(r->insured));
	json_object_object_add(req, "year", json_object_new_int(r->year));
	json_object_object_add(req, "item", json_object_new_string(r->item));
	json_object_object_add(req, "kind", json_object_new_string(r->kind));
	if (r->grade > 0)
		json_object_object_add(req, "grade_fen",
		    json_object_new_int64(r->grade));
	/* p is the person of this request: r's insured_id, found once */
	if ((rc = jm_sb_quote_for(pl->impl, req, p, &q, err)) == 0) {
		jm_fen_get(q, "paid_fen", &paid, msg, sizeof msg);
		if ((rc = within_top(r, p, paid, err)) == 0)
			rc = agrees(r, q, err);
	}
	json_object_put(req);
	json_object_put(q);
	return rc;
}

static const char *
payer_phone(struct sandbox *sb, const char *payer, char *buf, size_t sz)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_PAY_PHONE,
	    "SELECT phone FROM payer WHERE id_no = ?");

	buf[0] = '\0';
	sqlite3_bind_text(st, 1, payer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		jm_db_text(st, 0, buf, sz);
	sqlite3_reset(st);
	return buf;
}

static int
ends(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The channel's answer: like a payment provider's test cards, the payer's
 * phone number decides it (DESIGN.md section 3). */
static int
channel(struct sandbox *sb, const struct payreq *r, struct jm_perr *err)
{
	char phone[24];
	sqlite3_stmt *st;

	payer_phone(sb, r->payer, phone, sizeof phone);
	if (ends(phone, "0002")) {
		jm_perr_set(err, "DECLINED", _("the %s channel declined the "
		    "payment"), r->channel);
		return -1;
	}
	if (ends(phone, "9995")) {
		jm_perr_set(err, "INSUFFICIENT_BALANCE", _("not enough money "
		    "in the payer's %s account"), r->channel);
		return -1;
	}
	if (ends(phone, "0119")) {
		jm_perr_set(err, "CHANNEL_UNAVAILABLE", _("the %s channel "
		    "failed; try again"), r->channel);
		err->temporary = 1;
		return -1;
	}
	if (!r->account)
		return 0;
	jm_sb_savepoint(sb);	/* the debit, then the payment */
	st = jm_sb_stmt(sb, SB_PAY_DEBIT, "UPDATE account SET balance_fen = "
	    "balance_fen - ?2 WHERE id_no = upper(?1) AND balance_fen >= ?2");
	sqlite3_bind_text(st, 1, r->account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->amount);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	if (sqlite3_changes(sb->db) != 1) {
		jm_perr_set(err, "INSUFFICIENT_BALANCE", _("the family account "
		    "(门诊共济) cannot cover %lld fen"), (long long)r->amount);
		return -1;
	}
	return 0;
}

/* The outcome, paid or refused, kept with its key. */
static int
store(struct sandbox *sb, const struct payreq *r, const struct jm_perr *e,
    json_object **resp, struct jm_perr *err)
{
	/* no RETURNING (a temporary table on every row): the row id, and so
	 * the order number, is chosen here */
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_PAY_INSERT, "INSERT INTO payment("
	    "rowid, order_id, idem_key, request_hash, insured_id, year, item, "
	    "kind, amount_fen, channel, payer, account, status, txn_id, "
	    "paid_at, origin, code, message) VALUES((SELECT IFNULL(MAX(rowid), "
	    "0) + 1 FROM payment), printf('JM%s%08d', "
	    "replace(substr(?13, 1, 10), '-', ''), (SELECT IFNULL(MAX(rowid), "
	    "0) + 1 FROM payment)), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "upper(?10), ?11, ?12, ?13, 'jm', ?14, ?15)");
	char now[32], txn[40], hex[24], order[40];

	jm_sb_random_hex(hex, 8);
	snprintf(txn, sizeof txn, "T%s", hex);
	sqlite3_bind_text(st, 1, r->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->insured, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->year);
	sqlite3_bind_text(st, 5, r->item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->amount);
	sqlite3_bind_text(st, 8, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, e ? "declined" : "paid", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, e ? NULL : txn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, jm_rfc3339(jm_now(), now), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 14, e ? e->code : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, e ? e->msg : NULL, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	sqlite3_reset(st);
	if (e)
		return -1;
	snprintf(order, sizeof order, "JM%.4s%.2s%.2s%08lld", now, now + 5,
	    now + 8, (long long)sqlite3_last_insert_rowid(sb->db));
	*resp = paid_answer_of(order, r->channel, r->amount, txn, now);
	return 0;
}

int
jm_sb_pay(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	struct payreq r = {0};
	struct sb_person p;
	int rc;

	if (jm_sb_auth(sb, req, r.payer, sizeof r.payer, err) < 0 ||
	    parse(req, &r, err) < 0 || jm_sb_person(sb, req, &p, err) < 0)
		return -1;
	if ((rc = seen(sb, &r, resp, err)) <= 0)
		return rc;
	if (same_person(&r, &p, err) < 0 || member(sb, &r, err) < 0 ||
	    requote(pl, &r, &p, err) < 0 ||
	    channel(sb, &r, err) < 0) {
		if (err->temporary || !strcmp(err->code, "PLATFORM_ERROR"))
			return -1;
		return store(sb, &r, err, resp, err);
	}
	return store(sb, &r, NULL, resp, err);
}

/* The outcome the platform keeps for a key ("none": never received). */
int
jm_sb_payment(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *key = jm_sb_str(req, "key");
	char payer[32];
	sqlite3_stmt *st;

	if (jm_sb_auth(sb, req, payer, sizeof payer, err) < 0)
		return -1;
	st = jm_sb_stmt(sb, SB_PAY_STATUS, "SELECT " PAY_COLS " FROM payment "
	    "WHERE idem_key = ? AND payer = ?");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		*resp = json_object_new_object();
		json_object_object_add(*resp, "status",
		    json_object_new_string("none"));
	} else if (!strcmp((const char *)sqlite3_column_text(st, 2), "paid"))
		*resp = paid_answer(st);
	else {
		*resp = json_object_new_object();
		json_object_object_add(*resp, "status",
		    json_object_new_string("declined"));
		json_object_object_add(*resp, "code", json_object_new_string(
		    (const char *)sqlite3_column_text(st, 7)));
		json_object_object_add(*resp, "message", json_object_new_string(
		    (const char *)sqlite3_column_text(st, 8)));
	}
	sqlite3_reset(st);
	return 0;
}

static json_object *
listed(sqlite3_stmt *st)
{
	static const char *const keys[] = {"order_id", "idempotency_key",
	    "insured_id", "id_no", "name", "year", "item", "amount_fen",
	    "channel", "paid_at", "origin"};
	json_object *o = json_object_new_object();
	struct jm_date settle;
	char d[11];
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_object_add(o, keys[i],
		    sqlite3_column_type(st, (int)i) == SQLITE_NULL ? NULL :
		    sqlite3_column_type(st, (int)i) == SQLITE_INTEGER ?
		    json_object_new_int64(sqlite3_column_int64(st, (int)i)) :
		    json_object_new_string((const char *)sqlite3_column_text(
		    st, (int)i)));
	/* settled some working days after payment; the 0404 test phone's
	 * payments never are */
	settle = jm_sb_settle_date((const char *)sqlite3_column_text(st, 9));
	json_object_object_add(o, "settle_due", json_object_new_string(
	    jm_date_str(settle, d)));
	json_object_object_add(o, "settled", json_object_new_boolean(
	    !sqlite3_column_int(st, 11) && jm_date_cmp(settle, jm_today()) <=
	    0));
	return o;
}

/* The payments for the payer's members (by jm or elsewhere) since a date. */
int
jm_sb_payments(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *since = jm_sb_str(req, "since");
	json_object *list = json_object_new_array();
	char payer[32];
	sqlite3_stmt *st;

	if (jm_sb_auth(sb, req, payer, sizeof payer, err) < 0) {
		json_object_put(list);
		return -1;
	}
	st = jm_sb_stmt(sb, SB_PAY_LIST, "SELECT p.order_id, p.idem_key, "
	    "p.insured_id, per.id_no, per.name, p.year, p.item, p.amount_fen, "
	    "p.channel, p.paid_at, p.origin, IFNULL(pay.phone, '') LIKE "
	    "'%0404' FROM payment p JOIN person per USING (insured_id) LEFT "
	    "JOIN payer pay ON pay.id_no = p.payer WHERE p.status = 'paid' "
	    "AND (p.payer = ?1 OR p.insured_id IN (SELECT insured_id FROM "
	    "member WHERE payer = ?1)) AND p.paid_at >= ?2 ORDER BY p.rowid");
	sqlite3_bind_text(st, 1, payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since ? since : "", -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_array_add(list, listed(st));
	sqlite3_reset(st);
	*resp = json_object_new_object();
	json_object_object_add(*resp, "payments", list);
	return 0;
}
