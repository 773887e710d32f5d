/* receipt.h - electronic payment receipts (社保费电子缴款单): composed and
 * signed by the platform, verified, stored and rendered by jm-receipt */
#ifndef JM_RECEIPT_H
#define JM_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#define JM_RECEIPT_MAX_SIZE (256 * 1024)	/* bytes in one receipt */

struct jm_receipt {
	char receipt_no[40], office[128], office_code[8], issued_at[32];
	char payer_name[128], payer_id[24];
	char insured_name[128], insured_id_no[24], insured_id[40];
	char item[16];
	int year;
	char from[12], to[12];
	int64_t amount;
	char channel[16], order_id[40], txn_id[40], paid_at[32];
	char verify_code[16], settlement[16], settled_on[12];
	int sandbox;
	char key[72];		/* the signing key's fingerprint */
};

/* The document, signed with the private key (PEM): malloc'd, or NULL. */
char *jm_receipt_compose(const struct jm_receipt *, const char *priv_pem,
    const char *key_fingerprint);
/* The bytes the signature covers: from the line <content> to the line
 * </content>, newlines included. NULL unless both occur exactly once. */
const char *jm_receipt_signed(const char *doc, size_t len, size_t *n);
/* The names people read: 城乡居民基本医疗保险费, 支付宝, ... */
const char *jm_item_name(const char *item);
const char *jm_channel_name(const char *channel);

/*
 * Check a receipt: its size and bytes (no DTD, no entities), the schema
 * (share/receipt.xsd), the signature by the public key. Returns 1 when
 * genuine (fields filled), 0 when not (why in msg), -1 when unreadable.
 */
int jm_receipt_verify(const char *doc, size_t len, const char *pub_pem,
    struct jm_receipt *, char *msg, size_t msgsz);

#endif
