/* quoted.h - a quoted record for people: the warnings a quote gives, a row
 * of jm-quote's text table, the roster's spreadsheet columns */
#ifndef JM_QUOTED_H
#define JM_QUOTED_H

#include <stdint.h>
#include <json-c/json.h>

#include "export.h"
#include "stream.h"

/* What a person should know before paying, as warnings: aid is the
 * registry's group, asked the pension's grade asked (0: none). */
void jm_quoted_advise(struct jm_rec *, json_object *quote, const char *aid,
    int64_t asked);
/* A row of the text table, its header before the first; with item, the
 * ITEM column (when the pension is quoted). */
void jm_quoted_row(struct jm_rec *, int item);
/* The roster's columns for --format csv and xlsx; the pension's (险种,
 * 缴费档次, 政府补贴, 补贴标准) with pension. */
const struct jm_xcol *jm_quoted_cols(int pension, int *n);

#endif
