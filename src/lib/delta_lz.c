/*
 * delta_lz.c - the compressed body of a PA30 delta: a RIFT table, the
 * composite format (prefix codes per segment of the target), then literals
 * and matches over the "virtual buffer": the source followed by the target
 * as it is built.  doc/pa30.md has the details this code follows.
 */
#include "config.h"

#include "delta_internal.h"

#include <inttypes.h>
#include <stdlib.h>

#define MAIN_SYMS 600 /* 256 literals + 43 offset slots x 8 length slots */
#define LEN_SYMS 256
#define ALIGN_SYMS 16
#define ALL_LENGTHS (MAIN_SYMS + LEN_SYMS + ALIGN_SYMS)
#define PRE_SYMS 39
#define INT_SYMS 252 /* IntFormat: 126 magnitudes, then 126 negative ones */
#define INT_HALF 126
#define MAX_SEGMENTS 1024
/* RIFT entries a body may carry: real PE deltas have thousands; the cap
 * keeps the table (24 bytes an entry) under 25 MB whatever the body says. */
#define MAX_RIFT (1u << 20)

/* The raw offsets of the main alphabet's slots 3 to 6, and where plain
 * distances start. */
#define SOURCE_COPY 0x54000u
#define RAW_OFFSET_BASE 0x54003u

typedef struct lz {
    mum_ctx *ctx;
    mum__bits b;
    const uint8_t *src;
    size_t src_size;
    uint8_t *out;
    size_t cap;      /* bytes allocated at out */
    size_t out_size; /* bytes of the target */
    size_t o;        /* bytes of the target built */
    mum__huff main, len, align;
    /* The offset RIFT table: from position pos[i] of the virtual buffer on,
     * source copies are displaced by off[i].  pos[0] is INT64_MIN. */
    int64_t *rpos, *roff;
    size_t nrift, rcur;
} lz;

/* ---- RIFT tables ---- */

/* An IntFormat: a prefix code over signed magnitude classes. */
static int int_format_read(mum__bits *b, mum__huff *h)
{
    unsigned npos = (unsigned)mum__bits_get(b, 8);
    unsigned nneg = (unsigned)mum__bits_get(b, 8);
    unsigned ndef = (unsigned)mum__bits_get(b, 8);
    if (npos > INT_HALF || nneg > INT_HALF || ndef > INT_SYMS - npos - nneg)
        return mum__bits_error(b, MUM_EFORMAT,
                               "RIFT table: integer format counts %u, %u, %u out of range", npos,
                               nneg, ndef);
    uint8_t lengths[INT_SYMS] = {0};
    for (unsigned i = 0; i < npos; i++)
        lengths[i] = (uint8_t)(mum__bits_get(b, 4) + 1);
    for (unsigned i = 0; i < nneg; i++)
        lengths[INT_HALF + i] = (uint8_t)(mum__bits_get(b, 4) + 1);
    unsigned def = (unsigned)mum__bits_get(b, 4) + 1;
    /* The symbols not given run down from the default length: the first
     * `ndef` of them at it, then one shorter run after another. */
    unsigned l = def, left = ndef;
    for (unsigned i = npos; i < INT_HALF; i++) {
        if (left == 0) {
            l = l ? l - 1 : 0;
            unsigned all = INT_SYMS - npos - nneg;
            left = all > i ? all - i : 0;
        }
        lengths[i] = (uint8_t)l;
        left = left ? left - 1 : 0;
    }
    l = def;
    left = ndef > INT_HALF - npos ? ndef - (INT_HALF - npos) : 0;
    for (unsigned i = INT_HALF + nneg; i < INT_SYMS; i++) {
        if (left == 0) {
            l = l ? l - 1 : 0;
            left = INT_HALF > i - INT_HALF ? INT_HALF - (i - INT_HALF) : 0;
        }
        lengths[i] = (uint8_t)l;
        left = left ? left - 1 : 0;
    }
    if (mum__bits_overrun(b))
        return mum__bits_error(b, MUM_EFORMAT, "truncated in a RIFT table");
    return mum__huff_build(h, lengths, b, "RIFT table integer format");
}

