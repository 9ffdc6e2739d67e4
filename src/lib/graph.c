/*
 * graph.c - the package graph of mum/graph.h: its storage (nodes made and
 * filled here, by reading or by hand for the judge's tests), accessors,
 * reachability, and mum_graph_build, which reads each input into nodes
 * (graph_walk.c) and then resolves their references (graph_resolve.c).
 */
#include "config.h"

#include "express_internal.h"
#include "graph_internal.h"
#include "pe_version.h"
#include "pool.h"

#include <mum/container.h>
#include <mum/graph.h>
#include <mum/msu.h>
#include <mum/names.h>
#include <mum/pe.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- storage (the types: graph_internal.h) ---- */

bool mum__graph_one_thread(const mum_graph *g)
{
    return g->one_thread;
}

int mum__graph_reached(const mum_graph *g, bool *seen)
{
    size_t count = g->nnodes;
    const mum_node **todo = mum__calloc(count ? count : 1, sizeof *todo);
    if (!todo)
        return MUM_ENOMEM;
    size_t top = 0;
    for (size_t i = 0; i < count; i++) {
        const mum_node *n = &g->nodes[i]->pub;
        /* roots: packages no other package installs */
        if (n->kind == MUM_NODE_PACKAGE && n->in_count == 0 && !seen[i]) {
            seen[i] = true;
            todo[top++] = n;
        }
    }
    while (top) {
        const mum_node *n = todo[--top];
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_node *t = n->edges[k].to;
            if (t && !seen[t->index]) {
                seen[t->index] = true;
                todo[top++] = t;
            }
        }
    }
    mum__free(todo);
    return MUM_OK;
}

static const char *const node_kind_names[] = {"?", "package", "component", "catalog", "payload"};
static const char *const edge_kind_names[] = {"?",          "package", "component", "driver",
                                              "dependency", "file",    "catalog"};

const char *mum_node_kind_name(mum_node_kind kind)
{
    return (unsigned)kind < MUM_ARRAY_LEN(node_kind_names) ? node_kind_names[kind] : "?";
}

const char *mum_edge_kind_name(mum_edge_kind kind)
{
    return (unsigned)kind < MUM_ARRAY_LEN(edge_kind_names) ? edge_kind_names[kind] : "?";
}

void mum__graph_node_clear(node_priv *n)
{
    if (!n)
        return;
    if (n->kept)
        mum__free(n->kept->bytes);
    mum__free(n->kept);
    mum__free(n->pub.parse_error);
    /* pub's are the node's own (graph_internal.h) */
    mum__free((mum_node_pe *)n->pub.pe);
    if (n->pub.express) /* the record is the graph's text chunks', its why the node's */
        mum__free((char *)n->pub.express->why);
    mum_manifest_free((mum_manifest *)n->pub.manifest);
    mum_node_catalog *cat = (mum_node_catalog *)n->pub.cat; /* the graph's text chunks' */
    if (cat) {
        mum_catalog_free((mum_catalog *)cat->catalog);
        mum_sig_result_clear(&cat->integrity);
    }
    mum__free((mum_edge *)n->pub.edges);
}

/* Frees g's nodes, their blocks and the text chunks. */
static void nodes_free(mum_graph *g)
{
    for (size_t i = 0; i < g->nnodes; i++)
        mum__graph_node_clear(g->nodes[i]);
    for (node_block *b = g->blocks, *next; b; b = next) {
        next = b->next;
        mum__free(b);
    }
    for (struct text_chunk *c = g->text, *next; c; c = next) {
        next = c->next;
        mum__free(c);
    }
}

void mum_graph_free(mum_graph *g)
{
    if (!g)
        return;
    nodes_free(g);
    for (size_t i = 0; i < g->ninputs; i++) {
        input_priv *in = &g->inputs[i];
        mum__free(in->path);
        mum__free(in->kind);
        mum__free(in->platform);
        mum__free(in->kb);
        for (size_t k = 0; k < in->nsigs; k++) {
            mum_sig_result_clear(&in->sigs[k].integrity);
            mum_signature_free((mum_signature *)in->sigs[k].signature); /* the graph's own */
            mum__free(in->sigs[k].signer);
            mum__free((char *)in->sigs[k].container);
        }
        mum__free(in->sigs);
        for (size_t k = 0; k < in->nexpress; k++) {
            mum_express_index_clear(in->express[k]);
            mum__free(in->express[k]);
            mum__free(in->xcabs[k].cabinet);
            mum__free(in->xcabs[k].blobs);
        }
        mum__free(in->express);
        mum__free(in->xcabs);
        mum_msu_properties_clear(&in->props);
    }
    mum__free(g->inputs);
    mum__free(g->nodes);
    mum__intern_free(g->strings); /* after the nodes: their manifests point into it */
    mum__free(g);
}

