/* http.c - the platform over HTTP+JSON (jm-protocol.7), through libcurl:
 * the only file that includes it, and libcurl is opened with dlopen when
 * an http(s) endpoint is used, so other runs never pay for loading it */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "http.h"
#include "jsonio.h"
#include "opts.h"
#include "retry.h"
#include "session.h"
#include "stream.h"
#include "utf8.h"
#include "util.h"

#define MAX_BODY (64 * 1024 * 1024)	/* bytes of one response */

/* The libcurl functions jm uses, from dlsym. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	void (*easy_reset)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int,
	    int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
} C;

static void
load_curl(void)
{
	static int loaded;
	void *lib;

	if (loaded++)
		return;
	if (!(lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)))
		jm_die(_("cannot load libcurl for the HTTP platform: %s "
		    "(apt-get install libcurl4)"), dlerror());
#define SYM(f, name) if (!(*(void **)&C.f = dlsym(lib, name))) \
	jm_die(_("libcurl lacks %s"), name);
	SYM(global_init, "curl_global_init")
	SYM(easy_init, "curl_easy_init")
	SYM(easy_setopt, "curl_easy_setopt")
	SYM(easy_getinfo, "curl_easy_getinfo")
	SYM(easy_cleanup, "curl_easy_cleanup")
	SYM(easy_reset, "curl_easy_reset")
	SYM(easy_strerror, "curl_easy_strerror")
	SYM(slist_append, "curl_slist_append")
	SYM(slist_free_all, "curl_slist_free_all")
	SYM(multi_init, "curl_multi_init")
	SYM(multi_add_handle, "curl_multi_add_handle")
	SYM(multi_remove_handle, "curl_multi_remove_handle")
	SYM(multi_perform, "curl_multi_perform")
	SYM(multi_poll, "curl_multi_poll")
	SYM(multi_info_read, "curl_multi_info_read")
	SYM(multi_cleanup, "curl_multi_cleanup")
#undef SYM
	if (C.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		jm_die(_("libcurl cannot start"));
}

struct http {
	char *base;		/* the endpoint without a trailing / */
	int plain;		/* http:// to a loopback address */
	int down;		/* unreachable after retries: fail fast */
	char why[600];
	CURLM *multi;
	/* One handle per job at once, kept from one transfer to the next:
	 * libcurl's handle is some 20 allocations to make and free, a tenth
	 * of a request's time in the client. The connections stay in the
	 * multi handle's cache either way. */
	CURL **easy;
	char *busy;		/* easy[s] is sending a job */
	int njobs;
};

int
jm_http_loopback(const char *h)
{
	int a, b, c, d;
	char rest;

	if (!strcasecmp(h, "localhost") || !strcmp(h, "[::1]") ||
	    !strcmp(h, "::1"))
		return 1;
	return sscanf(h, "%d.%d.%d.%d%c", &a, &b, &c, &d, &rest) == 4 &&
	    a == 127 && b >= 0 && b < 256 && c >= 0 && c < 256 && d >= 0 &&
	    d < 256;
}

/* The host of scheme://host[:port]/..., "[v6]" kept whole. */
static char *
host_of(const char *url)
{
	const char *h = strstr(url, "://") + 3, *e;

	if (*h == '[')
		e = strchr(h, ']') ? strchr(h, ']') + 1 : h + strlen(h);
	else
		for (e = h; *e && *e != ':' && *e != '/' && *e != '?' &&
		    *e != '#'; e++)
			;
	return jm_strndup(h, (size_t)(e - h));
}

