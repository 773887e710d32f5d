/* quoted.c - a quoted record for people: the warnings a quote gives, a row
 * of jm-quote's text table, the roster's spreadsheet columns */
#include <stdio.h>
#include <string.h>

#include "jsonio.h"
#include "money.h"
#include "person.h"
#include "quoted.h"
#include "table.h"
#include "utf8.h"
#include "util.h"

static const struct jm_col cols[] = {
	{NC_("column", "LINE"), 5}, {NC_("column", "ID NUMBER"), 18},
	{NC_("column", "NAME"), 10}, {NC_("column", "ITEM"), 7},
	{NC_("column", "YEAR"), 4}, {NC_("column", "KIND"), 7},
	{NC_("column", "DUE"), 8}, {NC_("column", "STATUS"), 11},
	{NC_("column", "NOTE"), 0},
};

/* --format csv and xlsx: the collector's roster; the columns marked 1 only
 * when the pension is quoted. */
static const struct {
	struct jm_xcol c;
	int pension;
} all_xcols[] = {
	{{"乡镇/街道", "town", JM_CELL_STR, 12}, 0},
	{{"村/社区", "village", JM_CELL_STR, 12}, 0},
	{{"姓名", "name", JM_CELL_STR, 10}, 0},
	{{"身份证号", "id_no", JM_CELL_TEXT, 20}, 0},
	{{"手机号", "phone", JM_CELL_TEXT, 13}, 0},
	{{"参保地", "registration.region|region", JM_CELL_TEXT, 8}, 0},
	{{"资助类别", "registration.aid|aid", JM_CELL_WORD, 9}, 0},
	{{"险种", "quote.item|error.item", JM_CELL_WORD, 14}, 1},
	{{"年度", "quote.year", JM_CELL_INT, 6}, 0},
	{{"缴费类型", "quote.kind", JM_CELL_WORD, 9}, 0},
	{{"缴费档次", "quote.grade_fen", JM_CELL_FEN, 9}, 1},
	{{"缴费标准", "quote.standard_fen", JM_CELL_FEN, 9}, 0},
	{{"资助金额", "quote.aid_fen", JM_CELL_FEN, 9}, 0},
	{{"已缴", "quote.paid_fen", JM_CELL_FEN, 9}, 0},
	{{"应缴", "quote.due_fen", JM_CELL_FEN, 9}, 0},
	{{"政府补贴", "quote.subsidy_fen", JM_CELL_FEN, 9}, 1},
	{{"补贴标准", "quote.subsidy_table", JM_CELL_WORD, 10}, 1},
	{{"状态", "quote.status", JM_CELL_WORD, 9}, 0},
	{{"截止日期", "quote.window.to", JM_CELL_STR, 11}, 0},
	{{"错误代码", "error.code", JM_CELL_STR, 16}, 0},
	{{"错误说明", "error.message", JM_CELL_STR, 40}, 0},
};

#define NXCOLS (sizeof all_xcols / sizeof all_xcols[0])

/* The pension: a grade already passed, or the county paying. */
static void
advise_pension(struct jm_rec *r, json_object *q, const char *aid,
    int64_t asked)
{
	int64_t grade = 0, paid = 0;
	const char *kind = NULL;
	char a[32], b[32], msg[64];
	json_object *v;

	jm_get_str(q, "kind", &kind, NULL);
	jm_fen_get(q, "grade_fen", &grade, msg, sizeof msg);
	jm_fen_get(q, "paid_fen", &paid, msg, sizeof msg);
	jm_json_get(q, "year", &v);
	if (kind && !strcmp(kind, "special") && asked > 0)
		jm_rec_warn(r, _("the county pays the %s yuan grade for %s "
		    "(%s): --grade is not used; --kind daily pays a grade of "
		    "one's own"), jm_yuan(grade, a), jm_aid_name(aid), aid);
	else if (paid > grade)
		jm_rec_warn(r, _("%s yuan is paid for %d already, more than "
		    "grade %s: the grade is the year's total, choose a higher "
		    "one to pay more"), jm_yuan(paid, a), json_object_get_int(v),
		    jm_yuan(grade, b));
}

void
jm_quoted_advise(struct jm_rec *r, json_object *q, const char *aid,
    int64_t asked)
{
	const char *kind, *status, *item = NULL;
	json_object *v;
	int64_t std = 0;
	char y[32], msg[64];

	jm_get_str(q, "kind", &kind, NULL);
	jm_get_str(q, "status", &status, NULL);
	jm_get_str(q, "item", &item, NULL);
	jm_fen_get(q, "standard_fen", &std, msg, sizeof msg);
	if (item && !strcmp(item, "pension")) {
		advise_pension(r, q, aid, asked);
		return;
	}
	if (kind && *aid && !strcmp(kind, "daily"))
		jm_rec_warn(r, _("in the aid group %s (%s), but quoted "
		    "daily: a daily payment pays the full %s; use --kind "
		    "special"), jm_aid_name(aid), aid, jm_yuan(std, y));
	if (status && strcmp(status, "unpaid") && strcmp(status, "partly-paid"))
		return;
	if (jm_json_get(q, "coverage", &v) && !v)
		jm_rec_warn(r, _("paying now covers nothing of the "
		    "year: the waiting period runs past its end"));
	else if (jm_json_get(q, "waiting_months", &v) &&
	    json_object_get_int(v) > 0)
		jm_rec_warn(r, _("a waiting period of %d months "
		    "(待遇等待期) applies"), json_object_get_int(v));
}

