/* sandbox_fixture.c - fixtures loaded with jm-sandbox --load: employee
 * accounts, the civil-affairs aid list, payments made elsewhere */
#include <stdio.h>
#include <string.h>

#include "identity.h"
#include "jsonio.h"
#include "money.h"
#include "person.h"
#include "policy.h"
#include "region.h"
#include "sandbox.h"
#include "util.h"

static const char *const channels[] = {"alipay", "wechat", "wanshitong",
    "bank", "family", "counter", "other", NULL};

/* The keys each kind takes: a misspelt key (amount for amount_fen) would
 * otherwise be ignored and its default silently used. Town, village and
 * a note describe the person and are taken by every kind. */
static const char *const account_keys[] = {"fixture", "id_no", "name",
    "region", "balance_fen", NULL};
static const char *const aid_keys[] = {"fixture", "id_no", "name", "aid",
    NULL};
static const char *const paid_keys[] = {"fixture", "id_no", "insured_id",
    "name", "year", "item", "channel", "amount_fen", "paid_at", NULL};

static int
known_keys(json_object *req, const char *kind, const char *const *keys,
    struct jm_perr *err)
{
	/* what a roster says of a person and changes nothing */
	static const char *const notes[] = {"town", "village", "note", NULL};

	json_object_object_foreach(req, k, v) {
		(void)v;
		if (!jm_in_list(keys, k) && !jm_in_list(notes, k)) {
			jm_perr_set(err, "BAD_VALUE", _("'%.40s' is not a key "
			    "of %s fixtures"), k, kind);
			return -1;
		}
	}
	return 0;
}

/* Where the fixture names the person, the registry must agree. */
static int
name_agrees(struct sandbox *sb, json_object *req, const char *id,
    struct jm_perr *err)
{
	const char *name = jm_sb_str(req, "name");

	return name && id[0] ? jm_sb_name_matches(sb, id, name, err) : 0;
}

static int
need_id(json_object *req, struct jm_id *id, struct jm_perr *err)
{
	const char *s = jm_sb_str(req, "id_no"), *e;

	if (!s) {
		jm_perr_set(err, "MISSING_FIELD", _("id_no is missing"));
		return -1;
	}
	if ((e = jm_id_check(s, strlen(s), JM_ID_RESIDENT, jm_today(), id,
	    err->msg, sizeof err->msg))) {
		err->code = e;
		err->temporary = 0;
		return -1;
	}
	return 0;
}

