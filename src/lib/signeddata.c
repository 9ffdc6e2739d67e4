/*
 * signeddata.c - PKCS#7 SignedData as Windows uses it: parsing the
 * signers, their certificates and attributes, and the integrity of one
 * SignerInfo over the content (messageDigest, contentType, signature).
 *
 * The PKCS#7 structures are OpenSSL's own.  The messageDigest of a catalog
 * or Authenticode signature covers the contents octets of the content
 * (PKCS#7 v1.5), which is why the integrity check computes digests itself
 * instead of calling PKCS7_verify.
 */
#include "config.h"

#include "digest.h"
#include "sig_internal.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

enum { MAX_SIGNATURE_SIZE = 1 << 30 };

const char *mum__sig_pool_add(mum_signature *sig, char *s)
{
    if (!s)
        return NULL;
    if (!mum__grow_from((void **)&sig->pool, &sig->pool_cap, sig->npool + 1, sizeof *sig->pool, 2)) {
        mum__free(s);
        return NULL;
    }
    sig->pool[sig->npool++] = s;
    return s;
}

static void cert_info_clear(mum_cert_info *c)
{
    mum__free(c->subject);
    mum__free(c->issuer);
    mum__free(c->serial);
    mum__free(c->thumbprint);
    memset(c, 0, sizeof *c);
}

char *mum__name_text(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    char *out = NULL;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *data;
        long n = BIO_get_mem_data(b, &data);
        out = mum__strndup(n > 0 ? data : "", n > 0 ? (size_t)n : 0);
    }
    BIO_free(b);
    return out;
}

char *mum__serial_text(const ASN1_INTEGER *serial)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    char *out = hex ? mum__strdup(hex) : NULL;
    OPENSSL_free(hex);
    BN_free(bn);
    return out;
}

/*
 * What a certificate's mum_cert_info says (its names' text and thumbprint
 * cost as much as its parse) is made once for a certificate of the ring
 * below and kept there as one block of text, reference-counted: a
 * signature lends its signers' and certificates' strings from it instead
 * of copying them (four allocations a certificate, kept by every
 * signature to the end of a verify over many packages).  The block comes
 * from OpenSSL's allocator, as the ring's own (it may outlive the
 * allocator the caller set).
 */
struct mum__cert_text {
    atomic_uint refs;           /* the ring's and each lending record's */
    int64_t not_before, not_after;
    char text[];                /* subject, issuer, serial, thumbprint: each NUL-ended */
};
typedef struct mum__cert_text cert_text;

static void cert_text_release(cert_text *t)
{
    if (t && atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
        OPENSSL_free(t);
}

/* c's strings and times from t, lent. */
static void cert_text_lend(const cert_text *t, mum_cert_info *c)
{
    char *p = (char *)t->text;
    char **to[4] = {&c->subject, &c->issuer, &c->serial, &c->thumbprint};
    for (size_t i = 0; i < 4; i++) {
        *to[i] = p;
        p += strlen(p) + 1;
    }
    c->not_before = t->not_before;
    c->not_after = t->not_after;
}

/* A block of c's text, one reference of the caller's; NULL when OpenSSL's
 * allocator fails. */
static cert_text *cert_text_new(const mum_cert_info *c)
{
    const char *from[4] = {c->subject, c->issuer, c->serial, c->thumbprint};
    size_t len[4], total = 0;
    for (size_t i = 0; i < 4; i++)
        total += (len[i] = strlen(from[i])) + 1;
    cert_text *t = OPENSSL_malloc(sizeof *t + total);
    if (!t)
        return NULL;
    atomic_init(&t->refs, 1);
    t->not_before = c->not_before;
    t->not_after = c->not_after;
    char *p = t->text;
    for (size_t i = 0; i < 4; i++) {
        memcpy(p, from[i], len[i] + 1);
        p += len[i] + 1;
    }
    return t;
}

static cert_text *cert_text_cached(X509 *x);
static void cert_text_keep(X509 *x, cert_text *t);

/* c made anew from x (its own strings). */
static int cert_info_make(X509 *x, mum_cert_info *c)
{
    memset(c, 0, sizeof *c);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    c->subject = mum__name_text(X509_get_subject_name(x));
    c->issuer = mum__name_text(X509_get_issuer_name(x));
    c->serial = mum__serial_text(X509_get0_serialNumber(x));
    if (X509_digest(x, mum__evp_md(MUM_HASH_SHA1), md, &n) == 1 && (c->thumbprint = mum__malloc(2 * n + 1))) {
        mum_hex_encode(c->thumbprint, md, n);
        for (char *p = c->thumbprint; *p; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
    }
    if (!c->subject || !c->issuer || !c->serial || !c->thumbprint) {
        mum__crypto_clear();
        cert_info_clear(c);
        return MUM_ENOMEM;
    }
    mum__asn1_time_get(X509_get0_notBefore(x), &c->not_before);
    mum__asn1_time_get(X509_get0_notAfter(x), &c->not_after);
    return MUM_OK;
}

/*
 * c for x, its strings lent from the block of text the ring keeps for x
 * (*held: a reference of the caller's, to give back with
 * cert_text_release instead of clearing c), or its own when there is no
 * block (*held NULL: clear c with cert_info_clear).  MUM_ENOMEM only.
 */
static int cert_info_lend(X509 *x, mum_cert_info *c, cert_text **held)
{
    *held = cert_text_cached(x);
    if (*held) {
        cert_text_lend(*held, c);
        return MUM_OK;
    }
    int rc = cert_info_make(x, c);
    if (rc != MUM_OK)
        return rc;
    cert_text *t = cert_text_new(c);
    if (!t)
        return MUM_OK; /* c keeps its own strings */
    cert_text_keep(x, t);
    cert_info_clear(c);
    cert_text_lend(t, c);
    *held = t;
    return MUM_OK;
}

/* c for x with its own strings (mum__cert_info_fill). */
static int cert_info_fill(X509 *x, mum_cert_info *c)
{
    cert_text *t = cert_text_cached(x);
    if (!t) {
        int rc = cert_info_make(x, c);
        if (rc == MUM_OK && (t = cert_text_new(c)) != NULL) {
            cert_text_keep(x, t);
            cert_text_release(t);
        }
        return rc;
    }
    mum_cert_info lent;
    cert_text_lend(t, &lent);
    *c = lent;
    c->subject = mum__strdup(lent.subject);
    c->issuer = mum__strdup(lent.issuer);
    c->serial = mum__strdup(lent.serial);
    c->thumbprint = mum__strdup(lent.thumbprint);
    cert_text_release(t);
    if (!c->subject || !c->issuer || !c->serial || !c->thumbprint) {
        cert_info_clear(c);
        return MUM_ENOMEM;
    }
    return MUM_OK;
}

X509 *mum__find_cert(STACK_OF(X509) *certs, PKCS7_ISSUER_AND_SERIAL *ias)
{
    if (!certs || !ias)
        return NULL;
    return X509_find_by_issuer_and_serial(certs, ias->issuer, ias->serial);
}

static int read_signer(mum_signature *sig, size_t i)
{
    mum_signer_info *info = &sig->signers[i];
    signer_extra *ex = &sig->extra[i];
    ex->si = sk_PKCS7_SIGNER_INFO_value(sig->p7->d.sign->signer_info, (int)i);
    ex->cert = mum__find_cert(sig->p7->d.sign->cert, ex->si->issuer_and_serial);
    int rc;
    if (ex->cert) {
        info->has_cert = true;
        if ((rc = cert_info_lend(ex->cert, &info->cert, &ex->cert_text)) != MUM_OK)
            return rc;
    } else if (ex->si->issuer_and_serial) {
        info->cert.issuer = mum__name_text(ex->si->issuer_and_serial->issuer);
        info->cert.serial = mum__serial_text(ex->si->issuer_and_serial->serial);
        if (!info->cert.issuer || !info->cert.serial)
            return MUM_ENOMEM;
    }
    /* the algorithms' names: constants when they are known ones (the same
     * text), copies in the pool otherwise (two allocations a signer, kept
     * by every signature of a verify, saved) */
    mum_hash_alg halg = mum__hash_of_algor(ex->si->digest_alg);
    if ((info->digest_alg_oid = mum__hash_oid(halg)) != NULL) {
        info->digest_alg = halg;
    } else {
        char *alg = mum__oid_text(ex->si->digest_alg ? ex->si->digest_alg->algorithm : NULL);
        if (!(info->digest_alg_oid = mum__sig_pool_add(sig, alg)))
            return MUM_ENOMEM;
        info->digest_alg = mum__hash_from_oid(info->digest_alg_oid);
    }
    const ASN1_OBJECT *sobj = ex->si->digest_enc_alg ? ex->si->digest_enc_alg->algorithm : NULL;
    int nid = sobj ? OBJ_obj2nid(sobj) : NID_undef;
    /* a known one's name from OpenSSL's table: as long-lived as the library */
    info->signature_alg = nid != NID_undef ? OBJ_nid2sn(nid) : mum__sig_pool_add(sig, mum__oid_text(sobj));
    if (!info->signature_alg)
        return MUM_ENOMEM;
    const ASN1_TYPE *st = PKCS7_get_signed_attribute(ex->si, NID_pkcs9_signingTime);
    if (st && (st->type == V_ASN1_UTCTIME || st->type == V_ASN1_GENERALIZEDTIME))
        info->has_signing_time = mum__asn1_time_get(st->value.utctime, &info->signing_time);
    if ((rc = mum__read_opus(sig, info, ex->si)) != MUM_OK)
        return rc;
    return mum__read_timestamp(sig, info, ex);
}

bool mum__signed_content(const uint8_t *p, size_t n, mum__der_el *content)
{
    static const uint8_t signed_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
    mum__der c = mum__der_over(p, p ? n : 0);
    mum__der_el e;
    /* ContentInfo { signedData, [0] SignedData { version, digestAlgorithms,
     * ContentInfo { type, [0] content } ... } } */
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return false;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_OID, &e) || e.len != sizeof signed_data ||
        memcmp(e.body, signed_data, sizeof signed_data) != 0 || !mum__der_take(&c, 0xa0, &e))
        return false;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return false;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_INTEGER, &e) || !mum__der_take(&c, MUM_DER_SET, &e) ||
        !mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return false;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_OID, &e) || !mum__der_take(&c, 0xa0, &e))
        return false;
    c = mum__der_in(&e);
    return mum__der_next(&c, content) == 1;
}

