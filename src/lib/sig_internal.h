/*
 * sig_internal.h - what the files of the signature module share: the
 * parsed signature (signeddata.c), the Authenticode structures
 * (authenticode.c), time stamps (timestamp.c), chains (chain.c), PEM files
 * (pem.c), signing (sign.c) and the verdict (sigverify.c).  Unlike
 * crypto.h it includes OpenSSL's headers: include it only from those files.
 */
#ifndef MUM_SIG_INTERNAL_H
#define MUM_SIG_INTERNAL_H

#include "crypto.h"

#include <openssl/cms.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <pthread.h>

/* What the verifier needs beyond the public mum_signer_info. */
typedef struct signer_extra {
    PKCS7_SIGNER_INFO *si;      /* borrowed from the PKCS7 */
    X509 *cert;                 /* borrowed, NULL if absent */
    PKCS7_SIGNER_INFO *counter; /* owned: a PKCS#9 countersignature */
    CMS_ContentInfo *token;     /* owned: an RFC 3161 timestamp token (CMS, which
                                 * may carry attribute certificates PKCS7 cannot read) */
    STACK_OF(X509) *token_certs;/* owned: the token's certificates */
    TS_TST_INFO *tst;           /* owned: the token's TSTInfo */
    X509 *ts_cert;              /* owned: the timestamp signer's certificate */
    char *ts_problem;           /* a timestamp present but unreadable */
    /* The checks of the SignerInfo against the content (messageDigest,
     * contentType, the signature over the attributes): they need no
     * anchors, and hashing the content is the costly part of a catalog's
     * verification, so the first verification keeps their verdict and a
     * later one (with anchors, when verify judges trust) reuses it. */
    bool core_known;
    mum_sig_check core_check;
    /* why core_check failed (owned), NULL when it did not: a buffer here
     * was 512 bytes a signer kept by every signature of the graph */
    char *core_why;
    /* the SignerInfo's authenticatedAttributes as they are in the
     * signature's DER ([0] element, into der), NULL when not found there */
    const uint8_t *attrs_der;
    size_t attrs_size;
    /* The integrity of the countersignature or timestamp token (anchors
     * play no part in it: mum__verify_timestamp), kept once checked as
     * core_check is, so that a signature read and checked can let go of
     * what it was checked from (mum__signature_drop_tree).  ts_why: why
     * it is invalid (owned), NULL when valid. */
    bool ts_known, ts_valid;
    char *ts_why;
    /* the block of text the signer's cert strings are lent from
     * (signeddata.c: a reference), NULL when they are its own */
    struct mum__cert_text *cert_text;
} signer_extra;

struct mum_signature {
    PKCS7 *p7;                  /* NULL once dropped (mum__signature_drop_tree) */
    uint8_t *der;
    size_t der_len;
    const char *content_type;   /* a constant (MUM_OID_*) or own_content_type */
    char *own_content_type;
    const uint8_t *content;     /* into der */
    size_t content_len;
    size_t content_body;
    uint64_t content_offset;
    /* signers, extra, certs, cert_texts and cert_refs are slices of the
     * signature's own allocation, after it (NULL when empty) */
    mum_signer_info *signers;
    signer_extra *extra;
    size_t nsigners;
    mum_cert_info *certs;
    /* beside certs: the block each one's strings are lent from, or NULL
     * when they are its own */
    struct mum__cert_text **cert_texts;
    /* beside certs: once p7 is dropped, its certificates (references
     * taken from its stack: nrefs of them, the same as ncerts) */
    X509 **cert_refs;
    size_t nrefs;
    size_t ncerts;
    char **pool;                /* strings behind const char * members */
    size_t npool, pool_cap;
    bool content_released;      /* der freed: every signer's content checks are kept */
    /* per SignerInfo of p7: the issuer name it borrows from the ring of
     * names decoded once (signeddata.c), or NULL when it owns its own */
    struct mum__shared **names;
    size_t nnames;
    /* the signers' attributes lent from the ring of those decoded once
     * (signeddata.c), with their places */
    struct mum__lent_attr *lent;
    size_t nlent;
};

