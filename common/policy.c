/* policy.c - the policy rules as data: share/policy/ and policy.d/ */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "paths.h"
#include "person.h"
#include "policy.h"
#include "region.h"
#include "util.h"

struct standard {
	int year;
	int64_t individual, subsidy;
	const char *source;
};

struct window {
	char place[7];
	int year;
	struct jm_date opens, closes;
};

struct rate {
	char place[7];
	int year;
	const char *category;
	int64_t individual;
	const char *source;
};

struct aid_rule {
	const char *group, *rule;	/* rule: free, half */
	int from_year;
	const char *source;
};

struct aid_amount {
	char place[7];
	int year, under_age;
	const char *group, *category;
	int64_t pay;
	const char *source;
};

/* The resident pension: the grades offered in a place from a year, the
 * subsidy credited for a year's total, the grade a county pays for a
 * hardship group (place "340000" is the whole province). */
struct grades {
	char place[7];
	int from_year;
	int64_t *fen;		/* ascending */
	size_t n;
	const char *source;
};

struct subsidy {
	char place[7];
	int from_year, and_above;
	int64_t grade, fen;
	const char *source;
};

struct hardship {
	const char *group;
	int from_year;
	int64_t grade;
	const char *source;
};

/* Later entries (user tables are read after the shipped ones) win. */
struct jm_policy {
	struct standard *std;
	size_t nstd;
	struct window *win;
	size_t nwin;
	struct rate *rate;
	size_t nrate;
	struct aid_rule *rule;
	size_t nrule;
	struct aid_amount *amt;
	size_t namt;
	struct jm_waiting *wait;
	size_t nwait;
	char def_opens[6], def_closes[6];
	int newborn_days;
	struct grades *grade;
	size_t ngrade;
	struct subsidy *sub;
	size_t nsub;
	struct hardship *hard;
	size_t nhard;
	struct jm_pension_who *who;
	size_t nwho;
	char pen_opens[6], pen_closes[6];
	json_object **docs;	/* parsed tables, owning the strings */
	size_t ndocs;
};

/* Where an entry is, for messages: "medical.json: standards[3]". */
struct ctx {
	const char *name, *array;
	size_t i;
	char *msg;
	size_t msgsz;
};

#define NO_INDEX ((size_t)-1)	/* an entry that is no array's */

static int
bad(struct ctx *c, const char *fmt, const char *key)
{
	int n = c->i == NO_INDEX ? snprintf(c->msg, c->msgsz, "%s: %s: ",
	    c->name, c->array) : snprintf(c->msg, c->msgsz, "%s: %s[%zu]: ",
	    c->name, c->array, c->i);

	if (n >= 0 && (size_t)n < c->msgsz)
		snprintf(c->msg + n, c->msgsz - (size_t)n, fmt, key);
	return -1;
}

static int
get_int(struct ctx *c, json_object *e, const char *key, int lo, int hi,
    int need, int *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(e, key, &v) || !v) {
		if (need)
			return bad(c, _("\"%s\" is missing"), key);
		return 0;
	}
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < lo || n > hi)
		return bad(c, _("\"%s\" is not a whole number in range"), key);
	*out = (int)n;
	return 0;
}

static int
get_fen(struct ctx *c, json_object *e, const char *key, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(e, key, &v) || !v)
		return bad(c, _("\"%s\" is missing"), key);
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > 100000000)
		return bad(c, _("\"%s\" is not a whole number of fen"), key);
	*out = json_object_get_int64(v);
	return 0;
}

static int
get_str(struct ctx *c, json_object *e, const char *key, int need,
    const char *const *list, const char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(e, key, &v) || !v) {
		if (need)
			return bad(c, _("\"%s\" is missing"), key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0)
		return bad(c, _("\"%s\" is not a string"), key);
	*out = json_object_get_string(v);
	if (list && !jm_in_list(list, *out))
		return bad(c, _("\"%s\" is not a known value"), key);
	return 0;
}

/* An Anhui city of the region list ("city": 340200), or a city or a
 * current county ("region": 340202); a retired code matches nobody. */
