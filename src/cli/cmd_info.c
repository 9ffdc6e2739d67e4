/*
 * cmd_info.c - mumtool info: what a package is - kind, KB article,
 * architecture, the .msu's properties and unattend file, every cabinet's
 * signature, the counts of packages, catalogs, manifests and payloads, and
 * the map of an express cabinet.
 */
#include "config.h"

#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char info_help[] =
    "Usage: mumtool info [--json] [--trust PEM]... [--no-default-trust] INPUT\n"
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
    "      --json        write JSON\n"
    "      --trust PEM   also trust the certificates in PEM as anchors for the\n"
    "                    cabinets' signatures; repeatable.  The built-in Microsoft\n"
    "                    roots and MUM_TRUST's files are anchors too\n"
    "      --no-default-trust  without the built-in roots (with no anchor at all:\n"
    "                    integrity only, at best signed-untrusted, not a failure)\n"
    "  -h, --help        show this help and exit\n"
    "\n"
    "Exit status: 0 clean, 1 findings (a signature that fails integrity or is not\n"
    "trusted), 2 usage error, 3 could not read INPUT.\n";

#define MAX_OPEN 40

/* What is known about one container (cabinet or folder). */
typedef struct box {
    char *path;
    uint32_t depth;
    uint64_t size;
    mum_container_type type;
    bool has_signature;
    mum_cab_signature sig;        /* a copy: blob included */
    /* its verification (when sig.present) */
    enum { CHECK_NONE, CHECK_INCOMPLETE, CHECK_MALFORMED, CHECK_DONE } check;
    mum_sig_result verdict;       /* CHECK_DONE */
    mum_signature *parsed;        /* CHECK_DONE */
    mum_authenticode_info content; /* CHECK_DONE, when has_content */
    bool has_content;
    unsigned long packages, catalogs, manifests, others, entries;
    mum_express_collector *collector;
    mum_express_index *express;
} box;

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
    unsigned long long seen, bytes;

    box *boxes;               /* in the order they ended */
    size_t nboxes, capboxes;
    box *open[MAX_OPEN];      /* containers being walked */
    int nopen;

    /* the .msu's metadata (files at depth 1) */
    enum { CAP_NONE, CAP_PROPS, CAP_UNATTEND } capture;
    char *cap_buf;
    size_t cap_len, cap_cap;
    bool cap_too_big;
    char *props_name, *unattend_name;
    mum_msu_properties props;
    mum_msu_unattend unattend;
    bool have_props, have_unattend;

    char **archs;             /* from package names */
    size_t narchs;
    char kb_from_names[32];
} info_state;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *leaf(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

static void add_arch(info_state *s, const char *arch, size_t len)
{
    for (size_t i = 0; i < s->narchs; i++)
        if (strlen(s->archs[i]) == len && strncasecmp(s->archs[i], arch, len) == 0)
            return;
    char **n = realloc(s->archs, (s->narchs + 1) * sizeof *n);
    if (!n)
        return;
    s->archs = n;
    if ((s->archs[s->narchs] = strndup(arch, len)))
        s->narchs++;
}

/* name~token~arch~lang~version.mum: the architecture and a KB number. */
static void learn_from_package_name(info_state *s, const char *name)
{
    const char *t1 = strchr(name, '~');
    const char *t2 = t1 ? strchr(t1 + 1, '~') : NULL;
    const char *t3 = t2 ? strchr(t2 + 1, '~') : NULL;
    if (t3 && t3 > t2 + 1)
        add_arch(s, t2 + 1, (size_t)(t3 - t2 - 1));
    if (!s->kb_from_names[0]) {
        for (const char *p = name; *p && (!t1 || p < t1); p++) {
            if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'B' || p[1] == 'b') && isdigit((unsigned char)p[2])) {
                size_t n = 0;
                while (isdigit((unsigned char)p[2 + n]) && n < sizeof s->kb_from_names - 1)
                    n++;
                memcpy(s->kb_from_names, p + 2, n);
                s->kb_from_names[n] = '\0';
                break;
            }
        }
    }
}

/* ---- walking ---- */

static bool want_data(void *ud, const mum_entry *e)
{
    (void)ud;
    return e->depth >= 1;
}

static box *innermost(info_state *s)
{
    return s->nopen ? s->open[s->nopen - 1] : NULL;
}

