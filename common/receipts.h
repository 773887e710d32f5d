/* receipts.h - jm-receipt's work: fetch each paid record's receipt from
 * the platform, verify it, store it, index it; render receipts */
#ifndef JM_RECEIPTS_H
#define JM_RECEIPTS_H

#include <stdio.h>

#include "platform.h"
#include "receipt.h"
#include "stream.h"
#include "util.h"

struct jm_receipts;

/* dir: where receipts are stored (NULL: receipts/ in the data folder);
 * key: a PEM file with the platform's public key (NULL: ask it); the
 * platform: NULL to open --endpoint's only when it is needed. */
struct jm_receipts *jm_receipts_new(struct jm_platform *, const char *dir,
    const char *key);
void jm_receipts_free(struct jm_receipts *);
/* Fetch the batch's missing receipts at once (--jobs), and check and store
 * each while the next are fetched; a step's prepare. */
void jm_receipts_prefetch(struct jm_receipts *, struct jm_rec *, size_t n);
/* The receipt of a paid record: adds the receipt key, or an error. Returns
 * the stored file's path (valid until the next call), or NULL. */
const char *jm_receipts_one(struct jm_receipts *, struct jm_rec *);
/* The batch's receipts into the index, in one transaction: before its
 * records are written out. */
void jm_receipts_commit(struct jm_receipts *);
/* 1 when the payment's receipt is not stored (or its file changed). */
int jm_receipts_missing(struct jm_receipts *, const char *order_id);
/* Check one stored file offline: 1 genuine, 0 not, -1 unreadable (why in
 * msg). */
int jm_receipts_verify_file(struct jm_receipts *, const char *path,
    struct jm_receipt *, char *msg, size_t msgsz);
/* The same for n files, checked on a pool of threads a part at a time;
 * each(path, 1/0/-1, the receipt, why, ctx) in their order. */
void jm_receipts_verify_files(struct jm_receipts *, char *const *paths,
    size_t n, void (*each)(const char *, int, const struct jm_receipt *,
    const char *, void *), void *ctx);

/* For people: a receipt as text (ID numbers masked). */
void jm_receipt_text(const struct jm_receipt *, int verified, FILE *);
/* One printable HTML document of the receipt files (share/receipt.xsl). */
int jm_receipt_html(char **paths, size_t n, FILE *);

#endif
