/* jsonio.c - the fast path of reading and writing a record's JSON
 *
 * json-c's tokener reads a byte at a time through a state machine, and its
 * writer appends an escaped string a piece at a time: together they were
 * half of what jm-quote spent on a record. Here a record that is plainly
 * well-formed is read in one recursive pass, and any record is written in
 * one pass into one buffer. Whatever the fast reader is unsure of it leaves
 * to the slow way, which explains errors (stream.c); tests/fuzz/fuzz-stream
 * holds the two ways, and this writer and json-c's, to the same answers.
 *
 * A program adds one key to a record and passes the rest on: the reader
 * keeps the line and where each member lies in it, and the writer copies
 * the bytes of a member still holding the value read, when they are what
 * it would write (no whitespace, no escapes), instead of writing it again.
 */
#include <stdint.h>
#include <string.h>

#include "jsonio.h"
#include "utf8.h"
#include "util.h"

#define FAST_DEPTH 32

struct rd {
	const char *s, *e;
	int depth, flags;
	struct jm_buf tmp;	/* a string with escapes, or a key */
	const char *s0;		/* the line's first byte */
	int nc;			/* bytes seen that the writer would not write
				   back the same: whitespace, escapes */
	struct jm_raw_m *top;	/* where the members of the record lie, or
				   NULL: not asked */
	int ntop;
};

/* A member of the record as the line has it: its value (a reference
 * held, so that no new object can take its address), its bytes, and
 * whether they are what the writer would write for it. */
struct jm_raw_m {
	json_object *v;
	uint32_t off, len;
	int same;
};

struct jm_raw {
	int n;
	const char *line;
	struct jm_raw_m m[];
};

/*
 * The keys of records repeat on every line: each distinct one is kept
 * once for the life of the process and added to objects without a copy
 * (JSON_C_OBJECT_KEY_IS_CONSTANT), which saves a malloc and a free per
 * key. Bounded: keys of at most 48 bytes, 2048 of them; past that, keys
 * are copied as json-c copies them. One thread only (JM_JSON_INTERN).
 */
#define INTERN_SLOTS 4096	/* a power of two, at most half full */
#define INTERN_MAX 2048
#define INTERN_LEN 48

static struct {
	const char *slot[INTERN_SLOTS];
	unsigned long hash[INTERN_SLOTS];	/* json-c's hash of each */
	size_t n;
} keys;

/* The interned copy of k[0..n) and json-c's hash of it (as table t
 * hashes; every object's table hashes keys alike), or NULL. */
static const char *
intern(const char *k, size_t n, struct lh_table *t, unsigned long *hash)
{
	uint32_t h = 2166136261u;
	size_t i;
	char *c;

	if (n > INTERN_LEN)
		return NULL;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	for (i = h & (INTERN_SLOTS - 1); keys.slot[i];
	    i = (i + 1) & (INTERN_SLOTS - 1))
		if (!strncmp(keys.slot[i], k, n) && !keys.slot[i][n]) {
			*hash = keys.hash[i];
			return keys.slot[i];
		}
	if (keys.n >= INTERN_MAX)
		return NULL;
	c = jm_malloc(n + 1);
	memcpy(c, k, n);
	c[n] = '\0';
	keys.n++;
	*hash = keys.hash[i] = lh_get_hash(t, c);
	return keys.slot[i] = c;
}

/*
 * json-c hashes a key at every lookup and insert (lookup3: some 80
 * instructions for a short key, a fourteenth of jm-quote's time), and jm
 * names the same few dozen keys again and again: their hashes are kept,
 * in a small table of each thread, by the key's address. An entry holds
 * the key's bytes too, so a key at an address used before for another is
 * hashed again, never given the other's hash.
 */
#define KEYC_SLOTS 256	/* a power of two */
#define KEYC_LEN 24

static unsigned long
key_hash(struct lh_table *t, const char *k)
{
	static _Thread_local struct {
		const char *p;
		char s[KEYC_LEN];
		unsigned long h;
	} c[KEYC_SLOTS];
	uintptr_t a = (uintptr_t)k;
	size_t i = (size_t)((a ^ a >> 9) & (KEYC_SLOTS - 1)), n;
	unsigned long h;

	if (c[i].p == k && !strcmp(c[i].s, k))
		return c[i].h;
	h = lh_get_hash(t, k);
	if ((n = strlen(k)) < KEYC_LEN) {
		c[i].p = k;
		memcpy(c[i].s, k, n + 1);
		c[i].h = h;
	}
	return h;
}

