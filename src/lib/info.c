/*
 * info.c - what a package is, read in one walk: kind, KB article,
 * architecture, an .msu's properties and unattend file, each container's
 * counts, signature and express index; then every signature verified.
 * What `mumtool info` shows, gathered and judged here so the command only
 * prints.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

/* Cabinets nested deeper than this stop the walk (the walk's own limit is lower). */
#define MAX_OPEN 40
/* The .msu's metadata files are read whole up to this size. */
#define CAPTURE_MAX ((size_t)1 << 20)

typedef struct info_state {
    mum_info *info;
    mum_ctx *ctx;
    mum_findings *findings;
    const char *input;
    const mum_info_options *opts;
    uint64_t seen, bytes;

    mum_info_container *open[MAX_OPEN];  /* containers being walked */
    mum_express_collector *collectors[MAX_OPEN];
    unsigned long others[MAX_OPEN];      /* files that are none of the known kinds */
    int nopen;

    /* the .msu's metadata (files at depth 1) */
    enum { CAP_NONE, CAP_PROPS, CAP_UNATTEND } capture;
    char *cap_buf;
    size_t cap_len, cap_cap;
    bool cap_too_big;

    char kb_from_names[32];
    char **name_archs;                   /* from package names */
    size_t nname_archs;
} info_state;

static bool ends_with(const char *s, const char *suffix)
{
    return mum__ascii_ends_with_ci(s, suffix);
}

