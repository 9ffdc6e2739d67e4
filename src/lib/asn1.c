/*
 * asn1.c - ASN.1 through OpenSSL, for the signature module and catalogs:
 * OpenSSL's errors as messages, where a DER encoding goes wrong, times,
 * object identifiers and the digest algorithms they name.  (der.c is the
 * allocation-free reader of the hot paths; this is everything else.)
 */
#include "config.h"

#include "catalog_internal.h"
#include "sig_internal.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_DER_DEPTH = 64 };

int mum_global_init(unsigned flags)
{
    if (flags & ~(unsigned)MUM_INIT_NO_EXIT_CLEANUP)
        return MUM_EINVAL;
    /* Only this one option: whatever else OpenSSL starts (its configuration
     * above all) starts on first use, as it would without this call. */
    uint64_t opts = (flags & MUM_INIT_NO_EXIT_CLEANUP) ? OPENSSL_INIT_NO_ATEXIT : 0;
    if (opts && OPENSSL_init_crypto(opts, NULL) != 1) {
        ERR_clear_error();
        return MUM_ECRYPTO;
    }
    return MUM_OK;
}

/* ERR_clear_error empties every slot of the thread's queue (840
 * instructions), and the signature code clears it after each step, about
 * twenty times a small package, mostly with nothing queued; looking costs
 * a fifth of that. */
void mum__crypto_clear(void)
{
    if (ERR_peek_error() != 0)
        ERR_clear_error();
}

int mum__crypto_error(mum_ctx *ctx, int status, const mum_location *loc, const char *fmt, ...)
{
    char what[512], ossl[512] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* The first error is the deepest: the one that names the field. */
    const char *data = NULL;
    int flags = 0;
    unsigned long e = ERR_peek_error_data(&data, &flags);
    if (e) {
        const char *reason = ERR_reason_error_string(e);
        snprintf(ossl, sizeof ossl, "%s%s%s%s", reason ? reason : "error",
                 (data && (flags & ERR_TXT_STRING) && *data) ? " (" : "",
                 (data && (flags & ERR_TXT_STRING)) ? data : "",
                 (data && (flags & ERR_TXT_STRING) && *data) ? ")" : "");
    }
    mum__crypto_clear();
    if (status == MUM_ENOMEM)
        return mum__nomem(ctx);
    return mum__error(ctx, status, loc, "%s%s%s", what, *ossl ? ": " : "", ossl);
}

size_t mum__der_header_len(const uint8_t *p, size_t n)
{
    const unsigned char *q = p;
    long len;
    int tag, cls;
    long max = n > (size_t)LONG_MAX ? LONG_MAX : (long)n;
    int r = ASN1_get_object(&q, &len, &tag, &cls, max);
    if (r & 0x80)
        return 0;
    return (size_t)(q - p);
}

bool mum__der_problem(const uint8_t *p, size_t n, uint64_t *offset, char *why, size_t why_size)
{
    /* Walk the headers depth first with an explicit stack of container ends. */
    size_t ends[MAX_DER_DEPTH + 1];
    int depth = 0;
    size_t pos = 0;
    ends[0] = n;
    bool top_done = false;
    while (true) {
        while (depth > 0 && pos == ends[depth])
            depth--;
        if (depth == 0 && top_done) {
            if (pos < n) {
                *offset = pos;
                snprintf(why, why_size, "%zu bytes after the end of the encoding", n - pos);
                return true;
            }
            return false;
        }
        size_t limit = ends[depth];
        if (pos >= limit) {
            *offset = pos;
            snprintf(why, why_size, "the data ends inside an element");
            return true;
        }
        const unsigned char *q = p + pos;
        long len = 0;
        int tag, cls;
        size_t room = limit - pos;
        int r = ASN1_get_object(&q, &len, &tag, &cls, room > (size_t)LONG_MAX ? LONG_MAX : (long)room);
        size_t hdr = (size_t)(q - (p + pos));
        if (r == 0x80 || hdr == 0) {
            *offset = pos;
            snprintf(why, why_size, "a malformed tag or length");
            mum__crypto_clear();
            return true;
        }
        if (r & 0x80) {
            *offset = pos;
            snprintf(why, why_size, "an element of %ld bytes runs past %s (%zu bytes left)", len,
                     depth == 0 ? "the end of the data" : "the end of its container",
                     room - (hdr <= room ? hdr : room));
            mum__crypto_clear();
            return true;
        }
        if (depth == 0)
            top_done = true;
        if (r == 0x21) {
            /* indefinite length: accept, the decoder reported the rest */
            return false;
        }
        if ((r & V_ASN1_CONSTRUCTED) && len > 0) {
            if (depth == MAX_DER_DEPTH) {
                *offset = pos;
                snprintf(why, why_size, "nesting deeper than %d", MAX_DER_DEPTH);
                return true;
            }
            ends[++depth] = pos + hdr + (size_t)len;
            pos += hdr;
        } else {
            pos += hdr + (size_t)len;
        }
    }
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void mum_time_format(int64_t t, char *buf)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0 ||
        strftime(buf, MUM_TIME_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, MUM_TIME_TEXT_MAX, "@%lld", (long long)t);
}