int
jm_json_get(json_object *o, const char *key, json_object **v)
{
	struct lh_entry *e;
	struct lh_table *t;

	if (v)
		*v = NULL;
	if (!o || !json_object_is_type(o, json_type_object))
		return 0;
	t = json_object_get_object(o);
	if (!(e = lh_table_lookup_entry_w_hash(t, key, key_hash(t, key))))
		return 0;
	if (v)
		*v = (json_object *)lh_entry_v(e);
	return 1;
}

int
jm_json_add_new(json_object *o, const char *key, json_object *v)
{
	struct lh_table *t = json_object_get_object(o);

	return lh_table_insert_w_hash(t, key, v, key_hash(t, key),
	    JSON_C_OBJECT_ADD_CONSTANT_KEY);
}

static int value(struct rd *, json_object **);

static void
ws(struct rd *r)
{
	const char *p = r->s;

	while (r->s < r->e && (*r->s == ' ' || *r->s == '\t' ||
	    *r->s == '\n' || *r->s == '\r'))
		r->s++;
	r->nc += r->s != p;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return 0;
		*v = *v << 4 | c;
	}
	return 1;
}

/* The escapes of a string from p (after its opening quote) into r->tmp,
 * up to its closing quote, after which r->s is left. */
static int
unescape(struct rd *r, const char *p)
{
	char u[3];
	unsigned v;

	r->tmp.len = 0;
	for (;;) {
		const char *q = p;

		while (q < r->e && *q != '"' && *q != '\\')
			q++;
		jm_buf_add(&r->tmp, p, (size_t)(q - p));
		if (q >= r->e)
			return 0;
		if (*q == '"') {
			r->s = q + 1;
			return 1;
		}
		if (r->e - q < 2)
			return 0;
		switch (q[1]) {
		case '"': case '\\': case '/':
			jm_buf_add(&r->tmp, q + 1, 1);
			break;
		case 'b': jm_buf_add(&r->tmp, "\b", 1); break;
		case 'f': jm_buf_add(&r->tmp, "\f", 1); break;
		case 'n': jm_buf_add(&r->tmp, "\n", 1); break;
		case 'r': jm_buf_add(&r->tmp, "\r", 1); break;
		case 't': jm_buf_add(&r->tmp, "\t", 1); break;
		case 'u':
			/* no NUL, no surrogates: the slow way decides those */
			if (r->e - q < 6 || !hex4(q + 2, &v) || v == 0 ||
			    (v >= 0xd800 && v <= 0xdfff))
				return 0;
			if (v < 0x80) {
				u[0] = (char)v;
				jm_buf_add(&r->tmp, u, 1);
			} else if (v < 0x800) {
				u[0] = (char)(0xc0 | v >> 6);
				u[1] = (char)(0x80 | (v & 0x3f));
				jm_buf_add(&r->tmp, u, 2);
			} else {
				u[0] = (char)(0xe0 | v >> 12);
				u[1] = (char)(0x80 | (v >> 6 & 0x3f));
				u[2] = (char)(0x80 | (v & 0x3f));
				jm_buf_add(&r->tmp, u, 3);
			}
			q += 4;
			break;
		default:
			return 0;
		}
		p = q + 2;
	}
}

/* Of the eight bytes in x, those that are a control character, '"' or
 * '\\': the high bit of each set, the lowest exactly (above it a borrow
 * may set more): the "has less" and "has zero" tests of Bit Twiddling
 * Hacks. */
static inline uint64_t
escapes8(uint64_t x)
{
	const uint64_t one = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t q = x ^ one * '"', b = x ^ one * '\\';

	return (((x - one * 0x20) & ~x) | ((q - one) & ~q) |
	    ((b - one) & ~b)) & high;
}

/*
 * A string at r->s (its opening quote): its bytes checked (UTF-8, no
 * control characters), then either a span of the line (*esc 0) or, with
 * escapes, decoded into r->tmp (*esc 1).
 */
static int
string(struct rd *r, const char **b, size_t *n, int *esc)
{
	const unsigned char *p = (const unsigned char *)r->s + 1;
	const unsigned char *e = (const unsigned char *)r->e;
	uint32_t cp;
	size_t k;

	*esc = 0;
	while (p < e) {
		unsigned c;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* eight bytes at a time, up to the first not plain ASCII */
		while (e - p >= 8) {
			uint64_t x, m;

			memcpy(&x, p, 8);
			if ((m = escapes8(x) | (x & 0x8080808080808080ULL))) {
				p += __builtin_ctzll(m) >> 3;
				break;
			}
			p += 8;
		}
#endif
		if (p >= e)
			break;
		c = *p;
		if (c == '"') {
			if (!*esc) {
				*b = r->s + 1;
				*n = (size_t)((const char *)p - *b);
				r->s = (const char *)p + 1;
				return 1;
			}
			if (!unescape(r, r->s + 1))
				return 0;
			r->nc++;
			*b = r->tmp.s;
			*n = r->tmp.len;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			*esc = 1;
			if (p + 1 >= e)
				return 0;
			p += 2;
		} else if (c >= 0x80) {
			if (!(k = jm_utf8_seq(p, (size_t)(e - p), &cp)))
				return 0;
			p += k;
		} else
			p++;
	}
	return 0;
}

