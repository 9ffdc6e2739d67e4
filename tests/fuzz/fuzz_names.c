/*
 * fuzz_names.c - package names, keyforms, the pseudo-key and keyform checks
 * on arbitrary bytes.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK)
        goto done;

    mum_package_name pn;
    if (mum_package_name_parse(&pn, ctx, text) == MUM_OK) {
        char *again = NULL;
        mum_identity_validate(&pn.id, MUM_REQUIRE_COMPONENT, findings, NULL);
        if (mum_package_name_format(&again, &pn.id, pn.extension) == MUM_OK) {
            /* a parsed name formats back to itself */
            if (strcmp(again, text) != 0 && !mum_culture_is_neutral(pn.id.language))
                abort();
            mum_free(again);
        }
        mum_package_name_clear(&pn);
    }

    mum_keyform kf;
    if (mum_keyform_parse(&kf, ctx, text) == MUM_OK) {
        mum_keycheck kc;
        mum_keyform_check(&kc, &kf);
        mum_identity id = MUM_IDENTITY_INIT;
        if (mum_identity_set(&id, MUM_ATTR_NAME, kf.name) == MUM_OK &&
            mum_identity_set(&id, MUM_ATTR_ARCH, kf.arch) == MUM_OK &&
            mum_identity_set(&id, MUM_ATTR_VERSION, kf.version) == MUM_OK &&
            mum_identity_set(&id, MUM_ATTR_LANGUAGE, kf.culture) == MUM_OK) {
            char *s = NULL;
            mum_identity_validate(&id, MUM_REQUIRE_NAME, findings, NULL);
            if (mum_keyform_format(&s, &id, 0) == MUM_OK) {
                mum_keyform back;
                /* what we format, we parse */
                if (mum_keyform_parse(&back, NULL, s) == MUM_EFORMAT && !strpbrk(s, "/\\"))
                    abort();
                mum_keyform_clear(&back);
                mum_free(s);
            }
        }
        mum_identity_clear(&id);
        mum_keyform_clear(&kf);
    }

    char *cut = NULL;
    if (mum_truncate_middle(&cut, text, 40, 19) == MUM_OK)
        mum_free(cut);
    (void)mum_strcasecmp_utf8(text, "Microsoft-Windows-TCPIP-Binaries");

done:
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    free(text);
    return 0;
}
