/* jm-quote - 险种, 缴费年度, 日常/特殊缴费: what each person owes */
#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "../common/export.h"
#include "../common/identity.h"
#include "../common/money.h"
#include "../common/opts.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/session.h"
#include "../common/stream.h"
#include "../common/table.h"
#include "../common/tally.h"
#include "../common/utf8.h"
#include "../common/util.h"

static const char doc[] = N_("Quote what each person owes: item, coverage "
    "year, daily (日常) or special (特殊) payment, the amount due.\v"
    "Adds a \"quote\" key to each record: quote_id, year, item, kind, "
    "standard_fen, aid_fen, paid_fen, due_fen, the collection window, "
    "in_window, waiting_months, coverage, expires_at and status (unpaid, "
    "paid, partly-paid, subsidised). Amounts come from the platform's "
    "published policy tables; an amount they do not know is the error "
    "POLICY_UNKNOWN, never a guess. The default year is the one being "
    "collected on the platform's date; the default kind is special for "
    "medical-aid recipients and daily otherwise. --summary and --report "
    "give the collector's progress report: people, paid, unpaid, not "
    "registered and the amount outstanding by town and village, and the "
    "days left in the collection window.");

enum {
	OPT_YEAR = 0x200, OPT_ITEM, OPT_KIND, OPT_UNPAID, OPT_SUMMARY,
	OPT_SUMMARY_BY, OPT_REPORT,
};

static const struct argp_option options[] = {
	{"year", OPT_YEAR, N_("YEAR"), 0, N_("coverage year (缴费年度)"), 0},
	{"item", OPT_ITEM, N_("ITEM"), 0,
	    N_("insurance item: medical (the default)"), 0},
	{"kind", OPT_KIND, N_("KIND"), 0,
	    N_("daily (日常缴费) or special (特殊缴费, medical aid)"), 0},
	{"unpaid", OPT_UNPAID, NULL, 0,
	    N_("pass on only people who still owe something, and errors"), 0},
	{"summary", OPT_SUMMARY, NULL, 0,
	    N_("print the progress report on stderr after the records"), 0},
	{"summary-by", OPT_SUMMARY_BY, N_("GROUP"), 0,
	    N_("group the report by village (the default: town and "
	    "village), town, region or none"), 0},
	{"report", OPT_REPORT, NULL, 0,
	    N_("write the progress report instead of the records"), 0},
	{0},
};

struct quote {
	struct jm_platform *p;
	long year;
	const char *item, *kind, *token;
	int unpaid, summary, report, by;
	struct jm_tally *tally;
	struct jm_export *ex;
	int xlsx;
};

static struct quote Q = {.item = "medical"};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_YEAR:
		if ((Q.year = jm_parse_long(arg, 2000, 2100)) < 0)
			argp_error(state, _("--year: '%s' is not a year"), arg);
		break;
	case OPT_ITEM:
		if (strcmp(arg, "pension") == 0)
			argp_error(state, _("--item pension: the resident "
			    "pension is not offered by this version"));
		if (strcmp(arg, "medical") != 0)
			argp_error(state, _("--item: '%s' is not medical"),
			    arg);
		Q.item = arg;
		break;
	case OPT_KIND:
		if (strcmp(arg, "daily") && strcmp(arg, "special"))
			argp_error(state, _("--kind: '%s' is neither daily nor "
			    "special"), arg);
		Q.kind = arg;
		break;
	case OPT_UNPAID:
		Q.unpaid = 1;
		break;
	case OPT_SUMMARY:
		Q.summary = 1;
		break;
	case OPT_SUMMARY_BY:
		if ((Q.by = jm_tally_by(arg)) < 0)
			argp_error(state, _("--summary-by: '%s' is not one of "
			    "village, town, region, none"), arg);
		break;
	case OPT_REPORT:
		Q.report = 1;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = {
	{&jm_common_argp, 0, NULL, 0},
	{0},
};

