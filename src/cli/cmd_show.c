/*
 * cmd_show.c - mumtool show: what a .mum or .manifest file holds, and the
 * findings about it.
 */
#include "config.h"

#include "cli.h"
#include "files.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char show_help[] =
    "Usage: mumtool show [--format text|json] [--no-name-check]\n"
    "                    [--base-manifest FILE | --wcp DLL] FILE...\n"
    "\n"
    "Read package manifests (.mum) and component or deployment manifests (.manifest)\n"
    "and show what they hold: the identity; for a package its parents, installer and\n"
    "updates; for a component its dependencies, files with their digests and registry\n"
    "keys; the elements kept but not modelled.  Then the findings: missing parts, bad\n"
    "identity values, malformed hashes, duplicate update names, and a file name that\n"
    "does not match the identity (a .manifest is named after the keyform of its\n"
    "identity, a .mum after its package name; a top package's fixed name, update.mum\n"
    "or update-TAG.mum such as update-bf.mum, is always fine).\n"
    "\n"
    "A FILE of '-' reads standard input (it has no name to check).  A manifest\n"
    "delta-compressed the way Windows 10 and 11 keep them (DCM) is read when\n"
    "Windows' base manifest is given (--base-manifest, --wcp, or MUM_BASE_MANIFEST);\n"
    "lines and columns are then those of the XML it expands to.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT   text (default) or json: the whole model;\n"
    "                        --json is the same as --format json\n"
    "      --no-name-check   do not check file names against identities (renamed copies)\n"
    "      --base-manifest FILE  read DCM manifests with Windows' base manifest FILE\n"
    "                        (default: $MUM_BASE_MANIFEST)\n"
    "      --wcp DLL         the same, with the base manifest inside wcp.dll\n"
    "  -h, --help            show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 clean, 1 a finding at warning or error, 2 usage error, 3 a file\n"
    "could not be read or is not a manifest (the message names file:line:column).\n";

typedef struct show_opts {
    cli_format format;
    unsigned flags;
    const unsigned char *base; /* the base manifest of DCM manifests; NULL: none */
    size_t base_size;
} show_opts;

/* ---- text ---- */

static void put_identity(const mum_identity *id)
{
    const char *pos[] = {id->name, id->version, id->arch, id->language, id->public_key_token};
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++)
        printf("%s%s", i ? " " : "", pos[i] ? pos[i] : "-");
    if (id->type)
        printf(" type=%s", id->type);
    if (id->build_type)
        printf(" buildType=%s", id->build_type);
    if (id->version_scope)
        printf(" versionScope=%s", id->version_scope);
}

/* ", key value" pairs of the attributes present; returns how many. */
static int put_pairs(const char *const *kv, size_t n, const char *lead)
{
    int shown = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!kv[i + 1])
            continue;
        printf("%s%s %s", shown ? ", " : lead, kv[i], kv[i + 1]);
        shown++;
    }
    return shown;
}

static void put_target(const mum_manifest_target *t, bool applicable, const char *indent)
{
    static const char *const names[][2] = {
        [MUM_TARGET_COMPONENT] = {"component", "updateComponent"},
        [MUM_TARGET_PACKAGE] = {"package", "package"},
        [MUM_TARGET_DRIVER] = {"driver", "updateDriver"},
    };
    printf("%s%-16s ", indent, names[t->kind][applicable]);
    if (t->has_identity)
        put_identity(&t->ref.id);
    else
        printf("(no assemblyIdentity)");
    const char *kv[] = {"integrate", t->integrate, "inf", t->inf, "ranking", t->ranking,
                        "elevate", t->elevate};
    if (put_pairs(kv, sizeof kv / sizeof kv[0], " (") > 0)
        printf(")");
    printf("\n");
}