size_t mum_graph_input_count(const mum_graph *g)
{
    return g ? g->ninputs : 0;
}

const mum_graph_input *mum_graph_input_at(const mum_graph *g, size_t i)
{
    return (g && i < g->ninputs) ? &g->inputs[i].pub : NULL;
}

size_t mum_graph_node_count(const mum_graph *g)
{
    return g ? g->nnodes : 0;
}

const mum_node *mum_graph_node(const mum_graph *g, size_t i)
{
    return (g && i < g->nnodes) ? &g->nodes[i]->pub : NULL;
}

mum_location mum_graph_location(const mum_graph *g, const mum_node *n, mum_manifest_pos pos)
{
    mum_location loc = {0};
    if (g && n && n->input < g->ninputs)
        loc.input = g->inputs[n->input].pub.path;
    if (n)
        loc.entry = n->entry;
    loc.line = pos.line;
    loc.column = pos.column;
    return loc;
}

/* The name a node gets for an entry path: the last part of its local path. */
const char *mum__graph_node_name(const char *path)
{
    const char *bang = strrchr(path, '!');
    const char *local = bang ? bang + 1 : path;
    const char *slash = strrchr(local, '/');
    return slash ? slash + 1 : local;
}

/* Blocks of nodes: the first small (most inputs are small), each next
 * twice as large, up to NODE_BLOCK_MAX nodes (about 120 KB). */
#define NODE_BLOCK_FIRST 16
#define NODE_BLOCK_MAX 256

/* A zeroed node from the newest block, or a new block; NULL: out of memory. */
static node_priv *node_alloc(mum_graph *g)
{
    node_block *b = g->blocks;
    if (!b || b->used == b->cap) {
        /* a shard's nodes are those of a few small inputs */
        size_t first = g->shard ? NODE_BLOCK_FIRST / 4 : NODE_BLOCK_FIRST;
        size_t cap = !b ? first : b->cap < NODE_BLOCK_MAX ? b->cap * 2 : NODE_BLOCK_MAX;
        node_block *nb = mum__calloc(1, sizeof *nb + cap * sizeof nb->nodes[0]);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->next = b;
        g->blocks = b = nb;
    }
    return &b->nodes[b->used++];
}

#define TEXT_CHUNK (16 * 1024)

/* `size` bytes at a multiple of `align` (a power of two, at most 16) in
 * the graph's chunks; NULL: out of memory. */
static void *text_take(mum_graph *g, size_t size, size_t align)
{
    if (size >= SIZE_MAX - sizeof(struct text_chunk) - TEXT_CHUNK)
        return NULL;
    struct text_chunk *c = g->text;
    size_t at = c ? (g->text_used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->cap || c->cap - at < size) {
        /* a shard's (a few small inputs') chunks start small and double */
        size_t chunk = !g->shard       ? TEXT_CHUNK
                       : !c            ? TEXT_CHUNK / 16
                       : c->cap < TEXT_CHUNK ? c->cap * 2
                                       : TEXT_CHUNK;
        /* a path longer than a quarter chunk has a chunk of its own, behind
         * the current one, which stays the one filled (malloc aligns it) */
        bool own = size > chunk / 4;
        size_t cap = own ? size : chunk;
        struct text_chunk *nc = mum__malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        if (own && c) {
            nc->next = c->next;
            c->next = nc;
            return nc->text;
        }
        nc->next = c;
        g->text = c = nc;
        at = 0;
    }
    g->text_used = at + size;
    return c->text + at;
}

