/* server.c - the sandbox served over HTTP with libmicrohttpd (jm-sandbox
 * --listen): the operations of jm_op_defs, one request each, committed in
 * groups by one database thread, so that concurrent clients share fsyncs;
 * faults injected for tests */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>

#include "clock.h"
#include "http.h"
#include "retry.h"
#include "server.h"
#include "stream.h"
#include "util.h"

#define MAX_BODY (1024 * 1024)	/* bytes of one request */
#define MAX_GROUP 256		/* requests committed together */

struct job {
	const struct jm_op_def *d;
	json_object *req, *resp;
	char *now, *today;	/* a test's clock (--test-clock) */
	struct jm_perr err;
	int drop, done;
	struct MHD_Connection *conn;
	struct job *next;
	struct timespec t0;
};

/* What one connection carries between the calls of the handler. */
struct conn {
	struct jm_buf body;
	int too_big;
	struct job *job;
};

static struct {
	struct jm_platform *p;
	struct jm_faults f;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int stop, test_clock;
	unsigned long long rng;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

int
jm_faults_parse(const char *spec, struct jm_faults *f, char *msg, size_t sz)
{
	char *s = jm_strdup(spec), *tok, *save = NULL, *eq;
	int rc = 0;

	memset(f, 0, sizeof *f);
	f->seed = 1;
	for (tok = strtok_r(s, ",", &save); tok && !rc;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!(eq = strchr(tok, '='))) {
			rc = -1;
			break;
		}
		*eq++ = '\0';
		if (!strcmp(tok, "drop-after-commit"))
			f->drop_after_commit = atof(eq);
		else if (!strcmp(tok, "drop-first"))
			f->drop_first = atol(eq);
		else if (!strcmp(tok, "error-503"))
			f->error_503 = atof(eq);
		else if (!strcmp(tok, "delay-ms"))
			f->delay_ms = atol(eq);
		else if (!strcmp(tok, "seed"))
			f->seed = strtoull(eq, NULL, 10) | 1;
		else
			rc = -1;
	}
	if (rc || f->drop_after_commit < 0 || f->drop_after_commit > 1 ||
	    f->drop_first < 0 || f->error_503 < 0 || f->error_503 > 1 ||
	    f->delay_ms < 0 ||
	    f->delay_ms > 60000) {
		snprintf(msg, sz, _("'%s': faults are drop-after-commit=P, "
		    "drop-first=N, error-503=P (P from 0 to 1), delay-ms=N, "
		    "seed=N"), spec);
		rc = -1;
	}
	free(s);
	return rc;
}

/* A fault happens with probability p, from a seeded xorshift. */
static int
chance(double p)
{
	double x;

	if (p <= 0)
		return 0;
	pthread_mutex_lock(&S.mu);
	S.rng ^= S.rng << 13;
	S.rng ^= S.rng >> 7;
	S.rng ^= S.rng << 17;
	x = (double)(S.rng >> 11) / 9007199254740992.0;
	pthread_mutex_unlock(&S.mu);
	return x < p;
}

/* The first drop-first=N payments are dropped whatever the odds, so a
 * test surely meets the fault however the threads draw their chances. */
static int
dropped_first(void)
{
	int yes;

	pthread_mutex_lock(&S.mu);
	if ((yes = S.f.drop_first > 0))
		S.f.drop_first--;
	pthread_mutex_unlock(&S.mu);
	return yes;
}

static unsigned int
status_of(const struct jm_perr *e)
{
	if (!e->code)
		return MHD_HTTP_OK;
	if (e->temporary)
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	if (!strcmp(e->code, "NO_SESSION") || !strcmp(e->code,
	    "SESSION_EXPIRED"))
		return MHD_HTTP_UNAUTHORIZED;
	if (!strcmp(e->code, "NOT_FOUND") || !strcmp(e->code, "NOT_OFFERED"))
		return MHD_HTTP_NOT_FOUND;
	if (!strcmp(e->code, "IDEMPOTENCY_CONFLICT"))
		return MHD_HTTP_CONFLICT;
	if (!strcmp(e->code, "PLATFORM_ERROR"))
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (!strcmp(e->code, "TOO_LARGE"))
		return MHD_HTTP_CONTENT_TOO_LARGE;
	return MHD_HTTP_UNPROCESSABLE_CONTENT;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned int status, json_object *body)
{
	const char *s = json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(s),
	    (void *)s, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE ||
	    status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(r, "Retry-After", "1");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "POST");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static json_object *
error_body(const struct jm_perr *e)
{
	json_object *o = json_object_new_object(), *err;

	err = json_object_new_object();
	json_object_object_add(err, "code", json_object_new_string(e->code));
	json_object_object_add(err, "message", json_object_new_string(e->msg));
	json_object_object_add(o, "error", err);
	return o;
}

