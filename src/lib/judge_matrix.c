/*
 * judge_matrix.c - the judge's matrix family: the matrix of components
 * and packages across platforms (one column per input), and the
 * differences between columns the policy does not explain.
 */
#include "config.h"

#include "judge.h"

#include <stdio.h>
#include <string.h>

#include <stdint.h>

static const char *const part_names[] = {"native", "wow64", "x86", "other"};

const char *mum_matrix_part_name(mum_matrix_part part)
{
    return (unsigned)part < MUM_ARRAY_LEN(part_names) ? part_names[part] : "?";
}

typedef struct row_priv {
    mum_matrix_row pub;
    mum_matrix_cell *cells;
    char *key;
} row_priv;

/* ---- the matrix ---- */

static bool is_64(const char *platform)
{
    return platform && (strcmp(platform, "amd64") == 0 || strcmp(platform, "ia64") == 0 ||
                        strcmp(platform, "arm64") == 0);
}

/* The part of a component of architecture `arch` in a package of `platform`
 * (shared with diff.c, which pairs components the way the matrix does). */
mum_matrix_part mum__matrix_part(const char *platform, const char *arch)
{
    if (!arch)
        return MUM_PART_OTHER;
    if (mum__ascii_strcasecmp(arch, platform) == 0)
        return MUM_PART_NATIVE;
    if (mum__ascii_strcasecmp(arch, "wow64") == 0)
        return MUM_PART_WOW64;
    if (mum__ascii_strcasecmp(arch, "x86") == 0 && is_64(platform))
        return MUM_PART_X86;
    return MUM_PART_OTHER;
}

/* Packages in the package table; components a package installs in the
 * other (orphans install nothing), except deployments that install no file
 * of their own (hash-named: their names differ per platform by design). */
static bool in_matrix(const checker *c, const mum_node *n, bool packages)
{
    if (packages)
        return n->kind == MUM_NODE_PACKAGE;
    return n->kind == MUM_NODE_COMPONENT && n->manifest && c->res->reached[n->index] &&
           !(n->deployment && n->manifest->file_count == 0);
}

typedef struct row_build {
    char *name;
    mum_matrix_part part;
    size_t first_cell;
} row_build;

/* The row key of a name and part: "name|part", lower case. */
static char *row_key(const char *name, mum_matrix_part part)
{
    char num[16];
    snprintf(num, sizeof num, "|%d", (int)part);
    const char *p[2] = {name, num};
    size_t len[2] = {strlen(name), strlen(num)};
    return mum__lower_concat(2, p, len);
}

