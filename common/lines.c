/* lines.c - physical lines from files or stdin, bounded, with their numbers */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"
#include "stream.h"
#include "util.h"

#define CHUNK (64 * 1024)

struct jm_lines {
	char **files;
	int nfiles, next;	/* next file to open */
	int fd;			/* -1: none open */
	int may_block;		/* pipe or terminal */
	const char *file;
	long no;
	int first;
	char *buf;
	size_t start, end, cap, scanned;
	char *echo;		/* prefix of an over-long line */
};

void (*jm_lines_before_block)(void);

struct jm_lines *
jm_lines_open(char **files, int nfiles)
{
	struct jm_lines *l = jm_calloc(1, sizeof *l);

	l->files = files;
	l->nfiles = nfiles;
	l->fd = -1;
	l->cap = CHUNK;
	l->buf = jm_malloc(l->cap + 1);
	return l;
}

/* Open the next input; 0 when there is none left. */
static int
open_next(struct jm_lines *l)
{
	struct stat st;
	const char *name;

	for (;;) {
		if (l->nfiles == 0 && l->next == 0) {
			name = "-";
		} else if (l->next < l->nfiles) {
			name = l->files[l->next];
		} else
			return 0;
		l->next++;
		if (strcmp(name, "-") == 0) {
			l->fd = 0;
			l->file = NULL;
		} else if ((l->fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
			jm_errmsg("%s: %s", name, strerror(errno));
			jm_exit_note(JM_EXIT_STOP);
			continue;
		} else
			l->file = name;
		l->may_block = fstat(l->fd, &st) == 0 && !S_ISREG(st.st_mode);
		l->no = 0;
		l->first = 1;
		l->start = l->end = l->scanned = 0;
		return 1;
	}
}

/* Read more bytes; 0 at the end of the file. */
static ssize_t
fill(struct jm_lines *l)
{
	ssize_t n;

	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	if (l->end == l->cap) {
		l->cap *= 2;
		l->buf = jm_realloc(l->buf, l->cap + 1);
	}
	if (l->may_block && jm_lines_before_block)
		jm_lines_before_block();
	do
		n = read(l->fd, l->buf + l->end, l->cap - l->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		jm_die("%s: %s", l->file ? l->file : "<stdin>",
		    strerror(errno));
	l->end += (size_t)n;
	return n;
}

static void
close_file(struct jm_lines *l)
{
	if (l->fd > 0)
		close(l->fd);
	l->fd = -1;
}

/* Skip the rest of an over-long line; its length so far is *len. */
static void
skip_line(struct jm_lines *l, size_t *len)
{
	char *nl;

	for (;;) {
		nl = memchr(l->buf + l->start, '\n', l->end - l->start);
		if (nl) {
			*len += (size_t)(nl - (l->buf + l->start));
			l->start = (size_t)(nl - l->buf) + 1;
			return;
		}
		*len += l->end - l->start;
		l->start = l->end = 0;
		if (fill(l) == 0)
			return;
	}
}

static void
set_line(struct jm_lines *l, struct jm_line *ln, char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	/* a byte-order mark, as spreadsheets write */
	if (l->first && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	ln->s = s;
	ln->len = len;
	ln->full_len = len;
	ln->too_long = 0;
	ln->no = ++l->no;
	ln->file = l->file;
	ln->first = l->first;
	l->first = 0;
}

/* A line past the limit: keep a prefix, skip the rest (len bytes of it
 * are known to be whole in the buffer already, or 0 to read on). */
static void
too_long(struct jm_lines *l, struct jm_line *ln, size_t whole)
{
	size_t len = 0;

	free(l->echo);
	l->echo = jm_strndup(l->buf + l->start, JM_MAX_INPUT_ECHO);
	if (whole) {
		len = whole;
		l->start += whole + 1;
	} else
		skip_line(l, &len);
	set_line(l, ln, l->echo, strlen(l->echo));
	ln->too_long = 1;
	ln->full_len = len;
	l->scanned = 0;
}

int
jm_lines_next(struct jm_lines *l, struct jm_line *ln)
{
	char *nl, *s;
	size_t avail;

	for (;;) {
		if (l->fd < 0 && !open_next(l))
			return 0;
		avail = l->end - l->start;
		nl = memchr(l->buf + l->start + l->scanned, '\n',
		    avail - l->scanned);
		s = l->buf + l->start;
		if (nl && (size_t)(nl - s) > JM_MAX_LINE) {
			too_long(l, ln, (size_t)(nl - s));
			return 1;
		}
		if (nl) {
			l->start = (size_t)(nl - l->buf) + 1;
			l->scanned = 0;
			set_line(l, ln, s, (size_t)(nl - s));
			return 1;
		}
		l->scanned = avail;
		if (avail > JM_MAX_LINE) {
			too_long(l, ln, 0);
			return 1;
		}
		if (fill(l) > 0)
			continue;
		/* end of file: a last line without its newline */
		if (l->start < l->end) {
			s = l->buf + l->start;
			avail = l->end - l->start;
			l->start = l->end;
			l->scanned = 0;
			set_line(l, ln, s, avail);
			return 1;
		}
		close_file(l);
		l->start = l->end = l->scanned = 0;
	}
}

int
jm_lines_ready(struct jm_lines *l)
{
	if (l->fd >= 0 && !l->may_block)
		return 1;
	return l->fd >= 0 && memchr(l->buf + l->start + l->scanned, '\n',
	    l->end - l->start - l->scanned) != NULL;
}

void
jm_lines_close(struct jm_lines *l)
{
	if (!l)
		return;
	close_file(l);
	free(l->buf);
	free(l->echo);
	free(l);
}