static void show_package(const mum_manifest_package *p)
{
    printf("  %-12s %s", "package", p->identifier ? p->identifier : "(no identifier)");
    const char *kv[] = {"releaseType", p->release_type, "restart", p->restart,
                        "applicabilityEvaluation", p->applicability_evaluation};
    put_pairs(kv, sizeof kv / sizeof kv[0], ", ");
    printf("\n");
    for (size_t i = 0; i < p->parent_count; i++) {
        const mum_manifest_parent *pa = &p->parents[i];
        printf("  %-12s", "parent");
        const char *pkv[] = {"buildCompare", pa->build_compare, "serviceCompare", pa->service_compare,
                             "revisionCompare", pa->revision_compare, "integrate", pa->integrate,
                             "disposition", pa->disposition};
        put_pairs(pkv, sizeof pkv / sizeof pkv[0], " ");
        printf("\n");
        for (size_t k = 0; k < pa->identity_count; k++) {
            printf("  %-12s ", "");
            put_identity(&pa->identities[k].id);
            printf("\n");
        }
    }
    if (p->has_installer) {
        printf("  %-12s ", "installer");
        put_identity(&p->installer.id);
        printf("\n");
    }
    for (size_t i = 0; i < p->update_count; i++) {
        const mum_manifest_update *u = &p->updates[i];
        printf("  %-12s %s\n", "update", u->name ? u->name : "(no name)");
        if (u->has_applicable)
            printf("    applicable%s%s%s\n", u->applicable_disposition ? " (disposition " : "",
                   u->applicable_disposition ? u->applicable_disposition : "",
                   u->applicable_disposition ? ")" : "");
        for (size_t k = 0; k < u->applicable_count; k++)
            put_target(&u->applicable[k], true, "      ");
        for (size_t k = 0; k < u->item_count; k++)
            put_target(&u->items[k], false, "    ");
    }
    if (p->has_extended) {
        printf("  %-12s", "extended");
        const char *ekv[] = {"completelyOfflineCapable", p->completely_offline_capable,
                             "packageSize", p->package_size};
        put_pairs(ekv, sizeof ekv / sizeof ekv[0], " ");
        printf("\n");
    }
}

static void show_component(const mum_manifest *m)
{
    for (size_t i = 0; i < m->dependency_count; i++) {
        const mum_manifest_dependency *d = &m->dependencies[i];
        printf("  %-12s %s ", "dependency", d->dependency_type ? d->dependency_type : "-");
        if (d->has_identity)
            put_identity(&d->ref.id);
        else
            printf("(no assemblyIdentity)");
        const char *kv[] = {"discoverable", d->discoverable, "resourceType", d->resource_type};
        if (put_pairs(kv, sizeof kv / sizeof kv[0], " (") > 0)
            printf(")");
        printf("\n");
    }
    for (size_t i = 0; i < m->file_count; i++) {
        const mum_manifest_file *f = &m->files[i];
        printf("  %-12s %s", "file", f->name ? f->name : "(no name)");
        if (f->destination_path)
            printf(" -> %s", f->destination_path);
        printf("\n");
        if (f->digest_ok) {
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            mum_hex_encode(hex, f->digest, f->digest_size);
            printf("  %-12s %s %s\n", "", mum_hash_name(f->digest_alg), hex);
        } else if (f->has_hash) {
            printf("  %-12s (no valid digest)\n", "");
        }
    }
    if (m->registry_key_count) {
        size_t values = 0;
        for (size_t i = 0; i < m->registry_key_count; i++)
            values += m->registry_keys[i].value_count;
        printf("  %-12s %zu key%s, %zu value%s\n", "registry", m->registry_key_count,
               m->registry_key_count == 1 ? "" : "s", values, values == 1 ? "" : "s");
    }
}