static int
get_place(struct ctx *c, json_object *e, char *place)
{
	const struct jm_region *r;
	const char *s;
	int city = !json_object_object_get_ex(e, "region", NULL);
	const char *key = city ? "city" : "region";

	if (!city && json_object_object_get_ex(e, "city", NULL))
		return bad(c, _("\"%s\" and \"city\": give one of them"),
		    key);
	if (get_str(c, e, key, 1, NULL, &s) < 0)
		return -1;
	if (strlen(s) != 6 || strspn(s, "0123456789") != 6 ||
	    strncmp(s, "34", 2) != 0)
		return bad(c, _("\"%s\" is not a six-digit Anhui code"), key);
	r = jm_region_get(s);
	if (!r || (r->level != JM_REGION_CITY && (city ||
	    r->level != JM_REGION_COUNTY)))
		return bad(c, city ? _("\"%s\" is not the code of an Anhui "
		    "city") : _("\"%s\" is not the code of a current Anhui "
		    "city or county"), key);
	memcpy(place, s, 7);
	return 0;
}

static int
get_date(struct ctx *c, json_object *e, const char *key, struct jm_date *d)
{
	const char *s;

	if (get_str(c, e, key, 1, NULL, &s) < 0)
		return -1;
	if (jm_parse_date(s, d) < 0)
		return bad(c, _("\"%s\" is not a date YYYY-MM-DD"), key);
	return 0;
}

#define GROW(arr, n) ((arr) = jm_realloc((arr), ((n) + 1) * sizeof *(arr)))

static int
add_standard(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct standard s = {0};

	if (get_int(c, e, "year", 2000, 2100, 1, &s.year) < 0 ||
	    get_fen(c, e, "individual_fen", &s.individual) < 0 ||
	    get_fen(c, e, "subsidy_fen", &s.subsidy) < 0 ||
	    get_str(c, e, "source", 1, NULL, &s.source) < 0)
		return -1;
	GROW(p->std, p->nstd);
	p->std[p->nstd++] = s;
	return 0;
}

static int
add_window(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct window w = {0};
	const char *src;

	if (get_place(c, e, w.place) < 0 ||
	    get_int(c, e, "year", 2000, 2100, 1, &w.year) < 0 ||
	    get_date(c, e, "opens", &w.opens) < 0 ||
	    get_date(c, e, "closes", &w.closes) < 0 ||
	    get_str(c, e, "source", 1, NULL, &src) < 0)
		return -1;
	if (jm_date_cmp(w.opens, w.closes) > 0)
		return bad(c, _("\"%s\" is after closes"), "opens");
	GROW(p->win, p->nwin);
	p->win[p->nwin++] = w;
	return 0;
}

static int
add_rate(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct rate r = {0};

	if (get_place(c, e, r.place) < 0 ||
	    get_int(c, e, "year", 2000, 2100, 1, &r.year) < 0 ||
	    get_str(c, e, "category", 1, jm_categories, &r.category) < 0 ||
	    get_fen(c, e, "individual_fen", &r.individual) < 0 ||
	    get_str(c, e, "source", 1, NULL, &r.source) < 0)
		return -1;
	GROW(p->rate, p->nrate);
	p->rate[p->nrate++] = r;
	return 0;
}

static int
add_rule(struct jm_policy *p, struct ctx *c, json_object *e)
{
	static const char *const rules[] = {"free", "half", NULL};
	struct aid_rule r = {0};

	if (get_str(c, e, "group", 1, jm_aid_groups, &r.group) < 0 ||
	    get_str(c, e, "rule", 1, rules, &r.rule) < 0 ||
	    get_int(c, e, "from_year", 2000, 2100, 1, &r.from_year) < 0 ||
	    get_str(c, e, "source", 1, NULL, &r.source) < 0)
		return -1;
	GROW(p->rule, p->nrule);
	p->rule[p->nrule++] = r;
	return 0;
}

static int
add_amount(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct aid_amount a = {0};

	if (get_place(c, e, a.place) < 0 ||
	    get_int(c, e, "year", 2000, 2100, 1, &a.year) < 0 ||
	    get_str(c, e, "group", 1, jm_aid_groups, &a.group) < 0 ||
	    get_str(c, e, "category", 0, jm_categories, &a.category) < 0 ||
	    get_int(c, e, "under_age", 1, 150, 0, &a.under_age) < 0 ||
	    get_fen(c, e, "pay_fen", &a.pay) < 0 ||
	    get_str(c, e, "source", 1, NULL, &a.source) < 0)
		return -1;
	GROW(p->amt, p->namt);
	p->amt[p->namt++] = a;
	return 0;
}

