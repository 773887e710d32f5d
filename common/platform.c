/* platform.c - choosing the platform of --endpoint, batches, errors */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "http.h"
#include "paths.h"
#include "platform.h"
#include "retry.h"
#include "stream.h"
#include "utf8.h"
#include "util.h"

void
jm_perr_set(struct jm_perr *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->temporary = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	/* what a request said, quoted cut short, or cut at the end */
	jm_utf8_line(e->msg);
}

/* The endpoint names the file wherever the program runs: sessions and the
 * journal match it by name. */
static char *
absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
		return jm_strdup(path);
	return jm_asprintf("%s/%s", cwd, path);
}

#define OP(name, field, write, retry) \
	{name, offsetof(struct jm_platform_ops, field), write, retry}

/* One definition of the protocol: the HTTP client and server use it. A
 * payment may be sent again: its key makes it idempotent. A fixture may
 * not: a second paid fixture is a second payment. */
const struct jm_op_def jm_op_defs[] = {
	OP("register", register_person, 1, 1),
	OP("bind", bind, 1, 1),
	OP("logout", logout, 1, 1),
	OP("session", session, 0, 1),
	OP("member", add_member, 1, 1),
	OP("quote", quote, 0, 1),
	OP("fixture", fixture, 1, 0),
	OP("pay", pay, 1, 1),
	OP("payment", payment, 0, 1),
	OP("payments", payments, 0, 1),
	OP("receipt", receipt, 1, 1),
	OP("public-key", public_key, 1, 1),
	{NULL, 0, 0, 0},
};

const struct jm_op_def *
jm_op_def(const char *name)
{
	const struct jm_op_def *d;

	for (d = jm_op_defs; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

jm_op_fn *
jm_op_fn_of(const struct jm_platform_ops *ops, const struct jm_op_def *d)
{
	return *(jm_op_fn *const *)((const char *)ops + d->offset);
}

int
jm_op_run(struct jm_platform *p, jm_op_fn *fn, json_object *req,
    json_object **resp, struct jm_perr *err)
{
	int rc;

	if (p->ops->mark)
		p->ops->mark(p);
	rc = fn(p, req, resp, err);
	if (rc < 0)	/* checks write what the request said into msg */
		jm_utf8_line(err->msg);
	if (p->ops->unmark)
		p->ops->unmark(p, rc < 0 && err->code &&
		    !strcmp(err->code, "PLATFORM_ERROR"));
	return rc;
}

/* One call, retried while the failure is temporary and it may be. */
static int
call_retrying(struct jm_platform *p, const struct jm_op_def *d,
    json_object *req, json_object **resp, struct jm_perr *err)
{
	jm_op_fn *fn = jm_op_fn_of(p->ops, d);
	int try, rc;

	if (!fn) {
		jm_perr_set(err, "NOT_OFFERED", _("the platform does not offer "
		    "'%s'"), d->name);
		return -1;
	}
	for (try = 0;; try++) {
		*resp = NULL;
		memset(err, 0, sizeof *err);
		rc = jm_op_run(p, fn, req, resp, err);
		if (rc == 0 || !err->temporary || !d->retry ||
		    try + 1 == JM_RETRY_TRIES)
			return rc;
		jm_sleep_ms(jm_backoff_ms(try, err->retry_after_ms));
	}
}

int
jm_call(struct jm_platform *p, const char *op, json_object *req,
    json_object **resp, struct jm_perr *err)
{
	const struct jm_op_def *d = jm_op_def(op);

	if (!d)
		jm_die(_("internal error: no operation '%s'"), op);
	if (p->many) {
		p->many(p, d, &req, resp, err, 1);
		return err->code ? -1 : 0;
	}
	return call_retrying(p, d, req, resp, err);
}

void
jm_call_many(struct jm_platform *p, const char *op, json_object **req,
    json_object **resp, struct jm_perr *err, size_t n)
{
	const struct jm_op_def *d = jm_op_def(op);
	size_t i;

	if (!d)
		jm_die(_("internal error: no operation '%s'"), op);
	if (p->many) {
		p->many(p, d, req, resp, err, n);
		return;
	}
	for (i = 0; i < n; i++)
		if (req[i])
			call_retrying(p, d, req[i], &resp[i], &err[i]);
}

/* The file of an embedded sandbox (--endpoint sandbox[:PATH]), or NULL
 * for another endpoint; the data folder is made only with make. */
static char *
sandbox_file(int make)
{
	const char *e = jm_opts.endpoint;

	if (strncmp(e, "sandbox", 7) != 0)
		return NULL;
	e += 7;
	if (*e == ':')
		e++;
	if (*e)
		return absolute(e);
	return make ? jm_path(JM_DIR_DATA, "sandbox.db") :
	    jm_asprintf("%s/sandbox.db", jm_dir_name(JM_DIR_DATA));
}

struct jm_platform *
jm_platform_open(void)
{
	struct jm_platform *p;
	char *path = sandbox_file(1);

	if (!path)
		return jm_http_open(jm_opts.endpoint);
	p = jm_sandbox_open(path);
	free(path);
	return p;
}

char *
jm_sandbox_absent(void)
{
	char *path = sandbox_file(0);

	if (path && access(path, F_OK) == 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Error codes from a platform's answers, as the static strings errors
 * carry: known ones, else a copy kept for the program's life. */
const char *
jm_intern_code(const char *code)
{
	static char **seen;
	static size_t nseen;
	size_t i;

	if (!code || !*code || strlen(code) > 40 ||
	    strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") !=
	    strlen(code))
		return "BAD_RESPONSE";
	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], code))
			return seen[i];
	if (nseen >= 256)	/* a server inventing codes without end */
		return "BAD_RESPONSE";
	seen = jm_realloc(seen, (nseen + 1) * sizeof *seen);
	return seen[nseen++] = jm_strdup(code);
}

/* The sandbox engine in this process, which answers each call at once. */
static int
embedded(const struct jm_platform *p)
{
	return p && !strcmp(p->ops->kind, "sandbox");
}

size_t
jm_platform_batch(const struct jm_platform *p, size_t local)
{
	return embedded(p) ? local : 0;
}

size_t
jm_platform_part(const struct jm_platform *p)
{
	return embedded(p) ? 1 : 4 * (size_t)jm_opts.jobs;
}

void
jm_platform_close(struct jm_platform *p)
{
	if (!p)
		return;
	p->ops->close(p);
	free(p->endpoint);
	free(p);
}

static void
begin(struct jm_platform *p, int write)
{
	int rc = p->ops->begin ? p->ops->begin(p, write) : 0;

	if (rc == -2)
		jm_die_status(JM_EXIT_TEMP, _("%s: the platform is busy "
		    "(another program holds it): try again later"),
		    p->endpoint);
	if (rc < 0)
		jm_die(_("%s: cannot start a transaction"), p->endpoint);
}

void
jm_platform_begin(struct jm_platform *p)
{
	begin(p, 1);
}

void
jm_platform_begin_read(struct jm_platform *p)
{
	begin(p, 0);
}

void
jm_platform_commit(struct jm_platform *p)
{
	if (p->ops->commit && p->ops->commit(p) < 0)
		jm_die(_("%s: cannot commit: nothing of this batch was "
		    "written out"), p->endpoint);
}

static void
calls_clear(struct jm_calls *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		json_object_put(c->req[i]);
		json_object_put(c->resp[i]);
	}
}

