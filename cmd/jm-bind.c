/* jm-bind - bind the payer (phone, 实名) and add family members (添加成员),
 * optionally to an employee's 门诊共济 family account */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/export.h"
#include "../common/identity.h"
#include "../common/opts.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/session.h"
#include "../common/stream.h"
#include "../common/table.h"
#include "../common/util.h"

static const char doc[] = N_("Bind the payer and add the people flowing "
    "through as the payer's members (添加成员).\v"
    "With --payer, binds the payer (ID number, name and phone; a real "
    "platform may send a code by SMS, given with --code) and keeps the "
    "session. Records read from FILEs or stdin are added as members of the "
    "bound payer and get a \"binding\" key. Without a session and without "
    "--payer, the first record whose relation is self and that has a phone "
    "binds as the payer. --family-account binds the members to the payer's "
    "employee medical account (门诊共济).");

enum {
	OPT_PAYER = 0x200, OPT_NAME, OPT_PHONE, OPT_CODE, OPT_ACCOUNT,
	OPT_RELATION, OPT_STATUS, OPT_LOGOUT,
};

static const struct argp_option options[] = {
	{"payer", OPT_PAYER, N_("ID_NO"), 0, N_("bind this payer"), 0},
	{"payer-name", OPT_NAME, N_("NAME"), 0, N_("the payer's name"), 0},
	{"phone", OPT_PHONE, N_("PHONE"), 0, N_("the payer's mobile number"),
	    0},
	{"code", OPT_CODE, N_("CODE"), 0,
	    N_("the code a real platform sent by SMS"), 0},
	{"family-account", OPT_ACCOUNT, N_("ID_NO"), 0,
	    N_("bind members to this employee account (门诊共济)"), 0},
	{"relation", OPT_RELATION, N_("REL"), 0,
	    N_("relation to the payer for records without one: spouse, "
	    "parent, child, sibling, grandparent, grandchild, other"), 0},
	{"status", OPT_STATUS, NULL, 0,
	    N_("say which payer, platform and mode are in use"), 0},
	{"logout", OPT_LOGOUT, NULL, 0, N_("end the session"), 0},
	{0},
};

struct bind {
	struct jm_platform *p;
	const char *payer, *name, *phone, *code, *account, *relation;
	int status, logout;
	struct jm_session s;	/* the session in use, if any */
	int have, fresh;	/* a session; made in this batch, unsaved */
	int no_auto;		/* --payer was refused: no record binds */
};

static struct bind B;
static struct jm_calls calls;

static json_object *member(struct jm_rec *);

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_PAYER: B.payer = arg; break;
	case OPT_NAME: B.name = arg; break;
	case OPT_PHONE: B.phone = arg; break;
	case OPT_CODE: B.code = arg; break;
	case OPT_ACCOUNT: B.account = arg; break;
	case OPT_RELATION:
		if (!jm_in_list(jm_relations, arg) || !strcmp(arg, "self"))
			argp_error(state, _("--relation: '%s' is not a "
			    "relation to the payer"), arg);
		B.relation = arg;
		break;
	case OPT_STATUS: B.status = 1; break;
	case OPT_LOGOUT: B.logout = 1; break;
	case ARGP_KEY_END:
		if (B.payer && (!B.name || !B.phone))
			argp_error(state, _("--payer needs --payer-name and "
			    "--phone"));
		if ((B.name || B.phone || B.code) && !B.payer)
			argp_error(state, _("--payer-name, --phone and --code "
			    "go with --payer"));
		if (B.status + B.logout + !!B.payer > 1)
			argp_error(state, _("--payer, --status and --logout "
			    "exclude each other"));
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

static char *
mask_phone(const char *ph, char *buf)
{
	snprintf(buf, 16, "%.3s****%s", ph, strlen(ph) >= 11 ? ph + 7 : "");
	return buf;
}

/* Bind a payer on the platform; the session is saved after the commit. */
static int
bind_payer(const char *id, const char *name, const char *phone,
    struct jm_perr *err)
{
	json_object *req = json_object_new_object(), *resp = NULL, *v;
	char now[32];
	int rc;

	json_object_object_add(req, "id_no", json_object_new_string(id));
	json_object_object_add(req, "name", json_object_new_string(name));
	json_object_object_add(req, "phone", json_object_new_string(phone));
	if (B.code)
		json_object_object_add(req, "code",
		    json_object_new_string(B.code));
	rc = jm_call(B.p, "bind", req, &resp, err);
	json_object_put(req);
	if (rc < 0)
		return -1;
	jm_session_free(&B.s);
	B.s.payer = jm_strdup(id);
	B.s.name = jm_strdup(name);
	B.s.phone = jm_strdup(phone);
	B.s.endpoint = jm_strdup(B.p->endpoint);
	json_object_object_get_ex(resp, "token", &v);
	B.s.token = jm_strdup(json_object_get_string(v));
	json_object_object_get_ex(resp, "expires_at", &v);
	B.s.expires_at = jm_strdup(json_object_get_string(v));
	B.s.bound_at = jm_strdup(jm_rfc3339(jm_now(), now));
	B.have = B.fresh = 1;
	json_object_put(resp);
	return 0;
}

