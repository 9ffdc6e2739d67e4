/*
 * der.c - a small strict DER reader for the hot paths of catalogs: the
 * members of a CTL and their attributes, tens of thousands per package.
 * OpenSSL's templates allocate an object per field and copy every string;
 * this walks the bytes in place.  Definite lengths only (catalogs are
 * DER); lengths in long form are accepted even when not minimal, as
 * OpenSSL accepts them.
 */
#include "config.h"

#include "crypto.h"

#include <string.h>

int mum__der_next(mum__der *c, mum__der_el *e)
{
    if (c->p >= c->end)
        return 0;
    const uint8_t *p = c->p;
    size_t room = (size_t)(c->end - p);
    size_t i = 1;
    if ((p[0] & 0xdf) == 0)
        return -1; /* universal 0: end-of-contents, which only ends indefinite lengths */
    if ((p[0] & 0x1f) == 0x1f) {
        /* high tag number: base-128 octets, the last without bit 8 */
        do {
            if (i >= room || i > 5)
                return -1;
        } while (p[i++] & 0x80);
    }
    if (i >= room)
        return -1;
    size_t len;
    uint8_t b = p[i++];
    if (b < 0x80) {
        len = b;
    } else {
        unsigned k = b & 0x7f;
        if (k == 0 || k > 4 || room - i < k)
            return -1; /* indefinite, or more than 4 GiB */
        len = 0;
        for (unsigned j = 0; j < k; j++)
            len = len << 8 | p[i++];
    }
    if (len > room - i)
        return -1;
    e->tag = p[0];
    e->start = p;
    e->body = p + i;
    e->len = len;
    e->size = i + len;
    c->p = p + e->size;
    return 1;
}

bool mum__der_take(mum__der *c, unsigned tag, mum__der_el *e)
{
    mum__der save = *c;
    if (mum__der_next(c, e) == 1 && e->tag == tag)
        return true;
    *c = save;
    return false;
}

bool mum__der_oid_valid(const uint8_t *p, size_t n)
{
    /* no empty contents, no arc left open, no arc with a leading 0x80 */
    if (n == 0 || (p[n - 1] & 0x80))
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0x80 && (i == 0 || !(p[i - 1] & 0x80)))
            return false;
    return true;
}

/* The OIDs most catalogs repeat per member, as DER contents: their text
 * comes without formatting (test_catalog checks them against
 * mum__oid_der). */
const mum__der_known_oid mum__der_known_oids[MUM_DER_KNOWN_OIDS] = {
    {MUM_OID_SPC_PE_IMAGE_DATA, 10, {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x0f}},
    {MUM_OID_SPC_CAB_DATA, 10, {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x19}},
    {"1.3.14.3.2.26", 5, {0x2b, 0x0e, 0x03, 0x02, 0x1a}},
    {"2.16.840.1.101.3.4.2.1", 9, {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}},
};

static size_t put_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

char *mum__der_oid_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < MUM_DER_KNOWN_OIDS; i++)
        if (mum__der_known_oids[i].len == n && memcmp(mum__der_known_oids[i].der, p, n) == 0)
            return mum__strdup(mum__der_known_oids[i].dotted);
    if (!mum__der_oid_valid(p, n) || n > 128)
        return mum__strdup("?");
    char buf[4 * 128 + 8]; /* an arc of k bytes: at most 3k digits and a dot */
    size_t k = 0;
    uint64_t v = 0;
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (v > (UINT64_MAX >> 7))
            return mum__strdup("?"); /* an arc beyond 64 bits */
        v = v << 7 | (p[i] & 0x7f);
        if (p[i] & 0x80)
            continue;
        if (first) {
            unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
            buf[k++] = (char)('0' + a);
            buf[k++] = '.';
            k += put_u64(buf + k, v - 40u * a);
            first = false;
        } else {
            buf[k++] = '.';
            k += put_u64(buf + k, v);
        }
        v = 0;
    }
    buf[k] = '\0';
    return mum__strdup(buf);
}

int mum__der_small_uint(const mum__der_el *e, uint32_t *out)
{
    const uint8_t *p = e->body;
    size_t n = e->len;
    if (n == 0 || (n > 1 && ((p[0] == 0 && !(p[1] & 0x80)) || (p[0] == 0xff && (p[1] & 0x80)))))
        return -1; /* what a decoder rejects: empty or padded */
    if (p[0] & 0x80)
        return 0; /* negative */
    if (p[0] == 0) {
        p++;
        n--;
    }
    if (n > 4)
        return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    *out = v;
    return 1;
}