static const char *leaf(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void progress(info_state *s)
{
    if (s->opts->progress)
        s->opts->progress(s->opts->progress_ud, s->seen, s->bytes);
}

/* Remembers an architecture once (case-insensitively); a failed allocation forgets it. */
static void add_arch(info_state *s, const char *arch, size_t len)
{
    for (size_t i = 0; i < s->nname_archs; i++)
        if (strlen(s->name_archs[i]) == len && mum__ascii_strncasecmp(s->name_archs[i], arch, len) == 0)
            return;
    char **n = mum__reallocarray(s->name_archs, s->nname_archs + 1, sizeof *n);
    if (!n)
        return;
    s->name_archs = n;
    if ((s->name_archs[s->nname_archs] = mum__strndup(arch, len)))
        s->nname_archs++;
}

/* "KB" and digits in text[0..end) (end NULL: to the end): the digits into out. */
static bool find_kb(const char *text, const char *end, char out[32])
{
    for (const char *p = text; *p && (!end || p < end); p++) {
        if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'B' || p[1] == 'b') && is_digit((unsigned char)p[2])) {
            size_t n = 0;
            while (is_digit((unsigned char)p[2 + n]) && n < 31)
                n++;
            memcpy(out, p + 2, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

/* name~token~arch~lang~version.mum: the architecture and a KB number. */
static void learn_from_package_name(info_state *s, const char *name)
{
    const char *t1 = strchr(name, '~');
    const char *t2 = t1 ? strchr(t1 + 1, '~') : NULL;
    const char *t3 = t2 ? strchr(t2 + 1, '~') : NULL;
    if (t3 && t3 > t2 + 1)
        add_arch(s, t2 + 1, (size_t)(t3 - t2 - 1));
    if (!s->kb_from_names[0])
        find_kb(name, t1, s->kb_from_names);
}

/* ---- walking ---- */

static bool want_data(void *ud, const mum_entry *e)
{
    (void)ud;
    return e->depth >= 1;
}

static int open_container(info_state *s, const mum_entry *e)
{
    if (s->nopen == MAX_OPEN)
        return MUM_ELIMIT;
    mum_info_container *c = mum__calloc(1, sizeof *c);
    mum_express_collector *col = NULL;
    if (!c || !(c->path = mum__strdup(e->path)) || mum_express_collector_new(&col) != MUM_OK) {
        if (c)
            mum__free(c->path);
        mum__free(c);
        return MUM_ENOMEM;
    }
    c->depth = e->depth;
    c->size = e->size;
    c->type = e->container;
    if (e->cab && e->cab->signature_reserve && e->cab->signature_length) {
        /* what the header promises, for a container the walk cannot finish */
        c->sig.present = true;
        c->sig.offset = e->cab->signature_offset;
        c->sig.length = e->cab->signature_length;
    }
    s->collectors[s->nopen] = col;
    s->others[s->nopen] = 0;
    s->open[s->nopen++] = c;
    return MUM_OK;
}

/* Files of an express cabinet's index that are payloads. */
static unsigned long index_payloads(const mum_express_index *x)
{
    unsigned long n = 0;
    for (size_t i = 0; i < x->count; i++) {
        const char *name = x->files[i].name;
        if (!ends_with(name, ".mum") && !ends_with(name, ".cat") && !ends_with(name, ".manifest"))
            n++;
    }
    return n;
}

static void container_clear(mum_info_container *c)
{
    mum__free(c->path);
    mum__free(c->sig.blob);
    mum_sig_result_clear(&c->verdict);
    mum_signature_free(c->parsed);
    if (c->express) {
        mum_express_index_clear(c->express);
        mum_free(c->express);
    }
}

static int close_container(info_state *s, const mum_entry *e)
{
    s->nopen--;
    mum_info_container *c = s->open[s->nopen];
    mum_express_collector *col = s->collectors[s->nopen];
    unsigned long others = s->others[s->nopen];
    int rc = MUM_OK;
    if (e->signature) {
        c->has_signature = true;
        c->sig = *e->signature;
        c->sig.blob = NULL;
        if (e->signature->blob) {
            if (!(c->sig.blob = mum__malloc(e->signature->blob_size)))
                rc = MUM_ENOMEM;
            else
                memcpy(c->sig.blob, e->signature->blob, e->signature->blob_size);
        }
    }
    if (rc == MUM_OK) {
        mum_location loc = {.input = s->input, .entry = *c->path ? c->path : NULL};
        rc = mum_express_collector_finish(&c->express, col, s->ctx, &loc, s->findings);
    }
    mum_express_collector_free(col);
    c->servicing = c->packages > 0;
    c->payloads = c->express ? index_payloads(c->express) : others;
    mum_info *info = s->info;
    mum_info_container *n =
        mum__reallocarray(info->containers, info->container_count + 1, sizeof *n);
    if (!n) {
        container_clear(c);
        mum__free(c);
        return MUM_ENOMEM;
    }
    info->containers = n;
    info->containers[info->container_count++] = *c;
    mum__free(c);
    return rc;
}

/*
 * The walk failed: the containers still open become the info's, innermost
 * first (so the input is last, as when they end), with what was counted of
 * them and their signature, promised by the header but not read, incomplete.
 */
static int keep_open_containers(info_state *s)
{
    mum_info *info = s->info;
    while (s->nopen) {
        mum_info_container *n =
            mum__reallocarray(info->containers, info->container_count + 1, sizeof *n);
        if (!n)
            return MUM_ENOMEM;
        info->containers = n;
        s->nopen--;
        mum_info_container *c = s->open[s->nopen];
        mum_express_collector_free(s->collectors[s->nopen]);
        c->has_signature = c->sig.present;
        c->check = c->sig.present ? MUM_INFO_CHECK_INCOMPLETE : MUM_INFO_CHECK_NONE;
        c->servicing = c->packages > 0;
        c->payloads = s->others[s->nopen];
        info->containers[info->container_count++] = *c;
        mum__free(c);
    }
    return MUM_OK;
}

static int on_entry(void *ud, const mum_entry *e)
{
    info_state *s = ud;
    if (e->kind == MUM_ENTRY_CONTAINER)
        return open_container(s, e);
    if (e->kind == MUM_ENTRY_CONTAINER_END)
        return close_container(s, e);
    s->seen++;
    progress(s);
    mum_info_container *c = s->open[s->nopen - 1];
    const char *base = leaf(e->name);
    c->entries++;
    if (ends_with(base, ".mum")) {
        c->packages++;
        learn_from_package_name(s, base);
    } else if (ends_with(base, ".cat")) {
        c->catalogs++;
    } else if (ends_with(base, ".manifest")) {
        c->manifests++;
    } else if (mum__ascii_strcasecmp(base, MUM_EXPRESS_INDEX_NAME) != 0) {
        s->others[s->nopen - 1]++;
    }
    mum_info *info = s->info;
    s->capture = CAP_NONE;
    if (e->depth == 1 && ends_with(e->name, "-pkgProperties.txt") && !info->properties_path) {
        s->capture = CAP_PROPS;
        info->properties_path = mum__strdup(e->path);
    } else if (e->depth == 1 && ends_with(e->name, ".xml") && !strchr(e->name, '/') && !info->unattend_path) {
        s->capture = CAP_UNATTEND;
        info->unattend_path = mum__strdup(e->path);
    }
    s->cap_len = 0;
    s->cap_too_big = false;
    return mum_express_collector_begin(s->collectors[s->nopen - 1], e->name, e->size);
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    (void)e;
    info_state *s = ud;
    s->bytes += size;
    progress(s);
    if (s->capture != CAP_NONE && !s->cap_too_big) {
        if (s->cap_len + size > CAPTURE_MAX) {
            s->cap_too_big = true;
        } else {
            if (s->cap_len + size > s->cap_cap) {
                size_t ncap = s->cap_cap ? s->cap_cap * 2 : 4096;
                while (ncap < s->cap_len + size)
                    ncap *= 2;
                char *n = mum__realloc(s->cap_buf, ncap);
                if (!n)
                    return MUM_ENOMEM;
                s->cap_buf = n;
                s->cap_cap = ncap;
            }
            memcpy(s->cap_buf + s->cap_len, data, size);
            s->cap_len += size;
        }
    }
    return mum_express_collector_data(s->collectors[s->nopen - 1], data, size);
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    info_state *s = ud;
    mum_info *info = s->info;
    mum_location loc = {.input = s->input, .entry = e->path};
    int rc = MUM_OK;
    if (s->capture == CAP_PROPS) {
        if (s->cap_too_big)
            rc = mum_msu_properties_parse(&info->properties, s->ctx, &loc, NULL, (size_t)-1);
        else
            rc = mum_msu_properties_parse(&info->properties, s->ctx, &loc, s->cap_buf ? s->cap_buf : "",
                                          s->cap_len);
        info->has_properties = rc == MUM_OK;
    } else if (s->capture == CAP_UNATTEND) {
        /* an .xml beside the cabinets that is not an unattend file is not ours to judge */
        mum_ctx *quiet = NULL;
        if (mum_ctx_new(&quiet) != MUM_OK)
            return MUM_ENOMEM;
        int urc = mum_msu_unattend_parse(&info->unattend, quiet, &loc, s->cap_buf ? s->cap_buf : "",
                                         s->cap_too_big ? 0 : s->cap_len);
        mum_ctx_free(quiet);
        if (urc == MUM_ENOMEM)
            rc = MUM_ENOMEM;
        info->has_unattend = urc == MUM_OK;
    }
    s->capture = CAP_NONE;
    if (rc != MUM_OK)
        return rc;
    return mum_express_collector_end(s->collectors[s->nopen - 1]);
}

/* ---- after the walk ---- */

/*
 * Verifies the signature of every cabinet that has one and adds the
 * findings the verdicts amount to.  A signature the walk could not read
 * whole is "incomplete" (the walk's findings say why); one that is not a
 * PKCS#7 SignedData is "malformed", a finding of its own.
 */
static int check_signatures(info_state *s)
{
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = s->opts->anchors;
    mum_info *info = s->info;
    for (size_t i = info->container_count; i-- > 0;) {
        mum_info_container *c = &info->containers[i];
        if (!c->has_signature || !c->sig.present)
            continue;
        if (!c->sig.blob || !c->sig.digests_valid) {
            c->check = MUM_INFO_CHECK_INCOMPLETE;
            continue;
        }
        mum_location where = {.input = s->input, .entry = *c->path ? c->path : NULL};
        mum_ctx_clear(s->ctx);
        int rc = mum_cab_signature_verify(&c->verdict, &c->parsed, s->ctx, &c->sig, &where, &o);
        if (rc == MUM_EFORMAT) {
            c->check = MUM_INFO_CHECK_MALFORMED;
            if (mum__finding(s->findings, MUM_R_CONTAINER_SIGNATURE_MALFORMED, mum_ctx_location(s->ctx), "%s",
                             mum_ctx_reason(s->ctx)) != MUM_OK)
                return MUM_ENOMEM;
            continue;
        }
        if (rc != MUM_OK)
            return rc;
        c->check = MUM_INFO_CHECK_DONE;
        c->has_content = mum_authenticode_content(&c->content, NULL, c->parsed) == MUM_OK;
        if (mum_sig_result_findings(&c->verdict, c->parsed, s->findings, &where) != MUM_OK)
            return MUM_ENOMEM;
    }
    return MUM_OK;
}

/* Kind, KB and architectures, from what the walk saw. */
static int conclude(info_state *s)
{
    mum_info *info = s->info;
    const mum_info_container *top = info->container_count ? &info->containers[info->container_count - 1] : NULL;
    if (!top)
        info->kind = "unknown";
    else if (top->type == MUM_CONTAINER_FOLDER)
        info->kind = "folder";
    else if (info->has_properties || ends_with(s->input, ".msu"))
        info->kind = "msu";
    else
        info->kind = top->express ? "express cabinet" : "cabinet";

    /* the properties say best; then the input's name; then the packages' */
    char kb[32];
    const char *v = info->has_properties ? mum_msu_properties_get(&info->properties, "KB Article Number") : NULL;
    const char *base = strrchr(s->input, '/');
    base = base ? base + 1 : s->input;
    if (!(v && *v))
        v = find_kb(base, NULL, kb) ? kb : s->kb_from_names[0] ? s->kb_from_names : NULL;
    if (v && !(info->kb = mum__strdup(v)))
        return MUM_ENOMEM;

    const char *arch =
        info->has_properties ? mum_msu_properties_get(&info->properties, "Processor Architecture") : NULL;
    if (arch && *arch) {
        if (!(info->architectures = mum__calloc(1, sizeof *info->architectures)) ||
            !(info->architectures[0] = mum__strdup(arch)))
            return MUM_ENOMEM;
        info->architecture_count = 1;
    } else {
        info->architectures = s->name_archs;
        info->architecture_count = s->nname_archs;
        s->name_archs = NULL;
        s->nname_archs = 0;
    }
    return MUM_OK;
}

const char *mum_info_signature_status(const mum_info_container *c)
{
    if (!c || !c->has_signature || !c->sig.present)
        return "none";
    switch (c->check) {
    case MUM_INFO_CHECK_INCOMPLETE: return "incomplete";
    case MUM_INFO_CHECK_MALFORMED: return "malformed";
    case MUM_INFO_CHECK_DONE: return mum_sig_status_name(c->verdict.status);
    default: return "not verified";
    }
}

void mum_info_free(mum_info *info)
{
    if (!info)
        return;
    for (size_t i = 0; i < info->container_count; i++)
        container_clear(&info->containers[i]);
    mum__free(info->containers);
    for (size_t i = 0; i < info->architecture_count; i++)
        mum__free(info->architectures[i]);
    mum__free(info->architectures);
    mum__free(info->kb);
    mum__free(info->properties_path);
    mum__free(info->unattend_path);
    mum_msu_properties_clear(&info->properties);
    mum_msu_unattend_clear(&info->unattend);
    mum__free(info);
}

int mum_info_read(mum_info **out, mum_ctx *ctx, const char *input, const mum_info_options *opts,
                  mum_findings *findings)
{
    if (!out || !input || (opts && opts->version != MUM_INFO_OPTIONS_VERSION))
        return MUM_EINVAL;
    *out = NULL;
    mum_info_options defaults = MUM_INFO_OPTIONS_INIT;
    info_state s = {.ctx = ctx, .findings = findings, .input = input, .opts = opts ? opts : &defaults};
    if (!(s.info = mum__calloc(1, sizeof *s.info)))
        return MUM_ENOMEM;
    mum_walk_options wo = MUM_WALK_OPTIONS_INIT;
    wo.flags |= MUM_WALK_SIGNATURES;
    mum_walk_consumer consumer = {.want_data = want_data,
                                  .entry = on_entry,
                                  .data = on_data,
                                  .entry_end = on_entry_end};
    int rc = mum_walk_run(ctx, input, &wo, &consumer, &s, findings);
    /* damaged input: keep what was read before the damage (the walk's
     * message stays on ctx; signatures that were read are not verified) */
    bool partial = (rc == MUM_EFORMAT || rc == MUM_EIO || rc == MUM_EUNSUPPORTED) && s.nopen > 0 &&
                   keep_open_containers(&s) == MUM_OK && conclude(&s) == MUM_OK;
    if (rc == MUM_OK)
        rc = check_signatures(&s);
    if (rc == MUM_OK)
        rc = conclude(&s);
    for (int i = 0; i < s.nopen; i++) {
        mum_express_collector_free(s.collectors[i]);
        container_clear(s.open[i]);
        mum__free(s.open[i]);
    }
    for (size_t i = 0; i < s.nname_archs; i++)
        mum__free(s.name_archs[i]);
    mum__free(s.name_archs);
    mum__free(s.cap_buf);
    if (rc != MUM_OK) {
        if (partial)
            *out = s.info; /* incomplete */
        else
            mum_info_free(s.info);
        return rc;
    }
    s.info->complete = true;
    *out = s.info;
    return MUM_OK;
}
