/* csv.c - CSV rosters (RFC 4180, Excel and WPS dialects) read as records */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "utf8.h"
#include "util.h"

/* xgettext sees no macros: the message below spells the limit out. */
_Static_assert(JM_CSV_MAX_COLS == 256, "the CSV message says 256 fields");

/* A physical line, owned: as read, or held back to be read again. */
struct held {
	struct jm_line ln;	/* ln.s is allocated */
	int utf8;		/* checked, and converted if need be */
};

/* A row: its physical lines and, for a bad one, what is wrong. */
struct row {
	struct held h[JM_CSV_MAX_LINES];
	int nh;
	const char *code;
	const char *why;	/* untranslated */
};

enum { ROW_END, ROW_OK, ROW_BAD, ROW_OPEN };
enum { ENC_UNKNOWN, ENC_UTF8, ENC_GBK };

struct jm_csv {
	char sep, fsep;		/* the option's, and this file's (sep=X) */
	const char *file;
	int have_header, enc, skipping;
	int ncols;
	char *cols[JM_CSV_MAX_COLS];	/* record key per column, "": skip */
	struct held back[JM_CSV_MAX_LINES + 1];	/* lines to read again */
	int nback;
	struct jm_buf raw, row;
	char *fields[JM_CSV_MAX_COLS];
	int nfields;
	iconv_t cd;		/* GB18030 to UTF-8, opened when needed */
};

static const struct { const char *h, *key; } headers[] = {
	{"身份证号", "id_no"}, {"身份证号码", "id_no"},
	{"公民身份号码", "id_no"}, {"证件号码", "id_no"},
	{"证件类型", "id_type"}, {"姓名", "name"},
	{"参保地", "region"}, {"地区代码", "region"}, {"参保地区", "region"},
	{"人员类别", "category"}, {"资助类别", "aid"},
	{"与缴费人关系", "relation"}, {"关系", "relation"},
	{"手机号", "phone"}, {"手机号码", "phone"}, {"联系电话", "phone"},
	{"乡镇/街道", "town"}, {"乡镇（街道）", "town"},
	{"乡镇(街道)", "town"}, {"乡镇", "town"}, {"街道", "town"},
	{"村/社区", "village"}, {"村（社区）", "village"},
	{"村(社区)", "village"}, {"村", "village"}, {"社区", "village"},
	{"监护人身份证号", "guardian_id_no"},
	{"监护人身份证号码", "guardian_id_no"},
	{"出生医学证明编号", "birth_cert_no"}, {"出生日期", "birth_date"},
};

static const char *keys[] = {"id_no", "id_type", "name", "phone", "region",
    "category", "aid", "relation", "birth_date", "guardian_id_no",
    "birth_cert_no", "town", "village"};

/* Keys the tools write (objects): a column of that name is ignored. */
static const char *owned[] = {"registration", "binding", "quote", "payment",
    "receipt", "error"};

