/*
 * diff_compare.h - what diff.c (the comparison of one pair) and
 * diff_catalog.c (its catalog part) share.
 */
#ifndef MUM_DIFF_COMPARE_H
#define MUM_DIFF_COMPARE_H

#include "diff_internal.h"

typedef struct side {
    const mum_graph *g;
    size_t input;
    const char *platform;
    mum_strmap pkgs;            /* lower name -> node (+1 index) */
    mum_strmap comps;           /* component key -> node */
} side;

typedef struct differ {
    mum_ctx *ctx;
    mum_diff_result *res;
    size_t pair;
    bool cross;
    side o, n;
    mum_strmap explained;       /* lower names of what a reported change explains */
    mum_strmap gone;            /* keys of packages/components added or removed ("p|", "c|") */
} differ;

typedef struct change_in {
    mum_change_kind kind;
    unsigned flags;
    const char *subject, *part, *item, *old_value, *new_value, *detail;
    const mum_node *old_node, *new_node;
} change_in;

/* The name in lower case (mum__utf8_lower); NULL when out of memory. */
MUM_INTERNAL char *mum__diff_lower(const char *s);

/* Appends a change (copying its strings); *out (may be NULL) gets its index. */
MUM_INTERNAL int mum__diff_add_change(differ *d, const change_in *in, size_t *out);

/* The catalog changes between two packages of the pair (diff_catalog.c). */
MUM_INTERNAL int mum__diff_compare_catalogs(differ *d, const mum_node *op, const mum_node *np);

#endif /* MUM_DIFF_COMPARE_H */
