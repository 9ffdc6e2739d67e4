/*
 * graph.c - the package graph of mum/graph.h: its storage, accessors and
 * mum_graph_build, which reads each input into nodes (graph_walk.c) and
 * then resolves their references (graph_resolve.c).
 */
#include "config.h"

#include "graph_internal.h"

#include <mum/container.h>
#include <mum/graph.h>
#include <mum/msu.h>
#include <mum/names.h>
#include <mum/pe.h>

#include <string.h>

/* ---- storage (the types: graph_internal.h) ---- */

bool mum__graph_one_thread(const mum_graph *g)
{
    return g->one_thread;
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

void mum__graph_node_free(node_priv *n)
{
    if (!n)
        return;
    mum__free(n->entry);
    mum__free(n->name);
    mum__free(n->dir);
    mum__free(n->container);
    mum__free(n->pub.parse_error);
    mum__free(n->pub.digests.pe_error);
    mum_manifest_free(n->manifest);
    mum_catalog_free(n->catalog);
    mum_sig_result_clear(&n->pub.integrity);
    mum__free(n->edges);
    mum__free(n);
}

void mum_graph_free(mum_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nnodes; i++)
        mum__graph_node_free(g->nodes[i]);
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
        }
        mum__free(in->express);
        mum_msu_properties_clear(&in->props);
    }
    mum__free(g->inputs);
    mum__free(g->nodes);
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

/* ---- building ---- */

int mum_graph_build(mum_graph **out, mum_ctx *ctx, const char *const *inputs, size_t input_count,
                    const mum_graph_options *opts, mum_findings *findings)
{
    static const mum_graph_options defaults = MUM_GRAPH_OPTIONS_INIT;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != MUM_GRAPH_OPTIONS_VERSION || (input_count && !inputs) || !findings)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_graph_build: bad arguments");
    mum_graph *g = mum__calloc(1, sizeof *g);
    if (!g || !(g->inputs = mum__calloc(input_count ? input_count : 1, sizeof *g->inputs))) {
        mum__free(g);
        return mum__nomem(ctx);
    }
    g->ninputs = input_count;
    g->one_thread = (opts->walk_flags & MUM_WALK_SINGLE_THREAD) != 0;
    for (size_t i = 0; i < input_count; i++) {
        if (!(g->inputs[i].path = mum__strdup(inputs[i]))) {
            mum_graph_free(g);
            return mum__nomem(ctx);
        }
        g->inputs[i].pub.path = g->inputs[i].path;
        g->inputs[i].pub.platform = "";
    }
    int rc = MUM_OK;
    for (size_t i = 0; i < input_count && rc == MUM_OK; i++)
        rc = mum__graph_read_input(g, ctx, i, opts, findings);
    if (rc == MUM_OK)
        rc = mum__graph_resolve(g, (opts->walk_flags & MUM_WALK_SINGLE_THREAD) != 0, findings);
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
