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

void
jm_pay_hash(const char *person, int year, const char *item, const char *kind,
    int64_t grade, int64_t amount, const char *channel, const char *account,
    char out[24])
{
	char buf[256];
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	snprintf(buf, sizeof buf, "%s|%d|%s|%s|%" PRId64 "|%s|%s", person, year,
	    item, kind, amount, channel, account ? account : "");
	/* a pension payment is for a grade; a medical one has none, and
	 * hashes as it did before grades */
	if (grade > 0)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		    "|%" PRId64, grade);
	for (i = 0; buf[i]; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	snprintf(out, 24, "%016" PRIx64, h);
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
