/*
 * test_trust.c - the trust store: the built-in Microsoft roots, Windows'
 * purpose restrictions by thumbprint, listing, narrowing.  How the purposes
 * take effect in chain evaluation is in test_signature.c (trust_purposes).
 */
#include "testca.h"

#include <mum/trust.h>

/* data/trust/README.md's table: thumbprint and what the root may anchor. */
static const struct {
    const char *thumbprint;
    unsigned purposes;
} roots[] = {
    {"A43489159A520F0D93D032CCAF37E7FE20A8B419", MUM_TRUST_PURPOSE_ALL},
    {"CDD4EEAE6000AC7F40C3802C171E30148030C072", MUM_TRUST_PURPOSE_ALL},
    {"3B1EFD3A66EA28B16697394703A72CA340A05BD5", MUM_TRUST_PURPOSE_ALL},
    {"8F43288AD272F3103B6FB1428485EA3014C0BCFE", MUM_TRUST_PURPOSE_ALL},
    {"245C97DF7514E7CF2DF8BE72AE957B9E04741E85", MUM_TRUST_PURPOSE_TIME_STAMPING},
    {"7F88CD7223F3C813818C994614A89C99FA3B5247",
     MUM_TRUST_PURPOSE_EMAIL | MUM_TRUST_PURPOSE_CODE_SIGNING},
    {"18F7C1FCC3090203FD5BAA2F861A754976C8DD25", MUM_TRUST_PURPOSE_TIME_STAMPING},
    {"BE36A4562FB2EE05DBB3D32323ADF445084ED656", MUM_TRUST_PURPOSE_TIME_STAMPING},
    {"92B46C76E13054E104F230517E6E504D43AB10B5", MUM_TRUST_PURPOSE_CODE_SIGNING},
    {"06F1AA330B927B753A40E68CDF22E34BCBEF3352", MUM_TRUST_PURPOSE_ALL},
    {"31F9FC8BA3805986B721EA7295C65B3A44534274", MUM_TRUST_PURPOSE_ALL},
    {"0119E81BE9A14CD8E22F40AC118C687ECBA3F4D8", MUM_TRUST_PURPOSE_ALL},
};
#define NROOTS (sizeof roots / sizeof roots[0])

static void expect_roots(const mum_trust *t, size_t first, mum_trust_origin origin, const char *source)
{
    for (size_t i = 0; i < NROOTS; i++) {
        const mum_trust_anchor *a = mum_trust_anchor_at(t, first + i);
        cr_assert_not_null(a);
        cr_assert_str_eq(a->thumbprint, roots[i].thumbprint, "anchor %zu", i);
        cr_assert_eq(a->purposes, roots[i].purposes, "%s: purposes %#x", a->thumbprint, a->purposes);
        cr_assert_eq(a->origin, origin);
        cr_assert_str_eq(a->source, source);
        cr_assert(a->not_before < a->not_after);
    }
}

Test(trust, builtin_roots_with_windows_restrictions)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_count(t), 0);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    cr_assert_eq(mum_trust_count(t), NROOTS);
    expect_roots(t, 0, MUM_TRUST_ORIGIN_BUILTIN, "built-in");
    cr_assert_null(mum_trust_anchor_at(t, NROOTS));
    const mum_trust_anchor *a = mum_trust_anchor_at(t, 3);
    cr_assert_str_eq(a->subject, "CN=Microsoft Root Certificate Authority 2011,O=Microsoft Corporation,"
                                 "L=Redmond,ST=Washington,C=US");
    char nb[MUM_TIME_TEXT_MAX], na[MUM_TIME_TEXT_MAX];
    mum_time_format(a->not_before, nb);
    mum_time_format(a->not_after, na);
    cr_assert_str_eq(nb, "2011-03-22T22:05:28Z");
    cr_assert_str_eq(na, "2036-03-22T22:13:04Z");
    mum_trust_free(t);
}

