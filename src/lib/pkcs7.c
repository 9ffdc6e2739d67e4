/*
 * pkcs7.c - PKCS#7 SignedData as Windows uses it: parsing signers,
 * certificates and timestamps, verifying integrity and trust, trust
 * anchors, and building signed (or unsigned) SignedData for catalogs.
 * With hash.c and catalog.c, the only place OpenSSL headers are included.
 *
 * The Microsoft structures are modelled with OpenSSL's ASN.1 templates;
 * the PKCS#7 ones are OpenSSL's own.  The messageDigest of a catalog or
 * Authenticode signature covers the contents octets of the content (PKCS#7
 * v1.5), which is why the verification below computes digests itself
 * instead of calling PKCS7_verify.
 */
#include "config.h"

#include "sig_internal.h"

#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_SIGNATURE_SIZE = 1 << 30 };

/* ======================================================================
 * Parsing
 * ====================================================================== */

const char *mum__sig_pool_add(mum_signature *sig, char *s)
{
    if (!s)
        return NULL;
    if (!mum__grow((void **)&sig->pool, &sig->pool_cap, sig->npool + 1, sizeof *sig->pool)) {
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

static int cert_info_fill(X509 *x, mum_cert_info *c)
{
    memset(c, 0, sizeof *c);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    c->subject = mum__name_text(X509_get_subject_name(x));
    c->issuer = mum__name_text(X509_get_issuer_name(x));
    c->serial = mum__serial_text(X509_get0_serialNumber(x));
    if (X509_digest(x, EVP_sha1(), md, &n) == 1 && (c->thumbprint = mum__malloc(2 * n + 1))) {
        mum_hex_encode(md, n, c->thumbprint);
        for (char *p = c->thumbprint; *p; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
    }
    if (!c->subject || !c->issuer || !c->serial || !c->thumbprint) {
        ERR_clear_error();
        cert_info_clear(c);
        return MUM_ENOMEM;
    }
    mum__asn1_time_get(X509_get0_notBefore(x), &c->not_before);
    mum__asn1_time_get(X509_get0_notAfter(x), &c->not_after);
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
        if ((rc = cert_info_fill(ex->cert, &info->cert)) != MUM_OK)
            return rc;
    } else if (ex->si->issuer_and_serial) {
        info->cert.issuer = mum__name_text(ex->si->issuer_and_serial->issuer);
        info->cert.serial = mum__serial_text(ex->si->issuer_and_serial->serial);
        if (!info->cert.issuer || !info->cert.serial)
            return MUM_ENOMEM;
    }
    char *alg = mum__oid_text(ex->si->digest_alg ? ex->si->digest_alg->algorithm : NULL);
    if (!(info->digest_alg_oid = mum__sig_pool_add(sig, alg)))
        return MUM_ENOMEM;
    info->digest_alg = mum__hash_from_oid(info->digest_alg_oid);
    const ASN1_OBJECT *sobj = ex->si->digest_enc_alg ? ex->si->digest_enc_alg->algorithm : NULL;
    int nid = sobj ? OBJ_obj2nid(sobj) : NID_undef;
    char *salg = nid != NID_undef ? mum__strdup(OBJ_nid2sn(nid)) : mum__oid_text(sobj);
    if (!(info->signature_alg = mum__sig_pool_add(sig, salg)))
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

static void signature_free_parts(mum_signature *sig)
{
    for (size_t i = 0; i < sig->nsigners; i++) {
        cert_info_clear(&sig->signers[i].cert);
        cert_info_clear(&sig->signers[i].timestamp_signer);
        if (sig->extra) {
            PKCS7_SIGNER_INFO_free(sig->extra[i].counter);
            CMS_ContentInfo_free(sig->extra[i].token);
            sk_X509_pop_free(sig->extra[i].token_certs, X509_free);
            X509_free(sig->extra[i].ts_cert);
            TS_TST_INFO_free(sig->extra[i].tst);
            mum__free(sig->extra[i].ts_problem);
        }
    }
    for (size_t i = 0; i < sig->ncerts; i++)
        cert_info_clear(&sig->certs[i]);
    for (size_t i = 0; i < sig->npool; i++)
        mum__free(sig->pool[i]);
}

void mum_signature_free(mum_signature *sig)
{
    if (!sig)
        return;
    signature_free_parts(sig);
    mum__free(sig->signers);
    mum__free(sig->extra);
    mum__free(sig->certs);
    mum__free(sig->pool);
    mum__free(sig->content_type);
    PKCS7_free(sig->p7);
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
        ERR_clear_error();
        return mum__error(ctx, MUM_EFORMAT, &loc, "%s: the file is empty", what);
    }
    if (mum__der_problem(p, n, &off, why, sizeof why)) {
        ERR_clear_error();
        loc.offset = off;
        return mum__error(ctx, MUM_EFORMAT, &loc, "%s: %s", what, why);
    }
    loc.offset = 0;
    return mum__crypto_error(ctx, MUM_EFORMAT, &loc, "%s", what);
}

int mum_signature_parse(mum_ctx *ctx, const void *der, size_t size, const mum_location *where,
                        mum_signature **out)
{
    *out = NULL;
    ERR_clear_error();
    if (size > MAX_SIGNATURE_SIZE)
        return mum__error(ctx, MUM_ELIMIT, where, "a signature larger than 1 GiB (%zu bytes)", size);
    mum_signature *sig = mum__calloc(1, sizeof *sig);
    if (!sig)
        return mum__nomem(ctx);
    if (!(sig->der = mum__malloc(size ? size : 1))) {
        mum__free(sig);
        return mum__nomem(ctx);
    }
    if (size) /* der may be NULL then */
        memcpy(sig->der, der, size);
    sig->der_len = size;
    const unsigned char *q = sig->der;
    sig->p7 = d2i_PKCS7(NULL, &q, (long)size);
    int rc;
    if (!sig->p7) {
        rc = parse_error(ctx, where, sig->der, size, "not a PKCS#7 signature");
        goto fail;
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
    if (!(sig->content_type = mum__oid_text(content->type))) {
        rc = mum__nomem(ctx);
        goto fail;
    }
    /* The content: any type OpenSSL does not know sits in d.other as the
     * original encoding; plain data is an OCTET STRING. */
    if (PKCS7_type_is_other(content) && content->d.other) {
        ASN1_TYPE *t = content->d.other;
        if (t->type == V_ASN1_SEQUENCE || t->type == V_ASN1_SET || t->type == V_ASN1_OTHER) {
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
    int nsig = sk_PKCS7_SIGNER_INFO_num(sig->p7->d.sign->signer_info);
    int ncert = sk_X509_num(sig->p7->d.sign->cert);
    if (nsig > 0) {
        sig->signers = mum__calloc((size_t)nsig, sizeof *sig->signers);
        sig->extra = mum__calloc((size_t)nsig, sizeof *sig->extra);
        if (!sig->signers || !sig->extra) {
            rc = mum__nomem(ctx);
            goto fail;
        }
    }
    for (int i = 0; i < nsig; i++) {
        sig->nsigners = (size_t)i + 1;
        if ((rc = read_signer(sig, (size_t)i)) != MUM_OK) {
            rc = mum__nomem(ctx);
            goto fail;
        }
    }
    if (ncert > 0 && !(sig->certs = mum__calloc((size_t)ncert, sizeof *sig->certs))) {
        rc = mum__nomem(ctx);
        goto fail;
    }
    for (int i = 0; i < ncert; i++) {
        if (cert_info_fill(sk_X509_value(sig->p7->d.sign->cert, i), &sig->certs[i]) != MUM_OK) {
            rc = mum__nomem(ctx);
            goto fail;
        }
        sig->ncerts = (size_t)i + 1;
    }
    ERR_clear_error();
    *out = sig;
    return MUM_OK;
fail:
    ERR_clear_error();
    mum_signature_free(sig);
    return rc;
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

/* ======================================================================
 * Verification
 * ====================================================================== */

const char *mum_sig_status_name(mum_sig_status status)
{
    switch (status) {
    case MUM_SIG_UNSIGNED: return "unsigned";
    case MUM_SIG_INTEGRITY_FAILED: return "integrity-failed";
    case MUM_SIG_UNTRUSTED: return "signed-untrusted";
    case MUM_SIG_EXPIRED: return "expired";
    case MUM_SIG_TRUSTED: return "trusted";
    default: return "?";
    }
}

const char *mum_sig_check_name(mum_sig_check check)
{
    switch (check) {
    case MUM_SIG_CHECK_SIGNER_CERT: return "signer-certificate";
    case MUM_SIG_CHECK_ATTRIBUTES: return "attributes";
    case MUM_SIG_CHECK_CONTENT_DIGEST: return "content-digest";
    case MUM_SIG_CHECK_SIGNATURE: return "signature";
    case MUM_SIG_CHECK_FILE_DIGEST: return "file-digest";
    case MUM_SIG_CHECK_TIMESTAMP: return "timestamp";
    case MUM_SIG_CHECK_CHAIN: return "chain";
    default: return "none";
    }
}

const char *mum_sig_trust_issue_name(mum_sig_trust_issue issue)
{
    switch (issue) {
    case MUM_SIG_TRUST_NO_ANCHORS: return "no-anchors";
    case MUM_SIG_TRUST_UNKNOWN_ROOT: return "unknown-root";
    case MUM_SIG_TRUST_CHAIN: return "chain";
    case MUM_SIG_TRUST_USAGE: return "usage";
    default: return "ok";
    }
}

const char *mum_sig_time_source_name(mum_sig_time_source source)
{
    switch (source) {
    case MUM_SIG_TIME_NOW: return "now";
    case MUM_SIG_TIME_TIMESTAMP: return "timestamp";
    case MUM_SIG_TIME_GIVEN: return "given";
    default: return "none";
    }
}

const char *mum_sig_timestamp_status_name(mum_sig_timestamp_status status)
{
    switch (status) {
    case MUM_SIG_TIMESTAMP_VALID: return "valid";
    case MUM_SIG_TIMESTAMP_INVALID: return "invalid";
    default: return "absent";
    }
}

const char *mum_sig_chain_status_name(mum_sig_chain_status status)
{
    switch (status) {
    case MUM_SIG_CHAIN_INTACT: return "intact";
    case MUM_SIG_CHAIN_BROKEN: return "broken";
    default: return "unchecked";
    }
}

void mum_sig_result_clear(mum_sig_result *result)
{
    if (!result)
        return;
    mum__free(result->detail);
    mum__free(result->timestamp_note);
    memset(result, 0, sizeof *result);
}

void mum__hex_short(const unsigned char *p, size_t n, char *out, size_t out_size)
{
    /* the whole digest: it is what a user compares */
    size_t k = 0;
    for (size_t i = 0; i < n && k + 3 <= out_size; i++, k += 2)
        snprintf(out + k, out_size - k, "%02x", p[i]);
    if (out_size)
        out[k < out_size ? k : out_size - 1] = '\0';
}

static bool signature_verifies(const EVP_MD *md, EVP_PKEY *pkey, const ASN1_OCTET_STRING *sig,
                               const unsigned char *tbs, size_t n)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    bool ok = m && EVP_DigestVerifyInit(m, NULL, md, NULL, pkey) == 1 &&
              EVP_DigestVerify(m, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), tbs, n) == 1;
    EVP_MD_CTX_free(m);
    ERR_clear_error();
    return ok;
}

/*
 * The integrity of one SignerInfo over `data`: certificate present,
 * messageDigest (and contentType, when ctype is given) right, signature
 * good.  Returns the failed check (NONE when intact), why says how.
 */
mum_sig_check mum__verify_signer_info(PKCS7_SIGNER_INFO *si, X509 *cert, const char *ctype,
                                      const unsigned char *data, size_t len, char *why,
                                      size_t why_size)
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
        ERR_clear_error();
        snprintf(why, why_size, "%s", !md ? "an unsupported digest algorithm"
                                          : "the signer's public key cannot be read");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_Digest(data, len, dig, &dlen, md, NULL) != 1) {
        ERR_clear_error();
        snprintf(why, why_size, "the digest could not be computed");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    if (sk_X509_ATTRIBUTE_num(si->auth_attr) <= 0) {
        /* no authenticated attributes: the signature is over the content */
        if (!signature_verifies(md, pkey, si->enc_digest, data, len)) {
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
                 a, EVP_MD_get0_name(md), b);
        return MUM_SIG_CHECK_CONTENT_DIGEST;
    }
    unsigned char *abuf = NULL;
    int alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &abuf, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    bool ok = alen > 0 && signature_verifies(md, pkey, si->enc_digest, abuf, (size_t)alen);
    OPENSSL_free(abuf);
    ERR_clear_error();
    if (!ok) {
        snprintf(why, why_size, "the signature over the authenticated attributes does not verify "
                                "with the signer's key");
        return MUM_SIG_CHECK_SIGNATURE;
    }
    return MUM_SIG_CHECK_NONE;
}

static bool is_expiry(int err)
{
    return err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID;
}

static bool is_unknown_root(int err)
{
    return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
           err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
           err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
           err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

static STACK_OF(X509) *anchor_certs(const mum_trust *t)
{
    return mum__trust_certs(t);
}

/* One signer's verdict, built in a result. */
static int verdict(mum_sig_result *r, mum_sig_status status, mum_sig_check check,
                   mum_sig_trust_issue issue, const char *fmt, ...) MUM_PRINTF(5, 6);

static int verdict(mum_sig_result *r, mum_sig_status status, mum_sig_check check,
                   mum_sig_trust_issue issue, const char *fmt, ...)
{
    r->status = status;
    r->failed_check = check;
    r->trust_issue = issue;
    mum__free(r->detail);
    r->detail = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        r->detail = mum__vasprintf(fmt, ap);
        va_end(ap);
        if (!r->detail)
            return MUM_ENOMEM;
    }
    return MUM_OK;
}

/* The file-digest check of an Authenticode signature. */
static int check_file_digest(const mum_signature *sig, const mum_file_digest *digests, size_t n,
                             mum_sig_result *r, bool *failed)
{
    *failed = true;
    if (strcmp(sig->content_type, MUM_OID_SPC_INDIRECT_DATA) != 0 || !sig->content)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_ATTRIBUTES, MUM_SIG_TRUST_OK,
                       "the signed content is %s, not Authenticode SpcIndirectDataContent",
                       sig->content_type);
    mum__indirect ind;
    char why[128];
    int rc = mum__indirect_decode(sig->content, sig->content_len, &ind, why, sizeof why);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                       "SpcIndirectDataContent: %s", why);
    const mum_file_digest *mine = NULL;
    for (size_t i = 0; i < n && !mine; i++)
        if (digests[i].alg == ind.alg && digests[i].value)
            mine = &digests[i];
    char a[2 * MUM_HASH_MAX_SIZE + 1], b[2 * MUM_HASH_MAX_SIZE + 1];
    mum__hex_short(ind.digest, ind.digest_len, a, sizeof a);
    if (!mine) {
        rc = verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                     "the signature holds a %s digest (%s) and no digest of that kind was computed",
                     ind.alg ? mum_hash_name(ind.alg) : ind.alg_oid, a);
    } else if (memcmp(mine->value, ind.digest, ind.digest_len) != 0) {
        mum__hex_short(mine->value, ind.digest_len, b, sizeof b);
        rc = verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                     "the file's %s digest %s differs from the signed one, %s",
                     mum_hash_name(ind.alg), b, a);
    } else {
        *failed = false;
    }
    mum__indirect_clear(&ind);
    return rc;
}

