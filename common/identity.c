/* identity.c - ID numbers (GB 11643-1999 and permits), names, phones, masking */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "region.h"
#include "utf8.h"
#include "util.h"

static const char *type_names[] = {"resident", "hmt-permit",
    "foreign-permanent"};

int
jm_id_type_parse(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

const char *
jm_id_type_name(enum jm_id_type t)
{
	return type_names[t];
}

char
jm_id_check_char(const char *d)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
	    8, 4, 2};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/* A number a spreadsheet wrote in scientific notation: 3.41122E+17; or
 * with a fraction of zeros, as converters print a number cell
 * (xlsx2csv: 341122199003070016.000000). */
static int
scientific(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n)
		return 0;
	if (s[i] == '.' && i >= 15) {
		for (j = i + 1; j < n && s[j] == '0'; j++)
			;
		if (j == n && j > i + 1)
			return 1;
	}
	if (s[i] == '.')
		for (i++; i < n && isdigit((unsigned char)s[i]); i++)
			;
	if (i + 1 >= n || (s[i] != 'E' && s[i] != 'e') || s[i + 1] != '+')
		return 0;
	i += 2;
	if (i >= n)
		return 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i == n;
}

static const char *
check_chars(const char *s, size_t n, char *msg, size_t sz)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			continue;
		if (i == n - 1 && (s[i] == 'X' || s[i] == 'x'))
			continue;
		snprintf(msg, sz, _("character %zu is not a digit (only the "
		    "last may be X)"), i + 1);
		return "ID_CHARS";
	}
	return NULL;
}

static const char *
check_addr(const char *s, enum jm_id_type type, char *msg, size_t sz)
{
	const struct jm_region *r;
	char prov[3];

	jm_strlcpy(prov, s, sizeof prov);
	if (type == JM_ID_HMT) {
		if (strncmp(s, "810000", 6) && strncmp(s, "820000", 6) &&
		    strncmp(s, "830000", 6)) {
			snprintf(msg, sz, _("a residence permit's address code "
			    "is 810000, 820000 or 830000"));
			return "ID_ADDRESS";
		}
		return NULL;
	}
	if (type == JM_ID_FOREIGN) {
		jm_strlcpy(prov, s + 1, sizeof prov);
		r = jm_region_get(prov);
		if (s[0] != '9' || !r || r->level != JM_REGION_PROVINCE) {
			snprintf(msg, sz, _("a permanent residence ID begins "
			    "with 9 and a province code"));
			return "ID_ADDRESS";
		}
		return NULL;
	}
	r = jm_region_get(prov);
	if (!r || r->level != JM_REGION_PROVINCE) {
		snprintf(msg, sz, _("the address code does not begin with a "
		    "province code (%s)"), prov);
		return "ID_ADDRESS";
	}
	return NULL;
}

static const char *
check_birth(const char *s, struct jm_date today, struct jm_date *b,
    char *msg, size_t sz)
{
	char buf[11];

	b->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	b->m = (s[4] - '0') * 10 + (s[5] - '0');
	b->d = (s[6] - '0') * 10 + (s[7] - '0');
	if (b->y < 1880 || !jm_date_valid(b->y, b->m, b->d)) {
		snprintf(msg, sz, _("the birth date %.8s is not a real date"),
		    s);
		return "ID_BIRTH_DATE";
	}
	if (jm_date_cmp(*b, today) > 0) {
		snprintf(msg, sz, _("the birth date %s is in the future"),
		    jm_date_str(*b, buf));
		return "ID_BIRTH_DATE";
	}
	return NULL;
}

/* 15 significant digits and zeros: Excel kept 15 digits of the number
 * (s has 18 characters, the first 17 of them digits). */
static int
rounded(const char *s)
{
	return memcmp(s + 15, "000", 3) == 0;
}

static const char *
spreadsheet(char *msg, size_t sz)
{
	snprintf(msg, sz, _("a spreadsheet turned the ID number into a number "
	    "and rounded it: format the column as text and enter it again"));
	return "ID_SPREADSHEET";
}