/* The SignedData's certificates as a stack: p7's own (*made false), or
 * one made of those kept once it is dropped (*made true: free it with
 * sk_X509_free).  NULL when it carries none, or (*made true) when out of
 * memory. */
MUM_INTERNAL STACK_OF(X509) *mum__sig_certs(const mum_signature *sig, bool *made);

/* ---- ASN.1 helpers (asn1.c) ---- */

/* The mum_hash algorithm of a digest OID's DER contents, without making
 * its text; MUM_HASH_NONE if none. */
MUM_INTERNAL mum_hash_alg mum__hash_from_oid_der(const uint8_t *p, size_t n);
/* The dotted OID of a digest algorithm we write, NULL for others. */
MUM_INTERNAL const char *mum__hash_oid(mum_hash_alg alg);
/* The mum_hash algorithm of an AlgorithmIdentifier, MUM_HASH_NONE if none. */
MUM_INTERNAL mum_hash_alg mum__hash_of_algor(const X509_ALGOR *a);
/* Copies an OpenSSL-allocated encoding (n bytes, or n <= 0 on failure) into
 * a mum__malloc'd buffer and frees buf.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__take_der(unsigned char *buf, int n, uint8_t **der, size_t *len);

/* ---- the parsed signature (signeddata.c) ---- */

/* Frees the signature's copy of its DER (the signed content with it) once
 * every signer's checks against the content are kept (signer_extra's
 * core_known): a later mum_signature_verify gives the same verdicts without
 * it.  Does nothing otherwise.  After it, mum_signature_content gives NULL. */
MUM_INTERNAL void mum__signature_release_content(mum_signature *sig);
/* Frees the decoded PKCS#7 (the SignerInfos, their attributes, the
 * timestamps' structures: 4 KB and a hundred allocations a small
 * signature) once every check that reads it is kept (each signer's
 * core_known, and ts_known when it has a timestamp) and the content lies
 * outside it: mum_signature_verify and mum_authenticode_verify give the
 * same verdicts from the certificates, kept, and those kept checks.  The
 * public records (signers, certificates, content) stay.  Does nothing
 * otherwise. */
MUM_INTERNAL void mum__signature_drop_tree(mum_signature *sig);

/* Keeps s (owned) in the signature's string pool; NULL (s freed) when out
 * of memory or s is NULL. */
MUM_INTERNAL const char *mum__sig_pool_add(mum_signature *sig, char *s);
/* A name in RFC 2253 form, a serial number in hex (mum__malloc). */
MUM_INTERNAL char *mum__name_text(const X509_NAME *name);
MUM_INTERNAL char *mum__serial_text(const ASN1_INTEGER *serial);
/* The certificate of certs an IssuerAndSerialNumber names, borrowed. */
MUM_INTERNAL X509 *mum__find_cert(STACK_OF(X509) *certs, PKCS7_ISSUER_AND_SERIAL *ias);
/* Lowercase hex of n bytes into out (truncated to out_size). */
MUM_INTERNAL void mum__hex_short(const unsigned char *p, size_t n, char *out, size_t out_size);
/*
 * The integrity of one SignerInfo over `data`: certificate present,
 * messageDigest (and contentType, when ctype is given) right, signature
 * good.  Returns the failed check (NONE when intact), why says how.
 */
MUM_INTERNAL mum_sig_check mum__verify_signer_info(PKCS7_SIGNER_INFO *si, X509 *cert,
                                                   const char *ctype, const unsigned char *data,
                                                   size_t len, char *why, size_t why_size);
