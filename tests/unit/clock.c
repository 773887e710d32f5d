/* clock.c - unit tests: civil dates, RFC 3339, the platform's clock */
#include <stdlib.h>

#include "../../common/clock.h"
#include "../../common/utf8.h"
#include "tap.h"

static void
dates(void)
{
	struct jm_date d, e;
	long z;
	int bad = 0;
	char buf[32];

	for (z = -700000; z < 2900000; z += 7) {
		d = jm_from_days(z);
		if (jm_days(d) != z || !jm_date_valid(d.y, d.m, d.d))
			bad++;
	}
	ok(bad == 0, "days and civil dates round-trip from year 54 to 9909");
	ok(jm_date_valid(2024, 2, 29) && !jm_date_valid(2023, 2, 29) &&
	    jm_date_valid(2000, 2, 29) && !jm_date_valid(1900, 2, 29),
	    "leap years");
	ok(jm_parse_date("2025-12-31", &d) == 0 && d.y == 2025 && d.m == 12 &&
	    d.d == 31, "parse a date");
	ok(jm_parse_date("2025-02-30", &d) < 0, "no 30 February");
	ok(jm_parse_date("2025-1-01", &d) < 0, "two-digit months");
	ok(jm_parse_date("2025-01-011", &d) < 0, "nothing after the day");
	jm_parse_date("2025-09-01", &d);
	jm_parse_date("2025-12-31", &e);
	ok(jm_days(e) - jm_days(d) == 121, "days between two dates");
	is(jm_date_str(d, buf), "2025-09-01", "format a date");
}

static void
times(void)
{
	char buf[32];
	time_t t;

	ok(jm_parse_rfc3339("2025-10-20T09:30:00+08:00", &t) == 0 &&
	    t == 1760923800, "parse +08:00");
	ok(jm_parse_rfc3339("2025-10-20T01:30:00Z", &t) == 0 &&
	    t == 1760923800, "parse Z");
	ok(jm_parse_rfc3339("2025-10-20T01:30:00.125Z", &t) == 0,
	    "fractions of a second");
	ok(jm_parse_rfc3339("2025-10-20 09:30", &t) < 0, "seconds needed");
	ok(jm_parse_rfc3339("2025-10-20T25:30:00Z", &t) < 0, "hour 25");
	is(jm_rfc3339(1760923800, buf), "2025-10-20T09:30:00+08:00",
	    "format in China Standard Time");
	/* 2025-12-31T16:30Z is already 1 January in China */
	jm_parse_rfc3339("2025-12-31T16:30:00Z", &t);
	ok(jm_date_of(t).y == 2026 && jm_date_of(t).d == 1,
	    "the date is China's, not UTC's");
}

static void
clock_env(void)
{
	struct jm_date d;

	setenv("JM_TODAY", "2025-09-05", 1);
	d = jm_today();
	ok(d.y == 2025 && d.m == 9 && d.d == 5, "JM_TODAY sets the date");
}

static void
widths(void)
{
	ok(jm_utf8_width("示例一") == 6, "CJK characters are two columns");
	ok(jm_utf8_width("abc") == 3, "ASCII is one column");
	ok(jm_utf8_check("\xe7\xa4\xba", 3) == 3, "valid UTF-8");
	ok(jm_utf8_check("\xc0\xaf", 2) == 0, "overlong form rejected");
	ok(jm_utf8_check("\xed\xa0\x80", 3) == 0, "surrogate rejected");
	ok(jm_utf8_check("\xf4\x90\x80\x80", 4) == 0, "past U+10FFFF");
}

int
main(void)
{
	dates();
	times();
	clock_env();
	widths();
	return tap_done();
}
