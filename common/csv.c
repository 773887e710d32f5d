/* csv.c - CSV rosters (RFC 4180, Excel and WPS dialects) read as records */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "utf8.h"
#include "util.h"

struct held {
	char *s;
	size_t len;
	long no;
};

struct jm_csv {
	char sep;
	const char *file;
	int have_header, gbk, ncols;
	char *cols[JM_CSV_MAX_COLS];	/* record key per column, NULL: skip */
	struct held back[JM_CSV_MAX_LINES];	/* lines to read again */
	int nback;
	struct jm_buf raw, row;
	long skipped;		/* rows of a file whose header is wrong */
	int bad_file;
	char *fields[JM_CSV_MAX_COLS + 1];
	int nfields;
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

static const struct { const char *key, *zh, *val; } values[] = {
	{"relation", "本人", "self"}, {"relation", "配偶", "spouse"},
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
	{"id_type", "港澳台居民居住证", "hmt-permit"},
	{"id_type", "外国人永久居留身份证", "foreign-permanent"},
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

	c->sep = sep;
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
	c->gbk = 0;
}

void
jm_csv_free(struct jm_csv *c)
{
	int i;

	if (!c)
		return;
	reset_header(c);
	for (i = 0; i < c->nback; i++)
		free(c->back[i].s);
	jm_buf_free(&c->row);
	jm_buf_free(&c->raw);
	free(c);
}

/* GB18030 (what Excel writes on Chinese Windows) to UTF-8; NULL if not. */
static char *
from_gbk(const char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = n * 2 + 4, left = cap - 1;
	char *out, *o, *in = (char *)s;

	if (cd == (iconv_t)-1)
		return NULL;
	out = o = jm_malloc(cap);
	if (iconv(cd, &in, &n, &o, &left) == (size_t)-1) {
		free(out);
		out = NULL;
	} else
		*o = '\0';
	iconv_close(cd);
	return out;
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

	c->nfields = 0;
	for (;;) {
		if (c->nfields == JM_CSV_MAX_COLS) {
			*why = N_("more columns than the limit");
			return -1;
		}
		c->fields[c->nfields++] = o;
		q = *s == '"';
		if (q)
			s++;
		for (;;) {
			if (q && *s == '"' && s[1] == '"') {
				*o++ = '"';
				s += 2;
			} else if (q && *s == '"') {
				q = 0;
				s++;
				if (*s && *s != c->sep) {
					*why = N_("text after a closing quote");
					return -1;
				}
			} else if (*s == '\0') {
				if (q)
					return 0;
				*o = '\0';
				return 1;
			} else if (!q && *s == c->sep) {
				break;
			} else if (!q && *s == '"') {
				*why = N_("a quote inside an unquoted field");
				return -1;
			} else
				*o++ = *s++;
		}
		*o++ = '\0';
		s++;
	}
}

static void
end_file(struct jm_csv *c)
{
	if (c->bad_file && c->skipped)
		jm_errmsg(_("%s: %ld rows not read: the header is wrong"),
		    c->file ? c->file : "<stdin>", c->skipped);
	c->bad_file = 0;
	c->skipped = 0;
	reset_header(c);
}

/* The next physical line, from the held-back ones first. */
static int
next_line(struct jm_csv *c, struct jm_lines *l, struct jm_line *ln,
    char **own)
{
	int i;

	*own = NULL;
	if (c->nback > 0) {
		memset(ln, 0, sizeof *ln);
		ln->s = *own = c->back[0].s;
		ln->len = c->back[0].len;
		ln->no = c->back[0].no;
		ln->file = c->file;
		for (i = 1; i < c->nback; i++)
			c->back[i - 1] = c->back[i];
		c->nback--;
		return 1;
	}
	if (!jm_lines_next(l, ln))
		return 0;
	if (ln->first || ln->file != c->file) {
		end_file(c);
		c->file = ln->file;
	}
	return 1;
}

static int
utf8_line(struct jm_csv *c, struct jm_rec *r, struct jm_line *ln,
    char **conv)
{
	*conv = NULL;
	if (jm_utf8_check(ln->s, ln->len) == ln->len)
		return 1;
	if (!c->have_header && (*conv = from_gbk(ln->s, ln->len))) {
		c->gbk = 1;
		jm_warn(_("%s: the file is in GBK (GB18030), not UTF-8: read "
		    "as GBK"), c->file ? c->file : "<stdin>");
	} else if (c->gbk && (*conv = from_gbk(ln->s, ln->len))) {
		;
	} else {
		jm_rec_bad(r, ln, "CSV_ENCODING", _("the line is not UTF-8: "
		    "save the roster as \"CSV UTF-8\", or convert it with "
		    "iconv -f GB18030 -t UTF-8"));
		return 0;
	}
	ln->s = *conv;
	ln->len = strlen(*conv);
	return 1;
}

static void csv_error(struct jm_csv *, struct jm_rec *, struct held *,
    const char *, const char *);

static int
header(struct jm_csv *c, struct jm_rec *r, struct held *h0)
{
	int i, j, known = 0;
	char *h, *k;

	for (i = 0; i < c->nfields; i++) {
		h = c->fields[i] + strspn(c->fields[i], " \t");
		for (k = h + strlen(h); k > h && (k[-1] == ' ' ||
		    k[-1] == '\t');)
			*--k = '\0';
		k = (char *)jm_csv_key(h);
		known += k != NULL;
		c->cols[i] = jm_strdup(k ? k : h);
		for (j = 0; j < i; j++)
			if (*c->cols[i] && !strcmp(c->cols[i], c->cols[j])) {
				c->ncols = i + 1;
				h = jm_asprintf(_("two columns give \"%s\""),
				    c->cols[i]);
				csv_error(c, r, h0, "CSV_HEADER", h);
				free(h);
				return 0;
			}
	}
	c->ncols = c->nfields;
	if (!known) {
		csv_error(c, r, h0, "CSV_HEADER", _("the first row names no "
		    "known column (身份证号, 姓名, 参保地, ...)"));
		return 0;
	}
	c->have_header = 1;
	return -1;
}

static void
row_record(struct jm_csv *c, struct jm_rec *r, long no)
{
	const char *v;
	int i;

	r->obj = json_object_new_object();
	r->file = c->file;
	r->line = no;
	for (i = 0; i < c->nfields && i < c->ncols; i++) {
		v = c->fields[i];
		if (!*c->cols[i] || !*v)
			continue;
		v = jm_csv_value(c->cols[i], v);
		if (*v)
			json_object_object_add(r->obj, c->cols[i],
			    json_object_new_string(v));
	}
}

static int
blank(const char *s)
{
	return s[strspn(s, " \t,;|")] == '\0';
}

static void
free_held(struct held *h, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(h[i].s);
}

/* Read one row, joining physical lines while a quote is open. */
static int
read_row(struct jm_csv *c, struct jm_lines *l, struct jm_rec *r,
    struct held *h, int *nh, const char **why)
{
	struct jm_line ln;
	char *own, *conv;
	int k;

