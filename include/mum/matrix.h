/*
 * mum/matrix.h - the cross-architecture matrix of a package graph: one
 * column per input that holds packages (its platform is the column's
 * label, columns in the order x86, amd64, ia64, arm, arm64, then others);
 * a table of components (by name and part, below) and one of packages (by
 * name, without architecture).  Components are those a package of their
 * input reaches, deployments that install no file left out (their names
 * are per platform by design).  verify (mum/verify.h) reports the
 * differences between columns; diff (mum/diff.h) compares two graphs'
 * matrices.
 */
#ifndef MUM_MATRIX_H
#define MUM_MATRIX_H

#include <mum/common.h>
#include <mum/graph.h>

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

/*
 * The part of a component of architecture `arch` (NULL: unknown) in a
 * package of `platform` ("x86", "amd64", ...): NATIVE when they are the
 * same, WOW64 for "wow64", X86 for "x86" in a 64-bit platform, else OTHER.
 */
MUM_EXTERN mum_matrix_part mum_matrix_part_of(const char *platform, const char *arch);

/*
 * Builds the matrix of a graph into *out (owned by the caller: free it with
 * mum_matrix_free; it borrows names and nodes from g, which must outlive
 * it).  No cell or row is `expected` (only verify's policy says so).
 * Errors: MUM_EINVAL (out or g NULL), MUM_ENOMEM.
 */
MUM_EXTERN int mum_matrix_build(mum_matrix **out, mum_ctx *ctx, const mum_graph *g);
/* NULL allowed. */
MUM_EXTERN void mum_matrix_free(mum_matrix *m);

#ifdef __cplusplus
}
#endif

#endif /* MUM_MATRIX_H */
