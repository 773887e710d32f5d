/* tally.c - the collector's progress report: quoted records counted by
 * town, village or region (jm-quote --summary, --report) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "export.h"
#include "money.h"
#include "person.h"
#include "region.h"
#include "tally.h"
#include "utf8.h"
#include "util.h"

#define MAX_LISTED 50	/* records named under "not quoted" */
#define MAX_COLS 16

struct counts {
	long people, paid, partly, unpaid, subsidised, notreg, errors;
	int64_t due;
};

/* A group and what its quotes said of the window (y == 0: none seen). */
struct group {
	char *a, *b;		/* town and village, town, or region */
	struct counts c;
	struct jm_date from, to;
	int mixed_from, mixed_to;
};

struct jm_tally {
	enum jm_by by;
	struct group *g, total;
	size_t n, cap, last;
	long kind_n[2];
	int64_t kind_fen[2];
	int year, years;	/* years: more than one coverage year */
	char item[16];		/* a copy: records are freed before print */
	char *failures[MAX_LISTED];
	int nfail;
	struct jm_date today;
	struct jm_xcol xcols[MAX_COLS];
	int nxcols;
};

static const char *const bys[] = {"village", "town", "region", "none", NULL};

int
jm_tally_by(const char *s)
{
	int i;

	for (i = 0; bys[i]; i++)
		if (strcmp(s, bys[i]) == 0)
			return i;
	return -1;
}

/* The report's columns in a spreadsheet: the group's, then the counts. */
static void
export_cols(struct jm_tally *t)
{
	static const struct jm_xcol group[][2] = {
		{{"乡镇/街道", "town", JM_CELL_STR, 14},
		    {"村/社区", "village", JM_CELL_STR, 14}},
		{{"乡镇/街道", "town", JM_CELL_STR, 14}, {NULL, 0, 0, 0}},
		{{"参保地", "region", JM_CELL_TEXT, 8},
		    {"参保地名称", "region_name", JM_CELL_STR, 12}},
		{{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
	};
	static const struct jm_xcol counts[] = {
		{"人数", "people", JM_CELL_INT, 6},
		{"已缴", "paid", JM_CELL_INT, 6},
		{"部分缴纳", "partly_paid", JM_CELL_INT, 8},
		{"未缴", "unpaid", JM_CELL_INT, 6},
		{"资助代缴", "subsidised", JM_CELL_INT, 8},
		{"未登记", "not_registered", JM_CELL_INT, 6},
		{"其他错误", "errors", JM_CELL_INT, 8},
		{"欠缴金额", "outstanding_fen", JM_CELL_FEN, 12},
		{"缴费率(%)", "paid_pct", JM_CELL_PCT, 9},
		{"截止日期", "window.to", JM_CELL_STR, 11},
		{"剩余天数", "days_left", JM_CELL_INT, 8},
	};
	size_t i;

	for (i = 0; i < 2; i++)
		if (group[t->by][i].title)
			t->xcols[t->nxcols++] = group[t->by][i];
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++)
		t->xcols[t->nxcols++] = counts[i];
}

struct jm_tally *
jm_tally_new(enum jm_by by, const char *item)
{
	struct jm_tally *t = jm_calloc(1, sizeof *t);

	t->by = by;
	snprintf(t->item, sizeof t->item, "%s", item ? item : "");
	t->today = jm_today();
	export_cols(t);
	return t;
}

const struct jm_xcol *
jm_tally_cols(const struct jm_tally *t, int *n)
{
	*n = t->nxcols;
	return t->xcols;
}

/* A key of the record as a string (a number as written); NULL if none. */
static const char *
str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return NULL;
	return *json_object_get_string(v) ? json_object_get_string(v) : NULL;
}

