/*
 * test_cabsig.c - a cabinet's own Authenticode signature, verified
 * (mum_cab_signature_verify): fixture cabinets signed here by osslsigncode
 * with the throwaway test CA (tests/tools/make-test-ca.sh), then damaged -
 * a flipped data byte, junk in the padding, a cut signature, the signature
 * of a PE file put in a cabinet's place.  tests/cli/cab-signature.sh holds
 * the same verdicts against osslsigncode's.
 */
#include "testca.h"

#include "pegen.h"

#include "crypto.h"
#include "sig_internal.h"

#include <mum/cab.h>
#include <mum/pe.h>

static bool have_osslsigncode(void)
{
    return system("command -v osslsigncode >/dev/null 2>&1") == 0;
}

typedef struct cabfile {
    uint8_t *data;
    size_t size;
} cabfile;

/* An input file at `path`, signed by osslsigncode with a test key. */
static cabfile sign_file(const char *path, const char *who, const char *hash)
{
    if (!have_osslsigncode())
        cr_skip_test("osslsigncode is not installed (tools/install-deps)");
    char dir[256], out[300], cmd[2048], key[64], cert[64];
    tu_scratch(dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(key, sizeof key, "%s.key", who);
    snprintf(cert, sizeof cert, "%s.pem", who);
    snprintf(cmd, sizeof cmd, "osslsigncode sign -h %s -certs '%s' -key '%s' -in '%s' -out '%s' >/dev/null 2>&1",
             hash, tu_ca_file(cert), tu_ca_file(key), path, out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    cabfile c;
    c.data = tu_slurp(out, &c.size);
    cr_assert_not_null(c.data);
    tu_rmrf(dir);
    return c;
}

static const char *fixture(const char *name)
{
    static char path[4096];
    const char *src = getenv("MUM_SRCDIR");
    snprintf(path, sizeof path, "%s/tests/fixtures/containers/%s", src ? src : "..", name);
    return path;
}

static cabfile signed_cab(const char *who, const char *hash)
{
    return sign_file(fixture("plain.cab"), who, hash);
}

/* The signature and digests of cabinet bytes, as the digest pass finds them. */
static void digest(const cabfile *c, mum_cab_signature *out)
{
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, 0), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, c->data, c->size), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(out, d, NULL, NULL, NULL), MUM_OK);
    mum_cab_digest_free(d);
}

static mum_trust *anchors(const char *pem)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file(pem)), MUM_OK);
    return t;
}

