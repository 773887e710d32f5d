/* util.h - allocation that dies on failure, messages, exit status */
#ifndef JM_UTIL_H
#define JM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A message in a context (msgctxt; xgettext's keyword NC_:1c,2), for a
 * word with two uses: YEAR a table's column, YEAR an option's argument. */
#define NC_(c, s) c "\004" s

#define JM_VERSION "0.1.0"
/* The page cache of the journal and the sandbox, a bound whatever the
 * roster's size. A million people's keys come in random order, yet 16 MiB
 * was no faster than 8 at that size (jm-register 10.9 and 10.6 s, jm-bind
 * 16.4 and 15.1 s, jm-quote 9.0 and 8.9 s): a page SQLite no longer holds
 * is read from the kernel's cache. 8 MiB is reached by 100,000 people
 * too, so that the peak RSS does not grow past them. */
#define JM_SQLITE_CACHE "PRAGMA cache_size = -8192"

/* Exit statuses of DESIGN.md section 5. */
enum {
	JM_EXIT_OK = 0,
	JM_EXIT_FAIL = 1,	/* some record could not be done */
	JM_EXIT_STOP = 2,	/* I/O error, internal error */
	JM_EXIT_USAGE = 64,
	JM_EXIT_TEMP = 75,	/* platform unreachable, outcome unknown */
};

extern const char *jm_prog;	/* "jm-register" */
extern int jm_quiet, jm_verbose;

void jm_init(const char *prog);
const char *jm_cgettext(const char *);	/* translates NC_ */
void *jm_malloc(size_t);
void *jm_calloc(size_t, size_t);
void *jm_realloc(void *, size_t);
char *jm_strdup(const char *);
char *jm_strndup(const char *, size_t);
/* s into buf of sz bytes, cut to sz - 1 (snprintf's "%s" without printf) */
char *jm_strlcpy(char *buf, const char *s, size_t sz);
/* n random bytes from the kernel's generator into buf, or the end */
void jm_random(void *buf, size_t n);
/* n bytes as 2n lower-case hex digits and a NUL, into out */
char *jm_hex(const unsigned char *d, size_t n, char *out);
/* v in decimal (printf's PRId64), into buf of 24; returns where it starts */
char *jm_i64(long long v, char buf[24]);
/* FNV-1a: the parts of a text hashed into h one after another, at most
 * *left more bytes of them (a text once printed into *left + 1 bytes is
 * hashed as it was); JM_FNV1A the hash of nothing */
#define JM_FNV1A 1469598103934665603ULL
uint64_t jm_fnv1a(uint64_t h, const char *s, size_t *left);
/* v as 16 lower-case hex digits, the most significant first, and a NUL */
char *jm_hex64(uint64_t v, char out[17]);
char *jm_asprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Tests kill a program at a named point of its work: JM_TEST_KILL_AT=POINT,
 * or POINT:N in the N-th batch. Nothing of it runs unless it is set. */
void jm_kill_point(const char *point, long batch);

void jm_die(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Stop with another status than 2: 75 when the platform is unreachable. */
void jm_die_status(int status, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void jm_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void jm_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void jm_errmsg(const char *, ...) __attribute__((format(printf, 1, 2)));

void jm_exit_note(int status);
int jm_exit_status(void);
int jm_finish(void);

/* Growable byte buffer. */
struct jm_buf {
	char *s;
	size_t len, cap;
};
/* Room for n more bytes and a NUL: where they go (len is not moved). */
char *jm_buf_room(struct jm_buf *, size_t n);
void jm_buf_add(struct jm_buf *, const void *, size_t);
void jm_buf_puts(struct jm_buf *, const char *);
void jm_buf_printf(struct jm_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void jm_buf_free(struct jm_buf *);

#endif
