/* sm2.c - SM2 signatures over SM3 (GB/T 32918, GB/T 32905) with OpenSSL's
 * libcrypto: the only file that includes it */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sm2.h"
#include "util.h"

static char *
bio_text(BIO *b)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	return n > 0 ? jm_strndup(p, (size_t)n) : NULL;
}

int
jm_sm2_keygen(char **priv, char **pub)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());
	int rc = -1;

	*priv = *pub = NULL;
	if (k && a && b && PEM_write_bio_PrivateKey(a, k, NULL, NULL, 0, NULL,
	    NULL) && PEM_write_bio_PUBKEY(b, k)) {
		*priv = bio_text(a);
		*pub = bio_text(b);
		rc = *priv && *pub ? 0 : -1;
	}
	EVP_PKEY_free(k);
	BIO_free(a);
	BIO_free(b);
	return rc;
}

static EVP_PKEY *
decode_key(const char *pem, int private)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (!b)
		return NULL;
	k = private ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
	    PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

char *
jm_sm2_public_of(const char *priv)
{
	EVP_PKEY *k = decode_key(priv, 1);
	BIO *b = k ? BIO_new(BIO_s_mem()) : NULL;
	char *pub = NULL;

	if (b && PEM_write_bio_PUBKEY(b, k))
		pub = bio_text(b);
	BIO_free(b);
	EVP_PKEY_free(k);
	return pub;
}

/*
 * A PEM key, decoded once: OpenSSL's decoders cost ten times a signature,
 * and a batch signs and verifies with the same two keys. The last key of
 * each kind is kept (a reference the caller frees); the server's threads
 * share it under a lock.
 */
static struct {
	char *pem;
	EVP_PKEY *k;
	char fp[65];	/* a public key's fingerprint, once asked */
} cache[2];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static EVP_PKEY *
read_key(const char *pem, int private)
{
	EVP_PKEY *k;

	pthread_mutex_lock(&cache_mu);
	if (!cache[private].pem || strcmp(cache[private].pem, pem) != 0) {
		EVP_PKEY_free(cache[private].k);
		free(cache[private].pem);
		cache[private].k = decode_key(pem, private);
		cache[private].pem = cache[private].k ? jm_strdup(pem) : NULL;
		cache[private].fp[0] = '\0';
	}
	k = cache[private].k;
	if (k && !EVP_PKEY_up_ref(k))
		k = NULL;
	pthread_mutex_unlock(&cache_mu);
	return k;
}

/* A digest context for SM2 with SM3 and the standard's identifier. */
static EVP_MD_CTX *
sm2_ctx(EVP_PKEY *k, int sign)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *p = EVP_PKEY_CTX_new(k, NULL);

	if (!m || !p || EVP_PKEY_CTX_set1_id(p, JM_SM2_DISTID,
	    strlen(JM_SM2_DISTID)) <= 0) {
		EVP_MD_CTX_free(m);
		EVP_PKEY_CTX_free(p);
		return NULL;
	}
	EVP_MD_CTX_set_pkey_ctx(m, p);
	if ((sign ? EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, k) :
	    EVP_DigestVerifyInit(m, NULL, EVP_sm3(), NULL, k)) <= 0) {
		EVP_MD_CTX_free(m);
		EVP_PKEY_CTX_free(p);
		return NULL;
	}
	return m;
}

static void
free_ctx(EVP_MD_CTX *m)
{
	EVP_PKEY_CTX *p = m ? EVP_MD_CTX_get_pkey_ctx(m) : NULL;

	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(p);
}

char *
jm_sm2_sign(const char *priv, const void *data, size_t len)
{
	EVP_PKEY *k = read_key(priv, 1);
	EVP_MD_CTX *m = k ? sm2_ctx(k, 1) : NULL;
	unsigned char sig[256];
	char *b64 = NULL;
	size_t n = sizeof sig;

	if (m && EVP_DigestSign(m, sig, &n, data, len) > 0) {
		b64 = jm_malloc(4 * ((n + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)b64, sig, (int)n);
	}
	free_ctx(m);
	EVP_PKEY_free(k);
	return b64;
}

int
jm_sm2_verify(const char *pub, const void *data, size_t len, const char *b64)
{
	EVP_PKEY *k = read_key(pub, 0);
	EVP_MD_CTX *m = k ? sm2_ctx(k, 0) : NULL;
	unsigned char sig[256];
	size_t blen = strlen(b64);
	int n, rc = -1;

	if (m && blen > 0 && blen % 4 == 0 && blen / 4 * 3 <= sizeof sig &&
	    (n = EVP_DecodeBlock(sig, (const unsigned char *)b64,
	    (int)blen)) > 0) {
		/* EVP_DecodeBlock counts the padding as bytes */
		n -= (b64[blen - 1] == '=') + (b64[blen - 2] == '=');
		rc = EVP_DigestVerify(m, sig, (size_t)n, data, len) == 1;
	}
	free_ctx(m);
	EVP_PKEY_free(k);
	return rc;
}

static int
fingerprint(const char *pub, char out[65])
{
	EVP_PKEY *k = read_key(pub, 0);
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n = k ? i2d_PUBKEY(k, &der) : -1;

	if (n > 0 && EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sm3(), NULL))
		jm_hex(md, mdlen, out);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	return n > 0 && mdlen == 32 ? 0 : -1;
}

/* Every receipt checked asks the key's fingerprint: kept beside the
 * decoded key in the cache. */
int
jm_sm2_fingerprint(const char *pub, char out[65])
{
	int rc;

	pthread_mutex_lock(&cache_mu);
	if (cache[0].pem && !strcmp(cache[0].pem, pub) && cache[0].fp[0]) {
		memcpy(out, cache[0].fp, sizeof cache[0].fp);
		pthread_mutex_unlock(&cache_mu);
		return 0;
	}
	pthread_mutex_unlock(&cache_mu);
	if ((rc = fingerprint(pub, out)) == 0) {
		pthread_mutex_lock(&cache_mu);
		if (cache[0].pem && !strcmp(cache[0].pem, pub))
			memcpy(cache[0].fp, out, sizeof cache[0].fp);
		pthread_mutex_unlock(&cache_mu);
	}
	return rc;
}

/* SHA-256 fetched from the provider once: EVP_sha256() is fetched again
 * on every digest, which cost more than hashing a receipt. */
static EVP_MD *sha256;

static void
fetch_sha256(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
jm_sha256_hex(const void *data, size_t len, char out[65])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	pthread_once(&once, fetch_sha256);
	EVP_Digest(data, len, md, &n, sha256 ? sha256 : EVP_sha256(), NULL);
	jm_hex(md, n, out);
}
