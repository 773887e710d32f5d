/* table.h - aligned text tables for people reading a terminal */
#ifndef JM_TABLE_H
#define JM_TABLE_H

struct jm_col {
	const char *title;	/* NC_("column", "TITLE") */
	int width;		/* display columns; the last column is free */
};

/* Print the titles once, then rows; cells are UTF-8, CJK counted double. */
void jm_table_header(const struct jm_col *, int n);
void jm_table_row(const struct jm_col *, int n, const char *const *cells);

#endif
