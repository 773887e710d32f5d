/* opts.c - shared options (argp child), config file and environment */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "opts.h"
#include "paths.h"
#include "util.h"

static void
version(FILE *f, struct argp_state *state)
{
	(void)state;
	fprintf(f, "%s (jm) %s\n", jm_prog, JM_VERSION);
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = version;

struct jm_opts jm_opts = {
	.format = "json",
	.formats = "json,text",
	.csv_sep = ',',
};
int jm_opts_no_files;

static const char *opt_endpoint, *opt_timeout, *opt_jobs;

enum {
	OPT_ENDPOINT = 0x100,
	OPT_TIMEOUT,
	OPT_FORMAT,
	OPT_CSV,
	OPT_CSV_SEP,
};

static const struct argp_option options[] = {
	{NULL, 0, NULL, 0, N_("Options every jm program takes:"), -1},
	{"endpoint", OPT_ENDPOINT, N_("URL"), 0,
	    N_("platform: sandbox:[PATH] (default) or https://HOST/..."), -1},
	{"timeout", OPT_TIMEOUT, N_("SECS"), 0,
	    N_("seconds per platform request (default 30)"), -1},
	{"format", OPT_FORMAT, N_("FMT"), 0,
	    N_("output format (json, text, ...: see the manual)"), -1},
	{"output", 'o', N_("FILE"), 0, N_("write to FILE instead of stdout"),
	    -1},
	{"csv", OPT_CSV, NULL, 0, N_("input is a CSV roster, not JSON Lines"),
	    -1},
	{"csv-sep", OPT_CSV_SEP, N_("C"), 0,
	    N_("CSV field separator: , ; | or tab (default ,)"), -1},
	{"jobs", 'j', N_("N"), 0,
	    N_("concurrent platform requests (default 1)"), -1},
	{"quiet", 'q', NULL, 0, N_("hide warnings (errors are still shown)"),
	    -1},
	{"verbose", 'v', NULL, 0, N_("say more on stderr"), -1},
	{0},
};

long
jm_parse_long(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	return v;
}

static int
format_ok(const char *f)
{
	const char *p = jm_opts.formats;
	size_t n = strlen(f);

	while (p && *p) {
		if (strncmp(p, f, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return n > 0;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static int
endpoint_ok(const char *e)
{
	return strncmp(e, "sandbox:", 8) == 0 || strcmp(e, "sandbox") == 0 ||
	    strncmp(e, "https://", 8) == 0 || strncmp(e, "http://", 7) == 0;
}

static char
parse_sep(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 ||
	    strcmp(s, "\t") == 0)
		return '\t';
	if (strlen(s) == 1 && strchr(",;|", s[0]))
		return s[0];
	return 0;
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_ENDPOINT:
		if (!endpoint_ok(arg))
			argp_error(state, _("--endpoint: '%s' is neither "
			    "sandbox:[PATH] nor an http(s) URL"), arg);
		opt_endpoint = arg;
		break;
	case OPT_TIMEOUT:
		if (jm_parse_long(arg, 1, 3600) < 0)
			argp_error(state, _("--timeout: '%s' is not a number "
			    "of seconds from 1 to 3600"), arg);
		opt_timeout = arg;
		break;
	case OPT_FORMAT:
		if (!format_ok(arg))
			argp_error(state, _("--format: '%s' is not one of "
			    "%s"), arg, jm_opts.formats);
		jm_opts.format = arg;
		jm_opts.format_set = 1;
		break;
	case 'o':
		jm_opts.output = arg;
		break;
	case OPT_CSV:
		jm_opts.csv = 1;
		break;
	case OPT_CSV_SEP:
		if (!(jm_opts.csv_sep = parse_sep(arg)))
			argp_error(state, _("--csv-sep: '%s' is not one of "
			    ", ; | tab"), arg);
		break;
	case 'j':
		if (jm_parse_long(arg, 1, 64) < 0)
			argp_error(state, _("--jobs: '%s' is not a number "
			    "from 1 to 64"), arg);
		opt_jobs = arg;
		break;
	case 'q':
		jm_quiet = 1;
		break;
	case 'v':
		jm_verbose++;
		break;
	case ARGP_KEY_ARG:
		if (jm_opts_no_files)
			argp_error(state, _("unexpected argument '%s'"), arg);
		jm_opts.files = state->argv + state->next - 1;
		jm_opts.nfiles = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp jm_common_argp = {options, parse_opt, NULL, NULL, NULL,
    NULL, NULL};

/* The config file: key = value lines, # comments. */
static char **conf_keys, **conf_vals;
static int nconf, conf_loaded;

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void
load_config(void)
{
	char *path, *line = NULL, *eq, *k, *v, *p;
	size_t cap = 0;
	int lineno = 0;
	FILE *f;

	conf_loaded = 1;
	path = jm_asprintf("%s/config", jm_dir_name(JM_DIR_CONFIG));
	if (!(f = fopen(path, "r"))) {
		if (errno != ENOENT)
			jm_die("%s: %s", path, strerror(errno));
		free(path);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		k = trim(line);
		if (*k == '#' || *k == '\0')
			continue;
		if (!(eq = strchr(k, '='))) {
			jm_warn(_("%s:%d: not a 'key = value' line"), path,
			    lineno);
			continue;
		}
		*eq = '\0';
		k = trim(k);
		v = eq + 1;
		/* a comment after the value: "timeout = 10  # seconds" */
		for (p = v; (p = strchr(p, '#')); p++)
			if (p > v && isspace((unsigned char)p[-1])) {
				*p = '\0';
				break;
			}
		v = trim(v);
		conf_keys = jm_realloc(conf_keys, (nconf + 1) * sizeof *conf_keys);
		conf_vals = jm_realloc(conf_vals, (nconf + 1) * sizeof *conf_vals);
		conf_keys[nconf] = jm_strdup(k);
		conf_vals[nconf++] = jm_strdup(v);
	}
	free(line);
	fclose(f);
	free(path);
}

const char *
jm_config(const char *key)
{
	char env[64], *p;
	const char *e, *c = NULL;
	int i;

	snprintf(env, sizeof env, "JM_%s", key);
	for (p = env; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!conf_loaded)
		load_config();
	for (i = 0; i < nconf; i++)
		if (strcmp(conf_keys[i], key) == 0)
			c = conf_vals[i];
	e = getenv(env);
	if (e && *e) {
		if (c && strcmp(c, e) != 0)
			jm_info(_("%s=%s overrides '%s = %s' in the config"),
			    env, e, key, c);
		return e;
	}
	return c;
}

static const char *
setting(const char *opt, const char *key)
{
	return opt ? opt : jm_config(key);
}

void
jm_opts_resolve(void)
{
	const char *e = setting(opt_endpoint, "endpoint");
	const char *t = setting(opt_timeout, "timeout");
	const char *j = setting(opt_jobs, "jobs");

	if (e && !endpoint_ok(e))
		jm_die(_("endpoint '%s' is neither sandbox:[PATH] nor an "
		    "http(s) URL"), e);
	jm_opts.endpoint = e ? e : "sandbox:";
	jm_opts.timeout = 30;
	if (t && (jm_opts.timeout = (int)jm_parse_long(t, 1, 3600)) < 0)
		jm_die(_("timeout '%s' is not a number of seconds from 1 to "
		    "3600"), t);
	jm_opts.jobs = 1;
	if (j && (jm_opts.jobs = (int)jm_parse_long(j, 1, 64)) < 0)
		jm_die(_("jobs '%s' is not a number from 1 to 64"), j);
	jm_clock_check();
}