static int
add_waiting(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct jm_waiting w = {0};
	json_object *v;

	if (get_int(c, e, "from_year", 2000, 2100, 1, &w.from_year) < 0 ||
	    get_int(c, e, "fixed_months", 0, 24, 0, &w.fixed_months) < 0 ||
	    get_int(c, e, "per_break_year", 0, 12, 0, &w.per_break_year) < 0 ||
	    get_int(c, e, "per_arrears_year", -12, 0, 0,
	    &w.per_arrears_year) < 0 ||
	    get_int(c, e, "long_break_years", 0, 50, 0,
	    &w.long_break_years) < 0 ||
	    get_int(c, e, "long_break_min_months", 0, 24, 0,
	    &w.long_break_min_months) < 0 ||
	    get_int(c, e, "late_months", 0, 24, 0, &w.late_months) < 0 ||
	    get_str(c, e, "source", 1, NULL, &w.source) < 0)
		return -1;
	w.newborn_exempt = json_object_object_get_ex(e, "newborn_exempt", &v) &&
	    json_object_get_boolean(v);
	GROW(p->wait, p->nwait);
	p->wait[p->nwait++] = w;
	return 0;
}

/* The keys an entry may have: a misspelt "category" would otherwise be
 * ignored and the entry apply to everyone. */
static int
known_keys(struct ctx *c, json_object *e, const char *keys)
{
	char want[64];

	if (!json_object_is_type(e, json_type_object))
		return bad(c, _("\"%s\" is not an object {...}"), c->array);
	json_object_object_foreach(e, k, v) {
		(void)v;
		snprintf(want, sizeof want, " %s ", k);
		if (strcmp(k, "note") != 0 && (strchr(k, ' ') ||
		    !strstr(keys, want)))
			return bad(c, _("\"%s\" is not a key of this table"),
			    k);
	}
	return 0;
}

/* --- the resident pension's tables --- */

/* The province ("340000") where an entry names no city or region. */
static int
pension_place(struct ctx *c, json_object *e, char *place)
{
	if (!json_object_object_get_ex(e, "city", NULL) &&
	    !json_object_object_get_ex(e, "region", NULL)) {
		memcpy(place, "340000", 7);
		return 0;
	}
	return get_place(c, e, place);
}

static int
get_bool(struct ctx *c, json_object *e, const char *key, int *out)
{
	json_object *v;

	*out = 0;
	if (!json_object_object_get_ex(e, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return bad(c, _("\"%s\" is not true or false"), key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* Grades: whole numbers of fen above 0, in ascending order. */
static int
get_grades(struct ctx *c, json_object *e, const char *key, int64_t **out,
    size_t *n)
{
	json_object *arr, *v;
	size_t i, len;
	int64_t f;

	if (!json_object_object_get_ex(e, key, &arr) || !arr)
		return bad(c, _("\"%s\" is missing"), key);
	if (!json_object_is_type(arr, json_type_array) ||
	    (len = json_object_array_length(arr)) == 0 || len > 64)
		return bad(c, _("\"%s\" is not a list [...] of 1 to 64 "
		    "amounts"), key);
	*out = jm_calloc(len, sizeof **out);
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(arr, i);
		f = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || f <= 0 ||
		    f > 100000000 || (i > 0 && f <= (*out)[i - 1])) {
			free(*out);
			*out = NULL;
			return bad(c, _("\"%s\" is not whole numbers of fen "
			    "above 0 in ascending order"), key);
		}
		(*out)[i] = f;
	}
	*n = len;
	return 0;
}

static int
add_grades(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct grades g = {0};

	if (pension_place(c, e, g.place) < 0 ||
	    get_int(c, e, "from_year", 2000, 2100, 1, &g.from_year) < 0 ||
	    get_str(c, e, "source", 1, NULL, &g.source) < 0 ||
	    get_grades(c, e, "grades_fen", &g.fen, &g.n) < 0)
		return -1;
	GROW(p->grade, p->ngrade);
	p->grade[p->ngrade++] = g;
	return 0;
}

static int
add_subsidy(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct subsidy s = {0};

	if (pension_place(c, e, s.place) < 0 ||
	    get_int(c, e, "from_year", 2000, 2100, 1, &s.from_year) < 0 ||
	    get_fen(c, e, "grade_fen", &s.grade) < 0 ||
	    get_fen(c, e, "subsidy_fen", &s.fen) < 0 ||
	    get_bool(c, e, "and_above", &s.and_above) < 0 ||
	    get_str(c, e, "source", 1, NULL, &s.source) < 0)
		return -1;
	if (s.grade == 0)
		return bad(c, _("\"%s\" is not a grade above 0"), "grade_fen");
	GROW(p->sub, p->nsub);
	p->sub[p->nsub++] = s;
	return 0;
}

static int
add_hardship(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct hardship h = {0};

	if (get_str(c, e, "group", 1, jm_aid_groups, &h.group) < 0 ||
	    get_int(c, e, "from_year", 2000, 2100, 1, &h.from_year) < 0 ||
	    get_fen(c, e, "grade_fen", &h.grade) < 0 ||
	    get_str(c, e, "source", 1, NULL, &h.source) < 0)
		return -1;
	if (h.grade == 0)
		return bad(c, _("\"%s\" is not a grade above 0"), "grade_fen");
	GROW(p->hard, p->nhard);
	p->hard[p->nhard++] = h;
	return 0;
}

/* The categories a rule leaves out: a list of known ones. */
static int
get_categories(struct ctx *c, json_object *e, const char *key,
    const char **out, size_t max)
{
	json_object *arr, *v;
	size_t i, len;

	if (!json_object_object_get_ex(e, key, &arr) || !arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array) ||
	    (len = json_object_array_length(arr)) >= max)
		return bad(c, _("\"%s\" is not a list [...] of categories"),
		    key);
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    !jm_in_list(jm_categories, json_object_get_string(v)))
			return bad(c, _("\"%s\" names a category that is not "
			    "resident, pupil, university or newborn"), key);
		out[i] = json_object_get_string(v);
	}
	return 0;
}

