/* sandbox_receipt.c - the sandbox issues receipts: composed once per paid
 * payment, signed with the sandbox's SM2 key (made on first use, kept
 * private beside the database), and kept as issued */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "receipt.h"
#include "region.h"
#include "sandbox.h"
#include "sm2.h"
#include "util.h"

static char *
key_path(struct sandbox *sb)
{
	size_t n = strlen(sb->path);

	if (n > 3 && !strcmp(sb->path + n - 3, ".db"))
		return jm_asprintf("%.*s.key", (int)(n - 3), sb->path);
	return jm_asprintf("%s.key", sb->path);
}

static char *
meta(struct sandbox *sb, const char *key)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_META,
	    "SELECT value FROM meta WHERE key = ?");
	char *v = NULL;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = jm_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return v;
}

static int
meta_put(struct sandbox *sb, const char *key, const char *val)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_META_PUT,
	    "INSERT INTO meta VALUES(?, ?)");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static char *
read_all(const char *path)
{
	char *buf = jm_malloc(8192);
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || (n = read(fd, buf, 8191)) <= 0) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* The signing key: made on first use, the private half in a 0600 file
 * beside the database, the public half and its fingerprint in meta. The
 * file is written at once, meta with the batch: when the batch is rolled
 * back (a program killed, a disk full), the file outlives it, and meta is
 * made again from it. */
static int
keys(struct sandbox *sb, char **priv, char **pub, char fp[65],
    struct jm_perr *err)
{
	char *path = key_path(sb), *f;
	int fd, rc = -1;

	*pub = meta(sb, "public_key");
	*priv = read_all(path);
	if (*pub && *priv && (f = meta(sb, "key_fingerprint"))) {
		snprintf(fp, 65, "%s", f);
		free(f);
		rc = 0;
	} else if (!*pub && *priv && (*pub = jm_sm2_public_of(*priv)) &&
	    jm_sm2_fingerprint(*pub, fp) == 0 &&
	    meta_put(sb, "public_key", *pub) == 0 &&
	    meta_put(sb, "key_fingerprint", fp) == 0)
		rc = 0;
	else if (!*pub && !*priv && jm_sm2_keygen(priv, pub) == 0 &&
	    jm_sm2_fingerprint(*pub, fp) == 0 &&
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) >= 0) {
		if (write(fd, *priv, strlen(*priv)) == (ssize_t)strlen(*priv) &&
		    fsync(fd) == 0 && close(fd) == 0 &&
		    meta_put(sb, "public_key", *pub) == 0 &&
		    meta_put(sb, "key_fingerprint", fp) == 0)
			rc = 0;
	}
	if (rc < 0)
		jm_perr_set(err, "PLATFORM_ERROR", _("the sandbox's signing key "
		    "(%s) is missing or damaged"), path);
	free(path);
	return rc;
}

int
jm_sb_public_key(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	char *priv, *pub, fp[65];

	(void)req;
	if (keys(pl->impl, &priv, &pub, fp, err) < 0) {
		free(priv);
		free(pub);
		return -1;
	}
	*resp = json_object_new_object();
	json_object_object_add(*resp, "public_key",
	    json_object_new_string(pub));
	json_object_object_add(*resp, "fingerprint",
	    json_object_new_string(fp));
	free(priv);
	free(pub);
	return 0;
}

