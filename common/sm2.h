/* sm2.h - SM2 signatures over SM3 (GB/T 32918, GB/T 32905) with OpenSSL's
 * libcrypto: the only file that includes it */
#ifndef JM_SM2_H
#define JM_SM2_H

#include <stddef.h>

/* The distinguishing identifier of GB/T 32918 (the default user ID). */
#define JM_SM2_DISTID "1234567812345678"

/* A new key pair: the private key as PKCS#8 PEM, the public as SPKI PEM
 * (both malloc'd); -1 on failure. */
int jm_sm2_keygen(char **priv_pem, char **pub_pem);
/* The public half (SPKI PEM, malloc'd) of a private PEM key, or NULL. */
char *jm_sm2_public_of(const char *priv_pem);
/* Sign data with a private PEM key: base64 of the DER signature. */
char *jm_sm2_sign(const char *priv_pem, const void *data, size_t len);
/* 1 when sig (base64) is a valid signature of data by the public PEM key,
 * 0 when it is not, -1 when the key or signature cannot be read. */
int jm_sm2_verify(const char *pub_pem, const void *data, size_t len,
    const char *sig_b64);
/* The key's fingerprint: SM3 of its DER SubjectPublicKeyInfo, 64 hex. */
int jm_sm2_fingerprint(const char *pub_pem, char out[65]);
/* SHA-256 of data, 64 hex. */
void jm_sha256_hex(const void *data, size_t len, char out[65]);

#endif
