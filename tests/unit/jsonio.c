/* jsonio.c - unit tests: the fast JSON reader and the writer, held to the
 * slow reader (json-c's tokener behind stream.c's checks) and json-c's writer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/jsonio.h"
#include "../../common/stream.h"
#include "../../common/util.h"
#include "tap.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Read fast, it reads as the slow way does and writes as json-c does. */
static void
same(const char *in)
{
	char msg[256];
	json_object *f = jm_json_fast(in, strlen(in), 0);
	json_object *g = jm_json_fast(in, strlen(in), JM_JSON_INTERN);
	json_object *s = jm_json_parse_slow(in, strlen(in), msg, sizeof msg);
	size_t n;
	const char *t;

	ok(f != NULL, "fast: %s", in);
	ok(s != NULL, "slow: %s", in);
	if (f && s && g) {
		ok(json_object_equal(f, s), "equal: %s", in);
		ok(json_object_equal(g, s), "equal, keys interned: %s", in);
		t = jm_json_text(f, &n);
		is(t, json_object_to_json_string_ext(s, FLAGS), in);
		ok(n == strlen(t), "length: %s", in);
	}
	json_object_put(f);
	json_object_put(g);
	json_object_put(s);
}

/* Left to the slow way: the fast one does not take it. */
static void
left(const char *in, size_t len)
{
	json_object *f = jm_json_fast(in, len, 0);
	json_object *g = jm_json_fast(in, len, JM_JSON_INTERN);

	ok(f == NULL && g == NULL, "left to the slow way: %.*s", (int)len, in);
	json_object_put(f);
	json_object_put(g);
}

static void
reading(void)
{
	char deep[200];
	int i;

	same("{}");
	same(" {\"a\":1} \r");
	same("{\"id_no\":\"34112219420102000X\",\"name\":\"何军\","
	    "\"n\":-12,\"z\":0,\"t\":true,\"f\":false,\"x\":null,"
	    "\"big\":9223372036854775807,\"neg\":-9223372036854775807}");
	same("{\"a\":[1,[2,[]],{},{\"b\":\"c\"}], \"s\" : \"\\\"\\\\\\/\\b"
	    "\\f\\n\\r\\t\\u00e9\\u4e2d\\u0001\"}");
	same("{\"\\u00e9\\n\":\"key with escapes\"}");
	same("{\"emoji\":\"😀 中文 é\"}");

	left("{\"a\":1,\"a\":2}", 13);		/* duplicate key */
	left("{\"a\":{\"b\":1,\"b\":1}}", 19);
	left("[1]", 3);				/* not an object */
	left("{\"a\":1.5}", 9);			/* a fraction */
	left("{\"a\":1e3}", 9);
	left("{\"a\":-0}", 8);
	left("{\"a\":01}", 8);
	left("{\"a\":9223372036854775808}", 25);	/* past int64 */
	left("{\"a\":\"\\u0000\"}", 13);
	left("{\"a\":\"\\ud83d\\ude00\"}", 20);	/* surrogates */
	left("{\"a\":\"\\x\"}", 10);
	left("{\"a\":\"\x01\"}", 9);			/* a raw control */
	left("{\"a\":\"\xff\"}", 9);			/* not UTF-8 */
	left("{\"a\":\"\xed\xa0\x80\"}", 11);		/* a surrogate */
	left("{\"a\":1,}", 8);
	left("{\"a\":1} {}", 10);			/* trailing */
	left("{\"a\":tru}", 9);
	left("{\"a\":nul}", 9);
	left("{'a':1}", 7);
	left("{\"a\":1", 6);
	left("{\"a\":\"b", 7);
	left("{\"a\"\0:1}", 8);
	left("\xef\xbb\xbf{}", 5);			/* a BOM */
	/* 36 deep: the slow way takes it (up to 64), the fast one not */
	memcpy(deep, "{\"a\":", 5);
	for (i = 0; i < 35; i++) {
		deep[5 + i] = '[';
		deep[40 + i] = ']';
	}
	deep[75] = '}';
	left(deep, 76);
}

/* Past the bound of interned keys, keys are copied again; an interned
 * key deleted from an object stays whole for the next one. */
#define TWO "{\"id_no\":\"1\",\"name\":\"x\"}"
#define ONE "{\"id_no\":\"3\"}"

static void
interning(void)
{
	struct jm_buf b = {NULL, 0, 0};
	json_object *o, *p;
	char k[80];
	int i;

	jm_buf_puts(&b, "{");
	for (i = 0; i < 3000; i++) {
		snprintf(k, sizeof k, "%s\"k%d\":%d", i ? "," : "", i, i);
		jm_buf_puts(&b, k);
	}
	jm_buf_puts(&b, ",\"a-key-longer-than-forty-eight-bytes-is-copied-as-ever"
	    "\":1}");
	same(b.s);
	o = jm_json_fast(TWO, strlen(TWO), JM_JSON_INTERN);
	json_object_object_del(o, "id_no");
	json_object_object_add(o, "id_no", json_object_new_string("2"));
	p = jm_json_fast(ONE, strlen(ONE), JM_JSON_INTERN);
	is(jm_json_text(o, NULL), "{\"name\":\"x\",\"id_no\":\"2\"}",
	    "a key deleted and added again");
	is(jm_json_text(p, NULL), "{\"id_no\":\"3\"}", "the interned key whole");
	json_object_put(o);
	json_object_put(p);
	jm_buf_free(&b);
}