/* What the integrity of the chains and of the timestamp says, told apart
 * from the other checks so that a report gives them whatever failed. */
typedef struct chain_verdicts {
    bool signer_broken;
    bool ts_broken;             /* the timestamp signer's chain */
    char signer_why[512];
    char ts_why[512];           /* why the timestamp is invalid */
} chain_verdicts;

/* Fills r's timestamp and chain fields and *cv.  MUM_ENOMEM only. */
static int assess_chains(const mum_signature *sig, size_t i, const mum_sig_verify_opts *o,
                         mum_sig_result *r, chain_verdicts *cv)
{
    const signer_extra *ex = &sig->extra[i];
    const mum_signer_info *info = &sig->signers[i];
    bool intact;
    int rc;
    cert_pool pool = {{sig->p7->d.sign->cert, ex->token_certs, anchor_certs(o->anchors)}};
    if (ex->cert) {
        if ((rc = mum__chain_intact(&pool, ex->cert, "the signer's chain", &r->chain_checked, &intact,
                               cv->signer_why, sizeof cv->signer_why)) != MUM_OK)
            return rc;
        cv->signer_broken = !intact;
        r->chain_status = intact ? MUM_SIG_CHAIN_INTACT : MUM_SIG_CHAIN_BROKEN;
    }
    if (info->timestamp == MUM_TIMESTAMP_NONE)
        return MUM_OK;
    r->has_timestamp_time = info->timestamp_time != 0;
    r->timestamp_time = info->timestamp_time;
    bool valid = mum__verify_timestamp(sig, ex, cv->ts_why, sizeof cv->ts_why);
    if (valid && ex->ts_cert) {
        if ((rc = mum__chain_intact(&pool, ex->ts_cert, "the timestamp's chain", &r->chain_checked, &intact,
                               cv->ts_why, sizeof cv->ts_why)) != MUM_OK)
            return rc;
        cv->ts_broken = !intact;
        valid = intact;
        if (!intact)
            r->chain_status = MUM_SIG_CHAIN_BROKEN;
    }
    r->timestamp_status = valid ? MUM_SIG_TIMESTAMP_VALID : MUM_SIG_TIMESTAMP_INVALID;
    if (!valid && !(r->timestamp_note = mum__asprintf("the timestamp is invalid: %s", cv->ts_why)))
        return MUM_ENOMEM;
    return MUM_OK;
}

