/* sandbox_quote.c - 应缴费额: what a person owes for a coverage year and
 * item, by the policy tables, the registry and the payment history */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonio.h"
#include "money.h"
#include "person.h"
#include "policy.h"
#include "region.h"
#include "sandbox.h"
#include "util.h"

/* Everything a quote is made of; grade, subsidy and table for the
 * pension only (table: 0 city, 1 provincial minimum, -1 not known). */
struct quote {
	int year, in_window, waiting, covered, pension, table;
	const char *item, *kind;
	int64_t standard, aid, paid, due, grade, subsidy;
	struct jm_date opens, closes, from, to;
	char expires[32], status[16], id[24];
};

static const char *
city_name(const char *region, char *buf, size_t sz)
{
	const struct jm_region *c = jm_region_city(region);

	snprintf(buf, sz, "%s %.4s00", c ? c->name : "?", region);
	return buf;
}

static int
age_on(const struct sb_person *p, struct jm_date on)
{
	struct jm_date b;
	int age;

	if (jm_parse_date(p->birth_date, &b) < 0)
		return 0;
	age = on.y - b.y - (on.m < b.m || (on.m == b.m && on.d < b.d));
	return age < 0 ? 0 : age;
}

/* The amount owed before payments: the standard less any aid. */
static int
owed(const struct sb_person *p, struct quote *q, struct jm_perr *err)
{
	const struct jm_policy *pol = jm_policy();
	struct jm_date jan1 = {q->year, 1, 1};
	const char *src;
	char city[64];
	int64_t pay;

	if (jm_policy_standard(pol, q->year, p->region, p->category,
	    &q->standard, &src) < 0) {
		jm_perr_set(err, "POLICY_UNKNOWN", _("no published standard "
		    "for coverage year %d (%s): add a table in policy.d"),
		    q->year, city_name(p->region, city, sizeof city));
		return -1;
	}
	q->aid = 0;
	if (strcmp(q->kind, "special") != 0)
		return 0;
	if (jm_policy_aid(pol, q->year, p->region, p->aid, p->category,
	    age_on(p, jan1), q->standard, &pay, &src) < 0) {
		jm_perr_set(err, "POLICY_UNKNOWN", _("no published amount for "
		    "%s (%s) in %s for %d: add a table in policy.d"),
		    jm_aid_name(p->aid), p->aid, city_name(p->region, city,
		    sizeof city), q->year);
		return -1;
	}
	if (pay > q->standard) {
		jm_perr_set(err, "POLICY_UNKNOWN", _("the published amount for "
		    "%s (%s) in %s for %d is more than the standard: check the "
		    "tables"), jm_aid_name(p->aid), p->aid, city_name(
		    p->region, city, sizeof city), q->year);
		return -1;
	}
	q->aid = q->standard - pay;
	return 0;
}

/* Years without cover before the coverage year, and how many of them were
 * paid back later (补缴); years before the first payment are no break. */
struct gap {
	int breaks, repaid;
};

/* What the person paid for the coverage year, and the gaps before it: one
 * query over the person's payments, the latest year first. */
static int64_t
history(struct sandbox *sb, const char *insured, int year, const char *item,
    struct gap *g)
{
	sqlite3_stmt *st = jm_sb_stmt(sb, SB_HISTORY, "SELECT year, "
	    "SUM(amount_fen), MIN(substr(paid_at, 1, 10)) FROM payment "
	    "WHERE insured_id = ? AND item = ? AND year <= ? AND status = "
	    "'paid' GROUP BY year ORDER BY year DESC");
	char end[16];
	int y = year - 1, ry;
	int64_t paid = 0;

	*g = (struct gap){0, 0};
	sqlite3_bind_text(st, 1, insured, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((ry = sqlite3_column_int(st, 0)) == year) {
			paid = sqlite3_column_int64(st, 1);
			continue;
		}
		g->breaks += y - ry;
		snprintf(end, sizeof end, "%04d-12-31", ry % 10000);
		if (strcmp((const char *)sqlite3_column_text(st, 2), end) <= 0)
			break;	/* insured that year: the break ends */
		g->breaks++;
		g->repaid++;
		y = ry - 1;
	}
	sqlite3_reset(st);
	return paid;
}