static void pkcs7_free_sharing(PKCS7 *p7, struct mum__shared **names, size_t n,
                               struct mum__lent_attr *lent, size_t nlent);
static void find_signed_attrs(mum_signature *sig);

static void signature_free_parts(mum_signature *sig)
{
    for (size_t i = 0; i < sig->nsigners; i++) {
        if (sig->extra && sig->extra[i].cert_text)
            cert_text_release(sig->extra[i].cert_text);
        else
            cert_info_clear(&sig->signers[i].cert);
        cert_info_clear(&sig->signers[i].timestamp_signer);
        if (sig->extra) {
            PKCS7_SIGNER_INFO_free(sig->extra[i].counter);
            CMS_ContentInfo_free(sig->extra[i].token);
            sk_X509_pop_free(sig->extra[i].token_certs, X509_free);
            X509_free(sig->extra[i].ts_cert);
            TS_TST_INFO_free(sig->extra[i].tst);
            mum__free(sig->extra[i].ts_problem);
            mum__free(sig->extra[i].core_why);
            mum__free(sig->extra[i].ts_why);
        }
    }
    for (size_t i = 0; i < sig->ncerts; i++) {
        if (sig->cert_texts[i])
            cert_text_release(sig->cert_texts[i]);
        else
            cert_info_clear(&sig->certs[i]);
    }
    for (size_t i = 0; i < sig->npool; i++)
        mum__free(sig->pool[i]);
}

void mum_signature_free(mum_signature *sig)
{
    if (!sig)
        return;
    signature_free_parts(sig);
    for (size_t i = 0; i < sig->nrefs; i++)
        X509_free(sig->cert_refs[i]);
    mum__free(sig->pool);
    mum__free(sig->own_content_type);
    pkcs7_free_sharing(sig->p7, sig->names, sig->nnames, sig->lent, sig->nlent);
    mum__free(sig->names);
    mum__free(sig->lent);
    mum__free(sig->der);
    mum__free(sig);
}

static int parse_error(mum_ctx *ctx, const mum_location *where, const uint8_t *p, size_t n,
                       const char *what)
{
    mum_location loc = {0};
    if (where) {
        loc.input = where->input;
        loc.entry = where->entry;
    }
    loc.has_offset = true;
    uint64_t off = 0;
    char why[160];
    if (n == 0) {
        mum__crypto_clear();
        return mum__error(ctx, MUM_EFORMAT, &loc, "%s: the file is empty", what);
    }
    if (mum__der_problem(p, n, &off, why, sizeof why)) {
        mum__crypto_clear();
        loc.offset = off;
        return mum__error(ctx, MUM_EFORMAT, &loc, "%s: %s", what, why);
    }
    loc.offset = 0;
    return mum__crypto_error(ctx, MUM_EFORMAT, &loc, "%s", what);
}

/* ---- certificates parsed once per process ---- */

/*
 * Parsing a certificate is the costliest part of reading a small
 * signature: OpenSSL 3 sets up a decoder for its public key each time
 * (OSSL_DECODER_CTX_new_for_pkey), and a package carries the same few
 * certificates in every signature (its catalogs', its cabinet's), a build
 * verifying many packages the same ones again.  So the certificates of a
 * SignedData are parsed apart from it, each through a small ring of the
 * certificates seen last, found by their DER (a copy of it is kept: no
 * digest of each certificate of each signature to find it), and known to
 * the signature caches by the SHA-256 of that DER (a failure to copy or
 * hash it only misses the ring).  An X509 is shared by
 * reference, its extensions decoded before it enters the ring, so that
 * nothing changes it afterwards.  Shared by the threads of a verify under
 * a lock.
 */
#define CERTCACHE_SIZE 32
static struct {
    uint8_t keys[CERTCACHE_SIZE][32];
    uint8_t *der[CERTCACHE_SIZE];
    size_t der_len[CERTCACHE_SIZE];
    X509 *certs[CERTCACHE_SIZE];
    cert_text *text[CERTCACHE_SIZE]; /* what its mum_cert_info says, NULL until made */
    /* a verification context prepared for each one's key with one digest
     * (ring_verify_ctx), NULL until asked for */
    EVP_PKEY_CTX *vctx[CERTCACHE_SIZE];
    int vctx_md[CERTCACHE_SIZE];
    size_t n, next;
    unsigned long hits;
    pthread_mutex_t lock;
} certcache = {.lock = PTHREAD_MUTEX_INITIALIZER};

unsigned long mum__cert_cache_hits(void)
{
    pthread_mutex_lock(&certcache.lock);
    unsigned long h = certcache.hits;
    pthread_mutex_unlock(&certcache.lock);
    return h;
}

/* The block of text kept for x, a reference of the caller's; NULL when x
 * is not in the ring or has none yet. */
static cert_text *cert_text_cached(X509 *x)
{
    cert_text *t = NULL;
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n; i++)
        if (certcache.certs[i] == x) {
            if ((t = certcache.text[i]) != NULL)
                atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
            break;
        }
    pthread_mutex_unlock(&certcache.lock);
    return t;
}

/* Gives t to x's place in the ring (a reference of its own) if x is there
 * without one. */
static void cert_text_keep(X509 *x, cert_text *t)
{
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n; i++)
        if (certcache.certs[i] == x) {
            if (!certcache.text[i]) {
                atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
                certcache.text[i] = t;
            }
            break;
        }
    pthread_mutex_unlock(&certcache.lock);
}

bool mum__cert_ring_key(X509 *x, uint8_t key[32])
{
    bool found = false;
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n && !found; i++)
        if (certcache.certs[i] == x) {
            memcpy(key, certcache.keys[i], 32);
            found = true;
        }
    pthread_mutex_unlock(&certcache.lock);
    return found;
}

/* The certificate these DER bytes start with, a reference of the
 * caller's, found in the ring by the bytes it takes; NULL when they do not
 * start with one (OpenSSL's errors queued), or when whole and it does not
 * take them all (nothing queued). */
static X509 *shared_cert_at(const uint8_t *der, size_t len, bool whole)
{
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n; i++)
        if (certcache.der_len[i] == len && memcmp(certcache.der[i], der, len) == 0 &&
            X509_up_ref(certcache.certs[i]) == 1) {
            X509 *x = certcache.certs[i];
            certcache.hits++;
            pthread_mutex_unlock(&certcache.lock);
            return x;
        }
    pthread_mutex_unlock(&certcache.lock);
    const unsigned char *q = der;
    X509 *x = d2i_X509(NULL, &q, (long)len);
    if (!x || (whole && q != der + len)) {
        X509_free(x);
        return NULL;
    }
    len = (size_t)(q - der); /* its own DER, for the ring */
    /* its extensions decoded now, before another thread can see it (as
     * trust.c does for anchors): OpenSSL decodes them on first use behind
     * a check ThreadSanitizer cannot see through, so two threads checking
     * chains with a shared certificate would each decode them */
    X509_check_purpose(x, -1, 0);
    uint8_t key[32];
    uint8_t *copy = len ? OPENSSL_malloc(len) : NULL; /* as the text's: not the library's hook */
    bool keep = copy && mum__digest_buffer(MUM_HASH_SHA256, der, len, key) == MUM_OK && X509_up_ref(x) == 1;
    if (!keep) {
        OPENSSL_free(copy);
        return x;
    }
    memcpy(copy, der, len);
    pthread_mutex_lock(&certcache.lock);
    size_t at = certcache.next;
    X509 *old = certcache.certs[at];
    uint8_t *old_der = certcache.der[at];
    cert_text *old_text = certcache.text[at];
    EVP_PKEY_CTX *old_vctx = certcache.vctx[at];
    certcache.vctx[at] = NULL;
    certcache.text[at] = NULL;
    memcpy(certcache.keys[at], key, sizeof key);
    certcache.der[at] = copy;
    certcache.der_len[at] = len;
    certcache.certs[at] = x;
    certcache.next = (at + 1) % CERTCACHE_SIZE;
    if (certcache.n < CERTCACHE_SIZE)
        certcache.n++;
    pthread_mutex_unlock(&certcache.lock);
    X509_free(old); /* a signature still holding it has its own reference */
    OPENSSL_free(old_der);
    cert_text_release(old_text); /* a signature lending from it has its own reference */
    EVP_PKEY_CTX_free(old_vctx);
    return x;
}

/* The certificate of exactly these DER bytes, a reference of the caller's;
 * NULL when they are not one certificate. */
static X509 *shared_cert(const uint8_t *der, size_t len)
{
    return shared_cert_at(der, len, true);
}

X509 *mum__cert_shared(const uint8_t *der, size_t len)
{
    return shared_cert_at(der, len, false);
}

