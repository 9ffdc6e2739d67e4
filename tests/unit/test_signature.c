/*
 * test_signature.c - the Authenticode API on PE images that osslsigncode
 * signs with the throwaway test CA, trust anchors, signing keys, and
 * malformed signatures.  Catalog signatures are in test_catalog.c.
 */
#include "testca.h"

#include "pegen.h"

#include <mum/pe.h>
#include <mum/signature.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <pthread.h>

#include "internal.h"
#include "sig_internal.h"

static bool have_osslsigncode(void)
{
    return system("command -v osslsigncode >/dev/null 2>&1") == 0;
}

typedef struct signed_pe {
    uint8_t *data;
    size_t size;
} signed_pe;

/* A test image signed by osslsigncode with the named test key. */
static signed_pe sign_image(const char *who, const char *hash, unsigned overlay)
{
    if (!have_osslsigncode())
        cr_skip_test("osslsigncode is not installed (tools/install-deps)");
    char dir[256], in[300], out[300], cmd[2048];
    tu_scratch(dir);
    snprintf(in, sizeof in, "%s/in.dll", dir);
    snprintf(out, sizeof out, "%s/out.dll", dir);
    pegen_opts o = PEGEN_OPTS_INIT;
    o.overlay = overlay;
    size_t size;
    uint8_t *img = pegen_build(&o, &size);
    tu_spit(in, img, size);
    free(img);
    char key[64], cert[64];
    snprintf(key, sizeof key, "%s.key", who);
    snprintf(cert, sizeof cert, "%s.pem", who);
    snprintf(cmd, sizeof cmd, "osslsigncode sign -h %s -certs '%s' -key '%s' -in '%s' -out '%s' >/dev/null 2>&1",
             hash, tu_ca_file(cert), tu_ca_file(key), in, out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    signed_pe s;
    s.data = tu_slurp(out, &s.size);
    cr_assert_not_null(s.data);
    tu_rmrf(dir);
    return s;
}

static mum_signature *embedded(const signed_pe *s)
{
    const uint8_t *der;
    size_t len;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_pe_signature(ctx, s->data, s->size, NULL, &der, &len), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_signature *sig;
    cr_assert_eq(mum_signature_parse(&sig, ctx, der, len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return sig;
}

static mum_sig_result check(const mum_signature *sig, const uint8_t *data, size_t size,
                            const char *anchor, bool sha1_only)
{
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t d[2][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, data, size, NULL, algs, 2, d), MUM_OK);
    mum_file_digest fd[2] = {{MUM_HASH_SHA1, d[0]}, {MUM_HASH_SHA256, d[1]}};
    mum_trust *t = NULL;
    if (anchor) {
        cr_assert_eq(mum_trust_new(&t), MUM_OK);
        cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file(anchor)), MUM_OK);
    }
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_authenticode_verify(&r, NULL, sig, fd, sha1_only ? 1 : 2, &o), MUM_OK);
    mum_trust_free(t);
    return r;
}

Test(authenticode, content_names_the_file_digest)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    mum_signature *sig = embedded(&s);
    cr_assert_str_eq(mum_signature_content_type(sig), MUM_OID_SPC_INDIRECT_DATA);
    mum_authenticode_info ai;
    cr_assert_eq(mum_authenticode_content(&ai, NULL, sig), MUM_OK);
    cr_assert_str_eq(ai.data_type, "1.3.6.1.4.1.311.2.1.15");
    cr_assert_eq(ai.digest_alg, MUM_HASH_SHA256);
    cr_assert_str_eq(ai.digest_alg_oid, "2.16.840.1.101.3.4.2.1");
    cr_assert_eq(ai.digest_len, 32);
    const mum_hash_alg alg = MUM_HASH_SHA256;
    uint8_t d[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, s.data, s.size, NULL, &alg, 1, d), MUM_OK);
    cr_assert_arr_eq(ai.digest, d[0], 32, "osslsigncode signed what mum_pe_digest computes");
    const mum_signer_info *si = mum_signature_signer(sig, 0);
    cr_assert_str_eq(si->cert.subject, "CN=mumtool test signer,O=mumtool tests");
    cr_assert_eq(si->digest_alg, MUM_HASH_SHA256);
    mum_signature_free(sig);
    free(s.data);
}

/* root.pem anchors the signature of S; against other.pem its root is unknown */
static void anchored_by_root_only(const mum_signature *sig, const signed_pe *s)
{
    mum_sig_result r = check(sig, s->data, s->size, "root.pem", false);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    mum_sig_result_clear(&r);
    r = check(sig, s->data, s->size, "other.pem", false);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_UNKNOWN_ROOT);
    mum_sig_result_clear(&r);
}

Test(authenticode, verifies_at_both_levels)
{
    signed_pe s = sign_image("signer", "sha256", 24);
    mum_signature *sig = embedded(&s);
    anchored_by_root_only(sig, &s);
    mum_sig_result r = check(sig, s.data, s.size, NULL, false);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_sig_result_findings(&r, sig, f, NULL), MUM_OK);
    const mum_finding *x = tu_find_rule(f, "signature.no-anchors");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, MUM_SEVERITY_INFO, "no anchors is not a failure");
    cr_assert(strstr(x->message, "mumtool test signer"), "%s", x->message);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    mum_signature_free(sig);
    free(s.data);
}

Test(authenticode, a_changed_file_fails_the_file_digest)
{
    signed_pe s = sign_image("signer", "sha1", 0);
    mum_signature *sig = embedded(&s);
    mum_authenticode_info ai;
    cr_assert_eq(mum_authenticode_content(&ai, NULL, sig), MUM_OK);
    cr_assert_eq(ai.digest_alg, MUM_HASH_SHA1);
    s.data[0x500] ^= 0xff; /* a byte of the first section */
    mum_sig_result r = check(sig, s.data, s.size, "root.pem", false);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
    cr_assert(strstr(r.detail, "differs from the signed one"), "%s", r.detail);
    mum_findings *f;
    mum_findings_new(&f);
    mum_sig_result_findings(&r, sig, f, NULL);
    cr_assert_eq(tu_count_rule(f, "signature.file-digest"), 1);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    mum_signature_free(sig);
    free(s.data);
}

Test(authenticode, the_digest_of_the_right_algorithm_is_needed)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    mum_signature *sig = embedded(&s);
    mum_sig_result r = check(sig, s.data, s.size, "root.pem", true);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
    cr_assert(strstr(r.detail, "sha256 digest"), "%s", r.detail);
    mum_sig_result_clear(&r);
    cr_assert_eq(mum_authenticode_verify(&r, NULL, sig, NULL, 1, NULL), MUM_EINVAL);
    mum_sig_verify_options bad = MUM_SIG_VERIFY_OPTIONS_INIT;
    bad.version = 99;
    cr_assert_eq(mum_signature_verify(&r, NULL, sig, &bad), MUM_EINVAL);
    mum_signature_free(sig);
    free(s.data);
}

Test(authenticode, generic_verify_checks_the_content_digest)
{
    /* mum_signature_verify: integrity and trust without the file digest */
    signed_pe s = sign_image("signer", "sha256", 0);
    mum_signature *sig = embedded(&s);
    mum_trust *t;
    mum_trust_new(&t);
    mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem"));
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, NULL, sig, &o), MUM_OK);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    mum_sig_result_clear(&r);
    mum_trust_free(t);
    mum_signature_free(sig);
    free(s.data);
}

/* ---- anchors and keys ---- */

Test(trust, pem_files)
{
    mum_trust *t;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(ctx, t, tu_ca_file("root.pem")), MUM_OK);
    cr_assert_eq(mum_trust_count(t), 1);
    size_t n = 0, m = 0;
    uint8_t *a = tu_slurp(tu_ca_file("root.pem"), &n);
    uint8_t *b = tu_slurp(tu_ca_file("inter.pem"), &m);
    cr_assert(a && b);
    uint8_t *both = malloc(n + m + 20);
    memcpy(both, "# two certificates\n", 19);
    memcpy(both + 19, a, n);
    memcpy(both + 19 + n, b, m);
    cr_assert_eq(mum_trust_add_pem(ctx, t, both, n + m + 19, "both.pem"), MUM_OK);
    cr_assert_eq(mum_trust_count(t), 3);
    cr_assert_eq(mum_trust_add_pem(ctx, t, "nothing here\n", 13, "empty.pem"), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "empty.pem: no PEM certificate"), "%s", mum_ctx_message(ctx));
    /* a damaged certificate: nothing of the file is added */
    char *cut = malloc(n);
    memcpy(cut, a, n);
    memcpy(cut + 100, "!!!!", 4);
    cr_assert_eq(mum_trust_add_pem(ctx, t, cut, n, "cut.pem"), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "cut.pem: a damaged certificate"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_trust_count(t), 3);
    cr_assert_eq(mum_trust_add_pem_file(ctx, t, "/nonexistent/anchors.pem"), MUM_EIO);
    cr_assert(strstr(mum_ctx_message(ctx), "/nonexistent/anchors.pem: cannot open"), "%s", mum_ctx_message(ctx));
    free(cut);
    free(both);
    free(a);
    free(b);
    mum_trust_free(t);
    mum_trust_free(NULL);
    mum_ctx_free(ctx);
}

Test(signer, loading_errors_name_the_file)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_signer *s;
    cr_assert_eq(mum_signer_load(&s, ctx, tu_ca_file("signer.key"), tu_ca_file("root.pem"), NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "does not match the certificate"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_signer_load(&s, ctx, tu_ca_file("root.pem"), tu_ca_file("root.pem"), NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "no unencrypted PEM private key"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_signer_load(&s, ctx, "/nonexistent.key", tu_ca_file("root.pem"), NULL), MUM_EIO);
    /* an encrypted key is refused, not prompted for */
    char dir[256], enc[300], cmd[1024];
    tu_scratch(dir);
    snprintf(enc, sizeof enc, "%s/enc.key", dir);
    snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -aes256 -passout pass:secret -out '%s' 2>/dev/null",
             tu_ca_file("signer.key"), enc);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(mum_signer_load(&s, ctx, enc, tu_ca_file("signer.pem"), NULL), MUM_EFORMAT);
    tu_rmrf(dir);
    cr_assert_eq(mum_signer_load(&s, ctx, tu_ca_file("leaf.key"), tu_ca_file("leaf.pem"), tu_ca_file("inter.pem")),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    mum_signer_free(s);
    mum_signer_free(NULL);
    mum_ctx_free(ctx);
}

/* ---- parsing ---- */

Test(signature, malformed_input_gives_an_offset)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_signature *sig;
    mum_location where = {.input = "x.p7"};
    /* a SEQUENCE claiming 200 bytes with 3 present */
    static const uint8_t cut[] = {0x30, 0x81, 0xc8, 0x06, 0x09, 0x2a};
    cr_assert_eq(mum_signature_parse(&sig, ctx, cut, sizeof cut, &where), MUM_EFORMAT);
    cr_assert_str_eq(mum_ctx_message(ctx),
                     "x.p7: at offset 0: not a PKCS#7 signature: an element of 200 bytes runs past "
                     "the end of the data (3 bytes left)");
    /* well-formed DER, wrong structure: OpenSSL names the field */
    static const uint8_t wrong[] = {0x30, 0x03, 0x02, 0x01, 0x05};
    cr_assert_eq(mum_signature_parse(&sig, ctx, wrong, sizeof wrong, &where), MUM_EFORMAT);
    cr_assert(strncmp(mum_ctx_message(ctx), "x.p7: at offset 0: not a PKCS#7 signature: ", 43) == 0, "%s",
              mum_ctx_message(ctx));
    /* nesting deeper than the walker's limit is reported, not recursed into */
    uint8_t deep[2 * 100];
    for (int i = 0; i < 100; i++) {
        deep[2 * i] = 0x30;
        deep[2 * i + 1] = (uint8_t)(2 * (99 - i));
    }
    cr_assert_eq(mum_signature_parse(&sig, ctx, deep, sizeof deep, &where), MUM_EFORMAT);
    mum_ctx_free(ctx);
    mum_signature_free(NULL);
}

Test(signature, times)
{
    int64_t t;
    char buf[MUM_TIME_TEXT_MAX];
    cr_assert_eq(mum_time_parse(&t, "2024-02-29T23:59:58Z"), MUM_OK);
    cr_assert_eq(t, 1709251198); /* date -u -d 2024-02-29T23:59:58Z +%s */
    mum_time_format(t, buf);
    cr_assert_str_eq(buf, "2024-02-29T23:59:58Z");
    cr_assert_eq(mum_time_parse(&t, "1970-01-01"), MUM_OK);
    cr_assert_eq(t, 0);
    cr_assert_eq(mum_time_parse(&t, "@-86400"), MUM_OK);
    mum_time_format(t, buf);
    cr_assert_str_eq(buf, "1969-12-31T00:00:00Z");
    cr_assert_eq(mum_time_parse(&t, "2023-02-29"), MUM_EFORMAT, "not a leap year");
    cr_assert_eq(mum_time_parse(&t, "2024-04-31"), MUM_EFORMAT);
    cr_assert_eq(mum_time_parse(&t, "2024-01-01T24:00:00Z"), MUM_EFORMAT);
    cr_assert_eq(mum_time_parse(&t, "2024-01-01T00:00:00"), MUM_EFORMAT, "UTC only");
    cr_assert_eq(mum_time_parse(&t, "yesterday"), MUM_EFORMAT);
    cr_assert_eq(mum_time_parse(&t, "@12x"), MUM_EFORMAT);
    mum_time_format(INT64_MAX, buf);
    cr_assert_str_eq(buf, "@9223372036854775807");
}

Test(signature, names)
{
    cr_assert_str_eq(mum_sig_status_name(MUM_SIG_UNTRUSTED), "signed-untrusted");
    cr_assert_str_eq(mum_sig_status_name(MUM_SIG_INTEGRITY_FAILED), "integrity-failed");
    cr_assert_str_eq(mum_sig_check_name(MUM_SIG_CHECK_CONTENT_DIGEST), "content-digest");
    cr_assert_str_eq(mum_sig_trust_issue_name(MUM_SIG_TRUST_NO_ANCHORS), "no-anchors");
    cr_assert_str_eq(mum_sig_time_source_name(MUM_SIG_TIME_TIMESTAMP), "timestamp");
    cr_assert_str_eq(mum_timestamp_kind_name(MUM_TIMESTAMP_RFC3161), "rfc3161");
    mum_sig_result_clear(NULL);
}

/* ---- timestamps (osslsigncode's own TSA, with the test CA's TSA key) ---- */

#include <mum/catalog.h>

