/*
 * mum/signature.h - PKCS#7 SignedData as Windows uses it: the signature of
 * a security catalog (content: a certificate trust list) and Authenticode
 * signatures of other files (content: SpcIndirectDataContent,
 * 1.3.6.1.4.1.311.2.1.4) such as signed cabinets and PE files.
 *
 * Reading a signature (mum_signature_parse) never fails because of what the
 * signature says; verifying it (mum_signature_verify,
 * mum_authenticode_verify) returns MUM_OK whenever it could run and puts the
 * verdict in a mum_sig_result.  Verification has two separate levels:
 *
 *  1. integrity: the signer's messageDigest attribute equals the digest of
 *     the signed content, computed PKCS#7 v1.5 style over the content's
 *     *contents octets* (the bytes after the content's own tag and length;
 *     DOMAIN.md §5); the contentType attribute names the content type; the
 *     signature over the DER of the authenticated attributes verifies with
 *     the public key of the signer's certificate (found in the signature by
 *     issuer and serial number); a countersignature or RFC 3161 timestamp,
 *     when present, signs this signature's value.  For Authenticode, the
 *     digest the content carries must also equal the digest of the file
 *     computed by the caller.  The chains are intact: every certificate
 *     of the signer's chain and of the timestamp signer's chain whose
 *     issuer's certificate is at hand (in the signature, in a timestamp
 *     token, or among the anchors when given) verifies with that issuer's
 *     key.  This needs no anchors: a damaged certificate is an integrity
 *     failure (MUM_SIG_CHECK_CHAIN), never "intact, untrusted".
 *  2. trust: the signer's certificate chains, through the certificates in
 *     the signature, to one of the trust anchors the caller supplies
 *     (mum_trust) that may anchor code signing (the timestamp's signer: one
 *     that may anchor time stamping; <mum/trust.h>), evaluated at the
 *     timestamp's time when there is a timestamp whose own signer chains to
 *     an anchor, else at the current time (or the time given in the
 *     options).  Any certificate given as an anchor is trusted as such, a
 *     CA below a root as well as a root.
 *     The signer's certificate must allow code signing when it restricts
 *     its extended key usage.
 *
 * Windows' catalogs and files chain to Microsoft roots that are not in
 * Debian's CA store (mum_trust_add_builtin adds them): with no anchors the
 * best verdict is MUM_SIG_UNTRUSTED ("signed-untrusted"), which is not a
 * failure of the signature.  Times are seconds since 1970-01-01 UTC.
 */
#ifndef MUM_SIGNATURE_H
#define MUM_SIGNATURE_H

#include <mum/common.h>
#include <mum/hash.h>
#include <mum/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Object identifiers, dotted. */
#define MUM_OID_CTL "1.3.6.1.4.1.311.10.1"                  /* szOID_CTL: catalogs */
#define MUM_OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"   /* Authenticode content */

/* ---- times ---- */

/* Formats t (seconds since 1970 UTC) as "YYYY-MM-DDTHH:MM:SSZ" into buf (at
 * least MUM_TIME_TEXT_MAX bytes), "@SECONDS" when out of the calendar range. */
#define MUM_TIME_TEXT_MAX 32
MUM_EXTERN void mum_time_format(int64_t t, char *buf);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" (UTC) or "@SECONDS".
 * Errors: MUM_EFORMAT. */
MUM_EXTERN int mum_time_parse(int64_t *out, const char *text);

/* ---- what a signature says ---- */

/* A certificate.  Names are RFC 2253 strings ("CN=Microsoft Windows,O=...");
 * serial and thumbprint are upper-case hex, the thumbprint the SHA-1 of the
 * certificate as Windows shows it. */
typedef struct mum_cert_info {
    char *subject;
    char *issuer;
    char *serial;
    char *thumbprint;
    int64_t not_before;
    int64_t not_after;
} mum_cert_info;

typedef enum mum_timestamp_kind {
    MUM_TIMESTAMP_NONE = 0,
    MUM_TIMESTAMP_COUNTERSIGNATURE, /* PKCS#9 countersignature (1.2.840.113549.1.9.6) */
    MUM_TIMESTAMP_RFC3161           /* RFC 3161 token in 1.3.6.1.4.1.311.3.3.1 */
} mum_timestamp_kind;