/* One request in flight, or waiting to be sent again. */
struct job {
	json_object *req, **resp;
	struct jm_perr *err;
	struct curl_slist *hdr;
	struct jm_buf body;
	char *payload, url[1024], ebuf[CURL_ERROR_SIZE];
	int tries, slot;
	long retry_after, not_before;	/* ms */
	int done;
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static size_t
on_body(char *p, size_t sz, size_t n, void *ctx)
{
	struct job *j = ctx;

	if (j->body.len + sz * n > MAX_BODY)
		return 0;	/* libcurl fails the transfer */
	jm_buf_add(&j->body, p, sz * n);
	return sz * n;
}

long
jm_http_retry_after(const char *p, size_t len)
{
	char num[16];
	size_t i = 12, k = 0;
	long s;

	if (len < 12 || strncasecmp(p, "Retry-After:", 12))
		return -1;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (i < len && k < sizeof num - 1 && isdigit((unsigned char)p[i]))
		num[k++] = p[i++];
	num[k] = '\0';
	if (!k)
		return 1000L;	/* an HTTP date: a second */
	s = k > 5 ? 99999 : atol(num);
	return (s > JM_HTTP_RETRY_AFTER_MAX ? JM_HTTP_RETRY_AFTER_MAX : s) *
	    1000L;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *ctx)
{
	struct job *j = ctx;
	long ms = jm_http_retry_after(p, sz * n);

	if (ms >= 0)
		j->retry_after = ms;
	return sz * n;
}

/* The body: the request without what travels in headers. */
static void
prepare(struct http *h, const struct jm_op_def *d, struct job *j)
{
	json_object *body = json_object_new_object(), *v;
	char line[256];

	json_object_object_foreach(j->req, k, val) {
		if (strcmp(k, "token") && strcmp(k, "key"))
			json_object_object_add(body, k, json_object_get(val));
	}
	free(j->payload);
	j->payload = jm_strdup(jm_json_text(body, NULL));
	json_object_put(body);
	snprintf(j->url, sizeof j->url, "%s/v1/%s", h->base, d->name);
	if (j->hdr)
		C.slist_free_all(j->hdr);
	j->hdr = C.slist_append(NULL, "Content-Type: application/json");
	j->hdr = C.slist_append(j->hdr, "Accept: application/json");
	if (json_object_object_get_ex(j->req, "token", &v)) {
		snprintf(line, sizeof line, "Authorization: Bearer %s",
		    json_object_get_string(v));
		j->hdr = C.slist_append(j->hdr, line);
	}
	/* the platform's clock is the server's; tests may send theirs */
	if (getenv("JM_NOW") && *getenv("JM_NOW")) {
		snprintf(line, sizeof line, "JM-Test-Now: %s", getenv("JM_NOW"));
		j->hdr = C.slist_append(j->hdr, line);
	} else if (getenv("JM_TODAY") && *getenv("JM_TODAY")) {
		snprintf(line, sizeof line, "JM-Test-Today: %s",
		    getenv("JM_TODAY"));
		j->hdr = C.slist_append(j->hdr, line);
	}
	if (json_object_object_get_ex(j->req, "key", &v)) {
		snprintf(line, sizeof line, "Idempotency-Key: %s",
		    json_object_get_string(v));
		j->hdr = C.slist_append(j->hdr, line);
	}
}

static void
setup(struct http *h, CURL *c, struct job *j)
{
	const char *proto = h->plain ? "http,https" : "https";

	C.easy_setopt(c, CURLOPT_URL, j->url);
	C.easy_setopt(c, CURLOPT_PROTOCOLS_STR, proto);
	C.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	C.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	C.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);	/* always */
	C.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	C.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	C.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(jm_opts.timeout < 10 ?
	    jm_opts.timeout : 10));
	C.easy_setopt(c, CURLOPT_TIMEOUT, (long)jm_opts.timeout);
	C.easy_setopt(c, CURLOPT_USERAGENT, "jm/" JM_VERSION);
	C.easy_setopt(c, CURLOPT_HTTPHEADER, j->hdr);
	C.easy_setopt(c, CURLOPT_POSTFIELDS, j->payload);
	C.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(j->payload));
	C.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	C.easy_setopt(c, CURLOPT_WRITEDATA, j);
	C.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	C.easy_setopt(c, CURLOPT_HEADERDATA, j);
	C.easy_setopt(c, CURLOPT_ERRORBUFFER, j->ebuf);
	C.easy_setopt(c, CURLOPT_PRIVATE, j);
	j->body.len = 0;
	j->ebuf[0] = '\0';
	j->retry_after = 0;
}

static void
fail(struct jm_perr *err, const char *url, long retry_after,
    const char *code, int temporary, long status, const char *what)
{
	if (status)
		jm_perr_set(err, code, "HTTP %ld: %s", status, what);
	else
		jm_perr_set(err, code, "POST %s: %s", url, what);
	err->temporary = temporary;
	err->retry_after_ms = retry_after;
}

/* What a server said, fit for one line of a message: UTF-8, no control
 * character, at most max bytes, cut between characters. */
static void
said(const char *s, size_t n, char *out, size_t max)
{
	char *t = jm_utf8_repair(s, n), *c;
	size_t len = strlen(t);

	for (c = t; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, t, len);
	out[len] = '\0';
	free(t);
}