/* The 2017 permanent residence form: 3 letters, 12 digits. */
static const char *
check_foreign2017(const char *s, struct jm_id *id, char *msg, size_t sz)
{
	int i;

	for (i = 0; i < 15; i++)
		if (i < 3 ? !isupper((unsigned char)s[i]) :
		    !isdigit((unsigned char)s[i])) {
			snprintf(msg, sz, _("the 2017 permanent residence ID "
			    "is 3 capital letters and 12 digits"));
			return "ID_CHARS";
		}
	memcpy(id->no, s, 15);
	id->no[15] = '\0';
	return NULL;
}

const char *
jm_id_check(const char *s, size_t n, enum jm_id_type type,
    struct jm_date today, struct jm_id *id, char *msg, size_t sz)
{
	const char *e;
	char want;

	memset(id, 0, sizeof *id);
	if (scientific(s, n))
		return spreadsheet(msg, sz);
	if (type == JM_ID_FOREIGN && n == 15)
		return check_foreign2017(s, id, msg, sz);
	if (n != 18 || memchr(s, '\0', n)) {
		snprintf(msg, sz, _("an ID number has 18 characters, not %zu"),
		    n);
		return "ID_LENGTH";
	}
	if ((e = check_chars(s, n, msg, sz)) ||
	    (e = check_addr(s, type, msg, sz)) ||
	    (e = check_birth(s + 6, today, &id->birth, msg, sz)))
		return e;
	want = jm_id_check_char(s);
	if (toupper((unsigned char)s[17]) != want) {
		if (rounded(s))
			return spreadsheet(msg, sz);
		snprintf(msg, sz, _("the check character is %c, it should be "
		    "%c: a digit was mistyped"), toupper((unsigned char)s[17]),
		    want);
		return "ID_CHECKSUM";
	}
	memcpy(id->no, s, 17);
	id->no[17] = want;
	memcpy(id->addr, s, 6);
	id->male = (s[16] - '0') % 2;
	return NULL;
}

char *
jm_mask_id(const char *s, char *out)
{
	size_t n = strlen(s), stars, i;
	char *r;

	if (n < 9) {
		for (i = 0; i < n && i < 10; i++)
			out[i] = '*';
		out[i] = '\0';
		return out;
	}
	stars = n - 8 > 10 ? 10 : n - 8;
	memcpy(out, s, 4);
	memset(out + 4, '*', stars);
	memcpy(out + 4 + stars, s + n - 4, 4);
	out[8 + stars] = '\0';
	/* the ends of a broken value may split a UTF-8 sequence; repaired,
	 * it is cut again to fit, at a character's end */
	if (jm_utf8_check(out, strlen(out)) != strlen(out)) {
		r = jm_utf8_repair(out, strlen(out));
		jm_terminal_text(r, out, 32);
		free(r);
	}
	return out;
}

static int
han(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x20000 && c <= 0x3134f) || (c >= 0xf900 && c <= 0xfaff);
}

static int
latin(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

const char *
jm_name_check(const char *s, size_t n, enum jm_id_type type, char *msg,
    size_t sz)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, count = 0;
	uint32_t c, prev = 0;
	int sep;

	while (i < n) {
		if (!(k = jm_utf8_seq(u + i, n - i, &c)) || c == 0)
			goto bad;
		sep = c == 0xb7 || (type == JM_ID_FOREIGN && (c == ' ' ||
		    c == '-' || c == '.'));
		if (!han(c) && !sep && !(type == JM_ID_FOREIGN && latin(c)))
			goto bad;
		if (sep && (count == 0 || prev == c || i + k == n))
			goto bad;
		prev = c;
		count++;
		i += k;
	}
	if (count < 2 || count > 30) {
		snprintf(msg, sz, _("a name has 2 to 30 characters, not %zu"),
		    count);
		return "NAME_INVALID";
	}
	return NULL;
bad:
	snprintf(msg, sz, _("character %zu of the name is not allowed (Chinese "
	    "characters, and '·' between parts of a name)"), count + 1);
	return "NAME_INVALID";
}

int
jm_phone_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return 0;
	for (i = 0; i < 11; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}
