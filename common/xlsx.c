/* xlsx.c - Excel workbooks (libxlsxwriter, loaded only when one is written)
 *
 * The only user of libxlsxwriter. It is opened with dlopen when a program
 * writes a workbook, so that the programs neither load it nor pay for it on
 * every start (scripts call them in loops), as libcurl is for HTTP.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"
#include "xlsx.h"

#if defined(__has_include)
#if __has_include(<xlsxwriter.h>)
#define HAVE_XLSXWRITER 1
#endif
#endif

#ifdef HAVE_XLSXWRITER
#include <xlsxwriter.h>

#ifndef JM_XLSX_SONAME
#define JM_XLSX_SONAME "libxlsxwriter.so.4"
#endif

#define MAX_SHEETS 1024
#define MAX_CELL 32767		/* bytes of a cell's text, Excel's limit */

/* The functions used, looked up by name. */
static struct {
	__typeof__(workbook_new_opt) *workbook_new_opt;
	__typeof__(workbook_add_worksheet) *workbook_add_worksheet;
	__typeof__(workbook_add_format) *workbook_add_format;
	__typeof__(workbook_close) *workbook_close;
	__typeof__(format_set_bold) *format_set_bold;
	__typeof__(format_set_num_format) *format_set_num_format;
	__typeof__(worksheet_write_string) *worksheet_write_string;
	__typeof__(worksheet_write_number) *worksheet_write_number;
	__typeof__(worksheet_freeze_panes) *worksheet_freeze_panes;
	__typeof__(worksheet_set_column) *worksheet_set_column;
	__typeof__(worksheet_autofilter) *worksheet_autofilter;
	__typeof__(lxw_strerror) *lxw_strerror;
} L;

static const struct { const char *name; size_t off; } syms[] = {
#define SYM(f) {#f, offsetof(__typeof__(L), f)}
	SYM(workbook_new_opt), SYM(workbook_add_worksheet),
	SYM(workbook_add_format), SYM(workbook_close), SYM(format_set_bold),
	SYM(format_set_num_format), SYM(worksheet_write_string),
	SYM(worksheet_write_number), SYM(worksheet_freeze_panes),
	SYM(worksheet_set_column), SYM(worksheet_autofilter),
	SYM(lxw_strerror),
#undef SYM
};

struct sheet {
	lxw_worksheet *ws;
	char *name;
	int rows, cols;
};

struct jm_xlsx {
	lxw_workbook *wb;
	char *path;
	lxw_format *bold, *text, *money, *pct;
	struct sheet s[MAX_SHEETS];
	int n;
};