static int
waiting(const struct jm_waiting *w, int late, struct gap g)
{
	int m;

	if (!w)
		return 0;
	if (!w->fixed_months && !w->per_break_year)
		return late ? w->late_months : 0;
	if (!late && g.breaks == 0)
		return 0;
	m = w->fixed_months + w->per_break_year * g.breaks +
	    w->per_arrears_year * g.repaid;
	if (m < w->fixed_months)
		m = w->fixed_months;
	if (w->long_break_years && g.breaks >= w->long_break_years &&
	    m < w->long_break_min_months)
		m = w->long_break_min_months;
	return m;
}

static struct jm_date
add_months(struct jm_date d, int n)
{
	int m = d.m - 1 + n;

	d.y += m / 12;
	d.m = m % 12 + 1;
	while (!jm_date_valid(d.y, d.m, d.d))
		d.d--;
	return d;
}

/* Waiting months and the days covered if paid today. */
static void
coverage(const struct sb_person *p, struct quote *q, struct jm_date today,
    struct gap g)
{
	const struct jm_policy *pol = jm_policy();
	const struct jm_waiting *w = jm_policy_waiting(pol, q->year);
	int late = jm_date_cmp(today, q->closes) > 0;
	struct jm_date jan1 = {q->year, 1, 1}, birth = {0, 0, 0}, reg;
	int newborn;

	/* a newborn's exemption is for the year of birth and the next one,
	 * not for as long as the registry still says newborn */
	jm_parse_date(p->birth_date, &birth);
	newborn = strcmp(p->category, "newborn") == 0 && birth.y >= q->year - 1;

	q->to = (struct jm_date){q->year, 12, 31};
	/* late, cover starts on the day of payment, and never before 1 Jan */
	q->from = late && jm_date_cmp(today, jan1) > 0 ? today : jan1;
	q->waiting = 0;
	if (newborn && (!w || w->newborn_exempt)) {
		/* enrolled within 90 days of birth: covered from birth */
		if (sscanf(p->registered_at, "%4d-%2d-%2d", &reg.y, &reg.m,
		    &reg.d) == 3 && jm_days(reg) - jm_days(birth) <=
		    jm_policy_newborn_days(pol))
			q->from = jm_date_cmp(birth, jan1) > 0 ? birth : jan1;
	} else {
		q->waiting = waiting(w, late, g);
		q->from = add_months(q->from, q->waiting);
	}
	q->covered = jm_date_cmp(q->from, q->to) <= 0;
}

/* The quote's id: FNV-1a of "insured|year|item|kind|due|expires" (and
 * "|grade" for the pension), cut at 159 bytes as when it was printed into
 * 160, so that the platform can tell a quote it still stands by. */
static void
quote_id(struct quote *q, const char *insured)
{
	const char *part[13];
	char y[24], d[24], g[24];
	uint64_t h = JM_FNV1A;
	size_t left = 159, n = 0, i;

	part[n++] = insured;
	part[n++] = "|";
	part[n++] = jm_i64(q->year, y);
	part[n++] = "|";
	part[n++] = q->item;
	part[n++] = "|";
	part[n++] = q->kind;
	part[n++] = "|";
	part[n++] = jm_i64(q->due, d);
	part[n++] = "|";
	part[n++] = q->expires;
	if (q->pension) {	/* two grades may both be paid already */
		part[n++] = "|";
		part[n++] = jm_i64(q->grade, g);
	}
	for (i = 0; i < n; i++)
		h = jm_fnv1a(h, part[i], &left);
	q->id[0] = 'Q';
	jm_hex64(h, q->id + 1);
}

static void
finish(struct quote *q, const char *insured, struct jm_date today)
{
	int64_t owe = q->standard - q->aid;
	time_t now = jm_now(), cap, exp = now + 86400;
	struct jm_date end = jm_date_cmp(today, q->closes) <= 0 ? q->closes :
	    q->to;

	q->due = owe > q->paid ? owe - q->paid : 0;
	jm_strlcpy(q->status, owe == 0 && q->paid == 0 ? "subsidised" :
	    q->due == 0 ? "paid" : q->paid > 0 ? "partly-paid" : "unpaid",
	    sizeof q->status);
	/* a quote holds for a day, and not past the window */
	cap = (time_t)(jm_days(end) + 1) * 86400 - JM_CST_OFFSET - 1;
	jm_rfc3339(exp < cap ? exp : cap, q->expires);
	quote_id(q, insured);
}