int mum_time_parse(int64_t *out, const char *s)
{
    if (!s)
        return MUM_EFORMAT;
    if (s[0] == '@') {
        char *end;
        errno = 0;
        long long v = strtoll(s + 1, &end, 10);
        if (errno || end == s + 1 || *end)
            return MUM_EFORMAT;
        *out = v;
        return MUM_OK;
    }
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    int n = 0;
    if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
        return MUM_EFORMAT;
    if (s[10]) {
        int m2 = 0;
        if (sscanf(s + 10, "T%2u:%2u:%2uZ%n", &h, &mi, &sec, &m2) != 3 || s[10 + m2] != '\0')
            return MUM_EFORMAT;
    }
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
        mi > 59 || sec > 59)
        return MUM_EFORMAT;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return MUM_OK;
}

bool mum__asn1_time_get(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
        mum__crypto_clear();
        return false;
    }
    int64_t days = days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
    *out = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return true;
}

/* The DER contents of a dotted OID (no allocation); false if it is not one
 * or does not fit. */
bool mum__oid_der(const char *dotted, unsigned char *out, size_t cap, size_t *len)
{
    uint64_t arcs[32];
    size_t n = 0;
    const char *p = dotted;
    while (*p && n < MUM_ARRAY_LEN(arcs)) {
        uint64_t v = 0;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9') {
            if (v > (UINT64_MAX - 9) / 10)
                return false;
            v = v * 10 + (uint64_t)(*p++ - '0');
        }
        arcs[n++] = v;
        if (*p == '.')
            p++;
        else if (*p)
            return false;
    }
    if (*p || n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) || arcs[1] > UINT64_MAX - 80)
        return false;
    arcs[1] += 40 * arcs[0];
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char tmp[10];
        size_t t = 0;
        uint64_t v = arcs[i];
        do {
            tmp[t++] = (unsigned char)(v & 0x7f);
            v >>= 7;
        } while (v);
        if (k + t > cap)
            return false;
        while (t > 0) {
            t--;
            out[k++] = (unsigned char)(tmp[t] | (t ? 0x80 : 0));
        }
    }
    *len = k;
    return true;
}

/* Whether obj's DER contents are der[0..n). */
static bool oid_der_is(const ASN1_OBJECT *obj, const unsigned char *der, size_t n)
{
    return obj && (size_t)OBJ_length(obj) == n && memcmp(OBJ_get0_data(obj), der, n) == 0;
}

/* The OIDs every signature asks mum__oid_is and mum__attr_by_oid about
 * (attribute types, content types, key usages), and those of a catalog's
 * member attributes, their DER made once a process: encoding the dotted
 * text costs some 550 instructions, and a small package asked for it
 * about fifteen times. */
