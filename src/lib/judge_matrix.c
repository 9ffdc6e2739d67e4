/*
 * judge_matrix.c - the judge's matrix family: the matrix of components and
 * packages across platforms is built (matrix.c, on verify's side thread),
 * then the differences between its columns are reported unless the policy
 * explains them (and the cells and rows remember why).
 */
#include "config.h"

#include "judge.h"

#include <stdio.h>
#include <string.h>

int mum__judge_build_matrix(checker *c)
{
    return mum__matrix_build(&c->res->matrix, c->ctx, c->g, c->res->reached);
}

/* A difference: explained by the policy (an information finding, and the
 * cell remembers why) or reported under its rule. */
static int difference(checker *c, mum_expect_kind kind, const char *name, const char *platform,
                      const char **slot, mum_rule_id rule, const mum_location *loc,
                      const char *what)
{
    const char *why = c->opts->policy ? mum_policy_expect(c->opts->policy, kind, name, platform) : NULL;
    if (why) {
        if (slot)
            *slot = why;
        return mum__finding(c->findings, MUM_R_MATRIX_EXPECTED_DIFFERENCE, loc, "%s: expected (%s): %s",
                            what, mum_expect_kind_name(kind), why);
    }
    return mum__finding(c->findings, rule, loc, "%s", what);
}

static mum_location column_loc(const checker *c, size_t col)
{
    mum_location loc = {.input = mum_graph_input_at(c->g, c->res->matrix->inputs[col])->path};
    return loc;
}

static const mum_matrix_row *find_row(const mum__matrix *m, const char *name, mum_matrix_part part)
{
    for (size_t r = 0; r < m->pub.component_count; r++)
        if (m->comp_rows[r].part == part && mum_strcasecmp_utf8(m->comp_rows[r].name, name) == 0)
            return &m->comp_rows[r];
    return NULL;
}

