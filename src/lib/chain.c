/*
 * chain.c - certificate chains: each certificate's signature against its
 * issuer's key (integrity, with or without anchors), the key usage a code
 * signer needs, and the chain evaluated at a time against the trust
 * anchors of one purpose.
 */
#include "config.h"

#include "digest.h"
#include "sig_internal.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define OID_EKU_CODE_SIGNING "1.3.6.1.5.5.7.3.3"
#define OID_EKU_ANY "2.5.29.37.0"
#define OID_EKU_MS_SYSTEM_COMPONENT "1.3.6.1.4.1.311.10.3.6"

/* Whether the certificate may sign code (when it restricts its usage). */
bool mum__usage_allows_code_signing(X509 *cert)
{
    /* OpenSSL's cached reading of the extension (X509v3 flags, made when
     * the certificate entered the ring) answers the two common cases
     * without decoding it again (3.6 K instructions a signer), once they
     * are all made (SET) and none failed (INVALID, which a present but
     * unreadable or repeated extension sets): absent (no XKUSAGE), or
     * naming code signing (XKU_CODE_SIGN only comes from that OID).  The
     * rest (Microsoft's OID, anyExtendedKeyUsage, unreadable, ...) is
     * decided below as ever.  Making the flags of a certificate OpenSSL
     * finds invalid queues an error: not ours to leave behind. */
    uint32_t flags = X509_get_extension_flags(cert);
    if (flags & EXFLAG_INVALID)
        mum__crypto_clear();
    if ((flags & EXFLAG_SET) && !(flags & EXFLAG_INVALID) &&
        (!(flags & EXFLAG_XKUSAGE) || (X509_get_extended_key_usage(cert) & XKU_CODE_SIGN)))
        return true;
    int crit = 0;
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, NULL);
    if (!eku) {
        mum__crypto_clear();
        return crit == -1; /* absent: no restriction; present but unreadable: no */
    }
    bool ok = false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !ok; i++) {
        const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
        ok = mum__oid_is(o, OID_EKU_CODE_SIGNING) || mum__oid_is(o, OID_EKU_ANY) ||
             mum__oid_is(o, OID_EKU_MS_SYSTEM_COMPONENT);
    }
    EXTENDED_KEY_USAGE_free(eku);
    return ok;
}

/*
 * X509_verify_cert's last step (OpenSSL 3.0's internal_verify) checks each
 * certificate's signature with its issuer's key, then each one's dates.
 * The integrity walk has checked those signatures already (and
 * mum__cert_signed_by keeps good ones for the process), so the RSA
 * verification was done twice for every chain, a fifth of a further small
 * package's cost.  This replacement takes the case where every check
 * passes, with the same checks in the same order: a self-signed top (the
 * chain's anchor, whose own signature OpenSSL does not check by default),
 * every issuer's key usage allowing it to sign the certificate below
 * (RFC 5280 as OpenSSL applies it), every signature good
 * (mum__cert_signed_by, which runs X509_verify when it has no result),
 * every certificate valid at the verification time; then it signals
 * success at each depth as internal_verify does.  Anything else (a
 * failure, an anchor that is not self-signed, flags it does not follow)
 * goes to OpenSSL's own function, kept in the store context's ex-data
 * slot below, so every error is found and reported by OpenSSL as before.
 */
static int chain_ex_index = -1;
static pthread_once_t chain_ex_once = PTHREAD_ONCE_INIT;

