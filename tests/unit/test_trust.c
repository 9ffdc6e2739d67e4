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
