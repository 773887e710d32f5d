/* fuzz-stream.c - the record stream: JSON Lines read from a file as every
 * program reads its inputs (lines.c, stream.c), then a person's keys checked
 * as jm-register checks them (person.c, identity.c, region.c) */
#include <json-c/json.h>

#include "../../common/jsonio.h"
#include "../../common/opts.h"
#include "../../common/person.h"
#include "../../common/stream.h"
#include "../../common/util.h"
#include "fuzz.h"

static const char *const codes[] = {"BAD_JSON", "NOT_OBJECT", "BAD_UTF8",
    "LINE_TOO_LONG", "TOO_DEEP", "DUPLICATE_KEY", NULL};

/* A record as written out is UTF-8 and reads back as the same object. */
static void
written(json_object *o)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	json_object *back = json_tokener_parse(s);

	size_t fn;
	const char *f = jm_json_text(o, &fn);

	FUZZ_ASSERT(fn == n && !memcmp(f, s, n),
	    "jm_json_text and json-c write a record differently");
	fuzz_utf8(s, n, "a record written out is not UTF-8");
	FUZZ_ASSERT(back && json_object_equal(o, back),
	    "a record written out does not read back");
	json_object_put(back);
}

/* A span read the fast way (jsonio.c) reads the same the slow way; what
 * the fast way refuses is left to the slow one, which explains. */
static void
same_both_ways(const char *s, size_t n, int flags)
{
	json_object *fast, *slow;
	char msg[256];
	size_t a, b;
	const char *ta, *tb;

	if (!(fast = jm_json_fast(s, n, flags)))
		return;
	slow = jm_json_parse_slow(s, n, msg, sizeof msg);
	FUZZ_ASSERT(slow, "the fast reader takes what the slow refuses");
	FUZZ_ASSERT(json_object_equal(fast, slow),
	    "the fast and slow readers read differently");
	ta = json_object_to_json_string_length(slow,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &b);
	tb = jm_json_text(fast, &a);
	FUZZ_ASSERT(a == b && !memcmp(ta, tb, a),
	    "the fast and slow readers keep keys in another order");
	json_object_put(fast);
	json_object_put(slow);
}

/* o written with its line's bytes (jm_json_text_raw) as without them */
static void
same_raw(json_object *o, const struct jm_raw *raw, const char *what)
{
	size_t a, b;
	char *t = jm_strdup(jm_json_text(o, &a));
	const char *r = jm_json_text_raw(o, raw, &b);

	FUZZ_ASSERT(a == b && !memcmp(t, r, a), what);
	free(t);
}

/* A record read with its line kept is written back the same, and so it
 * is after the changes a program makes: a member dropped and added again
 * with a new value (which may take the old one's address), one set to
 * null, one moved under another key. */
static void
raw_written(const char *s, size_t n)
{
	struct jm_raw *raw;
	json_object *o = jm_json_fast_raw(s, n, JM_JSON_INTERN, &raw), *v;
	char *k1 = NULL;
	int i = 0;

	if (!o)
		return;
	same_raw(o, raw, "a record is written back otherwise than read");
	json_object_object_foreach(o, k, m) {
		(void)m;
		if (i++ == 0)
			k1 = jm_strdup(k);
	}
	if (k1) {
		if (json_object_object_get_ex(o, k1, &v) && strcmp(k1, "moved"))
			json_object_object_add(o, "moved", json_object_get(v));
		same_raw(o, raw, "a member copied is written as it was");
		json_object_object_del(o, k1);
		json_object_object_add(o, k1, json_object_new_string("new"));
		same_raw(o, raw, "a member added again is written as it was");
		json_object_object_add(o, k1, NULL);
		same_raw(o, raw, "a member set to null is written as it was");
		free(k1);
	}
	json_object_put(o);
	jm_raw_free(raw);
}

/* Each line, as the programs read records (keys interned); and the
 * whole input as one request body of jm-sandbox --listen, newlines and
 * all (jm_json_parse: no interning in the server's threads). */
static void
fast_and_slow(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d, *e = s + n, *nl;

	for (; s < e; s = nl + 1) {
		if (!(nl = memchr(s, '\n', (size_t)(e - s))))
			nl = e;
		same_both_ways(s, (size_t)(nl - s), JM_JSON_INTERN);
		raw_written(s, (size_t)(nl - s));
	}
	if (n <= JM_MAX_LINE)
		same_both_ways((const char *)d, n, 0);
}

/* The input says "(null)" itself somewhere: a message may quote it. */
static int input_says_null;

static void
bad_line(json_object *o)
{
	json_object *e, *v;

	FUZZ_ASSERT(json_object_object_get_ex(o, "error", &e),
	    "a bad line without error");
	FUZZ_ASSERT(json_object_object_get_ex(e, "code", &v) &&
	    jm_in_list(codes, json_object_get_string(v)),
	    "a bad line with an unknown code");
	FUZZ_ASSERT(json_object_object_get_ex(e, "input", &v) &&
	    json_object_get_string_len(v) <= 3 * JM_MAX_INPUT_ECHO,
	    "a bad line's input is not cut short");
	FUZZ_ASSERT(json_object_object_get_ex(e, "message", &v) &&
	    (input_says_null || !strstr(json_object_get_string(v), "(null)")),
	    "a message says (null)");
}

/* Lines with something else than spaces (a BOM at the start of the file
 * is none): each is one record, good or bad, none dropped. */
static long
lines(const uint8_t *d, size_t n)
{
	size_t i = 0;
	long count = 0;
	int seen = 0;

	if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < n; i++) {
		if (d[i] == '\n') {
			count += seen;
			seen = 0;
		} else if (!strchr(" \t\r", d[i]) || d[i] == '\0')
			seen = 1;
	}
	return count + seen;
}

/* As jm-register checks a person, the error added to the record. */
static void
person(struct jm_rec *r)
{
	struct jm_date today = {2025, 10, 1};
	struct jm_person p;
	char msg[512];
	const char *e = jm_person_check(r->obj, today, &p, msg, sizeof msg);

	if (e) {
		jm_rec_error(r, e, "%s", msg);
		written(r->obj);
		return;
	}
	FUZZ_ASSERT(p.name && p.category, "a person without name");
	if (p.has_id)
		FUZZ_ASSERT(strlen(p.id.no) == 18 || strlen(p.id.no) == 15,
		    "an ID number of the wrong length passed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *files[1];
	struct jm_rec r;
	struct jm_in *in;
	long n = 0;

	fuzz_quiet();
	fast_and_slow(data, size);
	input_says_null = memmem(data, size, "(null)", 6) != NULL;
	files[0] = (char *)fuzz_file(data, size);
	jm_opts.files = files;
	jm_opts.nfiles = 1;
	jm_opts.csv = 0;
	in = jm_in_open();
	while (jm_in_next(in, &r)) {
		FUZZ_ASSERT(r.obj && json_object_is_type(r.obj,
		    json_type_object), "a record that is not an object");
		written(r.obj);
		if (r.failed)
			bad_line(r.obj);
		else
			person(&r);
		jm_rec_free(&r);
		n++;
	}
	jm_in_close(in);
	FUZZ_ASSERT(n == lines(data, size), "a line lost or made up");
	return 0;
}
