/*
 * hash.c - the names of the digest algorithms.  The digests themselves,
 * mum_hasher included, are digest.c's.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

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

int mum_hash_parse_name(mum_hash_alg *out, const char *text)
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
