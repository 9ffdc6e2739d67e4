/*
 * trust.c - trust anchors: certificates with the purposes each may anchor,
 * the built-in Microsoft roots, and the OpenSSL store a chain is checked
 * against for one purpose (chain.c evaluates the chains).
 */
#include "config.h"

#include "crypto.h"

#include <mum/trust.h>

#include "digest.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <pthread.h>
#include <string.h>

/* The DER of each certificate of data/trust/microsoft-roots.pem, made at
 * build time by tools/pem2c.sh (src/lib/trust_roots.c in the build tree). */
extern const unsigned char *const mum__builtin_roots_der[];
extern const size_t mum__builtin_roots_der_len[];
extern const size_t mum__builtin_roots_der_count;

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

/*
 * What X509_NAME_cmp compares of a name, as far as its DER tells without
 * decoding it: the attribute type of each RDN, in order.  OpenSSL compares
 * names by their canonical encoding, each RDN a SET of its entries with
 * their types as they are and their values folded (to UTF-8, lower case,
 * runs of spaces as one): the RDNs, their order and their types stay, so
 * names of two shapes are never equal, and only names of one shape need
 * decoding and X509_NAME_cmp.  A name with a multi-valued RDN (its SET is
 * sorted by the folded values), or that this reader does not take, has no
 * shape and is always compared in full.
 */
enum { NAME_SHAPE_MAX = 120 };
typedef struct name_shape {
    bool known;
    uint8_t len;
    uint8_t key[NAME_SHAPE_MAX];  /* each RDN's type: its OID's length, contents */
} name_shape;

static void shape_of(const uint8_t *der, size_t len, name_shape *out)
{
    out->known = false;
    out->len = 0;
    mum__der top = mum__der_over(der, len), rdns;
    mum__der_el e;
    if (!mum__der_take(&top, MUM_DER_SEQUENCE, &e) || !mum__der_done(&top))
        return;
    rdns = mum__der_in(&e);
    size_t at = 0;
    while (!mum__der_done(&rdns)) {
        mum__der_el set, atv, oid;
        if (!mum__der_take(&rdns, MUM_DER_SET, &set))
            return;
        mum__der in = mum__der_in(&set);
        if (!mum__der_take(&in, MUM_DER_SEQUENCE, &atv) || !mum__der_done(&in))
            return; /* empty, or more than one entry */
        mum__der pair = mum__der_in(&atv);
        if (!mum__der_take(&pair, MUM_DER_OID, &oid) || oid.len > 255 || NAME_SHAPE_MAX - at < 1 + oid.len)
            return;
        out->key[at] = (uint8_t)oid.len;
        memcpy(out->key + at + 1, oid.body, oid.len);
        at += 1 + oid.len;
    }
    out->len = (uint8_t)at;
    out->known = true;
}

/*
 * A built-in anchor is kept as its DER until a chain reaches it: parsing a
 * certificate costs OpenSSL 3.0 a decoder set up for its public key, and
 * parsing all 12 roots was half of a small package's verify.  OpenSSL's
 * chain building looks anchors up by name only (the issuer's name, or a
 * certificate's own subject), and so does the integrity walk
 * (X509_check_issued starts with the names): an anchor whose subject names
 * no certificate of a chain, nor an anchor it reaches, can play no part in
 * it and stays unparsed.  Its issuer name, thumbprint and purposes are only
 * needed once it is reached, and are read then.  Its subject is found in
 * the DER at add time and decoded only for a name of its shape whose DER
 * differs (name_shape): decoding the 12 names with OpenSSL was a fifth of
 * what the built-in anchors cost a 1-manifest verify.
 */
typedef struct anchor {
    X509 *cert;                 /* NULL until needed (built-in anchors) */
    const unsigned char *der;   /* the built-in DER (the library's), until parsed */
    long der_len;
    const uint8_t *subject_der; /* in der: the subject name's DER */
    size_t subject_len;
    name_shape shape;           /* of the subject, when der is set */
    X509_NAME *subject;         /* decoded from subject_der on first need */
    bool use;                   /* select_anchors' scratch, under the lock */
    mum_trust_anchor info;      /* its strings are owned here; subject,
                                 * thumbprint and dates are filled once
                                 * parsed, and purposes narrowed then */
} anchor;