/* A catalog (listing "abc") signed by `who` at `when`, carrying the
 * certificates of `chain` (a PEM of the test CA, NULL for none); no
 * timestamp. */
static uint8_t *signed_cat(const char *who, const char *chain, int64_t when, size_t *len)
{
    char key[64], cert[64];
    snprintf(key, sizeof key, "%s.key", who);
    snprintf(cert, sizeof cert, "%s.pem", who);
    mum_signer *s;
    cr_assert_eq(mum_signer_load(&s, NULL, tu_ca_file(key), tu_ca_file(cert), chain ? tu_ca_file(chain) : NULL),
                 MUM_OK);
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, NULL, 2), MUM_OK);
    mum_cat_builder_set_time(b, when);
    mum_cat_digests d;
    cr_assert_eq(mum_cat_digests_compute(&d, NULL, "abc", 3, NULL), MUM_OK);
    cr_assert_eq(mum_cat_builder_add(NULL, NULL, b, &d), MUM_OK);
    uint8_t *der;
    cr_assert_eq(mum_cat_builder_finish(&der, len, NULL, b, s, NULL), MUM_OK);
    mum_cat_builder_free(b);
    mum_signer_free(s);
    return der;
}

/* A catalog signed by `who` (carrying the certificates of `chain`, a PEM
 * of the test CA, NULL for none) and timestamped at `when` by `tsa`. */
static uint8_t *timestamped_chain(const char *who, const char *chain, const char *tsa, int64_t when,
                                  size_t *len)
{
    if (!have_osslsigncode())
        cr_skip_test("osslsigncode is not installed (tools/install-deps)");
    char tkey[64], tcert[64];
    snprintf(tkey, sizeof tkey, "%s.key", tsa);
    snprintf(tcert, sizeof tcert, "%s.pem", tsa);
    size_t n;
    uint8_t *der = signed_cat(who, chain, when - 60, &n);
    char dir[256], in[300], out[300], cmd[2048];
    tu_scratch(dir);
    snprintf(in, sizeof in, "%s/in.cat", dir);
    snprintf(out, sizeof out, "%s/out.cat", dir);
    tu_spit(in, der, n);
    mum_free(der);
    snprintf(cmd, sizeof cmd,
             "osslsigncode add -TSA-certs '%s' -TSA-key '%s' -TSA-time %lld -in '%s' -out '%s' >/dev/null 2>&1",
             tu_ca_file(tcert), tu_ca_file(tkey), (long long)when, in, out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    uint8_t *res = tu_slurp(out, len);
    cr_assert_not_null(res);
    tu_rmrf(dir);
    return res;
}

static uint8_t *timestamped(const char *who, const char *tsa, int64_t when, size_t *len)
{
    return timestamped_chain(who, NULL, tsa, when, len);
}

/* The test CA `anchor` as the only anchor, or no anchors when NULL. */
static mum_trust *trust_of(const char *anchor)
{
    mum_trust *t = NULL;
    if (anchor) {
        mum_trust_new(&t);
        cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file(anchor)), MUM_OK);
    }
    return t;
}

static mum_sig_result verify_cat(const uint8_t *der, size_t len, const char *anchor)
{
    mum_catalog *cat;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, der, len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_trust *t = trust_of(anchor);
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, ctx, mum_catalog_signature(cat), &o), MUM_OK);
    const mum_signer_info *si = mum_signature_signer(mum_catalog_signature(cat), 0);
    cr_assert_eq(si->timestamp, MUM_TIMESTAMP_RFC3161);
    mum_trust_free(t);
    mum_catalog_free(cat);
    mum_ctx_free(ctx);
    return r;
}

enum { JUNE_2020 = 1590969600, JUNE_2021 = 1622505600 };

Test(timestamp, an_expired_signer_is_trusted_at_the_time_of_signing)
{
    size_t len;
    uint8_t *der = timestamped("expired", "tsa", JUNE_2020, &len);
    mum_catalog *cat;
    cr_assert_eq(mum_catalog_parse(&cat, NULL, der, len, NULL), MUM_OK);
    const mum_signer_info *si = mum_signature_signer(mum_catalog_signature(cat), 0);
    cr_assert_eq(si->timestamp_time, JUNE_2020);
    cr_assert_str_eq(si->timestamp_signer.subject, "CN=mumtool test TSA,O=mumtool tests");
    cr_assert_eq(si->timestamp_digest_alg, MUM_HASH_SHA256);
    mum_catalog_free(cat);
    mum_sig_result r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_TIMESTAMP);
    cr_assert_eq(r.evaluated_at, JUNE_2020);
    cr_assert_null(r.timestamp_note);
    mum_sig_result_clear(&r);
    r = verify_cat(der, len, NULL);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
    mum_sig_result_clear(&r);
    free(der);
}

Test(timestamp, signed_after_expiry_is_expired)
{
    size_t len;
    uint8_t *der = timestamped("expired", "tsa", JUNE_2021, &len);
    mum_sig_result r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_EXPIRED);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_TIMESTAMP);
    cr_assert(strstr(r.detail, "not at 2021-06-01T00:00:00Z (timestamp)"), "%s", r.detail);
    mum_sig_result_clear(&r);
    free(der);
}

Test(timestamp, an_untrusted_timestamp_is_not_used)
{
    size_t len;
    uint8_t *der = timestamped("expired", "other-tsa", JUNE_2020, &len);
    mum_sig_result r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_EXPIRED, "evaluated now, the signer has expired");
    cr_assert_eq(r.time_source, MUM_SIG_TIME_NOW);
    cr_assert_not_null(r.timestamp_note);
    cr_assert(strstr(r.timestamp_note, "mumtool unrelated TSA"), "%s", r.timestamp_note);
    mum_sig_result_clear(&r);
    free(der);
}

Test(timestamp, a_changed_timestamp_fails_integrity)
{
    size_t len;
    uint8_t *der = timestamped("signer", "tsa", JUNE_2020, &len);
    /* genTime 20200601000000Z: make it a day later */
    uint8_t *at = NULL;
    for (size_t i = 0; i + 15 <= len && !at; i++)
        if (memcmp(der + i, "20200601000000Z", 15) == 0)
            at = der + i;
    cr_assert_not_null(at);
    at[7] = '2';
    mum_sig_result r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_TIMESTAMP, "%s", r.detail);
    mum_findings *f;
    mum_findings_new(&f);
    mum_sig_result_findings(&r, NULL, f, NULL);
    cr_assert_eq(tu_count_rule(f, "signature.timestamp"), 1);
    cr_assert_eq(tu_find_rule(f, "signature.timestamp")->rule->hresult, 0x80096005);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    free(der);
}

/* A catalog read and checked with no anchors, as the graph reads one, then
 * let go of its content and its decoded PKCS#7 (mum__catalog_release_content,
 * mum__signature_drop_tree): judged with `anchor` afterwards, it gives the
 * verdict a fresh parse gives, its timestamp's verdict kept from the first
 * check. */
static void same_without_the_tree(const uint8_t *der, size_t len, const char *anchor)
{
    mum_trust *t = trust_of(anchor);
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    o.has_time = true; /* the same "now" for both */
    o.time = JUNE_2021;
    mum_catalog *whole, *kept;
    cr_assert_eq(mum_catalog_parse(&whole, NULL, der, len, NULL), MUM_OK);
    cr_assert_eq(mum_catalog_parse(&kept, NULL, der, len, NULL), MUM_OK);
    mum_signature *ks = (mum_signature *)mum_catalog_signature(kept);
    mum__catalog_release_content(kept);
    cr_assert_not_null(ks->p7, "nothing is let go of before the checks are kept");
    mum_sig_result a, b, integrity;
    cr_assert_eq(mum_signature_verify(&integrity, NULL, ks, NULL), MUM_OK);
    mum__catalog_release_content(kept);
    cr_assert_null(ks->p7, "the decoded PKCS#7 is let go of once its checks are kept");
    cr_assert_eq(mum_signature_verify(&a, NULL, mum_catalog_signature(whole), &o), MUM_OK);
    cr_assert_eq(mum_signature_verify(&b, NULL, ks, &o), MUM_OK);
    cr_assert_eq(b.status, a.status, "%s / %s", b.detail, a.detail);
    cr_assert_eq(b.failed_check, a.failed_check);
    cr_assert_eq(b.trust_issue, a.trust_issue);
    cr_assert_eq(b.timestamp_status, a.timestamp_status);
    cr_assert_eq(b.chain_status, a.chain_status);
    cr_assert_eq(b.chain_checked, a.chain_checked);
    cr_assert_eq(b.time_source, a.time_source);
    cr_assert_eq(b.evaluated_at, a.evaluated_at);
    cr_assert_str_eq(b.detail ? b.detail : "", a.detail ? a.detail : "");
    cr_assert_str_eq(b.timestamp_note ? b.timestamp_note : "", a.timestamp_note ? a.timestamp_note : "");
    const mum_signer_info *sa = mum_signature_signer(mum_catalog_signature(whole), 0);
    const mum_signer_info *sb = mum_signature_signer(ks, 0);
    cr_assert_str_eq(sb->cert.subject, sa->cert.subject);
    cr_assert_eq(sb->timestamp_time, sa->timestamp_time);
    mum_sig_result_clear(&a);
    mum_sig_result_clear(&b);
    mum_sig_result_clear(&integrity);
    mum_catalog_free(whole);
    mum_catalog_free(kept);
    mum_trust_free(t);
}

Test(timestamp, a_checked_signature_without_its_tree_gives_the_same_verdicts)
{
    size_t len;
    uint8_t *der = timestamped("expired", "tsa", JUNE_2020, &len);
    same_without_the_tree(der, len, "root.pem"); /* trusted at the timestamp's time */
    same_without_the_tree(der, len, NULL);
    free(der);
    der = timestamped("expired", "other-tsa", JUNE_2020, &len);
    same_without_the_tree(der, len, "root.pem"); /* the timestamp not used */
    free(der);
    der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    same_without_the_tree(der, len, "root.pem");
    free(der);
    /* a changed timestamp: its failure is kept, and told again */
    der = timestamped("signer", "tsa", JUNE_2020, &len);
    uint8_t *at = NULL;
    for (size_t i = 0; i + 15 <= len && !at; i++)
        if (memcmp(der + i, "20200601000000Z", 15) == 0)
            at = der + i;
    cr_assert_not_null(at);
    at[7] = '2';
    same_without_the_tree(der, len, "root.pem");
    free(der);
}

/* ---- chain integrity, with or without anchors ---- */

/* Flips the last byte of the signature value of the test CA's certificate
 * `pem` where the catalog carries it (a certificate ends with its
 * signatureValue BIT STRING). */
static void damage_cert(uint8_t *der, size_t len, const char *pem)
{
    char dir[256], out[300], cmd[2048];
    tu_scratch(dir);
    snprintf(out, sizeof out, "%s/c.der", dir);
    snprintf(cmd, sizeof cmd, "openssl x509 -in '%s' -outform DER -out '%s'", tu_ca_file(pem), out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    size_t n = 0;
    uint8_t *c = tu_slurp(out, &n);
    tu_rmrf(dir);
    cr_assert_not_null(c);
    uint8_t *at = NULL;
    for (size_t i = 0; i + n <= len && !at; i++)
        if (memcmp(der + i, c, n) == 0)
            at = der + i;
    cr_assert_not_null(at, "%s is not in the catalog", pem);
    at[n - 1] ^= 0x01;
    free(c);
}

static size_t rule_count(const mum_sig_result *r, const char *rule)
{
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_sig_result_findings(r, NULL, f, NULL), MUM_OK);
    size_t n = tu_count_rule(f, rule);
    mum_findings_free(f);
    return n;
}

Test(chain, intact_chains_and_a_valid_timestamp_are_reported)
{
    size_t len;
    uint8_t *der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    mum_sig_result r = verify_cat(der, len, NULL);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", r.detail);
    cr_assert_eq(r.chain_status, MUM_SIG_CHAIN_INTACT);
    cr_assert_eq(r.chain_checked, 1, "leaf by inter; inter's and the TSA's issuer are not at hand");
    cr_assert_eq(r.timestamp_status, MUM_SIG_TIMESTAMP_VALID);
    cr_assert(r.has_timestamp_time);
    cr_assert_eq(r.timestamp_time, JUNE_2020);
    mum_sig_result_clear(&r);
    r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    cr_assert_eq(r.chain_status, MUM_SIG_CHAIN_INTACT);
    cr_assert_eq(r.chain_checked, 3, "leaf by inter, inter and the TSA by the anchor");
    mum_sig_result_clear(&r);
    free(der);
    cr_assert_str_eq(mum_sig_timestamp_status_name(MUM_SIG_TIMESTAMP_ABSENT), "absent");
    cr_assert_str_eq(mum_sig_chain_status_name(MUM_SIG_CHAIN_BROKEN), "broken");
    cr_assert_str_eq(mum_sig_check_name(MUM_SIG_CHECK_CHAIN), "chain");
}

Test(chain, a_damaged_signer_certificate_fails_integrity_without_anchors)
{
    size_t len;
    uint8_t *der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    damage_cert(der, len, "leaf.pem");
    for (int with = 0; with < 2; with++) {
        mum_sig_result r = verify_cat(der, len, with ? "root.pem" : NULL);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", r.detail);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CHAIN);
        cr_assert_eq(r.chain_status, MUM_SIG_CHAIN_BROKEN);
        cr_assert(strstr(r.detail, "CN=mumtool test leaf") && strstr(r.detail, "does not verify with the key"),
                  "%s", r.detail);
        cr_assert_eq(r.timestamp_status, MUM_SIG_TIMESTAMP_VALID);
        cr_assert_eq(rule_count(&r, "signature.chain-broken"), 1);
        cr_assert_eq(rule_count(&r, "signature.timestamp"), 0);
        mum_findings *f;
        mum_findings_new(&f);
        mum_sig_result_findings(&r, NULL, f, NULL);
        cr_assert_eq(tu_find_rule(f, "signature.chain-broken")->rule->hresult, 0x80096004);
        mum_findings_free(f);
        mum_sig_result_clear(&r);
    }
    free(der);
}

Test(chain, a_certificate_is_checked_against_an_anchor_that_issued_it)
{
    /* inter's issuer (the root) is at hand only as an anchor */
    size_t len;
    uint8_t *der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    damage_cert(der, len, "inter.pem");
    mum_sig_result r = verify_cat(der, len, NULL);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", r.detail);
    cr_assert_eq(r.chain_status, MUM_SIG_CHAIN_INTACT);
    mum_sig_result_clear(&r);
    r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", r.detail);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CHAIN);
    cr_assert(strstr(r.detail, "CN=mumtool test intermediate") || strstr(r.detail, "inter"), "%s", r.detail);
    mum_sig_result_clear(&r);
    free(der);
}

