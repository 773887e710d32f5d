/* db.h - SQLite connections, opened and tuned one way for every file */
#ifndef JM_DB_H
#define JM_DB_H

#include <sqlite3.h>

int jm_db_open(const char *path, sqlite3 **db);

#endif