/*
 * A verification context for an RSA key of the ring's with a digest, for
 * EVP_PKEY_verify over a digest computed apart: a copy of one prepared
 * once for that certificate and digest.  EVP_DigestVerifyInit set up a new
 * one at each signer verified (about 25 K instructions: the key's
 * operation looked up by name, the signature algorithm fetched), a tenth of
 * a small package's signer verifications beside the RSA operation itself.
 * For an RSA key with PKCS#1 v1.5 padding, EVP_DigestVerify is that digest
 * then this verification (OpenSSL 3.0's providers/implementations/signature/
 * rsa_sig.c: rsa_digest_verify_final hashes, then calls rsa_verify as
 * EVP_PKEY_verify does).  NULL when x is not in the ring, its key is not
 * RSA, or OpenSSL fails: the caller then verifies as before.
 */
static EVP_PKEY_CTX *ring_verify_ctx(X509 *x, EVP_PKEY *pkey, const EVP_MD *md)
{
    int nid = EVP_MD_get_type(md);
    EVP_PKEY_CTX *out = NULL;
    bool in_ring = false;
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n && !in_ring; i++)
        if (certcache.certs[i] == x) {
            in_ring = true;
            if (certcache.vctx[i] && certcache.vctx_md[i] == nid)
                out = EVP_PKEY_CTX_dup(certcache.vctx[i]);
        }
    pthread_mutex_unlock(&certcache.lock);
    if (out || !in_ring || nid <= 0 || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
        return out;
    EVP_PKEY_CTX *t = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!t || EVP_PKEY_verify_init(t) != 1 || EVP_PKEY_CTX_set_rsa_padding(t, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(t, md) != 1 || !(out = EVP_PKEY_CTX_dup(t))) {
        EVP_PKEY_CTX_free(t);
        return NULL;
    }
    pthread_mutex_lock(&certcache.lock);
    for (size_t i = 0; i < certcache.n; i++)
        if (certcache.certs[i] == x) {
            EVP_PKEY_CTX *old = certcache.vctx[i];
            certcache.vctx[i] = t;
            certcache.vctx_md[i] = nid;
            t = old;
            break;
        }
    pthread_mutex_unlock(&certcache.lock);
    EVP_PKEY_CTX_free(t);
    return out;
}

/* Writes a DER length; returns its size (out: at least 5 bytes). */
static size_t put_der_len(uint8_t *out, size_t len)
{
    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    size_t k = 0;
    for (size_t v = len; v; v >>= 8)
        k++;
    out[0] = (uint8_t)(0x80 | k);
    for (size_t i = 0; i < k; i++)
        out[1 + i] = (uint8_t)(len >> (8 * (k - 1 - i)));
    return 1 + k;
}

/* ---- signers' issuer names decoded once per process ----
 *
 * After the certificates, a SignerInfo's issuer name is the costliest part
 * of decoding a SignedData: OpenSSL makes a canonical copy of every name it
 * decodes (lower-cased UTF-8, for X509_NAME_cmp), about 30 K instructions
 * of the 90 K a small signature's d2i_PKCS7 costs.  Every signature of a
 * signer names the same issuer, so each distinct name's DER is decoded
 * once, kept in a small ring found by its exact bytes, and lent to the
 * SignerInfos that name it: their own DER carries an empty name in its
 * place, and the shared one is put in before anything reads it and taken
 * out before the PKCS7 is freed.  Only names with entries are shared: their
 * canonical copy is made at decoding, so nothing writes to a shared name
 * afterwards (X509_NAME_cmp re-encodes an empty or modified one).  A name
 * lives while the ring or a signature holds it; shared by the threads of a
 * verify under a lock.
 *
 * A ring of decoded pieces shared by signatures (the issuer names above,
 * the signers' constant attributes below): each found by its exact DER,
 * reference-counted under the ring's lock (the ring's reference and each
 * borrowing signature's).  Nothing writes to a piece once decoded.
 */
#define SHARED_RING_MAX 16
struct mum__shared {
    void *obj;                  /* the decoded piece (X509_NAME, X509_ATTRIBUTE) */
    uint8_t *der;               /* OPENSSL_malloc'd, as the ring's own */
    size_t len;
    unsigned refs;              /* the ring's and each signature's */
};
typedef struct mum__shared shared;
typedef struct shared_ring {
    shared *ring[SHARED_RING_MAX];
    size_t size, n, next;       /* size <= SHARED_RING_MAX kept */
    unsigned long hits;
    pthread_mutex_t lock;
    /* the piece of exactly these bytes, NULL when they are not one */
    void *(*decode)(const uint8_t *der, size_t len);
    void (*free_obj)(void *obj);
} shared_ring;

static unsigned long shared_hits(shared_ring *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned long h = r->hits;
    pthread_mutex_unlock(&r->lock);
    return h;
}

static void shared_release(shared_ring *r, shared *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&r->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&r->lock);
    if (last) {
        r->free_obj(s->obj);
        OPENSSL_free(s->der);
        OPENSSL_free(s);
    }
}

/* The shared piece of exactly these DER bytes, a reference of the
 * caller's; NULL when they do not decode to one, or it cannot be kept (the
 * SignerInfo then decodes its own). */
static shared *shared_get(shared_ring *r, const uint8_t *der, size_t len)
{
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->n; i++) {
        shared *s = r->ring[i];
        if (s->len == len && memcmp(s->der, der, len) == 0) {
            s->refs++;
            r->hits++;
            pthread_mutex_unlock(&r->lock);
            return s;
        }
    }
    pthread_mutex_unlock(&r->lock);
    void *obj = r->decode(der, len);
    shared *s = NULL;
    if (!obj || !(s = OPENSSL_zalloc(sizeof *s)) || !(s->der = OPENSSL_malloc(len))) {
        OPENSSL_free(s);
        if (obj)
            r->free_obj(obj);
        mum__crypto_clear();
        return NULL;
    }
    memcpy(s->der, der, len);
    s->len = len;
    s->obj = obj;
    s->refs = 2;
    pthread_mutex_lock(&r->lock);
    shared *old = r->n == r->size ? r->ring[r->next] : NULL;
    r->ring[r->next] = s;
    r->next = (r->next + 1) % r->size;
    if (r->n < r->size)
        r->n++;
    pthread_mutex_unlock(&r->lock);
    shared_release(r, old); /* a signature still holding it has its own reference */
    return s;
}

static void *name_decode(const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    X509_NAME *name = d2i_X509_NAME(NULL, &q, (long)len);
    if (name && (q != der + len || X509_NAME_entry_count(name) <= 0)) {
        X509_NAME_free(name);
        name = NULL;
    }
    return name;
}

static void name_free(void *name)
{
    X509_NAME_free(name);
}

static shared_ring namecache = {.size = 8, .lock = PTHREAD_MUTEX_INITIALIZER, .decode = name_decode,
                                .free_obj = name_free};

unsigned long mum__name_cache_hits(void)
{
    return shared_hits(&namecache);
}

/* ---- signers' constant attributes decoded once per process ----
 *
 * After its issuer name, a SignerInfo's authenticated attributes are the
 * costliest part of decoding it (about 5 K instructions each).  Three of a
 * Windows signer's five are the same in every signature it makes: the
 * contentType (a catalog's or Authenticode's), SpcSpOpusInfo and
 * SpcStatementType.  Those (and only those: a messageDigest or signingTime
 * differs from one signature to the next) are decoded alone, once for each
 * distinct DER, kept in a small ring found by their exact bytes, and lent
 * to the SignerInfos that carry them, as the names are: the copy decoded
 * leaves them out of its [0] element, and the shared ones are put back in
 * their places in the attributes' stack, taken out before the PKCS7 is
 * freed.  Nothing writes to an X509_ATTRIBUTE once decoded (no cached
 * encoding); an attribute lives while the ring or a signature holds it.
 */
#define ATTR_LEND_MAX 512       /* bytes of an attribute lent at most */
#define SIGNER_ATTRS_MAX 32     /* attributes of a signer looked at for lending */
/* an attribute a SignerInfo borrows: its place in the attributes */
struct mum__lent_attr {
    size_t signer, at, of;      /* its signer, its place among the signer's `of` */
    shared *s;                  /* an X509_ATTRIBUTE of attrcache */
    bool placed;                /* in the SignerInfo's stack */
};
typedef struct mum__lent_attr lent_attr;

static void *attr_decode(const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    X509_ATTRIBUTE *attr = d2i_X509_ATTRIBUTE(NULL, &q, (long)len);
    if (attr && q != der + len) {
        X509_ATTRIBUTE_free(attr);
        attr = NULL;
    }
    return attr;
}

static void attr_free(void *attr)
{
    X509_ATTRIBUTE_free(attr);
}

static shared_ring attrcache = {.size = 16, .lock = PTHREAD_MUTEX_INITIALIZER, .decode = attr_decode,
                                .free_obj = attr_free};

unsigned long mum__attr_cache_hits(void)
{
    return shared_hits(&attrcache);
}

/* Whether an attribute (its whole TLV) is one a signer repeats in every
 * signature (see above). */
static bool attr_lendable(const mum__der_el *a)
{
    static const uint8_t content_type[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03};
    static const uint8_t spc[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01}; /* .11, .12 */
    mum__der in = mum__der_in(a);
    mum__der_el oid;
    if (a->tag != MUM_DER_SEQUENCE || a->size > ATTR_LEND_MAX || !mum__der_take(&in, MUM_DER_OID, &oid))
        return false;
    if (oid.len == sizeof content_type && memcmp(oid.body, content_type, sizeof content_type) == 0)
        return true;
    return oid.len == sizeof spc + 1 && memcmp(oid.body, spc, sizeof spc) == 0 &&
           (oid.body[sizeof spc] == 11 || oid.body[sizeof spc] == 12);
}