/* The same, given the authenticatedAttributes' own encoding (the [0]
 * element si was decoded from, or NULL): the signature is checked over
 * those bytes, SET-tagged, when OpenSSL's encoding of si's attributes is
 * sure to be the same bytes (mum__attrs_verbatim); over OpenSSL's
 * encoding otherwise. */
MUM_INTERNAL mum_sig_check mum__verify_signer_info_der(PKCS7_SIGNER_INFO *si, X509 *cert,
                                                       const char *ctype, const unsigned char *data,
                                                       size_t len, const uint8_t *attrs_der,
                                                       size_t attrs_size, char *why, size_t why_size);
/* Whether decoding this [0] authenticatedAttributes element (n bytes)
 * with OpenSSL's PKCS7 templates and encoding the result again gives the
 * same bytes under a SET tag: definite shortest lengths, every attribute
 * an OID and a SET of values sorted as an encoder sorts them, each value of
 * a type OpenSSL keeps as it is.  False means "not sure", never "differs". */
MUM_INTERNAL bool mum__attrs_verbatim(const uint8_t *p, size_t n);

/* ---- Authenticode structures in signer attributes (authenticode.c) ---- */

/* Reads a signer's SpcSpOpusInfo into info (strings kept in sig's pool).
 * Errors: MUM_ENOMEM; a damaged one is ignored. */
MUM_INTERNAL int mum__read_opus(mum_signature *sig, mum_signer_info *info,
                                const PKCS7_SIGNER_INFO *si);
/* Adds the authenticated attributes SpcStatementType (individual) and
 * SpcSpOpusInfo (from o) to si. */
MUM_INTERNAL bool mum__add_statement_type(PKCS7_SIGNER_INFO *si);
MUM_INTERNAL bool mum__add_opus(PKCS7_SIGNER_INFO *si, const mum_sign_options *o);

/* ---- time stamps (timestamp.c) ---- */

/* Reads the countersignature or RFC 3161 token of one signer. */
MUM_INTERNAL int mum__read_timestamp(mum_signature *sig, mum_signer_info *info, signer_extra *ex);
/* The integrity of a signer's countersignature or timestamp token. */
MUM_INTERNAL bool mum__verify_timestamp(const mum_signature *sig, const signer_extra *ex,
                                        char *why, size_t why_size);

/* ---- chains (chain.c) ---- */

typedef struct cert_pool {
    STACK_OF(X509) *lists[3];       /* the signature's, a timestamp token's, the anchors' */
} cert_pool;

/* Whether the certificate may sign code (when it restricts its usage). */
MUM_INTERNAL bool mum__usage_allows_code_signing(X509 *cert);
/* X509_verify_cert at time t, against the anchors allowed for purpose
 * (MUM_TRUST_PURPOSE_*).  Returns the OpenSSL verify error (X509_V_OK
 * when the chain is good) and, on error, the certificate concerned; -1 when
 * the crypto library failed. */
MUM_INTERNAL int mum__chain_error(const mum_trust *anchors, unsigned purpose, X509 *leaf,
                                  STACK_OF(X509) *untrusted, int64_t t, X509 **bad);
/* Whether the chain above `leaf` is intact; *checked counts the signatures
 * checked, why says which certificate fails.  MUM_ENOMEM only. */
/* Whether x's signature verifies with issuer's key (a good result is
 * remembered for the process: chain.c); the hits so far, for tests. */
MUM_INTERNAL bool mum__cert_signed_by(X509 *x, X509 *issuer);
MUM_INTERNAL unsigned long mum__cert_signed_by_hits(void);
/* How many issuers the chain walk took from its ring of those found
 * before, and how many it found with X509_check_issued (chain.c; tests). */
MUM_INTERNAL unsigned long mum__issued_hits(void);
MUM_INTERNAL unsigned long mum__issued_checks(void);
/* How many of mum__chain_error's verdicts came from its cache of good
 * chains (tests). */
MUM_INTERNAL unsigned long mum__chain_verdict_hits(void);
/* How many certificates a signature's parse took from the ring of those
 * parsed before (signeddata.c; for tests). */
