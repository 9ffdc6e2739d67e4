/*
 * judge.h - what the judge step (mum_verify_graph) shares between its
 * files: the checker context a rule reads the graph through and writes its
 * findings to, the verify result it fills, and one entry point per family
 * of rules (one file each: judge_<family>.c).
 *
 * A new rule: its id in rules.def (and doc/mumtool.1, schemas/rules.json),
 * its check in the judge file of its family; a new family: a judge_*.c
 * file, its entry point here, and one call in verify.c.
 */
#ifndef MUM_JUDGE_H
#define MUM_JUDGE_H

#include "internal.h"
#include "matrix_internal.h"

#include <mum/verify.h>

/* The judged verdict on one signature (cabinet or catalog). */
typedef struct judged_sig {
    bool present;               /* a cabinet's: it carries a signature */
    bool judged;                /* false: absent, or could not be read or checked */
    mum_sig_result verdict;
    const char *signer;         /* subject of the verdict's signer; borrowed from the graph */
} judged_sig;

struct mum_verify_result {
    mum__matrix *matrix;        /* matrix.c's; judge_matrix.c fills its `expected` */
    bool *reached;              /* per node */
    size_t nnodes;
    judged_sig *cab_sigs;       /* per input, its signatures: from sig_first[input] */
    size_t ncab_sigs;
    size_t *sig_first;          /* per input, plus one past the last */
    size_t nsig_inputs;
    /* per catalog node, in node order: a graph holds few catalogs among
     * tens of thousands of nodes, so not one verdict a node */
    judged_sig *cat_sigs;
    uint32_t *cat_nodes;        /* beside cat_sigs: the catalog's node index */
    size_t ncat_sigs;
};

typedef struct checker {
    mum_ctx *ctx;
    const mum_graph *g;
    const mum_verify_options *opts;
    mum_findings *findings;
    mum_verify_result *res;
    size_t n;                   /* nodes */
    bool *covered;              /* per node: listed in a catalog of a package installing it */
    size_t *stamp;              /* per node: the traversal that last saw it (+1) */
    /* the anchored verdicts of the signatures this thread judged
     * (crypto.h): one a part, NULL for none */
    struct mum__sig_memo *memo;
} checker;

/* The file name of an input (its path's last part). */
static inline const char *mum__judge_input_name(const checker *c, size_t input)
{
    const char *p = mum_graph_input_at(c->g, input)->path;
    const char *slash = strrchr(p, '/');
    return slash && slash[1] ? slash + 1 : p;
}

/* Whether a file's name says it is a PE image (whose catalogs list it by
 * its Authenticode digest). */
static inline bool mum__judge_pe_name(const char *name)
{
    static const char *const exts[] = {".dll", ".sys", ".exe", ".ocx", ".cpl", ".drv", ".efi",
                                       ".mui", ".scr", ".com", ".tsp", ".ax",  ".acm"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(exts); i++)
        if (mum__ascii_ends_with_ci(name, exts[i]))
            return true;
    return false;
}

/* Each family's rules; every one returns MUM_OK or MUM_ENOMEM (ctx set). */

/* ---- judge_names.c ---- */
/* manifest.*, identity.*: mum_manifest_check over the parsed manifests of
 * nodes first..end-1. */
MUM_INTERNAL int mum__judge_manifests(checker *c, size_t first, size_t end);

/* ---- judge_closure.c ---- */
/* Unresolved references: graph.missing-package, graph.missing-component,
 * graph.wrong-version, payload.missing, trust.missing-catalog. */
MUM_INTERNAL int mum__judge_references(checker *c);
/* graph.cycle among packages and components. */
MUM_INTERNAL int mum__judge_cycles(checker *c);
/* Fills res->reached from the root packages (no finding). */
MUM_INTERNAL int mum__judge_mark_reached(checker *c);
/* graph.orphan-*: what no package of its input reaches (after mark_reached). */
MUM_INTERNAL int mum__judge_orphans(checker *c);

/* ---- judge_trust.c ---- */
/* catalog.tag-mismatch: mum_catalog_check over the parsed catalogs among
 * nodes first..end-1 (after their signatures: verify.c runs it in parts). */
MUM_INTERNAL int mum__judge_catalogs(checker *c, size_t first, size_t end);

/* Judge every cabinet and catalog signature against the anchors of the
 * options (res->cab_sigs, res->cat_sigs) and add the findings the
 * verdicts amount to.  Run first: other rules read the verdicts.
 * In parts, as verify.c runs them on the pool: _setup makes the arrays
 * (first, alone); then the cabinets' of inputs first..end-1 and the
 * catalogs' of nodes first..end-1, each verdict written by one call only
 * and depending on nothing but the graph and the options, so that parts
 * may run at once (each with a ctx and findings of its own).
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__judge_signatures_setup(checker *c);
/* Zeroes the verdicts' slots of inputs in_first..in_end-1 and of the
 * catalogs among nodes node_first..node_end-1, which _setup leaves as
 * they come: each part's, before it judges them, and every slot before
 * the result is freed or read. */
MUM_INTERNAL void mum__judge_signatures_clear(checker *c, size_t in_first, size_t in_end,
                                              size_t node_first, size_t node_end);
MUM_INTERNAL int mum__judge_cabinet_signatures(checker *c, size_t first, size_t end);
MUM_INTERNAL int mum__judge_catalog_signatures(checker *c, size_t first, size_t end);
/* The judged verdict on catalog node `index` (NULL: not a catalog, or
 * not judged). */
MUM_INTERNAL const judged_sig *mum__judge_catalog_verdict(const mum_verify_result *r, size_t index);
/* Frees what the signatures' judging put in r. */
MUM_INTERNAL void mum__judge_signatures_free(mum_verify_result *r);
/* trust.mum-not-in-catalog, trust.*-not-in-catalog: the catalogs' cover
 * (fills covered; after mark_reached). */
MUM_INTERNAL int mum__judge_cover(checker *c);

/* ---- judge_payloads.c ---- */
/* Catalog members that match no file of their input, drivers' own catalogs. */
MUM_INTERNAL int mum__judge_members(checker *c);
/* payload.digest-mismatch and kin: files against their manifests' DigestValue. */
MUM_INTERNAL int mum__judge_payloads(checker *c);

/* ---- judge_matrix.c ---- */
/* Builds res->matrix with matrix.c (after mark_reached; no finding). */
MUM_INTERNAL int mum__judge_build_matrix(checker *c);
/* matrix.*: differences between the columns the policy does not explain. */
MUM_INTERNAL int mum__judge_matrix(checker *c);

/* ---- judge_inputs.c ---- */
/* graph.no-package, trust.outer-unsigned, trust.no-anchors. */
MUM_INTERNAL int mum__judge_inputs(checker *c);
/* graph.wrong-kind: what reading noted (node_priv.wrong_kind). */
MUM_INTERNAL int mum__judge_kinds(checker *c);
/* graph.duplicate-identity: what resolving noted (node_priv.same_identity). */
MUM_INTERNAL int mum__judge_identities(checker *c);

/* ---- judge_express.c ---- */
/* express.*: every express cabinet's index against its blobs, over what
 * reading resolved (mum__graph_add_express). */
MUM_INTERNAL int mum__judge_express(checker *c);

/* ---- judge_expect.c ---- */
/* expect.*: the packages against the expected contents of the options
 * (a KB article's file tables); nothing without them. */
MUM_INTERNAL int mum__judge_expect(checker *c);

#endif /* MUM_JUDGE_H */
