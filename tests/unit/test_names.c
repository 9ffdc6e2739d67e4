/*
 * test_names.c - package file names, keyforms, truncation and the pseudo-key.
 *
 * Expected pseudo-keys: the KB943650 values are the published file names of
 * the seed article (../shared/seeds/001_*.txt, DOMAIN.md section 2).  The
 * others (version-less key, long name with sr-Latn-RS, type=win32) were
 * computed with an independent Python rendering of the DOMAIN.md algorithm
 * (tools/pseudokey.py) -- a second implementation, not this one's output.
 */
#include "testutil.h"

#include <stdio.h>

#define PKT "31bf3856ad364e35"

/* ---- package names ---- */

Test(package_name, parses_seed_example)
{
    mum_package_name pn;
    cr_assert_eq(mum_package_name_parse(&pn, NULL, "Package_1_for_kb943650~" PKT "~x86~~6.0.1.0.mum"), MUM_OK);
    cr_assert_str_eq(pn.id.name, "Package_1_for_kb943650");
    cr_assert_str_eq(pn.id.public_key_token, PKT);
    cr_assert_str_eq(pn.id.arch, "x86");
    cr_assert_null(pn.id.language, "an empty language field is neutral");
    cr_assert_str_eq(pn.id.version, "6.0.1.0");
    cr_assert(pn.id.ver_ok);
    cr_assert_str_eq(pn.extension, ".mum");
    mum_package_name_clear(&pn);
}

Test(package_name, language_extension_case_and_no_extension)
{
    mum_package_name pn;
    cr_assert_eq(mum_package_name_parse(&pn, NULL, "Foo~" PKT "~amd64~en-US~6.1.0.0.CAT"), MUM_OK);
    cr_assert_str_eq(pn.id.language, "en-US");
    cr_assert_str_eq(pn.extension, ".CAT");
    mum_package_name_clear(&pn);
    cr_assert_eq(mum_package_name_parse(&pn, NULL, "Foo~" PKT "~amd64~~6.1.0.0"), MUM_OK);
    cr_assert_null(pn.extension);
    cr_assert_str_eq(pn.id.version, "6.1.0.0");
    mum_package_name_clear(&pn);
}

static void expect_bad_package(const char *text, unsigned column, const char *words)
{
    mum_ctx *ctx;
    mum_package_name pn;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_package_name_parse(&pn, ctx, text), MUM_EFORMAT, "%s", text);
    cr_assert_null(pn.id.name, "output left cleared");
    cr_assert_eq(mum_ctx_location(ctx)->column, column, "%s: column %u, want %u", text,
                 mum_ctx_location(ctx)->column, column);
    cr_assert(strstr(mum_ctx_reason(ctx), words), "reason \"%s\" mentions \"%s\"",
              mum_ctx_reason(ctx), words);
    mum_ctx_free(ctx);
}

Test(package_name, malformed)
{
    expect_bad_package("Foo~" PKT "~x86~6.0.1.0.mum", 33, "this one has 4");
    expect_bad_package("Foo~" PKT "~x86~~6.0.1.0~x.mum", 34, "this one has 6");
    expect_bad_package("~" PKT "~x86~~6.0.1.0.mum", 1, "name field is empty");
    expect_bad_package("Foo~~x86~~6.0.1.0.mum", 5, "publicKeyToken field is empty");
    expect_bad_package("Foo~" PKT "~~~6.0.1.0.mum", 22, "processorArchitecture field is empty");
    expect_bad_package("Foo~" PKT "~x86~~.mum", 27, "version field is empty");
    expect_bad_package("dir/Foo~" PKT "~x86~~6.0.1.0.mum", 4, "not a path");
    expect_bad_package("", 1, "empty");
}

Test(package_name, bad_values_parse_and_validate)
{
    mum_package_name pn;
    cr_assert_eq(mum_package_name_parse(&pn, NULL, "Foo~31bf3856ad36~x86~~6.0.70000.0.mum"), MUM_OK);
    mum_findings *f;
    mum_findings_new(&f);
    mum_identity_validate(&pn.id, MUM_REQUIRE_COMPONENT, f, NULL);
    cr_assert_eq(tu_count_rule(f, "identity.bad-token"), 1);
    cr_assert_eq(tu_count_rule(f, "identity.version-range"), 1);
    cr_assert_eq(mum_findings_count(f), 2);
    mum_findings_free(f);
    mum_package_name_clear(&pn);
}

