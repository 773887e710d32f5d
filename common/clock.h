/* clock.h - the platform's clock (JM_NOW, JM_TODAY) in China Standard Time */
#ifndef JM_CLOCK_H
#define JM_CLOCK_H

#include <time.h>

#define JM_CST_OFFSET (8 * 3600)

/* A civil date. */
struct jm_date {
	int y, m, d;
};

/* Dies (exit 2) when JM_NOW or JM_TODAY is malformed. */
void jm_clock_check(void);
/* Now, as seconds since the epoch: JM_NOW, JM_TODAY + time of day, or real. */
time_t jm_now(void);
/* For this thread, a clock like JM_NOW or JM_TODAY (both NULL: none);
 * -1 when malformed. jm-sandbox --test-clock uses it per request. */
int jm_clock_override(const char *now, const char *today);
/* Today's date in China Standard Time. */
struct jm_date jm_today(void);
/* The date in CST of an instant. */
struct jm_date jm_date_of(time_t);
/* RFC 3339 in +08:00 into buf (at least 32 bytes). */
char *jm_rfc3339(time_t, char *buf);
/* Parse RFC 3339 (any offset, Z); -1 on error. */
int jm_parse_rfc3339(const char *, time_t *);
/* Parse YYYY-MM-DD (a real calendar date); -1 on error. */
int jm_parse_date(const char *, struct jm_date *);
/* YYYY-MM-DD into buf (at least 11 bytes). */
char *jm_date_str(struct jm_date, char *buf);
int jm_date_valid(int y, int m, int d);
int jm_date_cmp(struct jm_date, struct jm_date);
/* Days since 1970-01-01 of a civil date, and back. */
long jm_days(struct jm_date);
struct jm_date jm_from_days(long);

#endif