static int open_box(info_state *s, const mum_entry *e)
{
    if (s->nopen == MAX_OPEN)
        return MUM_ELIMIT;
    box *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(e->path)) || mum_express_collector_new(&b->collector) != MUM_OK) {
        if (b)
            free(b->path);
        free(b);
        return MUM_ENOMEM;
    }
    b->depth = e->depth;
    b->size = e->size;
    b->type = e->container;
    s->open[s->nopen++] = b;
    return MUM_OK;
}

static int close_box(info_state *s, const mum_entry *e)
{
    box *b = s->open[--s->nopen];
    int rc = MUM_OK;
    if (e->signature) {
        b->has_signature = true;
        b->sig = *e->signature;
        b->sig.blob = NULL;
        if (e->signature->blob) {
            if (!(b->sig.blob = malloc(e->signature->blob_size)))
                rc = MUM_ENOMEM;
            else
                memcpy(b->sig.blob, e->signature->blob, e->signature->blob_size);
        }
    }
    if (rc == MUM_OK) {
        mum_location loc = {.input = s->input, .entry = *b->path ? b->path : NULL};
        rc = mum_express_collector_finish(b->collector, s->ctx, &loc, s->findings, &b->express);
    }
    mum_express_collector_free(b->collector);
    b->collector = NULL;
    box *n = realloc(s->boxes, (s->nboxes + 1) * sizeof *n);
    if (!n) {
        free(b->path);
        free(b->sig.blob);
        free(b);
        return MUM_ENOMEM;
    }
    s->boxes = n;
    s->boxes[s->nboxes++] = *b;
    free(b);
    return rc;
}

static int on_entry(void *ud, const mum_entry *e)
{
    info_state *s = ud;
    if (e->kind == MUM_ENTRY_CONTAINER)
        return open_box(s, e);
    if (e->kind == MUM_ENTRY_CONTAINER_END)
        return close_box(s, e);
    s->seen++;
    cli_progress_update(&s->progress, s->seen, s->bytes);
    box *b = innermost(s);
    const char *base = leaf(e->name);
    b->entries++;
    if (ends_with(base, ".mum")) {
        b->packages++;
        learn_from_package_name(s, base);
    } else if (ends_with(base, ".cat")) {
        b->catalogs++;
    } else if (ends_with(base, ".manifest")) {
        b->manifests++;
    } else if (strcasecmp(base, MUM_EXPRESS_INDEX_NAME) != 0) {
        b->others++;
    }
    s->capture = CAP_NONE;
    if (e->depth == 1 && ends_with(e->name, "-pkgProperties.txt") && !s->props_name) {
        s->capture = CAP_PROPS;
        s->props_name = strdup(e->path);
    } else if (e->depth == 1 && ends_with(e->name, ".xml") && !strchr(e->name, '/') && !s->unattend_name) {
        s->capture = CAP_UNATTEND;
        s->unattend_name = strdup(e->path);
    }
    s->cap_len = 0;
    s->cap_too_big = false;
    return mum_express_collector_begin(b->collector, e->name, e->size);
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    (void)e;
    info_state *s = ud;
    s->bytes += size;
    cli_progress_update(&s->progress, s->seen, s->bytes);
    if (s->capture != CAP_NONE && !s->cap_too_big) {
        if (s->cap_len + size > ((size_t)1 << 20)) {
            s->cap_too_big = true;
        } else {
            if (s->cap_len + size > s->cap_cap) {
                size_t ncap = s->cap_cap ? s->cap_cap * 2 : 4096;
                while (ncap < s->cap_len + size)
                    ncap *= 2;
                char *n = realloc(s->cap_buf, ncap);
                if (!n)
                    return MUM_ENOMEM;
                s->cap_buf = n;
                s->cap_cap = ncap;
            }
            memcpy(s->cap_buf + s->cap_len, data, size);
            s->cap_len += size;
        }
    }
    return mum_express_collector_data(innermost(s)->collector, data, size);
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    info_state *s = ud;
    mum_location loc = {.input = s->input, .entry = e->path};
    int rc = MUM_OK;
    if (s->capture == CAP_PROPS) {
        if (s->cap_too_big)
            rc = mum_msu_properties_parse(&s->props, s->ctx, &loc, NULL, (size_t)-1);
        else
            rc = mum_msu_properties_parse(&s->props, s->ctx, &loc, s->cap_buf ? s->cap_buf : "", s->cap_len);
        s->have_props = rc == MUM_OK;
    } else if (s->capture == CAP_UNATTEND) {
        /* an .xml beside the cabinets that is not an unattend file is not ours to judge */
        mum_ctx *quiet = NULL;
        if (mum_ctx_new(&quiet) != MUM_OK)
            return MUM_ENOMEM;
        int urc = mum_msu_unattend_parse(&s->unattend, quiet, &loc, s->cap_buf ? s->cap_buf : "",
                                         s->cap_too_big ? 0 : s->cap_len);
        mum_ctx_free(quiet);
        if (urc == MUM_ENOMEM)
            rc = MUM_ENOMEM;
        s->have_unattend = urc == MUM_OK;
    }
    s->capture = CAP_NONE;
    if (rc != MUM_OK)
        return rc;
    return mum_express_collector_end(innermost(s)->collector);
}

