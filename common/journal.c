/* journal.c - the payment journal (journal.db): every attempt, its key, its
 * request hash and every state it went through; nothing is ever deleted */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "clock.h"
#include "db.h"
#include "journal.h"
#include "paths.h"
#include "retry.h"
#include "util.h"

enum { J_LAST, J_INTENT, J_STATE, J_EVENT, J_RGET, J_RPUT, J_RSEEN,
    J_EACH, J_GRADE, J_NSTMT };

struct jm_journal {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[J_NSTMT];
};

static const char *const migrations[] = {
	"CREATE TABLE attempt("
	" key TEXT PRIMARY KEY,"
	" request_hash TEXT NOT NULL,"
	" endpoint TEXT NOT NULL,"
	" person TEXT NOT NULL,"
	" id_no TEXT,"
	" year INTEGER NOT NULL,"
	" item TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
	" channel TEXT NOT NULL,"
	" account TEXT,"
	" quote_id TEXT,"
	" state TEXT NOT NULL CHECK (state IN ('intent', 'sent', 'paid',"
	"  'declined', 'unknown', 'settled', 'refunded')),"
	" order_id TEXT,"
	" txn_id TEXT,"
	" paid_at TEXT,"
	" error_code TEXT,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL);"
	"CREATE INDEX attempt_person ON attempt(endpoint, person, year, item);"
	"CREATE TABLE event("
	" id INTEGER PRIMARY KEY,"
	" key TEXT NOT NULL REFERENCES attempt(key),"
	" state TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" detail TEXT);"
	/* financial history: nothing is ever deleted or rewritten */
	"CREATE TRIGGER attempt_kept BEFORE DELETE ON attempt BEGIN"
	" SELECT RAISE(ABORT, 'the payment journal is never deleted'); END;"
	"CREATE TRIGGER event_kept BEFORE DELETE ON event BEGIN"
	" SELECT RAISE(ABORT, 'the payment journal is never deleted'); END;"
	"CREATE TRIGGER event_fixed BEFORE UPDATE ON event BEGIN"
	" SELECT RAISE(ABORT, 'journal events are never rewritten'); END;"
	"CREATE TRIGGER attempt_fixed BEFORE UPDATE OF key, request_hash,"
	" endpoint, person, year, item, kind, amount_fen, channel, account"
	" ON attempt BEGIN"
	" SELECT RAISE(ABORT, 'an attempt''s request is never rewritten');"
	" END;",

	/* 2: the receipts stored, checked once when they were fetched */
	"CREATE TABLE receipt("
	" order_id TEXT PRIMARY KEY,"
	" receipt_no TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" verify_code TEXT NOT NULL,"
	" issued_at TEXT NOT NULL,"
	" stored_at TEXT NOT NULL);"
	/* and an attempt's request is kept whole, its time and person too */
	"DROP TRIGGER attempt_fixed;"
	"CREATE TRIGGER attempt_fixed BEFORE UPDATE OF key, request_hash,"
	" endpoint, person, id_no, year, item, kind, amount_fen, channel,"
	" account, quote_id, created_at ON attempt BEGIN"
	" SELECT RAISE(ABORT, 'an attempt''s request is never rewritten');"
	" END;",

	/* 3: a pension payment is for a grade, the year's total it brings
	 * the person to: part of the request, kept whole like the rest */
	"ALTER TABLE attempt ADD COLUMN grade_fen INTEGER"
	" CHECK (grade_fen IS NULL OR grade_fen > 0);"
	"DROP TRIGGER attempt_fixed;"
	"CREATE TRIGGER attempt_fixed BEFORE UPDATE OF key, request_hash,"
	" endpoint, person, id_no, year, item, kind, amount_fen, channel,"
	" account, quote_id, created_at, grade_fen ON attempt BEGIN"
	" SELECT RAISE(ABORT, 'an attempt''s request is never rewritten');"
	" END;",

	/* 4: the same check on the state, written so that SQLite tests it
	 * without building a temporary index of the list on every change
	 * (a seventh of a payment's cost); no row is touched */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''intent'', "
	"''sent'', ''paid'',  ''declined'', ''unknown'', ''settled'', "
	"''refunded'')', 'state = ''intent'' OR state = ''sent'' OR "
	"state = ''paid'' OR state = ''declined'' OR state = ''unknown'' OR "
	"state = ''settled'' OR state = ''refunded''') "
	"WHERE type = 'table' AND name = 'attempt';",

	/* 5: what a stored receipt's file looked like when it was known
	 * good (its size and modification time, as rsync's quick check),
	 * and the amount it states: a later run passes it on after a
	 * stat, not a read and a hash */
	"ALTER TABLE receipt ADD COLUMN size INTEGER;"
	"ALTER TABLE receipt ADD COLUMN mtime_ns INTEGER;"
	"ALTER TABLE receipt ADD COLUMN amount_fen INTEGER;",
};

