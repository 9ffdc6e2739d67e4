/*
 * matrix_internal.h - the matrix (matrix.c) as verify builds and annotates
 * it: the private record behind a mum_matrix, built from the reachability
 * verify already has.
 */
#ifndef MUM_MATRIX_INTERNAL_H
#define MUM_MATRIX_INTERNAL_H

#include "internal.h"

#include <mum/graph.h>
#include <mum/matrix.h>

typedef struct mum__matrix {
    mum_matrix pub;             /* first: a mum_matrix * from here is a mum__matrix * */
    const char **platforms;
    size_t *inputs;
    mum_matrix_row *comp_rows, *pkg_rows; /* writable: verify fills `expected` */
    mum_matrix_cell *cells;     /* all rows' cells, one block */
    size_t ncells;
} mum__matrix;

/* Builds g's matrix with reached[node] telling which nodes a package of
 * their input reaches.  Errors: MUM_ENOMEM (ctx set). */
MUM_INTERNAL int mum__matrix_build(mum__matrix **out, mum_ctx *ctx, const mum_graph *g,
                                   const bool *reached);
MUM_INTERNAL void mum__matrix_free(mum__matrix *m);
/* amd64, ia64, arm64. */
MUM_INTERNAL bool mum__matrix_is_64(const char *platform);

/*
 * A graph's nodes by input: input i's nodes are order[first[i] ..
 * first[i + 1]), in node order, so that a walk over one input's nodes
 * costs their count and not the graph's (a call over 1 000 small packages
 * walked every node once per input, several times: quadratic).  One block,
 * freed with mum__free(first); NULL (no memory) when *first is NULL.
 */
typedef struct mum__by_input {
    size_t *first;              /* ninputs + 1 */
    size_t *order;              /* nnodes, inside the block of first */
} mum__by_input;
MUM_INTERNAL mum__by_input mum__graph_by_input(const mum_graph *g);

#endif /* MUM_MATRIX_INTERNAL_H */