static int verify_one(const mum_signature *sig, size_t i, const mum_sig_verify_opts *o,
                      bool authenticode, const mum_file_digest *digests, size_t n,
                      mum_sig_result *r)
{
    const signer_extra *ex = &sig->extra[i];
    const mum_signer_info *info = &sig->signers[i];
    char why[512];
    r->signer = i;
    chain_verdicts cv = {0};
    int arc = assess_chains(sig, i, o, r, &cv);
    if (arc != MUM_OK)
        return arc;
    /* 1. integrity */
    if (!sig->content || sig->content_body > sig->content_len)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_ATTRIBUTES, MUM_SIG_TRUST_OK,
                       "the SignedData carries no content to check");
    mum_sig_check check = mum__verify_signer_info(ex->si, ex->cert, sig->content_type,
                                             sig->content + sig->content_body,
                                             sig->content_len - sig->content_body, why, sizeof why);
    if (check != MUM_SIG_CHECK_NONE)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, check, MUM_SIG_TRUST_OK, "%s", why);
    if (authenticode) {
        bool failed;
        int rc = check_file_digest(sig, digests, n, r, &failed);
        if (rc != MUM_OK || failed)
            return rc;
    }
    if (cv.signer_broken)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_CHAIN, MUM_SIG_TRUST_OK, "%s", cv.signer_why);
    if (r->timestamp_status == MUM_SIG_TIMESTAMP_INVALID)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, cv.ts_broken ? MUM_SIG_CHECK_CHAIN : MUM_SIG_CHECK_TIMESTAMP,
                       MUM_SIG_TRUST_OK, "%s", cv.ts_why);

    /* 2. trust */
    if (!o->anchors || mum_trust_count(o->anchors) == 0)
        return verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_NO_ANCHORS,
                       "no trust anchors were given, so the certificate chain was not evaluated");
    if (!mum__usage_allows_code_signing(ex->cert))
        return verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_USAGE,
                       "the signer's certificate '%s' does not allow code signing",
                       info->cert.subject);
    STACK_OF(X509) *untrusted = sk_X509_dup(sig->p7->d.sign->cert);
    if (!untrusted && sig->p7->d.sign->cert)
        return MUM_ENOMEM;
    if (ex->token_certs) {
        for (int k = 0; k < sk_X509_num(ex->token_certs); k++) {
            if (!untrusted && !(untrusted = sk_X509_new_null()))
                return MUM_ENOMEM;
            if (!sk_X509_push(untrusted, sk_X509_value(ex->token_certs, k))) {
                sk_X509_free(untrusted);
                return MUM_ENOMEM;
            }
        }
    }
    int rc = MUM_OK;
    X509 *bad = NULL;
    int64_t at;
    char when[MUM_TIME_TEXT_MAX], t1[MUM_TIME_TEXT_MAX], t2[MUM_TIME_TEXT_MAX];
    if (o->has_time) {
        at = o->time;
        r->time_source = MUM_SIG_TIME_GIVEN;
    } else {
        at = (int64_t)time(NULL);
        r->time_source = MUM_SIG_TIME_NOW;
        if (info->timestamp != MUM_TIMESTAMP_NONE) {
            if (!ex->ts_cert) {
                r->timestamp_note = mum__strdup("the timestamp's signer certificate is not in the signature");
            } else {
                int terr = mum__chain_error(o->anchors, MUM_TRUST_PURPOSE_TIME_STAMPING, ex->ts_cert,
                                       untrusted, info->timestamp_time, &bad);
                if (terr == X509_V_OK) {
                    at = info->timestamp_time;
                    r->time_source = MUM_SIG_TIME_TIMESTAMP;
                } else if (terr < 0) {
                    rc = MUM_ECRYPTO;
                } else {
                    r->timestamp_note = mum__asprintf("the timestamp is not used: its signer '%s' does not verify "
                                                      "against the anchors (%s)",
                                                      info->timestamp_signer.subject,
                                                      X509_verify_cert_error_string(terr));
                }
                X509_free(bad);
                bad = NULL;
            }
            if (rc == MUM_OK && r->time_source != MUM_SIG_TIME_TIMESTAMP && !r->timestamp_note)
                rc = MUM_ENOMEM;
        }
    }
    r->evaluated_at = at;
    if (rc != MUM_OK) {
        sk_X509_free(untrusted);
        return rc;
    }
    int err = mum__chain_error(o->anchors, MUM_TRUST_PURPOSE_CODE_SIGNING, ex->cert, untrusted, at,
                          &bad);
    sk_X509_free(untrusted);
    mum_time_format(at, when);
    char *bad_name = bad ? mum__name_text(X509_get_subject_name(bad)) : NULL;
    const char *bn = bad_name ? bad_name : info->cert.subject;
    const char *src = mum_sig_time_source_name(r->time_source);
    if (err < 0) {
        rc = MUM_ECRYPTO;
    } else if (err == X509_V_OK) {
        rc = verdict(r, MUM_SIG_TRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK, NULL);
    } else if (is_expiry(err)) {
        int64_t nb = 0, na = 0;
        if (bad) {
            mum__asn1_time_get(X509_get0_notBefore(bad), &nb);
            mum__asn1_time_get(X509_get0_notAfter(bad), &na);
        }
        mum_time_format(nb, t1);
        mum_time_format(na, t2);
        rc = verdict(r, MUM_SIG_EXPIRED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK,
                     "certificate '%s' is valid from %s to %s, not at %s (%s)", bn, t1, t2, when, src);
    } else if (is_unknown_root(err)) {
        rc = verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_UNKNOWN_ROOT,
                     "the chain of '%s' does not lead to a trust anchor: %s", info->cert.subject,
                     X509_verify_cert_error_string(err));
    } else {
        rc = verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_CHAIN,
                     "the chain of '%s' is invalid at certificate '%s': %s", info->cert.subject, bn,
                     X509_verify_cert_error_string(err));
    }
    mum__free(bad_name);
    X509_free(bad);
    return rc;
}

