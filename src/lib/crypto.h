/*
 * crypto.h - what the modules built on libcrypto (the signature files,
 * catalog.c) share.
 * No OpenSSL header is included here: OpenSSL types appear only as
 * incomplete structs, so this header may be included anywhere.
 */
#ifndef MUM_CRYPTO_H
#define MUM_CRYPTO_H

#include "internal.h"

#include <mum/signature.h>

struct asn1_string_st;
struct asn1_object_st;

struct stack_st_X509;
struct stack_st_X509_ATTRIBUTE;
struct x509_st;
struct x509_store_st;

/* ---- trust anchors (trust.c) and the PEM (pem.c) and certificate
 * (signeddata.c) helpers it uses ---- */

/* Appends every CERTIFICATE block of a PEM buffer to certs (all or none);
 * `name` names it in messages. */
MUM_INTERNAL int mum__pem_certs(mum_ctx *ctx, const void *pem, size_t size, const char *name,
                                struct stack_st_X509 *certs, size_t *added);
/* Reads a whole (small) file with the library's allocator. */
MUM_INTERNAL int mum__slurp(mum_ctx *ctx, const char *path, uint8_t **data, size_t *size);
MUM_INTERNAL int mum__cert_info_fill(struct x509_st *x, mum_cert_info *c);
MUM_INTERNAL void mum__cert_info_clear(mum_cert_info *c);
/* The anchors' certificates a chain through leaf and the certificates of
 * lists may reach by name, whatever their purposes (an anchor is an issuer
 * whose key checks a certificate's signature even where it may not anchor
 * trust): a new stack (sk_X509_free it) of certificates borrowed from t,
 * NULL when there is none or memory ran out.  Thread-safe. */
MUM_INTERNAL struct stack_st_X509 *mum__trust_certs_near(const mum_trust *t, struct x509_st *leaf,
                                                         struct stack_st_X509 *const *lists,
                                                         size_t nlists);
/* How many of t's anchor selections came from its memo (tests). */
MUM_INTERNAL unsigned long mum__trust_memo_hits(const mum_trust *t);
/* A number naming t's anchors and purposes as they are now: different
 * after any change to t, and from any other set's in the process (0 for
 * NULL).  Thread-safe against readers; changes are not concurrent. */
MUM_INTERNAL uint64_t mum__trust_serial(const mum_trust *t);
/* Adds to store the anchors that may anchor `purpose` (a
 * MUM_TRUST_PURPOSE_* bit) and that a chain from leaf through untrusted
 * may reach (the others OpenSSL would never look up).  0, or -1 when
 * OpenSSL failed.  Thread-safe. */
MUM_INTERNAL int mum__trust_fill_store(const mum_trust *t, struct x509_store_st *store,
                                       unsigned purpose, struct x509_st *leaf,
                                       struct stack_st_X509 *untrusted);

/* ---- ASN.1 on OpenSSL (asn1.c) ---- */

/*
 * Records a failure whose cause may sit on OpenSSL's error queue: the
 * message is fmt followed by ": " and OpenSSL's reason (with its field and
 * type details) when there is one.  Clears the queue.  Returns status.
 */
MUM_INTERNAL int mum__crypto_error(mum_ctx *ctx, int status, const mum_location *loc,
                                   const char *fmt, ...) MUM_PRINTF(4, 5);
/* Forgets whatever OpenSSL left on its error queue. */
MUM_INTERNAL void mum__crypto_clear(void);

/*
 * Finds where a BER/DER encoding stops being well formed: a length that runs
 * past its container or the data, a bad header, nesting deeper than 64, or
 * bytes after the outermost element.  On a problem, returns true with the
 * offset of the offending header in *offset and a short reason in why.
 * Iterative; only for locating errors that a template decoder reported.
 */
MUM_INTERNAL bool mum__der_problem(const uint8_t *p, size_t n, uint64_t *offset, char *why,
                                   size_t why_size);

/* The length of the tag and length octets of the element at p (0 if bad). */
MUM_INTERNAL size_t mum__der_header_len(const uint8_t *p, size_t n);

/* ---- a strict in-place DER reader (der.c), for catalog members ---- */

/* A cursor over the elements of one container's contents. */
typedef struct mum__der {
    const uint8_t *p;
    const uint8_t *end;
} mum__der;

/* One element: tag is its first identifier octet. */
typedef struct mum__der_el {
    unsigned tag;
    const uint8_t *start;       /* the identifier octet */
    const uint8_t *body;        /* the contents */
    size_t len;                 /* of the contents */
    size_t size;                /* identifier, length and contents */
} mum__der_el;

enum {
    MUM_DER_INTEGER = 0x02,
    MUM_DER_OCTET_STRING = 0x04,
    MUM_DER_OID = 0x06,
    MUM_DER_BMPSTRING = 0x1e,
    MUM_DER_SEQUENCE = 0x30,
    MUM_DER_SET = 0x31,
};

/* (NULL, 0) is a cursor over nothing: NULL + 0 is undefined in C. */
static inline mum__der mum__der_over(const uint8_t *p, size_t n)
{
    mum__der c = {p, n ? p + n : p};
    return c;
}