Test(package_name, format_round_trips)
{
    mum_identity id = tu_identity("name", "Package_for_kb943650_client", "publicKeyToken", PKT,
                                  "processorArchitecture", "amd64", "language", "neutral",
                                  "version", "6.0.1.0", NULL);
    char *s;
    cr_assert_eq(mum_package_name_format(&s, &id, ".cat"), MUM_OK);
    cr_assert_str_eq(s, "Package_for_kb943650_client~" PKT "~amd64~~6.0.1.0.cat");
    mum_package_name pn;
    cr_assert_eq(mum_package_name_parse(&pn, NULL, s), MUM_OK);
    cr_assert_eq(mum_identity_compare(&pn.id, &id, 0), 0);
    mum_package_name_clear(&pn);
    mum_free(s);
    mum_identity_set(&id, MUM_ATTR_VERSION, NULL);
    cr_assert_eq(mum_package_name_format(&s, &id, NULL), MUM_EINVAL);
    mum_identity_clear(&id);
}

static mum_package_name g_pn;
static int parse_pkg_once(void)
{
    return mum_package_name_parse(&g_pn, NULL, "Foo~" PKT "~x86~en-US~1.2.3.4.mum");
}

Test(package_name, out_of_memory)
{
    TU_ALLOC_SWEEP(parse_pkg_once(), mum_package_name_clear(&g_pn));
}

/* ---- keyforms ---- */

Test(keyform, parses_seed_manifest_name)
{
    mum_keyform kf;
    cr_assert_eq(mum_keyform_parse(&kf, NULL,
                                   "x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924877.manifest"), MUM_OK);
    cr_assert_str_eq(kf.arch, "x86");
    cr_assert_str_eq(kf.name, "microsoft-windows-tcpip-binaries");
    cr_assert_str_eq(kf.public_key_token, PKT);
    cr_assert_str_eq(kf.version, "6.0.6001.22222");
    cr_assert_str_eq(kf.culture, "none");
    cr_assert_str_eq(kf.key_text, "b39411bf7f924877");
    cr_assert_eq(kf.key, UINT64_C(0xb39411bf7f924877));
    cr_assert_str_eq(kf.extension, ".manifest");
    cr_assert_not(kf.name_truncated);
    mum_keyform_clear(&kf);
}

Test(keyform, folder_name_and_version_less_and_underscores)
{
    mum_keyform kf;
    cr_assert_eq(mum_keyform_parse(&kf, NULL, "amd64_netrasa.inf_" PKT "_6.3.9600.17039_none_9968574d24ae0f79"), MUM_OK);
    cr_assert_null(kf.extension);
    cr_assert_str_eq(kf.name, "netrasa.inf");
    mum_keyform_clear(&kf);

    cr_assert_eq(mum_keyform_parse(&kf, NULL, "amd64_microsoft-windows-tcpip-binaries_" PKT "_none_07173fe9520f079a"), MUM_OK);
    cr_assert_null(kf.version, "version-less");
    cr_assert_str_eq(kf.public_key_token, PKT);
    cr_assert_str_eq(kf.culture, "none");
    mum_keyform_clear(&kf);

    cr_assert_eq(mum_keyform_parse(&kf, NULL, "x86_my_odd_name_" PKT "_1.0.0.0_en-us_0123456789abcdef.MANIFEST"), MUM_OK);
    cr_assert_str_eq(kf.name, "my_odd_name");
    cr_assert_str_eq(kf.culture, "en-us");
    cr_assert_str_eq(kf.extension, ".MANIFEST");
    mum_keyform_clear(&kf);
}

Test(keyform, detects_truncation)
{
    mum_keyform kf;
    cr_assert_eq(mum_keyform_parse(&kf, NULL, "amd64_microsoft-windows-s..ngstack-onecorebase_" PKT "_10.0.19041.1_sr-..-rs_e010f05a588e56e1"), MUM_OK);
    cr_assert(kf.name_truncated);
    cr_assert(kf.culture_truncated);
    mum_keyform_clear(&kf);
    /* ".." elsewhere or at another length is not truncation */
    cr_assert_eq(mum_keyform_parse(&kf, NULL, "x86_a..b_" PKT "_1.0.0.0_none_0123456789abcdef"), MUM_OK);
    cr_assert_not(kf.name_truncated);
    mum_keyform_clear(&kf);
}

