/* receipt.c - reading and verifying receipts with libxml2: bounded input,
 * no network, no DTD, no entities, the schema, then the signature */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "paths.h"
#include "receipt.h"
#include "sm2.h"
#include "utf8.h"
#include "util.h"

static xmlSchemaPtr schema;

/* The first error libxml2 reports while checking a document: each thread
 * that checks one routes them to a buffer of its call. */
struct first_err {
	char s[256];
};

/* No document may make libxml2 read a file or the network. */
static xmlParserInputPtr
deny_all(const char *url, const char *id, xmlParserCtxtPtr ctx)
{
	(void)url;
	(void)id;
	(void)ctx;
	return NULL;
}

/* The first error, on one line (libxml2 ends its messages with a
 * newline), cut to fit at a character's end. */
static void
quiet(void *ctx, const xmlError *e)
{
	struct first_err *fe = ctx;
	char line[1024];

	if (!fe || !e || !e->message || fe->s[0])
		return;
	snprintf(line, sizeof line, "line %d: %.*s", e->line,
	    (int)strcspn(e->message, "\n"), e->message);
	jm_terminal_text(line, fe->s, sizeof fe->s);
}

/* The schema from share/, read by us, so the loader can deny all; once,
 * whichever thread checks first (libxml2's schema parser is not
 * reentrant; validating with the parsed schema is). */
static void
init_once(void)
{
	char *path, *text;
	xmlSchemaParserCtxtPtr pc;
	size_t n;
	FILE *f;

	xmlInitParser();
	xmlSetExternalEntityLoader(deny_all);
	xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)quiet);
	path = jm_share_path("receipt.xsd");
	if (!(f = fopen(path, "r")))
		jm_die("%s: %s", path, strerror(errno));
	text = jm_malloc(JM_RECEIPT_MAX_SIZE);
	n = fread(text, 1, JM_RECEIPT_MAX_SIZE, f);
	fclose(f);
	pc = xmlSchemaNewMemParserCtxt(text, (int)n);
	if (!pc || !(schema = xmlSchemaParse(pc)))
		jm_die(_("%s: not a usable schema"), path);
	xmlSchemaFreeParserCtxt(pc);
	free(text);
	free(path);
}

static void
init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init_once);
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    !strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

/* A field into its buffer: cut, if need be, at a character's end, and
 * without control characters (the fields are shown on terminals). */
static void
text(xmlNodePtr n, char *buf, size_t sz)
{
	xmlChar *s = n ? xmlNodeGetContent(n) : NULL;

	jm_terminal_text((const char *)s, buf, sz);
	xmlFree(s);
}

static void
attr(xmlNodePtr n, const char *name, char *buf, size_t sz)
{
	xmlChar *s = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;

	jm_terminal_text((const char *)s, buf, sz);
	xmlFree(s);
}

static void
fields(xmlNodePtr c, struct jm_receipt *r)
{
	xmlNodePtr n;
	char buf[64];

	text(child(c, "receipt_no"), r->receipt_no, sizeof r->receipt_no);
	n = child(c, "office");
	text(n, r->office, sizeof r->office);
	attr(n, "code", r->office_code, sizeof r->office_code);
	text(child(c, "issued_at"), r->issued_at, sizeof r->issued_at);
	n = child(c, "payer");
	text(child(n, "name"), r->payer_name, sizeof r->payer_name);
	text(child(n, "id_no"), r->payer_id, sizeof r->payer_id);
	n = child(c, "insured");
	text(child(n, "name"), r->insured_name, sizeof r->insured_name);
	text(child(n, "id_no"), r->insured_id_no, sizeof r->insured_id_no);
	text(child(n, "insured_id"), r->insured_id, sizeof r->insured_id);
	attr(child(c, "item"), "code", r->item, sizeof r->item);
	n = child(c, "period");
	attr(n, "year", buf, sizeof buf);
	r->year = atoi(buf);
	attr(n, "from", r->from, sizeof r->from);
	attr(n, "to", r->to, sizeof r->to);
	attr(child(c, "amount"), "fen", buf, sizeof buf);
	r->amount = strtoll(buf, NULL, 10);
	attr(child(c, "channel"), "code", r->channel, sizeof r->channel);
	text(child(c, "order_id"), r->order_id, sizeof r->order_id);
	text(child(c, "txn_id"), r->txn_id, sizeof r->txn_id);
	text(child(c, "paid_at"), r->paid_at, sizeof r->paid_at);
	text(child(c, "verify_code"), r->verify_code, sizeof r->verify_code);
	n = child(c, "settlement");
	attr(n, "state", r->settlement, sizeof r->settlement);
	attr(n, "date", r->settled_on, sizeof r->settled_on);
	text(child(c, "sandbox"), buf, sizeof buf);
	r->sandbox = !strcmp(buf, "true") || !strcmp(buf, "1");
}