struct mum_trust {
    anchor *a;
    size_t n, cap;
    /* Parsing on first need writes to a trust that every thread of a
     * verify shares (the catalog worker beside the cabinet signature):
     * every read of an anchor's certificate or names is under the lock. */
    pthread_mutex_t lock;
    /* Names this set of anchors, as it is now, for the process: a new
     * number at each change (an anchor added, a purpose narrowed), never
     * one another set had.  chain.c keys its good verdicts with it. */
    uint64_t serial;
    /* built-in anchors parsed so far: what select_anchors' memo needs
     * beside the serial (a parsed anchor is always selected) */
    uint64_t parsed;
    struct select_memo {
        uint8_t *names;         /* OPENSSL_malloc'd, NULL when unused */
        size_t size;
        uint64_t serial, parsed;
        bool *use;              /* OPENSSL_malloc'd, n flags */
        size_t n;
    } memo[4];
    size_t memo_next;
    unsigned long memo_hits;
};

static uint64_t next_serial(void)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static uint64_t last;
    pthread_mutex_lock(&mu);
    uint64_t s = ++last;
    pthread_mutex_unlock(&mu);
    return s;
}

uint64_t mum__trust_serial(const mum_trust *trust)
{
    return trust ? trust->serial : 0;
}

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
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        mum__free(t);
        return MUM_ENOMEM;
    }
    t->serial = next_serial();
    *out = t;
    return MUM_OK;
}

static void anchor_clear(anchor *a)
{
    X509_free(a->cert);
    X509_NAME_free(a->subject);
    mum__free((char *)a->info.subject);
    mum__free((char *)a->info.thumbprint);
    if (a->info.source != BUILTIN_SOURCE)
        mum__free((char *)a->info.source);
}

void mum_trust_free(mum_trust *trust)
{
    if (!trust)
        return;
    for (size_t i = 0; i < sizeof trust->memo / sizeof trust->memo[0]; i++) {
        OPENSSL_free(trust->memo[i].names);
        OPENSSL_free(trust->memo[i].use);
    }
    for (size_t i = 0; i < trust->n; i++)
        anchor_clear(&trust->a[i]);
    mum__free(trust->a);
    pthread_mutex_destroy(&trust->lock);
    mum__free(trust);
}

size_t mum_trust_count(const mum_trust *trust)
{
    return trust ? trust->n : 0;
}

static int parse_anchor(anchor *a);

/* parse_anchor, counting the anchors parsed (under the lock). */
static int parse_anchor_in(mum_trust *t, anchor *a)
{
    bool was = a->cert != NULL;
    int rc = parse_anchor(a);
    if (!was && a->cert)
        t->parsed++;
    return rc;
}

const mum_trust_anchor *mum_trust_anchor_at(const mum_trust *trust, size_t i)
{
    if (!trust || i >= trust->n)
        return NULL;
    mum_trust *t = (mum_trust *)trust; /* parsing on need is not a change */
    pthread_mutex_lock(&t->lock);
    int rc = parse_anchor_in(t, &t->a[i]);
    pthread_mutex_unlock(&t->lock);
    return rc == MUM_OK ? &trust->a[i].info : NULL;
}

int mum_trust_restrict(mum_trust *trust, size_t i, unsigned purposes)
{
    if (!trust || i >= trust->n)
        return MUM_EINVAL;
    trust->a[i].info.purposes &= purposes;
    trust->serial = next_serial();
    return MUM_OK;
}

static unsigned purposes_of(const char *thumbprint)
{
    for (size_t i = 0; i < sizeof restricted / sizeof restricted[0]; i++)
        if (strcmp(thumbprint, restricted[i].thumbprint) == 0)
            return restricted[i].purposes;
    return MUM_TRUST_PURPOSE_ALL;
}