static const struct argp argp = {options, parse_opt, N_("[FILE...]"), doc,
    children, NULL, NULL};

static const struct jm_col cols[] = {
	{N_("LINE"), 5}, {N_("ID NUMBER"), 18}, {N_("NAME"), 10},
	{N_("YEAR"), 4}, {N_("KIND"), 7}, {N_("DUE"), 8}, {N_("STATUS"), 11},
	{N_("NOTE"), 0},
};

/* --format csv and xlsx: the collector's roster. */
static const struct jm_xcol xcols[] = {
	{"乡镇/街道", "town", JM_CELL_STR, 12},
	{"村/社区", "village", JM_CELL_STR, 12},
	{"姓名", "name", JM_CELL_STR, 10},
	{"身份证号", "id_no", JM_CELL_TEXT, 20},
	{"手机号", "phone", JM_CELL_TEXT, 13},
	{"参保地", "registration.region|region", JM_CELL_TEXT, 8},
	{"资助类别", "registration.aid|aid", JM_CELL_WORD, 9},
	{"年度", "quote.year", JM_CELL_INT, 6},
	{"缴费类型", "quote.kind", JM_CELL_WORD, 9},
	{"缴费标准", "quote.standard_fen", JM_CELL_FEN, 9},
	{"资助金额", "quote.aid_fen", JM_CELL_FEN, 9},
	{"已缴", "quote.paid_fen", JM_CELL_FEN, 9},
	{"应缴", "quote.due_fen", JM_CELL_FEN, 9},
	{"状态", "quote.status", JM_CELL_WORD, 9},
	{"截止日期", "quote.window.to", JM_CELL_STR, 11},
	{"错误代码", "error.code", JM_CELL_STR, 16},
	{"错误说明", "error.message", JM_CELL_STR, 40},
};

/*
 * The record's id_no, checked as jm-register checks it, so that a mistyped
 * number is named as one rather than as a person not registered: 1 with
 * the number normalised, 0 when there is none, -1 with the record's error.
 */
static int
check_id(struct jm_rec *r, char *no)
{
	const char *s, *t = NULL, *e;
	struct jm_id id;
	char why[256];
	size_t len;
	int k, type = JM_ID_RESIDENT;

	if ((k = jm_get_str(r->obj, "id_no", &s, &len)) == 0)
		return 0;
	if (k < 0) {
		jm_rec_error(r, "ID_NOT_STRING", _("id_no must be a JSON "
		    "string: as a number it loses digits"));
		return -1;
	}
	if (jm_get_str(r->obj, "id_type", &t, NULL) > 0 &&
	    (type = jm_id_type_parse(t)) < 0) {
		jm_rec_error(r, "BAD_VALUE", _("id_type '%.30s' is not "
		    "resident, hmt-permit or foreign-permanent"), t);
		return -1;
	}
	if ((e = jm_id_check(s, len, type, jm_today(), &id, why,
	    sizeof why))) {
		jm_rec_error(r, e, "id_no: %s", why);
		return -1;
	}
	memcpy(no, id.no, sizeof id.no);
	return 1;
}

static json_object *
request(struct jm_rec *r, const char *id_no)
{
	json_object *req = json_object_new_object(), *reg;
	const char *s;

	if (Q.token)
		json_object_object_add(req, "token",
		    json_object_new_string(Q.token));
	if (json_object_object_get_ex(r->obj, "registration", &reg) &&
	    jm_get_str(reg, "insured_id", &s, NULL) > 0)
		json_object_object_add(req, "insured_id",
		    json_object_new_string(s));
	if (id_no)
		json_object_object_add(req, "id_no",
		    json_object_new_string(id_no));
	if (Q.year)
		json_object_object_add(req, "year",
		    json_object_new_int((int)Q.year));
	json_object_object_add(req, "item", json_object_new_string(Q.item));
	if (Q.kind)
		json_object_object_add(req, "kind",
		    json_object_new_string(Q.kind));
	return req;
}

