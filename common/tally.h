/* tally.h - counting quoted records for summaries (jm-quote --summary) */
#ifndef JM_TALLY_H
#define JM_TALLY_H

#include <stdint.h>
#include <stdio.h>

#include "stream.h"

struct jm_tally;

struct jm_tally *jm_tally_new(void);
/* Count a record after the step: its quote, or its error. */
void jm_tally_add(struct jm_tally *, const struct jm_rec *);
/* The human summary, for stderr. */
void jm_tally_print(const struct jm_tally *, FILE *);
void jm_tally_free(struct jm_tally *);

#endif
