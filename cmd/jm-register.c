/* jm-register - 参保登记: enrol people with the platform, newborns included */
#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "../common/export.h"
#include "../common/opts.h"
#include "../common/person.h"
#include "../common/platform.h"
#include "../common/stream.h"
#include "../common/table.h"
#include "../common/util.h"

static const char doc[] = N_("Register people (参保登记) with the platform, "
    "newborns included.\v"
    "Reads person records (JSON Lines, or a CSV roster with --csv) from "
    "FILEs or stdin and writes each with a \"registration\" key added: "
    "insured_id, status (registered or existing), registered_at and the "
    "registry's region, category and aid. A record that cannot be "
    "registered gets an \"error\" key and the batch goes on. Exit status: "
    "0 all registered, 1 some failed, 2 stopped, 64 usage, 75 platform "
    "unreachable.");

static const struct argp_child children[] = {
	{&jm_common_argp, 0, NULL, 0},
	{0},
};

static const struct argp argp = {NULL, NULL, N_("[FILE...]"), doc,
    children, NULL, NULL};

static const struct jm_col cols[] = {
	{NC_("column", "LINE"), 5}, {NC_("column", "ID NUMBER"), 18},
	{NC_("column", "NAME"), 10}, {NC_("column", "REGION"), 6},
	{NC_("column", "STATUS"), 10},
	{NC_("column", "INSURED ID / ERROR"), 0},
};

/* --format csv and xlsx: the roster as people keep it; jm-register --csv
 * reads it back (the Chinese headers and values are the ones it knows). */
static const struct jm_xcol xcols[] = {
	{"姓名", "name", JM_CELL_STR, 10},
	{"身份证号", "id_no", JM_CELL_TEXT, 20},
	{"证件类型", "id_type", JM_CELL_WORD, 10},
	{"手机号", "phone", JM_CELL_TEXT, 13},
	{"与缴费人关系", "relation", JM_CELL_WORD, 8},
	{"人员类别", "registration.category|category", JM_CELL_WORD, 9},
	{"资助类别", "registration.aid|aid", JM_CELL_WORD, 9},
	{"参保地", "registration.region|region", JM_CELL_TEXT, 8},
	{"乡镇/街道", "town", JM_CELL_STR, 12},
	{"村/社区", "village", JM_CELL_STR, 12},
	{"出生日期", "birth_date", JM_CELL_STR, 11},
	{"出生医学证明编号", "birth_cert_no", JM_CELL_TEXT, 14},
	{"监护人身份证号", "guardian_id_no", JM_CELL_TEXT, 20},
	{"参保编号", "registration.insured_id", JM_CELL_TEXT, 14},
	{"登记状态", "registration.status", JM_CELL_WORD, 9},
	{"登记时间", "registration.registered_at", JM_CELL_STR, 20},
	{"错误代码", "error.code", JM_CELL_STR, 16},
	{"错误说明", "error.message", JM_CELL_STR, 40},
};

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

/* The registry is the truth: say when the record asserts otherwise. */
static void
compare(struct jm_rec *r, json_object *reg, const char *key)
{
	const char *mine, *theirs;

	if (jm_get_str(r->obj, key, &mine, NULL) <= 0 ||
	    jm_get_str(reg, key, &theirs, NULL) < 0)
		return;
	if (!theirs || strcmp(mine, theirs) != 0)
		jm_rec_warn(r, _("the registry has %s %s, the record "
		    "says %s"), key, theirs ? theirs : _("none"), mine);
}

static struct jm_calls calls;

/* Check every person, then register the batch: up to --jobs at once. A
 * newborn without an ID number goes after the others, whose guardian may
 * be among them. */
static void
prepare(struct jm_rec *r, size_t n, void *ctx)
{
	struct jm_person pe;
	const char *code;
	char msg[512];
	size_t i;

	jm_calls_start(&calls, r, n);
	for (i = 0; i < n; i++) {
		if (!jm_rec_mine(&r[i], "registration"))
			continue;
		if ((code = jm_person_check(r[i].obj, jm_today(), &pe, msg,
		    sizeof msg))) {
			jm_rec_error(&r[i], code, "%s", msg);
			continue;
		}
		if (pe.has_id)
			json_object_object_add(r[i].obj, "id_no",
			    json_object_new_string(pe.id.no));
		calls.req[i] = json_object_get(r[i].obj);
		calls.later[i] = !pe.has_id;
	}
	jm_calls_run(ctx, "register", &calls);
}

static void
one(struct jm_rec *r, void *ctx)
{
	json_object *resp = jm_calls_take(&calls, r);

	(void)ctx;
	if (!resp)
		return;
	compare(r, resp, "region");
	compare(r, resp, "aid");
	json_object_object_add(r->obj, "registration", resp);
}

static void
emit_text(struct jm_rec *r, void *ctx)
{
	static int header;
	json_object *reg, *e, *v;
	const char *cells[6] = {0};
	char line[24], who[64];

	(void)ctx;
	if (!header++)
		jm_table_header(cols, 6);
	snprintf(line, sizeof line, "%ld", r->line);
	cells[0] = line;
	cells[1] = jm_rec_who(r->obj, who, sizeof who);
	jm_get_str(r->obj, "name", &cells[2], NULL);
	if (json_object_object_get_ex(r->obj, "registration", &reg)) {
		jm_get_str(reg, "region", &cells[3], NULL);
		jm_get_str(reg, "status", &cells[4], NULL);
		jm_get_str(reg, "insured_id", &cells[5], NULL);
	} else if (json_object_object_get_ex(r->obj, "error", &e)) {
		cells[4] = _("error");
		if (json_object_object_get_ex(e, "message", &v))
			cells[5] = json_object_get_string(v);
	}
	jm_table_row(cols, 6, cells);
}

int
main(int argc, char **argv)
{
	struct jm_platform *p;
	struct jm_in *in;
	struct jm_export *ex = NULL;
	struct jm_step step = {.begin = begin, .prepare = prepare, .one = one,
	    .commit = commit, .owns = "registration"};

	jm_init("jm-register");
	jm_opts.formats = "json,text,csv,xlsx";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_export_check();
	jm_opts_resolve();
	p = jm_platform_open();
	in = jm_in_open();
	jm_out_open();
	step.ctx = p;
	if (strcmp(jm_opts.format, "text") == 0)
		step.emit = emit_text;
	else if (jm_export_wanted()) {
		ex = jm_export_new(xcols, sizeof xcols / sizeof xcols[0]);
		step.emit = jm_export_step;
	}
	jm_run(in, &step);
	jm_export_close(ex);
	jm_in_close(in);
	jm_calls_free(&calls);
	jm_platform_close(p);
	return jm_finish();
}
