/*
 * judge_closure.c - the judge's closure family: every reference resolves
 * (graph.missing-package, graph.missing-component, graph.wrong-version, a
 * manifest's file: payload.missing, a package's catalog:
 * trust.missing-catalog), no cycle among packages and components, and
 * nothing a package of its input does not reach (the orphans).
 */
#include "config.h"

#include "judge.h"

#include <stdio.h>
#include <string.h>

static const char *id_text(const mum_identity *id, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s %s", id && id->name ? id->name : "?",
             id && id->version ? id->version : "(no version)",
             id && id->arch ? id->arch : "(no architecture)");
    return buf;
}

static bool follows(mum_edge_kind k)
{
    return k == MUM_EDGE_PACKAGE || k == MUM_EDGE_COMPONENT || k == MUM_EDGE_DRIVER ||
           k == MUM_EDGE_DEPENDENCY;
}

/* ---- references ---- */

int mum__judge_references(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_edge *e = &n->edges[k];
            if (e->to)
                continue;
            mum_location loc = mum_graph_location(c->g, n, e->pos);
            char want[512], got[512];
            switch (e->kind) {
            case MUM_EDGE_PACKAGE:
            case MUM_EDGE_COMPONENT:
            case MUM_EDGE_DRIVER:
            case MUM_EDGE_DEPENDENCY: {
                const char *what = e->kind == MUM_EDGE_PACKAGE ? "package" : "manifest";
                id_text(e->ref, want, sizeof want);
                if (e->other_version) {
                    CHECK(mum__finding(c->findings, MUM_R_GRAPH_WRONG_VERSION, &loc,
                                       "%s needs %s %s, but %s is version %s", n->name, what, want,
                                       e->other_version->name,
                                       e->other_version->id && e->other_version->id->version
                                           ? e->other_version->id->version : "?"));
                } else {
                    CHECK(mum__finding(c->findings,
                                       e->kind == MUM_EDGE_PACKAGE ? MUM_R_GRAPH_MISSING_PACKAGE
                                                                   : MUM_R_GRAPH_MISSING_COMPONENT,
                                       &loc, "%s%s%s%s needs %s %s, which is not in %s", n->name,
                                       e->update ? " (update \"" : "", e->update ? e->update : "",
                                       e->update ? "\")" : "", what, want,
                                       mum__judge_input_name(c, n->input)));
                }
                break;
            }
            case MUM_EDGE_FILE: {
                /* an express delta of it is reported by the express checks */
                CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_MISSING, &loc,
                                   "%s installs %s, which is not in %s (looked in the folder named "
                                   "after the manifest)", n->name, e->file, mum__judge_input_name(c, n->input)));
                break;
            }
            case MUM_EDGE_CATALOG: {
                mum_location at = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
                snprintf(got, sizeof got, "%.*s.cat", (int)(strlen(n->name) > 4 ? strlen(n->name) - 4 : 0),
                         n->name);
                CHECK(mum__finding(c->findings, MUM_R_TRUST_MISSING_CATALOG, &at,
                                   "%s has no catalog: %s is not in %s", n->name, got,
                                   mum__judge_input_name(c, n->input)));
                break;
            }
            }
        }
    }
    return MUM_OK;
}

/* ---- cycles (iterative depth-first search) ---- */

typedef struct frame {
    const mum_node *node;
    size_t next_edge;
} frame;

int mum__judge_cycles(checker *c)
{
    unsigned char *color = mum__calloc(c->n ? c->n : 1, 1);
    /* not zeroed: a frame is written before it is read, and zeroing room
     * for every node (16 bytes each) touched pages the walk never needs
     * (40 page faults on the calling thread over 1 000 small packages) */
    frame *stack = mum__reallocarray(NULL, c->n ? c->n : 1, sizeof *stack);
    if (!color || !stack) {
        mum__free(color);
        mum__free(stack);
        return mum__nomem(c->ctx);
    }
    int rc = MUM_OK;
    for (size_t root = 0; root < c->n && rc == MUM_OK; root++) {
        if (color[root])
            continue;
        size_t top = 0;
        stack[top++] = (frame){mum_graph_node(c->g, root), 0};
        color[root] = 1;
        while (top && rc == MUM_OK) {
            frame *f = &stack[top - 1];
            if (f->next_edge == f->node->edge_count) {
                color[f->node->index] = 2;
                top--;
                continue;
            }
            const mum_edge *e = &f->node->edges[f->next_edge++];
            if (!follows(e->kind) || !e->to)
                continue;
            if (color[e->to->index] == 0) {
                color[e->to->index] = 1;
                stack[top++] = (frame){e->to, 0};
            } else if (color[e->to->index] == 1) {
                /* a back edge: the cycle is the stack from e->to up to here */
                mum_sbuf path = {0};
                size_t from = top;
                while (from > 0 && stack[from - 1].node != e->to)
                    from--;
                for (size_t k = from ? from - 1 : 0; k < top; k++) {
                    mum__sbuf_puts(&path, stack[k].node->name);
                    mum__sbuf_puts(&path, " -> ");
                }
                mum__sbuf_puts(&path, e->to->name);
                char *text = mum__sbuf_take(&path);
                if (!text) {
                    rc = mum__nomem(c->ctx);
                    break;
                }
                mum_location loc = mum_graph_location(c->g, f->node, e->pos);
                rc = mum__finding(c->findings, MUM_R_GRAPH_CYCLE, &loc, "a cycle: %s", text);
                mum__free(text);
            }
        }
    }
    mum__free(color);
    mum__free(stack);
    return rc;
}

/* ---- reachability and orphans ---- */

int mum__judge_mark_reached(checker *c)
{
    return mum__graph_reached(c->g, c->res->reached) == MUM_OK ? MUM_OK : mum__nomem(c->ctx);
}

int mum__judge_orphans(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (c->res->reached[i])
            continue;
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        if (n->kind == MUM_NODE_COMPONENT && n->manifest) {
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_MANIFEST, &loc,
                               "no package of %s installs %s (%s)", mum__judge_input_name(c, n->input), n->name,
                               n->deployment ? "a deployment" : "a component"));
        } else if (n->cat && !n->cat->catalog_of && !n->cat->payload_of) {
            /* a driver's catalog goes with its component: reported with it */
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_CATALOG, &loc,
                               "%s belongs to no package: no .mum of the same name", n->name));
        } else if (n->kind == MUM_NODE_PAYLOAD && !n->express_delta && n->in_count == 0 &&
                   n->express == NULL) {
            /* express blobs are not payloads; anything else no manifest lists is */
            bool blob = false;
            for (size_t x = 0; x < mum_graph_input_at(c->g, n->input)->express_count && !blob; x++) {
                const mum_express_index *idx = mum_graph_input_at(c->g, n->input)->express[x];
                for (size_t f = 0; f < idx->count && !blob; f++)
                    blob = idx->files[f].source_name && mum__path_equal(idx->files[f].source_name, n->name);
            }
            if (!blob)
                CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_PAYLOAD, &loc,
                                   "no manifest lists %s", n->name));
        }
    }
    return MUM_OK;
}
