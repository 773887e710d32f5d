/* policy.h - the policy rules as data: share/policy/ and policy.d/ */
#ifndef JM_POLICY_H
#define JM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define JM_POLICY_MAX_SIZE (1024 * 1024)	/* bytes in one table file */

struct jm_policy;

struct jm_waiting {
	int from_year;
	int fixed_months, per_break_year, per_arrears_year;
	int long_break_years, long_break_min_months;
	int late_months;	/* the rule before 2025: late payers wait */
	int newborn_exempt;
	const char *source;
};

/* The tables of share/policy and policy.d, loaded once; dies when one is
 * malformed, naming the file and the entry. */
const struct jm_policy *jm_policy(void);
/* Parse one table (for tests and fuzzing); NULL with a message. */
struct jm_policy *jm_policy_parse(struct jm_policy *into, const char *text,
    size_t len, const char *name, char *msg, size_t msgsz);
void jm_policy_free(struct jm_policy *);

/* The individual standard for a person; -1 when the table does not know. */
int jm_policy_standard(const struct jm_policy *, int year, const char *region,
    const char *category, int64_t *fen, const char **source);
/* What an aid group pays; -1 (POLICY_UNKNOWN) when the table does not know.
 * age is the person's age on 1 January of the coverage year. */
int jm_policy_aid(const struct jm_policy *, int year, const char *region,
    const char *group, const char *category, int age, int64_t standard,
    int64_t *pay, const char **source);
/* The collection window of year (2000 to 2100, as the callers check) for
 * region (a published one, else the documented default); returns 1 when
 * published, 0 for the default. */
int jm_policy_window(const struct jm_policy *, int year, const char *region,
    struct jm_date *opens, struct jm_date *closes);
/* The waiting-period rule in force for a coverage year, or NULL. */
const struct jm_waiting *jm_policy_waiting(const struct jm_policy *, int year);
/* Days after birth within which a newborn is covered from birth. */
int jm_policy_newborn_days(const struct jm_policy *);

/* The resident pension (城乡居民基本养老保险): who is enrolled, by the age
 * reached in the coverage year and the category. */
struct jm_pension_who {
	int from_year, min_age, max_age;
	const char *excluded[8];	/* categories not enrolled; NULL ends */
	const char *source;
};
const struct jm_pension_who *jm_policy_pension_who(const struct jm_policy *,
    int year);
/* The grades (缴费档次) offered in a region for a year, ascending, in fen:
 * how many, or -1 when the tables do not know. */
int jm_policy_grades(const struct jm_policy *, int year, const char *region,
    const int64_t **fen, const char **source);
/* The subsidy credited for a year's total: 0 by the city's (or county's)
 * table, 1 by the provincial minimum (no local table), -1 unknown. */
int jm_policy_subsidy(const struct jm_policy *, int year, const char *region,
    int64_t total, int64_t *fen, const char **source);
/* The grade a county pays for a hardship group (代缴): 0, or -1 when the
 * group has none. */
int jm_policy_hardship(const struct jm_policy *, int year, const char *group,
    int64_t *grade, const char **source);
/* The collection of a coverage year: during the year itself. */
void jm_policy_pension_window(const struct jm_policy *, int year,
    struct jm_date *opens, struct jm_date *closes);

#endif
