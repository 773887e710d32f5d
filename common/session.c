/* session.c - the payer's session from jm-bind, kept in the state folder */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "clock.h"
#include "files.h"
#include "paths.h"
#include "session.h"
#include "util.h"

#define FIELDS(X) X(payer) X(name) X(phone) X(token) X(endpoint) \
	X(expires_at) X(bound_at)

static char *
field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return jm_strdup(json_object_get_string(v));
}

/* The session's file, its folder not made (jm_path makes it, to save). */
static char *
session_path(void)
{
	return jm_asprintf("%s/session", jm_dir_name(JM_DIR_STATE));
}

int
jm_session_load(struct jm_session *s)
{
	char *path = session_path();
	json_object *o;

	memset(s, 0, sizeof *s);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (!(o = json_object_from_file(path)) ||
	    !json_object_is_type(o, json_type_object))
		jm_die(_("%s: not a session file (remove it and bind again)"),
		    path);
#define GET(k) s->k = field(o, #k);
	FIELDS(GET)
#undef GET
	json_object_put(o);
	if (!s->payer || !s->token || !s->endpoint)
		jm_die(_("%s: not a session file (remove it and bind again)"),
		    path);
	free(path);
	return 1;
}

void
jm_session_save(const struct jm_session *s)
{
	char *path = jm_path(JM_DIR_STATE, "session"), *line;
	json_object *o = json_object_new_object();

#define PUT(k) if (s->k) json_object_object_add(o, #k, \
	json_object_new_string(s->k));
	FIELDS(PUT)
#undef PUT
	line = jm_asprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	if (jm_file_write(path, line, strlen(line), NULL, NULL) < 0)
		jm_die("%s: %s", path, strerror(errno));
	json_object_put(o);
	free(line);
	free(path);
}

int
jm_session_remove(void)
{
	char *path = session_path();
	int rc = unlink(path);

	if (rc < 0 && errno != ENOENT)
		jm_die("%s: %s", path, strerror(errno));
	free(path);
	return rc == 0;
}

void
jm_session_free(struct jm_session *s)
{
#define FREE(k) free(s->k);
	FIELDS(FREE)
#undef FREE
	memset(s, 0, sizeof *s);
}

/* Why a session gives no token for endpoint, or NONE when it does. An
 * expired session is none: the platform would refuse it. */
enum { NONE, ELSEWHERE, EXPIRED };

static int
unusable(const struct jm_session *s, const char *endpoint)
{
	time_t t;

	if (strcmp(s->endpoint, endpoint) != 0)
		return ELSEWHERE;
	if (s->expires_at && jm_parse_rfc3339(s->expires_at, &t) == 0 &&
	    t <= jm_now())
		return EXPIRED;
	return NONE;
}

/* The same file, unchanged since b was taken: jm-bind saves by rename. */
static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Read again while there is none: in a pipeline, jm-bind saves the
 * session only when its first batch is committed. A file found unusable
 * (another platform's, expired) is read again only once it has changed:
 * jm-receipt asks before every request. */
const char *
jm_session_token(const char *endpoint)
{
	static struct jm_session s;
	static struct stat bad;
	static int have;
	struct stat st = {0};	/* none: never the same as a file's */
	char *path;
	int same;

	if (have)
		return s.token;
	path = session_path();
	same = stat(path, &st) == 0 && same_file(&st, &bad);
	free(path);
	if (!same && jm_session_load(&s)) {
		if (unusable(&s, endpoint) == NONE)
			have = 1;
		else {
			bad = st;
			jm_session_free(&s);
		}
	}
	return have ? s.token : NULL;
}

/* Asked once a run (for each record without a session, the same). */
const char *
jm_session_why(const char *endpoint)
{
	static char *asked, why[512];
	struct jm_session s;

	if (asked && !strcmp(asked, endpoint))
		return why[0] ? why : NULL;
	free(asked);
	asked = jm_strdup(endpoint);
	why[0] = '\0';
	if (!jm_session_load(&s))
		return NULL;
	switch (unusable(&s, endpoint)) {
	case ELSEWHERE:
		snprintf(why, sizeof why, _("the session on file is for %s, "
		    "not %s"), s.endpoint, endpoint);
		break;
	case EXPIRED:
		snprintf(why, sizeof why, _("the session on file expired at "
		    "%s"), s.expires_at);
		break;
	}
	jm_session_free(&s);
	return why[0] ? why : NULL;
}
