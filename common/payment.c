/* payment.c - what client and platform agree on about a payment request */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "identity.h"
#include "payment.h"
#include "util.h"

const char *const jm_channels[] = {"alipay", "wechat", "wanshitong", "bank",
    "family", NULL};

/*
 * FNV-1a of "person|year|item|kind|amount|channel|account[|grade]", cut
 * at 255 bytes: the text was once made with snprintf into 256 bytes, and
 * journals keep the hashes, so it is hashed as it was, without printf.
 */
void
jm_pay_hash(const char *person, int year, const char *item, const char *kind,
    int64_t grade, int64_t amount, const char *channel, const char *account,
    char out[24])
{
	const char *part[13];
	char y[24], a[24], g[24];
	uint64_t h = JM_FNV1A;
	size_t left = 255, n = 0, i;

	part[n++] = person;
	part[n++] = "|";
	part[n++] = jm_i64(year, y);
	part[n++] = "|";
	part[n++] = item;
	part[n++] = "|";
	part[n++] = kind;
	part[n++] = "|";
	part[n++] = jm_i64(amount, a);
	part[n++] = "|";
	part[n++] = channel;
	part[n++] = "|";
	part[n++] = account ? account : "";
	for (i = 0; i < n; i++)
		h = jm_fnv1a(h, part[i], &left);
	/* a pension payment is for a grade; a medical one has none, and
	 * hashes as it did before grades */
	if (grade > 0) {
		h = jm_fnv1a(h, "|", &left);
		h = jm_fnv1a(h, jm_i64(grade, g), &left);
	}
	jm_hex64(h, out);
}

int
jm_same_person(const char *id_no, const char *person_id_no, char *msg,
    size_t sz)
{
	char a[32], b[32];

	if (!id_no || !*id_no || !person_id_no || !*person_id_no ||
	    !strcasecmp(id_no, person_id_no))
		return 0;
	snprintf(msg, sz, _("the record's ID number %s is not the quoted "
	    "person's (%s): quote again"), jm_mask_id(id_no, a),
	    jm_mask_id(person_id_no, b));
	return -1;
}
