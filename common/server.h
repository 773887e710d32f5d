/* server.h - the sandbox served over HTTP (jm-sandbox --listen) */
#ifndef JM_SERVER_H
#define JM_SERVER_H

#include "platform.h"

/* Faults injected for tests (--fault SPEC). */
struct jm_faults {
	double drop_after_commit;	/* a payment committed, no answer */
	long drop_first;		/* the first N payments so, surely */
	double error_503;		/* refused before anything is done */
	long delay_ms;			/* before each request */
	unsigned long long seed;
	int test_clock;			/* take JM-Test-Now/Today headers */
};

/* Parse "drop-after-commit=0.3,drop-first=1,error-503=0.1,delay-ms=20,seed=7". */
int jm_faults_parse(const char *spec, struct jm_faults *, char *msg,
    size_t msgsz);
/*
 * Serve the platform on addr ("127.0.0.1:8080", "[::1]:0") until SIGINT
 * or SIGTERM; non-loopback addresses only with allow_remote. Prints the
 * URL on stdout once listening. Returns the exit status.
 */
int jm_serve(struct jm_platform *, const char *addr, int allow_remote,
    const struct jm_faults *);

#endif
