/* export.h - records for spreadsheets: CSV for Excel and WPS, and xlsx */
#ifndef JM_EXPORT_H
#define JM_EXPORT_H

#include <json-c/json.h>

enum jm_cell {
	JM_CELL_STR,	/* a string as it is */
	JM_CELL_TEXT,	/* an ID, phone or order number: kept text */
	JM_CELL_WORD,	/* a value with a Chinese name: self is 本人 */
	JM_CELL_FEN,	/* integer fen, as yuan with two decimals */
	JM_CELL_INT,
	JM_CELL_PCT,	/* a percentage with one decimal */
	JM_CELL_BOOL,	/* 是 or 否 */
};

struct jm_xcol {
	const char *title;	/* the header people read, in Chinese */
	const char *key;	/* "name", "quote.due_fen"; "a|b": a, else b */
	enum jm_cell kind;
	int width;		/* in a workbook, characters; 0: default */
};

/* --format csv or --format xlsx was asked for. */
int jm_export_wanted(void);
/*
 * Right after the options: a workbook needs --output FILE (or a standard
 * output that is a file) and never writes over a file (usage error, 64).
 * The workbook is made beside FILE and appears whole when closed.
 */
void jm_export_check(void);
/* Rows with these columns: CSV on the output, or a workbook's sheets. */
struct jm_export *jm_export_new(const struct jm_xcol *, int ncols);
/* A workbook's sheet with columns of its own, made now (sheets are in the
 * order they are made); nothing for CSV. */
void jm_export_sheet(struct jm_export *, const char *name,
    const struct jm_xcol *, int ncols);
/* A record as a row: on the sheet of that name (made with the default
 * columns when new), or the default sheet for NULL; CSV has one table. */
void jm_export_rec(struct jm_export *, json_object *, const char *sheet);
/* A jm_step's emit: the record on the export made last, default sheet. */
struct jm_rec;
void jm_export_step(struct jm_rec *, void *ctx);
/* Finish the CSV or write the workbook, and free. */
void jm_export_close(struct jm_export *);

#endif
