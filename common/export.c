/* export.c - records for spreadsheets: CSV for Excel and WPS, and xlsx
 *
 * CSV: UTF-8 with a byte-order mark (else Excel reads it as the local code
 * page), CRLF, RFC 4180 quoting. An ID, phone or order number is written
 * as the formula ="341122199003070017": Excel and WPS open it as a text
 * cell holding exactly those characters, where a bare number loses its
 * last digits (3.41122E+17). A leading tab, the other known trick, stays
 * in the cell as a 19th character that breaks lookups and is copied into
 * every form the number is pasted into. jm's own CSV reader takes ="..."
 * back. A free-text cell that would start a formula gets a leading '.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "money.h"
#include "opts.h"
#include "stream.h"
#include "util.h"
#include "xlsx.h"

#define MAX_SHEETS 1024

/* Where a workbook goes: made as tmp, then linked as path (or copied to
 * standard output when path is NULL). */
static char *wb_path, *wb_tmp;
static struct jm_export *last_made;	/* for jm_export_step */

struct xsheet {
	char *name;
	const struct jm_xcol *cols;
	int ncols, no;
};

struct jm_export {
	const struct jm_xcol *cols;
	int ncols;
	struct jm_xlsx *x;	/* NULL: CSV */
	struct xsheet s[MAX_SHEETS];
	int n, last;
};

static const struct { const char *key, *val, *zh; } words[] = {
	{"relation", "self", "本人"}, {"relation", "spouse", "配偶"},
	{"relation", "parent", "父母"}, {"relation", "child", "子女"},
	{"relation", "sibling", "兄弟姐妹"},
	{"relation", "grandparent", "祖父母"},
	{"relation", "grandchild", "孙子女"}, {"relation", "other", "其他"},
	{"category", "resident", "居民"}, {"category", "pupil", "中小学生"},
	{"category", "university", "大学生"}, {"category", "newborn", "新生儿"},
	{"aid", "extreme-poverty", "特困"}, {"aid", "orphan", "孤儿"},
	{"aid", "severe-disability", "重度残疾"},
	{"aid", "minimum-living", "低保"}, {"aid", "poverty-relapse",
	"返贫致贫"}, {"aid", "monitored", "监测"},
	{"kind", "daily", "日常缴费"}, {"kind", "special", "特殊缴费"},
	{"item", "medical", "城乡居民医保"},
	{"item", "pension", "城乡居民养老保险"},
	{"subsidy_table", "city", "市县标准"},
	{"subsidy_table", "provincial-minimum", "省最低标准"},
	{"channel", "alipay", "支付宝"}, {"channel", "wechat", "微信"},
	{"channel", "wanshitong", "皖事通"}, {"channel", "bank", "银行"},
	{"channel", "family", "门诊共济"},
	{"status", "unpaid", "未缴"}, {"status", "paid", "已缴"},
	{"status", "partly-paid", "部分缴纳"},
	{"status", "subsidised", "资助代缴"},
	{"status", "registered", "已登记"}, {"status", "existing", "原已登记"},
	{"status", "declined", "被拒绝"}, {"status", "unknown", "结果未知"},
	{"status", "nothing-due", "无需缴费"},
	{"status", "skipped", "跳过(超出限额)"},
	{"id_type", "resident", "居民身份证"},
	{"id_type", "hmt-permit", "港澳台居民居住证"},
	{"id_type", "foreign-permanent", "外国人永久居留身份证"},
};

int
jm_export_wanted(void)
{
	return strcmp(jm_opts.format, "csv") == 0 ||
	    strcmp(jm_opts.format, "xlsx") == 0;
}

static void
drop_tmp(void)
{
	if (wb_tmp)
		unlink(wb_tmp);
}

/* The workbook's temporary file: beside the file it becomes, or in TMPDIR
 * when it goes to standard output. */
static void
make_tmp(const char *beside)
{
	const char *dir = getenv("TMPDIR"), *slash;
	int fd;

	if (beside) {
		slash = strrchr(beside, '/');
		wb_tmp = jm_asprintf("%.*s.jm-xlsx.XXXXXX", slash ?
		    (int)(slash - beside + 1) : 0, beside);
	} else
		wb_tmp = jm_asprintf("%s/jm-xlsx.XXXXXX", dir && *dir ? dir :
		    "/tmp");
	if ((fd = mkstemp(wb_tmp)) < 0)
		jm_die("%s: %s", beside ? beside : wb_tmp, strerror(errno));
	close(fd);
	atexit(drop_tmp);
}

