/*
 * test_policy.c - the policy file: parsing, every syntax error with its
 * place, severity changes (ids and globs), expectations and unused ones.
 */
#include "testutil.h"

#include <unistd.h>

static mum_policy *parse_ok(const char *text)
{
    mum_ctx *ctx;
    mum_policy *p;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_policy_parse(&p, ctx, "t.policy", text, strlen(text)), MUM_OK, "%s",
                 mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return p;
}

static void expect_error(const char *text, int status, uint32_t line, uint32_t column,
                         const char *words)
{
    mum_ctx *ctx;
    mum_policy *p = (mum_policy *)1;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_policy_parse(&p, ctx, "t.policy", text, strlen(text)), status, "%s",
                 mum_ctx_message(ctx));
    cr_assert_null(p);
    const mum_location *loc = mum_ctx_location(ctx);
    cr_assert_str_eq(loc->input, "t.policy");
    cr_assert_eq(loc->line, line, "line %u, want %u (%s)", loc->line, line, mum_ctx_message(ctx));
    if (column)
        cr_assert_eq(loc->column, column, "column %u, want %u (%s)", loc->column, column,
                     mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_reason(ctx), words), "\"%s\" mentions \"%s\"", mum_ctx_reason(ctx), words);
    mum_ctx_free(ctx);
}

static const char sample[] =
    "# the KB943650 family\r\n"
    "[severity]\r\n"
    "identity.unknown-build-type = off   # not our business\r\n"
    "identity.bad-* = warning\r\n"
    "\r\n"
    "[expect]\r\n"
    "missing-package Package_for_KB943650_client* on ia64 = Windows Vista never shipped on Itanium\r\n"
    "no-wow64 Microsoft-Windows-TCPIP-Binaries = kernel-only\r\n"
    "version-differs Microsoft-Windows-Foo on x86,amd64 = staged release\r\n";

Test(policy, parses_a_complete_file)
{
    mum_policy *p = parse_ok(sample);
    cr_assert_eq(mum_policy_severity_count(p), 2);
    cr_assert_eq(mum_policy_expect_count(p), 3);
    mum_policy_free(p);
    mum_policy_free(NULL);
}

Test(policy, severities_apply_by_id_and_glob)
{
    mum_policy *p = parse_ok(sample);
    mum_findings *f;
    mum_findings_new(&f);
    mum_findings_add(f, "identity.unknown-build-type", NULL, "a");
    mum_findings_add(f, "identity.bad-token", NULL, "b");
    mum_findings_add(f, "identity.version-range", NULL, "c");
    cr_assert_eq(mum_policy_apply_severities(p, f), MUM_OK);
    mum_findings_add(f, "identity.bad-name", NULL, "d"); /* added after: changed too */
    cr_assert_eq(mum_findings_get(f, 0)->severity, MUM_SEVERITY_OFF);
    cr_assert_eq(mum_findings_get(f, 1)->severity, MUM_SEVERITY_WARNING);
    cr_assert_eq(mum_findings_get(f, 2)->severity, MUM_SEVERITY_ERROR, "not matched by the glob");
    cr_assert_eq(mum_findings_get(f, 3)->severity, MUM_SEVERITY_WARNING);
    mum_findings_free(f);
    mum_policy_free(p);
}

Test(policy, expectations_match_names_and_platforms)
{
    mum_policy *p = parse_ok(sample);
    const char *r = mum_policy_expect(p, MUM_EXPECT_MISSING_PACKAGE,
                                      "package_for_kb943650_client_1", "IA64");
    cr_assert_str_eq(r, "Windows Vista never shipped on Itanium", "case-insensitive glob");
    cr_assert_null(mum_policy_expect(p, MUM_EXPECT_MISSING_PACKAGE, "Package_for_KB943650_client",
                                     "amd64"), "other platform");
    cr_assert_null(mum_policy_expect(p, MUM_EXPECT_MISSING_COMPONENT,
                                     "Package_for_KB943650_client", "ia64"), "other kind");
    cr_assert_str_eq(mum_policy_expect(p, MUM_EXPECT_NO_WOW64, "Microsoft-Windows-TCPIP-Binaries",
                                       "amd64"), "kernel-only", "no platforms: all");
    cr_assert_not_null(mum_policy_expect(p, MUM_EXPECT_VERSION_DIFFERS, "Microsoft-Windows-Foo", "amd64"));
    cr_assert_null(mum_policy_expect(p, MUM_EXPECT_VERSION_DIFFERS, "Microsoft-Windows-Foo", "ia64"));
    mum_policy_free(p);
}