/* A copy of s[0..len) and a NUL in the graph's text; NULL: out of memory. */
static char *text_copy(mum_graph *g, const char *s, size_t len)
{
    char *p = len < SIZE_MAX ? text_take(g, len + 1, 1) : NULL;
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* The interned copy of s[0..len) ("" is no string of the set); NULL: out of memory. */
static const char *intern_part(mum_graph *g, const char *s, size_t len)
{
    if (len == 0)
        return "";
    char small[256];
    char *tmp = len < sizeof small ? small : mum__malloc(len + 1);
    if (!tmp)
        return NULL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    const char *have = mum__intern_str(g->strings, tmp);
    if (tmp != small)
        mum__free(tmp);
    return have;
}

/* Splits a nested path "a.cab!dir/f" into container "a.cab", dir "dir", name "f". */
node_priv *mum__graph_node_new(mum_graph *g, mum_node_kind kind, size_t input, const char *path)
{
    if (!mum__grow((void **)&g->nodes, &g->capnodes, g->nnodes + 1, sizeof *g->nodes))
        return NULL;
    const char *bang = strrchr(path, '!');
    const char *local = bang ? bang + 1 : path;
    const char *slash = strrchr(local, '/');
    const char *name = mum__graph_node_name(path);
    size_t len = strlen(path);
    const char *container = intern_part(g, path, bang ? (size_t)(bang - path) : 0);
    size_t dlen = slash ? (size_t)(slash - local) : 0;
    const char *dir = !container ? NULL
                      : !dlen    ? ""
                      : g->last_dir && strncmp(g->last_dir, local, dlen) == 0 && g->last_dir[dlen] == '\0'
                          ? g->last_dir
                          : text_copy(g, local, dlen);
    g->last_dir = dir;
    char *entry = dir ? text_copy(g, path, len) : NULL;
    /* a catalog's own fields, beside the texts (few nodes are catalogs) */
    mum_node_catalog *cat = NULL;
    if (entry && kind == MUM_NODE_CATALOG &&
        (cat = text_take(g, sizeof *cat, _Alignof(mum_node_catalog))) != NULL)
        memset(cat, 0, sizeof *cat);
    /* mum_node.index is 32 bits: a graph runs out of memory long before */
    node_priv *n = entry && (cat || kind != MUM_NODE_CATALOG) && g->nnodes < UINT32_MAX ? node_alloc(g)
                                                                                        : NULL;
    if (!n)
        return NULL; /* what was taken is the graph's, freed with it */
    n->pub.cat = cat;
    n->pub.entry = entry;
    n->pub.container = container;
    n->pub.dir = dir;
    n->pub.name = entry + (size_t)(name - path);
    n->pub.kind = kind;
    n->pub.input = (uint32_t)input; /* mum_graph_build: fewer than UINT32_MAX inputs */
    n->pub.index = (uint32_t)g->nnodes;
    g->nodes[g->nnodes++] = n;
    return n;
}

int mum__graph_node_keep_head(node_priv *n, const uint8_t *head, size_t size)
{
    /* most payloads are no delta: their head would parse as none does */
    if (size > MUM_PA30_HEADER_MAX || !mum__express_head_may_be_delta(head, size))
        return MUM_OK;
    node_kept *k = mum__graph_node_kept(n);
    if (!k)
        return MUM_ENOMEM;
    memcpy(k->head, head, size);
    k->head_size = (uint16_t)size; /* at most MUM_PA30_HEADER_MAX */
    return MUM_OK;
}

node_kept *mum__graph_node_kept(node_priv *n)
{
    if (!n->kept)
        n->kept = mum__calloc(1, sizeof *n->kept);
    return n->kept;
}

void mum__graph_node_unkeep(node_priv *n)
{
    if (n->kept && !n->kept->bytes && !n->kept->head_size) {
        mum__free(n->kept);
        n->kept = NULL;
    }
}

void mum__graph_drop_heads(mum_graph *g, size_t first, const char *container)
{
    for (size_t i = first; i < g->nnodes; i++) {
        node_priv *n = g->nodes[i];
        if (n->kept && n->kept->head_size && strcmp(n->pub.container, container) == 0) {
            n->kept->head_size = 0;
            mum__graph_node_unkeep(n);
        }
    }
}

void mum__graph_node_manifest(node_priv *n, mum_manifest *m)
{
    /* a manifest the walk read keeps no entry of its own (the node's text
     * outlives it: both are the graph's) */
    if (!m->entry)
        m->entry = n->pub.entry;
    n->pub.manifest = m;
    n->pub.id = m->has_identity ? &m->identity : NULL;
    n->pub.deployment = m->kind == MUM_MANIFEST_DEPLOYMENT;
    /* a fact for the judge (judge_inputs.c: graph.wrong-kind) */
    n->wrong_kind = (n->pub.kind == MUM_NODE_PACKAGE && m->kind != MUM_MANIFEST_PACKAGE) ||
                    (n->pub.kind == MUM_NODE_COMPONENT && m->kind == MUM_MANIFEST_PACKAGE);
}

void mum__graph_node_catalog(node_priv *n, mum_catalog *cat)
{
    mum__node_cat(n)->catalog = cat;
}

int mum__graph_node_express(mum_graph *g, node_priv *n, const mum_express_file *xf)
{
    mum_node_express *x = (mum_node_express *)n->pub.express;
    if (!x && !(x = text_take(g, sizeof *x, _Alignof(mum_node_express))))
        return MUM_ENOMEM;
    x->file = xf;
    x->why = NULL;
    n->pub.express = x;
    return MUM_OK;
}

int mum__graph_node_set_pe(node_priv *n, const mum_node_pe *pe)
{
    size_t elen = pe->error ? strlen(pe->error) + 1 : 0;
    size_t vlen = pe->file_version ? strlen(pe->file_version) + 1 : 0;
    if (elen + vlen > SIZE_MAX - sizeof(mum_node_pe))
        return MUM_ENOMEM;
    mum_node_pe *p = mum__malloc(sizeof *p + elen + vlen);
    if (!p)
        return MUM_ENOMEM;
    *p = *pe;
    char *at = (char *)(p + 1);
    if (elen) {
        memcpy(at, pe->error, elen);
        p->error = at;
        at += elen;
    }
    if (vlen) {
        memcpy(at, pe->file_version, vlen);
        p->file_version = at;
    }
    mum__free((mum_node_pe *)n->pub.pe); /* after the copy: pe may be its */
    n->pub.pe = p;
    return MUM_OK;
}

/* ---- a graph built by hand (the judge's tests) ---- */

int mum__graph_new(mum_graph **out, const char *const *inputs, size_t input_count)
{
    *out = NULL;
    mum_graph *g = mum__calloc(1, sizeof *g);
    if (!g || !(g->inputs = mum__calloc(input_count ? input_count : 1, sizeof *g->inputs))) {
        mum__free(g);
        return MUM_ENOMEM;
    }
    /* the nodes' folders and containers, and the manifests' repeated values */
    if (mum__intern_new(&g->strings) != MUM_OK) {
        mum__free(g->inputs);
        mum__free(g);
        return MUM_ENOMEM;
    }
    g->ninputs = input_count;
    for (size_t i = 0; i < input_count; i++) {
        if (!(g->inputs[i].path = mum__strdup(inputs[i]))) {
            mum_graph_free(g);
            return MUM_ENOMEM;
        }
        g->inputs[i].pub.path = g->inputs[i].path;
        g->inputs[i].pub.platform = "";
    }
    *out = g;
    return MUM_OK;
}

int mum__graph_node_bytes(node_priv *n, const void *data, size_t len)
{
    mum_digests *d = &n->pub.digests;
    n->pub.size = len;
    if (mum_hash_buffer(d->sha1, MUM_HASH_SHA1, data, len) != MUM_OK ||
        mum_hash_buffer(d->sha256, MUM_HASH_SHA256, data, len) != MUM_OK)
        return MUM_ECRYPTO;
    d->sha1_ok = d->sha256_ok = true;
    /* as reading does for a payload: its version resource */
    char version[32];
    if (n->pub.kind != MUM_NODE_PAYLOAD || (n->pub.pe && n->pub.pe->file_version))
        return MUM_OK;
    int rc = mum__pe_version_of(data, len, version, sizeof version);
    if (rc == MUM_OK) {
        mum_node_pe pe = n->pub.pe ? *n->pub.pe : (mum_node_pe){0};
        pe.file_version = version;
        rc = mum__graph_node_set_pe(n, &pe);
    }
    return rc == MUM_ENOMEM ? rc : MUM_OK;
}

int mum__graph_node_read_catalog(mum_ctx *ctx, node_priv *n, const void *der, size_t len)
{
    mum_location loc = {.entry = n->pub.entry};
    mum_catalog *cat = NULL;
    int rc = mum__graph_node_bytes(n, der, len);
    if (rc == MUM_OK)
        rc = mum_catalog_parse(&cat, ctx, der, len, &loc);
    if (rc != MUM_OK)
        return rc;
    mum__graph_node_catalog(n, cat);
    /* as reading does: integrity only */
    mum_node_catalog *nc = mum__node_cat(n);
    rc = mum_signature_verify(&nc->integrity, ctx, mum_catalog_signature(cat), NULL);
    nc->integrity_done = rc == MUM_OK;
    return rc;
}

int mum__graph_finish(mum_graph *g)
{
    g->one_thread = true;
    return mum__graph_resolve(g, true);
}

/* ---- building ---- */

/*
 * Inputs read at once.  A call over many small packages (a build
 * pipeline's) read them one after another on the caller's thread, each
 * too small to gain from the walk's own threads (graph_walk.c,
 * mum__graph_small_input).  A run of such inputs is read instead on the
 * pool, a few consecutive inputs a job (one hand-over a few packages, not
 * one each), each job into a shard: a graph of its own nodes, blocks and
 * text, with the whole graph's inputs (it touches only its own) and
 * interned strings (locked); its own context and findings.  The shards are
 * merged into the graph in input order, their nodes renumbered, so the
 * graph, its findings and an error are those of reading the inputs in
 * order: reading stops at the first input that fails, whose error is the
 * call's, and what was read of the inputs after it is dropped.
 */
enum { SHARD_BATCH = 32, SHARD_FIRST_BATCH = 8 };

typedef struct shard {
    mum_graph g;
    mum_graph *whole;
    mum_ctx *ctx;
    mum_findings *findings;
    mum_graph_options opts;     /* the call's, without progress (reported when merged) */
    size_t first, count, done;  /* inputs first..first+count-1; done: read, the last failed when rc */
    uint64_t counts[SHARD_BATCH][2];
    int rc;
} shard;

/*
 * glibc grows a thread's malloc arena (unlike the main one, which has a top
 * pad) by exactly the pages a request lacks, with an mprotect each time:
 * the shard jobs keep what they read (about 10 KB a small package), so a
 * worker's arena grew a page at a time, 900 mprotect calls over 1 000
 * small packages, each taking the address space's lock that the other
 * worker's page faults need.  A block taken and given back on a worker's
 * first job grows its arena once; given back, the block is the free space
 * of the arena's top, which later allocations take from.
 *
 * Its pages were then touched one at a time as allocations reached them,
 * each a page fault (3 000 for 1 000 small packages, 7 to 10 us each on
 * some virtual machines, most of them trapping to the host): the worker
 * also populates, in one madvise, the part of the block its share of the
 * call's inputs should fill (SHARD_INPUT_BYTES each, at most the block),
 * before giving it back.  That part is marked for transparent huge pages
 * first (MADV_HUGEPAGE; nothing where the system has them off): populated
 * in 4 KiB pages, 6 MiB still took 5.5 ms there, in 2 MiB ones 0.8-0.9 ms,
 * for at most 2 MiB more than the part.  Not when glibc served the block
 * with a mapping of its own (a request above its mmap threshold, as in a
 * program that does not raise it as mumtool does): that mapping is
 * unmapped when freed, and the pages would be made for nothing.  A program
 * that raises the mmap threshold but keeps glibc's trim threshold (128 KiB)
 * has the arena's top given back at the free: the pages are made for
 * nothing then too, once a worker (mumtool raises both).
 *
 * Plain malloc: a hint to the allocator, not the library's memory (no
 * failure to report; a kernel without MADV_POPULATE_WRITE refuses the
 * call, and the pages fault as before).
 */
#define SHARD_ARENA_RESERVE ((size_t)16 << 20)
/* what a small input's reading keeps and passes through: the bench's
 * 1-manifest package keeps about 10 KB (doc/performance.md) */
#define SHARD_INPUT_BYTES ((size_t)12 << 10)
/* the transparent huge page of x86-64 and of most 4 KiB-page systems */
#define HUGE_PAGE ((size_t)2 << 20)

#ifdef __GLIBC__
#if defined(MADV_POPULATE_WRITE) && __GLIBC_PREREQ(2, 33)
/* glibc's own malloc, exported beside malloc */
extern void *__libc_malloc(size_t size);

/* Whether malloc is glibc's, not an allocator put in its place (a
 * sanitizer's, jemalloc's): the same address then.  Only glibc's arenas
 * are what reserve_arena hints about, and glibc's mallinfo2, called first
 * from a worker of a program whose malloc is another's, initialises
 * glibc's malloc there and fails an assertion when the thread exits. */
static bool glibc_malloc_active(void)
{
    void *(*volatile active)(size_t) = malloc; /* volatile: not folded */
    return active == __libc_malloc;
}

/* Populates, marked for huge pages, the part of block (SHARD_ARENA_RESERVE
 * bytes of glibc's arena) that `inputs` small inputs should fill. */
static void populate_part(void *block, size_t inputs)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)block + page - 1) & ~(uintptr_t)(page - 1);
    uintptr_t end = (uintptr_t)block + SHARD_ARENA_RESERVE;
    size_t want = inputs < SHARD_ARENA_RESERVE / SHARD_INPUT_BYTES ? inputs * SHARD_INPUT_BYTES
                                                                   : SHARD_ARENA_RESERVE;
    if (want > end - start)
        want = end - start;
    want &= ~(page - 1);
    if (!want)
        return;