void
jm_export_check(void)
{
	const char *out = jm_opts.output;
	struct stat st;

	if (strcmp(jm_opts.format, "xlsx") != 0)
		return;
	if (out && strcmp(out, "-") != 0) {
		if (lstat(out, &st) == 0)
			jm_die_status(JM_EXIT_USAGE, _("--output %s: the file "
			    "exists, and a workbook is never written over "
			    "one: remove it or give another name"), out);
		wb_path = jm_strdup(out);
		make_tmp(out);
		/* the records go to the workbook; stdout stays as it is */
		jm_opts.output = NULL;
		return;
	}
	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode))
		jm_die_status(JM_EXIT_USAGE, _("--format xlsx writes a "
		    "workbook to a file: give --output FILE.xlsx"));
	make_tmp(NULL);
}

/* The value at a dotted path; "a|b" is a, else b. NULL when absent. */
static json_object *
lookup(json_object *o, const char *key)
{
	char path[128], *alt, *p, *save = NULL, *save2 = NULL;
	json_object *v;

	snprintf(path, sizeof path, "%s", key);
	for (alt = strtok_r(path, "|", &save); alt;
	    alt = strtok_r(NULL, "|", &save)) {
		v = o;
		for (p = strtok_r(alt, ".", &save2); p && v;
		    p = strtok_r(NULL, ".", &save2))
			if (!json_object_is_type(v, json_type_object) ||
			    !json_object_object_get_ex(v, p, &v))
				v = NULL;
		if (v)
			return v;
	}
	return NULL;
}

/* The Chinese name of a value (self is 本人), else the value. */
static const char *
word(const char *key, const char *val)
{
	const char *last = strrchr(key, '.');
	size_t i, n;

	last = last ? last + 1 : key;
	n = strcspn(last, "|");
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].key) == n && !strncmp(last, words[i].key, n)
		    && !strcmp(val, words[i].val))
			return words[i].zh;
	return val;
}

/* A cell's value as the CSV writes it: a string, or NULL for empty. */
static const char *
cell_text(const struct jm_xcol *c, json_object *v, char *buf, size_t sz)
{
	int64_t fen;

	if (!v)
		return NULL;
	switch (c->kind) {
	case JM_CELL_FEN:
		fen = json_object_get_int64(v);
		return json_object_is_type(v, json_type_int) && fen >= 0 &&
		    fen <= JM_FEN_MAX ? jm_yuan(fen, buf) : NULL;
	case JM_CELL_INT:
		snprintf(buf, sz, "%lld", (long long)json_object_get_int64(v));
		return json_object_is_type(v, json_type_int) ? buf : NULL;
	case JM_CELL_PCT:
		snprintf(buf, sz, "%.1f", json_object_get_double(v));
		return buf;
	case JM_CELL_BOOL:
		return json_object_get_boolean(v) ? "是" : "否";
	case JM_CELL_WORD:
		return word(c->key, json_object_get_string(v));
	default:
		return json_object_get_string(v);
	}
}

/* A field of RFC 4180: quoted when it holds a quote, separator or line
 * break; an ID as ="..."; no cell starts a formula of its own. */
static void
csv_field(struct jm_buf *b, const char *s, int text)
{
	const char *p;
	int quote;

	if (text && *s && !s[strcspn(s, "\"\r\n\t")]) {
		jm_buf_printf(b, "\"=\"\"%s\"\"\"", s);
		return;
	}
	quote = s[strcspn(s, "\",\r\n")] != '\0';
	if (quote)
		jm_buf_add(b, "\"", 1);
	if (*s && strchr("=+-@\t\r", *s))
		jm_buf_add(b, "'", 1);
	for (p = s; *p; p++) {
		if (*p == '"')
			jm_buf_add(b, "\"", 1);
		jm_buf_add(b, p, 1);
	}
	if (quote)
		jm_buf_add(b, "\"", 1);
}

static void
csv_row(const struct jm_xcol *cols, int n, json_object *o)
{
	struct jm_buf b = {0};
	const char *s;
	char buf[64];
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			jm_buf_add(&b, ",", 1);
		s = o ? cell_text(&cols[i], lookup(o, cols[i].key), buf,
		    sizeof buf) : cols[i].title;
		if (s)
			csv_field(&b, s, o && cols[i].kind == JM_CELL_TEXT);
	}
	jm_buf_add(&b, "\r\n", 2);
	jm_out_text(b.s);
	jm_buf_free(&b);
}