static void expect_bad_keyform(const char *text, unsigned column, const char *words)
{
    mum_ctx *ctx;
    mum_keyform kf;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_keyform_parse(&kf, ctx, text), MUM_EFORMAT, "%s", text);
    cr_assert_null(kf.name);
    cr_assert_eq(mum_ctx_location(ctx)->column, column, "%s: column %u, want %u", text,
                 mum_ctx_location(ctx)->column, column);
    cr_assert(strstr(mum_ctx_reason(ctx), words), "reason \"%s\" mentions \"%s\"",
              mum_ctx_reason(ctx), words);
    mum_ctx_free(ctx);
}

Test(keyform, malformed)
{
    expect_bad_keyform("x86_foo_" PKT "_none.manifest", 30, "this one has 4");
    expect_bad_keyform("x86_" PKT "_1.0.0.0_none_0123456789abcdef", 1, "at least 6");
    expect_bad_keyform("x86_foo_" PKT "_1.0.0.0_none_0123456789abcde", 39, "not 16 hexadecimal");
    expect_bad_keyform("x86_foo_" PKT "_1.0.0.0_none_0123456789abcdeg", 54, "not 16 hexadecimal");
    expect_bad_keyform("_foo_" PKT "_1.0.0.0_none_0123456789abcdef", 1, "processorArchitecture field is empty");
    expect_bad_keyform("x86__" PKT "_1.0.0.0_none_0123456789abcdef", 5, "name field is empty");
    expect_bad_keyform("x86_foo__1.0.0.0_none_0123456789abcdef", 9, "publicKeyToken field is empty");
    expect_bad_keyform("x86_foo_" PKT "_1.0.0.0__0123456789abcdef", 34, "culture field is empty");
    expect_bad_keyform("a/x86_foo_" PKT "_1.0.0.0_none_0123456789abcdef", 2, "not a path");
}

/* ---- pseudo-key ---- */

static void expect_key(mum_identity id, unsigned flags, uint64_t want)
{
    uint64_t key;
    cr_assert_eq(mum_pseudokey(&key, &id, flags), MUM_OK);
    cr_assert_eq(key, want, "%s %s: got %016llx want %016llx", id.name, id.arch,
                 (unsigned long long)key, (unsigned long long)want);
    mum_identity_clear(&id);
}

Test(pseudokey, matches_seed_kb943650)
{
    const char *name = "Microsoft-Windows-TCPIP-Binaries";
    expect_key(tu_identity("name", name, "version", "6.0.6001.22222", "processorArchitecture", "x86",
                           "publicKeyToken", PKT, "versionScope", "nonSxS", "language", "neutral", NULL),
               0, UINT64_C(0xb39411bf7f924877));
    expect_key(tu_identity("name", name, "version", "6.0.6001.22222", "processorArchitecture", "amd64",
                           "publicKeyToken", PKT, "versionScope", "nonSxS", NULL),
               0, UINT64_C(0x0fb2ad4337efb9ad));
    expect_key(tu_identity("name", name, "version", "6.0.6001.22222", "processorArchitecture", "ia64",
                           "publicKeyToken", PKT, "versionScope", "nonSxS", NULL),
               0, UINT64_C(0xb395b5b57f905173));
    expect_key(tu_identity("name", "Microsoft-Windows-NetIO-Infrastructure", "version", "6.0.6001.22222",
                           "processorArchitecture", "wow64", "publicKeyToken", PKT, "versionScope",
                           "nonSxS", "buildType", "release", NULL),
               0, UINT64_C(0xbd84b218bb37c211));
}

Test(pseudokey, version_less_type_and_long_values)
{
    expect_key(tu_identity("name", "Microsoft-Windows-TCPIP-Binaries", "version", "6.0.6001.22222",
                           "processorArchitecture", "amd64", "publicKeyToken", PKT, "versionScope",
                           "nonSxS", NULL),
               MUM_KEY_NO_VERSION, UINT64_C(0x07173fe9520f079a));
    expect_key(tu_identity("name", "Microsoft-Windows-Foo", "version", "6.1.7600.16385",
                           "processorArchitecture", "x86", "publicKeyToken", PKT, "type", "win32", NULL),
               0, UINT64_C(0x66374157f4ab960d));
    expect_key(tu_identity("name", "Microsoft-Windows-ServicingStack-OneCoreBase", "version", "10.0.19041.1",
                           "processorArchitecture", "amd64", "publicKeyToken", PKT, "versionScope",
                           "nonSxS", "language", "sr-Latn-RS", NULL),
               0, UINT64_C(0xe010f05a588e56e1));
}

