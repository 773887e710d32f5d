/* payment.h - what client and platform agree on about a payment request */
#ifndef JM_PAYMENT_H
#define JM_PAYMENT_H

#include <stddef.h>
#include <stdint.h>

/* The channels a payment can take; family is 门诊共济. */
extern const char *const jm_channels[];

/* The hash of a payment request's content: the client journals it, the
 * platform refuses a key reused with another. grade: the pension's grade
 * the payment brings the year's total to (0: none, medical). */
void jm_pay_hash(const char *person, int year, const char *item,
    const char *kind, int64_t grade, int64_t amount, const char *channel,
    const char *account, char out[24]);

/* Whether the ID number a record names may be paid for a person whose own
 * is person_id_no: yes (0) when either is unknown or they agree, else -1
 * with the PERSON_MISMATCH message in msg, both numbers masked. The client
 * asks it of its journal, the platform of its registry. */
int jm_same_person(const char *id_no, const char *person_id_no, char *msg,
    size_t msgsz);

#endif