/* The key at r->s into kb (or, longer, a copy the caller frees), *n its
 * length. */
static char *
key(struct rd *r, char *kb, size_t sz, size_t *n)
{
	const char *k;
	int esc;
	char *c;

	if (r->s >= r->e || *r->s != '"' || !string(r, &k, n, &esc) ||
	    memchr(k, '\0', *n))	/* a NUL: not told from a shorter key */
		return NULL;
	c = *n < sz ? kb : jm_malloc(*n + 1);
	memcpy(c, k, *n);
	c[*n] = '\0';
	return c;
}

/* After a member or an element: 1 past the closing c, 0 past a comma,
 * -1 at anything else. */
static int
after(struct rd *r, char c)
{
	ws(r);
	if (r->s < r->e && *r->s == c) {
		r->s++;
		return 1;
	}
	if (r->s >= r->e || *r->s != ',')
		return -1;
	r->s++;
	ws(r);
	return 0;
}

/* The members of the record, where they lie (JM_RAW_MAX of them; more,
 * and the record is written the usual way). */
#define JM_RAW_MAX 32

static void
member(struct rd *r, json_object *v, const char *ks, int nc0)
{
	struct jm_raw_m *m;

	if (r->ntop++ >= JM_RAW_MAX)
		return;		/* too many: none kept (fast() sees ntop) */
	m = &r->top[r->ntop - 1];
	m->v = v;
	m->off = (uint32_t)(ks - r->s0);
	m->len = (uint32_t)(r->s - ks);
	m->same = r->nc == nc0;
}

/* k is a key of o already: by its interned pointer among the first keys
 * (a compare each), else by json-c's lookup (a hash). */
static int
twice(json_object *o, const char *k, const char *ik, const char **seen,
    int n)
{
	int i;

	if (!ik || n > 32)
		return json_object_object_get_ex(o, k, NULL);
	for (i = 0; i < n; i++)
		if (seen[i] == ik)
			return 1;
	return 0;
}

static int
object(struct rd *r, json_object **out)
{
	json_object *o = json_object_new_object(), *v = NULL;
	char kb[64], *k;
	const char *ik, *seen[32];
	unsigned long h;
	size_t n;
	int ok = 0, nk = 0, plain = 1;

	*out = o;
	r->s++;
	ws(r);
	if (r->s < r->e && *r->s == '}') {
		r->s++;
		return 1;
	}
	for (;;) {
		const char *ks = r->s;
		int nc0 = r->nc;

		if (!(k = key(r, kb, sizeof kb, &n)))
			return 0;
		ws(r);
		ik = r->flags & JM_JSON_INTERN ? intern(k, n,
		    json_object_get_object(o), &h) : NULL;
		/* a key not interned is looked up by json-c from then on */
		plain = plain && ik;
		ok = !twice(o, k, plain ? ik : NULL, seen, nk) &&
		    r->s < r->e && *r->s == ':';
		if (ok) {
			r->s++;
			ws(r);
			ok = value(r, &v);
			if (ok && r->top && r->depth == 1)
				member(r, v, ks, nc0);
			if (nk < 32)
				seen[nk] = ik;
			if (++nk == 12)
				jm_json_room(o, 17);
			if ((ik ? lh_table_insert_w_hash(
			    json_object_get_object(o), ik, v, h,
			    JSON_C_OBJECT_ADD_CONSTANT_KEY) :
			    json_object_object_add_ex(o, k, v,
			    JSON_C_OBJECT_ADD_KEY_IS_NEW)) != 0)
				jm_die("out of memory");
		}
		if (k != kb)
			free(k);
		if (!ok || (ok = after(r, '}')) != 0)
			return ok > 0;
	}
}