/* The subject text and dates of a, which parse_anchor fills. */
static int fill_info(anchor *a)
{
    mum_cert_info ci;
    if (mum__cert_info_fill(a->cert, &ci) != MUM_OK)
        return MUM_ENOMEM;
    a->info.subject = ci.subject;
    a->info.not_before = ci.not_before;
    a->info.not_after = ci.not_after;
    ci.subject = NULL;
    mum__cert_info_clear(&ci);
    return MUM_OK;
}

/* Parses a built-in anchor's DER on first need (under the lock).
 * MUM_ENOMEM, or MUM_EFORMAT for DER OpenSSL does not take. */
static int parse_anchor(anchor *a)
{
    if (a->cert)
        return MUM_OK;
    const unsigned char *p = a->der;
    X509 *x = d2i_X509(NULL, &p, a->der_len);
    if (!x) {
        ERR_clear_error();
        return MUM_EFORMAT;
    }
    if (!a->info.thumbprint) {
        /* the thumbprint of the DER as given, as mum__cert_info_fill gives it */
        uint8_t md[20];
        char *thumb = NULL;
        if (mum__digest_buffer(MUM_HASH_SHA1, a->der, (size_t)a->der_len, md) == MUM_OK &&
            (thumb = mum__malloc(2 * sizeof md + 1))) {
            mum_hex_encode(thumb, md, sizeof md);
            for (char *q = thumb; *q; q++)
                if (*q >= 'a' && *q <= 'f')
                    *q = (char)(*q - 'a' + 'A');
        }
        if (!thumb) {
            X509_free(x);
            return MUM_ENOMEM;
        }
        a->info.thumbprint = thumb;
        /* narrowed after any mum_trust_restrict: both only ever clear bits */
        a->info.purposes &= purposes_of(thumb);
    }
    /* OpenSSL decodes a certificate's extensions (key identifiers, flags)
     * on first use, behind a lock-free check that ThreadSanitizer cannot
     * see through in an uninstrumented libcrypto: decoded here, before any
     * other thread sees the certificate, they are only read from then on. */
    X509_check_purpose(x, -1, 0);
    a->cert = x;
    if (fill_info(a) != MUM_OK) {
        a->cert = NULL;
        X509_free(x);
        return MUM_ENOMEM;
    }
    a->der = NULL;
    return MUM_OK;
}

/* Takes x (on success only) as the next anchor. */
static int anchor_add(mum_trust *t, X509 *x, mum_trust_origin origin, const char *source)
{
    if (t->n == t->cap && !mum__grow((void **)&t->a, &t->cap, t->n + 1, sizeof *t->a))
        return MUM_ENOMEM;
    /* see parse_anchor */
    X509_check_purpose(x, -1, 0);
    mum_cert_info ci;
    if (mum__cert_info_fill(x, &ci) != MUM_OK)
        return MUM_ENOMEM;
    char *src = origin == MUM_TRUST_ORIGIN_BUILTIN ? (char *)BUILTIN_SOURCE : mum__strdup(source);
    if (!src) {
        mum__cert_info_clear(&ci);
        return MUM_ENOMEM;
    }
    t->serial = next_serial();
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
        t->serial = next_serial();
    }
    sk_X509_pop_free(got, X509_free);
    return rc;
}

/* The subject name of a certificate's DER, without parsing the rest
 * (Certificate: tbsCertificate: [0] version, serial, algorithm, issuer,
 * validity, subject).  false when the DER is not shaped so. */
static bool der_subject(const unsigned char *der, long len, mum__der_el *sub)
{
    mum__der c = mum__der_over(der, (size_t)len), tbs;
    mum__der_el e;
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return false;
    c = mum__der_in(&e);
    if (!mum__der_take(&c, MUM_DER_SEQUENCE, &e))
        return false;
    tbs = mum__der_in(&e);
    (void)mum__der_take(&tbs, 0xa0, &e);
    return mum__der_take(&tbs, MUM_DER_INTEGER, &e) && mum__der_take(&tbs, MUM_DER_SEQUENCE, &e) &&
           mum__der_take(&tbs, MUM_DER_SEQUENCE, &e) && mum__der_take(&tbs, MUM_DER_SEQUENCE, &e) &&
           mum__der_take(&tbs, MUM_DER_SEQUENCE, sub);
}

