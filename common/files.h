/* files.h - whole files: read within a bound; written under a temporary
 * name, synced and renamed, one at a time or a batch's together */
#ifndef JM_FILES_H
#define JM_FILES_H

#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

/* Read a file of at most max bytes; NULL with errno. */
char *jm_read_file(const char *path, size_t max, size_t *len);
/* The same into b, reused (its text, NUL-terminated; b->len its length). */
const char *jm_read_file_into(const char *path, size_t max, struct jm_buf *b);

/*
 * Write path whole, mode 0600: under a temporary name beside it, synced,
 * renamed, and its folder synced; 0, or -1 with errno and no temporary
 * file left. With st, the file is given a time a whole second in the past
 * and *st is what it then is. With later, the file is left under its
 * temporary name (*later, malloc'd) with its writing begun, for
 * jm_file_settle: a batch's files then cost one wait, not one each.
 */
int jm_file_write(const char *path, const void *data, size_t len,
    struct stat *st, char **later);
/* A file jm_file_write left for later, synced and renamed to path (tmp is
 * freed); durable once its folder is synced (jm_dir_sync). */
int jm_file_settle(char *tmp, const char *path);
/* The folder that holds path (malloc'd): "." for a bare name, "/" at the
 * top. */
char *jm_dir_of(const char *path);
/* The folder that holds path, synced: the renames in it made durable. */
int jm_dir_sync(const char *path);
/* Whether two paths name files of the same folder. */
int jm_same_dir(const char *a, const char *b);
/* Remove from dir the temporary files of jm_file_write whose process has
 * gone (killed between the write and the rename), an hour after they were
 * written. */
void jm_file_sweep(const char *dir);

#endif