static int int_read(mum__bits *b, const mum__huff *h, uint64_t *out)
{
    unsigned sym;
    CHECK(mum__huff_read(h, b, &sym));
    bool neg = sym >= INT_HALF;
    unsigned m = neg ? sym - INT_HALF : sym;
    uint64_t v = m;
    if (m > 3) {
        unsigned half = (m >> 1) - 1; /* up to 61 bits */
        uint64_t extra = 0;
        for (unsigned done = 0; done < half; done += 32) {
            unsigned k = half - done < 32 ? half - done : 32;
            extra |= mum__bits_get(b, k) << done;
        }
        v = (uint64_t)((m & 1) + 2) << half | extra;
    }
    if (mum__bits_overrun(b))
        return mum__bits_error(b, MUM_EFORMAT, "truncated in a RIFT table");
    *out = neg ? ~v : v;
    return MUM_OK;
}

typedef struct rift_sort {
    mum__rift r;
    size_t order;
} rift_sort;

static int rift_cmp(const void *a, const void *b)
{
    const rift_sort *x = a, *y = b;
    if (x->r.source != y->r.source)
        return x->r.source < y->r.source ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int mum__delta_rift_table_read(mum__bits *b, size_t spare, mum__rift **out, size_t *out_n)
{
    mum__rift *all = NULL;
    size_t n = 0;
    mum__huff hs = {0}, ht = {0};
    int rc = MUM_OK;
    *out = NULL;
    *out_n = 0;
    uint64_t count = 0;
    bool present = mum__bits_get(b, 1);
    if (present) {
        if ((rc = mum__huff_init(&hs, b->ctx, INT_SYMS, 10)) != MUM_OK ||
            (rc = mum__huff_init(&ht, b->ctx, INT_SYMS, 10)) != MUM_OK ||
            (rc = int_format_read(b, &hs)) != MUM_OK || (rc = int_format_read(b, &ht)) != MUM_OK)
            goto done;
        if ((rc = mum__bits_varint(b, &count)) != MUM_OK)
            goto done;
        /* Each entry takes at least two bits: a count beyond what is left
         * is a lie, refused before allocating for it. */
        uint64_t left = b->end_bit > mum__bits_tell(b) ? b->end_bit - mum__bits_tell(b) : 0;
        if (count > left / 2) {
            rc = mum__bits_error(b, MUM_EFORMAT,
                                 "RIFT table: %" PRIu64 " entries in %" PRIu64 " bits", count,
                                 left);
            goto done;
        }
        if (count > MAX_RIFT) {
            rc = mum__bits_error(b, MUM_ELIMIT, "RIFT table: %" PRIu64 " entries (at most %u)",
                                 count, MAX_RIFT);
            goto done;
        }
    }
    all = mum__reallocarray(NULL, (size_t)count + spare + 1, sizeof *all);
    if (!all) {
        rc = mum__nomem(b->ctx);
        goto done;
    }
    uint64_t s = 0, t = 0;
    for (; n < count; n++) {
        uint64_t ds, dt;
        if ((rc = int_read(b, &hs, &ds)) != MUM_OK || (rc = int_read(b, &ht, &dt)) != MUM_OK)
            goto done;
        s += ds;
        t += dt;
        all[n] = (mum__rift){(int64_t)s, (int64_t)(t + s)};
    }
done:
    mum__huff_clear(&hs);
    mum__huff_clear(&ht);
    if (rc != MUM_OK) {
        mum__free(all);
        return rc;
    }
    *out = all;
    *out_n = n;
    return MUM_OK;
}

static int rift_read(lz *z, const mum__rift *extra, size_t nextra)
{
    mum__rift *body;
    size_t nbody;
    CHECK(mum__delta_rift_table_read(&z->b, 0, &body, &nbody));
    int rc = MUM_OK;
    size_t n = 0;
    rift_sort *all = mum__reallocarray(NULL, nbody + nextra + 1, sizeof *all);
    if (!all) {
        rc = mum__nomem(z->ctx);
        goto done;
    }
    for (; n < nbody; n++)
        all[n] = (rift_sort){body[n], n};
    for (size_t i = 0; i < nextra; i++, n++)
        all[n] = (rift_sort){extra[i], n};
    /* The end of the source: from there on, the target itself. */
    all[n] = (rift_sort){{(int64_t)z->src_size, 0}, n};
    n++;
    qsort(all, n, sizeof *all, rift_cmp);
    z->rpos = mum__reallocarray(NULL, n + 1, sizeof *z->rpos);
    z->roff = mum__reallocarray(NULL, n + 1, sizeof *z->roff);
    if (!z->rpos || !z->roff) {
        rc = mum__nomem(z->ctx);
        goto done;
    }
    /* Before the first entry, the last one's displacement holds. */
    z->rpos[0] = INT64_MIN;
    z->roff[0] = (int64_t)((uint64_t)all[n - 1].r.target - (uint64_t)all[n - 1].r.source);
    for (size_t i = 0; i < n; i++) {
        z->rpos[i + 1] = all[i].r.source;
        z->roff[i + 1] = (int64_t)((uint64_t)all[i].r.target - (uint64_t)all[i].r.source);
    }
    z->nrift = n + 1;
    z->rcur = 0;
done:
    mum__free(all);
    mum__free(body);
    return rc;
}

/* The RIFT segment holding virtual position p (positions only grow, so a
 * cursor moving forward finds it); *next: where the following one starts. */
static int64_t rift_at(lz *z, uint64_t p, uint64_t *next)
{
    while (z->rcur + 1 < z->nrift && z->rpos[z->rcur + 1] <= (int64_t)p)
        z->rcur++;
    *next = z->rcur + 1 < z->nrift ? (uint64_t)z->rpos[z->rcur + 1] : UINT64_MAX;
    return z->roff[z->rcur];
}

/* ---- the composite format ---- */

static void flat_lengths(uint8_t *l, unsigned n)
{
    if (n <= 2) {
        memset(l, 1, n);
        return;
    }
    unsigned bits = 0;
    while ((1u << bits) < n)
        bits++;
    unsigned shorter = (1u << bits) - n;
    memset(l, (int)bits - 1, shorter);
    memset(l + shorter, (int)bits, n - shorter);
}

static int build_tables(lz *z, const uint8_t *l)
{
    CHECK(mum__huff_build(&z->main, l, &z->b, "main code"));
    CHECK(mum__huff_build(&z->len, l + MAIN_SYMS, &z->b, "length code"));
    return mum__huff_build(&z->align, l + MAIN_SYMS + LEN_SYMS, &z->b, "aligned-offset code");
}

/* One segment's 872 code lengths, coded with the pre-code against the
 * previous segment's. */
static int lengths_read(lz *z, const mum__huff *pre, const uint8_t *prev, uint8_t *l)
{
    mum__bits *b = &z->b;
    for (unsigned i = 0; i < ALL_LENGTHS;) {
        unsigned sym;
        CHECK(mum__huff_read(pre, b, &sym));
        if (sym <= 16) {
            l[i++] = (uint8_t)sym;
        } else if (sym < 23) {
            int v = sym < 20 ? prev[i] + (int)(sym - 16) : prev[i] - (int)(sym - 19);
            if (v < 0 || v > MUM__HUFF_MAX_LEN)
                return mum__bits_error(b, MUM_EFORMAT,
                                       "code length %u changed by a step to %d", i, v);
            l[i++] = (uint8_t)v;
        } else {
            unsigned r = sym - 23, slot = r & 7, run;
            if (slot < 3)
                run = slot + 1;
            else
                run = 1u << (slot - 1) | (unsigned)mum__bits_get(b, slot - 1);
            if (run > ALL_LENGTHS - i)
                return mum__bits_error(b, MUM_EFORMAT,
                                       "a run of %u code lengths past the %u of a segment", run,
                                       ALL_LENGTHS);
            if (r < 8) {
                if (i == 0)
                    return mum__bits_error(b, MUM_EFORMAT,
                                           "a repeated code length before any length");
                memset(l + i, l[i - 1], run);
            } else {
                memcpy(l + i, prev + i, run);
            }
            i += run;
        }
        if (mum__bits_overrun(b))
            return mum__bits_error(b, MUM_EFORMAT, "truncated in the code lengths");
    }
    return MUM_OK;
}

typedef struct segments {
    size_t n;
    uint64_t *start; /* virtual position where each begins */
    uint8_t *lengths; /* n * ALL_LENGTHS */
} segments;

static int composite_read(lz *z, segments *sg)
{
    mum__bits *b = &z->b;
    uint8_t one[ALL_LENGTHS];
    if (mum__bits_get(b, 1)) {
        /* The simple form: one segment of fixed, flat codes. */
        flat_lengths(one, MAIN_SYMS);
        flat_lengths(one + MAIN_SYMS, LEN_SYMS);
        flat_lengths(one + MAIN_SYMS + LEN_SYMS, ALIGN_SYMS);
        sg->n = 0;
        return build_tables(z, one);
    }
    uint64_t n;
    CHECK(mum__bits_varint(b, &n));
    if (n == 0 || n > MAX_SEGMENTS)
        return mum__bits_error(b, MUM_EFORMAT, "%" PRIu64 " segments (1 to %d)", n,
                               MAX_SEGMENTS);
    sg->start = mum__reallocarray(NULL, (size_t)n, sizeof *sg->start);
    sg->lengths = mum__reallocarray(NULL, (size_t)n, ALL_LENGTHS);
    if (!sg->start || !sg->lengths)
        return mum__nomem(z->ctx);
    sg->n = (size_t)n;
    uint64_t at = 0;
    for (size_t i = 0; i < sg->n; i++) {
        uint64_t d;
        CHECK(mum__bits_varint(b, &d));
        if (d > INT64_MAX - at)
            return mum__bits_error(b, MUM_EFORMAT, "a segment starting past 2^63");
        at += d;
        sg->start[i] = at;
    }
    uint8_t pl[PRE_SYMS];
    for (unsigned i = 0; i < PRE_SYMS; i++)
        pl[i] = (uint8_t)mum__bits_get(b, 4);
    if (mum__bits_overrun(b))
        return mum__bits_error(b, MUM_EFORMAT, "truncated in the pre-code");
    mum__huff pre;
    CHECK(mum__huff_init(&pre, z->ctx, PRE_SYMS, 8));
    int rc = mum__huff_build(&pre, pl, b, "pre-code");
    memset(one, 0, sizeof one);
    for (size_t i = 0; rc == MUM_OK && i < sg->n; i++) {
        uint8_t *l = sg->lengths + i * ALL_LENGTHS;
        rc = lengths_read(z, &pre, i ? l - ALL_LENGTHS : one, l);
        /* Each segment's codes are checked where they are read. */
        if (rc == MUM_OK)
            rc = build_tables(z, l);
    }
    mum__huff_clear(&pre);
    if (rc == MUM_OK && sg->n > 1)
        rc = build_tables(z, sg->lengths);
    return rc;
}

/* ---- literals and matches ---- */

/* Copies len bytes from virtual position s (< the position being written)
 * to the target. */
static void copy_virtual(lz *z, uint64_t s, size_t len)
{
    uint8_t *out = z->out;
    if (s < z->src_size) {
        size_t k = z->src_size - (size_t)s < len ? z->src_size - (size_t)s : len;
        memcpy(out + z->o, z->src + s, k);
        z->o += k;
        len -= k;
        s = z->src_size;
    }
    if (!len)
        return;
    size_t from = (size_t)(s - z->src_size);
    size_t d = z->o - from;
    if (d >= len) {
        memcpy(out + z->o, out + from, len);
        z->o += len;
    } else if (d == 1) {
        memset(out + z->o, out[from], len);
        z->o += len;
    } else {
        /* Overlapping: the bytes repeat with period d; each copy from the
         * start of the pattern doubles what can be taken next. */
        while (len) {
            size_t k = z->o - from < len ? z->o - from : len;
            memcpy(out + z->o, out + from, k);
            z->o += k;
            len -= k;
        }
    }
}

/* The offset of main-alphabet slot `slot`: a raw value of the format's
 * offset space (below SOURCE_COPY: near the same place in the source). */
static int offset_read(lz *z, unsigned slot, int64_t *near, uint64_t *raw)
{
    mum__bits *b = &z->b;
    *near = 0;
    switch (slot) {
    case 0: *near = (int64_t)mum__bits_get(b, 14) - 0x2000; return MUM_OK;
    case 1: {
        int64_t v = (int64_t)mum__bits_get(b, 16);
        *near = v < 0x8000 ? v - 0xA000 : v - 0x6000;
        return MUM_OK;
    }
    case 2: {
        int64_t v = (int64_t)mum__bits_get(b, 18);
        *near = v >= 0x20000 ? v - 0x16000 : v - 0x2A000;
        return MUM_OK;
    }
    default: break;
    }
    *raw = slot < 7 ? slot + 0x53FFD : 0;
    if (slot < 7)
        return MUM_OK;
    unsigned x = slot - 7;
    if (x == 0) {
        /* Classes beyond the 35 of the alphabet: 36 + a 2-, 3- or 4-bit
         * number behind a unary prefix. */
        if (!mum__bits_get(b, 1))
            x = 0x24 + (unsigned)mum__bits_get(b, 2);
        else if (!mum__bits_get(b, 1))
            x = 0x28 + (unsigned)mum__bits_get(b, 3);
        else
            x = 0x30 + (unsigned)mum__bits_get(b, 4);
        if (x > 63)
            return mum__bits_error(b, MUM_EFORMAT, "a distance class of %u (at most 63)", x);
    }
    uint64_t dist;
    if (x <= 3) {
        dist = x;
    } else {
        uint64_t top = (x & 1) + 2;
        unsigned half = (x >> 1) - 1;
        if (half < 4) {
            dist = top << half | mum__bits_get(b, half);
        } else {
            unsigned align;
            dist = top << (half - 4) | mum__bits_get(b, half - 4);
            CHECK(mum__huff_read(&z->align, b, &align));
            dist = dist << 4 | align;
        }
    }
    *raw = dist + RAW_OFFSET_BASE;
    return MUM_OK;
}

/* Makes room for `need` (<= out_size) bytes of target.  The target grows
 * as it is built, so that a delta claiming gigabytes it does not produce
 * costs little memory. */
static int grow(lz *z, size_t need)
{
    if (need <= z->cap)
        return MUM_OK;
    size_t cap = z->cap > z->out_size / 2 ? z->out_size : z->cap * 2;
    if (cap < need)
        cap = need;
    uint8_t *p = mum__realloc(z->out, cap + 1);
    if (!p)
        return mum__nomem(z->ctx);
    z->out = p;
    z->cap = cap;
    return MUM_OK;
}

static int run(lz *z, const segments *sg)
{
    mum__bits *b = &z->b;
    int64_t lru[3] = {0, 0, 0};
    size_t seg = 0;
    const size_t n = z->out_size;
    while (z->o < n) {
        uint64_t vpos = z->src_size + z->o;
        if (seg + 1 < sg->n && vpos >= sg->start[seg + 1]) {
            while (seg + 1 < sg->n && vpos >= sg->start[seg + 1])
                seg++;
            CHECK(build_tables(z, sg->lengths + seg * ALL_LENGTHS));
        }
        /* Runs of literals, the bulk of a delta against an unlike source,
         * take the fast table straight, up to the next segment: no refill
         * or end test per byte (the end is tested at each refill, so bits
         * past it make a few bytes at most). */
        size_t stop = n;
        if (seg + 1 < sg->n && sg->start[seg + 1] - z->src_size < stop)
            stop = (size_t)(sg->start[seg + 1] - z->src_size);
        if (z->o == z->cap)
            CHECK(grow(z, z->o + 1));
        if (stop > z->cap)
            stop = z->cap;
        const uint32_t *fast = z->main.fast;
        const uint64_t mask = ((uint64_t)1 << z->main.fast_bits) - 1;
        for (;;) {
            if (b->n < 32) {
                if (mum__bits_overrun(b))
                    break;
                mum__bits_refill(b);
            }
            uint32_t e = fast[b->buf & mask];
            if ((e >> 16) == 0 || (e & 0xffff) >= 256)
                break;
            mum__bits_skip(b, e >> 16);
            z->out[z->o++] = (uint8_t)e;
            if (z->o >= stop)
                break;
        }
        if (mum__bits_overrun(b))
            return mum__bits_error(b, MUM_EFORMAT,
                                   "truncated: the data ends at target byte %zu of %zu", z->o, n);
        if (z->o >= stop)
            continue;
        vpos = z->src_size + z->o;
        mum__bits_refill(b);
        unsigned sym;
        CHECK(mum__huff_read(&z->main, b, &sym));
        if (sym < 256) {
            if (mum__bits_overrun(b))
                return mum__bits_error(b, MUM_EFORMAT,
                                       "truncated: the data ends at target byte %zu of %zu",
                                       z->o, n);
            z->out[z->o++] = (uint8_t)sym;
            continue;
        }
        unsigned slot = (sym - 256) >> 3, ls = (sym - 256) & 7;
        int64_t near;
        uint64_t raw = 0;
        CHECK(offset_read(z, slot, &near, &raw));
        uint64_t len;
        if (ls) {
            len = ls + 1;
        } else {
            unsigned l;
            CHECK(mum__huff_read(&z->len, b, &l));
            if (l) {
                len = l + 8;
            } else {
                uint32_t big;
                CHECK(mum__bits_number(b, &big));
                len = (uint64_t)big + 8;
            }
        }
        if (mum__bits_overrun(b))
            return mum__bits_error(b, MUM_EFORMAT,
                                   "truncated: the data ends at target byte %zu of %zu", z->o, n);
        if (len > n - z->o)
            return mum__bits_error(b, MUM_EFORMAT, "a match of %" PRIu64 " bytes where %zu remain",
                                   len, n - z->o);
        CHECK(grow(z, z->o + (size_t)len));
        uint64_t next;
        int64_t roff = rift_at(z, vpos, &next);
        int64_t dist;
        if (slot < 3)
            dist = (int64_t)((uint64_t)near - (uint64_t)roff);
        else if (raw == SOURCE_COPY)
            dist = (int64_t)(0 - (uint64_t)roff);
        else if (raw < RAW_OFFSET_BASE + 1)
            dist = lru[raw - (SOURCE_COPY + 1)];
        else
            dist = (int64_t)(raw - RAW_OFFSET_BASE);
        if (lru[0] != dist) {
            int64_t old1 = lru[1];
            lru[1] = lru[0];
            lru[0] = dist;
            if (old1 != dist)
                lru[2] = old1;
        }
        if (raw == SOURCE_COPY) {
            /* A copy from "the same place" of the source follows the RIFT
             * table, re-anchored at each of its breaks inside the copy. */
            uint64_t left = len;
            while (left) {
                uint64_t p = z->src_size + z->o;
                int64_t off = rift_at(z, p, &next);
                uint64_t k = next > p && next - p < left ? next - p : left;
                uint64_t s = p + (uint64_t)off;
                if (s >= p)
                    return mum__bits_error(b, MUM_EFORMAT,
                                           "a source copy from virtual position %" PRIu64
                                           ", not before %" PRIu64,
                                           s, p);
                copy_virtual(z, s, (size_t)k);
                left -= k;
            }
            continue;
        }
        uint64_t s = vpos - (uint64_t)dist;
        if (dist <= 0 || s >= vpos)
            return mum__bits_error(b, MUM_EFORMAT,
                                   "a match at distance %" PRId64 " from virtual position %" PRIu64,
                                   dist, vpos);
        copy_virtual(z, s, (size_t)len);
    }
    return MUM_OK;
}

int mum__delta_lz_decode(uint8_t **out, mum_ctx *ctx, const uint8_t *body, size_t body_size,
                         uint64_t base, const uint8_t *source, size_t source_size,
                         size_t target_size, const mum__rift *extra, size_t nextra)
{
    *out = NULL;
    if (body_size == 0 && target_size != 0)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: byte %" PRIu64 ": no body for a target of %zu bytes",
                          base, target_size);
    if (source_size > INT64_MAX / 2 || target_size > INT64_MAX / 2)
        return mum__error(ctx, MUM_ELIMIT, NULL, "PA30 delta: a source or target too large");
    lz z = {.ctx = ctx, .src = source, .src_size = source_size, .out_size = target_size};
    /* A first guess at what the body makes: a few times its size (LZ
     * rarely does better), all of a small target; grow() does the rest. */
    z.cap = body_size < SIZE_MAX / 16 - 65536 ? body_size * 16 + 65536 : SIZE_MAX;
    if (z.cap > target_size)
        z.cap = target_size;
    z.out = mum__malloc(z.cap + 1);
    if (!z.out)
        return mum__nomem(ctx);
    if (target_size == 0) {
        *out = z.out;
        return MUM_OK;
    }
    segments sg = {0};
    int rc = mum__bits_init(&z.b, ctx, body, body_size, base);
    if (rc == MUM_OK)
        rc = mum__huff_init(&z.main, ctx, MAIN_SYMS, 12);
    if (rc == MUM_OK)
        rc = mum__huff_init(&z.len, ctx, LEN_SYMS, 10);
    if (rc == MUM_OK)
        rc = mum__huff_init(&z.align, ctx, ALIGN_SYMS, 8);
    if (rc == MUM_OK)
        rc = rift_read(&z, extra, nextra);
    if (rc == MUM_OK)
        rc = composite_read(&z, &sg);
    if (rc == MUM_OK)
        rc = run(&z, &sg);
    mum__huff_clear(&z.main);
    mum__huff_clear(&z.len);
    mum__huff_clear(&z.align);
    mum__free(z.rpos);
    mum__free(z.roff);
    mum__free(sg.start);
    mum__free(sg.lengths);
    if (rc == MUM_OK)
        *out = z.out;
    else
        mum__free(z.out);
    return rc;
}