Test(pseudokey, none_values_are_skipped_and_case_does_not_matter)
{
    uint64_t a, b;
    mum_identity x = tu_identity("name", "Foo", "version", "1.0.0.0", "publicKeyToken", "none", NULL);
    mum_identity y = tu_identity("name", "FOO", "version", "1.0.0.0", "language", "None", NULL);
    cr_assert_eq(mum_pseudokey(&a, &x, 0), MUM_OK);
    cr_assert_eq(mum_pseudokey(&b, &y, 0), MUM_OK);
    cr_assert_eq(a, b);
    mum_identity_set(&y, MUM_ATTR_NAME, "Fo\xff");
    cr_assert_eq(mum_pseudokey(&b, &y, 0), MUM_EFORMAT);
    mum_identity_clear(&x);
    mum_identity_clear(&y);
}

Test(pseudokey, ascii_and_other_letters_fold_alike)
{
    /* ASCII letters are folded on a shorter path than other code points:
     * a name mixing both keys the same in any case, and the keyform is
     * the lower case of it */
    uint64_t a, b;
    mum_identity x = tu_identity("name", "\xc3\x96l\xc3\xa7" "er-Tool", "version", "1.0.0.0",
                                 "processorArchitecture", "AMD64", "publicKeyToken", PKT, NULL);
    mum_identity y = tu_identity("name", "\xc3\xb6L\xc3\x87" "ER-tOOL", "version", "1.0.0.0",
                                 "processorArchitecture", "amd64", "publicKeyToken", PKT, NULL);
    cr_assert_eq(mum_pseudokey(&a, &x, 0), MUM_OK);
    cr_assert_eq(mum_pseudokey(&b, &y, 0), MUM_OK);
    cr_assert_eq(a, b);
    char *s = NULL, *t = NULL;
    cr_assert_eq(mum_keyform_format(&s, &x, 0), MUM_OK);
    cr_assert_eq(mum_keyform_format(&t, &y, 0), MUM_OK);
    cr_assert_str_eq(s, t);
    cr_assert(strncmp(s, "amd64_\xc3\xb6l\xc3\xa7" "er-tool_" PKT "_1.0.0.0_none_", 40) == 0, "%s", s);
    mum_free(s);
    mum_free(t);
    mum_identity_clear(&x);
    mum_identity_clear(&y);
}

/* ---- formatting ---- */

static void expect_keyform(mum_identity id, unsigned flags, const char *want)
{
    char *s = NULL;
    cr_assert_eq(mum_keyform_format(&s, &id, flags), MUM_OK);
    cr_assert_str_eq(s, want);
    /* and it parses back to the same key */
    mum_keyform kf;
    cr_assert_eq(mum_keyform_parse(&kf, NULL, s), MUM_OK);
    uint64_t key;
    mum_pseudokey(&key, &id, flags);
    cr_assert_eq(kf.key, key);
    mum_keyform_clear(&kf);
    mum_free(s);
    mum_identity_clear(&id);
}

Test(keyform_format, seed_names)
{
    expect_keyform(tu_identity("name", "Microsoft-Windows-TCPIP-Binaries", "version", "6.0.6001.22222",
                               "processorArchitecture", "x86", "publicKeyToken", PKT,
                               "versionScope", "nonSxS", "language", "neutral", NULL),
                   0, "x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924877");
    expect_keyform(tu_identity("name", "Microsoft-Windows-TCPIP-Binaries", "version", "6.0.6001.22222",
                               "processorArchitecture", "amd64", "publicKeyToken", PKT,
                               "versionScope", "nonSxS", NULL),
                   MUM_KEY_NO_VERSION, "amd64_microsoft-windows-tcpip-binaries_" PKT "_none_07173fe9520f079a");
}

