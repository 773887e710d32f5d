/* platform.c - choosing the platform of --endpoint, batches, errors */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "paths.h"
#include "platform.h"
#include "util.h"

void
jm_perr_set(struct jm_perr *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->temporary = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

/* The endpoint names the file wherever the program runs: sessions and the
 * journal match it by name. */
static char *
absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
		return jm_strdup(path);
	return jm_asprintf("%s/%s", cwd, path);
}

struct jm_platform *
jm_platform_open(void)
{
	const char *e = jm_opts.endpoint;
	struct jm_platform *p;
	char *path;

	if (strncmp(e, "sandbox", 7) == 0) {
		e += 7;
		if (*e == ':')
			e++;
		path = *e ? absolute(e) : jm_path(JM_DIR_DATA, "sandbox.db");
		p = jm_sandbox_open(path);
		free(path);
		return p;
	}
	jm_die(_("%s: the HTTP platform is not built yet; use the embedded "
	    "sandbox (--endpoint sandbox:)"), e);
}

void
jm_platform_close(struct jm_platform *p)
{
	if (!p)
		return;
	p->ops->close(p);
	free(p->endpoint);
	free(p);
}

static void
begin(struct jm_platform *p, int write)
{
	int rc = p->ops->begin ? p->ops->begin(p, write) : 0;

	if (rc == -2)
		jm_die_status(JM_EXIT_TEMP, _("%s: the platform is busy "
		    "(another program holds it): try again later"),
		    p->endpoint);
	if (rc < 0)
		jm_die(_("%s: cannot start a transaction"), p->endpoint);
}

void
jm_platform_begin(struct jm_platform *p)
{
	begin(p, 1);
}

void
jm_platform_begin_read(struct jm_platform *p)
{
	begin(p, 0);
}

void
jm_platform_commit(struct jm_platform *p)
{
	if (p->ops->commit && p->ops->commit(p) < 0)
		jm_die(_("%s: cannot commit: nothing of this batch was "
		    "written out"), p->endpoint);
}