/* Verifies c with anchors from `pem` (NULL: none); the verdict in *r. */
static int verify(const cabfile *c, const char *pem, mum_sig_result *r, mum_ctx *ctx)
{
    mum_cab_signature cs;
    digest(c, &cs);
    mum_trust *t = pem ? anchors(pem) : NULL;
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_location where = {.input = "t.cab"};
    int rc = mum_cab_signature_verify(r, NULL, ctx, &cs, &where, &o);
    mum_trust_free(t);
    mum_cab_signature_clear(&cs);
    return rc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

Test(cab_signature, intact_untrusted_without_anchors_trusted_with_the_root)
{
    const char *hashes[2] = {"sha1", "sha256"};
    for (int h = 0; h < 2; h++) {
        cabfile c = signed_cab("signer", hashes[h]);
        mum_cab_signature cs;
        digest(&c, &cs);
        cr_assert(cs.present && cs.blob && cs.digests_valid);
        mum_sig_result r;
        mum_signature *sig;
        mum_location where = {.input = "t.cab"};
        cr_assert_eq(mum_cab_signature_verify(&r, &sig, NULL, &cs, &where, NULL), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "%s: %s", hashes[h], r.detail);
        cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
        /* the parsed signature comes back: its signer and the digest it signs */
        cr_assert_not_null(sig);
        cr_assert_str_eq(mum_signature_signer(sig, 0)->cert.subject, "CN=mumtool test signer,O=mumtool tests");
        mum_authenticode_info ai;
        cr_assert_eq(mum_authenticode_content(&ai, NULL, sig), MUM_OK);
        cr_assert_str_eq(ai.data_type, "1.3.6.1.4.1.311.2.1.25");
        cr_assert_arr_eq(ai.digest, h ? cs.sha256 : cs.sha1, h ? 32 : 20);
        mum_signature_free(sig);
        mum_sig_result_clear(&r);
        mum_cab_signature_clear(&cs);

        cr_assert_eq(verify(&c, "root.pem", &r, NULL), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s: %s", hashes[h], r.detail);
        mum_sig_result_clear(&r);
        cr_assert_eq(verify(&c, "other.pem", &r, NULL), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
        cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_UNKNOWN_ROOT);
        mum_sig_result_clear(&r);
        free(c.data);
    }
}

/* The graph keeps a cabinet's signature with its content alone once its
 * integrity is checked (mum__signature_keep_content_only), and without its
 * decoded PKCS#7 (mum__signature_drop_tree): a judgement
 * with anchors afterwards, intact or not, is the one the whole DER gives. */
Test(cab_signature, keeping_the_content_only_gives_the_same_verdicts)
{
    for (int flip = 0; flip < 2; flip++) {
        cabfile c = signed_cab("signer", "sha256");
        if (flip)
            c.data[le32(c.data + 8) - 3] ^= 0x20; /* in the last CFDATA block */
        mum_cab_signature cs;
        digest(&c, &cs);
        mum_trust *t = anchors("root.pem");
        mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
        o.anchors = t;
        mum_location where = {.input = "t.cab"};
        mum_sig_result whole, integrity, kept;
        mum_signature *sig;
        cr_assert_eq(mum_cab_signature_verify(&whole, NULL, NULL, &cs, &where, &o), MUM_OK);
        cr_assert_eq(mum_cab_signature_verify(&integrity, &sig, NULL, &cs, &where, NULL), MUM_OK);
        size_t der_len = sig->der_len;
        mum__signature_keep_content_only(sig);
        cr_assert_null(sig->p7, "the decoded PKCS#7 is let go of");
        cr_assert_eq(sig->nrefs, sig->ncerts, "its certificates are kept");
        cr_assert_gt(sig->nrefs, 0);
        cr_assert_eq(sig->der_len, sig->content_len);
        cr_assert_lt(sig->der_len, der_len / 4, "%zu of %zu bytes kept", sig->der_len, der_len);
        mum_authenticode_info ai;
        cr_assert_eq(mum_authenticode_content(&ai, NULL, sig), MUM_OK);
        if (!flip)
            cr_assert_arr_eq(ai.digest, cs.sha256, 32);
        cr_assert_eq(mum__cab_authenticode_verify(&kept, NULL, sig, cs.sha1_valid ? cs.sha1 : NULL,
                                                  cs.sha256_valid ? cs.sha256 : NULL, &o, NULL),
                     MUM_OK);
        cr_assert_eq(kept.status, flip ? MUM_SIG_INTEGRITY_FAILED : MUM_SIG_TRUSTED, "%s", kept.detail);
        cr_assert_eq(kept.status, whole.status);
        cr_assert_eq(kept.failed_check, whole.failed_check);
        cr_assert_str_eq(kept.detail ? kept.detail : "", whole.detail ? whole.detail : "");
        mum_sig_result_clear(&whole);
        mum_sig_result_clear(&integrity);
        mum_sig_result_clear(&kept);
        mum_signature_free(sig);
        mum_trust_free(t);
        mum_cab_signature_clear(&cs);
        free(c.data);
    }
}

Test(cab_signature, a_flipped_data_byte_fails_the_file_digest)
{
    cabfile c = signed_cab("signer", "sha256");
    uint32_t cab_size = le32(c.data + 8);
    c.data[cab_size - 3] ^= 0x20; /* in the last CFDATA block */
    mum_sig_result r;
    cr_assert_eq(verify(&c, "root.pem", &r, NULL), MUM_OK);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
    cr_assert(strstr(r.detail, "differs from the signed one"), "%s", r.detail);
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_sig_result_findings(&r, NULL, f, NULL), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "signature.file-digest"), 1);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    free(c.data);
}

Test(cab_signature, a_changed_signature_byte_fails_integrity)
{
    cabfile c = signed_cab("signer", "sha256");
    uint32_t at = le32(c.data + 44), len = le32(c.data + 48);
    /* inside the signer's signature value, near the end of the DER */
    size_t der_end = at + len;
    while (c.data[der_end - 1] == 0)
        der_end--;
    c.data[der_end - 10] ^= 0x01;
    mum_sig_result r;
    cr_assert_eq(verify(&c, NULL, &r, NULL), MUM_OK);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE, "%s", r.detail);
    mum_sig_result_clear(&r);
    free(c.data);
}

