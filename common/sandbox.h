/* sandbox.h - the sandbox engine's internals shared by its parts */
#ifndef JM_SANDBOX_H
#define JM_SANDBOX_H

#include <stdint.h>
#include <sqlite3.h>

#include "clock.h"
#include "platform.h"

struct sandbox {
	sqlite3 *db;
	char *path;
	int in_batch;
	int savepoint;		/* the operation's, open */
	/* the last session looked up, for the rest of the batch (auth) */
	struct {
		char token[72], payer[32], expires[32];
		int ended, known;
	} auth;
	sqlite3_stmt *stmts[64];
};

/* Statement slots, one per prepared statement of the engine. */
enum {
	SB_BY_ID, SB_BY_CERT, SB_INSERT, SB_ATTACH_ID, SB_AID,
	SB_BY_INSURED, SB_SESSION, SB_PAYER_UPSERT, SB_SESSION_NEW,
	SB_SESSION_END, SB_MEMBER_GET, SB_MEMBER_PUT, SB_ACCOUNT_GET,
	SB_FAMILY_COUNT, SB_HISTORY, SB_ACCOUNT_PUT,
	SB_AID_PUT, SB_AID_DEL, SB_AID_PERSON, SB_PAYMENT_ELSEWHERE, SB_META,
	SB_PERSON_BY_ID, SB_PAY_BY_KEY, SB_PAY_INSERT, SB_PAY_MEMBER,
	SB_PAY_PHONE, SB_PAY_DEBIT, SB_RECEIPT_GET, SB_RECEIPT_PUT,
	SB_RECEIPT_PAYMENT, SB_META_PUT, SB_RECEIPT_SEQ, SB_PAY_STATUS,
	SB_PAY_LIST, SB_SAVEPOINT, SB_ROLLBACK_TO, SB_RELEASE, SB_BY_ROW,
	SB_BEGIN, SB_BEGIN_WRITE, SB_COMMIT,
	SB_NSLOTS
};
_Static_assert(SB_NSLOTS <= 64, "more statements than sandbox.stmts holds");

/* A registered person, as the registry knows them. */
struct sb_person {
	char insured_id[32], id_no[24], name[128], region[8], category[16];
	char aid[24], birth_date[12], registered_at[32];
};

/* A prepared statement by its slot, prepared on first use. */
sqlite3_stmt *jm_sb_stmt(struct sandbox *, int slot, const char *sql);
/* Run SQL without results; dies on failure (busy: exit 75). */
void jm_sb_exec(struct sandbox *, const char *sql);
/* An operation about to make more than one change opens its savepoint, so
 * that a failure half-way undoes the first ones; one statement is atomic
 * without (and a savepoint on every operation costs a copy of each page it
 * touches). */
void jm_sb_savepoint(struct sandbox *);
void jm_sb_exec_waiting(struct sandbox *, const char *sql);
/* Database failure of an operation: a platform error. */
int jm_sb_dberr(struct sandbox *, struct jm_perr *);

/* The person a request names by insured_id or id_no: 0, or -1 with
 * NOT_REGISTERED (or a bad ID) in err. */
int jm_sb_person(struct sandbox *, json_object *req, struct sb_person *,
    struct jm_perr *);
/* The payer of the request's session token: 0, or -1 with the error. */
int jm_sb_auth(struct sandbox *, json_object *req, char *payer, size_t,
    struct jm_perr *);
/* Where the registry knows the ID, the name must agree (NAME_MISMATCH). */
int jm_sb_name_matches(struct sandbox *, const char *id, const char *name,
    struct jm_perr *);
/* A number from the meta table. */
long jm_sb_meta_long(struct sandbox *, const char *key, long def);
/* The quote of jm_sb_quote for a person the request's own lookup found
 * already (jm_sb_pay's check of the amount). */
int jm_sb_quote_for(struct sandbox *, json_object *req,
    const struct sb_person *, json_object **resp, struct jm_perr *);
/* What a person owes for a year and item before payments (the default kind). */
int jm_sb_owed(struct sandbox *, const struct sb_person *, int year,
    const char *item, int64_t *fen, struct jm_perr *);
/* 32 hex characters from the system's random source. */
void jm_sb_random_hex(char *buf, size_t bytes);
/* A stored error code as a static string (unknown ones: DECLINED). */
const char *jm_sb_code(const char *);
/* A string of the request, or NULL. */
const char *jm_sb_str(json_object *req, const char *key);

jm_op_fn jm_sb_register, jm_sb_bind, jm_sb_logout, jm_sb_session;
/* Receipts, with libcrypto and libxml2: only for programs that ask. */
void jm_sb_add_ops(jm_op_fn *receipt, jm_op_fn *public_key);

/* The day a payment is settled (入库): some working days after it. */
struct jm_date jm_sb_settle_date(const char *paid_at);

jm_op_fn jm_sb_add_member, jm_sb_quote, jm_sb_fixture, jm_sb_pay;
jm_op_fn jm_sb_payment, jm_sb_payments;

#endif
