/* region.c - GB/T 2260 division codes, loaded from share/regions.tsv */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "region.h"
#include "util.h"

static struct jm_region *table;
static size_t ntable;

static enum jm_region_level
level_of(const char *s)
{
	if (strcmp(s, "province") == 0)
		return JM_REGION_PROVINCE;
	if (strcmp(s, "permit") == 0)
		return JM_REGION_PERMIT;
	if (strcmp(s, "city") == 0)
		return JM_REGION_CITY;
	if (strcmp(s, "county") == 0)
		return JM_REGION_COUNTY;
	return JM_REGION_RETIRED;
}

static void
add_line(char *line)
{
	char *f[4] = {0}, *p = line;
	struct jm_region *r;
	int i;

	for (i = 0; i < 4 && p; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')))
			*p++ = '\0';
	}
	if (!f[2] || (strlen(f[0]) != 2 && strlen(f[0]) != 6))
		return;
	table = jm_realloc(table, (ntable + 1) * sizeof *table);
	r = &table[ntable++];
	strcpy(r->code, f[0]);
	r->level = level_of(f[1]);
	r->name = jm_strdup(f[2]);
	r->note = jm_strdup(f[3] ? f[3] : "");
}

static void
load(void)
{
	char *path = jm_share_path("regions.tsv"), *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (!(f = fopen(path, "r")))
		jm_die("%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[0] != '#')
			add_line(line);
	}
	if (ferror(f) || ntable == 0)
		jm_die(_("%s: no division codes could be read"), path);
	fclose(f);
	free(line);
	free(path);
}

static int
by_code(const void *a, const void *b)
{
	return strcmp(((const struct jm_region *)a)->code,
	    ((const struct jm_region *)b)->code);
}

/* Every record asks: a binary search of the table, sorted once. */
const struct jm_region *
jm_region_get(const char *code)
{
	struct jm_region key;

	if (!table) {
		load();
		qsort(table, ntable, sizeof *table, by_code);
	}
	if (strlen(code) >= sizeof key.code)
		return NULL;
	memcpy(key.code, code, strlen(code) + 1);
	return bsearch(&key, table, ntable, sizeof *table, by_code);
}

const struct jm_region *
jm_region_city(const char *code)
{
	char c[7];

	if (strlen(code) != 6)
		return NULL;
	memcpy(c, code, 4);
	memcpy(c + 4, "00", 3);
	return jm_region_get(c);
}

static int
six_digits(const char *s)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[6] == '\0';
}

const char *
jm_region_check(const char *code, char *msg, size_t sz)
{
	const struct jm_region *r, *p;
	char prov[3];

	if (!six_digits(code)) {
		snprintf(msg, sz, _("region '%s' is not a six-digit division "
		    "code"), code);
		return "REGION_UNKNOWN";
	}
	jm_strlcpy(prov, code, sizeof prov);
	if (strcmp(prov, "34") != 0) {
		p = jm_region_get(prov);
		if (!p || p->level != JM_REGION_PROVINCE) {
			snprintf(msg, sz, _("region %s is not a division code "
			    "of China"), code);
			return "REGION_UNKNOWN";
		}
		snprintf(msg, sz, _("region %s is in %s, not Anhui: jm pays "
		    "Anhui's resident insurance"), code, p->name);
		return "REGION_NOT_ANHUI";
	}
	if (strcmp(code, "340000") == 0) {
		snprintf(msg, sz, _("region 340000 is the whole province: give "
		    "the county or district, e.g. 341122"));
		return "REGION_TOO_BROAD";
	}
	r = jm_region_get(code);
	if (r && r->level == JM_REGION_COUNTY)
		return NULL;
	if (r && r->level == JM_REGION_CITY) {
		snprintf(msg, sz, _("region %s is %s as a whole: give its "
		    "county or district code"), code, r->name);
		return "REGION_TOO_BROAD";
	}
	if (r && r->level == JM_REGION_RETIRED && isdigit((unsigned char)
	    r->note[0])) {
		snprintf(msg, sz, _("region %s (%s) is a retired code: it is "
		    "now %s"), code, r->name, r->note);
		return "REGION_UNKNOWN";
	}
	if (r && r->level == JM_REGION_RETIRED) {
		snprintf(msg, sz, _("region %s (%s) is a retired code"), code,
		    r->name);
		return "REGION_UNKNOWN";
	}
	snprintf(msg, sz, _("region %s is not a current division of Anhui"),
	    code);
	return "REGION_UNKNOWN";
}
