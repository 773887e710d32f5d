/* retry.h - capped exponential backoff with full jitter */
#ifndef JM_RETRY_H
#define JM_RETRY_H

#define JM_RETRY_TRIES 4	/* attempts of one request in all */

/* Milliseconds to wait before retry number n (0 for the first retry):
 * uniform in [0, min(cap, base * 2^n)], at least retry_after_ms. */
long jm_backoff_ms(int n, long retry_after_ms);
void jm_sleep_ms(long ms);

#endif