Test(policy, unused_expectations_are_reported_with_their_line)
{
    mum_policy *p = parse_ok(sample);
    mum_policy_expect(p, MUM_EXPECT_NO_WOW64, "Microsoft-Windows-TCPIP-Binaries", NULL);
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_policy_report_unused(p, f), MUM_OK);
    cr_assert_eq(mum_findings_count(f), 2);
    const mum_finding *x = mum_findings_get(f, 0);
    cr_assert_str_eq(x->rule->id, "policy.unused-expectation");
    cr_assert_str_eq(x->loc.input, "t.policy");
    cr_assert_eq(x->loc.line, 7);
    cr_assert(strstr(x->message, "missing-package Package_for_KB943650_client*"));
    cr_assert_eq(mum_findings_get(f, 1)->loc.line, 9);
    mum_findings_free(f);
    mum_policy_free(p);
}

Test(policy_errors, each_mistake_is_located)
{
    expect_error("rule = off\n", MUM_EFORMAT, 1, 1, "before any section");
    expect_error("[severity]\n[colours]\n", MUM_EFORMAT, 2, 1, "unknown section [colours]");
    expect_error("[severity\n", MUM_EFORMAT, 1, 10, "ends with ']'");
    expect_error("[severity]\nidentity.bad-token off\n", MUM_EFORMAT, 2, 23, "'=' is missing");
    expect_error("[severity]\nidentity.bad-tokn = off\n", MUM_EFORMAT, 2, 1, "no rule is called");
    expect_error("[severity]\nno.such.* = off\n", MUM_EFORMAT, 2, 1, "no rule is called");
    expect_error("[severity]\nidentity.bad-token = fatal\n", MUM_EFORMAT, 2, 22, "off, info, warning or error");
    expect_error("[severity]\n = off\n", MUM_EFORMAT, 2, 2, "rule id is expected");
    expect_error("[expect]\nmissing-packages Foo = x\n", MUM_EFORMAT, 2, 1, "unknown expectation");
    expect_error("[expect]\nmissing-package = x\n", MUM_EFORMAT, 2, 17, "a name");
    expect_error("[expect]\nmissing-package Foo in ia64 = x\n", MUM_EFORMAT, 2, 21, "\"on PLATFORMS\"");
    expect_error("[expect]\nmissing-package Foo on sparc = x\n", MUM_EFORMAT, 2, 24, "unknown platform \"sparc\"");
    expect_error("[expect]\nmissing-package Foo on x86,mips = x\n", MUM_EFORMAT, 2, 28, "unknown platform \"mips\"");
    expect_error("[expect]\nmissing-package Foo on = x\n", MUM_EFORMAT, 2, 24, "platforms are expected");
    expect_error("[expect]\nmissing-package Foo on ia64 extra = x\n", MUM_EFORMAT, 2, 29, "'=' is expected");
    expect_error("[expect]\nmissing-package Foo =   \n", MUM_EFORMAT, 2, 22, "say why");
}

Test(policy, gate_sets_fail_on)
{
    mum_policy *p = parse_ok(sample);
    cr_assert_eq(mum_policy_fail_on(p), MUM_FAIL_ON_UNSET);
    mum_policy_free(p);
    cr_assert_eq(mum_policy_fail_on(NULL), MUM_FAIL_ON_UNSET);
    p = parse_ok("[gate]\nfail-on = warning   # a strict gate\n");
    cr_assert_eq(mum_policy_fail_on(p), MUM_FAIL_ON_WARNING);
    mum_policy_free(p);
    /* the last one wins, and case does not matter */
    p = parse_ok("[gate]\nfail-on = never\n[severity]\nidentity.bad-* = warning\n[gate]\nfail-on = NOTE\n");
    cr_assert_eq(mum_policy_fail_on(p), MUM_FAIL_ON_NOTE);
    cr_assert_eq(mum_policy_severity_count(p), 1);
    mum_policy_free(p);
}

