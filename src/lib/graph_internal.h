/*
 * graph_internal.h - what the parts of the package graph share: the
 * private node and input records behind mum/graph.h, and the two steps
 * mum_graph_build runs (graph.c: storage and accessors; graph_walk.c:
 * nodes from the container walk; graph_resolve.c: references resolved).
 */
#ifndef MUM_GRAPH_INTERNAL_H
#define MUM_GRAPH_INTERNAL_H

#include "internal.h"

#include <mum/container.h>
#include <mum/graph.h>
#include <mum/msu.h>

/* What a node keeps of its bytes for an express cabinet: few nodes keep
 * anything, so it is a record of its own (node_priv.kept), freed once it
 * keeps nothing. */
typedef struct node_kept {
    /* an entry of a cabinet that may be an express blob: its bytes, kept
     * until the cabinet ends for rebuilding its files (graph_walk.c); a
     * cabinet keeps at most MUM__EXPRESS_KEPT_MAX (256 MiB) in all */
    uint8_t *bytes;
    uint32_t bytes_len, bytes_cap;
    /* A payload's first bytes (head_size of them, up to
     * MUM_PA30_HEADER_MAX) when they can begin a delta: express blobs need
     * them.  Any other head parses as none does, so it is not kept (most
     * payloads).  Dropped when its cabinet closes with no express index. */
    uint16_t head_size;
    uint8_t head[MUM_PA30_HEADER_MAX];
} node_kept;

typedef struct node_priv {
    mum_node pub;               /* first: a mum_node * is a node_priv * */
    /* Its strings are pub's: entry in the graph's chunks of text (name
     * points into it: its last part); container, which many nodes repeat,
     * interned in graph->strings; dir in the text too, the previous
     * node's when the same.  pub's manifest, pe (one allocation with its
     * strings), edges (edge_cap of them) and express->why are the node's
     * own, freed with the graph; pub.cat, a catalog's, and pub.express lie
     * in the text chunks, and the catalog and integrity of pub.cat are the
     * node's.
     * Nothing here repeats pub: there are tens of thousands of nodes. */
    uint32_t edge_cap;          /* beside the flags: 8 bytes for both */
    bool express_blob;           /* a blob of an express index (not a payload itself) */
    bool keep;                   /* bytes may be kept (see bytes) */
    bool metadata;               /* an .msu's properties, unattend file, the index */
    bool wrong_kind;             /* named like a package or component, holds the other kind */
    node_kept *kept;            /* its head and bytes, if it keeps any (NULL: most) */
    /* a fact reading and resolving record for the judge (judge_inputs.c),
     * as are wrong_kind and express_blob: */
    const struct node_priv *same_identity; /* an earlier node of its input with its identity */
} node_priv;

/* What the judge needs of an express cabinet beside its index. */
typedef struct mum__graph_express {
    char *cabinet;              /* the cabinet's nested path ("" for the input itself) */
    mum_express_blob *blobs;    /* its entries; names and heads borrowed from its nodes */
    size_t nblobs;
} mum__graph_express;

typedef struct input_priv {
    mum_graph_input pub;
    char *path, *kind, *platform, *kb;
    mum_graph_signature *sigs;
    size_t nsigs, capsigs;
    mum_express_index **express;
    mum__graph_express *xcabs;  /* beside express[] */
    size_t nexpress, capexpress, capxcabs;
    mum_msu_properties props;
    bool have_props;
    /* mum__graph_small_input's answer, once asked (on the caller's
     * thread, before the input is handed to a shard job) */
    bool small_known, small;
    uint64_t small_size;        /* its size then, when small */
    /* resolved by the shard job that read it (mum__graph_resolve_shard) */
    bool resolved;
} input_priv;

/* Nodes are made in blocks the graph owns (a node's address never
 * changes; one allocation for many nodes, not one each). */
typedef struct node_block {
    struct node_block *next;    /* the block made before this one */
    size_t used, cap;
    node_priv nodes[];
} node_block;

/* The entry paths of the nodes, one after another in chunks the graph
 * frees all at once (a graph has tens of thousands of nodes: one
 * allocation each cost more in malloc's overhead than the text). */
struct text_chunk {
    struct text_chunk *next;    /* the chunk made before this one */
    size_t cap;
    char text[];
};

struct mum_graph {
    input_priv *inputs;
    size_t ninputs;
    node_priv **nodes;          /* in index order, into blocks */
    size_t nnodes, capnodes;
    node_block *blocks;         /* the newest first */
    struct text_chunk *text;    /* the nodes' entry paths (the newest chunk first) */
    size_t text_used;           /* bytes used of the newest chunk */
    const char *last_dir;       /* the last node's folder: the next one's when the same */
    bool one_thread;            /* built with MUM_WALK_SINGLE_THREAD: verify it on one too */
    bool shard;                 /* one input's nodes read apart, merged later (graph.c):
                                 * its first block and chunk are small */
    mum__intern *strings;       /* the manifests' repeated values (graph_walk.c) */
};

/* The name a node gets for an entry path: the last part of its local path. */
MUM_INTERNAL const char *mum__graph_node_name(const char *path);
/* A new node of input `input` for the nested path `path` ("a.cab!dir/f"),
 * appended to g.  NULL: out of memory. */
MUM_INTERNAL node_priv *mum__graph_node_new(mum_graph *g, mum_node_kind kind, size_t input,
                                            const char *path);