Test(keyform_format, truncates_names_over_40_characters)
{
    /* exactly 40 characters: kept whole */
    const char *n40 = "abcdefghijklmnopqrstuvwxyz-0123456789abc";
    cr_assert_eq(strlen(n40), 40);
    char *s;
    mum_identity id = tu_identity("name", n40, "version", "1.0.0.0", "processorArchitecture", "x86",
                                  "publicKeyToken", PKT, NULL);
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_OK);
    cr_assert(strstr(s, "_abcdefghijklmnopqrstuvwxyz-0123456789abc_") != NULL, "%s", s);
    mum_free(s);
    /* 41: cut to 19 + ".." + 19 */
    mum_identity_set(&id, MUM_ATTR_NAME, "abcdefghijklmnopqrstuvwxyz-0123456789abcd");
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_OK);
    cr_assert(strstr(s, "_abcdefghijklmnopqrs..wxyz-0123456789abcd_") != NULL, "%s", s);
    mum_free(s);
    mum_identity_clear(&id);

    expect_keyform(tu_identity("name", "Microsoft-Windows-ServicingStack-OneCoreBase", "version", "10.0.19041.1",
                               "processorArchitecture", "amd64", "publicKeyToken", PKT,
                               "versionScope", "nonSxS", "language", "sr-Latn-RS", NULL),
                   0, "amd64_microsoft-windows-s..ngstack-onecorebase_" PKT "_10.0.19041.1_sr-..-rs_e010f05a588e56e1");
}

Test(keyform_format, cultures_up_to_8_characters_are_kept)
{
    char *s;
    mum_identity id = tu_identity("name", "Foo", "version", "1.0.0.0", "processorArchitecture", "x86",
                                  "publicKeyToken", PKT, "language", "zh-Hant", NULL);
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_OK);
    cr_assert(strstr(s, "_1.0.0.0_zh-hant_") != NULL, "%s", s);
    mum_free(s);
    mum_identity_set(&id, MUM_ATTR_LANGUAGE, "zh-Hant-");  /* 8, invalid but not cut */
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_OK);
    cr_assert(strstr(s, "_zh-hant-_") != NULL, "%s", s);
    mum_free(s);
    mum_identity_clear(&id);
}

Test(keyform_format, absent_fields_are_none_and_name_is_required)
{
    char *s;
    mum_identity id = tu_identity("name", "Foo", NULL);
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_OK);
    cr_assert(strncmp(s, "none_foo_none_none_none_", 24) == 0, "%s", s);
    mum_free(s);
    mum_identity_set(&id, MUM_ATTR_NAME, NULL);
    cr_assert_eq(mum_keyform_format(&s, &id, 0), MUM_EINVAL);
    mum_identity_clear(&id);
}

Test(truncate, counts_characters_not_bytes)
{
    char *s;
    /* 41 characters, the first an e-acute (two bytes) */
    cr_assert_eq(mum_truncate_middle(&s, "\xc3\xa9" "bcdefghijklmnopqrstuvwxyz-0123456789abcd", 40, 19), MUM_OK);
    cr_assert_str_eq(s, "\xc3\xa9" "bcdefghijklmnopqrs..wxyz-0123456789abcd");
    mum_free(s);
    cr_assert_eq(mum_truncate_middle(&s, "sr-Latn-RS", 8, 3), MUM_OK);
    cr_assert_str_eq(s, "sr-..-RS");
    mum_free(s);
}

static char *g_formatted;
static mum_identity g_fid;
static int format_once(void)
{
    return mum_keyform_format(&g_formatted, &g_fid, 0);
}

Test(keyform_format, out_of_memory)
{
    g_fid = tu_identity("name", "Microsoft-Windows-ServicingStack-OneCoreBase", "version", "10.0.19041.1",
                        "processorArchitecture", "amd64", "publicKeyToken", PKT, "language", "sr-Latn-RS", NULL);
    TU_ALLOC_SWEEP(format_once(), (mum_free(g_formatted), g_formatted = NULL));
    mum_identity_clear(&g_fid);
}

/* ---- check ---- */

static mum_keycheck check_name(const char *text)
{
    mum_keyform kf;
    mum_keycheck kc;
    cr_assert_eq(mum_keyform_parse(&kf, NULL, text), MUM_OK, "%s", text);
    cr_assert_eq(mum_keyform_check(&kc, &kf), MUM_OK);
    mum_keyform_clear(&kf);
    return kc;
}