Test(cab_signature, zero_padding_is_skipped_other_bytes_are_malformed)
{
    cabfile c = signed_cab("signer", "sha256");
    uint32_t at = le32(c.data + 44), len = le32(c.data + 48);
    /* eight more bytes of signature, zeros: padding, as signing tools add */
    uint8_t *p = calloc(1, c.size + 8);
    memcpy(p, c.data, c.size);
    put32(p + 48, len + 8);
    cabfile padded = {p, c.size + 8};
    mum_sig_result r;
    cr_assert_eq(verify(&padded, "root.pem", &r, NULL), MUM_OK);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    mum_sig_result_clear(&r);
    /* anything else there is not padding */
    p[at + len + 5] = 0x55;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(verify(&padded, NULL, &r, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "8 bytes after the PKCS#7 signature are not zero padding"), "%s",
              mum_ctx_message(ctx));
    char want[64];
    snprintf(want, sizeof want, "t.cab: at offset %u:", at + len + 5);
    cr_assert(strstr(mum_ctx_message(ctx), want), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
    free(c.data);
}

/* The header's signature length and the file both cut: the blob is
 * consistent with the header, but the DER inside is not whole. */
Test(cab_signature, a_cut_signature_is_a_located_error)
{
    cabfile c = signed_cab("signer", "sha256");
    uint32_t at = le32(c.data + 44), len = le32(c.data + 48);
    for (uint32_t keep = 0; keep < len; keep += 97) {
        cabfile cut = {c.data, at + keep};
        put32(c.data + 48, keep);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        mum_sig_result r;
        mum_cab_signature cs;
        digest(&cut, &cs);
        int rc = mum_cab_signature_verify(&r, NULL, ctx, &cs, NULL, NULL);
        if (keep == 0) {
            /* a zero length locates no signature */
            cr_assert_not(cs.present);
            cr_assert_eq(rc, MUM_ENOTFOUND);
        } else {
            cr_assert_eq(rc, MUM_EFORMAT, "cut to %u bytes: %d %s", keep, rc, mum_ctx_message(ctx));
            cr_assert(strstr(mum_ctx_message(ctx), "the cabinet's signature: "), "%s", mum_ctx_message(ctx));
            /* an offset inside the signature, not inside the blob */
            const mum_location *loc = mum_ctx_location(ctx);
            cr_assert(loc->has_offset && loc->offset >= at && loc->offset <= at + keep, "%s",
                      mum_ctx_message(ctx));
        }
        mum_cab_signature_clear(&cs);
        mum_ctx_free(ctx);
    }
    free(c.data);
}

Test(cab_signature, a_file_cut_inside_the_signature_is_an_error)
{
    cabfile c = signed_cab("signer", "sha1");
    uint32_t at = le32(c.data + 44);
    cabfile cut = {c.data, at + 100};
    mum_cab_signature cs;
    mum_findings *f;
    mum_findings_new(&f);
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, 0), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, cut.data, cut.size), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(&cs, d, NULL, NULL, f), MUM_OK);
    mum_cab_digest_free(d);
    cr_assert_eq(tu_count_rule(f, "container.truncated"), 1);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_sig_result r;
    cr_assert_eq(mum_cab_signature_verify(&r, NULL, ctx, &cs, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "was not read whole"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    mum_findings_free(f);
    mum_cab_signature_clear(&cs);
    free(c.data);
}

Test(cab_signature, a_pe_files_signature_in_a_cabinet_fails_integrity)
{
    /* osslsigncode signs a test image; its PKCS#7 takes the place of a
     * cabinet's own, padded to 8 bytes as the cabinet's was */
    char dir[256], in[300];
    tu_scratch(dir);
    snprintf(in, sizeof in, "%s/in.dll", dir);
    pegen_opts o = PEGEN_OPTS_INIT;
    size_t size;
    uint8_t *img = pegen_build(&o, &size);
    tu_spit(in, img, size);
    free(img);
    cabfile pe = sign_file(in, "signer", "sha256");
    tu_rmrf(dir);
    const uint8_t *der;
    size_t der_len;
    cr_assert_eq(mum_pe_signature(NULL, pe.data, pe.size, NULL, &der, &der_len), MUM_OK);

    cabfile c = signed_cab("signer", "sha256");
    uint32_t at = le32(c.data + 44);
    size_t padded = (der_len + 7) / 8 * 8;
    uint8_t *graft = calloc(1, at + padded);
    memcpy(graft, c.data, at);
    memcpy(graft + at, der, der_len);
    put32(graft + 48, (uint32_t)padded);
    cabfile g = {graft, at + padded};
    mum_sig_result r;
    cr_assert_eq(verify(&g, "root.pem", &r, NULL), MUM_OK);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
    cr_assert(strstr(r.detail, "1.3.6.1.4.1.311.2.1.15 (SPC_PE_IMAGE_DATA"), "%s", r.detail);
    cr_assert(strstr(r.detail, "not a cabinet"), "%s", r.detail);
    mum_sig_result_clear(&r);
    free(graft);
    free(c.data);
    free(pe.data);
}

/*
 * A cabinet signed by the test signer over SpcIndirectDataContent naming
 * `type` (an OID whose last arc is one byte: 2.1.15, .25, .28) with
 * `digest`, put in the place of c's own signature.
 */
static cabfile resign_with_type(const cabfile *c, unsigned type_arc, const uint8_t *digest)
{
    uint8_t *ind;
    size_t ind_len;
    cr_assert_eq(mum__indirect_encode(false, true, MUM_HASH_SHA256, digest, &ind, &ind_len), MUM_OK);
    /* the SPC_CAB_DATA OID's last arc (25) becomes the type asked for */
    static const uint8_t cab_oid[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x19};
    uint8_t *at_oid = NULL;
    for (size_t i = 0; i + sizeof cab_oid <= ind_len && !at_oid; i++)
        if (memcmp(ind + i, cab_oid, sizeof cab_oid) == 0)
            at_oid = ind + i;
    cr_assert_not_null(at_oid);
    at_oid[sizeof cab_oid - 1] = (uint8_t)type_arc;
    mum_signer *signer;
    cr_assert_eq(mum_signer_load(&signer, NULL, tu_ca_file("signer.key"), tu_ca_file("signer.pem"), NULL), MUM_OK);
    uint8_t *der;
    size_t der_len;
    cr_assert_eq(mum__pkcs7_build(NULL, MUM_OID_SPC_INDIRECT_DATA, ind, ind_len, signer, NULL, &der, &der_len),
                 MUM_OK);
    mum_signer_free(signer);
    mum__free(ind);
    uint32_t at = le32(c->data + 44);
    size_t padded = (der_len + 7) / 8 * 8;
    uint8_t *graft = calloc(1, at + padded);
    memcpy(graft, c->data, at);
    memcpy(graft + at, der, der_len);
    put32(graft + 48, (uint32_t)padded); /* not digested: the digest stays the cabinet's */
    mum__free(der);
    return (cabfile){graft, at + padded};
}

Test(cab_signature, the_digest_decides_not_the_data_type)
{
    /* signtool names a cabinet's data SPC_LINK (2.1.28); Windows' cabinet
     * SIP compares the digest only: any type with the cabinet's digest
     * holds, a wrong digest fails whatever the type */
    cabfile c = signed_cab("signer", "sha256");
    mum_cab_signature cs;
    digest(&c, &cs);
    uint8_t good[32], bad[32];
    memcpy(good, cs.sha256, 32);
    memcpy(bad, cs.sha256, 32);
    bad[7] ^= 0x01;
    mum_cab_signature_clear(&cs);
    static const unsigned arcs[] = {25, 28, 15};
    for (size_t i = 0; i < 3; i++) {
        cabfile g = resign_with_type(&c, arcs[i], good);
        mum_sig_result r;
        cr_assert_eq(verify(&g, "root.pem", &r, NULL), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_TRUSTED, "2.1.%u: %s", arcs[i], r.detail);
        mum_sig_result_clear(&r);
        free(g.data);

        g = resign_with_type(&c, arcs[i], bad);
        cr_assert_eq(verify(&g, "root.pem", &r, NULL), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "2.1.%u", arcs[i]);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
        cr_assert(strstr(r.detail, "differs from the signed one"), "%s", r.detail);
        /* only a type that is not a cabinet's is named */
        cr_assert_eq(strstr(r.detail, "not a cabinet") != NULL, arcs[i] == 15, "%s", r.detail);
        mum_sig_result_clear(&r);
        free(g.data);
    }
    free(c.data);
}

Test(cab_signature, no_signature_and_bad_arguments)
{
    size_t n = 0;
    uint8_t *b = tu_slurp(fixture("plain.cab"), &n);
    cr_assert_not_null(b);
    cabfile c = {b, n};
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_sig_result r;
    cr_assert_eq(verify(&c, NULL, &r, ctx), MUM_ENOTFOUND);
    cr_assert(strstr(mum_ctx_message(ctx), "carries no signature"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_cab_signature_verify(NULL, NULL, ctx, NULL, NULL, NULL), MUM_EINVAL);
    mum_cab_signature cs = {0};
    cr_assert_eq(mum_cab_signature_verify(&r, NULL, ctx, &cs, NULL, NULL), MUM_ENOTFOUND);
    mum_ctx_free(ctx);
    free(b);

    /* the fixture's 16 stand-in bytes are no PKCS#7 */
    b = tu_slurp(fixture("sigfake.cab"), &n);
    c = (cabfile){b, n};
    mum_ctx_new(&ctx);
    cr_assert_eq(verify(&c, NULL, &r, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "t.cab: at offset 165: the cabinet's signature: "), "%s",
              mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(b);
}

Test(cab_signature, out_of_memory_is_reported)
{
    cabfile c = signed_cab("signer", "sha256");
    mum_cab_signature cs;
    digest(&c, &cs);
    mum_trust *t = anchors("root.pem");
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    mum_signature *sig = NULL;
    TU_ALLOC_SWEEP(mum_cab_signature_verify(&r, &sig, NULL, &cs, NULL, &o),
                   (mum_sig_result_clear(&r), mum_signature_free(sig), sig = NULL));
    mum_trust_free(t);
    mum_cab_signature_clear(&cs);
    free(c.data);
}

/* The digests with `flags` (MUM_CAB_DIGEST_ONLY_*), as the digest pass finds them. */
static void digest_with(const cabfile *c, unsigned flags, mum_cab_signature *out)
{
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, flags), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, c->data, c->size), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(out, d, NULL, NULL, NULL), MUM_OK);
    mum_cab_digest_free(d);
}

