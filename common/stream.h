/* stream.h - the record stream: JSON Lines (or a CSV roster) in, records out */
#ifndef JM_STREAM_H
#define JM_STREAM_H

#include <stddef.h>
#include <json-c/json.h>

/* Bounds on untrusted input, documented in jm.7. */
#define JM_MAX_LINE (1024 * 1024)	/* bytes in one line */
#define JM_MAX_DEPTH 64			/* nesting of arrays and objects */
#define JM_MAX_INPUT_ECHO 1024		/* bytes of a bad line kept in input */

struct jm_raw;
struct jm_rec {
	json_object *obj;	/* never NULL: a bad line becomes an error */
	struct jm_raw *raw;	/* the line it was read from, or NULL */
	const char *file;	/* NULL for stdin */
	long line;
	int failed;		/* this program gave it an error */
	int unsaid;		/* its message is yet to be printed */
};

struct jm_in;

/* One JSON object read as strictly as a record (bounds, UTF-8, no
 * duplicate keys): the object, or NULL and why. s[n] is a NUL, as in a
 * jm_buf. */
json_object *jm_json_parse(const char *s, size_t n, char *msg, size_t msgsz);
/* The same without the fast path of jsonio.c: the way that explains what
 * it refuses (tests hold the two to the same answers). */
json_object *jm_json_parse_slow(const char *s, size_t n, char *msg,
    size_t msgsz);

/* Open the inputs of jm_opts (files, or stdin), JSON Lines or CSV. */
struct jm_in *jm_in_open(void);
/* Next record: 1, or 0 at the end of all inputs. */
int jm_in_next(struct jm_in *, struct jm_rec *);
/* A whole record is already buffered: the next read will not block. */
int jm_in_ready(struct jm_in *);
void jm_in_close(struct jm_in *);
/* Read every record ahead into a spool file (memory stays flat), calling
 * each on it; jm_in_next then reads them back, file and line kept. */
void jm_in_spool(struct jm_in *, void (*each)(const struct jm_rec *, void *),
    void *ctx);
void jm_rec_free(struct jm_rec *);

/*
 * Give a record this program's error: the error key (tool, code, message,
 * file, line), one line on stderr, exit status 1.
 */
void jm_rec_error(struct jm_rec *, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An error record for a line that could not be read as a record. */
struct jm_line;
void jm_rec_bad(struct jm_rec *, const struct jm_line *, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * A record carrying another program's error passes untouched: returns 1.
 * This program's own earlier error is dropped so the step is tried again.
 */
int jm_rec_passes(struct jm_rec *);
/* A record this program handles (no error of another program), its
 * stale owned key dropped: 1; else 0. For a step's prepare. */
int jm_rec_mine(struct jm_rec *, const char *owns);
/* Who the record is about, for messages: the masked ID, or "". */
const char *jm_rec_who(json_object *, char *buf, size_t);
/* Print "prog: file:line: who: message" on stderr. */
void jm_rec_say(const struct jm_rec *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "prog: warning: file:line: who: message", hidden by -q. */
void jm_rec_warn(const struct jm_rec *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Output: stdout or --output FILE; records as compact JSON lines. */
void jm_out_open(void);
void jm_out_json(json_object *);
/* A record: its members unchanged since it was read copied from its line */
void jm_out_rec(const struct jm_rec *);
void jm_out_text(const char *);
void jm_out_flush(void);

/* A step over the stream: records are handled in batches that are
 * committed on the platform before they are written out. A batch is what
 * is already buffered, up to JM_BATCH records: a file goes in few
 * transactions (each an fsync), a pipeline streams. */
#define JM_BATCH 1024
struct jm_step {
	void (*begin)(void *ctx);
	void (*prepare)(struct jm_rec *, size_t n, void *ctx);	/* a batch */
	void (*one)(struct jm_rec *, void *ctx);
	void (*commit)(void *ctx);
	void (*emit)(struct jm_rec *, void *ctx);	/* NULL: as JSON */
	void *ctx;
	size_t batch;					/* 0: JM_BATCH */
	const char *owns;	/* the key this program adds: a stale one is
				   dropped before the record is handled */
};
void jm_run(struct jm_in *, const struct jm_step *);

#endif