int
jm_http_answer(const char *url, long status, const char *body, size_t len,
    long retry_after, json_object **resp, struct jm_perr *err)
{
	json_tokener *tok;
	json_object *o = NULL, *e = NULL, *v;
	char what[512];
	const char *code;
	size_t end;

	/* a whole document, no NUL in it, at most json-c's usual depth: read
	 * the records' way, or by json-c's tokener when that way is unsure */
	if (len && !(o = jm_json_fast(body, len, 0)) && len < INT_MAX &&
	    !memchr(body, '\0', len) && (tok = json_tokener_new())) {
		o = json_tokener_parse_ex(tok, body, (int)len);
		end = json_tokener_get_parse_end(tok);
		while (end < len && strchr(" \t\r\n", body[end]))
			end++;
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    end != len) {
			json_object_put(o);
			o = NULL;
		}
		json_tokener_free(tok);
	}
	if (status == 200 && o && json_object_is_type(o, json_type_object)) {
		*resp = o;
		return 0;
	}
	if (o && json_object_object_get_ex(o, "error", &e) &&
	    json_object_object_get_ex(e, "message", &v) &&
	    json_object_is_type(v, json_type_string))
		said(json_object_get_string(v), (size_t)json_object_get_string_len(v),
		    what, 200);
	else if (len)
		said(body, len > 200 ? 200 : len, what, 200);
	else
		snprintf(what, sizeof what, "(no body)");
	if (status == 200 || status == 429 || status >= 500)
		fail(err, url, retry_after, status == 200 ? "BAD_RESPONSE" :
		    "UNAVAILABLE", 1, status, what);
	else if (e && json_object_object_get_ex(e, "code", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(code = jm_intern_code(json_object_get_string(v)),
	    "BAD_RESPONSE"))
		/* the platform's refusal in its own words, as records carry
		 * it from the embedded sandbox */
		jm_perr_set(err, code, "%s", what);
	else
		fail(err, url, retry_after, "HTTP_ERROR", 0, status, what);
	json_object_put(o);
	return -1;
}

/* What came back: a response, the platform's refusal, or a failure
 * nobody can see the end of (temporary). */
static void
finished(struct job *j, CURLcode rc, long status)
{
	char what[600];

	if (rc != CURLE_OK) {
		snprintf(what, sizeof what, "(%d) %s", (int)rc, j->ebuf[0] ?
		    j->ebuf : C.easy_strerror(rc));
		fail(j->err, j->url, j->retry_after, "UNREACHABLE", 1, 0, what);
		return;
	}
	jm_http_answer(j->url, status, j->body.s, j->body.len, j->retry_after,
	    j->resp, j->err);
}

/* Start the jobs that may start: a free slot, and no wait pending. */
static void
start(struct http *h, struct job *jobs, size_t n, int *active,
    const struct jm_op_def *d, size_t *fast)
{
	size_t i;
	int s;
	long now = now_ms();

	for (i = 0; i < n && *active < h->njobs; i++) {
		if (!jobs[i].req || jobs[i].done || jobs[i].slot >= 0 ||
		    jobs[i].not_before > now)
			continue;
		if (h->down) {
			jm_perr_set(jobs[i].err, "UNREACHABLE", "%s", h->why);
			jobs[i].err->temporary = 1;
			jobs[i].done = 1;
			(*fast)++;
			continue;
		}
		for (s = 0; s < h->njobs; s++)
			if (!h->busy[s])
				break;
		if (h->easy[s])
			C.easy_reset(h->easy[s]);
		else if (!(h->easy[s] = C.easy_init()))
			jm_die(_("libcurl: out of memory"));
		h->busy[s] = 1;
		prepare(h, d, &jobs[i]);
		setup(h, h->easy[s], &jobs[i]);
		jobs[i].slot = s;
		C.multi_add_handle(h->multi, h->easy[s]);
		(*active)++;
	}
}

/* A transfer ended: done, or sent again later when that is safe. */
static void
ended(struct http *h, CURLMsg *m, const struct jm_op_def *d, int *active,
    size_t *done)
{
	struct job *j;
	long status = 0;

	C.easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
	C.easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	memset(j->err, 0, sizeof *j->err);
	finished(j, m->data.result, status);
	C.multi_remove_handle(h->multi, m->easy_handle);
	h->busy[j->slot] = 0;
	j->slot = -1;
	(*active)--;
	if (j->err->code && j->err->temporary && d->retry &&
	    ++j->tries < JM_RETRY_TRIES) {
		j->not_before = now_ms() + jm_backoff_ms(j->tries - 1,
		    j->retry_after);
		return;
	}
	if (j->err->code && j->err->temporary &&
	    !strcmp(j->err->code, "UNREACHABLE") && !h->down) {
		/* the rest of the run would only wait for the same answer */
		h->down = 1;
		snprintf(h->why, sizeof h->why, "%s", j->err->msg);
	}
	j->done = 1;
	(*done)++;
}

/* How long to wait for the transfers under way: until the next retry is
 * due at most, a second at most (jobs waiting for a slot wait for a
 * transfer to end, which wakes the poll). */