static json_object *
span(struct jm_date a, struct jm_date b)
{
	json_object *o = json_object_new_object();
	char buf[16];

	jm_add_new(o, "from", json_object_new_string(
	    jm_date_str(a, buf)));
	jm_add_new(o, "to", json_object_new_string(
	    jm_date_str(b, buf)));
	return o;
}

/* The government's contribution subsidy (缴费补贴) for the year's total,
 * and whose table says so. */
static void
subsidy_keys(json_object *o, const struct quote *q)
{
	jm_add_new(o, "subsidy_fen", q->table < 0 ? NULL :
	    json_object_new_int64(q->subsidy));
	jm_add_new(o, "subsidy_table", q->table < 0 ? NULL :
	    json_object_new_string(q->table ? "provincial-minimum" : "city"));
}

static json_object *
answer(const struct quote *q, const struct sb_person *p)
{
	json_object *o = json_object_new_object();

	jm_json_room(o, 17);	/* 16 keys, the pension's 19 */
	jm_add_new(o, "quote_id", json_object_new_string(q->id));
	/* whom it is for, so a record with only an id_no can be paid */
	jm_add_new(o, "insured_id",
	    json_object_new_string(p->insured_id));
	jm_add_new(o, "year", json_object_new_int(q->year));
	jm_add_new(o, "item", json_object_new_string(q->item));
	jm_add_new(o, "kind", json_object_new_string(q->kind));
	jm_add_new(o, "aid", p->aid[0] ?
	    json_object_new_string(p->aid) : NULL);
	if (q->pension)
		jm_add_new(o, "grade_fen",
		    json_object_new_int64(q->grade));
	jm_add_new(o, "standard_fen",
	    json_object_new_int64(q->standard));
	jm_add_new(o, "aid_fen", json_object_new_int64(q->aid));
	jm_add_new(o, "paid_fen", json_object_new_int64(q->paid));
	jm_add_new(o, "due_fen", json_object_new_int64(q->due));
	if (q->pension)
		subsidy_keys(o, q);
	jm_add_new(o, "window", span(q->opens, q->closes));
	jm_add_new(o, "in_window",
	    json_object_new_boolean(q->in_window));
	jm_add_new(o, "waiting_months",
	    json_object_new_int(q->waiting));
	jm_add_new(o, "coverage", q->covered ?
	    span(q->from, q->to) : NULL);
	jm_add_new(o, "expires_at",
	    json_object_new_string(q->expires));
	jm_add_new(o, "status", json_object_new_string(q->status));
	return o;
}

/* The coverage year asked for, else the one collected on today's date:
 * the medical insurance's from 1 September on is the next year's, the
 * pension's is always the current year (paid during the year). */
static int
year_of(json_object *req, struct jm_date today, struct quote *q,
    struct jm_perr *err)
{
	json_object *v;

	q->year = !q->pension && today.m >= 9 ? today.y + 1 : today.y;
	if (!jm_json_get(req, "year", &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 2000 ||
	    json_object_get_int64(v) > 2100) {
		jm_perr_set(err, "BAD_VALUE", _("year is a number from 2000 to "
		    "2100"));
		return -1;
	}
	q->year = json_object_get_int(v);
	return 0;
}

/* A group the county pays the pension's lowest grade for (代缴). */
static int
hardship(const struct sb_person *p, int year, int64_t *grade,
    const char **src)
{
	return p->aid[0] ? jm_policy_hardship(jm_policy(), year, p->aid, grade,
	    src) : -1;
}

/* Special payment: for medical-aid recipients, or for the pension the
 * hardship groups. */
static int
special_allowed(const struct sb_person *p, const struct quote *q,
    struct jm_perr *err)
{
	const char *src;
	int64_t g;

