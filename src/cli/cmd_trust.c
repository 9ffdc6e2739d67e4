/*
 * cmd_trust.c - mumtool trust list: the trust anchors the signature checks
 * of verify, info and cat verify use, with what each may anchor.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char trust_help[] =
    "Usage: mumtool trust list [--format text|json] [--json] [--trust PEM]...\n"
    "                          [--no-default-trust]\n"
    "\n"
    "List the trust store the signature checks (verify, info, cat verify) use: the\n"
    "built-in Microsoft roots, then the files named by MUM_TRUST (colon-separated),\n"
    "then the --trust files.  For each anchor: its SHA-1 thumbprint, subject,\n"
    "validity, what it may anchor (code signing, time stamping, e-mail protection,\n"
    "or all: Windows restricts some Microsoft roots by thumbprint, and so does\n"
    "mumtool, however the certificate was given) and where it comes from.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT     text (default) or json\n"
    "      --json              the same as --format json\n"
    "      --trust PEM         add the certificates in PEM (repeatable)\n"
    "      --no-default-trust  leave out the built-in roots\n"
    "  -h, --help              show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 listed, 2 usage error, 3 a PEM file could not be read.\n";

enum { OPT_JSON = 256, OPT_FORMAT, OPT_TRUST, OPT_NO_DEFAULT_TRUST };

static void list_json(const mum_trust *t)
{
    static const struct {
        unsigned bit;
        const char *name;
    } purposes[] = {
        {MUM_TRUST_PURPOSE_CODE_SIGNING, "code-signing"},
        {MUM_TRUST_PURPOSE_TIME_STAMPING, "time-stamping"},
        {MUM_TRUST_PURPOSE_EMAIL, "email-protection"},
    };
    json_writer w;
    json_init(&w, stdout);
    json_begin_array(&w);
    for (size_t i = 0; i < mum_trust_count(t); i++) {
        const mum_trust_anchor *a = mum_trust_anchor_at(t, i);
        json_begin_object(&w);
        json_kv_string(&w, "subject", a->subject);
        json_kv_string(&w, "thumbprint", a->thumbprint);
        cli_json_time(&w, "notBefore", true, a->not_before);
        cli_json_time(&w, "notAfter", true, a->not_after);
        json_key(&w, "purposes");
        json_begin_array(&w);
        for (size_t k = 0; k < sizeof purposes / sizeof purposes[0]; k++)
            if (a->purposes & purposes[k].bit)
                json_string(&w, purposes[k].name);
        json_end_array(&w);
        json_kv_string(&w, "origin", mum_trust_origin_name(a->origin));
        json_kv_string(&w, "source", a->source);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_finish(&w);
}

static void list_text(const mum_trust *t)
{
    size_t n = mum_trust_count(t);
    for (size_t i = 0; i < n; i++) {
        const mum_trust_anchor *a = mum_trust_anchor_at(t, i);
        char nb[MUM_TIME_TEXT_MAX], na[MUM_TIME_TEXT_MAX], p[MUM_TRUST_PURPOSES_TEXT_MAX];
        mum_time_format(a->not_before, nb);
        mum_time_format(a->not_after, na);
        printf("%s  %s\n", a->thumbprint, a->subject);
        printf("    %-10s %s to %s\n", "valid", nb, na);
        printf("    %-10s %s\n", "purposes", mum_trust_purposes_text(a->purposes, p));
        printf("    %-10s %s\n", "origin", a->origin == MUM_TRUST_ORIGIN_BUILTIN ? "built-in" : a->source);
    }
    printf("%zu trust anchor%s\n", n, n == 1 ? "" : "s");
}

int cmd_trust(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"trust", required_argument, NULL, OPT_TRUST},
        {"no-default-trust", no_argument, NULL, OPT_NO_DEFAULT_TRUST},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return cli_help(trust_help);
    if (argc < 2)
        return cli_usage_error("trust", "trust: give a subcommand (list)");
    if (strcmp(argv[1], "list") != 0)
        return cli_usage_error("trust", "trust: unknown subcommand '%s' (list)", argv[1]);
    argc--;
    argv++;
    cli_format format = FORMAT_TEXT;
    const char **paths = NULL;
    size_t npaths = 0;
    bool builtin = true;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("trust", c, optarg);
        if (common != 0) {
            if (common < 0) {
                free(paths);
                return EXIT_USAGE;
            }
            continue;
        }
        switch (c) {
        case OPT_JSON: format = FORMAT_JSON; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0) {
                format = FORMAT_JSON;
            } else if (strcmp(optarg, "text") == 0) {
                format = FORMAT_TEXT;
            } else {
                free(paths);
                return cli_usage_error("trust", "trust list: unknown format '%s' (text, json)", optarg);
            }
            break;
        case OPT_TRUST: {
            const char **p = realloc(paths, (npaths + 1) * sizeof *p);
            if (!p) {
                free(paths);
                return cli_fail("out of memory");
            }
            paths = p;
            paths[npaths++] = optarg;
            break;
        }
        case OPT_NO_DEFAULT_TRUST: builtin = false; break;
        case 'h': free(paths); return cli_help(trust_help);
        default:
            free(paths);
            return cli_usage_error("trust", "trust list: %s '%s'",
                                   optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc) {
        free(paths);
        return cli_usage_error("trust", "trust list: unexpected argument '%s'", argv[optind]);
    }
    mum_trust *t = NULL;
    int rc = cli_trust_load(paths, npaths, builtin, &t);
    free(paths);
    if (rc != EXIT_CLEAN)
        return rc;
    if (format == FORMAT_JSON)
        list_json(t);
    else
        list_text(t);
    mum_trust_free(t);
    return EXIT_CLEAN;
}