static int
add_who(struct jm_policy *p, struct ctx *c, json_object *e)
{
	struct jm_pension_who w = {0};

	if (get_int(c, e, "from_year", 2000, 2100, 1, &w.from_year) < 0 ||
	    get_int(c, e, "min_age", 0, 150, 1, &w.min_age) < 0 ||
	    get_int(c, e, "max_age", 0, 150, 1, &w.max_age) < 0 ||
	    get_categories(c, e, "excluded_categories", w.excluded,
	    sizeof w.excluded / sizeof w.excluded[0]) < 0 ||
	    get_str(c, e, "source", 1, NULL, &w.source) < 0)
		return -1;
	if (w.min_age > w.max_age)
		return bad(c, _("\"%s\" is above max_age"), "min_age");
	GROW(p->who, p->nwho);
	p->who[p->nwho++] = w;
	return 0;
}

typedef int add_fn(struct jm_policy *, struct ctx *, json_object *);

static const struct array {
	const char *name, *keys;
	add_fn *add;
} arrays[] = {
	{"standards", " year individual_fen subsidy_fen source ",
	    add_standard},
	{"windows", " city region year opens closes source ", add_window},
	{"local_rates", " city region year category individual_fen source ",
	    add_rate},
	{"aid_rules", " group rule from_year source ", add_rule},
	{"aid_amounts", " city region year group category under_age pay_fen "
	    "source ", add_amount},
	{"waiting", " from_year fixed_months per_break_year per_arrears_year "
	    "long_break_years long_break_min_months late_months "
	    "newborn_exempt source ", add_waiting},
};

static const struct array pension_arrays[] = {
	{"eligibility", " from_year min_age max_age excluded_categories "
	    "source ", add_who},
	{"grades", " city region from_year grades_fen source ", add_grades},
	{"subsidies", " city region from_year grade_fen subsidy_fen "
	    "and_above source ", add_subsidy},
	{"hardship", " group from_year grade_fen source ", add_hardship},
};

static int
each(struct jm_policy *p, struct ctx *c, json_object *doc,
    const struct array *a)
{
	json_object *arr, *e;
	size_t n;

	if (!json_object_object_get_ex(doc, a->name, &arr))
		return 0;
	c->array = "table";
	c->i = NO_INDEX;
	if (!json_object_is_type(arr, json_type_array))
		return bad(c, _("\"%s\" is not an array [...]"), a->name);
	c->array = a->name;
	n = json_object_array_length(arr);
	for (c->i = 0; c->i < n; c->i++) {
		e = json_object_array_get_idx(arr, c->i);
		if (!json_object_is_type(e, json_type_object))
			return bad(c, _("the entry is not an object {...}%.0s"),
			    "");
		if (known_keys(c, e, a->keys) < 0 || a->add(p, c, e) < 0)
			return -1;
	}
	return 0;
}

