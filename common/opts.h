/* opts.h - the options every program shares, as one argp child */
#ifndef JM_OPTS_H
#define JM_OPTS_H

#include <argp.h>

struct jm_opts {
	const char *endpoint;	/* resolved: option > JM_ENDPOINT > config */
	int timeout;		/* seconds per request */
	const char *format;	/* json (default), text, csv, xlsx, ... */
	const char *formats;	/* what the program accepts, set before parsing */
	int format_set;		/* --format was given */
	const char *output;	/* --output FILE, or NULL for stdout */
	int csv;		/* input is a CSV roster */
	char csv_sep;
	int jobs;
	char **files;		/* positional arguments: input files */
	int nfiles;
};

extern struct jm_opts jm_opts;
extern const struct argp jm_common_argp;

/* Set by a program that takes no input files. */
extern int jm_opts_no_files;

/* Apply environment and config file under the options given. */
void jm_opts_resolve(void);
/* A config value: option > environment (JM_KEY) > config > NULL. */
const char *jm_config(const char *key);
/* Parse a whole number in [lo, hi]; -1 when it is not one. */
long jm_parse_long(const char *s, long lo, long hi);

#endif
