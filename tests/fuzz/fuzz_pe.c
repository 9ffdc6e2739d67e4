/*
 * fuzz_pe.c - PE headers, Authenticode digests and embedded signatures on
 * arbitrary bytes.  The digest of a file and of the same file with a byte
 * of its certificate table changed are the same (the CheckSum field, by
 * contrast, may lie inside a hostile file's section and count there).  The
 * streaming hasher (mum_pe_hasher) fed the same bytes in blocks of several
 * sizes gives what mum_pe_digest gives - the digests, or the same status
 * (MUM_ENOTFOUND for "not a PE file") and message - and the plain digests.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Streams data in blocks of `chunk` bytes; traps on any difference from
 * mum_pe_digest's result (ref, d, ref_msg). */
static void cross_check(const uint8_t *data, size_t size, size_t chunk, int ref,
                        const uint8_t (*d)[MUM_HASH_MAX_SIZE], const char *ref_msg)
{
    static const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    mum_ctx *ctx = NULL;
    mum_pe_hasher *h = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_pe_hasher_new(&h, algs, 2, MUM_PE_HASHER_FLAT) != MUM_OK) {
        mum_ctx_free(ctx);
        return;
    }
    int rc = MUM_OK;
    for (size_t at = 0; at < size && rc == MUM_OK; at += chunk)
        rc = mum_pe_hasher_update(h, data + at, size - at < chunk ? size - at : chunk);
    uint8_t got[2][MUM_HASH_MAX_SIZE] = {{0}}, flat[2][MUM_HASH_MAX_SIZE] = {{0}};
    mum_location where = {.input = "fuzz.dll"};
    if (rc == MUM_OK)
        rc = mum_pe_hasher_finish(h, ctx, &where, got, flat);
    mum_pe_hasher_free(h);
    if (rc == MUM_ENOMEM || ref == MUM_ENOMEM) {
        mum_ctx_free(ctx); /* an injected allocation failure on one side */
        return;
    }
    int expect = ref == MUM_EFORMAT && !mum_pe_probe(data, size) ? MUM_ENOTFOUND : ref;
    if (rc != expect)
        __builtin_trap();
    /* The messages agree, unless an injected allocation failure degraded
     * one (the context keeps the status but loses the location, or says
     * only "out of memory"): every message here starts with the input. */
    static const char input[] = "fuzz.dll: ";
    const char *msg = mum_ctx_message(ctx);
    if (strncmp(msg, input, sizeof input - 1) == 0 && strncmp(ref_msg, input, sizeof input - 1) == 0 &&
        strcmp(msg, ref_msg) != 0)
        __builtin_trap();
    if (rc == MUM_OK && (memcmp(got[0], d[0], 20) != 0 || memcmp(got[1], d[1], 32) != 0))
        __builtin_trap();
    uint8_t sha256[32];
    if (mum_hash_buffer(sha256, MUM_HASH_SHA256, data, size) == MUM_OK && memcmp(flat[1], sha256, 32) != 0)
        __builtin_trap();
    mum_ctx_free(ctx);
}

static void stream_checks(const uint8_t *data, size_t size, mum_ctx *ctx, const mum_location *where)
{
    static const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t d[2][MUM_HASH_MAX_SIZE] = {{0}};
    mum_ctx_clear(ctx);
    int ref = mum_pe_digest(ctx, data, size, where, algs, 2, d);
    char *msg = strdup(mum_ctx_message(ctx));
    if (!msg)
        return;
    const size_t chunks[] = {size ? size : 1, 7, 4096, size ? (size_t)data[size - 1] % 97 + 1 : 1, 1};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++)
        if (chunks[i] > 1 || size <= 65536)
            cross_check(data, size, chunks[i], ref, (const uint8_t(*)[MUM_HASH_MAX_SIZE])d, msg);
    free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (4 << 20))
        return 0;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 0;
    mum_location where = {.input = "fuzz.dll"};
    (void)mum_pe_probe(data, size);
    mum_pe_info pi;
    if (mum_pe_parse(&pi, ctx, data, size, &where) == MUM_OK) {
        static const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
        uint8_t d[2][MUM_HASH_MAX_SIZE] = {{0}}, e[2][MUM_HASH_MAX_SIZE] = {{0}};
        if (mum_pe_digest(ctx, data, size, &where, algs, 2, d) == MUM_OK && pi.cert_size) {
            /* the certificate table is not part of the digest */
            uint8_t *copy = malloc(size);
            if (copy) {
                memcpy(copy, data, size);
                copy[pi.cert_offset + pi.cert_size / 2] ^= 0xff;
                if (mum_pe_digest(ctx, copy, size, &where, algs, 2, e) == MUM_OK &&
                    memcmp(d, e, sizeof d) != 0)
                    __builtin_trap();
                free(copy);
            }
        }
        const uint8_t *der;
        size_t len;
        if (mum_pe_signature(ctx, data, size, &where, &der, &len) == MUM_OK) {
            if (der < (const uint8_t *)data || der + len > (const uint8_t *)data + size)
                __builtin_trap();
            mum_signature *sig = NULL;
            if (mum_signature_parse(&sig, ctx, der, len, &where) == MUM_OK) {
                mum_file_digest fd[2] = {{MUM_HASH_SHA1, d[0]}, {MUM_HASH_SHA256, d[1]}};
                mum_sig_result r;
                if (mum_authenticode_verify(&r, ctx, sig, fd, 2, NULL) == MUM_OK)
                    mum_sig_result_clear(&r);
                mum_signature_free(sig);
            }
        }
    }
    mum_cat_digests cd;
    (void)mum_cat_digests_compute(&cd, ctx, data, size, &where);
    stream_checks(data, size, ctx, &where);
    mum_ctx_free(ctx);
    return 0;
}
