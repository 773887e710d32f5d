/* jm-pay - 确认缴费 / 确认并支付: pay each quoted record exactly once */
#include <argp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/export.h"
#include "../common/identity.h"
#include "../common/money.h"
#include "../common/opts.h"
#include "../common/pay.h"
#include "../common/payment.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/retry.h"
#include "../common/session.h"
#include "../common/stream.h"
#include "../common/table.h"
#include "../common/util.h"

static const char doc[] = N_("Pay each quoted record exactly once "
    "(确认并支付).\v"
    "Pays every record whose quote has due_fen above 0 through the "
    "channel, and adds a \"payment\" key: order_id, idempotency_key, "
    "status (paid, declined, unknown, nothing-due, skipped), channel, "
    "amount_fen, txn_id, paid_at, settled. Every attempt is written to the "
    "payment journal, and made durable, before its request leaves; killed "
    "at any instant and run again, jm-pay pays nobody twice and loses no "
    "payment, and a finished run run again charges nothing and gives the "
    "same payments. Without --yes it asks on the terminal; with no "
    "terminal it pays nothing and exits 64.");

enum { OPT_CHANNEL = 0x200, OPT_ACCOUNT, OPT_DRY, OPT_MAX, OPT_SUMMARY };

static const struct argp_option options[] = {
	{"channel", OPT_CHANNEL, N_("CHANNEL"), 0,
	    N_("alipay, wechat, wanshitong, bank or family (门诊共济)"), 0},
	{"account", OPT_ACCOUNT, N_("ID_NO"), 0,
	    N_("the employee account --channel family charges"), 0},
	{"yes", 'y', NULL, 0, N_("pay without asking"), 0},
	{"dry-run", OPT_DRY, NULL, 0,
	    N_("show who would be paid and the total; pay nothing"), 0},
	{"max-total", OPT_MAX, N_("YUAN"), 0,
	    N_("pay in order while this run's total stays within YUAN; "
	    "skip the rest"), 0},
	{"summary", OPT_SUMMARY, NULL, 0,
	    N_("print a summary on stderr after the records"), 0},
	{0},
};

/* What a run pays: people, payments, yuan. */
struct plan {
	long people, payments;
	int64_t total;
	char last[40];
	long n[JM_PLAN_NONE + 1];	/* --dry-run: records of each kind */
	int64_t skipped_fen;
};

static struct {
	const char *channel, *account;
	int yes, dry_run, summary;
	int64_t max_total;
	struct jm_pay *pay;
	long done, seen[3];	/* written: all, paid, declined, unknown */
	int progress;	/* stderr a terminal, and not -q */
	struct plan plan;
	struct jm_export *ex;
} P = {.max_total = -1};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_CHANNEL:
		if (!jm_in_list(jm_channels, arg))
			argp_error(state, _("--channel: '%s' is not one of "
			    "alipay, wechat, wanshitong, bank, family"), arg);
		P.channel = arg;
		break;
	case OPT_ACCOUNT:
		P.account = arg;
		break;
	case 'y':
		P.yes = 1;
		break;
	case OPT_DRY:
		P.dry_run = 1;
		break;
	case OPT_MAX:
		if (jm_parse_yuan(arg, &P.max_total) < 0)
			argp_error(state, _("--max-total: '%s' is not an "
			    "amount of yuan such as 1200 or 1200.50"), arg);
		break;
	case OPT_SUMMARY:
		P.summary = 1;
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
	{NC_("column", "LINE"), 5}, {NC_("column", "ID NUMBER"), 18},
	{NC_("column", "NAME"), 10}, {NC_("column", "ITEM"), 7},
	{NC_("column", "YEAR"), 4}, {NC_("column", "AMOUNT"), 9},
	{NC_("column", "WHAT"), 0},
};

/* --format text: what was paid, for people reading a terminal. */
static const struct jm_col paid_cols[] = {
	{NC_("column", "LINE"), 5}, {NC_("column", "ID NUMBER"), 18},
	{NC_("column", "NAME"), 10}, {NC_("column", "ITEM"), 7},
	{NC_("column", "YEAR"), 4}, {NC_("column", "AMOUNT"), 9},
	{NC_("column", "STATUS"), 11}, {NC_("column", "ORDER / ERROR"), 0},
};