static void show_text(const char *name, const mum_manifest *m, const mum_findings *findings)
{
    printf("%s: %s manifest\n", name, mum_manifest_kind_name(m->kind));
    printf("  %-12s ", "identity");
    if (m->has_identity)
        put_identity(&m->identity);
    else
        printf("(none)");
    printf("\n");
    if (m->has_package)
        show_package(&m->package);
    show_component(m);
    if (m->element_count) {
        printf("  %-12s", "not modelled");
        for (size_t i = 0; i < m->element_count; i++) {
            const mum_manifest_element *e = &m->elements[i];
            printf("%s", i ? ", " : " ");
            if (e->kind == MUM_ELEMENT_EXTENSION)
                printf("{%s}", e->ns);
            printf("%s", e->name);
            if (e->count > 1)
                printf(" x%u", (unsigned)e->count);
            if (e->kind == MUM_ELEMENT_UNKNOWN)
                printf(" (unknown)");
        }
        printf("\n");
    }
    cli_print_findings(stdout, findings);
}

/* ---- JSON ---- */

static void json_pos(json_writer *w, mum_manifest_pos pos)
{
    json_kv_uint(w, "line", pos.line);
    json_kv_uint(w, "column", pos.column);
}

static void json_opt(json_writer *w, const char *key, const char *value)
{
    if (value)
        json_kv_string(w, key, value);
}

/* An identity object with its place; key NULL inside an array. */
static void json_identity(json_writer *w, const char *key, const mum_identity *id,
                          mum_manifest_pos pos)
{
    if (key)
        json_key(w, key);
    json_begin_object(w);
    cli_json_identity_fields(w, id);
    json_pos(w, pos);
    json_end_object(w);
}

static void json_targets(json_writer *w, const char *key, const mum_manifest_target *t, size_t n,
                         bool applicable)
{
    static const char *const names[][2] = {
        [MUM_TARGET_COMPONENT] = {"component", "updateComponent"},
        [MUM_TARGET_PACKAGE] = {"package", "package"},
        [MUM_TARGET_DRIVER] = {"driver", "updateDriver"},
    };
    json_key(w, key);
    json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        json_begin_object(w);
        json_kv_string(w, "element", names[t[i].kind][applicable]);
        json_opt(w, "integrate", t[i].integrate);
        json_opt(w, "inf", t[i].inf);
        json_opt(w, "ranking", t[i].ranking);
        json_opt(w, "elevate", t[i].elevate);
        json_pos(w, t[i].pos);
        if (t[i].has_identity)
            json_identity(w, "identity", &t[i].ref.id, t[i].ref.pos);
        else
            json_kv_string(w, "identity", NULL);
        json_end_object(w);
    }
    json_end_array(w);
}

static void json_package(json_writer *w, const mum_manifest_package *p)
{
    json_key(w, "package");
    json_begin_object(w);
    json_opt(w, "identifier", p->identifier);
    json_opt(w, "releaseType", p->release_type);
    json_opt(w, "restart", p->restart);
    json_opt(w, "applicabilityEvaluation", p->applicability_evaluation);
    json_pos(w, p->pos);
    json_key(w, "parents");
    json_begin_array(w);
    for (size_t i = 0; i < p->parent_count; i++) {
        const mum_manifest_parent *pa = &p->parents[i];
        json_begin_object(w);
        json_opt(w, "buildCompare", pa->build_compare);
        json_opt(w, "serviceCompare", pa->service_compare);
        json_opt(w, "revisionCompare", pa->revision_compare);
        json_opt(w, "integrate", pa->integrate);
        json_opt(w, "disposition", pa->disposition);
        json_pos(w, pa->pos);
        json_key(w, "identities");
        json_begin_array(w);
        for (size_t k = 0; k < pa->identity_count; k++)
            json_identity(w, NULL, &pa->identities[k].id, pa->identities[k].pos);
        json_end_array(w);
        json_end_object(w);
    }
    json_end_array(w);
    if (p->has_installer)
        json_identity(w, "installerAssembly", &p->installer.id, p->installer.pos);
    else
        json_kv_string(w, "installerAssembly", NULL);
    json_key(w, "updates");
    json_begin_array(w);
    for (size_t i = 0; i < p->update_count; i++) {
        const mum_manifest_update *u = &p->updates[i];
        json_begin_object(w);
        json_kv_string(w, "name", u->name);
        json_pos(w, u->pos);
        if (u->has_applicable) {
            json_key(w, "applicable");
            json_begin_object(w);
            json_opt(w, "disposition", u->applicable_disposition);
            json_targets(w, "targets", u->applicable, u->applicable_count, true);
            json_end_object(w);
        } else {
            json_kv_string(w, "applicable", NULL);
        }
        json_targets(w, "items", u->items, u->item_count, false);
        json_end_object(w);
    }
    json_end_array(w);
    if (p->has_extended) {
        json_key(w, "packageExtended");
        json_begin_object(w);
        json_opt(w, "completelyOfflineCapable", p->completely_offline_capable);
        json_opt(w, "packageSize", p->package_size);
        json_pos(w, p->extended_pos);
        json_end_object(w);
    } else {
        json_kv_string(w, "packageExtended", NULL);
    }
    json_end_object(w);
}

