/* fuzz-ops.c - what any client of jm-sandbox --listen may send: a request
 * body to an operation of the sandbox (sandbox*.c), run as the server runs
 * it, in a batch of its own. Input: a byte choosing the operation, a byte
 * of flags (bit 0: add the token of a bound payer, bit 1: add a fresh
 * idempotency key, where the body has none; the server takes both from
 * headers), then the body, read as the server reads it (jm_json_parse).
 * Checks: an answer is a JSON object of UTF-8, or a refusal with a code
 * of capitals and a message of one line of UTF-8; never both, never
 * neither; nothing exits (the server would stop). The sandbox is made in
 * a folder of /dev/shm (or $TMPDIR) at the first input, with a payer
 * bound and a child registered, so that most operations reach their
 * checks; it keeps what the inputs do to it. */
#include <ctype.h>
#include <ftw.h>

#include "../../common/platform.h"
#include "../../common/stream.h"
#include "fuzz.h"

static struct jm_platform *P;
static char token[128], *home;

static int
run(const struct jm_op_def *d, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	jm_op_fn *fn = jm_op_fn_of(P->ops, d);
	int rc;

	memset(err, 0, sizeof *err);
	*resp = NULL;
	if (!fn || P->ops->begin(P, d->write) < 0)
		return -2;
	rc = jm_op_run(P, fn, req, resp, err);
	if (P->ops->commit(P) < 0)
		abort();
	return rc;
}

static json_object *
call(const char *op, const char *body)
{
	json_object *req = json_tokener_parse(body), *resp;
	struct jm_perr err;

	if (token[0])
		json_object_object_add(req, "token",
		    json_object_new_string(token));
	if (run(jm_op_def(op), req, &resp, &err) < 0) {
		dprintf(2, "fuzz-ops: setup: %s: %s\n", op, err.msg);
		abort();
	}
	json_object_put(req);
	return resp;
}

static int
unlink_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The sandbox's folder goes when libFuzzer ends (it exits). */
static void
cleanup(void)
{
	nftw(home, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = jm_asprintf("%s/jm-fuzz-ops-XXXXXX", base), *db;
	json_object *o;

	if (!mkdtemp(dir))
		abort();
	home = dir;
	atexit(cleanup);
	setenv("JM_HOME", dir, 1);
	setenv("JM_TODAY", "2025-11-20", 1);
	db = jm_asprintf("%s/sandbox.db", dir);
	jm_sandbox_receipts();
	P = jm_sandbox_open(db);
	json_object_put(call("register", "{\"id_no\":\"341122199003070017\","
	    "\"name\":\"示例一\",\"region\":\"340202\"}"));
	json_object_put(call("register", "{\"id_no\":\"340202201501010016\","
	    "\"name\":\"示例二\",\"category\":\"pupil\"}"));
	o = call("bind", "{\"id_no\":\"341122199003070017\",\"name\":"
	    "\"示例一\",\"phone\":\"13800000000\"}");
	snprintf(token, sizeof token, "%s", json_object_get_string(
	    json_object_object_get(o, "token")));
	json_object_put(o);
	json_object_put(call("member", "{\"id_no\":\"341122199003070017\","
	    "\"relation\":\"self\"}"));
	json_object_put(call("member", "{\"id_no\":\"340202201501010016\","
	    "\"relation\":\"child\"}"));
	free(db);
}

static void
check(int rc, json_object *resp, const struct jm_perr *err)
{
	const char *s, *c;

	if (rc == 0) {
		FUZZ_ASSERT(resp && json_object_is_type(resp,
		    json_type_object) && !err->code, "an answer, an object");
		s = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
		fuzz_utf8(s, strlen(s), "the answer");
		return;
	}
	FUZZ_ASSERT(rc == -1 && !resp && err->code && err->code[0],
	    "a refusal, with a code and no answer");
	for (c = err->code; *c; c++)
		FUZZ_ASSERT(isupper((unsigned char)*c) || isdigit(
		    (unsigned char)*c) || *c == '_', "the code in capitals");
	fuzz_utf8(err->msg, strlen(err->msg), "the message");
	FUZZ_ASSERT(err->msg[0] && !strchr(err->msg, '\n'),
	    "the message, one line");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long keys;
	const struct jm_op_def *d;
	json_object *req, *resp = NULL, *v;
	struct jm_perr err;
	char msg[256], key[32], *body;
	size_t nops;
	int rc;

	fuzz_quiet();
	if (!P)
		setup();
	if (size < 2)
		return 0;
	for (nops = 0; jm_op_defs[nops].name; nops++)
		;
	d = &jm_op_defs[data[0] % nops];
	/* the server's body ends in a NUL (jm_buf), as jm_json_parse needs */
	body = jm_malloc(size - 1);
	memcpy(body, data + 2, size - 2);
	body[size - 2] = '\0';
	req = jm_json_parse(body, size - 2, msg, sizeof msg);
	free(body);
	if (!req)
		return 0;
	if ((data[1] & 1) && !json_object_object_get_ex(req, "token", &v))
		json_object_object_add(req, "token",
		    json_object_new_string(token));
	if ((data[1] & 2) && !json_object_object_get_ex(req, "key", &v)) {
		snprintf(key, sizeof key, "%032lx", ++keys);
		json_object_object_add(req, "key", json_object_new_string(key));
	}
	if ((rc = run(d, req, &resp, &err)) != -2)
		check(rc, resp, &err);
	json_object_put(resp);
	json_object_put(req);
	return 0;
}
