/* sandbox.c - the embedded sandbox platform: one SQLite file, its schema
 * (created and migrated by version), batches, and the operations table */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "jsonio.h"
#include "opts.h"
#include "retry.h"
#include "sandbox.h"
#include "util.h"

/* Each entry migrates from version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta VALUES('kind', 'jm sandbox: synthetic, not a real "
	"platform');"
	"CREATE TABLE person("
	" insured_id TEXT PRIMARY KEY,"
	" id_no TEXT UNIQUE,"
	" id_type TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" sex TEXT,"
	" birth_date TEXT NOT NULL,"
	" region TEXT NOT NULL,"
	" category TEXT NOT NULL,"
	" aid TEXT,"
	" phone TEXT,"
	" guardian TEXT REFERENCES person(insured_id),"
	" birth_cert_no TEXT UNIQUE,"
	" registered_at TEXT NOT NULL);"
	"CREATE TABLE aid_list("
	" id_no TEXT PRIMARY KEY,"
	" aid TEXT NOT NULL);",

	/* 2: payers, sessions, members, employee accounts, payments */
	"INSERT INTO meta VALUES('family_limit', '10');"
	"INSERT INTO meta VALUES('session_days', '7');"
	"CREATE TABLE payer("
	" id_no TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" phone TEXT NOT NULL,"
	" bound_at TEXT NOT NULL);"
	"CREATE TABLE session("
	" token TEXT PRIMARY KEY,"
	" payer TEXT NOT NULL REFERENCES payer(id_no),"
	" created_at TEXT NOT NULL,"
	" expires_at TEXT NOT NULL,"
	" ended_at TEXT);"
	"CREATE TABLE account("
	" id_no TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" region TEXT NOT NULL,"
	" balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),"
	" loaded_at TEXT NOT NULL);"
	"CREATE TABLE member("
	" member_id TEXT PRIMARY KEY,"
	" payer TEXT NOT NULL REFERENCES payer(id_no),"
	" insured_id TEXT NOT NULL REFERENCES person(insured_id),"
	" relation TEXT NOT NULL,"
	" family_account TEXT REFERENCES account(id_no),"
	" bound_at TEXT NOT NULL,"
	" UNIQUE (payer, insured_id));"
	"CREATE INDEX member_account ON member(family_account);"
	"CREATE TABLE payment("
	" order_id TEXT PRIMARY KEY,"
	" idem_key TEXT UNIQUE,"
	" request_hash TEXT,"
	" insured_id TEXT NOT NULL REFERENCES person(insured_id),"
	" year INTEGER NOT NULL,"
	" item TEXT NOT NULL,"
	" kind TEXT,"
	" amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
	" channel TEXT NOT NULL,"
	" payer TEXT,"
	" account TEXT,"
	" status TEXT NOT NULL,"
	" txn_id TEXT,"
	" paid_at TEXT NOT NULL,"
	" settled_at TEXT,"
	" origin TEXT NOT NULL);"
	"CREATE INDEX payment_person ON payment(insured_id, item, year);",

	/* 3: refusals are kept with their key, so a retry gets the same */
	"ALTER TABLE payment ADD COLUMN code TEXT;"
	"ALTER TABLE payment ADD COLUMN message TEXT;",

	/* 4: receipts, issued once and kept as issued; sessions that last a
	 * month, so that a nightly reconciliation is not cut off weekly */
	"UPDATE meta SET value = '30' WHERE key = 'session_days';"
	"CREATE TABLE receipt("
	" order_id TEXT PRIMARY KEY REFERENCES payment(order_id),"
	" receipt_no TEXT NOT NULL UNIQUE,"
	" xml TEXT NOT NULL,"
	" issued_at TEXT NOT NULL);",
};

#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

sqlite3_stmt *
jm_sb_stmt(struct sandbox *sb, int slot, const char *sql)
{
	if (!sb->stmts[slot] && sqlite3_prepare_v3(sb->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &sb->stmts[slot], NULL) != SQLITE_OK)
		jm_die("%s: %s", sb->path, sqlite3_errmsg(sb->db));
	sqlite3_reset(sb->stmts[slot]);
	sqlite3_clear_bindings(sb->stmts[slot]);
	return sb->stmts[slot];
}

