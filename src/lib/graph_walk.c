/*
 * graph_walk.c - reads one input (through the pipelined container walk)
 * into the graph's nodes.
 *
 * The walk decodes every file on its own thread and computes its SHA-1 and
 * SHA-256 on another (walk_run.c); catalogs are parsed and their signatures checked for integrity
 * on a worker thread of their own
 * (the catalog worker below); the rest runs on the caller's thread:
 * push-parsing manifests as their blocks arrive, the Authenticode digests of
 * PE files, keeping what an express index needs.  Nothing keeps a file's
 * bytes beyond its own entry (metadata files are buffered until their entry
 * ends, a catalog until the worker has parsed it; payloads never are, but
 * for a bounded copy of a PE image's resource section while it passes, to
 * read its version: pe_version.h).
 */
#include "config.h"

#include "digest.h"
#include "express_internal.h"
#include "graph_internal.h"
#include "pe_version.h"
#include "pool.h"
#include "walk_internal.h"

#include <mum/container.h>
#include <mum/graph.h>
#include <mum/msu.h>
#include <mum/names.h>
#include <mum/pe.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum {
    MAX_BUFFERED = 64 << 20,   /* a catalog or metadata file larger than this is not read */
    MAX_CABINETS = 16          /* nesting of cabinets that keep express state */
};

/* ---- the walk consumer ---- */

typedef enum file_role {
    ROLE_SKIP = 0,   /* inside WSUSSCAN.cab: Windows Update metadata, not the package */
    ROLE_PACKAGE,
    ROLE_COMPONENT,
    ROLE_CATALOG,
    ROLE_INDEX,      /* _manifest_.cix.xml */
    ROLE_PROPERTIES, /* an .msu's -pkgProperties.txt */
    ROLE_UNATTEND,   /* an .msu's unattend .xml */
    ROLE_PAYLOAD
} file_role;

typedef struct cat_worker cat_worker;

typedef struct build {
    mum_graph *g;
    mum_ctx *ctx;
    mum_findings *findings;
    const mum_graph_options *opts;
    size_t input;
    input_priv *in;
    uint64_t entries, bytes;

    /* the current file */
    file_role role;
    node_priv *cur;
    mum_manifest_parser *parser;
    mum_sbuf buf;               /* catalogs, metadata */
    bool buf_over;              /* the file outgrew what is buffered */
    unsigned walk_flags;
    bool small;                 /* read on the caller's thread alone (small_input) */
    cat_worker *worker;         /* checks catalogs while the walk goes on (NULL: none yet) */
    mum_pe_hasher *pe;          /* the current payload's Authenticode digests, streamed */
    mum__pe_version *ver;       /* its version resource, caught as the bytes pass */
    /* the current payload's first bytes (its node keeps them only when
     * they can begin a delta: mum__graph_node_keep_head) */
    uint8_t head[MUM_PA30_HEADER_MAX];
    size_t head_size;
    struct prepared *ready;     /* the current manifest, parsed on the decoding thread */
    /* the decoding thread's own (prepare): touched by nothing else */
    mum_manifest_parser *pparser;
    mum_ctx *pctx;
    /* The Authenticode digests the catalogs read so far ask for
     * (MUM_DIGEST_SHA1, MUM_DIGEST_SHA256; 0: no catalog yet, so both) and
     * those of the current PE payload's hasher. */
    unsigned pe_want, pe_algs;

    /* the cabinets open around the current entry */
    int cab_top;
    struct {
        char *path;
        size_t first_node;      /* nodes of this cabinet start here */
        mum_sbuf index;
        bool has_index;
        size_t kept;            /* bytes of its entries kept (node_priv.bytes) */
    } cabs[MAX_CABINETS];
} build;

static bool name_is(const char *name, const char *want)
{
    return mum__ascii_strcasecmp(name, want) == 0;
}

/*
 * Whether an entry is Windows Update metadata rather than the package: a
 * WSUSSCAN.cab inside the input, or anything in one.  Decided from the
 * nested path alone, so the decoding thread (want_data) and this one agree.
 */
static bool in_wsusscan(const char *path, bool is_cabinet)
{
    static const char skip[] = "WSUSSCAN.cab";
    for (const char *seg = path; *seg;) {
        const char *bang = strchr(seg, '!');
        size_t n = bang ? (size_t)(bang - seg) : strlen(seg);
        if ((bang || is_cabinet) && n == sizeof skip - 1 && mum__ascii_strncasecmp(seg, skip, n) == 0)
            return true;
        if (!bang)
            break;
        seg = bang + 1;
    }
    return false;
}

static file_role role_of(const mum_entry *e)
{
    if (in_wsusscan(e->path, false))
        return ROLE_SKIP;
    const char *name = strrchr(e->path, '!');
    name = name ? name + 1 : e->path;
    if (mum__ascii_ends_with_ci(name, ".mum"))
        return ROLE_PACKAGE;
    if (mum__ascii_ends_with_ci(name, ".manifest"))
        return ROLE_COMPONENT;
    if (mum__ascii_ends_with_ci(name, ".cat"))
        return ROLE_CATALOG;
    if (name_is(name, MUM_EXPRESS_INDEX_NAME))
        return ROLE_INDEX;
    /* an .msu's metadata sit beside the update cabinet, at the top */
    if (e->depth == 1 && !strchr(name, '/')) {
        if (mum__ascii_ends_with_ci(name, "-pkgProperties.txt"))
            return ROLE_PROPERTIES;
        if (mum__ascii_ends_with_ci(name, ".xml"))
            return ROLE_UNATTEND;
    }
    return ROLE_PAYLOAD;
}

static int nomem(build *b)
{
    return mum__nomem(b->ctx);
}

static mum_location here(const build *b, const char *entry)
{
    mum_location loc = {.input = b->in->pub.path, .entry = entry};
    return loc;
}

/* On the decoding thread: looks at the entry only, never at the build. */
static bool want_data(void *ud, const mum_entry *e)
{
    (void)ud;
    return !in_wsusscan(e->path, false);
}

/*
 * A manifest parsed on the decoding thread while this one was behind
 * (mum_walk_consumer.prepare): the model or the parse's failure (its
 * findings list stays empty: the manifests' checks are the judge's).
 */
typedef struct prepared {
    mum_manifest *m;
    int rc;
    char *reason;               /* rc != MUM_OK */
    uint32_t line, column;
} prepared;

static void prepared_free(prepared *p)
{
    if (!p)
        return;
    mum_manifest_free(p->m);
    mum__free(p->reason);
    mum__free(p);
}

static void release_prepared(void *ud, void *p)
{
    MUM_UNUSED(ud);
    prepared_free(p);
}

/* On the decoding thread: parses a manifest as finish_manifest would, or
 * returns NULL to leave it to this thread (anything else, or no memory). */
static void *prepare_manifest(void *ud, const mum_entry *e, const void *data, size_t size)
{
    build *b = ud;
    file_role role = role_of(e);
    if (role != ROLE_PACKAGE && role != ROLE_COMPONENT)
        return NULL;
    if (!b->pctx && mum_ctx_new(&b->pctx) != MUM_OK)
        return NULL;
    prepared *p = mum__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    /* no findings: the manifest's checks are the judge's (judge_names.c) */
    mum_manifest_options mo = MUM_MANIFEST_OPTIONS_INIT;
    mo.file_name = mum__graph_node_name(e->path);
    mo.base_manifest = b->opts->base_manifest;
    mo.base_manifest_size = b->opts->base_manifest_size;
    mum_location loc = here(b, e->path);
    int rc = mum__manifest_parser_renew_lent(&b->pparser, b->pctx, &loc, &mo, b->g->strings);
    if (rc == MUM_OK)
        rc = mum_manifest_parser_feed(b->pparser, data, size);
    if (rc == MUM_OK)
        rc = mum_manifest_parser_finish(&p->m, b->pparser);
    if (rc == MUM_ENOMEM || (rc != MUM_OK && !b->pparser)) {
        mum_ctx_clear(b->pctx);
        prepared_free(p);
        return NULL;
    }
    p->rc = rc;
    if (rc != MUM_OK) {
        const mum_location *where = mum_ctx_location(b->pctx);
        p->line = where->line;
        p->column = where->column;
        p->reason = mum__strdup(mum_ctx_reason(b->pctx));
        mum_ctx_clear(b->pctx);
        if (!p->reason) {
            prepared_free(p);
            return NULL;
        }
    }
    return p;
}