/* The registry's region, else the record's, else the ID's address. */
static const char *
region_of(json_object *o, char *buf)
{
	json_object *reg;
	const char *s;

	if (json_object_object_get_ex(o, "registration", &reg) &&
	    (s = str(reg, "region")))
		return s;
	if ((s = str(o, "region")))
		return s;
	if ((s = str(o, "id_no")) && strspn(s, "0123456789") >= 6) {
		memcpy(buf, s, 6);
		buf[6] = '\0';
		return buf;
	}
	return NULL;
}

static void
key_of(const struct jm_tally *t, json_object *o, const char **a,
    const char **b, char *buf)
{
	*a = *b = NULL;
	if (t->by == JM_BY_REGION)
		*a = region_of(o, buf);
	else if (t->by != JM_BY_NONE)
		*a = str(o, "town");
	if (t->by == JM_BY_VILLAGE)
		*b = str(o, "village");
}

static int
same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* The record's group, in the order groups first appear; NULL: none. */
static struct group *
group_of(struct jm_tally *t, json_object *o)
{
	const char *a, *b;
	char buf[8];
	size_t i;

	if (t->by == JM_BY_NONE)
		return NULL;
	key_of(t, o, &a, &b, buf);
	for (i = 0; i < t->n; i++) {
		t->last = (t->last + (i > 0)) % t->n;
		if (same(t->g[t->last].a, a) && same(t->g[t->last].b, b))
			return &t->g[t->last];
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->g = jm_realloc(t->g, t->cap * sizeof *t->g);
	}
	memset(&t->g[t->n], 0, sizeof t->g[t->n]);
	t->g[t->n].a = a ? jm_strdup(a) : NULL;
	t->g[t->n].b = b ? jm_strdup(b) : NULL;
	t->last = t->n;
	return &t->g[t->n++];
}

static void
add_failure(struct jm_tally *t, const struct jm_rec *r, json_object *e)
{
	json_object *c, *m;
	char who[64], code[64], msg[512];

	if (t->nfail == MAX_LISTED)
		return;
	json_object_object_get_ex(e, "code", &c);
	json_object_object_get_ex(e, "message", &m);
	jm_terminal_text(jm_rec_who(r->obj, who, sizeof who), who, sizeof who);
	t->failures[t->nfail++] = jm_asprintf("%s:%ld  %s%s%s  %s",
	    r->file ? r->file : "<stdin>", r->line, who, *who ? "  " : "",
	    jm_terminal_text(json_object_get_string(c), code, sizeof code),
	    jm_terminal_text(json_object_get_string(m), msg, sizeof msg));
}

/* The window a quote names, into the group's. */
static void
add_window(struct group *g, json_object *q)
{
	json_object *w;
	const char *f, *to;
	struct jm_date df, dt;

	if (!json_object_object_get_ex(q, "window", &w) ||
	    jm_get_str(w, "from", &f, NULL) <= 0 ||
	    jm_get_str(w, "to", &to, NULL) <= 0 ||
	    jm_parse_date(f, &df) < 0 || jm_parse_date(to, &dt) < 0)
		return;
	if (g->to.y == 0) {
		g->from = df;
		g->to = dt;
		return;
	}
	g->mixed_from |= jm_date_cmp(g->from, df) != 0;
	g->mixed_to |= jm_date_cmp(g->to, dt) != 0;
}

/* Count a quote into a group: its status, and what is still due. */
static void
add_quote(struct group *g, json_object *q, const char *st, int64_t due)
{
	if (!st)
		return;
	g->c.unpaid += !strcmp(st, "unpaid");
	g->c.partly += !strcmp(st, "partly-paid");
	g->c.paid += !strcmp(st, "paid");
	g->c.subsidised += !strcmp(st, "subsidised");
	if (!strcmp(st, "unpaid") || !strcmp(st, "partly-paid"))
		g->c.due += due;
	add_window(g, q);
}

static void
add_error(struct group *g, json_object *e)
{
	const char *code = NULL;

	jm_get_str(e, "code", &code, NULL);
	if (code && strcmp(code, "NOT_REGISTERED") == 0)
		g->c.notreg++;
	else
		g->c.errors++;
}

