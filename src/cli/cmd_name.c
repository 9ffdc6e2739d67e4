/*
 * cmd_name.c - mumtool name parse|key|check: package file names and
 * component keyforms.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char name_help[] =
    "Usage: mumtool name parse [--json] NAME...\n"
    "       mumtool name key [--json] [--no-version] [--package] ATTR=VALUE...\n"
    "       mumtool name check [--json] NAME...\n"
    "\n"
    "Package file names (name~publicKeyToken~processorArchitecture~language~version.mum)\n"
    "and component keyforms (arch_name_publicKeyToken_version_culture_pseudokey.manifest).\n"
    "\n"
    "  parse   show the fields of each NAME and the problems in them\n"
    "  key     format the keyform (or, with --package, the package file name) of the\n"
    "          identity given as ATTR=VALUE: name, version, processorArchitecture\n"
    "          (arch), language (culture), publicKeyToken (token), versionScope (scope),\n"
    "          type, buildType\n"
    "  check   recompute the pseudo-key of each keyform from its fields; a name does not\n"
    "          carry versionScope or type, so the common cases are tried and the one that\n"
    "          matches is named; 'cannot confirm' when none does or the name is truncated\n"
    "\n"
    "A NAME of '-' reads names from standard input, one per line ('#' starts a comment).\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (default) or json; --json is the same as\n"
    "                    --format json\n"
    "      --no-version  (key) the version-less keyform, as WinSxS folders use\n"
    "      --package     (key) the package file name instead of the keyform\n"
    "  -h, --help        show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 clean, 1 a name has a warning or error, 2 usage error.\n";

enum { OPT_JSON = 256, OPT_NO_VERSION, OPT_PACKAGE, OPT_FORMAT };

typedef struct name_opts {
    cli_format format;
    bool no_version;
    bool package;
} name_opts;

/* ---- collecting the names ---- */

typedef struct name_list {
    char **items;
    size_t count, cap;
} name_list;

static bool list_push(name_list *l, const char *s)
{
    if (l->count == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->items, ncap * sizeof *p);
        if (!p)
            return false;
        l->items = p;
        l->cap = ncap;
    }
    if (!(l->items[l->count] = strdup(s)))
        return false;
    l->count++;
    return true;
}

static void list_free(name_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
}

static int read_names_stdin(name_list *l)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = EXIT_CLEAN;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
                       s[len - 1] == '\t'))
            s[--len] = '\0';
        if (len == 0 || s[0] == '#')
            continue;
        if (!list_push(l, s)) {
            rc = cli_fail("out of memory");
            break;
        }
    }
    if (rc == EXIT_CLEAN && ferror(stdin))
        rc = cli_fail("standard input: read error");
    free(line);
    return rc;
}

static int collect_names(int argc, char **argv, name_list *l)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            int rc = read_names_stdin(l);
            if (rc != EXIT_CLEAN)
                return rc;
        } else if (!list_push(l, argv[i])) {
            return cli_fail("out of memory");
        }
    }
    return EXIT_CLEAN;
}

/* ---- one parsed name ---- */

typedef struct parsed_name {
    const char *text;
    mum_name name;
    mum_findings *findings;
} parsed_name;

/* Parses and validates one name.  Returns EXIT_FAIL only when out of memory. */
static int parse_one(const char *text, parsed_name *out)
{
    memset(out, 0, sizeof *out);
    out->text = text;
    if (mum_findings_new(&out->findings) != MUM_OK || mum_name_parse(&out->name, text, out->findings) != MUM_OK)
        return cli_fail("out of memory");
    return EXIT_CLEAN;
}

static void parsed_free(parsed_name *p)
{
    mum_name_clear(&p->name);
    mum_findings_free(p->findings);
}

/* ---- parse ---- */

static void text_field(const char *label, const char *value, const char *note)
{
    printf("  %-22s %s%s\n", label, value ? value : "(absent)", note ? note : "");
}

