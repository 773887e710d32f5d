/* clock.c - the platform's clock (JM_NOW, JM_TODAY) in China Standard Time */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "clock.h"
#include "util.h"

int
jm_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Howard Hinnant's days_from_civil. */
long
jm_days(struct jm_date dt)
{
	long y = dt.y - (dt.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct jm_date
jm_from_days(long z)
{
	struct jm_date dt;
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dt.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	dt.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	dt.y = (int)(yoe + era * 400 + (dt.m <= 2));
	return dt;
}

int
jm_date_cmp(struct jm_date a, struct jm_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
parse_ymd(const char *s, struct jm_date *dt)
{
	if (digits(s, 4, &dt->y) || s[4] != '-' || digits(s + 5, 2, &dt->m) ||
	    s[7] != '-' || digits(s + 8, 2, &dt->d))
		return -1;
	return jm_date_valid(dt->y, dt->m, dt->d) ? 0 : -1;
}

int
jm_parse_date(const char *s, struct jm_date *dt)
{
	if (strlen(s) != 10)
		return -1;
	return parse_ymd(s, dt);
}

int
jm_parse_rfc3339(const char *s, time_t *t)
{
	struct jm_date dt;
	int hh, mm, ss, oh, om, sign;
	const char *p;

	if (strlen(s) < 20 || parse_ymd(s, &dt) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm) ||
	    s[16] != ':' || digits(s + 17, 2, &ss) || hh > 23 || mm > 59 ||
	    ss > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		oh = om = 0;
		sign = 1;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    !digits(p + 1, 2, &oh) && p[3] == ':' && !digits(p + 4, 2, &om) &&
	    oh <= 23 && om <= 59) {
		sign = *p == '-' ? -1 : 1;
	} else
		return -1;
	*t = (time_t)jm_days(dt) * 86400 + hh * 3600 + mm * 60 + ss -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

/* A malformed JM_NOW or JM_TODAY stops the program, even when unused. */
void
jm_clock_check(void)
{
	const char *now = getenv("JM_NOW"), *today = getenv("JM_TODAY");
	struct jm_date dt;
	time_t t;

	if (now && *now && jm_parse_rfc3339(now, &t) < 0)
		jm_die(_("JM_NOW: '%s' is not an RFC 3339 time such as "
		    "2025-10-20T09:30:00+08:00"), now);
	if (today && *today && jm_parse_date(today, &dt) < 0)
		jm_die(_("JM_TODAY: '%s' is not a date such as 2025-10-20"),
		    today);
}

/* The clock a served request brings (jm-sandbox --test-clock), for the
 * thread that handles it. */
static __thread int over;
static __thread time_t over_frozen;
static __thread long over_shift;

int
jm_clock_override(const char *now, const char *today)
{
	struct jm_date dt;
	time_t t = time(NULL);

	over = 0;
	if (now && *now) {
		if (jm_parse_rfc3339(now, &over_frozen) < 0)
			return -1;
		over = 2;
	} else if (today && *today) {
		if (jm_parse_date(today, &dt) < 0)
			return -1;
		over_shift = (jm_days(dt) - jm_days(jm_date_of(t))) * 86400L;
		over = 1;
	}
	return 0;
}

time_t
jm_now(void)
{
	static int have;
	static time_t frozen;
	static long shift;
	const char *now, *today;
	struct jm_date dt;
	time_t real = time(NULL);

	if (over)
		return over == 2 ? over_frozen : real + over_shift;
	if (!have) {
		have = 1;
		now = getenv("JM_NOW");
		today = getenv("JM_TODAY");
		if (now && *now) {
			if (jm_parse_rfc3339(now, &frozen) < 0)
				jm_die(_("JM_NOW: '%s' is not an RFC 3339 "
				    "time such as 2025-10-20T09:30:00+08:00"),
				    now);
			have = 2;
		} else if (today && *today) {
			if (jm_parse_date(today, &dt) < 0)
				jm_die(_("JM_TODAY: '%s' is not a date such "
				    "as 2025-10-20"), today);
			/* keep the real time of day, in CST */
			shift = (jm_days(dt) - jm_days(jm_date_of(real))) *
			    86400L;
		}
	}
	if (have == 2)
		return frozen;
	return real + shift;
}

struct jm_date
jm_date_of(time_t t)
{
	long s = (long)t + JM_CST_OFFSET;
	long days = s >= 0 ? s / 86400 : (s - 86399) / 86400;

	return jm_from_days(days);
}

struct jm_date
jm_today(void)
{
	return jm_date_of(jm_now());
}

/* Digits by hand: these two run for every record, where snprintf's
 * format parsing was a tenth of a registration's cost. */
static char *
put_digits(char *p, unsigned v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

char *
jm_date_str(struct jm_date dt, char *buf)
{
	char *p = buf;

	if (dt.y < 0 || dt.y > 9999 || dt.m < 0 || dt.m > 99 || dt.d < 0 ||
	    dt.d > 99) {
		snprintf(buf, 11, "%04d-%02d-%02d", dt.y, dt.m, dt.d);
		return buf;
	}
	p = put_digits(p, (unsigned)dt.y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)dt.m, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)dt.d, 2);
	*p = '\0';
	return buf;
}

char *
jm_rfc3339(time_t t, char *buf)
{
	long s = (long)t + JM_CST_OFFSET;
	long days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	long sec = s - days * 86400;
	struct jm_date dt = jm_from_days(days);
	char *p = buf;

	dt.y %= 10000;
	if (dt.y < 0) {
		snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", dt.y,
		    dt.m, dt.d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60));
		return buf;
	}
	p = jm_date_str(dt, p) + 10;
	*p++ = 'T';
	p = put_digits(p, (unsigned)(sec / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(sec / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(sec % 60), 2);
	memcpy(p, "+08:00", 7);
	return buf;
}
