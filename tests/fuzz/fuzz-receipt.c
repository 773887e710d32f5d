/* fuzz-receipt.c - a receipt as jm-receipt --verify reads one: size, no
 * DTD or entities, the schema, the SM2 signature (receipt.c, sm2.c), with
 * the fixed test key of receipt-key.pem that signed the seed receipts */
#include "../../common/receipt.h"
#include "fuzz.h"

static const char pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAESzcNLlPk5iJtPgYq+kOvvwgpCMcL\n"
    "m8EZxzMHytW/6dbr8O/KXNEMIOCiF8vbUvbb8HRBmZaFw9KG2cw/aW2Krg==\n"
    "-----END PUBLIC KEY-----\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jm_receipt r;
	char msg[512];
	int ok;

	ok = jm_receipt_verify((const char *)data, size, pub, &r, msg,
	    sizeof msg);
	if (ok != 1) {
		/* the message goes into --verify's JSON record */
		fuzz_utf8(msg, strlen(msg), "a receipt message is not UTF-8");
		return 0;
	}
	FUZZ_ASSERT(r.receipt_no[0] && r.key[0], "a genuine receipt without "
	    "its number");
	return 0;
}