#ifdef MADV_HUGEPAGE
    /* to a huge page's boundary when the block reaches it: the kernel
     * makes huge pages of whole aligned extents only */
    uintptr_t huge_end = (start + want + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (huge_end <= end)
        want = huge_end - start;
    (void)madvise((void *)start, want, MADV_HUGEPAGE);
#endif
    (void)madvise((void *)start, want, MADV_POPULATE_WRITE);
}

/* The block reserve_arena gives back, populated for the inputs after
 * `first` that this worker should read (its share, if the run holds them
 * all) when glibc's arena served it. */
static void *take_block(const mum_graph *whole, size_t first)
{
    /* a mapping of its own for the block: one more in glibc's count
     * (another thread's mapping made or freed at the same moment can only
     * skip the hint or waste it) */
    bool glibc = glibc_malloc_active();
    size_t mapped = glibc ? mallinfo2().hblks : 0;
    void *volatile block = malloc(SHARD_ARENA_RESERVE); /* volatile: not optimised away */
    if (block && glibc && mallinfo2().hblks == mapped)
        populate_part(block, (whole->ninputs - first) / mum__pool_width());
    return block;
}
#else
static void *take_block(const mum_graph *whole, size_t first)
{
    (void)whole;
    (void)first;
    void *volatile block = malloc(SHARD_ARENA_RESERVE); /* volatile: not optimised away */
    return block;
}
#endif
#endif