static void json_files(json_writer *w, const mum_manifest *m)
{
    json_key(w, "files");
    json_begin_array(w);
    for (size_t i = 0; i < m->file_count; i++) {
        const mum_manifest_file *f = &m->files[i];
        json_begin_object(w);
        json_kv_string(w, "name", f->name);
        json_opt(w, "sourceName", f->source_name);
        json_opt(w, "sourcePath", f->source_path);
        json_opt(w, "destinationPath", f->destination_path);
        json_opt(w, "importPath", f->import_path);
        json_pos(w, f->pos);
        if (f->has_hash) {
            json_key(w, "hash");
            json_begin_object(w);
            json_kv_string(w, "digestMethod", f->digest_method);
            json_kv_string(w, "algorithm",
                           f->digest_alg != MUM_HASH_NONE ? mum_hash_name(f->digest_alg) : NULL);
            json_kv_string(w, "digestValue", f->digest_text);
            if (f->digest_ok) {
                char hex[2 * MUM_HASH_MAX_SIZE + 1];
                mum_hex_encode(hex, f->digest, f->digest_size);
                json_kv_string(w, "digest", hex);
            } else {
                json_kv_string(w, "digest", NULL);
            }
            json_opt(w, "transform", f->transform);
            json_pos(w, f->hash_pos);
            json_end_object(w);
        } else {
            json_kv_string(w, "hash", NULL);
        }
        json_end_object(w);
    }
    json_end_array(w);
}

static void json_registry(json_writer *w, const mum_manifest *m)
{
    json_key(w, "registryKeys");
    json_begin_array(w);
    for (size_t i = 0; i < m->registry_key_count; i++) {
        const mum_manifest_registry_key *k = &m->registry_keys[i];
        json_begin_object(w);
        json_kv_string(w, "keyName", k->key_name);
        json_opt(w, "owner", k->owner);
        json_pos(w, k->pos);
        json_key(w, "values");
        json_begin_array(w);
        for (size_t v = 0; v < k->value_count; v++) {
            const mum_manifest_registry_value *rv = &k->values[v];
            json_begin_object(w);
            json_kv_string(w, "name", rv->name);
            json_opt(w, "valueType", rv->value_type);
            json_opt(w, "value", rv->value);
            json_opt(w, "operationHint", rv->operation_hint);
            json_opt(w, "owner", rv->owner);
            json_pos(w, rv->pos);
            json_end_object(w);
        }
        json_end_array(w);
        json_end_object(w);
    }
    json_end_array(w);
}

