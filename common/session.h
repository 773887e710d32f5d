/* session.h - the payer's session from jm-bind, kept in the state folder */
#ifndef JM_SESSION_H
#define JM_SESSION_H

struct jm_session {
	char *payer;		/* full ID number: the file is 0600 */
	char *name, *phone, *token, *endpoint, *expires_at, *bound_at;
};

/* 1 and the session (for any endpoint), 0 when there is none. Dies when
 * the file is unreadable or malformed. */
int jm_session_load(struct jm_session *);
/* Written whole (a temporary file renamed), mode 0600. */
void jm_session_save(const struct jm_session *);
/* 1 when a session file was removed. */
int jm_session_remove(void);
void jm_session_free(struct jm_session *);
/* The token of the session for this endpoint, or NULL; read again on each
 * call until there is one. */
const char *jm_session_token(const char *endpoint);
/* Why the session on file gives no token for endpoint (another platform's,
 * or expired), asked once a run; NULL when there is none on file, or it
 * does. */
const char *jm_session_why(const char *endpoint);

#endif