static void reserve_arena(const mum_graph *whole, size_t first)
{
#ifdef __GLIBC__
    static _Thread_local bool reserved;
    if (reserved)
        return;
    reserved = true;
    free(take_block(whole, first));
#else
    (void)whole;
    (void)first;
#endif
}

static void shard_run(void *arg)
{
    shard *sh = arg;
    mum_graph *whole = sh->whole;
    reserve_arena(whole, sh->first);
    sh->g = (mum_graph){.inputs = whole->inputs, .ninputs = whole->ninputs, .one_thread = whole->one_thread,
                        .shard = true, .strings = whole->strings};
    bool made = mum_ctx_new(&sh->ctx) == MUM_OK && mum_findings_new(&sh->findings) == MUM_OK;
    sh->rc = made ? MUM_OK : MUM_ENOMEM;
    for (; sh->rc == MUM_OK && sh->done < sh->count; sh->done++)
        sh->rc = mum__graph_read_input(&sh->g, sh->ctx, sh->first + sh->done, &sh->opts, sh->findings,
                                       sh->counts[sh->done]);
    if (sh->rc != MUM_OK && sh->done < sh->count)
        sh->done++; /* the failed input's progress, as reading in order reports it */
    else if (sh->rc == MUM_OK && (sh->rc = mum__graph_resolve_shard(&sh->g, sh->first, sh->count)) != MUM_OK)
        mum__nomem(sh->ctx);
}