/* A string of the record for the table, safe for a terminal, or NULL. */
static const char *
cell(json_object *o, const char *key, char *buf, size_t sz)
{
	const char *s;

	return jm_get_str(o, key, &s, NULL) > 0 ?
	    jm_terminal_text(s, buf, sz) : NULL;
}

/* The pension's note: the grade, and the subsidy with whose table. */
static const char *
pension_note(json_object *q, char *buf, size_t sz)
{
	const char *table = NULL, *kind = NULL;
	int64_t g = 0, sub = 0;
	char a[32], b[32], msg[64];

	if (jm_fen_get(q, "grade_fen", &g, msg, sizeof msg) <= 0)
		return NULL;
	if (jm_get_str(q, "kind", &kind, NULL) > 0 && !strcmp(kind, "special"))
		snprintf(buf, sz, _("grade %s, paid by the county"),
		    jm_yuan(g, a));
	else if (jm_fen_get(q, "subsidy_fen", &sub, msg, sizeof msg) <= 0 ||
	    jm_get_str(q, "subsidy_table", &table, NULL) <= 0)
		snprintf(buf, sz, _("grade %s"), jm_yuan(g, a));
	else
		snprintf(buf, sz, _("grade %s, subsidy %s (%s)"), jm_yuan(g, a),
		    jm_yuan(sub, b), !strcmp(table, "city") ? _("city table") :
		    _("provincial minimum"));
	return buf;
}

/* A row of the text table, with the room its cells are in. */
struct row {
	const char *c[9];
	char line[24], who[64], name[128], buf[5][64], note[512];
};

/* The quote's cells: item, year, kind, due, status, note. */
static void
quote_cells(json_object *q, struct row *w)
{
	json_object *v;
	int64_t fen = 0;

	w->c[3] = cell(q, "item", w->buf[0], sizeof w->buf[0]);
	jm_json_get(q, "year", &v);
	snprintf(w->buf[1], sizeof w->buf[1], "%d", json_object_get_int(v));
	w->c[4] = w->buf[1];
	w->c[5] = cell(q, "kind", w->buf[2], sizeof w->buf[2]);
	if (jm_fen_get(q, "due_fen", &fen, w->buf[3], sizeof w->buf[3]) > 0)
		w->c[6] = jm_yuan(fen, w->buf[3]);
	w->c[7] = cell(q, "status", w->buf[4], sizeof w->buf[4]);
	w->c[8] = pension_note(q, w->note, sizeof w->note);
}

/* The quote's numbers, and an error's message where there is one
 * (another program's error passes with the quote it carried). */
static void
row_fill(struct jm_rec *r, struct row *w)
{
	json_object *q, *e;

	memset(w->c, 0, sizeof w->c);
	snprintf(w->line, sizeof w->line, "%ld", r->line);
	w->c[0] = w->line;
	w->c[1] = jm_rec_who(r->obj, w->who, sizeof w->who);
	w->c[2] = cell(r->obj, "name", w->name, sizeof w->name);
	if (jm_json_get(r->obj, "quote", &q) && q)
		quote_cells(q, w);
	if (jm_json_get(r->obj, "error", &e)) {
		if (!w->c[3])
			w->c[3] = cell(e, "item", w->buf[0], sizeof w->buf[0]);
		w->c[7] = _("error");
		w->c[8] = cell(e, "message", w->note, sizeof w->note);
	}
}

void
jm_quoted_row(struct jm_rec *r, int item)
{
	static struct jm_col tc[9];
	static int n;
	const char *cells[9];
	struct row w;
	int i, k = 0;

	if (!n) {
		for (i = 0; i < 9; i++)
			if (i != 3 || item)
				tc[n++] = cols[i];
		jm_table_header(tc, n);
	}
	row_fill(r, &w);
	for (i = 0; i < 9; i++)
		if (i != 3 || item)
			cells[k++] = w.c[i];
	jm_table_row(tc, n, cells);
}

const struct jm_xcol *
jm_quoted_cols(int pension, int *n)
{
	static struct jm_xcol xc[NXCOLS];
	size_t i;

	for (i = 0, *n = 0; i < NXCOLS; i++)
		if (!all_xcols[i].pension || pension)
			xc[(*n)++] = all_xcols[i].c;
	return xc;
}
