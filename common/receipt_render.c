/* receipt_render.c - receipts for people: text with masked ID numbers, and
 * printable HTML through share/receipt.xsl (libxslt) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "files.h"
#include "identity.h"
#include "money.h"
#include "paths.h"
#include "receipts.h"
#include "utf8.h"
#include "util.h"

static void
row(FILE *f, const char *label, const char *value)
{
	char safe[512];
	int pad = 14 - jm_utf8_width(label);

	fprintf(f, "  %s%*s%s\n", label, pad > 1 ? pad : 1, "",
	    jm_terminal_text(value, safe, sizeof safe));
}

void
jm_receipt_text(const struct jm_receipt *r, int verified, FILE *f)
{
	char m1[40], m2[40], y[32], cap[160], buf[512];

	fprintf(f, "%s\n", r->sandbox ? _("社保费电子缴款单 (jm sandbox: "
	    "synthetic, NOT a real receipt)") : "社保费电子缴款单");
	row(f, _("Receipt no."), r->receipt_no);
	row(f, _("Office"), r->office);
	row(f, _("Issued"), r->issued_at);
	snprintf(buf, sizeof buf, "%s %s", r->payer_name,
	    r->payer_id[0] ? jm_mask_id(r->payer_id, m1) : "");
	row(f, _("Payer"), buf);
	snprintf(buf, sizeof buf, "%s %s", r->insured_name,
	    r->insured_id_no[0] ? jm_mask_id(r->insured_id_no, m2) : "");
	row(f, _("Insured"), buf);
	row(f, _("Item"), jm_item_name(r->item));
	snprintf(buf, sizeof buf, "%d年度 (%s .. %s)", r->year, r->from, r->to);
	row(f, _("Period"), buf);
	snprintf(buf, sizeof buf, "%s %s  %s", jm_yuan(r->amount, y),
	    _("yuan"), jm_capitals(r->amount, cap, sizeof cap));
	row(f, _("Amount"), buf);
	row(f, _("Channel"), jm_channel_name(r->channel));
	row(f, _("Order"), r->order_id);
	row(f, _("Paid"), r->paid_at);
	row(f, _("Verify code"), r->verify_code);
	snprintf(buf, sizeof buf, "%s%s%s", !strcmp(r->settlement, "settled")
	    ? "已入库 settled " : "待入库 pending", r->settled_on,
	    "");
	row(f, _("Settlement"), buf);
	row(f, _("Signature"), verified ? _("SM2/SM3, verified") :
	    _("NOT verified"));
	fputc('\n', f);
}

/* The stylesheet, read by us (the entity loader denies every file). */
static xsltStylesheetPtr
stylesheet(void)
{
	char *path = jm_share_path("receipt.xsl"), *text;
	xsltStylesheetPtr xsl;
	xmlDocPtr d;
	size_t n;

	if (!(text = jm_read_file(path, 1 << 20, &n)))
		jm_die("%s: %s", path, strerror(errno));
	d = xmlReadMemory(text, (int)n, "receipt.xsl", NULL, XML_PARSE_NONET);
	if (!d || !(xsl = xsltParseStylesheetDoc(d)))
		jm_die(_("%s: not a usable stylesheet"), path);
	free(text);
	free(path);
	return xsl;
}

/* Gather the receipts into one document: <receipts>...</receipts>. */
static xmlDocPtr
gather(char **paths, size_t n)
{
	xmlDocPtr all = xmlNewDoc((const xmlChar *)"1.0"), d;
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"receipts");
	size_t i, len;
	char *text;

	xmlDocSetRootElement(all, root);
	for (i = 0; i < n; i++) {
		if (!(text = jm_read_file(paths[i], JM_RECEIPT_MAX_SIZE, &len)))
			continue;
		d = xmlReadMemory(text, (int)len, "receipt.xml", NULL,
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (d && xmlDocGetRootElement(d))
			xmlAddChild(root, xmlDocCopyNode(xmlDocGetRootElement(
			    d), all, 1));
		xmlFreeDoc(d);
		free(text);
	}
	return all;
}

int
jm_receipt_html(char **paths, size_t n, FILE *f)
{
	xsltSecurityPrefsPtr sec = xsltNewSecurityPrefs();
	xsltStylesheetPtr xsl;
	xsltTransformContextPtr ctx;
	xmlDocPtr all, out;
	int rc;

	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
	    xsltSecurityForbid);
	xsl = stylesheet();
	all = gather(paths, n);
	ctx = xsltNewTransformContext(xsl, all);
	xsltSetCtxtSecurityPrefs(sec, ctx);
	out = xsltApplyStylesheetUser(xsl, all, NULL, NULL, NULL, ctx);
	rc = out && xsltSaveResultToFile(f, out, xsl) >= 0 ? 0 : -1;
	xsltFreeTransformContext(ctx);
	xmlFreeDoc(out);
	xmlFreeDoc(all);
	xsltFreeStylesheet(xsl);
	xsltFreeSecurityPrefs(sec);
	return rc;
}
