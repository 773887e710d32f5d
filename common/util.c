/* util.c - allocation that dies on failure, messages, exit status */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "paths.h"
#include "util.h"

const char *jm_prog = "jm";
int jm_quiet, jm_verbose;
static int exit_status;

/* The locale the environment names for a category, as setlocale(3)
 * would read it: LC_ALL, then the category's own variable, then LANG. */
static const char *
named(const char *category)
{
	const char *v[] = {getenv("LC_ALL"), getenv(category), getenv("LANG")};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] && *v[i])
			return v[i];
	return "C";
}

/* Whether the environment leaves messages in the C locale, C.UTF-8
 * included, with no LANGUAGE list that gettext would still follow under
 * C.UTF-8. Then jm translates nothing, and loading the locale (the
 * archive, the alias file, C.utf8's tables: 29 system calls, an
 * eighth of a start here) would change nothing jm does: the characters
 * of LC_CTYPE serve only to convert a translation, and jm classifies
 * characters as ASCII bytes (isdigit on an ID number) whatever the
 * locale. */
static int
untranslated(void)
{
	const char *m = named("LC_MESSAGES"), *lang = getenv("LANGUAGE");

	if (!strcmp(m, "C") || !strcmp(m, "POSIX"))
		return 1;
	return !strncmp(m, "C.", 2) && !(lang && *lang);
}

void
jm_init(const char *prog)
{
	jm_prog = prog;
	/* Every file jm writes holds personal data: private by default. */
	umask(077);
	/* What jm uses of the locale: messages, and the characters gettext
	 * converts them to. Numbers stay C ("%.1f" writes a point whatever
	 * LANG says), and the categories jm has no use for are not loaded at
	 * every start; nor are these two when no catalog could be chosen. */
	if (untranslated())
		return;
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	bindtextdomain("jm", jm_locale_dir());
	textdomain("jm");
}

/* gettext hands back the very string it was given when it has no
 * translation: then the text after the context. */
const char *
jm_cgettext(const char *msg)
{
	const char *t = gettext(msg);

	return t != msg ? t : strchr(msg, '\004') + 1;
}

static void
oom(void)
{
	fprintf(stderr, "%s: %s\n", jm_prog, strerror(ENOMEM));
	exit(JM_EXIT_STOP);
}

void *
jm_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
jm_calloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void *
jm_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *
jm_strdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *
jm_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *
jm_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", jm_prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
jm_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	exit(JM_EXIT_STOP);
}

void
jm_die_status(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	exit(status);
}

/* An error that does not stop the program: always shown, even under -q. */
void
jm_errmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
jm_warn(const char *fmt, ...)
{
	va_list ap;

	if (jm_quiet)
		return;
	va_start(ap, fmt);
	vmsg(_("warning: "), fmt, ap);
	va_end(ap);
}

void
jm_info(const char *fmt, ...)
{
	va_list ap;

	if (!jm_verbose)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* Several statuses may apply: 2 beats 75 beats 1 beats 0. */
static int
rank(int st)
{
	switch (st) {
	case JM_EXIT_STOP:
		return 4;
	case JM_EXIT_USAGE:
		return 3;
	case JM_EXIT_TEMP:
		return 2;
	case JM_EXIT_FAIL:
		return 1;
	default:
		return 0;
	}
}

void
jm_exit_note(int st)
{
	if (rank(st) > rank(exit_status))
		exit_status = st;
}

int
jm_exit_status(void)
{
	return exit_status;
}

/* Close stdout and report a write error (a full disk) as exit 2. */
int
jm_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, "%s: %s: %s\n", jm_prog, _("write error"),
		    strerror(errno ? errno : EIO));
		return JM_EXIT_STOP;
	}
	return exit_status;
}

char *
jm_strlcpy(char *buf, const char *s, size_t sz)
{
	size_t n = strnlen(s, sz - 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* n bytes of the kernel's random generator into buf, or the end. */
static void
fill(unsigned char *buf, size_t n)
{
	ssize_t got;

	while (n)
		if ((got = getrandom(buf, n, 0)) > 0) {
			buf += got;
			n -= (size_t)got;
		} else if (got < 0 && errno != EINTR)
			jm_die(_("no random numbers: %s"), strerror(errno));
}

/* Random bytes from the kernel's generator, drawn a pool at a time: a
 * payment takes two draws (its idempotency key, the sandbox's transaction
 * id), and a system call costs 5 to 10 microseconds in a VM, a tenth of
 * a payment's time. Each thread has its own pool, and a byte handed out
 * is wiped from it. jm never forks, so no child hands out the same. */
void
jm_random(void *buf, size_t n)
{
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t left;
	unsigned char *out = buf, *from;
	size_t k;

	for (; n; n -= k, out += k, left -= k) {
		if (!left) {
			fill(pool, sizeof pool);
			left = sizeof pool;
		}
		k = n < left ? n : left;
		from = pool + sizeof pool - left;
		memcpy(out, from, k);
		explicit_bzero(from, k);
	}
}

char *
jm_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

uint64_t
jm_fnv1a(uint64_t h, const char *s, size_t *left)
{
	for (; *s && *left; s++, (*left)--)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

char *
jm_hex64(uint64_t v, char out[17])
{
	unsigned char be[8];
	int i;

	for (i = 0; i < 8; i++)
		be[i] = (unsigned char)(v >> (56 - 8 * i));
	return jm_hex(be, sizeof be, out);
}

char *
jm_i64(long long v, char buf[24])
{
	char *p = buf + 23;
	unsigned long long u = v < 0 ? -(unsigned long long)v :
	    (unsigned long long)v;

	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}

char *
jm_buf_room(struct jm_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = jm_realloc(b->s, cap);
		b->cap = cap;
	}
	return b->s + b->len;
}

void
jm_buf_add(struct jm_buf *b, const void *p, size_t n)
{
	memcpy(jm_buf_room(b, n), p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
jm_buf_puts(struct jm_buf *b, const char *s)
{
	jm_buf_add(b, s, strlen(s));
}

void
jm_buf_printf(struct jm_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	jm_buf_add(b, s, (size_t)n);
	free(s);
}

void
jm_buf_free(struct jm_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
jm_kill_point(const char *point, long batch)
{
	const char *at = getenv("JM_TEST_KILL_AT");
	size_t n = strlen(point);

	if (!at || strncmp(at, point, n) != 0)
		return;
	if (at[n] == ':' ? atol(at + n + 1) == batch : at[n] == '\0')
		raise(SIGKILL);
}