/* Collects the rows of one kind (components or packages) into res. */
static int build_rows(checker *c, bool packages, mum_matrix_row **out_rows, size_t *out_count)
{
    mum_verify_result *res = c->res;
    size_t cols = res->matrix.columns;
    mum_strmap map = {0};
    row_build *rows = NULL;
    size_t nrows = 0, caprows = 0;
    size_t *row_seq = NULL, nseq = 0, capseq = 0; /* the row of each (column, node) visited, in order */
    int rc = MUM_OK;
    for (size_t col = 0; col < cols && rc == MUM_OK; col++) {
        size_t input = res->inputs[col];
        const char *platform = res->platforms[col];
        for (size_t i = 0; i < c->n && rc == MUM_OK; i++) {
            const mum_node *n = mum_graph_node(c->g, i);
            if (n->input != input || !n->id || !n->id->name)
                continue;
            if (!in_matrix(c, n, packages))
                continue;
            mum_matrix_part part = packages ? MUM_PART_NATIVE : mum__matrix_part(platform, n->id->arch);
            char *key = row_key(n->id->name, part);
            if (!key || !mum__grow((void **)&row_seq, &capseq, nseq + 1, sizeof *row_seq)) {
                mum__free(key);
                rc = mum__nomem(c->ctx);
                break;
            }
            void *found = mum__strmap_get(&map, key);
            size_t r;
            if (found) {
                r = (size_t)(uintptr_t)found - 1;
                mum__free(key);
            } else {
                if (!mum__grow((void **)&rows, &caprows, nrows + 1, sizeof *rows)) {
                    mum__free(key);
                    rc = mum__nomem(c->ctx);
                    break;
                }
                r = nrows++;
                rows[r].name = (char *)n->id->name;
                rows[r].part = part;
                if ((rc = mum__strmap_put(&map, key, (void *)(uintptr_t)(r + 1), NULL)) != MUM_OK)
                    break;
            }
            row_seq[nseq++] = r;
        }
    }
    mum__strmap_free(&map);
    if (rc != MUM_OK) {
        mum__free(rows);
        mum__free(row_seq);
        return rc;
    }
    /* cells: one block per kind, appended to res->cells */
    size_t base = res->ncells;
    mum_matrix_cell *cells = mum__reallocarray(res->cells, base + nrows * cols + 1, sizeof *cells);
    mum_matrix_row *mrows = mum__calloc(nrows ? nrows : 1, sizeof *mrows);
    if (!cells || !mrows) {
        if (cells)
            res->cells = cells;
        mum__free(mrows);
        mum__free(rows);
        mum__free(row_seq);
        return mum__nomem(c->ctx);
    }
    res->cells = cells;
    memset(cells + base, 0, nrows * cols * sizeof *cells);
    res->ncells = base + nrows * cols;
    size_t seq = 0;
    for (size_t col = 0; col < cols; col++) {
        size_t input = res->inputs[col];
        for (size_t i = 0; i < c->n; i++) {
            const mum_node *n = mum_graph_node(c->g, i);
            if (n->input != input || !n->id || !n->id->name)
                continue;
            if (!in_matrix(c, n, packages))
                continue;
            size_t r = row_seq[seq++]; /* the same walk as above: the same order */
            mum_matrix_cell *cell = &cells[base + r * cols + col];
            if (!cell->node) {
                cell->node = n;
                cell->version = n->id->version;
            }
        }
    }
    for (size_t r = 0; r < nrows; r++) {
        mrows[r].name = rows[r].name;
        mrows[r].part = rows[r].part;
        mrows[r].cells = NULL; /* set after every block is allocated (cells may move) */
    }
    /* remember where this block starts, in the first row's name slot order */
    for (size_t r = 0; r < nrows; r++)
        mrows[r].cells = (const mum_matrix_cell *)(uintptr_t)(base + r * cols);
    mum__free(rows);
    mum__free(row_seq);
    *out_rows = mrows;
    *out_count = nrows;
    return MUM_OK;
}

int mum__judge_build_matrix(checker *c)
{
    mum_verify_result *res = c->res;
    size_t ninputs = mum_graph_input_count(c->g);
    res->platforms = mum__calloc(ninputs ? ninputs : 1, sizeof *res->platforms);
    res->inputs = mum__calloc(ninputs ? ninputs : 1, sizeof *res->inputs);
    if (!res->platforms || !res->inputs)
        return mum__nomem(c->ctx);
    /* columns: inputs with packages, in the usual platform order */
    static const char *const order[] = {"x86", "amd64", "ia64", "arm", "arm64"};
    size_t cols = 0;
    for (size_t o = 0; o <= MUM_ARRAY_LEN(order); o++) {
        for (size_t i = 0; i < ninputs; i++) {
            const mum_graph_input *in = mum_graph_input_at(c->g, i);
            if (!in->packages)
                continue;
            bool known = false;
            for (size_t k = 0; k < MUM_ARRAY_LEN(order); k++)
                known = known || strcmp(in->platform, order[k]) == 0;
            if (o < MUM_ARRAY_LEN(order) ? strcmp(in->platform, order[o]) != 0 : known)
                continue;
            res->platforms[cols] = in->platform;
            res->inputs[cols++] = i;
        }
    }
    res->matrix.columns = cols;
    res->matrix.platforms = res->platforms;
    res->matrix.inputs = res->inputs;
    CHECK(build_rows(c, false, &res->comp_rows, &res->matrix.component_count));
    CHECK(build_rows(c, true, &res->pkg_rows, &res->matrix.package_count));
    /* turn block offsets into pointers now that the cells stay put */
    for (size_t r = 0; r < res->matrix.component_count; r++)
        res->comp_rows[r].cells = res->cells + (uintptr_t)res->comp_rows[r].cells;
    for (size_t r = 0; r < res->matrix.package_count; r++)
        res->pkg_rows[r].cells = res->cells + (uintptr_t)res->pkg_rows[r].cells;
    res->matrix.components = res->comp_rows;
    res->matrix.packages = res->pkg_rows;
    return MUM_OK;
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
    mum_location loc = {.input = mum_graph_input_at(c->g, c->res->inputs[col])->path};
    return loc;
}