/* Lower is weaker. */
static int status_rank(mum_sig_status s)
{
    switch (s) {
    case MUM_SIG_UNSIGNED: return 0;
    case MUM_SIG_INTEGRITY_FAILED: return 1;
    case MUM_SIG_EXPIRED: return 2;
    case MUM_SIG_UNTRUSTED: return 3;
    default: return 4;
    }
}

static int verify_common(mum_ctx *ctx, const mum_signature *sig, const mum_sig_verify_opts *opts,
                         bool authenticode, const mum_file_digest *digests, size_t n,
                         mum_sig_result *out)
{
    static const mum_sig_verify_opts defaults = MUM_SIG_VERIFY_OPTS_INIT;
    memset(out, 0, sizeof *out);
    if (!opts)
        opts = &defaults;
    if (!sig || opts->version != MUM_SIG_VERIFY_OPTS_VERSION || (n > 0 && !digests))
        return mum__error(ctx, MUM_EINVAL, NULL, "signature verification: invalid arguments");
    ERR_clear_error();
    if (sig->nsigners == 0) {
        if (verdict(out, MUM_SIG_UNSIGNED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK,
                    "the SignedData has no signer: the content is not signed") != MUM_OK)
            return mum__nomem(ctx);
        return MUM_OK;
    }
    for (size_t i = 0; i < sig->nsigners; i++) {
        mum_sig_result r = {0};
        int rc = verify_one(sig, i, opts, authenticode, digests, n, &r);
        if (rc != MUM_OK) {
            mum_sig_result_clear(&r);
            mum_sig_result_clear(out);
            ERR_clear_error();
            if (rc == MUM_ENOMEM)
                return mum__nomem(ctx);
            return mum__error(ctx, rc, NULL, "signature verification: the crypto library failed");
        }
        if (i == 0 || status_rank(r.status) < status_rank(out->status)) {
            mum_sig_result_clear(out);
            *out = r;
        } else {
            mum_sig_result_clear(&r);
        }
    }
    return MUM_OK;
}