static void
commit(void *ctx)
{
	(void)ctx;
	jm_platform_commit(B.p);
	if (B.fresh)
		jm_session_save(&B.s);
	B.fresh = 0;
}

static void
begin(void *ctx)
{
	(void)ctx;
	jm_platform_begin(B.p);
}

static int
is_self(json_object *o, const char **id, const char **name,
    const char **phone)
{
	const char *rel;

	return jm_get_str(o, "relation", &rel, NULL) > 0 &&
	    strcmp(rel, "self") == 0 && jm_get_str(o, "id_no", id, NULL) > 0 &&
	    jm_get_str(o, "name", name, NULL) > 0 &&
	    jm_get_str(o, "phone", phone, NULL) > 0;
}

/* No session: the first record of the payer (self, with a phone) binds. */
static void
prepare(struct jm_rec *r, size_t n, void *ctx)
{
	const char *id, *name, *phone;
	struct jm_perr err = {0};
	size_t i;

	(void)ctx;
	for (i = 0; i < n && !B.have && !B.no_auto; i++) {
		if (r[i].failed || json_object_object_get_ex(r[i].obj, "error",
		    NULL) || !is_self(r[i].obj, &id, &name, &phone))
			continue;
		if (bind_payer(id, name, phone, &err) < 0) {
			jm_rec_error(&r[i], err.code, _("cannot bind as the "
			    "payer: %s"), err.msg);
			break;
		}
		jm_info(_("bound the payer of line %ld"), r[i].line);
	}
	/* the members of the batch, up to --jobs at once */
	jm_calls_start(&calls, r, n);
	for (i = 0; i < n; i++)
		if (jm_rec_mine(&r[i], "binding"))
			calls.req[i] = member(&r[i]);
	jm_calls_run(B.p, "member", &calls);
}

static json_object *
member_request(struct jm_rec *r)
{
	json_object *req = json_object_new_object(), *reg;
	const char *s;

	json_object_object_add(req, "token", json_object_new_string(B.s.token));
	if (json_object_object_get_ex(r->obj, "registration", &reg) &&
	    jm_get_str(reg, "insured_id", &s, NULL) > 0)
		json_object_object_add(req, "insured_id",
		    json_object_new_string(s));
	if (jm_get_str(r->obj, "id_no", &s, NULL) > 0)
		json_object_object_add(req, "id_no", json_object_new_string(s));
	if (jm_get_str(r->obj, "id_type", &s, NULL) > 0)
		json_object_object_add(req, "id_type",
		    json_object_new_string(s));
	if (jm_get_str(r->obj, "name", &s, NULL) > 0)
		json_object_object_add(req, "name", json_object_new_string(s));
	if (jm_get_str(r->obj, "relation", &s, NULL) <= 0)
		s = B.relation;
	if (s)
		json_object_object_add(req, "relation",
		    json_object_new_string(s));
	if (B.account)
		json_object_object_add(req, "family_account",
		    json_object_new_string(B.account));
	return req;
}

/* No payer to add members to: said with why there is no session (it
 * expired, or is another platform's) when there is one on file. */
static void
no_session(struct jm_rec *r)
{
	const char *why = jm_session_why(B.p->endpoint);

	if (why)
		jm_rec_error(r, "NO_SESSION", _("no payer is bound (%s): run "
		    "jm-bind --payer ID_NO --payer-name NAME --phone PHONE, or "
		    "give the payer's record relation self and a phone"), why);
	else
		jm_rec_error(r, "NO_SESSION", _("no payer is bound: run jm-bind "
		    "--payer ID_NO --payer-name NAME --phone PHONE, or give the "
		    "payer's record relation self and a phone"));
}

/* Who may be added, and the request to add them. */
static json_object *
member(struct jm_rec *r)
{
	const char *id, *name, *phone, *code;
	char m[40], msg[256];

	if (!B.have) {
		no_session(r);
		return NULL;
	}
	if (jm_get_str(r->obj, "id_no", &id, NULL) < 0) {
		code = jm_id_not_string("id_no", msg, sizeof msg);
		jm_rec_error(r, code, "%s", msg);
		return NULL;
	}
	if (is_self(r->obj, &id, &name, &phone) &&
	    strcasecmp(id, B.s.payer) != 0) {
		jm_rec_error(r, "PAYER_CONFLICT", _("a second payer (relation "
		    "self) in the stream: the bound payer is %s"),
		    jm_mask_id(B.s.payer, m));
		return NULL;
	}
	return member_request(r);
}