static int
array(struct rd *r, json_object **out)
{
	json_object *a = json_object_new_array(), *v;
	int ok;

	*out = a;
	r->s++;
	ws(r);
	if (r->s < r->e && *r->s == ']') {
		r->s++;
		return 1;
	}
	for (;;) {
		v = NULL;
		if (!value(r, &v)) {
			json_object_put(v);
			return 0;
		}
		if (json_object_array_add(a, v) != 0)
			jm_die("out of memory");
		if ((ok = after(r, ']')) != 0)
			return ok > 0;
	}
}

/* An integer within int64, not -0; what else is a number, the slow way
 * reads (json-c keeps a fraction's text, and saturates). */
static int
number(struct rd *r, json_object **out)
{
	const char *p = r->s;
	int neg = 0;
	uint64_t v = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= r->e || *p < '0' || *p > '9' || (*p == '0' && neg))
		return 0;
	if (*p == '0') {
		p++;
	} else {
		while (p < r->e && *p >= '0' && *p <= '9') {
			if (v > (uint64_t)INT64_MAX / 10)
				return 0;
			v = v * 10 + (uint64_t)(*p++ - '0');
			if (v > (uint64_t)INT64_MAX)
				return 0;
		}
	}
	if (p < r->e && (*p == '.' || *p == 'e' || *p == 'E' ||
	    (*p >= '0' && *p <= '9')))
		return 0;
	r->s = p;
	*out = json_object_new_int64(neg ? -(int64_t)v : (int64_t)v);
	return 1;
}

static int
word(struct rd *r, const char *w, size_t n)
{
	if ((size_t)(r->e - r->s) < n || memcmp(r->s, w, n) != 0)
		return 0;
	r->s += n;
	return 1;
}

static int
value(struct rd *r, json_object **out)
{
	const char *b;
	size_t n;
	int esc, ok;

	*out = NULL;
	if (r->s >= r->e)
		return 0;
	switch (*r->s) {
	case '{':
	case '[':
		if (++r->depth > FAST_DEPTH)
			return 0;
		ok = *r->s == '{' ? object(r, out) : array(r, out);
		r->depth--;
		return ok;
	case '"':
		if (!string(r, &b, &n, &esc))
			return 0;
		*out = json_object_new_string_len(b, (int)n);
		return 1;
	case 't':
		if (!word(r, "true", 4))
			return 0;
		*out = json_object_new_boolean(1);
		return 1;
	case 'f':
		if (!word(r, "false", 5))
			return 0;
		*out = json_object_new_boolean(0);
		return 1;
	case 'n':
		return word(r, "null", 4);
	default:
		return number(r, out);
	}
}

static json_object *
fast(const char *s, size_t n, int flags, struct jm_raw **raw)
{
	struct jm_raw_m top[JM_RAW_MAX];
	struct rd r = {s, s + n, 0, flags, {NULL, 0, 0}, s, 0, raw ? top :
	    NULL, 0};
	json_object *o = NULL;
	int ok, i;

	ws(&r);
	ok = r.s < r.e && *r.s == '{' && value(&r, &o);
	if (ok) {
		ws(&r);
		ok = r.s == r.e;
	}
	jm_buf_free(&r.tmp);
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	if (raw && r.ntop <= JM_RAW_MAX) {
		*raw = jm_malloc(sizeof **raw + (size_t)r.ntop * sizeof *top + n);
		(*raw)->n = r.ntop;
		memcpy((*raw)->m, top, (size_t)r.ntop * sizeof *top);
		(*raw)->line = memcpy((char *)((*raw)->m + r.ntop), s, n);
		for (i = 0; i < r.ntop; i++)
			json_object_get(top[i].v);
	}
	return o;
}

json_object *
jm_json_fast(const char *s, size_t n, int flags)
{
	return fast(s, n, flags, NULL);
}

json_object *
jm_json_fast_raw(const char *s, size_t n, int flags, struct jm_raw **raw)
{
	*raw = NULL;
	return fast(s, n, flags, raw);
}

void
jm_raw_free(struct jm_raw *raw)
{
	int i;

	if (!raw)
		return;
	for (i = 0; i < raw->n; i++)
		json_object_put(raw->m[i].v);
	free(raw);
}

void
jm_json_room(json_object *o, int n)
{
	struct lh_table *t = json_object_get_object(o);
	int size = (n - 1) * 100 / 66 + 1;

	if (t && size > t->size && lh_table_resize(t, size) != 0)
		jm_die("out of memory");
}

/* The writer. */

static struct jm_buf wb;	/* the programs write records from one thread */

/* Room for n more bytes (and a NUL) in wb: its growth is jm_buf's, the
 * test inlined for the bytes and strings of every record. */
static inline char *
room(size_t n)
{
	return wb.cap - wb.len >= n + 1 ? wb.s + wb.len : jm_buf_room(&wb, n);
}