/* The receipt's facts from the payment, its person and its payer. */
static int
facts(struct sandbox *sb, const char *order, const char *payer,
    struct jm_receipt *r, struct jm_perr *err)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_RECEIPT_PAYMENT, "SELECT "
	    "p.order_id, p.year, p.item, p.amount_fen, p.channel, p.txn_id, "
	    "p.paid_at, per.insured_id, per.name, per.id_no, per.region, "
	    "pay.name, pay.id_no FROM payment p JOIN person per USING "
	    "(insured_id) JOIN payer pay ON pay.id_no = p.payer WHERE "
	    "p.order_id = ?1 AND p.status = 'paid' AND p.payer = ?2");
	const struct jm_region *city;
	char region[8];

	sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		jm_perr_set(err, "NOT_FOUND", _("no payment %.40s made by this "
		    "payer: a receipt is fetched by whoever paid"), order);
		return -1;
	}
	jm_db_text(st, 0, r->order_id, sizeof r->order_id);
	r->year = sqlite3_column_int(st, 1);
	jm_db_text(st, 2, r->item, sizeof r->item);
	r->amount = sqlite3_column_int64(st, 3);
	jm_db_text(st, 4, r->channel, sizeof r->channel);
	jm_db_text(st, 5, r->txn_id, sizeof r->txn_id);
	jm_db_text(st, 6, r->paid_at, sizeof r->paid_at);
	jm_db_text(st, 7, r->insured_id, sizeof r->insured_id);
	jm_db_text(st, 8, r->insured_name, sizeof r->insured_name);
	jm_db_text(st, 9, r->insured_id_no, sizeof r->insured_id_no);
	jm_db_text(st, 10, region, sizeof region);
	jm_db_text(st, 11, r->payer_name, sizeof r->payer_name);
	jm_db_text(st, 12, r->payer_id, sizeof r->payer_id);
	sqlite3_reset(st);
	city = jm_region_city(region);
	snprintf(r->office_code, sizeof r->office_code, "%.4s00", region);
	snprintf(r->office, sizeof r->office, "国家税务总局%s税务局",
	    city ? city->name : "安徽省");
	return 0;
}

static json_object *
answer(const char *no, const char *xml)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "receipt_no", json_object_new_string(no));
	json_object_object_add(o, "xml", json_object_new_string(xml));
	return o;
}

static int
stored(struct sandbox *sb, const char *order, json_object **resp)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_RECEIPT_GET, "SELECT receipt_no, "
	    "xml FROM receipt WHERE order_id = ?");
	int found = 0;

	sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*resp = answer((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

/* What only the issuer decides: number, time, code, settlement. */
static void
issue(struct sandbox *sb, struct jm_receipt *r)
{
	struct jm_date settle = jm_sb_settle_date(r->paid_at);
	char hex[24];
	sqlite3_stmt *st;
	long seq = 1;
	int i;

	st = jm_sb_stmt(sb, SB_RECEIPT_SEQ,
	    "SELECT IFNULL(MAX(rowid), 0) + 1 FROM receipt");
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* R, the city, the year, a number: nothing like an ID number */
	snprintf(r->receipt_no, sizeof r->receipt_no, "R%.4s%04d%08ld",
	    r->office_code, r->year % 10000, seq);
	jm_rfc3339(jm_now(), r->issued_at);
	snprintf(r->from, sizeof r->from, "%04d-01-01", r->year % 10000);
	snprintf(r->to, sizeof r->to, "%04d-12-31", r->year % 10000);
	jm_sb_random_hex(hex, 6);
	for (i = 0; i < 12; i++)
		r->verify_code[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	r->verify_code[12] = '\0';
	if (jm_date_cmp(settle, jm_today()) <= 0)
		jm_date_str(settle, r->settled_on);
	r->sandbox = 1;
}

int
jm_sb_receipt(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	const char *order = jm_sb_str(req, "order_id");
	char payer[32], *priv = NULL, *pub = NULL, *xml = NULL, fp[65];
	struct jm_receipt r = {0};
	sqlite3_stmt *st;
	int rc = -1;

	if (jm_sb_auth(sb, req, payer, sizeof payer, err) < 0)
		return -1;
	if (!order) {
		jm_perr_set(err, "MISSING_FIELD", _("order_id is missing"));
		return -1;
	}
	if (facts(sb, order, payer, &r, err) < 0)
		return -1;
	if (stored(sb, order, resp))
		return 0;
	if (keys(sb, &priv, &pub, fp, err) < 0)
		goto out;
	issue(sb, &r);
	if (!(xml = jm_receipt_compose(&r, priv, fp))) {
		jm_perr_set(err, "PLATFORM_ERROR", _("cannot sign the receipt"));
		goto out;
	}
	st = jm_sb_stmt(sb, SB_RECEIPT_PUT, "INSERT INTO receipt VALUES(?, ?, "
	    "?, ?)");
	sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r.receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, xml, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r.issued_at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		jm_sb_dberr(sb, err);
		goto out;
	}
	*resp = answer(r.receipt_no, xml);
	rc = 0;
out:
	free(priv);
	free(pub);
	free(xml);
	return rc;
}

void
jm_sandbox_receipts(void)
{
	jm_sb_add_ops(jm_sb_receipt, jm_sb_public_key);
}
