/*
 * trust.c - trust anchors: certificates with the purposes each may anchor,
 * the built-in Microsoft roots, and the OpenSSL store a chain is checked
 * against for one purpose (chain.c evaluates the chains).
 */
#include "config.h"

#include "crypto.h"

#include <mum/trust.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string.h>

/* The PEM of data/trust/microsoft-roots.pem, generated at build time by
 * tools/pem2c.sh (src/lib/trust_roots.c in the build tree). */
extern const char mum__builtin_roots_pem[];
extern const size_t mum__builtin_roots_pem_size;

/*
 * What Windows lets these roots anchor (its certificate trust list), by
 * SHA-1 thumbprint; roots not listed may anchor everything.  The table is
 * data/trust/README.md's.
 */
static const struct {
    const char *thumbprint; /* upper-case hex, as mum__cert_info_fill gives it */
    unsigned purposes;
} restricted[] = {
    /* Microsoft Time Stamping Service Root (1997) */
    {"245C97DF7514E7CF2DF8BE72AE957B9E04741E85", MUM_TRUST_PURPOSE_TIME_STAMPING},
    /* Microsoft Authenticode(tm) Root Authority */
    {"7F88CD7223F3C813818C994614A89C99FA3B5247",
     MUM_TRUST_PURPOSE_EMAIL | MUM_TRUST_PURPOSE_CODE_SIGNING},
    /* VeriSign Time Stamping Service Root */
    {"18F7C1FCC3090203FD5BAA2F861A754976C8DD25", MUM_TRUST_PURPOSE_TIME_STAMPING},
    /* Thawte Timestamping CA */
    {"BE36A4562FB2EE05DBB3D32323ADF445084ED656", MUM_TRUST_PURPOSE_TIME_STAMPING},
    /* Symantec Enterprise Mobile Root for Microsoft */
    {"92B46C76E13054E104F230517E6E504D43AB10B5", MUM_TRUST_PURPOSE_CODE_SIGNING},
};

typedef struct anchor {
    X509 *cert;
    mum_trust_anchor info;      /* its strings are owned here */
} anchor;

struct mum_trust {
    anchor *a;
    size_t n, cap;
    /* The same certificates (one more reference each), whatever their
     * purposes: an anchor is an issuer whose key checks a certificate's
     * signature (chain integrity) even where it may not anchor trust. */
    STACK_OF(X509) *certs;
};

static const char BUILTIN_SOURCE[] = "built-in";

const char *mum_trust_origin_name(mum_trust_origin origin)
{
    switch (origin) {
    case MUM_TRUST_ORIGIN_BUILTIN: return "builtin";
    case MUM_TRUST_ORIGIN_FILE: return "file";
    case MUM_TRUST_ORIGIN_MEMORY: return "memory";
    }
    return "unknown";
}

const char *mum_trust_purposes_text(unsigned purposes, char *buf)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {MUM_TRUST_PURPOSE_CODE_SIGNING, "code-signing"},
        {MUM_TRUST_PURPOSE_TIME_STAMPING, "time-stamping"},
        {MUM_TRUST_PURPOSE_EMAIL, "email-protection"},
    };
    purposes &= MUM_TRUST_PURPOSE_ALL;
    if (purposes == MUM_TRUST_PURPOSE_ALL) {
        strcpy(buf, "all");
        return buf;
    }
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(purposes & names[i].bit))
            continue;
        if (buf[0])
            strcat(buf, ",");
        strcat(buf, names[i].name);
    }
    if (!buf[0])
        strcpy(buf, "none");
    return buf;
}

int mum_trust_new(mum_trust **out)
{
    mum_trust *t = mum__calloc(1, sizeof *t);
    if (!t)
        return MUM_ENOMEM;
    *out = t;
    return MUM_OK;
}

static void anchor_clear(anchor *a)
{
    X509_free(a->cert);
    mum__free((char *)a->info.subject);
    mum__free((char *)a->info.thumbprint);
    if (a->info.source != BUILTIN_SOURCE)
        mum__free((char *)a->info.source);
}

void mum_trust_free(mum_trust *trust)
{
    if (!trust)
        return;
    for (size_t i = 0; i < trust->n; i++)
        anchor_clear(&trust->a[i]);
    mum__free(trust->a);
    sk_X509_pop_free(trust->certs, X509_free);
    mum__free(trust);
}

size_t mum_trust_count(const mum_trust *trust)
{
    return trust ? trust->n : 0;
}

const mum_trust_anchor *mum_trust_anchor_at(const mum_trust *trust, size_t i)
{
    return trust && i < trust->n ? &trust->a[i].info : NULL;
}

int mum_trust_restrict(mum_trust *trust, size_t i, unsigned purposes)
{
    if (!trust || i >= trust->n)
        return MUM_EINVAL;
    trust->a[i].info.purposes &= purposes;
    return MUM_OK;
}