/* What the whole report says once: the year, the item, due by kind. */
static void
add_totals(struct jm_tally *t, json_object *q, int64_t due)
{
	const char *kind, *item;
	json_object *v;
	int k, y;

	if (json_object_object_get_ex(q, "year", &v) &&
	    (y = json_object_get_int(v)) != t->year) {
		t->years += t->year != 0;
		t->year = t->year ? t->year : y;
	}
	if (jm_get_str(q, "item", &item, NULL) > 0)
		snprintf(t->item, sizeof t->item, "%s", item);
	if (due > 0) {
		jm_get_str(q, "kind", &kind, NULL);
		k = kind && !strcmp(kind, "special");
		t->kind_n[k]++;
		t->kind_fen[k] += due;
	}
}

void
jm_tally_add(struct jm_tally *t, const struct jm_rec *r)
{
	struct group *g = group_of(t, r->obj);
	json_object *q, *e;
	const char *st = NULL;
	int64_t due = 0;
	char msg[128];

	t->total.c.people++;
	if (g)
		g->c.people++;
	if (json_object_object_get_ex(r->obj, "error", &e)) {
		add_failure(t, r, e);
		add_error(&t->total, e);
		if (g)
			add_error(g, e);
		return;
	}
	if (!json_object_object_get_ex(r->obj, "quote", &q))
		return;
	jm_get_str(q, "status", &st, NULL);
	if (jm_fen_get(q, "due_fen", &due, msg, sizeof msg) < 0)
		due = 0;
	add_totals(t, q, due);
	add_quote(&t->total, q, st, due);
	if (g)
		add_quote(g, q, st, due);
}

const char *
jm_tally_sheet(const struct jm_tally *t, json_object *o, char *buf,
    size_t sz)
{
	const struct jm_region *reg;
	const char *a, *b;
	char code[8];

	if (t->by == JM_BY_NONE)
		return NULL;
	key_of(t, o, &a, &b, code);
	if (t->by == JM_BY_REGION)
		snprintf(buf, sz, "%s %s", a ? a : "-", a && (reg =
		    jm_region_get(a)) ? reg->name : "");
	else if (t->by == JM_BY_TOWN)
		snprintf(buf, sz, "%s", a ? a : "(未填写乡镇)");
	else
		snprintf(buf, sz, "%s%s%s", a ? a : "", a ? " " : "",
		    b ? b : "(未填写村)");
	/* the names of jm's own sheets are not a village's */
	if (strcmp(buf, "汇总") == 0 || strcmp(buf, "名单") == 0)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s",
		    t->by == JM_BY_TOWN ? "(乡镇)" : "(村)");
	return buf;
}

/* Paid in tenths of a percent, rounded down (100.0 only when all are):
 * subsidised people count as paid (a department paid for them). */
static long
pct10(const struct counts *c)
{
	return c->people ? (c->paid + c->subsidised) * 1000 / c->people : -1;
}

static long
days_left(const struct jm_tally *t, const struct group *g)
{
	return jm_days(g->to) - jm_days(t->today);
}

/* --- the report as records --- */

static void
add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void
add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void
add_counts(json_object *o, const struct counts *c)
{
	char s[48];
	long p = pct10(c);

	add_int(o, "people", c->people);
	add_int(o, "paid", c->paid);
	add_int(o, "partly_paid", c->partly);
	add_int(o, "unpaid", c->unpaid);
	add_int(o, "subsidised", c->subsidised);
	add_int(o, "not_registered", c->notreg);
	add_int(o, "errors", c->errors);
	add_int(o, "outstanding_fen", c->due);
	snprintf(s, sizeof s, "%ld.%ld", p / 10, p % 10);
	json_object_object_add(o, "paid_pct", p < 0 ? NULL :
	    json_object_new_double_s((double)p / 10, s));
}