/* Frees p7 after taking the shared names and attributes out of its
 * SignerInfos (the rings and other signatures may hold them), then lets go
 * of them. */
static void pkcs7_free_sharing(PKCS7 *p7, shared **names, size_t n, lent_attr *lent, size_t nlent)
{
    STACK_OF(PKCS7_SIGNER_INFO) *sis = p7 && PKCS7_type_is_signed(p7) && p7->d.sign ? p7->d.sign->signer_info : NULL;
    for (size_t i = 0; names && i < n; i++) {
        if (!names[i])
            continue;
        PKCS7_SIGNER_INFO *si = (int)i < sk_PKCS7_SIGNER_INFO_num(sis) ? sk_PKCS7_SIGNER_INFO_value(sis, (int)i) : NULL;
        if (si && si->issuer_and_serial && si->issuer_and_serial->issuer == names[i]->obj)
            si->issuer_and_serial->issuer = NULL;
    }
    for (size_t i = 0; lent && i < nlent; i++) {
        PKCS7_SIGNER_INFO *si = lent[i].placed && lent[i].signer < (size_t)sk_PKCS7_SIGNER_INFO_num(sis)
                                    ? sk_PKCS7_SIGNER_INFO_value(sis, (int)lent[i].signer) : NULL;
        if (si && lent[i].at < (size_t)sk_X509_ATTRIBUTE_num(si->auth_attr) &&
            sk_X509_ATTRIBUTE_value(si->auth_attr, (int)lent[i].at) == lent[i].s->obj)
            (void)sk_X509_ATTRIBUTE_set(si->auth_attr, (int)lent[i].at, NULL);
    }
    PKCS7_free(p7);
    for (size_t i = 0; names && i < n; i++)
        shared_release(&namecache, names[i]);
    for (size_t i = 0; lent && i < nlent; i++)
        shared_release(&attrcache, lent[i].s);
}

/* Writes a DER header (out: at least 6 bytes); returns its size. */
static size_t put_der_header(uint8_t *out, unsigned tag, size_t len)
{
    out[0] = (uint8_t)tag;
    return 1 + put_der_len(out + 1, len);
}

static size_t der_header_size(size_t len)
{
    uint8_t h[6];
    return put_der_header(h, 0, len);
}

/* A SignerInfo's parts around its issuer name: version and
 * IssuerAndSerialNumber { name, serialNumber } first; false when it is not
 * in that shape (it is then copied as it is). */
static bool signer_name_at(const mum__der_el *si, mum__der_el *ias, mum__der_el *name)
{
    mum__der c = mum__der_in(si), in;
    mum__der_el e;
    if (!mum__der_take(&c, MUM_DER_INTEGER, &e) || !mum__der_take(&c, MUM_DER_SEQUENCE, ias))
        return false;
    in = mum__der_in(ias);
    return mum__der_take(&in, MUM_DER_SEQUENCE, name) && mum__der_take(&in, MUM_DER_INTEGER, &e) &&
           mum__der_done(&in);
}

/* The body of SignerInfo si as it is decoded (written at w, or only
 * measured when w is NULL): with an empty issuer name when name_shared,
 * and without its attributes lent (lent[0..nlent), this signer's, by
 * place among the authenticatedAttributes).  Its length.  si's body is
 * known to be whole elements, its name and attributes where
 * plan_signer found them. */
static size_t signer_body(const mum__der_el *si, bool name_shared, const lent_attr *lent, size_t nlent,
                          uint8_t *w)
{
    mum__der c = mum__der_in(si);
    mum__der_el e;
    size_t len = 0;
    for (size_t k = 0; mum__der_next(&c, &e) == 1; k++) {
        if (k == 1 && name_shared) {
            /* IssuerAndSerialNumber { name (emptied), serialNumber } */
            mum__der in = mum__der_in(&e);
            mum__der_el name;
            mum__der_take(&in, MUM_DER_SEQUENCE, &name);
            size_t serial = e.len - name.size, ias_len = serial + 2;
            len += der_header_size(ias_len) + ias_len;
            if (w) {
                w += put_der_header(w, MUM_DER_SEQUENCE, ias_len);
                *w++ = MUM_DER_SEQUENCE;
                *w++ = 0;
                memcpy(w, name.start + name.size, serial), w += serial;
            }
        } else if (k == 3 && e.tag == 0xa0 && nlent) {
            /* authenticatedAttributes, those lent left out */
            size_t kept = 0;
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) {
                    len += der_header_size(kept) + kept;
                    if (!w)
                        break;
                    w += put_der_header(w, 0xa0, kept);
                }
                mum__der in = mum__der_in(&e);
                mum__der_el at;
                for (size_t j = 0, l = 0; mum__der_next(&in, &at) == 1; j++) {
                    if (l < nlent && lent[l].at == j) {
                        l++;
                        continue;
                    }
                    if (pass == 0)
                        kept += at.size;
                    else
                        memcpy(w, at.start, at.size), w += at.size;
                }
            }
        } else {
            len += e.size;
            if (w)
                memcpy(w, e.start, e.size), w += e.size;
        }
    }
    return len;
}

/* What SignerInfo i (si) borrows: its issuer name ((*names)[i]) and the
 * attributes it repeats (added to *lent, by place); nothing unless its
 * body is whole elements.  MUM_ENOMEM only (the library's allocator). */
static int plan_signer(const mum__der_el *si, size_t i, shared **names, lent_attr **lent, size_t *nlent,
                       size_t *lent_cap)
{
    mum__der c = mum__der_in(si);
    mum__der_el e, attrs = {0};
    for (size_t k = 0; mum__der_next(&c, &e) == 1; k++)
        if (k == 3 && e.tag == 0xa0)
            attrs = e;
    if (!mum__der_done(&c))
        return MUM_OK;
    mum__der_el ias, name;
    if (signer_name_at(si, &ias, &name) && name.len > 0)
        names[i] = shared_get(&namecache, name.start, name.size);
    if (!attrs.start)
        return MUM_OK;
    /* the attributes: all whole elements, not too many */
    mum__der in = mum__der_in(&attrs);
    size_t count = 0;
    while (mum__der_next(&in, &e) == 1)
        count++;
    if (!mum__der_done(&in) || count > SIGNER_ATTRS_MAX)
        return MUM_OK;
    in = mum__der_in(&attrs);
    for (size_t j = 0; mum__der_next(&in, &e) == 1; j++) {
        if (!attr_lendable(&e))
            continue;
        shared *sa = shared_get(&attrcache, e.start, e.size);
        if (!sa)
            continue;
        if (*nlent == *lent_cap && !mum__grow((void **)lent, lent_cap, *nlent + 1, sizeof **lent)) {
            shared_release(&attrcache, sa);
            return MUM_ENOMEM;
        }
        (*lent)[(*nlent)++] = (lent_attr){.signer = i, .at = j, .of = count, .s = sa};
    }
    return MUM_OK;
}

/* Puts signer i's lent attributes (lent[0..n)) in their places among
 * those its copy decoded: false when the count is not the one planned or
 * OpenSSL's allocator failed. */
static bool place_attrs(PKCS7_SIGNER_INFO *si, lent_attr *lent, size_t n)
{
    STACK_OF(X509_ATTRIBUTE) *own = si->auth_attr;
    int nown = own ? sk_X509_ATTRIBUTE_num(own) : 0;
    size_t all = n + (size_t)nown;
    if (all != lent[0].of)
        return false;
    STACK_OF(X509_ATTRIBUTE) *in_place = sk_X509_ATTRIBUTE_new_reserve(NULL, (int)all);
    if (!in_place)
        return false;
    /* reserved: no push below fails */
    for (size_t j = 0, l = 0; j < all; j++)
        (void)sk_X509_ATTRIBUTE_push(in_place, l < n && lent[l].at == j ? (X509_ATTRIBUTE *)lent[l++].s->obj
                                                                        : sk_X509_ATTRIBUTE_shift(own));
    sk_X509_ATTRIBUTE_free(own);
    si->auth_attr = in_place;
    for (size_t l = 0; l < n; l++)
        lent[l].placed = true;
    return true;
}

/*
 * The signed content of ContentInfo cinfo (SignedData's third element) when
 * the copy decoded can do without it: OpenSSL copies a content of a type
 * it does not know (a catalog's list: megabytes; an Authenticode
 * signature's SpcIndirectDataContent) into the PKCS7 whole, as its
 * encoding, and mum_signature_parse reads it in place from der instead,
 * once it has found the same bytes there (mum__signed_content).  So for
 * the two types read here, with a SEQUENCE content that is where
 * mum__signed_content finds it (what mum_signature_parse would have
 * matched), the copy decoded carries an empty SEQUENCE in its place.
 * False for any other shape: the content is then decoded as ever.
 */
static bool content_left_out(const uint8_t *der, size_t size, const mum__der_el *cinfo,
                             mum__der_el *oid, mum__der_el *content)
{
    static const uint8_t ctl[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x01};
    static const uint8_t spc[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04};
    _Static_assert(sizeof spc + 6 < 0x80, "the ContentInfo written has a short length");
    if (cinfo->tag != MUM_DER_SEQUENCE)
        return false;
    mum__der c = mum__der_in(cinfo), in;
    mum__der_el wrap, found;
    if (!mum__der_take(&c, MUM_DER_OID, oid) || !mum__der_take(&c, 0xa0, &wrap) || !mum__der_done(&c))
        return false;
    if (!((oid->len == sizeof ctl && memcmp(oid->body, ctl, sizeof ctl) == 0) ||
          (oid->len == sizeof spc && memcmp(oid->body, spc, sizeof spc) == 0)))
        return false;
    in = mum__der_in(&wrap);
    return mum__der_take(&in, MUM_DER_SEQUENCE, content) && mum__der_done(&in) &&
           mum__signed_content(der, size, &found) && found.start == content->start &&
           found.size == content->size;
}

