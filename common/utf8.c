/* utf8.c - UTF-8 validation, decoding and display width (RFC 3629) */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

size_t
jm_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

size_t
jm_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (!(k = jm_utf8_seq(s + i, n - i, &cp)))
			return i;
		i += k;
	}
	return n;
}

char *
jm_utf8_repair(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	struct jm_buf b = {0};
	size_t i = 0, k;
	uint32_t cp;

	jm_buf_add(&b, "", 0);
	while (i < n) {
		if (s[i] != 0 && (k = jm_utf8_seq(s + i, n - i, &cp))) {
			jm_buf_add(&b, s + i, k);
			i += k;
		} else {
			jm_buf_puts(&b, s[i] ? "\xef\xbf\xbd" : "\\0");
			i++;
		}
	}
	return b.s;
}

int
jm_cp_width(uint32_t cp)
{
	if (cp == 0)
		return 0;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if ((cp >= 0x300 && cp <= 0x36f) || cp == 0x200b)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

int
jm_utf8_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, k;
	uint32_t cp;
	int w = 0;

	while (i < n) {
		if (!(k = jm_utf8_seq(s + i, n - i, &cp))) {
			w++;
			i++;
			continue;
		}
		w += jm_cp_width(cp);
		i += k;
	}
	return w;
}

size_t
jm_utf8_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static size_t
cut_tail(const char *buf, size_t n)
{
	size_t k = 0;
	unsigned char c;

	while (k < n && k < 4 && ((unsigned char)buf[n - k - 1] & 0xc0) == 0x80)
		k++;
	if (k == n)
		return k;
	c = (unsigned char)buf[n - k - 1];
	if (c < 0xc0)
		return 0;
	return (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > k + 1 ? k + 1 : 0;
}

size_t
jm_utf8_line(char *s)
{
	unsigned char *u = (unsigned char *)s;
	size_t i = 0, o = 0, n = strlen(s), k;
	uint32_t cp;

	while (i < n) {
		if (!(k = jm_utf8_seq(u + i, n - i, &cp))) {
			i++;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			u[o++] = '?';
		else {
			memmove(u + o, u + i, k);
			o += k;
		}
		i += k;
	}
	u[o] = '\0';
	return o;
}

const char *
jm_terminal_text(const char *s, char *buf, size_t sz)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t i = 0;

	for (; *u && i + 1 < sz; u++) {
		if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			u++;	/* C1, two bytes in UTF-8 */
		else if (*u >= 0x20 && *u != 0x7f) {
			buf[i++] = (char)*u;
			continue;
		}
		buf[i++] = '?';
	}
	buf[i] = '\0';
	if (*u)		/* cut short: no half a character at the end */
		buf[i - cut_tail(buf, i)] = '\0';
	return buf;
}