static int open_cabinet(build *b, const mum_entry *e)
{
    if (b->cab_top + 1 >= MAX_CABINETS) {
        b->cab_top++;
        return MUM_OK;
    }
    b->cab_top++;
    memset(&b->cabs[b->cab_top], 0, sizeof b->cabs[b->cab_top]);
    if (!(b->cabs[b->cab_top].path = mum__strdup(e->path)))
        return nomem(b);
    b->cabs[b->cab_top].first_node = b->g->nnodes;
    return MUM_OK;
}

static int add_signature(build *b, const mum_entry *e)
{
    input_priv *in = b->in;
    /* room for one signature first: most inputs have one or two, and
     * mum__grow's first eight (1.4 KB) stayed with the graph for each of
     * 1 000 small packages */
    if (!mum__grow_from((void **)&in->sigs, &in->capsigs, in->nsigs + 1, sizeof *in->sigs, 1))
        return nomem(b);
    mum_graph_signature *s = &in->sigs[in->nsigs];
    memset(s, 0, sizeof *s);
    if (!(s->container = mum__strdup(e->path)))
        return nomem(b);
    in->nsigs++;
    in->pub.signatures = in->sigs;
    in->pub.signature_count = in->nsigs;
    s->present = e->signature && e->signature->present;
    if (!s->present)
        return MUM_OK;
    mum_location loc = here(b, e->path);
    /* integrity only: whether it chains to an anchor is verify's to judge */
    mum_signature *sig = NULL;
    int rc = mum_cab_signature_verify(&s->integrity, &sig, b->ctx, e->signature, &loc, NULL);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        /* a signature that cannot even be read: an integrity failure */
        s->integrity.status = MUM_SIG_INTEGRITY_FAILED;
        s->integrity.failed_check = MUM_SIG_CHECK_ATTRIBUTES;
        s->integrity.detail = mum__strdup(mum_ctx_reason(b->ctx));
        mum_ctx_clear(b->ctx);
        return mum__finding(b->findings, MUM_R_SIGNATURE_ATTRIBUTES, &loc,
                            "the cabinet's signature cannot be read: %s",
                            s->integrity.detail ? s->integrity.detail : "malformed");
    }
    s->signature = sig; /* the graph's: verify judges it again with the anchors */
    /* its checks are kept: the judge needs only the content (the signed
     * file digest), not the rest of the DER (2.5 KB a small package) */
    if (mum__signature_keep_content_only(sig) != MUM_OK)
        return nomem(b);
    s->sha1_ok = e->signature->sha1_valid;
    s->sha256_ok = e->signature->sha256_valid;
    memcpy(s->sha1, e->signature->sha1, sizeof s->sha1);
    memcpy(s->sha256, e->signature->sha256, sizeof s->sha256);
    if (sig && mum_signature_signer_count(sig) > 0) {
        const mum_signer_info *si = mum_signature_signer(sig, s->integrity.signer);
        if (si && si->has_cert && si->cert.subject && !(s->signer = mum__strdup(si->cert.subject)))
            rc = MUM_ENOMEM;
    }
    return rc;
}

static int express_nodes(build *b, const mum_express_index *idx, size_t first, const char *cab_path);

/* A rebuilt express file's digests, as a payload's would be read (its
 * SHA-1 the index's, which the rebuild checked, when the index has one). */
static int rebuilt_digests(build *b, mum_ctx *ctx, node_priv *n, const mum__express_rebuilder *r,
                           size_t f, const uint8_t *data, size_t size)
{
    mum_digests *d = &n->pub.digests;
    const void *p = data ? (const void *)data : "";
    if ((!mum__express_rebuilt_sha1(r, f, d->sha1) &&
         mum_hash_buffer(d->sha1, MUM_HASH_SHA1, p, size) != MUM_OK) ||
        mum_hash_buffer(d->sha256, MUM_HASH_SHA256, p, size) != MUM_OK)
        return mum__error(ctx, MUM_ECRYPTO, NULL, "the digest could not be computed");
    d->sha1_ok = d->sha256_ok = true;
    n->pub.express_delta = false;
    if (!mum_pe_probe(p, size))
        return MUM_OK;
    static const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t out[2][MUM_HASH_MAX_SIZE];
    mum_location loc = here(b, n->pub.entry);
    int rc = mum_pe_digest(ctx, p, size, &loc, algs, 2, out);
    if (rc == MUM_ENOMEM)
        return mum__nomem(ctx);
    mum_node_pe pe = {0};
    if (rc != MUM_OK) {
        pe.error = mum_ctx_reason(ctx);
        rc = mum__graph_node_set_pe(n, &pe);
        mum_ctx_clear(ctx);
        return rc == MUM_OK ? MUM_OK : mum__nomem(ctx);
    }
    pe.image = pe.sha1_ok = pe.sha256_ok = true;
    memcpy(pe.sha1, out[0], 20);
    memcpy(pe.sha256, out[1], 32);
    mum__pe_version *ver = NULL;
    char version[32];
    rc = mum__pe_version_new(&ver);
    if (rc == MUM_OK)
        rc = mum__pe_version_update(ver, p, size);
    if (rc == MUM_OK && mum__pe_version_finish(ver, version, sizeof version) == MUM_OK)
        pe.file_version = version;
    mum__pe_version_free(ver);
    if (rc != MUM_ENOMEM)
        rc = mum__graph_node_set_pe(n, &pe);
    return rc == MUM_ENOMEM ? mum__nomem(ctx) : MUM_OK;
}

/* One file's rebuild, on a worker: its findings wait for the reading
 * thread, which reports them in index order. */
typedef struct xjob {
    build *b;                   /* read only here */
    mum__express_rebuilder *r;
    node_priv *n;
    size_t f;
    mum_ctx *ctx;               /* the job's own, for its errors */
    bool base;                  /* a shared basis: built, kept, not reported */
    int rc;
    mum__express_outcome how;
    const char *why;            /* the rebuilder's */
} xjob;

static void xjob_run(void *arg)
{
    xjob *j = arg;
    const uint8_t *data;
    size_t size;
    j->rc = mum__express_rebuild_in(j->r, j->ctx, j->f, &data, &size, &j->how, &j->why);
    if (j->base)
        return;
    if (j->rc == MUM_OK && j->how == MUM__EXPRESS_REBUILT)
        j->rc = rebuilt_digests(j->b, j->ctx, j->n, j->r, j->f, data, size);
    mum__express_rebuild_done(j->r, j->f);
}

/* What a rebuild that did not give the file says: the node's reason and
 * the finding, in the order of the index. */