Test(chain, a_damaged_timestamp_certificate_makes_the_timestamp_invalid)
{
    size_t len;
    uint8_t *der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    damage_cert(der, len, "tsa.pem");
    /* the TSA's issuer is the root: at hand as an anchor */
    mum_sig_result r = verify_cat(der, len, "root.pem");
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", r.detail);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CHAIN);
    cr_assert_eq(r.timestamp_status, MUM_SIG_TIMESTAMP_INVALID);
    cr_assert(r.has_timestamp_time, "an invalid timestamp still tells its time");
    cr_assert_eq(r.timestamp_time, JUNE_2020);
    cr_assert(strstr(r.detail, "the timestamp's chain") && strstr(r.detail, "CN=mumtool test TSA"), "%s", r.detail);
    cr_assert_not_null(r.timestamp_note);
    cr_assert_eq(rule_count(&r, "signature.chain-broken"), 1);
    cr_assert_eq(rule_count(&r, "signature.timestamp"), 1);
    mum_sig_result_clear(&r);
    free(der);
}

Test(chain, a_changed_timestamp_is_invalid_beside_another_failure)
{
    size_t len;
    uint8_t *der = timestamped_chain("leaf", "inter.pem", "tsa", JUNE_2020, &len);
    damage_cert(der, len, "leaf.pem");
    uint8_t *at = NULL;
    for (size_t i = 0; i + 15 <= len && !at; i++)
        if (memcmp(der + i, "20200601000000Z", 15) == 0)
            at = der + i;
    cr_assert_not_null(at);
    at[7] = '2';
    mum_sig_result r = verify_cat(der, len, NULL);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CHAIN, "%s", r.detail);
    cr_assert_eq(r.timestamp_status, MUM_SIG_TIMESTAMP_INVALID);
    cr_assert_eq(rule_count(&r, "signature.chain-broken"), 1);
    cr_assert_eq(rule_count(&r, "signature.timestamp"), 1);
    mum_sig_result_clear(&r);
    free(der);
}

/* ---- what an anchor may anchor (Windows' restrictions, <mum/trust.h>) ---- */

/* A catalog's verdict against root.pem and other.pem, each narrowed to
 * the purposes given. */
static mum_sig_result verify_purposes(const uint8_t *der, size_t len, unsigned root, unsigned other)
{
    mum_catalog *cat;
    cr_assert_eq(mum_catalog_parse(&cat, NULL, der, len, NULL), MUM_OK);
    mum_trust *t;
    mum_trust_new(&t);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("other.pem")), MUM_OK);
    cr_assert_eq(mum_trust_restrict(t, 0, root), MUM_OK);
    cr_assert_eq(mum_trust_restrict(t, 1, other), MUM_OK);
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, NULL, mum_catalog_signature(cat), &o), MUM_OK);
    mum_trust_free(t);
    mum_catalog_free(cat);
    return r;
}

Test(trust_purposes, a_time_stamping_root_never_anchors_a_code_signature)
{
    size_t len;
    /* signed under root, timestamped under other */
    uint8_t *der = timestamped("expired", "other-tsa", JUNE_2020, &len);
    mum_sig_result r = verify_purposes(der, len, MUM_TRUST_PURPOSE_CODE_SIGNING,
                                       MUM_TRUST_PURPOSE_TIME_STAMPING);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_TIMESTAMP);
    mum_sig_result_clear(&r);
    /* the signer's root may anchor time stamps only: not its signature */
    r = verify_purposes(der, len, MUM_TRUST_PURPOSE_TIME_STAMPING, MUM_TRUST_PURPOSE_ALL);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", mum_sig_status_name(r.status));
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_UNKNOWN_ROOT);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_TIMESTAMP, "the timestamp itself is anchored");
    mum_sig_result_clear(&r);
    mum_findings *f;
    mum_findings_new(&f);
    r = verify_purposes(der, len, MUM_TRUST_PURPOSE_TIME_STAMPING | MUM_TRUST_PURPOSE_EMAIL, 0);
    cr_assert_eq(mum_sig_result_findings(&r, NULL, f, NULL), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "signature.untrusted-root"), 1);
    mum_sig_result_clear(&r);
    mum_findings_free(f);
    free(der);
}

Test(trust_purposes, a_code_signing_root_never_anchors_a_time_stamp)
{
    size_t len;
    uint8_t *der = timestamped("expired", "other-tsa", JUNE_2020, &len);
    /* the TSA's root may anchor code signatures only: the timestamp is not
     * used, so the chain is evaluated now, when the signer has expired */
    mum_sig_result r = verify_purposes(der, len, MUM_TRUST_PURPOSE_CODE_SIGNING,
                                       MUM_TRUST_PURPOSE_CODE_SIGNING | MUM_TRUST_PURPOSE_EMAIL);
    cr_assert_eq(r.status, MUM_SIG_EXPIRED, "%s", mum_sig_status_name(r.status));
    cr_assert_eq(r.time_source, MUM_SIG_TIME_NOW);
    cr_assert_not_null(r.timestamp_note);
    cr_assert(strstr(r.timestamp_note, "mumtool unrelated TSA"), "%s", r.timestamp_note);
    mum_sig_result_clear(&r);
    free(der);
}

/* ---- the certificate-signature cache (chain.c, mum__cert_signed_by) ---- */

#include "sig_internal.h"

#include <openssl/pem.h>

static X509 *cache_cert(const char *name)
{
    FILE *f = fopen(tu_ca_file(name), "r");
    cr_assert_not_null(f, "%s", name);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(x, "%s", name);
    return x;
}

/* A second check of the same certificate by the same issuer is served
 * from the cache with the same verdict; another issuer, or another
 * certificate, is checked anew (and a failure never kept). */
Test(chain, a_cached_certificate_signature_gives_the_same_verdict)
{
    X509 *leaf = cache_cert("leaf.pem"), *inter = cache_cert("inter.pem");
    X509 *root = cache_cert("root.pem"), *other = cache_cert("other.pem");
    unsigned long h0 = mum__cert_signed_by_hits();
    cr_assert(mum__cert_signed_by(leaf, inter));
    cr_assert_eq(mum__cert_signed_by_hits(), h0, "a first check is no hit");
    cr_assert(mum__cert_signed_by(leaf, inter));
    cr_assert_eq(mum__cert_signed_by_hits(), h0 + 1);
    /* another issuer's key: not served from the entry of inter */
    cr_assert_not(mum__cert_signed_by(leaf, root));
    cr_assert_not(mum__cert_signed_by(leaf, other));
    cr_assert_not(mum__cert_signed_by(leaf, root), "a failure is not kept as a success");
    cr_assert_eq(mum__cert_signed_by_hits(), h0 + 1);
    /* another certificate by the same issuer */
    cr_assert(mum__cert_signed_by(inter, root));
    cr_assert_eq(mum__cert_signed_by_hits(), h0 + 1);
    /* a damaged copy of a cached certificate (its signature changed) */
    unsigned char *der = NULL;
    int n = i2d_X509(leaf, &der);
    cr_assert_gt(n, 10);
    der[n - 5] ^= 0x01; /* in the signature value, the last field */
    const unsigned char *p = der;
    X509 *bad = d2i_X509(NULL, &p, n);
    cr_assert_not_null(bad);
    cr_assert_not(mum__cert_signed_by(bad, inter));
    cr_assert_eq(mum__cert_signed_by_hits(), h0 + 1);
    X509_free(bad);
    OPENSSL_free(der);
    X509_free(leaf);
    X509_free(inter);
    X509_free(root);
    X509_free(other);
}

/* A chain good at `now` fails past the leaf's end (na), OpenSSL's verdict
 * naming the certificate, and without the intermediate (untrusted). */
static void chain_fails_late_or_alone(mum_trust *t, X509 *leaf, STACK_OF(X509) *untrusted, int64_t now,
                                      int64_t na)
{
    X509 *bad = NULL;
    int err = mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, na + 86400, &bad);
    cr_assert_eq(err, X509_V_ERR_CERT_HAS_EXPIRED, "%d", err);
    cr_assert_not_null(bad);
    X509_free(bad);
    bad = NULL;
    err = mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, NULL, now, &bad);
    cr_assert_eq(err, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "%d", err);
    X509_free(bad);
}

/* The chain walk's issuers (chain.c, issued): a pair found before is taken
 * from the ring with the same verdict; another subject under the same
 * issuer, or a damaged copy of a subject found before (other bytes, the
 * same names), is checked anew, and the damaged one is still reported. */
static bool intact_in(STACK_OF(X509) *certs, X509 *x, size_t *checked)
{
    cert_pool pool = {{certs, NULL, NULL}};
    bool intact = false;
    char why[512];
    *checked = 0;
    cr_assert_eq(mum__chain_intact(&pool, x, "the chain", checked, &intact, why, sizeof why), MUM_OK);
    return intact;
}

Test(chain, a_kept_issuer_needs_the_same_two_certificates)
{
    X509 *leaf = cache_cert("leaf.pem"), *inter = cache_cert("inter.pem");
    X509 *root = cache_cert("root.pem"), *signer = cache_cert("signer.pem");
    STACK_OF(X509) *certs = sk_X509_new_null();
    cr_assert(certs && sk_X509_push(certs, root) && sk_X509_push(certs, inter));
    size_t checked;
    cr_assert(intact_in(certs, leaf, &checked));
    cr_assert_eq(checked, 2, "leaf by inter, inter by root");
    unsigned long h0 = mum__issued_hits(), c0 = mum__issued_checks();
    cr_assert(intact_in(certs, leaf, &checked));
    cr_assert_eq(checked, 2);
    cr_assert_eq(mum__issued_hits(), h0 + 3, "inter of leaf, root of inter, root of itself");
    cr_assert_eq(mum__issued_checks(), c0);
    /* another subject of root: checked anew, root's own pair kept */
    cr_assert(intact_in(certs, signer, &checked));
    cr_assert_eq(checked, 1);
    cr_assert_eq(mum__issued_checks(), c0 + 1, "signer by root is no hit");
    cr_assert_eq(mum__issued_hits(), h0 + 4);
    /* the leaf with its signature damaged: the same names, other bytes */
    unsigned char *der = NULL;
    int n = i2d_X509(leaf, &der);
    cr_assert_gt(n, 10);
    der[n - 5] ^= 0x01;
    const unsigned char *p = der;
    X509 *bad = d2i_X509(NULL, &p, n);
    cr_assert_not_null(bad);
    unsigned long c1 = mum__issued_checks();
    cr_assert_not(intact_in(certs, bad, &checked), "a damaged leaf is reported");
    cr_assert_eq(checked, 1);
    cr_assert_eq(mum__issued_checks(), c1 + 1, "the damaged leaf's issuer is found anew");
    X509_free(bad);
    OPENSSL_free(der);
    /* an unrelated root issues neither: its names differ */
    X509 *other = cache_cert("other.pem");
    sk_X509_pop(certs);
    cr_assert(sk_X509_push(certs, other));
    cr_assert(intact_in(certs, leaf, &checked), "nothing to check the leaf with");
    cr_assert_eq(checked, 0);
    sk_X509_free(certs);
    X509_free(leaf);
    X509_free(inter);
    X509_free(root);
    X509_free(signer);
    X509_free(other);
}

/* X509_verify_cert takes the chain's signatures from that cache when every
 * check passes (chain.c, chain_verify), and a failing chain is still
 * judged and reported by OpenSSL's own function. */
Test(chain, an_anchored_chain_reuses_the_checked_signatures)
{
    X509 *leaf = cache_cert("leaf.pem"), *inter = cache_cert("inter.pem");
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    cr_assert(untrusted && sk_X509_push(untrusted, inter));
    int64_t na = 0;
    cr_assert(mum__asn1_time_get(X509_get0_notAfter(leaf), &na));
    int64_t now = na - 86400; /* inside the leaf's validity (the shortest) */
    X509 *bad = NULL;
    cr_assert_eq(mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now, &bad), X509_V_OK);
    cr_assert_null(bad);
    unsigned long h0 = mum__cert_signed_by_hits();
    /* a second later: not the verdict kept for `now` (chain.c, verdicts) */
    cr_assert_eq(mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now + 1, &bad), X509_V_OK);
    cr_assert_eq(mum__cert_signed_by_hits(), h0 + 2, "leaf by inter, inter by root: both from the cache");
    chain_fails_late_or_alone(t, leaf, untrusted, now, na);
    sk_X509_free(untrusted);
    mum_trust_free(t);
    X509_free(leaf);
    X509_free(inter);
}

/* A good chain's verdict is kept (chain.c, verdicts) and served again for
 * the same leaf, untrusted certificates, anchors, purpose and second;
 * anything else is judged anew: another time, a change of the anchors'
 * purposes, another set of anchors, other untrusted certificates; and a
 * failure is never kept. */
Test(chain, a_kept_chain_verdict_needs_all_it_depends_on)
{
    X509 *leaf = cache_cert("leaf.pem"), *inter = cache_cert("inter.pem");
    mum_trust *t, *t2;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    cr_assert(untrusted && sk_X509_push(untrusted, inter));
    int64_t na = 0;
    cr_assert(mum__asn1_time_get(X509_get0_notAfter(leaf), &na));
    int64_t now = na - 2 * 86400 - 17; /* a second no other test uses */
    X509 *bad = NULL;
    unsigned long v0 = mum__chain_verdict_hits();
    cr_assert_eq(mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now, &bad), X509_V_OK);
    cr_assert_eq(mum__chain_verdict_hits(), v0, "a first verdict is no hit");
    cr_assert_eq(mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now, &bad), X509_V_OK);
    cr_assert_null(bad);
    cr_assert_eq(mum__chain_verdict_hits(), v0 + 1, "the same chain, anchors, purpose and time: kept");
    chain_fails_late_or_alone(t, leaf, untrusted, now, na); /* the time; the untrusted certificates */
    /* another set of the same anchor: judged anew, good */
    cr_assert_eq(mum_trust_new(&t2), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t2, tu_ca_file("root.pem")), MUM_OK);
    cr_assert_eq(mum__chain_error(t2, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now, &bad), X509_V_OK);
    cr_assert_eq(mum__chain_verdict_hits(), v0 + 1, "another trust: no hit");
    /* the anchors' purposes: the root no longer anchors code signing */
    cr_assert_eq(mum_trust_restrict(t, 0, MUM_TRUST_PURPOSE_TIME_STAMPING), MUM_OK);
    int err = mum__chain_error(t, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, untrusted, now, &bad);
    cr_assert_neq(err, X509_V_OK, "a narrowed anchor is not served the kept verdict");
    X509_free(bad);
    cr_assert_eq(mum__chain_verdict_hits(), v0 + 1);
    /* the purpose asked: the other one, judged anew */
    cr_assert_eq(mum__chain_error(t2, MUM_TRUST_PURPOSE_TIME_STAMPING, leaf, untrusted, now, &bad), X509_V_OK);
    cr_assert_eq(mum__chain_verdict_hits(), v0 + 1, "another purpose: no hit");
    sk_X509_free(untrusted);
    mum_trust_free(t);
    mum_trust_free(t2);
    X509_free(leaf);
    X509_free(inter);
}

