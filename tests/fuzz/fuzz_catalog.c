/*
 * fuzz_catalog.c - catalogs and PKCS#7 signatures on arbitrary bytes:
 * parse, check, look files up, verify (integrity; no anchors), and read the
 * same bytes as an Authenticode signature.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <string.h>

static void verify(const mum_signature *sig, bool authenticode)
{
    mum_sig_result r;
    int rc;
    if (authenticode) {
        static const uint8_t zeros[MUM_HASH_MAX_SIZE];
        mum_file_digest d[2] = {{MUM_HASH_SHA1, zeros}, {MUM_HASH_SHA256, zeros}};
        rc = mum_authenticode_verify(&r, NULL, sig, d, 2, NULL);
    } else {
        rc = mum_signature_verify(&r, NULL, sig, NULL);
    }
    if (rc != MUM_OK)
        return;
    mum_findings *f = NULL;
    if (mum_findings_new(&f) == MUM_OK)
        mum_sig_result_findings(&r, sig, f, NULL);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 0;
    mum_location where = {.input = "fuzz.cat"};
    mum_catalog *cat = NULL;
    if (mum_catalog_parse(&cat, ctx, data, size, &where) == MUM_OK) {
        const mum_catalog_info *ci = mum_catalog_get_info(cat);
        for (size_t i = 0; i < ci->member_count; i++) {
            const mum_cat_member *m = mum_catalog_member(cat, i);
            char text[MUM_CAT_TAG_TEXT_MAX];
            uint8_t tag[MUM_CAT_TAG_MAX];
            if (!mum_cat_member_tag_text(m, text) || !mum_cat_member_tag(m, tag) ||
                m->digest_len > MUM_HASH_MAX_SIZE)
                __builtin_trap();
            (void)mum_cat_member_attr(m, "File");
            /* every member is found by its own digest */
            mum_cat_digests d;
            memset(&d, 0, sizeof d);
            if (m->digest_len == 32 && m->kind != MUM_CAT_KIND_PE)
                memcpy(d.sha256, m->digest, 32);
            else if (m->digest_len == 20 && m->kind != MUM_CAT_KIND_PE)
                memcpy(d.sha1, m->digest, 20);
            else
                continue;
            mum_cat_hit hits[4];
            if (mum_catalog_match(cat, &d, hits, 4) == 0)
                __builtin_trap();
        }
        (void)mum_catalog_attr_value(cat, "OSAttr");
        mum_findings *f = NULL;
        if (mum_findings_new(&f) == MUM_OK)
            mum_catalog_check(cat, f, &where);
        mum_findings_free(f);
        verify(mum_catalog_signature(cat), false);
        mum_catalog_free(cat);
    }
    mum_signature *sig = NULL;
    if (mum_signature_parse(&sig, ctx, data, size, &where) == MUM_OK) {
        mum_authenticode_info ai;
        (void)mum_authenticode_content(&ai, ctx, sig);
        verify(sig, true);
        mum_signature_free(sig);
    }
    mum_ctx_free(ctx);
    return 0;
}