static int xjob_report(build *b, const mum_express_index *idx, xjob *j)
{
    if (j->rc != MUM_OK) {
        if (j->rc == MUM_ENOMEM)
            return MUM_ENOMEM;
        return mum__error(b->ctx, j->rc, mum_ctx_location(j->ctx), "%s", mum_ctx_reason(j->ctx));
    }
    if (j->base || j->how == MUM__EXPRESS_REBUILT)
        return MUM_OK;
    node_priv *n = j->n;
    char *chain = mum__express_chain(idx, j->f);
    if (!chain || !(mum__node_express(n)->why = mum__asprintf("%s: %s", chain, j->why))) {
        mum__free(chain);
        return MUM_ENOMEM;
    }
    mum_location loc = here(b, n->pub.entry);
    int rc = MUM_OK;
    if (j->how == MUM__EXPRESS_DECODE || j->how == MUM__EXPRESS_BASIS_FAILED)
        rc = mum__finding(b->findings, MUM_R_EXPRESS_REBUILD_FAILED, &loc,
                          "%s cannot be rebuilt from the cabinet: %s: %s", n->pub.name, chain, j->why);
    else if (j->how == MUM__EXPRESS_MISMATCH)
        rc = mum__finding(b->findings, MUM_R_EXPRESS_REBUILD_MISMATCH, &loc,
                          "%s is not what the index says once rebuilt: %s: %s", n->pub.name, chain, j->why);
    mum__free(chain);
    return rc;
}

/* Jobs in flight at once: each holds one rebuilt file (beyond the shared
 * bases kept), so memory stays bounded whatever the package's size. */
enum { XJOB_WINDOW = MUM_POOL_WORKERS + 1 };

/* Rebuilds the files f of the index for which pick(f) holds, in index
 * order: at once on the pool when there is one (their results reported
 * in that order), else one after another on this thread. */
static int rebuild_some(build *b, const mum_express_index *idx, mum__express_rebuilder *r, mum__pool *pool,
                        node_priv **of, const bool *wanted, const size_t *stage, size_t pick)
{
    xjob jobs[XJOB_WINDOW];
    uint64_t tickets[XJOB_WINDOW];
    size_t head = 0, tail = 0; /* jobs submitted, and reported, so far */
    int rc = MUM_OK;
    for (size_t f = 0; f < idx->count && rc == MUM_OK; f++) {
        if (pick == SIZE_MAX ? !wanted[f] : stage[f] != pick)
            continue;
        xjob *j = &jobs[head % XJOB_WINDOW];
        if (!pool) {
            *j = (xjob){b, r, of[f], f, b->ctx, pick != SIZE_MAX, MUM_OK, MUM__EXPRESS_REBUILT, NULL};
            xjob_run(j);
            /* an error's message is on b->ctx already */
            rc = j->rc != MUM_OK ? j->rc : xjob_report(b, idx, j);
            continue;
        }
        if (head - tail == XJOB_WINDOW) {
            xjob *t = &jobs[tail % XJOB_WINDOW];
            mum__pool_wait(pool, tickets[tail % XJOB_WINDOW]);
            tail++;
            rc = xjob_report(b, idx, t);
            mum_ctx_free(t->ctx);
            if (rc != MUM_OK)
                break;
        }
        *j = (xjob){b, r, of[f], f, NULL, pick != SIZE_MAX, MUM_OK, MUM__EXPRESS_REBUILT, NULL};
        if (mum_ctx_new(&j->ctx) != MUM_OK) {
            rc = MUM_ENOMEM;
            break;
        }
        mum__pool_submit(pool, xjob_run, j, &tickets[head % XJOB_WINDOW]);
        head++;
    }
    /* the rest, in order; after an error too, for their contexts */
    while (tail < head) {
        xjob *t = &jobs[tail % XJOB_WINDOW];
        mum__pool_wait(pool, tickets[tail % XJOB_WINDOW]);
        tail++;
        if (rc == MUM_OK)
            rc = xjob_report(b, idx, t);
        mum_ctx_free(t->ctx);
    }
    return rc;
}

/*
 * Rebuilds the files of an express index that its cabinet holds only as
 * deltas (their virtual nodes: those whose express_delta is set), from the
 * blobs kept while reading, so they are checked as plain payloads are.  A
 * delta libmum cannot decode yet leaves the file not checkable, and says
 * why; a broken chain is express.bad-basis (judge_express.c); a delta that
 * does not decode, or rebuilds into other bytes, is a finding here.
 *
 * Once every PE delta decodes, rebuilding is most of an express verify
 * (KB3040017 x86: about 60 of 150 ms), so the files go to the worker
 * pool, in stages (mum__express_rebuild_stages): the bases several chains
 * share, those below first, then the files wanted, whose chains are then
 * their own.  A window of XJOB_WINDOW jobs, waited for in index order,
 * keeps the findings in that order and the rebuilt files in memory few.
 * Bases forming a loop, or no pool, or MUM_WALK_SINGLE_THREAD: one file
 * after another here, as before.
 */
static int rebuild_express(build *b, const mum_express_index *idx, const mum_express_blob *blobs,
                           const uint8_t **bytes, size_t nb)
{
    size_t n = idx->count ? idx->count : 1;
    node_priv **of = mum__calloc(n, sizeof *of);
    bool *wanted = mum__calloc(n, sizeof *wanted);
    size_t *stage = mum__calloc(n, sizeof *stage);
    int rc = of && wanted && stage ? MUM_OK : MUM_ENOMEM;
    size_t nwanted = 0;
    for (size_t i = 0; i < b->g->nnodes && rc == MUM_OK; i++) {
        node_priv *node = b->g->nodes[i];
        const mum_express_file *xf = node->pub.express ? node->pub.express->file : NULL;
        if (!xf || !node->pub.express_delta || xf < idx->files || xf >= idx->files + idx->count)
            continue;
        size_t f = (size_t)(xf - idx->files);
        of[f] = node;
        wanted[f] = true;
        nwanted++;
    }
    mum__express_rebuilder *r = NULL;
    if (rc == MUM_OK && nwanted)
        rc = mum__express_rebuilder_new(&r, b->ctx, idx, blobs, nb, bytes, wanted);
    bool parallel = false;
    size_t nstages = 0;
    if (r && rc == MUM_OK && nwanted > 1 && !(b->walk_flags & MUM_WALK_SINGLE_THREAD))
        rc = mum__express_rebuild_stages(r, &parallel, stage, &nstages);
    mum__pool *pool = NULL;
    if (parallel && mum__pool_acquire(&pool) != MUM_OK)
        pool = NULL; /* one file after another, the stages kept */
    for (size_t s = 0; s < nstages && rc == MUM_OK; s++)
        rc = rebuild_some(b, idx, r, pool, of, wanted, stage, s);
    if (r && rc == MUM_OK)
        rc = rebuild_some(b, idx, r, pool, of, wanted, stage, SIZE_MAX);
    mum__pool_release(pool);
    mum__express_rebuilder_free(r);
    mum__free(of);
    mum__free(wanted);
    mum__free(stage);
    return rc == MUM_ENOMEM ? nomem(b) : rc;
}

/* Turns an express index into virtual payload nodes for what the cabinet
 * holds only as deltas (or under blob names), so files resolve by name. */