/* One built-in anchor from its DER (the library's): where its subject is
 * now, the rest on first need (parse_anchor). */
static int builtin_add(mum_trust *t, const unsigned char *der, long len)
{
    if (t->n == t->cap && !mum__grow((void **)&t->a, &t->cap, t->n + 1, sizeof *t->a))
        return MUM_ENOMEM;
    mum__der_el sub;
    if (!der_subject(der, len, &sub))
        return MUM_EFORMAT;
    t->serial = next_serial();
    anchor *a = &t->a[t->n++];
    memset(a, 0, sizeof *a);
    a->der = der;
    a->der_len = len;
    a->subject_der = sub.start;
    a->subject_len = sub.size;
    shape_of(sub.start, sub.size, &a->shape);
    a->info.purposes = MUM_TRUST_PURPOSE_ALL; /* narrowed by parse_anchor */
    a->info.origin = MUM_TRUST_ORIGIN_BUILTIN;
    a->info.source = BUILTIN_SOURCE;
    return MUM_OK;
}

int mum_trust_add_builtin(mum_ctx *ctx, mum_trust *trust)
{
    size_t before = trust->n;
    int rc = MUM_OK;
    for (size_t i = 0; i < mum__builtin_roots_der_count && rc == MUM_OK; i++)
        rc = builtin_add(trust, mum__builtin_roots_der[i], (long)mum__builtin_roots_der_len[i]);
    if (rc != MUM_OK) {
        while (trust->n > before)
            anchor_clear(&trust->a[--trust->n]);
        trust->serial = next_serial();
        return rc == MUM_ENOMEM ? mum__nomem(ctx)
                                : mum__error(ctx, rc, NULL, "the built-in anchors: a damaged certificate");
    }
    return MUM_OK;
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

/* The names select_anchors has at hand (borrowed), each with its DER and
 * shape. */
typedef struct name_at_hand {
    const X509_NAME *name;
    const unsigned char *der;   /* NULL when OpenSSL gave none */
    size_t len;
    name_shape shape;
} name_at_hand;

typedef struct names_at_hand {
    name_at_hand *v;
    size_t n, cap;
} names_at_hand;

/* Storage from OpenSSL's allocator, as the stack of names it replaces had:
 * mum__trust_certs_near's callers take its NULL for no anchor near, so a
 * failure of the library's (failure-injected) allocator here would change
 * a verdict rather than fail a call. */
static bool names_push1(names_at_hand *ns, const X509_NAME *name)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 16;
        name_at_hand *v = OPENSSL_realloc(ns->v, cap * sizeof *v);
        if (!v)
            return false;
        ns->v = v;
        ns->cap = cap;
    }
    name_at_hand *h = &ns->v[ns->n++];
    h->name = name;
    h->der = NULL;
    h->len = 0;
    h->shape.known = false;
    if (X509_NAME_get0_der(name, &h->der, &h->len) == 1)
        shape_of(h->der, h->len, &h->shape);
    else
        h->der = NULL;
    return true;
}

static bool names_push(names_at_hand *ns, const X509_NAME *a, const X509_NAME *b)
{
    return names_push1(ns, a) && names_push1(ns, b);
}

/* Whether an unparsed anchor's subject is one of the names: 1, 0, or -1
 * when OpenSSL failed.  Exactly X509_NAME_cmp's answer: the same DER is
 * the same name, and names of two shapes differ (name_shape). */
static int anchor_named(anchor *a, const names_at_hand *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        const name_at_hand *h = &ns->v[i];
        if (h->shape.known && a->shape.known &&
            (h->shape.len != a->shape.len || memcmp(h->shape.key, a->shape.key, h->shape.len) != 0))
            continue;
        if (h->der && h->len == a->subject_len && memcmp(h->der, a->subject_der, h->len) == 0)
            return 1;
        if (!a->subject) {
            const unsigned char *p = a->subject_der;
            if (!(a->subject = d2i_X509_NAME(NULL, &p, (long)a->subject_len))) {
                ERR_clear_error();
                return -1;
            }
        }
        if (X509_NAME_cmp(a->subject, h->name) == 0)
            return 1;
    }
    return 0;
}

