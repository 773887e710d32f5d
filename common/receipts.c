/* receipts.c - jm-receipt's work: fetch each paid record's receipt from
 * the platform, verify it, store it, index it */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "journal.h"
#include "money.h"
#include "paths.h"
#include "person.h"
#include "receipts.h"
#include "session.h"
#include "sm2.h"
#include "util.h"
#include "work.h"

/* A receipt the batch fetched, checked by a worker while the next ones
 * are fetched: genuine, for this payment, stored. */
struct check {
	struct jm_receipts *rs;
	struct jm_stored *s;	/* where it was stored */
	const char *order;	/* the record's, alive as long as the batch */
	int64_t amount;
	char *xml;		/* the document, freed once checked */
	struct jm_receipt rc;
	enum { C_NONE, C_QUEUED, C_INVALID, C_MISMATCH, C_FAILED, C_STORED }
	    state;
	int err;		/* errno, when it could not be stored */
	int later;		/* of a batch: synced with the others */
	char *tmp;		/* written, not yet synced and renamed */
	char msg[512];
};

struct jm_receipts {
	struct jm_calls calls;	/* a batch's receipts, fetched at once */
	struct jm_platform *p;
	int own_p;
	struct jm_journal *j;
	char *dir, *keyfile, *pub, fp[65];
	char path[4096];
	/* what the batch's prefetch found stored: one reading of each file;
	 * and what it stored */
	struct jm_stored *memo;
	signed char *memo_ok;	/* 1 stored and the same, 0 not, -1 unread,
				   2 the same and its time to keep, 3 stored
				   now and not in the index yet */
	struct check *chk;
	size_t memo_cap;
	struct jm_work *work;
	struct jm_buf doc;	/* a stored receipt read back, reused */
	char kept_fp[65];	/* the key kept in keys/ */
	char **swept;		/* folders rid of killed runs' leftovers */
	size_t nswept;
};

struct jm_receipts *
jm_receipts_new(struct jm_platform *p, const char *dir, const char *key)
{
	struct jm_receipts *rs = jm_calloc(1, sizeof *rs);

	char cwd[4096];

	rs->p = p;
	if (!dir)	/* not made until a receipt is stored */
		rs->dir = jm_asprintf("%s/receipts", jm_dir_name(JM_DIR_DATA));
	else if (dir[0] == '/' || !getcwd(cwd, sizeof cwd))
		rs->dir = jm_strdup(dir);
	else	/* receipt.path names the file wherever it is read */
		rs->dir = jm_asprintf("%s/%s", cwd, dir);
	rs->keyfile = key ? jm_strdup(key) : NULL;
	return rs;
}

/* Opened when first needed: --verify with a key at hand touches neither
 * the journal nor the platform. */
static struct jm_journal *
journal(struct jm_receipts *rs)
{
	if (!rs->j)
		rs->j = jm_journal_open();
	return rs->j;
}

static struct jm_platform *
platform(struct jm_receipts *rs)
{
	if (!rs->p) {
		rs->p = jm_platform_open();
		rs->own_p = 1;
	}
	return rs->p;
}

void
jm_receipts_free(struct jm_receipts *rs)
{
	if (!rs)
		return;
	jm_work_free(rs->work);
	jm_receipts_commit(rs);
	jm_journal_close(rs->j);
	jm_calls_free(&rs->calls);
	if (rs->own_p)
		jm_platform_close(rs->p);
	free(rs->dir);
	free(rs->keyfile);
	free(rs->pub);
	free(rs->memo);
	free(rs->memo_ok);
	free(rs->chk);
	jm_buf_free(&rs->doc);
	while (rs->nswept > 0)
		free(rs->swept[--rs->nswept]);
	free(rs->swept);
	free(rs);
}

/* The platform's public key: --key, else asked once (and kept in keys/
 * of the data folder, so that stored receipts verify offline). */
