/*
 * judge_inputs.c - the judge's input family: an input with no package, a
 * cabinet without a signature of its own, signatures checked with no trust
 * anchors; and what reading and resolving noted on the nodes: a manifest
 * of the other kind than its name says, two with one identity.
 */
#include "config.h"

#include "graph_internal.h"
#include "judge.h"

#include <stdio.h>
#include <string.h>

/* ---- inputs ---- */

int mum__judge_inputs(checker *c)
{
    bool signatures = false;
    for (size_t i = 0; i < mum_graph_input_count(c->g); i++) {
        const mum_graph_input *in = mum_graph_input_at(c->g, i);
        mum_location loc = {.input = in->path};
        if (in->packages == 0)
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_NO_PACKAGE, &loc,
                               "%s holds no package (.mum): nothing to install", in->path));
        bool top_signed = false, top_seen = false;
        for (size_t s = 0; s < in->signature_count; s++) {
            if (in->signatures[s].present)
                signatures = true;
            if (strcmp(in->signatures[s].container, "") == 0) {
                top_seen = true;
                top_signed = in->signatures[s].present;
            }
        }
        if (top_seen && !top_signed)
            CHECK(mum__finding(c->findings, MUM_R_TRUST_OUTER_UNSIGNED, &loc,
                               "the %s carries no Authenticode signature of its own (its catalogs "
                               "still sign its contents)", in->kind ? in->kind : "input"));
    }
    for (size_t i = 0; i < c->n && !signatures; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        signatures = n->cat && n->cat->integrity_done && n->cat->integrity.status != MUM_SIG_UNSIGNED;
    }
    if (signatures && !c->opts->anchors)
        CHECK(mum__finding(c->findings, MUM_R_TRUST_NO_ANCHORS, NULL,
                           "no trust anchors were given (--trust): signatures were checked for "
                           "integrity only, not chained to a root"));
    return MUM_OK;
}

/* ---- what reading and resolving noted ---- */

int mum__judge_kinds(checker *c)
{
    for (size_t i = 0; i < c->g->nnodes; i++) {
        const node_priv *n = c->g->nodes[i];
        if (!n->wrong_kind || !n->pub.manifest)
            continue;
        mum_location loc = {.input = mum_graph_input_at(c->g, n->pub.input)->path, .entry = n->pub.entry};
        if (n->pub.kind == MUM_NODE_PACKAGE)
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_WRONG_KIND, &loc,
                               "%s is named like a package but holds a %s manifest", n->pub.name,
                               mum_manifest_kind_name(n->pub.manifest->kind)));
        else
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_WRONG_KIND, &loc,
                               "%s is named like a component manifest but holds a package", n->pub.name));
    }
    return MUM_OK;
}

int mum__judge_identities(checker *c)
{
    for (size_t i = 0; i < c->g->nnodes; i++) {
        const node_priv *n = c->g->nodes[i];
        const node_priv *dup = n->same_identity;
        if (!dup || !n->pub.id)
            continue;
        mum_location loc = mum_graph_location(c->g, &n->pub, n->pub.manifest->identity_pos);
        CHECK(mum__finding(c->findings, MUM_R_GRAPH_DUPLICATE_IDENTITY, &loc,
                           "%s has the identity of %s (%s %s %s)", n->pub.name, dup->pub.entry,
                           n->pub.id->name ? n->pub.id->name : "?",
                           n->pub.id->version ? n->pub.id->version : "?",
                           n->pub.id->arch ? n->pub.id->arch : "?"));
    }
    return MUM_OK;
}
