/* platform.h - the platform interface: one table of operations, two
 * implementations (the embedded sandbox engine and, later, HTTP) */
#ifndef JM_PLATFORM_H
#define JM_PLATFORM_H

#include <json-c/json.h>

/* A platform's refusal or failure. */
struct jm_perr {
	const char *code;	/* stable error code, e.g. NOT_REGISTERED */
	char msg[512];
	int temporary;		/* unreachable or busy: try again later */
	long retry_after_ms;	/* what the platform asked (Retry-After) */
};

struct jm_op_def;

struct jm_platform;

/*
 * Every operation takes a request object and gives a response object (the
 * caller puts it) or -1 with perr filled. Requests and responses are the
 * bodies of the HTTP protocol in jm-protocol.7.
 */
typedef int jm_op_fn(struct jm_platform *, json_object *req,
    json_object **resp, struct jm_perr *);

struct jm_platform_ops {
	const char *kind;		/* "sandbox", "http" */
	int (*begin)(struct jm_platform *, int write);	/* start a batch */
	int (*commit)(struct jm_platform *);	/* make it durable */
	/* around one operation in a batch: a failure of the platform itself
	 * undoes what the operation had written, nothing else */
	void (*mark)(struct jm_platform *);
	void (*unmark)(struct jm_platform *, int undo);
	void (*close)(struct jm_platform *);
	jm_op_fn *register_person;	/* 参保登记 */
	jm_op_fn *bind;			/* bind the payer: a session token */
	jm_op_fn *logout;		/* end a session */
	jm_op_fn *session;		/* is a session valid, and whose */
	jm_op_fn *add_member;		/* 添加成员, 共济 family accounts */
	jm_op_fn *quote;		/* 应缴费额 for a person, year, item */
	jm_op_fn *fixture;		/* load a sandbox fixture */
	jm_op_fn *pay;			/* 确认并支付, with an idempotency key */
	jm_op_fn *payment;		/* the outcome kept for a key */
	jm_op_fn *payments;		/* the payer's payments, for reconciling */
	jm_op_fn *receipt;		/* 电子缴款单 of a payment, signed */
	jm_op_fn *public_key;		/* the key receipts are signed with */
};

struct jm_platform {
	const struct jm_platform_ops *ops;
	char *endpoint;
	void *impl;
	/* several requests at once (HTTP): NULL for one after the other */
	void (*many)(struct jm_platform *, const struct jm_op_def *,
	    json_object **req, json_object **resp, struct jm_perr *, size_t n);
};

/* The operations by name: the protocol's paths, POST /v1/NAME, with what
 * may be done again after a failure nobody can see the end of. */
struct jm_op_def {
	const char *name;
	size_t offset;		/* of the operation in jm_platform_ops */
	int write;		/* changes the platform */
	int retry;		/* safe to send again (idempotent) */
};

extern const struct jm_op_def jm_op_defs[];
const struct jm_op_def *jm_op_def(const char *name);
jm_op_fn *jm_op_fn_of(const struct jm_platform_ops *, const struct jm_op_def *);

/* One operation, inside its savepoint where the platform has them. */
int jm_op_run(struct jm_platform *, jm_op_fn *, json_object *req,
    json_object **resp, struct jm_perr *);
/* Call an operation, retrying what may be retried (temporary failures:
 * unreachable, busy, 5xx, 429) with capped backoff and full jitter. */
int jm_call(struct jm_platform *, const char *op, json_object *req,
    json_object **resp, struct jm_perr *);
/* n calls of one operation (NULL requests skipped), up to --jobs at once
 * where the platform can; each as jm_call. */
void jm_call_many(struct jm_platform *, const char *op, json_object **req,
    json_object **resp, struct jm_perr *, size_t n);

/* Open the platform of jm_opts.endpoint; dies (exit 2) when it cannot. */
struct jm_platform *jm_platform_open(void);
/* The file of the embedded sandbox --endpoint names when it is not there
 * (malloc'd): opening it would make a new one. NULL when it is there, or
 * the endpoint is not an embedded sandbox. */
char *jm_sandbox_absent(void);
void jm_platform_close(struct jm_platform *);
/*
 * The batch for a step that mostly reads: on the embedded sandbox `local'
 * records, few, so that a batch's records stay in the processor's cache;
 * over HTTP JM_BATCH (0), so that --jobs requests stay in flight (a batch
 * is waited for whole before the next one starts).
 */
size_t jm_platform_batch(const struct jm_platform *, size_t local);
/* The calls to make at a time when their answers are worked on beside
 * the next ones (jm_calls_run_parts): one on the embedded sandbox, which
 * answers each at once; four rounds of --jobs over HTTP. */
size_t jm_platform_part(const struct jm_platform *);
/* Batches: begin, any operations, commit; dies when a commit fails. A
 * batch that only reads does not hold the platform's write lock. */
void jm_platform_begin(struct jm_platform *);
void jm_platform_begin_read(struct jm_platform *);
void jm_platform_commit(struct jm_platform *);
/* An error code read from a platform, as a static string (UPPER_SNAKE,
 * else BAD_RESPONSE). */
const char *jm_intern_code(const char *);
void jm_perr_set(struct jm_perr *, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The sandbox engine on SQLite (sandbox.c). */
struct jm_platform *jm_sandbox_open(const char *path);
/* Let the sandbox issue receipts (libcrypto, libxml2): call before opening
 * it, from the programs that need receipts. */
void jm_sandbox_receipts(void);

/* The requests of a batch, one per record (NULL: none), and the answers:
 * a step's prepare fills them and runs them, its one reads them. */
struct jm_rec;
struct jm_calls {
	struct jm_rec *base;
	json_object **req, **resp;
	struct jm_perr *err;
	char *later;		/* sent when the others are answered */
	size_t n, cap;
};
void jm_calls_start(struct jm_calls *, struct jm_rec *base, size_t n);
/* Where a record is in the batch, or (size_t)-1 for one of another batch
 * or made up (reconciliation's). */
size_t jm_calls_index(const struct jm_calls *, const struct jm_rec *);
void jm_calls_run(struct jm_platform *, const char *op, struct jm_calls *);
/* The same, part calls at a time (0: all), each(arg, i) as soon as the
 * call i has answered, before the next part is sent; the held ones
 * (later) go last. */
void jm_calls_run_parts(struct jm_platform *, const char *op,
    struct jm_calls *, size_t part, void (*each)(void *, size_t),
    void *arg);
/* The answer for a record: 0 and *resp (the caller takes it), -1 and
 * *err, or 1 when it sent nothing. */
int jm_calls_answer(struct jm_calls *, const struct jm_rec *,
    json_object **resp, struct jm_perr **err);
/* The answer for a record (the caller takes it); NULL when nothing was
 * sent for it, or when the platform refused: then that is the record's
 * error, and exit 75 is noted if trying again may pass. */
json_object *jm_calls_take(struct jm_calls *, struct jm_rec *);
void jm_calls_free(struct jm_calls *);

#endif