	if (!q->pension && !p->aid[0]) {
		jm_perr_set(err, "NOT_AID", _("special payment (特殊缴费) is "
		    "for medical-aid recipients; this person is in no aid "
		    "group"));
		return -1;
	}
	if (q->pension && hardship(p, q->year, &g, &src) < 0) {
		jm_perr_set(err, "NOT_AID", _("special payment of the pension "
		    "(代缴, the county pays) is for 低保, 特困, "
		    "severe-disability and 监测 people; this person is %s"),
		    p->aid[0] ? jm_aid_name(p->aid) : _("in no such group"));
		return -1;
	}
	return 0;
}

/* The request's year, item and kind, with the platform's defaults. */
static int
request(json_object *req, const struct sb_person *p, struct jm_date today,
    struct quote *q, struct jm_perr *err)
{
	const char *src;
	int64_t g;

	q->item = jm_sb_str(req, "item") ? jm_sb_str(req, "item") : "medical";
	q->pension = strcmp(q->item, "pension") == 0;
	if (!q->pension && strcmp(q->item, "medical") != 0) {
		jm_perr_set(err, "BAD_VALUE", _("item '%.20s' is neither "
		    "medical nor pension"), q->item);
		return -1;
	}
	if (year_of(req, today, q, err) < 0)
		return -1;
	q->kind = jm_sb_str(req, "kind");
	if (!q->kind)
		q->kind = (q->pension ? hardship(p, q->year, &g, &src) == 0 :
		    p->aid[0] != '\0') ? "special" : "daily";
	if (strcmp(q->kind, "daily") && strcmp(q->kind, "special")) {
		jm_perr_set(err, "BAD_VALUE", _("kind is daily or special"));
		return -1;
	}
	if (strcmp(q->kind, "special") == 0 && special_allowed(p, q, err) < 0)
		return -1;
	if (today.y > q->year && q->pension) {
		jm_perr_set(err, "YEAR_CLOSED", _("the pension for %d was "
		    "collected during %d: past years (补缴) are paid at a tax "
		    "office counter, and earn no subsidy"), q->year, q->year);
		return -1;
	}
	if (today.y > q->year) {
		jm_perr_set(err, "YEAR_CLOSED", _("coverage year %d has ended: "
		    "arrears (补缴) are paid at a tax office counter"),
		    q->year);
		return -1;
	}
	return 0;
}

/* --- the resident pension (城乡居民基本养老保险) --- */

/* Who it enrols: by the age reached in the coverage year; no students. */
static int
eligible(const struct sb_person *p, int year, struct jm_perr *err)
{
	const struct jm_pension_who *w = jm_policy_pension_who(jm_policy(),
	    year);
	struct jm_date b = {year, 1, 1};
	size_t i;
	int age;

	if (!w) {
		jm_perr_set(err, "POLICY_UNKNOWN", _("no published rule of who "
		    "the pension enrols in %d: add a table in policy.d"), year);
		return -1;
	}
	for (i = 0; w->excluded[i]; i++)
		if (strcmp(w->excluded[i], p->category) == 0) {
			jm_perr_set(err, "NOT_ELIGIBLE", _("the resident pension "
			    "(城乡居民养老保险) does not enrol pupils and "
			    "students (%s)"), p->category);
			return -1;
		}
	jm_parse_date(p->birth_date, &b);
	age = year - b.y;
	if (age < w->min_age || age > w->max_age) {
		jm_perr_set(err, "NOT_ELIGIBLE", _("the resident pension is for "
		    "ages %d to %d reached in the coverage year: this person "
		    "is %d in %d"), w->min_age, w->max_age, age, year);
		return -1;
	}
	return 0;
}

/* A grade in yuan as people say it: 300, or 250.50 (buf of 32). */
static char *
grade_yuan(int64_t fen, char *buf)
{
	if (fen % 100)
		return jm_yuan(fen, buf);
	snprintf(buf, 32, "%lld", (long long)(fen / 100));
	return buf;
}

/* "300, 400, ..., 6000" (yuan). */
static char *
grade_list(const int64_t *g, int n, char *buf, size_t sz)
{
	size_t len = 0;
	char y[32];
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < sz; i++)
		len += (size_t)snprintf(buf + len, sz - len, "%s%s", i ? ", " :
		    "", grade_yuan(g[i], y));
	return buf;
}

/* The grade asked for, which the person's city must offer. */
static int
grade_of(const struct sb_person *p, json_object *req, struct quote *q,
    struct jm_perr *err)
{
	const int64_t *g;
	const char *src;
	char city[64], list[512], msg[128], y[32];
	int n, i, k;