/* One line per request, no ID number in it. */
static void
log_line(struct MHD_Connection *c, const char *method, const char *path,
    unsigned int status, const char *code, const struct timespec *t0)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[64] = "?";
	struct timespec t1;
	double ms;

	if (ci && ci->client_addr)
		getnameinfo(ci->client_addr, ci->client_addr->sa_family ==
		    AF_INET6 ? sizeof(struct sockaddr_in6) :
		    sizeof(struct sockaddr_in), host, sizeof host, NULL, 0,
		    NI_NUMERICHOST);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
	fprintf(stderr, "%s: %s %.10s %s %u%s%s %.1fms\n", jm_prog, host,
	    method, path, status, code ? " " : "", code ? code : "", ms);
}

/* A group that only reads takes no write lock: quotes are answered while
 * another program writes the sandbox. */
static int
begin_group(struct job *g)
{
	int write = 0;

	for (; g; g = g->next)
		write |= g->d->write;
	return S.p->ops->begin ? S.p->ops->begin(S.p, write) : 0;
}

static void
run_group(struct job *g)
{
	struct job *j;
	jm_op_fn *fn;
	int began = begin_group(g);

	for (j = g; j; j = j->next) {
		if (began < 0) {
			jm_perr_set(&j->err, "UNAVAILABLE", _("the platform is "
			    "busy: try again"));
			j->err.temporary = 1;
			continue;
		}
		fn = jm_op_fn_of(S.p->ops, j->d);
		if (S.test_clock && jm_clock_override(j->now, j->today) < 0)
			jm_perr_set(&j->err, "BAD_VALUE", _("the test clock "
			    "is malformed"));
		else if (!fn)
			jm_perr_set(&j->err, "NOT_OFFERED", _("'%s' is not "
			    "offered"), j->d->name);
		else
			jm_op_run(S.p, fn, j->req, &j->resp, &j->err);
	}
	jm_clock_override(NULL, NULL);
	if (began == 0 && S.p->ops->commit && S.p->ops->commit(S.p) < 0)
		for (j = g; j; j = j->next) {
			json_object_put(j->resp);
			j->resp = NULL;
			jm_perr_set(&j->err, "UNAVAILABLE", _("the commit "
			    "failed: try again"));
			j->err.temporary = 1;
		}
}

/* The database thread: whatever has come, in one transaction, one fsync;
 * then every connection of the group is answered. */
static void *
db_thread(void *arg)
{
	struct job *g, *j, *next;
	int n;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&S.mu);
		while (!S.head && !S.stop)
			pthread_cond_wait(&S.cv, &S.mu);
		if (!S.head && S.stop) {
			pthread_mutex_unlock(&S.mu);
			return NULL;
		}
		g = S.head;
		for (j = g, n = 1; j->next && n < MAX_GROUP; j = j->next, n++)
			;
		S.head = j->next;
		if (!S.head)
			S.tail = NULL;
		j->next = NULL;
		pthread_mutex_unlock(&S.mu);
		run_group(g);
		for (j = g; j; j = next) {
			next = j->next;
			j->drop = !strcmp(j->d->name, "pay") &&
			    (dropped_first() || chance(S.f.drop_after_commit));
			j->done = 1;
			MHD_resume_connection(j->conn);
		}
	}
}

static void
enqueue(struct job *j)
{
	pthread_mutex_lock(&S.mu);
	if (S.tail)
		S.tail->next = j;
	else
		S.head = j;
	S.tail = j;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mu);
}

/* The request: the body, with the token and the key of the headers. */
static json_object *
request(struct MHD_Connection *c, struct conn *cc, struct jm_perr *e)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization");
	const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Idempotency-Key");
	json_object *req;
	char msg[256];

	if (cc->too_big) {
		jm_perr_set(e, "TOO_LARGE", _("a request has at most %d "
		    "bytes"), MAX_BODY);
		return NULL;
	}
	if (!(req = jm_json_parse(cc->body.s ? cc->body.s : "{}",
	    cc->body.len ? cc->body.len : 2, msg, sizeof msg))) {
		jm_perr_set(e, "BAD_JSON", "%s", msg);
		return NULL;
	}
	json_object_object_del(req, "token");
	json_object_object_del(req, "key");
	if (auth && !strncmp(auth, "Bearer ", 7))
		json_object_object_add(req, "token",
		    json_object_new_string(auth + 7));
	if (key)
		json_object_object_add(req, "key", json_object_new_string(key));
	return req;
}

static void
test_clock(struct MHD_Connection *c, struct job *j)
{
	const char *now = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "JM-Test-Now");
	const char *today = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "JM-Test-Today");

	if (!S.test_clock)
		return;
	j->now = now ? jm_strdup(now) : NULL;
	j->today = today ? jm_strdup(today) : NULL;
}

