/* db.h - SQLite connections, opened and tuned one way for every file */
#ifndef JM_DB_H
#define JM_DB_H

#include <sqlite3.h>

int jm_db_open(const char *path, sqlite3 **db);
/* Column i of st's row as text into buf of sz bytes, cut to sz - 1 ("" for
 * NULL); returns buf. */
char *jm_db_text(sqlite3_stmt *st, int i, char *buf, size_t sz);

#endif