Test(cab_signature, the_signature_says_its_algorithm_and_that_digest_alone_verifies)
{
    const char *hashes[2] = {"sha1", "sha256"};
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    const unsigned only[2] = {MUM_CAB_DIGEST_ONLY_SHA1, MUM_CAB_DIGEST_ONLY_SHA256};
    for (int h = 0; h < 2; h++) {
        cabfile c = signed_cab("signer", hashes[h]);
        mum_cab_signature all, mine, other;
        digest(&c, &all);
        cr_assert(all.digests_valid && all.sha1_valid && all.sha256_valid);
        cr_assert_eq(mum_cab_signature_alg(all.blob, all.blob_size), algs[h], "%s", hashes[h]);

        /* the algorithm it names: the same digest, the other one not computed */
        digest_with(&c, only[h], &mine);
        cr_assert(mine.digests_valid);
        cr_assert_eq(mine.sha1_valid, h == 0);
        cr_assert_eq(mine.sha256_valid, h == 1);
        if (h == 0)
            cr_assert_arr_eq(mine.sha1, all.sha1, 20);
        else
            cr_assert_arr_eq(mine.sha256, all.sha256, 32);
        mum_sig_result r;
        mum_trust *t = anchors("root.pem");
        mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
        o.anchors = t;
        cr_assert_eq(mum_cab_signature_verify(&r, NULL, NULL, &mine, NULL, &o), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s: %s", hashes[h], r.detail);
        mum_sig_result_clear(&r);

        /* the other one: the signature's digest was not computed, and that fails */
        digest_with(&c, only[1 - h], &other);
        cr_assert(other.digests_valid);
        cr_assert_eq(mum_cab_signature_verify(&r, NULL, NULL, &other, NULL, &o), MUM_OK);
        cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED, "%s", hashes[h]);
        cr_assert_eq(r.failed_check, MUM_SIG_CHECK_FILE_DIGEST);
        cr_assert(strstr(r.detail, "no digest of that kind was computed"), "%s", r.detail);
        mum_sig_result_clear(&r);
        mum_trust_free(t);
        mum_cab_signature_clear(&all);
        mum_cab_signature_clear(&mine);
        mum_cab_signature_clear(&other);
        free(c.data);
    }
    mum_cab_digest *d = NULL;
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_ONLY_SHA1 | MUM_CAB_DIGEST_ONLY_SHA256), MUM_EINVAL);
    cr_assert_null(d);
}

