/*
 * digest.h - every message digest the library computes, in one module
 * (digest.c, the only user of libcrypto's EVP digest interface).
 *
 * A consumer asks for the set of algorithms it needs (a "digest set": SHA-1,
 * SHA-256, MD5, ...) and feeds the data once; the set updates each wanted
 * algorithm from the same bytes, without copying them.  The Authenticode
 * digests (a PE file's, a cabinet's) are digest sets fed the byte ranges
 * their format code decides; mum__digest_pe_image feeds a whole PE file's.
 *
 * No OpenSSL header is included here, so this header may be included
 * anywhere.
 */
#ifndef MUM_DIGEST_H
#define MUM_DIGEST_H

#include "internal.h"

struct evp_md_st;
struct evp_md_ctx_st;

/* The bit of an algorithm in a digest set's request. */
#define MUM_DIGEST_BIT(alg) (1u << (unsigned)(alg))
#define MUM_DIGEST_MD5 MUM_DIGEST_BIT(MUM_HASH_MD5)
#define MUM_DIGEST_SHA1 MUM_DIGEST_BIT(MUM_HASH_SHA1)
#define MUM_DIGEST_SHA256 MUM_DIGEST_BIT(MUM_HASH_SHA256)
#define MUM_DIGEST_SHA384 MUM_DIGEST_BIT(MUM_HASH_SHA384)
#define MUM_DIGEST_SHA512 MUM_DIGEST_BIT(MUM_HASH_SHA512)
#define MUM_DIGEST_ALL                                                                         \
    (MUM_DIGEST_MD5 | MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256 | MUM_DIGEST_SHA384 | MUM_DIGEST_SHA512)

/*
 * A digest set.  Embed it by value (zeroed, or MUM_DIGEST_SET_INIT, is an
 * empty set that mum__digest_set_clear accepts): the hashing state of each
 * algorithm is allocated once by mum__digest_set_init and reused for every
 * message after it, so feeding costs no allocation and no copy.
 * Not for two threads at once.
 */
typedef struct mum__digest_set {
    unsigned want;                                  /* MUM_DIGEST_* bits */
    struct evp_md_ctx_st *ctx[MUM_HASH_SHA512 + 1]; /* by mum_hash_alg; NULL when not wanted */
    uint64_t fed[MUM_HASH_SHA512 + 1];              /* bytes each has taken since it started */
    uint64_t interleaved;                           /* blocks fed in turns (mum__digest_set_update) */
} mum__digest_set;

#define MUM_DIGEST_SET_INIT {0}

/*
 * Starts a set computing the algorithms of `want` (at least one).
 * Errors: MUM_EINVAL (an unknown bit, or none), MUM_ENOMEM, MUM_ECRYPTO;
 * on an error the set is left empty.
 */
MUM_INTERNAL int mum__digest_set_init(mum__digest_set *s, unsigned want);
/* Frees the set's state; it is then empty.  Accepts an empty set. */
MUM_INTERNAL void mum__digest_set_clear(mum__digest_set *s);
/* Whether the set computes alg. */
static inline bool mum__digest_set_has(const mum__digest_set *s, mum_hash_alg alg)
{
    return alg > MUM_HASH_NONE && alg <= MUM_HASH_SHA512 && (s->want & MUM_DIGEST_BIT(alg));
}
/* Feeds bytes to every algorithm of the set.  Errors: MUM_ECRYPTO. */
MUM_INTERNAL int mum__digest_set_update(mum__digest_set *s, const void *data, size_t size);
/*
 * Writes alg's digest of what was fed (mum_hash_size(alg) bytes) to out and
 * starts that algorithm over.  Errors: MUM_EINVAL (not in the set),
 * MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__digest_set_final(mum__digest_set *s, mum_hash_alg alg, uint8_t *out);
/* Forgets what was fed: every algorithm starts over.  Errors: MUM_ECRYPTO. */
MUM_INTERNAL int mum__digest_set_restart(mum__digest_set *s);

/* One-shot digest of a buffer.  Errors: MUM_EINVAL (alg), MUM_ECRYPTO. */
MUM_INTERNAL int mum__digest_buffer(mum_hash_alg alg, const void *data, size_t size, uint8_t *out);

/*
 * One-shot digest with an EVP_MD the signature code chose from an
 * AlgorithmIdentifier (it needs the EVP_MD itself to check the signature);
 * out must hold MUM_HASH_MAX_SIZE bytes, *out_len gets the digest's size.
 * Errors: MUM_EINVAL (no md, or a digest longer than MUM_HASH_MAX_SIZE),
 * MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__digest_evp(const struct evp_md_st *md, const void *data, size_t size,
                                 uint8_t *out, size_t *out_len);

/* The EVP digest of an algorithm, NULL for NONE or unknown: for OpenSSL
 * calls that sign or digest on their own (PKCS7_add_signature,
 * X509_digest). */
MUM_INTERNAL const struct evp_md_st *mum__evp_md(mum_hash_alg alg);

/* ---- the Authenticode digest of a PE image ---- */

/* A byte range of the file: a section's raw data. */
typedef struct mum__digest_span {
    uint64_t offset;
    uint64_t size;
} mum__digest_span;

/*
 * What the Authenticode digest of a PE image leaves out and takes in, as
 * pe.c read it from the headers (every value checked against the file's
 * size there).
 */
typedef struct mum__pe_digest_layout {
    uint64_t checksum_offset;   /* the optional header's CheckSum (4 bytes) */
    uint64_t certdir_offset;    /* the certificate-table directory entry (8 bytes); 0: none */
    uint64_t size_of_headers;
    uint64_t cert_offset, cert_size; /* the certificate table; size 0: none */
    const mum__digest_span *sections; /* raw data, sorted by file offset */
    size_t nsections;
} mum__pe_digest_layout;

/*
 * The byte ranges of the Authenticode digest, in digest order: the headers
 * without CheckSum and the certificate-table entry, the sections in file
 * order, then what follows them except the certificate table.  Calls
 * each(ud, start, end, gate) for [start, end) of the file (end UINT64_MAX:
 * to its end; end <= start: empty), which counts only when the file is
 * longer than gate (0: always): when the certificate table lies before the
 * end of the sections, the rest counts only in a file longer than both,
 * which a stream learns at its end.  Stops at the first status each
 * returns other than MUM_OK, and returns it.
 */
typedef int (*mum__pe_range_fn)(void *ud, uint64_t start, uint64_t end, uint64_t gate);
MUM_INTERNAL int mum__digest_pe_ranges(const mum__pe_digest_layout *l, mum__pe_range_fn each, void *ud);
/*
 * Feeds the Authenticode digest of the whole PE file p[0, size) to s: the
 * headers without CheckSum and the certificate-table entry, the sections in
 * file order, then what follows them except the certificate table, padded
 * with zeros to a multiple of 8 bytes.  Errors: MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__digest_pe_image(mum__digest_set *s, const uint8_t *p, size_t size,
                                      const mum__pe_digest_layout *l);
/*
 * The zeros the Authenticode digest of a PE file of `size` bytes ends with
 * (0 to 7): for a streaming digest, which learns the size at its end.
 */
MUM_INTERNAL size_t mum__digest_pe_padding(uint64_t size, const mum__pe_digest_layout *l);

#endif /* MUM_DIGEST_H */