/* ---- certificates parsed once (signeddata.c, the certificate ring) ---- */

static void same_cert_info(const mum_cert_info *a, const mum_cert_info *b)
{
    cr_assert_str_eq(a->subject, b->subject);
    cr_assert_str_eq(a->issuer, b->issuer);
    cr_assert_str_eq(a->serial, b->serial);
    cr_assert_str_eq(a->thumbprint, b->thumbprint);
    cr_assert_eq(a->not_before, b->not_before);
    cr_assert_eq(a->not_after, b->not_after);
}

/* A second signature carrying the same certificates takes them from the
 * ring: the same certificates, signer and verdicts, and each signature
 * keeps working after the other is freed. */
Test(signature, a_second_parse_shares_its_certificates)
{
    signed_pe s = sign_image("signer", "sha256", 24);
    unsigned long h0 = mum__cert_cache_hits();
    mum_signature *a = embedded(&s);
    size_t n = mum_signature_cert_count(a);
    cr_assert_gt(n, 0);
    cr_assert_eq(mum__cert_cache_hits(), h0, "a first parse is no hit");
    mum_signature *b = embedded(&s);
    cr_assert_eq(mum__cert_cache_hits(), h0 + n, "every certificate of the second from the ring");
    cr_assert_eq(mum_signature_cert_count(b), n);
    for (size_t i = 0; i < n; i++)
        same_cert_info(mum_signature_cert(a, i), mum_signature_cert(b, i));
    cr_assert_eq(mum_signature_signer_count(b), mum_signature_signer_count(a));
    const mum_signer_info *sa = mum_signature_signer(a, 0), *sb = mum_signature_signer(b, 0);
    cr_assert(sa->has_cert && sb->has_cert);
    same_cert_info(&sa->cert, &sb->cert);
    /* the ring's key of each is the SHA-256 of its DER, as the signature
     * cache (chain.c) computes it for a certificate from elsewhere */
    for (int i = 0; i < sk_X509_num(b->p7->d.sign->cert); i++) {
        X509 *x = sk_X509_value(b->p7->d.sign->cert, i);
        uint8_t key[32], want[32];
        unsigned char *der = NULL;
        int len = i2d_X509(x, &der);
        cr_assert_gt(len, 0);
        cr_assert_eq(mum_hash_buffer(want, MUM_HASH_SHA256, der, (size_t)len), MUM_OK);
        OPENSSL_free(der);
        cr_assert(mum__cert_ring_key(x, key));
        cr_assert_arr_eq(key, want, 32);
    }
    X509 *elsewhere = cache_cert("root.pem");
    uint8_t key[32];
    cr_assert_not(mum__cert_ring_key(elsewhere, key), "not from a signature: not in the ring");
    X509_free(elsewhere);
    mum_signature_free(a);
    anchored_by_root_only(b, &s);
    mum_signature_free(b);
    free(s.data);
}

/* A PKCS7 decoded by OpenSSL alone from der, for comparisons. */
static PKCS7 *plain_pkcs7(const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &q, (long)len);
    cr_assert_not_null(p7);
    return p7;
}

/* The DER of the first signer's issuer name (*name, OpenSSL's allocation,
 * *nlen bytes) and the offset of its last copy in der: the SignerInfo's,
 * the certificates coming first. */
static size_t signer_issuer_at(const uint8_t *der, size_t len, unsigned char **name, int *nlen)
{
    PKCS7 *plain = plain_pkcs7(der, len);
    PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(plain->d.sign->signer_info, 0);
    *name = NULL;
    *nlen = i2d_X509_NAME(si->issuer_and_serial->issuer, name);
    cr_assert_gt(*nlen, 2);
    PKCS7_free(plain);
    size_t at = len;
    for (size_t i = 0; i + (size_t)*nlen <= len; i++)
        if (memcmp(der + i, *name, (size_t)*nlen) == 0)
            at = i;
    cr_assert_lt(at, len, "the signer's issuer name is in the signature");
    return at;
}

/* The DER of a SignerInfo (OpenSSL's allocation). */
static size_t signer_der(PKCS7_SIGNER_INFO *si, unsigned char **out)
{
    *out = NULL;
    int n = i2d_PKCS7_SIGNER_INFO(si, out);
    cr_assert_gt(n, 0);
    return (size_t)n;
}

/* A certificate's text (names, serial, thumbprint) is made once and lent
 * to the signatures that carry it; what a signature lends stays while it
 * lives, after the other signatures are freed and after the ring lets go
 * of the certificate (other certificates taking its place). */
Test(signature, a_certificates_text_is_lent_and_outlives_the_ring)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &der, &len), MUM_OK);
    mum_signature *a = embedded(&s), *b = embedded(&s);
    size_t n = mum_signature_cert_count(b);
    cr_assert_gt(n, 0);
    mum_cert_info want[8], signer;
    cr_assert_leq(n, 8);
    for (size_t i = 0; i < n; i++) {
        const mum_cert_info *ca = mum_signature_cert(a, i), *cb = mum_signature_cert(b, i);
        cr_assert_eq(cb->subject, ca->subject, "lent, not copied");
        cr_assert_eq(cb->thumbprint, ca->thumbprint);
        want[i] = *ca;
        want[i].subject = strdup(ca->subject);
        want[i].issuer = strdup(ca->issuer);
        want[i].serial = strdup(ca->serial);
        want[i].thumbprint = strdup(ca->thumbprint);
    }
    const mum_signer_info *sa = mum_signature_signer(a, 0), *sb = mum_signature_signer(b, 0);
    cr_assert_eq(sb->cert.subject, sa->cert.subject);
    signer = sa->cert;
    signer.subject = strdup(sa->cert.subject);
    signer.issuer = strdup(sa->cert.issuer);
    signer.serial = strdup(sa->cert.serial);
    signer.thumbprint = strdup(sa->cert.thumbprint);
    mum_signature_free(a);
    /* as many other certificates as the ring holds: each signature's
     * first certificate with its last byte (in its signature value)
     * changed, so that the ring lets go of b's */
    X509 *first = sk_X509_value(b->p7->d.sign->cert, 0);
    unsigned char *cder = NULL;
    int clen = i2d_X509(first, &cder);
    cr_assert_gt(clen, 0);
    uint8_t *copy = malloc(len);
    memcpy(copy, der, len);
    uint8_t *at = NULL;
    for (size_t i = 0; i + (size_t)clen <= len && !at; i++)
        if (memcmp(copy + i, cder, (size_t)clen) == 0)
            at = copy + i;
    cr_assert_not_null(at);
    for (int v = 0; v < 40; v++) {
        at[clen - 1] = (uint8_t)(cder[clen - 1] ^ (v + 1));
        mum_signature *o;
        cr_assert_eq(mum_signature_parse(&o, NULL, copy, len, NULL), MUM_OK);
        mum_signature_free(o);
    }
    for (size_t i = 0; i < n; i++) {
        same_cert_info(mum_signature_cert(b, i), &want[i]);
        free(want[i].subject);
        free(want[i].issuer);
        free(want[i].serial);
        free(want[i].thumbprint);
    }
    same_cert_info(&mum_signature_signer(b, 0)->cert, &signer);
    /* the same certificate parsed again: its text made again, the same */
    mum_signature *c = embedded(&s);
    same_cert_info(&mum_signature_signer(c, 0)->cert, &signer);
    free(signer.subject);
    free(signer.issuer);
    free(signer.serial);
    free(signer.thumbprint);
    mum_signature_free(c);
    mum_signature_free(b);
    OPENSSL_free(cder);
    free(copy);
    free(s.data);
}

/* The signers' issuer names come from a ring of names decoded once: a
 * second signature borrows the first's, and each SignerInfo is what
 * OpenSSL decodes alone (its DER the same, its name equal), before and
 * after the other signature is freed. */
Test(signature, a_signers_issuer_name_is_decoded_once_and_lent)
{
    signed_pe s = sign_image("signer", "sha256", 24);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &der, &len), MUM_OK);
    PKCS7 *plain = plain_pkcs7(der, len);
    unsigned long h0 = mum__name_cache_hits();
    mum_signature *a = embedded(&s);
    cr_assert_eq(mum__name_cache_hits(), h0, "a first parse is no hit");
    mum_signature *b = embedded(&s);
    size_t n = mum_signature_signer_count(b);
    cr_assert_gt(n, 0);
    cr_assert_eq(mum__name_cache_hits(), h0 + n, "every signer's name of the second from the ring");
    for (size_t i = 0; i < n; i++) {
        PKCS7_SIGNER_INFO *want = sk_PKCS7_SIGNER_INFO_value(plain->d.sign->signer_info, (int)i);
        PKCS7_SIGNER_INFO *sa = a->extra[i].si, *sb = b->extra[i].si;
        cr_assert_eq(sa->issuer_and_serial->issuer, sb->issuer_and_serial->issuer, "the same name lent to both");
        unsigned char *dw, *da, *db;
        size_t nw = signer_der(want, &dw), na = signer_der(sa, &da), nb = signer_der(sb, &db);
        cr_assert_eq(na, nw);
        cr_assert_eq(nb, nw);
        cr_assert_arr_eq(da, dw, nw);
        cr_assert_arr_eq(db, dw, nw);
        OPENSSL_free(dw);
        OPENSSL_free(da);
        OPENSSL_free(db);
        cr_assert_eq(X509_NAME_cmp(sb->issuer_and_serial->issuer, want->issuer_and_serial->issuer), 0);
        cr_assert_not_null(a->extra[i].cert, "the signer's certificate found by the lent name");
        cr_assert_eq(a->extra[i].cert, b->extra[i].cert);
        same_cert_info(&mum_signature_signer(a, i)->cert, &mum_signature_signer(b, i)->cert);
    }
    anchored_by_root_only(a, &s);
    mum_signature_free(a);
    /* the name outlives the first signature */
    anchored_by_root_only(b, &s);
    char *text = mum__name_text(b->extra[0].si->issuer_and_serial->issuer);
    cr_assert_str_eq(text, mum_signature_signer(b, 0)->cert.issuer);
    mum__free(text);
    mum_signature_free(b);
    PKCS7_free(plain);
    free(s.data);
}

/* The attributes a signer repeats (contentType, SpcSpOpusInfo,
 * SpcStatementType) come from a ring of attributes decoded once: a second
 * signature borrows the first's, each in its place (every attribute the
 * one OpenSSL decodes alone at that place), not a messageDigest; a
 * signature whose SpcStatementType differs gets its own, and verifies (or
 * fails) over its own bytes. */
static mum_sig_result integrity_of(const mum_signature *sig);

static size_t attr_der(X509_ATTRIBUTE *a, unsigned char **out)
{
    *out = NULL;
    int n = i2d_X509_ATTRIBUTE(a, out);
    cr_assert_gt(n, 0);
    return (size_t)n;
}

static void attrs_as_plain(PKCS7_SIGNER_INFO *want, PKCS7_SIGNER_INFO *got)
{
    int n = sk_X509_ATTRIBUTE_num(want->auth_attr);
    cr_assert_gt(n, 0);
    cr_assert_eq(sk_X509_ATTRIBUTE_num(got->auth_attr), n);
    for (int j = 0; j < n; j++) {
        unsigned char *dw, *dg;
        size_t nw = attr_der(sk_X509_ATTRIBUTE_value(want->auth_attr, j), &dw);
        size_t ng = attr_der(sk_X509_ATTRIBUTE_value(got->auth_attr, j), &dg);
        cr_assert_eq(ng, nw, "attribute %d", j);
        cr_assert_arr_eq(dg, dw, nw, "attribute %d", j);
        OPENSSL_free(dw);
        OPENSSL_free(dg);
    }
}

Test(signature, a_signers_repeated_attributes_are_decoded_once_and_lent)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &der, &len), MUM_OK);
    PKCS7 *plain = plain_pkcs7(der, len);
    PKCS7_SIGNER_INFO *want = sk_PKCS7_SIGNER_INFO_value(plain->d.sign->signer_info, 0);
    unsigned long h0 = mum__attr_cache_hits();
    mum_signature *a = embedded(&s);
    cr_assert_eq(mum__attr_cache_hits(), h0, "a first parse is no hit");
    mum_signature *b = embedded(&s);
    unsigned long lent = mum__attr_cache_hits() - h0;
    cr_assert_eq(lent, 2, "contentType, SpcStatementType (osslsigncode adds no SpcSpOpusInfo): %lu", lent);
    PKCS7_SIGNER_INFO *sa = a->extra[0].si, *sb = b->extra[0].si;
    attrs_as_plain(want, sa);
    attrs_as_plain(want, sb);
    int shared = 0;
    for (int j = 0; j < sk_X509_ATTRIBUTE_num(sa->auth_attr); j++) {
        X509_ATTRIBUTE *x = sk_X509_ATTRIBUTE_value(sa->auth_attr, j);
        bool same = x == sk_X509_ATTRIBUTE_value(sb->auth_attr, j);
        shared += same;
        if (OBJ_obj2nid(X509_ATTRIBUTE_get0_object(x)) == NID_pkcs9_messageDigest)
            cr_assert_not(same, "a messageDigest is not lent");
    }
    cr_assert_eq(shared, 2);
    anchored_by_root_only(a, &s);
    mum_signature_free(a);
    anchored_by_root_only(b, &s); /* the attributes outlive the first signature */

    /* SpcStatementType individual -> commercial, in a copy */
    static const uint8_t individual[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
                                         0x82, 0x37, 0x02, 0x01, 0x15};
    uint8_t *copy = malloc(len);
    memcpy(copy, der, len);
    uint8_t *oid = NULL;
    for (size_t i = 0; i + sizeof individual <= len && !oid; i++)
        if (memcmp(copy + i, individual, sizeof individual) == 0)
            oid = copy + i;
    cr_assert_not_null(oid);
    oid[sizeof individual - 1] = 0x16;
    unsigned long h1 = mum__attr_cache_hits();
    mum_signature *c = NULL;
    cr_assert_eq(mum_signature_parse(&c, NULL, copy, len, NULL), MUM_OK);
    cr_assert_eq(mum__attr_cache_hits(), h1 + 1, "the contentType only: the changed attribute is no hit");
    PKCS7 *plain_c = plain_pkcs7(copy, len);
    attrs_as_plain(sk_PKCS7_SIGNER_INFO_value(plain_c->d.sign->signer_info, 0), c->extra[0].si);
    mum_sig_result r = integrity_of(c);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "%s", r.detail);
    mum_sig_result_clear(&r);
    mum_signature_free(c);
    anchored_by_root_only(b, &s);
    mum_signature_free(b);
    PKCS7_free(plain_c);
    PKCS7_free(plain);
    free(copy);
    free(s.data);
}