static int close_express(build *b, size_t first)
{
    const char *cab_path = b->cabs[b->cab_top].path;
    mum_location loc = here(b, cab_path);
    mum_express_index *idx = mum__calloc(1, sizeof *idx);
    if (!idx)
        return nomem(b);
    mum_sbuf *ib = &b->cabs[b->cab_top].index;
    mum_location iloc = loc;
    char *ientry = mum__asprintf("%s%s%s", cab_path, *cab_path ? "!" : "", MUM_EXPRESS_INDEX_NAME);
    if (!ientry) {
        mum__free(idx);
        return nomem(b);
    }
    iloc.entry = ientry;
    int rc = mum_express_index_parse(idx, b->ctx, &iloc, ib->data ? ib->data : "", ib->len);
    mum__free(ientry);
    if (rc == MUM_ENOMEM) {
        mum__free(idx);
        return rc;
    }
    if (rc != MUM_OK) {
        rc = mum__finding(b->findings, MUM_R_GRAPH_UNREADABLE_INDEX, mum_ctx_location(b->ctx), "%s",
                          mum_ctx_reason(b->ctx));
        mum_ctx_clear(b->ctx);
        mum__free(idx);
        return rc;
    }
    /* the cabinet's entries, as the check needs them */
    size_t count = b->g->nnodes - first;
    mum_express_blob *blobs = mum__calloc(count ? count : 1, sizeof *blobs);
    if (!blobs) {
        mum_express_index_clear(idx);
        mum__free(idx);
        return nomem(b);
    }
    const uint8_t **bytes = mum__calloc(count ? count : 1, sizeof *bytes);
    if (!bytes) {
        mum__free(blobs);
        mum_express_index_clear(idx);
        mum__free(idx);
        return nomem(b);
    }
    size_t nb = 0;
    for (size_t i = first; i < b->g->nnodes; i++) {
        node_priv *n = b->g->nodes[i];
        if (strcmp(n->pub.container, cab_path) != 0)
            continue;
        bytes[nb] = n->keep && n->kept && n->kept->bytes_len == n->pub.size ? n->kept->bytes : NULL;
        mum_express_blob *x = &blobs[nb++];
        /* the name as in the cabinet: folder and file */
        x->name = n->pub.entry + (*cab_path ? strlen(cab_path) + 1 : 0);
        x->size = n->pub.size;
        memcpy(x->sha1, n->pub.digests.sha1, 20);
        memcpy(x->sha256, n->pub.digests.sha256, 32);
        x->head = mum__node_head(n);
        x->head_size = mum__node_head_size(n);
    }
    /* the resolution only: the express.* findings are judge_express.c's */
    rc = mum__graph_add_express(b->g, b->input, cab_path, idx, blobs, nb);
    if (rc == MUM_OK)
        rc = express_nodes(b, idx, first, cab_path);
    if (rc == MUM_OK)
        rc = rebuild_express(b, idx, blobs, bytes, nb);
    mum__free(blobs);
    mum__free(bytes);
    return rc == MUM_ENOMEM ? nomem(b) : rc;
}

/* The virtual payload nodes of an index's files (close_express). */
static int express_nodes(build *b, const mum_express_index *idx, size_t first, const char *cab_path)
{
    /* blobs are containers of files, not payloads */
    for (size_t f = 0; f < idx->count; f++) {
        const mum_express_file *xf = &idx->files[f];
        if (!xf->source_name)
            continue;
        for (size_t i = first; i < b->g->nnodes; i++) {
            node_priv *n = b->g->nodes[i];
            if (n->pub.kind == MUM_NODE_PAYLOAD && strcmp(n->pub.container, cab_path) == 0 &&
                mum__path_equal(n->pub.entry + (*cab_path ? strlen(cab_path) + 1 : 0), xf->source_name) &&
                !mum__path_equal(xf->source_name, xf->name))
                n->express_blob = true;
        }
    }
    /* every indexed file that is not in the cabinet under its own name */
    size_t last = b->g->nnodes;
    for (size_t f = 0; f < idx->count; f++) {
        const mum_express_file *xf = &idx->files[f];
        char *local = mum__strdup(xf->name);
        if (!local)
            return nomem(b);
        for (char *p = local; *p; p++)
            if (*p == '\\')
                *p = '/';
        bool present = false;
        for (size_t i = first; i < last && !present; i++) {
            node_priv *n = b->g->nodes[i];
            present = strcmp(n->pub.container, cab_path) == 0 && !n->express_blob &&
                      mum__path_equal(n->pub.entry + (*cab_path ? strlen(cab_path) + 1 : 0), local);
        }
        /* a package's .mum, .cat and manifests sit at the top, stored as
         * they are; a .cat in a component's folder is a driver's payload */
        if (present || mum__ascii_ends_with_ci(local, ".mum") ||
            mum__ascii_ends_with_ci(local, ".manifest") ||
            (mum__ascii_ends_with_ci(local, ".cat") && !strchr(local, '/'))) {
            mum__free(local);
            continue;
        }
        char *path = mum__asprintf("%s%s%s", cab_path, *cab_path ? "!" : "", local);
        mum__free(local);
        node_priv *n = path ? mum__graph_node_new(b->g, MUM_NODE_PAYLOAD, b->input, path) : NULL;
        mum__free(path);
        if (!n)
            return nomem(b);
        n->pub.size = xf->length;
        if (mum__graph_node_express(b->g, n, xf) != MUM_OK)
            return nomem(b);
        n->pub.express_delta = xf->status == MUM_EXPRESS_DELTA_ONLY;
        /* the decoded file's digest, as the index gives it */
        if (xf->hash.alg == MUM_HASH_SHA1 && xf->hash.size == 20) {
            memcpy(n->pub.digests.sha1, xf->hash.value, 20);
            n->pub.digests.sha1_ok = true;
        } else if (xf->hash.alg == MUM_HASH_SHA256 && xf->hash.size == 32) {
            memcpy(n->pub.digests.sha256, xf->hash.value, 32);
            n->pub.digests.sha256_ok = true;
        }
        /* a copy of its basis has the basis's bytes: follow the chain */
        const mum_express_file *src = xf;
        for (size_t hops = 0; src->status == MUM_EXPRESS_COPY && src->basis != MUM_EXPRESS_NONE &&
                              src->basis < idx->count && hops < idx->count;
             hops++)
            src = &idx->files[src->basis];
        n->pub.express_delta = src->status != MUM_EXPRESS_STORED;
        /* a stored (RAW) blob under another name is the file itself */
        if (src->status == MUM_EXPRESS_STORED && src->blob != MUM_EXPRESS_NONE) {
            for (size_t i = first; i < last; i++) {
                node_priv *blob = b->g->nodes[i];
                if (blob->express_blob && src->source_name && mum__path_equal(blob->pub.name, src->source_name)) {
                    n->pub.digests = blob->pub.digests;
                    if (blob->pub.pe && mum__graph_node_set_pe(n, blob->pub.pe) != MUM_OK)
                        return nomem(b);
                    n->pub.express_delta = false;
                    break;
                }
            }
        }
    }
    return MUM_OK;
}

static int close_cabinet(build *b, const mum_entry *e)
{
    int rc = MUM_OK;
    if (!in_wsusscan(e->path, true)) {
        if (e->cab)
            rc = add_signature(b, e);
        if (rc == MUM_OK && b->cab_top >= 0 && b->cab_top < MAX_CABINETS &&
            b->cabs[b->cab_top].has_index)
            rc = close_express(b, b->cabs[b->cab_top].first_node);
    }
    /* heads are kept for express blobs only */
    if (rc == MUM_OK && b->cab_top >= 0 && b->cab_top < MAX_CABINETS && !b->cabs[b->cab_top].has_index)
        mum__graph_drop_heads(b->g, b->cabs[b->cab_top].first_node, b->cabs[b->cab_top].path);
    if (b->cab_top >= 0 && b->cab_top < MAX_CABINETS) {
        for (size_t i = b->cabs[b->cab_top].first_node; i < b->g->nnodes; i++) {
            node_priv *n = b->g->nodes[i];
            if (n->kept) {
                mum__free(n->kept->bytes);
                n->kept->bytes = NULL;
                n->kept->bytes_len = n->kept->bytes_cap = 0;
                mum__graph_node_unkeep(n); /* its head, if kept, stays */
            }
        }
        mum__free(b->cabs[b->cab_top].path);
        mum__sbuf_free(&b->cabs[b->cab_top].index);
    }
    b->cab_top--;
    return rc;
}

