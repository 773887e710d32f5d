/* region.h - GB/T 2260 division codes: provinces of China, Anhui's counties */
#ifndef JM_REGION_H
#define JM_REGION_H

#include <stddef.h>

enum jm_region_level {
	JM_REGION_PROVINCE,
	JM_REGION_PERMIT,	/* 83: Taiwan residents' residence permits */
	JM_REGION_CITY,
	JM_REGION_COUNTY,
	JM_REGION_RETIRED,
};

struct jm_region {
	char code[7];
	enum jm_region_level level;
	const char *name;
	const char *note;	/* retired: the code that replaced it */
};

/* A division by its code (2 digits for a province, else 6); NULL if none. */
const struct jm_region *jm_region_get(const char *code);
/* The city (prefecture) a six-digit Anhui code belongs to. */
const struct jm_region *jm_region_city(const char *code);
/*
 * Check that code is a current county-level Anhui division for enrolment.
 * Returns NULL, or an error code (REGION_UNKNOWN, REGION_NOT_ANHUI,
 * REGION_TOO_BROAD) with a message in msg.
 */
const char *jm_region_check(const char *code, char *msg, size_t msgsz);

#endif
