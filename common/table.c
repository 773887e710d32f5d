/* table.c - aligned text tables for people reading a terminal */
#include <string.h>

#include "stream.h"
#include "table.h"
#include "utf8.h"
#include "util.h"

static void
cell(struct jm_buf *b, const char *raw, int width, int last)
{
	char s[1024];
	int w;

	jm_terminal_text(raw, s, sizeof s);
	w = jm_utf8_width(s);
	jm_buf_puts(b, s);
	if (last)
		return;
	do
		jm_buf_add(b, " ", 1);
	while (++w < width + 2);
}

void
jm_table_row(const struct jm_col *cols, int n, const char *const *cells)
{
	struct jm_buf b = {0};
	int i;

	for (i = 0; i < n; i++)
		cell(&b, cells[i] ? cells[i] : "", cols[i].width, i == n - 1);
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	jm_buf_add(&b, "\n", 1);
	jm_out_text(b.s);
	jm_buf_free(&b);
}

void
jm_table_header(const struct jm_col *cols, int n)
{
	const char *titles[16];
	int i;

	for (i = 0; i < n && i < 16; i++)
		titles[i] = jm_cgettext(cols[i].title);
	jm_table_row(cols, n, titles);
}