/* The restrictions go with the certificate, not with the way it came in. */
Test(trust, restrictions_apply_to_a_root_given_as_a_file)
{
    const char *src = getenv("MUM_SRCDIR");
    char path[2048];
    snprintf(path, sizeof path, "%s/data/trust/microsoft-roots.pem", src ? src : "..");
    mum_trust *t;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(ctx, t, tu_ca_file("root.pem")), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(ctx, t, path), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_trust_count(t), 1 + NROOTS);
    const mum_trust_anchor *a = mum_trust_anchor_at(t, 0);
    cr_assert_eq(a->purposes, MUM_TRUST_PURPOSE_ALL, "any other certificate may anchor everything");
    cr_assert_eq(a->origin, MUM_TRUST_ORIGIN_FILE);
    cr_assert_str_eq(a->source, tu_ca_file("root.pem"));
    cr_assert_str_eq(a->subject, "CN=mumtool test root,O=mumtool tests");
    expect_roots(t, 1, MUM_TRUST_ORIGIN_FILE, path);
    /* and from memory */
    size_t n;
    uint8_t *pem = tu_slurp(path, &n);
    cr_assert_not_null(pem);
    cr_assert_eq(mum_trust_add_pem(ctx, t, pem, n, "roots in memory"), MUM_OK);
    expect_roots(t, 1 + NROOTS, MUM_TRUST_ORIGIN_MEMORY, "roots in memory");
    free(pem);
    mum_trust_free(t);
    mum_ctx_free(ctx);
}

Test(trust, restrict_only_narrows)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    /* Thawte Timestamping CA: time stamping only, stays so */
    cr_assert_eq(mum_trust_restrict(t, 7, MUM_TRUST_PURPOSE_ALL), MUM_OK);
    cr_assert_eq(mum_trust_anchor_at(t, 7)->purposes, MUM_TRUST_PURPOSE_TIME_STAMPING);
    cr_assert_eq(mum_trust_restrict(t, 0, MUM_TRUST_PURPOSE_CODE_SIGNING), MUM_OK);
    cr_assert_eq(mum_trust_anchor_at(t, 0)->purposes, MUM_TRUST_PURPOSE_CODE_SIGNING);
    cr_assert_eq(mum_trust_restrict(t, 7, MUM_TRUST_PURPOSE_CODE_SIGNING), MUM_OK);
    cr_assert_eq(mum_trust_anchor_at(t, 7)->purposes, 0);
    cr_assert_eq(mum_trust_restrict(t, NROOTS, MUM_TRUST_PURPOSE_ALL), MUM_EINVAL);
    cr_assert_eq(mum_trust_restrict(NULL, 0, MUM_TRUST_PURPOSE_ALL), MUM_EINVAL);
    mum_trust_free(t);
}

/* A built-in root learns its Windows restrictions when first parsed: a
 * restriction given before that still only narrows them. */
Test(trust, restrict_before_first_use_narrows_windows_restrictions)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    /* Microsoft Authenticode(tm) Root Authority: email and code signing */
    cr_assert_eq(mum_trust_restrict(t, 5, MUM_TRUST_PURPOSE_CODE_SIGNING | MUM_TRUST_PURPOSE_TIME_STAMPING),
                 MUM_OK);
    const mum_trust_anchor *a = mum_trust_anchor_at(t, 5);
    cr_assert_not_null(a);
    cr_assert_str_eq(a->thumbprint, roots[5].thumbprint);
    cr_assert_eq(a->purposes, MUM_TRUST_PURPOSE_CODE_SIGNING, "purposes %#x", a->purposes);
    mum_trust_free(t);
}

Test(trust, names)
{
    char buf[MUM_TRUST_PURPOSES_TEXT_MAX];
    cr_assert_str_eq(mum_trust_purposes_text(MUM_TRUST_PURPOSE_ALL, buf), "all");
    cr_assert_str_eq(mum_trust_purposes_text(0, buf), "none");
    cr_assert_str_eq(mum_trust_purposes_text(MUM_TRUST_PURPOSE_TIME_STAMPING, buf), "time-stamping");
    cr_assert_str_eq(mum_trust_purposes_text(MUM_TRUST_PURPOSE_CODE_SIGNING | MUM_TRUST_PURPOSE_EMAIL, buf),
                     "code-signing,email-protection");
    cr_assert_str_eq(mum_trust_origin_name(MUM_TRUST_ORIGIN_BUILTIN), "builtin");
    cr_assert_str_eq(mum_trust_origin_name(MUM_TRUST_ORIGIN_FILE), "file");
    cr_assert_str_eq(mum_trust_origin_name(MUM_TRUST_ORIGIN_MEMORY), "memory");
    cr_assert_eq(mum_trust_count(NULL), 0);
    cr_assert_null(mum_trust_anchor_at(NULL, 0));
}

/* Every allocation of adding the built-in roots may fail: MUM_ENOMEM and
 * the store as it was, never a crash or a leak. */