static unsigned purposes_of(const char *thumbprint)
{
    for (size_t i = 0; i < sizeof restricted / sizeof restricted[0]; i++)
        if (strcmp(thumbprint, restricted[i].thumbprint) == 0)
            return restricted[i].purposes;
    return MUM_TRUST_PURPOSE_ALL;
}

/* Takes x (on success only) as the next anchor. */
static int anchor_add(mum_trust *t, X509 *x, mum_trust_origin origin, const char *source)
{
    if (t->n == t->cap && !mum__grow((void **)&t->a, &t->cap, t->n + 1, sizeof *t->a))
        return MUM_ENOMEM;
    if (!t->certs && !(t->certs = sk_X509_new_null()))
        return MUM_ENOMEM;
    /* OpenSSL decodes a certificate's extensions (key identifiers, flags)
     * on first use, behind a lock-free check that ThreadSanitizer cannot
     * see through in an uninstrumented libcrypto.  The anchors are shared
     * by every thread of a verify (the catalog worker beside the cabinet
     * signature): decoded here, before any thread sees them, they are only
     * read from then on. */
    X509_check_purpose(x, -1, 0);
    if (!sk_X509_push(t->certs, x))
        return MUM_ENOMEM;
    mum_cert_info ci;
    if (mum__cert_info_fill(x, &ci) != MUM_OK) {
        (void)sk_X509_pop(t->certs);
        return MUM_ENOMEM;
    }
    char *src = origin == MUM_TRUST_ORIGIN_BUILTIN ? (char *)BUILTIN_SOURCE : mum__strdup(source);
    if (!src) {
        mum__cert_info_clear(&ci);
        (void)sk_X509_pop(t->certs);
        return MUM_ENOMEM;
    }
    X509_up_ref(x);
    anchor *a = &t->a[t->n++];
    memset(a, 0, sizeof *a);
    a->cert = x;
    a->info.subject = ci.subject;
    a->info.thumbprint = ci.thumbprint;
    a->info.not_before = ci.not_before;
    a->info.not_after = ci.not_after;
    ci.subject = ci.thumbprint = NULL;
    mum__cert_info_clear(&ci);
    a->info.purposes = purposes_of(a->info.thumbprint);
    a->info.origin = origin;
    a->info.source = src;
    return MUM_OK;
}

/* Every certificate of a PEM buffer, all or none. */
static int add_pem(mum_ctx *ctx, mum_trust *t, const void *pem, size_t size, const char *name,
                   mum_trust_origin origin)
{
    STACK_OF(X509) *got = sk_X509_new_null();
    if (!got)
        return mum__nomem(ctx);
    size_t added, before = t->n;
    int rc = mum__pem_certs(ctx, pem, size, name, got, &added);
    while (rc == MUM_OK && sk_X509_num(got) > 0) {
        X509 *x = sk_X509_value(got, 0);
        if (anchor_add(t, x, origin, name) != MUM_OK)
            rc = mum__nomem(ctx);
        else
            (void)sk_X509_shift(got);
    }
    if (rc != MUM_OK) {
        while (t->n > before)
            anchor_clear(&t->a[--t->n]);
    }
    sk_X509_pop_free(got, X509_free);
    return rc;
}

int mum_trust_add_builtin(mum_ctx *ctx, mum_trust *trust)
{
    return add_pem(ctx, trust, mum__builtin_roots_pem, mum__builtin_roots_pem_size,
                   "the built-in anchors", MUM_TRUST_ORIGIN_BUILTIN);
}

int mum_trust_add_pem(mum_ctx *ctx, mum_trust *trust, const void *pem, size_t size, const char *name)
{
    return add_pem(ctx, trust, pem, size, name ? name : "(PEM)", MUM_TRUST_ORIGIN_MEMORY);
}

int mum_trust_add_pem_file(mum_ctx *ctx, mum_trust *trust, const char *path)
{
    uint8_t *data;
    size_t size;
    int rc = mum__slurp(ctx, path, &data, &size);
    if (rc != MUM_OK)
        return rc;
    rc = add_pem(ctx, trust, data, size, path, MUM_TRUST_ORIGIN_FILE);
    mum__free(data);
    return rc;
}

struct stack_st_X509 *mum__trust_certs(const mum_trust *t)
{
    return t ? t->certs : NULL;
}

int mum__trust_fill_store(const mum_trust *t, struct x509_store_st *store, unsigned purpose)
{
    for (size_t i = 0; t && i < t->n; i++)
        if ((t->a[i].info.purposes & purpose) && X509_STORE_add_cert(store, t->a[i].cert) != 1)
            return -1;
    return 0;
}