static void print_parsed_text(const parsed_name *p)
{
    printf("%s\n", p->text);
    if (p->name.kind == MUM_NAME_PACKAGE) {
        const mum_identity *id = &p->name.package.id;
        text_field("kind", "package", NULL);
        text_field("name", id->name, NULL);
        text_field("publicKeyToken", id->public_key_token, NULL);
        text_field("processorArchitecture", id->arch, NULL);
        text_field("language", id->language ? id->language : "neutral", id->language ? NULL : " (empty field)");
        text_field("version", id->version, NULL);
        if (p->name.package.extension)
            text_field("extension", p->name.package.extension, NULL);
    } else if (p->name.kind == MUM_NAME_COMPONENT) {
        const mum_keyform *kf = &p->name.keyform;
        text_field("kind", kf->version ? "component keyform" : "component keyform (version-less)", NULL);
        text_field("processorArchitecture", kf->arch, NULL);
        text_field("name", kf->name, kf->name_truncated ? " (truncated)" : NULL);
        text_field("publicKeyToken", kf->public_key_token, NULL);
        if (kf->version)
            text_field("version", kf->version, NULL);
        text_field("culture", kf->culture, kf->culture_truncated ? " (truncated)" : NULL);
        text_field("pseudoKey", kf->key_text, NULL);
        if (kf->extension)
            text_field("extension", kf->extension, NULL);
    }
    cli_print_findings(stdout, p->findings);
}

static void print_parsed_json_fields(json_writer *w, const parsed_name *p)
{
    json_kv_string(w, "input", p->text);
    json_kv_string(w, "kind", mum_name_kind_name(p->name.kind));
    if (p->name.kind == MUM_NAME_PACKAGE) {
        json_key(w, "identity");
        json_begin_object(w);
        cli_json_identity_fields(w, &p->name.package.id);
        json_end_object(w);
        json_kv_string(w, "extension", p->name.package.extension);
    } else if (p->name.kind == MUM_NAME_COMPONENT) {
        const mum_keyform *kf = &p->name.keyform;
        json_kv_string(w, "processorArchitecture", kf->arch);
        json_kv_string(w, "name", kf->name);
        json_kv_bool(w, "nameTruncated", kf->name_truncated);
        json_kv_string(w, "publicKeyToken", kf->public_key_token);
        json_kv_string(w, "version", kf->version);
        json_kv_string(w, "culture", kf->culture);
        json_kv_bool(w, "cultureTruncated", kf->culture_truncated);
        json_kv_string(w, "pseudoKey", kf->key_text);
        json_kv_string(w, "extension", kf->extension);
    } else {
        json_key(w, "error");
        json_begin_object(w);
        json_kv_string(w, "message", p->name.error);
        json_kv_uint(w, "column", p->name.column);
        json_end_object(w);
    }
}

typedef int (*name_visitor)(const parsed_name *p, const name_opts *o, json_writer *w);

/* Parses every name and hands it to `visit`; the shared loop of parse and check. */
static int for_each_name(int argc, char **argv, const name_opts *o, name_visitor visit)
{
    name_list names = {0};
    int rc = collect_names(argc, argv, &names);
    if (rc != EXIT_CLEAN) {
        list_free(&names);
        return rc;
    }
    json_writer w;
    json_init(&w, stdout);
    if (o->format == FORMAT_JSON)
        json_begin_array(&w);
    bool bad = false;
    for (size_t i = 0; i < names.count && rc == EXIT_CLEAN; i++) {
        parsed_name p;
        rc = parse_one(names.items[i], &p);
        if (rc == EXIT_CLEAN)
            rc = visit(&p, o, &w);
        if (rc == EXIT_CLEAN && mum_findings_count_at_least(p.findings, MUM_SEVERITY_WARNING))
            bad = true;
        parsed_free(&p);
    }
    if (o->format == FORMAT_JSON) {
        json_end_array(&w);
        json_finish(&w);
    }
    list_free(&names);
    if (rc != EXIT_CLEAN)
        return rc;
    return bad ? EXIT_FINDINGS : EXIT_CLEAN;
}