static int
month_day(struct ctx *c, json_object *e, const char *key, char *out)
{
	const char *s;
	struct jm_date d;
	char buf[16];

	if (get_str(c, e, key, 1, NULL, &s) < 0)
		return -1;
	/* a day of every year: 2001 is no leap year */
	snprintf(buf, sizeof buf, "2001-%s", s);
	if (strlen(s) != 5 || jm_parse_date(buf, &d) < 0)
		return bad(c, _("\"%s\" is not a day MM-DD"), key);
	memcpy(out, s, 6);
	return 0;
}

static int
singles(struct jm_policy *p, struct ctx *c, json_object *doc)
{
	json_object *e;
	const char *src;
	int days = 0;

	c->i = NO_INDEX;
	if (json_object_object_get_ex(doc, "window_default", &e)) {
		c->array = "window_default";
		if (known_keys(c, e, " opens closes source ") < 0 ||
		    month_day(c, e, "opens", p->def_opens) < 0 ||
		    month_day(c, e, "closes", p->def_closes) < 0 ||
		    get_str(c, e, "source", 1, NULL, &src) < 0)
			return -1;
		if (strcmp(p->def_opens, p->def_closes) > 0)
			return bad(c, _("\"%s\" is after closes"), "opens");
	}
	if (json_object_object_get_ex(doc, "newborn", &e)) {
		c->array = "newborn";
		if (known_keys(c, e, " covered_from_birth_within_days source ")
		    < 0 || get_int(c, e, "covered_from_birth_within_days", 0,
		    366, 1, &days) < 0 ||
		    get_str(c, e, "source", 1, NULL, &src) < 0)
			return -1;
		p->newborn_days = days;
	}
	return 0;
}

/*
 * json-c keeps only the last of duplicate keys, and lets single-quoted
 * strings through even when strict: the members written in the text (a
 * colon outside strings) are counted here, -1 for a single quote.
 */