	if ((n = jm_policy_grades(jm_policy(), q->year, p->region, &g,
	    &src)) < 0) {
		jm_perr_set(err, "POLICY_UNKNOWN", _("no published pension "
		    "grades for %d (%s): add a table in policy.d"), q->year,
		    city_name(p->region, city, sizeof city));
		return -1;
	}
	grade_list(g, n, list, sizeof list);
	k = jm_fen_get(req, "grade_fen", &q->grade, msg, sizeof msg);
	if (k <= 0) {
		jm_perr_set(err, k ? "BAD_VALUE" : "MISSING_FIELD", _("choose a "
		    "grade (缴费档次) for the pension of %d in %s: %s yuan"),
		    q->year, city_name(p->region, city, sizeof city), list);
		return -1;
	}
	for (i = 0; i < n && g[i] != q->grade; i++)
		;
	if (i == n) {
		jm_perr_set(err, "GRADE_NOT_OFFERED", _("grade %s is not "
		    "offered in %s for %d: the grades are %s yuan"),
		    grade_yuan(q->grade, y), city_name(p->region, city,
		    sizeof city), q->year, list);
		return -1;
	}
	return 0;
}

/* The grade's amount, less what the county pays for a hardship group. */
static int
pension_owed(const struct sb_person *p, json_object *req, struct quote *q,
    struct jm_perr *err)
{
	const char *src;

	if (eligible(p, q->year, err) < 0)
		return -1;
	q->table = -1;
	if (strcmp(q->kind, "special") == 0) {
		hardship(p, q->year, &q->grade, &src);
		q->standard = q->aid = q->grade;
		return 0;
	}
	if (grade_of(p, req, q, err) < 0)
		return -1;
	q->standard = q->grade;
	q->aid = 0;
	return 0;
}

/* Paid during the year, for the year; the subsidy follows the year's
 * total once this is paid. */
static void
pension_dates(const struct sb_person *p, struct quote *q)
{
	const char *src;

	jm_policy_pension_window(jm_policy(), q->year, &q->opens, &q->closes);
	q->from = (struct jm_date){q->year, 1, 1};
	q->to = (struct jm_date){q->year, 12, 31};
	q->covered = 1;
	q->waiting = 0;
	if (strcmp(q->kind, "daily") == 0)
		q->table = jm_policy_subsidy(jm_policy(), q->year, p->region,
		    q->paid > q->grade ? q->paid : q->grade, &q->subsidy, &src);
}

int
jm_sb_quote_for(struct sandbox *sb, json_object *req,
    const struct sb_person *p, json_object **resp, struct jm_perr *err)
{
	struct jm_date today = jm_today();
	struct quote q = {0};
	struct gap g;

	if (request(req, p, today, &q, err) < 0 || (q.pension ?
	    pension_owed(p, req, &q, err) : owed(p, &q, err)) < 0)
		return -1;
	q.paid = history(sb, p->insured_id, q.year, q.item, &g);
	if (q.pension)
		pension_dates(p, &q);
	else {
		jm_policy_window(jm_policy(), q.year, p->region, &q.opens,
		    &q.closes);
		coverage(p, &q, today, g);
	}
	q.in_window = jm_date_cmp(q.opens, today) <= 0 &&
	    jm_date_cmp(today, q.closes) <= 0;
	finish(&q, p->insured_id, today);
	*resp = answer(&q, p);
	return 0;
}

int
jm_sb_quote(struct jm_platform *pl, json_object *req, json_object **resp,
    struct jm_perr *err)
{
	struct sandbox *sb = pl->impl;
	struct sb_person p;

	if (jm_sb_person(sb, req, &p, err) < 0)
		return -1;
	return jm_sb_quote_for(sb, req, &p, resp, err);
}

int
jm_sb_owed(struct sandbox *sb, const struct sb_person *p, int year,
    const char *item, int64_t *fen, struct jm_perr *err)
{
	struct quote q = {0};

	(void)sb;
	if (strcmp(item, "medical") != 0) {
		jm_perr_set(err, "BAD_VALUE", _("the %s has no one amount owed: "
		    "give amount_fen"), item);
		return -1;
	}
	q.year = year;
	q.item = item;
	q.kind = p->aid[0] ? "special" : "daily";
	if (owed(p, &q, err) < 0)
		return -1;
	*fen = q.standard - q.aid;
	return 0;
}
