/* lines.h - physical lines from files or stdin, bounded, with their numbers */
#ifndef JM_LINES_H
#define JM_LINES_H

#include <stddef.h>

struct jm_line {
	char *s;		/* NUL-terminated, without \n or \r\n */
	size_t len;
	long no;		/* line number in its file */
	const char *file;	/* NULL for stdin */
	int first;		/* first line of its file */
	int too_long;		/* s holds only a prefix of a longer line */
	size_t full_len;	/* bytes of the whole line */
};

struct jm_lines;

struct jm_lines *jm_lines_open(char **files, int nfiles);
/* 1 and the next line (valid until the next call), 0 at the end. */
int jm_lines_next(struct jm_lines *, struct jm_line *);
/* A whole line is buffered. */
int jm_lines_ready(struct jm_lines *);
/* Called before a read that may block (to flush output downstream). */
extern void (*jm_lines_before_block)(void);
void jm_lines_close(struct jm_lines *);

#endif
