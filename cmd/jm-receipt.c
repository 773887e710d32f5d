/* jm-receipt - 电子缴款单: fetch, verify, store and print the receipt of
 * every payment; verify stored receipts offline */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/files.h"
#include "../common/identity.h"
#include "../common/money.h"
#include "../common/opts.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/receipts.h"
#include "../common/reconcile.h"
#include "../common/stream.h"
#include "../common/util.h"

static const char doc[] = N_("Fetch, verify, store and print the electronic "
    "receipt (电子缴款单) of every paid record.\v"
    "For each record whose payment is paid, fetches the platform's signed "
    "receipt, checks it against share/receipt.xsd and its SM2/SM3 "
    "signature, stores it as receipts/YEAR/RECEIPT_NO.xml in the data "
    "folder (or --dir) and adds a \"receipt\" key: receipt_no, path, "
    "sha256, verify_code, issued_at, verified. A receipt already stored "
    "and unchanged is not fetched again. --format text prints the "
    "receipts for people, html one printable page per receipt, xml the "
    "documents themselves. --verify checks stored receipt files offline.");

enum { OPT_DIR = 0x200, OPT_VERIFY, OPT_RECONCILE, OPT_SINCE, OPT_SUMMARY,
    OPT_KEY };

static const struct argp_option options[] = {
	{"dir", OPT_DIR, N_("DIR"), 0,
	    N_("store receipts under DIR instead of the data folder"), 0},
	{"verify", OPT_VERIFY, NULL, 0,
	    N_("check the receipt FILEs offline; exit 1 if any is not "
	    "genuine"), 0},
	{"reconcile", OPT_RECONCILE, NULL, 0,
	    N_("compare the journal with the platform's payments: resolve "
	    "unknown outcomes, fetch missing receipts, report what needs a "
	    "person (for cron)"), 0},
	{"since", OPT_SINCE, N_("DATE"), 0,
	    N_("with --reconcile: only payments from DATE (YYYY-MM-DD) on"),
	    0},
	{"key", OPT_KEY, N_("FILE"), 0,
	    N_("the platform's public key (PEM) to verify with"), 0},
	{"summary", OPT_SUMMARY, NULL, 0,
	    N_("print a summary on stderr after the records"), 0},
	{0},
};

static struct {
	const char *dir, *key, *since;
	int verify, summary, reconcile;
	struct jm_platform *p;
	struct jm_receipts *rs;
	char **paths;
	size_t npaths;
	struct jm_rec **mine;	/* the batch's records given a receipt now */
	size_t nmine, capmine, nextmine;
	long fetched, stored, failed, unpaid;
} R;

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_DIR:
		R.dir = arg;
		break;
	case OPT_VERIFY:
		R.verify = 1;
		break;
	case OPT_KEY:
		R.key = arg;
		break;
	case OPT_RECONCILE:
		R.reconcile = 1;
		break;
	case OPT_SINCE:
		if (jm_parse_date(arg, &(struct jm_date){0}) < 0)
			argp_error(state, _("--since: '%s' is not a date such "
			    "as 2025-10-01"), arg);
		R.since = arg;
		break;
	case OPT_SUMMARY:
		R.summary = 1;
		break;
	case ARGP_KEY_END:
		if (R.verify && jm_opts.nfiles == 0)
			argp_error(state, _("--verify needs receipt FILEs"));
		if (R.verify && R.reconcile)
			argp_error(state, _("--verify and --reconcile exclude "
			    "each other"));
		if (R.since && !R.reconcile)
			argp_error(state, _("--since goes with --reconcile"));
		if ((R.verify || R.reconcile) && jm_opts.format_set &&
		    strcmp(jm_opts.format, "json") && strcmp(jm_opts.format,
		    "text"))
			argp_error(state, _("--verify and --reconcile write json "
			    "or text, not %s"), jm_opts.format);
		if (R.reconcile && jm_opts.nfiles)
			argp_error(state, _("--reconcile reads no files: it "
			    "compares the journal with the platform"));
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

static const struct argp argp = {options, parse_opt,
    N_("[FILE...]\n--verify RECEIPT.xml...\n--reconcile [--since DATE]"),
    doc, children, NULL, NULL};