/* A signer's issuer name that does not decode is not kept: the signature
 * falls back to OpenSSL's own decoding and fails as it always did; the
 * ring still serves the good name afterwards. */
Test(signature, a_damaged_issuer_name_fails_as_before)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &der, &len), MUM_OK);
    unsigned char *name;
    int nlen;
    uint8_t *copy = malloc(len);
    memcpy(copy, der, len);
    uint8_t *at = copy + signer_issuer_at(der, len, &name, &nlen);
    /* its first UTF8String told as a BOOLEAN: no name allows that */
    uint8_t *str = memchr(at, 0x0c, (size_t)nlen);
    cr_assert_not_null(str);
    *str = 0x01;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    unsigned long h0 = mum__name_cache_hits();
    mum_signature *sig = NULL;
    cr_assert_eq(mum_signature_parse(&sig, ctx, copy, len, NULL), MUM_EFORMAT);
    cr_assert_null(sig);
    cr_assert(strstr(mum_ctx_message(ctx), "not a PKCS#7 signature"), "%s", mum_ctx_message(ctx));
    const unsigned char *q = copy;
    cr_assert_null(d2i_PKCS7(NULL, &q, (long)len), "OpenSSL alone refuses it too");
    ERR_clear_error();
    cr_assert_eq(mum__name_cache_hits(), h0);
    cr_assert_eq(mum_signature_parse(&sig, ctx, der, len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_signature *again = NULL;
    cr_assert_eq(mum_signature_parse(&again, ctx, der, len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum__name_cache_hits(), h0 + 1);
    anchored_by_root_only(again, &s);
    mum_signature_free(sig);
    mum_signature_free(again);
    mum_ctx_free(ctx);
    OPENSSL_free(name);
    free(copy);
    free(s.data);
}

/* A signature the shared path does not take (bytes after it, a
 * certificate that does not parse) is read as ever: the same error. */
Test(signature, a_signature_off_the_shared_path_fails_as_before)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    const uint8_t *der;
    size_t len;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_pe_signature(ctx, s.data, s.size, NULL, &der, &len), MUM_OK, "%s", mum_ctx_message(ctx));
    uint8_t *copy = malloc(len + 3);
    memcpy(copy, der, len);
    memset(copy + len, 0, 3);
    mum_signature *sig = NULL;
    cr_assert_eq(mum_signature_parse(&sig, ctx, copy, len + 3, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "3 bytes after the end of the PKCS#7 signature"), "%s",
              mum_ctx_message(ctx));
    /* the first certificate's outer SEQUENCE told as a SET: the SignedData
     * no longer decodes, whoever reads the certificates */
    mum_signature *good = NULL;
    cr_assert_eq(mum_signature_parse(&good, ctx, der, len, NULL), MUM_OK);
    mum_signature_free(good);
    const uint8_t *c = NULL;
    for (size_t i = 0; i + 4 < len && !c; i++)
        if (der[i] == 0xa0 && der[i + 1] == 0x82 && der[i + 4] == 0x30 && i > 40)
            c = der + i + 4;
    cr_assert_not_null(c, "the certificates field");
    memcpy(copy, der, len);
    copy[c - der] = 0x31;
    cr_assert_eq(mum_signature_parse(&sig, ctx, copy, len, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "not a PKCS#7 signature"), "%s", mum_ctx_message(ctx));
    free(copy);
    mum_ctx_free(ctx);
    free(s.data);
}

/* ---- signer signatures verified once (signeddata.c) ---- */

static mum_sig_result integrity_of(const mum_signature *sig)
{
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, NULL, sig, NULL), MUM_OK);
    return r;
}

/* A second signature whose signer signed the same bytes with the same key
 * is not verified again: the same verdict, from the process's good
 * results.  A signature value that differs (a damaged copy) is verified,
 * fails, and is not kept: it fails again. */
Test(signature, a_verified_signer_signature_is_not_verified_again)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    unsigned long h0 = mum__signer_signature_hits();
    mum_signature *a = embedded(&s);
    mum_sig_result r = integrity_of(a);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "intact, no anchors: %s", r.detail ? r.detail : "");
    cr_assert_eq(mum__signer_signature_hits(), h0, "a first verification is no hit");
    mum_sig_result_clear(&r);
    mum_signature *b = embedded(&s);
    r = integrity_of(b);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", r.detail ? r.detail : "");
    cr_assert_eq(mum__signer_signature_hits(), h0 + 1, "the second from the cache");
    mum_sig_result_clear(&r);

    /* the signer's signature value, its last byte changed in the file */
    PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(b->p7->d.sign->signer_info, 0);
    const unsigned char *v = ASN1_STRING_get0_data(si->enc_digest);
    size_t vlen = (size_t)ASN1_STRING_length(si->enc_digest);
    uint8_t *at = NULL;
    for (size_t i = 0; vlen && i + vlen <= s.size && !at; i++)
        if (memcmp(s.data + i, v, vlen) == 0)
            at = s.data + i;
    cr_assert_not_null(at);
    at[vlen - 1] ^= 0x01;
    for (int round = 0; round < 2; round++) {
        mum_signature *c = embedded(&s);
        r = integrity_of(c);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "round %d", round);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "round %d: %s", round, r.detail);
        cr_assert_eq(mum__signer_signature_hits(), h0 + 1, "round %d: a failure is no hit", round);
        mum_sig_result_clear(&r);
        mum_signature_free(c);
    }
    /* the intact one is still served */
    at[vlen - 1] ^= 0x01;
    mum_signature *d = embedded(&s);
    r = integrity_of(d);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(mum__signer_signature_hits(), h0 + 2);
    mum_sig_result_clear(&r);
    mum_signature_free(d);
    mum_signature_free(a);
    mum_signature_free(b);
    free(s.data);
}

/* The signer's verification context is prepared once for its key and a
 * digest (signeddata.c, ring_verify_ctx): signatures of the same signer
 * with SHA-1 and with SHA-256, in turn, each verify with its own digest,
 * and a damaged one of each still fails. */
Test(signature, a_prepared_verification_keeps_to_its_digest)
{
    signed_pe s1 = sign_image("signer", "sha1", 0), s2 = sign_image("signer", "sha256", 0);
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 2; k++) {
            mum_signature *sig = embedded(k ? &s2 : &s1);
            cr_assert_eq(mum_signature_signer(sig, 0)->digest_alg, k ? MUM_HASH_SHA256 : MUM_HASH_SHA1);
            mum_sig_result r = integrity_of(sig);
            cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "round %d, %s: %s", round, k ? "sha256" : "sha1",
                         r.detail ? r.detail : "");
            mum_sig_result_clear(&r);
            mum_signature_free(sig);
        }
    }
    /* each one's value changed: verified with the prepared context, fails */
    for (int k = 0; k < 2; k++) {
        signed_pe *s = k ? &s2 : &s1;
        mum_signature *good = embedded(s);
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(good->p7->d.sign->signer_info, 0);
        const unsigned char *v = ASN1_STRING_get0_data(si->enc_digest);
        size_t vlen = (size_t)ASN1_STRING_length(si->enc_digest);
        uint8_t *at = NULL;
        for (size_t i = 0; vlen && i + vlen <= s->size && !at; i++)
            if (memcmp(s->data + i, v, vlen) == 0)
                at = s->data + i;
        cr_assert_not_null(at);
        at[vlen / 2] ^= 0x01;
        mum_signature *bad = embedded(s);
        mum_sig_result r = integrity_of(bad);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "%s", r.detail);
        mum_sig_result_clear(&r);
        mum_signature_free(bad);
        mum_signature_free(good);
    }
    free(s1.data);
    free(s2.data);
}

/* A signer whose value was made over its authenticated attributes with
 * another digest than its digestAlgorithm says (SHA-256 under SHA-1, and
 * SHA-1 under SHA-256) fails, with the context prepared for its
 * certificate and the said digest by an intact signature before it: the
 * DigestInfo's algorithm is checked against the said digest, as
 * EVP_DigestVerify checks it, though the value is a good signature with
 * the other digest. */
Test(signature, a_value_made_with_another_digest_fails)
{
    BIO *kb = BIO_new_file(tu_ca_file("signer.key"), "r");
    cr_assert_not_null(kb);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL);
    BIO_free(kb);
    cr_assert_not_null(key);
    for (int k = 0; k < 2; k++) {
        signed_pe s = sign_image("signer", k ? "sha256" : "sha1", 0);
        const EVP_MD *other = k ? EVP_sha1() : EVP_sha256();
        /* the intact one first: the prepared context for the said digest */
        mum_signature *good = embedded(&s);
        mum_sig_result r = integrity_of(good);
        cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", r.detail ? r.detail : "");
        mum_sig_result_clear(&r);
        /* its attributes signed again with the other digest */
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(good->p7->d.sign->signer_info, 0);
        unsigned char *abuf = NULL;
        int alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &abuf, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
        cr_assert_gt(alen, 0);
        const unsigned char *v = ASN1_STRING_get0_data(si->enc_digest);
        size_t vlen = (size_t)ASN1_STRING_length(si->enc_digest);
        uint8_t value[1024];
        size_t n = sizeof value;
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        cr_assert(m && EVP_DigestSignInit(m, NULL, other, NULL, key) == 1 &&
                  EVP_DigestSign(m, value, &n, abuf, (size_t)alen) == 1);
        EVP_MD_CTX_free(m);
        cr_assert_eq(n, vlen);
        /* a good signature with the other digest, a bad one with the said */
        X509 *cert = X509_find_by_issuer_and_serial(good->p7->d.sign->cert, si->issuer_and_serial->issuer,
                                                    si->issuer_and_serial->serial);
        cr_assert_not_null(cert);
        for (int said = 0; said < 2; said++) {
            m = EVP_MD_CTX_new();
            const EVP_MD *md = said ? EVP_get_digestbyobj(si->digest_alg->algorithm) : other;
            int ok = m && EVP_DigestVerifyInit(m, NULL, md, NULL, X509_get0_pubkey(cert)) == 1 &&
                     EVP_DigestVerify(m, value, n, abuf, (size_t)alen) == 1;
            EVP_MD_CTX_free(m);
            ERR_clear_error();
            cr_assert_eq(ok, !said);
        }
        OPENSSL_free(abuf);
        uint8_t *at = NULL;
        for (size_t i = 0; i + vlen <= s.size && !at; i++)
            if (memcmp(s.data + i, v, vlen) == 0)
                at = s.data + i;
        cr_assert_not_null(at);
        memcpy(at, value, vlen);
        mum_signature_free(good);
        mum_signature *bad = embedded(&s);
        cr_assert_eq(mum_signature_signer(bad, 0)->digest_alg, k ? MUM_HASH_SHA256 : MUM_HASH_SHA1);
        r = integrity_of(bad);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", r.detail ? r.detail : "");
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "%s", r.detail ? r.detail : "");
        mum_sig_result_clear(&r);
        mum_signature_free(bad);
        free(s.data);
    }
    EVP_PKEY_free(key);
}

/* The same signature value by the same certificate over other signed
 * bytes (the authenticated attributes' SpcStatementType changed from
 * individual to commercial code signing) is verified, not served from the
 * kept result of the intact one: the key holds the signed bytes
 * themselves. */
Test(signature, a_kept_signer_signature_needs_the_same_signed_bytes)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    mum_signature *a = embedded(&s);
    mum_sig_result r = integrity_of(a);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s", r.detail ? r.detail : "");
    mum_sig_result_clear(&r);
    unsigned long h0 = mum__signer_signature_hits();
    /* the value of SpcStatementType, 1.3.6.1.4.1.311.2.1.21, within the
     * signer's attributes in the file */
    static const uint8_t individual[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
                                         0x82, 0x37, 0x02, 0x01, 0x15};
    const uint8_t *attrs = a->extra[0].attrs_der;
    size_t alen = a->extra[0].attrs_size;
    cr_assert_not_null(attrs, "the attributes' own bytes are found");
    uint8_t *in_file = NULL;
    for (size_t i = 0; i + alen <= s.size && !in_file; i++)
        if (memcmp(s.data + i, attrs, alen) == 0)
            in_file = s.data + i;
    cr_assert_not_null(in_file);
    uint8_t *oid = NULL;
    for (size_t i = 0; i + sizeof individual <= alen && !oid; i++)
        if (memcmp(in_file + i, individual, sizeof individual) == 0)
            oid = in_file + i;
    cr_assert_not_null(oid, "osslsigncode signs SpcStatementType individual");
    oid[sizeof individual - 1] = 0x16; /* commercial */
    for (int round = 0; round < 2; round++) {
        mum_signature *b = embedded(&s);
        cr_assert_eq(ASN1_STRING_cmp(sk_PKCS7_SIGNER_INFO_value(a->p7->d.sign->signer_info, 0)->enc_digest,
                                     sk_PKCS7_SIGNER_INFO_value(b->p7->d.sign->signer_info, 0)->enc_digest),
                     0, "the same signature value");
        r = integrity_of(b);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "round %d", round);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "round %d: %s", round, r.detail);
        cr_assert_eq(mum__signer_signature_hits(), h0, "round %d: other signed bytes are no hit", round);
        mum_sig_result_clear(&r);
        mum_signature_free(b);
    }
    mum_signature_free(a);
    free(s.data);
}

/* A ring's key is its bytes and their length: a key that begins another
 * one is not that one, and a key given in other parts with the same bytes
 * is the same (which is why a key's parts of varying size are preceded by
 * their size). */
static mum__pass_ring ring = MUM__PASS_RING_INIT(2);

