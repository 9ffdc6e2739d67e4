/*
 * mum/verify.h - the checks of `mumtool verify` over a package graph (the
 * judging step after reading and resolving, mum/graph.h): references,
 * cycles and orphans; the signatures against the trust anchors; the trust
 * chain (every .mum has its
 * signed .cat, every manifest and file a package installs is listed in one
 * of its catalogs, every file matches its DigestValue); and completeness
 * across architectures (a matrix of component x platform and package x
 * platform built from all inputs).
 */
#ifndef MUM_VERIFY_H
#define MUM_VERIFY_H

#include <mum/common.h>
#include <mum/graph.h>
#include <mum/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What part of a component a matrix row is about. */
typedef enum mum_matrix_part {
    MUM_PART_NATIVE = 0,   /* the platform's own architecture */
    MUM_PART_WOW64,        /* a wow64 component on a 64-bit platform */
    MUM_PART_X86,          /* an x86 component inside a 64-bit package */
    MUM_PART_OTHER         /* another architecture (neutral, msil, ...) */
} mum_matrix_part;

/* "native", "wow64", "x86", "other". */
MUM_EXTERN const char *mum_matrix_part_name(mum_matrix_part part);

typedef struct mum_matrix_cell {
    const mum_node *node;      /* the manifest or package there; NULL: absent */
    const char *version;       /* its version (borrowed), NULL when absent */
    const char *expected;      /* absent, and the policy says why (borrowed) */
} mum_matrix_cell;

typedef struct mum_matrix_row {
    const char *name;          /* as written in the first manifest that has it */
    mum_matrix_part part;
    const mum_matrix_cell *cells; /* one per column */
    const char *expected;      /* a difference of the whole row the policy explains
                                * (versions differ, no wow64 part); borrowed */
} mum_matrix_row;

/*
 * One column per input (its platform is the column's label); rows for the
 * components (deployments left out: their names are per platform) and, in
 * a second table, for the packages (by name, without architecture).
 */
typedef struct mum_matrix {
    size_t columns;
    const char *const *platforms;   /* per column */
    const size_t *inputs;           /* per column: the graph input */
    const mum_matrix_row *components;
    size_t component_count;
    const mum_matrix_row *packages;
    size_t package_count;
} mum_matrix;

typedef struct mum_verify_options {
    unsigned version;            /* MUM_VERIFY_OPTIONS_VERSION */
    mum_policy *policy;          /* NULL: none; its expectations are marked used */
    const mum_trust *anchors;    /* for catalog and cabinet signatures; NULL: integrity only
                                  * (and a trust.no-anchors finding when there are signatures) */
    bool has_time;               /* evaluate certificate chains at `time` */
    int64_t time;
} mum_verify_options;

#define MUM_VERIFY_OPTIONS_VERSION 2
#define MUM_VERIFY_OPTIONS_INIT {MUM_VERIFY_OPTIONS_VERSION, NULL, NULL, false, 0}

typedef struct mum_verify_result mum_verify_result;

/*
 * Runs every check over the graph and appends the findings (with the
 * policy's severities applied, also to those already in the list from
 * mum_graph_build).  *out (may be NULL) receives the matrix and counts.
 * Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_verify_graph(mum_ctx *ctx, const mum_graph *g, const mum_verify_options *opts,
                                mum_findings *findings, mum_verify_result **out);
MUM_EXTERN void mum_verify_result_free(mum_verify_result *r);
MUM_EXTERN const mum_matrix *mum_verify_matrix(const mum_verify_result *r);

/*
 * The verdict on signature s of input i (mum_graph_input.signatures[s], a
 * cabinet's Authenticode signature) as judged against the anchors of the
 * options, and in *signer (may be NULL) the subject of the verdict's
 * signer (NULL when unknown).  Without anchors, the graph's integrity
 * verdict.  NULL when out of range or the signature is absent.  Borrowed
 * from r.
 */
MUM_EXTERN const mum_sig_result *mum_verify_signature(const mum_verify_result *r, size_t input,
                                                      size_t s, const char **signer);
/* The same for a catalog node's signature; NULL when it could not be read. */
MUM_EXTERN const mum_sig_result *mum_verify_catalog_signature(const mum_verify_result *r,
                                                              const mum_node *catalog);

/* Whether a node is reached from a package of its input (not an orphan). */
MUM_EXTERN bool mum_verify_reached(const mum_verify_result *r, const mum_node *n);

#ifdef __cplusplus
}
#endif

#endif /* MUM_VERIFY_H */