Test(cab_signature, an_algorithm_is_told_only_from_a_whole_plain_signature)
{
    cabfile c = signed_cab("signer", "sha256");
    mum_cab_signature cs;
    digest(&c, &cs);
    size_t der = (size_t)cs.blob[2] << 8 | cs.blob[3]; /* 30 82 hh ll */
    cr_assert_eq(cs.blob[1], 0x82);
    der += 4;
    cr_assert_leq(der, cs.blob_size);
    cr_assert_eq(mum_cab_signature_alg(cs.blob, der), MUM_HASH_SHA256);
    /* cut anywhere: the outer SEQUENCE runs past the end */
    for (size_t n = 0; n < der; n++)
        cr_assert_eq(mum_cab_signature_alg(cs.blob, n), MUM_HASH_NONE, "cut at %zu", n);
    cr_assert_eq(mum_cab_signature_alg(NULL, 100), MUM_HASH_NONE);
    /* not signedData; the stand-in bytes of a fixture */
    uint8_t *copy = malloc(der);
    memcpy(copy, cs.blob, der);
    for (size_t i = 4; i < der && i < 20; i++) {
        if (copy[i] == 0x07 && copy[i + 1] == 0x02) { /* ...0d 01 07 02: the last arcs of the OID */
            copy[i + 1] = 0x01;                       /* pkcs7-data */
            break;
        }
    }
    cr_assert_eq(mum_cab_signature_alg(copy, der), MUM_HASH_NONE);
    free(copy);
    cr_assert_eq(mum_cab_signature_alg("SIGNATURSIGNATUR", 16), MUM_HASH_NONE);
    mum_cab_signature_clear(&cs);
    free(c.data);
}

/* The signature a walk finds at the end of the cabinet file `path`. */
static void walk_signature(const char *path, unsigned flags, mum_cab_signature *out)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= flags;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, NULL), MUM_OK);
    const mum_entry *e;
    bool found = false;
    while (mum_walk_next(&e, w) == MUM_OK && e) {
        if (e->kind == MUM_ENTRY_CONTAINER_END && e->depth == 0 && e->signature) {
            *out = *e->signature;
            out->blob = NULL; /* the walk's */
            found = true;
        }
    }
    mum_walk_free(w);
    cr_assert(found);
}

