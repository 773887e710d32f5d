/* sandbox_member.c - 添加成员: a payer's members, and the 门诊共济 family
 * account an employee's close relatives are bound to */
#include <stdio.h>
#include <string.h>

#include "identity.h"
#include "person.h"
#include "sandbox.h"
#include "util.h"

static const char *const close_relatives[] = {"spouse", "parent", "child",
    "sibling", "grandparent", "grandchild", NULL};

static int
check_relation(const char *payer, const struct sb_person *p,
    const char *rel, struct jm_perr *err)
{
	if (!rel) {
		jm_perr_set(err, "MISSING_FIELD", _("relation to the payer is "
		    "missing (give relation, or jm-bind --relation)"));
		return -1;
	}
	if (!jm_in_list(jm_relations, rel)) {
		jm_perr_set(err, "BAD_VALUE", _("relation '%.20s' is not "
		    "known"), rel);
		return -1;
	}
	if ((strcmp(rel, "self") == 0) != (strcmp(p->id_no, payer) == 0)) {
		jm_perr_set(err, "PAYER_CONFLICT", strcmp(rel, "self") == 0 ?
		    _("relation self, but the bound payer is someone else") :
		    _("this is the payer: relation must be self"));
		return -1;
	}
	return 0;
}

/* 门诊共济: the payer's own employee account, a close relative, a limit. */
static int
check_account(struct sandbox *sb, const char *payer, const char *account,
    const struct sb_person *p, const char *rel, struct jm_perr *err)
{
	sqlite3_stmt *st;
	long limit = jm_sb_meta_long(sb, "family_limit", 10), n;

	st = jm_sb_stmt(sb, SB_ACCOUNT_GET,
	    "SELECT 1 FROM account WHERE id_no = upper(?)");
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	n = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!n) {
		jm_perr_set(err, "NO_ACCOUNT", _("no employee medical account "
		    "for that ID number"));
		return -1;
	}
	if (strcasecmp(account, payer) != 0) {
		jm_perr_set(err, "ACCOUNT_NOT_PAYER", _("a family account is "
		    "used by its holder: bind the employee as the payer"));
		return -1;
	}
	if (!jm_in_list(close_relatives, rel)) {
		jm_perr_set(err, "NOT_CLOSE_RELATIVE", _("a family account "
		    "pays for spouse, parents, children, siblings, "
		    "grandparents and grandchildren, not '%s'"), rel);
		return -1;
	}
	st = jm_sb_stmt(sb, SB_FAMILY_COUNT, "SELECT count(*) FROM member "
	    "WHERE family_account = upper(?1) AND insured_id <> ?2");
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->insured_id, -1, SQLITE_STATIC);
	n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (n >= limit) {
		jm_perr_set(err, "FAMILY_LIMIT", _("the family account already "
		    "has %ld members, the platform's limit"), limit);
		return -1;
	}
	return 0;
}

static json_object *
binding(sqlite3_stmt *st, const char *payer)
{
	json_object *o = json_object_new_object();
	char m[40];

	json_object_object_add(o, "payer",
	    json_object_new_string(jm_mask_id(payer, m)));
	json_object_object_add(o, "member_id", json_object_new_string(
	    (const char *)sqlite3_column_text(st, 0)));
	json_object_object_add(o, "relation", json_object_new_string(
	    (const char *)sqlite3_column_text(st, 1)));
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		json_object_object_add(o, "family_account",
		    json_object_new_string(jm_mask_id((const char *)
		    sqlite3_column_text(st, 2), m)));
	return o;
}

int
jm_sb_add_member(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *rel = jm_sb_str(req, "relation");
	const char *acct = jm_sb_str(req, "family_account");
	const char *name = jm_sb_str(req, "name");
	char payer[32], now[32];
	struct sb_person p;
	sqlite3_stmt *st;

	if (jm_sb_auth(sb, req, payer, sizeof payer, err) < 0 ||
	    jm_sb_person(sb, req, &p, err) < 0)
		return -1;
	if (name && strcmp(name, p.name) != 0) {
		jm_perr_set(err, "NAME_MISMATCH", _("the name does not match "
		    "the registry's for this person"));
		return -1;
	}
	if (check_relation(payer, &p, rel, err) < 0 ||
	    (acct && check_account(sb, payer, acct, &p, rel, err) < 0))
		return -1;
	/* no RETURNING: SQLite fills a temporary table for it on every row,
	 * dearer than reading the row back */
	st = jm_sb_stmt(sb, SB_MEMBER_PUT, "INSERT INTO member VALUES("
	    "printf('M%010d', (SELECT IFNULL(MAX(rowid), 0) + 1 FROM member)), "
	    "?1, ?2, ?3, upper(?4), ?5) ON CONFLICT(payer, insured_id) DO "
	    "UPDATE SET relation = ?3, family_account = "
	    "coalesce(upper(?4), family_account)");
	sqlite3_bind_text(st, 1, payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p.insured_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, acct, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, jm_rfc3339(jm_now(), now), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	sqlite3_reset(st);
	st = jm_sb_stmt(sb, SB_MEMBER_GET, "SELECT member_id, relation, "
	    "family_account FROM member WHERE payer = ? AND insured_id = ?");
	sqlite3_bind_text(st, 1, payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p.insured_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return jm_sb_dberr(sb, err);
	*resp = binding(st, payer);
	sqlite3_reset(st);
	return 0;
}
