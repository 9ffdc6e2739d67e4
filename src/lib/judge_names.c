/*
 * judge_names.c - the judge's names family: what a manifest says of itself
 * (mum_manifest_check: its identity and those it names, file names against
 * identities, hashes, duplicate and unknown elements).  Reading only
 * parses the manifests; these rules run here, over every manifest the
 * graph holds, named as the file they came from.
 */
#include "config.h"

#include "judge.h"

#include <mum/manifest.h>

int mum__judge_manifests(checker *c, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if ((n->kind != MUM_NODE_PACKAGE && n->kind != MUM_NODE_COMPONENT) || !n->manifest)
            continue;
        int rc = mum_manifest_check(n->manifest, n->name, 0, c->findings);
        if (rc != MUM_OK)
            return rc == MUM_ENOMEM ? mum__nomem(c->ctx) : rc;
    }
    return MUM_OK;
}