static void
add_window_keys(const struct jm_tally *t, json_object *o,
    const struct group *g)
{
	json_object *w = json_object_new_object();
	char d[16];
	int known = g->to.y != 0;

	add_str(w, "from", known && !g->mixed_from ? jm_date_str(g->from, d) :
	    NULL);
	add_str(w, "to", known && !g->mixed_to ? jm_date_str(g->to, d) : NULL);
	json_object_object_add(o, "window", w);
	json_object_object_add(o, "days_left", known && !g->mixed_to ?
	    json_object_new_int64(days_left(t, g)) : NULL);
}

static json_object *
group_json(const struct jm_tally *t, const struct group *g)
{
	json_object *o = json_object_new_object();
	const struct jm_region *reg;
	char d[16];

	add_str(o, "group", g == &t->total ? "total" : bys[t->by]);
	if (g != &t->total && t->by == JM_BY_REGION) {
		add_str(o, "region", g->a);
		add_str(o, "region_name", g->a && (reg = jm_region_get(g->a)) ?
		    reg->name : NULL);
	} else if (g != &t->total) {
		add_str(o, "town", g->a);
		if (t->by == JM_BY_VILLAGE)
			add_str(o, "village", g->b);
	}
	if (t->year)
		add_int(o, "year", t->year);
	add_str(o, "item", *t->item ? t->item : NULL);
	add_str(o, "today", jm_date_str(t->today, d));
	add_counts(o, &g->c);
	add_window_keys(t, o, g);
	return o;
}

void
jm_tally_json(const struct jm_tally *t)
{
	json_object *o;
	size_t i;

	for (i = 0; i <= t->n; i++) {
		o = group_json(t, i < t->n ? &t->g[i] : &t->total);
		jm_out_json(o);
		json_object_put(o);
	}
}

void
jm_tally_export(const struct jm_tally *t, struct jm_export *ex,
    const char *sheet)
{
	json_object *o;
	size_t i;

	for (i = 0; i <= t->n; i++) {
		o = group_json(t, i < t->n ? &t->g[i] : &t->total);
		if (i == t->n && t->by != JM_BY_NONE)
			json_object_object_add(o, t->xcols[0].key,
			    json_object_new_string("合计"));
		jm_export_rec(ex, o, sheet);
		json_object_put(o);
	}
}

/* --- the report as text, aligned for a terminal and a mail --- */

#define CELL 128

struct table {
	int n, right[MAX_COLS], width[MAX_COLS];
	const char *title[MAX_COLS];
	char (*cell)[MAX_COLS][CELL];
	size_t rows;
};

static void
col(struct table *tb, const char *title, int right)
{
	tb->title[tb->n] = title;
	tb->right[tb->n++] = right;
}

static void
columns(const struct jm_tally *t, struct table *tb)
{
	static const char *const counts[] = {N_("PEOPLE"), N_("PAID"),
	    N_("PARTLY"), N_("UNPAID"), N_("SUBSIDISED"), N_("NOT REG."),
	    N_("ERRORS"), N_("OUTSTANDING"), N_("PAID %")};
	size_t i;

	if (t->by == JM_BY_VILLAGE || t->by == JM_BY_TOWN)
		col(tb, _("TOWN"), 0);
	if (t->by == JM_BY_VILLAGE)
		col(tb, _("VILLAGE"), 0);
	if (t->by == JM_BY_REGION)
		col(tb, _("REGION"), 0);
	if (t->by == JM_BY_NONE)
		col(tb, "", 0);
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++)
		col(tb, _(counts[i]), 1);
	if (t->total.mixed_to) {
		col(tb, _("CLOSES"), 0);
		col(tb, _("DAYS LEFT"), 1);
	}
}

static void
set(char *cell, const char *s)
{
	jm_terminal_text(s ? s : "-", cell, CELL);
}

