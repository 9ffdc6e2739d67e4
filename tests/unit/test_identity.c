/*
 * test_identity.c - versions, architectures, identity attributes, validation
 * (every finding the module can raise) and comparison.
 */
#include "testutil.h"

Test(version, parses_four_parts)
{
    mum_version v;
    cr_assert_eq(mum_version_parse(&v, "6.0.6001.22222"), MUM_OK);
    cr_assert_eq(v.part[0], 6);
    cr_assert_eq(v.part[1], 0);
    cr_assert_eq(v.part[2], 6001);
    cr_assert_eq(v.part[3], 22222);
    cr_assert_eq(mum_version_parse(&v, "65535.65535.65535.65535"), MUM_OK);
    cr_assert_eq(v.part[3], 65535);
    cr_assert_eq(mum_version_parse(&v, "0.0.0.0"), MUM_OK);
}

Test(version, rejects_bad_syntax)
{
    const char *bad[] = {"", "1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.", ".1.2.3", "1.2.3.x",
                         "-1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1,2,3,4", "99999999999999999999.1.2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(mum_version_parse(NULL, bad[i]), MUM_EFORMAT, "\"%s\"", bad[i]);
    cr_assert_eq(mum_version_parse(NULL, NULL), MUM_EFORMAT);
}

Test(version, part_above_65535_is_a_range_error)
{
    cr_assert_eq(mum_version_parse(NULL, "6.0.65536.1"), MUM_ELIMIT);
    cr_assert_eq(mum_version_parse(NULL, "99999999999999999999.0.0.0"), MUM_ELIMIT);
    cr_assert_eq(mum_version_parse(NULL, "1.2.3.70000"), MUM_ELIMIT);
}

Test(version, compares_numerically)
{
    mum_version a, b;
    mum_version_parse(&a, "6.0.6001.9");
    mum_version_parse(&b, "6.0.6001.10");
    cr_assert_lt(mum_version_compare(&a, &b), 0);
    cr_assert_gt(mum_version_compare(&b, &a), 0);
    cr_assert_eq(mum_version_compare(&a, &a), 0);
    mum_version_parse(&b, "7.0.0.0");
    cr_assert_lt(mum_version_compare(&a, &b), 0);
    char buf[MUM_VERSION_TEXT_MAX];
    mum_version_format(&a, buf);
    cr_assert_str_eq(buf, "6.0.6001.9");
}

