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
};

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
};

/* Open the platform of jm_opts.endpoint; dies (exit 2) when it cannot. */
struct jm_platform *jm_platform_open(void);
void jm_platform_close(struct jm_platform *);
/* Batches: begin, any operations, commit; dies when a commit fails. A
 * batch that only reads does not hold the platform's write lock. */
void jm_platform_begin(struct jm_platform *);
void jm_platform_begin_read(struct jm_platform *);
void jm_platform_commit(struct jm_platform *);
void jm_perr_set(struct jm_perr *, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The sandbox engine on SQLite (sandbox.c). */
struct jm_platform *jm_sandbox_open(const char *path);
/* Let the sandbox issue receipts (libcrypto, libxml2): call before opening
 * it, from the programs that need receipts. */
void jm_sandbox_receipts(void);

#endif