Test(keycheck, confirms_and_names_the_case)
{
    mum_keycheck kc = check_name("Wow64_microsoft-windows-netio-infrastructure_" PKT "_6.0.6001.22222_none_bd84b218bb37c211.manifest");
    cr_assert_eq(kc.verdict, MUM_KEYCHECK_CONFIRMED);
    cr_assert_str_eq(kc.version_scope, "nonSxS");
    cr_assert_null(kc.type);
    kc = check_name("x86_microsoft-windows-foo_" PKT "_6.1.7600.16385_none_66374157f4ab960d");
    cr_assert_eq(kc.verdict, MUM_KEYCHECK_CONFIRMED);
    cr_assert_null(kc.version_scope);
    cr_assert_str_eq(kc.type, "win32");
    kc = check_name("amd64_microsoft-windows-tcpip-binaries_" PKT "_none_07173fe9520f079a");
    cr_assert_eq(kc.verdict, MUM_KEYCHECK_CONFIRMED, "version-less keys check too");
}

Test(keycheck, truncated_and_unmatched_cannot_be_confirmed)
{
    mum_keycheck kc = check_name("amd64_microsoft-windows-s..ngstack-onecorebase_" PKT "_10.0.19041.1_none_e010f05a588e56e1");
    cr_assert_eq(kc.verdict, MUM_KEYCHECK_TRUNCATED);
    kc = check_name("x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924878");
    cr_assert_eq(kc.verdict, MUM_KEYCHECK_NO_MATCH);
    cr_assert_eq(kc.cases_tried, 8);
}

/* ---- a name given on its own (mum_name_parse, mum_name_check) ---- */

/* The rule ids of a list's findings, joined by spaces. */
static void rule_ids(const mum_findings *l, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < mum_findings_count(l); i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", i ? " " : "", mum_findings_get(l, i)->rule->id);
    }
}

Test(name, classifies_package_component_and_invalid)
{
    mum_findings *f;
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    mum_name n;
    cr_assert_eq(mum_name_parse(&n, "Package_1_for_kb943650~" PKT "~x86~~6.0.1.0.mum", f), MUM_OK);
    cr_assert_eq(n.kind, MUM_NAME_PACKAGE);
    cr_assert_str_eq(n.package.id.arch, "x86");
    cr_assert_str_eq(mum_name_kind_name(n.kind), "package");
    mum_name_clear(&n);
    cr_assert_eq(mum_name_parse(&n, "Foo.CAT", f), MUM_OK, "a .cat ending makes a package name");
    cr_assert_eq(n.kind, MUM_NAME_INVALID, "a package name without '~' fields does not parse");
    mum_name_clear(&n);
    cr_assert_eq(mum_findings_count(f), 1);
    cr_assert_str_eq(mum_findings_get(f, 0)->rule->id, "name.malformed");
    cr_assert_eq(mum_findings_get(f, 0)->loc.line, 1);
    mum_findings_free(f);

    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    cr_assert_eq(mum_name_parse(&n, "x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924877", f),
                 MUM_OK);
    cr_assert_eq(n.kind, MUM_NAME_COMPONENT);
    cr_assert_str_eq(n.keyform.key_text, "b39411bf7f924877");
    cr_assert_eq(mum_findings_count(f), 0, "culture none is absent, not an invalid language");
    mum_name_clear(&n);
    cr_assert_eq(mum_name_parse(&n, "x86_foo_" PKT "_6.0_none", f), MUM_OK);
    cr_assert_eq(n.kind, MUM_NAME_INVALID);
    cr_assert_not_null(n.error);
    cr_assert_gt(n.column, 0);
    cr_assert_eq(mum_findings_count(f), 1);
    mum_name_clear(&n);
    mum_name_clear(NULL);
    cr_assert_eq(mum_name_parse(NULL, "x", f), MUM_EINVAL);
    mum_findings_free(f);
}

Test(name, validates_the_fields_as_identity_attributes)
{
    mum_findings *f;
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    mum_name n;
    cr_assert_eq(mum_name_parse(&n, "Foo~" PKT "~x86~~6.0.1.x.mum", f), MUM_OK);
    cr_assert_eq(n.kind, MUM_NAME_PACKAGE, "a bad version parses, and is judged");
    cr_assert_gt(mum_findings_count(f), 0);
    cr_assert_eq(mum_findings_get(f, 0)->loc.input != NULL, true);
    cr_assert_str_eq(mum_findings_get(f, 0)->loc.input, "Foo~" PKT "~x86~~6.0.1.x.mum");
    mum_name_clear(&n);
    mum_findings_free(f);
}

