/*
 * cmd_rules.c - mumtool rules: the rules findings are reported under.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char rules_help[] =
    "Usage: mumtool rules [--json]\n"
    "\n"
    "List every rule a finding can be reported under: its stable id, default\n"
    "severity, the Windows error it predicts (if any) and what it means.  A policy\n"
    "file names rules by these ids.\n"
    "\n"
    "Options:\n"
    "      --json   write JSON (the form of schemas/rules.json)\n"
    "  -h, --help   show this help and exit\n";

int cmd_rules(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_format format = FORMAT_TEXT;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': format = FORMAT_JSON; break;
        case 'h': return cli_help(rules_help);
        default: return cli_usage_error("rules", "rules: unknown option '%s'", argv[optind - 1]);
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