/*
 * d2i_PKCS7 with the certificates through shared_cert, the signers'
 * issuer names and their repeated attributes through shared_get: the SignedData is decoded from a copy of its
 * DER without the certificates field, with an empty name for each shared
 * one and without the attributes lent, then given its certificates in
 * their order, its shared names and attributes.  NULL whenever the input
 * is not in the plain shape this handles (definite lengths, a ContentInfo
 * that fills the input, certificates that are all X.509 ones), or anything
 * in it fails to decode: the caller then decodes the input as it is, which
 * gives the same result or the same error as ever.  *names (mum__calloc'd,
 * *nnames entries) says which SignerInfo borrows a shared name, *lent
 * (mum__malloc'd, *nlent) which attributes; free the PKCS7 with
 * pkcs7_free_sharing.  *nomem: the library's allocator failed (OpenSSL's
 * failures only fall back).  *content: the signed content (a catalog's
 * list, an Authenticode SpcIndirectDataContent) when it was left out of
 * the copy decoded (see content_left_out), where mum__signed_content finds
 * it in der; else all zero.
 */
static PKCS7 *d2i_pkcs7_shared(const uint8_t *der, size_t size, shared ***names, size_t *nnames,
                               lent_attr **lent, size_t *nlent, mum__der_el *content, bool *nomem)
{
    *nomem = false;
    *names = NULL;
    *nnames = 0;
    *lent = NULL;
    *nlent = 0;
    *content = (mum__der_el){0};
    if (size > 0xffffffffu)
        return NULL;
    mum__der top = mum__der_over(der, size), ci, wrap, sd;
    mum__der_el eci, eoid, ewrap, esd, e, certs = {0}, sis = {0};
    if (!mum__der_take(&top, MUM_DER_SEQUENCE, &eci) || !mum__der_done(&top))
        return NULL;
    ci = mum__der_in(&eci);
    if (!mum__der_take(&ci, MUM_DER_OID, &eoid) || !mum__der_take(&ci, 0xa0, &ewrap) || !mum__der_done(&ci))
        return NULL;
    wrap = mum__der_in(&ewrap);
    if (!mum__der_take(&wrap, MUM_DER_SEQUENCE, &esd) || !mum__der_done(&wrap))
        return NULL;
    sd = mum__der_in(&esd);
    /* version, digestAlgorithms, contentInfo, [0] certificates, [1] crls,
     * signerInfos: the signers are the last SET after the third element */
    mum__der_el cinfo = {0}, ctype = {0}, signed_content = {0};
    for (size_t k = 0; mum__der_next(&sd, &e) == 1; k++) {
        if (k == 2)
            cinfo = e;
        if (e.tag == 0xa0)
            certs = e;
        sis = k >= 3 && e.tag == MUM_DER_SET ? e : (mum__der_el){0};
    }
    if (!mum__der_done(&sd) || !certs.start)
        return NULL;
    /* the content, when left out: ContentInfo { type, [0] { SEQUENCE {} } } */
    bool left_out = cinfo.start && content_left_out(der, size, &cinfo, &ctype, &signed_content);
    size_t cinfo_size = left_out ? der_header_size(ctype.size + 4) + ctype.size + 4 : cinfo.size;
    /* the signers: what each borrows, and the size of the SET decoded */
    size_t nsi = 0, sis_len = 0, lent_cap = 0;
    mum__der list;
    if (sis.start) {
        list = mum__der_in(&sis);
        while (mum__der_next(&list, &e) == 1)
            nsi++;
        if (!mum__der_done(&list))
            return NULL;
    }
    if (nsi && !(*names = mum__calloc(nsi, sizeof **names))) {
        *nomem = true;
        return NULL;
    }
    *nnames = nsi;
    PKCS7 *p7 = NULL;
    uint8_t *buf = NULL;
    size_t lens[8]; /* the first signers' rewritten lengths, not measured twice */
    list = mum__der_in(&sis);
    for (size_t i = 0, l = 0; i < nsi; i++) {
        mum__der_el si;
        mum__der_next(&list, &si);
        if (plan_signer(&si, i, *names, lent, nlent, &lent_cap) != MUM_OK) {
            *nomem = true;
            goto fail;
        }
        size_t first = l;
        while (l < *nlent && (*lent)[l].signer == i)
            l++;
        size_t si_len = (*names)[i] || l > first ? signer_body(&si, (*names)[i] != NULL, *lent + first, l - first, NULL)
                                                 : si.len;
        if (i < sizeof lens / sizeof lens[0])
            lens[i] = si_len;
        sis_len += der_header_size(si_len) + si_len;
    }
    /* the same ContentInfo, its certificates left out, what its signers
     * borrow emptied */
    size_t sis_size = sis.start ? der_header_size(sis_len) + sis_len : 0;
    size_t sd_len = esd.len - certs.size - sis.size + sis_size - cinfo.size + cinfo_size;
    size_t wrap_len = der_header_size(sd_len) + sd_len;
    size_t ci_len = eoid.size + der_header_size(wrap_len) + wrap_len;
    size_t total = der_header_size(ci_len) + ci_len;
    /* the certificates and content left out, what is decoded is mostly
     * the signers: a few hundred bytes */
    uint8_t small[2048];
    if (!(buf = total <= sizeof small ? small : mum__malloc(total))) {
        *nomem = true;
        goto fail;
    }
    uint8_t *w = buf;
    w += put_der_header(w, MUM_DER_SEQUENCE, ci_len);
    memcpy(w, eoid.start, eoid.size), w += eoid.size;
    w += put_der_header(w, 0xa0, wrap_len);
    w += put_der_header(w, MUM_DER_SEQUENCE, sd_len);
    sd = mum__der_in(&esd);
    while (mum__der_next(&sd, &e) == 1) {
        if (e.start == certs.start)
            continue;
        if (left_out && e.start == cinfo.start) {
            static const uint8_t empty[] = {0xa0, 0x02, MUM_DER_SEQUENCE, 0x00};
            w += put_der_header(w, MUM_DER_SEQUENCE, ctype.size + sizeof empty);
            memcpy(w, ctype.start, ctype.size), w += ctype.size;
            memcpy(w, empty, sizeof empty), w += sizeof empty;
            continue;
        }
        if (e.start != sis.start) {
            memcpy(w, e.start, e.size), w += e.size;
            continue;
        }
        w += put_der_header(w, MUM_DER_SET, sis_len);
        list = mum__der_in(&sis);
        for (size_t i = 0, l = 0; i < nsi; i++) {
            mum__der_el si;
            mum__der_next(&list, &si);
            size_t first = l;
            while (l < *nlent && (*lent)[l].signer == i)
                l++;
            if (!(*names)[i] && l == first) {
                memcpy(w, si.start, si.size), w += si.size;
                continue;
            }
            size_t si_len = i < sizeof lens / sizeof lens[0]
                                ? lens[i]
                                : signer_body(&si, (*names)[i] != NULL, *lent + first, l - first, NULL);
            w += put_der_header(w, MUM_DER_SEQUENCE, si_len);
            w += signer_body(&si, (*names)[i] != NULL, *lent + first, l - first, w);
        }
    }
    const unsigned char *q = buf;
    bool whole = (size_t)(w - buf) == total && (p7 = d2i_PKCS7(NULL, &q, (long)total)) != NULL && q == buf + total;
    if (buf != small)
        mum__free(buf); /* nothing decoded points into it */
    if (!whole || !PKCS7_type_is_signed(p7) || !p7->d.sign || p7->d.sign->cert ||
        sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info) != (int)nsi)
        goto fail;
    if (left_out) {
        /* what was written in the content's place, as OpenSSL keeps an
         * unknown type's */
        PKCS7 *in = p7->d.sign->contents;
        ASN1_TYPE *t = in && PKCS7_type_is_other(in) ? in->d.other : NULL;
        if (!t || t->type != V_ASN1_SEQUENCE || !t->value.sequence || t->value.sequence->length != 2)
            goto fail;
        *content = signed_content;
    }
    for (size_t i = 0, l = 0; i < nsi; i++) {
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(p7->d.sign->signer_info, (int)i);
        size_t first = l;
        while (l < *nlent && (*lent)[l].signer == i)
            l++;
        if (l > first && !place_attrs(si, *lent + first, l - first))
            goto fail;
        if (!(*names)[i])
            continue;
        if (!si->issuer_and_serial || X509_NAME_entry_count(si->issuer_and_serial->issuer) != 0)
            goto fail;
        X509_NAME_free(si->issuer_and_serial->issuer);
        si->issuer_and_serial->issuer = (X509_NAME *)(*names)[i]->obj;
    }
    if (!(p7->d.sign->cert = sk_X509_new_null()))
        goto fail;
    list = mum__der_in(&certs);
    while (mum__der_next(&list, &e) == 1) {
        X509 *x = e.tag == MUM_DER_SEQUENCE ? shared_cert(e.start, e.size) : NULL;
        if (!x)
            goto fail;
        if (!sk_X509_push(p7->d.sign->cert, x)) {
            X509_free(x);
            goto fail;
        }
    }
    if (!mum__der_done(&list))
        goto fail;
    return p7;
