/*
 * cmd_info.c - mumtool info: what a package is - kind, KB article,
 * architecture, the .msu's properties and unattend file, every cabinet's
 * signature, the counts of packages, catalogs, manifests and payloads, and
 * the map of an express cabinet.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char info_help[] =
    "Usage: mumtool info [--format text|json] [--trust PEM]... [--no-default-trust] INPUT\n"
    "\n"
    "Describe INPUT (an .msu, a .cab or a folder of extracted files): its kind, the\n"
    "KB article and processor architecture, the .msu's -pkgProperties.txt and\n"
    "unattend .xml, the Authenticode signature of every cabinet, nested ones too\n"
    "(where it is, the cabinet's SHA-1 and SHA-256 digests, the signer and times, and\n"
    "the verdict: none, unsigned, integrity-failed, signed-untrusted, expired or\n"
    "trusted), and for each servicing cabinet the number of packages (.mum),\n"
    "catalogs (.cat), manifests and payload files.\n"
    "An express cabinet's index (_manifest_.cix.xml) is mapped to its blobs: every\n"
    "stored blob is checked against its hash, every PA30 delta's header against the\n"
    "index; a file available only as a delta is shown as \"delta only\".\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (default) or json; --json is the same as\n"
    "                    --format json\n"
    "      --trust PEM   also trust the certificates in PEM as anchors for the\n"
    "                    cabinets' signatures; repeatable.  The built-in Microsoft\n"
    "                    roots and MUM_TRUST's files are anchors too\n"
    "      --no-default-trust  without the built-in roots (with no anchor at all:\n"
    "                    integrity only, at best signed-untrusted, not a failure)\n"
    "  -h, --help        show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 clean, 1 findings (a signature that fails integrity or is not\n"
    "trusted), 2 usage error, 3 could not read INPUT.\n";

typedef struct info_state {
    cli_format format;
    const char **trust_paths;
    size_t ntrust;
    bool no_default_trust;
    mum_trust *trust;
    mum_ctx *ctx;
    mum_findings *findings;
    const char *input;
    cli_progress progress;
    mum_info *info;
} info_state;

static void on_progress(void *ud, uint64_t entries, uint64_t bytes)
{
    cli_progress_update(ud, entries, bytes);
}

static void hex_of(const uint8_t *p, size_t n, char *out)
{
    mum_hex_encode(out, p, n);
}

static void count_status(const mum_express_index *x, unsigned long n[5])
{
    memset(n, 0, 5 * sizeof *n);
    for (size_t i = 0; i < x->count; i++)
        n[x->files[i].status]++;
}

static const char *display_path(const mum_info_container *b)
{
    return *b->path ? b->path : "(input)";
}

static void print_signature(const mum_info_container *b)
{
    if (!b->has_signature || !b->sig.present) {
        printf("    %-14s none\n", "signature");
        return;
    }
    printf("    %-14s present at offset %" PRIu64 ", %" PRIu64 " bytes: %s", "signature", b->sig.offset,
           b->sig.length, mum_info_signature_status(b));
    if (b->check == MUM_INFO_CHECK_DONE && b->verdict.status == MUM_SIG_INTEGRITY_FAILED)
        printf(" (%s)", mum_sig_check_name(b->verdict.failed_check));
    printf("\n");
    if (b->check == MUM_INFO_CHECK_DONE) {
        cli_print_sig_result("    ", b->parsed, &b->verdict);
        if (b->has_content && b->content.digest_len <= MUM_HASH_MAX_SIZE) {
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            mum_hex_encode(hex, b->content.digest, b->content.digest_len);
            printf("    %-14s %s %s\n", "signed digest",
                   b->content.digest_alg ? mum_hash_name(b->content.digest_alg) : b->content.digest_alg_oid, hex);
        }
    }
    if (b->sig.digests_valid) {
        char h1[41], h2[65];
        hex_of(b->sig.sha1, 20, h1);
        hex_of(b->sig.sha256, 32, h2);
        printf("    %-14s %s\n", "cabinet sha1", h1);
        printf("    %-14s %s\n", "cabinet sha256", h2);
    }
}

static void print_text(info_state *s)
{
    const mum_info *in = s->info;
    const char *kb = in->kb;
    printf("%-14s %s\n", "input:", s->input);
    printf("%-14s %s\n", "kind:", in->kind);
    printf("%-14s %s%s\n", "kb:", kb ? "KB" : "", kb ? kb : "(unknown)");
    printf("%-14s ", "architecture:");
    if (in->architecture_count) {
        for (size_t i = 0; i < in->architecture_count; i++)
            printf("%s%s", i ? ", " : "", in->architectures[i]);
        printf("\n");
    } else {
        printf("(unknown)\n");
    }
    if (in->has_properties) {
        printf("properties:    (%s)\n", in->properties_path);
        for (size_t i = 0; i < in->properties.count; i++)
            printf("  %-26s %s\n", in->properties.items[i].key, in->properties.items[i].value);
    }
    if (in->has_unattend) {
        printf("unattend:      (%s)\n", in->unattend_path);
        for (size_t i = 0; i < in->unattend.count; i++) {
            const mum_msu_package *p = &in->unattend.packages[i];
            const mum_identity *id = &p->identity;
            printf("  %s %s %s %s %s %s\n", p->action ? p->action : "(no action)", id->name ? id->name : "?",
                   id->version ? id->version : "?", id->arch ? id->arch : "?",
                   id->language ? id->language : "neutral", id->public_key_token ? id->public_key_token : "?");
            if (p->source)
                printf("    source %s\n", p->source);
        }
    }
    bool heading = false;
    for (size_t i = in->container_count; i-- > 0;) {
        const mum_info_container *b = &in->containers[i];
        if (b->type != MUM_CONTAINER_CABINET)
            continue;
        if (!heading)
            printf("cabinets:\n");
        heading = true;
        printf("  %s\n", display_path(b));
        print_signature(b);
    }
    for (size_t i = in->container_count; i-- > 0;) {
        const mum_info_container *b = &in->containers[i];
        if (!b->servicing)
            continue;
        printf("contents of %s%s:\n", display_path(b), b->express ? " (express)" : "");
        printf("  packages %lu, catalogs %lu, manifests %lu, payloads %lu\n", b->packages, b->catalogs,
               b->manifests, b->payloads);
    }
    for (size_t i = in->container_count; i-- > 0;) {
        const mum_info_container *b = &in->containers[i];
        if (!b->express)
            continue;
        const mum_express_index *x = b->express;
        unsigned long n[5];
        count_status(x, n);
        printf("express index of %s: %zu files: stored %lu, delta only %lu, copies %lu, missing %lu\n",
               display_path(b), x->count, n[MUM_EXPRESS_STORED], n[MUM_EXPRESS_DELTA_ONLY],
               n[MUM_EXPRESS_COPY], n[MUM_EXPRESS_MISSING]);
        for (size_t j = 0; j < x->count; j++) {
            const mum_express_file *f = &x->files[j];
            printf("  %-13s %10" PRIu64 "  %s", mum_express_status_name(f->status), f->length, f->name);
            if (f->status == MUM_EXPRESS_STORED && strcasecmp(f->source_name, f->name) == 0)
                printf("  [RAW%s]", f->blob_verified ? ", hash ok" : "");
            else if (f->status == MUM_EXPRESS_DELTA_ONLY || f->status == MUM_EXPRESS_STORED)
                printf("  [%s blob %s%s]", f->source_type_text, f->source_name,
                       f->blob_verified ? ", hash ok" : "");
            if (f->has_pa30)
                printf(" target %" PRIu64 " bytes", f->pa30.target_size);
            if (f->basis != MUM_EXPRESS_NONE)
                printf("%s basis %s", f->status == MUM_EXPRESS_COPY ? "  =" : ",",
                       x->files[f->basis].id);
            printf("\n");
        }
    }
    cli_print_findings(stdout, s->findings);
}

static void json_hash(json_writer *w, const char *key, const mum_express_hash *h)
{
    if (!h->size)
        return;
    char hex[2 * MUM_HASH_MAX_SIZE + 1];
    mum_hex_encode(hex, h->value, h->size);
    json_key(w, key);
    json_begin_object(w);
    json_kv_string(w, "alg", mum_hash_name(h->alg));
    json_kv_string(w, "value", hex);
    json_end_object(w);
}

static void json_express(json_writer *w, const mum_express_index *x)
{
    json_begin_object(w);
    json_kv_string(w, "name", x->name);
    json_kv_uint(w, "length", x->length);
    json_key(w, "files");
    json_begin_array(w);
    for (size_t j = 0; j < x->count; j++) {
        const mum_express_file *f = &x->files[j];
        json_begin_object(w);
        json_kv_string(w, "id", f->id);
        json_kv_string(w, "name", f->name);
        json_kv_uint(w, "length", f->length);
        json_kv_uint(w, "time", f->time);
        json_kv_string(w, "status", mum_express_status_name(f->status));
        json_hash(w, "hash", &f->hash);
        if (f->source_name) {
            json_key(w, "source");
            json_begin_object(w);
            json_kv_string(w, "type", f->source_type_text);
            json_kv_string(w, "name", f->source_name);
            json_hash(w, "hash", &f->source_hash);
            json_kv_bool(w, "verified", f->blob_verified);
            json_end_object(w);
        }
        if (f->basis_id)
            json_kv_string(w, "basis", f->basis_id);
        if (f->has_pa30) {
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            char alg[16];
            mum_hex_encode(hex, f->pa30.hash, f->pa30.hash_size);
            snprintf(alg, sizeof alg, "0x%04x", (unsigned)f->pa30.hash_alg_id);
            json_key(w, "pa30");
            json_begin_object(w);
            json_kv_uint(w, "targetSize", f->pa30.target_size);
            json_kv_string(w, "hashAlgId", alg);
            json_kv_string(w, "hashAlg", mum_hash_name(f->pa30.hash_alg));
            json_kv_string(w, "targetHash", hex);
            json_end_object(w);
        }
        json_end_object(w);
    }
    json_end_array(w);
    json_end_object(w);
}

static void json_signature(json_writer *w, const mum_info_container *b)
{
    json_begin_object(w);
    json_kv_bool(w, "present", b->has_signature && b->sig.present);
    if (b->check == MUM_INFO_CHECK_DONE) {
        cli_json_sig_result(w, &b->verdict);
    } else {
        json_kv_string(w, "status", mum_info_signature_status(b));
    }
    if (b->sig.present) {
        json_kv_uint(w, "offset", b->sig.offset);
        json_kv_uint(w, "length", b->sig.length);
    }
    if (b->sig.digests_valid) {
        char h1[41], h2[65];
        hex_of(b->sig.sha1, 20, h1);
        hex_of(b->sig.sha256, 32, h2);
        json_kv_string(w, "sha1", h1);
        json_kv_string(w, "sha256", h2);
    }
    if (b->check == MUM_INFO_CHECK_DONE) {
        if (b->has_content) {
            json_key(w, "signed");
            json_begin_object(w);
            json_kv_string(w, "dataType", b->content.data_type);
            json_kv_string(w, "digestAlgorithm",
                           b->content.digest_alg ? mum_hash_name(b->content.digest_alg) : b->content.digest_alg_oid);
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            mum_hex_encode(hex, b->content.digest,
                           b->content.digest_len <= MUM_HASH_MAX_SIZE ? b->content.digest_len : 0);
            json_kv_string(w, "digest", hex);
            json_end_object(w);
        }
        cli_json_signers(w, b->parsed);
    }
    json_end_object(w);
}

static void print_json(info_state *s)
{
    const mum_info *in = s->info;
    json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    json_kv_string(&w, "input", s->input);
    if (!in->complete) /* the input is damaged: what was read before (the error on stderr) */
        json_kv_bool(&w, "complete", false);
    json_kv_string(&w, "kind", in->kind);
    json_kv_string(&w, "kb", in->kb);
    json_key(&w, "architectures");
    json_begin_array(&w);
    for (size_t i = 0; i < in->architecture_count; i++)
        json_string(&w, in->architectures[i]);
    json_end_array(&w);
    json_key(&w, "properties");
    if (in->has_properties) {
        json_begin_array(&w);
        for (size_t i = 0; i < in->properties.count; i++) {
            json_begin_object(&w);
            json_kv_string(&w, "key", in->properties.items[i].key);
            json_kv_string(&w, "value", in->properties.items[i].value);
            json_end_object(&w);
        }
        json_end_array(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "unattend");
    if (in->has_unattend) {
        json_begin_array(&w);
        for (size_t i = 0; i < in->unattend.count; i++) {
            const mum_msu_package *p = &in->unattend.packages[i];
            json_begin_object(&w);
            json_kv_string(&w, "action", p->action);
            json_key(&w, "identity");
            json_begin_object(&w);
            for (int a = 0; a < MUM_ATTR_COUNT; a++) {
                const char *v = mum_identity_get(&p->identity, (mum_identity_attr)a);
                if (v)
                    json_kv_string(&w, mum_identity_attr_name((mum_identity_attr)a), v);
            }
            json_end_object(&w);
            json_kv_string(&w, "source", p->source);
            json_end_object(&w);
        }
        json_end_array(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "containers");
    json_begin_array(&w);
    for (size_t i = in->container_count; i-- > 0;) {
        const mum_info_container *b = &in->containers[i];
        json_begin_object(&w);
        json_kv_string(&w, "path", b->path);
        json_kv_string(&w, "type", b->type == MUM_CONTAINER_FOLDER ? "folder" : "cabinet");
        json_kv_uint(&w, "entries", b->entries);
        if (b->type == MUM_CONTAINER_CABINET) {
            json_key(&w, "signature");
            json_signature(&w, b);
        }
        if (b->servicing) {
            json_key(&w, "counts");
            json_begin_object(&w);
            json_kv_uint(&w, "packages", b->packages);
            json_kv_uint(&w, "catalogs", b->catalogs);
            json_kv_uint(&w, "manifests", b->manifests);
            json_kv_uint(&w, "payloads", b->payloads);
            json_end_object(&w);
        }
        if (b->express) {
            json_key(&w, "express");
            json_express(&w, b->express);
        }
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "findings");
    cli_json_findings(&w, s->findings);
    json_end_object(&w);
    json_finish(&w);
}

static void free_state(info_state *s)
{
    mum_info_free(s->info);
    free(s->trust_paths);
    mum_trust_free(s->trust);
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"format", required_argument, NULL, 'F'},
        {"trust", required_argument, NULL, 't'},
        {"no-default-trust", no_argument, NULL, 'N'},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    info_state s = {.format = FORMAT_TEXT};
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("info", c, optarg);
        if (common != 0) {
            if (common < 0) {
                free(s.trust_paths);
                return EXIT_USAGE;
            }
            continue;
        }
        switch (c) {
        case 'j': s.format = FORMAT_JSON; break;
        case 'F':
            if (cli_parse_format("info", optarg, &s.format) != EXIT_CLEAN) {
                free(s.trust_paths);
                return EXIT_USAGE;
            }
            break;
        case 'N': s.no_default_trust = true; break;
        case 't': {
            const char **n = realloc(s.trust_paths, (s.ntrust + 1) * sizeof *n);
            if (!n) {
                free(s.trust_paths);
                return cli_fail("out of memory");
            }
            s.trust_paths = n;
            s.trust_paths[s.ntrust++] = optarg;
            break;
        }
        case 'h':
            free(s.trust_paths);
            return cli_help(info_help);
        default:
            free(s.trust_paths);
            if (optopt == 't')
                return cli_usage_error("info", "info: --trust needs a PEM file");
            if (optopt)
                return cli_usage_error("info", "info: option needs a value: '%s'", argv[optind - 1]);
            return cli_usage_error("info", "info: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) {
        free(s.trust_paths);
        return cli_usage_error("info", optind == argc ? "info: no INPUT given" : "info: more than one INPUT");
    }
    s.input = argv[optind];
    int trc = cli_trust_load(s.trust_paths, s.ntrust, !s.no_default_trust, &s.trust);
    if (trc != EXIT_CLEAN) {
        free(s.trust_paths);
        return trc;
    }
    if (mum_ctx_new(&s.ctx) != MUM_OK || mum_findings_new(&s.findings) != MUM_OK) {
        mum_ctx_free(s.ctx);
        free(s.trust_paths);
        mum_trust_free(s.trust);
        return cli_fail("out of memory");
    }
    mum_info_options opts = MUM_INFO_OPTIONS_INIT;
    opts.anchors = s.trust;
    opts.progress = on_progress;
    opts.progress_ud = &s.progress;
    cli_progress_init(&s.progress, "info");
    int rc = mum_info_read(&s.info, s.ctx, s.input, &opts, s.findings);
    cli_progress_done(&s.progress);
    int exit_rc;
    if (rc != MUM_OK) {
        /* damaged input: what was read before the damage, then the error */
        if (s.info && s.format == FORMAT_JSON)
            print_json(&s);
        else if (s.info)
            print_text(&s);
        fflush(stdout);
        exit_rc = mum_ctx_status(s.ctx) != MUM_OK ? cli_fail_ctx(s.ctx) : cli_fail("%s", mum_strerror(rc));
    } else {
        if (s.format == FORMAT_JSON)
            print_json(&s);
        else
            print_text(&s);
        exit_rc = cli_findings_exit(s.findings);
    }
    free_state(&s);
    mum_findings_free(s.findings);
    mum_ctx_free(s.ctx);
    return exit_rc;
}