Test(version, formats_every_part_width)
{
    /* written by hand, not by snprintf: zeros and five-digit parts too */
    static const struct {
        uint16_t part[4];
        const char *text;
    } cases[] = {{{0, 0, 0, 0}, "0.0.0.0"},
                 {{65535, 65535, 65535, 65535}, "65535.65535.65535.65535"},
                 {{10, 0, 19041, 1}, "10.0.19041.1"},
                 {{100, 9, 10000, 99}, "100.9.10000.99"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mum_version v;
        memcpy(v.part, cases[i].part, sizeof v.part);
        char buf[MUM_VERSION_TEXT_MAX];
        memset(buf, 'x', sizeof buf);
        mum_version_format(&v, buf);
        cr_assert_str_eq(buf, cases[i].text);
    }
}

Test(arch, parses_known_names_case_insensitively)
{
    cr_assert_eq(mum_arch_parse("x86"), MUM_ARCH_X86);
    cr_assert_eq(mum_arch_parse("AMD64"), MUM_ARCH_AMD64);
    cr_assert_eq(mum_arch_parse("Wow64"), MUM_ARCH_WOW64);
    cr_assert_eq(mum_arch_parse("ia64"), MUM_ARCH_IA64);
    cr_assert_eq(mum_arch_parse("arm64"), MUM_ARCH_ARM64);
    cr_assert_eq(mum_arch_parse("msil"), MUM_ARCH_MSIL);
    cr_assert_eq(mum_arch_parse("neutral"), MUM_ARCH_NEUTRAL);
    cr_assert_eq(mum_arch_parse("*"), MUM_ARCH_ANY);
    cr_assert_eq(mum_arch_parse("x64"), MUM_ARCH_UNKNOWN);
    cr_assert_eq(mum_arch_parse(NULL), MUM_ARCH_NONE);
    cr_assert_str_eq(mum_arch_name(MUM_ARCH_AMD64), "amd64");
}

Test(identity, set_decodes_and_clear_frees)
{
    mum_identity id = tu_identity("name", "Microsoft-Windows-TCPIP-Binaries", "version",
                                  "6.0.6001.22222", "processorArchitecture", "amd64",
                                  "publicKeyToken", "31bf3856ad364e35", NULL);
    cr_assert(id.ver_ok);
    cr_assert_eq(id.ver.part[3], 22222);
    cr_assert_eq(id.arch_id, MUM_ARCH_AMD64);
    cr_assert(id.token_ok);
    cr_assert_eq(id.token[0], 0x31);
    cr_assert_eq(id.token[7], 0x35);
    cr_assert_str_eq(mum_identity_get(&id, MUM_ATTR_ARCH), "amd64");
    /* replacing a value re-decodes it */
    cr_assert_eq(mum_identity_set(&id, MUM_ATTR_PUBLIC_KEY_TOKEN, "xyz"), MUM_OK);
    cr_assert_not(id.token_ok);
    cr_assert_eq(mum_identity_set(&id, MUM_ATTR_VERSION, NULL), MUM_OK);
    cr_assert_null(id.version);
    cr_assert_not(id.ver_ok);
    cr_assert_eq(mum_identity_set(&id, MUM_ATTR_COUNT, "x"), MUM_EINVAL);
    mum_identity_clear(&id);
    cr_assert_null(id.name);
}

Test(identity, attribute_names_and_aliases)
{
    mum_identity_attr a;
    cr_assert_eq(mum_identity_attr_lookup(&a, "processorArchitecture"), MUM_OK);
    cr_assert_eq(a, MUM_ATTR_ARCH);
    cr_assert_eq(mum_identity_attr_lookup(&a, "arch"), MUM_OK);
    cr_assert_eq(a, MUM_ATTR_ARCH);
    cr_assert_eq(mum_identity_attr_lookup(&a, "culture"), MUM_OK);
    cr_assert_eq(a, MUM_ATTR_LANGUAGE);
    cr_assert_eq(mum_identity_attr_lookup(&a, "ProcessorArchitecture"), MUM_ENOTFOUND,
                 "manifest attribute names are case-sensitive");
    cr_assert_str_eq(mum_identity_attr_name(MUM_ATTR_PUBLIC_KEY_TOKEN), "publicKeyToken");
}

Test(identity, copy_is_deep)
{
    mum_identity a = tu_identity("name", "X", "version", "1.2.3.4", NULL);
    mum_identity b;
    cr_assert_eq(mum_identity_copy(&b, &a), MUM_OK);
    cr_assert_neq(a.name, b.name);
    cr_assert_str_eq(b.name, "X");
    cr_assert(b.ver_ok);
    mum_identity_clear(&a);
    cr_assert_str_eq(b.version, "1.2.3.4");
    mum_identity_clear(&b);
}

static mum_identity g_copy;
static mum_identity g_src;
static int copy_once(void)
{
    return mum_identity_copy(&g_copy, &g_src);
}

Test(identity, copy_out_of_memory)
{
    g_src = tu_identity("name", "X", "version", "1.2.3.4", "type", "win32", NULL);
    TU_ALLOC_SWEEP(copy_once(), mum_identity_clear(&g_copy));
    mum_identity_clear(&g_src);
}

/* Validates and returns the findings; the caller frees them. */
static mum_findings *validate(const mum_identity *id, unsigned required)
{
    mum_findings *list;
    cr_assert_eq(mum_findings_new(&list), MUM_OK);
    mum_location loc = {.input = "t.manifest", .line = 3, .column = 5};
    cr_assert_eq(mum_identity_validate(id, required, list, &loc), MUM_OK);
    return list;
}

Test(validate, clean_identity_has_no_findings)
{
    mum_identity id = tu_identity("name", "Microsoft-Windows-NetIO-Infrastructure", "version",
                                  "6.0.6001.22222", "processorArchitecture", "wow64",
                                  "language", "neutral", "publicKeyToken", "31bf3856ad364e35",
                                  "buildType", "release", "versionScope", "nonSxS", NULL);
    mum_findings *f = validate(&id, MUM_REQUIRE_COMPONENT);
    cr_assert_eq(mum_findings_count(f), 0);
    mum_findings_free(f);
    mum_identity_clear(&id);
}

/* One identity per finding the module can raise, with the offending text. */
static void expect_one(mum_identity *id, unsigned required, const char *rule, const char *quoted)
{
    mum_findings *f = validate(id, required);
    cr_assert_eq(mum_findings_count(f), 1, "expected exactly %s, got %zu findings", rule,
                 mum_findings_count(f));
    const mum_finding *x = mum_findings_get(f, 0);
    cr_assert_str_eq(x->rule->id, rule);
    cr_assert(strstr(x->message, quoted) != NULL, "message \"%s\" quotes \"%s\"", x->message, quoted);
    cr_assert_str_eq(x->loc.input, "t.manifest");
    cr_assert_eq(x->loc.line, 3);
    mum_findings_free(f);
    mum_identity_clear(id);
}

Test(validate, missing_attribute)
{
    mum_identity id = tu_identity("name", "Foo", "processorArchitecture", "x86", "publicKeyToken",
                                  "31bf3856ad364e35", NULL);
    expect_one(&id, MUM_REQUIRE_COMPONENT, "identity.missing-attribute", "version");
}

Test(validate, missing_attribute_not_required_is_fine)
{
    mum_identity id = tu_identity("name", "Foo", NULL);
    mum_findings *f = validate(&id, MUM_REQUIRE_NAME);
    cr_assert_eq(mum_findings_count(f), 0);
    mum_findings_free(f);
    mum_identity_clear(&id);
}

Test(validate, bad_name)
{
    mum_identity a = tu_identity("name", "", NULL);
    expect_one(&a, 0, "identity.bad-name", "name \"\"");
    mum_identity b = tu_identity("name", "Foo|Bar", NULL);
    expect_one(&b, 0, "identity.bad-name", "Foo|Bar");
    mum_identity c = tu_identity("name", "Foo\tBar", NULL);
    expect_one(&c, 0, "identity.bad-name", "Foo\tBar");
    mum_identity d = tu_identity("name", "Foo\xff", NULL);
    expect_one(&d, 0, "identity.bad-name", "Foo");
}

/* Every reserved character and DEL is refused; a valid non-ASCII name is not. */
Test(validate, every_reserved_character)
{
    const char reserved[] = "\\/:*?\"<>|~\x7f";
    for (const char *r = reserved; *r; r++) {
        char name[8] = {'A', *r, 'B', 0};
        mum_identity id = tu_identity("name", name, NULL);
        mum_findings *f = validate(&id, MUM_REQUIRE_NAME);
        cr_assert_eq(tu_count_rule(f, "identity.bad-name"), 1, "0x%02x", (unsigned char)*r);
        mum_findings_free(f);
        mum_identity_clear(&id);
    }
    mum_identity ok = tu_identity("name", "Microsoft-Windows-\xc3\xa9t\xc3\xa9.Resources_x", NULL);
    mum_findings *f = validate(&ok, MUM_REQUIRE_NAME);
    cr_assert_eq(mum_findings_count(f), 0);
    mum_findings_free(f);
    mum_identity_clear(&ok);
}

Test(validate, bad_version)
{
    mum_identity id = tu_identity("name", "Foo", "version", "6.0.6001", NULL);
    expect_one(&id, 0, "identity.bad-version", "6.0.6001");
}

Test(validate, version_part_above_65535)
{
    mum_identity id = tu_identity("name", "Foo", "version", "6.0.6001.65536", NULL);
    expect_one(&id, 0, "identity.version-range", "6.0.6001.65536");
}

Test(validate, bad_token)
{
    mum_identity a = tu_identity("name", "Foo", "publicKeyToken", "31bf3856ad364e3", NULL);
    expect_one(&a, 0, "identity.bad-token", "31bf3856ad364e3");
    mum_identity b = tu_identity("name", "Foo", "publicKeyToken", "31bf3856ad364e3g", NULL);
    expect_one(&b, 0, "identity.bad-token", "31bf3856ad364e3g");
    mum_identity c = tu_identity("name", "Foo", "publicKeyToken", "31bf3856ad364e35aa", NULL);
    expect_one(&c, 0, "identity.bad-token", "31bf3856ad364e35aa");
}

Test(validate, unknown_architecture)
{
    mum_identity id = tu_identity("name", "Foo", "processorArchitecture", "x64", NULL);
    expect_one(&id, 0, "identity.unknown-architecture", "\"x64\"");
}

Test(validate, bad_culture)
{
    mum_identity a = tu_identity("name", "Foo", "language", "en_US", NULL);
    expect_one(&a, 0, "identity.bad-culture", "en_US");
    mum_identity b = tu_identity("name", "Foo", "language", "en--US", NULL);
    expect_one(&b, 0, "identity.bad-culture", "en--US");
    /* good ones */
    const char *good[] = {"sr-Latn-RS", "en-US", "neutral", "*", "zh-Hans", "x-ww"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mum_identity g = tu_identity("name", "Foo", "language", good[i], NULL);
        mum_findings *f = validate(&g, 0);
        cr_assert_eq(mum_findings_count(f), 0, "culture %s", good[i]);
        mum_findings_free(f);
        mum_identity_clear(&g);
    }
}

Test(validate, unknown_version_scope)
{
    mum_identity id = tu_identity("name", "Foo", "versionScope", "nonsxs-ish", NULL);
    expect_one(&id, 0, "identity.unknown-version-scope", "nonsxs-ish");
}

Test(validate, unknown_build_type)
{
    mum_identity id = tu_identity("name", "Foo", "buildType", "checked", NULL);
    expect_one(&id, 0, "identity.unknown-build-type", "checked");
}

Test(validate, several_problems_all_reported)
{
    mum_identity id = tu_identity("version", "1.2", "processorArchitecture", "sparc",
                                  "publicKeyToken", "00", NULL);
    mum_findings *f = validate(&id, MUM_REQUIRE_COMPONENT);
    cr_assert_eq(tu_count_rule(f, "identity.missing-attribute"), 1);
    cr_assert_eq(tu_count_rule(f, "identity.bad-version"), 1);
    cr_assert_eq(tu_count_rule(f, "identity.unknown-architecture"), 1);
    cr_assert_eq(tu_count_rule(f, "identity.bad-token"), 1);
    cr_assert_eq(mum_findings_count(f), 4);
    mum_findings_free(f);
    mum_identity_clear(&id);
}

Test(compare, is_case_insensitive_over_key_attributes)
{
    mum_identity a = tu_identity("name", "Microsoft-Windows-TCPIP-Binaries", "version",
                                 "6.0.6001.22222", "processorArchitecture", "AMD64",
                                 "publicKeyToken", "31BF3856AD364E35", "versionScope", "nonSxS",
                                 "language", "neutral", "buildType", "release", NULL);
    mum_identity b = tu_identity("name", "microsoft-windows-tcpip-binaries", "version",
                                 "6.0.6001.22222", "processorArchitecture", "amd64",
                                 "publicKeyToken", "31bf3856ad364e35", "versionScope", "NONSXS",
                                 NULL);
    cr_assert_eq(mum_identity_compare(&a, &b, 0), 0, "absent language equals neutral, buildType ignored");
    cr_assert_neq(mum_identity_compare(&a, &b, MUM_IDCMP_BUILD_TYPE), 0);
    mum_identity_set(&b, MUM_ATTR_VERSION, "6.0.6001.22223");
    cr_assert_lt(mum_identity_compare(&a, &b, 0), 0);
    cr_assert_eq(mum_identity_compare(&a, &b, MUM_IDCMP_IGNORE_VERSION), 0);
    mum_identity_set(&b, MUM_ATTR_ARCH, "x86");
    cr_assert_neq(mum_identity_compare(&a, &b, MUM_IDCMP_IGNORE_VERSION), 0);
    cr_assert_eq(mum_identity_compare(&a, &b, MUM_IDCMP_IGNORE_VERSION | MUM_IDCMP_IGNORE_ARCH), 0);
    mum_identity_set(&b, MUM_ATTR_VERSION_SCOPE, NULL);
    cr_assert_neq(mum_identity_compare(&a, &b, MUM_IDCMP_IGNORE_VERSION | MUM_IDCMP_IGNORE_ARCH), 0,
                  "versionScope is part of the identity");
    mum_identity_clear(&a);
    mum_identity_clear(&b);
}

Test(compare, versions_compare_numerically)
{
    mum_identity a = tu_identity("name", "X", "version", "6.0.9.0", NULL);
    mum_identity b = tu_identity("name", "X", "version", "6.0.10.0", NULL);
    cr_assert_lt(mum_identity_compare(&a, &b, 0), 0);
    cr_assert_gt(mum_identity_compare(&b, &a, 0), 0);
    mum_identity_clear(&a);
    mum_identity_clear(&b);
}

Test(compare, non_ascii_folds)
{
    cr_assert_eq(mum_strcasecmp_utf8("Ma\xc3\x9f-\xc3\x89t\xc3\xa9", "ma\xc3\x9f-\xc3\xa9T\xc3\xa9"), 0);
    cr_assert_eq(mum_strcasecmp_utf8("\xd0\x9f\xd1\x80\xd0\xb8", "\xd0\xbf\xd1\x80\xd0\xb8"), 0,
                 "Cyrillic");
    cr_assert_lt(mum_strcasecmp_utf8("abc", "abd"), 0);
    cr_assert_lt(mum_strcasecmp_utf8("ab", "abc"), 0);
    cr_assert_lt(mum_strcasecmp_utf8(NULL, "a"), 0);
    cr_assert_neq(mum_strcasecmp_utf8("a\xff", "a\xfe"), 0, "invalid bytes still order");
}

/* Keys are lowered with mum__utf8_lower: it must agree, code point by code
 * point, with mum__ucs_tolower, including where it writes in place (the
 * fixed strings at the end check the bytes themselves). */
Test(compare, lowering_agrees_with_the_case_table_for_every_code_point)
{
    bool bad;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char in[16], want[16];
        size_t n = mum__utf8_encode(cp, in + 1);
        in[0] = 'A'; /* behind an ASCII letter, and before one */
        in[n + 1] = 'Z';
        in[n + 2] = '\0';
        want[0] = 'a';
        size_t k = mum__utf8_encode(mum__ucs_tolower(cp), want + 1);
        want[k + 1] = 'z';
        want[k + 2] = '\0';
        char *got = mum__utf8_lower(in, &bad);
        cr_assert_not_null(got, "U+%04X", cp);
        cr_assert_not(bad);
        cr_assert_str_eq(got, want, "U+%04X", cp);
        mum__free(got);
    }
    char *s = mum__utf8_lower("AMD64_Microsoft-Windows-\xc3\x84\xce\xa3\xd0\x94", &bad);
    cr_assert_str_eq(s, "amd64_microsoft-windows-\xc3\xa4\xcf\x83\xd0\xb4");
    mum__free(s);
    s = mum__utf8_lower("", &bad);
    cr_assert_str_eq(s, "");
    mum__free(s);
    cr_assert_null(mum__utf8_lower("ok\xff", &bad));
    cr_assert(bad, "invalid UTF-8 is reported, not lowered");
    cr_assert_null(mum__utf8_lower("\xc3", &bad));
    cr_assert(bad, "a cut sequence is invalid");
}

