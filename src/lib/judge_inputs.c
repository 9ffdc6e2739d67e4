/*
 * judge_inputs.c - the judge's input family: an input with no package, a
 * cabinet without a signature of its own, signatures checked with no trust
 * anchors.
 */
#include "config.h"

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
        signatures = n->kind == MUM_NODE_CATALOG && n->integrity_done &&
                     n->integrity.status != MUM_SIG_UNSIGNED;
    }
    if (signatures && !c->opts->anchors)
        CHECK(mum__finding(c->findings, MUM_R_TRUST_NO_ANCHORS, NULL,
                           "no trust anchors were given (--trust): signatures were checked for "
                           "integrity only, not chained to a root"));
    return MUM_OK;
}