Test(policy, fail_on_names_and_thresholds)
{
    static const struct {
        const char *text;
        mum_fail_on f;
    } ok[] = {{"error", MUM_FAIL_ON_ERROR}, {"warning", MUM_FAIL_ON_WARNING}, {"note", MUM_FAIL_ON_NOTE},
              {"info", MUM_FAIL_ON_NOTE}, {"never", MUM_FAIL_ON_NEVER}, {"Warning", MUM_FAIL_ON_WARNING}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mum_fail_on f = MUM_FAIL_ON_UNSET;
        cr_assert_eq(mum_fail_on_parse(&f, ok[i].text), MUM_OK, "%s", ok[i].text);
        cr_assert_eq(f, ok[i].f, "%s", ok[i].text);
    }
    mum_fail_on f = MUM_FAIL_ON_WARNING;
    cr_assert_eq(mum_fail_on_parse(&f, ""), MUM_EINVAL);
    cr_assert_eq(mum_fail_on_parse(&f, "errors"), MUM_EINVAL);
    cr_assert_eq(mum_fail_on_parse(&f, NULL), MUM_EINVAL);
    cr_assert_eq(f, MUM_FAIL_ON_WARNING);
    cr_assert_str_eq(mum_fail_on_name(MUM_FAIL_ON_NOTE), "note");
    cr_assert_str_eq(mum_fail_on_name(MUM_FAIL_ON_UNSET), "");

    mum_findings *fl;
    cr_assert_eq(mum_findings_new(&fl), MUM_OK);
    mum_location loc = {.input = "x"};
    /* nothing at all: nothing fails, not even at note */
    cr_assert_not(mum_fail_on_fails(MUM_FAIL_ON_NOTE, fl));
    cr_assert_eq(mum_findings_add(fl, "identity.unknown-build-type", &loc, "w"), MUM_OK);
    cr_assert_not(mum_fail_on_fails(MUM_FAIL_ON_UNSET, fl));
    cr_assert_not(mum_fail_on_fails(MUM_FAIL_ON_ERROR, fl));
    cr_assert(mum_fail_on_fails(MUM_FAIL_ON_WARNING, fl));
    cr_assert(mum_fail_on_fails(MUM_FAIL_ON_NOTE, fl));
    cr_assert_eq(mum_findings_add(fl, "identity.bad-token", &loc, "e"), MUM_OK);
    cr_assert(mum_fail_on_fails(MUM_FAIL_ON_ERROR, fl));
    cr_assert_not(mum_fail_on_fails(MUM_FAIL_ON_NEVER, fl));
    mum_findings_free(fl);
}

Test(policy_errors, gate_mistakes_are_located)
{
    expect_error("[gate]\nfail-on = fatal\n", MUM_EFORMAT, 2, 11, "error, warning, note or never");
    expect_error("[gate]\nfail-on =\n", MUM_EFORMAT, 2, 0, "error, warning, note or never");
    expect_error("[gate]\nfail-at = error\n", MUM_EFORMAT, 2, 1, "unknown gate setting \"fail-at\"");
    expect_error("[gate]\nfail-on error\n", MUM_EFORMAT, 2, 0, "'=' is missing");
}

Test(policy_errors, nul_bytes_and_limits)
{
    mum_ctx *ctx;
    mum_policy *p;
    mum_ctx_new(&ctx);
    const char text[] = "[severity]\nidentity.bad-token = off\0\n";
    cr_assert_eq(mum_policy_parse(&p, ctx, "t", text, sizeof text - 1), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_reason(ctx), "NUL byte"));
    cr_assert_eq(mum_ctx_location(ctx)->line, 2);
    char *big = malloc(5000);
    memset(big, 'a', 5000);
    memcpy(big, "[expect]\n", 9);
    cr_assert_eq(mum_policy_parse(&p, ctx, "t", big, 5000), MUM_ELIMIT);
    cr_assert_eq(mum_ctx_location(ctx)->line, 2);
    free(big);
    mum_ctx_free(ctx);
}

Test(policy, load_reads_files_and_reports_missing_ones)
{
    mum_ctx *ctx;
    mum_policy *p;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_policy_load(&p, ctx, "/nonexistent/x.policy"), MUM_EIO);
    cr_assert(strstr(mum_ctx_message(ctx), "/nonexistent/x.policy: cannot open the policy file"));
    char path[] = "/tmp/mum-policy-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, sample, sizeof sample - 1), (ssize_t)(sizeof sample - 1));
    close(fd);
    cr_assert_eq(mum_policy_load(&p, ctx, path), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_policy_expect_count(p), 3);
    mum_policy_free(p);
    unlink(path);
    mum_ctx_free(ctx);
}

static mum_policy *g_p;
static int parse_once(void)
{
    return mum_policy_parse(&g_p, NULL, "t", sample, sizeof sample - 1);
}

Test(policy, out_of_memory)
{
    TU_ALLOC_SWEEP(parse_once(), (mum_policy_free(g_p), g_p = NULL));
}