static long
text_members(const char *s, size_t n)
{
	long k = 0;
	int in = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (in && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			in = !in;
		else if (!in && s[i] == '\'')
			return -1;
		else if (!in && s[i] == ':')
			k++;
	return k;
}

static long
parsed_members(json_object *o)
{
	long n = 0;
	size_t i, len;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + parsed_members(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += parsed_members(json_object_array_get_idx(o, i));
	}
	return n;
}

static json_object *
parse_doc(const char *text, size_t len, const char *name, char *msg,
    size_t msgsz)
{
	json_tokener *tok = json_tokener_new_ex(16);
	json_object *doc;
	long members;
	size_t i;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, text, (int)len);
	members = text_members(text, len);
	for (i = 0; i < len && strchr(" \t\r\n", text[i]) && text[i]; i++)
		;
	if (i == len)
		snprintf(msg, msgsz, _("%s: not JSON (empty)"), name);
	else if (doc && json_tokener_get_parse_end(tok) == len && members < 0)
		snprintf(msg, msgsz, _("%s: not JSON (strings need double "
		    "quotes)"), name);
	else if (!doc && json_tokener_get_error(tok) == json_tokener_continue)
		snprintf(msg, msgsz, _("%s: not JSON (it ends inside a "
		    "value)"), name);
	else if (!doc || json_tokener_get_parse_end(tok) != len)
		snprintf(msg, msgsz, _("%s: not JSON (%s)"), name,
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	else if (!json_object_is_type(doc, json_type_object))
		snprintf(msg, msgsz, _("%s: not a JSON object {...}"), name);
	else if (members != parsed_members(doc))
		snprintf(msg, msgsz, _("%s: a key appears twice in one "
		    "object"), name);
	else {
		json_tokener_free(tok);
		return doc;
	}
	json_tokener_free(tok);
	json_object_put(doc);
	return NULL;
}

/* The pension's collection: MM-DD of the coverage year itself. */
static int
pension_singles(struct jm_policy *p, struct ctx *c, json_object *doc)
{
	json_object *e;
	const char *src;

	c->i = NO_INDEX;
	if (!json_object_object_get_ex(doc, "collection", &e))
		return 0;
	c->array = "collection";
	if (known_keys(c, e, " opens closes source ") < 0 ||
	    month_day(c, e, "opens", p->pen_opens) < 0 ||
	    month_day(c, e, "closes", p->pen_closes) < 0 ||
	    get_str(c, e, "source", 1, NULL, &src) < 0)
		return -1;
	if (strcmp(p->pen_opens, p->pen_closes) > 0)
		return bad(c, _("\"%s\" is after closes"), "opens");
	return 0;
}

/* The table as a whole: the item it is for (medical when it names none),
 * and its keys. 1 for the pension, 0 medical, -1 malformed. */
static int
table_keys(struct ctx *c, json_object *doc)
{
	json_object *v;
	int pension = 0;

	c->array = "table";
	c->i = NO_INDEX;
	if (json_object_object_get_ex(doc, "item", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    (strcmp(json_object_get_string(v), "medical") != 0 &&
		    strcmp(json_object_get_string(v), "pension") != 0))
			return bad(c, _("\"%s\" is neither medical nor "
			    "pension"), "item");
		pension = !strcmp(json_object_get_string(v), "pension");
	}
	if (known_keys(c, doc, pension ? " table item notes collection "
	    "eligibility grades subsidies hardship " : " table item notes "
	    "standards window_default windows local_rates aid_rules "
	    "aid_amounts waiting newborn ") < 0)
		return -1;
	return pension;
}

/* The entries of a table, by the item it is for. */
static int
entries(struct jm_policy *q, struct ctx *c, json_object *doc)
{
	int pension = table_keys(c, doc);
	const struct array *a = pension ? pension_arrays : arrays;
	size_t i, n = pension ? sizeof pension_arrays /
	    sizeof pension_arrays[0] : sizeof arrays / sizeof arrays[0];

	if (pension < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (each(q, c, doc, &a[i]) < 0)
			return -1;
	return pension ? pension_singles(q, c, doc) : singles(q, c, doc);
}

/* No table yet: the documented default window (jm.7), 1 Sep to 31 Dec. */
static struct jm_policy *
policy_new(void)
{
	struct jm_policy *p = jm_calloc(1, sizeof *p);

	memcpy(p->def_opens, "09-01", 6);
	memcpy(p->def_closes, "12-31", 6);
	return p;
}

struct jm_policy *
jm_policy_parse(struct jm_policy *p, const char *text, size_t len,
    const char *name, char *msg, size_t msgsz)
{
	struct ctx c = {name, "", 0, msg, msgsz};
	struct jm_policy *q;
	json_object *doc;

	if (!(doc = parse_doc(text, len, name, msg, msgsz)))
		return NULL;
	if (!(q = p))
		q = policy_new();
	GROW(q->docs, q->ndocs);
	q->docs[q->ndocs++] = doc;
	if (entries(q, &c, doc) == 0)
		return q;
	if (!p)
		jm_policy_free(q);
	return NULL;
}

void
jm_policy_free(struct jm_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->ndocs; i++)
		json_object_put(p->docs[i]);
	free(p->docs);
	free(p->std);
	free(p->win);
	free(p->rate);
	free(p->rule);
	free(p->amt);
	free(p->wait);
	for (i = 0; i < p->ngrade; i++)
		free(p->grade[i].fen);
	free(p->grade);
	free(p->sub);
	free(p->hard);
	free(p->who);
	free(p);
}

static void
load_file(struct jm_policy *p, const char *path)
{
	char msg[512], *text;
	size_t len;
	FILE *f;

	if (!(f = fopen(path, "r")))
		jm_die("%s: %s", path, strerror(errno));
	text = jm_malloc(JM_POLICY_MAX_SIZE + 1);
	len = fread(text, 1, JM_POLICY_MAX_SIZE + 1, f);
	if (ferror(f))
		jm_die("%s: %s", path, strerror(errno));
	fclose(f);
	if (len > JM_POLICY_MAX_SIZE)
		jm_die(_("%s: larger than %d bytes"), path, JM_POLICY_MAX_SIZE);
	if (!jm_policy_parse(p, text, len, path, msg, sizeof msg))
		jm_die("%s", msg);
	free(text);
}

static int
json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".json") == 0;
}