static void
verify_one(const char *path, int ok, const struct jm_receipt *rc,
    const char *msg, void *ctx)
{
	char y[32], m[40];
	json_object *o;

	(void)ctx;
	jm_exit_note(ok > 0 ? JM_EXIT_OK : ok < 0 ? JM_EXIT_STOP :
	    JM_EXIT_FAIL);
	ok = ok > 0;
	if (strcmp(jm_opts.format, "json") == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(path));
		json_object_object_add(o, "genuine",
		    json_object_new_boolean(ok));
		if (ok) {
			json_object_object_add(o, "receipt_no",
			    json_object_new_string(rc->receipt_no));
			json_object_object_add(o, "amount_fen",
			    json_object_new_int64(rc->amount));
		} else
			json_object_object_add(o, "why",
			    json_object_new_string(msg));
		jm_out_json(o);
		json_object_put(o);
	} else if (ok)
		printf(_("%s: genuine: receipt %s, %s yuan, %s %s, %d\n"), path,
		    rc->receipt_no, jm_yuan(rc->amount, y), rc->insured_name,
		    rc->insured_id_no[0] ? jm_mask_id(rc->insured_id_no, m) :
		    rc->insured_id, rc->year);	/* a newborn: the registry's */
	else
		printf(_("%s: NOT genuine: %s\n"), path, msg);
}

static void
begin(void *ctx)
{
	(void)ctx;
	jm_platform_begin(R.p);
}

/* The platform's receipts first, then our index of them: an index never
 * names a receipt the platform rolled back. */
static void
commit(void *ctx)
{
	(void)ctx;
	jm_platform_commit(R.p);
	jm_receipts_commit(R.rs);
}

static void
prepare(struct jm_rec *r, size_t n, void *ctx)
{
	(void)ctx;
	R.nmine = R.nextmine = 0;
	jm_receipts_prefetch(R.rs, r, n);
}

static void
one(struct jm_rec *r, void *ctx)
{
	const char *path;

	(void)ctx;
	if ((path = jm_receipts_one(R.rs, r))) {
		if (!strcmp(jm_opts.format, "html")) {	/* one page at the end */
			R.paths = jm_realloc(R.paths, (R.npaths + 1) *
			    sizeof *R.paths);
			R.paths[R.npaths++] = jm_strdup(path);
		}
		R.stored++;
		if (R.nmine == R.capmine) {
			R.capmine = R.capmine ? 2 * R.capmine : 256;
			R.mine = jm_realloc(R.mine, R.capmine * sizeof *R.mine);
		}
		R.mine[R.nmine++] = r;
	} else if (r->failed)
		R.failed++;
	else
		R.unpaid++;
}

static void
print_doc(const char *path, int text)
{
	struct jm_receipt rc;
	char msg[512], *doc;
	size_t len;

	if (text) {
		if (jm_receipts_verify_file(R.rs, path, &rc, msg, sizeof msg))
			jm_receipt_text(&rc, 1, stdout);
		else
			printf(_("%s: NOT genuine: %s\n\n"), path, msg);
	} else if ((doc = jm_read_file(path, JM_RECEIPT_MAX_SIZE, &len))) {
		fwrite(doc, 1, len, stdout);
		free(doc);
	}
}

/* json: the records; text and xml: each receipt as it comes; html: one
 * document at the end. Only a receipt this run stored and verified is
 * printed: a record passed on untouched (another tool's error) may name
 * any file as its receipt.path. */
static void
emit(struct jm_rec *r, void *ctx)
{
	json_object *rc;
	const char *path;

	(void)ctx;
	if (!strcmp(jm_opts.format, "json")) {
		jm_out_rec(r);
		return;
	}
	if (R.nextmine >= R.nmine || R.mine[R.nextmine] != r)
		return;
	R.nextmine++;
	if (strcmp(jm_opts.format, "html") &&
	    json_object_object_get_ex(r->obj, "receipt", &rc) &&
	    jm_get_str(rc, "path", &path, NULL) > 0)
		print_doc(path, !strcmp(jm_opts.format, "text"));
}

