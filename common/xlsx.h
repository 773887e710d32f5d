/* xlsx.h - Excel workbooks (libxlsxwriter, loaded only when one is written) */
#ifndef JM_XLSX_H
#define JM_XLSX_H

#include <stdint.h>

struct jm_xlsx;

/* A workbook written to path when closed; dies when libxlsxwriter cannot
 * be loaded or the file cannot be made. */
struct jm_xlsx *jm_xlsx_open(const char *path);
/*
 * A new sheet named for people (cut to 31 characters, the characters Excel
 * refuses replaced, made unique): its number. The header row is written in
 * bold and frozen; widths are in characters, 0 for the default.
 */
int jm_xlsx_sheet(struct jm_xlsx *, const char *name,
    const char *const *titles, const int *widths, int ncols);
/* The next row of a sheet, to write its cells. */
int jm_xlsx_row(struct jm_xlsx *, int sheet);
/* Cells: text (kept as text: ID and phone numbers), a string, a whole
 * number, money in fen (shown as yuan with two decimals), a percentage
 * with one decimal. */
void jm_xlsx_text(struct jm_xlsx *, int sheet, int row, int col,
    const char *);
void jm_xlsx_str(struct jm_xlsx *, int sheet, int row, int col,
    const char *);
void jm_xlsx_int(struct jm_xlsx *, int sheet, int row, int col, int64_t);
void jm_xlsx_fen(struct jm_xlsx *, int sheet, int row, int col, int64_t);
void jm_xlsx_pct(struct jm_xlsx *, int sheet, int row, int col, double);
/* Write the file (with a filter on each sheet's header) and free. */
void jm_xlsx_close(struct jm_xlsx *);

#endif
