/*
 * fuzz_pe.c - PE headers, Authenticode digests and embedded signatures on
 * arbitrary bytes.  The digest of a file and of the same file with a byte
 * of its certificate table changed are the same (the CheckSum field, by
 * contrast, may lie inside a hostile file's section and count there).
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

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
    if (mum_pe_parse(ctx, data, size, &where, &pi) == MUM_OK) {
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
            if (mum_signature_parse(ctx, der, len, &where, &sig) == MUM_OK) {
                mum_file_digest fd[2] = {{MUM_HASH_SHA1, d[0]}, {MUM_HASH_SHA256, d[1]}};
                mum_sig_result r;
                if (mum_authenticode_verify(ctx, sig, fd, 2, NULL, &r) == MUM_OK)
                    mum_sig_result_clear(&r);
                mum_signature_free(sig);
            }
        }
    }
    mum_cat_digests cd;
    (void)mum_cat_digests_compute(ctx, data, size, &where, &cd);
    mum_ctx_free(ctx);
    return 0;
}
