/* money.c - integer fen: read strictly, shown as yuan */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "util.h"

int
jm_fen_get(json_object *o, const char *key, int64_t *fen, char *msg,
    size_t sz)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		snprintf(msg, sz, _("%s must be a whole number of fen (分), "
		    "not %s"), key, json_type_to_name(json_object_get_type(v)));
		return -1;
	}
	/* json-c saturates past int64; anything that large is refused */
	n = json_object_get_int64(v);
	if (n < 0 || n > JM_FEN_MAX) {
		snprintf(msg, sz, _("%s must be from 0 to %lld fen"), key,
		    (long long)JM_FEN_MAX);
		return -1;
	}
	*fen = n;
	return 1;
}

char *
jm_yuan(int64_t fen, char *buf)
{
	const char *sign = fen < 0 ? "-" : "";
	uint64_t a = fen < 0 ? (uint64_t)-(fen + 1) + 1 : (uint64_t)fen;

	snprintf(buf, 32, "%s%" PRIu64 ".%02" PRIu64, sign, a / 100, a % 100);
	return buf;
}

int
jm_parse_yuan(const char *s, int64_t *fen)
{
	int64_t y = 0, f = 0;
	int digits = 0, dec = 0;

	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (y > JM_FEN_MAX / 100)
			return -1;
		y = y * 10 + (*s - '0');
	}
	if (!digits)
		return -1;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, dec++)
			if (dec < 2)
				f = f * 10 + (*s - '0');
			else if (*s != '0')
				return -1;	/* no fractions of a fen */
		if (dec == 0)
			return -1;
		if (dec == 1)
			f *= 10;
	}
	if (*s || y * 100 + f > JM_FEN_MAX)
		return -1;
	*fen = y * 100 + f;
	return 0;
}
