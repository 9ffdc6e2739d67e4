/*
 * matrix.c - the cross-architecture matrix of a package graph (mum/matrix.h):
 * one column per input that has packages, in platform order; a row per
 * component name and part (native, wow64, x86 in a 64-bit package, other)
 * and per package name.  verify judges its differences (judge_matrix.c);
 * diff compares two graphs' matrices.
 */
#include "config.h"

#include "matrix_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* What building one matrix reads. */
typedef struct mbuild {
    mum_ctx *ctx;
    const mum_graph *g;
    size_t n;                   /* nodes */
    const bool *reached;        /* per node: a package of its input reaches it */
    mum__by_input by;
    mum__matrix *m;
} mbuild;

static const char *const part_names[] = {"native", "wow64", "x86", "other"};

mum__by_input mum__graph_by_input(const mum_graph *g)
{
    size_t ninputs = mum_graph_input_count(g), n = mum_graph_node_count(g);
    mum__by_input by = {NULL, NULL};
    if (n > (SIZE_MAX / sizeof(size_t)) - ninputs - 1)
        return by;
    size_t *block = mum__calloc(ninputs + 1 + n, sizeof *block);
    if (!block)
        return by;
    by.first = block;
    by.order = block + ninputs + 1;
    /* counting sort, stable: first[i + 1] counts input i's nodes, then
     * becomes where input i + 1's start (a node of no input is left out) */
    for (size_t i = 0; i < n; i++) {
        size_t in = mum_graph_node(g, i)->input;
        if (in < ninputs)
            by.first[in + 1]++;
    }
    for (size_t i = 0; i < ninputs; i++)
        by.first[i + 1] += by.first[i];
    size_t *next = mum__calloc(ninputs ? ninputs : 1, sizeof *next);
    if (!next) {
        mum__free(block);
        return (mum__by_input){NULL, NULL};
    }
    memcpy(next, by.first, ninputs * sizeof *next);
    for (size_t i = 0; i < n; i++) {
        size_t in = mum_graph_node(g, i)->input;
        if (in < ninputs)
            by.order[next[in]++] = i;
    }
    mum__free(next);
    return by;
}

const char *mum_matrix_part_name(mum_matrix_part part)
{
    return (unsigned)part < MUM_ARRAY_LEN(part_names) ? part_names[part] : "?";
}

bool mum__matrix_is_64(const char *platform)
{
    return platform && (strcmp(platform, "amd64") == 0 || strcmp(platform, "ia64") == 0 ||
                        strcmp(platform, "arm64") == 0);
}

mum_matrix_part mum_matrix_part_of(const char *platform, const char *arch)
{
    if (!arch)
        return MUM_PART_OTHER;
    if (mum__ascii_strcasecmp(arch, platform) == 0)
        return MUM_PART_NATIVE;
    if (mum__ascii_strcasecmp(arch, "wow64") == 0)
        return MUM_PART_WOW64;
    if (mum__ascii_strcasecmp(arch, "x86") == 0 && mum__matrix_is_64(platform))
        return MUM_PART_X86;
    return MUM_PART_OTHER;
}

/* Packages in the package table; components a package installs in the
 * other (orphans install nothing), except deployments that install no file
 * of their own (hash-named: their names differ per platform by design). */
