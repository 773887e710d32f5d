/* stream.c - the record stream: JSON Lines (or a CSV roster) in, records out */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "identity.h"
#include "jsonio.h"
#include "lines.h"
#include "opts.h"
#include "stream.h"
#include "utf8.h"
#include "util.h"

struct jm_in {
	struct jm_lines *lines;
	json_tokener *tok;
	struct jm_csv *csv;	/* NULL for JSON Lines */
	FILE *spool;		/* records read ahead, see jm_in_spool */
	char *sline;
	size_t scap;
};

/* What a line's lexical scan found. */
struct scan {
	const char *code;	/* NULL: well-formed so far */
	char why[128];
	size_t col;
	long keys;		/* members of all objects */
};

static void
scan_fail(struct scan *sc, const char *code, size_t col, const char *why)
{
	sc->code = code;
	sc->col = col + 1;
	snprintf(sc->why, sizeof sc->why, "%s", why);
}

/* A bare word outside strings: true, false, null or a number. */
static size_t
scan_word(const char *s, size_t n, size_t i, struct scan *sc)
{
	size_t j = i;

	while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '+' ||
	    s[j] == '-' || s[j] == '.'))
		j++;
	if (isdigit((unsigned char)s[i]) || s[i] == '-') {
		if (strspn(s + i, "0123456789+-.eE") < j - i)
			scan_fail(sc, "BAD_JSON", i, _("not a JSON number"));
	} else if (!((j - i == 4 && (!memcmp(s + i, "true", 4) ||
	    !memcmp(s + i, "null", 4))) || (j - i == 5 &&
	    !memcmp(s + i, "false", 5))))
		scan_fail(sc, "BAD_JSON", i, _("a bare word is not JSON "
		    "(strings need double quotes)"));
	return j;
}

/*
 * One pass over the bytes: UTF-8, NUL bytes, what json-c lets through in
 * strict mode (single quotes, NaN), and the count of members, which tells
 * duplicate keys apart (json-c keeps only the last of them). A newline is
 * whitespace: a line holds none, an HTTP request body may.
 */
static void
scan_line(const char *s, size_t n, struct scan *sc)
{
	size_t i = 0, k;
	uint32_t cp;
	int in_str = 0;

	sc->code = NULL;
	sc->keys = 0;
	while (i < n && !sc->code) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			if (!(k = jm_utf8_seq((const unsigned char *)s + i,
			    n - i, &cp)))
				scan_fail(sc, "BAD_UTF8", i, _("not UTF-8"));
			i += k;
		} else if (c == 0) {
			scan_fail(sc, "BAD_JSON", i, _("a NUL byte"));
		} else if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			else if (c < 0x20)
				scan_fail(sc, "BAD_JSON", i, _("a control "
				    "character inside a string"));
			i++;
		} else if (c == '"') {
			in_str = 1;
			i++;
		} else if (c == ':') {
			sc->keys++;
			i++;
		} else if (isalnum(c) || c == '-') {
			i = scan_word(s, n, i, sc);
		} else if (!strchr(" \t\r\n{}[],", c)) {
			scan_fail(sc, "BAD_JSON", i, _("unexpected character"));
		} else
			i++;
	}
}

static long
count_keys(json_object *o)
{
	long n = 0;
	size_t i, len;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + count_keys(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += count_keys(json_object_array_get_idx(o, i));
	}
	return n;
}

