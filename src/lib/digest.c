/*
 * digest.c - every message digest of the library, on libcrypto's EVP
 * interface: digest sets, one-shot digests, the Authenticode digest of a PE
 * image, and the public mum_hasher built on a one-algorithm set.  No other
 * file calls EVP_Digest* or holds an EVP_MD_CTX, except signeddata.c's
 * signature check (EVP_DigestVerify: OpenSSL hashes and verifies in one
 * call there); tests/cli/digest-one-module.sh keeps it so.
 */
#include "config.h"

#include "digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <pthread.h>
#include <string.h>

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

/* ---- digest sets ---- */

int mum__digest_set_init(mum__digest_set *s, unsigned want)
{
    memset(s, 0, sizeof *s);
    if (want == 0 || (want & ~(unsigned)MUM_DIGEST_ALL))
        return MUM_EINVAL;
    s->want = want;
    for (int a = MUM_HASH_MD5; a <= MUM_HASH_SHA512; a++) {
        if (!(want & MUM_DIGEST_BIT(a)))
            continue;
        const EVP_MD *md = mum__evp_md((mum_hash_alg)a);
        int rc = MUM_OK;
        if (!md)
            rc = MUM_ECRYPTO;
        else if (!(s->ctx[a] = EVP_MD_CTX_new()))
            rc = MUM_ENOMEM;
        else if (EVP_DigestInit_ex(s->ctx[a], md, NULL) != 1)
            rc = MUM_ECRYPTO;
        if (rc != MUM_OK) {
            ERR_clear_error();
            mum__digest_set_clear(s);
            return rc;
        }
    }
    return MUM_OK;
}

void mum__digest_set_clear(mum__digest_set *s)
{
    for (size_t a = 0; a < MUM_ARRAY_LEN(s->ctx); a++)
        EVP_MD_CTX_free(s->ctx[a]);
    memset(s, 0, sizeof *s);
}

/*
 * Two or three of the algorithms with 64-byte blocks (MD5, SHA-1, SHA-256)
 * are fed a block each in turn instead of the whole run each after the
 * other.  One algorithm's blocks depend on each other and its SHA-NI
 * rounds wait on one another's results; another algorithm's block in
 * between is independent work the core does in those waits: SHA-1 and
 * SHA-256 of the same 256 MiB took 0.29 s one after the other and 0.21 s
 * block by block here (1.35x; runs of 4 KiB gain nothing, of 256 bytes
 * 1.14x).  Each algorithm still takes the same bytes in the same order,
 * so the digests are the same.  Only when every such algorithm stands at
 * the same offset in its block (they were fed alike since they started),
 * so that each turn is one whole block processed in place.
 */
#define INTERLEAVE_BLOCK 64
#define INTERLEAVE_MIN 256

static int update_one(mum__digest_set *s, int a, const unsigned char *p, size_t n)
{
    return n == 0 || EVP_DigestUpdate(s->ctx[a], p, n) == 1 ? MUM_OK : MUM_ECRYPTO;
}

static size_t interleave_lanes(const mum__digest_set *s, size_t size, int lanes[3])
{
    static const int block64[3] = {MUM_HASH_MD5, MUM_HASH_SHA1, MUM_HASH_SHA256};
    size_t n = 0;
    if (size < INTERLEAVE_MIN)
        return 0;
    for (int k = 0; k < 3; k++)
        if (s->ctx[block64[k]])
            lanes[n++] = block64[k];
    for (size_t k = 1; k < n; k++)
        if (s->fed[lanes[k]] % INTERLEAVE_BLOCK != s->fed[lanes[0]] % INTERLEAVE_BLOCK)
            return 0;
    return n >= 2 ? n : 0;
}