/* Keeps a copy of a payload's first `size` bytes so far (at most
 * MUM_PA30_HEADER_MAX; the walk collects them) in n->head when they can
 * begin a delta (mum__express_head_may_be_delta), allocated on the first
 * call; else keeps nothing.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_node_keep_head(node_priv *n, const uint8_t *head, size_t size);
/* Its kept record, made when it has none.  NULL: out of memory. */
MUM_INTERNAL node_kept *mum__graph_node_kept(node_priv *n);
/* Frees its kept record once it keeps neither bytes nor head. */
MUM_INTERNAL void mum__graph_node_unkeep(node_priv *n);
/* Its kept first bytes (NULL: none) and their size. */
static inline const uint8_t *mum__node_head(const node_priv *n)
{
    return n->kept && n->kept->head_size ? n->kept->head : NULL;
}
static inline size_t mum__node_head_size(const node_priv *n)
{
    return n->kept ? n->kept->head_size : 0;
}
/* Frees the kept first bytes of the nodes first..g->nnodes-1 directly in
 * the cabinet `container` (nested path): no express index names them. */
MUM_INTERNAL void mum__graph_drop_heads(mum_graph *g, size_t first, const char *container);
/* Gives a node its parsed manifest (taken: freed with the node), and
 * notes whether it is of the other kind than the node's name says.  A
 * manifest without an entry (mum__manifest_parser_renew_lent) gets the
 * node's. */
MUM_INTERNAL void mum__graph_node_manifest(node_priv *n, mum_manifest *m);
/* Gives a node its parsed catalog (taken). */
MUM_INTERNAL void mum__graph_node_catalog(node_priv *n, mum_catalog *cat);
/* A catalog node's own record (pub.cat, made with the node), writable. */
static inline mum_node_catalog *mum__node_cat(node_priv *n)
{
    return (mum_node_catalog *)n->pub.cat;
}
/* Gives a payload its express index entry xf (pub.express, in the graph's
 * chunks: on the thread that makes nodes).  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_node_express(mum_graph *g, node_priv *n, const mum_express_file *xf);
/* Its record, writable (n has one). */
static inline mum_node_express *mum__node_express(node_priv *n)
{
    return (mum_node_express *)n->pub.express;
}
/* Gives a payload a copy of *pe (its strings in the same allocation) as
 * pub.pe, replacing any it had; pe may be the node's own.  Errors:
 * MUM_ENOMEM (the node keeps what it had). */
MUM_INTERNAL int mum__graph_node_set_pe(node_priv *n, const mum_node_pe *pe);

/*
 * A graph built by hand, without containers (the judge's unit tests):
 * mum__graph_new with the inputs' paths; nodes with mum__graph_node_new,
 * their bytes' digests (mum__graph_node_bytes), manifests
 * (mum__graph_node_manifest) and catalogs (mum__graph_node_read_catalog:
 * parsed and checked for integrity as reading does); then
 * mum__graph_finish resolves the references and counts, as
 * mum_graph_build does after reading.  Errors: MUM_ENOMEM, and those of
 * mum_catalog_parse (message on ctx) and mum_hash_buffer.
 */
MUM_INTERNAL int mum__graph_new(mum_graph **out, const char *const *inputs, size_t input_count);
MUM_INTERNAL int mum__graph_node_bytes(node_priv *n, const void *data, size_t len);
MUM_INTERNAL int mum__graph_node_read_catalog(mum_ctx *ctx, node_priv *n, const void *der, size_t len);
MUM_INTERNAL int mum__graph_finish(mum_graph *g);

/*
 * Gives input `input` the index of an express cabinet at the nested path
 * `cabinet`, resolved against the cabinet's entries `blobs` (their names
 * and heads borrowed: they must live as long as g, as nodes' do).  idx is
 * taken, also on failure.  Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__graph_add_express(mum_graph *g, size_t input, const char *cabinet,
                                        mum_express_index *idx, const mum_express_blob *blobs,
                                        size_t count);

/* Frees all a node owns; the node itself is its block's (NULL allowed). */
MUM_INTERNAL void mum__graph_node_clear(node_priv *n);
/* Reads input number `input` of g through the container walk into nodes
 * (graph_walk.c); counts (NULL: not wanted) gets the entries and bytes
 * read, as opts->progress does at the end.  g may be a shard of the graph
 * (graph.c): then it touches only g->inputs[input] and the shared, locked
 * g->strings of the whole graph's.  Errors: those of mum_walk_run,
 * MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_read_input(mum_graph *g, mum_ctx *ctx, size_t input,
                                       const mum_graph_options *opts, mum_findings *findings,
                                       uint64_t counts[2]);
/* Whether an input is small enough to be read on one thread alone (a
 * regular file under 256 KiB; never while mum__graph_threads_always).
 * Asked once an input: the answer is kept on it. */
MUM_INTERNAL bool mum__graph_small_input(input_priv *in);
/* Resolves the references of every input's nodes into edges (graph_resolve.c);
 * one_thread: no second resolution thread.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_resolve(mum_graph *g, bool one_thread);
/* Resolves, on this thread, inputs first..first+count-1 of a shard, a
 * graph of those inputs' nodes alone (graph.c, read_shards), and marks
 * them resolved so that mum__graph_resolve leaves them.  A shard whose
 * nodes are not its inputs' in input order is left to mum__graph_resolve.
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_resolve_shard(mum_graph *s, size_t first, size_t count);
/* Test hook: while true, every input is read with its threads (graph_walk.c)
 * and resolved on two (graph_resolve.c), and a graph's side checks judged
 * on two (verify.c), however small (small inputs are read and resolved, and
 * small graphs judged, on the caller's thread alone).  Returns the old
 * value. */
MUM_INTERNAL bool mum__graph_threads_always(bool always);
/* (its value, mum__graph_threads_forced: internal.h) */
/* Test hook: while true, resolution hashes every key of its maps alike
 * (graph_resolve.c), so that every key collides with every other and only
 * the comparison of the nodes' own fields tells them apart.  Returns the
 * old value. */
MUM_INTERNAL bool mum__graph_resolve_collide(bool always);

#endif