static int
valid(xmlDocPtr d, struct first_err *fe, char *msg, size_t sz)
{
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	int rc;

	fe->s[0] = '\0';
	rc = vc ? xmlSchemaValidateDoc(vc, d) : -1;
	xmlSchemaFreeValidCtxt(vc);
	if (rc != 0)
		snprintf(msg, sz, _("does not follow receipt.xsd (%s)"),
		    fe->s[0] ? fe->s : "?");
	return rc == 0;
}

/* The line of doc at p. */
static long
line_at(const char *doc, const char *p)
{
	long n = 1;

	for (; doc < p; doc++)
		n += *doc == '\n';
	return n;
}

/* The signature over the signed lines, by the key the document names; and
 * the content the parser read is those lines, not text elsewhere. */
static int
signed_by(const char *doc, size_t len, xmlNodePtr content, xmlNodePtr sig,
    const char *pub, char *msg, size_t sz)
{
	char key[80], fp[65], b64[256], shown[17];
	const char *body;
	size_t n;
	int rc;

	attr(sig, "key", key, sizeof key);
	text(sig, b64, sizeof b64);
	if (!(body = jm_receipt_signed(doc, len, &n)) ||
	    xmlGetLineNo(content) != line_at(doc, body)) {
		snprintf(msg, sz, _("the signed lines cannot be found, or are "
		    "not the content read"));
		return 0;
	}
	if (jm_sm2_fingerprint(pub, fp) < 0 || strcmp(fp, key) != 0) {
		snprintf(msg, sz, _("signed by another key (%s...), not the "
		    "platform's (%.16s...)"), jm_terminal_text(key, shown,
		    sizeof shown), fp);
		return 0;
	}
	if ((rc = jm_sm2_verify(pub, body, n, b64)) != 1) {
		snprintf(msg, sz, rc < 0 ? _("the signature cannot be read") :
		    _("altered: the signature does not match the content"));
		return 0;
	}
	return 1;
}

/* The bytes, before any parser: the size, no binary, no DTD or entity. */
static int
readable(const char *doc, size_t len, char *msg, size_t sz)
{
	if (len > JM_RECEIPT_MAX_SIZE) {
		snprintf(msg, sz, _("larger than %d bytes: not a receipt"),
		    JM_RECEIPT_MAX_SIZE);
		return 0;
	}
	if (memchr(doc, '\0', len)) {
		snprintf(msg, sz, _("a receipt is UTF-8 text, not binary data "
		    "(UTF-16?): refused unread"));
		return 0;
	}
	if (memmem(doc, len, "<!DOCTYPE", 9) || memmem(doc, len, "<!ENTITY",
	    8)) {
		snprintf(msg, sz, _("a receipt has no DTD and no entities: "
		    "refused unread"));
		return 0;
	}
	return 1;
}

/* Parsed, held to the schema, its signature checked. libxml2 reports to
 * the handler of the calling thread: to fe, while this runs. */
static int
genuine(const char *doc, size_t len, const char *pub, struct jm_receipt *r,
    char *msg, size_t sz)
{
	struct first_err fe = {""};
	xmlDocPtr d;
	xmlNodePtr root;
	int ok = 0;

	xmlSetStructuredErrorFunc(&fe, (xmlStructuredErrorFunc)quiet);
	/* never XML_PARSE_NOENT, DTDLOAD or HUGE */
	d = xmlReadMemory(doc, (int)len, "receipt.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!d)
		snprintf(msg, sz, _("not well-formed XML"));
	/* a DTD in an encoding the byte search above cannot read */
	else if (d->intSubset || d->extSubset)
		snprintf(msg, sz, _("a receipt has no DTD and no entities: "
		    "refused"));
	else if (valid(d, &fe, msg, sz) && (root = xmlDocGetRootElement(d)) &&
	    signed_by(doc, len, child(root, "content"), child(root,
	    "signature"), pub, msg, sz)) {
		fields(child(root, "content"), r);
		attr(child(root, "signature"), "key", r->key, sizeof r->key);
		ok = 1;
	}
	xmlFreeDoc(d);
	xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)quiet);
	return ok;
}

int
jm_receipt_verify(const char *doc, size_t len, const char *pub,
    struct jm_receipt *r, char *msg, size_t sz)
{
	init();
	memset(r, 0, sizeof *r);
	return readable(doc, len, msg, sz) && genuine(doc, len, pub, r, msg,
	    sz);
}