/* The hashes kept by key address: a key at an address used before for
 * another key is that key, not the other; what jm_add_new puts in, json-c
 * finds, and what the reader interned, jm_json_get finds. */
static void
hashing(void)
{
	static const char rec[] = "{\"id_no\":\"1\",\"name\":\"x\","
	    "\"a-key-of-more-than-twenty-four-bytes\":2}";
	json_object *o = jm_json_fast(rec, strlen(rec), JM_JSON_INTERN), *v;
	json_object *n = json_object_new_object(), *i = json_object_new_int(1);
	char k[48];

	strcpy(k, "id_no");
	ok(jm_json_get(o, k, &v) && !strcmp(json_object_get_string(v), "1"),
	    "a key read, by a buffer");
	strcpy(k, "name");
	ok(jm_json_get(o, k, &v) && !strcmp(json_object_get_string(v), "x"),
	    "another key at the same address: its own value");
	strcpy(k, "nam");
	ok(!jm_json_get(o, k, &v) && v == NULL, "a prefix of it: none");
	strcpy(k, "a-key-of-more-than-twenty-four-bytes");
	ok(jm_json_get(o, k, &v) && json_object_get_int(v) == 2,
	    "a long key, hashed each time");
	ok(jm_json_get(o, "name", NULL), "no value asked");
	ok(!jm_json_get(NULL, "name", &v) && v == NULL, "no object");
	ok(!jm_json_get(i, "name", &v) && v == NULL, "not an object");
	jm_add_new(n, "quote", json_object_new_int(3));
	jm_add_new(n, "a-key-of-more-than-twenty-four-bytes", NULL);
	ok(json_object_object_get_ex(n, "quote", &v) &&
	    json_object_get_int(v) == 3, "jm_add_new's key found by json-c");
	ok(json_object_object_get_ex(n, "a-key-of-more-than-twenty-four-"
	    "bytes", &v) && v == NULL, "and a long one, its null");
	ok(json_object_object_length(n) == 2, "two keys");
	json_object_put(o);
	json_object_put(n);
	json_object_put(i);
}

static void
writing(void)
{
	json_object *o = json_object_new_object();
	const char *t;
	size_t n;

	json_object_object_add(o, "ctl", json_object_new_string_len(
	    "a\0b\x1f\x7f/\"\\", 8));
	json_object_object_add(o, "long", json_object_new_string(
	    "0123456789abcdef0123456789\"abcdef0123456789abcdef\n"));
	json_object_object_add(o, "d", json_object_new_double_s(12.5, "12.50"));
	json_object_object_add(o, "u", json_object_new_uint64(
	    18446744073709551615ULL));
	json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
	json_object_object_add(o, "a", json_object_new_array());
	t = jm_json_text(o, &n);
	is(t, json_object_to_json_string_ext(o, FLAGS), "written as json-c");
	ok(n == strlen(t), "its length");
	is(t, "{\"ctl\":\"a\\u0000b\\u001f\x7f/\\\"\\\\\",\"long\":"
	    "\"0123456789abcdef0123456789\\\"abcdef0123456789abcdef\\n\","
	    "\"d\":12.50,\"u\":18446744073709551615,"
	    "\"min\":-9223372036854775808,\"a\":[]}", "the bytes");
	json_object_put(o);
}

/* What a string's scan stops at (an escape, a character past ASCII, a
 * byte that may not be there, the closing quote), at each place of its
 * steps of eight bytes: read as the slow way reads it, or left to it. */
static void
stops(void)
{
	static const char *const good[] = {"\\\"", "\\\\", "\\n",
	    "\\u4e2d", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80"};
	static const char *const bad[] = {"\x01", "\x1f", "\x7f\x01",
	    "\xff", "\xc3", "\xe4\xb8", "\xed\xa0\x80"};
	const char *pad = "abcdefghijklmnopq";
	char in[128], msg[256];
	json_object *f, *sl;
	size_t i, k;

	for (k = 0; k <= 17; k++) {
		for (i = 0; i < sizeof good / sizeof *good; i++) {
			snprintf(in, sizeof in, "{\"s\":\"%.*s%s%s\"}",
			    (int)k, pad, good[i], pad + k);
			f = jm_json_fast(in, strlen(in), 0);
			sl = jm_json_parse_slow(in, strlen(in), msg,
			    sizeof msg);
			ok(f && sl && json_object_equal(f, sl),
			    "read as the slow way, at %zu: %s", k, in);
			json_object_put(f);
			json_object_put(sl);
		}
		for (i = 0; i < sizeof bad / sizeof *bad; i++) {
			snprintf(in, sizeof in, "{\"s\":\"%.*s%s%s\"}",
			    (int)k, pad, bad[i], pad + k);
			f = jm_json_fast(in, strlen(in), 0);
			ok(!f, "left to the slow way, bad byte at %zu", k);
			json_object_put(f);
		}
	}
}

int
main(void)
{
	reading();
	stops();
	interning();
	hashing();
	writing();
	return tap_done();
}