Test(cab_signature, a_walk_over_a_cabinet_file_digests_what_its_signature_needs)
{
    const char *hashes[2] = {"sha1", "sha256"};
    for (int h = 0; h < 2; h++) {
        cabfile c = signed_cab("signer", hashes[h]);
        char dir[256], path[300];
        tu_scratch(dir);
        snprintf(path, sizeof path, "%s/signed.cab", dir);
        FILE *fp = fopen(path, "wb");
        cr_assert_not_null(fp);
        cr_assert_eq(fwrite(c.data, 1, c.size, fp), c.size);
        fclose(fp);
        mum_cab_signature both, one;
        walk_signature(path, MUM_WALK_SIGNATURES, &both);
        walk_signature(path, MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST, &one);
        cr_assert(both.sha1_valid && both.sha256_valid);
        cr_assert(one.digests_valid);
        cr_assert_eq(one.sha1_valid, h == 0, "%s", hashes[h]);
        cr_assert_eq(one.sha256_valid, h == 1, "%s", hashes[h]);
        if (h == 0)
            cr_assert_arr_eq(one.sha1, both.sha1, 20);
        else
            cr_assert_arr_eq(one.sha256, both.sha256, 32);
        tu_rmrf(dir);
        free(c.data);
    }
    /* a signature that names no algorithm: both, as without the flag */
    mum_cab_signature fake;
    walk_signature(fixture("sigfake.cab"), MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST, &fake);
    cr_assert(fake.digests_valid && fake.sha1_valid && fake.sha256_valid);
    /* a real signature the file ends inside: the read ahead comes short, and
     * the walk goes on as without the flag, to the same error where the file
     * ends (a cut file is corrupt input, whatever the walk reads) */
    cabfile c = signed_cab("signer", "sha256");
    char dir[256], cut[300];
    tu_scratch(dir);
    snprintf(cut, sizeof cut, "%s/cut.cab", dir);
    FILE *fp = fopen(cut, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(c.data, 1, c.size - 100, fp), c.size - 100);
    fclose(fp);
    const unsigned cut_flags[2] = {MUM_WALK_SIGNATURES, MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST};
    for (int i = 0; i < 2; i++) {
        mum_walk_options o = MUM_WALK_OPTIONS_INIT;
        o.flags |= cut_flags[i];
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        mum_walk *w;
        cr_assert_eq(mum_walk_open(&w, ctx, cut, &o, NULL), MUM_OK);
        const mum_entry *e;
        int rc;
        while ((rc = mum_walk_next(&e, w)) == MUM_OK && e)
            ;
        cr_assert_eq(rc, MUM_EFORMAT);
        cr_assert(mum_ctx_location(ctx)->has_offset);
        cr_assert_eq(mum_ctx_location(ctx)->offset, c.size - 100);
        cr_assert(strstr(mum_ctx_message(ctx), "truncated"), "%s", mum_ctx_message(ctx));
        mum_walk_free(w);
        mum_ctx_free(ctx);
    }
    tu_rmrf(dir);
    free(c.data);
}

/*
 * An outer cabinet file storing (no compression) a file "a.txt" of
 * `before` bytes and then `inner` as "inner.cab", one folder, in CFDATA
 * blocks of 32 KiB (the last one shorter), with `data_reserve` bytes
 * reserved in each block header: the layout of a package of nested
 * cabinets.  Written to `path`.
 */