Test(chain, a_pass_ring_key_is_its_bytes_and_length)
{
    const mum__key_part abcd = {"abcd", 4}, abc = {"abc", 3}, d = {"d", 1}, abce = {"abce", 4};
    cr_assert_not(mum__pass_ring_has(&ring, &abcd, 1));
    mum__pass_ring_add(&ring, &abcd, 1);
    cr_assert(mum__pass_ring_has(&ring, &abcd, 1));
    cr_assert_not(mum__pass_ring_has(&ring, &abc, 1), "a prefix is another key");
    cr_assert_not(mum__pass_ring_has(&ring, &abce, 1), "another last byte");
    const mum__key_part split[2] = {abc, d};
    cr_assert(mum__pass_ring_has(&ring, split, 2), "the same bytes in two parts");
    cr_assert_eq(mum__pass_ring_hits(&ring), 2);
    /* two more keys: the first one goes */
    mum__pass_ring_add(&ring, &abc, 1);
    mum__pass_ring_add(&ring, &abce, 1);
    cr_assert_not(mum__pass_ring_has(&ring, &abcd, 1), "the oldest key left the ring");
    cr_assert(mum__pass_ring_has(&ring, &abc, 1));
    cr_assert(mum__pass_ring_has(&ring, &abce, 1));
}

/* Every allocation of a parse failing gives MUM_ENOMEM: the shared path's
 * copy of the SignedData without its certificates too, which must not
 * fall back to a parse of its own. */
static const uint8_t *sweep_der;
static size_t sweep_len;

static int parse_once(void)
{
    mum_signature *sig = NULL;
    int rc = mum_signature_parse(&sig, NULL, sweep_der, sweep_len, NULL);
    mum_signature_free(sig);
    return rc;
}

Test(signature, every_failed_allocation_of_a_parse_is_reported)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &sweep_der, &sweep_len), MUM_OK);
    TU_ALLOC_SWEEP(parse_once(), (void)0);
    free(s.data);
}

/* ---- OIDs recognised from their DER (asn1.c: the constants' DER made once) ---- */

#include <openssl/objects.h>

static void oid_text_round_trip(const char *dotted)
{
    ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
    cr_assert_not_null(o, "%s", dotted);
    char *text = mum__oid_text(o);
    cr_assert_str_eq(text, dotted);
    mum__free(text);
    ASN1_OBJECT_free(o);
}

static mum_hash_alg hash_of_oid(const char *dotted, size_t cut)
{
    unsigned char der[32];
    size_t n;
    cr_assert(mum__oid_der(dotted, der, sizeof der, &n), "%s", dotted);
    return mum__hash_from_oid_der(der, n - cut);
}

Test(oid, common_and_other_oids_read_back_and_hash_oids_are_known)
{
    /* the four kept as DER, and others through OpenSSL */
    oid_text_round_trip("1.3.6.1.4.1.311.2.1.15");
    oid_text_round_trip("1.3.6.1.4.1.311.2.1.25");
    oid_text_round_trip("1.3.14.3.2.26");
    oid_text_round_trip("2.16.840.1.101.3.4.2.1");
    oid_text_round_trip("2.16.840.1.101.3.4.2.2");
    oid_text_round_trip("1.3.6.1.4.1.311.2.1.4");
    oid_text_round_trip("1.3.6.1.4.1.311.10.1");
    oid_text_round_trip("2.999.18446744073709551615");
    oid_text_round_trip("2.999.18446744073709551616"); /* past 64 bits: OpenSSL's text */
    /* a text of 127 characters is kept, one of 128 is "?" as OBJ_obj2txt's buffer had it */
    char longer[160] = "1.2";
    while (strlen(longer) < 127)
        strcat(longer, strlen(longer) + 5 <= 127 ? ".1234" : ".5");
    cr_assert_eq(strlen(longer), 127);
    oid_text_round_trip(longer);
    strcat(longer, "6");
    ASN1_OBJECT *lo = OBJ_txt2obj(longer, 1);
    cr_assert_not_null(lo);
    char *lt = mum__oid_text(lo);
    cr_assert_str_eq(lt, "?");
    mum__free(lt);
    ASN1_OBJECT_free(lo);
    char *q = mum__oid_text(NULL);
    cr_assert_str_eq(q, "?");
    mum__free(q);

    cr_assert_eq(hash_of_oid("1.2.840.113549.2.5", 0), MUM_HASH_MD5);
    cr_assert_eq(hash_of_oid("1.3.14.3.2.26", 0), MUM_HASH_SHA1);
    cr_assert_eq(hash_of_oid("2.16.840.1.101.3.4.2.1", 0), MUM_HASH_SHA256);
    cr_assert_eq(hash_of_oid("2.16.840.1.101.3.4.2.2", 0), MUM_HASH_SHA384);
    cr_assert_eq(hash_of_oid("2.16.840.1.101.3.4.2.3", 0), MUM_HASH_SHA512);
    cr_assert_eq(hash_of_oid("2.16.840.1.101.3.4.2.3", 1), MUM_HASH_NONE); /* a prefix */
    cr_assert_eq(hash_of_oid("2.16.840.1.101.3.4.2.4", 0), MUM_HASH_NONE); /* SHA-224 */
    cr_assert_eq(mum__hash_from_oid_der(NULL, 0), MUM_HASH_NONE);

    X509_ALGOR *al = X509_ALGOR_new();
    cr_assert_not_null(al);
    cr_assert_eq(mum__hash_of_algor(al), MUM_HASH_NONE); /* the undefined object */
    X509_ALGOR_set0(al, OBJ_txt2obj("2.16.840.1.101.3.4.2.2", 1), V_ASN1_NULL, NULL);
    cr_assert_eq(mum__hash_of_algor(al), MUM_HASH_SHA384);
    X509_ALGOR_set0(al, OBJ_txt2obj("1.2.840.113549.1.1.11", 1), V_ASN1_NULL, NULL);
    cr_assert_eq(mum__hash_of_algor(al), MUM_HASH_NONE);
    X509_ALGOR_free(al);
    cr_assert_eq(mum__hash_of_algor(NULL), MUM_HASH_NONE);
}

/* mum__attr_by_oid finds what X509at_get_attr_by_OBJ finds, without the object */
Test(oid, attributes_are_found_by_their_oid)
{
    STACK_OF(X509_ATTRIBUTE) *attrs = NULL;
    static const unsigned char seq[] = {0x30, 0x00};
    cr_assert_eq(mum__attr_by_oid(NULL, "1.3.6.1.4.1.311.3.3.1"), -1);
    cr_assert_not_null(X509at_add1_attr_by_txt(&attrs, "1.3.6.1.4.1.311.2.1.12", V_ASN1_SEQUENCE, seq, 2));
    cr_assert_not_null(X509at_add1_attr_by_txt(&attrs, "1.3.6.1.4.1.311.3.3", V_ASN1_SEQUENCE, seq, 2));
    cr_assert_not_null(X509at_add1_attr_by_txt(&attrs, "1.3.6.1.4.1.311.3.3.1", V_ASN1_SEQUENCE, seq, 2));
    cr_assert_eq(mum__attr_by_oid(attrs, "1.3.6.1.4.1.311.2.1.12"), 0);
    cr_assert_eq(mum__attr_by_oid(attrs, "1.3.6.1.4.1.311.3.3"), 1);
    cr_assert_eq(mum__attr_by_oid(attrs, "1.3.6.1.4.1.311.3.3.1"), 2);
    cr_assert_eq(mum__attr_by_oid(attrs, "1.3.6.1.4.1.311.3"), -1); /* a prefix */
    cr_assert_eq(mum__attr_by_oid(attrs, "1.3.6.1.4.1.311.3.3.1.0"), -1);
    cr_assert_eq(mum__attr_by_oid(attrs, "not an oid"), -1);
    sk_X509_ATTRIBUTE_pop_free(attrs, X509_ATTRIBUTE_free);
}

/* The OIDs whose DER is made once a process: each the DER OpenSSL makes
 * of the text (an encoder independent of ours), and a neighbour (a
 * prefix, one arc more, the last arc changed) is not taken for it. */
Test(oid, the_made_once_oids_are_the_dotted_ones)
{
    static const char *const used[] = {
        "1.3.6.1.4.1.311.2.1.12", "1.3.6.1.4.1.311.3.3.1", "1.2.840.113549.1.9.16.1.4",
        "1.3.6.1.4.1.311.2.1.4",  "1.3.6.1.4.1.311.10.1",  "1.3.6.1.5.5.7.3.3",
        "2.5.29.37.0",            "1.3.6.1.4.1.311.10.3.6", "1.3.6.1.4.1.311.12.2.1",
        "1.3.6.1.4.1.311.12.2.2", "1.3.6.1.4.1.311.12.2.3",
    };
    for (size_t i = 0; i < sizeof used / sizeof *used; i++) {
        const unsigned char *der = NULL;
        size_t len = 0;
        cr_assert(mum__oid_known_der(used[i], &der, &len), "%s is not in the table", used[i]);
        ASN1_OBJECT *o = OBJ_txt2obj(used[i], 1);
        cr_assert_not_null(o);
        cr_assert_eq(len, (size_t)OBJ_length(o), "%s", used[i]);
        cr_assert_eq(memcmp(der, OBJ_get0_data(o), len), 0, "%s", used[i]);
        cr_assert(mum__oid_is(o, used[i]));
        char other[64];
        snprintf(other, sizeof other, "%s.1", used[i]);
        cr_assert_not(mum__oid_known_der(other, &der, &len), "%s", other);
        cr_assert_not(mum__oid_is(o, other), "%s", other);
        snprintf(other, sizeof other, "%s", used[i]);
        other[strlen(other) - 1] = other[strlen(other) - 1] == '9' ? '8' : (char)(other[strlen(other) - 1] + 1);
        bool listed = false; /* the catalog's attribute types are neighbours */
        for (size_t j = 0; j < sizeof used / sizeof *used; j++)
            listed = listed || strcmp(used[j], other) == 0;
        if (listed)
            cr_assert(mum__oid_known_der(other, &der, &len) &&
                          !(len == (size_t)OBJ_length(o) && memcmp(der, OBJ_get0_data(o), len) == 0),
                      "%s has its own DER", other);
        else
            cr_assert_not(mum__oid_known_der(other, &der, &len), "%s", other);
        cr_assert_not(mum__oid_is(o, other), "%s", other);
        *strrchr(other, '.') = '\0';
        cr_assert_not(mum__oid_is(o, other), "%s", other);
        ASN1_OBJECT_free(o);
    }
}

/* What mum__read_opus gives for a signer whose SpcSpOpusInfo has these
 * (NULL: absent), "-" for a string it did not give. */
static void read_opus_of(const char *program, const char *url, char *got, size_t cap)
{
    PKCS7_SIGNER_INFO *si = PKCS7_SIGNER_INFO_new();
    cr_assert_not_null(si);
    mum_sign_options o = {.program_name = program, .more_info_url = url};
    cr_assert(mum__add_opus(si, &o));
    mum_signature sig;
    mum_signer_info info;
    memset(&sig, 0, sizeof sig);
    memset(&info, 0, sizeof info);
    cr_assert_eq(mum__read_opus(&sig, &info, si), MUM_OK);
    snprintf(got, cap, "%s|%s", info.program_name ? info.program_name : "-",
             info.more_info_url ? info.more_info_url : "-");
    for (size_t i = 0; i < sig.npool; i++)
        mum__free(sig.pool[i]);
    mum__free(sig.pool);
    PKCS7_SIGNER_INFO_free(si);
}

/* The thread's last description is reused only for the same bytes: one
 * of the same length but another program, an absent part, a URL too long
 * to keep, each read for what it holds, and again after the others. */
Test(opus, a_remembered_description_is_only_given_for_the_same_bytes)
{
    static const struct {
        const char *program, *url, *want;
    } cases[] = {
        {"Program A", "http://a.example/", "Program A|http://a.example/"},
        {"Program B", "http://a.example/", "Program B|http://a.example/"},
        {"Program B", "http://b.example/", "Program B|http://b.example/"},
        {NULL, "http://b.example/", "-|http://b.example/"},
        {"Program B", NULL, "Program B|-"},
        {"Pr\xc3\xb6gram \xe2\x82\xac", NULL, "Pr\xc3\xb6gram \xe2\x82\xac|-"},
        {"Program A",
         "http://a.example/a-long-path-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path"
         "-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path/",
         "Program A|http://a.example/a-long-path-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path"
         "-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path-a-long-path/"},
    };
    char got[512];
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            for (int twice = 0; twice < 2; twice++) {
                read_opus_of(cases[i].program, cases[i].url, got, sizeof got);
                cr_assert_str_eq(got, cases[i].want, "case %zu round %d", i, round);
            }
        }
    }
}

/* mum__crypto_clear looks before it clears (ERR_clear_error walks every
 * slot even when nothing is queued): whatever is queued still goes. */
Test(crypto, clearing_empties_the_queue_whatever_it_holds)
{
    mum__crypto_clear();
    cr_assert_eq(ERR_peek_error(), 0);
    mum__crypto_clear();
    cr_assert_eq(ERR_peek_error(), 0, "nothing queued: still nothing");
    ERR_raise(ERR_LIB_ASN1, ASN1_R_TOO_LONG);
    ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
    cr_assert_neq(ERR_peek_error(), 0);
    mum__crypto_clear();
    cr_assert_eq(ERR_peek_error(), 0, "both queued errors cleared");
    cr_assert_eq(ERR_peek_last_error(), 0);
}

/* OpenSSL's encoding of attributes decoded from der (a [0] element),
 * NULL when they do not decode whole; *n its size. */
