/* sandbox_session.c - the sandbox's payers, sessions and members
 * (phone binding, 实名, 添加成员, 门诊共济 family accounts) */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "identity.h"
#include "person.h"
#include "sandbox.h"
#include "util.h"

long
jm_sb_meta_long(struct sandbox *sb, const char *key, long def)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_META,
	    "SELECT value FROM meta WHERE key = ?");
	long v = def;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/*
 * A token's session, as the last lookup of the batch found it when it is
 * the same token: within one transaction only this connection changes
 * sessions, and a binding, a logout or an undone operation forgets it.
 * 0 found, -1 not.
 */
static int
session_of(struct sandbox *sb, const char *token)
{
	sqlite3_stmt *st;
	int found;

	if (sb->in_batch && sb->auth.known && !strcmp(sb->auth.token, token))
		return 0;
	sb->auth.known = 0;
	st = jm_sb_stmt(sb, SB_SESSION, "SELECT payer, expires_at, "
	    "ended_at IS NOT NULL FROM session WHERE token = ?1");
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		jm_db_text(st, 0, sb->auth.payer, sizeof sb->auth.payer);
		jm_db_text(st, 1, sb->auth.expires, sizeof sb->auth.expires);
		sb->auth.ended = sqlite3_column_int(st, 2);
		sb->auth.known = strlen(token) < sizeof sb->auth.token;
		jm_strlcpy(sb->auth.token, token, sizeof sb->auth.token);
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int
jm_sb_auth(struct sandbox *sb, json_object *req, char *payer, size_t sz,
    struct jm_perr *err)
{
	const char *token = jm_sb_str(req, "token");
	char now[32];

	if (!token) {
		jm_perr_set(err, "NO_SESSION", _("no payer is bound: run "
		    "jm-bind --payer ID_NO --payer-name NAME --phone PHONE"));
		return -1;
	}
	if (session_of(sb, token) < 0 || sb->auth.ended) {
		jm_perr_set(err, "NO_SESSION", _("the session is unknown to "
		    "the platform or was ended: bind the payer again"));
		return -1;
	}
	jm_strlcpy(payer, sb->auth.payer, sz);
	/* the times are RFC 3339 in +08:00, compared as SQLite would */
	if (strcmp(sb->auth.expires, jm_rfc3339(jm_now(), now)) <= 0) {
		jm_perr_set(err, "SESSION_EXPIRED", _("the session has "
		    "expired: bind the payer again with jm-bind --payer"));
		return -1;
	}
	return 0;
}

/* Where the platform knows the payer, the name must agree. */
int
jm_sb_name_matches(struct sandbox *sb, const char *id, const char *name,
    struct jm_perr *err)
{
	struct sb_person p;
	struct jm_perr ignore;
	json_object *q = json_object_new_object();
	int rc = 0;

	json_object_object_add(q, "id_no", json_object_new_string(id));
	if (jm_sb_person(sb, q, &p, &ignore) == 0 && strcmp(p.name, name)) {
		jm_perr_set(err, "NAME_MISMATCH", _("the name does not match "
		    "the registry's for this ID number"));
		rc = -1;
	}
	json_object_put(q);
	return rc;
}

static int
check_payer(json_object *req, struct jm_id *id, const char **name,
    const char **phone, struct jm_perr *err)
{
	const char *s = jm_sb_str(req, "id_no"), *e;

	*name = jm_sb_str(req, "name");
	*phone = jm_sb_str(req, "phone");
	if (!s || !*name || !*phone) {
		jm_perr_set(err, "MISSING_FIELD", _("binding needs the payer's "
		    "ID number, name and phone"));
		return -1;
	}
	if ((e = jm_id_check(s, strlen(s), JM_ID_RESIDENT, jm_today(), id,
	    err->msg, sizeof err->msg)) ||
	    (e = jm_name_check(*name, strlen(*name), JM_ID_RESIDENT, err->msg,
	    sizeof err->msg))) {
		err->code = e;
		err->temporary = 0;
		return -1;
	}
	if (!jm_phone_ok(*phone)) {
		jm_perr_set(err, "PHONE_INVALID", _("the phone is not an "
		    "11-digit mobile number"));
		return -1;
	}
	return 0;
}

int
jm_sb_bind(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *name, *phone;
	char token[65], now[32], exp[32], m[40];
	struct jm_id id;
	sqlite3_stmt *st;
	time_t t = jm_now();

	if (check_payer(req, &id, &name, &phone, err) < 0 ||
	    jm_sb_name_matches(sb, id.no, name, err) < 0)
		return -1;
	jm_rfc3339(t, now);
	jm_rfc3339(t + jm_sb_meta_long(sb, "session_days", 7) * 86400, exp);
	jm_sb_savepoint(sb);	/* the payer, then the session */
	sb->auth.known = 0;
	st = jm_sb_stmt(sb, SB_PAYER_UPSERT, "INSERT INTO payer VALUES(?1, ?2, "
	    "?3, ?4) ON CONFLICT(id_no) DO UPDATE SET name = ?2, phone = ?3");
	sqlite3_bind_text(st, 1, id.no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	jm_sb_random_hex(token, 32);
	st = jm_sb_stmt(sb, SB_SESSION_NEW, "INSERT INTO session(token, payer, "
	    "created_at, expires_at) VALUES(?, ?, ?, ?)");
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id.no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, exp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	*resp = json_object_new_object();
	json_object_object_add(*resp, "token", json_object_new_string(token));
	json_object_object_add(*resp, "payer",
	    json_object_new_string(jm_mask_id(id.no, m)));
	json_object_object_add(*resp, "expires_at", json_object_new_string(exp));
	return 0;
}

int
jm_sb_logout(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	sqlite3_stmt *st;
	char now[32];

	sb->auth.known = 0;
	st = jm_sb_stmt(sb, SB_SESSION_END, "UPDATE session SET ended_at = ?2 "
	    "WHERE token = ?1 AND ended_at IS NULL");
	sqlite3_bind_text(st, 1, jm_sb_str(req, "token"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, jm_rfc3339(jm_now(), now), -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	*resp = json_object_new_object();
	json_object_object_add(*resp, "ended",
	    json_object_new_boolean(sqlite3_changes(sb->db) > 0));
	return 0;
}

int
jm_sb_session(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	char payer[32], m[40];

	if (jm_sb_auth(sb, req, payer, sizeof payer, err) < 0)
		return -1;
	*resp = json_object_new_object();
	json_object_object_add(*resp, "payer",
	    json_object_new_string(jm_mask_id(payer, m)));
	json_object_object_add(*resp, "mode", json_object_new_string(
	    "sandbox"));
	return 0;
}
