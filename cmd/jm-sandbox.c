/* jm-sandbox - the sandbox platform itself: fixtures (and, later, serving
 * it over HTTP) */
#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "../common/opts.h"
#include "../common/platform.h"
#include "../common/policy.h"
#include "../common/server.h"
#include "../common/stream.h"
#include "../common/util.h"

static const char doc[] = N_("The sandbox platform: load fixtures into it; "
    "print the key its receipts are signed with.\v"
    "--load reads JSON Lines fixtures into the sandbox chosen by --endpoint: "
    "{\"fixture\":\"employee-account\",\"id_no\":...,\"name\":...,"
    "\"region\":...,\"balance_fen\":...} (an employee's medical account), "
    "{\"fixture\":\"aid\",\"id_no\":...,\"aid\":...} (a civil-affairs list "
    "entry), {\"fixture\":\"paid\",\"id_no\":...,\"year\":...,\"item\":"
    "\"medical\",\"channel\":...} (a payment made elsewhere; optional "
    "amount_fen and paid_at). The sandbox's clock is JM_NOW or JM_TODAY "
    "when set.");

enum { OPT_LOAD = 0x200, OPT_PUBKEY, OPT_LISTEN, OPT_REMOTE, OPT_FAULT,
    OPT_TEST_CLOCK };

static const struct argp_option options[] = {
	{"public-key", OPT_PUBKEY, NULL, 0,
	    N_("print the public key receipts are signed with (PEM)"), 0},
	{"load", OPT_LOAD, N_("FILE"), 0,
	    N_("load fixtures (JSON Lines; - for stdin)"), 0},
	{"listen", OPT_LISTEN, N_("ADDR:PORT"), 0,
	    N_("serve the sandbox over HTTP (jm-protocol.7) until SIGINT or "
	    "SIGTERM; port 0 picks one; the URL is printed"), 0},
	{"test-clock", OPT_TEST_CLOCK, NULL, 0,
	    N_("with --listen, for tests: each request may set the clock "
	    "(JM-Test-Now, JM-Test-Today headers, sent by clients with JM_NOW "
	    "or JM_TODAY)"), 0},
	{"allow-remote", OPT_REMOTE, NULL, 0,
	    N_("with --listen: allow an address other than loopback"), 0},
	{"fault", OPT_FAULT, N_("SPEC"), 0,
	    N_("with --listen: inject faults, e.g. drop-after-commit=0.3,"
	    "error-503=0.1,delay-ms=20,seed=7"), 0},
	{0},
};

static char *loads[64];
static int nloads;
static long loaded, failed;
static int pubkey, remote, test_clock;
static const char *listen_on;
static struct jm_faults faults;

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	char msg[256];

	switch (key) {
	case OPT_PUBKEY:
		pubkey = 1;
		break;
	case OPT_LISTEN:
		listen_on = arg;
		break;
	case OPT_REMOTE:
		remote = 1;
		break;
	case OPT_TEST_CLOCK:
		test_clock = 1;
		break;
	case OPT_FAULT:
		if (jm_faults_parse(arg, &faults, msg, sizeof msg) < 0)
			argp_error(state, "--fault: %s", msg);
		break;
	case OPT_LOAD:
		if (nloads == 64)
			argp_error(state, _("--load: at most 64 files"));
		loads[nloads++] = arg;
		break;
	case ARGP_KEY_END:
		faults.test_clock = test_clock;
		if ((remote || faults.seed || test_clock) && !listen_on)
			argp_error(state, _("--allow-remote and --fault go with "
			    "--listen"));
		if (nloads == 0 && !pubkey && !listen_on)
			argp_error(state, _("nothing to do: give --load FILE, "
			    "--public-key or --listen ADDR:PORT"));
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

static const struct argp argp = {options, parse_opt, NULL, doc, children,
    NULL, NULL};

static void
begin(void *ctx)
{
	jm_platform_begin(ctx);
}

static void
commit(void *ctx)
{
	jm_platform_commit(ctx);
}

static void
one(struct jm_rec *r, void *ctx)
{
	struct jm_platform *p = ctx;
	struct jm_perr err = {0};
	json_object *resp = NULL;

	if (jm_call(p, "fixture", r->obj, &resp, &err) < 0) {
		if (err.temporary)
			jm_exit_note(JM_EXIT_TEMP);
		jm_rec_error(r, err.code, "%s", err.msg);
		return;
	}
	json_object_put(resp);
}

static void
emit(struct jm_rec *r, void *ctx)
{
	(void)ctx;
	if (r->failed || json_object_object_get_ex(r->obj, "error", NULL))
		failed++;
	else
		loaded++;
}

/* The key the sandbox signs receipts with, made on first use. */
static void
public_key(struct jm_platform *p)
{
	json_object *req = json_object_new_object(), *resp = NULL, *v;
	struct jm_perr err = {0};

	jm_platform_begin(p);
	if (jm_call(p, "public-key", req, &resp, &err) < 0)
		jm_die("%s", err.msg);
	json_object_put(req);
	jm_platform_commit(p);
	json_object_object_get_ex(resp, "public_key", &v);
	fputs(json_object_get_string(v), stdout);
	json_object_object_get_ex(resp, "fingerprint", &v);
	jm_info(_("fingerprint (SM3 of the DER key): %s"),
	    json_object_get_string(v));
	json_object_put(resp);
}

static void
load(struct jm_platform *p)
{
	struct jm_step step = {.begin = begin, .one = one, .commit = commit,
	    .emit = emit};
	struct jm_in *in;

	jm_opts.files = loads;
	jm_opts.nfiles = nloads;
	in = jm_in_open();
	step.ctx = p;
	jm_run(in, &step);
	jm_in_close(in);
	if (!jm_quiet)
		fprintf(stderr, _("%s: loaded %ld of %ld fixtures into %s\n"),
		    jm_prog, loaded, loaded + failed, p->endpoint);
}

int
main(int argc, char **argv)
{
	struct jm_platform *p;

	jm_init("jm-sandbox");
	jm_opts_no_files = 1;
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_opts_resolve();
	jm_sandbox_receipts();
	p = jm_platform_open();
	if (listen_on && strcmp(p->ops->kind, "sandbox") != 0) {
		char *e = jm_strdup(p->endpoint);

		jm_platform_close(p);	/* nothing left behind (LSan) */
		jm_die_status(JM_EXIT_USAGE, _("--listen serves a sandbox "
		    "(--endpoint sandbox:PATH), not %s"), e);
	}
	if (pubkey)
		public_key(p);
	if (nloads)
		load(p);
	if (listen_on) {
		/* its policy tables now: a malformed one stops the server
		 * before it serves, not in the middle of a request */
		jm_policy();
		jm_exit_note(jm_serve(p, listen_on, remote, &faults));
	}
	jm_platform_close(p);
	return jm_finish();
}