/* --format csv and xlsx: what was paid, for the collector's records. */
static const struct jm_xcol xcols[] = {
	{"乡镇/街道", "town", JM_CELL_STR, 12},
	{"村/社区", "village", JM_CELL_STR, 12},
	{"姓名", "name", JM_CELL_STR, 10},
	{"身份证号", "id_no", JM_CELL_TEXT, 20},
	{"险种", "quote.item", JM_CELL_WORD, 14},
	{"年度", "quote.year", JM_CELL_INT, 6},
	{"金额", "payment.amount_fen", JM_CELL_FEN, 9},
	{"支付状态", "payment.status", JM_CELL_WORD, 9},
	{"渠道", "payment.channel", JM_CELL_WORD, 9},
	{"订单号", "payment.order_id", JM_CELL_TEXT, 22},
	{"交易号", "payment.txn_id", JM_CELL_TEXT, 22},
	{"缴费时间", "payment.paid_at", JM_CELL_STR, 26},
	{"入库", "payment.settled", JM_CELL_BOOL, 6},
	{"缴款单号", "receipt.receipt_no", JM_CELL_TEXT, 22},
	{"错误代码", "error.code", JM_CELL_STR, 16},
	{"错误说明", "error.message", JM_CELL_STR, 40},
};

/* The channel: --channel, JM_CHANNEL or the config's channel. */
static void
channel(void)
{
	char m[40];

	if (!P.channel && (P.channel = jm_config("channel")) &&
	    !jm_in_list(jm_channels, P.channel))
		jm_die(_("channel '%s' (JM_CHANNEL or the config) is not one of "
		    "alipay, wechat, wanshitong, bank, family"), P.channel);
	if (!P.channel)
		jm_die_status(JM_EXIT_USAGE, _("no channel: give --channel "
		    "alipay|wechat|wanshitong|bank|family"));
	jm_backoff_ms(0, 0);	/* a malformed JM_RETRY_BASE_MS stops now */
	if ((strcmp(P.channel, "family") == 0) != (P.account != NULL))
		jm_die_status(JM_EXIT_USAGE, P.account ? _("--account %s goes "
		    "with --channel family") : _("--channel family needs "
		    "--account ID_NO, the employee account to charge"),
		    P.account ? jm_mask_id(P.account, m) : "");
}

/* A person is counted once for their records in a row: jm-quote writes a
 * person's items (medical, pension) one after the other. */
static void
add_payment(struct plan *pl, json_object *o, int64_t fen)
{
	const char *who = NULL;
	json_object *q;

	pl->payments++;
	pl->total += fen;
	if (json_object_object_get_ex(o, "quote", &q))
		jm_get_str(q, "insured_id", &who, NULL);
	if (!who)
		jm_get_str(o, "id_no", &who, NULL);
	if (who && !strcmp(who, pl->last))
		return;
	snprintf(pl->last, sizeof pl->last, "%s", who ? who : "");
	pl->people++;
}

static void
count(const struct jm_rec *r, void *ctx)
{
	int64_t due = jm_pay_due(r->obj);

	if (due > 0)
		add_payment(ctx, r->obj, due);
}

/* "6 people" or, for several items, "4 people (6 payments)". */
static const char *
plan_words(const struct plan *pl, char *buf, size_t sz)
{
	if (pl->payments == pl->people)
		snprintf(buf, sz, ngettext("%ld person", "%ld people",
		    pl->people), pl->people);
	else
		snprintf(buf, sz, ngettext("%ld person (%ld payments)",
		    "%ld people (%ld payments)", pl->people), pl->people,
		    pl->payments);
	return buf;
}

/* Without --yes: the whole batch is spooled, then confirmed on the
 * terminal. No terminal: nothing is paid (exit 64). */
static void
confirm(struct jm_in *in)
{
	struct plan pl = {0};
	char y[32], answer[16] = "", who[80];
	FILE *tty;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (fd < 0 || !(tty = fdopen(fd, "r+")))
		jm_die_status(JM_EXIT_USAGE, _("no terminal to confirm the "
		    "payment on: nothing paid (give --yes to pay unattended)"));
	jm_in_spool(in, count, &pl);
	fprintf(tty, _("jm-pay: pay %s, %s yuan in all (at most), through "
	    "%s? [y/N] "), plan_words(&pl, who, sizeof who), jm_yuan(pl.total,
	    y), P.channel);
	fflush(tty);
	if (!fgets(answer, sizeof answer, tty) || (answer[0] != 'y' &&
	    answer[0] != 'Y'))
		jm_die_status(JM_EXIT_FAIL, _("not confirmed: nothing paid"));
	fclose(tty);
}