#define NMIG (sizeof migrations / sizeof migrations[0])

static void
fail(struct jm_journal *j)
{
	jm_die(_("%s: the payment journal is unusable: %s"), j->path,
	    sqlite3_errmsg(j->db));
}

static void
exec(struct jm_journal *j, const char *sql)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail(j);
}

/* Setting WAL mode can fail busy without waiting: tried again. */
static void
exec_waiting(struct jm_journal *j, const char *sql)
{
	int rc, tries = 0;

	while (((rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL)) ==
	    SQLITE_BUSY || rc == SQLITE_LOCKED) && tries++ < 6000)
		jm_sleep_ms(10);
	if (rc != SQLITE_OK)
		fail(j);
}

static sqlite3_stmt *
stmt(struct jm_journal *j, int slot, const char *sql)
{
	if (!j->st[slot] && sqlite3_prepare_v3(j->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &j->st[slot], NULL) != SQLITE_OK)
		fail(j);
	sqlite3_reset(j->st[slot]);
	sqlite3_clear_bindings(j->st[slot]);
	return j->st[slot];
}

/* After sqlite_schema was written: every connection reads it again (the
 * procedure of SQLite's ALTER TABLE page for a changed CHECK). */
static void
schema_changed(struct jm_journal *j)
{
	sqlite3_stmt *st;
	char sql[64];
	int v = 0;

	if (sqlite3_prepare_v2(j->db, "PRAGMA schema_version", -1, &st,
	    NULL) != SQLITE_OK)
		fail(j);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	snprintf(sql, sizeof sql, "PRAGMA schema_version = %d", v + 1);
	exec(j, sql);
	exec(j, "PRAGMA writable_schema = OFF");
}

static void
migrate(struct jm_journal *j)
{
	sqlite3_stmt *st;
	char sql[64];
	int v = 0;

	exec(j, "BEGIN IMMEDIATE");
	if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		fail(j);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v > (int)NMIG)
		jm_die(_("%s: made by a newer jm (schema %d)"), j->path, v);
	for (; v < (int)NMIG; v++) {
		exec(j, migrations[v]);
		if (strstr(migrations[v], "writable_schema"))
			schema_changed(j);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		exec(j, sql);
	}
	exec(j, "COMMIT");
}

