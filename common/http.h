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

#endif
