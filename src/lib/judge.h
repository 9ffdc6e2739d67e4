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

#include <mum/verify.h>

/* The judged verdict on one signature (cabinet or catalog). */
typedef struct judged_sig {
    bool present;               /* a cabinet's: it carries a signature */
    bool judged;                /* false: absent, or could not be read or checked */
    mum_sig_result verdict;
    const char *signer;         /* subject of the verdict's signer; borrowed from the graph */
} judged_sig;

struct mum_verify_result {
    mum_matrix matrix;
    const char **platforms;
    size_t *inputs;
    mum_matrix_row *comp_rows, *pkg_rows;
    mum_matrix_cell *cells;     /* all rows' cells, one block */
    size_t ncells;
    bool *reached;              /* per node */
    size_t nnodes;
    judged_sig *cab_sigs;       /* per input, its signatures: from sig_first[input] */
    size_t ncab_sigs;
    size_t *sig_first;          /* per input, plus one past the last */
    size_t nsig_inputs;
    judged_sig *cat_sigs;       /* per node (catalogs only) */
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
} checker;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != MUM_OK)                                                                         \
            return rc_;                                                                            \
    } while (0)

/* ---- judge_trust.c: signatures, catalogs' cover, the inputs' trust ---- */

/* Judges every cabinet and catalog signature against the anchors of the
 * options (res->cab_sigs, res->cat_sigs) and adds the findings the
 * verdicts amount to.  Runs first: other rules read the verdicts.
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__judge_signatures(checker *c);
/* Frees what mum__judge_signatures put in r. */
MUM_INTERNAL void mum__judge_signatures_free(mum_verify_result *r);

#endif /* MUM_JUDGE_H */