static int visit_parse(const parsed_name *p, const name_opts *o, json_writer *w)
{
    if (o->format == FORMAT_JSON) {
        json_begin_object(w);
        print_parsed_json_fields(w, p);
        json_key(w, "findings");
        cli_json_findings(w, p->findings);
        json_end_object(w);
    } else {
        print_parsed_text(p);
    }
    return EXIT_CLEAN;
}

/* ---- check ---- */

static int visit_check(const parsed_name *p, const name_opts *o, json_writer *w)
{
    mum_name_check_result r;
    mum_findings *extra = p->findings;
    if (mum_name_check(&r, &p->name, p->text, extra) != MUM_OK) {
        mum_name_check_result_clear(&r);
        return cli_fail("out of memory");
    }
    const char *verdict = mum_name_verdict_name(r.verdict);
    const char *detail = r.detail;
    if (o->format == FORMAT_JSON) {
        json_begin_object(w);
        json_kv_string(w, "input", p->text);
        json_kv_string(w, "kind", mum_name_kind_name(p->name.kind));
        json_kv_string(w, "verdict", verdict);
        json_kv_string(w, "detail", detail);
        if (r.verdict == MUM_NAME_VERDICT_CONFIRMED) {
            json_kv_string(w, "versionScope", r.keycheck.version_scope);
            json_kv_string(w, "type", r.keycheck.type);
        }
        json_key(w, "findings");
        cli_json_findings(w, extra);
        json_end_object(w);
    } else {
        printf("%s: %s%s%s\n", p->text,
               r.verdict == MUM_NAME_VERDICT_CANNOT_CONFIRM ? "cannot confirm" : verdict,
               detail ? ": " : "", detail ? detail : "");
        for (size_t i = 0; i < mum_findings_count(extra); i++) {
            const mum_finding *f = mum_findings_get(extra, i);
            if (mum_name_finding_in_verdict(f))
                continue; /* the verdict line already says it */
            if (cli_opts.verbosity < 0 && f->severity < MUM_SEVERITY_ERROR)
                continue;
            const char *end = cli_sgr(stdout, NULL);
            printf("  %s%s%s: %s [%s%s%s]\n", cli_severity_sgr(stdout, f->severity),
                   mum_severity_name(f->severity), end, f->message, cli_sgr(stdout, "1"), f->rule->id,
                   end);
        }
    }
    mum_name_check_result_clear(&r);
    return EXIT_CLEAN;
}

/* ---- key ---- */