MUM_INTERNAL unsigned long mum__cert_cache_hits(void);
/* How many signers' issuer names a signature's parse took from the ring
 * of those decoded before (signeddata.c; for tests). */
MUM_INTERNAL unsigned long mum__name_cache_hits(void);
/* How many signers' attributes a signature's parse took from the ring of
 * those decoded before (signeddata.c; for tests). */
MUM_INTERNAL unsigned long mum__attr_cache_hits(void);
/* How many signer signatures mum__verify_signer_info took from the
 * process's good results instead of verifying them (signeddata.c; for
 * tests). */
MUM_INTERNAL unsigned long mum__signer_signature_hits(void);
/* The certificate these DER bytes start with, as d2i_X509 gives it, from
 * that ring (and then in it): a reference of the caller's; NULL with
 * OpenSSL's errors queued when they start with none.  How the trust
 * anchors of a PEM file share their parse with the signatures carrying
 * the same certificate (pem.c). */
MUM_INTERNAL X509 *mum__cert_shared(const uint8_t *der, size_t len);
/* The SHA-256 of x's DER when x is a certificate of that ring (the key it
 * was found by): true then. */
MUM_INTERNAL bool mum__cert_ring_key(X509 *x, uint8_t key[32]);
/* The SHA-256 of x's DER, from that ring when x is there (chain.c): how the
 * signature caches know a certificate.  false when it cannot be made. */
MUM_INTERNAL bool mum__cert_key(X509 *x, uint8_t key[32]);
MUM_INTERNAL int mum__chain_intact(const cert_pool *pool, X509 *leaf, const char *whose,
                                   size_t *checked, bool *intact, char *why, size_t why_size);

/* ---- PEM files (pem.c) ---- */

/* The pass phrase callback that never prompts: an encrypted key is an
 * error. */
MUM_INTERNAL int mum__no_password(char *buf, int size, int rwflag, void *u);

/*
 * Checks that passed, by key, for the rest of the process: a small ring
 * under a lock (the walk's threads check signatures at once).  Only good
 * results go in, so a failure is always checked again and reported as
 * before; the key must cover every input of the check.  A key is given
 * in parts and kept as the bytes of all of them: two keys match when their
 * bytes and total length are the same, so parts whose sizes may vary must
 * be preceded by their size (or be the last).  Keeping the bytes rather
 * than a digest of them costs a few hundred bytes an entry and saves
 * hashing them at each check (a signer's signed attributes and value: the
 * same bytes the verification hashes).  An entry's copy comes from
 * OpenSSL's allocator, as the rings of signeddata.c: a failure to make it
 * only misses the ring.
 */
typedef struct mum__key_part {
    const void *p;
    size_t n;
} mum__key_part;
typedef struct mum__pass_ring {
    uint8_t **keys;             /* cap entries, NULL until used */
    size_t *key_size;
    size_t cap, n, next;
    unsigned long hits;
    pthread_mutex_t lock;
} mum__pass_ring;
#define MUM__PASS_RING_INIT(CAP)                                                                   \
    {.keys = (uint8_t *[CAP]){0}, .key_size = (size_t[CAP]){0}, .cap = (CAP),                      \
     .lock = PTHREAD_MUTEX_INITIALIZER}
/* Whether the key of these parts passed before (counted as a hit). */
MUM_INTERNAL bool mum__pass_ring_has(mum__pass_ring *r, const mum__key_part *parts, size_t nparts);
/* Keeps the key of a check that passed (the oldest goes when full). */
MUM_INTERNAL void mum__pass_ring_add(mum__pass_ring *r, const mum__key_part *parts, size_t nparts);
/* How many lookups found their key (tests). */
MUM_INTERNAL unsigned long mum__pass_ring_hits(mum__pass_ring *r);

#endif /* MUM_SIG_INTERNAL_H */
