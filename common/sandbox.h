/* sandbox.h - the sandbox engine's internals shared by its parts */
#ifndef JM_SANDBOX_H
#define JM_SANDBOX_H

#include <sqlite3.h>

#include "platform.h"

struct sandbox {
	sqlite3 *db;
	char *path;
	int in_batch;
	sqlite3_stmt *stmts[32];
};

/* A prepared statement by its slot, prepared on first use. */
sqlite3_stmt *jm_sb_stmt(struct sandbox *, int slot, const char *sql);
/* Run SQL without results; dies on failure. */
void jm_sb_exec(struct sandbox *, const char *sql);
/* Database failure of an operation: a platform error. */
int jm_sb_dberr(struct sandbox *, struct jm_perr *);

jm_op_fn jm_sb_register;

#endif
