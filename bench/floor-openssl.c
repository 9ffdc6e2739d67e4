/*
 * floor-openssl: what any program pays to check one signed package with
 * OpenSSL 3, and nothing else (issue 23's start-up target, bench/verify.sh).
 *
 *   floor-openssl 0                 start OpenSSL, then exit
 *   floor-openssl 1 CA.pem SIGNER.pem
 *       also: read the CA from PEM (OpenSSL reads its configuration on the
 *       way), decode the signer's certificate, decode both certificates'
 *       extensions (X509_check_purpose), check the signer's signature with
 *       the CA's key and the CA's own, and one SHA-256
 *
 * That is the least a verify of the smallest signed package does with
 * OpenSSL: two distinct certificates, a chain of one link, a digest.  The
 * difference between the two levels is OpenSSL's one-time start-up (its
 * configuration, the name tables, the provider's method stores, the first
 * public-key decoder), the part of `mumtool verify`'s time beyond
 * `mumtool --version` that no change to libmum can take away.  Exit
 * status 0 when every step succeeded.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static X509 *read_pem(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (!x)
        fprintf(stderr, "floor-openssl: %s: not a PEM certificate\n", path);
    return x;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "0") != 0 && (strcmp(argv[1], "1") != 0 || argc != 4))) {
        fprintf(stderr, "usage: floor-openssl 0 | floor-openssl 1 CA.pem SIGNER.pem\n");
        return 2;
    }
    /* as mumtool does (mum_global_init): no clean-up at exit */
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL) != 1)
        return 1;
    if (strcmp(argv[1], "0") == 0)
        return 0;
    X509 *ca = read_pem(argv[2]), *signer = ca ? read_pem(argv[3]) : NULL;
    if (!signer)
        return 1;
    (void)X509_check_purpose(ca, -1, 0);
    (void)X509_check_purpose(signer, -1, 0);
    EVP_PKEY *key = X509_get0_pubkey(ca);
    int ok = key && X509_verify(signer, key) == 1 && X509_verify(ca, key) == 1;
    unsigned char md[EVP_MAX_MD_SIZE];
    ok = ok && EVP_Digest(argv[3], strlen(argv[3]), md, NULL, EVP_sha256(), NULL) == 1;
    if (!ok)
        fprintf(stderr, "floor-openssl: %s does not verify with %s\n", argv[3], argv[2]);
    return ok ? 0 : 1;
}
