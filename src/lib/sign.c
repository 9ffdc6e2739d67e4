/*
 * sign.c - making PKCS#7 SignedData: a signer loaded from PEM files, and
 * content wrapped (signed or not) as Windows writes catalogs.
 */
#include "config.h"

#include "digest.h"
#include "sig_internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <limits.h>
#include <string.h>
#include <time.h>

struct mum_signer {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;
};

void mum_signer_free(mum_signer *signer)
{
    if (!signer)
        return;
    EVP_PKEY_free(signer->key);
    X509_free(signer->cert);
    sk_X509_pop_free(signer->chain, X509_free);
    mum__free(signer);
}

int mum_signer_load(mum_signer **out, mum_ctx *ctx, const char *key_path, const char *cert_path,
                    const char *chain_path)
{
    *out = NULL;
    mum_signer *s = mum__calloc(1, sizeof *s);
    if (!s)
        return mum__nomem(ctx);
    uint8_t *data = NULL;
    size_t size = 0;
    BIO *b = NULL;
    int rc = mum__slurp(ctx, key_path, &data, &size);
    if (rc != MUM_OK)
        goto done;
    if (!(b = BIO_new_mem_buf(data, (int)size))) {
        rc = mum__nomem(ctx);
        goto done;
    }
    s->key = PEM_read_bio_PrivateKey(b, NULL, mum__no_password, NULL);
    if (!s->key) {
        rc = mum__crypto_error(ctx, MUM_EFORMAT, NULL,
                               "%s: no unencrypted PEM private key in it", key_path);
        goto done;
    }
    BIO_free(b);
    b = NULL;
    mum__free(data);
    data = NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    size_t added = 0;
    if (!certs) {
        rc = mum__nomem(ctx);
        goto done;
    }
    if ((rc = mum__slurp(ctx, cert_path, &data, &size)) == MUM_OK)
        rc = mum__pem_certs(ctx, data, size, cert_path, certs, &added);
    if (rc == MUM_OK) {
        s->cert = sk_X509_shift(certs);
        s->chain = certs; /* further certificates in the same file join the chain */
        certs = NULL;
    }
    sk_X509_pop_free(certs, X509_free);
    if (rc != MUM_OK)
        goto done;
    if (X509_check_private_key(s->cert, s->key) != 1) {
        rc = mum__crypto_error(ctx, MUM_EFORMAT, NULL, "%s: the key does not match the certificate %s",
                               key_path, cert_path);
        goto done;
    }
    if (chain_path) {
        mum__free(data);
        data = NULL;
        if ((rc = mum__slurp(ctx, chain_path, &data, &size)) == MUM_OK)
            rc = mum__pem_certs(ctx, data, size, chain_path, s->chain, &added);
    }
done:
    BIO_free(b);
    mum__free(data);
    ERR_clear_error();
    if (rc != MUM_OK) {
        mum_signer_free(s);
        return rc;
    }
    *out = s;
    return MUM_OK;
}

int mum__pkcs7_build(mum_ctx *ctx, const char *content_oid, const uint8_t *content,
                     size_t content_len, const mum_signer *signer, const mum_sign_options *opts,
                     uint8_t **out, size_t *out_len)
{
    static const mum_sign_options defaults = MUM_SIGN_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    mum_hash_alg alg = opts->digest_alg == MUM_HASH_NONE ? MUM_HASH_SHA256 : opts->digest_alg;
    const EVP_MD *md = mum__evp_md(alg);
    size_t body = mum__der_header_len(content, content_len);
    if (opts->version != MUM_SIGN_OPTIONS_VERSION || !md || body == 0 || content_len > INT_MAX ||
        (opts->program_name && !mum__utf8_valid(opts->program_name, strlen(opts->program_name))))
        return mum__error(ctx, MUM_EINVAL, NULL, "signing: invalid arguments");
    ERR_clear_error();
    int rc = MUM_ECRYPTO;
    PKCS7 *p7 = PKCS7_new();
    PKCS7 *inner = PKCS7_new();
    if (!p7 || !inner || PKCS7_set_type(p7, NID_pkcs7_signed) != 1)
        goto done;
    const unsigned char *q = content;
    inner->type = OBJ_txt2obj(content_oid, 1);
    inner->d.other = d2i_ASN1_TYPE(NULL, &q, (long)content_len);
    if (!inner->type || !inner->d.other || PKCS7_set_content(p7, inner) != 1)
        goto done;
    inner = NULL;
    if (signer) {
        PKCS7_SIGNER_INFO *si = PKCS7_add_signature(p7, signer->cert, signer->key, md);
        if (!si || PKCS7_add_certificate(p7, signer->cert) != 1)
            goto done;
        for (int i = 0; i < sk_X509_num(signer->chain); i++)
            if (PKCS7_add_certificate(p7, sk_X509_value(signer->chain, i)) != 1)
                goto done;
        uint8_t dig[MUM_HASH_MAX_SIZE];
        size_t dlen = 0;
        ASN1_OBJECT *ct = OBJ_txt2obj(content_oid, 1);
        if (!ct || PKCS7_add_signed_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT, ct) != 1) {
            ASN1_OBJECT_free(ct);
            goto done;
        }
        if (!mum__add_statement_type(si) || !mum__add_opus(si, opts) ||
            mum__digest_evp(md, content + body, content_len - body, dig, &dlen) != MUM_OK ||
            PKCS7_add1_attrib_digest(si, dig, (int)dlen) != 1)
            goto done;
        if (opts->has_signing_time) {
            ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)opts->signing_time);
            if (!t || PKCS7_add0_attrib_signing_time(si, t) != 1) {
                ASN1_TIME_free(t);
                goto done;
            }
        }
        if (PKCS7_SIGNER_INFO_sign(si) != 1)
            goto done;
    }
    unsigned char *buf = NULL;
    int n = i2d_PKCS7(p7, &buf);
    rc = mum__take_der(buf, n, out, out_len);
    if (rc == MUM_ENOMEM)
        rc = mum__nomem(ctx);
done:
    if (rc == MUM_ECRYPTO)
        rc = mum__crypto_error(ctx, MUM_ECRYPTO, NULL, "signing failed");
    ERR_clear_error();
    PKCS7_free(inner);
    PKCS7_free(p7);
    return rc;
}