static inline void
put(const char *s, size_t n)
{
	memcpy(room(n), s, n);
	wb.len += n;
}

static inline void
putch(char c)
{
	*room(1) = c;
	wb.len++;
}

/* As json-c escapes (json_escape_str): \b \n \r \t \f \" \\, other
 * control characters as \u00xx; '/' as it is (NOSLASHESCAPE). Written
 * straight into room for the worst case, six bytes for each. */
static void
put_string(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *d = room(6 * n + 2), *d0 = d;
	size_t i = 0;
	uint64_t x;

	*d++ = '"';
	while (i < n) {
		unsigned char c;

		/* eight bytes at a time while none needs escaping */
		while (n - i >= 8) {
			memcpy(&x, s + i, 8);
			if (escapes8(x))
				break;
			memcpy(d, &x, 8);
			d += 8;
			i += 8;
		}
		if (i == n)
			break;
		c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*d++ = (char)c;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '\b': *d++ = 'b'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		case '\f': *d++ = 'f'; break;
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		default:
			memcpy(d, "u00", 3);
			d[3] = hex[c >> 4];
			d[4] = hex[c & 0xf];
			d += 5;
		}
	}
	*d++ = '"';
	wb.len += (size_t)(d - d0);
}

static void
put_int(int64_t v)
{
	char b[24];
	const char *p = jm_i64(v, b);

	put(p, (size_t)(b + 23 - p));
}

/* What json-c writes for o (a number it keeps the text of, a big unsigned). */
static void
put_json_c(json_object *o)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	put(s, n);
}

/* Member i of raw when it is key k with the value v still, and its bytes
 * are what put_value would write. */
static int
unchanged(const struct jm_raw *raw, int i, const char *k, size_t kn,
    json_object *v)
{
	const struct jm_raw_m *m = &raw->m[i];
	const char *b = raw->line + m->off;

	return m->v == v && m->same && m->len > kn + 2 && b[kn + 1] == '"' &&
	    memcmp(b + 1, k, kn) == 0;
}

/* The member of raw that is k: v unchanged, from at on, else before. */
static int
find(const struct jm_raw *raw, int at, const char *k, size_t kn,
    json_object *v)
{
	int i;

	for (i = at; i < raw->n; i++)
		if (unchanged(raw, i, k, kn, v))
			return i;
	for (i = 0; i < at && i < raw->n; i++)
		if (unchanged(raw, i, k, kn, v))
			return i;
	return -1;
}

static void put_value(json_object *o);

/* An object's members; with raw (the line the record was read from), the
 * ones unchanged since copied from it. */
static void
put_object(json_object *o, const struct jm_raw *raw)
{
	int i, at = 0, first = 1;
	size_t kn;

	putch('{');
	json_object_object_foreach(o, k, v) {
		if (!first)
			putch(',');
		first = 0;
		kn = strlen(k);
		/* members come in the line's order, unless moved */
		if (raw && (i = find(raw, at, k, kn, v)) >= 0) {
			put(raw->line + raw->m[i].off, raw->m[i].len);
			at = i + 1;
			continue;
		}
		put_string(k, kn);
		putch(':');
		put_value(v);
	}
	putch('}');
}

static void
put_value(json_object *o)
{
	size_t i, n;
	int64_t v;

	switch (json_object_get_type(o)) {
	case json_type_null:
		put("null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(o))
			put("true", 4);
		else
			put("false", 5);
		break;
	case json_type_int:
		v = json_object_get_int64(o);
		if (v == INT64_MAX)	/* or an unsigned past it */
			put_json_c(o);
		else
			put_int(v);
		break;
	case json_type_string:
		put_string(json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_object:
		put_object(o, NULL);
		break;
	case json_type_array:
		putch('[');
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i)
				putch(',');
			put_value(json_object_array_get_idx(o, i));
		}
		putch(']');
		break;
	default:
		put_json_c(o);
	}
}

/* What was written into wb, NUL-terminated; *len its length. */
static const char *
written(size_t *len)
{
	*room(0) = '\0';
	if (len)
		*len = wb.len;
	return wb.s;
}

const char *
jm_json_text(json_object *o, size_t *len)
{
	wb.len = 0;
	put_value(o);
	return written(len);
}

const char *
jm_json_text_raw(json_object *o, const struct jm_raw *raw, size_t *len)
{
	if (!raw || !json_object_is_type(o, json_type_object))
		return jm_json_text(o, len);
	wb.len = 0;
	put_object(o, raw);
	return written(len);
}