/* File names in byte order, whatever the locale's collation says. */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every *.json of dir, in name order. */
static void
load_dir(struct jm_policy *p, const char *dir, int must)
{
	struct dirent **names;
	char *path;
	int n, i;

	if ((n = scandir(dir, &names, json_name, by_name)) < 0) {
		if (must || errno != ENOENT)
			jm_die("%s: %s", dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		path = jm_asprintf("%s/%s", dir, names[i]->d_name);
		load_file(p, path);
		free(path);
		free(names[i]);
	}
	free(names);
}

const struct jm_policy *
jm_policy(void)
{
	static struct jm_policy *p;
	char *dir;

	if (p)
		return p;
	p = policy_new();
	dir = jm_share_path("policy");
	load_dir(p, dir, 1);
	free(dir);
	dir = jm_asprintf("%s/policy.d", jm_dir_name(JM_DIR_CONFIG));
	load_dir(p, dir, 0);
	free(dir);
	return p;
}

/* A place entry applies to a region: the county itself, or its city. */
static int
place_match(const char *place, const char *region)
{
	if (strcmp(place, region) == 0)
		return 2;
	return strcmp(place + 4, "00") == 0 && strncmp(place, region, 4) == 0;
}

int
jm_policy_standard(const struct jm_policy *p, int year, const char *region,
    const char *category, int64_t *fen, const char **source)
{
	size_t i;
	int best = 0, m;

	for (i = p->nrate; i-- > 0;) {
		m = place_match(p->rate[i].place, region);
		if (m > best && p->rate[i].year == year &&
		    strcmp(p->rate[i].category, category) == 0) {
			best = m;
			*fen = p->rate[i].individual;
			*source = p->rate[i].source;
		}
	}
	if (best)
		return 0;
	for (i = p->nstd; i-- > 0;)
		if (p->std[i].year == year) {
			*fen = p->std[i].individual;
			*source = p->std[i].source;
			return 0;
		}
	return -1;
}

/* How well a fixed amount fits the person; 0 when it does not apply. */
static int
amount_fit(const struct aid_amount *a, int year, const char *region,
    const char *group, const char *category, int age)
{
	int m = place_match(a->place, region);

	if (!m || a->year != year || strcmp(a->group, group) != 0)
		return 0;
	if (a->category && strcmp(a->category, category) != 0)
		return 0;
	if (a->under_age && age >= a->under_age)
		return 0;
	return m * 4 + (a->category != NULL) * 2 + (a->under_age != 0);
}

int
jm_policy_aid(const struct jm_policy *p, int year, const char *region,
    const char *group, const char *category, int age, int64_t standard,
    int64_t *pay, const char **source)
{
	size_t i;
	int best = 0, fit;

	for (i = p->namt; i-- > 0;) {
		fit = amount_fit(&p->amt[i], year, region, group, category,
		    age);
		if (fit > best) {
			best = fit;
			*pay = p->amt[i].pay;
			*source = p->amt[i].source;
		}
	}
	if (best)
		return 0;
	for (i = p->nrule; i-- > 0;) {
		if (strcmp(p->rule[i].group, group) != 0 ||
		    year < p->rule[i].from_year)
			continue;
		*pay = strcmp(p->rule[i].rule, "free") == 0 ? 0 :
		    standard / 2;
		*source = p->rule[i].source;
		return 0;
	}
	return -1;
}

/* The day md (MM-DD, a day of every year: month_day) of year y. Every
 * quote asks: formatting it and reading it back with snprintf was a
 * seventieth of jm-quote's instructions. */
static struct jm_date
default_day(const char *md, int y)
{
	return (struct jm_date){y, (md[0] - '0') * 10 + md[1] - '0',
	    (md[3] - '0') * 10 + md[4] - '0'};
}

int
jm_policy_window(const struct jm_policy *p, int year, const char *region,
    struct jm_date *opens, struct jm_date *closes)
{
	size_t i;
	int best = 0, m;

	for (i = p->nwin; i-- > 0;) {
		m = place_match(p->win[i].place, region);
		if (p->win[i].year == year && m > best) {
			best = m;
			*opens = p->win[i].opens;
			*closes = p->win[i].closes;
		}
	}
	if (best)
		return 1;
	*opens = default_day(p->def_opens, year - 1);
	*closes = default_day(p->def_closes, year - 1);
	return 0;
}

const struct jm_waiting *
jm_policy_waiting(const struct jm_policy *p, int year)
{
	const struct jm_waiting *best = NULL;
	size_t i;

	for (i = 0; i < p->nwait; i++)
		if (p->wait[i].from_year <= year &&
		    (!best || p->wait[i].from_year >= best->from_year))
			best = &p->wait[i];
	return best;
}

int
jm_policy_newborn_days(const struct jm_policy *p)
{
	return p->newborn_days;
}

/* --- the resident pension --- */

/* How an entry of a place from a year fits a region in a year: the county
 * before its city before the province, then the latest year; 0: not. */
static long
reach(const char *place, int from_year, const char *region, int year)
{
	int m;

	if (from_year > year)
		return 0;
	if (strcmp(place, region) == 0)
		m = 3;
	else if (strcmp(place + 2, "0000") == 0)
		m = strncmp(place, region, 2) == 0;
	else
		m = place_match(place, region) ? 2 : 0;
	return m ? m * 10000L + from_year : 0;
}

int
jm_policy_grades(const struct jm_policy *p, int year, const char *region,
    const int64_t **fen, const char **source)
{
	long best = 0, r;
	size_t i;
	int n = -1;

	for (i = 0; i < p->ngrade; i++) {
		r = reach(p->grade[i].place, p->grade[i].from_year, region,
		    year);
		if (r > 0 && r >= best) {
			best = r;
			*fen = p->grade[i].fen;
			*source = p->grade[i].source;
			n = (int)p->grade[i].n;
		}
	}
	return n;
}

/* The subsidy table in force for a region: its place and year. */
static const struct subsidy *
subsidy_table(const struct jm_policy *p, int year, const char *region)
{
	const struct subsidy *t = NULL;
	long best = 0, r;
	size_t i;

	for (i = 0; i < p->nsub; i++) {
		r = reach(p->sub[i].place, p->sub[i].from_year, region, year);
		if (r > 0 && r >= best) {
			best = r;
			t = &p->sub[i];
		}
	}
	return t;
}

int
jm_policy_subsidy(const struct jm_policy *p, int year, const char *region,
    int64_t total, int64_t *fen, const char **source)
{
	const struct subsidy *t = subsidy_table(p, year, region), *s;
	const struct subsidy *exact = NULL, *above = NULL;
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < p->nsub; i++) {
		s = &p->sub[i];
		if (strcmp(s->place, t->place) || s->from_year != t->from_year)
			continue;
		if (s->grade == total)
			exact = s;
		else if (s->and_above && s->grade < total && (!above ||
		    s->grade >= above->grade))
			above = s;
	}
	if (!(s = exact ? exact : above))
		return -1;
	*fen = s->fen;
	*source = s->source;
	return strcmp(t->place + 2, "0000") == 0;
}

