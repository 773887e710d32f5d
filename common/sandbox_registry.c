/* sandbox_registry.c - the sandbox's enrolment registry (参保登记) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "jsonio.h"
#include "person.h"
#include "sandbox.h"
#include "util.h"

#define PERSON_COLS \
	"insured_id, registered_at, region, category, aid, id_no, birth_date"

/* The registry's answer about a person. */
static json_object *
answer_of(const char *const v[5], const char *status)
{
	json_object *o = json_object_new_object();
	int i;
	static const char *const keys[] = {"insured_id", "registered_at",
	    "region", "category", "aid"};

	jm_add_new(o, "insured_id", json_object_new_string(v[0]));
	jm_add_new(o, "status", json_object_new_string(status));
	for (i = 1; i < 5; i++)
		json_object_object_add_ex(o, keys[i], v[i] ?
		    json_object_new_string(v[i]) : NULL,
		    JSON_C_OBJECT_ADD_KEY_IS_NEW |
		    JSON_C_OBJECT_KEY_IS_CONSTANT);
	return o;
}

/* ... from a row of PERSON_COLS */
static json_object *
answer(sqlite3_stmt *st, const char *status)
{
	const char *v[5];
	int i;

	for (i = 0; i < 5; i++)
		v[i] = (const char *)sqlite3_column_text(st, i);
	return answer_of(v, status);
}

static sqlite3_stmt *
find(struct sandbox *sb, int by_cert, const char *key)
{
	sqlite3_stmt *st = by_cert ?
	    jm_sb_stmt(sb, SB_BY_CERT, "SELECT " PERSON_COLS
	    " FROM person WHERE birth_cert_no = ?") :
	    jm_sb_stmt(sb, SB_BY_ID, "SELECT " PERSON_COLS
	    " FROM person WHERE id_no = ?");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_ROW ? st : NULL;
}

