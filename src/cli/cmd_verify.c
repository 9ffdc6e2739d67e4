/*
 * cmd_verify.c - mumtool verify: every finding about one or more packages,
 * as text, JSON, SARIF or JUnit, with an exit status for a CI gate.
 */
#include "config.h"

#include "cli.h"
#include "files.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char verify_help[] =
    "Usage: mumtool verify [OPTION]... INPUT...\n"
    "\n"
    "Check one or more packages (.msu, .cab or folders of extracted files), e.g. the\n"
    "x86, x64 and ia64 packages of one KB, and report every finding:\n"
    "  - references: every sub-package, deployment, component and file a package\n"
    "    installs is in it (by identity, exact version); no cycles, no orphans;\n"
    "  - the trust chain: every .mum has its signed .cat; the .mum, every manifest\n"
    "    and every file it installs are listed in a catalog of the package; every\n"
    "    file matches its manifest's DigestValue; the outer .msu/.cab signature;\n"
    "  - completeness across architectures: a component on one platform but not\n"
    "    another, a wow64 part without its x86 twin, versions that differ, a\n"
    "    package present for some platforms only (the matrix);\n"
    "  - with --expect: the files against the KB article's tables (name, version,\n"
    "    size per platform).\n"
    "\n"
    "Options:\n"
    "      --trust PEM       more trust anchors for signatures (repeatable), added to\n"
    "                        the built-in Microsoft roots and MUM_TRUST's files\n"
    "      --no-default-trust  without the built-in roots; with no anchor at all,\n"
    "                        signatures are checked for integrity only (a warning)\n"
    "      --policy FILE     severities and expected platform differences (see the\n"
    "                        manual, POLICY FILES)\n"
    "      --expect FILE     the expected contents: a KB article's text, or the TSV\n"
    "                        or JSON of 'mumtool expect parse' (repeatable); every\n"
    "                        listed file of a platform given must be there, with\n"
    "                        its version and size (rules expect.*)\n"
    "      --expect-dates    enforce the article's dates and times (else a note)\n"
    "                        against the files' times in their cabinets\n"
    "      --format FORMAT   text (default), json, sarif or junit; --json is the\n"
    "                        same as --format json\n"
    "      --fail-on LEVEL   the exit status threshold: error (default), warning,\n"
    "                        note or never (also the policy's [gate] fail-on)\n"
    "  -o, --output FILE     write the report to FILE instead of standard output\n"
    "      --at TIME         evaluate certificate chains at TIME (YYYY-MM-DD,\n"
    "                        YYYY-MM-DDTHH:MM:SSZ or @SECONDS)\n"
    "      --no-matrix       (text) leave the matrix tables out\n"
    "      --base-manifest FILE  read delta-compressed (DCM) manifests with Windows'\n"
    "                        base manifest FILE (default: $MUM_BASE_MANIFEST)\n"
    "      --wcp DLL         the same, with the base manifest inside wcp.dll\n"
    "  -q, --quiet           (text) findings at error only, no tables\n"
    "  -v, --verbose         (text) every note (by default three per rule are shown)\n"
    "  -h, --help            show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 no finding at the --fail-on level or above (by default: no\n"
    "errors, warnings allowed), 1 such findings, 2 usage error, 3 an input could\n"
    "not be read.\n";

enum { OPT_TRUST = 256, OPT_NO_DEFAULT_TRUST, OPT_POLICY, OPT_FORMAT, OPT_AT, OPT_NO_MATRIX, OPT_JSON,
       OPT_FAIL_ON, OPT_EXPECT, OPT_EXPECT_DATES, OPT_BASE_MANIFEST, OPT_WCP };

#ifndef __SANITIZE_ADDRESS__
/* What cmd_verify leaves for the end of the process (see there). */
static mum_graph *kept_graph;
static mum_verify_result *kept_result;
#endif

int cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"trust", required_argument, NULL, OPT_TRUST},
        {"no-default-trust", no_argument, NULL, OPT_NO_DEFAULT_TRUST},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"output", required_argument, NULL, 'o'},
        {"at", required_argument, NULL, OPT_AT},
        {"no-matrix", no_argument, NULL, OPT_NO_MATRIX},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"expect", required_argument, NULL, OPT_EXPECT},
        {"expect-dates", no_argument, NULL, OPT_EXPECT_DATES},
        {"base-manifest", required_argument, NULL, OPT_BASE_MANIFEST},
        {"wcp", required_argument, NULL, OPT_WCP},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char **trust = NULL, **expects = NULL;
    size_t ntrust = 0, nexpects = 0;
    bool expect_dates = false;
    bool builtin = true;
    const char *policy_path = NULL, *output = NULL, *at = NULL, *base_path = NULL, *wcp = NULL;
    report_format format = REPORT_TEXT;
    report_options ro = {0};
    mum_fail_on fail_on = MUM_FAIL_ON_UNSET;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("verify", c, optarg);
        if (common != 0) {
            if (common < 0) {
                free(trust);
                free(expects);
                return EXIT_USAGE;
            }
            continue;
        }
        switch (c) {
        case OPT_JSON: format = REPORT_JSON; break;
        case OPT_TRUST: {
            const char **t = realloc(trust, (ntrust + 1) * sizeof *t);
            if (!t) {
                free(trust);
                free(expects);
                return cli_fail("out of memory");
            }
            trust = t;
            trust[ntrust++] = optarg;
            break;
        }
        case OPT_EXPECT: {
            const char **t = realloc(expects, (nexpects + 1) * sizeof *t);
            if (!t) {
                free(trust);
                free(expects);
                return cli_fail("out of memory");
            }
            expects = t;
            expects[nexpects++] = optarg;
            break;
        }
        case OPT_EXPECT_DATES: expect_dates = true; break;
        case OPT_NO_DEFAULT_TRUST: builtin = false; break;
        case OPT_POLICY: policy_path = optarg; break;
        case OPT_FORMAT:
            if (report_parse_format(optarg, &format) != 0) {
                free(trust);
                free(expects);
                return cli_usage_error("verify", "verify: unknown format '%s' (text, json, sarif, junit)",
                                       optarg);
            }
            break;
        case 'o': output = optarg; break;
        case OPT_AT: at = optarg; break;
        case OPT_NO_MATRIX: ro.no_matrix = true; break;
        case OPT_BASE_MANIFEST: base_path = optarg; break;
        case OPT_WCP: wcp = optarg; break;
        case OPT_FAIL_ON:
            if (mum_fail_on_parse(&fail_on, optarg) != MUM_OK) {
                free(trust);
                free(expects);
                return cli_usage_error("verify", "verify: --fail-on '%s': the level is error, warning, "
                                       "note or never", optarg);
            }
            break;
        case 'h':
            free(trust);
            free(expects);
            return cli_help(verify_help);
        default:
            free(trust);
            free(expects);
            return cli_usage_error("verify", "verify: %s '%s'",
                                   optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        free(trust);
        free(expects);
        return cli_usage_error("verify", "verify: no INPUT given");
    }
    ro.quiet = cli_opts.verbosity < 0;
    ro.verbose = cli_opts.verbosity > 0;

    int rc = EXIT_FAIL;
    mum_ctx *ctx = NULL;
    mum_trust *anchors = NULL;
    mum_policy *policy = NULL;
    mum_expect *expect = NULL;
    mum_findings *findings = NULL;
    mum_graph *graph = NULL;
    mum_verify_result *result = NULL;
    unsigned char *base = NULL; /* the base manifest, borrowed by the graph while it builds */
    FILE *out = stdout;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    mum_graph_options go = MUM_GRAPH_OPTIONS_INIT;
    /* The test hook: MUMTOOL_TEST_SINGLE_THREAD=1 reads on this thread
     * alone, so tests compare the report with the threaded one's.  For the
     * test suite only. */
    const char *one = getenv("MUMTOOL_TEST_SINGLE_THREAD");
    if (one && *one)
        go.walk_flags |= MUM_WALK_SINGLE_THREAD;
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    if (at) {
        if (mum_time_parse(&vo.time, at) != MUM_OK) {
            rc = cli_usage_error("verify", "verify: --at '%s' is not a time", at);
            goto done;
        }
        vo.has_time = true;
    }
    /* From here on every failure still writes a report (marked incomplete),
     * so a pipeline's upload finds one: open the output first. */
    if (output && !(out = fopen(output, "w"))) {
        rc = cli_fail("%s: cannot write: %s", output, strerror(errno));
        out = stdout;
        goto done;
    }
    ro.inputs = (const char *const *)argv + optind;
    ro.ninputs = (size_t)(argc - optind);
    ro.policy_path = policy_path;
    ro.fail_on = fail_on; /* the policy's, if any, comes once it is read */
    if ((rc = cli_trust_load(trust, ntrust, builtin, &anchors)) != EXIT_CLEAN)
        goto incomplete;
    if ((rc = cli_base_manifest_load("verify", base_path, wcp, &base, &go.base_manifest_size)) != EXIT_CLEAN)
        goto incomplete;
    go.base_manifest = base;
    rc = EXIT_FAIL;
    ro.anchors = mum_trust_count(anchors);
    if (policy_path && mum_policy_load(&policy, ctx, policy_path) != MUM_OK) {
        rc = cli_fail_ctx(ctx);
        ro.failure_loc = mum_ctx_location(ctx);
        goto incomplete;
    }
    /* the command line wins over the policy, which wins over the default */
    if (fail_on == MUM_FAIL_ON_UNSET)
        fail_on = mum_policy_fail_on(policy);
    if (fail_on == MUM_FAIL_ON_UNSET)
        fail_on = MUM_FAIL_ON_ERROR;
    ro.fail_on = fail_on;
    /* every --expect adds its rows to one table */
    for (size_t i = 0; i < nexpects; i++)
        if (mum_expect_read(&expect, ctx, expects[i]) != MUM_OK) {
            rc = cli_fail_ctx(ctx);
            ro.failure_loc = mum_ctx_location(ctx);
            goto incomplete;
        }
    cli_progress progress;
    cli_progress_init(&progress, "verify");
    go.progress = cli_progress_graph_cb;
    go.progress_ud = &progress;
    cli_heaps_for_inputs(ro.ninputs);
    int lrc = mum_graph_build(&graph, ctx, ro.inputs, ro.ninputs, &go, findings);
    cli_progress_done(&progress);
    if (lrc != MUM_OK) {
        rc = cli_fail_ctx(ctx);
        ro.failure_loc = mum_ctx_location(ctx);
        goto incomplete;
    }
    vo.policy = policy;
    vo.anchors = anchors;
    vo.expect = expect;
    vo.expect_dates = expect_dates;
    if (mum_verify_graph(&result, ctx, graph, &vo, findings) != MUM_OK) {
        rc = cli_fail_ctx(ctx);
        ro.failure_loc = mum_ctx_location(ctx);
        goto incomplete;
    }
    mum_findings_sort(findings);
    rc = mum_fail_on_fails(fail_on, findings) ? EXIT_FINDINGS : EXIT_CLEAN;
    ro.exit_code = rc;
    report_verify(out, format, graph, result, findings, &ro);
    if (!base)
        cli_base_manifest_hint(cli_graph_unread_dcm(graph));
    if (fflush(out) != 0 || ferror(out))
        rc = cli_fail("%s: write error", output ? output : "standard output");
    goto done;
incomplete:
    /* The report of what could be read, saying why it stops there.  On
     * standard output only in the machine formats: a person reading text
     * has the error on standard error already. */
    if (out != stdout || format != REPORT_TEXT) {
        ro.failure = cli_last_failure();
        ro.exit_code = rc;
        /* the findings so far, at the policy's severities (out of memory
         * here leaves them at the defaults: the report is marked anyway) */
        (void)mum_policy_apply_severities(policy, findings);
        mum_findings_sort(findings);
        report_verify(out, format, graph, result, findings, &ro);
        if (fflush(out) != 0 || ferror(out))
            cli_fail("%s: write error", output ? output : "standard output");
    }
done:
    if (out != stdout)
        fclose(out);
#ifndef __SANITIZE_ADDRESS__
    /* The graph of a large package is hundreds of thousands of allocations
     * and the process ends now: the system takes them back at once, where
     * freeing them one by one costs a tenth of a second.  Kept reachable
     * (no leak to report); sanitizer builds free them, so leak checking
     * still covers every path of the library. */
    kept_graph = graph;
    kept_result = result;
    graph = NULL;
    result = NULL;
#endif
    mum_verify_result_free(result);
    mum_graph_free(graph);
    mum_findings_free(findings);
    mum_policy_free(policy);
    mum_expect_free(expect);
    mum_trust_free(anchors);
    mum_ctx_free(ctx);
    free(trust);
    free(expects);
    free(base);
    return rc;
}