/* Moves a shard's nodes, blocks and text into g, after its own. */
static int shard_merge(mum_graph *g, mum_graph *s)
{
    if (s->nnodes >= UINT32_MAX - g->nnodes) /* mum_node.index is 32 bits */
        return MUM_ELIMIT;
    if (!mum__grow((void **)&g->nodes, &g->capnodes, g->nnodes + s->nnodes, sizeof *g->nodes))
        return MUM_ENOMEM;
    for (size_t k = 0; k < s->nnodes; k++) {
        node_priv *n = s->nodes[k];
        n->pub.index = g->nnodes;
        g->nodes[g->nnodes++] = n;
    }
    s->nnodes = 0;
    /* behind g's newest block and chunk, which stay the ones filled */
    if (s->blocks) {
        node_block *last = s->blocks;
        while (last->next)
            last = last->next;
        if (g->blocks) {
            last->next = g->blocks->next;
            g->blocks->next = s->blocks;
        } else {
            g->blocks = s->blocks;
        }
        s->blocks = NULL;
    }
    if (s->text) {
        struct text_chunk *last = s->text;
        while (last->next)
            last = last->next;
        if (g->text) {
            last->next = g->text->next;
            g->text->next = s->text;
        } else {
            g->text = s->text;
            g->text_used = s->text_used;
        }
        s->text = NULL;
    }
    return MUM_OK;
}

/* Frees what a shard still holds (its nodes when not merged). */
static void shard_clear(shard *sh)
{
    mum_graph *s = &sh->g;
    nodes_free(s);
    mum__free(s->nodes);
    mum_ctx_free(sh->ctx);
    mum_findings_free(sh->findings);
    memset(sh, 0, sizeof *sh);
}

/* Gives g shard sh's nodes, its findings to `findings` and its error to
 * ctx, with the progress reading its inputs would have reported. */