/* The civil-affairs list (an aid fixture) decides when the record is silent. */
static const char *
aid_of(struct sandbox *sb, const struct jm_person *p, char *buf, size_t sz)
{
	sqlite3_stmt *st;

	if (p->aid || !p->has_id)
		return p->aid;
	st = jm_sb_stmt(sb, SB_AID, "SELECT aid FROM aid_list WHERE id_no = ?");
	sqlite3_bind_text(st, 1, p->id.no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return NULL;
	return jm_db_text(st, 0, buf, sz);
}

static int
insert(struct sandbox *sb, const struct jm_person *p, const char *guardian,
    json_object **resp, struct jm_perr *err)
{
	sqlite3_stmt *st;
	char now[32], birth[11], aidbuf[32];
	const char *aid = aid_of(sb, p, aidbuf, sizeof aidbuf);

	char insured[32];
	const char *v[5];

	/* No RETURNING: SQLite builds a temporary table for it on every row,
	 * the most of a registration's cost. The row id is chosen here. */
	st = jm_sb_stmt(sb, SB_INSERT, "INSERT INTO person(rowid, insured_id, "
	    "id_no, id_type, name, sex, birth_date, region, category, aid, "
	    "phone, guardian, birth_cert_no, registered_at) VALUES("
	    "(SELECT IFNULL(MAX(rowid), 0) + 1 FROM person), "
	    "printf('%s%08d', ?1, (SELECT IFNULL(MAX(rowid), 0) + 1 FROM "
	    "person)), ?2, ?3, ?4, ?5, ?6, ?1, ?7, ?8, ?9, ?10, ?11, ?12)");
	sqlite3_bind_text(st, 1, p->region, -1, SQLITE_STATIC);
	if (p->has_id) {
		sqlite3_bind_text(st, 2, p->id.no, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, p->id.male ? "male" : "female", -1,
		    SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 3, jm_id_type_name(p->id_type), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, jm_date_str(p->birth, birth), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, aid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, p->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, guardian, -1, SQLITE_STATIC);
	if (p->birth_cert_no[0])
		sqlite3_bind_text(st, 11, p->birth_cert_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, jm_rfc3339(jm_now(), now), -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jm_sb_dberr(sb, err);
	sqlite3_reset(st);
	snprintf(insured, sizeof insured, "%s%08lld", p->region,
	    (long long)sqlite3_last_insert_rowid(sb->db));
	v[0] = insured;
	v[1] = now;
	v[2] = p->region;
	v[3] = p->category;
	v[4] = aid;
	*resp = answer_of(v, "registered");
	return 0;
}

/* A child first registered by birth certificate now has an ID number. */
static int
attach_id(struct sandbox *sb, const struct jm_person *p, json_object **resp,
    struct jm_perr *err)
{
	sqlite3_stmt *st = find(sb, 1, p->birth_cert_no);
	char birth[11];

	if (!st)
		return 1;
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		jm_perr_set(err, "BAD_VALUE", _("birth certificate %s is "
		    "registered with another ID number"), p->birth_cert_no);
		return -1;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 6),
	    jm_date_str(p->birth, birth)) != 0) {
		jm_perr_set(err, "BAD_VALUE", _("birth certificate %s was "
		    "registered with the birth date %s, not the ID's"),
		    p->birth_cert_no, sqlite3_column_text(st, 6));
		return -1;
	}
	st = jm_sb_stmt(sb, SB_ATTACH_ID, "UPDATE person SET id_no = ?1, "
	    "sex = ?2 WHERE birth_cert_no = ?3 RETURNING " PERSON_COLS);
	sqlite3_bind_text(st, 1, p->id.no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->id.male ? "male" : "female", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->birth_cert_no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return jm_sb_dberr(sb, err);
	*resp = answer(st, "existing");
	sqlite3_reset(st);
	return 0;
}

static int
newborn(struct sandbox *sb, struct jm_person *p, json_object **resp,
    struct jm_perr *err)
{
	sqlite3_stmt *st;
	char guardian[32];

	if ((st = find(sb, 1, p->birth_cert_no))) {
		*resp = answer(st, "existing");
		return 0;
	}
	if (!(st = find(sb, 0, p->guardian.no))) {
		jm_perr_set(err, "GUARDIAN_NOT_REGISTERED", _("the guardian "
		    "is not registered: register the guardian first"));
		return -1;
	}
	jm_db_text(st, 0, guardian, sizeof guardian);
	if (!p->region[0])
		jm_db_text(st, 2, p->region, sizeof p->region);
	return insert(sb, p, guardian, resp, err);
}

int
jm_sb_register(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	struct jm_person p;
	const char *code;
	sqlite3_stmt *st;
	int rc;

	if ((code = jm_person_check(req, jm_today(), &p, err->msg,
	    sizeof err->msg))) {
		err->code = code;
		err->temporary = 0;
		return -1;
	}
	if (!p.has_id)
		return newborn(sb, &p, resp, err);
	if ((st = find(sb, 0, p.id.no))) {
		*resp = answer(st, "existing");
		return 0;
	}
	if (p.birth_cert_no[0] && (rc = attach_id(sb, &p, resp, err)) <= 0)
		return rc;
	return insert(sb, &p, NULL, resp, err);
}

#define FULL_COLS "insured_id, id_no, name, region, category, aid, " \
	"birth_date, registered_at"

/*
 * The row numbered as an insured_id ends: insert() makes it the region
 * and then the row's id, so the row is read straight, not through the
 * insured_id index first; a row numbered otherwise, none. The id is
 * compared too, so that a row of another person is never taken.
 */
static sqlite3_stmt *
by_row(struct sandbox *sb, const char *ins)
{
	size_t n = strlen(ins);
	const char *d = ins + 6;
	sqlite3_stmt *st;
	long long row;

	if (n < 7 || n > 6 + 15 || strspn(d, "0123456789") != n - 6)
		return NULL;
	row = strtoll(d, NULL, 10);
	st = jm_sb_stmt(sb, SB_BY_ROW, "SELECT " FULL_COLS " FROM person "
	    "WHERE rowid = ?2 AND insured_id = ?1");
	sqlite3_bind_text(st, 1, ins, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row);
	if (sqlite3_step(st) == SQLITE_ROW)
		return st;
	sqlite3_reset(st);
	return NULL;
}

/* By the insured_id index, or by the ID number; NULL, err set, when no
 * one is registered so. */
static sqlite3_stmt *
by_key(struct sandbox *sb, const char *ins, const char *id,
    struct jm_perr *err)
{
	sqlite3_stmt *st;

	if (ins)
		st = jm_sb_stmt(sb, SB_BY_INSURED, "SELECT " FULL_COLS
		    " FROM person WHERE insured_id = ?");
	else
		st = jm_sb_stmt(sb, SB_PERSON_BY_ID, "SELECT " FULL_COLS
		    " FROM person WHERE id_no = upper(?)");
	sqlite3_bind_text(st, 1, ins ? ins : id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		return st;
	if (sqlite3_errcode(sb->db) != SQLITE_OK &&
	    sqlite3_errcode(sb->db) != SQLITE_DONE)
		jm_sb_dberr(sb, err);
	else if (!ins && !id)
		jm_perr_set(err, "MISSING_FIELD", _("the record has neither "
		    "id_no nor registration.insured_id"));
	else
		jm_perr_set(err, "NOT_REGISTERED", _("not registered on the "
		    "platform: run jm-register first"));
	sqlite3_reset(st);
	return NULL;
}

int
jm_sb_person(struct sandbox *sb, json_object *req, struct sb_person *p,
    struct jm_perr *err)
{
	const char *ins = jm_sb_str(req, "insured_id");
	const char *id = jm_sb_str(req, "id_no"), *code;
	const char *type = jm_sb_str(req, "id_type");
	int t = type ? jm_id_type_parse(type) : JM_ID_RESIDENT;
	struct jm_id parsed;
	sqlite3_stmt *st;

	/* a mistyped ID number is said so, not "not registered" */
	if (!ins && id && (code = jm_id_check(id, strlen(id), t < 0 ?
	    JM_ID_RESIDENT : t, jm_today(), &parsed, err->msg,
	    sizeof err->msg))) {
		err->code = code;
		err->temporary = 0;
		return -1;
	}
	st = ins ? by_row(sb, ins) : NULL;
	if (!st && !(st = by_key(sb, ins, id, err)))
		return -1;
	jm_db_text(st, 0, p->insured_id, sizeof p->insured_id);
	jm_db_text(st, 1, p->id_no, sizeof p->id_no);
	jm_db_text(st, 2, p->name, sizeof p->name);
	jm_db_text(st, 3, p->region, sizeof p->region);
	jm_db_text(st, 4, p->category, sizeof p->category);
	jm_db_text(st, 5, p->aid, sizeof p->aid);
	jm_db_text(st, 6, p->birth_date, sizeof p->birth_date);
	jm_db_text(st, 7, p->registered_at, sizeof p->registered_at);
	sqlite3_reset(st);
	return 0;
}