/* The graph's map keys: parts joined, then lowered as mum__utf8_lower does. */
static void concat_is(size_t n, const char *const *parts, const char *want)
{
    size_t len[8];
    for (size_t i = 0; i < n; i++)
        len[i] = strlen(parts[i]);
    char *got = mum__lower_concat(n, parts, len);
    cr_assert_not_null(got);
    cr_assert_str_eq(got, want);
    mum__free(got);
}

Test(compare, keys_are_joined_then_lowered)
{
    concat_is(3, (const char *[]){"Microsoft-Windows-TCPIP", "|", "AMD64"}, "microsoft-windows-tcpip|amd64");
    concat_is(0, NULL, "");
    concat_is(2, (const char *[]){"", ""}, "");
    /* other code points: as mum__utf8_lower, across the parts' joins */
    bool bad;
    char *want = mum__utf8_lower("Stra\xc3\x9f""E|\xc3\x84\xce\xa3", &bad);
    concat_is(4, (const char *[]){"Stra", "\xc3\x9f""E", "|", "\xc3\x84\xce\xa3"}, want);
    mum__free(want);
    /* not UTF-8: the bytes as they are, not lowered */
    concat_is(2, (const char *[]){"ABC", "\xff"}, "ABC\xff");
    /* a length shorter than the part: only that many bytes */
    const char *parts[2] = {"AbCdef", "XY"};
    size_t len[2] = {3, 1};
    char *got = mum__lower_concat(2, parts, len);
    cr_assert_str_eq(got, "abcx");
    mum__free(got);
}

