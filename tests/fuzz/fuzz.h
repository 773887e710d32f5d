/* fuzz.h - what the libFuzzer targets share: input as a file, invariants */
#ifndef JM_FUZZ_H
#define JM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../common/util.h"
#include "../../common/utf8.h"

/* An invariant broken: libFuzzer reports the abort as a crash (on the
 * descriptor, since a target may silence jm's messages on stderr). */
#define FUZZ_ASSERT(c, what) do { \
	if (!(c)) { \
		dprintf(2, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, what); \
		abort(); \
	} \
} while (0)

/* Text jm writes (a record, a message) is valid UTF-8 without a NUL. */
static inline void
fuzz_utf8(const char *s, size_t n, const char *what)
{
	FUZZ_ASSERT(jm_utf8_check(s, n) == n, what);
	FUZZ_ASSERT(!memchr(s, '\0', n), what);
}

/* jm's own messages (stderr) would only slow the fuzzer down. */
static inline void
fuzz_quiet(void)
{
	static FILE *null;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	stderr = null;
}

/*
 * The input as a file the readers open by name, as a program opens its
 * arguments: a memory file, reached through /proc/self/fd.
 */
static inline const char *
fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || (size > 0 &&
	    pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return path;
}

#endif