static long
next_wait(struct job *jobs, size_t n)
{
	long now = now_ms(), w = 1000;
	size_t i;

	for (i = 0; i < n; i++)
		if (jobs[i].req && !jobs[i].done && jobs[i].slot < 0 &&
		    jobs[i].not_before > now && jobs[i].not_before - now < w)
			w = jobs[i].not_before - now;
	return w;
}

static void
http_many(struct jm_platform *p, const struct jm_op_def *d, json_object **req,
    json_object **resp, struct jm_perr *err, size_t n)
{
	struct http *h = p->impl;
	struct job *jobs = jm_calloc(n, sizeof *jobs);
	size_t i, total = 0, done = 0, lo = 0;
	int active = 0, running, left, ending;
	CURLMsg *m;

	for (i = 0; i < n; i++) {
		jobs[i] = (struct job){.req = req[i], .resp = &resp[i],
		    .err = &err[i], .slot = -1};
		if (!req[i])
			continue;	/* answered before, or nothing to ask */
		resp[i] = NULL;
		memset(&err[i], 0, sizeof err[i]);
		total++;
	}
	jm_out_flush();	/* what is done goes downstream before we wait */
	while (done < total) {
		/* jobs end about in order: the ended ones are not looked at
		 * again (a batch of 1024 was scanned whole at every turn) */
		while (lo < n && (!jobs[lo].req || jobs[lo].done))
			lo++;
		start(h, jobs + lo, n - lo, &active, d, &done);
		if (done == total)
			break;
		C.multi_perform(h->multi, &running);
		ending = 0;
		while ((m = C.multi_info_read(h->multi, &left)))
			if (m->msg == CURLMSG_DONE) {
				ended(h, m, d, &active, &done);
				ending = 1;
			}
		/* a slot just came free: the next request goes out at once */
		if (done < total && !ending)
			C.multi_poll(h->multi, NULL, 0, (int)next_wait(jobs +
			    lo, n - lo), NULL);
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].hdr)
			C.slist_free_all(jobs[i].hdr);
		jm_buf_free(&jobs[i].body);
		free(jobs[i].payload);
	}
	free(jobs);
}

/* Each operation of the table goes through jm_call, which sends it. */
#define VIA(field, name) \
	static int \
	http_##field(struct jm_platform *p, json_object *req, \
	    json_object **resp, struct jm_perr *err) \
	{ \
		return jm_call(p, name, req, resp, err); \
	}
VIA(register_person, "register")
VIA(bind, "bind")
VIA(logout, "logout")
VIA(session, "session")
VIA(add_member, "member")
VIA(quote, "quote")
VIA(fixture, "fixture")
VIA(pay, "pay")
VIA(payment, "payment")
VIA(payments, "payments")
VIA(receipt, "receipt")
VIA(public_key, "public-key")
#undef VIA

static void
http_close(struct jm_platform *p)
{
	struct http *h = p->impl;
	int s;

	for (s = 0; s < h->njobs; s++)
		if (h->easy[s])
			C.easy_cleanup(h->easy[s]);
	C.multi_cleanup(h->multi);
	free(h->easy);
	free(h->busy);
	free(h->base);
	free(h);
}

static const struct jm_platform_ops http_ops = {
	.kind = "http",
	.close = http_close,
	.register_person = http_register_person,
	.bind = http_bind,
	.logout = http_logout,
	.session = http_session,
	.add_member = http_add_member,
	.quote = http_quote,
	.fixture = http_fixture,
	.pay = http_pay,
	.payment = http_payment,
	.payments = http_payments,
	.receipt = http_receipt,
	.public_key = http_public_key,
};

struct jm_platform *
jm_http_open(const char *url)
{
	struct jm_platform *p = jm_calloc(1, sizeof *p);
	struct http *h = jm_calloc(1, sizeof *h);
	char *host;
	size_t n;

	h->plain = strncmp(url, "http://", 7) == 0;
	host = host_of(url);
	if (!*host || strchr(host, '@') || (h->plain &&
	    !jm_http_loopback(host)))
		jm_die_status(JM_EXIT_USAGE, _("%s: plain http is only for a "
		    "loopback address (127.0.0.1, ::1, localhost): use "
		    "https"), url);
	free(host);
	load_curl();
	h->base = jm_strdup(url);
	n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->njobs = jm_opts.jobs > 0 ? jm_opts.jobs : 1;
	h->easy = jm_calloc((size_t)h->njobs, sizeof *h->easy);
	h->busy = jm_calloc((size_t)h->njobs, 1);
	if (!(h->multi = C.multi_init()))
		jm_die(_("libcurl: out of memory"));
	p->ops = &http_ops;
	p->endpoint = jm_strdup(h->base);
	p->impl = h;
	p->many = http_many;
	return p;
}
