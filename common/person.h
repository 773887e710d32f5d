/* person.h - a person record's keys, checked (DESIGN.md section 4) */
#ifndef JM_PERSON_H
#define JM_PERSON_H

#include <json-c/json.h>

#include "clock.h"
#include "identity.h"

struct jm_person {
	int has_id;
	struct jm_id id;		/* id.no normalised */
	enum jm_id_type id_type;
	const char *name;
	const char *phone;		/* NULL when absent */
	char region[7];			/* "" when absent and not derivable */
	const char *category;		/* "resident" when absent */
	const char *aid;		/* NULL: none */
	const char *relation;		/* NULL when absent */
	struct jm_date birth;		/* from the ID, or birth_date */
	int has_guardian;
	struct jm_id guardian;
	char birth_cert_no[32];		/* "" when absent */
};

extern const char *const jm_categories[];	/* NULL-terminated */
extern const char *const jm_aid_groups[];
extern const char *const jm_relations[];
/* The Chinese name of an aid group: minimum-living is 低保. */
const char *jm_aid_name(const char *group);
int jm_in_list(const char *const *list, const char *s);

/*
 * Check a person record against today's date. Returns NULL, or an error
 * code with a message; the strings of p point into rec.
 */
const char *jm_person_check(json_object *rec, struct jm_date today,
    struct jm_person *p, char *msg, size_t msgsz);
/* A string key: 1 and *s, 0 when absent (or null or ""), -1 wrong type. */
int jm_get_str(json_object *o, const char *key, const char **s, size_t *len);
/* An ID number given as a JSON number (digits lost): "ID_NOT_STRING", and
 * why in msg, the same words from every program. */
const char *jm_id_not_string(const char *key, char *msg, size_t msgsz);

#endif
