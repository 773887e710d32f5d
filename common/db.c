/* db.c - SQLite connections, opened one way for every file
 *
 * The journal and the sandbox are opened here, so that what SQLite is
 * told about the whole process is said once, before it starts. */
#include <stddef.h>

#include "db.h"
#include "util.h"

static void
configure(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	/* No count of the memory in use: SQLite takes a global mutex at each
	 * allocation to keep it, some 180 locks a payment (6% of jm-pay's
	 * instructions). jm sets no soft heap limit, the one thing that needs
	 * the count. Refused, harmlessly, once SQLite has started. (Debian
	 * builds SQLite without lookaside, so there is no cheaper allocator to
	 * give it: SQLITE_OMIT_LOOKASIDE.) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* sqlite3_open_v2's answer; *db is set as it sets it. Each connection is
 * used by one thread at a time (jm-sandbox --listen holds a lock around
 * its own), so SQLite's mutex per connection is left out. */
int
jm_db_open(const char *path, sqlite3 **db)
{
	configure();
	return sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
}

char *
jm_db_text(sqlite3_stmt *st, int i, char *buf, size_t sz)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return jm_strlcpy(buf, t ? (const char *)t : "", sz);
}