static const char *const sig_oids[] = {
    "1.3.6.1.4.1.311.2.1.12",   /* SpcSpOpusInfo */
    "1.3.6.1.4.1.311.3.3.1",    /* RFC 3161 timestamp */
    "1.2.840.113549.1.9.16.1.4", /* TSTInfo */
    "1.3.6.1.4.1.311.2.1.4",    /* SpcIndirectDataContent */
    "1.3.6.1.4.1.311.10.1",     /* certificate trust list (catalogs) */
    "1.3.6.1.5.5.7.3.3",        /* code signing */
    "2.5.29.37.0",              /* any key usage */
    "1.3.6.1.4.1.311.10.3.6",   /* Windows system component */
    OID_CAT_NAMEVALUE,
    OID_CAT_MEMBERINFO,
    OID_CAT_MEMBERINFO2,
};

typedef struct {
    size_t dotted_len;
    unsigned char der[16];
    size_t len; /* 0: not encodable (never, for the constants above) */
} sig_oid_der;

static sig_oid_der sig_der[MUM_ARRAY_LEN(sig_oids)];
static pthread_once_t sig_oid_once = PTHREAD_ONCE_INIT;

static void sig_oid_init(void)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(sig_oids); i++) {
        sig_der[i].dotted_len = strlen(sig_oids[i]);
        if (!mum__oid_der(sig_oids[i], sig_der[i].der, sizeof sig_der[i].der, &sig_der[i].len))
            sig_der[i].len = 0;
    }
}

bool mum__oid_known_der(const char *dotted, const unsigned char **der, size_t *len)
{
    pthread_once(&sig_oid_once, sig_oid_init);
    size_t n = strlen(dotted);
    for (size_t i = 0; i < MUM_ARRAY_LEN(sig_oids); i++) {
        if (sig_der[i].dotted_len == n && sig_der[i].len && memcmp(sig_oids[i], dotted, n) == 0) {
            *der = sig_der[i].der;
            *len = sig_der[i].len;
            return true;
        }
    }
    return false;
}

/* The DER contents of dotted: from the table above, else encoded into buf
 * (cap bytes).  False if it is not an OID or does not fit. */
static bool oid_der_of(const char *dotted, unsigned char *buf, size_t cap, const unsigned char **der,
                       size_t *len)
{
    if (mum__oid_known_der(dotted, der, len))
        return true;
    *der = buf;
    return mum__oid_der(dotted, buf, cap, len);
}

bool mum__oid_is(const ASN1_OBJECT *obj, const char *dotted)
{
    /* Compared as DER, not as text: OBJ_obj2txt is slow, and a catalog of
     * ten thousand members asks this a hundred thousand times. */
    unsigned char buf[64];
    const unsigned char *der;
    size_t n;
    return obj && oid_der_of(dotted, buf, sizeof buf, &der, &n) && oid_der_is(obj, der, n);
}

/* X509at_get_attr_by_OBJ(attrs, OBJ_txt2obj(dotted, 1), -1) without making
 * the object: OBJ_txt2obj costs some 3 000 instructions, and every
 * signer's attributes are looked up so. */
int mum__attr_by_oid(const STACK_OF(X509_ATTRIBUTE) *attrs, const char *dotted)
{
    unsigned char buf[64];
    const unsigned char *der;
    size_t n;
    if (!oid_der_of(dotted, buf, sizeof buf, &der, &n))
        return -1;
    for (int i = 0; i < X509at_get_attr_count(attrs); i++) {
        if (oid_der_is(X509_ATTRIBUTE_get0_object(X509at_get_attr(attrs, i)), der, n))
            return i;
    }
    return -1;
}

/* The hash OIDs' DER contents made once: encoding the dotted text costs
 * about 550 instructions, and mum__hash_from_oid_der is asked for every
 * signer. */
typedef struct {
    unsigned char der[16];
    size_t len; /* 0: not encodable (never, for the constants below) */
} oid_der_const;