/* What a person should know before paying; aid is the registry's group. */
static void
advise(struct jm_rec *r, json_object *q, const char *aid)
{
	const char *kind, *status;
	json_object *v;
	int64_t std = 0;
	char y[32], msg[64];

	jm_get_str(q, "kind", &kind, NULL);
	jm_get_str(q, "status", &status, NULL);
	jm_fen_get(q, "standard_fen", &std, msg, sizeof msg);
	if (kind && *aid && !strcmp(kind, "daily"))
		jm_rec_warn(r, _("in the aid group %s (%s), but quoted "
		    "daily: a daily payment pays the full %s; use --kind "
		    "special"), jm_aid_name(aid), aid, jm_yuan(std, y));
	if (status && strcmp(status, "unpaid") && strcmp(status, "partly-paid"))
		return;
	if (json_object_object_get_ex(q, "coverage", &v) && !v)
		jm_rec_warn(r, _("paying now covers nothing of the "
		    "year: the waiting period runs past its end"));
	else if (json_object_object_get_ex(q, "waiting_months", &v) &&
	    json_object_get_int(v) > 0)
		jm_rec_warn(r, _("a waiting period of %d months "
		    "(待遇等待期) applies"), json_object_get_int(v));
}

/*
 * The platform's answer names the person's aid group for the advice; the
 * record's quote keeps to the documented keys (the group is in
 * registration.aid). A failed quote leaves no stale quote behind.
 */
static struct jm_calls calls;

/* Check every ID number, then quote the batch: up to --jobs at once. */
static void
prepare(struct jm_rec *r, size_t n, void *ctx)
{
	char id[sizeof ((struct jm_id *)0)->no];
	size_t i;
	int rc;

	(void)ctx;
	jm_calls_start(&calls, r, n);
	if (!Q.token)
		Q.token = jm_session_token(Q.p->endpoint);
	for (i = 0; i < n; i++)
		if (jm_rec_mine(&r[i], "quote") && (rc = check_id(&r[i],
		    id)) >= 0)
			calls.req[i] = request(&r[i], rc ? id : NULL);
	jm_calls_run(Q.p, "quote", &calls);
}

static void
one(struct jm_rec *r, void *ctx)
{
	json_object *resp = NULL;
	struct jm_perr *err;
	const char *s;
	char aid[32] = "";
	int rc = jm_calls_answer(&calls, r, &resp, &err);

	(void)ctx;
	if (rc > 0)
		return;
	if (rc < 0) {
		if (err->temporary)
			jm_exit_note(JM_EXIT_TEMP);
		jm_rec_error(r, err->code, "%s", err->msg);
		return;
	}
	if (jm_get_str(resp, "aid", &s, NULL) > 0)
		snprintf(aid, sizeof aid, "%s", s);
	json_object_object_del(resp, "aid");
	json_object_object_add(r->obj, "quote", resp);
	advise(r, resp, aid);
}

static void
begin(void *ctx)
{
	(void)ctx;
	jm_platform_begin_read(Q.p);
}

static void
commit(void *ctx)
{
	(void)ctx;
	jm_platform_commit(Q.p);
}

static int
owes(json_object *o)
{
	json_object *q;
	int64_t due = 0;
	char msg[64];

	if (json_object_object_get_ex(o, "error", NULL))
		return 1;
	return json_object_object_get_ex(o, "quote", &q) &&
	    jm_fen_get(q, "due_fen", &due, msg, sizeof msg) > 0 && due > 0;
}

/* A string of the record for the table, safe for a terminal, or NULL. */
static const char *
cell(json_object *o, const char *key, char *buf, size_t sz)
{
	const char *s;

	return jm_get_str(o, key, &s, NULL) > 0 ?
	    jm_terminal_text(s, buf, sz) : NULL;
}

/* One row: the quote's numbers, and an error's message where there is one
 * (another program's error passes with the quote it carried). */
