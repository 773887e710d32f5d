/* utf8.h - UTF-8 validation, decoding and display width */
#ifndef JM_UTF8_H
#define JM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
size_t jm_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);
/* Offset of the first invalid byte, or n when all of s is valid. */
size_t jm_utf8_check(const char *s, size_t n);
/* Copy of s with every invalid byte replaced by U+FFFD. */
char *jm_utf8_repair(const char *s, size_t n);
/* s made one line of UTF-8 in place: bytes of no valid character (a
 * character cut by a %.Ns) dropped, control characters (C0, DEL, C1)
 * as '?'. Its new length. */
size_t jm_utf8_line(char *s);
/* Columns a terminal gives the code point (CJK: 2). */
int jm_cp_width(uint32_t cp);
/* Columns of a UTF-8 string. */
int jm_utf8_width(const char *s);
/* Number of code points in a UTF-8 string (valid input). */
size_t jm_utf8_count(const char *s, size_t n);

/* s for a terminal: control characters (C0, DEL, C1) as '?', cut to fit
 * buf without half a character. */
const char *jm_terminal_text(const char *s, char *buf, size_t sz);

#endif