static int on_entry(void *ud, const mum_entry *e)
{
    build *b = ud;
    b->entries++;
    if (b->opts->progress && (b->entries & 255) == 0)
        b->opts->progress(b->opts->progress_ud, b->in->pub.path, b->entries, b->bytes);
    switch (e->kind) {
    case MUM_ENTRY_CONTAINER:
        if (e->depth == 0) {
            const char *kind = e->container == MUM_CONTAINER_FOLDER ? "folder"
                               : mum__ascii_ends_with_ci(e->name ? e->name : b->in->pub.path, ".msu")
                                   ? "msu" : "cabinet";
            if (!mum__replace_str(&b->in->kind, kind))
                return nomem(b);
            b->in->pub.kind = b->in->kind;
        }
        return e->container == MUM_CONTAINER_CABINET || e->depth == 0 ? open_cabinet(b, e) : MUM_OK;
    case MUM_ENTRY_CONTAINER_END:
        return e->container == MUM_CONTAINER_CABINET || e->depth == 0 ? close_cabinet(b, e) : MUM_OK;
    case MUM_ENTRY_FILE:
        break;
    }

    b->role = role_of(e);
    /* standard input has no name to tell an .msu by: its properties file does (as in info.c) */
    if (b->role == ROLE_PROPERTIES && b->in->kind && strcmp(b->in->kind, "cabinet") == 0 &&
        strcmp(b->in->pub.path, MUM_INPUT_STDIN) == 0) {
        if (!mum__replace_str(&b->in->kind, "msu"))
            return nomem(b);
        b->in->pub.kind = b->in->kind;
    }
    b->cur = NULL;
    b->head_size = 0;
    b->buf.len = 0;
    b->buf_over = false;
    prepared_free(b->ready); /* ours from here (the last one's, if it had no end) */
    b->ready = e->prepared;
    mum_pe_hasher_free(b->pe);
    b->pe = NULL;
    mum__pe_version_free(b->ver);
    b->ver = NULL;
    if (b->role == ROLE_SKIP)
        return MUM_OK;
    if (b->role == ROLE_INDEX) {
        if (b->cab_top >= 0 && b->cab_top < MAX_CABINETS) {
            b->cabs[b->cab_top].has_index = true;
            b->cabs[b->cab_top].index.len = 0;
        }
        return MUM_OK;
    }
    if (b->role == ROLE_PROPERTIES || b->role == ROLE_UNATTEND)
        return MUM_OK;

    mum_node_kind kind = b->role == ROLE_PACKAGE     ? MUM_NODE_PACKAGE
                         : b->role == ROLE_COMPONENT ? MUM_NODE_COMPONENT
                         : b->role == ROLE_CATALOG   ? MUM_NODE_CATALOG
                                                     : MUM_NODE_PAYLOAD;
    node_priv *n = mum__graph_node_new(b->g, kind, b->input, e->path);
    if (!n)
        return nomem(b);
    n->pub.size = e->size;
    n->pub.has_mtime = e->has_mtime;
    n->pub.mtime = e->mtime;
    b->cur = n;
    /* what may be an express blob is kept for rebuilding (keep_bytes):
     * anything after the index of its cabinet (genuine express cabinets
     * start with it; a manifest may be a RAW basis), or a payload named as
     * blobs are (no extension) */
    if (b->cab_top >= 0 && b->cab_top < MAX_CABINETS)
        n->keep = b->cabs[b->cab_top].has_index || (kind == MUM_NODE_PAYLOAD && !strchr(n->pub.name, '.'));
    if ((kind == MUM_NODE_PACKAGE || kind == MUM_NODE_COMPONENT) && !b->ready) {
        mum_manifest_options mo = MUM_MANIFEST_OPTIONS_INIT; /* no findings: judge_names.c */
        mo.file_name = n->pub.name;
        mo.base_manifest = b->opts->base_manifest;
        mo.base_manifest_size = b->opts->base_manifest_size;
        mum_location loc = here(b, n->pub.entry);
        /* the last manifest's parser lends its XML reader and buffers */
        int rc = mum__manifest_parser_renew_lent(&b->parser, b->ctx, &loc, &mo, b->g->strings);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

static void buffer(build *b, const void *data, size_t size, size_t limit)
{
    if (b->buf_over)
        return;
    if (b->buf.len + size > limit) {
        b->buf_over = true;
        return;
    }
    mum__sbuf_append(&b->buf, data, size);
}

/*
 * Keeps a possible express blob's bytes until its cabinet ends.  Deltas are
 * small, and a cabinet keeps at most MUM__EXPRESS_KEPT_MAX bytes in all: a
 * blob past that is dropped (the files built on it are then reported not
 * checkable).  The rebuilt files add at most the largest chain in flight
 * (express_rebuild.c frees a basis once its last user is built).
 */
static int keep_bytes(build *b, node_priv *n, const void *data, size_t size)
{
    size_t *kept = &b->cabs[b->cab_top].kept;
    node_kept *k = n->kept;
    if (size > MUM__EXPRESS_KEPT_MAX - *kept) {
        if (k) {
            *kept -= k->bytes_len;
            mum__free(k->bytes);
            k->bytes = NULL;
            k->bytes_len = k->bytes_cap = 0;
            mum__graph_node_unkeep(n);
        }
        n->keep = false;
        return MUM_OK;
    }
    if (!k && !(k = mum__graph_node_kept(n)))
        return MUM_ENOMEM;
    if (k->bytes_len + size > k->bytes_cap) { /* the entry's size, grown by doubling if it lies */
        uint64_t cap = k->bytes_cap ? (uint64_t)k->bytes_cap * 2 : n->pub.size;
        if (cap > MUM__EXPRESS_KEPT_MAX) /* no more is kept (and bytes_cap is 32 bits) */
            cap = MUM__EXPRESS_KEPT_MAX;
        if (cap < k->bytes_len + size)
            cap = k->bytes_len + size;
        uint8_t *p = mum__realloc(k->bytes, cap ? (size_t)cap : 1);
        if (!p)
            return MUM_ENOMEM;
        k->bytes = p;
        k->bytes_cap = (uint32_t)cap;
    }
    memcpy(k->bytes + k->bytes_len, data, size);
    k->bytes_len += (uint32_t)size; /* at most MUM__EXPRESS_KEPT_MAX in all (above) */
    *kept += size;
    return MUM_OK;
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    MUM_UNUSED(e);
    build *b = ud;
    b->bytes += size;
    /* (a payload's first block is kept below, once it is known to be a delta) */
    if (b->cur && b->cur->keep && (b->role != ROLE_PAYLOAD || b->head_size) &&
        keep_bytes(b, b->cur, data, size) != MUM_OK)
        return nomem(b);
    switch (b->role) {
    case ROLE_SKIP:
        return MUM_OK;
    case ROLE_INDEX:
        if (b->cab_top >= 0 && b->cab_top < MAX_CABINETS) {
            /* a short index would read as a truncated document */
            mum_sbuf *ib = &b->cabs[b->cab_top].index;
            mum__sbuf_append(ib, data, size);
            if (ib->failed)
                return nomem(b);
        }
        return MUM_OK;
    case ROLE_PROPERTIES:
    case ROLE_UNATTEND:
    case ROLE_CATALOG:
        buffer(b, data, size, MAX_BUFFERED);
        break;
    case ROLE_PACKAGE:
    case ROLE_COMPONENT:
        if (b->parser && !b->ready) {
            int rc = mum_manifest_parser_feed(b->parser, data, size);
            if (rc == MUM_ENOMEM)
                return rc;
            /* a parse error is kept by the parser and reported at the end */
        }
        break;
    case ROLE_PAYLOAD: {
        node_priv *n = b->cur;
        size_t before = b->head_size;
        mum__keep_head(b->head, sizeof b->head, &b->head_size, data, size);
        int rc = b->head_size > before ? mum__graph_node_keep_head(n, b->head, b->head_size) : MUM_OK;
        if (rc != MUM_OK)
            return nomem(b);
        if (before == 0 && size >= 4 && memcmp(data, "PA30", 4) == 0)
            n->keep = b->cab_top >= 0 && b->cab_top < MAX_CABINETS; /* a delta: a blob */
        if (n->keep && (!n->kept || n->kept->bytes_len == 0) && keep_bytes(b, n, data, size) != MUM_OK)
            return nomem(b);
        if (before < 2 && b->head_size >= 2 && b->head[0] == 'M' && b->head[1] == 'Z') {
            /* it starts like a PE file: its Authenticode digests too (the
             * hasher holds only the headers) */
            mum_hash_alg algs[2];
            size_t nalg = 0;
            b->pe_algs = b->pe_want ? b->pe_want : MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256;
            if (b->pe_algs & MUM_DIGEST_SHA1)
                algs[nalg++] = MUM_HASH_SHA1;
            if (b->pe_algs & MUM_DIGEST_SHA256)
                algs[nalg++] = MUM_HASH_SHA256;
            rc = mum_pe_hasher_new(&b->pe, algs, nalg, 0);
            if (rc == MUM_OK && before)
                rc = mum_pe_hasher_update(b->pe, b->head, before);
            /* and its version resource, from the same bytes */
            if (rc == MUM_OK)
                rc = mum__pe_version_new(&b->ver);
            if (rc == MUM_OK && before)
                rc = mum__pe_version_update(b->ver, b->head, before);
        }
        if (rc == MUM_OK && b->pe)
            rc = mum_pe_hasher_update(b->pe, data, size);
        if (rc == MUM_OK && b->ver)
            rc = mum__pe_version_update(b->ver, data, size);
        if (rc == MUM_ENOMEM)
            return nomem(b);
        if (rc != MUM_OK)
            return mum__error(b->ctx, rc, NULL, "the digest could not be computed");
        break;
    }
    }
    return b->buf.failed ? nomem(b) : MUM_OK;
}

static int finish_manifest(build *b, node_priv *n)
{
    mum_manifest *m = NULL;
    prepared *p = b->ready;
    int rc;
    if (p) { /* parsed on the decoding thread */
        b->ready = NULL;
        m = p->m;
        p->m = NULL;
        rc = p->rc;
        if (rc != MUM_OK)
            mum__error(b->ctx, rc, &(mum_location){.line = p->line, .column = p->column}, "%s",
                       p->reason);
        prepared_free(p);
    } else {
        rc = mum_manifest_parser_finish(&m, b->parser); /* the parser stays for the next one */
    }
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        n->pub.parse_status = rc;
        const mum_location *where = mum_ctx_location(b->ctx);
        mum_location loc = here(b, n->pub.entry);
        loc.line = where->line;
        loc.column = where->column;
        if (!(n->pub.parse_error = mum__strdup(mum_ctx_reason(b->ctx))))
            return nomem(b);
        mum_ctx_clear(b->ctx);
        if (rc == MUM_EDELTA)
            return mum__finding(b->findings, MUM_R_GRAPH_DELTA_MANIFEST, &loc,
                                b->opts->base_manifest
                                    ? "%s is delta-compressed in a form libmum does not read: "
                                      "its references and files cannot be checked"
                                    : "%s is delta-compressed and no base manifest was given: "
                                      "its references and files cannot be checked",
                                n->pub.name);
        return mum__finding(b->findings, MUM_R_GRAPH_UNREADABLE_MANIFEST, &loc, "%s: %s", n->pub.name,
                            n->pub.parse_error);
    }
    mum__graph_node_manifest(n, m); /* notes a wrong kind for the judge */
    return MUM_OK;
}

/*
 * Parses a catalog and checks it and its signature's integrity, into its node.  Runs on
 * the catalog worker (or the caller's thread with MUM_WALK_SINGLE_THREAD):
 * it touches nothing but its arguments and the node's catalog fields, which
 * nothing else reads before the walk is over.  Fails only for MUM_ENOMEM.
 */
static int check_catalog(mum_ctx *ctx, mum_findings *findings, const mum_graph_options *opts,
                         const char *input, node_priv *n, const void *data, size_t len, bool too_large)
{
    (void)opts; /* reading needs no option here: signatures are judged by verify */
    mum_location loc = {.input = input, .entry = n->pub.entry};
    if (too_large)
        return mum__finding(findings, MUM_R_GRAPH_UNREADABLE_CATALOG, &loc,
                            "%s is larger than %d MiB: not read", n->pub.name, MAX_BUFFERED >> 20);
    mum_catalog *cat = NULL;
    int rc = mum_catalog_parse(&cat, ctx, data ? data : "", len, &loc);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        n->pub.parse_status = rc;
        if (!(n->pub.parse_error = mum__strdup(mum_ctx_reason(ctx))))
            return MUM_ENOMEM;
        rc = mum__finding(findings, MUM_R_GRAPH_UNREADABLE_CATALOG, mum_ctx_location(ctx), "%s",
                          mum_ctx_reason(ctx));
        mum_ctx_clear(ctx);
        return rc;
    }
    mum__graph_node_catalog(n, cat);
    /* integrity only (the content's digest, the signature over it, the
     * chains as carried): the costly part, here on the worker; whether it
     * chains to an anchor is verify's to judge */
    rc = mum_signature_verify(&mum__node_cat(n)->integrity, ctx, mum_catalog_signature(cat), NULL);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        rc = mum__finding(findings, MUM_R_SIGNATURE_ATTRIBUTES, &loc,
                          "the catalog's signature cannot be checked: %s", mum_ctx_reason(ctx));
        mum_ctx_clear(ctx);
        return rc;
    }
    mum__node_cat(n)->integrity_done = true;
    mum__catalog_release_content(cat); /* its checks are kept: the judge needs no bytes */
    return MUM_OK;
}

