/* retry.c - capped exponential backoff with full jitter */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "opts.h"
#include "retry.h"
#include "util.h"

#define BASE_MS 200
#define CAP_MS 5000

/* JM_RETRY_BASE_MS shortens the waits (tests). */
static long
base(void)
{
	const char *s = getenv("JM_RETRY_BASE_MS");
	long v = s && *s ? jm_parse_long(s, 0, 60000) : BASE_MS;

	if (v < 0)
		jm_die(_("JM_RETRY_BASE_MS: '%s' is not a number of "
		    "milliseconds"), s);
	return v;
}

long
jm_backoff_ms(int n, long retry_after_ms)
{
	long b = base(), cap = b * 25 < CAP_MS ? b * 25 : CAP_MS, top;
	unsigned int r = 0;

	top = b << (n < 16 ? n : 16);
	if (top > cap)
		top = cap;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (unsigned int)rand();
	top = top > 0 ? (long)(r % (unsigned long)(top + 1)) : 0;
	return top > retry_after_ms ? top : retry_after_ms;
}

void
jm_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}