int mum_signature_verify(mum_ctx *ctx, const mum_signature *sig, const mum_sig_verify_opts *opts,
                         mum_sig_result *out)
{
    return verify_common(ctx, sig, opts, false, NULL, 0, out);
}

int mum_authenticode_verify(mum_ctx *ctx, const mum_signature *sig, const mum_file_digest *digests,
                            size_t n, const mum_sig_verify_opts *opts, mum_sig_result *out)
{
    return verify_common(ctx, sig, opts, true, digests, n, out);
}

int mum_sig_result_findings(const mum_sig_result *r, const mum_signature *sig, mum_findings *list,
                            const mum_location *loc)
{
    const char *detail = r->detail ? r->detail : "";
    const mum_signer_info *si = sig ? mum_signature_signer(sig, r->signer) : NULL;
    const char *who = si && si->cert.subject ? si->cert.subject : "the signer";
    mum_rule_id rule;
    switch (r->status) {
    case MUM_SIG_TRUSTED:
        return MUM_OK;
    case MUM_SIG_UNSIGNED:
        return mum__finding(list, MUM_R_SIGNATURE_UNSIGNED, loc, "not signed: %s", detail);
    case MUM_SIG_EXPIRED:
        return mum__finding(list, MUM_R_SIGNATURE_EXPIRED, loc, "%s", detail);
    case MUM_SIG_UNTRUSTED:
        switch (r->trust_issue) {
        case MUM_SIG_TRUST_NO_ANCHORS: rule = MUM_R_SIGNATURE_NO_ANCHORS; break;
        case MUM_SIG_TRUST_USAGE: rule = MUM_R_SIGNATURE_WRONG_USAGE; break;
        case MUM_SIG_TRUST_CHAIN: rule = MUM_R_SIGNATURE_CHAIN; break;
        default: rule = MUM_R_SIGNATURE_UNTRUSTED_ROOT; break;
        }
        if (rule == MUM_R_SIGNATURE_NO_ANCHORS)
            return mum__finding(list, rule, loc, "signed by '%s', integrity verified; %s", who, detail);
        return mum__finding(list, rule, loc, "%s", detail);
    case MUM_SIG_INTEGRITY_FAILED:
    default:
        switch (r->failed_check) {
        case MUM_SIG_CHECK_SIGNER_CERT: rule = MUM_R_SIGNATURE_NO_SIGNER_CERT; break;
        case MUM_SIG_CHECK_ATTRIBUTES: rule = MUM_R_SIGNATURE_ATTRIBUTES; break;
        case MUM_SIG_CHECK_CONTENT_DIGEST: rule = MUM_R_SIGNATURE_CONTENT_DIGEST; break;
        case MUM_SIG_CHECK_FILE_DIGEST: rule = MUM_R_SIGNATURE_FILE_DIGEST; break;
        case MUM_SIG_CHECK_TIMESTAMP: rule = MUM_R_SIGNATURE_TIMESTAMP; break;
        case MUM_SIG_CHECK_CHAIN: rule = MUM_R_SIGNATURE_CHAIN_BROKEN; break;
        default: rule = MUM_R_SIGNATURE_BAD_SIGNATURE; break;
        }
        int rc = mum__finding(list, rule, loc, "integrity check '%s' failed: %s",
                              mum_sig_check_name(r->failed_check), detail);
        /* an invalid timestamp is a failure of its own, also beside another */
        if (rc == MUM_OK && r->timestamp_status == MUM_SIG_TIMESTAMP_INVALID &&
            r->failed_check != MUM_SIG_CHECK_TIMESTAMP && r->timestamp_note)
            rc = mum__finding(list, MUM_R_SIGNATURE_TIMESTAMP, loc, "%s", r->timestamp_note);
        return rc;
    }
}
