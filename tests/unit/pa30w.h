/*
 * pa30w.h - a small writer of PA30 deltas for the unit tests (doc/pa30.md):
 * the bit stream (LSB first, varints, buffers, prefix codes MSB first), a
 * header with its fields, bodies in the simple composite format (flat
 * codes).  Static functions: include it in one test file.
 */
#ifndef MUM_TEST_PA30W_H
#define MUM_TEST_PA30W_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mum/delta.h>

/* ---- a bit writer of the format ---- */

typedef struct bw {
    uint8_t *p;
    size_t cap;
    size_t nbits;
} bw;

static inline void bw_init(bw *w)
{
    w->cap = 1024;
    w->p = calloc(1, w->cap);
    w->nbits = 3; /* the padding count, set by bw_finish */
}

static inline void bw_bit(bw *w, unsigned v)
{
    if (w->nbits / 8 >= w->cap) {
        w->p = realloc(w->p, w->cap * 2);
        memset(w->p + w->cap, 0, w->cap);
        w->cap *= 2;
    }
    if (v & 1)
        w->p[w->nbits / 8] |= (uint8_t)(1u << (w->nbits % 8));
    w->nbits++;
}

/* n bits of v, low first */
static inline void bw_bits(bw *w, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        bw_bit(w, (unsigned)(v >> i & 1));
}

/* a prefix code: most significant bit first */
static inline void bw_code(bw *w, uint32_t code, unsigned len)
{
    for (unsigned i = len; i-- > 0;)
        bw_bit(w, code >> i & 1);
}

static inline void bw_varint(bw *w, uint64_t v)
{
    unsigned z = 0;
    while (z < 15 && (v >> (4 * (z + 1))) != 0)
        z++;
    bw_bits(w, UINT64_C(1) << z, z + 1);
    bw_bits(w, v, 4 * (z + 1));
}

static inline void bw_align(bw *w)
{
    while (w->nbits % 8)
        bw_bit(w, 0);
}

static inline void bw_buffer(bw *w, const uint8_t *p, size_t n)
{
    bw_varint(w, n);
    bw_align(w);
    for (size_t i = 0; i < n; i++)
        bw_bits(w, p[i], 8);
}

/* Sets the padding count; returns the size in bytes. */
static inline size_t bw_finish(bw *w)
{
    size_t pad = (8 - w->nbits % 8) % 8;
    w->nbits += pad;
    w->p[0] = (uint8_t)((w->p[0] & ~7u) | pad);
    return w->nbits / 8;
}

typedef struct hdr {
    int64_t type_set, type, flags;
    uint64_t target_size;
    uint32_t alg;
    const uint8_t *hash;
    size_t hash_len;
    unsigned version; /* 30 or 31 */
    const uint8_t *pre; /* the preprocessing data (PE file types) */
    size_t pre_len;
} hdr;

#define HDR_RAW(n) (hdr){1, 1, 0, (n), 0, NULL, 0, 30, NULL, 0}

static inline void bw_fields(bw *w, const hdr *h)
{
    bw_varint(w, (uint64_t)h->type_set);
    bw_varint(w, (uint64_t)h->type);
    bw_varint(w, (uint64_t)h->flags);
    bw_varint(w, h->target_size);
    bw_varint(w, h->alg);
    bw_buffer(w, h->hash, h->hash_len);
}

/* A whole delta: magic, FILETIME, the header's stream with the body. */
static inline uint8_t *make_delta(const hdr *h, const uint8_t *body, size_t body_len, size_t *out_len)
{
    bw w;
    bw_init(&w);
    if (h->version == 31) {
        bw sub;
        bw_init(&sub);
        bw_fields(&sub, h);
        bw_varint(&sub, 0);
        bw_varint(&sub, 0);
        bw_varint(&sub, 0);
        bw_buffer(&sub, NULL, 0);
        size_t n = bw_finish(&sub);
        bw_buffer(&w, sub.p, n);
        free(sub.p);
    } else {
        bw_fields(&w, h);
    }
    bw_buffer(&w, h->pre, h->pre_len);
    bw_buffer(&w, body, body_len);
    size_t n = bw_finish(&w);
    uint8_t *d = malloc(n + 12);
    memcpy(d, h->version == 31 ? "PA31" : "PA30", 4);
    memset(d + 4, 0, 8);
    memcpy(d + 12, w.p, n);
    free(w.p);
    *out_len = n + 12;
    return d;
}

/* ---- bodies: the simple composite format (flat codes) ---- */

/* Main symbols 0..423 have 9-bit codes 88 + s; 424..599 10-bit codes s - 424. */
static inline void flat_main(bw *w, unsigned sym)
{
    if (sym < 424)
        bw_code(w, 88 + sym, 9);
    else
        bw_code(w, sym - 424, 10);
}

static inline void body_start(bw *w)
{
    bw_init(w);
    bw_bit(w, 0); /* no RIFT table */
    bw_bit(w, 1); /* the simple format */
}

static inline void lit(bw *w, uint8_t c)
{
    flat_main(w, c);
}

/* A match of distance class x (1..3: that distance) and length 2..8. */
static inline void match_short(bw *w, unsigned x, unsigned len)
{
    flat_main(w, 256 + (7 + x) * 8 + (len - 1));
}

/* A match from the repeat-offset cache entry i (0..2), length 2..8. */
static inline void match_lru(bw *w, unsigned i, unsigned len)
{
    flat_main(w, 256 + (4 + i) * 8 + (len - 1));
}

typedef struct built {
    uint8_t *delta;
    size_t len;
} built;

static inline built build(bw *body, const hdr *h)
{
    size_t n = bw_finish(body);
    built b;
    b.delta = make_delta(h, body->p, n, &b.len);
    free(body->p);
    return b;
}

static inline int apply(built b, const void *src, size_t src_len, uint8_t **out, size_t *out_len,
                 mum_ctx *ctx)
{
    int rc = mum_delta_apply(out, out_len, ctx, src, src_len, b.delta, b.len, NULL);
    free(b.delta);
    return rc;
}

#endif /* MUM_TEST_PA30W_H */