/* ---- the catalog worker ---- */

/*
 * Catalogs are the largest pieces of parsing (megabytes of DER each, and a
 * signature to verify) and depend on nothing else, so while the walk goes
 * on they are checked on a thread of their own, one after the other, each
 * with its own findings; those are added to the build's in catalog order
 * once the walk is over.
 */
typedef struct cat_job {
    struct cat_job *next;
    node_priv *n;
    unsigned char *data;      /* the catalog's bytes, freed once checked */
    size_t len;
    bool too_large;
    mum_findings *findings;
    int status;               /* MUM_OK or MUM_ENOMEM */
} cat_job;

/* Catalog bytes waiting for the worker: past this, the walk waits for it
 * (tests lower it to make the walk wait for every catalog). */
static size_t max_pending = (size_t)64 << 20;

void mum__graph_catalog_backlog(size_t bytes)
{
    max_pending = bytes;
}

struct cat_worker {
    pthread_mutex_t mu;
    pthread_cond_t more;      /* a job was added, or the walk is over */
    pthread_cond_t done;      /* a job was checked */
    size_t pending;           /* bytes of the jobs not yet checked */
    mum__pool *pool;
    mum__pool_task task;      /* the worker's thread, borrowed from the pool */
    bool closing;
    cat_job *first, *last;    /* every job, in order */
    cat_job *todo;            /* the first not yet taken */
    mum_ctx *ctx;             /* the worker's own */
    const mum_graph_options *opts;
    const char *input;
};