static void
text_row(struct jm_rec *r)
{
	static int header;
	const char *cells[8] = {0};
	char line[24], who[64], name[128], year[16], kind[16], due[32];
	char status[16], note[512];
	json_object *q, *e, *v;
	int64_t fen = 0;

	if (!header++)
		jm_table_header(cols, 8);
	snprintf(line, sizeof line, "%ld", r->line);
	cells[0] = line;
	cells[1] = jm_rec_who(r->obj, who, sizeof who);
	cells[2] = cell(r->obj, "name", name, sizeof name);
	if (json_object_object_get_ex(r->obj, "quote", &q)) {
		json_object_object_get_ex(q, "year", &v);
		snprintf(year, sizeof year, "%d", json_object_get_int(v));
		cells[3] = year;
		cells[4] = cell(q, "kind", kind, sizeof kind);
		if (jm_fen_get(q, "due_fen", &fen, due, sizeof due) > 0)
			cells[5] = jm_yuan(fen, due);
		cells[6] = cell(q, "status", status, sizeof status);
	}
	if (json_object_object_get_ex(r->obj, "error", &e)) {
		cells[6] = _("error");
		cells[7] = cell(e, "message", note, sizeof note);
	}
	jm_table_row(cols, 8, cells);
}

/* A workbook has a sheet per group of the report: per village. */
static void
emit(struct jm_rec *r, void *ctx)
{
	char sheet[256];

	(void)ctx;
	if (Q.tally)
		jm_tally_add(Q.tally, r);
	if (Q.report || (Q.unpaid && !owes(r->obj)))
		return;
	if (Q.ex)
		jm_export_rec(Q.ex, r->obj, Q.xlsx ? jm_tally_sheet(Q.tally,
		    r->obj, sheet, sizeof sheet) : NULL);
	else if (strcmp(jm_opts.format, "text") == 0)
		text_row(r);
	else
		jm_out_json(r->obj);
}

/* The report goes first in a workbook: its sheet is made before any. */
static void
start_output(void)
{
	const struct jm_xcol *rc;
	int n;

	Q.xlsx = strcmp(jm_opts.format, "xlsx") == 0;
	if (Q.summary || Q.report || Q.xlsx)
		Q.tally = jm_tally_new(Q.by);
	jm_out_open();
	if (!jm_export_wanted())
		return;
	if (Q.report) {
		rc = jm_tally_cols(Q.tally, &n);
		Q.ex = jm_export_new(rc, n);
		return;
	}
	Q.ex = jm_export_new(xcols, sizeof xcols / sizeof xcols[0]);
	if (Q.xlsx) {
		rc = jm_tally_cols(Q.tally, &n);
		jm_export_sheet(Q.ex, "汇总", rc, n);
	}
}

static void
finish_output(void)
{
	if (Q.report && !Q.ex && strcmp(jm_opts.format, "text") == 0)
		jm_tally_print(Q.tally, NULL);
	else if (Q.report && !Q.ex)
		jm_tally_json(Q.tally);
	else if (Q.ex && (Q.report || Q.xlsx))
		jm_tally_export(Q.tally, Q.ex, Q.xlsx ? "汇总" : NULL);
	jm_export_close(Q.ex);
	if (Q.summary) {
		jm_out_flush();
		jm_tally_print(Q.tally, stderr);
	}
	jm_tally_free(Q.tally);
}

int
main(int argc, char **argv)
{
	struct jm_step step = {.begin = begin, .prepare = prepare, .one = one,
	    .commit = commit, .emit = emit, .owns = "quote"};
	struct jm_in *in;

	jm_init("jm-quote");
	jm_opts.formats = "json,text,csv,xlsx";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_export_check();
	jm_opts_resolve();
	Q.p = jm_platform_open();
	Q.token = jm_session_token(Q.p->endpoint);
	in = jm_in_open();
	start_output();
	jm_run(in, &step);
	jm_in_close(in);
	jm_calls_free(&calls);
	jm_platform_close(Q.p);
	finish_output();
	return jm_finish();
}
