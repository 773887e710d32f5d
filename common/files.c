/* files.c - whole files: read within a bound; written under a temporary
 * name, synced and renamed, one at a time or a batch's together */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "files.h"

const char *
jm_read_file_into(const char *path, size_t max, struct jm_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	if (b->cap < (size_t)st.st_size + 1) {
		b->cap = (size_t)st.st_size + 1;
		b->s = jm_realloc(b->s, b->cap);
	}
	n = read(fd, b->s, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		errno = EIO;
		return NULL;
	}
	b->s[n] = '\0';
	b->len = (size_t)n;
	return b->s;
}

char *
jm_read_file(const char *path, size_t max, size_t *len)
{
	struct jm_buf b = {NULL, 0, 0};

	if (!jm_read_file_into(path, max, &b)) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

/* A second into the past, a whole one: the time a stored receipt is given,
 * which no later write can give it again (a write stamps the file with the
 * clock's time then), so that a file changed after it was stored is told by
 * its time without being read. */
static int
set_past(int fd)
{
	struct timespec t[2] = {{0, UTIME_OMIT}, {0, 0}};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	t[1].tv_sec = now.tv_sec - 1;
	return futimens(fd, t);
}

/* The temporary name: of the process and of the write, since a batch's
 * files are written on several threads at once, the same one perhaps twice;
 * PATH.PID-N.tmp, which jm_file_sweep knows. */
static char *
tmp_name(const char *path)
{
	static atomic_ulong seq;

	return jm_asprintf("%s.%ld-%lu.tmp", path, (long)getpid(),
	    atomic_fetch_add(&seq, 1));
}

int
jm_file_write(const char *path, const void *data, size_t len,
    struct stat *st, char **later)
{
	char *tmp = tmp_name(path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ok, e;

	ok = fd >= 0 && write(fd, data, len) == (ssize_t)len && (!st ||
	    (set_past(fd) == 0 && fstat(fd, st) == 0));
	if (ok && later)	/* a hint: the sync that counts comes later */
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	else if (ok)
		ok = fsync(fd) == 0;
	e = errno;
	if (fd >= 0 && close(fd) < 0 && ok)
		ok = 0, e = errno;
	if (ok && !later && (rename(tmp, path) < 0 || jm_dir_sync(path) < 0))
		ok = 0, e = errno;
	if (!ok)
		unlink(tmp);
	if (ok && later)
		*later = tmp;
	else
		free(tmp);
	errno = e;
	return ok ? 0 : -1;
}

int
jm_file_settle(char *tmp, const char *path)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC), rc = -1, e;

	if (fd >= 0) {
		rc = fsync(fd) == 0 && rename(tmp, path) == 0 ? 0 : -1;
		e = errno;
		close(fd);
	} else
		e = errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	errno = e;
	return rc;
}

int
jm_same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');

	if (!sa || !sb)
		return !sa && !sb;
	return sa - a == sb - b && !memcmp(a, b, (size_t)(sa - a));
}

char *
jm_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return jm_strdup(".");
	return jm_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

int
jm_dir_sync(const char *path)
{
	char *dir = jm_dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1, e;

	e = errno;
	if (fd >= 0) {
		rc = fsync(fd);
		e = errno;
		close(fd);
	}
	free(dir);
	errno = e;
	return rc;
}

/* The process a temporary name was written by: NAME.PID-N.tmp, or the
 * NAME.TID.tmp of jm before 2026-12 (a thread's id); 0 for any other. */
static long
tmp_owner(const char *name)
{
	size_t n = strlen(name);
	const char *dot;
	char *end;
	long pid;

	if (n < 5 || strcmp(name + n - 4, ".tmp") != 0)
		return 0;
	for (dot = name + n - 5; dot > name && *dot != '.'; dot--)
		;
	if (dot == name || dot[1] < '1' || dot[1] > '9')
		return 0;
	pid = strtol(dot + 1, &end, 10);
	if (*end == '-' && end[1] >= '0' && end[1] <= '9')
		strtol(end + 1, &end, 10);
	return end == name + n - 4 && pid <= INT_MAX ? pid : 0;
}

/* How old a temporary file must be before it is swept: a process of
 * another PID namespace (a container sharing the folder) looks gone to
 * kill(2) while it writes, and no batch stays pending for an hour. */
#define SWEEP_AGE (60 * 60)

void
jm_file_sweep(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	time_t old = time(NULL) - SWEEP_AGE;
	long pid;

	if (!d)
		return;
	while ((e = readdir(d)))
		if ((pid = tmp_owner(e->d_name)) > 0 && pid != getpid() &&
		    kill((pid_t)pid, 0) < 0 && errno == ESRCH &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0 && st.st_mtime < old)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}