/* The platform's public key, asked for; NULL with a message. */
static char *
ask_key(struct jm_receipts *rs, char *msg, size_t sz)
{
	json_object *req, *resp = NULL, *v;
	struct jm_perr err = {0};
	char *pem = NULL, *none;

	/* --verify opens no platform: not a new, empty sandbox, whose key
	 * would call every receipt another key's */
	if (!rs->p && (none = jm_sandbox_absent())) {
		snprintf(msg, sz, _("the key that signed it is not kept in "
		    "%s/keys, and there is no sandbox at %s to ask for it: give "
		    "--key FILE"), jm_dir_name(JM_DIR_DATA), none);
		free(none);
		return NULL;
	}
	req = json_object_new_object();
	if (jm_call(platform(rs), "public-key", req, &resp, &err) < 0)
		snprintf(msg, sz, _("the platform's public key: %s"),
		    err.msg[0] ? err.msg : _("not offered"));
	else if (json_object_object_get_ex(resp, "public_key", &v))
		pem = jm_strdup(json_object_get_string(v));
	json_object_put(req);
	json_object_put(resp);
	return pem;
}

static const char *
platform_key(struct jm_receipts *rs, char *msg, size_t sz)
{
	size_t n;

	if (rs->pub)
		return rs->pub;
	if (rs->keyfile) {
		if (!(rs->pub = jm_read_file(rs->keyfile, 65536, &n)))
			jm_die("%s: %s", rs->keyfile, strerror(errno));
	} else if (!(rs->pub = ask_key(rs, msg, sz)))
		return NULL;
	if (jm_sm2_fingerprint(rs->pub, rs->fp) < 0)
		jm_die(_("the platform's public key is not an SM2 key"));
	return rs->pub;
}

/* Keep the key beside the receipts' index: keys/FINGERPRINT.pem. */
static void
keep_key(struct jm_receipts *rs)
{
	char *dir, *path;

	if (!strcmp(rs->kept_fp, rs->fp))
		return;
	dir = jm_path(JM_DIR_DATA, "keys");
	path = jm_asprintf("%s/%s.pem", dir, rs->fp);
	if (access(path, F_OK) < 0 && (jm_mkdirs(dir) < 0 ||
	    jm_file_write(path, rs->pub, strlen(rs->pub), NULL, NULL) < 0))
		jm_warn(_("%s: %s"), path, strerror(errno));
	else
		memcpy(rs->kept_fp, rs->fp, sizeof rs->kept_fp);
	free(path);
	free(dir);
}

static int
paid_order(struct jm_rec *r, const char **order, int64_t *amount, int say)
{
	json_object *p;
	const char *st, *code = "WRONG_TYPE";
	char msg[128], what[192];
	int k;

	if (!json_object_object_get_ex(r->obj, "payment", &p) || !p)
		return 0;
	if (!json_object_is_type(p, json_type_object))
		snprintf(what, sizeof what, "%s", _("payment is not an object "
		    "{...}"));
	else if ((k = jm_get_str(p, "status", &st, NULL)) < 0)
		snprintf(what, sizeof what, "%s", _("payment.status must be a "
		    "string"));
	else if (k == 0 || strcmp(st, "paid"))
		return 0;
	else if ((k = jm_get_str(p, "order_id", order, NULL)) <= 0) {
		if (!k)
			code = "MISSING_FIELD";
		snprintf(what, sizeof what, "%s", k ? _("payment.order_id must "
		    "be a string") : _("a paid payment without its order_id"));
	} else if ((k = jm_fen_get(p, "amount_fen", amount, msg,
	    sizeof msg)) <= 0) {
		code = k ? "BAD_VALUE" : "MISSING_FIELD";
		snprintf(what, sizeof what, "payment.%s", k ? msg :
		    _("amount_fen is missing"));
	} else
		return 1;
	if (say)
		jm_rec_error(r, code, "%s", what);
	return -1;
}

