/* csv.h - CSV rosters (RFC 4180, Excel and WPS dialects) read as records */
#ifndef JM_CSV_H
#define JM_CSV_H

#include "lines.h"
#include "stream.h"

#define JM_CSV_MAX_COLS 256	/* columns in one row */
#define JM_CSV_MAX_LINES 64	/* physical lines in one quoted row */

struct jm_csv;

struct jm_csv *jm_csv_new(char sep);
/* Next row as a record (header rows are consumed): 1, or 0 at the end. */
int jm_csv_next(struct jm_csv *, struct jm_lines *, struct jm_rec *);
void jm_csv_free(struct jm_csv *);
/* The record key for a column header (Chinese or English); NULL if none. */
const char *jm_csv_key(const char *header);
/* The record value for a Chinese value of key, or value itself. */
const char *jm_csv_value(const char *key, const char *value);

#endif