static unsigned char *attrs_reencoded(const uint8_t *der, size_t len, size_t *n)
{
    uint8_t *set = malloc(len);
    memcpy(set, der, len);
    set[0] = 0x31;
    const unsigned char *q = set;
    ASN1_VALUE *v = ASN1_item_d2i(NULL, &q, (long)len, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    unsigned char *out = NULL;
    int k = v && q == set + len ? ASN1_item_i2d(v, &out, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY)) : -1;
    ASN1_item_free(v, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    ERR_clear_error();
    free(set);
    *n = k > 0 ? (size_t)k : 0;
    return k > 0 ? out : NULL;
}

/* Whenever mum__attrs_verbatim takes the attributes as they are, OpenSSL
 * encodes what it decodes from them as those very bytes (SET-tagged). */
static bool verbatim_is_what_openssl_encodes(const uint8_t *der, size_t len)
{
    if (!mum__attrs_verbatim(der, len))
        return false;
    size_t n;
    unsigned char *enc = attrs_reencoded(der, len, &n);
    cr_assert_not_null(enc, "taken as they are, but OpenSSL does not decode them");
    cr_assert_eq(n, len);
    cr_assert_eq(enc[0], 0x31);
    cr_assert_arr_eq(enc + 1, der + 1, len - 1);
    OPENSSL_free(enc);
    return true;
}

/* The signature over the authenticated attributes is checked over their
 * bytes in the signature when OpenSSL would encode them so: every change
 * of a byte of a real signer's attributes either is taken as it is and
 * is then OpenSSL's encoding, or goes to OpenSSL's encoding. */
Test(signature, signed_attributes_are_taken_as_they_are_only_when_openssl_encodes_them_so)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    mum_signature *sig = embedded(&s);
    const signer_extra *ex = &sig->extra[0];
    cr_assert_not_null(ex->attrs_der);
    cr_assert(verbatim_is_what_openssl_encodes(ex->attrs_der, ex->attrs_size));
    size_t len = ex->attrs_size, kept = 0, refused = 0;
    uint8_t *m = malloc(len);
    static const uint8_t flips[] = {0x01, 0x02, 0x20, 0x80, 0xff};
    for (size_t i = 0; i < len; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(m, ex->attrs_der, len);
            m[i] ^= flips[f];
            if (verbatim_is_what_openssl_encodes(m, len))
                kept++;
            else
                refused++;
        }
    cr_assert_gt(kept, 0);
    cr_assert_gt(refused, 0);
    free(m);
    /* the verdict and its words are the same either way */
    char why_a[512] = "", why_b[512] = "";
    PKCS7_SIGNER_INFO *si = ex->si;
    const uint8_t *content = sig->content + sig->content_body;
    size_t clen = sig->content_len - sig->content_body;
    cr_assert_eq(mum__verify_signer_info_der(si, ex->cert, sig->content_type, content, clen, ex->attrs_der,
                                             ex->attrs_size, why_a, sizeof why_a),
                 MUM_SIG_CHECK_NONE, "%s", why_a);
    ASN1_OCTET_STRING *value = si->enc_digest;
    value->data[value->length / 2] ^= 1;
    mum_sig_check a = mum__verify_signer_info_der(si, ex->cert, sig->content_type, content, clen, ex->attrs_der,
                                                  ex->attrs_size, why_a, sizeof why_a);
    mum_sig_check b = mum__verify_signer_info(si, ex->cert, sig->content_type, content, clen, why_b, sizeof why_b);
    cr_assert_eq(a, MUM_SIG_CHECK_SIGNATURE);
    cr_assert_eq(b, a);
    cr_assert_str_eq(why_a, why_b);
    mum_signature_free(sig);
    free(s.data);
}

/* Attributes OpenSSL would write otherwise are not taken as they are:
 * values of a SET out of order, a length longer than it needs, a string
 * in constructed form; the same values in order are. */
Test(signature, attributes_an_encoder_writes_otherwise_go_to_openssl)
{
    /* [0] { SEQUENCE { contentType OID, SET { values } } } */
    static const uint8_t unsorted[] = {0xa0, 0x15, 0x30, 0x13, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                       0x0d, 0x01, 0x09, 0x03, 0x31, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01};
    static const uint8_t sorted[] = {0xa0, 0x15, 0x30, 0x13, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                     0x0d, 0x01, 0x09, 0x03, 0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02};
    static const uint8_t long_len[] = {0xa0, 0x13, 0x30, 0x11, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                       0x0d, 0x01, 0x09, 0x03, 0x31, 0x04, 0x04, 0x81, 0x01, 0x05};
    static const uint8_t constructed[] = {0xa0, 0x16, 0x30, 0x14, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                          0x0d, 0x01, 0x09, 0x03, 0x31, 0x07, 0x24, 0x05, 0x04, 0x03, 0x61,
                                          0x62, 0x63};
    static const uint8_t integer[] = {0xa0, 0x12, 0x30, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                      0x0d, 0x01, 0x09, 0x03, 0x31, 0x03, 0x02, 0x01, 0x05};
    const struct {
        const uint8_t *p;
        size_t n;
        bool differs;           /* OpenSSL's encoding differs from the input */
    } cases[] = {
        {unsorted, sizeof unsorted, true},
        {long_len, sizeof long_len, true},
        {constructed, sizeof constructed, true},
        {integer, sizeof integer, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        unsigned char *enc = attrs_reencoded(cases[i].p, cases[i].n, &n);
        cr_assert_not_null(enc, "case %zu decodes", i);
        bool same = n == cases[i].n && memcmp(enc + 1, cases[i].p + 1, n - 1) == 0;
        cr_assert_eq(!same, cases[i].differs, "case %zu", i);
        OPENSSL_free(enc);
        cr_assert_not(mum__attrs_verbatim(cases[i].p, cases[i].n), "case %zu goes to OpenSSL", i);
    }
    cr_assert(verbatim_is_what_openssl_encodes(sorted, sizeof sorted));
}

/* A certificate with the given extendedKeyUsage extension (its value's
 * text as openssl.cnf writes it, or raw DER contents when der is given),
 * none when both are NULL. */
static X509 *with_eku(const char *text, const uint8_t *der, size_t len)
{
    X509 *x = cache_cert("signer.pem");
    int at = X509_get_ext_by_NID(x, NID_ext_key_usage, -1);
    if (at >= 0)
        X509_EXTENSION_free(X509_delete_ext(x, at));
    X509_EXTENSION *e = NULL;
    if (text) {
        e = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, text);
    } else if (der) {
        ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
        cr_assert(ASN1_OCTET_STRING_set(v, der, (int)len));
        e = X509_EXTENSION_create_by_NID(NULL, NID_ext_key_usage, 0, v);
        ASN1_OCTET_STRING_free(v);
    }
    if (text || der) {
        cr_assert_not_null(e);
        cr_assert(X509_add_ext(x, e, -1));
        X509_EXTENSION_free(e);
    }
    return x;
}

/* Whether a certificate may sign code, told from OpenSSL's cached flags
 * for an absent or code-signing usage, by decoding the extension for the
 * rest: the same answers either way. */
Test(chain, code_signing_usage_from_the_flags_and_from_the_extension)
{
    static const uint8_t not_a_sequence[] = {0x05, 0x00};
    const struct {
        const char *text;
        const uint8_t *der;
        size_t len;
        bool allows;
    } cases[] = {
        {NULL, NULL, 0, true},
        {"codeSigning", NULL, 0, true},
        {"serverAuth,codeSigning", NULL, 0, true},
        {"anyExtendedKeyUsage", NULL, 0, true},
        {"1.3.6.1.4.1.311.10.3.6", NULL, 0, true},
        {"serverAuth", NULL, 0, false},
        {"critical,timeStamping", NULL, 0, false},
        {NULL, not_a_sequence, sizeof not_a_sequence, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509 *x = with_eku(cases[i].text, cases[i].der, cases[i].len);
        cr_assert_eq(mum__usage_allows_code_signing(x), cases[i].allows, "case %zu", i);
        X509_free(x);
    }
    X509 *tls = cache_cert("tls.pem"), *root = cache_cert("root.pem");
    cr_assert_not(mum__usage_allows_code_signing(tls));
    cr_assert(mum__usage_allows_code_signing(root), "no extendedKeyUsage: no restriction");
    X509_free(tls);
    X509_free(root);
}

/* with_eku's certificate naming code signing, with a keyUsage that is no
 * BIT STRING: one OpenSSL finds invalid for a reason of its own. */
static X509 *code_signing_with_a_bad_key_usage(void)
{
    static const uint8_t not_a_bit_string[] = {0x05, 0x00};
    X509 *x = with_eku("codeSigning", NULL, 0);
    int at = X509_get_ext_by_NID(x, NID_key_usage, -1);
    if (at >= 0)
        X509_EXTENSION_free(X509_delete_ext(x, at));
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    cr_assert(ASN1_OCTET_STRING_set(v, not_a_bit_string, sizeof not_a_bit_string));
    X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, NID_key_usage, 0, v);
    ASN1_OCTET_STRING_free(v);
    cr_assert_not_null(e);
    cr_assert(X509_add_ext(x, e, -1));
    X509_EXTENSION_free(e);
    return x;
}

/* Reading the cached flags of such a certificate makes OpenSSL queue
 * "invalid certificate"; the answer then comes from decoding the extension,
 * and nothing stays queued for a later error message to pick up. */
Test(chain, code_signing_usage_of_an_invalid_certificate_leaves_no_error)
{
    X509 *x = code_signing_with_a_bad_key_usage();
    ERR_clear_error();
    cr_assert(mum__usage_allows_code_signing(x));
    cr_assert_eq(ERR_peek_error(), 0, "left queued: %s", ERR_reason_error_string(ERR_peek_error()));
    cr_assert(X509_get_extension_flags(x) & EXFLAG_INVALID, "a certificate OpenSSL finds invalid");
    ERR_clear_error();
    X509_free(x);
}

/* Signatures whose signers name twelve issuers, more than the ring of
 * names keeps, parsed, verified and freed on four threads at once: a
 * name evicted from the ring lives on in the signatures that hold it,
 * and each signature reads its own issuer.  (No certificate matches the
 * changed names: each signer's certificate is missing.) */
enum { NAME_VARIANTS = 12, NAME_THREADS = 4, NAME_ROUNDS = 30 };
typedef struct name_job {
    uint8_t *der[NAME_VARIANTS];
    size_t len;
    char want[NAME_VARIANTS][256];
    int offset;                 /* the thread's first variant */
    int failures;
} name_job;

static void *parse_variants(void *arg)
{
    name_job *j = arg;
    mum_ctx *ctx;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        j->failures++;
        return NULL;
    }
    mum_signature *held[3] = {NULL, NULL, NULL};
    for (int r = 0; r < NAME_ROUNDS; r++) {
        /* each variant twice in a row: the second is lent the first's name
         * unless the other threads put 8 names in the ring in between */
        int v = (j->offset + (r / 2) * 5) % NAME_VARIANTS;
        mum_signature *sig = NULL;
        if (mum_signature_parse(&sig, ctx, j->der[v], j->len, NULL) != MUM_OK) {
            j->failures++;
            continue;
        }
        const mum_signer_info *si = mum_signature_signer(sig, 0);
        if (!si || si->has_cert || !si->cert.issuer || strcmp(si->cert.issuer, j->want[v]) != 0)
            j->failures++;
        mum_sig_result res;
        if (mum_signature_verify(&res, ctx, sig, NULL) != MUM_OK || res.status != MUM_SIG_INTEGRITY_FAILED ||
            res.failed_check != MUM_SIG_CHECK_SIGNER_CERT)
            j->failures++;
        mum_sig_result_clear(&res);
        /* kept a while, so that names leave the ring while held */
        mum_signature_free(held[r % 3]);
        held[r % 3] = sig;
    }
    for (int i = 0; i < 3; i++)
        mum_signature_free(held[i]);
    mum_ctx_free(ctx);
    return NULL;
}

Test(signature, lent_names_outlive_the_ring_on_several_threads)
{
    signed_pe s = sign_image("signer", "sha256", 0);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s.data, s.size, NULL, &der, &len), MUM_OK);
    unsigned char *name;
    int nlen;
    size_t at = signer_issuer_at(der, len, &name, &nlen);
    static name_job job;
    job.len = len;
    for (int v = 0; v < NAME_VARIANTS; v++) {
        job.der[v] = malloc(len);
        memcpy(job.der[v], der, len);
        /* the name's last byte: the last character of its last string */
        job.der[v][at + (size_t)nlen - 1] = (uint8_t)('A' + v);
        const unsigned char *q = job.der[v] + at;
        X509_NAME *n = d2i_X509_NAME(NULL, &q, nlen);
        cr_assert_not_null(n);
        char *text = mum__name_text(n);
        cr_assert_not_null(text);
        snprintf(job.want[v], sizeof job.want[v], "%s", text);
        mum__free(text);
        X509_NAME_free(n);
    }
    cr_assert(strcmp(job.want[0], job.want[1]) != 0);
    name_job jobs[NAME_THREADS];
    pthread_t t[NAME_THREADS];
    unsigned long h0 = mum__name_cache_hits();
    for (int i = 0; i < NAME_THREADS; i++) {
        jobs[i] = job;
        jobs[i].offset = i * 3;
        cr_assert_eq(pthread_create(&t[i], NULL, parse_variants, &jobs[i]), 0);
    }
    for (int i = 0; i < NAME_THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(jobs[i].failures, 0, "thread %d", i);
    }
    /* one thread again, so that "lent" does not hang on the schedule the
     * threads above had (a thread kept off its processor can see 8 other
     * names enter the ring between its two parses of a variant) */
    if (mum__name_cache_hits() == h0) {
        name_job again = job;
        again.offset = 0;
        parse_variants(&again);
        cr_assert_eq(again.failures, 0);
    }
    cr_assert_gt(mum__name_cache_hits(), h0, "names were lent");
    for (int v = 0; v < NAME_VARIANTS; v++)
        free(job.der[v]);
    OPENSSL_free(name);
    free(s.data);
}

/* ---- the signed content left out of what is decoded (signeddata.c) ---- */

/* A SignedData of `oid` over content[0..n), signed by the test signer. */
static uint8_t *signed_over(const char *oid, const uint8_t *content, size_t n, size_t *len)
{
    mum_signer *s;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_signer_load(&s, ctx, tu_ca_file("signer.key"), tu_ca_file("signer.pem"), NULL), MUM_OK,
                 "%s", mum_ctx_message(ctx));
    uint8_t *der;
    cr_assert_eq(mum__pkcs7_build(ctx, oid, content, n, s, NULL, &der, len), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_signer_free(s);
    mum_ctx_free(ctx);
    return der;
}

/* The content parse gives is the one a plain d2i_PKCS7 decodes, and lies
 * at its offset in the input. */
static void content_as_openssl_reads_it(const uint8_t *der, size_t len, const char *what)
{
    mum_signature *sig = NULL;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_signature_parse(&sig, ctx, der, len, NULL), MUM_OK, "%s: %s", what, mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    const unsigned char *q = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &q, (long)len);
    cr_assert_not_null(p7, "%s", what);
    const ASN1_TYPE *t = p7->d.sign->contents->d.other;
    const uint8_t *c;
    size_t clen, body;
    uint64_t off;
    mum_signature_content(sig, &c, &clen, &body, &off);
    if (!t || t->type != V_ASN1_SEQUENCE) {
        cr_assert_null(c, "%s: no content read", what);
    } else {
        cr_assert_not_null(c, "%s", what);
        cr_assert_eq(clen, (size_t)t->value.sequence->length, "%s", what);
        cr_assert_arr_eq(c, t->value.sequence->data, clen, "%s", what);
        cr_assert_lt(off, len, "%s", what);
        cr_assert_arr_eq(der + off, c, clen, "%s: at its offset", what);
        cr_assert_eq(body, mum__der_header_len(c, clen), "%s", what);
    }
    PKCS7_free(p7);
    mum_signature_free(sig);
}

