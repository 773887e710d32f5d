/* reconcile.h - jm-receipt --reconcile: the journal against the platform's
 * list of payments, one finding per record (DESIGN.md section 9) */
#ifndef JM_RECONCILE_H
#define JM_RECONCILE_H

#include <json-c/json.h>

#include "platform.h"
#include "receipts.h"

struct jm_findings {
	long resolved, fetched, elsewhere, mismatch, duplicate, unsettled;
	long missing, pending, failed;
};

/* Emit each finding as a record; totals in f. Returns the exit status: 0
 * nothing needs a person, 1 something does, 75 the platform cannot be
 * reached or an outcome is still not known. */
int jm_reconcile(struct jm_platform *, struct jm_receipts *,
    const char *since, void (*emit)(json_object *, void *), void *ctx,
    struct jm_findings *f);

#endif