struct jm_journal *
jm_journal_open(void)
{
	struct jm_journal *j = jm_calloc(1, sizeof *j);

	j->path = jm_path(JM_DIR_DATA, "journal.db");
	if (jm_db_open(j->path, &j->db) != SQLITE_OK)
		fail(j);
	sqlite3_busy_timeout(j->db, 60000);
	/* the intent is on disk before the request leaves */
	exec_waiting(j, "PRAGMA journal_mode = WAL");
	exec(j, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;" JM_SQLITE_CACHE);
	migrate(j);
	return j;
}

void
jm_journal_close(struct jm_journal *j)
{
	int i;

	if (!j)
		return;
	for (i = 0; i < J_NSTMT; i++)
		sqlite3_finalize(j->st[i]);
	if (sqlite3_close(j->db) != SQLITE_OK)
		fail(j);
	free(j->path);
	free(j);
}

void
jm_journal_begin(struct jm_journal *j)
{
	exec(j, "BEGIN IMMEDIATE");
}

void
jm_journal_read(struct jm_journal *j)
{
	exec(j, "BEGIN");
}

void
jm_journal_commit(struct jm_journal *j)
{
	exec(j, "COMMIT");
}

/* v at i, or NULL when it is not known */
static void
bind_known(sqlite3_stmt *st, int i, int known, int64_t v)
{
	if (known)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

#define ATTEMPT_COLS "key, request_hash, id_no, kind, amount_fen, channel, " \
	"account, quote_id, state, order_id, txn_id, paid_at, error_code, " \
	"endpoint, person, year, item, created_at, grade_fen"

/* An attempt from a row of ATTEMPT_COLS. */
static void
attempt(sqlite3_stmt *st, struct jm_attempt *a)
{
	memset(a, 0, sizeof *a);
	jm_db_text(st, 0, a->key, sizeof a->key);
	jm_db_text(st, 1, a->hash, sizeof a->hash);
	jm_db_text(st, 2, a->id_no, sizeof a->id_no);
	jm_db_text(st, 3, a->kind, sizeof a->kind);
	a->amount = sqlite3_column_int64(st, 4);
	jm_db_text(st, 5, a->channel, sizeof a->channel);
	jm_db_text(st, 6, a->account, sizeof a->account);
	jm_db_text(st, 7, a->quote_id, sizeof a->quote_id);
	jm_db_text(st, 8, a->state, sizeof a->state);
	jm_db_text(st, 9, a->order_id, sizeof a->order_id);
	jm_db_text(st, 10, a->txn_id, sizeof a->txn_id);
	jm_db_text(st, 11, a->paid_at, sizeof a->paid_at);
	jm_db_text(st, 12, a->code, sizeof a->code);
	jm_db_text(st, 13, a->endpoint, sizeof a->endpoint);
	jm_db_text(st, 14, a->person, sizeof a->person);
	a->year = sqlite3_column_int(st, 15);
	jm_db_text(st, 16, a->item, sizeof a->item);
	jm_db_text(st, 17, a->created_at, sizeof a->created_at);
	a->grade = sqlite3_column_int64(st, 18);
}

int
jm_journal_last(struct jm_journal *j, const char *endpoint, const char *person,
    int year, const char *item, struct jm_attempt *a)
{
	sqlite3_stmt *st = stmt(j, J_LAST, "SELECT " ATTEMPT_COLS " FROM "
	    "attempt WHERE endpoint = ?1 AND person = ?2 AND year = ?3 AND "
	    "item = ?4 ORDER BY rowid DESC LIMIT 1");
	int rc;

	memset(a, 0, sizeof *a);
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, person, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			fail(j);
		return 0;
	}
	attempt(st, a);
	sqlite3_reset(st);
	return 1;
}

int
jm_journal_paid_grade(struct jm_journal *j, const char *endpoint,
    const char *person, int year, const char *item, int64_t grade,
    struct jm_attempt *a)
{
	sqlite3_stmt *st = stmt(j, J_GRADE, "SELECT " ATTEMPT_COLS " FROM "
	    "attempt WHERE endpoint = ?1 AND person = ?2 AND year = ?3 AND "
	    "item = ?4 AND grade_fen = ?5 AND state IN ('paid', 'settled') "
	    "ORDER BY rowid DESC LIMIT 1");
	int rc;

	memset(a, 0, sizeof *a);
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, person, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, grade);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			fail(j);
		return 0;
	}
	attempt(st, a);
	sqlite3_reset(st);
	return 1;
}

void
jm_journal_each(struct jm_journal *j, const char *endpoint, const char *since,
    void (*fn)(const struct jm_attempt *, void *), void *ctx)
{
	sqlite3_stmt *st = stmt(j, J_EACH, "SELECT " ATTEMPT_COLS " FROM "
	    "attempt WHERE endpoint = ?1 AND created_at >= ?2 ORDER BY rowid");
	struct jm_attempt a;
	int rc;

	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since ? since : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		attempt(st, &a);
		fn(&a, ctx);
	}
	if (rc != SQLITE_DONE)
		fail(j);
	sqlite3_reset(st);
}

static void
event(struct jm_journal *j, const char *key, const char *state,
    const char *now, const char *detail)
{
	sqlite3_stmt *st = stmt(j, J_EVENT, "INSERT INTO event(key, state, at, "
	    "detail) VALUES(?, ?, ?, ?)");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(j);
}

static const char *
opt(const char *s)
{
	return s && *s ? s : NULL;
}