/* The progress line, from the records written so far: a batch's outcomes
 * are all known before its first record goes out. */
static void
progress_line(void)
{
	fputc('\r', stderr);
	fprintf(stderr, _("%s: %ld records, %ld paid, %ld declined, %ld "
	    "unknown "), jm_prog, P.done, P.seen[0], P.seen[1], P.seen[2]);
}

static void
progress(const struct jm_rec *r)
{
	static const char *const shown[] = {"paid", "declined", "unknown"};
	json_object *p;
	const char *s;
	int i;

	if (!P.progress)
		return;
	if (json_object_object_get_ex(r->obj, "payment", &p) &&
	    jm_get_str(p, "status", &s, NULL) > 0)
		for (i = 0; i < 3; i++)
			P.seen[i] += !strcmp(s, shown[i]);
	if (++P.done % 100 == 0)
		progress_line();
}

static void
dry_row(struct jm_rec *r)
{
	static int header;
	const char *cells[7] = {0};
	char line[24], who[64], year[16], amt[32];
	json_object *q, *v;
	int64_t fen;
	enum jm_plan what;

	if (!header++)
		jm_table_header(cols, 7);
	snprintf(line, sizeof line, "%ld", r->line);
	cells[0] = line;
	cells[1] = jm_rec_who(r->obj, who, sizeof who);
	jm_get_str(r->obj, "name", &cells[2], NULL);
	if (json_object_object_get_ex(r->obj, "quote", &q) &&
	    json_object_object_get_ex(q, "year", &v)) {
		jm_get_str(q, "item", &cells[3], NULL);
		snprintf(year, sizeof year, "%d", json_object_get_int(v));
		cells[4] = year;
	} else if (json_object_object_get_ex(r->obj, "error", &q))
		jm_get_str(q, "item", &cells[3], NULL);	/* jm-quote's */
	cells[6] = jm_pay_plan(P.pay, r, &fen, &what);
	cells[5] = jm_yuan(fen, amt);
	P.plan.n[what]++;
	if (what == JM_PLAN_PAY)
		add_payment(&P.plan, r->obj, fen);
	else if (what == JM_PLAN_SKIP)
		P.plan.skipped_fen += fen;
	jm_table_row(cols, 7, cells);
}

/* The quote's item and year: the cells of a row from c[0] on. */
static void
quote_cells(json_object *o, const char **c, char *year, size_t sz)
{
	json_object *q, *v;

	if (json_object_object_get_ex(o, "quote", &q) && q) {
		jm_get_str(q, "item", &c[0], NULL);
		if (json_object_object_get_ex(q, "year", &v) &&
		    json_object_is_type(v, json_type_int)) {
			snprintf(year, sz, "%d", json_object_get_int(v));
			c[1] = year;
		}
	} else if (json_object_object_get_ex(o, "error", &q))
		jm_get_str(q, "item", &c[0], NULL);	/* jm-quote's */
}

/* --format text: a record's payment, or the error that stopped it. */
static void
text_row(struct jm_rec *r)
{
	static int header;
	const char *cells[8] = {0};
	char line[24], who[64], year[16], amt[32], msg[64];
	json_object *p, *e = NULL;
	int64_t fen;

	if (!header++)
		jm_table_header(paid_cols, 8);
	snprintf(line, sizeof line, "%ld", r->line);
	cells[0] = line;
	cells[1] = jm_rec_who(r->obj, who, sizeof who);
	jm_get_str(r->obj, "name", &cells[2], NULL);
	quote_cells(r->obj, cells + 3, year, sizeof year);
	json_object_object_get_ex(r->obj, "error", &e);
	if (json_object_object_get_ex(r->obj, "payment", &p) && p) {
		if (jm_fen_get(p, "amount_fen", &fen, msg, sizeof msg) > 0)
			cells[5] = jm_yuan(fen, amt);
		jm_get_str(p, "status", &cells[6], NULL);
		jm_get_str(p, "order_id", &cells[7], NULL);
		if (cells[6] && !strcmp(cells[6], "skipped"))
			cells[7] = _("past --max-total");
	} else if (e)
		cells[6] = _("error");
	if (e)
		jm_get_str(e, "message", &cells[7], NULL);
	jm_table_row(paid_cols, 8, cells);
}