/* Keys are lowered eight bytes at a time, the rest one by one: every byte
 * value at every offset of the block and past it, against the byte rule. */
Test(compare, keys_lower_every_byte_at_every_offset)
{
    for (unsigned b = 1; b < 256; b++) {
        for (size_t at = 0; at < 19; at++) {
            char text[20];
            memset(text, 'Q', sizeof text - 1);
            text[19] = '\0';
            text[at] = (char)b;
            const char *parts[2] = {text, text + 11};
            size_t len[2] = {11, 8};
            char *got = mum__lower_concat(2, parts, len);
            cr_assert_not_null(got);
            if (b < 0x80) {
                char want[20];
                for (size_t i = 0; i < 20; i++)
                    want[i] = (char)mum__ascii_tolower((unsigned char)text[i]);
                cr_assert_str_eq(got, want, "byte 0x%02x at %zu", b, at);
            } else {
                /* not ASCII: the general path, as mum__utf8_lower or the bytes */
                bool bad;
                char *low = mum__utf8_lower(text, &bad);
                cr_assert_str_eq(got, low ? low : text, "byte 0x%02x at %zu", b, at);
                mum__free(low);
            }
            mum__free(got);
        }
    }
}

/* ---- keys read in place (mum_lower_key): what the joined key would be ---- */

