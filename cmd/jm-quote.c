/* jm-quote - 险种, 缴费年度, 日常/特殊缴费: what each person owes */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/export.h"
#include "../common/identity.h"
#include "../common/money.h"
#include "../common/opts.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/quoted.h"
#include "../common/session.h"
#include "../common/stream.h"
#include "../common/tally.h"
#include "../common/util.h"

static const char doc[] = N_("Quote what each person owes: item, coverage "
    "year, daily (日常) or special (特殊) payment, the amount due.\v"
    "Adds a \"quote\" key to each record: quote_id, year, item, kind, "
    "standard_fen, aid_fen, paid_fen, due_fen, the collection window, "
    "in_window, waiting_months, coverage, expires_at and status (unpaid, "
    "paid, partly-paid, subsidised); for the pension also grade_fen, "
    "subsidy_fen and subsidy_table. With two items each person's record is "
    "written twice, once with each quote. Amounts come from the platform's "
    "published policy tables; an amount they do not know is the error "
    "POLICY_UNKNOWN, never a guess. The default year is the one being "
    "collected on the platform's date (for the pension, the current "
    "year); the default kind is special for medical-aid recipients (for "
    "the pension, the hardship groups) and daily otherwise. The pension's "
    "grade is the year's total: --grade, else each record's grade_fen, "
    "else the grade of the pension quote it carries. "
    "--summary and --report "
    "give the collector's progress report: people, paid, unpaid, not "
    "registered and the amount outstanding by town and village, and the "
    "days left in the collection window.");

enum {
	OPT_YEAR = 0x200, OPT_ITEM, OPT_KIND, OPT_UNPAID, OPT_SUMMARY,
	OPT_SUMMARY_BY, OPT_REPORT, OPT_GRADE,
};