void
jm_calls_start(struct jm_calls *c, struct jm_rec *base, size_t n)
{
	calls_clear(c);
	if (n > c->cap) {
		c->req = jm_realloc(c->req, n * sizeof *c->req);
		c->resp = jm_realloc(c->resp, n * sizeof *c->resp);
		c->err = jm_realloc(c->err, n * sizeof *c->err);
		c->later = jm_realloc(c->later, n);
		c->cap = n;
	}
	c->base = base;
	c->n = n;
	if (!n)
		return;
	memset(c->later, 0, n);
	memset(c->req, 0, n * sizeof *c->req);
	memset(c->resp, 0, n * sizeof *c->resp);
	memset(c->err, 0, n * sizeof *c->err);
}

static void
run_parts(struct jm_platform *p, const char *op, struct jm_calls *c,
    json_object **req, size_t part, void (*each)(void *, size_t), void *arg)
{
	size_t i, j, m;

	for (i = 0; i < c->n; i += m) {
		m = c->n - i < part ? c->n - i : part;
		jm_call_many(p, op, req + i, c->resp + i, c->err + i, m);
		for (j = i; each && j < i + m; j++)
			if (req[j])
				each(arg, j);
	}
}

void
jm_calls_run_parts(struct jm_platform *p, const char *op, struct jm_calls *c,
    size_t part, void (*each)(void *, size_t), void *arg)
{
	json_object **held = jm_calloc(c->n, sizeof *held);
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		if (c->later[i]) {
			held[i] = c->req[i];
			c->req[i] = NULL;
			k++;
		}
	run_parts(p, op, c, c->req, part ? part : c->n, each, arg);
	if (k) {
		run_parts(p, op, c, held, c->n, each, arg);
		for (i = 0; i < c->n; i++)
			if (held[i])
				c->req[i] = held[i];
	}
	free(held);
}

void
jm_calls_run(struct jm_platform *p, const char *op, struct jm_calls *c)
{
	jm_calls_run_parts(p, op, c, 0, NULL, NULL);
}

size_t
jm_calls_index(const struct jm_calls *c, const struct jm_rec *r)
{
	uintptr_t ur = (uintptr_t)r, ub = (uintptr_t)c->base;

	/* a record of another batch, or made up (reconciliation) */
	if (!c->base || ur < ub || ur >= ub + c->n * sizeof *r)
		return (size_t)-1;
	return (ur - ub) / sizeof *r;
}

int
jm_calls_answer(struct jm_calls *c, const struct jm_rec *r,
    json_object **resp, struct jm_perr **err)
{
	size_t i = jm_calls_index(c, r);

	if (i == (size_t)-1 || !c->req[i])
		return 1;
	*err = &c->err[i];
	if (c->err[i].code)
		return -1;
	*resp = c->resp[i];
	c->resp[i] = NULL;
	return 0;
}

json_object *
jm_calls_take(struct jm_calls *c, struct jm_rec *r)
{
	json_object *resp = NULL;
	struct jm_perr *err;
	int rc = jm_calls_answer(c, r, &resp, &err);

	if (rc < 0) {
		if (err->temporary)
			jm_exit_note(JM_EXIT_TEMP);
		jm_rec_error(r, err->code, "%s", err->msg);
	}
	return rc == 0 ? resp : NULL;
}

void
jm_calls_free(struct jm_calls *c)
{
	calls_clear(c);
	free(c->req);
	free(c->resp);
	free(c->err);
	free(c->later);
	memset(c, 0, sizeof *c);
}