/* The cursor over an element's contents. */
static inline mum__der mum__der_in(const mum__der_el *e)
{
    return mum__der_over(e->body, e->len);
}

/* Reads the next element: 1, 0 at the end, -1 when the header is malformed
 * or the element runs past the end (indefinite lengths and end-of-contents
 * octets are malformed). */
MUM_INTERNAL int mum__der_next(mum__der *c, mum__der_el *e);
/* Reads the next element if it is well formed and has that tag; the cursor
 * does not move otherwise. */
MUM_INTERNAL bool mum__der_take(mum__der *c, unsigned tag, mum__der_el *e);
/* Whether the cursor has no element left. */
static inline bool mum__der_done(const mum__der *c)
{
    return c->p == c->end;
}
/* Whether OID contents are well formed (as a decoder checks them). */
MUM_INTERNAL bool mum__der_oid_valid(const uint8_t *p, size_t n);
/* The dotted text of OID contents ("?" when malformed or too long); NULL
 * only when out of memory. */
MUM_INTERNAL char *mum__der_oid_text(const uint8_t *p, size_t n);
/* The OIDs catalogs repeat in every member, with their DER contents. */
enum { MUM_DER_KNOWN_OIDS = 4 };
typedef struct mum__der_known_oid {
    const char *dotted;
    size_t len;
    uint8_t der[16];
} mum__der_known_oid;
MUM_INTERNAL extern const mum__der_known_oid mum__der_known_oids[MUM_DER_KNOWN_OIDS];
/* An INTEGER as 0..UINT32_MAX: 1, 0 when out of range, -1 when malformed
 * (empty or padded). */
MUM_INTERNAL int mum__der_small_uint(const mum__der_el *e, uint32_t *out);

/* ---- OIDs and times (asn1.c) ---- */

/* The DER contents of a dotted OID into out (cap bytes); false if it is not
 * one or does not fit. */
MUM_INTERNAL bool mum__oid_der(const char *dotted, unsigned char *out, size_t cap, size_t *len);

/* An ASN.1 UTCTime/GeneralizedTime in seconds since the epoch.  False if
 * the time is malformed. */
MUM_INTERNAL bool mum__asn1_time_get(const struct asn1_string_st *t, int64_t *out);

/* The dotted form of a DER OBJECT IDENTIFIER's contents (len bytes). */
MUM_INTERNAL char *mum__oid_text(const struct asn1_object_st *obj);

/* The DER contents of `dotted` when it is one of the OIDs signatures ask
 * about (made once a process); false for any other. */
MUM_INTERNAL bool mum__oid_known_der(const char *dotted, const unsigned char **der, size_t *len);
/* Whether obj is the OID `dotted`. */
MUM_INTERNAL bool mum__oid_is(const struct asn1_object_st *obj, const char *dotted);
/* The index of the first attribute of that OID in attrs, -1 if none. */
MUM_INTERNAL int mum__attr_by_oid(const struct stack_st_X509_ATTRIBUTE *attrs, const char *dotted);

/* The mum_hash algorithm of a digest OID (dotted), MUM_HASH_NONE if none. */
MUM_INTERNAL mum_hash_alg mum__hash_from_oid(const char *dotted);

/* ---- SpcIndirectDataContent, shared by catalogs and Authenticode ---- */

#define MUM_OID_SPC_PE_IMAGE_DATA "1.3.6.1.4.1.311.2.1.15"
#define MUM_OID_SPC_CAB_DATA "1.3.6.1.4.1.311.2.1.25"
#define MUM_OID_SPC_LINK "1.3.6.1.4.1.311.2.1.28"      /* signtool, for cabinets */

typedef struct mum__indirect {
    char *type_oid;             /* owned */
    char *alg_oid;              /* owned */
    mum_hash_alg alg;
    uint8_t digest[MUM_HASH_MAX_SIZE];
    size_t digest_len;
} mum__indirect;

/* Decodes DER SpcIndirectDataContent.  Errors: MUM_EFORMAT (why says what),
 * MUM_ENOMEM. */
MUM_INTERNAL int mum__indirect_decode(const uint8_t *der, size_t len, mum__indirect *out,
                                      char *why, size_t why_size);
MUM_INTERNAL void mum__indirect_clear(mum__indirect *ind);
/* The algorithm of the digest DER SpcIndirectDataContent holds, read in
 * place without allocating; MUM_HASH_NONE when it is not one we know or the
 * digest's length does not fit it. */
MUM_INTERNAL mum_hash_alg mum__indirect_alg(const uint8_t *der, size_t len);
/* The content element of DER PKCS#7 SignedData (ContentInfo > [0] >
 * SignedData > ContentInfo > [0] > content), found in place; false when the
 * bytes are not laid out so (bytes after the outer element are not read). */
MUM_INTERNAL bool mum__signed_content(const uint8_t *p, size_t n, mum__der_el *content);

