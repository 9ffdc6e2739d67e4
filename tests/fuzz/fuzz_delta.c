/*
 * fuzz_delta.c - the PA30 decoder (mum_delta_header_read, mum_delta_apply)
 * on arbitrary deltas against arbitrary sources.
 *
 * The input: a 16-bit little-endian word whose low 15 bits are the source's
 * length (cut to what follows) and whose top bit turns the hash check off,
 * then the source, then the delta.  Targets are capped at 16 MiB (the
 * options' max_target), so a header asking for gigabytes is refused rather
 * than allocated.  A delta that decodes must give a target of the header's
 * size, and the same target when decoded again.  The seeds are made by
 * tests/tools/gen-hostile-deltas.py --fuzz-seeds (the independent writer).
 */
#include "config.h"

#include "fuzz.h"

#include <mum/mum.h>
#include <mum/delta.h>

#include <stdlib.h>
#include <string.h>

enum { FUZZ_MAX_TARGET = 16 << 20, FUZZ_RECHECK_MAX = 1 << 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned word = data[0] | (unsigned)data[1] << 8;
    size_t src_size = word & 0x7fff;
    if (src_size > size - 2)
        src_size = size - 2;
    const uint8_t *src = data + 2;
    const uint8_t *delta = src + src_size;
    size_t delta_size = size - 2 - src_size;

    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 0;
    mum_delta_header h;
    int hrc = mum_delta_header_read(&h, ctx, delta, delta_size);
    if (hrc == MUM_OK && (h.hash_len > sizeof h.hash || h.header_size > delta_size ||
                          h.target_size > MUM_DELTA_MAX_TARGET))
        abort();

    mum_delta_options opts = MUM_DELTA_OPTIONS_INIT;
    opts.max_target = FUZZ_MAX_TARGET;
    opts.no_hash_check = (word & 0x8000) != 0;
    uint8_t *out = NULL;
    size_t out_size = 0;
    int rc = mum_delta_apply(&out, &out_size, ctx, src_size ? src : NULL, src_size, delta,
                             delta_size, &opts);
    if (rc == MUM_OK) {
        /* what decodes had a header that reads, and gives its size */
        if (hrc != MUM_OK || out_size != h.target_size || (out_size && !out))
            abort();
        if (out_size <= FUZZ_RECHECK_MAX) {
            uint8_t *again = NULL;
            size_t again_size = 0;
            if (mum_delta_apply(&again, &again_size, ctx, src_size ? src : NULL, src_size, delta,
                                delta_size, &opts) == MUM_OK &&
                (again_size != out_size || (out_size && memcmp(again, out, out_size) != 0)))
                abort();
            mum_free(again);
        }
    } else if (out || out_size || !mum_ctx_message(ctx) || !*mum_ctx_message(ctx)) {
        /* nothing is returned on error, and the error has its message */
        abort();
    }
    mum_free(out);
    mum_ctx_free(ctx);
    return 0;
}
