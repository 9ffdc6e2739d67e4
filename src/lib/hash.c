/*
 * hash.c - digests through libcrypto's EVP interface.  With the PKCS#7
 * code, the only place OpenSSL headers are included.
 */
#include "config.h"

#include "crypto.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <pthread.h>
#include <string.h>

struct mum_hasher {
    mum_hash_alg alg;
    EVP_MD_CTX *md;
    const EVP_MD *type;
};

static const struct {
    mum_hash_alg alg;
    const char *name;
    size_t size;
} algs[] = {
    {MUM_HASH_MD5, "md5", 16},       {MUM_HASH_SHA1, "sha1", 20},
    {MUM_HASH_SHA256, "sha256", 32}, {MUM_HASH_SHA384, "sha384", 48},
    {MUM_HASH_SHA512, "sha512", 64},
};

size_t mum_hash_size(mum_hash_alg alg)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(algs); i++)
        if (algs[i].alg == alg)
            return algs[i].size;
    return 0;
}

const char *mum_hash_name(mum_hash_alg alg)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(algs); i++)
        if (algs[i].alg == alg)
            return algs[i].name;
    return "none";
}

int mum_hash_parse_name(const char *text, mum_hash_alg *out)
{
    char buf[16];
    size_t n = 0;
    if (!text)
        return MUM_ENOTFOUND;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == '_')
            continue;
        if (n + 1 >= sizeof buf)
            return MUM_ENOTFOUND;
        buf[n++] = (char)mum__ascii_tolower((unsigned char)*p);
    }
    buf[n] = '\0';
    for (size_t i = 0; i < MUM_ARRAY_LEN(algs); i++) {
        if (strcmp(buf, algs[i].name) == 0) {
            *out = algs[i].alg;
            return MUM_OK;
        }
    }
    return MUM_ENOTFOUND;
}

static const EVP_MD *legacy_md(mum_hash_alg alg)
{
    switch (alg) {
    case MUM_HASH_MD5: return EVP_md5();
    case MUM_HASH_SHA1: return EVP_sha1();
    case MUM_HASH_SHA256: return EVP_sha256();
    case MUM_HASH_SHA384: return EVP_sha384();
    case MUM_HASH_SHA512: return EVP_sha512();
    default: return NULL;
    }
}

/*
 * The digests fetched from the default provider once for the process: a
 * legacy EVP_MD (EVP_sha256()) makes every EVP_DigestInit_ex fetch it
 * again, a lock and a lookup per file (0.11 s of CPU on the benchmark
 * package's 42 000 files).  Kept to the end of the process; where a fetch
 * fails, the legacy object serves.
 */
static EVP_MD *fetched[MUM_HASH_SHA512 + 1];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
    static const char *const names[] = {NULL, "MD5", "SHA1", "SHA256", "SHA384", "SHA512"};
    for (int i = MUM_HASH_MD5; i <= MUM_HASH_SHA512; i++)
        fetched[i] = EVP_MD_fetch(NULL, names[i], NULL);
    ERR_clear_error(); /* a provider without MD5 leaves its error behind */
}

const EVP_MD *mum__evp_md(mum_hash_alg alg)
{
    if (alg < MUM_HASH_MD5 || alg > MUM_HASH_SHA512)
        return NULL;
    pthread_once(&fetch_once, fetch_digests);
    return fetched[alg] ? fetched[alg] : legacy_md(alg);
}

int mum_hasher_new(mum_hash_alg alg, mum_hasher **out)
{
    const EVP_MD *type = mum__evp_md(alg);
    if (!type)
        return MUM_EINVAL;
    mum_hasher *h = mum__calloc(1, sizeof *h);
    if (!h)
        return MUM_ENOMEM;
    h->alg = alg;
    h->type = type;
    h->md = EVP_MD_CTX_new();
    if (!h->md) {
        mum__free(h);
        return MUM_ENOMEM;
    }
    if (EVP_DigestInit_ex(h->md, type, NULL) != 1) {
        mum_hasher_free(h);
        return MUM_ECRYPTO;
    }
    *out = h;
    return MUM_OK;
}

mum_hash_alg mum_hasher_alg(const mum_hasher *h)
{
    return h ? h->alg : MUM_HASH_NONE;
}

int mum_hasher_update(mum_hasher *h, const void *data, size_t size)
{
    return EVP_DigestUpdate(h->md, data, size) == 1 ? MUM_OK : MUM_ECRYPTO;
}

int mum_hasher_final(mum_hasher *h, uint8_t *out)
{
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(h->md, out, &n) != 1 || EVP_DigestInit_ex(h->md, h->type, NULL) != 1)
        return MUM_ECRYPTO;
    return MUM_OK;
}

void mum_hasher_free(mum_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->md);
    mum__free(h);
}

int mum_hash_buffer(mum_hash_alg alg, const void *data, size_t size, uint8_t *out)
{
    const EVP_MD *type = mum__evp_md(alg);
    if (!type)
        return MUM_EINVAL;
    return EVP_Digest(data, size, out, NULL, type, NULL) == 1 ? MUM_OK : MUM_ECRYPTO;
}
