/* fuzz-identity.c - ID numbers, names, phones, regions and the masked form
 * of an ID number in messages (identity.c, region.c) */
#include "../../common/identity.h"
#include "../../common/region.h"
#include "fuzz.h"

static void
id_number(const char *s, size_t n, enum jm_id_type t)
{
	struct jm_date today = {2025, 10, 1};
	struct jm_id id;
	char msg[256];
	const char *e = jm_id_check(s, n, t, today, &id, msg, sizeof msg);

	if (e) {
		fuzz_utf8(msg, strlen(msg), "an ID message is not UTF-8");
		return;
	}
	if (strlen(id.no) == 15) {
		FUZZ_ASSERT(t == JM_ID_FOREIGN, "a 15-character ID passed");
		return;
	}
	FUZZ_ASSERT(strlen(id.no) == 18 && n == 18, "an ID not 18 long");
	FUZZ_ASSERT(jm_id_check_char(id.no) == id.no[17],
	    "an ID with a wrong check character passed");
	FUZZ_ASSERT(jm_date_valid(id.birth.y, id.birth.m, id.birth.d),
	    "an ID with a bad birth date passed");
}

static void
name(const char *s, size_t n, enum jm_id_type t)
{
	char msg[256];
	const char *e = jm_name_check(s, n, t, msg, sizeof msg);

	if (e) {
		fuzz_utf8(msg, strlen(msg), "a name message is not UTF-8");
		return;
	}
	fuzz_utf8(s, n, "a name that is not UTF-8 passed");
}

/* The masked form goes into messages and text output. */
static void
mask(const char *s)
{
	char *out = malloc(32);

	jm_mask_id(s, out);
	FUZZ_ASSERT(strlen(out) < 32, "a masked ID too long");
	fuzz_utf8(out, strlen(out), "a masked ID is not UTF-8");
	if (strlen(s) >= 18)
		FUZZ_ASSERT(strstr(out, "**********"),
		    "a masked ID shows its middle");
	free(out);
}

/* A region comes from a record or a roster: UTF-8 by then. */
static void
region(const char *s)
{
	char msg[256];
	const char *e = jm_region_check(s, msg, sizeof msg);

	if (!e)
		FUZZ_ASSERT(jm_region_get(s), "a region that is not known");
	else if (jm_utf8_check(s, strlen(s)) == strlen(s))
		fuzz_utf8(msg, strlen(msg), "a region message is not UTF-8");
	jm_region_city(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum jm_id_type t;
	char *s;

	if (size < 1)
		return 0;
	t = (enum jm_id_type)(data[0] % 3);
	s = jm_strndup((const char *)data + 1, size - 1);
	id_number((const char *)data + 1, size - 1, t);
	name((const char *)data + 1, size - 1, t);
	mask(s);
	if (strlen(s) == 6 || strlen(s) == 2)
		region(s);
	jm_phone_ok(s);
	jm_id_type_parse(s);
	free(s);
	return 0;
}