Test(name, check_gives_verdict_detail_and_findings)
{
    static const struct {
        const char *text;
        mum_name_verdict verdict;
        const char *detail_part;
        const char *rules;
    } cases[] = {
        {"Wow64_microsoft-windows-netio-infrastructure_" PKT "_6.0.6001.22222_none_bd84b218bb37c211.manifest",
         MUM_NAME_VERDICT_CONFIRMED, "versionScope=nonSxS, type=(absent)", ""},
        {"x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924878",
         MUM_NAME_VERDICT_CANNOT_CONFIRM, "none of the 8 common versionScope/type cases gives b39411bf7f924878",
         "name.key-unconfirmed"},
        {"amd64_microsoft-windows-s..ngstack-onecorebase_" PKT "_10.0.19041.1_none_e010f05a588e56e1",
         MUM_NAME_VERDICT_CANNOT_CONFIRM, "the name is truncated", "name.key-truncated"},
        {"Package_1_for_kb943650~" PKT "~x86~~6.0.1.0.mum", MUM_NAME_VERDICT_NOT_APPLICABLE,
         "a package name carries no pseudo-key", ""},
        {"x86_foo", MUM_NAME_VERDICT_INVALID, "", "name.malformed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mum_findings *f;
        cr_assert_eq(mum_findings_new(&f), MUM_OK);
        mum_name n;
        mum_name_check_result r;
        cr_assert_eq(mum_name_parse(&n, cases[i].text, f), MUM_OK);
        cr_assert_eq(mum_name_check(&r, &n, cases[i].text, f), MUM_OK);
        cr_assert_eq(r.verdict, cases[i].verdict, "%s: verdict %d", cases[i].text, r.verdict);
        cr_assert_not_null(r.detail);
        cr_assert(strstr(r.detail, cases[i].detail_part), "%s: detail '%s'", cases[i].text, r.detail);
        char ids[256];
        rule_ids(f, ids, sizeof ids);
        cr_assert_str_eq(ids, cases[i].rules, "%s", cases[i].text);
        for (size_t k = 0; k < mum_findings_count(f); k++)
            cr_assert(mum_name_finding_in_verdict(mum_findings_get(f, k)), "the verdict line says %s", ids);
        mum_name_check_result_clear(&r);
        mum_name_clear(&n);
        mum_findings_free(f);
    }
    cr_assert_str_eq(mum_name_verdict_name(MUM_NAME_VERDICT_CANNOT_CONFIRM), "cannot-confirm");
    cr_assert_str_eq(mum_name_verdict_name(MUM_NAME_VERDICT_NOT_APPLICABLE), "not-applicable");
}

Test(name, findings_outside_the_verdict_are_not_hidden)
{
    mum_findings *f;
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    cr_assert_eq(mum_findings_add(f, "identity.bad-version", NULL, "x"), MUM_OK);
    cr_assert_eq(mum_findings_add(f, "name.key-truncated", NULL, "x"), MUM_OK);
    cr_assert_not(mum_name_finding_in_verdict(mum_findings_get(f, 0)));
    cr_assert(mum_name_finding_in_verdict(mum_findings_get(f, 1)));
    cr_assert_not(mum_name_finding_in_verdict(NULL));
    mum_findings_free(f);
}

Test(name, every_allocation_failing_in_turn_ends_cleanly)
{
    const char *text = "x86_microsoft-windows-tcpip-binaries_" PKT "_6.0.6001.22222_none_b39411bf7f924878";
    bool finished = false;
    for (unsigned long n = 1; n < 1000 && !finished; n++) {
        mum_findings *f = NULL;
        cr_assert_eq(mum_findings_new(&f), MUM_OK);
        mum__alloc_fail_at(n);
        mum_name nm;
        mum_name_check_result r;
        memset(&r, 0, sizeof r);
        int rc = mum_name_parse(&nm, text, f);
        if (rc == MUM_OK)
            rc = mum_name_check(&r, &nm, text, f);
        unsigned long made = mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu: %d", n, rc);
        if (rc == MUM_OK && made < n) {
            cr_assert_eq(r.verdict, MUM_NAME_VERDICT_CANNOT_CONFIRM);
            cr_assert_eq(mum_findings_count(f), 1);
            finished = true;
        }
        mum_name_check_result_clear(&r);
        mum_name_clear(&nm);
        mum_findings_free(f);
    }
    cr_assert(finished, "a run without a failed allocation was reached");
}
