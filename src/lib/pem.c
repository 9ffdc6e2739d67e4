/*
 * pem.c - PEM certificate files and small whole files, read for the trust
 * anchors (trust.c) and for signing keys and certificates (sign.c).
 */
#include "config.h"

#include "sig_internal.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Never prompt for a pass phrase: an encrypted key is an error. */
int mum__no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/*
 * PEM_read_bio_X509, with the certificate parsed through the ring of
 * certificates parsed before (signeddata.c): parsing one costs OpenSSL 3.0
 * a decoder set up for its public key, and the CA certificate a package is
 * checked against with --trust is the one its signatures carry.  What
 * OpenSSL's PEM_ASN1_read_bio does around d2i_X509, errors included.
 */
static X509 *read_cert(BIO *b)
{
    unsigned char *der = NULL;
    long len = 0;
    if (!PEM_bytes_read_bio(&der, &len, NULL, PEM_STRING_X509, b, mum__no_password, NULL))
        return NULL;
    X509 *x = mum__cert_shared(der, (size_t)len);
    if (!x)
        ERR_raise(ERR_LIB_PEM, ERR_R_ASN1_LIB);
    OPENSSL_free(der);
    return x;
}

/* Reads every CERTIFICATE block of a PEM buffer and appends them to certs
 * (all or none). */
static int read_pem_certs(mum_ctx *ctx, const void *pem, size_t size, const char *name,
                          STACK_OF(X509) *certs, size_t *added)
{
    *added = 0;
    if (size > (size_t)INT_MAX)
        return mum__error(ctx, MUM_ELIMIT, NULL, "%s: too large", name);
    /* OpenSSL takes no NULL buffer, even of no bytes */
    BIO *b = BIO_new_mem_buf(size ? pem : "", (int)size);
    STACK_OF(X509) *got = sk_X509_new_null();
    int rc = MUM_OK;
    if (!b || !got) {
        rc = mum__nomem(ctx);
        goto done;
    }
    while (true) {
        X509 *x = read_cert(b);
        if (!x) {
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
                ERR_clear_error(); /* the end of the file */
            else if (e)
                rc = mum__crypto_error(ctx, MUM_EFORMAT, NULL, "%s: a damaged certificate", name);
            break;
        }
        if (!sk_X509_push(got, x)) {
            X509_free(x);
            rc = mum__nomem(ctx);
            goto done;
        }
    }
    if (rc == MUM_OK && sk_X509_num(got) == 0)
        rc = mum__error(ctx, MUM_EFORMAT, NULL, "%s: no PEM certificate in it", name);
    while (rc == MUM_OK && sk_X509_num(got) > 0) {
        X509 *x = sk_X509_shift(got);
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            rc = mum__nomem(ctx);
        } else {
            (*added)++;
        }
    }
done:
    sk_X509_pop_free(got, X509_free);
    BIO_free(b);
    return rc;
}

/* Reads a whole (small) file with the library's allocator. */
static int slurp(mum_ctx *ctx, const char *path, uint8_t **data, size_t *size)
{
    enum { MAX_PEM = 64 << 20 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return mum__error(ctx, MUM_EIO, NULL, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = MUM_OK;
    while (true) {
        if (!mum__grow((void **)&buf, &cap, n + 4096, 1)) {
            rc = mum__nomem(ctx);
            break;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = mum__error(ctx, MUM_EIO, NULL, "%s: read error", path);
            break;
        }
        if (n > MAX_PEM) {
            rc = mum__error(ctx, MUM_ELIMIT, NULL, "%s: larger than %d bytes", path, MAX_PEM);
            break;
        }
    }
    fclose(f);
    if (rc != MUM_OK) {
        mum__free(buf);
        return rc;
    }
    *data = buf;
    *size = n;
    return MUM_OK;
}

/* What trust.c reads anchors with. */
int mum__pem_certs(mum_ctx *ctx, const void *pem, size_t size, const char *name,
                   struct stack_st_X509 *certs, size_t *added)
{
    return read_pem_certs(ctx, pem, size, name, certs, added);
}

int mum__slurp(mum_ctx *ctx, const char *path, uint8_t **data, size_t *size)
{
    return slurp(ctx, path, data, size);
}
