/*
 * names_check.c - a name given on its own: which kind it is, whether it
 * parses, whether its fields are valid identity attributes and whether a
 * keyform's pseudo-key can be confirmed.  What `mumtool name parse` and
 * `name check` report, judged here so the command only prints.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* A '~' or a .mum/.cat ending makes a package name; anything else is a keyform. */
static bool is_package_name(const char *s)
{
    size_t n = strlen(s);
    if (strchr(s, '~'))
        return true;
    return n > 4 && (mum__ascii_strcasecmp(s + n - 4, ".mum") == 0 || mum__ascii_strcasecmp(s + n - 4, ".cat") == 0);
}

const char *mum_name_kind_name(mum_name_kind kind)
{
    return kind == MUM_NAME_PACKAGE ? "package" : kind == MUM_NAME_COMPONENT ? "component" : "invalid";
}

void mum_name_clear(mum_name *name)
{
    if (!name)
        return;
    mum_package_name_clear(&name->package);
    mum_keyform_clear(&name->keyform);
    mum__free(name->error);
    memset(name, 0, sizeof *name);
}

/* The keyform's fields as identity attributes; "none" and a truncated culture mean absent. */
static int keyform_identity(const mum_keyform *kf, mum_identity *id)
{
    const char *culture = kf->culture;
    if (mum_identity_set(id, MUM_ATTR_NAME, kf->name) != MUM_OK ||
        mum_identity_set(id, MUM_ATTR_ARCH, kf->arch) != MUM_OK ||
        mum_identity_set(id, MUM_ATTR_PUBLIC_KEY_TOKEN, kf->public_key_token) != MUM_OK ||
        mum_identity_set(id, MUM_ATTR_VERSION, kf->version) != MUM_OK ||
        mum_identity_set(id, MUM_ATTR_LANGUAGE,
                         kf->culture_truncated || strcmp(culture, "none") == 0 ? NULL : culture) != MUM_OK)
        return MUM_ENOMEM;
    return MUM_OK;
}

int mum_name_parse(mum_name *out, const char *text, mum_findings *findings)
{
    if (!out || !text)
        return MUM_EINVAL;
    memset(out, 0, sizeof *out);
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return MUM_ENOMEM;
    int rc;
    mum_identity kid = MUM_IDENTITY_INIT;
    const mum_identity *id = NULL;
    if (is_package_name(text)) {
        out->kind = MUM_NAME_PACKAGE;
        rc = mum_package_name_parse(&out->package, ctx, text);
        id = &out->package.id;
    } else {
        out->kind = MUM_NAME_COMPONENT;
        rc = mum_keyform_parse(&out->keyform, ctx, text);
        if (rc == MUM_OK)
            rc = keyform_identity(&out->keyform, &kid);
        id = &kid;
    }
    mum_location loc = {.input = text};
    if (rc != MUM_OK && rc != MUM_ENOMEM) {
        out->kind = MUM_NAME_INVALID;
        out->column = mum_ctx_location(ctx)->column;
        loc.line = 1;
        loc.column = out->column;
        if (!(out->error = mum__strdup(mum_ctx_reason(ctx))))
            rc = MUM_ENOMEM;
        else
            rc = mum__finding(findings, MUM_R_NAME_MALFORMED, &loc, "%s", mum_ctx_reason(ctx));
    } else if (rc == MUM_OK) {
        rc = mum_identity_validate(id, MUM_REQUIRE_NAME, findings, &loc);
    }
    mum_identity_clear(&kid);
    mum_ctx_free(ctx);
    return rc;
}

const char *mum_name_verdict_name(mum_name_verdict verdict)
{
    switch (verdict) {
    case MUM_NAME_VERDICT_NOT_APPLICABLE: return "not-applicable";
    case MUM_NAME_VERDICT_CONFIRMED: return "confirmed";
    case MUM_NAME_VERDICT_CANNOT_CONFIRM: return "cannot-confirm";
    default: return "invalid";
    }
}

void mum_name_check_result_clear(mum_name_check_result *result)
{
    if (!result)
        return;
    mum__free(result->detail);
    memset(result, 0, sizeof *result);
}

int mum_name_check(mum_name_check_result *out, const mum_name *name, const char *text, mum_findings *findings)
{
    if (!out || !name || !text)
        return MUM_EINVAL;
    memset(out, 0, sizeof *out);
    const char *fixed = NULL;
    if (name->kind == MUM_NAME_INVALID) {
        out->verdict = MUM_NAME_VERDICT_INVALID;
        fixed = name->error;
    } else if (name->kind == MUM_NAME_PACKAGE) {
        out->verdict = MUM_NAME_VERDICT_NOT_APPLICABLE;
        fixed = "a package name carries no pseudo-key";
    } else if (mum_keyform_check(&out->keycheck, &name->keyform) != MUM_OK) {
        out->verdict = MUM_NAME_VERDICT_INVALID;
        fixed = "the name is not valid UTF-8";
    } else if (out->keycheck.verdict == MUM_KEYCHECK_CONFIRMED) {
        out->verdict = MUM_NAME_VERDICT_CONFIRMED;
        out->detail = mum__asprintf("versionScope=%s, type=%s",
                                    out->keycheck.version_scope ? out->keycheck.version_scope : "(absent)",
                                    out->keycheck.type ? out->keycheck.type : "(absent)");
        return out->detail ? MUM_OK : MUM_ENOMEM;
    } else {
        const mum_keyform *kf = &name->keyform;
        mum_location loc = {.input = text};
        out->verdict = MUM_NAME_VERDICT_CANNOT_CONFIRM;
        if (out->keycheck.verdict == MUM_KEYCHECK_TRUNCATED) {
            fixed = kf->name_truncated ? "the name is truncated, the full name is needed"
                                       : "the culture is truncated, the full culture is needed";
            if (!(out->detail = mum__strdup(fixed)))
                return MUM_ENOMEM;
            return mum__finding(findings, MUM_R_NAME_KEY_TRUNCATED, &loc, "cannot confirm pseudo-key %s: %s",
                                kf->key_text, fixed);
        }
        out->detail = mum__asprintf("none of the %u common versionScope/type cases gives %s",
                                    out->keycheck.cases_tried, kf->key_text);
        if (!out->detail)
            return MUM_ENOMEM;
        return mum__finding(findings, MUM_R_NAME_KEY_UNCONFIRMED, &loc, "cannot confirm pseudo-key: %s",
                            out->detail);
    }
    if (fixed && !(out->detail = mum__strdup(fixed)))
        return MUM_ENOMEM;
    return MUM_OK;
}

bool mum_name_finding_in_verdict(const mum_finding *finding)
{
    if (!finding || !finding->rule)
        return false;
    const mum_rule *r = finding->rule;
    return r == mum__rule(MUM_R_NAME_MALFORMED) || r == mum__rule(MUM_R_NAME_KEY_TRUNCATED) ||
           r == mum__rule(MUM_R_NAME_KEY_UNCONFIRMED);
}
