/*
 * mum/hash.h - message digests and their text forms (hex, base64).
 *
 * The digests are computed by the crypto library the build uses; its own
 * allocations do not go through mum_set_allocator.
 */
#ifndef MUM_HASH_H
#define MUM_HASH_H

#include <mum/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mum_hash_alg {
    MUM_HASH_NONE = 0,
    MUM_HASH_MD5,
    MUM_HASH_SHA1,
    MUM_HASH_SHA256,
    MUM_HASH_SHA384,
    MUM_HASH_SHA512
} mum_hash_alg;

/* The largest digest, in bytes. */
#define MUM_HASH_MAX_SIZE 64

/* Digest size in bytes; 0 for NONE or out of range. */
MUM_EXTERN size_t mum_hash_size(mum_hash_alg alg);
/* "sha256", ...; "none" for NONE. */
MUM_EXTERN const char *mum_hash_name(mum_hash_alg alg);
/* Accepts "sha256", "SHA-256", "SHA256" (any case).  Errors: MUM_ENOTFOUND. */
MUM_EXTERN int mum_hash_parse_name(mum_hash_alg *out, const char *text);

typedef struct mum_hasher mum_hasher;

/* Errors: MUM_EINVAL (alg), MUM_ENOMEM, MUM_ECRYPTO. */
MUM_EXTERN int mum_hasher_new(mum_hasher **out, mum_hash_alg alg);
MUM_EXTERN mum_hash_alg mum_hasher_alg(const mum_hasher *h);
/* Errors: MUM_ECRYPTO. */
MUM_EXTERN int mum_hasher_update(mum_hasher *h, const void *data, size_t size);
/* Writes mum_hash_size() bytes to out and starts over.  Errors: MUM_ECRYPTO. */
MUM_EXTERN int mum_hasher_final(uint8_t *out, mum_hasher *h);
MUM_EXTERN void mum_hasher_free(mum_hasher *h);

/* One-shot digest of a buffer.  Errors: as mum_hasher_new/update/final. */
MUM_EXTERN int mum_hash_buffer(uint8_t *out, mum_hash_alg alg, const void *data, size_t size);

/* Lower-case hex of size bytes; out must hold 2 * size + 1 bytes. */
MUM_EXTERN void mum_hex_encode(char *out, const uint8_t *data, size_t size);
/*
 * Decodes hex (either case, no separators) into out (at most out_cap bytes).
 * Errors: MUM_EFORMAT (odd length, not hex), MUM_ELIMIT (more than cap).
 */
MUM_EXTERN int mum_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text,
                              size_t len);

/* Bytes needed by mum_base64_encode for size input bytes, NUL included. */
#define MUM_BASE64_ENCODED_SIZE(size) ((((size) + 2) / 3) * 4 + 1)
/* Standard base64 with padding; returns the length written (without NUL). */
MUM_EXTERN size_t mum_base64_encode(char *out, const uint8_t *data, size_t size);
/*
 * Decodes standard base64 (RFC 4648 alphabet, '=' padding required to a
 * multiple of four); white space between characters is skipped.
 * Errors: MUM_EFORMAT (a bad character, bad padding, bits left over),
 * MUM_ELIMIT (more than out_cap bytes).
 */
MUM_EXTERN int mum_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text,
                                 size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MUM_HASH_H */
