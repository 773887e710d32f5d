/* csv.h - CSV rosters (RFC 4180, Excel and WPS dialects) read as records */
#ifndef JM_CSV_H
#define JM_CSV_H

#include "lines.h"
#include "stream.h"

#define JM_CSV_MAX_COLS 256	/* columns in one row */
#define JM_CSV_MAX_LINES 64	/* physical lines in one quoted row */

struct jm_csv;

/* A reader for files separated by sep (a file's "sep=X" line wins). */
struct jm_csv *jm_csv_new(char sep);
/*
 * Next row as a record: 1, or 0 at the end. Each file has its own header
 * row (consumed) and encoding (UTF-8, or GB18030 with a warning). A row
 * that cannot be read is an error record (CSV_SYNTAX, CSV_ENCODING,
 * LINE_TOO_LONG) at the row's first line; a bad header is one error
 * (CSV_HEADER) and the rest of its file is not read.
 */
int jm_csv_next(struct jm_csv *, struct jm_lines *, struct jm_rec *);
void jm_csv_free(struct jm_csv *);
/* The record key for a column header (Chinese or English); NULL if none. */
const char *jm_csv_key(const char *header);
/* The record value for a Chinese value of key, or value itself. */
const char *jm_csv_value(const char *key, const char *value);

#endif