static void
finding(json_object *rec, void *ctx)
{
	json_object *f, *v;
	const char *what = "", *msg = "", *id = NULL, *insured = "";
	char m[40], line[1024];

	(void)ctx;
	if (strcmp(jm_opts.format, "text") != 0) {
		jm_out_json(rec);
		return;
	}
	json_object_object_get_ex(rec, "reconcile", &f);
	jm_get_str(f, "finding", &what, NULL);
	jm_get_str(f, "message", &msg, NULL);
	jm_get_str(f, "id_no", &id, NULL);
	jm_get_str(f, "insured_id", &insured, NULL);	/* a newborn's */
	json_object_object_get_ex(f, "needs_person", &v);
	snprintf(line, sizeof line, "%s %-20s %-18s %s\n",
	    json_object_get_boolean(v) ? "!" : " ", what,
	    id ? jm_mask_id(id, m) : insured, msg);
	jm_out_text(line);
}

static void
reconcile_summary(const struct jm_findings *f)
{
	fprintf(stderr, _("%s: reconciled%s%s\n"), jm_prog, R.since ?
	    _(" since ") : "", R.since ? R.since : "");
	fprintf(stderr, _("  unknown outcomes resolved   %ld\n"), f->resolved);
	fprintf(stderr, _("  still pending               %ld\n"), f->pending);
	fprintf(stderr, _("  receipts fetched            %ld\n"), f->fetched);
	fprintf(stderr, _("  paid elsewhere              %ld\n"), f->elsewhere);
	fprintf(stderr, _("  needing a person:\n"));
	fprintf(stderr, _("    paid twice (refund)       %ld\n"), f->duplicate);
	fprintf(stderr, _("    amounts that differ       %ld\n"), f->mismatch);
	fprintf(stderr, _("    not settled (入库)        %ld\n"), f->unsettled);
	fprintf(stderr, _("    missing on the platform   %ld\n"), f->missing);
	fprintf(stderr, _("    failures                  %ld\n"), f->failed);
}

static void
summary(void)
{
	fprintf(stderr, _("%s: %ld receipts stored and verified, %ld records "
	    "without a paid payment, %ld failed\n"), jm_prog, R.stored,
	    R.unpaid, R.failed);
}

int
main(int argc, char **argv)
{
	struct jm_step step = {.begin = begin, .prepare = prepare, .one = one,
	    .commit = commit, .emit = emit, .owns = "receipt"};
	struct jm_findings found = {0};
	struct jm_in *in;

	jm_init("jm-receipt");
	jm_opts.formats = "json,text,html,xml";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_opts_resolve();
	jm_sandbox_receipts();
	if (!R.verify)
		R.p = jm_platform_open();
	R.rs = jm_receipts_new(R.p, R.dir, R.key);
	jm_out_open();
	if (R.verify) {
		if (!jm_opts.format_set)
			jm_opts.format = "text";
		jm_receipts_verify_files(R.rs, jm_opts.files,
		    (size_t)jm_opts.nfiles, verify_one, NULL);
	} else if (R.reconcile) {
		jm_exit_note(jm_reconcile(R.p, R.rs, R.since, finding, NULL,
		    &found));
		if (R.summary) {
			jm_out_flush();
			reconcile_summary(&found);
		}
	} else {
		/* batches of 32 on the sandbox: a record with its receipt
		 * is large, and a small batch stays in the cache (3,000
		 * stored receipts: 0.12 s at 1,024, 0.06 at 128, 0.05 at
		 * 32); issuing is bound by the signatures, not the commits */
		step.batch = jm_platform_batch(R.p, 32);
		in = jm_in_open();
		jm_run(in, &step);
		jm_in_close(in);
		if (!strcmp(jm_opts.format, "html") &&
		    jm_receipt_html(R.paths, R.npaths, stdout) < 0)
			jm_die(_("cannot render the receipts as HTML"));
		if (R.summary) {
			jm_out_flush();
			summary();
		}
	}
	jm_receipts_free(R.rs);
	if (R.p)
		jm_platform_close(R.p);
	return jm_finish();
}