/* The first key repeated within one object (slow path, for the message). */
static char *
dup_key(const char *s, size_t n)
{
	struct { size_t first, nkeys; int obj, want_key; } st[JM_MAX_DEPTH + 1];
	size_t keys[512][2], nk = 0, i, j, b;
	int d = -1;

	for (i = 0; i < n; i++) {
		if (s[i] == '{' || s[i] == '[') {
			if (++d > JM_MAX_DEPTH)
				return NULL;
			st[d].obj = s[i] == '{';
			st[d].want_key = st[d].obj;
			st[d].first = nk;
		} else if ((s[i] == '}' || s[i] == ']') && d >= 0) {
			nk = st[d--].first;
		} else if (s[i] == ',' && d >= 0) {
			st[d].want_key = st[d].obj;
		} else if (s[i] == '"') {
			for (b = ++i; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (d < 0 || !st[d].want_key)
				continue;
			st[d].want_key = 0;
			for (j = st[d].first; j < nk; j++)
				if (keys[j][1] == i - b &&
				    !memcmp(s + keys[j][0], s + b, i - b))
					return jm_strndup(s + b, i - b);
			if (nk < 512) {
				keys[nk][0] = b;
				keys[nk++][1] = i - b;
			}
		}
	}
	return NULL;
}

/* An error's message, one line of UTF-8 even when what it quotes was cut
 * to fit a buffer in the middle of a character (U+FFFD), or held a
 * newline ('?', as the platform's messages have them). */
static char *
message(const char *fmt, va_list ap)
{
	char *s, *u;

	if (vasprintf(&s, fmt, ap) < 0)
		jm_die("%s", strerror(ENOMEM));
	u = jm_utf8_repair(s, strlen(s));
	free(s);
	jm_utf8_line(u);
	return u;
}

void
jm_rec_bad(struct jm_rec *r, const struct jm_line *ln, const char *code,
    const char *fmt, ...)
{
	json_object *e = json_object_new_object();
	char *msg, *in;
	va_list ap;

	va_start(ap, fmt);
	msg = message(fmt, ap);
	va_end(ap);
	r->obj = json_object_new_object();
	r->file = ln->file;
	r->line = ln->no;
	json_object_object_add(e, "tool", json_object_new_string(jm_prog));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	if (ln->file)
		json_object_object_add(e, "file",
		    json_object_new_string(ln->file));
	json_object_object_add(e, "line", json_object_new_int64(ln->no));
	in = jm_utf8_repair(ln->s, ln->len > JM_MAX_INPUT_ECHO ?
	    JM_MAX_INPUT_ECHO : ln->len);
	json_object_object_add(e, "input", json_object_new_string(in));
	json_object_object_add(r->obj, "error", e);
	r->failed = 1;
	r->unsaid = 1;	/* said in order, when the batch is handled */
	jm_exit_note(JM_EXIT_FAIL);
	free(in);
	free(msg);
}

static int
parse_json(struct jm_in *in, const struct jm_line *ln, struct jm_rec *r)
{
	enum json_tokener_error je;
	struct scan sc;
	json_object *o;
	char *k;

	if (ln->too_long) {
		jm_rec_bad(r, ln, "LINE_TOO_LONG", _("the line has %zu bytes, "
		    "more than the limit of %d"), ln->full_len, JM_MAX_LINE);
		return 1;
	}
	r->file = ln->file;
	r->line = ln->no;
	if ((r->obj = jm_json_fast_raw(ln->s, ln->len, JM_JSON_INTERN,
	    &r->raw)))
		return 1;
	scan_line(ln->s, ln->len, &sc);
	if (sc.code) {
		jm_rec_bad(r, ln, sc.code, _("column %zu: %s"), sc.col, sc.why);
		return 1;
	}
	json_tokener_reset(in->tok);
	o = json_tokener_parse_ex(in->tok, ln->s, (int)ln->len + 1);
	je = json_tokener_get_error(in->tok);
	if (!o && je == json_tokener_error_depth) {
		jm_rec_bad(r, ln, "TOO_DEEP", _("nested more than %d deep"),
		    JM_MAX_DEPTH);
		return 1;
	}
	if (!o && je != json_tokener_success) {
		jm_rec_bad(r, ln, "BAD_JSON", _("not valid JSON at column %zu: "
		    "%s"), json_tokener_get_parse_end(in->tok) + 1,
		    json_tokener_error_desc(je));
		return 1;
	}
	if (!json_object_is_type(o, json_type_object)) {
		jm_rec_bad(r, ln, "NOT_OBJECT", _("a record is a JSON object "
		    "{...}, not %s"), json_type_to_name(json_object_get_type(
		    o)));
		json_object_put(o);
		return 1;
	}
	if (count_keys(o) != sc.keys) {
		json_object_put(o);
		k = dup_key(ln->s, ln->len);
		jm_rec_bad(r, ln, "DUPLICATE_KEY", _("the key \"%s\" appears "
		    "twice in one object"), k ? k : "?");
		free(k);
		return 1;
	}
	r->obj = o;
	return 1;
}

json_object *
jm_json_parse(const char *s, size_t n, char *msg, size_t sz)
{
	json_object *o;

	if (n <= JM_MAX_LINE && (o = jm_json_fast(s, n, 0)))
		return o;
	return jm_json_parse_slow(s, n, msg, sz);
}

json_object *
jm_json_parse_slow(const char *s, size_t n, char *msg, size_t sz)
{
	json_tokener *tok;
	struct scan sc;
	json_object *o;

	if (n > JM_MAX_LINE) {
		snprintf(msg, sz, _("more than %d bytes"), JM_MAX_LINE);
		return NULL;
	}
	scan_line(s, n, &sc);
	if (sc.code) {
		snprintf(msg, sz, _("column %zu: %s"), sc.col, sc.why);
		return NULL;
	}
	tok = json_tokener_new_ex(JM_MAX_DEPTH + 1);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)n);
	if (!o || !json_object_is_type(o, json_type_object) ||
	    count_keys(o) != sc.keys) {
		snprintf(msg, sz, !o ? _("not valid JSON: %s") : _("not one "
		    "JSON object, or a key given twice"),
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Only spaces: a NUL byte is no end here (the line goes on after it). */
static int
blank(const char *s, size_t len)
{
	return strspn(s, " \t\r") == len;
}

struct jm_in *
jm_in_open(void)
{
	struct jm_in *in = jm_calloc(1, sizeof *in);

	in->lines = jm_lines_open(jm_opts.files, jm_opts.nfiles);
	/* json-c counts the depth past the last level it accepts */
	in->tok = json_tokener_new_ex(JM_MAX_DEPTH + 1);
	json_tokener_set_flags(in->tok, JSON_TOKENER_STRICT);
	if (jm_opts.csv)
		in->csv = jm_csv_new(jm_opts.csv_sep);
	jm_lines_before_block = jm_out_flush;
	return in;
}

static int
file_index(const char *file)
{
	int i;

	for (i = 0; file && i < jm_opts.nfiles; i++)
		if (jm_opts.files[i] == file)
			return i;
	return -1;
}

void
jm_in_spool(struct jm_in *in, void (*each)(const struct jm_rec *, void *),
    void *ctx)
{
	struct jm_rec r;
	FILE *f = tmpfile();
	const char *t;
	size_t n;

	if (!f)
		jm_die(_("cannot make a spool file: %s"), strerror(errno));
	while (jm_in_next(in, &r)) {
		each(&r, ctx);
		fprintf(f, "%d %ld %d %d ", file_index(r.file), r.line,
		    r.failed, r.unsaid);
		t = jm_json_text(r.obj, &n);
		fwrite(t, 1, n, f);
		putc('\n', f);
		jm_rec_free(&r);
	}
	if (fflush(f) != 0 || ferror(f) || fseek(f, 0, SEEK_SET) != 0)
		jm_die(_("spool file: %s"), strerror(errno));
	in->spool = f;
}

/* A record read back from the spool (jm wrote it: it is well-formed). */
static int
unspool(struct jm_in *in, struct jm_rec *r)
{
	int fi, failed, unsaid, off = 0;

	if (getline(&in->sline, &in->scap, in->spool) <= 0)
		return 0;
	json_tokener_reset(in->tok);
	if (sscanf(in->sline, "%d %ld %d %d %n", &fi, &r->line, &failed,
	    &unsaid, &off) != 4 || !(r->obj = json_tokener_parse_ex(in->tok,
	    in->sline + off, (int)strlen(in->sline + off) + 1)))
		jm_die(_("spool file: unreadable"));
	r->file = fi >= 0 && fi < jm_opts.nfiles ? jm_opts.files[fi] : NULL;
	r->failed = failed;
	r->unsaid = unsaid;
	return 1;
}

int
jm_in_next(struct jm_in *in, struct jm_rec *r)
{
	struct jm_line ln;

	memset(r, 0, sizeof *r);
	if (in->spool)
		return unspool(in, r);
	if (in->csv)
		return jm_csv_next(in->csv, in->lines, r);
	while (jm_lines_next(in->lines, &ln)) {
		if (!ln.too_long && blank(ln.s, ln.len))
			continue;
		return parse_json(in, &ln, r);
	}
	return 0;
}

int
jm_in_ready(struct jm_in *in)
{
	if (in->spool)
		return !feof(in->spool);
	return jm_lines_ready(in->lines);
}

void
jm_in_close(struct jm_in *in)
{
	if (!in)
		return;
	jm_lines_close(in->lines);
	json_tokener_free(in->tok);
	if (in->spool)
		fclose(in->spool);
	free(in->sline);
	jm_csv_free(in->csv);
	free(in);
}

void
jm_rec_free(struct jm_rec *r)
{
	json_object_put(r->obj);
	r->obj = NULL;
	jm_raw_free(r->raw);
	r->raw = NULL;
}

const char *
jm_rec_who(json_object *o, char *buf, size_t sz)
{
	json_object *v;
	char m[40];

	buf[0] = '\0';
	if (jm_json_get(o, "id_no", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0)
		snprintf(buf, sz, "%s", jm_mask_id(json_object_get_string(v),
		    m));
	else if (jm_json_get(o, "birth_cert_no", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(buf, sz, _("newborn %s"), json_object_get_string(v));
	return buf;
}

/* One line on stderr; what came from the input cannot drive a terminal. */
static void
vsay(const struct jm_rec *r, const char *prefix, const char *fmt, va_list ap)
{
	char who[96], msg[2048], safe[2048];

	fflush(stdout);
	fprintf(stderr, "%s: %s%s:%ld: ", jm_prog, prefix, r->file ? r->file :
	    "<stdin>", r->line);
	if (r->obj && *jm_rec_who(r->obj, who, sizeof who))
		fprintf(stderr, "%s: ", jm_terminal_text(who, safe,
		    sizeof safe));
	vsnprintf(msg, sizeof msg, fmt, ap);
	fprintf(stderr, "%s\n", jm_terminal_text(msg, safe, sizeof safe));
}

void
jm_rec_say(const struct jm_rec *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(r, "", fmt, ap);
	va_end(ap);
}

void
jm_rec_warn(const struct jm_rec *r, const char *fmt, ...)
{
	va_list ap;

	if (jm_quiet)
		return;
	va_start(ap, fmt);
	vsay(r, _("warning: "), fmt, ap);
	va_end(ap);
}

void
jm_rec_error(struct jm_rec *r, const char *code, const char *fmt, ...)
{
	json_object *e = json_object_new_object();
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = message(fmt, ap);
	va_end(ap);
	json_object_object_add(e, "tool", json_object_new_string(jm_prog));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	if (r->file)
		json_object_object_add(e, "file",
		    json_object_new_string(r->file));
	json_object_object_add(e, "line", json_object_new_int64(r->line));
	json_object_object_add(r->obj, "error", e);
	r->failed = 1;
	jm_rec_say(r, "%s", msg);
	jm_exit_note(JM_EXIT_FAIL);
	free(msg);
}

int
jm_rec_passes(struct jm_rec *r)
{
	json_object *e, *t;

	if (!jm_json_get(r->obj, "error", &e))
		return 0;
	/* a line that never was a record has nothing to try again */
	if (json_object_object_length(r->obj) == 1)
		return 1;
	if (jm_json_get(e, "tool", &t) &&
	    json_object_is_type(t, json_type_string) &&
	    strcmp(json_object_get_string(t), jm_prog) == 0 &&
	    !r->failed) {
		json_object_object_del(r->obj, "error");
		return 0;
	}
	return 1;
}

/* A stale owned key becomes null where it stands, so that the new one
 * takes its place; a null still there when the record is written out
 * (the step failed) is dropped. */
static void
stale(struct jm_rec *r, const char *owns)
{
	if (owns && jm_json_get(r->obj, owns, NULL))
		json_object_object_add(r->obj, owns, NULL);
}

int
jm_rec_mine(struct jm_rec *r, const char *owns)
{
	if (r->failed || jm_rec_passes(r))
		return 0;
	stale(r, owns);
	return 1;
}

static FILE *out;
static int out_tty;

/* "-o x x" would empty the input before reading it. */
static void
not_an_input(const char *out)
{
	struct stat a, b;
	int i;

	if (stat(out, &a) < 0)
		return;
	for (i = 0; i < jm_opts.nfiles; i++)
		if (stat(jm_opts.files[i], &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			jm_die_status(JM_EXIT_USAGE, _("--output %s is also an "
			    "input file"), out);
}

void
jm_out_open(void)
{
	static char buf[64 * 1024];
	int fd;

	if (out)
		return;
	if (jm_opts.output && strcmp(jm_opts.output, "-") != 0) {
		not_an_input(jm_opts.output);
		fd = open(jm_opts.output, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			jm_die("%s: %s", jm_opts.output, strerror(errno));
		close(fd);
	}
	out = stdout;
	out_tty = isatty(STDOUT_FILENO);
	if (!out_tty)
		setvbuf(out, buf, _IOFBF, sizeof buf);
}

/* One line of JSON out, s[0..n). */
static void
out_line(const char *s, size_t n)
{
	if (!out)
		jm_out_open();
	fwrite(s, 1, n, out);
	putc('\n', out);
	if (out_tty)
		fflush(out);
}

void
jm_out_json(json_object *o)
{
	size_t n;
	const char *s = jm_json_text(o, &n);

	out_line(s, n);
}

void
jm_out_rec(const struct jm_rec *r)
{
	size_t n;
	const char *s = jm_json_text_raw(r->obj, r->raw, &n);

	out_line(s, n);
}

void
jm_out_text(const char *s)
{
	if (!out)
		jm_out_open();
	fputs(s, out);
	if (out_tty)
		fflush(out);
}

void
jm_out_flush(void)
{
	if (out && fflush(out) != 0)
		jm_die(_("write error: %s"), strerror(errno));
}

static void
emit(const struct jm_step *st, struct jm_rec *r)
{
	json_object *v;

	if (st->owns && jm_json_get(r->obj, st->owns, &v) && !v)
		json_object_object_del(r->obj, st->owns);
	if (st->emit)
		st->emit(r, st->ctx);
	else
		jm_out_rec(r);
}

static void
handle(const struct jm_step *st, struct jm_rec *r)
{
	json_object *e, *m;

	if (r->unsaid) {
		jm_json_get(r->obj, "error", &e);
		jm_json_get(e, "message", &m);
		jm_rec_say(r, "%s", json_object_get_string(m));
		r->unsaid = 0;
	} else if (st->one && !r->failed && !jm_rec_passes(r)) {
		stale(r, st->owns);
		st->one(r, st->ctx);
	}
}

/* Records are handled a batch at a time: as many as are already buffered,
 * so a pipeline streams while a file is committed in few transactions. */
void
jm_run(struct jm_in *in, const struct jm_step *st)
{
	size_t max = st->batch ? st->batch : JM_BATCH, n, i;
	const char *t = getenv("JM_TEST_BATCH");	/* smaller, for tests */
	struct jm_rec *b;

	if (t && atoi(t) > 0 && (size_t)atoi(t) < max)
		max = (size_t)atoi(t);
	b = jm_calloc(max, sizeof *b);

	for (;;) {
		n = 0;
		while (n < max && (n == 0 || jm_in_ready(in)) &&
		    jm_in_next(in, &b[n]))
			n++;
		if (n == 0)
			break;
		if (st->begin)
			st->begin(st->ctx);
		if (st->prepare)
			st->prepare(b, n, st->ctx);
		for (i = 0; i < n; i++)
			handle(st, &b[i]);
		if (st->commit)
			st->commit(st->ctx);
		for (i = 0; i < n; i++) {
			emit(st, &b[i]);
			jm_rec_free(&b[i]);
		}
	}
	free(b);
}