static void show_json(json_writer *w, const char *name, const mum_manifest *m,
                      const mum_findings *findings)
{
    static const char *const element_kinds[] = {
        [MUM_ELEMENT_KNOWN] = "known", [MUM_ELEMENT_EXTENSION] = "extension",
        [MUM_ELEMENT_UNKNOWN] = "unknown"};
    json_begin_object(w);
    json_kv_string(w, "input", name);
    json_kv_string(w, "kind", mum_manifest_kind_name(m->kind));
    json_key(w, "assembly");
    json_begin_object(w);
    json_opt(w, "manifestVersion", m->manifest_version);
    json_opt(w, "description", m->description);
    json_opt(w, "displayName", m->display_name);
    json_opt(w, "company", m->company);
    json_opt(w, "copyright", m->copyright);
    json_opt(w, "supportInformation", m->support_information);
    json_opt(w, "creationTimeStamp", m->creation_time_stamp);
    json_opt(w, "lastUpdateTimeStamp", m->last_update_time_stamp);
    json_pos(w, m->pos);
    json_end_object(w);
    if (m->has_identity)
        json_identity(w, "identity", &m->identity, m->identity_pos);
    else
        json_kv_string(w, "identity", NULL);
    json_kv_bool(w, "deployment", m->has_deployment);
    if (m->has_package)
        json_package(w, &m->package);
    json_key(w, "dependencies");
    json_begin_array(w);
    for (size_t i = 0; i < m->dependency_count; i++) {
        const mum_manifest_dependency *d = &m->dependencies[i];
        json_begin_object(w);
        json_opt(w, "discoverable", d->discoverable);
        json_opt(w, "resourceType", d->resource_type);
        json_opt(w, "dependencyType", d->dependency_type);
        json_pos(w, d->pos);
        if (d->has_identity)
            json_identity(w, "identity", &d->ref.id, d->ref.pos);
        else
            json_kv_string(w, "identity", NULL);
        json_end_object(w);
    }
    json_end_array(w);
    json_files(w, m);
    json_registry(w, m);
    json_key(w, "otherElements");
    json_begin_array(w);
    for (size_t i = 0; i < m->element_count; i++) {
        const mum_manifest_element *e = &m->elements[i];
        json_begin_object(w);
        json_kv_string(w, "name", e->name);
        json_kv_string(w, "namespace", e->ns);
        json_kv_string(w, "parent", e->parent);
        json_kv_string(w, "kind", element_kinds[e->kind]);
        json_kv_uint(w, "count", e->count);
        json_pos(w, e->pos);
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "findings");
    cli_json_findings(w, findings);
    json_end_object(w);
}

/* A file that could not be read: {"input", "error": {status, message, line, column}};
 * io_error is the reason when the file itself could not be read. */
static void json_error(json_writer *w, const char *name, const mum_ctx *ctx, const char *io_error)
{
    json_begin_object(w);
    json_kv_string(w, "input", name);
    json_key(w, "error");
    json_begin_object(w);
    int st = mum_ctx_status(ctx);
    json_kv_string(w, "status", st != MUM_OK ? mum_strerror(st) : mum_strerror(MUM_EIO));
    json_kv_string(w, "message", st != MUM_OK ? mum_ctx_reason(ctx) : io_error);
    const mum_location *loc = mum_ctx_location(ctx);
    if (loc->line)
        json_kv_uint(w, "line", loc->line);
    if (loc->column)
        json_kv_uint(w, "column", loc->column);
    if (loc->has_offset)
        json_kv_uint(w, "offset", loc->offset);
    json_end_object(w);
    json_end_object(w);
}

/* ---- reading ---- */

/* Streams one file through the push parser.  EXIT_CLEAN or EXIT_FAIL (reported;
 * an I/O error's reason also goes to io_error). */
