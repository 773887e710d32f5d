/* jsonio.h - the fast path of reading and writing a record's JSON */
#ifndef JM_JSONIO_H
#define JM_JSONIO_H

#include <stddef.h>
#include <json-c/json.h>

/*
 * The object in s[0..n) when it is plainly well-formed: strict JSON, UTF-8,
 * no key twice in one object, integers within int64, no fractions, no
 * \u0000 or surrogate escapes, nested at most 32 deep. NULL otherwise, and
 * the caller reads it the slow way (stream.c), which accepts the same and
 * explains what it refuses; so this is never less strict than that way.
 */
json_object *jm_json_fast(const char *s, size_t n, int flags);
/*
 * The same, and the line kept with where each of the record's members lies
 * in it (*raw, NULL for a record of more than 32 members): a member whose
 * value is still the one read, and whose bytes are what the writer would
 * write, is written back by copying them (jm_json_text_raw). The record
 * holds a reference to each value read until jm_raw_free, so that no new
 * value can take an old one's address.
 */
struct jm_raw;
json_object *jm_json_fast_raw(const char *s, size_t n, int flags,
    struct jm_raw **raw);
void jm_raw_free(struct jm_raw *);
/* flags: the keys kept once for the process, not copied into each object
 * (for the one thread that reads records: not the server's) */
#define JM_JSON_INTERN 1

/*
 * o as one line of JSON, as json-c writes it with JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE, in a buffer the next call reuses; *len
 * its length unless len is NULL (NUL-terminated too). For one thread: the
 * server's threads write their answers with json-c.
 */
const char *jm_json_text(json_object *o, size_t *len);
/* o, the record read with raw (or NULL), as jm_json_text writes it. */
const char *jm_json_text_raw(json_object *o, const struct jm_raw *raw,
    size_t *len);

/*
 * Room in object o for n keys before json-c grows its table (at two thirds
 * full, from 16 entries to 32 at the 12th key: 1,280 bytes, a request that
 * makes glibc's malloc sort every small chunk freed before it). A quote has
 * 16 keys: 25 entries, 1,000 bytes, hold 17.
 */
void jm_json_room(json_object *o, int n);

/* json_object_object_get_ex, with the hash of a key named before kept
 * (for the keys a program names, not the keys of its input). */
int jm_json_get(json_object *o, const char *key, json_object **v);
/* Key into o, an object without it, as json_object_object_add_ex with
 * KEY_IS_NEW and CONSTANT_KEY: key must outlive o. */
int jm_json_add_new(json_object *o, const char *key, json_object *v);
/* Key k (a string literal) into o, a new object without k: no lookup,
 * no copy of the key, its hash computed once. */
#define jm_add_new(o, k, v) jm_json_add_new((o), "" k "", (v))

#endif
