/* http.h - the platform over HTTP+JSON (jm-protocol.7) */
#ifndef JM_HTTP_H
#define JM_HTTP_H

#include "platform.h"

/* Open an http(s):// platform. Plain http only to a loopback address,
 * refused (exit 64) before any connection otherwise. libcurl is loaded
 * now, not at start: programs on the sandbox never load it. */
struct jm_platform *jm_http_open(const char *url);
/* Plain http is allowed to this host: 127.0.0.0/8, ::1, localhost. */
int jm_http_loopback(const char *host);

/* The longest wait a Retry-After header may ask for, in seconds. */
#define JM_HTTP_RETRY_AFTER_MAX 120
/* Milliseconds to wait a header line asks for (Retry-After: seconds, or a
 * date, taken as a second), at most JM_HTTP_RETRY_AFTER_MAX; -1 for any
 * other header. */
long jm_http_retry_after(const char *line, size_t len);
/*
 * The answer to a request to url: status and body (len bytes, any bytes).
 * 0 with *resp, the body's JSON object, for a 200; -1 otherwise, with err
 * set: the platform's refusal (its code and message), or BAD_RESPONSE,
 * UNAVAILABLE (temporary, retried after retry_after ms) or HTTP_ERROR.
 * The message is one line of UTF-8.
 */
int jm_http_answer(const char *url, long status, const char *body,
    size_t len, long retry_after, json_object **resp, struct jm_perr *err);

#endif