static void
one(struct jm_rec *r, void *ctx)
{
	json_object *resp;

	(void)ctx;
	if ((resp = jm_calls_take(&calls, r)))
		json_object_object_add(r->obj, "binding", resp);
}

static const struct jm_col cols[] = {
	{NC_("column", "LINE"), 5}, {NC_("column", "ID NUMBER"), 18},
	{NC_("column", "NAME"), 10}, {NC_("column", "RELATION"), 11},
	{NC_("column", "MEMBER / ERROR"), 0},
};

/* --format csv and xlsx: who was added as whose member. */
static const struct jm_xcol xcols[] = {
	{"乡镇/街道", "town", JM_CELL_STR, 12},
	{"村/社区", "village", JM_CELL_STR, 12},
	{"姓名", "name", JM_CELL_STR, 10},
	{"身份证号", "id_no", JM_CELL_TEXT, 20},
	{"手机号", "phone", JM_CELL_TEXT, 13},
	{"与缴费人关系", "binding.relation|relation", JM_CELL_WORD, 8},
	{"缴费人", "binding.payer", JM_CELL_TEXT, 20},
	{"成员编号", "binding.member_id", JM_CELL_TEXT, 14},
	{"共济账户", "binding.family_account", JM_CELL_TEXT, 20},
	{"错误代码", "error.code", JM_CELL_STR, 16},
	{"错误说明", "error.message", JM_CELL_STR, 40},
};

static void
emit_text(struct jm_rec *r, void *ctx)
{
	static int header;
	const char *cells[5] = {0};
	char line[24], who[64];
	json_object *b, *e;

	(void)ctx;
	if (!header++)
		jm_table_header(cols, 5);
	snprintf(line, sizeof line, "%ld", r->line);
	cells[0] = line;
	cells[1] = jm_rec_who(r->obj, who, sizeof who);
	jm_get_str(r->obj, "name", &cells[2], NULL);
	if (json_object_object_get_ex(r->obj, "binding", &b)) {
		jm_get_str(b, "relation", &cells[3], NULL);
		jm_get_str(b, "member_id", &cells[4], NULL);
	} else if (json_object_object_get_ex(r->obj, "error", &e))
		jm_get_str(e, "message", &cells[4], NULL);
	jm_table_row(cols, 5, cells);
}

/* The platform's mode as its session answer says it (a sandbox served
 * over HTTP is still a sandbox), else the kind of its implementation. */
static const char *
mode_of(json_object *session)
{
	const char *s;

	if (session && jm_get_str(session, "mode", &s, NULL) > 0)
		return s;
	return B.p->ops->kind;
}

static int
status(void)
{
	json_object *req, *resp = NULL, *o;
	struct jm_perr err = {0};
	const char *mode;
	char m[40], ph[16];
	int valid = 0;

	if (!B.have) {
		if (jm_opts.format_set && strcmp(jm_opts.format, "json") == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "platform",
			    json_object_new_string(B.p->endpoint));
			json_object_object_add(o, "valid",
			    json_object_new_boolean(0));
			jm_out_json(o);
			json_object_put(o);
		} else
			printf(_("no payer is bound (platform %s)\n"),
			    B.p->endpoint);
		return JM_EXIT_FAIL;
	}
	req = json_object_new_object();
	json_object_object_add(req, "token", json_object_new_string(B.s.token));
	valid = jm_call(B.p, "session", req, &resp, &err) == 0;
	json_object_put(req);
	mode = mode_of(resp);
	if (jm_opts.format_set && strcmp(jm_opts.format, "json") == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "payer", json_object_new_string(
		    jm_mask_id(B.s.payer, m)));
		json_object_object_add(o, "name",
		    json_object_new_string(B.s.name ? B.s.name : ""));
		json_object_object_add(o, "platform",
		    json_object_new_string(B.p->endpoint));
		json_object_object_add(o, "mode", json_object_new_string(mode));
		json_object_object_add(o, "expires_at", json_object_new_string(
		    B.s.expires_at ? B.s.expires_at : ""));
		json_object_object_add(o, "valid",
		    json_object_new_boolean(valid));
		jm_out_json(o);
		json_object_put(o);
	} else {
		printf(_("payer     %s %s, phone %s\n"),
		    jm_mask_id(B.s.payer, m), B.s.name ? B.s.name : "",
		    mask_phone(B.s.phone ? B.s.phone : "", ph));
		printf(_("platform  %s\n"), B.p->endpoint);
		printf(_("mode      %s\n"), strcmp(mode, "sandbox") ?
		    _("real platform") : _("sandbox: synthetic, no real money"));
		printf(valid ? _("session   valid until %s\n") :
		    _("session   not valid: %s\n"), valid ? B.s.expires_at :
		    err.msg);
	}
	json_object_put(resp);
	return valid ? JM_EXIT_OK : JM_EXIT_FAIL;
}

