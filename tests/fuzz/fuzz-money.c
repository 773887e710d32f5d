/* fuzz-money.c - amounts: yuan typed by people (--max-total, --grade),
 * *_fen keys of records, and how amounts are shown (money.c) */
#include <json-c/json.h>

#include "../../common/money.h"
#include "fuzz.h"

static void
yuan(const char *s)
{
	int64_t fen, again;
	char buf[32], caps[160];

	if (jm_parse_yuan(s, &fen) < 0)
		return;
	FUZZ_ASSERT(fen >= 0 && fen <= JM_FEN_MAX, "yuan out of range");
	jm_yuan(fen, buf);
	FUZZ_ASSERT(jm_parse_yuan(buf, &again) == 0 && again == fen,
	    "yuan shown does not read back");
	jm_capitals(fen, caps, sizeof caps);
	fuzz_utf8(caps, strlen(caps), "capitals are not UTF-8");
}

/* The bytes as the value of a *_fen key (s is NUL-terminated). */
static void
fen_key(const char *s, size_t n)
{
	json_tokener *tok = json_tokener_new_ex(8);
	json_object *o = json_object_new_object(), *v;
	char msg[256], buf[32], caps[160];
	int64_t fen = -1;
	int k;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* the NUL ends a number, as the end of a line does */
	v = json_tokener_parse_ex(tok, s, (int)n + 1);
	json_tokener_free(tok);
	if (!v) {
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "due_fen", v);
	k = jm_fen_get(o, "due_fen", &fen, msg, sizeof msg);
	if (k < 0)
		fuzz_utf8(msg, strlen(msg), "a money message is not UTF-8");
	else if (k > 0) {
		FUZZ_ASSERT(fen >= 0 && fen <= JM_FEN_MAX, "fen out of range");
		FUZZ_ASSERT(json_object_is_type(v, json_type_int),
		    "a fen that is no integer");
		jm_capitals(fen, caps, sizeof caps);
		fuzz_utf8(caps, strlen(caps), "capitals are not UTF-8");
	}
	jm_yuan(json_object_get_int64(v), buf);
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = jm_strndup((const char *)data, size), buf[32], caps[160];
	int64_t any;

	yuan(s);
	if (size < 4096)
		fen_key(s, strlen(s));
	/* any amount at all is shown without harm */
	if (size >= sizeof any) {
		memcpy(&any, data, sizeof any);
		jm_yuan(any, buf);
		FUZZ_ASSERT(strlen(buf) < sizeof buf, "yuan too long");
		jm_capitals(any, caps, sizeof caps);
		fuzz_utf8(caps, strlen(caps), "capitals are not UTF-8");
	}
	free(s);
	return 0;
}