void
jm_sb_exec(struct sandbox *sb, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(sb->db, sql, NULL, NULL, &err);

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		jm_die_status(JM_EXIT_TEMP, _("%s: the platform is busy "
		    "(another program holds it): try again later"), sb->path);
	if (rc != SQLITE_OK)
		jm_die("%s: %s", sb->path, err ? err : "?");
}

/* How long to wait for another program's transaction: JM_SANDBOX_BUSY_MS
 * (for tests), else a minute. */
static int
busy_ms(void)
{
	const char *s = getenv("JM_SANDBOX_BUSY_MS");
	long v = s && *s ? jm_parse_long(s, 0, 3600000) : 60000;

	if (v < 0)
		jm_die(_("JM_SANDBOX_BUSY_MS: '%s' is not a number of "
		    "milliseconds"), s);
	return (int)v;
}


/* SQL that may fail busy before the busy handler is asked (the journal
 * mode, a new database): tried again for as long as the busy timeout. */
void
jm_sb_exec_waiting(struct sandbox *sb, const char *sql)
{
	long waited = 0;
	int rc;

	while ((rc = sqlite3_exec(sb->db, sql, NULL, NULL, NULL)) ==
	    SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (waited >= busy_ms())
			break;
		jm_sleep_ms(10);
		waited += 10;
	}
	if (rc != SQLITE_OK)
		jm_sb_exec(sb, sql);	/* says why, and stops */
}

int
jm_sb_dberr(struct sandbox *sb, struct jm_perr *e)
{
	int rc = sqlite3_errcode(sb->db);

	jm_perr_set(e, "PLATFORM_ERROR", _("sandbox database: %s"),
	    sqlite3_errmsg(sb->db));
	e->temporary = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
	return -1;
}

void
jm_sb_random_hex(char *buf, size_t bytes)
{
	unsigned char r[64];

	if (bytes > sizeof r)
		jm_die("jm_sb_random_hex: %zu bytes asked", bytes);
	jm_random(r, bytes);
	jm_hex(r, bytes, buf);
}

/* Error codes kept in the database, as the static strings errors carry. */
const char *
jm_sb_code(const char *code)
{
	static const char *const known[] = {"DECLINED",
	    "INSUFFICIENT_BALANCE", "ALREADY_PAID", "QUOTE_CHANGED",
	    "NOT_BOUND", "WINDOW_NOT_OPEN", "POLICY_UNKNOWN", "NOT_AID",
	    "YEAR_CLOSED", "BAD_VALUE", "NOT_REGISTERED", NULL};
	int i;

	for (i = 0; code && known[i]; i++)
		if (strcmp(code, known[i]) == 0)
			return known[i];
	return "DECLINED";
}