fail:
    pkcs7_free_sharing(p7, *names, *nnames, *lent, *nlent);
    mum__free(*names);
    mum__free(*lent);
    *names = NULL;
    *nnames = 0;
    *lent = NULL;
    *nlent = 0;
    *content = (mum__der_el){0};
    mum__crypto_clear();
    return NULL;
}

int mum_signature_parse(mum_signature **out, mum_ctx *ctx, const void *der, size_t size,
                        const mum_location *where)
{
    *out = NULL;
    mum__crypto_clear();
    if (size > MAX_SIGNATURE_SIZE)
        return mum__error(ctx, MUM_ELIMIT, where, "a signature larger than 1 GiB (%zu bytes)", size);
    uint8_t *copy = mum__malloc(size ? size : 1);
    if (!copy)
        return mum__nomem(ctx);
    if (size) /* der may be NULL then */
        memcpy(copy, der, size);
    const unsigned char *q = copy;
    bool nomem;
    int rc;
    mum__der_el left_out;
    shared **names;
    lent_attr *lent;
    size_t nnames, nlent;
    PKCS7 *p7 = d2i_pkcs7_shared(copy, size, &names, &nnames, &lent, &nlent, &left_out, &nomem);
    if (p7) {
        q += size;
    } else if (nomem) {
        mum__free(copy);
        mum__crypto_clear();
        return mum__nomem(ctx);
    } else {
        left_out = (mum__der_el){0};
        p7 = d2i_PKCS7(NULL, &q, (long)size);
    }
    if (!p7) {
        rc = parse_error(ctx, where, copy, size, "not a PKCS#7 signature");
        mum__free(copy);
        mum__crypto_clear();
        return rc;
    }
    /* the signers' and certificates' records after the signature's own,
     * in its allocation: a small signature's records are kept by every
     * package of a verify */
    int nsig = 0, ncert = 0;
    if (PKCS7_type_is_signed(p7) && p7->d.sign) {
        nsig = sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info);
        ncert = sk_X509_num(p7->d.sign->cert);
    }
    size_t ns = nsig > 0 ? (size_t)nsig : 0, nc = ncert > 0 ? (size_t)ncert : 0;
    size_t signer_size = sizeof(mum_signer_info) + sizeof(signer_extra);
    size_t cert_size = sizeof(mum_cert_info) + sizeof(cert_text *) + sizeof(X509 *);
    _Static_assert(sizeof(mum_signature) % sizeof(void *) == 0 && sizeof(mum_signer_info) % sizeof(void *) == 0 &&
                       sizeof(signer_extra) % sizeof(void *) == 0 && sizeof(mum_cert_info) % sizeof(void *) == 0,
                   "the slices of the records stay aligned");
    mum_signature *sig = mum__calloc(1, sizeof *sig + ns * signer_size + nc * cert_size);
    if (!sig) {
        pkcs7_free_sharing(p7, names, nnames, lent, nlent);
        mum__free(names);
        mum__free(lent);
        mum__free(copy);
        mum__crypto_clear();
        return mum__nomem(ctx);
    }
    sig->der = copy;
    sig->der_len = size;
    sig->p7 = p7;
    sig->names = names;
    sig->nnames = nnames;
    sig->lent = lent;
    sig->nlent = nlent;
    if (ns + nc > 0) {
        sig->signers = (mum_signer_info *)(sig + 1);
        sig->extra = (signer_extra *)(sig->signers + ns);
        sig->certs = (mum_cert_info *)(sig->extra + ns);
        sig->cert_texts = (cert_text **)(sig->certs + nc);
        sig->cert_refs = (X509 **)(sig->cert_texts + nc);
    }
    if ((size_t)(q - sig->der) != size) {
        mum_location loc = {where ? where->input : NULL, where ? where->entry : NULL, 0, 0,
                            (uint64_t)(q - sig->der), true};
        rc = mum__error(ctx, MUM_EFORMAT, &loc, "%zu bytes after the end of the PKCS#7 signature",
                        size - (size_t)(q - sig->der));
        goto fail;
    }
    if (!PKCS7_type_is_signed(sig->p7) || !sig->p7->d.sign || !sig->p7->d.sign->contents) {
        mum_location loc = {where ? where->input : NULL, where ? where->entry : NULL, 0, 0, 0, true};
        rc = mum__error(ctx, MUM_EFORMAT, &loc, "a PKCS#7 structure that is not SignedData");
        goto fail;
    }
    PKCS7 *content = sig->p7->d.sign->contents;
    /* the two types read most, as constants (an allocation kept by each
     * signature saved) */
    if (mum__oid_is(content->type, MUM_OID_CTL))
        sig->content_type = MUM_OID_CTL;
    else if (mum__oid_is(content->type, MUM_OID_SPC_INDIRECT_DATA))
        sig->content_type = MUM_OID_SPC_INDIRECT_DATA;
    else if ((sig->content_type = sig->own_content_type = mum__oid_text(content->type)) == NULL) {
        rc = mum__nomem(ctx);
        goto fail;
    }
    /* The content: any type OpenSSL does not know sits in d.other as the
     * original encoding; plain data is an OCTET STRING. */
    if (PKCS7_type_is_other(content) && content->d.other) {
        ASN1_TYPE *t = content->d.other;
        if (left_out.start) {
            /* not decoded (d2i_pkcs7_shared): where mum__signed_content
             * finds it, as the bytes OpenSSL would have copied */
            sig->content = left_out.start;
            sig->content_offset = (uint64_t)(left_out.start - sig->der);
            sig->content_len = left_out.size;
            sig->content_body = mum__der_header_len(sig->content, sig->content_len);
        } else if (t->type == V_ASN1_SEQUENCE || t->type == V_ASN1_SET || t->type == V_ASN1_OTHER) {
            /* the whole TLV, as it appears in the input */
            mum__der_el found;
            uint64_t at = 0;
            if (mum__signed_content(sig->der, size, &found) &&
                (at = (uint64_t)(found.start - sig->der)) + (uint64_t)t->value.sequence->length <= size &&
                memcmp(sig->der + at, t->value.sequence->data, (size_t)t->value.sequence->length) == 0) {
                sig->content = sig->der + at;
                sig->content_offset = at;
            } else {
                sig->content = t->value.sequence->data; /* re-encoded: no offset */
            }
            sig->content_len = (size_t)t->value.sequence->length;
            sig->content_body = mum__der_header_len(sig->content, sig->content_len);
            /* read in place: OpenSSL's copy is not needed (a catalog's list: megabytes) */
            if (sig->content != t->value.sequence->data)
                ASN1_STRING_set0(t->value.sequence, NULL, 0);
        }
    }
    for (int i = 0; i < nsig; i++) {
        sig->nsigners = (size_t)i + 1;
        if ((rc = read_signer(sig, (size_t)i)) != MUM_OK) {
            rc = mum__nomem(ctx);
            goto fail;
        }
    }
    find_signed_attrs(sig);
    for (int i = 0; i < ncert; i++) {
        if (cert_info_lend(sk_X509_value(sig->p7->d.sign->cert, i), &sig->certs[i], &sig->cert_texts[i]) !=
            MUM_OK) {
            rc = mum__nomem(ctx);
            goto fail;
        }
        sig->ncerts = (size_t)i + 1;
    }
    mum__crypto_clear();
    *out = sig;
    return MUM_OK;
fail:
    mum__crypto_clear();
    mum_signature_free(sig);
    return rc;
}

void mum__signature_release_content(mum_signature *sig)
{
    if (!sig || !sig->der)
        return;
    for (size_t i = 0; i < sig->nsigners; i++)
        if (!sig->extra[i].core_known)
            return;
    sig->content = NULL;
    sig->content_len = sig->content_body = 0;
    /* they point into der, and nothing reads them once core_known */
    for (size_t i = 0; i < sig->nsigners; i++) {
        sig->extra[i].attrs_der = NULL;
        sig->extra[i].attrs_size = 0;
    }
    mum__free(sig->der);
    sig->der = NULL;
    sig->der_len = 0;
    sig->content_released = true;
    mum__signature_drop_tree(sig);
}

STACK_OF(X509) *mum__sig_certs(const mum_signature *sig, bool *made)
{
    *made = !sig->p7 && sig->nrefs > 0;
    if (!*made)
        return sig->p7 ? sig->p7->d.sign->cert : NULL;
    STACK_OF(X509) *sk = sk_X509_new_reserve(NULL, (int)sig->nrefs);
    /* reserved: no push fails */
    for (size_t i = 0; sk && i < sig->nrefs; i++)
        (void)sk_X509_push(sk, sig->cert_refs[i]);
    return sk;
}