static void
add_key(struct jm_rec *r, const struct jm_stored *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "receipt_no",
	    json_object_new_string(s->receipt_no));
	json_object_object_add(o, "path", json_object_new_string(s->path));
	json_object_object_add(o, "sha256", json_object_new_string(s->sha256));
	json_object_object_add(o, "verify_code",
	    json_object_new_string(s->verify_code));
	json_object_object_add(o, "issued_at",
	    json_object_new_string(s->issued_at));
	json_object_object_add(o, "verified", json_object_new_boolean(1));
	json_object_object_add(r->obj, "receipt", o);
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/*
 * Stored before and still the same bytes: not fetched again. A file of the
 * size and time the index kept when it was last known good is taken as
 * unchanged (rsync's quick check: a write gives it a later time); any
 * other is read and held to its SHA-256. 2: the same, and its size and
 * time are worth keeping for the next run (the index has none, or others,
 * and the file is old enough that a write in the same tick of the clock
 * cannot have followed unseen).
 */
static int
still_stored(struct jm_receipts *rs, const char *order, struct jm_stored *s)
{
	char sha[65];
	const char *a, *doc;
	struct stat st;
	struct timespec now;

	if (!jm_journal_receipt(journal(rs), order, s))
		return 0;
	/* stored under another --dir: store it here too */
	if (strncmp(s->path, rs->dir, strlen(rs->dir)) != 0 ||
	    s->path[strlen(rs->dir)] != '/' || stat(s->path, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (s->size >= 0 && s->mtime_ns && s->amount >= 0 &&
	    st.st_size == s->size && mtime_ns(&st) == s->mtime_ns)
		return 1;
	/* into one buffer, not a malloc of a kilobyte or more per receipt:
	 * glibc sorts all its freed small chunks at each such request */
	if (!(doc = jm_read_file_into(s->path, JM_RECEIPT_MAX_SIZE, &rs->doc)))
		return 0;
	jm_sha256_hex(doc, rs->doc.len, sha);
	if (strcmp(sha, s->sha256) != 0)
		return 0;
	/* the amount the receipt states, to hold against the record's */
	s->amount = (a = strstr(doc, "<amount fen=\"")) ? atoll(a + 13) : -1;
	s->size = st.st_size;
	s->mtime_ns = mtime_ns(&st);
	clock_gettime(CLOCK_REALTIME, &now);
	return s->amount >= 0 && st.st_mtim.tv_sec < now.tv_sec - 1 ? 2 : 1;
}

/* still_stored, as the batch's prefetch found it when it looked. */
static int
stored(struct jm_receipts *rs, const struct jm_rec *r, const char *order,
    struct jm_stored *s)
{
	size_t i = jm_calls_index(&rs->calls, r);

	if (i != (size_t)-1 && rs->memo_ok[i] >= 0) {
		*s = rs->memo[i];
		return rs->memo_ok[i] > 0;
	}
	return still_stored(rs, order, s) > 0;
}

static json_object *
receipt_request(struct jm_receipts *rs, const char *order)
{
	json_object *req = json_object_new_object();
	const char *token = jm_session_token(platform(rs)->endpoint);

	if (token)
		json_object_object_add(req, "token",
		    json_object_new_string(token));
	json_object_object_add(req, "order_id", json_object_new_string(order));
	return req;
}

/* The batch's rows of the index, in one transaction: those the prefetch
 * read and found good (2: their size and time kept for the next run), or
 * those stored since (3). */
static void
index_memo(struct jm_receipts *rs, signed char which)
{
	size_t i, k = 0;

	for (i = 0; i < rs->calls.n; i++)
		if (rs->memo_ok[i] == which) {
			if (k++ == 0)
				jm_journal_begin(journal(rs));
			if (which == 2)
				jm_journal_receipt_seen(journal(rs),
				    &rs->memo[i]);
			else
				jm_journal_receipt_put(journal(rs),
				    &rs->memo[i]);
			rs->memo_ok[i] = 1;
		}
	if (k)
		jm_journal_commit(journal(rs));
}

/* The temporary files of runs killed before they renamed them, removed
 * from the folder of path the first time this run stores there. */
static void
sweep(struct jm_receipts *rs, const char *path)
{
	char *dir = jm_dir_of(path);
	size_t i;

	for (i = 0; i < rs->nswept; i++)
		if (!strcmp(rs->swept[i], dir)) {
			free(dir);
			return;
		}
	jm_file_sweep(dir);
	rs->swept = jm_realloc(rs->swept, (rs->nswept + 1) *
	    sizeof *rs->swept);
	rs->swept[rs->nswept++] = dir;
}

/* The folder of path synced (its renames made durable), or the end. */
static void
sync_folder(const char *path)
{
	if (jm_dir_sync(path) < 0)
		jm_die("%s: %s", path, strerror(errno));
}

/* A file that cannot be stored or settled stops the run (exit 2): the
 * batch's files not yet renamed go too, since no index will name them. */
static void
stop_batch(struct jm_receipts *rs, const char *path, int e)
{
	size_t i;

	for (i = 0; i < rs->calls.n; i++)
		if (rs->chk[i].tmp) {
			unlink(rs->chk[i].tmp);
			free(rs->chk[i].tmp);
			rs->chk[i].tmp = NULL;
		}
	jm_die("%s: %s", path, strerror(e));
}

/* The batch's files made durable together, before the index names them:
 * one sync of each file, whose writing began when it was written, and one
 * of each folder, for the renames. Tests kill jm-receipt here, with the
 * files written and not renamed: JM_TEST_KILL_AT=settle[:N]. */
static void
settle_all(struct jm_receipts *rs)
{
	static long batch;
	const char *last = NULL;
	size_t i;
	int rc;

	for (i = 0; i < rs->calls.n; i++) {
		struct check *c = &rs->chk[i];

		if (!c->tmp)
			continue;
		if (!last)
			jm_kill_point("settle", ++batch);
		if (!last || !jm_same_dir(last, c->s->path)) {
			if (last)
				sync_folder(last);
			sweep(rs, c->s->path);
		}
		rc = jm_file_settle(c->tmp, c->s->path);
		c->tmp = NULL;	/* freed */
		if (rc < 0)
			stop_batch(rs, c->s->path, errno);
		last = c->s->path;
	}
	if (last)
		sync_folder(last);
}

void
jm_receipts_commit(struct jm_receipts *rs)
{
	settle_all(rs);
	index_memo(rs, 3);
}

/* A verified document, for this payment, kept under DIR/YEAR/RECEIPT_NO.xml
 * (never an ID number in a file name); what the index will say in *s.
 * With later, durable only once settled (jm_file_write). */
static int
store(struct jm_receipts *rs, const char *xml, const struct jm_receipt *rc,
    struct jm_stored *s, char **later)
{
	char *dir = jm_asprintf("%s/%d", rs->dir, rc->year);
	struct stat st;
	int ok;

	snprintf(s->order_id, sizeof s->order_id, "%s", rc->order_id);
	snprintf(s->receipt_no, sizeof s->receipt_no, "%s", rc->receipt_no);
	snprintf(s->path, sizeof s->path, "%s/%s.xml", dir, rc->receipt_no);
	snprintf(s->verify_code, sizeof s->verify_code, "%s", rc->verify_code);
	snprintf(s->issued_at, sizeof s->issued_at, "%s", rc->issued_at);
	jm_sha256_hex(xml, strlen(xml), s->sha256);
	ok = strspn(rc->receipt_no, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
	    strlen(rc->receipt_no) && jm_mkdirs(dir) == 0 &&
	    jm_file_write(s->path, xml, strlen(xml), &st, later) == 0;
	free(dir);
	if (ok) {
		s->size = st.st_size;
		s->mtime_ns = mtime_ns(&st);
		s->amount = rc->amount;
	}
	return ok ? 0 : -1;
}

/* A check's work, on a worker or at once: the signature, the payment, the
 * file. */
static void
check(void *arg)
{
	struct check *c = arg;

	if (jm_receipt_verify(c->xml, strlen(c->xml), c->rs->pub, &c->rc,
	    c->msg, sizeof c->msg) != 1)
		c->state = C_INVALID;
	else if (strcmp(c->rc.order_id, c->order) ||
	    c->rc.amount != c->amount)
		c->state = C_MISMATCH;
	else if (store(c->rs, c->xml, &c->rc, c->s, c->later ? &c->tmp :
	    NULL) < 0) {
		c->err = errno;
		c->state = C_FAILED;
	} else
		c->state = C_STORED;
	free(c->xml);
	c->xml = NULL;
}

/* A receipt the platform answered with, checked beside the next fetches. */
static void
queue_check(void *arg, size_t i)
{
	struct jm_receipts *rs = arg;
	struct check *c = &rs->chk[i];
	json_object *v;

	if (!rs->calls.err[i].code && json_object_object_get_ex(
	    rs->calls.resp[i], "xml", &v) && json_object_is_type(v,
	    json_type_string)) {
		c->xml = jm_strdup(json_object_get_string(v));
		c->state = C_QUEUED;
		jm_work_add(rs->work, check, c);
	}
}

void
jm_receipts_prefetch(struct jm_receipts *rs, struct jm_rec *r, size_t n)
{
	const char *order;
	int64_t amount;
	char msg[512];
	size_t i, k = 0;

	jm_receipts_commit(rs);		/* a batch its caller did not */
	jm_calls_start(&rs->calls, r, n);
	if (n > rs->memo_cap) {
		rs->memo = jm_realloc(rs->memo, n * sizeof *rs->memo);
		rs->memo_ok = jm_realloc(rs->memo_ok, n);
		rs->chk = jm_realloc(rs->chk, n * sizeof *rs->chk);
		rs->memo_cap = n;
	}
	if (n > 0)	/* reconciliation may ask for none: no buffer yet */
		memset(rs->memo_ok, -1, n);
	jm_journal_read(journal(rs));	/* one read transaction, not n */
	for (i = 0; i < n; i++) {
		rs->chk[i].state = C_NONE;
		rs->chk[i].tmp = NULL;
		if (jm_rec_mine(&r[i], "receipt") && paid_order(&r[i], &order,
		    &amount, 0) > 0 && !(rs->memo_ok[i] = (signed char)
		    still_stored(rs, order, &rs->memo[i]))) {
			rs->calls.req[i] = receipt_request(rs, order);
			rs->chk[i] = (struct check){.rs = rs, .s = &rs->memo[i],
			    .order = order, .amount = amount, .later = 1};
			k++;
		}
	}
	jm_journal_commit(journal(rs));
	index_memo(rs, 2);
	/* with the key at hand, each answer is checked while the next are
	 * fetched (the platform signs, we verify: two processors' work);
	 * without, each record says why */
	if (!k || !platform_key(rs, msg, sizeof msg)) {
		jm_calls_run(platform(rs), "receipt", &rs->calls);
		return;
	}
	if (!rs->work)
		rs->work = jm_work_new();
	jm_calls_run_parts(platform(rs), "receipt", &rs->calls,
	    jm_platform_part(platform(rs)), queue_check, rs);
	jm_work_wait(rs->work);
}

/* A refusal, and for want of a session why we sent none (the session on
 * file is another platform's, or expired). */
static void
refused(struct jm_receipts *rs, struct jm_rec *r, const struct jm_perr *err)
{
	const char *why = strcmp(err->code, "NO_SESSION") ? NULL :
	    jm_session_why(platform(rs)->endpoint);

	if (why)
		jm_rec_error(r, err->code, "%s (%s)", err->msg, why);
	else
		jm_rec_error(r, err->code, "%s", err->msg);
}

/* The document: fetched with the batch, or now. */
static char *
fetch(struct jm_receipts *rs, struct jm_rec *r, const char *order)
{
	json_object *req, *resp = NULL, *v;
	struct jm_perr one = {0}, *err = &one;
	char *xml = NULL;
	int rc = jm_calls_answer(&rs->calls, r, &resp, &err);

	if (rc > 0) {
		req = receipt_request(rs, order);
		rc = jm_call(platform(rs), "receipt", req, &resp, err);
		json_object_put(req);
	}
	if (rc < 0) {
		if (err->temporary)
			jm_exit_note(JM_EXIT_TEMP);
		refused(rs, r, err);
	} else if (json_object_object_get_ex(resp, "xml", &v) &&
	    json_object_is_type(v, json_type_string))
		xml = jm_strdup(json_object_get_string(v));
	else
		jm_rec_error(r, "BAD_RESPONSE", _("the platform answered "
		    "without the receipt's document"));
	json_object_put(resp);
	return xml;
}

/* What a check found, said on the record; a receipt stored goes into the
 * index with the batch (memo 3), or at once (a record of none). */
static const char *
checked(struct jm_receipts *rs, struct jm_rec *r, struct check *c, size_t i)
{
	switch (c->state) {
	case C_INVALID:
		jm_rec_error(r, "RECEIPT_INVALID", _("the platform's receipt "
		    "is not genuine: %s"), c->msg);
		return NULL;
	case C_MISMATCH:
		jm_rec_error(r, "RECEIPT_MISMATCH", _("the receipt is for order "
		    "%s, %lld fen, not this payment"), c->rc.order_id,
		    (long long)c->rc.amount);
		return NULL;
	case C_STORED:
		break;
	default:
		stop_batch(rs, c->s->path, c->err);
	}
	if (i != (size_t)-1 && c->s == &rs->memo[i])
		rs->memo_ok[i] = 3;
	else
		jm_journal_receipt_put(journal(rs), c->s);
	keep_key(rs);
	add_key(r, c->s);
	snprintf(rs->path, sizeof rs->path, "%s", c->s->path);
	return rs->path;
}

const char *
jm_receipts_one(struct jm_receipts *rs, struct jm_rec *r)
{
	struct check now;
	struct jm_stored s;
	const char *order;
	char msg[512];
	int64_t amount;
	size_t i;

	if (paid_order(r, &order, &amount, 1) <= 0)
		return NULL;	/* nothing paid: no receipt, passed on */
	if (stored(rs, r, order, &s)) {
		if (s.amount != amount) {
			jm_rec_error(r, "RECEIPT_MISMATCH", _("the stored "
			    "receipt %s states %lld fen, the record %lld"),
			    s.receipt_no, (long long)s.amount,
			    (long long)amount);
			return NULL;
		}
		add_key(r, &s);
		snprintf(rs->path, sizeof rs->path, "%s", s.path);
		return rs->path;
	}
	i = jm_calls_index(&rs->calls, r);
	if (i != (size_t)-1 && rs->chk[i].state > C_QUEUED)
		return checked(rs, r, &rs->chk[i], i);
	if (!platform_key(rs, msg, sizeof msg)) {
		jm_rec_error(r, "RECEIPT_INVALID", "%s", msg);
		return NULL;
	}
	now = (struct check){.rs = rs, .s = &s, .order = order, .amount =
	    amount};
	if (!(now.xml = fetch(rs, r, order)))
		return NULL;
	check(&now);
	return checked(rs, r, &now, i);
}

/* The key a stored receipt names: --key, keys/FINGERPRINT.pem, or the
 * platform's. */
static const char *
key_for(struct jm_receipts *rs, const char *doc, char *msg, size_t sz)
{
	const char *k = strstr(doc, " key=\"");
	char fp[65] = "", *path, *pem;
	size_t n;

	if (rs->keyfile || !k || sscanf(k, " key=\"%64[0-9a-f]\"", fp) != 1)
		return platform_key(rs, msg, sz);
	if (rs->pub && !strcmp(rs->fp, fp))
		return rs->pub;
	path = jm_asprintf("%s/keys/%s.pem", jm_dir_name(JM_DIR_DATA), fp);
	pem = jm_read_file(path, 65536, &n);
	free(path);
	if (!pem)
		return platform_key(rs, msg, sz);
	free(rs->pub);
	rs->pub = pem;
	snprintf(rs->fp, sizeof rs->fp, "%s", fp);
	return rs->pub;
}

/* A stored file read for checking, and the key it names: 1; or 0 (not a
 * receipt) and -1 (unreadable), why in msg. */
static int
to_verify(struct jm_receipts *rs, const char *path, char **doc, size_t *len,
    const char **pub, char *msg, size_t sz)
{
	if (!(*doc = jm_read_file(path, JM_RECEIPT_MAX_SIZE, len))) {
		snprintf(msg, sz, "%s", errno == EFBIG ? _("larger than a "
		    "receipt can be: not read") : strerror(errno));
		return errno == EFBIG ? 0 : -1;
	}
	if (memchr(*doc, '\0', *len)) {
		snprintf(msg, sz, _("not a receipt: binary data"));
		return 0;
	}
	return (*pub = key_for(rs, *doc, msg, sz)) != NULL;
}

int
jm_receipts_verify_file(struct jm_receipts *rs, const char *path,
    struct jm_receipt *rc, char *msg, size_t sz)
{
	const char *pub;
	char *doc = NULL;
	size_t len;
	int ok = to_verify(rs, path, &doc, &len, &pub, msg, sz);

	if (ok > 0)
		ok = jm_receipt_verify(doc, len, pub, rc, msg, sz) == 1;
	free(doc);
	return ok;
}

/* One file of --verify, checked on the pool. */
struct vfile {
	char *doc, *pub;	/* the key: a copy, key_for may move on */
	size_t len;
	int ok;
	struct jm_receipt rc;
	char msg[512];
};

static void
vcheck(void *arg)
{
	struct vfile *v = arg;

	v->ok = jm_receipt_verify(v->doc, v->len, v->pub, &v->rc, v->msg,
	    sizeof v->msg) == 1;
}

#define VPART 64

void
jm_receipts_verify_files(struct jm_receipts *rs, char *const *paths,
    size_t n, void (*each)(const char *, int, const struct jm_receipt *,
    const char *, void *), void *ctx)
{
	struct vfile *v = jm_calloc(VPART, sizeof *v);
	const char *pub;
	size_t i, k, m;

	for (i = 0; i < n; i += m) {
		m = n - i < VPART ? n - i : VPART;
		for (k = 0; k < m; k++) {
			memset(&v[k].rc, 0, sizeof v[k].rc);
			v[k].ok = to_verify(rs, paths[i + k], &v[k].doc,
			    &v[k].len, &pub, v[k].msg, sizeof v[k].msg);
			if (v[k].ok <= 0)
				continue;
			v[k].pub = jm_strdup(pub);
			if (!rs->work)
				rs->work = jm_work_new();
			jm_work_add(rs->work, vcheck, &v[k]);
		}
		if (rs->work)
			jm_work_wait(rs->work);
		for (k = 0; k < m; k++) {
			each(paths[i + k], v[k].ok, &v[k].rc, v[k].msg, ctx);
			free(v[k].doc);
			free(v[k].pub);
			v[k].doc = v[k].pub = NULL;
		}
	}
	free(v);
}

int
jm_receipts_missing(struct jm_receipts *rs, const char *order)
{
	struct jm_stored s;

	return !still_stored(rs, order, &s);
}