/*
 * select_anchors' last few answers.  Each of a package's three signatures
 * asks for the same certificates' anchors, and matching every built-in
 * anchor's subject against every name of a chain (X509_NAME_cmp) cost
 * about 9 K instructions a signature.  The answer depends on the names
 * (subjects and issuers) of the certificates given, whatever their order
 * or number, and on the anchors: which there are and with what purposes
 * (the serial), and which are parsed (a parsed anchor is always
 * selected).  So an answer is kept with the DER of the names it was given,
 * each after its length, and the serial and count of parsed anchors after
 * it; the same DER names the same names for X509_NAME_cmp.  Storage from
 * OpenSSL's allocator: a failure only leaves an answer unkept.
 */
enum { MEMO_KEY_MAX = 8192 };

/* The memo key of these certificates' names in key; 0 when they do not
 * fit (no memo then). */
static size_t memo_key(X509 *leaf, STACK_OF(X509) *const *lists, size_t nlists, uint8_t key[MEMO_KEY_MAX])
{
    size_t at = 0;
    for (size_t l = 0; l <= nlists; l++) {
        int count = l == 0 ? (leaf ? 1 : 0) : sk_X509_num(lists[l - 1]);
        for (int k = 0; k < count; k++) {
            X509 *x = l == 0 ? leaf : sk_X509_value(lists[l - 1], k);
            const X509_NAME *both[2] = {X509_get_subject_name(x), X509_get_issuer_name(x)};
            for (int j = 0; j < 2; j++) {
                const unsigned char *der;
                size_t len;
                if (X509_NAME_get0_der(both[j], &der, &len) != 1 || len > MEMO_KEY_MAX - 4 ||
                    at > MEMO_KEY_MAX - 4 - len) {
                    ERR_clear_error();
                    return 0;
                }
                mum__put_le32(key + at, (uint32_t)len);
                memcpy(key + at + 4, der, len);
                at += 4 + len;
            }
        }
    }
    return at;
}

/* Sets the anchors' use flags from a kept answer for key: true then. */
static bool memo_get(mum_trust *t, const uint8_t *key, size_t size)
{
    for (size_t i = 0; i < sizeof t->memo / sizeof t->memo[0]; i++) {
        const struct select_memo *m = &t->memo[i];
        if (!m->names || m->size != size || m->serial != t->serial || m->parsed != t->parsed ||
            m->n != t->n || memcmp(m->names, key, size) != 0)
            continue;
        for (size_t k = 0; k < t->n; k++)
            t->a[k].use = m->use[k];
        t->memo_hits++;
        return true;
    }
    return false;
}

static void memo_put(mum_trust *t, const uint8_t *key, size_t size)
{
    uint8_t *names = OPENSSL_malloc(size);
    bool *use = OPENSSL_malloc(t->n ? t->n * sizeof *use : 1);
    if (!names || !use) {
        OPENSSL_free(names);
        OPENSSL_free(use);
        return;
    }
    memcpy(names, key, size);
    for (size_t k = 0; k < t->n; k++)
        use[k] = t->a[k].use;
    struct select_memo *m = &t->memo[t->memo_next];
    t->memo_next = (t->memo_next + 1) % (sizeof t->memo / sizeof t->memo[0]);
    OPENSSL_free(m->names);
    OPENSSL_free(m->use);
    *m = (struct select_memo){names, size, t->serial, t->parsed, use, t->n};
}

unsigned long mum__trust_memo_hits(const mum_trust *trust)
{
    mum_trust *t = (mum_trust *)trust;
    pthread_mutex_lock(&t->lock);
    unsigned long h = t->memo_hits;
    pthread_mutex_unlock(&t->lock);
    return h;
}

static int select_anchors_now(mum_trust *t, X509 *leaf, STACK_OF(X509) *const *lists, size_t nlists);