	c->raw.len = 0;
	for (*nh = 0;;) {
		if (!next_line(c, l, &ln, &own)) {
			*why = N_("a quoted field is not closed");
			return *nh ? -2 : 0;
		}
		if (ln.too_long) {
			jm_rec_bad(r, &ln, "LINE_TOO_LONG", _("the line has "
			    "%zu bytes, more than the limit of %d"),
			    ln.full_len, JM_MAX_LINE);
			free_held(h, *nh);
			return 2;
		}
		if (!utf8_line(c, r, &ln, &conv)) {
			free(own);
			return *nh ? (*why = N_("the line is not UTF-8"), -1) :
			    2;
		}
		if (*nh == 0 && blank(ln.s)) {
			free(own);
			free(conv);
			continue;
		}
		if (*nh)
			jm_buf_add(&c->raw, "\n", 1);
		jm_buf_add(&c->raw, ln.s, ln.len);
		h[*nh].s = own ? own : jm_strndup(ln.s, ln.len);
		h[*nh].len = ln.len;
		h[(*nh)++].no = ln.no;
		free(conv);
		c->row.len = 0;
		jm_buf_add(&c->row, c->raw.s, c->raw.len);
		if ((k = split(c, why)) != 0)
			return k;
		if (*nh == JM_CSV_MAX_LINES || c->raw.len > JM_MAX_LINE) {
			*why = N_("a quoted field is not closed");
			return -2;
		}
	}
}

static void
csv_error(struct jm_csv *c, struct jm_rec *r, struct held *h, const char *code,
    const char *msg)
{
	struct jm_line ln = {0};

	ln.s = h->s;
	ln.len = h->len;
	ln.no = h->no;
	ln.file = c->file;
	jm_rec_bad(r, &ln, code, "%s", msg);
}

/* A quote never closed: the lines after the first are read again. */
static void
hold_back(struct jm_csv *c, struct held *h, int n)
{
	int i;

	for (i = n - 1; i >= 1; i--) {
		memmove(c->back + 1, c->back, c->nback * sizeof c->back[0]);
		c->back[0] = h[i];
		c->nback++;
	}
	free(h[0].s);
}

int
jm_csv_next(struct jm_csv *c, struct jm_lines *l, struct jm_rec *r)
{
	struct held h[JM_CSV_MAX_LINES];
	const char *why = NULL;
	char *msg;
	int nh, k;

	for (;;) {
		k = read_row(c, l, r, h, &nh, &why);
		if (k == 0) {
			end_file(c);
			return 0;
		}
		if (k == 2)
			return 1;
		if (c->bad_file) {
			c->skipped++;
			free_held(h, nh);
			continue;
		}
		if (k == -2 && nh > 1) {
			csv_error(c, r, &h[0], "CSV_SYNTAX", _(why));
			hold_back(c, h, nh);
			return 1;
		}
		if (k < 0) {
			csv_error(c, r, &h[0], "CSV_SYNTAX", _(why));
		} else if (!c->have_header) {
			if (header(c, r, &h[0]) < 0) {
				free_held(h, nh);
				continue;
			}
			c->bad_file = 1;
		} else if (c->nfields > c->ncols) {
			msg = jm_asprintf(_("the row has %d fields, the header "
			    "%d"), c->nfields, c->ncols);
			csv_error(c, r, &h[0], "CSV_SYNTAX", msg);
			free(msg);
		} else
			row_record(c, r, h[0].no);
		free_held(h, nh);
		return 1;
	}
}
