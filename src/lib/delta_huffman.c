/*
 * delta_huffman.c - the prefix codes of PA30 bodies.
 *
 * Codes are canonical, but the other way round from DEFLATE's: the longest
 * codes take the smallest values (the first code of length L is half the
 * end of the codes of length L + 1), and each code is sent from its most
 * significant bit.  Decoding looks the next fast_bits bits up in a table;
 * the rare longer codes walk the lengths one bit at a time.
 */
#include "config.h"

#include "delta_internal.h"

int mum__huff_init(mum__huff *h, mum_ctx *ctx, unsigned nsym, unsigned fast_bits)
{
    *h = (mum__huff){.nsym = nsym, .fast_bits = fast_bits};
    h->fast = mum__calloc((size_t)1 << fast_bits, sizeof *h->fast);
    h->sorted = mum__calloc(nsym, sizeof *h->sorted);
    if (!h->fast || !h->sorted) {
        mum__huff_clear(h);
        return mum__nomem(ctx);
    }
    return MUM_OK;
}

void mum__huff_clear(mum__huff *h)
{
    mum__free(h->fast);
    mum__free(h->sorted);
    h->fast = NULL;
    h->sorted = NULL;
}

static uint32_t reverse_bits(uint32_t v, unsigned n)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < n; i++, v >>= 1)
        r = r << 1 | (v & 1);
    return r;
}

int mum__huff_build(mum__huff *h, const uint8_t *lengths, const mum__bits *b, const char *what)
{
    memset(h->count, 0, sizeof h->count);
    h->max_len = 0;
    for (unsigned s = 0; s < h->nsym; s++) {
        if (lengths[s] > MUM__HUFF_MAX_LEN)
            return mum__bits_error(b, MUM_EFORMAT, "%s: symbol %u has a code of %u bits", what, s,
                                   lengths[s]);
        h->count[lengths[s]]++;
        if (lengths[s] > h->max_len)
            h->max_len = lengths[s];
    }
    h->count[0] = 0;
    size_t nfast = (size_t)1 << h->fast_bits;
    memset(h->fast, 0, nfast * sizeof *h->fast);
    if (h->max_len == 0)
        return MUM_OK; /* empty: reading from it is the error */

    /* Kraft: the codes must fill the code space exactly.  An incomplete set
     * of lengths does not even give prefix-free codes in this canonical
     * order, and an over-full one cannot.  One exception: a lone symbol
     * with a 1-bit code, which Windows' encoder writes for a segment that
     * uses one symbol of an alphabet (a genuine express delta of KB2883457
     * has such a length code); its code is 0, and a 1 is "a code no symbol
     * has" when read. */
    uint64_t space = 0;
    for (unsigned l = 1; l <= h->max_len; l++)
        space += (uint64_t)h->count[l] << (h->max_len - l);
    bool lone = h->max_len == 1 && h->count[1] == 1;
    if (space != (uint64_t)1 << h->max_len && !lone)
        return mum__bits_error(b, MUM_EFORMAT, "%s: code lengths that are %s prefix code", what,
                               space > (uint64_t)1 << h->max_len ? "over-subscribed, not a"
                                                                 : "incomplete, not a whole");

    uint32_t code = 0;
    for (unsigned l = h->max_len; l >= 1; l--) {
        h->first[l] = code;
        code = (code + h->count[l]) >> 1;
    }
    unsigned idx = 0;
    for (unsigned l = 1; l <= h->max_len; l++) {
        h->index[l] = (uint16_t)idx;
        idx += h->count[l];
    }
    uint16_t next[MUM__HUFF_MAX_LEN + 1];
    memcpy(next, h->index, sizeof next);
    uint32_t next_code[MUM__HUFF_MAX_LEN + 1];
    memcpy(next_code, h->first, sizeof next_code);
    for (unsigned s = 0; s < h->nsym; s++) {
        unsigned l = lengths[s];
        if (!l)
            continue;
        h->sorted[next[l]++] = (uint16_t)s;
        uint32_t c = next_code[l]++;
        if (l > h->fast_bits)
            continue;
        uint32_t e = s | (uint32_t)l << 16;
        for (size_t i = reverse_bits(c, l); i < nfast; i += (size_t)1 << l)
            h->fast[i] = e;
    }
    return MUM_OK;
}

int mum__huff_read_slow(const mum__huff *h, mum__bits *b, unsigned *sym)
{
    if (h->max_len == 0)
        return mum__bits_error(b, MUM_EFORMAT, "a symbol from an empty code");
    uint64_t bits = mum__bits_peek(b, h->max_len);
    uint32_t code = 0;
    for (unsigned l = 1; l <= h->max_len; l++) {
        code = code << 1 | (uint32_t)(bits >> (l - 1) & 1);
        /* Below first[l]: a prefix of a longer code. */
        if (code >= h->first[l] && code - h->first[l] < h->count[l]) {
            mum__bits_skip(b, l);
            *sym = h->sorted[h->index[l] + (code - h->first[l])];
            return MUM_OK;
        }
    }
    /* A complete code always ends above; keep the reader honest anyway. */
    return mum__bits_error(b, MUM_EFORMAT, "a code no symbol has");
}
