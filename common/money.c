/* money.c - integer fen: read strictly, shown as yuan */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jsonio.h"
#include "money.h"
#include "util.h"

int
jm_fen_get(json_object *o, const char *key, int64_t *fen, char *msg,
    size_t sz)
{
	json_object *v;
	int64_t n;

	if (!jm_json_get(o, key, &v) || !v)
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

static const char *const digit[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆",
    "柒", "捌", "玖"};

/* A group of four digits (0-9999): 仟佰拾 places, zeros as one 零 where a
 * digit follows. *zero says a zero is pending from before the group. */
static void
group(struct jm_buf *b, int g, int *zero, int leading)
{
	static const char *const unit[] = {"仟", "佰", "拾", ""};
	int d, i, div = 1000;

	for (i = 0; i < 4; i++, div /= 10) {
		d = g / div % 10;
		if (d == 0) {
			if (!leading)
				*zero = 1;
			continue;
		}
		if (*zero)
			jm_buf_puts(b, "零");
		*zero = 0;
		leading = 0;
		jm_buf_puts(b, digit[d]);
		jm_buf_puts(b, unit[i]);
	}
}

/* The yuan part: groups of four digits with 万 and 亿. */
static void
yuan_part(struct jm_buf *b, int64_t y)
{
	static const char *const big[] = {"", "万", "亿", "万亿"};
	int g[4], n = 0, i, zero = 0, started = 0;

	do {
		g[n++] = (int)(y % 10000);
		y /= 10000;
	} while (y > 0 && n < 4);
	for (i = n - 1; i >= 0; i--) {
		if (g[i] == 0) {
			zero = started;
			continue;
		}
		if (started && g[i] < 1000)
			zero = 1;
		group(b, g[i], &zero, !started);
		started = 1;
		jm_buf_puts(b, big[i]);
	}
}

char *
jm_capitals(int64_t fen, char *buf, size_t sz)
{
	struct jm_buf b = {0};
	int64_t y = fen / 100;
	int jiao = (int)(fen / 10 % 10), f = (int)(fen % 10);

	jm_buf_add(&b, "", 0);
	if (fen < 0 || fen > JM_FEN_MAX)
		jm_buf_puts(&b, "?");
	else if (fen == 0)
		jm_buf_puts(&b, "零元整");
	else {
		if (y > 0) {
			yuan_part(&b, y);
			jm_buf_puts(&b, "元");
		}
		if (jiao == 0 && f == 0)
			jm_buf_puts(&b, "整");
		if (jiao > 0) {
			jm_buf_puts(&b, digit[jiao]);
			jm_buf_puts(&b, f ? "角" : "角整");
		} else if (f > 0 && y > 0)
			jm_buf_puts(&b, "零");
		if (f > 0) {
			jm_buf_puts(&b, digit[f]);
			jm_buf_puts(&b, "分");
		}
	}
	snprintf(buf, sz, "%s", b.s);
	jm_buf_free(&b);
	return buf;
}