static bool in_matrix(const mbuild *b, const mum_node *n, bool packages)
{
    if (packages)
        return n->kind == MUM_NODE_PACKAGE;
    return n->kind == MUM_NODE_COMPONENT && n->manifest && b->reached[n->index] &&
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

/* Collects the rows of one kind (components or packages) into the matrix. */
static int build_rows(mbuild *b, bool packages, mum_matrix_row **out_rows, size_t *out_count)
{
    mum__matrix *m = b->m;
    size_t cols = m->pub.columns;
    mum_strmap map = {0};
    row_build *rows = NULL;
    size_t nrows = 0, caprows = 0;
    size_t *row_seq = NULL, nseq = 0, capseq = 0; /* the row of each (column, node) visited, in order */
    int rc = MUM_OK;
    for (size_t col = 0; col < cols && rc == MUM_OK; col++) {
        size_t input = m->inputs[col];
        const char *platform = m->platforms[col];
        for (size_t k = b->by.first[input]; k < b->by.first[input + 1] && rc == MUM_OK; k++) {
            const mum_node *n = mum_graph_node(b->g, b->by.order[k]);
            if (!n->id || !n->id->name)
                continue;
            if (!in_matrix(b, n, packages))
                continue;
            mum_matrix_part part = packages ? MUM_PART_NATIVE : mum_matrix_part_of(platform, n->id->arch);
            char *key = row_key(n->id->name, part);
            if (!key || !mum__grow((void **)&row_seq, &capseq, nseq + 1, sizeof *row_seq)) {
                mum__free(key);
                rc = mum__nomem(b->ctx);
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
                    rc = mum__nomem(b->ctx);
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
    /* cells: one block per kind, appended to m->cells */
    size_t base = m->ncells;
    mum_matrix_cell *cells = mum__reallocarray(m->cells, base + nrows * cols + 1, sizeof *cells);
    mum_matrix_row *mrows = mum__calloc(nrows ? nrows : 1, sizeof *mrows);
    if (!cells || !mrows) {
        if (cells)
            m->cells = cells;
        mum__free(mrows);
        mum__free(rows);
        mum__free(row_seq);
        return mum__nomem(b->ctx);
    }
    m->cells = cells;
    memset(cells + base, 0, nrows * cols * sizeof *cells);
    m->ncells = base + nrows * cols;
    size_t seq = 0;
    for (size_t col = 0; col < cols; col++) {
        size_t input = m->inputs[col];
        for (size_t k = b->by.first[input]; k < b->by.first[input + 1]; k++) {
            const mum_node *n = mum_graph_node(b->g, b->by.order[k]);
            if (!n->id || !n->id->name)
                continue;
            if (!in_matrix(b, n, packages))
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

static int build_matrix(mbuild *b)
{
    mum__matrix *m = b->m;
    size_t ninputs = mum_graph_input_count(b->g);
    m->platforms = mum__calloc(ninputs ? ninputs : 1, sizeof *m->platforms);
    m->inputs = mum__calloc(ninputs ? ninputs : 1, sizeof *m->inputs);
    if (!m->platforms || !m->inputs)
        return mum__nomem(b->ctx);
    /* columns: inputs with packages, in the usual platform order */
    static const char *const order[] = {"x86", "amd64", "ia64", "arm", "arm64"};
    size_t cols = 0;
    for (size_t o = 0; o <= MUM_ARRAY_LEN(order); o++) {
        for (size_t i = 0; i < ninputs; i++) {
            const mum_graph_input *in = mum_graph_input_at(b->g, i);
            if (!in->packages)
                continue;
            bool known = false;
            for (size_t k = 0; k < MUM_ARRAY_LEN(order); k++)
                known = known || strcmp(in->platform, order[k]) == 0;
            if (o < MUM_ARRAY_LEN(order) ? strcmp(in->platform, order[o]) != 0 : known)
                continue;
            m->platforms[cols] = in->platform;
            m->inputs[cols++] = i;
        }
    }
    m->pub.columns = cols;
    m->pub.platforms = m->platforms;
    m->pub.inputs = m->inputs;
    CHECK(build_rows(b, false, &m->comp_rows, &m->pub.component_count));
    CHECK(build_rows(b, true, &m->pkg_rows, &m->pub.package_count));
    /* turn block offsets into pointers now that the cells stay put */
    for (size_t r = 0; r < m->pub.component_count; r++)
        m->comp_rows[r].cells = m->cells + (uintptr_t)m->comp_rows[r].cells;
    for (size_t r = 0; r < m->pub.package_count; r++)
        m->pkg_rows[r].cells = m->cells + (uintptr_t)m->pkg_rows[r].cells;
    m->pub.components = m->comp_rows;
    m->pub.packages = m->pkg_rows;
    return MUM_OK;
}

void mum__matrix_free(mum__matrix *m)
{
    if (!m)
        return;
    mum__free(m->platforms);
    mum__free(m->inputs);
    mum__free(m->comp_rows);
    mum__free(m->pkg_rows);
    mum__free(m->cells);
    mum__free(m);
}

int mum__matrix_build(mum__matrix **out, mum_ctx *ctx, const mum_graph *g, const bool *reached)
{
    *out = NULL;
    mbuild b = {.ctx = ctx, .g = g, .n = mum_graph_node_count(g), .reached = reached};
    b.by = mum__graph_by_input(g);
    if (!b.by.first || !(b.m = mum__calloc(1, sizeof *b.m))) {
        mum__free(b.by.first);
        return mum__nomem(ctx);
    }
    int rc = build_matrix(&b);
    mum__free(b.by.first);
    if (rc != MUM_OK) {
        mum__matrix_free(b.m);
        return rc;
    }
    *out = b.m;
    return MUM_OK;
}

int mum_matrix_build(mum_matrix **out, mum_ctx *ctx, const mum_graph *g)
{
    if (out)
        *out = NULL;
    if (!out || !g)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_matrix_build: bad arguments");
    size_t n = mum_graph_node_count(g);
    bool *reached = mum__calloc(n ? n : 1, sizeof *reached);
    if (!reached)
        return mum__nomem(ctx);
    int rc = mum__graph_reached(g, reached);
    mum__matrix *m = NULL;
    if (rc == MUM_OK)
        rc = mum__matrix_build(&m, ctx, g, reached);
    else
        mum__nomem(ctx);
    mum__free(reached);
    if (rc == MUM_OK)
        *out = &m->pub;
    return rc;
}

void mum_matrix_free(mum_matrix *m)
{
    /* the public matrix is the first member of the private one */
    mum__matrix_free((mum__matrix *)m);
}