static void write_stored_outer(const char *path, const cabfile *inner, size_t before, uint8_t data_reserve)
{
    const size_t blk = 32768;
    size_t body = before + inner->size;
    size_t nblk = (body + blk - 1) / blk;
    enum { HDR = 36 + 4, FOLDER = 8 };
    size_t files = HDR + FOLDER, f1 = 16 + sizeof "a.txt", f2 = 16 + sizeof "inner.cab";
    size_t data_at = files + f1 + f2;
    size_t cab = data_at + nblk * (8 + data_reserve) + body;
    unsigned char *b = calloc(1, cab), *whole = malloc(body);
    cr_assert(b && whole);
    memset(whole, 'a', before);
    memcpy(whole + before, inner->data, inner->size);
    memcpy(b, "MSCF", 4);
    mum__put_le32(b + 8, (uint32_t)cab);
    mum__put_le32(b + 16, (uint32_t)files);             /* coffFiles */
    b[24] = 3, b[25] = 1;                               /* version 1.3 */
    mum__put_le16(b + 26, 1), mum__put_le16(b + 28, 2); /* one folder, two files */
    mum__put_le16(b + 30, 0x0004);                      /* cfhdrRESERVE_PRESENT */
    b[38] = 0, b[39] = data_reserve;                    /* cbCFHeader 0, cbCFFolder 0, cbCFData */
    unsigned char *f = b + HDR;
    mum__put_le32(f, (uint32_t)data_at);                /* coffCabStart */
    mum__put_le16(f + 4, (uint16_t)nblk);               /* typeCompress 0: stored */
    unsigned char *e = b + files;
    mum__put_le32(e, (uint32_t)before);
    mum__put_le16(e + 12, 0x20);
    memcpy(e + 16, "a.txt", sizeof "a.txt");
    e += f1;
    mum__put_le32(e, (uint32_t)inner->size);
    mum__put_le32(e + 4, (uint32_t)before);             /* uoffFolderStart */
    mum__put_le16(e + 12, 0x20);
    memcpy(e + 16, "inner.cab", sizeof "inner.cab");
    unsigned char *d = b + data_at;
    for (size_t at = 0; at < body; at += blk) {
        size_t n = body - at < blk ? body - at : blk;
        mum__put_le16(d + 4, (uint16_t)n), mum__put_le16(d + 6, (uint16_t)n); /* no checksum */
        memset(d + 8, 0xEE, data_reserve);
        memcpy(d + 8 + data_reserve, whole + at, n);
        d += 8 + data_reserve + n;
    }
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(b, 1, cab, fp), cab);
    fclose(fp);
    free(whole);
    free(b);
}

/* The signature a walk finds at the end of the cabinet nested in `path`. */
static void walk_nested_signature(const char *path, unsigned flags, mum_cab_signature *out)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= flags;
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, ctx, path, &o, NULL), MUM_OK);
    const mum_entry *e;
    bool found = false;
    int rc;
    while ((rc = mum_walk_next(&e, w)) == MUM_OK && e) {
        if (e->kind == MUM_ENTRY_CONTAINER_END && e->depth == 1 && e->signature) {
            *out = *e->signature;
            out->blob = NULL; /* the walk's */
            found = true;
        }
    }
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(ctx));
    mum_walk_free(w);
    mum_ctx_free(ctx);
    cr_assert(found);
}

/* A signed cabinet stored in an outer cabinet file: its signature is read
 * ahead from the outer file (through the outer's file table and CFDATA
 * headers), so only the digest it holds is computed -- SHA-1 for one
 * signed with SHA-1, SHA-256 for SHA-256 -- and it equals the one computed
 * without reading ahead.  The cabinet in the first block, and across the
 * second and third (its header in one, its signature in the next), with
 * and without a per-block reserve. */
Test(cab_signature, a_cabinet_stored_in_a_cabinet_file_digests_what_its_signature_needs)
{
    const char *hashes[2] = {"sha1", "sha256"};
    const size_t befores[2] = {32, 2 * 32768 - 100};
    const uint8_t reserves[2] = {0, 5};
    for (int h = 0; h < 2; h++) {
        cabfile c = signed_cab("signer", hashes[h]);
        for (int k = 0; k < 2; k++) {
            char dir[256], path[300];
            tu_scratch(dir);
            snprintf(path, sizeof path, "%s/outer.cab", dir);
            write_stored_outer(path, &c, befores[k], reserves[k]);
            mum_cab_signature both, one;
            walk_nested_signature(path, MUM_WALK_SIGNATURES, &both);
            walk_nested_signature(path, MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST, &one);
            cr_assert(both.sha1_valid && both.sha256_valid);
            cr_assert(one.digests_valid);
            cr_assert_eq(one.sha1_valid, h == 0, "%s, at %zu", hashes[h], befores[k]);
            cr_assert_eq(one.sha256_valid, h == 1, "%s, at %zu", hashes[h], befores[k]);
            if (h == 0)
                cr_assert_arr_eq(one.sha1, both.sha1, 20);
            else
                cr_assert_arr_eq(one.sha256, both.sha256, 32);
            tu_rmrf(dir);
        }
        free(c.data);
    }
}

/* What cannot be located exactly keeps both digests: a nested cabinet in a
 * compressed (MSZIP) folder, and one nested in a nested cabinet (its parent
 * is not a file). */