void
jm_journal_intent(struct jm_journal *j, const struct jm_attempt *a)
{
	sqlite3_stmt *st = stmt(j, J_INTENT, "INSERT INTO attempt(key, "
	    "request_hash, endpoint, person, id_no, year, item, kind, "
	    "amount_fen, channel, account, quote_id, state, created_at, "
	    "updated_at, grade_fen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, 'intent', ?13, ?13, ?14)");
	char now[32];

	/* the platform's clock: the real one, unless a test moves it */
	jm_rfc3339(jm_now(), now);
	sqlite3_bind_text(st, 1, a->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->person, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, opt(a->id_no), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->year);
	sqlite3_bind_text(st, 7, a->item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, a->amount);
	sqlite3_bind_text(st, 10, a->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, opt(a->account), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, opt(a->quote_id), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
	if (a->grade > 0)
		sqlite3_bind_int64(st, 14, a->grade);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(j);
	event(j, a->key, "intent", now, NULL);
}

void
jm_journal_state(struct jm_journal *j, const struct jm_attempt *a,
    const char *detail)
{
	sqlite3_stmt *st = stmt(j, J_STATE, "UPDATE attempt SET state = ?2, "
	    "order_id = coalesce(?3, order_id), txn_id = coalesce(?4, txn_id), "
	    "paid_at = coalesce(?5, paid_at), error_code = ?6, "
	    "updated_at = ?7 WHERE key = ?1");
	char now[32];

	jm_rfc3339(jm_now(), now);
	sqlite3_bind_text(st, 1, a->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, opt(a->order_id), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, opt(a->txn_id), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, opt(a->paid_at), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, opt(a->code), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(j->db) != 1)
		fail(j);
	event(j, a->key, a->state, now, detail);
}

void
jm_journal_passed(struct jm_journal *j, const char *key, const char *state,
    const char *detail)
{
	char now[32];

	event(j, key, state, jm_rfc3339(jm_now(), now), detail);
}

int
jm_journal_receipt(struct jm_journal *j, const char *order,
    struct jm_stored *r)
{
	sqlite3_stmt *st = stmt(j, J_RGET, "SELECT receipt_no, path, sha256, "
	    "verify_code, issued_at, IFNULL(size, -1), IFNULL(mtime_ns, 0), "
	    "IFNULL(amount_fen, -1) FROM receipt WHERE order_id = ?");
	int rc;

	memset(r, 0, sizeof *r);
	sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			fail(j);
		return 0;
	}
	jm_db_text(st, 0, r->receipt_no, sizeof r->receipt_no);
	jm_db_text(st, 1, r->path, sizeof r->path);
	jm_db_text(st, 2, r->sha256, sizeof r->sha256);
	jm_db_text(st, 3, r->verify_code, sizeof r->verify_code);
	jm_db_text(st, 4, r->issued_at, sizeof r->issued_at);
	r->size = sqlite3_column_int64(st, 5);
	r->mtime_ns = sqlite3_column_int64(st, 6);
	r->amount = sqlite3_column_int64(st, 7);
	jm_strlcpy(r->order_id, order, sizeof r->order_id);
	sqlite3_reset(st);
	return 1;
}

void
jm_journal_receipt_put(struct jm_journal *j, const struct jm_stored *r)
{
	sqlite3_stmt *st = stmt(j, J_RPUT, "INSERT INTO receipt(order_id, "
	    "receipt_no, path, sha256, verify_code, issued_at, stored_at, "
	    "size, mtime_ns, amount_fen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10) ON CONFLICT(order_id) DO UPDATE SET receipt_no = ?2, "
	    "path = ?3, sha256 = ?4, verify_code = ?5, issued_at = ?6, "
	    "stored_at = ?7, size = ?8, mtime_ns = ?9, amount_fen = ?10");
	char now[32];

	jm_rfc3339(jm_now(), now);
	sqlite3_bind_text(st, 1, r->order_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->verify_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->issued_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	bind_known(st, 8, r->size >= 0 && r->mtime_ns, r->size);
	bind_known(st, 9, r->size >= 0 && r->mtime_ns, r->mtime_ns);
	bind_known(st, 10, r->amount >= 0, r->amount);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(j);
}

void
jm_journal_receipt_seen(struct jm_journal *j, const struct jm_stored *r)
{
	sqlite3_stmt *st = stmt(j, J_RSEEN, "UPDATE receipt SET size = ?2, "
	    "mtime_ns = ?3, amount_fen = ?4 WHERE order_id = ?1 AND "
	    "sha256 = ?5");

	sqlite3_bind_text(st, 1, r->order_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->size);
	sqlite3_bind_int64(st, 3, r->mtime_ns);
	bind_known(st, 4, r->amount >= 0, r->amount);
	sqlite3_bind_text(st, 5, r->sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(j);
}