static void
load(void)
{
	static const char *const names[] = {JM_XLSX_SONAME,
	    "libxlsxwriter.so"};
	void *h = NULL;
	size_t i;

	if (L.workbook_new_opt)
		return;
	for (i = 0; !h && i < sizeof names / sizeof names[0]; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		jm_die(_("--format xlsx needs libxlsxwriter (Debian: apt-get "
		    "install libxlsxwriter4): %s"), dlerror());
	for (i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *f = dlsym(h, syms[i].name);

		if (!f)
			jm_die(_("libxlsxwriter has no %s: %s"), syms[i].name,
			    dlerror());
		memcpy((char *)&L + syms[i].off, &f, sizeof f);
	}
}

static lxw_format *
numfmt(struct jm_xlsx *x, const char *f)
{
	lxw_format *fm = L.workbook_add_format(x->wb);

	L.format_set_num_format(fm, f);
	return fm;
}

struct jm_xlsx *
jm_xlsx_open(const char *path)
{
	lxw_workbook_options o = {.constant_memory = LXW_TRUE};
	struct jm_xlsx *x;

	load();
	x = jm_calloc(1, sizeof *x);
	x->path = jm_strdup(path);
	/* constant memory: each sheet's rows go to a temporary file */
	if (!(x->wb = L.workbook_new_opt(path, &o)))
		jm_die(_("%s: cannot make a workbook"), path);
	x->bold = L.workbook_add_format(x->wb);
	L.format_set_bold(x->bold);
	x->text = numfmt(x, "@");
	x->money = numfmt(x, "0.00");
	x->pct = numfmt(x, "0.0");
	return x;
}

/* A sheet name Excel takes: no []:*?/\, no ' at either end, at most 31
 * characters, not "History", and unlike the others whatever the case. */
static char *
sheet_name(struct jm_xlsx *x, const char *want)
{
	char base[160], name[192];
	size_t i, o = 0, k;
	int n = 1, clash;
	uint32_t cp;

	for (i = 0; want[i] && o + 5 < sizeof base &&
	    jm_utf8_count(base, o) < 26; i += k) {
		if (!(k = jm_utf8_seq((const unsigned char *)want + i,
		    strlen(want + i), &cp))) {
			k = 1;
			cp = '_';
		}
		if (cp < 0x20 || (cp < 0x80 && strchr("[]:*?/\\", (int)cp)) ||
		    (cp == '\'' && (o == 0 || !want[i + 1])))
			base[o++] = '_';
		else {
			memcpy(base + o, want + i, k);
			o += k;
		}
	}
	base[o] = '\0';
	snprintf(name, sizeof name, "%s", o ? base : "-");
	do {
		clash = strcasecmp(name, "History") == 0;
		for (i = 0; !clash && i < (size_t)x->n; i++)
			clash = strcasecmp(name, x->s[i].name) == 0;
		if (clash)
			snprintf(name, sizeof name, "%s (%d)", o ? base : "-",
			    ++n);
	} while (clash);
	return jm_strdup(name);
}

int
jm_xlsx_sheet(struct jm_xlsx *x, const char *name, const char *const *titles,
    const int *widths, int ncols)
{
	struct sheet *s;
	int c;

	if (x->n == MAX_SHEETS)
		jm_die(_("%s: more than %d sheets"), x->path, MAX_SHEETS);
	s = &x->s[x->n];
	s->name = sheet_name(x, name);
	if (!(s->ws = L.workbook_add_worksheet(x->wb, s->name)))
		jm_die(_("%s: cannot add the sheet %s"), x->path, s->name);
	s->cols = ncols;
	for (c = 0; c < ncols; c++) {
		if (widths && widths[c] > 0)
			L.worksheet_set_column(s->ws, c, c, widths[c], NULL);
		L.worksheet_write_string(s->ws, 0, c, titles[c], x->bold);
	}
	L.worksheet_freeze_panes(s->ws, 1, 0);
	s->rows = 1;
	return x->n++;
}

int
jm_xlsx_row(struct jm_xlsx *x, int sheet)
{
	if (x->s[sheet].rows >= 1048576)
		jm_die(_("%s: sheet %s: more than %d rows"), x->path,
		    x->s[sheet].name, 1048576);
	return x->s[sheet].rows++;
}

static void
put(struct jm_xlsx *x, int sheet, int row, int col, const char *s,
    lxw_format *f)
{
	char buf[MAX_CELL + 1];
	size_t n = strlen(s);
	lxw_error e;

	if (n > MAX_CELL) {
		/* cut at a character's start */
		for (n = MAX_CELL; n > 0 && ((unsigned char)s[n] & 0xC0) ==
		    0x80; n--)
			;
		memcpy(buf, s, n);
		buf[n] = '\0';
		s = buf;
	}
	if (*s && (e = L.worksheet_write_string(x->s[sheet].ws, row, col, s,
	    f)) != LXW_NO_ERROR)
		jm_die(_("%s: a cell: %s"), x->path, L.lxw_strerror(e));
}

void
jm_xlsx_text(struct jm_xlsx *x, int sheet, int row, int col, const char *s)
{
	put(x, sheet, row, col, s, x->text);
}

void
jm_xlsx_str(struct jm_xlsx *x, int sheet, int row, int col, const char *s)
{
	put(x, sheet, row, col, s, NULL);
}

void
jm_xlsx_int(struct jm_xlsx *x, int sheet, int row, int col, int64_t v)
{
	L.worksheet_write_number(x->s[sheet].ws, row, col, (double)v, NULL);
}

void
jm_xlsx_fen(struct jm_xlsx *x, int sheet, int row, int col, int64_t fen)
{
	L.worksheet_write_number(x->s[sheet].ws, row, col, (double)fen / 100,
	    x->money);
}

void
jm_xlsx_pct(struct jm_xlsx *x, int sheet, int row, int col, double v)
{
	L.worksheet_write_number(x->s[sheet].ws, row, col, v, x->pct);
}

void
jm_xlsx_close(struct jm_xlsx *x)
{
	lxw_error e;
	int i;

	for (i = 0; i < x->n; i++)
		L.worksheet_autofilter(x->s[i].ws, 0, 0, x->s[i].rows - 1,
		    x->s[i].cols - 1);
	if ((e = L.workbook_close(x->wb)) != LXW_NO_ERROR)
		jm_die(_("%s: cannot write the workbook: %s"), x->path,
		    L.lxw_strerror(e));
	for (i = 0; i < x->n; i++)
		free(x->s[i].name);
	free(x->path);
	free(x);
}

#else /* !HAVE_XLSXWRITER */

struct jm_xlsx *
jm_xlsx_open(const char *path)
{
	(void)path;
	jm_die(_("--format xlsx: this jm was built without libxlsxwriter "
	    "(Debian: apt-get install libxlsxwriter-dev, then make)"));
}

int
jm_xlsx_sheet(struct jm_xlsx *x, const char *name, const char *const *titles,
    const int *widths, int ncols)
{
	(void)x, (void)name, (void)titles, (void)widths, (void)ncols;
	return 0;
}

int
jm_xlsx_row(struct jm_xlsx *x, int sheet)
{
	(void)x, (void)sheet;
	return 0;
}

void
jm_xlsx_text(struct jm_xlsx *x, int sheet, int row, int col, const char *s)
{
	(void)x, (void)sheet, (void)row, (void)col, (void)s;
}

void
jm_xlsx_str(struct jm_xlsx *x, int sheet, int row, int col, const char *s)
{
	(void)x, (void)sheet, (void)row, (void)col, (void)s;
}

void
jm_xlsx_int(struct jm_xlsx *x, int sheet, int row, int col, int64_t v)
{
	(void)x, (void)sheet, (void)row, (void)col, (void)v;
}

void
jm_xlsx_fen(struct jm_xlsx *x, int sheet, int row, int col, int64_t v)
{
	(void)x, (void)sheet, (void)row, (void)col, (void)v;
}

void
jm_xlsx_pct(struct jm_xlsx *x, int sheet, int row, int col, double v)
{
	(void)x, (void)sheet, (void)row, (void)col, (void)v;
}

void
jm_xlsx_close(struct jm_xlsx *x)
{
	(void)x;
}

#endif
