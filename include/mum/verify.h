/*
 * mum/verify.h - the checks of `mumtool verify` over a package graph (the
 * judging step after reading and resolving, mum/graph.h): references,
 * cycles and orphans; the signatures against the trust anchors; the trust
 * chain (every .mum has its
 * signed .cat, every manifest and file a package installs is listed in one
 * of its catalogs, every file matches its DigestValue); and completeness
 * across architectures (the matrix of mum/matrix.h, built from all inputs,
 * whose differences the policy may explain).
 */
#ifndef MUM_VERIFY_H
#define MUM_VERIFY_H

#include <mum/common.h>
#include <mum/expect.h>
#include <mum/graph.h>
#include <mum/matrix.h>
#include <mum/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mum_verify_options {
    unsigned version;            /* MUM_VERIFY_OPTIONS_VERSION */
    mum_policy *policy;          /* NULL: none; its expectations are marked used */
    const mum_trust *anchors;    /* for catalog and cabinet signatures; NULL: integrity only
                                  * (and a trust.no-anchors finding when there are signatures) */
    bool has_time;               /* evaluate certificate chains at `time` */
    int64_t time;
    /* since version 3: the expected contents (a KB article's file tables,
     * mum/expect.h) the packages are checked against (expect.* rules);
     * NULL: none.  Borrowed for the call. */
    const mum_expect *expect;
    bool expect_dates;           /* also enforce the rows' dates and times (expect.date) */
} mum_verify_options;

/* 3: expect, expect_dates.  A version-2 struct (without them) is still accepted. */
#define MUM_VERIFY_OPTIONS_VERSION 3
#define MUM_VERIFY_OPTIONS_INIT {MUM_VERIFY_OPTIONS_VERSION, NULL, NULL, false, 0, NULL, false}

typedef struct mum_verify_result mum_verify_result;

/*
 * Appends only the findings on what reading and resolving noted in the
 * graph: express.* (an express cabinet's index against its blobs),
 * graph.wrong-kind and graph.duplicate-identity - the problems met while
 * reading, without judging signatures, references or payloads (as
 * `mumtool graph` counts them).  mum_verify_graph runs these too.
 * Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_verify_read_facts(mum_ctx *ctx, const mum_graph *g, mum_findings *findings);

/*
 * Runs every check over the graph and appends the findings (with the
 * policy's severities applied, also to those already in the list from
 * mum_graph_build).  *out (may be NULL) receives the matrix and counts.
 * Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_verify_graph(mum_verify_result **out, mum_ctx *ctx, const mum_graph *g,
                                const mum_verify_options *opts, mum_findings *findings);
MUM_EXTERN void mum_verify_result_free(mum_verify_result *r);
/* The matrix (mum/matrix.h) with the policy's explanations in its cells
 * and rows; borrowed from r. */
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