Test(cab_signature, a_nested_cabinet_not_located_in_a_file_keeps_both_digests)
{
    if (system("command -v gcab >/dev/null 2>&1") != 0)
        cr_skip_test("gcab is not installed");
    cabfile c = signed_cab("signer", "sha256");
    char dir[256], inner[300], mid[300], zipped[300], cmd[1200];
    tu_scratch(dir);
    snprintf(inner, sizeof inner, "%s/inner.cab", dir);
    FILE *fp = fopen(inner, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(c.data, 1, c.size, fp), c.size);
    fclose(fp);
    snprintf(zipped, sizeof zipped, "%s/zipped.cab", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && gcab -c -z zipped.cab inner.cab", dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    mum_cab_signature sig;
    walk_nested_signature(zipped, MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST, &sig);
    cr_assert(sig.digests_valid && sig.sha1_valid && sig.sha256_valid);
    /* stored, but one level further down: the middle cabinet is not a file */
    snprintf(mid, sizeof mid, "%s/mid.cab", dir);
    write_stored_outer(mid, &c, 32, 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && gcab -c outer2.cab mid.cab", dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(mid, sizeof mid, "%s/outer2.cab", dir);
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, mid, &o, NULL), MUM_OK);
    const mum_entry *e;
    bool found = false;
    while (mum_walk_next(&e, w) == MUM_OK && e) {
        if (e->kind == MUM_ENTRY_CONTAINER_END && e->depth == 2 && e->signature) {
            cr_assert(e->signature->sha1_valid && e->signature->sha256_valid);
            found = true;
        }
    }
    mum_walk_free(w);
    cr_assert(found);
    tu_rmrf(dir);
    free(c.data);
}

/*
 * Each nested cabinet is located by following its folder's CFDATA headers
 * from the first: in a folder of many small blocks holding many cabinets
 * that cost blocks times cabinets in reads.  The reads for one file are
 * bounded (two walks over a folder of 65 536 blocks): the first cabinet
 * after 65 000 blocks of one byte is located and digested in its one
 * algorithm, the ones after it keep both digests, and all read whole.
 */
Test(cab_signature, locating_nested_cabinets_reads_a_bounded_number_of_headers)
{
    enum { SMALL = 65000, NCAB = 3 };
    cabfile c = signed_cab("signer", "sha256");
    size_t body = SMALL + NCAB * c.size, nblk = SMALL + (NCAB * c.size + 32767) / 32768;
    enum { HDR = 36, FOLDER = 8 };
    size_t files = HDR + FOLDER, rec = 16 + sizeof "inner1.cab";
    size_t data_at = files + (16 + sizeof "a.txt") + NCAB * rec;
    size_t cab = data_at + nblk * 8 + body;
    unsigned char *b = calloc(1, cab), *whole = malloc(body);
    cr_assert(b && whole);
    memset(whole, 'a', SMALL);
    for (int i = 0; i < NCAB; i++)
        memcpy(whole + SMALL + i * c.size, c.data, c.size);
    memcpy(b, "MSCF", 4);
    mum__put_le32(b + 8, (uint32_t)cab);
    mum__put_le32(b + 16, (uint32_t)files);
    b[24] = 3, b[25] = 1;
    mum__put_le16(b + 26, 1), mum__put_le16(b + 28, 1 + NCAB);
    mum__put_le32(b + HDR, (uint32_t)data_at);
    mum__put_le16(b + HDR + 4, (uint16_t)nblk);
    unsigned char *e = b + files;
    mum__put_le32(e, SMALL);
    memcpy(e + 16, "a.txt", sizeof "a.txt");
    e += 16 + sizeof "a.txt";
    for (int i = 0; i < NCAB; i++, e += rec) {
        mum__put_le32(e, (uint32_t)c.size);
        mum__put_le32(e + 4, (uint32_t)(SMALL + i * c.size));
        snprintf((char *)e + 16, sizeof "inner1.cab", "inner%d.cab", i + 1);
    }
    unsigned char *d = b + data_at;
    for (size_t at = 0; at < body;) {
        size_t n = at < SMALL ? 1 : (body - at < 32768 ? body - at : 32768);
        mum__put_le16(d + 4, (uint16_t)n), mum__put_le16(d + 6, (uint16_t)n); /* no checksum */
        memcpy(d + 8, whole + at, n);
        d += 8 + n, at += n;
    }
    cr_assert_eq((size_t)(d - b), cab);
    char dir[256], path[300];
    tu_scratch(dir);
    snprintf(path, sizeof path, "%s/outer.cab", dir);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(b, 1, cab, fp), cab);
    fclose(fp);
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST;
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, ctx, path, &o, NULL), MUM_OK);
    const mum_entry *ent;
    int rc, seen = 0;
    while ((rc = mum_walk_next(&ent, w)) == MUM_OK && ent) {
        if (ent->kind != MUM_ENTRY_CONTAINER_END || ent->depth != 1 || !ent->signature)
            continue;
        const mum_cab_signature *s = ent->signature;
        cr_assert(s->digests_valid && s->sha256_valid, "cabinet %d", seen + 1);
        cr_assert_eq(s->sha1_valid, seen > 0, "cabinet %d: SHA-1 %s", seen + 1,
                     s->sha1_valid ? "computed" : "not computed");
        seen++;
    }
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(seen, NCAB);
    mum_walk_free(w);
    mum_ctx_free(ctx);
    tu_rmrf(dir);
    free(whole);
    free(b);
    free(c.data);
}