/* "none", "countersignature", "rfc3161". */
MUM_EXTERN const char *mum_timestamp_kind_name(mum_timestamp_kind kind);

/*
 * One signer (a SignerInfo).  When the signer's certificate is not in the
 * signature, has_cert is false and cert holds only issuer and serial (from
 * the SignerInfo).  All strings are owned by the mum_signature; absent ones
 * are NULL.
 */
typedef struct mum_signer_info {
    mum_cert_info cert;
    bool has_cert;
    mum_hash_alg digest_alg;        /* MUM_HASH_NONE when unknown: see digest_alg_oid */
    const char *digest_alg_oid;     /* dotted */
    const char *signature_alg;      /* short name ("rsaEncryption") or dotted OID */
    bool has_signing_time;          /* the signingTime attribute (a claim of the signer) */
    int64_t signing_time;
    const char *program_name;       /* SpcSpOpusInfo programName ("Microsoft Windows") */
    const char *more_info_url;      /* SpcSpOpusInfo moreInfo URL */

    mum_timestamp_kind timestamp;   /* NONE when there is none */
    int64_t timestamp_time;         /* the countersignature's signingTime or the TSTInfo genTime */
    mum_hash_alg timestamp_digest_alg;
    mum_cert_info timestamp_signer; /* subject empty (NULL) when its certificate is absent */
} mum_signer_info;

/* A parsed PKCS#7 SignedData.  Opaque. */
typedef struct mum_signature mum_signature;

/*
 * Parses a DER PKCS#7 ContentInfo of type SignedData (size bytes at der;
 * not kept: the signature holds its own copy).  A SignedData with no
 * SignerInfo (an unsigned catalog) parses; mum_signature_signer_count() is
 * then 0.  `where` names the input in messages (NULL allowed).
 * Errors: MUM_EFORMAT (not DER, not a SignedData, truncated: the message
 * gives the byte offset where the structure breaks), MUM_ELIMIT (larger than
 * 1 GiB), MUM_ENOMEM.
 */
MUM_EXTERN int mum_signature_parse(mum_signature **out, mum_ctx *ctx, const void *der, size_t size,
                                   const mum_location *where);
MUM_EXTERN void mum_signature_free(mum_signature *sig);

/* The content type, dotted ("1.3.6.1.4.1.311.10.1").  Borrowed. */
MUM_EXTERN const char *mum_signature_content_type(const mum_signature *sig);

/*
 * The signed content as encoded: its complete DER (tag, length and contents)
 * in *der, and in *body_offset where its contents octets start (what the
 * messageDigest covers).  *offset is where the content starts in the parsed
 * input.  Borrowed; NULL and zeros when there is no content.
 */
MUM_EXTERN void mum_signature_content(const mum_signature *sig, const uint8_t **der, size_t *len,
                                      size_t *body_offset, uint64_t *offset);

MUM_EXTERN size_t mum_signature_signer_count(const mum_signature *sig);
/* The i-th signer; NULL past the end.  Borrowed. */
MUM_EXTERN const mum_signer_info *mum_signature_signer(const mum_signature *sig, size_t i);

/* The certificates the signature carries (signer's chain, timestamp
 * authority's), in the order stored. */
MUM_EXTERN size_t mum_signature_cert_count(const mum_signature *sig);
MUM_EXTERN const mum_cert_info *mum_signature_cert(const mum_signature *sig, size_t i);

/* ---- Authenticode content ---- */

/*
 * What an Authenticode signature signs (its SpcIndirectDataContent): the
 * type of the data (SPC_PE_IMAGE_DATA 1.3.6.1.4.1.311.2.1.15 for PE files,
 * SPC_CAB_DATA 1.3.6.1.4.1.311.2.1.25 for cabinets and flat files, ...),
 * and the digest of the file with its algorithm.  A cabinet's digest is the
 * Authenticode digest of the cabinet, which the caller computes.
 */
typedef struct mum_authenticode_info {
    const char *data_type;          /* dotted; borrowed from the signature */
    mum_hash_alg digest_alg;        /* MUM_HASH_NONE if not one mum_hash knows */
    const char *digest_alg_oid;     /* dotted; borrowed */
    uint8_t digest[MUM_HASH_MAX_SIZE];
    size_t digest_len;
} mum_authenticode_info;