int
jm_policy_hardship(const struct jm_policy *p, int year, const char *group,
    int64_t *grade, const char **source)
{
	int best = 0;
	size_t i;

	for (i = 0; group && i < p->nhard; i++)
		if (strcmp(p->hard[i].group, group) == 0 &&
		    p->hard[i].from_year <= year &&
		    p->hard[i].from_year >= best) {
			best = p->hard[i].from_year;
			*grade = p->hard[i].grade;
			*source = p->hard[i].source;
		}
	return best ? 0 : -1;
}

const struct jm_pension_who *
jm_policy_pension_who(const struct jm_policy *p, int year)
{
	const struct jm_pension_who *best = NULL;
	size_t i;

	for (i = 0; i < p->nwho; i++)
		if (p->who[i].from_year <= year &&
		    (!best || p->who[i].from_year >= best->from_year))
			best = &p->who[i];
	return best;
}

/* MM-DD of a year; 29 February of a common year is the 28th. */
static void
day_of(int year, const char *md, struct jm_date *d)
{
	char buf[16];

	snprintf(buf, sizeof buf, "%04d-%s", year % 10000, md);
	if (jm_parse_date(buf, d) < 0)
		*d = (struct jm_date){year, 2, 28};
}

void
jm_policy_pension_window(const struct jm_policy *p, int year,
    struct jm_date *opens, struct jm_date *closes)
{
	day_of(year, p->pen_opens[0] ? p->pen_opens : "01-01", opens);
	day_of(year, p->pen_closes[0] ? p->pen_closes : "12-31", closes);
}