/* ---- reporting ---- */

/*
 * Verifies the signature of every cabinet that has one and adds the
 * findings the verdicts amount to.  A signature the walk could not read
 * whole is "incomplete" (the walk's findings say why); one that is not a
 * PKCS#7 SignedData is "malformed", a finding of its own.
 */
static int check_signatures(info_state *s)
{
    mum_sig_verify_opts o = MUM_SIG_VERIFY_OPTS_INIT;
    o.anchors = s->trust;
    for (size_t i = s->nboxes; i-- > 0;) {
        box *b = &s->boxes[i];
        if (!b->has_signature || !b->sig.present)
            continue;
        if (!b->sig.blob || !b->sig.digests_valid) {
            b->check = CHECK_INCOMPLETE;
            continue;
        }
        mum_location where = {.input = s->input, .entry = *b->path ? b->path : NULL};
        mum_ctx_clear(s->ctx);
        int rc = mum_cab_signature_verify(&b->verdict, &b->parsed, s->ctx, &b->sig, &where, &o);
        if (rc == MUM_EFORMAT) {
            b->check = CHECK_MALFORMED;
            if (mum_findings_add(s->findings, "container.signature-malformed", mum_ctx_location(s->ctx), "%s",
                                 mum_ctx_reason(s->ctx)) != MUM_OK)
                return MUM_ENOMEM;
            continue;
        }
        if (rc != MUM_OK)
            return rc;
        b->check = CHECK_DONE;
        b->has_content = mum_authenticode_content(NULL, b->parsed, &b->content) == MUM_OK;
        if (mum_sig_result_findings(&b->verdict, b->parsed, s->findings, &where) != MUM_OK)
            return MUM_ENOMEM;
    }
    return MUM_OK;
}

/* "none", "incomplete", "malformed", or the verdict's status. */
static const char *signature_status(const box *b)
{
    if (!b->has_signature || !b->sig.present)
        return "none";
    switch (b->check) {
    case CHECK_INCOMPLETE: return "incomplete";
    case CHECK_MALFORMED: return "malformed";
    case CHECK_DONE: return mum_sig_status_name(b->verdict.status);
    default: return "not verified";
    }
}

static const char *kind_of(const info_state *s)
{
    const box *top = s->nboxes ? &s->boxes[s->nboxes - 1] : NULL;
    if (!top)
        return "unknown";
    if (top->type == MUM_CONTAINER_FOLDER)
        return "folder";
    if (s->have_props || ends_with(s->input, ".msu"))
        return "msu";
    return top->express ? "express cabinet" : "cabinet";
}