static void
emit(struct jm_rec *r, void *ctx)
{
	(void)ctx;
	if (P.dry_run)
		dry_row(r);
	else if (P.ex)
		jm_export_rec(P.ex, r->obj, NULL);
	else if (strcmp(jm_opts.format, "text") == 0)
		text_row(r);
	else
		jm_out_rec(r);
	progress(r);
}

/* --dry-run --summary: what would be done, not the zeros of nothing done */
static void
dry_summary(void)
{
	const struct plan *pl = &P.plan;
	char a[32], b[32];

	fprintf(stderr, _("%s: a dry run through %s: nothing was paid\n"),
	    jm_prog, P.channel);
	fprintf(stderr, _("  would pay     %6ld  %12s yuan\n"), pl->payments,
	    jm_yuan(pl->total, a));
	fprintf(stderr, _("  paid before   %6ld  (by jm, not charged again)\n"),
	    pl->n[JM_PLAN_BEFORE]);
	fprintf(stderr, _("  nothing due   %6ld\n"), pl->n[JM_PLAN_NOTHING]);
	fprintf(stderr, _("  skipped       %6ld  %12s yuan (--max-total)\n"),
	    pl->n[JM_PLAN_SKIP], jm_yuan(pl->skipped_fen, b));
	fprintf(stderr, _("  not payable   %6ld  (errors, or not quoted)\n"),
	    pl->n[JM_PLAN_NONE]);
}

static void
summary(void)
{
	const struct jm_pay_totals *t = jm_pay_totals(P.pay);
	char a[32], b[32];

	if (P.dry_run) {
		dry_summary();
		return;
	}
	fprintf(stderr, _("%s: through %s\n"), jm_prog, P.channel);
	fprintf(stderr, _("  paid          %6ld  %12s yuan\n"), t->paid,
	    jm_yuan(t->paid_fen, a));
	fprintf(stderr, _("  paid before   %6ld  (by jm, not charged again)\n"),
	    t->again);
	fprintf(stderr, _("  declined      %6ld\n"), t->declined);
	fprintf(stderr, _("  unknown       %6ld\n"), t->unknown);
	fprintf(stderr, _("  nothing due   %6ld\n"), t->nothing);
	fprintf(stderr, _("  skipped       %6ld  %12s yuan (--max-total)\n"),
	    t->skipped, jm_yuan(t->skipped_fen, b));
	fprintf(stderr, _("  not paid      %6ld  (errors before paying)\n"),
	    t->failed);
}

int
main(int argc, char **argv)
{
	struct jm_pay_opts o;
	struct jm_platform *p;
	struct jm_step step = {.prepare = jm_pay_prepare, .one = jm_pay_one,
	    .commit = jm_pay_commit, .emit = emit, .owns = "payment"};
	struct jm_in *in;
	char y[32], who[80];

	jm_init("jm-pay");
	jm_opts.formats = "json,text,csv,xlsx";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (P.dry_run && jm_export_wanted())
		jm_die_status(JM_EXIT_USAGE, _("--dry-run shows a table: "
		    "--format %s is for the records of a payment"),
		    jm_opts.format);
	jm_export_check();
	jm_opts_resolve();
	channel();
	p = jm_platform_open();
	in = jm_in_open();
	if (!P.yes && !P.dry_run)
		confirm(in);
	o = (struct jm_pay_opts){P.channel, P.account, P.max_total, P.dry_run};
	P.pay = jm_pay_new(p, &o);
	step.ctx = P.pay;
	P.progress = !jm_quiet && isatty(STDERR_FILENO);
	jm_out_open();
	if (jm_export_wanted())
		P.ex = jm_export_new(xcols, sizeof xcols / sizeof xcols[0]);
	jm_run(in, &step);
	jm_export_close(P.ex);
	if (P.done >= 100) {
		progress_line();
		fputc('\n', stderr);
	}
	if (P.dry_run)
		printf(_("would pay %s, %s yuan, through %s; nothing was "
		    "paid\n"), plan_words(&P.plan, who, sizeof who),
		    jm_yuan(P.plan.total, y), P.channel);
	jm_in_close(in);
	if (P.summary) {
		jm_out_flush();
		summary();
	}
	jm_pay_free(P.pay);
	jm_platform_close(p);
	return jm_finish();
}