static int run_key(int argc, char **argv, const name_opts *o)
{
    if (argc == 0)
        return cli_usage_error("name", "name key: give the identity as ATTR=VALUE arguments");
    mum_identity id = MUM_IDENTITY_INIT;
    int rc = EXIT_CLEAN;
    for (int i = 0; i < argc && rc == EXIT_CLEAN; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            rc = cli_usage_error("name", "name key: '%s' is not ATTR=VALUE", argv[i]);
            break;
        }
        *eq = '\0';
        mum_identity_attr attr;
        if (mum_identity_attr_lookup(&attr, argv[i]) != MUM_OK)
            rc = cli_usage_error("name", "name key: unknown attribute '%s'", argv[i]);
        else if (mum_identity_set(&id, attr, eq + 1) != MUM_OK)
            rc = cli_fail("out of memory");
        *eq = '=';
    }
    if (rc != EXIT_CLEAN) {
        mum_identity_clear(&id);
        return rc;
    }
    if (!id.name) {
        mum_identity_clear(&id);
        return cli_usage_error("name", "name key: name=... is required");
    }
    unsigned required = o->package ? MUM_REQUIRE_COMPONENT : MUM_REQUIRE_NAME;
    mum_findings *findings = NULL;
    mum_location loc = {.input = "(command line)"};
    char *text = NULL, *versionless = NULL;
    uint64_t key = 0;
    if (mum_findings_new(&findings) != MUM_OK ||
        mum_identity_validate(&id, required, findings, &loc) != MUM_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    int lrc;
    if (o->package) {
        lrc = mum_package_name_format(&text, &id, NULL);
        if (lrc == MUM_EINVAL) {
            rc = cli_usage_error("name", "name key --package: name, publicKeyToken, "
                                         "processorArchitecture and version are required");
            goto done;
        }
    } else {
        lrc = mum_keyform_format(&text, &id, o->no_version ? MUM_KEY_NO_VERSION : 0);
        if (lrc == MUM_OK)
            lrc = mum_keyform_format(&versionless, &id, MUM_KEY_NO_VERSION);
        if (lrc == MUM_OK)
            lrc = mum_pseudokey(&key, &id, o->no_version ? MUM_KEY_NO_VERSION : 0);
    }
    if (lrc == MUM_EFORMAT) {
        rc = cli_usage_error("name", "name key: an attribute value is not valid UTF-8");
        goto done;
    }
    if (lrc != MUM_OK) {
        rc = cli_fail("%s", mum_strerror(lrc));
        goto done;
    }
    if (o->format == FORMAT_JSON) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "identity");
        json_begin_object(&w);
        cli_json_identity_fields(&w, &id);
        json_end_object(&w);
        if (o->package) {
            json_kv_string(&w, "packageName", text);
        } else {
            char hex[17];
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)key);
            json_kv_string(&w, "keyform", text);
            json_kv_string(&w, "pseudoKey", hex);
            json_kv_string(&w, "versionlessKeyform", versionless);
        }
        json_key(&w, "findings");
        cli_json_findings(&w, findings);
        json_end_object(&w);
        json_finish(&w);
    } else {
        printf("%s\n", text);
        cli_print_findings(stderr, findings);
    }
    rc = cli_findings_exit(findings);
done:
    mum_free(text);
    mum_free(versionless);
    mum_findings_free(findings);
    mum_identity_clear(&id);
    return rc;
}

/* ---- dispatch ---- */

int cmd_name(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"no-version", no_argument, NULL, OPT_NO_VERSION},
        {"package", no_argument, NULL, OPT_PACKAGE},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2)
        return cli_usage_error("name", "name: expected 'parse', 'key' or 'check'");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)
        return cli_help(name_help);
    if (strcmp(sub, "parse") != 0 && strcmp(sub, "key") != 0 && strcmp(sub, "check") != 0)
        return cli_usage_error("name", "name: unknown subcommand '%s'", sub);

    name_opts o = {FORMAT_TEXT, false, false};
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    int c;
    optind = 0;
    opterr = 0;
    /* Options may come anywhere; '-' alone is an argument (stdin). */
    while ((c = getopt_long(sub_argc, sub_argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("name", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case OPT_JSON: o.format = FORMAT_JSON; break;
        case OPT_FORMAT:
            if (cli_parse_format("name", optarg, &o.format) != EXIT_CLEAN)
                return EXIT_USAGE;
            break;
        case OPT_NO_VERSION: o.no_version = true; break;
        case OPT_PACKAGE: o.package = true; break;
        case 'h': return cli_help(name_help);
        default:
            return cli_usage_error("name", "name %s: unknown option '%s'", sub,
                                   sub_argv[optind - 1]);
        }
    }
    if ((o.no_version || o.package) && strcmp(sub, "key") != 0)
        return cli_usage_error("name", "name %s: --no-version and --package go with 'key'", sub);
    if (o.no_version && o.package)
        return cli_usage_error("name", "name key: --no-version and --package exclude each other");
    int rest_argc = sub_argc - optind;
    char **rest = sub_argv + optind;
    if (strcmp(sub, "key") == 0)
        return run_key(rest_argc, rest, &o);
    if (rest_argc == 0)
        return cli_usage_error("name", "name %s: no NAME given", sub);
    return for_each_name(rest_argc, rest, &o, strcmp(sub, "parse") == 0 ? visit_parse : visit_check);
}
