/* random.c - unit tests: jm_random's pool, drawn across its refills */
#include <stdlib.h>

#include "../../common/util.h"
#include "tap.h"

/* Draws of odd sizes, 40 KiB in all (ten pools of 4 KiB): no two
 * 16-byte keys alike, and every byte value seen about as often. */
int
main(void)
{
	static unsigned char all[40960];
	static const size_t sizes[] = {1, 7, 16, 33, 100, 4095, 4096, 4097};
	unsigned long count[256] = {0};
	size_t at = 0, k = 0, n, i, j, lo = (size_t)-1, hi = 0;
	int same = 0;

	while (at < sizeof all) {
		n = sizes[k++ % (sizeof sizes / sizeof sizes[0])];
		if (n > sizeof all - at)
			n = sizeof all - at;
		jm_random(all + at, n);
		at += n;
	}
	for (i = 0; i < sizeof all; i++)
		count[all[i]]++;
	for (i = 0; i < 256; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	/* 160 expected a value, sigma 12.6: 80 and 250 are more than 6
	 * sigma off, a failure once in some ten million runs by chance */
	ok(lo > 80 && hi < 250, "byte values even: %zu to %zu a value", lo,
	    hi);
	for (i = 0; i + 16 <= 4096 && !same; i += 16)
		for (j = i + 16; j + 16 <= sizeof all && !same; j += 16)
			same = !memcmp(all + i, all + j, 16);
	ok(!same, "no 16-byte key twice");
	return tap_done();
}