Test(trust, out_of_memory_leaves_the_store_as_it_was)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    bool done = false;
    for (unsigned fail = 1; !done && fail < 10000; fail++) {
        mum__alloc_fail_at(fail);
        int rc = mum_trust_add_builtin(NULL, t);
        mum__alloc_fail_at(0);
        if (rc == MUM_OK) {
            done = true;
            cr_assert_eq(mum_trust_count(t), 1 + NROOTS);
        } else {
            cr_assert_eq(rc, MUM_ENOMEM);
            cr_assert_eq(mum_trust_count(t), 1, "after failing allocation %u", fail);
        }
    }
    cr_assert(done);
    mum_trust_free(t);
}

/* ---- built-in anchors parsed on first need (trust.c, struct anchor) ---- */

#include "crypto.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

static X509 *read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(x, "%s", path);
    return x;
}

/* A chain that reaches no built-in root by name gets none of them (and so
 * parses none); an anchor given as a file is always there. */
Test(trust, near_leaves_out_builtin_roots_no_chain_reaches)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    X509 *leaf = read_cert(tu_ca_file("leaf.pem"));
    X509 *inter = read_cert(tu_ca_file("inter.pem"));
    STACK_OF(X509) *chain = sk_X509_new_null();
    cr_assert(sk_X509_push(chain, inter));
    STACK_OF(X509) *near = mum__trust_certs_near(t, leaf, &chain, 1);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 1);
    X509 *root = read_cert(tu_ca_file("root.pem"));
    cr_assert_eq(X509_cmp(sk_X509_value(near, 0), root), 0);
    sk_X509_free(near);
    /* the store a chain is judged against: the same one root */
    X509_STORE *store = X509_STORE_new();
    cr_assert_eq(mum__trust_fill_store(t, store, MUM_TRUST_PURPOSE_CODE_SIGNING, leaf, chain), 0);
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    cr_assert_eq(sk_X509_OBJECT_num(objs), 1);
    X509_STORE_free(store);
    X509_free(root);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    mum_trust_free(t);
}

/* The i-th certificate of data/trust/microsoft-roots.pem. */
static X509 *builtin_cert(int i)
{
    const char *src = getenv("MUM_SRCDIR");
    char path[2100];
    snprintf(path, sizeof path, "%s/data/trust/microsoft-roots.pem", src ? src : "..");
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    X509 *x = NULL;
    for (int k = 0; k <= i; k++) {
        X509_free(x);
        x = PEM_read_X509(f, NULL, NULL, NULL);
        cr_assert_not_null(x, "%s: certificate %d", path, k);
    }
    fclose(f);
    return x;
}

/* A built-in root named by a chain is parsed then and given, with the
 * thumbprint and subject it lists (anchor 3: Microsoft Root Certificate
 * Authority 2011), and its purposes still select it for a store. */
Test(trust, near_parses_the_builtin_root_a_chain_names)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    STACK_OF(X509) *none = mum__trust_certs_near(t, NULL, NULL, 0);
    cr_assert_not_null(none);
    cr_assert_eq(sk_X509_num(none), 0, "nothing named: nothing near");
    sk_X509_free(none);
    /* a certificate whose issuer is that root by name */
    X509 *root = builtin_cert(3);
    X509 *x = read_cert(tu_ca_file("signer.pem"));
    cr_assert(X509_set_issuer_name(x, X509_get_subject_name(root)) == 1);
    STACK_OF(X509) *near = mum__trust_certs_near(t, x, NULL, 0);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 1);
    cr_assert_eq(X509_cmp(sk_X509_value(near, 0), root), 0);
    sk_X509_free(near);
    const mum_trust_anchor *a = mum_trust_anchor_at(t, 3);
    cr_assert_str_eq(a->thumbprint, roots[3].thumbprint);
    cr_assert_str_eq(a->subject, "CN=Microsoft Root Certificate Authority 2011,O=Microsoft Corporation,"
                                 "L=Redmond,ST=Washington,C=US");
    X509_STORE *store = X509_STORE_new();
    cr_assert_eq(mum__trust_fill_store(t, store, MUM_TRUST_PURPOSE_CODE_SIGNING, x, NULL), 0);
    cr_assert_eq(sk_X509_OBJECT_num(X509_STORE_get0_objects(store)), 1);
    X509_STORE_free(store);
    /* restricted to time stamping, it anchors no code signature */
    cr_assert_eq(mum_trust_restrict(t, 3, MUM_TRUST_PURPOSE_TIME_STAMPING), MUM_OK);
    store = X509_STORE_new();
    cr_assert_eq(mum__trust_fill_store(t, store, MUM_TRUST_PURPOSE_CODE_SIGNING, x, NULL), 0);
    cr_assert_eq(sk_X509_OBJECT_num(X509_STORE_get0_objects(store)), 0);
    X509_STORE_free(store);
    X509_free(x);
    X509_free(root);
    mum_trust_free(t);
}

