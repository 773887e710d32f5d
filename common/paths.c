/* paths.c - JM_HOME or the XDG folders, private modes, the share folder */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

#ifndef JM_DATADIR
#define JM_DATADIR "/usr/local/share/jm"
#endif
#ifndef JM_LOCALEDIR
#define JM_LOCALEDIR "/usr/local/share/locale"
#endif

static char *dirs[3];

int
jm_mkdirs(const char *path)
{
	char *p, *s;
	int rc = 0;

	/* most often the folder is there, or only its last part is not */
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	p = jm_strdup(path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(p, 0700) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static char *
xdg(const char *var, const char *fallback)
{
	const char *v = getenv(var), *home;

	if (v && v[0] == '/')
		return jm_asprintf("%s/jm", v);
	home = getenv("HOME");
	if (!home || !*home)
		jm_die(_("neither JM_HOME nor HOME is set"));
	return jm_asprintf("%s/%s/jm", home, fallback);
}

const char *
jm_dir_name(enum jm_dir d)
{
	const char *home;

	if (dirs[d])
		return dirs[d];
	home = getenv("JM_HOME");
	if (home && *home)
		dirs[d] = jm_strdup(home);
	else if (d == JM_DIR_CONFIG)
		dirs[d] = xdg("XDG_CONFIG_HOME", ".config");
	else if (d == JM_DIR_DATA)
		dirs[d] = xdg("XDG_DATA_HOME", ".local/share");
	else
		dirs[d] = xdg("XDG_STATE_HOME", ".local/state");
	return dirs[d];
}

const char *
jm_dir(enum jm_dir d)
{
	static int made[3];
	struct stat st;

	jm_dir_name(d);
	if (made[d])
		return dirs[d];
	made[d] = 1;
	if (jm_mkdirs(dirs[d]) < 0 || stat(dirs[d], &st) < 0)
		jm_die("%s: %s", dirs[d], strerror(errno));
	if (!S_ISDIR(st.st_mode))
		jm_die("%s: %s", dirs[d], strerror(ENOTDIR));
	return dirs[d];
}

char *
jm_path(enum jm_dir d, const char *name)
{
	return jm_asprintf("%s/%s", jm_dir(d), name);
}

static int
has_marker(const char *dir)
{
	char *p = jm_asprintf("%s/regions.tsv", dir);
	int ok = access(p, R_OK) == 0;

	free(p);
	return ok;
}

/* The folder the running program is in, or NULL. */
static const char *
exe_dir(void)
{
	static char exe[PATH_MAX];
	static int done;
	char *slash;
	ssize_t n;

	if (!done) {
		done = 1;
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		exe[n > 0 ? n : 0] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
	}
	return exe[0] ? exe : NULL;
}

const char *
jm_share_dir(void)
{
	static char *share;
	const char *env = getenv("JM_SHARE"), *exe = exe_dir();
	char *cand;

	if (share)
		return share;
	if (env && *env)
		return share = jm_strdup(env);
	if (exe) {
		/* the build tree: bin/../share */
		cand = jm_asprintf("%s/../share", exe);
		if (has_marker(cand))
			return share = cand;
		free(cand);
		cand = jm_asprintf("%s/../share/jm", exe);
		if (has_marker(cand))
			return share = cand;
		free(cand);
	}
	return share = jm_strdup(JM_DATADIR);
}

/*
 * The message catalogs: JM_LOCALEDIR, the build tree's bin/../locale, a
 * scratch root's bin/../share/locale, or the prefix. jm's zh_CN catalog
 * marks the folder; two access(2) calls, no directory read.
 */
const char *
jm_locale_dir(void)
{
	static const char *const rel[] = {"locale", "share/locale"};
	static char dir[PATH_MAX];
	const char *env = getenv("JM_LOCALEDIR"), *exe = exe_dir();
	char mo[PATH_MAX + 32];
	size_t i;

	if (env && *env)
		return env;
	for (i = 0; exe && i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(dir, sizeof dir, "%s/../%s", exe, rel[i]);
		snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/jm.mo", dir);
		if (access(mo, R_OK) == 0)
			return dir;
	}
	return JM_LOCALEDIR;
}

char *
jm_share_path(const char *name)
{
	return jm_asprintf("%s/%s", jm_share_dir(), name);
}