void mum__signature_drop_tree(mum_signature *sig)
{
    if (!sig || !sig->p7 || !sig->p7->d.sign)
        return;
    for (size_t i = 0; i < sig->nsigners; i++)
        if (!sig->extra[i].core_known ||
            (sig->signers[i].timestamp != MUM_TIMESTAMP_NONE && !sig->extra[i].ts_known))
            return;
    /* the content, when kept, must not be OpenSSL's copy in the tree */
    if (sig->content && !(sig->der && sig->content >= sig->der && sig->content < sig->der + sig->der_len))
        return;
    /* what verify still reads: the certificates (the signers' among them),
     * their references taken from the stack into cert_refs */
    STACK_OF(X509) *certs = sig->p7->d.sign->cert;
    if ((size_t)(certs ? sk_X509_num(certs) : 0) != sig->ncerts)
        return;
    for (size_t i = 0; certs && i < sig->ncerts; i++)
        sig->cert_refs[i] = sk_X509_value(certs, (int)i);
    sig->nrefs = certs ? sig->ncerts : 0;
    sk_X509_free(certs);
    sig->p7->d.sign->cert = NULL;
    for (size_t i = 0; i < sig->nsigners; i++) {
        signer_extra *ex = &sig->extra[i];
        ex->si = NULL;
        ex->attrs_der = NULL;
        ex->attrs_size = 0;
        /* read only by mum__verify_timestamp, whose verdict is kept */
        PKCS7_SIGNER_INFO_free(ex->counter);
        CMS_ContentInfo_free(ex->token);
        TS_TST_INFO_free(ex->tst);
        ex->counter = NULL;
        ex->token = NULL;
        ex->tst = NULL;
    }
    pkcs7_free_sharing(sig->p7, sig->names, sig->nnames, sig->lent, sig->nlent);
    mum__free(sig->names);
    mum__free(sig->lent);
    sig->p7 = NULL;
    sig->names = NULL;
    sig->lent = NULL;
    sig->nnames = sig->nlent = 0;
}

int mum__signature_keep_content_only(mum_signature *sig)
{
    if (!sig || !sig->der || !sig->content || sig->content_len >= sig->der_len)
        return MUM_OK;
    for (size_t i = 0; i < sig->nsigners; i++)
        if (!sig->extra[i].core_known)
            return MUM_OK;
    uint8_t *copy = mum__malloc(sig->content_len ? sig->content_len : 1);
    if (!copy)
        return MUM_ENOMEM;
    memcpy(copy, sig->content, sig->content_len);
    /* they point into der, and nothing reads them once core_known */
    for (size_t i = 0; i < sig->nsigners; i++) {
        sig->extra[i].attrs_der = NULL;
        sig->extra[i].attrs_size = 0;
    }
    mum__free(sig->der);
    sig->der = copy;
    sig->der_len = sig->content_len;
    sig->content = copy;
    mum__signature_drop_tree(sig);
    return MUM_OK;
}

const char *mum_signature_content_type(const mum_signature *sig)
{
    return sig ? sig->content_type : NULL;
}

void mum_signature_content(const mum_signature *sig, const uint8_t **der, size_t *len,
                           size_t *body_offset, uint64_t *offset)
{
    *der = sig ? sig->content : NULL;
    *len = sig ? sig->content_len : 0;
    if (body_offset)
        *body_offset = sig ? sig->content_body : 0;
    if (offset)
        *offset = sig ? sig->content_offset : 0;
}

size_t mum_signature_signer_count(const mum_signature *sig)
{
    return sig ? sig->nsigners : 0;
}

const mum_signer_info *mum_signature_signer(const mum_signature *sig, size_t i)
{
    return sig && i < sig->nsigners ? &sig->signers[i] : NULL;
}

size_t mum_signature_cert_count(const mum_signature *sig)
{
    return sig ? sig->ncerts : 0;
}

const mum_cert_info *mum_signature_cert(const mum_signature *sig, size_t i)
{
    return sig && i < sig->ncerts ? &sig->certs[i] : NULL;
}

int mum__cert_info_fill(struct x509_st *x, mum_cert_info *c)
{
    return cert_info_fill(x, c);
}

void mum__cert_info_clear(mum_cert_info *c)
{
    cert_info_clear(c);
}

void mum__hex_short(const unsigned char *p, size_t n, char *out, size_t out_size)
{
    /* the whole digest: it is what a user compares */
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < n && k + 3 <= out_size; i++, k += 2) {
        out[k] = hex[p[i] >> 4];
        out[k + 1] = hex[p[i] & 15];
    }
    if (out_size)
        out[k < out_size ? k : out_size - 1] = '\0';
}

/*
 * The one EVP digest use outside digest.c: OpenSSL hashes the signed bytes
 * and checks the signature over that digest in one EVP_DigestVerify, with
 * the EVP_MD of the SignerInfo's digestAlgorithm (any digest OpenSSL
 * knows, not only those of mum_hash_alg).
 */
static bool signature_verifies_now(const EVP_MD *md, X509 *cert, EVP_PKEY *pkey, const ASN1_OCTET_STRING *sig,
                                   const unsigned char *tbs, size_t n)
{
    EVP_PKEY_CTX *pc = ring_verify_ctx(cert, pkey, md);
    if (pc) {
        /* the same verification with a context prepared once (see there) */
        uint8_t dig[EVP_MAX_MD_SIZE];
        size_t dlen = 0;
        bool ok = mum__digest_evp(md, tbs, n, dig, &dlen) == MUM_OK &&
                  EVP_PKEY_verify(pc, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), dig, dlen) == 1;
        EVP_PKEY_CTX_free(pc);
        mum__crypto_clear();
        return ok;
    }
    mum__crypto_clear();
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    bool ok = m && EVP_DigestVerifyInit(m, NULL, md, NULL, pkey) == 1 &&
              EVP_DigestVerify(m, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), tbs, n) == 1;
    EVP_MD_CTX_free(m);
    mum__crypto_clear();
    return ok;
}

/*
 * Signer signatures already verified in this process.  A call over many
 * packages meets the same signed attributes again whenever it meets the
 * same catalog or cabinet signature (copies of a package, a package given
 * both as .msu and as its cabinet, the same catalog in several packages),
 * and each RSA verification costs more than the rest of a small catalog's
 * checks.  Whether EVP_DigestVerify accepts a signature value over some
 * bytes with a certificate's key and a digest algorithm depends on those
 * inputs alone, so a good result is kept, keyed by all of them: the
 * digest's NID, the SHA-256 of the certificate's DER, the signature value
 * with its length and the signed bytes, these two kept as they are:
 * hashing them for a key (as this did) hashed the signed bytes twice for
 * every signature verified, once for the key and once to verify.  A
 * failure is not kept (it is checked again, and reported as before).  A
 * ring of passed checks (sig_internal.h), as chain.c keeps for certificate
 * signatures.
 */
static mum__pass_ring signercache = MUM__PASS_RING_INIT(32);

/* The head of a verification's cache key (digest NID, certificate key,
 * signature value's length) in head, and the key's parts: head, the
 * value, the signed bytes.  false when it cannot be made (the
 * verification is then done and not kept). */
static bool signer_key(const EVP_MD *md, X509 *cert, const ASN1_OCTET_STRING *sig,
                       const unsigned char *tbs, size_t n, uint8_t head[4 + 32 + 4], mum__key_part parts[3])
{
    /* the signed bytes are the authenticated attributes, a few hundred
     * bytes; larger ones (a signature over its content) would make a
     * large entry, and are not kept: refused before any work on the key */
    int nid = EVP_MD_get_type(md);
    int vlen = ASN1_STRING_length(sig);
    if (nid <= 0 || vlen <= 0 || vlen > 4096 || n > 16384)
        return false;
    mum__put_le32(head, (uint32_t)nid);
    if (!mum__cert_key(cert, head + 4))
        return false;
    /* the value's length: where the signed bytes begin */
    mum__put_le32(head + 36, (uint32_t)vlen);
    parts[0] = (mum__key_part){head, 40};
    parts[1] = (mum__key_part){ASN1_STRING_get0_data(sig), (size_t)vlen};
    parts[2] = (mum__key_part){tbs, n};
    return true;
}

static bool signature_verifies(const EVP_MD *md, X509 *cert, EVP_PKEY *pkey, const ASN1_OCTET_STRING *sig,
                               const unsigned char *tbs, size_t n)
{
    uint8_t head[40];
    mum__key_part parts[3];
    bool keyed = signer_key(md, cert, sig, tbs, n, head, parts);
    mum__crypto_clear();
    if (keyed && mum__pass_ring_has(&signercache, parts, 3))
        return true;
    bool ok = signature_verifies_now(md, cert, pkey, sig, tbs, n);
    if (ok && keyed)
        mum__pass_ring_add(&signercache, parts, 3);
    return ok;
}

unsigned long mum__signer_signature_hits(void)
{
    return mum__pass_ring_hits(&signercache);
}

/*
 * The integrity of one SignerInfo over `data`: certificate present,
 * messageDigest (and contentType, when ctype is given) right, signature
 * good.  Returns the failed check (NONE when intact), why says how.
 */
/* The digest fetched once (mum__evp_md) of md's algorithm when it is one
 * of mum_hash_alg's, else md. */
static const EVP_MD *fetched_md(const EVP_MD *md)
{
    static const mum_hash_alg ours[] = {MUM_HASH_SHA256, MUM_HASH_SHA1, MUM_HASH_SHA384, MUM_HASH_SHA512,
                                        MUM_HASH_MD5};
    int nid = EVP_MD_get_type(md);
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        const EVP_MD *f = mum__evp_md(ours[i]);
        if (f && EVP_MD_get_type(f) == nid)
            return f;
    }
    return md;
}

/* ---- the authenticated attributes as they were signed ----
 *
 * The signature of a SignerInfo with attributes is over their DER with a
 * SET tag.  OpenSSL gives that by encoding the decoded attributes again
 * (ASN1_item_i2d with PKCS7_ATTR_VERIFY, which keeps their order): 19.5 K
 * instructions a signer, for the bytes that are in the signature already
 * whenever they are DER of the kinds below.  So the input's bytes are used
 * when encoding them again is sure to give the same bytes, and OpenSSL's
 * encoding otherwise (so a signature verifies over exactly what it
 * verified over before).  What OpenSSL's decoding then encoding keeps
 * (crypto/asn1/tasn_dec.c, tasn_enc.c): headers are written with one
 * identifier octet and the shortest definite length; an attribute is a
 * SEQUENCE of an OBJECT (its contents kept) and a SET OF ANY, written
 * sorted by encoding (der_cmp: bytes, then length); an ANY that is a
 * SEQUENCE or SET is kept whole; a primitive one keeps its contents for
 * the types listed in any_verbatim (an INTEGER, BOOLEAN or BIT STRING may
 * be normalised, a constructed string is written primitive: not taken).
 */