/* name, re-encoded as OpenSSL would still find it equal to name
 * (X509_NAME_cmp compares names folded: UTF-8, lower case, runs of spaces
 * as one): every value a UTF8String, in upper case, with a space doubled
 * and one more at the end; `last` replaces the last value's last
 * character when not 0. */
static X509_NAME *reencoded(const X509_NAME *name, char last)
{
    X509_NAME *out = X509_NAME_new();
    cr_assert_not_null(out);
    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
        char buf[256];
        size_t n = 0;
        const unsigned char *d = ASN1_STRING_get0_data(v);
        for (int k = 0; k < ASN1_STRING_length(v) && n + 3 < sizeof buf; k++) {
            char c = (char)d[k];
            buf[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
            if (c == ' ' && k == 2)
                buf[n++] = ' ';
        }
        if (last && i == X509_NAME_entry_count(name) - 1)
            buf[n - 1] = last;
        buf[n++] = ' ';
        cr_assert(X509_NAME_add_entry_by_OBJ(out, X509_NAME_ENTRY_get_object(e), V_ASN1_UTF8STRING,
                                             (const unsigned char *)buf, (int)n, -1, 0) == 1);
    }
    return out;
}

/* A built-in root is found by a name encoded otherwise when OpenSSL finds
 * the names equal (the root's subject is kept as DER and compared by its
 * shape first: trust.c, name_shape), and not by a name of the same shape
 * that OpenSSL finds different. */
Test(trust, near_finds_a_builtin_root_named_in_another_encoding)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    X509 *root = builtin_cert(3);
    const X509_NAME *subject = X509_get_subject_name(root);
    /* not the same name: another value */
    X509_NAME *other = reencoded(subject, 'X');
    cr_assert_neq(X509_NAME_cmp(other, subject), 0, "the test's premise: OpenSSL tells them apart");
    X509 *x = read_cert(tu_ca_file("signer.pem"));
    cr_assert(X509_set_issuer_name(x, other) == 1);
    STACK_OF(X509) *near = mum__trust_certs_near(t, x, NULL, 0);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 0, "a name of the root's shape, not its name");
    sk_X509_free(near);
    /* the same name for OpenSSL, in other bytes */
    X509_NAME *same = reencoded(subject, 0);
    const unsigned char *d1, *d2;
    size_t n1, n2;
    cr_assert(X509_NAME_get0_der(same, &d1, &n1) == 1 && X509_NAME_get0_der(subject, &d2, &n2) == 1);
    cr_assert(n1 != n2 || memcmp(d1, d2, n1) != 0, "the test's premise: other bytes");
    cr_assert_eq(X509_NAME_cmp(same, subject), 0, "the test's premise: the same name for OpenSSL");
    cr_assert(X509_set_issuer_name(x, same) == 1);
    near = mum__trust_certs_near(t, x, NULL, 0);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 1);
    cr_assert_eq(X509_cmp(sk_X509_value(near, 0), root), 0);
    sk_X509_free(near);
    X509_NAME_free(same);
    X509_NAME_free(other);
    X509_free(x);
    X509_free(root);
    mum_trust_free(t);
}

/* The anchors selected for the same names are kept (trust.c, select_memo)
 * and given again; other names are selected anew, and so are the same
 * names once an anchor was parsed since (it is then always selected) or
 * the anchors changed. */