static int shard_take(mum_graph *g, mum_ctx *ctx, const mum_graph_options *opts, mum_findings *findings,
                      shard *sh)
{
    int rc = sh->rc;
    /* merged on failure too: the graph is then freed whole, as after reading in order */
    int mrc = shard_merge(g, &sh->g);
    if (mrc == MUM_OK && sh->findings && mum__findings_relay(findings, sh->findings) != MUM_OK)
        mrc = MUM_ENOMEM;
    /* (mum__error says MUM_ENOMEM as mum__nomem does) */
    if (rc != MUM_OK && mum_ctx_status(sh->ctx) != MUM_OK)
        mum__error(ctx, mum_ctx_status(sh->ctx), mum_ctx_location(sh->ctx), "%s", mum_ctx_reason(sh->ctx));
    else if (rc == MUM_OK && mrc == MUM_ELIMIT)
        mum__error(ctx, MUM_ELIMIT, NULL, "more than %u nodes in one graph", (unsigned)UINT32_MAX - 1);
    else if (rc == MUM_OK && mrc != MUM_OK)
        mum__nomem(ctx);
    for (size_t i = 0; opts->progress && i < sh->done; i++) {
        const char *path = g->inputs[sh->first + i].pub.path;
        opts->progress(opts->progress_ud, path, 0, 0);
        opts->progress(opts->progress_ud, path, sh->counts[i][0], sh->counts[i][1]);
    }
    return rc != MUM_OK ? rc : mrc;
}

/* Jobs in flight, at most: two a processor, run by one worker a processor
 * (the caller only merges).  With one a processor a worker done before the
 * job merged next sat idle until that job ended and the caller had merged
 * it and queued the next (a quarter of the workers' time over 1 000 small
 * packages); the second job waits for it in the queue.  What is read past
 * a failure is at most these jobs (128 small inputs on two processors). */
enum { SHARD_WINDOW = 2 * MUM_POOL_WORKERS };

/*
 * Reads the run of small inputs from `first` on the pool, merging them in
 * order; *end is where the run ends.  The run is found as jobs are queued
 * (a stat an input, mum__graph_small_input), not before the first one:
 * the 1 000 stats of a call over 1 000 packages kept both workers waiting.
 */
static int read_shards(mum_graph *g, mum_ctx *ctx, mum__pool *pool, size_t first, size_t *end,
                       const mum_graph_options *opts, mum_findings *findings)
{
    *end = first;
    shard *jobs = mum__calloc(SHARD_WINDOW, sizeof *jobs);
    uint64_t tickets[SHARD_WINDOW];
    if (!jobs)
        return mum__nomem(ctx);
    size_t width = mum__pool_width(), window = 2 * width;
    /* batches of up to SHARD_BATCH inputs, four or more a thread (of the
     * inputs left: the run's length is not known yet).  Each job costs a
     * hand-over each way (the caller woken to merge it, the worker to take
     * the next): at 8 inputs a job 1 000 small packages cost 480 context
     * switches, at 32 about 200.  The first job of each worker takes at
     * most SHARD_FIRST_BATCH, so that the workers start after a few stats. */
    size_t batch = (g->ninputs - first) / (4 * width);
    batch = batch < 1 ? 1 : batch > SHARD_BATCH ? SHARD_BATCH : batch;
    size_t head = 0, tail = 0; /* jobs submitted, and merged, so far */
    size_t next = first;       /* the first input no job has */
    bool run_over = false;     /* an input not small, or the last, met */
    int rc = MUM_OK;
    for (;;) {
        while (!run_over && head - tail < window && rc == MUM_OK) {
            /* smaller jobs towards the end, down to one input: the worker
             * done first waits for the other's last job, a full batch long
             * otherwise */
            size_t limit = (g->ninputs - next) / (2 * width), count = 0;
            size_t most = head < width && batch > SHARD_FIRST_BATCH ? SHARD_FIRST_BATCH : batch;
            limit = limit < 1 ? 1 : limit > most ? most : limit;
            while (count < limit && next + count < g->ninputs && mum__graph_small_input(&g->inputs[next + count]))
                count++;
            run_over = count < limit;
            if (count == 0)
                break;
            shard *sh = &jobs[head % SHARD_WINDOW];
            sh->whole = g;
            sh->first = next;
            sh->count = count;
            sh->opts = *opts;
            sh->opts.progress = NULL;
            next += count;
            *end = next;
            mum__pool_submit_within(pool, shard_run, sh, &tickets[head % SHARD_WINDOW], (unsigned)width);
            head++;
        }
        if (tail == head)
            break;
        shard *sh = &jobs[tail % SHARD_WINDOW];
        mum__pool_wait(pool, tickets[tail % SHARD_WINDOW]);
        tail++;
        if (rc == MUM_OK)
            rc = shard_take(g, ctx, opts, findings, sh);
        shard_clear(sh);
    }
    mum__free(jobs);
    return rc;
}