/* The key mum__lower_concat builds, with '\\' as '/' for a path. */
static char *joined_key(const mum_lower_key *k)
{
    char *s = mum__lower_concat(k->n, k->part, k->len);
    cr_assert_not_null(s);
    if (k->path)
        for (char *p = s; *p; p++)
            if (*p == '\\')
                *p = '/';
    return s;
}

/* text cut into parts at the given offsets (ascending, at most 12) */
static mum_lower_key cut_key(const char *text, const size_t *cuts, size_t ncuts, bool path)
{
    mum_lower_key k = {.n = ncuts + 1, .path = path};
    size_t from = 0, n = strlen(text);
    for (size_t i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;
        k.part[i] = text + from;
        k.len[i] = to - from;
        from = to;
    }
    return k;
}

/* Two keys are equal exactly when their joined keys are, and then hash
 * alike: whatever their parts, letter case, code points, bytes that are
 * not UTF-8 and separators. */
static void keys_agree(const mum_lower_key *keys, size_t n)
{
    char *joined[64];
    cr_assert_leq(n, 64);
    for (size_t i = 0; i < n; i++)
        joined[i] = joined_key(&keys[i]);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            bool same = strcmp(joined[i], joined[j]) == 0;
            cr_assert_eq(mum__lower_key_equal(&keys[i], &keys[j]), same, "keys %zu (%s) and %zu (%s)", i,
                         joined[i], j, joined[j]);
            /* and only then (not a promise: these few keys just do not collide) */
            cr_assert_eq(mum__lower_key_hash(&keys[i]) == mum__lower_key_hash(&keys[j]), same,
                         "hashes of %zu (%s) and %zu (%s)", i, joined[i], j, joined[j]);
        }
    }
    for (size_t i = 0; i < n; i++)
        mum__free(joined[i]);
}