/* The cells naming a group: its town and village, town, or region. */
static int
name_cells(const struct jm_tally *t, const struct group *g, char (*c)[CELL])
{
	const struct jm_region *reg;
	char buf[CELL];

	if (g == &t->total) {
		set(c[0], _("total"));
		if (t->by == JM_BY_VILLAGE)
			set(c[1], "");
		return t->by == JM_BY_VILLAGE ? 2 : 1;
	}
	if (t->by == JM_BY_REGION) {
		snprintf(buf, sizeof buf, "%s %s", g->a ? g->a : "-", g->a &&
		    (reg = jm_region_get(g->a)) ? reg->name : "");
		set(c[0], buf);
		return 1;
	}
	set(c[0], g->a);
	if (t->by == JM_BY_VILLAGE)
		set(c[1], g->b);
	return t->by == JM_BY_VILLAGE ? 2 : 1;
}

static void
row_cells(const struct jm_tally *t, const struct group *g, char (*c)[CELL])
{
	const long *v[] = {&g->c.people, &g->c.paid, &g->c.partly,
	    &g->c.unpaid, &g->c.subsidised, &g->c.notreg, &g->c.errors};
	int i = name_cells(t, g, c), k;
	long p = pct10(&g->c), d;

	for (k = 0; k < 7; k++)
		snprintf(c[i++], CELL, "%ld", *v[k]);
	jm_yuan(g->c.due, c[i++]);
	if (p < 0)
		set(c[i++], NULL);
	else
		snprintf(c[i++], CELL, "%ld.%ld", p / 10, p % 10);
	if (!t->total.mixed_to)
		return;
	if (g->to.y == 0 || g->mixed_to) {
		set(c[i++], g->to.y ? _("differ") : NULL);
		set(c[i], NULL);
		return;
	}
	jm_date_str(g->to, c[i++]);
	d = days_left(t, g);
	if (d > 0)
		snprintf(c[i], CELL, "%ld", d);
	else
		set(c[i], d == 0 ? _("last day") : _("closed"));
}

static void
fill(const struct jm_tally *t, struct table *tb)
{
	size_t i;
	int k;

	columns(t, tb);
	tb->rows = t->n + 2;
	tb->cell = jm_calloc(tb->rows, sizeof *tb->cell);
	for (k = 0; k < tb->n; k++)
		set(tb->cell[0][k], tb->title[k]);
	for (i = 0; i < t->n; i++)
		row_cells(t, &t->g[i], tb->cell[i + 1]);
	row_cells(t, &t->total, tb->cell[t->n + 1]);
	for (i = 0; i < tb->rows; i++)
		for (k = 0; k < tb->n; k++)
			if (jm_utf8_width(tb->cell[i][k]) > tb->width[k])
				tb->width[k] = jm_utf8_width(tb->cell[i][k]);
}

static void
pad(struct jm_buf *b, int n)
{
	while (n-- > 0)
		jm_buf_add(b, " ", 1);
}

static void
print_table(struct table *tb, struct jm_buf *b)
{
	size_t i, end;
	int k, w;

	for (i = 0; i < tb->rows; i++) {
		for (k = 0; k < tb->n; k++) {
			w = tb->width[k] - jm_utf8_width(tb->cell[i][k]);
			pad(b, 2 + (tb->right[k] ? w : 0));
			jm_buf_puts(b, tb->cell[i][k]);
			pad(b, tb->right[k] || k == tb->n - 1 ? 0 : w);
		}
		for (end = b->len; end > 0 && b->s[end - 1] == ' '; end--)
			;
		b->len = end;
		jm_buf_add(b, "\n", 1);
	}
}