/*
 * Encodes SpcIndirectDataContent as catalogs carry it: for a PE file,
 * SPC_PE_IMAGE_DATA with an SpcPeImageData, else SPC_CAB_DATA with an
 * SpcLink; `obsolete` writes the "<<<Obsolete>>>" file link of v1 catalogs
 * (an empty one otherwise).  *der is allocated with mum__malloc.
 * Errors: MUM_ENOMEM, MUM_EINVAL (alg).
 */
MUM_INTERNAL int mum__indirect_encode(bool pe, bool obsolete, mum_hash_alg alg,
                                      const uint8_t *digest, uint8_t **der, size_t *len);

/*
 * Wraps content (its complete DER: tag, length, contents) of type
 * content_oid in a PKCS#7 SignedData, as Windows writes catalogs: the
 * content as [0] EXPLICIT content, messageDigest over its contents octets,
 * authenticated attributes contentType, SpcStatementType (individual),
 * SpcSpOpusInfo, messageDigest and, when asked, signingTime.  With no
 * signer, a SignedData with no SignerInfo.  *out is allocated with
 * mum__malloc.  Errors: MUM_ENOMEM, MUM_EINVAL, MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__pkcs7_build(mum_ctx *ctx, const char *content_oid, const uint8_t *content,
                                  size_t content_len, const mum_signer *signer,
                                  const mum_sign_options *opts, uint8_t **out, size_t *out_len);

/* ---- UTF-16 text of the Microsoft structures (utf16.c) ---- */

/*
 * UTF-16 (len bytes, little- or big-endian; one final NUL unit is dropped)
 * to UTF-8 (mum__malloc).  NULL with *bad set for an odd length, an
 * unpaired surrogate or an embedded NUL; NULL with *bad clear on ENOMEM.
 */
MUM_INTERNAL char *mum__utf16_to_utf8(const uint8_t *p, size_t len, bool big_endian, bool *bad);
/*
 * UTF-8 to UTF-16 (mum__malloc), with a final NUL unit when `nul`.  NULL
 * with *bad set for invalid UTF-8; NULL with *bad clear on ENOMEM.
 */
MUM_INTERNAL uint8_t *mum__utf8_to_utf16(const char *s, bool big_endian, bool nul, size_t *len,
                                         bool *bad);

/* ---- verdicts kept and judged again (cabsig.c, sigverify.c) ---- */

/*
 * The anchored part of signers' verdicts (their chains, the trust in them
 * at the time of evaluation) for one thread's run of verifications: the
 * judge verifies three signatures a package, all by the same signer under
 * the same intermediates, and built that part again for each (the anchors
 * near the chain, each chain's integrity, usage, the time source and the
 * trust verdict: about 5 K instructions a signer).  An entry is found only
 * by everything that part depends on (sigverify.c, memo_key): the
 * signature's and its timestamp token's certificates in order (the same
 * objects, held by the memo: the ring of shared certificates gives equal
 * DER the same object), the signer's and the timestamp signer's, their
 * subjects as the messages give them, the anchors and their serial, the
 * time asked or the second "now" was taken, the timestamp's kind, time and
 * kept integrity verdict.  The checks of the signature's own content are
 * never taken from it.  Not shared between threads.  NULL memos are
 * allowed everywhere: no memo then.
 */
typedef struct mum__sig_memo mum__sig_memo;
/* A new empty memo; NULL when out of memory (verifying without one is
 * the same, only slower). */
MUM_INTERNAL mum__sig_memo *mum__sig_memo_new(void);
MUM_INTERNAL void mum__sig_memo_free(mum__sig_memo *m);
/* How many signers' anchored verdicts it served (tests). */
MUM_INTERNAL unsigned long mum__sig_memo_hits(const mum__sig_memo *m);
/* mum_signature_verify and mum_authenticode_verify through a memo. */
MUM_INTERNAL int mum__signature_verify_memo(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                                            const mum_sig_verify_options *opts, mum__sig_memo *memo);
MUM_INTERNAL int mum__authenticode_verify_memo(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                                               const mum_file_digest *digests, size_t n,
                                               const mum_sig_verify_options *opts, mum__sig_memo *memo);

/*
 * The verdict on a cabinet's parsed Authenticode signature given the
 * cabinet's Authenticode digests (NULL: not computed), as
 * mum_cab_signature_verify() gives it (the data type named when the digest
 * differs).  The graph reads with opts NULL; verify judges again with the
 * anchors (through memo, which may be NULL).  Errors: as
 * mum_authenticode_verify().
 */
MUM_INTERNAL int mum__cab_authenticode_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *s,
                                              const uint8_t *sha1, const uint8_t *sha256,
                                              const mum_sig_verify_options *opts, mum__sig_memo *memo);
/* A deep copy of a verdict into *out (cleared first).  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__sig_result_copy(mum_sig_result *out, const mum_sig_result *from);
/* Frees a mum_sig_result's detail: a constant one some results share is
 * left alone (sigverify.c). */
MUM_INTERNAL void mum__sig_detail_free(char *detail);

#endif /* MUM_CRYPTO_H */