/*
 * Decodes the SpcIndirectDataContent of an Authenticode signature.
 * Errors: MUM_ENOTFOUND (the content type is not 1.3.6.1.4.1.311.2.1.4; the
 * signature may be a catalog's), MUM_EFORMAT (a malformed content, or a
 * digest longer than MUM_HASH_MAX_SIZE).
 */
MUM_EXTERN int mum_authenticode_content(mum_authenticode_info *out, mum_ctx *ctx,
                                        const mum_signature *sig);

/* ---- trust anchors: <mum/trust.h> ---- */

/* ---- verification ---- */

typedef enum mum_sig_status {
    MUM_SIG_UNSIGNED = 0,       /* no SignerInfo at all */
    MUM_SIG_INTEGRITY_FAILED,   /* an integrity check failed (failed_check says which) */
    MUM_SIG_UNTRUSTED,          /* intact, but not chained to an anchor (trust_issue says why,
                                 * MUM_SIG_TRUST_NO_ANCHORS when none were given) */
    MUM_SIG_EXPIRED,            /* intact and chained to an anchor, but a certificate of the
                                 * chain was not valid at the time evaluated */
    MUM_SIG_TRUSTED             /* intact and chained to an anchor */
} mum_sig_status;

/* "unsigned", "integrity-failed", "signed-untrusted", "expired", "trusted". */
MUM_EXTERN const char *mum_sig_status_name(mum_sig_status status);

/* The integrity check that failed. */
typedef enum mum_sig_check {
    MUM_SIG_CHECK_NONE = 0,
    MUM_SIG_CHECK_SIGNER_CERT,      /* the signer's certificate is not in the signature */
    MUM_SIG_CHECK_ATTRIBUTES,       /* no messageDigest, or a contentType naming another type */
    MUM_SIG_CHECK_CONTENT_DIGEST,   /* messageDigest differs from the content's digest */
    MUM_SIG_CHECK_SIGNATURE,        /* the signature over the attributes does not verify */
    MUM_SIG_CHECK_FILE_DIGEST,      /* Authenticode: the file's digest differs from the signed one */
    MUM_SIG_CHECK_TIMESTAMP,        /* the countersignature or timestamp does not sign this one */
    MUM_SIG_CHECK_CHAIN             /* a certificate of the signer's or the timestamp's chain does
                                     * not verify with its issuer's key */
} mum_sig_check;

/* "signer-certificate", "attributes", "content-digest", "signature",
 * "file-digest", "timestamp", "chain"; "none". */
MUM_EXTERN const char *mum_sig_check_name(mum_sig_check check);

/* Why an intact signature is not trusted. */
typedef enum mum_sig_trust_issue {
    MUM_SIG_TRUST_OK = 0,
    MUM_SIG_TRUST_NO_ANCHORS,   /* no anchors were given: the chain was not evaluated */
    MUM_SIG_TRUST_UNKNOWN_ROOT, /* the chain does not lead to any of the anchors */
    MUM_SIG_TRUST_CHAIN,        /* the chain is broken (a bad certificate signature, a CA
                                 * certificate that may not issue, ...) */
    MUM_SIG_TRUST_USAGE         /* the signer's certificate is not for code signing */
} mum_sig_trust_issue;

/* "ok", "no-anchors", "unknown-root", "chain", "usage". */
MUM_EXTERN const char *mum_sig_trust_issue_name(mum_sig_trust_issue issue);

typedef enum mum_sig_time_source {
    MUM_SIG_TIME_NONE = 0,      /* the chain was not evaluated */
    MUM_SIG_TIME_NOW,           /* no usable timestamp: the current time */
    MUM_SIG_TIME_TIMESTAMP,     /* the time of a timestamp whose signer chains to an anchor */
    MUM_SIG_TIME_GIVEN          /* mum_sig_verify_options.time */
} mum_sig_time_source;

/* "none", "now", "timestamp", "given". */
MUM_EXTERN const char *mum_sig_time_source_name(mum_sig_time_source source);

