/* journal.h - the payment journal (journal.db): every attempt, its key, its
 * request hash and every state it went through; nothing is ever deleted */
#ifndef JM_JOURNAL_H
#define JM_JOURNAL_H

#include <stdint.h>

/* One payment attempt. */
struct jm_attempt {
	char key[40];		/* idempotency key */
	char hash[24];		/* of the request's content */
	char endpoint[512];
	char person[40];	/* insured_id */
	char id_no[24];
	int year;
	char item[16], kind[16], channel[16], account[24], quote_id[40];
	int64_t amount;
	char state[12];		/* intent sent paid declined unknown */
	char order_id[40], txn_id[40], paid_at[32], code[40];
	char created_at[32];
	int64_t grade;		/* the pension's grade; 0: none (medical) */
};

/* A receipt jm stored, as the index in the journal knows it. */
struct jm_stored {
	char order_id[40], receipt_no[40], path[4096], sha256[72];
	char verify_code[16], issued_at[32];
	int64_t amount;		/* the amount it states; -1 not known */
	/* the file when it was known good: size (-1 not known) and
	 * modification time in nanoseconds (0 not known) */
	int64_t size, mtime_ns;
};

struct jm_journal;

/* paid, or settled (入库) since: the money left the payer either way. */
#define jm_state_paid(s) (!strcmp((s), "paid") || !strcmp((s), "settled"))

/* Open (create, migrate) the journal; dies (exit 2) when unusable. */
struct jm_journal *jm_journal_open(void);
void jm_journal_close(struct jm_journal *);
/* Group commit: everything between begin and commit is one fsync. */
void jm_journal_begin(struct jm_journal *);
/* A read transaction (no lock on writers until it reads), ended by commit:
 * many lookups, one snapshot, not a lock and unlock each. */
void jm_journal_read(struct jm_journal *);
void jm_journal_commit(struct jm_journal *);
/* The latest attempt for a person, year and item on an endpoint: 1, or 0. */
int jm_journal_last(struct jm_journal *, const char *endpoint,
    const char *person, int year, const char *item, struct jm_attempt *);
/* The latest paid (or settled) attempt for a person, year and item that
 * brought the year's total to a grade (the pension): 1, or 0. */
int jm_journal_paid_grade(struct jm_journal *, const char *endpoint,
    const char *person, int year, const char *item, int64_t grade,
    struct jm_attempt *);
/* Every attempt on an endpoint made since a time (RFC 3339 prefix, or
 * NULL), oldest first. */
void jm_journal_each(struct jm_journal *, const char *endpoint,
    const char *since, void (*fn)(const struct jm_attempt *, void *),
    void *ctx);
/* A new attempt in state intent. */
void jm_journal_intent(struct jm_journal *, const struct jm_attempt *);
/* A state change of an attempt, with what the platform said. */
void jm_journal_state(struct jm_journal *, const struct jm_attempt *,
    const char *detail);
/* A state an attempt went through on its way to the jm_journal_state that
 * follows in the same transaction: kept in its history, its row written
 * once, by that change. */
void jm_journal_passed(struct jm_journal *, const char *key,
    const char *state, const char *detail);

/* The stored receipt of a payment: 1, or 0 when there is none. */
int jm_journal_receipt(struct jm_journal *, const char *order_id,
    struct jm_stored *);
void jm_journal_receipt_put(struct jm_journal *, const struct jm_stored *);
/* A stored receipt found still good by its hash: its file's size and time
 * (and amount) kept for the next run's quick check. */
void jm_journal_receipt_seen(struct jm_journal *, const struct jm_stored *);

#endif