static const char *kb_of(const info_state *s, char buf[32])
{
    const char *v = s->have_props ? mum_msu_properties_get(&s->props, "KB Article Number") : NULL;
    if (v && *v)
        return v;
    const char *base = strrchr(s->input, '/');
    base = base ? base + 1 : s->input;
    for (const char *p = base; *p; p++) {
        if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'B' || p[1] == 'b') && isdigit((unsigned char)p[2])) {
            size_t n = 0;
            while (isdigit((unsigned char)p[2 + n]) && n < 31)
                n++;
            memcpy(buf, p + 2, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return s->kb_from_names[0] ? s->kb_from_names : NULL;
}

static void hex_of(const uint8_t *p, size_t n, char *out)
{
    mum_hex_encode(p, n, out);
}

static bool is_servicing(const box *b)
{
    return b->packages > 0;
}

static unsigned long payload_count(const box *b)
{
    if (!b->express)
        return b->others;
    unsigned long n = 0;
    for (size_t i = 0; i < b->express->count; i++) {
        const char *name = b->express->files[i].name;
        if (!ends_with(name, ".mum") && !ends_with(name, ".cat") && !ends_with(name, ".manifest"))
            n++;
    }
    return n;
}

static void count_status(const mum_express_index *x, unsigned long n[5])
{
    memset(n, 0, 5 * sizeof *n);
    for (size_t i = 0; i < x->count; i++)
        n[x->files[i].status]++;
}

static const char *display_path(const box *b)
{
    return *b->path ? b->path : "(input)";
}

static void print_signature(const box *b)
{
    if (!b->has_signature || !b->sig.present) {
        printf("    %-14s none\n", "signature");
        return;
    }
    printf("    %-14s present at offset %" PRIu64 ", %" PRIu64 " bytes: %s", "signature", b->sig.offset,
           b->sig.length, signature_status(b));
    if (b->check == CHECK_DONE && b->verdict.status == MUM_SIG_INTEGRITY_FAILED)
        printf(" (%s)", mum_sig_check_name(b->verdict.failed_check));
    printf("\n");
    if (b->check == CHECK_DONE) {
        cli_print_sig_result("    ", b->parsed, &b->verdict);
        if (b->has_content && b->content.digest_len <= MUM_HASH_MAX_SIZE) {
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            mum_hex_encode(b->content.digest, b->content.digest_len, hex);
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
    char kbbuf[32];
    const char *kb = kb_of(s, kbbuf);
    const char *arch = s->have_props ? mum_msu_properties_get(&s->props, "Processor Architecture") : NULL;
    printf("%-14s %s\n", "input:", s->input);
    printf("%-14s %s\n", "kind:", kind_of(s));
    printf("%-14s %s%s\n", "kb:", kb ? "KB" : "", kb ? kb : "(unknown)");
    printf("%-14s ", "architecture:");
    if (arch && *arch) {
        printf("%s\n", arch);
    } else if (s->narchs) {
        for (size_t i = 0; i < s->narchs; i++)
            printf("%s%s", i ? ", " : "", s->archs[i]);
        printf("\n");
    } else {
        printf("(unknown)\n");
    }
    if (s->have_props) {
        printf("properties:    (%s)\n", s->props_name);
        for (size_t i = 0; i < s->props.count; i++)
            printf("  %-26s %s\n", s->props.items[i].key, s->props.items[i].value);
    }
    if (s->have_unattend) {
        printf("unattend:      (%s)\n", s->unattend_name);
        for (size_t i = 0; i < s->unattend.count; i++) {
            const mum_msu_package *p = &s->unattend.packages[i];
            const mum_identity *id = &p->identity;
            printf("  %s %s %s %s %s %s\n", p->action ? p->action : "(no action)", id->name ? id->name : "?",
                   id->version ? id->version : "?", id->arch ? id->arch : "?",
                   id->language ? id->language : "neutral", id->public_key_token ? id->public_key_token : "?");
            if (p->source)
                printf("    source %s\n", p->source);
        }
    }
    bool heading = false;
    for (size_t i = s->nboxes; i-- > 0;) {
        const box *b = &s->boxes[i];
        if (b->type != MUM_CONTAINER_CABINET)
            continue;
        if (!heading)
            printf("cabinets:\n");
        heading = true;
        printf("  %s\n", display_path(b));
        print_signature(b);
    }
    for (size_t i = s->nboxes; i-- > 0;) {
        const box *b = &s->boxes[i];
        if (!is_servicing(b))
            continue;
        printf("contents of %s%s:\n", display_path(b), b->express ? " (express)" : "");
        printf("  packages %lu, catalogs %lu, manifests %lu, payloads %lu\n", b->packages, b->catalogs,
               b->manifests, payload_count(b));
    }
    for (size_t i = s->nboxes; i-- > 0;) {
        const box *b = &s->boxes[i];
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
    mum_hex_encode(h->value, h->size, hex);
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
            mum_hex_encode(f->pa30.hash, f->pa30.hash_size, hex);
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

static void json_signature(json_writer *w, const box *b)
{
    json_begin_object(w);
    json_kv_bool(w, "present", b->has_signature && b->sig.present);
    if (b->check == CHECK_DONE) {
        cli_json_sig_result(w, &b->verdict);
    } else {
        json_kv_string(w, "status", signature_status(b));
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
    if (b->check == CHECK_DONE) {
        if (b->has_content) {
            json_key(w, "signed");
            json_begin_object(w);
            json_kv_string(w, "dataType", b->content.data_type);
            json_kv_string(w, "digestAlgorithm",
                           b->content.digest_alg ? mum_hash_name(b->content.digest_alg) : b->content.digest_alg_oid);
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            mum_hex_encode(b->content.digest, b->content.digest_len <= MUM_HASH_MAX_SIZE ? b->content.digest_len : 0,
                           hex);
            json_kv_string(w, "digest", hex);
            json_end_object(w);
        }
        cli_json_signers(w, b->parsed);
    }
    json_end_object(w);
}

static void print_json(info_state *s)
{
    json_writer w;
    json_init(&w, stdout);
    char kbbuf[32];
    const char *kb = kb_of(s, kbbuf);
    const char *arch = s->have_props ? mum_msu_properties_get(&s->props, "Processor Architecture") : NULL;
    json_begin_object(&w);
    json_kv_string(&w, "input", s->input);
    json_kv_string(&w, "kind", kind_of(s));
    json_kv_string(&w, "kb", kb);
    json_key(&w, "architectures");
    json_begin_array(&w);
    if (arch && *arch)
        json_string(&w, arch);
    else
        for (size_t i = 0; i < s->narchs; i++)
            json_string(&w, s->archs[i]);
    json_end_array(&w);
    json_key(&w, "properties");
    if (s->have_props) {
        json_begin_array(&w);
        for (size_t i = 0; i < s->props.count; i++) {
            json_begin_object(&w);
            json_kv_string(&w, "key", s->props.items[i].key);
            json_kv_string(&w, "value", s->props.items[i].value);
            json_end_object(&w);
        }
        json_end_array(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "unattend");
    if (s->have_unattend) {
        json_begin_array(&w);
        for (size_t i = 0; i < s->unattend.count; i++) {
            const mum_msu_package *p = &s->unattend.packages[i];
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
    for (size_t i = s->nboxes; i-- > 0;) {
        const box *b = &s->boxes[i];
        json_begin_object(&w);
        json_kv_string(&w, "path", b->path);
        json_kv_string(&w, "type", b->type == MUM_CONTAINER_FOLDER ? "folder" : "cabinet");
        json_kv_uint(&w, "entries", b->entries);
        if (b->type == MUM_CONTAINER_CABINET) {
            json_key(&w, "signature");
            json_signature(&w, b);
        }
        if (is_servicing(b)) {
            json_key(&w, "counts");
            json_begin_object(&w);
            json_kv_uint(&w, "packages", b->packages);
            json_kv_uint(&w, "catalogs", b->catalogs);
            json_kv_uint(&w, "manifests", b->manifests);
            json_kv_uint(&w, "payloads", payload_count(b));
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
    for (int i = 0; i < s->nopen; i++) {
        mum_express_collector_free(s->open[i]->collector);
        free(s->open[i]->path);
        free(s->open[i]);
    }
    for (size_t i = 0; i < s->nboxes; i++) {
        free(s->boxes[i].path);
        free(s->boxes[i].sig.blob);
        mum_sig_result_clear(&s->boxes[i].verdict);
        mum_signature_free(s->boxes[i].parsed);
        if (s->boxes[i].express) {
            mum_express_index_clear(s->boxes[i].express);
            mum_free(s->boxes[i].express);
        }
    }
    free(s->boxes);
    for (size_t i = 0; i < s->narchs; i++)
        free(s->archs[i]);
    free(s->archs);
    free(s->cap_buf);
    free(s->props_name);
    free(s->unattend_name);
    free(s->trust_paths);
    mum_trust_free(s->trust);
    mum_msu_properties_clear(&s->props);
    mum_msu_unattend_clear(&s->unattend);
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"trust", required_argument, NULL, 't'},
        {"no-default-trust", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    info_state s = {.format = FORMAT_TEXT};
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': s.format = FORMAT_JSON; break;
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
    mum_walk_options opts = MUM_WALK_OPTIONS_INIT;
    opts.flags |= MUM_WALK_SIGNATURES;
    mum_walk_consumer consumer = {.want_data = want_data,
                                  .entry = on_entry,
                                  .data = on_data,
                                  .entry_end = on_entry_end};
    cli_progress_init(&s.progress, "info");
    int rc = mum_walk_run(s.ctx, s.input, &opts, &consumer, &s, s.findings);
    cli_progress_done(&s.progress);
    if (rc == MUM_OK)
        rc = check_signatures(&s);
    int exit_rc;
    if (rc != MUM_OK) {
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