int mum_graph_build(mum_graph **out, mum_ctx *ctx, const char *const *inputs, size_t input_count,
                    const mum_graph_options *opts, mum_findings *findings)
{
    static const mum_graph_options defaults = MUM_GRAPH_OPTIONS_INIT;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != MUM_GRAPH_OPTIONS_VERSION || (input_count && !inputs) || !findings)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_graph_build: bad arguments");
    if (input_count >= UINT32_MAX) /* mum_node.input is 32 bits */
        return mum__error(ctx, MUM_ELIMIT, NULL, "%zu inputs: at most %u can be read at once", input_count,
                          (unsigned)UINT32_MAX - 1);
    /* standard input is read once: a second "-" would find it empty */
    for (size_t i = 0, seen = 0; i < input_count; i++)
        if (inputs[i] && strcmp(inputs[i], MUM_INPUT_STDIN) == 0 && seen++)
            return mum__error(ctx, MUM_EINVAL, NULL,
                              "standard input ('-') is given more than once; it can be read only once");
    mum_graph *g;
    if (mum__graph_new(&g, inputs, input_count) != MUM_OK)
        return mum__nomem(ctx);
    g->one_thread = (opts->walk_flags & MUM_WALK_SINGLE_THREAD) != 0;
    /* Held for the whole build: the shared pool is joined when its last
     * holder lets go, so each input's stages made and joined their threads
     * anew (three a small package).  Without it (no memory) each stage
     * acquires the pool as before. */
    mum__pool *pool = NULL;
    if (!g->one_thread && input_count > 1 && mum__pool_acquire(&pool) != MUM_OK)
        pool = NULL;
    int rc = MUM_OK;
    for (size_t i = 0; i < input_count && rc == MUM_OK;) {
        /* a run of small inputs at once on the pool (read_shards) */
        if (pool && i + 1 < input_count && mum__graph_small_input(&g->inputs[i]) &&
            mum__graph_small_input(&g->inputs[i + 1])) {
            size_t end;
            rc = read_shards(g, ctx, pool, i, &end, opts, findings);
            i = end;
        } else {
            rc = mum__graph_read_input(g, ctx, i, opts, findings, NULL);
            i++;
        }
    }
    if (rc == MUM_OK)
        rc = mum__graph_resolve(g, g->one_thread);
    mum__pool_release(pool);
    if (rc == MUM_ENOMEM && mum_ctx_status(ctx) == MUM_OK)
        mum__nomem(ctx);
    if (rc != MUM_OK) {
        mum_graph_free(g);
        return rc;
    }
    *out = g;
    return MUM_OK;
}

const mum_node *mum_graph_find(const mum_graph *g, mum_node_kind kind, const mum_identity *id,
                               unsigned flags, size_t input)
{
    for (size_t i = 0; g && i < g->nnodes; i++) {
        const mum_node *n = &g->nodes[i]->pub;
        if (n->kind == kind && n->id && (input == SIZE_MAX || n->input == input) &&
            mum_identity_compare(n->id, id, flags) == 0)
            return n;
    }
    return NULL;
}

int mum__graph_add_express(mum_graph *g, size_t input, const char *cabinet, mum_express_index *idx,
                           const mum_express_blob *blobs, size_t count)
{
    input_priv *in = &g->inputs[input];
    mum__graph_express x = {mum__strdup(cabinet), mum__calloc(count ? count : 1, sizeof *blobs), count};
    int rc = x.cabinet && x.blobs ? MUM_OK : MUM_ENOMEM;
    if (rc == MUM_OK) {
        if (count)
            memcpy(x.blobs, blobs, count * sizeof *blobs);
        rc = mum__express_resolve(idx, x.blobs, count);
    }
    if (rc == MUM_OK &&
        (!mum__grow((void **)&in->express, &in->capexpress, in->nexpress + 1, sizeof *in->express) ||
         !mum__grow((void **)&in->xcabs, &in->capxcabs, in->nexpress + 1, sizeof *in->xcabs)))
        rc = MUM_ENOMEM;
    if (rc != MUM_OK) {
        mum__free(x.cabinet);
        mum__free(x.blobs);
        mum_express_index_clear(idx);
        mum__free(idx);
        return rc;
    }
    in->xcabs[in->nexpress] = x;
    in->express[in->nexpress++] = idx;
    in->pub.express = (const mum_express_index *const *)in->express;
    in->pub.express_count = in->nexpress;
    return MUM_OK;
}