static int
account(struct sandbox *sb, json_object *req, struct jm_perr *err)
{
	const char *name = jm_sb_str(req, "name"), *region, *e;
	struct jm_id id;
	sqlite3_stmt *st;
	int64_t bal = 0;
	char now[32];
	int k;

	region = jm_sb_str(req, "region");
	if (need_id(req, &id, err) < 0)
		return -1;
	k = jm_fen_get(req, "balance_fen", &bal, err->msg, sizeof err->msg);
	if (!name || !region || k == 0) {
		jm_perr_set(err, "MISSING_FIELD", _("an employee account needs "
		    "name, region and balance_fen"));
		return -1;
	}
	if (k < 0) {
		err->code = "BAD_VALUE";
		return -1;
	}
	if ((e = jm_region_check(region, err->msg, sizeof err->msg)) ||
	    (e = jm_name_check(name, strlen(name), JM_ID_RESIDENT, err->msg,
	    sizeof err->msg))) {
		err->code = e;
		return -1;
	}
	if (jm_sb_name_matches(sb, id.no, name, err) < 0)
		return -1;
	st = jm_sb_stmt(sb, SB_ACCOUNT_PUT, "INSERT INTO account VALUES(?1, ?2, "
	    "?3, ?4, ?5) ON CONFLICT(id_no) DO UPDATE SET name = ?2, "
	    "region = ?3, balance_fen = ?4, loaded_at = ?5");
	sqlite3_bind_text(st, 1, id.no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, bal);
	sqlite3_bind_text(st, 5, jm_rfc3339(jm_now(), now), -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : jm_sb_dberr(sb, err);
}

/* The civil-affairs list: the registry follows it. "aid": null takes the
 * person off the list, and the registry's group with it. */
static int
aid(struct sandbox *sb, json_object *req, struct jm_perr *err)
{
	const char *group = jm_sb_str(req, "aid");
	json_object *v;
	struct jm_id id;
	sqlite3_stmt *st;
	int off = jm_json_get(req, "aid", &v) && !v;

	if (need_id(req, &id, err) < 0 || name_agrees(sb, req, id.no, err) < 0)
		return -1;
	if (!off && (!group || !jm_in_list(jm_aid_groups, group))) {
		jm_perr_set(err, "BAD_VALUE", _("aid must be one of the aid "
		    "groups (extreme-poverty, orphan, ...), or null to take "
		    "the person off the list"));
		return -1;
	}
	jm_sb_savepoint(sb);	/* the list, then the registry */
	st = off ? jm_sb_stmt(sb, SB_AID_DEL, "DELETE FROM aid_list WHERE "
	    "id_no = ?1") : jm_sb_stmt(sb, SB_AID_PUT, "INSERT INTO aid_list "
	    "VALUES(?1, ?2) ON CONFLICT(id_no) DO UPDATE SET aid = ?2");
	sqlite3_bind_text(st, 1, id.no, -1, SQLITE_STATIC);
	if (!off)
		sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	st = jm_sb_stmt(sb, SB_AID_PERSON, "UPDATE person SET aid = ?2 "
	    "WHERE id_no = ?1");
	sqlite3_bind_text(st, 1, id.no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);	/* NULL: off */
	return sqlite3_step(st) == SQLITE_DONE ? 0 : jm_sb_dberr(sb, err);
}

/* Paid elsewhere, by default on time: on the day the window closed. */
static int
paid_at(json_object *req, const struct sb_person *p, int year,
    const char *item, char *out, struct jm_perr *err)
{
	const char *s = jm_sb_str(req, "paid_at");
	struct jm_date opens, closes;
	time_t t, now = jm_now();

	if (s) {
		if (jm_parse_rfc3339(s, &t) < 0) {
			jm_perr_set(err, "BAD_VALUE", _("paid_at is not an RFC "
			    "3339 time"));
			return -1;
		}
		if (t > now) {
			jm_perr_set(err, "BAD_VALUE", _("paid_at %.40s is "
			    "later than the platform's clock"), s);
			return -1;
		}
	} else {
		if (strcmp(item, "pension") == 0)
			jm_policy_pension_window(jm_policy(), year, &opens,
			    &closes);
		else
			jm_policy_window(jm_policy(), year, p->region, &opens,
			    &closes);
		t = (time_t)jm_days(closes) * 86400 + 4 * 3600;
		if (t > now)
			t = now;
	}
	jm_rfc3339(t, out);
	return 0;
}

/* What the person still owes: what they owe less what was paid already. */
static int
still_owed(struct sandbox *sb, const struct sb_person *p, int year,
    const char *item, int64_t *fen, struct jm_perr *err)
{
	sqlite3_stmt *st;
	int64_t owe, paid = 0;

	if (jm_sb_owed(sb, p, year, item, &owe, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(sb->db, "SELECT IFNULL(SUM(amount_fen), 0) "
	    "FROM payment WHERE insured_id = ? AND item = ? AND year = ? AND "
	    "status = 'paid'", -1, &st, NULL) != SQLITE_OK)
		return jm_sb_dberr(sb, err);
	sqlite3_bind_text(st, 1, p->insured_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	if (sqlite3_step(st) == SQLITE_ROW)
		paid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (owe > paid) {
		*fen = owe - paid;
		return 0;
	}
	if (paid > 0)
		jm_perr_set(err, "ALREADY_PAID", _("already paid for %d: give "
		    "amount_fen to load a second payment"), year);
	else
		jm_perr_set(err, "BAD_VALUE", _("nothing is due for %d "
		    "(subsidised): give amount_fen to load a payment"), year);
	return -1;
}

/* A paid fixture's person, year, item, channel and amount. */
struct elsewhere {
	struct sb_person p;
	const char *item, *channel;
	int year;
	int64_t amount;
	char when[32];
};

static int
paid_parse(struct sandbox *sb, json_object *req, struct elsewhere *e,
    struct jm_perr *err)
{
	struct jm_id id;
	json_object *v;
	int k;

	e->item = jm_sb_str(req, "item") ? jm_sb_str(req, "item") : "medical";
	e->channel = jm_sb_str(req, "channel");
	if ((jm_sb_str(req, "id_no") && need_id(req, &id, err) < 0) ||
	    jm_sb_person(sb, req, &e->p, err) < 0 ||
	    name_agrees(sb, req, e->p.id_no, err) < 0)
		return -1;
	if (!json_object_object_get_ex(req, "year", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (e->year = json_object_get_int(v)) < 2000 || e->year > 2100 ||
	    (strcmp(e->item, "medical") != 0 &&
	    strcmp(e->item, "pension") != 0) || !e->channel ||
	    !jm_in_list(channels, e->channel)) {
		jm_perr_set(err, "BAD_VALUE", _("a paid fixture needs year, "
		    "item medical or pension and a channel (alipay, wechat, "
		    "wanshitong, bank, family, counter, other)"));
		return -1;
	}
	if (paid_at(req, &e->p, e->year, e->item, e->when, err) < 0)
		return -1;
	k = jm_fen_get(req, "amount_fen", &e->amount, err->msg,
	    sizeof err->msg);
	if (k < 0) {
		err->code = "BAD_VALUE";
		return -1;
	}
	return k == 0 ? still_owed(sb, &e->p, e->year, e->item, &e->amount,
	    err) : 0;
}

static int
paid(struct sandbox *sb, json_object *req, struct jm_perr *err)
{
	struct elsewhere e;
	char order[40], txn[40], hex[33];
	sqlite3_stmt *st;

	if (paid_parse(sb, req, &e, err) < 0)
		return -1;
	jm_sb_random_hex(hex, 8);
	snprintf(order, sizeof order, "E%s", hex);
	jm_sb_random_hex(hex, 8);
	snprintf(txn, sizeof txn, "T%s", hex);
	st = jm_sb_stmt(sb, SB_PAYMENT_ELSEWHERE, "INSERT INTO payment("
	    "order_id, insured_id, year, item, amount_fen, channel, status, "
	    "txn_id, paid_at, origin) VALUES(?, ?, ?, ?, ?, ?, 'paid', ?, ?, "
	    "'elsewhere')");
	sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e.p.insured_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, e.year);
	sqlite3_bind_text(st, 4, e.item, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, e.amount);
	sqlite3_bind_text(st, 6, e.channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, txn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e.when, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : jm_sb_dberr(sb, err);
}

int
jm_sb_fixture(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *kind = jm_sb_str(req, "fixture");
	int rc;

	if (!kind) {
		jm_perr_set(err, "MISSING_FIELD", _("a fixture names its kind: "
		    "\"fixture\": \"employee-account\", \"aid\" or "
		    "\"paid\""));
		return -1;
	}
	if (strcmp(kind, "employee-account") == 0)
		rc = known_keys(req, kind, account_keys, err) < 0 ? -1 :
		    account(sb, req, err);
	else if (strcmp(kind, "aid") == 0)
		rc = known_keys(req, kind, aid_keys, err) < 0 ? -1 :
		    aid(sb, req, err);
	else if (strcmp(kind, "paid") == 0)
		rc = known_keys(req, kind, paid_keys, err) < 0 ? -1 :
		    paid(sb, req, err);
	else {
		jm_perr_set(err, "BAD_VALUE", _("unknown fixture '%.30s'"),
		    kind);
		return -1;
	}
	if (rc < 0)
		return -1;
	*resp = json_object_new_object();
	json_object_object_add(*resp, "loaded", json_object_new_string(kind));
	return 0;
}
