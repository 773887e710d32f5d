/* utf8.c - unit tests: jm_utf8_line, what the platform says made one line
 * of UTF-8 */
#include <string.h>

#include "../../common/utf8.h"
#include "tap.h"

static const char *
line(const char *s)
{
	static char buf[256];
	size_t n;

	strcpy(buf, s);
	n = jm_utf8_line(buf);
	return n == strlen(buf) ? buf : "(the length is wrong)";
}

int
main(void)
{
	is(line(""), "", "nothing stays nothing");
	is(line("unknown fixture 'a示例'"), "unknown fixture 'a示例'",
	    "valid text is left as it is");
	is(line("'a示\xe4\xbe'"), "'a示'",
	    "a character cut short (%.Ns) is dropped, not what follows");
	is(line("\xe4\xbe"), "", "... at the end too");
	is(line("two\nlines\r\tand\x7f"), "two?lines??and?",
	    "C0 controls and DEL become '?'");
	is(line("c1 \xc2\x85 next"), "c1 ? next", "a C1 control becomes '?'");
	is(line("bad \xff\xfe bytes \xc0\xaf"), "bad  bytes ",
	    "bytes of no character and an overlong form are dropped");
	is(line("\xed\xa0\x80 surrogate"), " surrogate",
	    "a UTF-16 surrogate is no character");
	is(line("full 𠀀 plane 2"), "full 𠀀 plane 2",
	    "four bytes, a character of plane 2, kept");
	return tap_done();
}
