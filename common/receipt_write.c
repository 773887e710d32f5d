/* receipt_write.c - composing a receipt document: its signed content is
 * laid out line by line so that sed, base64 and openssl can check it */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "receipt.h"
#include "sm2.h"
#include "util.h"

const char *
jm_item_name(const char *item)
{
	if (!strcmp(item, "medical"))
		return "城乡居民基本医疗保险费";
	if (!strcmp(item, "pension"))
		return "城乡居民基本养老保险费";
	return item;
}

const char *
jm_channel_name(const char *ch)
{
	static const char *const names[][2] = {{"alipay", "支付宝"},
	    {"wechat", "微信"}, {"wanshitong", "皖事通"},
	    {"bank", "银行卡"}, {"family", "医保个人账户共济"}};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(ch, names[i][0]))
			return names[i][1];
	return ch;
}

static void
esc(struct jm_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': jm_buf_puts(b, "&amp;"); break;
		case '<': jm_buf_puts(b, "&lt;"); break;
		case '>': jm_buf_puts(b, "&gt;"); break;
		case '"': jm_buf_puts(b, "&quot;"); break;
		case '\'': jm_buf_puts(b, "&apos;"); break;
		default: jm_buf_add(b, s, 1);
		}
}

/* <tag>text</tag> on a line of its own */
static void
line(struct jm_buf *b, const char *tag, const char *text)
{
	jm_buf_printf(b, "  <%s>", tag);
	esc(b, text);
	jm_buf_printf(b, "</%s>\n", tag);
}

static void
person(struct jm_buf *b, const char *tag, const char *name, const char *id,
    const char *insured)
{
	jm_buf_printf(b, "  <%s><name>", tag);
	esc(b, name);
	jm_buf_puts(b, "</name>");
	if (*id) {
		jm_buf_puts(b, "<id_no>");
		esc(b, id);
		jm_buf_puts(b, "</id_no>");
	}
	if (insured && *insured) {
		jm_buf_puts(b, "<insured_id>");
		esc(b, insured);
		jm_buf_puts(b, "</insured_id>");
	}
	jm_buf_printf(b, "</%s>\n", tag);
}

static void
content(struct jm_buf *b, const struct jm_receipt *r)
{
	char y[32], cap[160];

	jm_buf_puts(b, "<content>\n");
	line(b, "receipt_no", r->receipt_no);
	jm_buf_printf(b, "  <office code=\"%s\">", r->office_code);
	esc(b, r->office);
	jm_buf_puts(b, "</office>\n");
	line(b, "issued_at", r->issued_at);
	person(b, "payer", r->payer_name, r->payer_id, NULL);
	person(b, "insured", r->insured_name, r->insured_id_no, r->insured_id);
	jm_buf_printf(b, "  <item code=\"%s\">%s</item>\n", r->item,
	    jm_item_name(r->item));
	jm_buf_printf(b, "  <period year=\"%d\" from=\"%s\" to=\"%s\">%d年度"
	    "</period>\n", r->year, r->from, r->to, r->year);
	jm_buf_printf(b, "  <amount fen=\"%" PRId64 "\" yuan=\"%s\">%s</amount>"
	    "\n", r->amount, jm_yuan(r->amount, y), jm_capitals(r->amount, cap,
	    sizeof cap));
	jm_buf_printf(b, "  <channel code=\"%s\">%s</channel>\n", r->channel,
	    jm_channel_name(r->channel));
	line(b, "order_id", r->order_id);
	line(b, "txn_id", r->txn_id);
	line(b, "paid_at", r->paid_at);
	line(b, "verify_code", r->verify_code);
	if (r->settled_on[0])
		jm_buf_printf(b, "  <settlement state=\"settled\" date=\"%s\">"
		    "已入库</settlement>\n", r->settled_on);
	else
		jm_buf_puts(b, "  <settlement state=\"pending\">待入库"
		    "</settlement>\n");
	jm_buf_printf(b, "  <sandbox>%s</sandbox>\n", r->sandbox ? "true" :
	    "false");
	jm_buf_puts(b, "</content>\n");
}

char *
jm_receipt_compose(const struct jm_receipt *r, const char *priv,
    const char *fp)
{
	struct jm_buf b = {0};
	size_t start, n;
	char *sig;

	jm_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	jm_buf_puts(&b, r->sandbox ? "<!-- 社保费电子缴款单: jm sandbox, "
	    "synthetic, NOT a real receipt -->\n" : "<!-- 社保费电子缴款单 "
	    "-->\n");
	jm_buf_puts(&b, "<receipt version=\"1\">\n");
	start = b.len;
	content(&b, r);
	n = b.len - start;
	if (!(sig = jm_sm2_sign(priv, b.s + start, n))) {
		jm_buf_free(&b);
		return NULL;
	}
	jm_buf_printf(&b, "<signature algorithm=\"SM2-SM3\" distid=\"%s\" "
	    "key=\"%s\">%s</signature>\n</receipt>\n", JM_SM2_DISTID, fp, sig);
	free(sig);
	return b.s;
}

/* The one occurrence of a line, or NULL. */
static const char *
only_line(const char *doc, size_t len, const char *ln)
{
	const char *p = memmem(doc, len, ln, strlen(ln)), *q;

	if (!p)
		return NULL;
	q = memmem(p + 1, len - (size_t)(p + 1 - doc), ln, strlen(ln));
	return q ? NULL : p;
}

/* How many times s occurs in doc. */
static int
occurs(const char *doc, size_t len, const char *s)
{
	const char *p = doc, *end = doc + len;
	int n = 0;

	while ((p = memmem(p, (size_t)(end - p), s, strlen(s)))) {
		n++;
		p++;
	}
	return n;
}

const char *
jm_receipt_signed(const char *doc, size_t len, size_t *n)
{
	const char *a = only_line(doc, len, "\n<content>\n");
	const char *z = only_line(doc, len, "\n</content>\n");

	/* one content element, and no other text that looks like one (in a
	 * comment, say) that the signed lines could be taken from */
	if (!a || !z || z < a || occurs(doc, len, "<content") != 1 ||
	    occurs(doc, len, "</content") != 1)
		return NULL;
	*n = (size_t)(z - a) + strlen("</content>\n");
	return a + 1;
}
