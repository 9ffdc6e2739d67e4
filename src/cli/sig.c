/*
 * sig.c - what the commands that check signatures share: loading --trust
 * anchors, and a signature's signers and verdict as text and as JSON.
 */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cli_trust_load(const char *const *paths, size_t n, bool builtin, mum_trust **out)
{
    *out = NULL;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_trust_new(out) != MUM_OK) {
        mum_ctx_free(ctx);
        return cli_fail("out of memory");
    }
    int rc = EXIT_CLEAN;
    if (builtin && mum_trust_add_builtin(ctx, *out) != MUM_OK)
        rc = cli_fail_ctx(ctx);
    /* MUM_TRUST: more anchor files, colon-separated like PATH (empty
     * entries skipped); they add to the default store, as --trust does. */
    const char *env = getenv("MUM_TRUST");
    while (rc == EXIT_CLEAN && env && *env) {
        size_t len = strcspn(env, ":");
        if (len > 0) {
            char *path = strndup(env, len);
            if (!path)
                rc = cli_fail("out of memory");
            else if (mum_trust_add_pem_file(ctx, *out, path) != MUM_OK)
                rc = cli_fail("MUM_TRUST: %s", mum_ctx_message(ctx));
            free(path);
        }
        env += len + (env[len] == ':');
    }
    for (size_t i = 0; i < n && rc == EXIT_CLEAN; i++)
        if (mum_trust_add_pem_file(ctx, *out, paths[i]) != MUM_OK)
            rc = cli_fail_ctx(ctx);
    mum_ctx_free(ctx);
    /* No anchor at all: the signatures are checked for integrity only
     * (signature.no-anchors), as the library does with NULL anchors. */
    if (rc != EXIT_CLEAN || mum_trust_count(*out) == 0) {
        mum_trust_free(*out);
        *out = NULL;
    }
    return rc;
}

void cli_json_time(json_writer *w, const char *key, bool has, int64_t t)
{
    char buf[MUM_TIME_TEXT_MAX];
    json_key(w, key);
    if (!has) {
        json_null(w);
        return;
    }
    mum_time_format(t, buf);
    json_string(w, buf);
}

static void json_cert(json_writer *w, const mum_cert_info *c)
{
    json_begin_object(w);
    json_kv_string(w, "subject", c->subject);
    json_kv_string(w, "issuer", c->issuer);
    json_kv_string(w, "serial", c->serial);
    json_kv_string(w, "thumbprint", c->thumbprint);
    cli_json_time(w, "notBefore", c->subject != NULL, c->not_before);
    cli_json_time(w, "notAfter", c->subject != NULL, c->not_after);
    json_end_object(w);
}

void cli_json_signers(json_writer *w, const mum_signature *sig)
{
    json_key(w, "signers");
    json_begin_array(w);
    for (size_t i = 0; i < mum_signature_signer_count(sig); i++) {
        const mum_signer_info *s = mum_signature_signer(sig, i);
        json_begin_object(w);
        json_key(w, "certificate");
        json_cert(w, &s->cert);
        json_kv_bool(w, "certificatePresent", s->has_cert);
        json_kv_string(w, "digestAlgorithm", s->digest_alg ? mum_hash_name(s->digest_alg) : s->digest_alg_oid);
        json_kv_string(w, "signatureAlgorithm", s->signature_alg);
        cli_json_time(w, "signingTime", s->has_signing_time, s->signing_time);
        json_kv_string(w, "programName", s->program_name);
        json_kv_string(w, "moreInfoUrl", s->more_info_url);
        json_key(w, "timestamp");
        if (s->timestamp == MUM_TIMESTAMP_NONE) {
            json_null(w);
        } else {
            json_begin_object(w);
            json_kv_string(w, "kind", mum_timestamp_kind_name(s->timestamp));
            cli_json_time(w, "time", true, s->timestamp_time);
            json_kv_string(w, "digestAlgorithm", mum_hash_name(s->timestamp_digest_alg));
            json_key(w, "signer");
            json_cert(w, &s->timestamp_signer);
            json_end_object(w);
        }
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "certificates");
    json_begin_array(w);
    for (size_t i = 0; i < mum_signature_cert_count(sig); i++)
        json_cert(w, mum_signature_cert(sig, i));
    json_end_array(w);
}