static const struct {
    const char *oid;
    mum_hash_alg alg;
} hash_oids[] = {
    {"1.2.840.113549.2.5", MUM_HASH_MD5},
    {"1.3.14.3.2.26", MUM_HASH_SHA1},
    {"2.16.840.1.101.3.4.2.1", MUM_HASH_SHA256},
    {"2.16.840.1.101.3.4.2.2", MUM_HASH_SHA384},
    {"2.16.840.1.101.3.4.2.3", MUM_HASH_SHA512},
};

static oid_der_const hash_der[MUM_ARRAY_LEN(hash_oids)];
static pthread_once_t oid_const_once = PTHREAD_ONCE_INIT;

static void oid_const_init(void)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(hash_oids); i++)
        if (!mum__oid_der(hash_oids[i].oid, hash_der[i].der, sizeof hash_der[i].der, &hash_der[i].len))
            hash_der[i].len = 0;
}

/* The dotted text, as OBJ_obj2txt(no_name) makes it, "?" when that does
 * not fit 127 characters.  Made from the DER contents by der.c (a table
 * of the common ones, then a plain formatter: 6 200 instructions less
 * than OBJ_obj2txt an OID, a small package asks for five); what it does
 * not format (malformed, an arc past 64 bits) goes to OpenSSL as before. */
char *mum__oid_text(const ASN1_OBJECT *obj)
{
    const uint8_t *p = obj ? OBJ_get0_data(obj) : NULL;
    int len = obj ? OBJ_length(obj) : 0;
    if (p && len > 0) {
        char *text = mum__der_oid_text(p, (size_t)len);
        if (!text || (strcmp(text, "?") != 0 && strlen(text) < 128))
            return text;
        mum__free(text);
    }
    char buf[128];
    int n = obj ? OBJ_obj2txt(buf, sizeof buf, obj, 1) : -1;
    if (n < 0 || (size_t)n >= sizeof buf)
        return mum__strdup("?");
    return mum__strdup(buf);
}

mum_hash_alg mum__hash_from_oid(const char *dotted)
{
    for (size_t i = 0; dotted && i < MUM_ARRAY_LEN(hash_oids); i++)
        if (strcmp(dotted, hash_oids[i].oid) == 0)
            return hash_oids[i].alg;
    return MUM_HASH_NONE;
}

/* The same from an OID's DER contents, without making its text. */
mum_hash_alg mum__hash_from_oid_der(const uint8_t *p, size_t n)
{
    pthread_once(&oid_const_once, oid_const_init);
    for (size_t i = 0; p && i < MUM_ARRAY_LEN(hash_oids); i++)
        if (hash_der[i].len != 0 && hash_der[i].len == n && memcmp(hash_der[i].der, p, n) == 0)
            return hash_oids[i].alg;
    return MUM_HASH_NONE;
}

const char *mum__hash_oid(mum_hash_alg alg)
{
    switch (alg) {
    case MUM_HASH_SHA1: return "1.3.14.3.2.26";
    case MUM_HASH_SHA256: return "2.16.840.1.101.3.4.2.1";
    case MUM_HASH_SHA384: return "2.16.840.1.101.3.4.2.2";
    case MUM_HASH_SHA512: return "2.16.840.1.101.3.4.2.3";
    default: return NULL;
    }
}

mum_hash_alg mum__hash_of_algor(const X509_ALGOR *a)
{
    /* a valid OID has one DER: comparing it is comparing the text */
    const uint8_t *p = a && a->algorithm ? OBJ_get0_data(a->algorithm) : NULL;
    int n = p ? OBJ_length(a->algorithm) : 0;
    return n > 0 ? mum__hash_from_oid_der(p, (size_t)n) : MUM_HASH_NONE;
}

/* Copies an OpenSSL-allocated encoding into a mum__malloc'd buffer. */
int mum__take_der(unsigned char *buf, int n, uint8_t **der, size_t *len)
{
    if (n <= 0 || !buf)
        return MUM_ENOMEM;
    *der = mum__malloc((size_t)n);
    if (!*der) {
        OPENSSL_free(buf);
        return MUM_ENOMEM;
    }
    memcpy(*der, buf, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(buf);
    return MUM_OK;
}