static int read_manifest(const char *path, const show_opts *o, mum_ctx *ctx,
                         mum_findings *findings, mum_manifest **out, char *io_error, size_t cap)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(io_error, cap, "%s", strerror(errno));
        return cli_fail("%s: %s", path, io_error);
    }
    mum_manifest_parser *p = NULL;
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = findings;
    opts.flags = o->flags | (is_stdin ? MUM_MANIFEST_NO_NAME_CHECK : 0);
    opts.base_manifest = o->base;
    opts.base_manifest_size = o->base_size;
    mum_location loc = {.input = path};
    int rc = EXIT_CLEAN;
    if (mum_manifest_parser_new(&p, ctx, &loc, &opts) != MUM_OK) {
        rc = cli_fail_ctx(ctx);
        goto done;
    }
    static unsigned char buf[64 * 1024];
    size_t n;
    int st = MUM_OK;
    while (st == MUM_OK && (n = fread(buf, 1, sizeof buf, f)) > 0)
        st = mum_manifest_parser_feed(p, buf, n);
    if (st == MUM_OK && ferror(f)) {
        snprintf(io_error, cap, "read error: %s", strerror(errno));
        rc = cli_fail("%s: %s", path, io_error);
        goto done;
    }
    if (st == MUM_OK)
        st = mum_manifest_parser_finish(out, p);
    if (st != MUM_OK)
        rc = cli_fail_ctx(ctx);
done:
    mum_manifest_parser_free(p);
    if (!is_stdin)
        fclose(f);
    return rc;
}

int cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"format", required_argument, NULL, 'F'},
        {"no-name-check", no_argument, NULL, 'n'},
        {"base-manifest", required_argument, NULL, 'B'},
        {"wcp", required_argument, NULL, 'W'},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    show_opts o = {FORMAT_TEXT, 0, NULL, 0};
    const char *base_path = NULL, *wcp = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("show", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'j': o.format = FORMAT_JSON; break;
        case 'F':
            if (cli_parse_format("show", optarg, &o.format) != EXIT_CLEAN)
                return EXIT_USAGE;
            break;
        case 'n': o.flags |= MUM_MANIFEST_NO_NAME_CHECK; break;
        case 'B': base_path = optarg; break;
        case 'W': wcp = optarg; break;
        case 'h': return cli_help(show_help);
        default:
            return cli_usage_error("show", "show: %s '%s'", optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("show", "show: name at least one FILE");
    unsigned char *base = NULL;
    int lrc = cli_base_manifest_load("show", base_path, wcp, &base, &o.base_size);
    if (lrc != EXIT_CLEAN)
        return lrc;
    o.base = base;

    json_writer w;
    json_init(&w, stdout);
    if (o.format == FORMAT_JSON)
        json_begin_array(&w);
    bool failed = false, bad = false;
    size_t unread_dcm = 0;
    for (int i = optind; i < argc; i++) {
        mum_findings *findings = NULL;
        mum_manifest *m = NULL;
        mum_ctx *ctx = NULL;
        if (mum_findings_new(&findings) != MUM_OK || mum_ctx_new(&ctx) != MUM_OK) {
            mum_findings_free(findings);
            failed = true;
            cli_fail("out of memory");
            break;
        }
        char io_error[256] = "";
        if (read_manifest(argv[i], &o, ctx, findings, &m, io_error, sizeof io_error) != EXIT_CLEAN) {
            failed = true;
            unread_dcm += mum_ctx_status(ctx) == MUM_EDELTA;
            if (o.format == FORMAT_JSON)
                json_error(&w, argv[i], ctx, io_error);
        } else {
            mum_findings_sort(findings);
            if (o.format == FORMAT_JSON)
                show_json(&w, argv[i], m, findings);
            else
                show_text(argv[i], m, findings);
            if (cli_findings_exit(findings) != EXIT_CLEAN)
                bad = true;
        }
        mum_manifest_free(m);
        mum_findings_free(findings);
        mum_ctx_free(ctx);
        fflush(stdout);
    }
    if (o.format == FORMAT_JSON) {
        json_end_array(&w);
        json_finish(&w);
    }
    if (!base)
        cli_base_manifest_hint(unread_dcm);
    free(base);
    return failed ? EXIT_FAIL : bad ? EXIT_FINDINGS : EXIT_CLEAN;
}