Test(compare, keys_read_in_place_are_the_joined_keys)
{
    const char *texts[] = {
        "Microsoft-Windows-TCPIP|neutral|win32|6.0.6001.18000|31bf3856ad364e35|amd64|",
        "MICROSOFT-WINDOWS-TCPIP|NEUTRAL|WIN32|6.0.6001.18000|31BF3856AD364E35|AMD64|",
        "microsoft-windows-tcpip|neutral|win32|6.0.6001.18000|31bf3856ad364e35|amd64|x",
        "Stra\xc3\x9f" "E|\xc3\x84\xce\xa3",   /* lowered as code points */
        "stra\xc3\x9f" "e|\xc3\xa4\xcf\x83",
        "STRA\xc3\x9f" "E|\xc3\x84\xce\xa3\xff", /* not UTF-8: not lowered at all */
        "stra\xc3\x9f" "e|\xc3\xa4\xcf\x83\xff",
        "Stra\xc3\x9f" "E|\xc3\x84\xce\xa3\xff",
        "ABC\xff", "abc\xff", "ABC\xfe",
        "\xd0\x90\xd0\x91", "\xd0\xb0\xd0\xb1", "\xd0\x80", "\xd1\x90",
        "", "a", "A", "ab",
    };
    /* the same texts cut at every one or two places: parts change nothing
     * (a cut inside a UTF-8 sequence included) */
    for (size_t t = 0; t < MUM_ARRAY_LEN(texts); t++) {
        mum_lower_key keys[64];
        size_t n = 0, len = strlen(texts[t]);
        keys[n++] = cut_key(texts[t], NULL, 0, false);
        for (size_t a = 0; a <= len && n < 63; a++) {
            size_t cuts[2] = {a, a + (len - a) / 2};
            keys[n++] = cut_key(texts[t], cuts, 2, false);
        }
        keys_agree(keys, n);
    }
    /* every text against every other, whole and cut in two */
    mum_lower_key keys[2 * MUM_ARRAY_LEN(texts)];
    for (size_t t = 0; t < MUM_ARRAY_LEN(texts); t++) {
        size_t cut = strlen(texts[t]) / 3;
        keys[2 * t] = cut_key(texts[t], NULL, 0, false);
        keys[2 * t + 1] = cut_key(texts[t], &cut, 1, false);
    }
    keys_agree(keys, MUM_ARRAY_LEN(keys));
    /* paths: '\\' is '/', in every reading (not UTF-8 too) */
    const char *paths[] = {"Container.cab|Folder\\SUB\\I386\\UNIDRV.DLL", "container.cab|folder/sub/i386/unidrv.dll",
                           "container.cab|folder/sub/i386/unidrv.dl", "c|I386\\UNIDRV.DLL", "C|i386/unidrv.dll", "c|i386\\\\unidrv.dll", "c|i386//unidrv.dll",
                           "c|\xc3\x84\\x", "c|\xc3\xa4/X", "c|\xff\\x", "c|\xff/x", "c|\xff/X"};
    mum_lower_key pk[2 * MUM_ARRAY_LEN(paths)];
    for (size_t t = 0; t < MUM_ARRAY_LEN(paths); t++) {
        size_t cut = 2;
        pk[2 * t] = cut_key(paths[t], NULL, 0, true);
        pk[2 * t + 1] = cut_key(paths[t], &cut, 1, true);
    }
    keys_agree(pk, MUM_ARRAY_LEN(pk));
    /* empty parts, NULL where empty, and lengths short of the text */
    mum_lower_key e1 = {.n = 3, .part = {NULL, "AbCdef", NULL}, .len = {0, 3, 0}};
    mum_lower_key e2 = {.n = 2, .part = {"ab", "CX"}, .len = {2, 1}};
    mum_lower_key e3 = {.n = 0};
    mum_lower_key e4 = {.n = 2, .part = {"", NULL}, .len = {0, 0}};
    keys_agree((mum_lower_key[]){e1, e2, e3, e4}, 4);
}