static const struct { const char *key, *zh, *val; } values[] = {
	{"relation", "本人", "self"}, {"relation", "配偶", "spouse"},
	{"relation", "丈夫", "spouse"}, {"relation", "妻子", "spouse"},
	{"relation", "父母", "parent"}, {"relation", "父亲", "parent"},
	{"relation", "母亲", "parent"}, {"relation", "子女", "child"},
	{"relation", "儿子", "child"}, {"relation", "女儿", "child"},
	{"relation", "兄弟姐妹", "sibling"}, {"relation", "兄弟", "sibling"},
	{"relation", "姐妹", "sibling"},
	{"relation", "祖父母", "grandparent"},
	{"relation", "外祖父母", "grandparent"},
	{"relation", "祖父", "grandparent"}, {"relation", "祖母", "grandparent"},
	{"relation", "外祖父", "grandparent"},
	{"relation", "外祖母", "grandparent"},
	{"relation", "孙子女", "grandchild"},
	{"relation", "外孙子女", "grandchild"},
	{"relation", "孙子", "grandchild"}, {"relation", "孙女", "grandchild"},
	{"relation", "外孙", "grandchild"}, {"relation", "外孙女", "grandchild"},
	{"relation", "其他", "other"},
	{"category", "居民", "resident"}, {"category", "城乡居民", "resident"},
	{"category", "中小学生", "pupil"}, {"category", "大学生", "university"},
	{"category", "新生儿", "newborn"},
	{"aid", "特困", "extreme-poverty"},
	{"aid", "特困人员", "extreme-poverty"}, {"aid", "孤儿", "orphan"},
	{"aid", "重度残疾", "severe-disability"},
	{"aid", "重度残疾人", "severe-disability"},
	{"aid", "低保", "minimum-living"}, {"aid", "低保对象", "minimum-living"},
	{"aid", "返贫致贫", "poverty-relapse"},
	{"aid", "返贫致贫人口", "poverty-relapse"},
	{"aid", "监测", "monitored"}, {"aid", "防止返贫监测", "monitored"},
	{"aid", "监测对象", "monitored"}, {"aid", "无", ""},
	{"id_type", "居民身份证", "resident"},
	{"id_type", "身份证", "resident"},
	{"id_type", "港澳台居民居住证", "hmt-permit"},
	{"id_type", "港澳居民居住证", "hmt-permit"},
	{"id_type", "台湾居民居住证", "hmt-permit"},
	{"id_type", "外国人永久居留身份证", "foreign-permanent"},
	{"id_type", "外国人永久居留证", "foreign-permanent"},
};

const char *
jm_csv_key(const char *h)
{
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(h, keys[i]) == 0)
			return keys[i];
	for (i = 0; i < sizeof headers / sizeof headers[0]; i++)
		if (strcmp(h, headers[i].h) == 0)
			return headers[i].key;
	return NULL;
}

const char *
jm_csv_value(const char *key, const char *v)
{
	size_t i;

	for (i = 0; i < sizeof values / sizeof values[0]; i++)
		if (strcmp(key, values[i].key) == 0 &&
		    strcmp(v, values[i].zh) == 0)
			return values[i].val;
	return v;
}

struct jm_csv *
jm_csv_new(char sep)
{
	struct jm_csv *c = jm_calloc(1, sizeof *c);

	c->sep = c->fsep = sep;
	c->cd = (iconv_t)-1;
	return c;
}

static void
reset_header(struct jm_csv *c)
{
	int i;

	for (i = 0; i < c->ncols; i++)
		free(c->cols[i]);
	c->ncols = 0;
	c->have_header = 0;
}

/* A file ends: the next one has its own header, encoding and separator. */
static void
end_file(struct jm_csv *c)
{
	reset_header(c);
	c->enc = ENC_UNKNOWN;
	c->fsep = c->sep;
}

void
jm_csv_free(struct jm_csv *c)
{
	int i;

	if (!c)
		return;
	reset_header(c);
	for (i = 0; i < c->nback; i++)
		free(c->back[i].ln.s);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	jm_buf_free(&c->row);
	jm_buf_free(&c->raw);
	free(c);
}