/* Whether the signer's timestamp holds, whatever the trust verdict. */
typedef enum mum_sig_timestamp_status {
    MUM_SIG_TIMESTAMP_ABSENT = 0,   /* the signer has no countersignature nor RFC 3161 token */
    MUM_SIG_TIMESTAMP_VALID,        /* it signs this signature and its signer's chain is intact */
    MUM_SIG_TIMESTAMP_INVALID       /* unreadable, not verifying, its signer's certificate absent,
                                     * or its signer's chain broken: an integrity failure */
} mum_sig_timestamp_status;

/* "absent", "valid", "invalid". */
MUM_EXTERN const char *mum_sig_timestamp_status_name(mum_sig_timestamp_status status);

/* The integrity of the certificate chains (the signer's and the timestamp's). */
typedef enum mum_sig_chain_status {
    MUM_SIG_CHAIN_UNCHECKED = 0,    /* not checked: unsigned, or the signer's certificate absent */
    MUM_SIG_CHAIN_INTACT,           /* every certificate whose issuer is at hand verifies */
    MUM_SIG_CHAIN_BROKEN            /* one does not (MUM_SIG_CHECK_CHAIN) */
} mum_sig_chain_status;

/* "unchecked", "intact", "broken". */
MUM_EXTERN const char *mum_sig_chain_status_name(mum_sig_chain_status status);

typedef struct mum_sig_verify_options {
    unsigned version;           /* MUM_SIG_VERIFY_OPTIONS_VERSION */
    const mum_trust *anchors;   /* NULL or empty: integrity only (signed-untrusted at best) */
    bool has_time;              /* evaluate the chain at `time` instead of the timestamp/now */
    int64_t time;
} mum_sig_verify_options;

#define MUM_SIG_VERIFY_OPTIONS_VERSION 1
#define MUM_SIG_VERIFY_OPTIONS_INIT {MUM_SIG_VERIFY_OPTIONS_VERSION, NULL, false, 0}

/*
 * The verdict.  With several signers, status is the weakest of theirs and
 * the other fields describe that signer (`signer` is its index).
 * detail is owned by the result: one line saying what failed and how
 * ("messageDigest 5717ae... differs from the content's sha256 0a1b..."),
 * NULL when status is TRUSTED.  timestamp_note says why a timestamp's time
 * was not used (NULL otherwise; for an invalid timestamp, why it is
 * invalid).  The timestamp's and the chains' verdicts are given whatever
 * the status (an invalid timestamp beside another failure included), and
 * chain_checked counts the certificate signatures checked.  Release with
 * mum_sig_result_clear().
 */
typedef struct mum_sig_result {
    mum_sig_status status;
    mum_sig_check failed_check;
    mum_sig_trust_issue trust_issue;
    size_t signer;
    char *detail;
    mum_sig_time_source time_source;
    int64_t evaluated_at;           /* when time_source is not NONE */
    char *timestamp_note;
    mum_sig_timestamp_status timestamp_status;
    bool has_timestamp_time;        /* the timestamp gives a time (valid or not) */
    int64_t timestamp_time;
    mum_sig_chain_status chain_status;
    size_t chain_checked;
} mum_sig_result;

MUM_EXTERN void mum_sig_result_clear(mum_sig_result *result);

/*
 * Verifies a signature at both levels (see the top of this header), for
 * content of any type: catalogs (the CTL) and other PKCS#7 v1.5 content.
 * `opts` NULL means MUM_SIG_VERIFY_OPTIONS_INIT.  On MUM_OK *out is filled and
 * must be cleared with mum_sig_result_clear().
 * The first verification of a signature keeps, in the signature, the
 * verdict of the checks that need no anchors (the signer's attributes
 * against the content: hashing the content is the costly part), so that
 * verifying it again (integrity while reading, trust when judging) does
 * not hash it twice; so one signature is not to be verified from two
 * threads at once.
 * Errors (the verification could not run): MUM_EINVAL (opts version),
 * MUM_ENOMEM, MUM_ECRYPTO (the crypto library failed on its own).
 */
MUM_EXTERN int mum_signature_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                                    const mum_sig_verify_options *opts);

/* A digest of the signed file, computed by the caller. */
typedef struct mum_file_digest {
    mum_hash_alg alg;
    const uint8_t *value;           /* mum_hash_size(alg) bytes */
} mum_file_digest;

