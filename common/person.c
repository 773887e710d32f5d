/* person.c - a person record's keys, checked (DESIGN.md section 4) */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "jsonio.h"
#include "person.h"
#include "region.h"
#include "util.h"

const char *const jm_categories[] = {"resident", "pupil", "university",
    "newborn", NULL};
const char *const jm_aid_groups[] = {"extreme-poverty", "orphan",
    "severe-disability", "minimum-living", "poverty-relapse", "monitored",
    NULL};
const char *const jm_relations[] = {"self", "spouse", "parent", "child",
    "sibling", "grandparent", "grandchild", "other", NULL};

const char *
jm_aid_name(const char *group)
{
	static const char *const zh[] = {"特困", "孤儿", "重度残疾", "低保",
	    "返贫致贫", "监测"};
	int i;

	for (i = 0; jm_aid_groups[i]; i++)
		if (strcmp(jm_aid_groups[i], group) == 0)
			return zh[i];
	return group;
}

int
jm_in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

int
jm_get_str(json_object *o, const char *key, const char **s, size_t *len)
{
	json_object *v;

	*s = NULL;
	if (!jm_json_get(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*s = json_object_get_string(v);
	if (len)
		*len = (size_t)json_object_get_string_len(v);
	return **s ? 1 : 0;
}

static const char *
wrong_type(const char *key, char *msg, size_t sz)
{
	snprintf(msg, sz, _("%s must be a string"), key);
	return "WRONG_TYPE";
}

const char *
jm_id_not_string(const char *key, char *msg, size_t sz)
{
	snprintf(msg, sz, _("%s must be a JSON string: as a number it loses "
	    "digits (write \"%s\": \"3411...\")"), key, key);
	return "ID_NOT_STRING";
}

static const char *
check_id(json_object *rec, const char *key, struct jm_date today,
    enum jm_id_type t, struct jm_id *id, char *msg, size_t sz)
{
	const char *s, *e;
	char why[256];
	size_t len;
	int k = jm_get_str(rec, key, &s, &len);

	if (k < 0)
		return jm_id_not_string(key, msg, sz);
	if ((e = jm_id_check(s, len, t, today, id, why, sizeof why)))
		snprintf(msg, sz, "%s: %s", key, why);
	return e;
}

static const char *
one_of(json_object *rec, const char *key, const char *const *list,
    const char **out, char *msg, size_t sz)
{
	const char *s;
	int k = jm_get_str(rec, key, &s, NULL), i;
	size_t n;

	if (k < 0)
		return wrong_type(key, msg, sz);
	if (k == 0 || jm_in_list(list, s)) {
		*out = k ? s : NULL;
		return NULL;
	}
	n = (size_t)snprintf(msg, sz, _("%s '%.40s' is not one of:"), key, s);
	for (i = 0; list[i] && n < sz; i++)
		n += (size_t)snprintf(msg + n, sz - n, " %s", list[i]);
	return "BAD_VALUE";
}

static const char *
check_region(json_object *rec, struct jm_person *p, char *msg, size_t sz)
{
	const struct jm_region *r;
	const char *s, *e;
	int k = jm_get_str(rec, "region", &s, NULL);

	if (k < 0)
		return wrong_type("region", msg, sz);
	if (k > 0) {
		if ((e = jm_region_check(s, msg, sz)))
			return e;
		jm_strlcpy(p->region, s, sizeof p->region);
		return NULL;
	}
	if (!p->has_id)
		return NULL;	/* a newborn: the guardian's region */
	if (p->id_type == JM_ID_RESIDENT && !jm_region_check(p->id.addr, msg,
	    sz)) {
		memcpy(p->region, p->id.addr, 7);
		return NULL;
	}
	r = jm_region_get(p->id.addr);
	if (r && r->level == JM_REGION_RETIRED && isdigit((unsigned char)
	    r->note[0]))
		snprintf(msg, sz, _("no region given, and the ID's address "
		    "code %s (%s) is retired: give region, e.g. %s"),
		    p->id.addr, r->name, r->note);
	else
		snprintf(msg, sz, _("no region given, and the ID's address code "
		    "is not a current Anhui county: give the region where the "
		    "person enrols"));
	return "REGION_REQUIRED";
}

static const char *
check_name(json_object *rec, struct jm_person *p, char *msg, size_t sz)
{
	const char *e;
	char why[200];
	size_t len;
	int k = jm_get_str(rec, "name", &p->name, &len);

	if (k < 0)
		return wrong_type("name", msg, sz);
	if (k == 0) {
		snprintf(msg, sz, _("name is missing"));
		return "MISSING_FIELD";
	}
	if ((e = jm_name_check(p->name, len, p->id_type, why, sizeof why)))
		snprintf(msg, sz, "%s", why);
	return e;
}

static const char *
check_cert(json_object *rec, struct jm_person *p, char *msg, size_t sz)
{
	const char *s;
	size_t i, n;
	int k = jm_get_str(rec, "birth_cert_no", &s, &n);

	if (k < 0)
		return wrong_type("birth_cert_no", msg, sz);
	if (k == 0)
		return NULL;
	if (n != 10 || !isalpha((unsigned char)s[0]) ||
	    strspn(s + 1, "0123456789") != 9) {
		snprintf(msg, sz, _("birth_cert_no is a letter and 9 digits, "
		    "as printed on the birth certificate"));
		return "BAD_VALUE";
	}
	for (i = 0; i < n; i++)
		p->birth_cert_no[i] = (char)toupper((unsigned char)s[i]);
	p->birth_cert_no[n] = '\0';
	return NULL;
}

static const char *
check_newborn(json_object *rec, struct jm_date today, struct jm_person *p,
    char *msg, size_t sz)
{
	const char *s, *e;

	if (strcmp(p->category, "newborn") != 0) {
		snprintf(msg, sz, _("id_no is missing (only a newborn may "
		    "register without one)"));
		return "MISSING_FIELD";
	}
	if (jm_get_str(rec, "guardian_id_no", &s, NULL) == 0) {
		snprintf(msg, sz, _("a newborn without id_no needs "
		    "guardian_id_no, birth_cert_no and birth_date"));
		return "MISSING_FIELD";
	}
	if ((e = check_id(rec, "guardian_id_no", today, JM_ID_RESIDENT,
	    &p->guardian, msg, sz)))
		return e;
	p->has_guardian = 1;
	if ((e = check_cert(rec, p, msg, sz)))
		return e;
	if (!p->birth_cert_no[0]) {
		snprintf(msg, sz, _("a newborn without id_no needs "
		    "birth_cert_no"));
		return "MISSING_FIELD";
	}
	if (jm_get_str(rec, "birth_date", &s, NULL) <= 0) {
		snprintf(msg, sz, _("a newborn without id_no needs birth_date"));
		return "MISSING_FIELD";
	}
	return NULL;
}

static const char *
check_birth_date(json_object *rec, struct jm_date today, struct jm_person *p,
    char *msg, size_t sz)
{
	struct jm_date d;
	const char *s;
	int k = jm_get_str(rec, "birth_date", &s, NULL);

	if (k < 0)
		return wrong_type("birth_date", msg, sz);
	if (k == 0)
		return NULL;
	if (jm_parse_date(s, &d) < 0) {
		snprintf(msg, sz, _("birth_date '%.20s' is not a date such as "
		    "2025-03-01"), s);
		return "BAD_VALUE";
	}
	if (jm_date_cmp(d, today) > 0) {
		snprintf(msg, sz, _("birth_date %s is in the future"), s);
		return "BAD_VALUE";
	}
	if (p->has_id && p->id.birth.y && jm_date_cmp(d, p->id.birth) != 0) {
		snprintf(msg, sz, _("birth_date %s is not the birth date in "
		    "the ID number"), s);
		return "BAD_VALUE";
	}
	p->birth = d;
	return NULL;
}

static const char *
check_phone(json_object *rec, struct jm_person *p, char *msg, size_t sz)
{
	int k = jm_get_str(rec, "phone", &p->phone, NULL);

	if (k < 0)
		return wrong_type("phone", msg, sz);
	if (k > 0 && !jm_phone_ok(p->phone)) {
		snprintf(msg, sz, _("phone '%.20s' is not an 11-digit mobile "
		    "number"), p->phone);
		return "PHONE_INVALID";
	}
	return NULL;
}

static const char *
check_text(json_object *rec, char *msg, size_t sz)
{
	static const char *const keys[] = {"town", "village"};
	const char *s;
	size_t i;

	for (i = 0; i < 2; i++)
		if (jm_get_str(rec, keys[i], &s, NULL) < 0)
			return wrong_type(keys[i], msg, sz);
	return NULL;
}

const char *
jm_person_check(json_object *rec, struct jm_date today, struct jm_person *p,
    char *msg, size_t sz)
{
	static const char *const types[] = {"resident", "hmt-permit",
	    "foreign-permanent", NULL};
	const char *e, *t, *s;
	int k;

	memset(p, 0, sizeof *p);
	if ((e = one_of(rec, "id_type", types, &t, msg, sz)))
		return e;
	p->id_type = t ? jm_id_type_parse(t) : JM_ID_RESIDENT;
	if ((e = one_of(rec, "category", jm_categories, &p->category, msg,
	    sz)))
		return e;
	if (!p->category)
		p->category = "resident";
	k = jm_get_str(rec, "id_no", &s, NULL);
	if (k != 0) {
		if ((e = check_id(rec, "id_no", today, p->id_type, &p->id,
		    msg, sz)))
			return e;
		p->has_id = 1;
		p->birth = p->id.birth;
		if ((e = check_cert(rec, p, msg, sz)))
			return e;
	} else if ((e = check_newborn(rec, today, p, msg, sz)))
		return e;
	if ((e = check_name(rec, p, msg, sz)) ||
	    (e = check_birth_date(rec, today, p, msg, sz)) ||
	    (e = check_region(rec, p, msg, sz)) ||
	    (e = one_of(rec, "aid", jm_aid_groups, &p->aid, msg, sz)) ||
	    (e = one_of(rec, "relation", jm_relations, &p->relation, msg,
	    sz)) ||
	    (e = check_phone(rec, p, msg, sz)) || (e = check_text(rec, msg,
	    sz)))
		return e;
	return NULL;
}