static int
logout(void)
{
	json_object *req, *resp = NULL;
	struct jm_perr err = {0};
	char m[40];

	if (B.have) {
		req = json_object_new_object();
		json_object_object_add(req, "token",
		    json_object_new_string(B.s.token));
		jm_platform_begin(B.p);
		if (jm_call(B.p, "logout", req, &resp, &err) < 0)
			jm_warn(_("the platform did not end the session: %s"),
			    err.msg);
		jm_platform_commit(B.p);
		json_object_put(req);
		json_object_put(resp);
	}
	if (!B.have && B.s.endpoint) {
		jm_errmsg(_("the session is for %s, not this platform: give "
		    "--endpoint %s to end it"), B.s.endpoint, B.s.endpoint);
		return JM_EXIT_FAIL;
	}
	if (jm_session_remove())
		jm_info(_("logged out: payer %s"), B.s.payer ?
		    jm_mask_id(B.s.payer, m) : "?");
	else
		jm_info(_("no session to end"));
	return JM_EXIT_OK;
}

/* The session for this platform, if there is one. */
static int
expired(const char *at)
{
	time_t t;

	return at && jm_parse_rfc3339(at, &t) == 0 && t <= jm_now();
}

static void
load_session(void)
{
	char m[40];

	if (jm_session_load(&B.s) && strcmp(B.s.endpoint, B.p->endpoint) == 0
	    && (B.status || B.logout || !expired(B.s.expires_at)))
		B.have = 1;
	else if (B.s.endpoint && !strcmp(B.s.endpoint, B.p->endpoint)) {
		jm_info(_("the session of %s has expired"),
		    jm_mask_id(B.s.payer, m));
		jm_session_free(&B.s);
	} else if (B.s.endpoint) {
		jm_info(_("the session is for %s, not this platform"),
		    B.s.endpoint);
		if (!B.logout)
			jm_session_free(&B.s);
	}
}

static int
bind_option(void)
{
	struct jm_perr err = {0};
	char m[40], ph[16];

	jm_platform_begin(B.p);
	if (bind_payer(B.payer, B.name, B.phone, &err) < 0) {
		jm_platform_commit(B.p);
		if (strcmp(err.code, "CODE_REQUIRED") == 0)
			jm_errmsg(_("the platform sent a code by SMS to %s: run "
			    "again with --code CODE"), mask_phone(B.phone, ph));
		else
			jm_errmsg(_("cannot bind %s: %s"),
			    jm_mask_id(B.payer, m), err.msg);
		return -1;
	}
	commit(NULL);
	jm_info(_("bound the payer %s"), jm_mask_id(B.payer, m));
	return 0;
}

static void
run(struct jm_step *step)
{
	struct jm_in *in = jm_in_open();
	struct jm_export *ex = NULL;

	jm_out_open();
	if (strcmp(jm_opts.format, "text") == 0)
		step->emit = emit_text;
	else if (jm_export_wanted()) {
		ex = jm_export_new(xcols, sizeof xcols / sizeof xcols[0]);
		step->emit = jm_export_step;
	}
	jm_run(in, step);
	jm_export_close(ex);
	jm_in_close(in);
}

int
main(int argc, char **argv)
{
	struct jm_step step = {.begin = begin, .prepare = prepare, .one = one,
	    .commit = commit, .owns = "binding"};
	int rc;

	jm_init("jm-bind");
	jm_opts.formats = "json,text,csv,xlsx";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_export_check();
	jm_opts_resolve();
	B.p = jm_platform_open();
	load_session();
	if (B.status || B.logout) {
		rc = B.status ? status() : logout();
		jm_platform_close(B.p);
		jm_exit_note(rc);
		return jm_finish();
	}
	if (B.payer && bind_option() < 0) {
		/* the records that follow get NO_SESSION, never an old payer */
		jm_exit_note(JM_EXIT_FAIL);
		jm_session_free(&B.s);
		B.have = 0;
		B.no_auto = 1;
	}
	if (!(B.payer && jm_opts.nfiles == 0 && isatty(STDIN_FILENO))) {
		run(&step);
	}
	jm_calls_free(&calls);
	jm_platform_close(B.p);
	return jm_finish();
}