Test(trust, a_kept_selection_needs_the_same_names_and_anchors)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_builtin(NULL, t), MUM_OK);
    X509 *signer = read_cert(tu_ca_file("signer.pem"));
    unsigned long h0 = mum__trust_memo_hits(t);
    STACK_OF(X509) *near = mum__trust_certs_near(t, signer, NULL, 0);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 0, "the test root is not a built-in one");
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0, "a first selection is no hit");
    STACK_OF(X509) *list = sk_X509_new_null();
    cr_assert(list && sk_X509_push(list, signer));
    near = mum__trust_certs_near(t, NULL, &list, 1);
    cr_assert_eq(sk_X509_num(near), 0);
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0 + 1, "the same names, given otherwise: kept");
    /* a certificate whose issuer is a built-in root by name: not kept */
    X509 *root = builtin_cert(3);
    X509 *x = read_cert(tu_ca_file("signer.pem"));
    cr_assert(X509_set_issuer_name(x, X509_get_subject_name(root)) == 1);
    near = mum__trust_certs_near(t, x, NULL, 0);
    cr_assert_eq(sk_X509_num(near), 1);
    cr_assert_eq(X509_cmp(sk_X509_value(near, 0), root), 0);
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0 + 1, "other names are no hit");
    /* the root is parsed now, so always selected: the first answer is stale */
    near = mum__trust_certs_near(t, signer, NULL, 0);
    cr_assert_eq(sk_X509_num(near), 1, "a parsed anchor is selected");
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0 + 1);
    near = mum__trust_certs_near(t, signer, NULL, 0);
    cr_assert_eq(sk_X509_num(near), 1);
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0 + 2, "and kept again");
    /* another anchor: selected anew */
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("root.pem")), MUM_OK);
    near = mum__trust_certs_near(t, signer, NULL, 0);
    cr_assert_eq(sk_X509_num(near), 2, "the root given as a file, and the parsed built-in one");
    sk_X509_free(near);
    cr_assert_eq(mum__trust_memo_hits(t), h0 + 2, "the anchors changed: no hit");
    sk_X509_free(list);
    X509_free(x);
    X509_free(root);
    X509_free(signer);
    mum_trust_free(t);
}

/* ---- anchors from PEM parsed through the certificate ring (pem.c) ---- */

#include "sig_internal.h"

/* The only anchor of t, as the chain code gets it. */
static X509 *only_anchor(const mum_trust *t)
{
    STACK_OF(X509) *near = mum__trust_certs_near(t, NULL, NULL, 0);
    cr_assert_not_null(near);
    cr_assert_eq(sk_X509_num(near), 1);
    X509 *x = sk_X509_value(near, 0);
    sk_X509_free(near);
    return x;
}

/* An anchor read from PEM is the certificate a signature carrying the same
 * DER gets from the ring (one parse for both), and a certificate that
 * differs in one byte is parsed anew, not served the anchor. */
Test(trust, a_pem_anchor_is_the_ring_certificate_of_its_der)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file("inter.pem")), MUM_OK);
    X509 *anchor = only_anchor(t);
    X509 *want = read_cert(tu_ca_file("inter.pem"));
    cr_assert_eq(X509_cmp(anchor, want), 0);
    unsigned char *der = NULL;
    int len = i2d_X509(want, &der);
    cr_assert_gt(len, 0);

    unsigned long h0 = mum__cert_cache_hits();
    X509 *same = mum__cert_shared(der, (size_t)len);
    cr_assert_eq(same, anchor, "the same DER: the anchor's certificate");
    cr_assert_eq(mum__cert_cache_hits(), h0 + 1);
    X509_free(same);

    /* the last byte of the signature changed: another certificate */
    der[len - 1] ^= 0x01;
    X509 *other = mum__cert_shared(der, (size_t)len);
    cr_assert_not_null(other);
    cr_assert_neq(other, anchor);
    cr_assert_neq(X509_cmp(other, anchor), 0);
    cr_assert_eq(mum__cert_cache_hits(), h0 + 1, "a changed certificate is no hit");
    X509_free(other);

    /* the same file in another store: the same certificate again, with
     * the same listing */
    mum_trust *t2;
    cr_assert_eq(mum_trust_new(&t2), MUM_OK);
    cr_assert_eq(mum_trust_add_pem_file(NULL, t2, tu_ca_file("inter.pem")), MUM_OK);
    cr_assert_eq(only_anchor(t2), anchor);
    cr_assert_eq(mum__cert_cache_hits(), h0 + 2);
    const mum_trust_anchor *a = mum_trust_anchor_at(t, 0), *b = mum_trust_anchor_at(t2, 0);
    cr_assert_str_eq(a->subject, b->subject);
    cr_assert_str_eq(a->thumbprint, b->thumbprint);
    OPENSSL_free(der);
    X509_free(want);
    mum_trust_free(t);
    mum_trust_free(t2);
}

/* What PEM_read_bio_X509 says of a CERTIFICATE block that is not one:
 * the same error, and nothing kept. */
Test(trust, a_damaged_pem_certificate_is_still_an_error)
{
    static const char pem[] = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    cr_assert_eq(mum_trust_add_pem(ctx, t, pem, sizeof pem - 1, "bad.pem"), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "bad.pem: a damaged certificate"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_trust_count(t), 0);
    mum_trust_free(t);
    mum_ctx_free(ctx);
}