/* Every byte value at every offset of a key (within and past eight-byte
 * words), the key cut there or not, in both letter cases: the comparison
 * and the hash of the joined key. */
Test(compare, keys_read_in_place_take_every_byte_as_joined)
{
    for (unsigned b = 1; b < 256; b++) {
        for (size_t at = 0; at < 19; at++) {
            char upper[20], lower[20];
            memcpy(upper, "QRSTUVWXYZ\\\\ABCDEFG", 20);
            memcpy(lower, "qrstuvwxyz//abcdefg", 20);
            upper[at] = lower[at] = (char)b;
            size_t cut = at;
            mum_lower_key keys[4] = {cut_key(upper, NULL, 0, true), cut_key(upper, &cut, 1, true),
                                     cut_key(lower, NULL, 0, true), cut_key(lower, &cut, 1, true)};
            keys_agree(keys, 4);
            for (int k = 0; k < 4; k++)
                keys[k].path = false;
            keys_agree(keys, 4);
        }
    }
}

/* Paths compare as Windows compares them: case folded (ASCII and beyond)
 * and '\\' the same separator as '/' (a manifest's "I386\\UNIDRV.DLL" is
 * the cabinet's "i386/unidrv.dll"). */
Test(compare, paths_fold_case_and_separators)
{
    cr_assert(mum__path_equal("I386\\UNIDRV.DLL", "i386/unidrv.dll"));
    cr_assert(mum__path_equal("x86_ntprint.inf_31BF\\I386\\Pjl.gpd", "x86_ntprint.inf_31bf/i386/PJL.GPD"));
    cr_assert(mum__path_equal("", ""));
    cr_assert(mum__path_equal("\xc3\x89" "clair\\A.DLL", "\xc3\xa9" "CLAIR/a.dll"), "non-ASCII folds too");
    cr_assert(mum__path_equal("dir\\\xc3\x89", "DIR/\xc3\xa9"));
    cr_assert_not(mum__path_equal("i386/unidrv.dll", "i386/unidrv.dl"));
    cr_assert_not(mum__path_equal("i386/unidrv.dl", "i386/unidrv.dll"));
    cr_assert_not(mum__path_equal("i386_unidrv.dll", "i386/unidrv.dll"), "only the separators are alike");
    cr_assert_not(mum__path_equal("\xc3\xa8" "clair", "\xc3\xa9" "clair"));
    cr_assert_not(mum__path_equal("a", NULL));
    cr_assert(mum__path_equal(NULL, NULL));
}