Test(signature, a_content_left_out_of_the_decode_is_the_one_openssl_reads)
{
    /* a SEQUENCE of 300 bytes (a long length), a short one, an empty one */
    uint8_t big[304] = {0x30, 0x82, 0x01, 0x2c, 0x04, 0x82, 0x01, 0x28};
    for (size_t i = 8; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    const uint8_t small[] = {0x30, 0x03, 0x02, 0x01, 0x07}, empty[] = {0x30, 0x00};
    const uint8_t octets[] = {0x04, 0x02, 0x30, 0x00}; /* not a SEQUENCE: not read */
    const struct {
        const char *oid;
        const uint8_t *c;
        size_t n;
    } cases[] = {
        {MUM_OID_CTL, big, sizeof big},          {MUM_OID_CTL, small, sizeof small},
        {MUM_OID_CTL, empty, sizeof empty},      {MUM_OID_SPC_INDIRECT_DATA, big, sizeof big},
        {MUM_OID_SPC_INDIRECT_DATA, small, sizeof small},
        {"1.3.6.1.4.1.311.10.99", big, sizeof big}, /* another type: decoded as ever */
        {MUM_OID_CTL, octets, sizeof octets},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *der = signed_over(cases[i].oid, cases[i].c, cases[i].n, &len);
        char what[80];
        snprintf(what, sizeof what, "case %zu (%s)", i, cases[i].oid);
        content_as_openssl_reads_it(der, len, what);
        mum__free(der);
    }
}

/* The content read in place is the input's: a changed byte of it is
 * what the signature then gives, and its integrity fails. */
Test(signature, a_changed_content_left_out_of_the_decode_is_read_changed)
{
    uint8_t content[64] = {0x30, 0x3e, 0x04, 0x3c};
    for (size_t i = 4; i < sizeof content; i++)
        content[i] = (uint8_t)(i * 7);
    size_t len;
    uint8_t *der = signed_over(MUM_OID_CTL, content, sizeof content, &len);
    mum_signature *sig = NULL;
    cr_assert_eq(mum_signature_parse(&sig, NULL, der, len, NULL), MUM_OK);
    mum_sig_result r = integrity_of(sig);
    cr_assert_neq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", r.detail ? r.detail : "");
    mum_sig_result_clear(&r);
    const uint8_t *c;
    size_t clen, body;
    uint64_t off;
    mum_signature_content(sig, &c, &clen, &body, &off);
    cr_assert_eq(clen, sizeof content);
    mum_signature_free(sig);
    der[off + 20] ^= 0x01;
    cr_assert_eq(mum_signature_parse(&sig, NULL, der, len, NULL), MUM_OK);
    mum_signature_content(sig, &c, &clen, &body, &off);
    cr_assert_eq(c[20], content[20] ^ 0x01, "the changed byte is read");
    content_as_openssl_reads_it(der, len, "changed");
    r = integrity_of(sig);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    mum_sig_result_clear(&r);
    mum_signature_free(sig);
    mum__free(der);
}

/* Every signer verified without anchors gets the same detail: one
 * constant the results share (sigverify.c), copied and cleared as any;
 * a verdict with anchors is not given it. */
Test(signature, the_detail_without_anchors_is_shared_and_only_without_them)
{
    uint8_t content[16] = {0x30, 0x0e, 0x04, 0x0c, 'c', 'o', 'n', 's', 't', 'a', 'n', 't', ' ', 'o', 'n', 'e'};
    size_t len;
    uint8_t *der = signed_over(MUM_OID_CTL, content, sizeof content, &len);
    mum_signature *sig = NULL;
    cr_assert_eq(mum_signature_parse(&sig, NULL, der, len, NULL), MUM_OK);
    mum_sig_result a = integrity_of(sig), b = integrity_of(sig), c;
    cr_assert_eq(a.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(a.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
    cr_assert_str_eq(a.detail, "no trust anchors were given, so the certificate chain was not evaluated");
    cr_assert_eq(b.detail, a.detail, "one constant");
    cr_assert_eq(mum__sig_result_copy(&c, &a), MUM_OK);
    cr_assert_eq(c.detail, a.detail);
    mum_sig_result_clear(&a);
    mum_sig_result_clear(&c);
    cr_assert_str_eq(b.detail, "no trust anchors were given, so the certificate chain was not evaluated",
                     "the others' detail outlives a cleared one");
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, NULL, sig, &o), MUM_OK);
    cr_assert_neq(r.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
    cr_assert(r.detail != b.detail, "with anchors: not the constant");
    mum_sig_result_clear(&r);
    mum_sig_result_clear(&b);
    mum_trust_free(t);
    mum_signature_free(sig);
    mum__free(der);
}

/* ---- the memo of anchored verdicts (sigverify.c, mum__sig_memo) ---- */

static void same_text_or_null(const char *a, const char *b, const char *what, const char *field)
{
    if (!a || !b)
        cr_assert_eq(a, b, "%s: %s: one is NULL", what, field);
    else
        cr_assert_str_eq(a, b, "%s: %s", what, field);
}

/* The verdicts are the same; their evaluation time and what says it too
 * unless `now` (taken a second apart, maybe). */
static void same_verdict(const mum_sig_result *a, const mum_sig_result *b, bool now, const char *what)
{
    cr_assert_eq(a->status, b->status, "%s: status %s, memo %s", what, mum_sig_status_name(a->status),
                 mum_sig_status_name(b->status));
    cr_assert_eq(a->failed_check, b->failed_check, "%s", what);
    cr_assert_eq(a->trust_issue, b->trust_issue, "%s", what);
    cr_assert_eq(a->signer, b->signer, "%s", what);
    cr_assert_eq(a->time_source, b->time_source, "%s", what);
    cr_assert_eq(a->timestamp_status, b->timestamp_status, "%s", what);
    cr_assert_eq(a->has_timestamp_time, b->has_timestamp_time, "%s", what);
    cr_assert_eq(a->timestamp_time, b->timestamp_time, "%s", what);
    cr_assert_eq(a->chain_status, b->chain_status, "%s", what);
    cr_assert_eq(a->chain_checked, b->chain_checked, "%s", what);
    if (now && a->time_source == MUM_SIG_TIME_NOW)
        return;
    cr_assert_eq(a->evaluated_at, b->evaluated_at, "%s", what);
    same_text_or_null(a->detail, b->detail, what, "detail");
    same_text_or_null(a->timestamp_note, b->timestamp_note, what, "timestamp_note");
}

/* The verdict on der's catalog signature through memo m, which must be
 * the one without a memo; *hit: whether m served it (one signer). */
static mum_sig_status memo_verdict(mum__sig_memo *m, const uint8_t *der, size_t len, const mum_trust *t,
                                   int64_t when, bool authenticode, bool *hit, const char *what)
{
    mum_catalog *cat;
    cr_assert_eq(mum_catalog_parse(&cat, NULL, der, len, NULL), MUM_OK, "%s", what);
    const mum_signature *sig = mum_catalog_signature(cat);
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    o.has_time = when != 0;
    o.time = when;
    uint8_t digest[32] = {0};
    mum_file_digest fd = {MUM_HASH_SHA256, digest};
    mum_sig_result plain, kept;
    unsigned long h0 = mum__sig_memo_hits(m);
    if (authenticode) {
        cr_assert_eq(mum_authenticode_verify(&plain, NULL, sig, &fd, 1, &o), MUM_OK, "%s", what);
        cr_assert_eq(mum__authenticode_verify_memo(&kept, NULL, sig, &fd, 1, &o, m), MUM_OK, "%s", what);
    } else {
        cr_assert_eq(mum_signature_verify(&plain, NULL, sig, &o), MUM_OK, "%s", what);
        cr_assert_eq(mum__signature_verify_memo(&kept, NULL, sig, &o, m), MUM_OK, "%s", what);
    }
    same_verdict(&plain, &kept, when == 0, what);
    *hit = mum__sig_memo_hits(m) > h0;
    mum_sig_status st = kept.status;
    mum_sig_result_clear(&plain);
    mum_sig_result_clear(&kept);
    mum_catalog_free(cat);
    return st;
}

enum { JAN_2030 = 1893456000, JAN_2046 = 2398291200 };

/* A signer's anchored verdict is served again only for the same chain
 * (the same certificates), anchors (the same set, unchanged), time and
 * subjects; every verdict is the one verified without the memo, and the
 * checks of a signature's own content are always made. */
Test(memo, an_anchored_verdict_is_served_only_for_all_it_depends_on)
{
    size_t na, nb, nc, ne, nt;
    uint8_t *a = signed_cat("leaf", "inter.pem", JUNE_2020, &na);
    uint8_t *b = signed_cat("leaf", "inter.pem", JUNE_2020 + 3600, &nb); /* other content, same chain */
    uint8_t *c = signed_cat("signer", NULL, JUNE_2020, &nc);
    uint8_t *e = signed_cat("expired", NULL, JUNE_2020, &ne);
    uint8_t *tl = signed_cat("tls", NULL, JUNE_2020, &nt);
    mum_trust *root = trust_of("root.pem"), *other = trust_of("other.pem"), *root2 = trust_of("root.pem");
    mum__sig_memo *m = mum__sig_memo_new();
    cr_assert_not_null(m);
    bool hit;
    cr_assert_eq(memo_verdict(m, a, na, root, JAN_2030, false, &hit, "a"), MUM_SIG_TRUSTED);
    cr_assert_not(hit, "a first chain is no hit");
    cr_assert_eq(memo_verdict(m, b, nb, root, JAN_2030, false, &hit, "b"), MUM_SIG_TRUSTED);
    cr_assert(hit, "the same chain, anchors and time: served");
    cr_assert_eq(memo_verdict(m, b, nb, root, JAN_2046, false, &hit, "b later"), MUM_SIG_EXPIRED);
    cr_assert_not(hit, "another time");
    cr_assert_eq(memo_verdict(m, b, nb, other, JAN_2030, false, &hit, "b, other anchors"), MUM_SIG_UNTRUSTED);
    cr_assert_not(hit, "other anchors");
    cr_assert_eq(memo_verdict(m, b, nb, NULL, JAN_2030, false, &hit, "b, no anchors"), MUM_SIG_UNTRUSTED);
    cr_assert_not(hit, "no anchors");
    cr_assert_eq(memo_verdict(m, b, nb, root2, JAN_2030, false, &hit, "b, the same root again"), MUM_SIG_TRUSTED);
    cr_assert_not(hit, "another set of anchors");
    /* the same set changed: the root no longer anchors code signing */
    cr_assert_eq(mum_trust_restrict(root, 0, MUM_TRUST_PURPOSE_TIME_STAMPING), MUM_OK);
    cr_assert_eq(memo_verdict(m, a, na, root, JAN_2030, false, &hit, "a, narrowed root"), MUM_SIG_UNTRUSTED);
    cr_assert_not(hit, "changed anchors");
    /* the chain part served, the content's checks made: a catalog is no
     * Authenticode content */
    cr_assert_eq(memo_verdict(m, a, na, root2, JAN_2030, false, &hit, "a again"), MUM_SIG_TRUSTED);
    cr_assert(hit);
    cr_assert_eq(memo_verdict(m, a, na, root2, JAN_2030, true, &hit, "a as Authenticode"), MUM_SIG_INTEGRITY_FAILED);
    cr_assert(hit, "the chain's part served, not the verdict");
    /* other signers, each its own verdict */
    cr_assert_eq(memo_verdict(m, c, nc, root2, JAN_2030, false, &hit, "c"), MUM_SIG_TRUSTED);
    cr_assert_not(hit, "another signer");
    cr_assert_eq(memo_verdict(m, e, ne, root2, JAN_2030, false, &hit, "expired"), MUM_SIG_EXPIRED);
    cr_assert_not(hit);
    cr_assert_eq(memo_verdict(m, e, ne, root2, JUNE_2020, false, &hit, "expired in its year"), MUM_SIG_TRUSTED);
    cr_assert_not(hit);
    cr_assert_eq(memo_verdict(m, tl, nt, root2, JAN_2030, false, &hit, "tls"), MUM_SIG_UNTRUSTED);
    cr_assert_not(hit);
    /* a changed certificate (the intermediate's signature) is another one */
    uint8_t *bad = malloc(nb);
    memcpy(bad, b, nb);
    damage_cert(bad, nb, "inter.pem");
    cr_assert_eq(memo_verdict(m, bad, nb, root2, JAN_2030, false, &hit, "damaged inter"), MUM_SIG_INTEGRITY_FAILED);
    cr_assert_not(hit, "a changed certificate");
    cr_assert_eq(memo_verdict(m, b, nb, root2, JAN_2030, false, &hit, "b after all"), MUM_SIG_TRUSTED);
    /* now, without a time asked */
    cr_assert_eq(memo_verdict(m, b, nb, root2, 0, false, &hit, "b now"), MUM_SIG_TRUSTED);
    cr_assert_eq(memo_verdict(m, e, ne, root2, 0, false, &hit, "expired now"), MUM_SIG_EXPIRED);
    mum__sig_memo_free(m);
    mum__sig_memo_free(NULL);
    mum_trust_free(root);
    mum_trust_free(root2);
    mum_trust_free(other);
    free(bad);
    mum_free(a);
    mum_free(b);
    mum_free(c);
    mum_free(e);
    mum_free(tl);
}

/* With no time asked, the timestamp's time and validity decide the
 * verdict: one signer's two signatures timestamped in and after its
 * validity, or by a TSA the anchors do not know, are each judged anew. */
Test(memo, a_timestamps_time_and_signer_are_part_of_the_key)
{
    size_t n1, n2, n3;
    uint8_t *in = timestamped("expired", "tsa", JUNE_2020, &n1);
    uint8_t *after = timestamped("expired", "tsa", JUNE_2021, &n2);
    uint8_t *other = timestamped("expired", "other-tsa", JUNE_2020, &n3);
    mum_trust *root = trust_of("root.pem");
    mum__sig_memo *m = mum__sig_memo_new();
    cr_assert_not_null(m);
    bool hit;
    cr_assert_eq(memo_verdict(m, in, n1, root, 0, false, &hit, "in"), MUM_SIG_TRUSTED);
    cr_assert_eq(memo_verdict(m, in, n1, root, 0, false, &hit, "in again"), MUM_SIG_TRUSTED);
    cr_assert_eq(memo_verdict(m, after, n2, root, 0, false, &hit, "after"), MUM_SIG_EXPIRED);
    cr_assert_not(hit, "another timestamp time");
    cr_assert_eq(memo_verdict(m, other, n3, root, 0, false, &hit, "other tsa"), MUM_SIG_EXPIRED);
    cr_assert_not(hit, "another timestamp signer");
    cr_assert_eq(memo_verdict(m, in, n1, root, 0, false, &hit, "in at last"), MUM_SIG_TRUSTED);
    mum__sig_memo_free(m);
    mum_trust_free(root);
    free(in);
    free(after);
    free(other);
}
