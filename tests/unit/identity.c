/* identity.c - unit tests: ID numbers, names, phones, masking, regions */
#include <stdlib.h>

#include "../../common/identity.h"
#include "../../common/region.h"
#include "tap.h"

static const char *
code(const char *s, enum jm_id_type t)
{
	struct jm_date today = {2026, 11, 27};
	struct jm_id id;
	char msg[256];

	return jm_id_check(s, strlen(s), t, today, &id, msg, sizeof msg);
}

static void
valid_ids(void)
{
	static const char *const good[] = {
		"11010519491231002X",	/* the standard's own example */
		"11010519491231002x", "341122199003070017",
		"34112219650818004X", "340202198801010021",
		"341421199003070017",	/* retired 巢湖 address code */
		"320102199003070017", "110101200002290018",
		"650102188001010013",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(code(good[i], JM_ID_RESIDENT) == NULL, "valid: %s", good[i]);
}

static void
invalid_ids(void)
{
	static const struct { const char *id, *code; } bad[] = {
		{"", "ID_LENGTH"}, {"34112219900307001", "ID_LENGTH"},
		{"3411221990030700171", "ID_LENGTH"},
		{"341122199003070017 ", "ID_LENGTH"},
		{"34112219900307001A", "ID_CHARS"},
		{"X41122199003070017", "ID_CHARS"},
		{"3411221990030700X7", "ID_CHARS"},
		{"３41122199003070017", "ID_LENGTH"},
		{"001122199003070014", "ID_ADDRESS"},
		{"991122199003070011", "ID_ADDRESS"},
		{"341122199013070010", "ID_BIRTH_DATE"},
		{"341122199002300012", "ID_BIRTH_DATE"},
		{"341122190002290016", "ID_BIRTH_DATE"},
		{"341122209912310010", "ID_BIRTH_DATE"},
		{"341122202611280019", "ID_BIRTH_DATE"},
		{"341122187912310013", "ID_BIRTH_DATE"},
		{"341122199003070018", "ID_CHECKSUM"},
		{"11010519491231002Y", "ID_CHARS"},
		{"110105194912310021", "ID_CHECKSUM"},
		{"3.41122E+17", "ID_SPREADSHEET"},
		{"3.41122199003070E+17", "ID_SPREADSHEET"},
		{"341122199003070000", "ID_SPREADSHEET"},
		{"34112219900307e017", "ID_CHARS"},
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is(code(bad[i].id, JM_ID_RESIDENT), bad[i].code, bad[i].id);
}

static void
check_chars(void)
{
	static const char *const d17[] = {"11010519491231002",
	    "34112219900307001", "34112219650818004", "34020219880101002"};
	static const char want[] = "X7X1";
	struct jm_date today = {2026, 11, 27};
	struct jm_id id;
	char msg[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		char c = jm_id_check_char(d17[i]);

		ok(c == want[i], "check character of %s is %c", d17[i],
		    want[i]);
	}
	jm_id_check("34112219650818004x", 18, JM_ID_RESIDENT, today, &id,
	    msg, sizeof msg);
	is(id.no, "34112219650818004X", "lower-case x is written as X");
	ok(id.male == 0, "sequence digit 4 is female");
	jm_id_check("341122199003070017", 18, JM_ID_RESIDENT, today, &id,
	    msg, sizeof msg);
	ok(id.male == 1, "sequence digit 1 is male");
	ok(id.birth.y == 1990 && id.birth.m == 3 && id.birth.d == 7,
	    "birth date read from the ID");
}

static void
other_documents(void)
{
	is(code("810000199001010019", JM_ID_HMT), NULL, "Hong Kong permit");
	is(code("341122199003070017", JM_ID_HMT), "ID_ADDRESS",
	    "a resident ID is not a permit");
	is(code("934156199001010017", JM_ID_FOREIGN), NULL,
	    "2023 permanent residence ID");
	is(code("900000199001010010", JM_ID_FOREIGN), "ID_ADDRESS",
	    "2023 form needs a province after the 9");
	is(code("USA110090010101", JM_ID_FOREIGN), NULL,
	    "2017 permanent residence ID");
	is(code("US1110090010101", JM_ID_FOREIGN), "ID_CHARS",
	    "2017 form is 3 letters and 12 digits");
}

static void
names(void)
{
	static const struct { const char *n, *code; int t; } v[] = {
		{"示例一", NULL, 0}, {"王五", NULL, 0},
		{"阿依古丽·买买提", NULL, 0}, {"王", "NAME_INVALID", 0},
		{"", "NAME_INVALID", 0}, {"·王五", "NAME_INVALID", 0},
		{"王五·", "NAME_INVALID", 0}, {"王··五", "NAME_INVALID", 0},
		{"王5", "NAME_INVALID", 0}, {"John Smith", "NAME_INVALID", 0},
		{"John Smith", NULL, JM_ID_FOREIGN},
		{"Robert'); DROP TABLE person;--", "NAME_INVALID", 0},
		{"王 五", "NAME_INVALID", 0},
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
		    NULL, 0},
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
		    "NAME_INVALID", 0},
		{"\xe7\x8e", "NAME_INVALID", 0},
		{"𠀀𠀁", NULL, 0},
	};
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		is(jm_name_check(v[i].n, strlen(v[i].n), v[i].t, msg,
		    sizeof msg), v[i].code, v[i].n);
}

static void
masking(void)
{
	char buf[40];

	is(jm_mask_id("341122199003070017", buf), "3411**********0017",
	    "first 4 and last 4 shown");
	is(jm_mask_id("34112219900307001", buf), "3411*********7001",
	    "17 characters");
	is(jm_mask_id("12345", buf), "*****", "short values fully masked");
	is(jm_mask_id("34112219900307001734112219900307001799", buf),
	    "3411**********1799", "long values keep 10 stars");
	ok(jm_phone_ok("13800000000"), "mobile number");
	ok(!jm_phone_ok("12800000000"), "no mobile prefix 12");
	ok(!jm_phone_ok("1380000000"), "10 digits");
	ok(!jm_phone_ok("1380000000a"), "letter in number");
}

static void
regions(void)
{
	char msg[256];

	is(jm_region_check("341122", msg, sizeof msg), NULL, "来安县");
	is(jm_region_check("340181", msg, sizeof msg), NULL, "巢湖市 (now)");
	is(jm_region_check("340100", msg, sizeof msg), "REGION_TOO_BROAD",
	    "合肥市 as a whole");
	is(jm_region_check("340000", msg, sizeof msg), "REGION_TOO_BROAD",
	    "the province");
	is(jm_region_check("320102", msg, sizeof msg), "REGION_NOT_ANHUI",
	    "南京");
	is(jm_region_check("341421", msg, sizeof msg), "REGION_UNKNOWN",
	    "retired 庐江县 code");
	ok(strstr(msg, "340124") != NULL, "retired code names its successor");
	is(jm_region_check("340176", msg, sizeof msg), "REGION_UNKNOWN",
	    "development zones are not divisions");
	is(jm_region_check("349999", msg, sizeof msg), "REGION_UNKNOWN",
	    "no such county");
	is(jm_region_check("991122", msg, sizeof msg), "REGION_UNKNOWN",
	    "no such province");
	is(jm_region_check("34112", msg, sizeof msg), "REGION_UNKNOWN",
	    "five digits");
	ok(jm_region_city("341122") != NULL &&
	    strcmp(jm_region_city("341122")->name, "滁州市") == 0,
	    "341122 is in 滁州市");
}

int
main(void)
{
	valid_ids();
	invalid_ids();
	check_chars();
	other_documents();
	names();
	masking();
	regions();
	return tap_done();
}