/*
 * Verifies an Authenticode signature of a file whose digests the caller
 * computed: as mum_signature_verify(), plus the check that the digest in the
 * SpcIndirectDataContent equals the caller's digest of the same algorithm
 * (n digests in `digests`; pass SHA-1 and SHA-256 both when unsure which one
 * the signature uses; mum_authenticode_content() tells).  When none of the
 * given digests has the signature's algorithm the verdict is
 * MUM_SIG_INTEGRITY_FAILED with MUM_SIG_CHECK_FILE_DIGEST and a detail
 * saying so.  A signature whose content is not SpcIndirectDataContent fails
 * integrity with MUM_SIG_CHECK_ATTRIBUTES.
 *
 * Example (a signed cabinet whose Authenticode digests are known):
 *
 *     mum_signature *sig;
 *     if (mum_signature_parse(&sig, ctx, der, der_len, &where) == MUM_OK) {
 *         mum_file_digest d[2] = {{MUM_HASH_SHA1, sha1}, {MUM_HASH_SHA256, sha256}};
 *         mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
 *         o.anchors = anchors;                        // may be NULL
 *         mum_sig_result r;
 *         if (mum_authenticode_verify(&r, ctx, sig, d, 2, &o) == MUM_OK) {
 *             mum_sig_result_findings(&r, sig, findings, &where);
 *             mum_sig_result_clear(&r);
 *         }
 *         mum_signature_free(sig);
 *     }
 *
 * Errors: as mum_signature_verify(), and MUM_EINVAL (n > 0 with NULL digests).
 */
MUM_EXTERN int mum_authenticode_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                                       const mum_file_digest *digests, size_t n,
                                       const mum_sig_verify_options *opts);

/*
 * Appends the findings a verdict amounts to (none for TRUSTED):
 * signature.unsigned, signature.attributes, signature.content-digest,
 * signature.bad-signature, signature.file-digest, signature.timestamp,
 * signature.chain-broken, signature.no-signer-cert, signature.no-anchors
 * (info), signature.untrusted-root, signature.chain, signature.wrong-usage,
 * signature.expired, each with the Windows error it predicts; and
 * signature.timestamp besides when the timestamp is invalid but another
 * check is the one that failed.  `loc` locates them (NULL allowed).
 * Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_sig_result_findings(const mum_sig_result *result, const mum_signature *sig,
                                       mum_findings *list, const mum_location *loc);

/* ---- signing ---- */

/* A private key with its certificate and chain, for signing.  Opaque. */
typedef struct mum_signer mum_signer;

/*
 * Loads an unencrypted PEM private key (RSA recommended: RSA signatures are
 * deterministic, so the same inputs sign to the same bytes), its PEM
 * certificate, and optionally a PEM file of further certificates to carry
 * (the chain; NULL for none).  The key must match the certificate.
 * Errors: MUM_EIO (a file cannot be read), MUM_EFORMAT (no key or
 * certificate in a file, an encrypted key, a key that does not match the
 * certificate: the message names the file), MUM_ENOMEM.
 */
MUM_EXTERN int mum_signer_load(mum_signer **out, mum_ctx *ctx, const char *key_path,
                               const char *cert_path, const char *chain_path);
MUM_EXTERN void mum_signer_free(mum_signer *signer);

typedef struct mum_sign_options {
    unsigned version;            /* MUM_SIGN_OPTIONS_VERSION */
    mum_hash_alg digest_alg;     /* MUM_HASH_SHA256 (default when NONE) or MUM_HASH_SHA1 */
    bool has_signing_time;       /* add a signingTime attribute with this time */
    int64_t signing_time;
    const char *program_name;    /* SpcSpOpusInfo programName (NULL: none) */
    const char *more_info_url;   /* SpcSpOpusInfo moreInfo URL (NULL: none) */
} mum_sign_options;

#define MUM_SIGN_OPTIONS_VERSION 1
#define MUM_SIGN_OPTIONS_INIT {MUM_SIGN_OPTIONS_VERSION, MUM_HASH_SHA256, false, 0, NULL, NULL}

#ifdef __cplusplus
}
#endif

#endif /* MUM_SIGNATURE_H */