int mum__judge_matrix(checker *c)
{
    mum__matrix *m = c->res->matrix;
    size_t cols = m->pub.columns;
    if (cols < 2)
        return MUM_OK;
    char what[1024];
    for (size_t r = 0; r < m->pub.component_count; r++) {
        mum_matrix_row *row = &m->comp_rows[r];
        mum_matrix_cell *cells = (mum_matrix_cell *)row->cells;
        size_t present = 0, first = cols;
        for (size_t col = 0; col < cols; col++)
            if (cells[col].node) {
                present++;
                if (first == cols)
                    first = col;
            }
        if (row->part == MUM_PART_OTHER || present == 0)
            continue;
        /* a hole: native parts across all platforms, 32-bit parts across 64-bit ones */
        for (size_t col = 0; col < cols; col++) {
            if (cells[col].node)
                continue;
            if (row->part != MUM_PART_NATIVE && !mum__matrix_is_64(m->platforms[col]))
                continue;
            if (row->part == MUM_PART_NATIVE && present == 0)
                continue;
            /* the 32-bit part may ship as wow64 on one platform and x86 on another */
            if (row->part != MUM_PART_NATIVE) {
                const mum_matrix_row *alt = find_row(m, row->name,
                                                     row->part == MUM_PART_WOW64 ? MUM_PART_X86 : MUM_PART_WOW64);
                if (alt && alt->cells[col].node)
                    continue;
            }
            mum_location loc = column_loc(c, col);
            char label[512];
            if (row->part == MUM_PART_NATIVE)
                snprintf(label, sizeof label, "%s", row->name);
            else
                snprintf(label, sizeof label, "%s (%s)", row->name, mum_matrix_part_name(row->part));
            snprintf(what, sizeof what, "%s is in %s (%s) but not in %s (%s)", label,
                     mum__judge_input_name(c, m->inputs[first]), m->platforms[first],
                     mum__judge_input_name(c, m->inputs[col]), m->platforms[col]);
            CHECK(difference(c, MUM_EXPECT_MISSING_COMPONENT, row->name, m->platforms[col],
                             &cells[col].expected, MUM_R_MATRIX_MISSING_COUNTERPART, &loc, what));
        }
        /* versions of the native part */
        if (row->part == MUM_PART_NATIVE) {
            bool differ = false;
            for (size_t col = 0; col < cols; col++)
                if (cells[col].node && cells[first].node &&
                    mum_version_compare(&cells[col].node->id->ver, &cells[first].node->id->ver) != 0)
                    differ = true;
            if (differ) {
                mum_sbuf list = {0};
                for (size_t col = 0; col < cols; col++)
                    if (cells[col].node)
                        mum__sbuf_printf(&list, "%s%s %s", list.len ? ", " : "", m->platforms[col],
                                         cells[col].version ? cells[col].version : "?");
                char *text = mum__sbuf_take(&list);
                if (!text)
                    return mum__nomem(c->ctx);
                size_t col = first;
                for (size_t k = 0; k < cols; k++)
                    if (cells[k].node && mum_version_compare(&cells[k].node->id->ver,
                                                             &cells[first].node->id->ver) != 0) {
                        col = k;
                        break;
                    }
                mum_location loc = mum_graph_location(c->g, cells[col].node,
                                                      cells[col].node->manifest->identity_pos);
                snprintf(what, sizeof what, "%s has different versions on different platforms: %s",
                         row->name, text);
                mum__free(text);
                CHECK(difference(c, MUM_EXPECT_VERSION_DIFFERS, row->name, NULL, &row->expected,
                                 MUM_R_MATRIX_VERSION_MISMATCH, &loc, what));
            }
        }
        /* a 32-bit part needs its x86 twin, when an x86 package is given */
        if (row->part == MUM_PART_WOW64 || row->part == MUM_PART_X86) {
            size_t x86 = cols;
            for (size_t col = 0; col < cols; col++)
                if (strcmp(m->platforms[col], "x86") == 0)
                    x86 = col;
            if (x86 == cols)
                continue;
            const mum_matrix_row *twin = find_row(m, row->name, MUM_PART_NATIVE);
            const mum_matrix_cell *tc = twin ? &twin->cells[x86] : NULL;
            for (size_t col = 0; col < cols; col++) {
                const mum_node *w = cells[col].node;
                if (!w)
                    continue;
                if (tc && tc->node && mum_version_compare(&tc->node->id->ver, &w->id->ver) == 0)
                    continue;
                mum_location loc = mum_graph_location(c->g, w, w->manifest->identity_pos);
                if (tc && tc->node)
                    snprintf(what, sizeof what, "%s (%s) %s in %s has no x86 twin of its version: %s has %s",
                             row->name, mum_matrix_part_name(row->part), cells[col].version,
                             mum__judge_input_name(c, m->inputs[col]), mum__judge_input_name(c, m->inputs[x86]),
                             tc->version ? tc->version : "?");
                else
                    snprintf(what, sizeof what, "%s (%s) in %s has no x86 twin: %s does not have it",
                             row->name, mum_matrix_part_name(row->part), mum__judge_input_name(c, m->inputs[col]),
                             mum__judge_input_name(c, m->inputs[x86]));
                CHECK(difference(c, MUM_EXPECT_NO_X86_TWIN, row->name, m->platforms[col], NULL,
                                 MUM_R_MATRIX_WOW64_WITHOUT_X86, &loc, what));
            }
        }
        /* x86 ships it, some 64-bit platform too, yet none has a 32-bit part */
        if (row->part == MUM_PART_NATIVE) {
            bool x86 = false, native64 = false;
            for (size_t col = 0; col < cols; col++) {
                if (!cells[col].node)
                    continue;
                if (strcmp(m->platforms[col], "x86") == 0)
                    x86 = true;
                else if (mum__matrix_is_64(m->platforms[col]))
                    native64 = true;
            }
            const mum_matrix_row *w = find_row(m, row->name, MUM_PART_WOW64);
            const mum_matrix_row *x = find_row(m, row->name, MUM_PART_X86);
            if (x86 && native64 && !w && !x) {
                size_t col = 0;
                while (col < cols && !(cells[col].node && mum__matrix_is_64(m->platforms[col])))
                    col++;
                mum_location loc = mum_graph_location(c->g, cells[col].node,
                                                      cells[col].node->manifest->identity_pos);
                snprintf(what, sizeof what,
                         "%s ships for x86, but no 64-bit platform has its 32-bit (wow64) part",
                         row->name);
                CHECK(difference(c, MUM_EXPECT_NO_WOW64, row->name, NULL, &row->expected,
                                 MUM_R_MATRIX_NO_WOW64_PART, &loc, what));
            }
        }
    }
    for (size_t r = 0; r < m->pub.package_count; r++) {
        mum_matrix_row *row = &m->pkg_rows[r];
        mum_matrix_cell *cells = (mum_matrix_cell *)row->cells;
        size_t first = cols;
        for (size_t col = 0; col < cols && first == cols; col++)
            if (cells[col].node)
                first = col;
        for (size_t col = 0; col < cols; col++) {
            if (cells[col].node)
                continue;
            mum_location loc = column_loc(c, col);
            snprintf(what, sizeof what, "package %s is in %s (%s) but not in %s (%s)", row->name,
                     mum__judge_input_name(c, m->inputs[first]), m->platforms[first],
                     mum__judge_input_name(c, m->inputs[col]), m->platforms[col]);
            CHECK(difference(c, MUM_EXPECT_MISSING_PACKAGE, row->name, m->platforms[col], &cells[col].expected,
                             MUM_R_MATRIX_PACKAGE_MISSING, &loc, what));
        }
    }
    return MUM_OK;
}
