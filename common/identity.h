/* identity.h - ID numbers (GB 11643-1999 and permits), names, phones, masking */
#ifndef JM_IDENTITY_H
#define JM_IDENTITY_H

#include <stddef.h>

#include "clock.h"

enum jm_id_type {
	JM_ID_RESIDENT,		/* 居民身份证 */
	JM_ID_HMT,		/* 港澳台居民居住证 */
	JM_ID_FOREIGN,		/* 外国人永久居留身份证 */
};

struct jm_id {
	char no[19];		/* normalised: upper-case X */
	char addr[7];		/* address code, "" for the 2017 foreign form */
	struct jm_date birth;	/* y == 0 when the form carries none */
	int male;
};

/* Parse "resident", "hmt-permit", "foreign-permanent"; -1 if unknown. */
int jm_id_type_parse(const char *);
const char *jm_id_type_name(enum jm_id_type);

/*
 * Check an ID number in the order of DESIGN.md section 4: ID_SPREADSHEET,
 * ID_LENGTH, ID_CHARS, ID_ADDRESS, ID_BIRTH_DATE, ID_CHECKSUM. Returns NULL
 * and fills id, or the first failure's code with a message (no ID in it).
 */
const char *jm_id_check(const char *s, size_t len, enum jm_id_type type,
    struct jm_date today, struct jm_id *id, char *msg, size_t msgsz);
/* The ISO 7064 MOD 11-2 check character of 17 digits. */
char jm_id_check_char(const char *digits17);
/* "3411**********0017": first 4 and last 4 characters; out >= 32 bytes. */
char *jm_mask_id(const char *s, char *out);
/* Name of 2-30 characters: CJK and '·', or Latin for foreigners. */
const char *jm_name_check(const char *s, size_t len, enum jm_id_type type,
    char *msg, size_t msgsz);
/* Mainland mobile number: 11 digits, 1[3-9]. */
int jm_phone_ok(const char *s);

#endif