const char *
jm_sb_str(json_object *req, const char *key)
{
	json_object *v;

	if (!jm_json_get(req, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0)
		return NULL;
	return json_object_get_string(v);
}

static int
user_version(struct sandbox *sb)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(sb->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		jm_die("%s: %s", sb->path, sqlite3_errmsg(sb->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Only a sandbox that needs it takes the write lock to migrate: readers
 * do not wait for writers. */
static void
migrate(struct sandbox *sb)
{
	char sql[64];
	int v;

	if (user_version(sb) == (int)NMIGRATIONS)
		return;
	jm_sb_exec_waiting(sb, "BEGIN IMMEDIATE");
	v = user_version(sb);
	if (v > (int)NMIGRATIONS)
		jm_die(_("%s: made by a newer jm (schema %d, this one knows "
		    "%zu)"), sb->path, v, NMIGRATIONS);
	for (; v < (int)NMIGRATIONS; v++) {
		jm_sb_exec(sb, migrations[v]);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		jm_sb_exec(sb, sql);
	}
	jm_sb_exec(sb, "COMMIT");
}

/* A statement stepped to a row and not reset holds a read snapshot open,
 * past COMMIT: the next BEGIN IMMEDIATE then fails at once (SQLITE_BUSY
 * without waiting) when another program wrote meanwhile. */
static void
reset_all(struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < sizeof sb->stmts / sizeof sb->stmts[0]; i++)
		if (sb->stmts[i])
			sqlite3_reset(sb->stmts[i]);
}

/* A statement of the engine's that returns no rows (a transaction's
 * begin, commit or savepoint), run once: what sqlite3_step said. */
static int
control(struct sandbox *sb, int slot, const char *sql)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, slot, sql);
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc;
}

static int
sb_begin(struct jm_platform *p, int write)
{
	struct sandbox *sb = p->impl;
	int rc;

	reset_all(sb);
	/* prepared once: sqlite3_exec parsed "BEGIN" again at every batch,
	 * a tenth of what a quote costs at batches of 32 */
	rc = write ? control(sb, SB_BEGIN_WRITE, "BEGIN IMMEDIATE") :
	    control(sb, SB_BEGIN, "BEGIN");
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return -2;
	if (rc != SQLITE_DONE)
		return -1;
	sb->in_batch = 1;
	sb->auth.known = 0;
	return 0;
}

static int
sb_commit(struct jm_platform *p)
{
	struct sandbox *sb = p->impl;

	reset_all(sb);
	sb->in_batch = 0;
	sb->auth.known = 0;
	return control(sb, SB_COMMIT, "COMMIT") == SQLITE_DONE ? 0 : -1;
}

void
jm_sb_savepoint(struct sandbox *sb)
{
	if (sb->savepoint)
		return;
	control(sb, SB_SAVEPOINT, "SAVEPOINT op");
	sb->savepoint = 1;
}

static void
sb_mark(struct jm_platform *p)
{
	struct sandbox *sb = p->impl;

	sb->savepoint = 0;
}

static void
sb_unmark(struct jm_platform *p, int undo)
{
	struct sandbox *sb = p->impl;

	if (!sb->savepoint)
		return;
	if (undo) {
		sb->auth.known = 0;
		control(sb, SB_ROLLBACK_TO, "ROLLBACK TO op");
	}
	control(sb, SB_RELEASE, "RELEASE op");
	sb->savepoint = 0;
}

static void
sb_close(struct jm_platform *p)
{
	struct sandbox *sb = p->impl;
	size_t i;

	for (i = 0; i < sizeof sb->stmts / sizeof sb->stmts[0]; i++)
		sqlite3_finalize(sb->stmts[i]);
	if (sb->in_batch)
		sqlite3_exec(sb->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(sb->db);
	free(sb->path);
	free(sb);
}

/* Not const: the receipt operations are added by the programs that need
 * them (jm_sandbox_receipts), so that the others do not load libcrypto. */
static struct jm_platform_ops sandbox_ops = {
	.kind = "sandbox",
	.begin = sb_begin,
	.commit = sb_commit,
	.mark = sb_mark,
	.unmark = sb_unmark,
	.close = sb_close,
	.register_person = jm_sb_register,
	.bind = jm_sb_bind,
	.logout = jm_sb_logout,
	.session = jm_sb_session,
	.add_member = jm_sb_add_member,
	.quote = jm_sb_quote,
	.fixture = jm_sb_fixture,
	.pay = jm_sb_pay,
	.payment = jm_sb_payment,
	.payments = jm_sb_payments,
};

void
jm_sb_add_ops(jm_op_fn *receipt, jm_op_fn *public_key)
{
	sandbox_ops.receipt = receipt;
	sandbox_ops.public_key = public_key;
}

struct jm_platform *
jm_sandbox_open(const char *path)
{
	struct jm_platform *p = jm_calloc(1, sizeof *p);
	struct sandbox *sb = jm_calloc(1, sizeof *sb);

	sb->path = jm_strdup(path);
	if (jm_db_open(path, &sb->db) != SQLITE_OK)
		jm_die("%s: %s", path, sb->db ? sqlite3_errmsg(sb->db) :
		    strerror(ENOMEM));
	sqlite3_busy_timeout(sb->db, busy_ms());
	/* the programs of a pipeline open a new sandbox at once: setting WAL
	 * mode can fail busy without waiting, so it is tried again */
	jm_sb_exec_waiting(sb, "PRAGMA journal_mode = WAL");
	/* No map of the file (PRAGMA mmap_size): it saved jm-quote the
	 * pread per page, but the pages it maps count in the RSS, which
	 * then grew with the roster (87 MB at 10^6 people, 24 at 10^5). */
	jm_sb_exec(sb, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;" JM_SQLITE_CACHE);
	migrate(sb);
	p->ops = &sandbox_ops;
	p->endpoint = jm_asprintf("sandbox:%s", path);
	p->impl = sb;
	return p;
}
