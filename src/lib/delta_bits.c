/*
 * delta_bits.c - the bit reader of PA30 deltas: the parts too large to be
 * inline (delta_internal.h has the hot ones).
 */
#include "config.h"

#include "delta_internal.h"

#include <inttypes.h>
#include <stdio.h>

int mum__bits_init(mum__bits *b, mum_ctx *ctx, const uint8_t *p, size_t size, uint64_t base)
{
    *b = (mum__bits){.p = p, .size = size, .base = base, .ctx = ctx};
    if (size == 0)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: byte %" PRIu64 ": an empty bit stream", base);
    unsigned padding = p[0] & 7;
    b->end_bit = (uint64_t)size * 8 - padding;
    if (b->end_bit < 3)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: byte %" PRIu64
                          ": truncated: a bit stream shorter than its padding",
                          base);
    mum__bits_refill(b);
    mum__bits_skip(b, 3);
    return MUM_OK;
}

int mum__bits_error(const mum__bits *b, int status, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    uint64_t bit = mum__bits_tell(b);
    /* Past the end, the place worth naming is the end itself. */
    if (bit > b->end_bit)
        bit = b->end_bit;
    return mum__error(b->ctx, status, NULL, "PA30 delta: byte %" PRIu64 " bit %u: %s",
                      b->base + bit / 8, (unsigned)(bit % 8), what);
}

static int truncated(const mum__bits *b)
{
    return mum__bits_error(b, MUM_EFORMAT, "truncated: the data ends inside a value");
}

int mum__bits_varint(mum__bits *b, uint64_t *out)
{
    /* A run of zero bits counts the nibbles beyond the first (0..15), a one
     * ends it, then 4 * (count + 1) value bits, low first. */
    uint64_t head = mum__bits_peek(b, 17);
    unsigned zeros = 0;
    while (zeros < 16 && !(head >> zeros & 1))
        zeros++;
    if (zeros == 16)
        return mum__bits_tell(b) + 17 > b->end_bit
                   ? truncated(b)
                   : mum__bits_error(b, MUM_EFORMAT, "an integer of more than 64 bits");
    mum__bits_skip(b, zeros + 1);
    unsigned bits = (zeros + 1) * 4;
    uint64_t v = 0;
    for (unsigned done = 0; done < bits; done += 32) {
        unsigned k = bits - done < 32 ? bits - done : 32;
        v |= mum__bits_get(b, k) << done;
    }
    if (mum__bits_overrun(b))
        return truncated(b);
    *out = v;
    return MUM_OK;
}

int mum__bits_number(mum__bits *b, uint32_t *out)
{
    /* zeros (0..23), a one, then zeros + 8 bits under an implied top bit. */
    uint64_t head = mum__bits_peek(b, 32);
    unsigned zeros = 0;
    while (zeros < 24 && !(head >> zeros & 1))
        zeros++;
    if (zeros == 24)
        return mum__bits_tell(b) + 25 > b->end_bit
                   ? truncated(b)
                   : mum__bits_error(b, MUM_EFORMAT, "a match length of more than 31 bits");
    mum__bits_skip(b, zeros + 1);
    unsigned bits = zeros + 8;
    uint32_t v = (uint32_t)mum__bits_get(b, bits) | UINT32_C(1) << bits;
    if (mum__bits_overrun(b))
        return truncated(b);
    *out = v;
    return MUM_OK;
}

int mum__bits_buffer(mum__bits *b, const uint8_t **out, size_t *out_size, uint64_t *out_base)
{
    uint64_t size;
    CHECK(mum__bits_varint(b, &size));
    /* Align to a byte: the bits left in buf past a whole byte. */
    mum__bits_skip(b, b->n % 8);
    uint64_t at = mum__bits_tell(b) / 8;
    if (at > b->size || size > b->size - at || (at + size) * 8 > b->end_bit + 7)
        return mum__bits_error(b, MUM_EFORMAT,
                               "a buffer of %" PRIu64 " bytes where %zu remain", size,
                               at > b->size ? (size_t)0 : b->size - (size_t)at);
    *out = b->p + at;
    *out_size = (size_t)size;
    *out_base = b->base + at;
    /* Continue after it: drop what was loaded and start at its end. */
    b->pos = (size_t)(at + size);
    b->buf = 0;
    b->n = 0;
    return MUM_OK;
}