static void chain_ex_init(void)
{
    chain_ex_index = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* OpenSSL's ku_reject: a key usage extension present without this usage. */
static bool usage_rejects(X509 *x, uint32_t usage)
{
    return (X509_get_extension_flags(x) & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & usage);
}

/* Whether every check internal_verify makes passes (see above). */
static bool chain_all_good(X509_STORE_CTX *c)
{
    X509_VERIFY_PARAM *pm = X509_STORE_CTX_get0_param(c);
    unsigned long flags = X509_VERIFY_PARAM_get_flags(pm);
    if (!(flags & X509_V_FLAG_USE_CHECK_TIME) || (flags & X509_V_FLAG_CHECK_SS_SIGNATURE))
        return false;
    time_t t = X509_VERIFY_PARAM_get_time(pm);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(c);
    int n = sk_X509_num(chain) - 1;
    if (n < 0)
        return false;
    for (int i = n; i >= 0; i--) {
        X509 *xs = sk_X509_value(chain, i);
        uint32_t xf = X509_get_extension_flags(xs);
        if (xf & EXFLAG_INVALID)
            return false;
        if (i == n) {
            if (!(xf & EXFLAG_SS))
                return false;
        } else {
            X509 *xi = sk_X509_value(chain, i + 1);
            bool allowed = (xf & EXFLAG_PROXY) ? !usage_rejects(xi, KU_DIGITAL_SIGNATURE)
                                               : !usage_rejects(xi, KU_KEY_CERT_SIGN);
            if (!allowed || !X509_get0_pubkey(xi) || !mum__cert_signed_by(xs, xi))
                return false;
        }
        if (X509_cmp_time(X509_get0_notBefore(xs), &t) >= 0 || X509_cmp_time(X509_get0_notAfter(xs), &t) <= 0)
            return false;
    }
    return true;
}

static int chain_verify(X509_STORE_CTX *c)
{
    X509_STORE_CTX_verify_fn openssl_verify = X509_STORE_CTX_get_ex_data(c, chain_ex_index);
    if (!chain_all_good(c))
        return openssl_verify(c);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(c);
    X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(c);
    for (int n = sk_X509_num(chain) - 1; n >= 0; n--) {
        X509_STORE_CTX_set_current_cert(c, sk_X509_value(chain, n));
        X509_STORE_CTX_set_error_depth(c, n);
        if (cb && !cb(1, c))
            return 0;
    }
    return 1;
}

/*
 * Chains found good in this process.  Every package of a call is signed
 * by the same signer under the same intermediates, so X509_verify_cert
 * built and judged the same chain three times a package (its cabinet and
 * two catalogs), a tenth of a further small package's instructions with
 * its store set up.  Its verdict depends on the leaf, the untrusted
 * certificates in their order, the anchors with their purposes (the
 * trust's serial: a new one at each change), the purpose asked, the
 * verification time to the second and the flags (always
 * X509_V_FLAG_PARTIAL_CHAIN here; CHAIN_VERDICT_VERSION names that
 * set-up): the key is all of them, the certificates by the SHA-256 of
 * their DER (mum__cert_key), kept as they are (hashing them again cost a
 * small package 7 K instructions a chain).  Only X509_V_OK is kept, so an
 * error is found and reported by OpenSSL as before, with its certificate.
 */
#define CHAIN_VERDICT_VERSION 1
static mum__pass_ring verdicts = MUM__PASS_RING_INIT(32);

/* The verdict's key (see above), *size bytes of in; false when a
 * certificate's cannot be had, or the chain offers more certificates than
 * a key covers. */
enum { VERDICT_CERTS_MAX = 16 };
static bool verdict_key(const mum_trust *anchors, unsigned purpose, X509 *leaf, STACK_OF(X509) *untrusted,
                        int64_t t, uint8_t in[32 + 32 * (1 + VERDICT_CERTS_MAX)], size_t *size)
{
    int n = untrusted ? sk_X509_num(untrusted) : 0;
    if (n < 0 || n > VERDICT_CERTS_MAX)
        return false;
    memset(in, 0, 32);
    mum__put_le64(in, CHAIN_VERDICT_VERSION);
    mum__put_le64(in + 8, mum__trust_serial(anchors));
    mum__put_le32(in + 16, purpose);
    mum__put_le64(in + 20, (uint64_t)t);
    mum__put_le32(in + 28, (uint32_t)n);
    if (!mum__cert_key(leaf, in + 32))
        return false;
    for (int i = 0; i < n; i++)
        if (!mum__cert_key(sk_X509_value(untrusted, i), in + 64 + 32 * (size_t)i))
            return false;
    *size = 64 + 32 * (size_t)n;
    return true;
}

unsigned long mum__chain_verdict_hits(void)
{
    return mum__pass_ring_hits(&verdicts);
}

/* X509_verify_cert at time t, against the anchors allowed for purpose
 * (MUM_TRUST_PURPOSE_*).  Returns the OpenSSL verify error (X509_V_OK
 * when the chain is good) and, on error, the certificate concerned; -1 when
 * the crypto library failed. */
int mum__chain_error(const mum_trust *anchors, unsigned purpose, X509 *leaf,
                     STACK_OF(X509) *untrusted, int64_t t, X509 **bad)
{
    uint8_t key[32 + 32 * (1 + VERDICT_CERTS_MAX)];
    mum__key_part part = {key, 0};
    bool keyed = verdict_key(anchors, purpose, leaf, untrusted, t, key, &part.n);
    *bad = NULL;
    if (keyed && mum__pass_ring_has(&verdicts, &part, 1))
        return X509_V_OK;
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *c = X509_STORE_CTX_new();
    int err = -1;
    if (!store || !c)
        goto done;
    /* Only the anchors that may anchor this purpose: a time-stamping root
     * never anchors a code signature, nor a code-signing root a timestamp. */
    if (mum__trust_fill_store(anchors, store, purpose, leaf, untrusted) != 0)
        goto done;
    if (X509_STORE_CTX_init(c, store, leaf, untrusted) != 1)
        goto done;
    X509_VERIFY_PARAM *pm = X509_STORE_CTX_get0_param(c);
    X509_VERIFY_PARAM_set_flags(pm, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_time(pm, (time_t)t);
    pthread_once(&chain_ex_once, chain_ex_init);
    X509_STORE_CTX_verify_fn openssl_verify = X509_STORE_CTX_get_verify(c);
    if (chain_ex_index >= 0 && openssl_verify &&
        X509_STORE_CTX_set_ex_data(c, chain_ex_index, (void *)openssl_verify) == 1)
        X509_STORE_CTX_set_verify(c, chain_verify);
    if (X509_verify_cert(c) == 1) {
        err = X509_V_OK;
        if (keyed)
            mum__pass_ring_add(&verdicts, &part, 1);
    } else {
        err = X509_STORE_CTX_get_error(c);
        *bad = X509_STORE_CTX_get_current_cert(c);
        if (*bad)
            X509_up_ref(*bad);
    }
done:
    X509_STORE_CTX_free(c);
    X509_STORE_free(store);
    mum__crypto_clear();
    return err;
}

/* ---- chain integrity ----
 *
 * Apart from trust: a certificate whose issuer's certificate is at hand
 * must verify with that issuer's key, with or without anchors.  OpenSSL
 * checks certificate signatures only while building a chain to an anchor,
 * so without anchors a damaged certificate went unseen; Windows reports it
 * as TRUST_E_CERT_SIGNATURE whatever the root.  The walk goes up from the
 * certificate by issuer (name and key identifier, X509_check_issued), to
 * the first certificate whose issuer is not at hand or that issues itself
 * (a self-issued root's own signature says nothing about who issued it and
 * is not checked, as OpenSSL does not by default), at most CHAIN_MAX_DEPTH
 * certificates up.
 */
#define CHAIN_MAX_DEPTH 16

/*
 * Certificate signatures already checked in this process.  The same
 * Microsoft intermediates sign every package's catalog and cabinet, so a
 * call over many packages checked the same RSA signature of the same
 * certificate by the same issuer thousands of times.  Whether x's
 * signature verifies with issuer's key depends on their bytes alone (not
 * on time, purpose or anchors), so a good result is kept, keyed by the
 * SHA-256 of x's DER and that of the issuer's; a failure is not kept (it
 * is checked again, and reported as before).  A small ring, shared by the
 * threads of a verify under a lock.
 */
static mum__pass_ring sigcache = MUM__PASS_RING_INIT(64);

/*
 * The keys of certificates that are not in signeddata.c's ring (the trust
 * anchors above all, which every genuine chain reaches): encoding and
 * hashing one again at each use cost more than the look-ups it serves.
 * Found by the X509 object itself, which is safe only while the object
 * cannot be freed and another made at its address: each one here is held
 * by a reference of the ring's.  A certificate is not changed once parsed
 * (its DER is what it was decoded from).  Shared by the threads under a
 * lock; a failure only misses the ring.
 */
#define KEYRING_SIZE 16
static struct {
    X509 *certs[KEYRING_SIZE];
    uint8_t keys[KEYRING_SIZE][32];
    size_t n, next;
    pthread_mutex_t lock;
} keyring = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool keyring_get(X509 *x, uint8_t key[32])
{
    bool found = false;
    pthread_mutex_lock(&keyring.lock);
    for (size_t i = 0; i < keyring.n && !found; i++)
        if (keyring.certs[i] == x) {
            memcpy(key, keyring.keys[i], 32);
            found = true;
        }
    pthread_mutex_unlock(&keyring.lock);
    return found;
}

static void keyring_put(X509 *x, const uint8_t key[32])
{
    if (X509_up_ref(x) != 1)
        return;
    pthread_mutex_lock(&keyring.lock);
    X509 *old = keyring.n == KEYRING_SIZE ? keyring.certs[keyring.next] : NULL;
    keyring.certs[keyring.next] = x;
    memcpy(keyring.keys[keyring.next], key, 32);
    keyring.next = (keyring.next + 1) % KEYRING_SIZE;
    if (keyring.n < KEYRING_SIZE)
        keyring.n++;
    pthread_mutex_unlock(&keyring.lock);
    X509_free(old);
}

/* No allocation of the library's: a failure here only misses a cache. */
bool mum__cert_key(X509 *x, uint8_t key[32])
{
    /* a certificate of a parsed signature has its key already */
    if (mum__cert_ring_key(x, key) || keyring_get(x, key))
        return true;
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    bool ok = n > 0 && mum__digest_buffer(MUM_HASH_SHA256, der, (size_t)n, key) == MUM_OK;
    OPENSSL_free(der);
    if (ok)
        keyring_put(x, key);
    return ok;
}

/* The cache key of (x, issuer): the key of each.  false on failure. */
static bool sigcache_key(X509 *x, X509 *issuer, uint8_t key[64])
{
    return mum__cert_key(x, key) && mum__cert_key(issuer, key + 32);
}

bool mum__cert_signed_by(X509 *x, X509 *issuer)
{
    uint8_t key[64];
    bool keyed = sigcache_key(x, issuer, key);
    const mum__key_part part = {key, sizeof key};
    if (keyed && mum__pass_ring_has(&sigcache, &part, 1))
        return true;
    EVP_PKEY *pk = X509_get0_pubkey(issuer);
    bool ok = pk && X509_verify(x, pk) == 1;
    mum__crypto_clear();
    if (ok && keyed)
        mum__pass_ring_add(&sigcache, &part, 1);
    return ok;
}

unsigned long mum__cert_signed_by_hits(void)
{
    return mum__pass_ring_hits(&sigcache);
}

static size_t key_parts_size(const mum__key_part *parts, size_t nparts)
{
    size_t n = 0;
    for (size_t i = 0; i < nparts; i++)
        n += parts[i].n;
    return n;
}

static bool key_parts_equal(const uint8_t *key, const mum__key_part *parts, size_t nparts)
{
    for (size_t i = 0; i < nparts; key += parts[i].n, i++)
        if (parts[i].n && memcmp(key, parts[i].p, parts[i].n) != 0)
            return false;
    return true;
}

bool mum__pass_ring_has(mum__pass_ring *r, const mum__key_part *parts, size_t nparts)
{
    size_t size = key_parts_size(parts, nparts);
    bool found = false;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->n && !found; i++)
        found = r->key_size[i] == size && key_parts_equal(r->keys[i], parts, nparts);
    r->hits += found;
    pthread_mutex_unlock(&r->lock);
    return found;
}

void mum__pass_ring_add(mum__pass_ring *r, const mum__key_part *parts, size_t nparts)
{
    size_t size = key_parts_size(parts, nparts);
    uint8_t *copy = OPENSSL_malloc(size ? size : 1);
    if (!copy)
        return;
    uint8_t *w = copy;
    for (size_t i = 0; i < nparts; w += parts[i].n, i++)
        if (parts[i].n)
            memcpy(w, parts[i].p, parts[i].n);
    pthread_mutex_lock(&r->lock);
    uint8_t *old = r->keys[r->next];
    r->keys[r->next] = copy;
    r->key_size[r->next] = size;
    r->next = (r->next + 1) % r->cap;
    if (r->n < r->cap)
        r->n++;
    pthread_mutex_unlock(&r->lock);
    OPENSSL_free(old);
}

unsigned long mum__pass_ring_hits(mum__pass_ring *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned long h = r->hits;
    pthread_mutex_unlock(&r->lock);
    return h;
}

/*
 * Issuers found in this process.  X509_check_issued compares the names,
 * then the key identifiers, then whether the issuer's key type can make
 * the subject's signature algorithm (EVP_PKEY_is_a: name look-ups in
 * OpenSSL 3.0), about 5 K instructions for each issuer and each
 * self-issued root at each of a package's three chain walks.  Its result
 * depends on the two certificates alone, so a good one is kept, keyed by
 * the SHA-256 of the subject's DER and that of the issuer's (the same
 * certificate twice for a self-issued one); any other result is found
 * again.  A pair whose names differ is told apart by its names at once, as
 * X509_check_issued does first, without its keys.
 */
static mum__pass_ring issued = MUM__PASS_RING_INIT(64);
static unsigned long issued_checks; /* X509_check_issued calls that found an issuer (tests) */

/* X509_check_issued(issuer, x) == X509_V_OK, from the ring when kept. */
static bool check_issued(X509 *issuer, X509 *x)
{
    if (X509_NAME_cmp(X509_get_subject_name(issuer), X509_get_issuer_name(x)) != 0)
        return false;
    uint8_t key[64];
    const mum__key_part part = {key, sizeof key};
    bool keyed = mum__cert_key(x, key) && mum__cert_key(issuer, key + 32);
    if (keyed && mum__pass_ring_has(&issued, &part, 1))
        return true;
    bool ok = X509_check_issued(issuer, x) == X509_V_OK;
    if (ok) {
        pthread_mutex_lock(&issued.lock);
        issued_checks++;
        pthread_mutex_unlock(&issued.lock);
        if (keyed)
            mum__pass_ring_add(&issued, &part, 1);
    }
    return ok;
}

unsigned long mum__issued_hits(void)
{
    return mum__pass_ring_hits(&issued);
}

unsigned long mum__issued_checks(void)
{
    pthread_mutex_lock(&issued.lock);
    unsigned long n = issued_checks;
    pthread_mutex_unlock(&issued.lock);
    return n;
}

/* The issuer of x in the pool whose key verifies x's signature; else, in
 * *named, the first one that issued it by name and key identifier (NULL
 * when none did). */
static X509 *issuer_of(const cert_pool *pool, X509 *x, X509 **named)
{
    *named = NULL;
    for (int l = 0; l < 3; l++) {
        for (int k = 0; k < sk_X509_num(pool->lists[l]); k++) {
            X509 *c = sk_X509_value(pool->lists[l], k);
            if (c == x || X509_cmp(c, x) == 0 || !check_issued(c, x))
                continue;
            if (!*named)
                *named = c;
            if (mum__cert_signed_by(x, c))
                return c;
        }
    }
    mum__crypto_clear();
    return NULL;
}

/* Whether the chain above `leaf` is intact; *checked counts the signatures
 * checked, why says which certificate fails.  MUM_ENOMEM only. */
int mum__chain_intact(const cert_pool *pool, X509 *leaf, const char *whose, size_t *checked,
                      bool *intact, char *why, size_t why_size)
{
    *intact = true;
    X509 *x = leaf;
    for (int depth = 0; x && depth < CHAIN_MAX_DEPTH; depth++) {
        if (check_issued(x, x))
            break;
        X509 *named;
        X509 *up = issuer_of(pool, x, &named);
        if (!up && !named)
            break; /* the issuer is not at hand: nothing to check it with */
        (*checked)++;
        if (!up) {
            char *subject = mum__name_text(X509_get_subject_name(x));
            char *serial = mum__serial_text(X509_get0_serialNumber(x));
            char *issuer = mum__name_text(X509_get_subject_name(named));
            if (!subject || !serial || !issuer) {
                mum__free(subject);
                mum__free(serial);
                mum__free(issuer);
                return MUM_ENOMEM;
            }
            snprintf(why, why_size, "%s: certificate '%s' (serial %s) does not verify with the key of its "
                                    "issuer '%s': the certificate is damaged",
                     whose, subject, serial, issuer);
            mum__free(subject);
            mum__free(serial);
            mum__free(issuer);
            *intact = false;
            return MUM_OK;
        }
        x = up;
    }
    return MUM_OK;
}
