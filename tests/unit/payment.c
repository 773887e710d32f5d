/* payment.c - unit tests: the request hash journals keep, held to the
 * formula it was first made with (snprintf, cut at 255 bytes); the small
 * formatters that replaced printf on the paths run per record */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../common/payment.h"
#include "../../common/util.h"
#include "tap.h"

/* The hash as jm 0.1.0 computed it. */
static void
reference(const char *person, int year, const char *item, const char *kind,
    int64_t grade, int64_t amount, const char *channel, const char *account,
    char out[24])
{
	char buf[256];
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	snprintf(buf, sizeof buf, "%s|%d|%s|%s|%" PRId64 "|%s|%s", person, year,
	    item, kind, amount, channel, account ? account : "");
	if (grade > 0)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		    "|%" PRId64, grade);
	for (i = 0; buf[i]; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	snprintf(out, 24, "%016" PRIx64, h);
}

static void
same(const char *person, int year, const char *item, const char *kind,
    int64_t grade, int64_t amount, const char *channel, const char *account)
{
	char a[24], b[24];

	jm_pay_hash(person, year, item, kind, grade, amount, channel, account,
	    a);
	reference(person, year, item, kind, grade, amount, channel, account, b);
	is(a, b, "jm_pay_hash as it was");
}

int
main(void)
{
	char big[400], buf[24], hex[17];
	static const unsigned char d[] = {0x00, 0x0f, 0xa5, 0xff};
	size_t i;

	same("34020200000001", 2026, "medical", "daily", 0, 40000, "alipay",
	    NULL);
	same("34020200000001", 2026, "pension", "daily", 300000, 300000,
	    "family", "340202194201020009");
	same("", 0, "", "", 0, 0, "", "");
	same("x", -1, "medical", "special", -5, -1, "bank", NULL);
	same("x", 2026, "medical", "daily", 1, INT64_MAX, "bank", NULL);
	for (i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof big - 1] = '\0';
	/* cut at 255 bytes, the grade's part too */
	same(big, 2026, "medical", "daily", 0, 40000, "alipay", NULL);
	same(big + 160, 2026, "pension", "daily", 123456, 40000, "alipay",
	    big + 300);
	same("p", 2026, "pension", "daily", 123456, 40000, "alipay",
	    big + 160);

	is(jm_i64(0, buf), "0", "jm_i64 0");
	is(jm_i64(-42, buf), "-42", "jm_i64 -42");
	is(jm_i64(INT64_MIN, buf), "-9223372036854775808", "jm_i64 min");
	is(jm_i64(INT64_MAX, buf), "9223372036854775807", "jm_i64 max");
	is(jm_hex(d, sizeof d, hex), "000fa5ff", "jm_hex");
	is(jm_strlcpy(buf, "abcdef", 4), "abc", "jm_strlcpy cuts");
	is(jm_strlcpy(buf, "ab", sizeof buf), "ab", "jm_strlcpy copies");
	return tap_done();
}