/* The first call for a request: check it, queue it, wait (suspended). */
static enum MHD_Result
start(struct MHD_Connection *c, struct conn *cc, const char *url,
    const char *method)
{
	const struct jm_op_def *d = strncmp(url, "/v1/", 4) ? NULL :
	    jm_op_def(url + 4);
	struct jm_perr e = {0};
	struct timespec t0;
	json_object *req = NULL, *body;
	enum MHD_Result rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (strcmp(method, "POST"))
		jm_perr_set(&e, "NOT_OFFERED", _("every operation is a POST"));
	else if (!d)
		jm_perr_set(&e, "NOT_OFFERED", _("no operation %.60s"), url);
	else if (chance(S.f.error_503)) {
		jm_perr_set(&e, "UNAVAILABLE", _("injected fault: try again"));
		e.temporary = 1;
	} else if ((req = request(c, cc, &e))) {
		if (S.f.delay_ms)
			jm_sleep_ms(S.f.delay_ms);
		cc->job = jm_calloc(1, sizeof *cc->job);
		*cc->job = (struct job){.d = d, .req = req, .conn = c,
		    .t0 = t0};
		test_clock(c, cc->job);
		MHD_suspend_connection(c);
		enqueue(cc->job);
		return MHD_YES;
	}
	body = error_body(&e);
	rc = answer(c, strcmp(method, "POST") ? MHD_HTTP_METHOD_NOT_ALLOWED :
	    status_of(&e), body);
	log_line(c, method, url, strcmp(method, "POST") ? 405 : status_of(&e),
	    e.code, &t0);
	json_object_put(body);
	return rc;
}

/* The last call: the group is committed; answer, or drop (a fault). */
static enum MHD_Result
finish(struct MHD_Connection *c, struct conn *cc, const char *url)
{
	struct job *j = cc->job;
	json_object *body;
	unsigned int status = status_of(&j->err);
	enum MHD_Result rc;

	if (j->drop) {
		log_line(c, "POST", url, 0, "DROPPED_AFTER_COMMIT", &j->t0);
		return MHD_NO;	/* the connection closes unanswered */
	}
	body = j->err.code ? error_body(&j->err) : json_object_get(j->resp);
	rc = answer(c, status, body);
	log_line(c, "POST", url, status, j->err.code, &j->t0);
	json_object_put(body);
	return rc;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct conn *cc = *con_cls;

	(void)cls;
	(void)version;
	if (!cc) {
		*con_cls = jm_calloc(1, sizeof(struct conn));
		return MHD_YES;
	}
	if (*size) {
		if (cc->body.len + *size > MAX_BODY)
			cc->too_big = 1;
		else
			jm_buf_add(&cc->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (cc->job && cc->job->done)
		return finish(c, cc, url);
	if (cc->job)
		return MHD_YES;
	return start(c, cc, url, method);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct conn *cc = *con_cls;

	(void)cls;
	(void)c;
	(void)why;
	if (!cc)
		return;
	if (cc->job) {
		free(cc->job->now);
		free(cc->job->today);
		json_object_put(cc->job->req);
		json_object_put(cc->job->resp);
		free(cc->job);
	}
	jm_buf_free(&cc->body);
	free(cc);
	*con_cls = NULL;
}

/* ADDR:PORT, [V6]:PORT: the address to bind, and whether it is loopback. */
static int
resolve(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
    char *host, size_t hsz)
{
	struct addrinfo hints = {0}, *ai;
	const char *colon = strrchr(spec, ':');
	char port[16];

	if (!colon || colon == spec || strlen(colon + 1) >= sizeof port)
		return -1;
	snprintf(host, hsz, "%.*s", (int)(colon - spec), spec);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	snprintf(port, sizeof port, "%s", colon + 1);
	hints.ai_flags = AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int
loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr)
		    >> 24) == 127;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr);
}

static struct MHD_Daemon *
start_daemon(struct sockaddr_storage *ss)
{
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
}

int
jm_serve(struct jm_platform *p, const char *addr, int allow_remote,
    const struct jm_faults *f)
{
	S.test_clock = f->test_clock;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	pthread_t db;
	socklen_t len;
	sigset_t set;
	char host[256];
	int sig;

	if (resolve(addr, &ss, &len, host, sizeof host) < 0)
		jm_die_status(JM_EXIT_USAGE, _("--listen: '%s' is not "
		    "ADDR:PORT"), addr);
	if (!loopback(&ss) && !allow_remote)
		jm_die_status(JM_EXIT_USAGE, _("--listen: %s is not a loopback "
		    "address: give --allow-remote to serve the network"), addr);
	S.p = p;
	S.f = *f;
	S.rng = f->seed ? f->seed : 1;
	/* the signals are waited for by this thread alone */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&db, NULL, db_thread, NULL) != 0)
		jm_die(_("cannot start a thread: %s"), strerror(errno));
	if (!(d = start_daemon(&ss)))
		jm_die(_("cannot listen on %s: %s"), addr, strerror(errno));
	printf(strchr(host, ':') ? "http://[%s]:%u\n" : "http://%s:%u\n", host,
	    (unsigned int)MHD_get_daemon_info(d,
	    MHD_DAEMON_INFO_BIND_PORT)->port);
	fflush(stdout);
	jm_info(_("serving %s"), p->endpoint);
	sigdelset(&set, SIGPIPE);
	while (sigwait(&set, &sig) != 0)
		;
	jm_info(_("signal %d: finishing what has come, then stopping"), sig);
	MHD_quiesce_daemon(d);
	pthread_mutex_lock(&S.mu);
	S.stop = 1;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mu);
	pthread_join(db, NULL);
	jm_sleep_ms(100);	/* the last answers go out */
	MHD_stop_daemon(d);
	return JM_EXIT_OK;
}