static void cat_worker_main(void *arg)
{
    cat_worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->todo && !w->closing)
            pthread_cond_wait(&w->more, &w->mu);
        cat_job *j = w->todo;
        if (j)
            w->todo = j->next;
        pthread_mutex_unlock(&w->mu);
        if (!j)
            return;
        j->status = check_catalog(w->ctx, j->findings, w->opts, w->input, j->n, j->data, j->len,
                                  j->too_large);
        mum_ctx_clear(w->ctx);
        mum__free(j->data);
        j->data = NULL;
        pthread_mutex_lock(&w->mu);
        w->pending -= j->len;
        pthread_cond_signal(&w->done);
        pthread_mutex_unlock(&w->mu);
    }
}

/* Starts the worker; false when there is no thread to be had (then catalogs are checked inline). */
static bool cat_worker_start(build *b)
{
    cat_worker *w = mum__calloc(1, sizeof *w);
    if (!w)
        return false;
    w->opts = b->opts;
    w->input = b->in->pub.path;
    if (mum_ctx_new(&w->ctx) != MUM_OK) {
        mum__free(w);
        return false;
    }
    if (mum__pool_acquire(&w->pool) != MUM_OK) {
        mum_ctx_free(w->ctx);
        mum__free(w);
        return false;
    }
    bool sync = mum__sync_init(&w->mu, &w->more, &w->done);
    if (!sync || !mum__pool_start(w->pool, cat_worker_main, w, &w->task)) {
        if (sync)
            mum__sync_destroy(&w->mu, &w->more, &w->done);
        mum__pool_release(w->pool);
        mum_ctx_free(w->ctx);
        mum__free(w);
        return false;
    }
    b->worker = w;
    return true;
}

/* Hands the buffered catalog to the worker. */
static int cat_worker_add(build *b, node_priv *n)
{
    cat_job *j = mum__calloc(1, sizeof *j);
    if (!j || mum_findings_new(&j->findings) != MUM_OK) {
        mum__free(j);
        return nomem(b);
    }
    j->n = n;
    j->too_large = b->buf_over;
    if (!b->buf_over) {
        j->len = b->buf.len;
        j->data = (unsigned char *)b->buf.data; /* the buffer goes with the job */
        memset(&b->buf, 0, sizeof b->buf);
    }
    cat_worker *w = b->worker;
    pthread_mutex_lock(&w->mu);
    if (w->last)
        w->last->next = j;
    else
        w->first = j;
    w->last = j;
    if (!w->todo)
        w->todo = j;
    w->pending += j->len;
    pthread_cond_signal(&w->more);
    /* a package of huge catalogs does not pile them up in memory */
    while (w->pending > max_pending)
        pthread_cond_wait(&w->done, &w->mu);
    pthread_mutex_unlock(&w->mu);
    return MUM_OK;
}

/* Waits for the worker to finish, then adds every job's findings in order. */
static int cat_worker_finish(build *b, int rc)
{
    cat_worker *w = b->worker;
    if (!w)
        return rc;
    pthread_mutex_lock(&w->mu);
    w->closing = true;
    if (rc != MUM_OK)
        w->todo = NULL; /* the build failed: check no more */
    pthread_cond_signal(&w->more);
    pthread_mutex_unlock(&w->mu);
    mum__pool_finish(&w->task);
    mum__pool_release(w->pool);
    for (cat_job *j = w->first, *next; j; j = next) {
        next = j->next;
        if (rc == MUM_OK && j->status != MUM_OK)
            rc = nomem(b);
        if (rc == MUM_OK && mum__findings_relay(b->findings, j->findings) != MUM_OK)
            rc = nomem(b);
        mum_findings_free(j->findings);
        mum__free(j->data);
        mum__free(j);
    }
    mum__sync_destroy(&w->mu, &w->more, &w->done);
    mum_ctx_free(w->ctx);
    mum__free(w);
    b->worker = NULL;
    return rc;
}

/*
 * The Authenticode digests a catalog's PE members use, from its member
 * format's OID (DOMAIN.md): a v1 catalog lists PE files by their
 * Authenticode SHA-1, a v2 one by SHA-256 and SHA-1.  The catalog itself
 * is parsed on another thread (cat_worker), so its subject algorithm is
 * looked for in its bytes: anything else (a v2 OID, no OID found, a
 * catalog not all buffered) asks for both.
 */
static bool has_bytes(const uint8_t *p, size_t len, const uint8_t *pat, size_t n)
{
    const uint8_t *end = p + len;
    while ((size_t)(end - p) >= n) {
        const uint8_t *q = memchr(p, pat[0], (size_t)(end - p) - n + 1);
        if (!q)
            return false;
        if (memcmp(q, pat, n) == 0)
            return true;
        p = q + 1;
    }
    return false;
}

static unsigned catalog_pe_algs(const build *b)
{
    /* 1.3.6.1.4.1.311.12.1.2 and .3, DER */
    static const uint8_t v1[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x01, 0x02};
    static const uint8_t v2[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x01, 0x03};
    const unsigned both = MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256;
    if (b->buf_over || !b->buf.data || b->buf.len < sizeof v1)
        return both;
    const uint8_t *p = (const uint8_t *)b->buf.data;
    if (has_bytes(p, b->buf.len, v2, sizeof v2))
        return both;
    return has_bytes(p, b->buf.len, v1, sizeof v1) ? MUM_DIGEST_SHA1 : both;
}

static int finish_catalog(build *b, node_priv *n)
{
    b->pe_want |= catalog_pe_algs(b);
    if (!(b->walk_flags & MUM_WALK_SINGLE_THREAD) && !b->small && (b->worker || cat_worker_start(b)))
        return cat_worker_add(b, n);
    int rc = check_catalog(b->ctx, b->findings, b->opts, b->in->pub.path, n, b->buf.data, b->buf.len,
                           b->buf_over);
    return rc == MUM_ENOMEM ? nomem(b) : rc;
}

/* A PE payload's file version, when it has a version resource: in
 * version, pointed to by pe->file_version. */
static int finish_version(build *b, mum_node_pe *pe, char (*version)[32])
{
    if (!b->ver)
        return MUM_OK;
    int rc = mum__pe_version_finish(b->ver, *version, sizeof *version);
    mum__pe_version_free(b->ver);
    b->ver = NULL;
    if (rc == MUM_ENOMEM)
        return nomem(b);
    if (rc == MUM_OK)
        pe->file_version = *version;
    return MUM_OK;
}

/* A payload's Authenticode digests and version, when it starts like a PE
 * file: its node's pe record, made only then (most nodes have none). */
static int finish_payload(build *b, node_priv *n)
{
    mum_node_pe pe = {0};
    char version[32];
    CHECK(finish_version(b, &pe, &version));
    int rc = MUM_OK;
    if (b->pe) {
        mum_location loc = here(b, n->pub.entry);
        uint8_t out[2][MUM_HASH_MAX_SIZE];
        rc = mum_pe_hasher_finish(b->pe, b->ctx, &loc, out, NULL);
        mum_pe_hasher_free(b->pe);
        b->pe = NULL;
        if (rc == MUM_ENOMEM)
            return rc;
        if (rc == MUM_ENOTFOUND) { /* not a PE file after all */
            mum_ctx_clear(b->ctx);
        } else if (rc != MUM_OK) {
            /* not a well-formed PE: catalogs list it by its flat digest, if at all */
            pe.error = mum_ctx_reason(b->ctx);
        } else {
            pe.image = true;
            size_t k = 0;
            if (b->pe_algs & MUM_DIGEST_SHA1) {
                pe.sha1_ok = true;
                memcpy(pe.sha1, out[k++], 20);
            }
            if (b->pe_algs & MUM_DIGEST_SHA256) {
                pe.sha256_ok = true;
                memcpy(pe.sha256, out[k], 32);
            }
        }
    }
    if (pe.image || pe.error || pe.file_version)
        rc = mum__graph_node_set_pe(n, &pe);
    else
        rc = MUM_OK;
    if (pe.error)
        mum_ctx_clear(b->ctx);
    return rc == MUM_OK ? MUM_OK : nomem(b);
}