int mum__digest_set_update(mum__digest_set *s, const void *data, size_t size)
{
    const unsigned char *p = data;
    int lanes[3];
    size_t nl = interleave_lanes(s, size, lanes);
    if (nl) {
        size_t head = (INTERLEAVE_BLOCK - s->fed[lanes[0]] % INTERLEAVE_BLOCK) % INTERLEAVE_BLOCK;
        size_t body = (size - head) / INTERLEAVE_BLOCK * INTERLEAVE_BLOCK;
        for (size_t k = 0; k < nl; k++)
            if (update_one(s, lanes[k], p, head) != MUM_OK)
                return MUM_ECRYPTO;
        for (size_t at = head; at < head + body; at += INTERLEAVE_BLOCK)
            for (size_t k = 0; k < nl; k++)
                if (update_one(s, lanes[k], p + at, INTERLEAVE_BLOCK) != MUM_OK)
                    return MUM_ECRYPTO;
        s->interleaved += body / INTERLEAVE_BLOCK;
        for (size_t k = 0; k < nl; k++)
            if (update_one(s, lanes[k], p + head + body, size - head - body) != MUM_OK)
                return MUM_ECRYPTO;
    }
    for (int a = MUM_HASH_MD5; a <= MUM_HASH_SHA512; a++) {
        if (!s->ctx[a])
            continue;
        bool done = false;
        for (size_t k = 0; k < nl; k++)
            done |= lanes[k] == a;
        if (!done && update_one(s, a, p, size) != MUM_OK)
            return MUM_ECRYPTO;
        s->fed[a] += size;
    }
    return MUM_OK;
}

int mum__digest_set_final(mum__digest_set *s, mum_hash_alg alg, uint8_t *out)
{
    if (!mum__digest_set_has(s, alg) || !s->ctx[alg])
        return MUM_EINVAL;
    unsigned int n = 0;
    s->fed[alg] = 0;
    if (EVP_DigestFinal_ex(s->ctx[alg], out, &n) != 1 ||
        EVP_DigestInit_ex(s->ctx[alg], mum__evp_md(alg), NULL) != 1)
        return MUM_ECRYPTO;
    return MUM_OK;
}

int mum__digest_set_restart(mum__digest_set *s)
{
    for (int a = MUM_HASH_MD5; a <= MUM_HASH_SHA512; a++) {
        s->fed[a] = 0;
        if (s->ctx[a] && EVP_DigestInit_ex(s->ctx[a], mum__evp_md((mum_hash_alg)a), NULL) != 1)
            return MUM_ECRYPTO;
    }
    return MUM_OK;
}

/* ---- one-shot digests ---- */

int mum__digest_buffer(mum_hash_alg alg, const void *data, size_t size, uint8_t *out)
{
    const EVP_MD *md = mum__evp_md(alg);
    if (!md)
        return MUM_EINVAL;
    return EVP_Digest(data, size, out, NULL, md, NULL) == 1 ? MUM_OK : MUM_ECRYPTO;
}

int mum__digest_evp(const EVP_MD *md, const void *data, size_t size, uint8_t *out, size_t *out_len)
{
    *out_len = 0;
    if (!md || EVP_MD_get_size(md) <= 0 || EVP_MD_get_size(md) > MUM_HASH_MAX_SIZE)
        return MUM_EINVAL;
    unsigned int n = 0;
    if (EVP_Digest(data, size, out, &n, md, NULL) != 1)
        return MUM_ECRYPTO;
    *out_len = n;
    return MUM_OK;
}

/* ---- the Authenticode digest of a PE image ---- */

/* The bytes after the sections: SUM_OF_BYTES_HASHED. */
static uint64_t pe_hashed(const mum__pe_digest_layout *l)
{
    uint64_t hashed = l->size_of_headers;
    for (size_t i = 0; i < l->nsections; i++)
        hashed += l->sections[i].size;
    return hashed;
}

