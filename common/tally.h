/* tally.h - the collector's progress report: quoted records counted by
 * town, village or region (jm-quote --summary, --report) */
#ifndef JM_TALLY_H
#define JM_TALLY_H

#include <stdint.h>
#include <stdio.h>

#include "export.h"
#include "stream.h"

enum jm_by { JM_BY_VILLAGE, JM_BY_TOWN, JM_BY_REGION, JM_BY_NONE };

struct jm_tally;

/* village, town, region or none; -1 for another word. */
int jm_tally_by(const char *);
/* A report of one item (medical, pension; NULL: the quotes say). */
struct jm_tally *jm_tally_new(enum jm_by, const char *item);
/* Count a record after the step: its quote, or its error. */
void jm_tally_add(struct jm_tally *, const struct jm_rec *);
/* The name of the record's group, for a workbook's sheet; NULL when the
 * report is not grouped. */
const char *jm_tally_sheet(const struct jm_tally *, json_object *,
    char *buf, size_t);
/* The report as text for people: on f, or on the output when f is NULL. */
void jm_tally_print(const struct jm_tally *, FILE *f);
/* The report as records, one per group and the total, on the output. */
void jm_tally_json(const struct jm_tally *);
/* The report as rows of a CSV, or of a workbook's sheet of that name
 * (declared with jm_tally_sheet_cols first). */
void jm_tally_export(const struct jm_tally *, struct jm_export *,
    const char *sheet);
/* The report's columns for jm_export_new and jm_export_sheet. */
const struct jm_xcol *jm_tally_cols(const struct jm_tally *, int *n);
void jm_tally_free(struct jm_tally *);

#endif
