/*
 * cmd_rules.c - mumtool rules: the rules findings are reported under.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char rules_help[] =
    "Usage: mumtool rules [--format text|json]\n"
    "\n"
    "List every rule a finding can be reported under: its stable id, default\n"
    "severity, the Windows error it predicts (if any) and what it means.  A policy\n"
    "file names rules by these ids.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (default) or json (the form of schemas/rules.json);\n"
    "               --json is the same as --format json\n"
    "  -h, --help   show this help and exit\n"
    CLI_COMMON_HELP;

int cmd_rules(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"format", required_argument, NULL, 'F'},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_format format = FORMAT_TEXT;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("rules", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'j': format = FORMAT_JSON; break;
        case 'F':
            if (cli_parse_format("rules", optarg, &format) != EXIT_CLEAN)
                return EXIT_USAGE;
            break;
        case 'h': return cli_help(rules_help);
        default:
            return cli_usage_error("rules", "rules: %s '%s'", optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("rules", "rules: unexpected argument '%s'", argv[optind]);

    if (format == FORMAT_JSON) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_array(&w);
        for (size_t i = 0; i < mum_rule_count(); i++) {
            const mum_rule *r = mum_rule_at(i);
            json_begin_object(&w);
            json_kv_string(&w, "id", r->id);
            json_kv_string(&w, "severity", mum_severity_name(r->severity));
            cli_json_windows_error(&w, r->hresult);
            json_kv_string(&w, "summary", r->summary);
            json_end_object(&w);
        }
        json_end_array(&w);
        json_finish(&w);
    } else {
        for (size_t i = 0; i < mum_rule_count(); i++) {
            const mum_rule *r = mum_rule_at(i);
            char hr[16] = "";
            if (r->hresult)
                snprintf(hr, sizeof hr, "0x%08x", (unsigned)r->hresult);
            printf("%-34s %-8s %-10s %s\n", r->id, mum_severity_name(r->severity), hr, r->summary);
        }
    }
    return EXIT_CLEAN;
}