void cli_json_sig_result(json_writer *w, const mum_sig_result *r)
{
    json_kv_string(w, "status", mum_sig_status_name(r->status));
    json_kv_string(w, "failedCheck", r->failed_check ? mum_sig_check_name(r->failed_check) : NULL);
    json_kv_string(w, "trustIssue", r->trust_issue ? mum_sig_trust_issue_name(r->trust_issue) : NULL);
    json_kv_string(w, "detail", r->detail);
    json_kv_string(w, "timeSource", mum_sig_time_source_name(r->time_source));
    cli_json_time(w, "evaluatedAt", r->time_source != MUM_SIG_TIME_NONE, r->evaluated_at);
    json_kv_string(w, "timestampNote", r->timestamp_note);
    cli_json_sig_checks(w, r);
}

void cli_json_sig_checks(json_writer *w, const mum_sig_result *r)
{
    bool signed_ = r->status != MUM_SIG_UNSIGNED;
    json_kv_string(w, "timestampStatus", signed_ ? mum_sig_timestamp_status_name(r->timestamp_status) : NULL);
    cli_json_time(w, "timestampTime", r->has_timestamp_time, r->timestamp_time);
    json_kv_string(w, "chainIntegrity", signed_ ? mum_sig_chain_status_name(r->chain_status) : NULL);
    json_kv_uint(w, "chainCertificatesChecked", r->chain_checked);
}

void cli_print_sig_result(const char *indent, const mum_signature *sig, const mum_sig_result *r)
{
    char t[MUM_TIME_TEXT_MAX];
    if (r->status == MUM_SIG_UNSIGNED)
        return;
    const mum_signer_info *s = mum_signature_signer(sig, r->signer);
    printf("%s%-14s %s\n", indent, "signer", s->cert.subject ? s->cert.subject : "(certificate absent)");
    printf("%s%-14s %s\n", indent, "issuer", s->cert.issuer ? s->cert.issuer : "?");
    printf("%s%-14s %s\n", indent, "serial", s->cert.serial ? s->cert.serial : "?");
    printf("%s%-14s %s\n", indent, "digest", s->digest_alg ? mum_hash_name(s->digest_alg) : s->digest_alg_oid);
    if (s->has_signing_time) {
        mum_time_format(s->signing_time, t);
        printf("%s%-14s %s\n", indent, "signing time", t);
    }
    if (s->timestamp != MUM_TIMESTAMP_NONE) {
        mum_time_format(s->timestamp_time, t);
        printf("%s%-14s %s (%s by %s): %s\n", indent, "timestamp", r->has_timestamp_time ? t : "no time",
               mum_timestamp_kind_name(s->timestamp),
               s->timestamp_signer.subject ? s->timestamp_signer.subject : "an absent certificate",
               mum_sig_timestamp_status_name(r->timestamp_status));
    } else {
        printf("%s%-14s %s\n", indent, "timestamp", mum_sig_timestamp_status_name(r->timestamp_status));
    }
    if (r->chain_status != MUM_SIG_CHAIN_UNCHECKED)
        printf("%s%-14s %s (%zu certificate signature%s checked)\n", indent, "chain",
               mum_sig_chain_status_name(r->chain_status), r->chain_checked, r->chain_checked == 1 ? "" : "s");
    if (r->status == MUM_SIG_INTEGRITY_FAILED) {
        printf("%s%-14s failed (%s): %s\n", indent, "integrity", mum_sig_check_name(r->failed_check), r->detail);
        return;
    }
    printf("%s%-14s ok\n", indent, "integrity");
    if (r->time_source != MUM_SIG_TIME_NONE) {
        mum_time_format(r->evaluated_at, t);
        printf("%s%-14s %s (%s)\n", indent, "evaluated at", t, mum_sig_time_source_name(r->time_source));
    }
    if (r->timestamp_note)
        printf("%s%-14s %s\n", indent, "note", r->timestamp_note);
    if (r->status == MUM_SIG_TRUSTED)
        printf("%s%-14s trusted\n", indent, "trust");
    else if (r->trust_issue == MUM_SIG_TRUST_NO_ANCHORS)
        printf("%s%-14s not evaluated: no trust anchors were given (--trust)\n", indent, "trust");
    else
        printf("%s%-14s %s: %s\n", indent, "trust", mum_sig_status_name(r->status), r->detail);
}