static const mum_matrix_row *find_row(const mum_verify_result *res, const char *name, mum_matrix_part part)
{
    for (size_t r = 0; r < res->matrix.component_count; r++)
        if (res->comp_rows[r].part == part && mum_strcasecmp_utf8(res->comp_rows[r].name, name) == 0)
            return &res->comp_rows[r];
    return NULL;
}

int mum__judge_matrix(checker *c)
{
    mum_verify_result *res = c->res;
    size_t cols = res->matrix.columns;
    if (cols < 2)
        return MUM_OK;
    char what[1024];
    for (size_t r = 0; r < res->matrix.component_count; r++) {
        mum_matrix_row *row = &res->comp_rows[r];
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
            if (row->part != MUM_PART_NATIVE && !is_64(res->platforms[col]))
                continue;
            if (row->part == MUM_PART_NATIVE && present == 0)
                continue;
            /* the 32-bit part may ship as wow64 on one platform and x86 on another */
            if (row->part != MUM_PART_NATIVE) {
                const mum_matrix_row *alt = find_row(res, row->name,
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
                     mum__judge_input_name(c, res->inputs[first]), res->platforms[first],
                     mum__judge_input_name(c, res->inputs[col]), res->platforms[col]);
            CHECK(difference(c, MUM_EXPECT_MISSING_COMPONENT, row->name, res->platforms[col],
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
                        mum__sbuf_printf(&list, "%s%s %s", list.len ? ", " : "", res->platforms[col],
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
                if (strcmp(res->platforms[col], "x86") == 0)
                    x86 = col;
            if (x86 == cols)
                continue;
            const mum_matrix_row *twin = find_row(res, row->name, MUM_PART_NATIVE);
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
                             mum__judge_input_name(c, res->inputs[col]), mum__judge_input_name(c, res->inputs[x86]),
                             tc->version ? tc->version : "?");
                else
                    snprintf(what, sizeof what, "%s (%s) in %s has no x86 twin: %s does not have it",
                             row->name, mum_matrix_part_name(row->part), mum__judge_input_name(c, res->inputs[col]),
                             mum__judge_input_name(c, res->inputs[x86]));
                CHECK(difference(c, MUM_EXPECT_NO_X86_TWIN, row->name, res->platforms[col], NULL,
                                 MUM_R_MATRIX_WOW64_WITHOUT_X86, &loc, what));
            }
        }
        /* x86 ships it, some 64-bit platform too, yet none has a 32-bit part */
        if (row->part == MUM_PART_NATIVE) {
            bool x86 = false, native64 = false;
            for (size_t col = 0; col < cols; col++) {
                if (!cells[col].node)
                    continue;
                if (strcmp(res->platforms[col], "x86") == 0)
                    x86 = true;
                else if (is_64(res->platforms[col]))
                    native64 = true;
            }
            const mum_matrix_row *w = find_row(res, row->name, MUM_PART_WOW64);
            const mum_matrix_row *x = find_row(res, row->name, MUM_PART_X86);
            if (x86 && native64 && !w && !x) {
                size_t col = 0;
                while (col < cols && !(cells[col].node && is_64(res->platforms[col])))
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
    for (size_t r = 0; r < res->matrix.package_count; r++) {
        mum_matrix_row *row = &res->pkg_rows[r];
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
                     mum__judge_input_name(c, res->inputs[first]), res->platforms[first],
                     mum__judge_input_name(c, res->inputs[col]), res->platforms[col]);
            CHECK(difference(c, MUM_EXPECT_MISSING_PACKAGE, row->name, res->platforms[col], &cells[col].expected,
                             MUM_R_MATRIX_PACKAGE_MISSING, &loc, what));
        }
    }
    return MUM_OK;
}