int mum__digest_pe_ranges(const mum__pe_digest_layout *l, mum__pe_range_fn each, void *ud)
{
    int rc;
    /* 1. the headers without CheckSum and the certificate-table entry */
    uint64_t after_sum = l->checksum_offset + 4;
    if ((rc = each(ud, 0, l->checksum_offset, 0)) != MUM_OK)
        return rc;
    if (l->certdir_offset) {
        if ((rc = each(ud, after_sum, l->certdir_offset, 0)) != MUM_OK ||
            (rc = each(ud, l->certdir_offset + 8, l->size_of_headers, 0)) != MUM_OK)
            return rc;
    } else if ((rc = each(ud, after_sum, l->size_of_headers, 0)) != MUM_OK) {
        return rc;
    }
    /* 2. the sections in file order */
    for (size_t i = 0; i < l->nsections; i++) {
        const mum__digest_span *sp = &l->sections[i];
        if ((rc = each(ud, sp->offset, sp->offset + sp->size, 0)) != MUM_OK)
            return rc;
    }
    /* 3. whatever follows, except the certificate table */
    uint64_t hashed = pe_hashed(l);
    if (!l->cert_size)
        return each(ud, hashed, UINT64_MAX, 0);
    uint64_t cert_end = l->cert_offset + l->cert_size;
    if (hashed < l->cert_offset) {
        if ((rc = each(ud, hashed, l->cert_offset, 0)) != MUM_OK)
            return rc;
        return each(ud, cert_end, UINT64_MAX, 0);
    }
    /* the table lies before SUM_OF_BYTES_HASHED: the rest counts only when
     * the file is longer than SUM_OF_BYTES_HASHED plus the table */
    return each(ud, hashed > cert_end ? hashed : cert_end, UINT64_MAX, hashed + l->cert_size);
}

size_t mum__digest_pe_padding(uint64_t size, const mum__pe_digest_layout *l)
{
    /* Windows' CryptCATAdminCalcHashFromFileHandle pads what follows the
     * sections (and signing tools pad the file itself before signing) */
    uint64_t hashed = pe_hashed(l);
    uint64_t end = size - l->cert_size;
    if (hashed >= size || end <= hashed || end % 8 == 0)
        return 0;
    return (size_t)(8 - end % 8);
}

struct pe_image {
    mum__digest_set *s;
    const uint8_t *p;
    uint64_t size;
};

static int feed_range(void *ud, uint64_t start, uint64_t end, uint64_t gate)
{
    const struct pe_image *im = ud;
    if (gate && im->size <= gate)
        return MUM_OK;
    if (end > im->size)
        end = im->size;
    return end <= start ? MUM_OK : mum__digest_set_update(im->s, im->p + start, (size_t)(end - start));
}

int mum__digest_pe_image(mum__digest_set *s, const uint8_t *p, size_t size, const mum__pe_digest_layout *l)
{
    struct pe_image im = {s, p, size};
    int rc = mum__digest_pe_ranges(l, feed_range, &im);
    static const uint8_t zeros[8];
    size_t pad = mum__digest_pe_padding(size, l);
    if (rc == MUM_OK && pad)
        rc = mum__digest_set_update(s, zeros, pad);
    return rc;
}

/* ---- the public hasher: a set of one ---- */

struct mum_hasher {
    mum_hash_alg alg;
    mum__digest_set set;
};

int mum_hasher_new(mum_hasher **out, mum_hash_alg alg)
{
    if (alg < MUM_HASH_MD5 || alg > MUM_HASH_SHA512)
        return MUM_EINVAL;
    mum_hasher *h = mum__calloc(1, sizeof *h);
    if (!h)
        return MUM_ENOMEM;
    h->alg = alg;
    int rc = mum__digest_set_init(&h->set, MUM_DIGEST_BIT(alg));
    if (rc != MUM_OK) {
        mum__free(h);
        return rc;
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
    return mum__digest_set_update(&h->set, data, size);
}

int mum_hasher_final(uint8_t *out, mum_hasher *h)
{
    return mum__digest_set_final(&h->set, h->alg, out);
}

void mum_hasher_free(mum_hasher *h)
{
    if (!h)
        return;
    mum__digest_set_clear(&h->set);
    mum__free(h);
}

int mum_hash_buffer(uint8_t *out, mum_hash_alg alg, const void *data, size_t size)
{
    return mum__digest_buffer(alg, data, size, out);
}