struct jm_export *
jm_export_new(const struct jm_xcol *cols, int ncols)
{
	struct jm_export *e = jm_calloc(1, sizeof *e);

	e->cols = cols;
	e->ncols = ncols;
	e->last = -1;
	last_made = e;
	if (strcmp(jm_opts.format, "xlsx") == 0) {
		e->x = jm_xlsx_open(wb_tmp);
		return e;
	}
	jm_out_text("\xef\xbb\xbf");
	csv_row(cols, ncols, NULL);
	return e;
}

void
jm_export_sheet(struct jm_export *e, const char *name,
    const struct jm_xcol *cols, int ncols)
{
	const char *titles[64];
	int widths[64], i;
	struct xsheet *s;

	if (!e->x)
		return;
	if (e->n == MAX_SHEETS || ncols > 64)
		jm_die(_("a workbook of more than %d sheets"), MAX_SHEETS);
	for (i = 0; i < ncols; i++) {
		titles[i] = cols[i].title;
		widths[i] = cols[i].width;
	}
	s = &e->s[e->n++];
	s->name = jm_strdup(name);
	s->cols = cols;
	s->ncols = ncols;
	s->no = jm_xlsx_sheet(e->x, name, titles, widths, ncols);
}

static struct xsheet *
find_sheet(struct jm_export *e, const char *name)
{
	int i;

	if (!name)
		name = "名单";
	if (e->last >= 0 && strcmp(e->s[e->last].name, name) == 0)
		return &e->s[e->last];
	for (i = 0; i < e->n; i++)
		if (strcmp(e->s[i].name, name) == 0)
			return &e->s[e->last = i];
	jm_export_sheet(e, name, e->cols, e->ncols);
	return &e->s[e->last = e->n - 1];
}

static void
xlsx_cell(struct jm_export *e, struct xsheet *s, int row, int i,
    json_object *v)
{
	const struct jm_xcol *c = &s->cols[i];
	char buf[64];
	const char *t;

	if (!v)
		return;
	if (c->kind == JM_CELL_FEN && (t = cell_text(c, v, buf, sizeof buf)))
		jm_xlsx_fen(e->x, s->no, row, i, json_object_get_int64(v));
	else if (c->kind == JM_CELL_INT && json_object_is_type(v,
	    json_type_int))
		jm_xlsx_int(e->x, s->no, row, i, json_object_get_int64(v));
	else if (c->kind == JM_CELL_PCT)
		jm_xlsx_pct(e->x, s->no, row, i, json_object_get_double(v));
	else if (c->kind == JM_CELL_TEXT)
		jm_xlsx_text(e->x, s->no, row, i, json_object_get_string(v));
	else if ((t = cell_text(c, v, buf, sizeof buf)))
		jm_xlsx_str(e->x, s->no, row, i, t);
}

void
jm_export_rec(struct jm_export *e, json_object *o, const char *sheet)
{
	struct xsheet *s;
	int i, row;

	if (!e->x) {
		csv_row(e->cols, e->ncols, o);
		return;
	}
	s = find_sheet(e, sheet);
	row = jm_xlsx_row(e->x, s->no);
	for (i = 0; i < s->ncols; i++)
		xlsx_cell(e, s, row, i, lookup(o, s->cols[i].key));
}

void
jm_export_step(struct jm_rec *r, void *ctx)
{
	(void)ctx;
	jm_export_rec(last_made, r->obj, NULL);
}

/* The finished workbook to standard output (a file, checked at start). */
static void
copy_out(void)
{
	char buf[64 * 1024];
	FILE *f = fopen(wb_tmp, "rb");
	size_t n;

	if (!f)
		jm_die("%s: %s", wb_tmp, strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	fclose(f);
	jm_out_flush();
}

/* The workbook appears whole under its name, and never over a file that
 * appeared meanwhile. */
static void
put_in_place(void)
{
	if (!wb_path) {
		copy_out();
		return;
	}
	if (link(wb_tmp, wb_path) == 0)
		return;
	if (errno == EEXIST)
		jm_die(_("--output %s: the file appeared meanwhile: not "
		    "written over"), wb_path);
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
		jm_die("%s: %s", wb_path, strerror(errno));
	/* no hard links here (vfat): claim the name, then replace it */
	if (close(open(wb_path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    rename(wb_tmp, wb_path) < 0)
		jm_die("%s: %s", wb_path, strerror(errno));
}

void
jm_export_close(struct jm_export *e)
{
	int i;

	if (!e)
		return;
	if (e == last_made)
		last_made = NULL;
	if (e->x) {
		jm_xlsx_close(e->x);
		put_in_place();
		drop_tmp();
		free(wb_tmp);
		wb_tmp = NULL;
	}
	for (i = 0; i < e->n; i++)
		free(e->s[i].name);
	free(e);
}
