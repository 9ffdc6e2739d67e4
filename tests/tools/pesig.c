/*
 * pesig - verifies the Authenticode signature embedded in a PE file through
 * the public API (mum_pe_signature, mum_pe_digest, mum_authenticode_verify):
 *   pesig [--trust PEM]... FILE
 * prints "FILE: STATUS [CHECK|TRUST-ISSUE] SIGNED-DIGEST-ALG SUBJECT" and
 * the detail.  Used by tests/cli/authenticode.sh; not installed.
 */
#include <mum/mum.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    unsigned char *p = malloc(cap);
    size_t got;
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                p = NULL;
            }
            p = q;
        }
    }
    fclose(f);
    *size = n;
    return p;
}

int main(int argc, char **argv)
{
    mum_trust *trust = NULL;
    mum_ctx *ctx = NULL;
    const char *file = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_trust_new(&trust) != MUM_OK)
        return 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
            if (mum_trust_add_pem_file(ctx, trust, argv[++i]) != MUM_OK) {
                fprintf(stderr, "pesig: %s\n", mum_ctx_message(ctx));
                return 3;
            }
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "usage: pesig [--trust PEM]... FILE\n");
        return 2;
    }
    size_t size;
    unsigned char *data = slurp(file, &size);
    if (!data) {
        fprintf(stderr, "pesig: %s: cannot read\n", file);
        return 3;
    }
    mum_location where = {.input = file};
    const uint8_t *der;
    size_t len;
    mum_signature *sig = NULL;
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t d[2][MUM_HASH_MAX_SIZE];
    int rc = 3;
    if (mum_pe_signature(ctx, data, size, &where, &der, &len) != MUM_OK ||
        mum_signature_parse(&sig, ctx, der, len, &where) != MUM_OK ||
        mum_pe_digest(ctx, data, size, &where, algs, 2, d) != MUM_OK) {
        fprintf(stderr, "pesig: %s\n", mum_ctx_message(ctx));
        goto done;
    }
    mum_file_digest fd[2] = {{MUM_HASH_SHA1, d[0]}, {MUM_HASH_SHA256, d[1]}};
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = trust;
    mum_sig_result r;
    mum_authenticode_info ai;
    if (mum_authenticode_content(&ai, ctx, sig) != MUM_OK ||
        mum_authenticode_verify(&r, ctx, sig, fd, 2, &o) != MUM_OK) {
        fprintf(stderr, "pesig: %s\n", mum_ctx_message(ctx));
        goto done;
    }
    const mum_signer_info *si = mum_signature_signer(sig, r.signer);
    printf("%s: %s", file, mum_sig_status_name(r.status));
    if (r.failed_check)
        printf(" %s", mum_sig_check_name(r.failed_check));
    if (r.trust_issue)
        printf(" %s", mum_sig_trust_issue_name(r.trust_issue));
    printf(" %s %s\n", mum_hash_name(ai.digest_alg), si && si->cert.subject ? si->cert.subject : "?");
    if (r.detail)
        printf("  %s\n", r.detail);
    if (r.time_source)
        printf("  time used: %s\n", mum_sig_time_source_name(r.time_source));
    rc = r.status == MUM_SIG_TRUSTED ? 0 : 1;
    mum_sig_result_clear(&r);
done:
    mum_signature_free(sig);
    mum_trust_free(trust);
    mum_ctx_free(ctx);
    free(data);
    return rc;
}