/* One identifier octet and the shortest length. */
static bool der_minimal(const mum__der_el *e)
{
    return (e->tag & 0x1f) != 0x1f && (size_t)(e->body - e->start) == der_header_size(e->len);
}

static bool any_verbatim(const mum__der_el *v)
{
    if (!der_minimal(v))
        return false;
    switch (v->tag) {
    case MUM_DER_SEQUENCE:
    case MUM_DER_SET:
        return true;
    case MUM_DER_OID:
        return mum__der_oid_valid(v->body, v->len);
    case MUM_DER_OCTET_STRING:
    case 0x0c: /* UTF8String */
    case 0x13: /* PrintableString */
    case 0x16: /* IA5String */
        return true;
    case 0x05: /* NULL */
        return v->len == 0;
    case 0x17: /* UTCTime: the decoder's least length */
        return v->len >= 13;
    case 0x18: /* GeneralizedTime */
        return v->len >= 15;
    case MUM_DER_BMPSTRING:
        return (v->len & 1) == 0;
    default:
        return false;
    }
}

/* OpenSSL's der_cmp over two encodings. */
static int der_order(const mum__der_el *a, const mum__der_el *b)
{
    int c = memcmp(a->start, b->start, a->size < b->size ? a->size : b->size);
    return c ? c : (a->size > b->size) - (a->size < b->size);
}

bool mum__attrs_verbatim(const uint8_t *p, size_t n)
{
    mum__der top = mum__der_over(p, n), c;
    mum__der_el attrs, a;
    if (!mum__der_take(&top, 0xa0, &attrs) || !mum__der_done(&top) || !der_minimal(&attrs))
        return false;
    c = mum__der_in(&attrs);
    int r;
    while ((r = mum__der_next(&c, &a)) == 1) {
        mum__der in = mum__der_in(&a), vals;
        mum__der_el oid, set, v, prev = {0};
        if (a.tag != MUM_DER_SEQUENCE || !der_minimal(&a) || !mum__der_take(&in, MUM_DER_OID, &oid) ||
            !der_minimal(&oid) || !mum__der_oid_valid(oid.body, oid.len) || !mum__der_take(&in, MUM_DER_SET, &set) ||
            !der_minimal(&set) || !mum__der_done(&in))
            return false;
        vals = mum__der_in(&set);
        while ((r = mum__der_next(&vals, &v)) == 1) {
            if (!any_verbatim(&v) || (prev.start && der_order(&prev, &v) > 0))
                return false;
            prev = v;
        }
        if (r < 0)
            return false;
    }
    return r == 0;
}

/* Where each SignerInfo's authenticatedAttributes are in the signature's
 * DER (signer_extra's attrs_der); left NULL unless every SignerInfo is
 * found in the plain shape d2i_pkcs7_shared reads. */
static void find_signed_attrs(mum_signature *sig)
{
    mum__der c = mum__der_over(sig->der, sig->der_len);
    mum__der_el e, sis = {0};
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_OID, &e) || !mum__der_take(&c, 0xa0, &e))
        return;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return;
    c = mum__der_in(&e);
    for (size_t k = 0; mum__der_next(&c, &e) == 1; k++)
        sis = k >= 3 && e.tag == MUM_DER_SET ? e : (mum__der_el){0};
    if (!mum__der_done(&c) || !sis.start)
        return;
    const uint8_t *at[64];
    size_t size[64], n = 0;
    c = mum__der_in(&sis);
    while (mum__der_next(&c, &e) == 1) {
        mum__der in = mum__der_in(&e);
        mum__der_el f;
        if (n == 64 || e.tag != MUM_DER_SEQUENCE || !mum__der_take(&in, MUM_DER_INTEGER, &f) ||
            !mum__der_take(&in, MUM_DER_SEQUENCE, &f) || !mum__der_take(&in, MUM_DER_SEQUENCE, &f))
            return;
        bool has = mum__der_take(&in, 0xa0, &f);
        at[n] = has ? f.start : NULL;
        size[n++] = has ? f.size : 0;
    }
    if (!mum__der_done(&c) || n != sig->nsigners)
        return;
    for (size_t i = 0; i < n; i++) {
        sig->extra[i].attrs_der = at[i];
        sig->extra[i].attrs_size = size[i];
    }
}

mum_sig_check mum__verify_signer_info(PKCS7_SIGNER_INFO *si, X509 *cert, const char *ctype,
                                      const unsigned char *data, size_t len, char *why,
                                      size_t why_size)
{
    return mum__verify_signer_info_der(si, cert, ctype, data, len, NULL, 0, why, why_size);
}

mum_sig_check mum__verify_signer_info_der(PKCS7_SIGNER_INFO *si, X509 *cert, const char *ctype,
                                          const unsigned char *data, size_t len, const uint8_t *attrs_der,
                                          size_t attrs_size, char *why, size_t why_size)
{
    if (!cert) {
        char *serial = si->issuer_and_serial ? mum__serial_text(si->issuer_and_serial->serial) : NULL;
        snprintf(why, why_size, "the signer's certificate (serial %s) is not in the signature",
                 serial ? serial : "?");
        mum__free(serial);
        return MUM_SIG_CHECK_SIGNER_CERT;
    }
    const EVP_MD *md = si->digest_alg ? EVP_get_digestbyobj(si->digest_alg->algorithm) : NULL;
    EVP_PKEY *pkey = X509_get0_pubkey(cert);
    if (!md || !pkey) {
        mum__crypto_clear();
        snprintf(why, why_size, "%s", !md ? "an unsupported digest algorithm"
                                          : "the signer's public key cannot be read");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    /* named as OpenSSL names md (the messages say it), computed with the
     * digest fetched once when it is one of ours: md is a legacy EVP_MD,
     * which OpenSSL 3.0 fetches anew at each use (20 K instructions an
     * EVP_Digest of a few hundred bytes, two uses a signer) */
    const EVP_MD *named = md;
    md = fetched_md(md);
    uint8_t dig[MUM_HASH_MAX_SIZE];
    size_t dlen = 0;
    if (mum__digest_evp(md, data, len, dig, &dlen) != MUM_OK) {
        mum__crypto_clear();
        snprintf(why, why_size, "the digest could not be computed");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    if (sk_X509_ATTRIBUTE_num(si->auth_attr) <= 0) {
        /* no authenticated attributes: the signature is over the content */
        if (!signature_verifies(md, cert, pkey, si->enc_digest, data, len)) {
            snprintf(why, why_size, "the signature over the content does not verify with the signer's key");
            return MUM_SIG_CHECK_SIGNATURE;
        }
        return MUM_SIG_CHECK_NONE;
    }
    const ASN1_OCTET_STRING *mdattr = PKCS7_digest_from_attributes(si->auth_attr);
    if (!mdattr) {
        snprintf(why, why_size, "no messageDigest among the authenticated attributes");
        return MUM_SIG_CHECK_ATTRIBUTES;
    }
    if (ctype) {
        const ASN1_TYPE *ct = PKCS7_get_signed_attribute(si, NID_pkcs9_contentType);
        if (!ct || ct->type != V_ASN1_OBJECT || !mum__oid_is(ct->value.object, ctype)) {
            char got[128] = "absent";
            if (ct && ct->type == V_ASN1_OBJECT)
                OBJ_obj2txt(got, sizeof got, ct->value.object, 1);
            snprintf(why, why_size, "the contentType attribute is %s, not the content's type %s", got, ctype);
            return MUM_SIG_CHECK_ATTRIBUTES;
        }
    }
    if ((size_t)ASN1_STRING_length(mdattr) != dlen || memcmp(ASN1_STRING_get0_data(mdattr), dig, dlen) != 0) {
        char a[2 * EVP_MAX_MD_SIZE + 1], b[2 * EVP_MAX_MD_SIZE + 1];
        mum__hex_short(ASN1_STRING_get0_data(mdattr), (size_t)ASN1_STRING_length(mdattr), a, sizeof a);
        mum__hex_short(dig, dlen, b, sizeof b);
        snprintf(why, why_size, "messageDigest %s differs from the %s digest of the signed content, %s",
                 a, EVP_MD_get0_name(named), b);
        return MUM_SIG_CHECK_CONTENT_DIGEST;
    }
    unsigned char *abuf = NULL;
    int alen;
    if (attrs_der && attrs_size <= INT_MAX && mum__attrs_verbatim(attrs_der, attrs_size) &&
        (abuf = OPENSSL_malloc(attrs_size)) != NULL) {
        /* the input's own bytes, SET-tagged: what OpenSSL would encode */
        memcpy(abuf, attrs_der, attrs_size);
        abuf[0] = MUM_DER_SET;
        alen = (int)attrs_size;
    } else {
        alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &abuf, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    }
    bool ok = alen > 0 && signature_verifies(md, cert, pkey, si->enc_digest, abuf, (size_t)alen);
    OPENSSL_free(abuf);
    mum__crypto_clear();
    if (!ok) {
        snprintf(why, why_size, "the signature over the authenticated attributes does not verify "
                                "with the signer's key");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    return MUM_SIG_CHECK_NONE;
}