/* Marks (anchor.use) the anchors a chain through these certificates may reach
 * (see struct anchor): every parsed anchor, and each built-in one whose
 * subject names a certificate at hand, an issuer of one, or (in turn) an
 * anchor so reached, parsing those.  Under the lock.  -1 on failure. */
static int select_anchors(mum_trust *t, X509 *leaf, STACK_OF(X509) *const *lists, size_t nlists)
{
    uint8_t key[MEMO_KEY_MAX];
    size_t size = memo_key(leaf, lists, nlists, key);
    if (size && memo_get(t, key, size))
        return 0;
    int rc = select_anchors_now(t, leaf, lists, nlists);
    if (rc == 0 && size)
        memo_put(t, key, size); /* after any parse it made: the state it leaves */
    return rc;
}

static int select_anchors_now(mum_trust *t, X509 *leaf, STACK_OF(X509) *const *lists, size_t nlists)
{
    names_at_hand names_, *names = &names_;
    memset(names, 0, sizeof *names);
    int rc = 0;
    if (leaf && !names_push(names, X509_get_subject_name(leaf), X509_get_issuer_name(leaf)))
        rc = -1;
    for (size_t l = 0; rc == 0 && l < nlists; l++)
        for (int k = 0; rc == 0 && k < sk_X509_num(lists[l]); k++) {
            X509 *x = sk_X509_value(lists[l], k);
            if (!names_push(names, X509_get_subject_name(x), X509_get_issuer_name(x)))
                rc = -1;
        }
    for (size_t i = 0; i < t->n; i++) {
        t->a[i].use = t->a[i].cert && !t->a[i].der; /* given as a certificate: always */
        if (rc == 0 && t->a[i].use &&
            !names_push(names, X509_get_subject_name(t->a[i].cert), X509_get_issuer_name(t->a[i].cert)))
            rc = -1;
    }
    for (bool more = true; rc == 0 && more;) {
        more = false;
        for (size_t i = 0; rc == 0 && i < t->n; i++) {
            anchor *a = &t->a[i];
            int named = a->use ? 0 : anchor_named(a, names);
            if (named <= 0) {
                rc = named;
                continue;
            }
            a->use = more = true;
            if (parse_anchor_in(t, a) != MUM_OK ||
                !names_push(names, X509_get_subject_name(a->cert), X509_get_issuer_name(a->cert)))
                rc = -1;
        }
    }
    OPENSSL_free(names->v);
    return rc;
}

struct stack_st_X509 *mum__trust_certs_near(const mum_trust *trust, struct x509_st *leaf,
                                            struct stack_st_X509 *const *lists, size_t nlists)
{
    if (!trust || trust->n == 0)
        return NULL;
    mum_trust *t = (mum_trust *)trust; /* parsing on need is not a change */
    STACK_OF(X509) *out = sk_X509_new_null();
    pthread_mutex_lock(&t->lock);
    int rc = out ? select_anchors(t, leaf, lists, nlists) : -1;
    for (size_t i = 0; rc == 0 && i < t->n; i++)
        if (t->a[i].use && !sk_X509_push(out, t->a[i].cert))
            rc = -1;
    pthread_mutex_unlock(&t->lock);
    if (rc != 0) {
        sk_X509_free(out);
        return NULL;
    }
    return out;
}

int mum__trust_fill_store(const mum_trust *trust, struct x509_store_st *store, unsigned purpose,
                          struct x509_st *leaf, struct stack_st_X509 *untrusted)
{
    if (!trust || trust->n == 0)
        return 0;
    mum_trust *t = (mum_trust *)trust;
    pthread_mutex_lock(&t->lock);
    int rc = select_anchors(t, leaf, &untrusted, 1);
    for (size_t i = 0; rc == 0 && i < t->n; i++)
        if (t->a[i].use && (t->a[i].info.purposes & purpose) && X509_STORE_add_cert(store, t->a[i].cert) != 1)
            rc = -1;
    pthread_mutex_unlock(&t->lock);
    return rc;
}
