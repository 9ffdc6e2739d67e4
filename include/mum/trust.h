/*
 * mum/trust.h - trust anchors: the certificates a signature's chain must
 * reach to be called trusted, each with the purposes it may anchor.
 *
 * Windows ships Microsoft's roots in its root store; Linux does not.  The
 * library carries them (the built-in anchors, mum_trust_add_builtin: the 12
 * roots Microsoft's code-signing, catalog-signing and time-stamping chains
 * end in, embedded when the library is built).  Windows restricts what some
 * of those roots may anchor (its certificate trust list): a time-stamping
 * root never anchors a code signature, a code-signing root never anchors a
 * time stamp.  The same restrictions are applied here by SHA-1 thumbprint to
 * any anchor with that thumbprint, however it was loaded (built in, from a
 * file, from memory).  Every other anchor may anchor everything unless the
 * caller narrows it (mum_trust_restrict).
 *
 * Included by <mum/signature.h>, which verifies against a mum_trust.
 */
#ifndef MUM_TRUST_H
#define MUM_TRUST_H

#include <mum/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mum_trust mum_trust;

/* What an anchor may anchor (bits). */
enum {
    MUM_TRUST_PURPOSE_CODE_SIGNING = 1 << 0,  /* catalog, cabinet and file signatures */
    MUM_TRUST_PURPOSE_TIME_STAMPING = 1 << 1, /* countersignatures, RFC 3161 timestamps */
    MUM_TRUST_PURPOSE_EMAIL = 1 << 2,         /* e-mail protection (never used here) */
    MUM_TRUST_PURPOSE_ALL = (1 << 3) - 1
};

/*
 * The purposes as text: "all", "none", or the names joined by ","
 * ("code-signing", "time-stamping", "email-protection").  buf holds at least
 * MUM_TRUST_PURPOSES_TEXT_MAX bytes; returns buf.
 */
#define MUM_TRUST_PURPOSES_TEXT_MAX 48
MUM_EXTERN const char *mum_trust_purposes_text(unsigned purposes, char *buf);

typedef enum mum_trust_origin {
    MUM_TRUST_ORIGIN_BUILTIN = 0,   /* mum_trust_add_builtin */
    MUM_TRUST_ORIGIN_FILE,          /* mum_trust_add_pem_file: source is the path */
    MUM_TRUST_ORIGIN_MEMORY         /* mum_trust_add_pem: source is the name given */
} mum_trust_origin;

/* "builtin", "file", "memory". */
MUM_EXTERN const char *mum_trust_origin_name(mum_trust_origin origin);

/*
 * One anchor, for listing.  The subject is an RFC 2253 string, the
 * thumbprint the upper-case hex SHA-1 of the certificate as Windows shows
 * it; times are seconds since 1970-01-01 UTC.  Strings are owned by the
 * mum_trust.
 */
typedef struct mum_trust_anchor {
    const char *subject;
    const char *thumbprint;
    int64_t not_before;
    int64_t not_after;
    unsigned purposes;          /* MUM_TRUST_PURPOSE_* bits */
    mum_trust_origin origin;
    const char *source;         /* "built-in", the file's path, or the name given */
} mum_trust_anchor;

/* An empty set of anchors.  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_trust_new(mum_trust **out);
MUM_EXTERN void mum_trust_free(mum_trust *trust);

/*
 * Adds the built-in anchors (Microsoft's roots; see the top of this header
 * and data/trust/README.md in the source).  No file is read.
 * Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_trust_add_builtin(mum_ctx *ctx, mum_trust *trust);

/*
 * Adds every certificate of a PEM file ("-----BEGIN CERTIFICATE-----"
 * blocks; other blocks are skipped).  Errors: MUM_EIO (cannot read path),
 * MUM_EFORMAT (no certificate in it, or a damaged one: the message names the
 * file), MUM_ENOMEM.
 */
MUM_EXTERN int mum_trust_add_pem_file(mum_ctx *ctx, mum_trust *trust, const char *path);
/* The same from memory; `name` is used in messages and as the source. */
MUM_EXTERN int mum_trust_add_pem(mum_ctx *ctx, mum_trust *trust, const void *pem, size_t size,
                                 const char *name);

/* How many anchors (a certificate added twice counts twice). */
MUM_EXTERN size_t mum_trust_count(const mum_trust *trust);
/* The i-th anchor in the order added; NULL past the end.  Borrowed. */
MUM_EXTERN const mum_trust_anchor *mum_trust_anchor_at(const mum_trust *trust, size_t i);

/*
 * Narrows what the i-th anchor may anchor to the purposes it has and
 * `purposes` (a restriction is never widened: Windows' own stay).
 * Errors: MUM_EINVAL (i past the end).
 */
MUM_EXTERN int mum_trust_restrict(mum_trust *trust, size_t i, unsigned purposes);

#ifdef __cplusplus
}
#endif

#endif /* MUM_TRUST_H */