/* Bytes of the space at s (ASCII, no-break, ideographic); 0 if none. */
static size_t
space_at(const char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if (strncmp(s, "\xc2\xa0", 2) == 0)
		return 2;
	if (strncmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* Bytes of the space ending at e, not before s; 0 if none. */
static size_t
space_before(const char *s, const char *e)
{
	if (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		return 1;
	if (e - s >= 2 && memcmp(e - 2, "\xc2\xa0", 2) == 0)
		return 2;
	if (e - s >= 3 && memcmp(e - 3, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* s without the spaces and the bytes of also around it, in place. */
static char *
trim(char *s, const char *also)
{
	char *e;
	size_t k;

	for (;;) {
		if ((k = space_at(s)) > 0)
			s += k;
		else if (*s && strchr(also, *s))
			s++;
		else
			break;
	}
	for (e = s + strlen(s); e > s; e -= k) {
		k = space_before(s, e);
		if (k == 0 && strchr(also, e[-1]))
			k = 1;
		if (k == 0)
			break;
	}
	*e = '\0';
	return s;
}

/* Put a line back, to be read next. */
static void
push_front(struct jm_csv *c, const struct held *h)
{
	if (c->nback == JM_CSV_MAX_LINES + 1)
		jm_die("csv: too many lines held back");
	memmove(c->back + 1, c->back, c->nback * sizeof c->back[0]);
	c->back[0] = *h;
	c->nback++;
}

/*
 * The next physical line, from the held-back ones first. 0 at the end of
 * the input, and at the end of a file while a row is open or the file is
 * being skipped (the new file's first line is kept for later).
 */
static int
next_line(struct jm_csv *c, struct jm_lines *l, struct held *h, int in_row)
{
	struct jm_line ln;

	if (c->nback > 0) {
		*h = c->back[0];
		c->nback--;
		memmove(c->back, c->back + 1, c->nback * sizeof c->back[0]);
	} else if (jm_lines_next(l, &ln)) {
		h->ln = ln;
		h->ln.s = jm_malloc(ln.len + 1);
		memcpy(h->ln.s, ln.s, ln.len + 1);
		h->utf8 = 0;
	} else
		return 0;
	if (h->ln.first && (in_row || c->skipping)) {
		push_front(c, h);
		return 0;
	}
	if (h->ln.first) {
		end_file(c);
		c->file = h->ln.file;
	}
	return 1;
}

/* GB18030 (what Excel writes on Chinese Windows) to UTF-8; 0 if not. */
static int
from_gbk(struct jm_csv *c, struct held *h)
{
	size_t n = h->ln.len, cap = n * 2 + 4, left = cap - 1;
	char *out, *o, *in = h->ln.s;

	if (c->cd == (iconv_t)-1)
		c->cd = iconv_open("UTF-8", "GB18030");
	if (c->cd == (iconv_t)-1)
		return 0;
	iconv(c->cd, NULL, NULL, NULL, NULL);
	out = o = jm_malloc(cap);
	if (iconv(c->cd, &in, &n, &o, &left) == (size_t)-1) {
		free(out);
		return 0;
	}
	*o = '\0';
	free(h->ln.s);
	h->ln.s = out;
	h->ln.len = (size_t)(o - out);
	return 1;
}

static int
ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Decode the line: a file is UTF-8 or GBK as its first line that is not
 * ASCII says (usually the header). 0 if the line is neither.
 */
static int
decode(struct jm_csv *c, struct held *h)
{
	size_t n = h->ln.len;

	if (c->enc != ENC_GBK && jm_utf8_check(h->ln.s, n) == n) {
		if (c->enc == ENC_UNKNOWN && !ascii(h->ln.s, n))
			c->enc = ENC_UTF8;
		return 1;
	}
	if (c->enc == ENC_UTF8 || !from_gbk(c, h))
		return 0;
	if (c->enc == ENC_UNKNOWN && !c->skipping)
		jm_warn(_("%s: the file is in GBK (GB18030), not UTF-8: read "
		    "as GBK"), c->file ? c->file : "<stdin>");
	c->enc = ENC_GBK;
	return 1;
}

/* Make the line UTF-8: NULL, or the error code and *why. */
static const char *
utf8_line(struct jm_csv *c, struct held *h, const char **why)
{
	if (h->utf8)
		return NULL;
	/* lines.c passes lines of up to twice the limit whole */
	if (h->ln.too_long || h->ln.len > JM_MAX_LINE) {
		if (!h->ln.too_long)
			h->ln.full_len = h->ln.len;
		h->ln.too_long = 1;
		return "LINE_TOO_LONG";
	}
	if (memchr(h->ln.s, '\0', h->ln.len)) {
		*why = N_("the line has a NUL byte (a UTF-16 file?): save the "
		    "roster as \"CSV UTF-8\"");
		return "CSV_ENCODING";
	}
	if (!decode(c, h)) {
		*why = c->enc == ENC_GBK ? N_("the line is not GB18030 as the "
		    "rest of the file is") : N_("the line is not UTF-8: save "
		    "the roster as \"CSV UTF-8\", or convert it with iconv -f "
		    "GB18030 -t UTF-8");
		return "CSV_ENCODING";
	}
	h->utf8 = 1;
	return NULL;
}

/*
 * Split the row in c->row into fields. Returns 1 for a whole row, 0 when a
 * quoted field goes on past the end of the line, -1 for a syntax error.
 */
static int
split(struct jm_csv *c, const char **why)
{
	char *s = c->row.s, *o = c->row.s;
	int q;

	for (c->nfields = 0;; s++) {
		if (c->nfields == JM_CSV_MAX_COLS) {
			*why = N_("the row has more than 256 fields");
			return -1;
		}
		c->fields[c->nfields++] = o;
		/* ="..." is how some exports keep an ID number text */
		if (s[0] == '=' && s[1] == '"')
			s++;
		if ((q = *s == '"'))
			s++;
		for (;;) {
			if (q && *s == '"' && s[1] == '"') {
				*o++ = '"';
				s += 2;
			} else if (q && *s == '"') {
				q = 0;
				if (*++s && *s != c->fsep) {
					*why = N_("text after a closing quote");
					return -1;
				}
			} else if (*s == '\0') {
				*o = '\0';
				return q ? 0 : 1;
			} else if (!q && *s == c->fsep) {
				break;
			} else if (!q && (*s == '"' || *s == '\r')) {
				*why = *s == '"' ? N_("a quote inside an "
				    "unquoted field") : N_("a CR inside a line "
				    "(lines ended by CR alone?): save the roster "
				    "as \"CSV UTF-8\"");
				return -1;
			} else
				*o++ = *s++;
		}
		*o++ = '\0';
	}
}

static int
blank(const char *s)
{
	return s[strspn(s, " \t,;|")] == '\0';
}

static void
add_line(struct jm_csv *c, struct row *rw, const struct held *h)
{
	if (rw->nh > 0)
		jm_buf_add(&c->raw, "\n", 1);
	jm_buf_add(&c->raw, h->ln.s, h->ln.len);
	rw->h[rw->nh++] = *h;
	c->row.len = 0;
	jm_buf_add(&c->row, c->raw.s, c->raw.len);
}

/*
 * Read one row, joining physical lines while a quote is open. ROW_OPEN: the
 * quote was never closed (the end of the file, a bad line, a syntax error
 * on a later line, or the limits came first).
 */
static int
read_row(struct jm_csv *c, struct jm_lines *l, struct row *rw)
{
	struct held h;
	int k;

	c->raw.len = 0;
	rw->code = rw->why = NULL;
	for (rw->nh = 0;;) {
		if (!next_line(c, l, &h, rw->nh > 0))
			return rw->nh ? ROW_OPEN : ROW_END;
		if ((rw->code = utf8_line(c, &h, &rw->why)) && rw->nh > 0) {
			push_front(c, &h);
			return ROW_OPEN;
		}
		if (rw->code) {
			rw->h[rw->nh++] = h;
			return ROW_BAD;
		}
		if (rw->nh == 0 && blank(h.ln.s)) {
			free(h.ln.s);
			continue;
		}
		add_line(c, rw, &h);
		if ((k = split(c, &rw->why)) > 0)
			return ROW_OK;
		if (k < 0 && rw->nh == 1) {
			rw->code = "CSV_SYNTAX";
			return ROW_BAD;
		}
		if (k < 0 || rw->nh == JM_CSV_MAX_LINES ||
		    c->raw.len > JM_MAX_LINE)
			return ROW_OPEN;
	}
}

static void
free_row(struct row *rw)
{
	int i;

	for (i = 0; i < rw->nh; i++)
		free(rw->h[i].ln.s);
	rw->nh = 0;
}

/* A quote never closed: the lines after the row's first are read again. */
static void
hold_back(struct jm_csv *c, struct row *rw)
{
	while (rw->nh > 1)
		push_front(c, &rw->h[--rw->nh]);
}

/* What is wrong with a row that could not be read, and its code. */
static char *
row_why(const struct row *rw, int k, const char **code)
{
	if (k == ROW_OPEN) {
		*code = "CSV_SYNTAX";
		return jm_strdup(_("a quoted field is not closed"));
	}
	*code = rw->code;
	if (strcmp(rw->code, "LINE_TOO_LONG") == 0)
		return jm_asprintf(_("the line has %zu bytes, more than the "
		    "limit of %d"), rw->h[0].ln.full_len, JM_MAX_LINE);
	return jm_strdup(_(rw->why));
}

static void
bad_row(struct jm_rec *r, const struct row *rw, int k)
{
	const char *code;
	char *why = row_why(rw, k, &code);

	jm_rec_bad(r, &rw->h[0].ln, code, "%s", why);
	free(why);
}

/* After a bad header: the rest of the file is not read; its rows. */
static long
skip_rest(struct jm_csv *c, struct jm_lines *l)
{
	struct row rw;
	long n = 0;
	int k;

	c->skipping = 1;
	while ((k = read_row(c, l, &rw)) != ROW_END) {
		if (k == ROW_OPEN)
			hold_back(c, &rw);
		free_row(&rw);
		n++;
	}
	c->skipping = 0;
	return n;
}

/* Excel's "sep=;" first line names the file's separator. */
static int
sep_line(struct jm_csv *c, const struct row *rw)
{
	const struct jm_line *ln = &rw->h[0].ln;

	if (rw->nh != 1 || !ln->first || ln->len != 5 ||
	    strncmp(ln->s, "sep=", 4) != 0 || !strchr(",;|\t", ln->s[4]))
		return 0;
	c->fsep = ln->s[4];
	return 1;
}

/* The record key of an unknown column: its own name, or "" to skip it. */
static const char *
other_key(struct jm_csv *c, const char *h)
{
	size_t i;
	int j;

	for (i = 0; i < sizeof owned / sizeof owned[0]; i++)
		if (strcmp(h, owned[i]) == 0) {
			jm_warn(_("%s: the column \"%s\" is ignored: the tools "
			    "write that key"), c->file ? c->file : "<stdin>",
			    h);
			return "";
		}
	for (j = 0; j < c->ncols; j++)
		if (strcmp(h, c->cols[j]) == 0)
			return "";
	return h;
}

/* The message for a header that names no known column. */
static char *
no_known(struct jm_csv *c)
{
	char sep[2] = "";
	const char *s;

	for (s = ",;|\t"; c->nfields == 1 && *s; s++)
		if (*s != c->fsep && strchr(c->fields[0], *s)) {
			sep[0] = *s;
			return jm_asprintf(_("the first row names no known "
			    "column: are the fields separated by '%s'? (see "
			    "--csv-sep)"), *s == '\t' ? "tab" : sep);
		}
	return jm_strdup(_("the first row names no known column (身份证号, "
	    "姓名, 参保地, ...)"));
}

/* Take the column keys from the header row; NULL, or what is wrong. */
static char *
header(struct jm_csv *c)
{
	const char *k;
	int i, j, known = 0;
	char *h;

	for (i = 0; i < c->nfields; i++) {
		h = c->fields[i] = trim(c->fields[i], "*");
		k = jm_csv_key(h);
		for (j = 0; k && j < c->ncols; j++)
			if (strcmp(k, c->cols[j]) == 0)
				return jm_asprintf(_("the columns \"%s\" and "
				    "\"%s\" both give %s"), c->fields[j], h, k);
		known += k != NULL;
		c->cols[i] = jm_strdup(k ? k : other_key(c, h));
		c->ncols = i + 1;
	}
	if (!known)
		return no_known(c);
	c->have_header = 1;
	return NULL;
}

/* min to max digits at *s, as a number in *v; 0 if not. */
static int
digits(const char **s, int min, int max, int *v)
{
	int n;

	for (*v = 0, n = 0; n < max && **s >= '0' && **s <= '9'; n++)
		*v = *v * 10 + *(*s)++ - '0';
	return n >= min;
}

/* A date separator at s: / - . or the Chinese unit; NULL if none. */
static const char *
date_sep(const char *s, const char *zh)
{
	if (*s == '/' || *s == '-' || *s == '.')
		return s + 1;
	if (strncmp(s, zh, strlen(zh)) == 0)
		return s + strlen(zh);
	return NULL;
}

/*
 * A spreadsheet's date (2026/10/1, 2026年10月1日, 20261001, maybe with a
 * midnight time) as 2026-10-01; 0 if it is none of those.
 */
static int
norm_date(const char *s, char out[40])
{
	int y, m, d, compact = strspn(s, "0123456789") == 8;

	if (!digits(&s, 4, 4, &y) ||
	    (!compact && !(s = date_sep(s, "年"))) ||
	    !digits(&s, compact ? 2 : 1, 2, &m) ||
	    (!compact && !(s = date_sep(s, "月"))) ||
	    !digits(&s, compact ? 2 : 1, 2, &d))
		return 0;
	if (strncmp(s, "日", strlen("日")) == 0)
		s += strlen("日");
	if (*s == ' ' && s[1 + strspn(s + 1, "0:")] == '\0')
		s += strlen(s);
	if (*s || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	snprintf(out, 40, "%04d-%02d-%02d", y, m, d);
	return 1;
}

/* ="..." as jm's CSV export writes an ID number (RFC 4180 quoted, so the
 * field holds the formula): the text inside. */
static char *
unformula(char *v)
{
	size_t n = strlen(v);

	if (n < 3 || v[0] != '=' || v[1] != '"' || v[n - 1] != '"' ||
	    memchr(v + 2, '"', n - 3))
		return v;
	v[n - 1] = '\0';
	return v + 2;
}

/* The fields after the last one with a value do not count. */
static int
used_fields(struct jm_csv *c)
{
	int i, n = 0;

	for (i = 0; i < c->nfields; i++)
		if (*(c->fields[i] = unformula(trim(c->fields[i], ""))))
			n = i + 1;
	return n;
}

/* A data row as a record: 1, or 0 for a row without values. */
static int
row_record(struct jm_csv *c, struct jm_rec *r, const struct row *rw)
{
	int i, n = used_fields(c);
	const char *v;
	char date[40];

	if (n > c->ncols) {
		jm_rec_bad(r, &rw->h[0].ln, "CSV_SYNTAX", _("the row has %d "
		    "fields, the header %d"), n, c->ncols);
		return 1;
	}
	r->obj = json_object_new_object();
	r->file = rw->h[0].ln.file;
	r->line = rw->h[0].ln.no;
	for (i = 0; i < n; i++) {
		if (!*c->cols[i])
			continue;
		v = c->fields[i];
		if (strcmp(c->cols[i], "birth_date") == 0 && norm_date(v, date))
			v = date;
		if (*(v = jm_csv_value(c->cols[i], v)))
			json_object_object_add(r->obj, c->cols[i],
			    json_object_new_string(v));
	}
	if (json_object_object_length(r->obj) > 0)
		return 1;
	jm_rec_free(r);
	return 0;
}

/*
 * The first row of a file: its header, or Excel's sep= line (0: read on).
 * A header that is wrong is an error, and the rest of the file is skipped.
 */
static int
header_row(struct jm_csv *c, struct jm_lines *l, struct jm_rec *r,
    struct row *rw, int k)
{
	const char *code = "CSV_HEADER";
	char *why, *s;
	long n;

	if (k == ROW_OK && (sep_line(c, rw) || !(why = header(c))))
		return 0;
	if (k != ROW_OK) {
		s = row_why(rw, k, &code);
		if (strcmp(code, "CSV_SYNTAX") == 0)
			code = "CSV_HEADER";
		why = jm_asprintf(_("the header row: %s"), s);
		free(s);
	}
	reset_header(c);
	n = skip_rest(c, l);
	s = why;
	if (n > 0)
		why = jm_asprintf(ngettext("%s: %ld row not read",
		    "%s: %ld rows not read", n), s, n);
	jm_rec_bad(r, &rw->h[0].ln, code, "%s", why);
	if (why != s)
		free(s);
	free(why);
	return 1;
}

int
jm_csv_next(struct jm_csv *c, struct jm_lines *l, struct jm_rec *r)
{
	struct row rw;
	int k, done;

	for (;;) {
		if ((k = read_row(c, l, &rw)) == ROW_END) {
			end_file(c);
			return 0;
		}
		if (k == ROW_OPEN)
			hold_back(c, &rw);
		if (!c->have_header)
			done = header_row(c, l, r, &rw, k);
		else if (k == ROW_OK)
			done = row_record(c, r, &rw);
		else {
			bad_row(r, &rw, k);
			done = 1;
		}
		free_row(&rw);
		if (done)
			return 1;
	}
}
