/* tap.h - a tiny TAP producer for the C unit tests */
#ifndef JM_TAP_H
#define JM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_fail;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is(got, want, ...) \
	tap_is((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static void
tap_ok(int c, const char *f, int l, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
tap_ok(int c, const char *f, int l, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", c ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!c) {
		tap_fail++;
		printf("#   failed at %s:%d\n", f, l);
	}
}

static void
tap_is(const char *got, const char *want, const char *f, int l,
    const char *what) __attribute__((unused));
static void
tap_is(const char *got, const char *want, const char *f, int l,
    const char *what)
{
	int c = (got == NULL && want == NULL) ||
	    (got && want && strcmp(got, want) == 0);

	tap_ok(c, f, l, "%s", what);
	if (!c)
		printf("#   got '%s', want '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail != 0;
}

#endif