static const struct argp_option options[] = {
	{"year", OPT_YEAR, N_("YEAR"), 0, N_("coverage year (缴费年度)"), 0},
	{"item", OPT_ITEM, N_("ITEM"), 0,
	    N_("insurance item: medical (the default), pension, or both: "
	    "medical,pension"), 0},
	{"grade", OPT_GRADE, N_("YUAN"), 0,
	    N_("the pension's grade (缴费档次), the year's total, for every "
	    "record (else each record's grade_fen)"), 0},
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

#define MAX_ITEMS 2

struct quote {
	struct jm_platform *p;
	long year;
	const char *items[MAX_ITEMS], *kind, *token;
	int nitems, unpaid, summary, report, by;
	int64_t grade;			/* --grade in fen; 0: none */
	struct jm_tally *tally[MAX_ITEMS];
	struct jm_export *ex;
	int xlsx;
};

static struct quote Q = {.items = {"medical"}, .nitems = 1};

/* --item medical, pension, or both: each record is quoted for these, in
 * this order. */
static void
parse_items(struct argp_state *state, char *arg)
{
	char *s, *save = NULL;

	Q.nitems = 0;
	for (s = strtok_r(arg, ",", &save); s; s = strtok_r(NULL, ",",
	    &save)) {
		if (strcmp(s, "medical") && strcmp(s, "pension"))
			argp_error(state, _("--item: '%s' is neither medical "
			    "nor pension"), s);
		if (Q.nitems == MAX_ITEMS || (Q.nitems == 1 &&
		    !strcmp(Q.items[0], s)))
			argp_error(state, _("--item: name medical and pension "
			    "once each"));
		Q.items[Q.nitems++] = s;
	}
	if (Q.nitems == 0)
		argp_error(state, _("--item: name medical, pension or "
		    "medical,pension"));
}

/* The index of an item among those asked, or -1. */
static int
item_index(const char *item)
{
	int k;

	for (k = 0; item && k < Q.nitems; k++)
		if (strcmp(Q.items[k], item) == 0)
			return k;
	return -1;
}

/* Anything but the medical insurance alone: the pension's columns. */
static int
pension_asked(void)
{
	return item_index("pension") >= 0;
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_YEAR:
		if ((Q.year = jm_parse_long(arg, 2000, 2100)) < 0)
			argp_error(state, _("--year: '%s' is not a year"), arg);
		break;
	case OPT_ITEM:
		parse_items(state, arg);
		break;
	case OPT_GRADE:
		if (jm_parse_yuan(arg, &Q.grade) < 0 || Q.grade == 0)
			argp_error(state, _("--grade: '%s' is not a grade in "
			    "yuan such as 300"), arg);
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
	case ARGP_KEY_END:
		if (Q.grade && !pension_asked())
			argp_error(state, _("--grade is the pension's: give "
			    "--item pension or --item medical,pension"));
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
		e = jm_id_not_string("id_no", why, sizeof why);
		jm_rec_error(r, e, "%s", why);
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

/* The grade of the pension quote a record carries, or 0. */
static int64_t
quoted_grade(json_object *o)
{
	json_object *q;
	const char *item;
	int64_t fen = 0;
	char msg[64];

	if (!json_object_object_get_ex(o, "quote", &q) ||
	    jm_get_str(q, "item", &item, NULL) <= 0 ||
	    strcmp(item, "pension") != 0 ||
	    jm_fen_get(q, "grade_fen", &fen, msg, sizeof msg) <= 0)
		return 0;
	return fen;
}

/* The pension's grade for a record: --grade, else its grade_fen, else the
 * grade it was quoted for before (was); 0 when none (the platform names
 * the grades), -1 with the record's error. */
static int
grade_of(struct jm_rec *r, int64_t was, int64_t *fen)
{
	char msg[128];
	int k;

	if ((*fen = Q.grade) > 0)
		return 0;
	k = jm_fen_get(r->obj, "grade_fen", fen, msg, sizeof msg);
	if (k < 0 || (k > 0 && *fen == 0)) {
		jm_rec_error(r, "BAD_VALUE", _("grade_fen: the pension's grade "
		    "in fen, such as 30000 for 300 yuan"));
		return -1;
	}
	if (k == 0)
		*fen = was;
	return 0;
}

static json_object *
request(struct jm_rec *r, const char *id_no, const char *item, int64_t grade)
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
	json_object_object_add(req, "item", json_object_new_string(item));
	if (Q.kind)
		json_object_object_add(req, "kind",
		    json_object_new_string(Q.kind));
	if (grade > 0 && strcmp(item, "pension") == 0)
		json_object_object_add(req, "grade_fen",
		    json_object_new_int64(grade));
	return req;
}

/*
 * One record per person and item: with two items each record is quoted
 * twice, and written out twice, once with each quote (the twin is the
 * second); each of the two says so in its quote's (or error's) "items".
 * jm-pay and jm-receipt add one payment and one receipt to each. A record
 * written so is quoted again for its own item only, and passes unchanged
 * when that item is not asked, so that running the stream through
 * jm-quote again never doubles it; any other record is quoted for every
 * item asked.
 */
static struct jm_calls calls[MAX_ITEMS];
static struct batch {
	unsigned *want;		/* bit k: quote for Q.items[k] */
	int64_t *grade;		/* what the record asks for the pension */
	json_object **items;	/* the items quoted together, or NULL */
	struct jm_rec *twin;
	size_t cap, n;
} B;

/* The item a record was quoted for before (its quote's, or this
 * program's error's), and in *items those it was quoted for together;
 * NULL when it was not quoted. */
static const char *
item_of(json_object *o, json_object **items)
{
	json_object *h = NULL, *v;
	const char *s = NULL, *tool = NULL;

	if (json_object_object_get_ex(o, "quote", &v) &&
	    json_object_is_type(v, json_type_object))
		h = v;
	else if (json_object_object_get_ex(o, "error", &v) &&
	    json_object_is_type(v, json_type_object) &&
	    jm_get_str(v, "tool", &tool, NULL) > 0 && !strcmp(tool, jm_prog))
		h = v;
	if (!h || jm_get_str(h, "item", &s, NULL) <= 0)
		return NULL;
	if (items && json_object_object_get_ex(h, "items", &v) &&
	    json_object_is_type(v, json_type_array))
		*items = v;
	return s;
}

static unsigned
wanted(json_object *o, json_object **items)
{
	const char *it = item_of(o, items);
	int k = item_index(it);

	if (!it || !*items)
		return (1u << Q.nitems) - 1;
	return k < 0 ? 0 : 1u << k;
}

/* The items asked, as a record's "items". */
static json_object *
items_asked(void)
{
	json_object *a = json_object_new_array();
	int k;

	for (k = 0; k < Q.nitems; k++)
		json_object_array_add(a, json_object_new_string(Q.items[k]));
	return a;
}

/* A new batch: the last one's lists let go, room for this one's. */
static void
batch_start(size_t n)
{
	size_t i;

	for (i = 0; i < B.n; i++)
		json_object_put(B.items[i]);
	if (n > B.cap) {
		B.want = jm_realloc(B.want, n * sizeof *B.want);
		B.grade = jm_realloc(B.grade, n * sizeof *B.grade);
		B.items = jm_realloc(B.items, n * sizeof *B.items);
		B.twin = jm_realloc(B.twin, n * sizeof *B.twin);
		B.cap = n;
	}
	B.n = n;
	if (n == 0)
		return;
	memset(B.grade, 0, n * sizeof *B.grade);
	memset(B.items, 0, n * sizeof *B.items);
	memset(B.twin, 0, n * sizeof *B.twin);
}

/* The requests of a record, one per item it wants. */
static void
ask(struct jm_rec *r, size_t i)
{
	char id[sizeof ((struct jm_id *)0)->no];
	json_object *was = NULL;
	int64_t grade = quoted_grade(r->obj);
	int k, rc;

	if ((B.want[i] = r->failed ? 0 : wanted(r->obj, &was)) == 0) {
		r->failed = 1;	/* another item's: it passes unchanged */
		return;
	}
	B.items[i] = was ? json_object_get(was) : Q.nitems > 1 ?
	    items_asked() : NULL;
	if (!jm_rec_mine(r, "quote") || (rc = check_id(r, id)) < 0 ||
	    (pension_asked() && grade_of(r, grade, &B.grade[i]) < 0))
		return;
	for (k = 0; k < Q.nitems; k++)
		if (B.want[i] >> k & 1)
			calls[k].req[i] = request(r, rc ? id : NULL,
			    Q.items[k], B.grade[i]);
}

/* Check every ID number, then quote the batch: up to --jobs at once. */
static void
prepare(struct jm_rec *r, size_t n, void *ctx)
{
	size_t i;
	int k;

	(void)ctx;
	batch_start(n);
	for (k = 0; k < Q.nitems; k++)
		jm_calls_start(&calls[k], r, n);
	if (!Q.token)
		Q.token = jm_session_token(Q.p->endpoint);
	for (i = 0; i < n; i++)
		ask(&r[i], i);
	for (k = 0; k < Q.nitems; k++)
		jm_calls_run(Q.p, "quote", &calls[k]);
}

/* The item of a quote or an error, and the items quoted together. */
static void
label(json_object *o, int k, size_t i)
{
	json_object_object_add(o, "item", json_object_new_string(Q.items[k]));
	if (B.items[i])
		json_object_object_add(o, "items", json_object_get(B.items[i]));
}

/*
 * An answer into a record: the quote, or the error naming its item. The
 * platform's answer names the person's aid group for the advice; the
 * record's quote keeps to the documented keys (the group is in
 * registration.aid). A failed quote leaves no stale quote behind.
 */
static void
apply(struct jm_rec *r, int k, json_object *resp, struct jm_perr *err,
    size_t i)
{
	json_object *e;
	const char *s;
	char aid[32] = "";

	if (!resp) {
		if (err->temporary)
			jm_exit_note(JM_EXIT_TEMP);
		json_object_object_del(r->obj, "quote");
		jm_rec_error(r, err->code, "%s", err->msg);
		if (json_object_object_get_ex(r->obj, "error", &e))
			label(e, k, i);
		return;
	}
	if (jm_get_str(resp, "aid", &s, NULL) > 0)
		snprintf(aid, sizeof aid, "%s", s);
	json_object_object_del(resp, "aid");
	label(resp, k, i);
	json_object_object_add(r->obj, "quote", resp);
	jm_quoted_advise(r, resp, aid, B.grade[i]);
}

/* A copy of a record, to carry its second item. */
static void
twin_of(const struct jm_rec *r, struct jm_rec *t)
{
	*t = *r;
	t->obj = NULL;
	t->raw = NULL;	/* written whole */
	if (json_object_deep_copy(r->obj, &t->obj, NULL) != 0)
		jm_die(_("out of memory"));
}

static int
same_error(struct jm_perr *a, struct jm_perr *b, json_object *ra,
    json_object *rb)
{
	return !ra && !rb && strcmp(a->code, b->code) == 0 &&
	    strcmp(a->msg, b->msg) == 0;
}

/* Both items of a record: an error they share (not registered) is said
 * once, and both records carry it, each naming its item. */
static void
both(struct jm_rec *r, size_t i, json_object **resp, struct jm_perr **err)
{
	struct jm_rec *t = &B.twin[i];
	json_object *e;

	if (!same_error(err[0], err[1], resp[0], resp[1])) {
		twin_of(r, t);
		apply(r, 0, resp[0], err[0], i);
		apply(t, 1, resp[1], err[1], i);
		return;
	}
	apply(r, 0, resp[0], err[0], i);
	twin_of(r, t);
	if (json_object_object_get_ex(t->obj, "error", &e))
		label(e, 1, i);
}

static void
one(struct jm_rec *r, void *ctx)
{
	json_object *resp[MAX_ITEMS] = {0};
	struct jm_perr *err[MAX_ITEMS] = {0};
	size_t i = (size_t)(r - calls[0].base);
	int k, n = 0, which = 0;

	(void)ctx;
	for (k = 0; k < Q.nitems; k++)
		if (jm_calls_answer(&calls[k], r, &resp[k], &err[k]) <= 0) {
			n++;
			which = k;
		}
	if (n == 2)
		both(r, i, resp, err);
	else if (n == 1)
		apply(r, which, resp[which], err[which], i);
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

/* Count a record in its item's report; one quoted for no item yet (an
 * error before quoting) in each. */
static void
count(const struct jm_rec *r)
{
	const char *it = item_of(r->obj, NULL);
	int k = item_index(it), j;

	if (!Q.tally[0] || (it && k < 0))
		return;
	for (j = 0; j < Q.nitems; j++)
		if (k < 0 || j == k)
			jm_tally_add(Q.tally[j], r);
}

/* A workbook has a sheet per group of the report: per village. */
static void
emit_one(struct jm_rec *r)
{
	json_object *v;
	char sheet[256];

	if (json_object_object_get_ex(r->obj, "quote", &v) && !v)
		json_object_object_del(r->obj, "quote");
	count(r);
	if (Q.report || (Q.unpaid && !owes(r->obj)))
		return;
	if (Q.ex)
		jm_export_rec(Q.ex, r->obj, Q.xlsx ? jm_tally_sheet(Q.tally[0],
		    r->obj, sheet, sizeof sheet) : NULL);
	else if (strcmp(jm_opts.format, "text") == 0)
		jm_quoted_row(r, pension_asked());
	else
		jm_out_rec(r);
}

/* The record, then its twin with the second item's quote. */
static void
emit(struct jm_rec *r, void *ctx)
{
	size_t i = (size_t)(r - calls[0].base);

	(void)ctx;
	emit_one(r);
	if (i < calls[0].n && B.twin[i].obj) {
		emit_one(&B.twin[i]);
		jm_rec_free(&B.twin[i]);
	}
}

/* The report's columns: with two items, the item first. */
static const struct jm_xcol *
report_cols(int *n)
{
	static struct jm_xcol rc[24];
	const struct jm_xcol *tc = jm_tally_cols(Q.tally[0], n);
	int k = 0, i;

	if (Q.nitems == 1)
		return tc;
	rc[k++] = (struct jm_xcol){"险种", "item", JM_CELL_WORD, 14};
	for (i = 0; i < *n && k < 24; i++)
		rc[k++] = tc[i];
	*n = k;
	return rc;
}

/* The report goes first in a workbook: its sheet is made before any. */
static void
start_output(void)
{
	const struct jm_xcol *rc;
	int n, k;

	Q.xlsx = strcmp(jm_opts.format, "xlsx") == 0;
	for (k = 0; k < Q.nitems && (Q.summary || Q.report || Q.xlsx); k++)
		Q.tally[k] = jm_tally_new(Q.by, Q.items[k]);
	jm_out_open();
	if (!jm_export_wanted())
		return;
	if (Q.report) {
		rc = report_cols(&n);
		Q.ex = jm_export_new(rc, n);
		return;
	}
	rc = jm_quoted_cols(pension_asked(), &n);
	Q.ex = jm_export_new(rc, n);
	if (Q.xlsx) {
		rc = report_cols(&n);
		jm_export_sheet(Q.ex, "汇总", rc, n);
	}
}

/* One report per item, one after the other. */
static void
finish_output(void)
{
	int text = strcmp(jm_opts.format, "text") == 0, k;

	for (k = 0; k < Q.nitems && Q.tally[k]; k++)
		if (Q.report && !Q.ex && text)
			jm_tally_print(Q.tally[k], NULL);
		else if (Q.report && !Q.ex)
			jm_tally_json(Q.tally[k]);
		else if (Q.ex && (Q.report || Q.xlsx))
			jm_tally_export(Q.tally[k], Q.ex, Q.xlsx ? "汇总" :
			    NULL);
	jm_export_close(Q.ex);
	if (Q.summary)
		jm_out_flush();
	for (k = 0; k < Q.nitems && Q.tally[k]; k++) {
		if (Q.summary)
			jm_tally_print(Q.tally[k], stderr);
		jm_tally_free(Q.tally[k]);
	}
}

int
main(int argc, char **argv)
{
	struct jm_step step = {.begin = begin, .prepare = prepare, .one = one,
	    .commit = commit, .emit = emit};
	struct jm_in *in;
	int k;

	jm_init("jm-quote");
	jm_opts.formats = "json,text,csv,xlsx";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_export_check();
	jm_opts_resolve();
	Q.p = jm_platform_open();
	/* batches of 32 on the sandbox: quoting writes nothing, and a small
	 * batch keeps its records in the cache (100,000 quotes: 0.87 s at
	 * 256, 0.70 s at 32, 0.76 s at 8; 2.0 s at 1,024 once) */
	step.batch = jm_platform_batch(Q.p, 32);
	Q.token = jm_session_token(Q.p->endpoint);
	in = jm_in_open();
	start_output();
	jm_run(in, &step);
	jm_in_close(in);
	for (k = 0; k < MAX_ITEMS; k++)
		jm_calls_free(&calls[k]);
	batch_start(0);
	free(B.want);
	free(B.grade);
	free(B.items);
	free(B.twin);
	jm_platform_close(Q.p);
	finish_output();
	return jm_finish();
}
