/*
 * diff_internal.h - what diff.c (the comparison) and diff_result.c (the
 * change list it fills) share.
 */
#ifndef MUM_DIFF_INTERNAL_H
#define MUM_DIFF_INTERNAL_H

#include "internal.h"

#include <mum/diff.h>

struct mum_diff_result {
    mum_change *changes;
    size_t count, cap;
    mum_diff_pair *pairs;
    size_t npairs;
    mum_matrix *mold, *mnew;     /* each side's matrix (mum_matrix_build) */
};

/* Frees what one change owns (not the change itself). */
MUM_INTERNAL void mum__change_clear(mum_change *c);

#endif /* MUM_DIFF_INTERNAL_H */