/* When the window closes, said once for the whole report. */
static void
window_line(const struct jm_tally *t, struct jm_buf *b)
{
	const struct group *g = &t->total;
	char f[16], to[16], now[16], span[64];
	long d = days_left(t, g), o;

	jm_date_str(t->today, now);
	if (g->to.y == 0) {
		jm_buf_printf(b, _("  nobody was quoted: the collection window "
		    "is not known\n"));
		return;
	}
	if (g->mixed_to) {
		jm_buf_printf(b, _("  the groups' collection windows differ: "
		    "see CLOSES and DAYS LEFT (platform date %s)\n"), now);
		return;
	}
	jm_date_str(g->to, to);
	if (g->mixed_from)
		snprintf(span, sizeof span, _("closing %s"), to);
	else
		snprintf(span, sizeof span, _("%s to %s"),
		    jm_date_str(g->from, f), to);
	o = jm_days(g->from) - jm_days(t->today);
	if (!g->mixed_from && o > 0)
		jm_buf_printf(b, ngettext("  collection window %s: opens in "
		    "%ld day (platform date %s)\n", "  collection window %s: "
		    "opens in %ld days (platform date %s)\n", o), span, o, now);
	else if (d > 0)
		jm_buf_printf(b, ngettext("  collection window %s: %ld day "
		    "left (platform date %s)\n", "  collection window %s: %ld "
		    "days left (platform date %s)\n", d), span, d, now);
	else if (d == 0)
		jm_buf_printf(b, _("  collection window %s: today is the last "
		    "day (platform date %s)\n"), span, now);
	else
		jm_buf_printf(b, ngettext("  collection window %s: closed %ld "
		    "day ago, paying now is late (platform date %s)\n",
		    "  collection window %s: closed %ld days ago, paying now "
		    "is late (platform date %s)\n", -d), span, -d, now);
}

static void
tail(const struct jm_tally *t, struct jm_buf *b)
{
	char y[3][32];
	int i;

	jm_buf_printf(b, ngettext("  to pay: %ld person, %s yuan (daily 日常 "
	    "%ld, %s; special 特殊 %ld, %s)\n", "  to pay: %ld people, %s yuan "
	    "(daily 日常 %ld, %s; special 特殊 %ld, %s)\n", t->kind_n[0] +
	    t->kind_n[1]), t->kind_n[0] + t->kind_n[1],
	    jm_yuan(t->kind_fen[0] + t->kind_fen[1], y[0]), t->kind_n[0],
	    jm_yuan(t->kind_fen[0], y[1]), t->kind_n[1],
	    jm_yuan(t->kind_fen[1], y[2]));
	if (t->nfail > 0)
		jm_buf_printf(b, _("  not quoted:\n"));
	for (i = 0; i < t->nfail; i++)
		jm_buf_printf(b, "    %s\n", t->failures[i]);
	if (t->total.c.errors + t->total.c.notreg > t->nfail)
		jm_buf_printf(b, _("    ... and %ld more\n"),
		    t->total.c.errors + t->total.c.notreg - t->nfail);
}

void
jm_tally_print(const struct jm_tally *t, FILE *f)
{
	struct table tb = {0};
	struct jm_buf b = {0};

	if (t->year && t->years)
		jm_buf_printf(&b, _("%s: %ld people, coverage years from %d "
		    "(%s)\n"), jm_prog, t->total.c.people, t->year, t->item);
	else if (t->year)
		jm_buf_printf(&b, _("%s: %ld people, coverage year %d (%s)\n"),
		    jm_prog, t->total.c.people, t->year, t->item);
	else
		jm_buf_printf(&b, _("%s: %ld people\n"), jm_prog,
		    t->total.c.people);
	if (t->total.c.people > 0) {
		window_line(t, &b);
		fill(t, &tb);
		print_table(&tb, &b);
		free(tb.cell);
		tail(t, &b);
	}
	if (f)
		fputs(b.s, f);
	else
		jm_out_text(b.s);
	jm_buf_free(&b);
}

void
jm_tally_free(struct jm_tally *t)
{
	size_t i;
	int k;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->g[i].a);
		free(t->g[i].b);
	}
	free(t->g);
	for (k = 0; k < t->nfail; k++)
		free(t->failures[k]);
	free(t);
}