static int finish_metadata(build *b, const mum_entry *e)
{
    mum_location loc = here(b, e->path);
    if (b->buf_over)
        return MUM_OK;
    if (b->role == ROLE_PROPERTIES) {
        if (b->in->have_props)
            return MUM_OK;
        int rc = mum_msu_properties_parse(&b->in->props, b->ctx, &loc, b->buf.data ? b->buf.data : "",
                                          b->buf.len);
        if (rc == MUM_ENOMEM)
            return rc;
        if (rc != MUM_OK) {
            rc = mum__finding(b->findings, MUM_R_GRAPH_UNREADABLE_METADATA, mum_ctx_location(b->ctx),
                              "%s", mum_ctx_reason(b->ctx));
            mum_ctx_clear(b->ctx);
            return rc;
        }
        b->in->have_props = true;
        const char *kb = mum_msu_properties_get(&b->in->props, "KB Article Number");
        if (kb && !b->in->kb) {
            if (!(b->in->kb = mum__strdup(kb)))
                return nomem(b);
            b->in->pub.kb = b->in->kb;
        }
        return MUM_OK;
    }
    /* the unattend file: read only to report a broken one */
    mum_msu_unattend u;
    int rc = mum_msu_unattend_parse(&u, b->ctx, &loc, b->buf.data ? b->buf.data : "", b->buf.len);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        rc = mum__finding(b->findings, MUM_R_GRAPH_UNREADABLE_METADATA, mum_ctx_location(b->ctx), "%s",
                          mum_ctx_reason(b->ctx));
        mum_ctx_clear(b->ctx);
        return rc;
    }
    mum_msu_unattend_clear(&u);
    return MUM_OK;
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    build *b = ud;
    node_priv *n = b->cur;
    int rc = MUM_OK;
    if (b->role == ROLE_PROPERTIES || b->role == ROLE_UNATTEND)
        return finish_metadata(b, e);
    if (!n)
        return MUM_OK;
    if (e->digests) { /* both computed by the walk (mum_walk_run: on its hashing thread) */
        memcpy(n->pub.digests.sha256, e->digests->sha256, 32);
        memcpy(n->pub.digests.sha1, e->digests->sha1, 20);
        n->pub.digests.sha1_ok = e->digests->sha1_valid;
        n->pub.digests.sha256_ok = true;
    }
    switch (b->role) {
    case ROLE_PACKAGE:
    case ROLE_COMPONENT:
        rc = finish_manifest(b, n);
        break;
    case ROLE_CATALOG:
        rc = finish_catalog(b, n);
        break;
    case ROLE_PAYLOAD:
        rc = finish_payload(b, n);
        break;
    default:
        break;
    }
    b->cur = NULL;
    if (b->buf.cap > (1u << 20)) /* do not keep a large buffer for the next file */
        mum__sbuf_free(&b->buf);
    return rc;
}

/* ---- reading one input ---- */

/*
 * An input this small is read on the caller's thread alone: for a small
 * package, handing its few blocks to a decoding thread, its catalogs to a
 * worker and its cabinet's bytes to a hashing thread cost more than the
 * work they overlap (thread wake-ups, half of the CPU time of a call over
 * 1 000 small packages was the kernel's; the rings' buffers) and gained no
 * wall time.  Express files are still rebuilt on the pool.
 */
#define SMALL_INPUT_BYTES (256u << 10)

bool mum__graph_small_input(input_priv *in)
{
    /* the caller asks before handing an input to a shard job, which asks
     * again: one stat, not two (the walk makes its own) */
    if (!in->small_known) {
        const char *path = in->pub.path;
        struct stat st;
        in->small = !mum__graph_threads_forced() && strcmp(path, MUM_INPUT_STDIN) != 0 &&
                    stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)SMALL_INPUT_BYTES;
        in->small_size = in->small ? (uint64_t)st.st_size : 0;
        in->small_known = true;
    }
    return in->small;
}

int mum__graph_read_input(mum_graph *g, mum_ctx *ctx, size_t input, const mum_graph_options *opts,
                           mum_findings *findings, uint64_t counts[2])
{
    build b;
    memset(&b, 0, sizeof b);
    b.g = g;
    b.ctx = ctx;
    b.findings = findings;
    b.opts = opts;
    b.input = input;
    b.in = &g->inputs[input];
    b.cab_top = -1;
    /* the walk computes every file's SHA-1 and SHA-256 on its hashing thread (and the
     * cabinets' digests on theirs) while this one parses and computes the PE digests */
    mum_walk_options wo = MUM_WALK_OPTIONS_INIT;
    wo.flags |= MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST | MUM_WALK_FILE_DIGESTS |
                opts->walk_flags;
    b.walk_flags = wo.flags;
    if ((b.small = mum__graph_small_input(b.in)))
        wo.flags |= MUM_WALK_SINGLE_THREAD; /* the decoding thread and the cabinet digest's */
    mum_walk_consumer c = {.want_data = want_data,
                           .entry = on_entry,
                           .data = on_data,
                           .entry_end = on_entry_end,
                           .prepare = prepare_manifest,
                           .release = release_prepared};
    /* at the start and the end of each input too: a caller that counts
     * (mumtool -v) sees every input and its exact totals */
    if (opts->progress)
        opts->progress(opts->progress_ud, b.in->pub.path, 0, 0);
    /* the size seen by the stat above spares the walk its own (checked as
     * the file is read: mum__walk_run) */
    int rc = mum__walk_run(ctx, b.in->pub.path, b.small ? b.in->small_size : MUM__WALK_SIZE_UNKNOWN, &wo, &c, &b,
                           findings);
    if (opts->progress)
        opts->progress(opts->progress_ud, b.in->pub.path, b.entries, b.bytes);
    if (counts) {
        counts[0] = b.entries;
        counts[1] = b.bytes;
    }
    rc = cat_worker_finish(&b, rc);
    mum_manifest_parser_free(b.parser);
    mum_manifest_parser_free(b.pparser);
    mum_ctx_free(b.pctx);
    prepared_free(b.ready);
    mum_pe_hasher_free(b.pe);
    mum__pe_version_free(b.ver);
    mum__sbuf_free(&b.buf);
    for (; b.cab_top >= 0; b.cab_top--)
        if (b.cab_top < MAX_CABINETS) {
            mum__free(b.cabs[b.cab_top].path);
            mum__sbuf_free(&b.cabs[b.cab_top].index);
        }
    if (b.in->kind == NULL && rc == MUM_OK && !mum__replace_str(&b.in->kind, "cabinet"))
        rc = MUM_ENOMEM;
    b.in->pub.kind = b.in->kind;
    /* express cabinets say so */
    if (rc == MUM_OK && b.in->nexpress && b.in->kind && strcmp(b.in->kind, "cabinet") == 0 &&
        !mum__replace_str(&b.in->kind, "express cabinet"))
        rc = MUM_ENOMEM;
    b.in->pub.kind = b.in->kind;
    return rc;
}
