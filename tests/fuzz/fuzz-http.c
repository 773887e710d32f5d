/* fuzz-http.c - what an HTTP platform sends back (http.c): a header line
 * (Retry-After), then a status and a body of any bytes, as jm_http_answer
 * takes them from libcurl. Input: two bytes of status, a header line up
 * to the first newline, the body. */
#include "../../common/http.h"
#include "../../common/platform.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 200, 200, 400, 401, 404, 405,
	    409, 413, 422, 429, 500, 502, 503, 504, 302};
	struct jm_perr err = {0};
	json_object *resp = NULL;
	const uint8_t *nl;
	long status, ms;
	char *body;
	size_t hlen, blen;
	int rc;

	fuzz_quiet();
	if (size < 2)
		return 0;
	status = statuses[data[0] % 16] + (data[1] & 0x80 ? data[1] % 7 : 0);
	data += 2;
	size -= 2;
	nl = memchr(data, '\n', size);
	hlen = nl ? (size_t)(nl - data) : 0;
	ms = jm_http_retry_after((const char *)data, hlen);
	FUZZ_ASSERT(ms == -1 || (ms >= 0 &&
	    ms <= JM_HTTP_RETRY_AFTER_MAX * 1000L), "Retry-After out of bounds");
	if (nl) {
		data += hlen + 1;
		size -= hlen + 1;
	}
	/* the body as libcurl's buffer holds it: the bytes, then a NUL */
	blen = size;
	body = jm_malloc(blen + 1);
	memcpy(body, data, blen);
	body[blen] = '\0';
	rc = jm_http_answer("http://127.0.0.1:1/v1/pay", status, body, blen,
	    ms < 0 ? 0 : ms, &resp, &err);
	if (rc == 0) {
		FUZZ_ASSERT(status == 200 && resp &&
		    json_object_is_type(resp, json_type_object),
		    "an answer that is no object");
		json_object_put(resp);
	} else {
		FUZZ_ASSERT(!resp, "a refusal with an answer");
		FUZZ_ASSERT(err.code && *err.code, "a refusal without a code");
		/* the message goes into a record and onto one line of stderr */
		fuzz_utf8(err.msg, strlen(err.msg), "a message is not UTF-8");
		FUZZ_ASSERT(!strchr(err.msg, '\n'), "a message of two lines");
		FUZZ_ASSERT(strspn(err.code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
		    "0123456789") == strlen(err.code), "a code of other "
		    "characters");
	}
	free(body);
	return 0;
}
