/*
 * judge_expect.c - the judge's expected-contents family: the packages
 * against the file tables of their KB article (or mumtool's own TSV/JSON
 * form of them, mum/expect.h), given as verify's `expect` option.
 *
 * A row belongs to the packages of its package_arch: the inputs whose
 * platform (the matrix's column label) is that.  In each such input, a
 * "File information" row is matched by the payloads of its name
 * (case-insensitive) in the part its arch names: the native part, or for
 * an x86 row in a 64-bit package the wow64 or x86 part (mum_matrix_part_of
 * of the component installing the payload); a row whose platform is "Not
 * Applicable" (data files such as Wfp.mof) matches any part.  An
 * "Additional file information" row is matched by the .mum and .manifest
 * of its name.  A row is satisfied when one of the files it matches has
 * its size (exact) and its version (dotted numbers: the PE version
 * resource, else the version of the component installing the file); else
 * the nearest one is reported.  A date or time that differs is reported as
 * a note (expect.date-differs), an error with expect_dates (expect.date).
 *
 * Dates: the article's date and time are the files' build times in UTC;
 * what a package carries that is comparable is each file's own time in its
 * cabinet (CFFILE date/time, written by the build in UTC and read as
 * such), compared by date and, when the row gives one, time to the
 * minute.  A catalog's time is when the package was signed, after the
 * files were built: not comparable, not used.  A file without a time is
 * not judged.
 */
#include "config.h"

#include "graph_internal.h"
#include "judge.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct expect_state {
    checker *c;
    const mum_expect *e;
    const mum_node **owner;     /* per node: the component whose <file> it is */
    bool *listed;               /* per node: a row names it */
    bool *holds_listed;         /* per node (component): one of its files is listed */
    size_t *next;               /* per node: the next node of the same name, +1 (0: none) */
    mum_strmap byname;          /* lower-case name -> the first node of that name, +1 */
    bool *covered;              /* per input: its platform has rows */
} expect_state;

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash && slash[1] ? slash + 1 : path ? path : "";
}

static char *lower_ascii(const char *s)
{
    char *l = mum__strdup(s);
    for (char *p = l; p && *p; p++)
        *p = (char)mum__ascii_tolower((unsigned char)*p);
    return l;
}

/* Dotted numbers compared part by part ("6.0.6001.22222"); a missing part
 * is 0; a part that is not a number is compared as text. */
static int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        char *ea, *eb;
        unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        bool na = ea == a + la && la > 0, nb = eb == b + lb && lb > 0;
        if (na && nb) {
            if (x != y)
                return x < y ? -1 : 1;
        } else if (!(la == 0 && lb == 0)) {
            int d = mum__ascii_strncasecmp(a, b, la < lb ? la : lb);
            if (d != 0 || la != lb)
                return d ? d : la < lb ? -1 : 1;
        }
        a += la + (a[la] == '.');
        b += lb + (b[lb] == '.');
    }
    return 0;
}

/* Which part of its package a payload is (unknown owner or a neutral
 * component: MUM_PART_OTHER, which any row matches). */
static mum_matrix_part node_part(const char *platform, const mum_node *owner)
{
    if (!owner || !owner->id || !owner->id->arch)
        return MUM_PART_OTHER;
    return mum_matrix_part_of(platform, owner->id->arch);
}

static bool part_matches(const mum_expect_row *r, const char *platform, const mum_node *owner)
{
    if (!r->platform || !r->arch) /* "Not Applicable": a data file of any part */
        return true;
    mum_matrix_part have = node_part(platform, owner);
    mum_matrix_part want = mum_matrix_part_of(platform, r->arch);
    return have == want || have == MUM_PART_OTHER ||
           (want == MUM_PART_X86 && (have == MUM_PART_WOW64 || have == MUM_PART_X86));
}

/* "x86", or "x86 in amd64" for the 32-bit part of a 64-bit package. */
static void row_label(const mum_expect_row *r, const char *pkg, char *out, size_t size)
{
    if (r->arch && r->platform && mum__ascii_strcasecmp(r->arch, pkg) != 0)
        snprintf(out, size, "%s (%s in %s)", r->name, r->arch, pkg);
    else
        snprintf(out, size, "%s (%s)", r->name, pkg);
}

/* The version a file has: its version resource, else its component's. */
static const char *node_version(const mum_expect_row *r, const mum_node *n, const mum_node *owner,
                                const char **from)
{
    if (r->kind == MUM_EXPECT_ADDITIONAL) {
        *from = "its identity";
        return n->id ? n->id->version : NULL;
    }
    if (n->pe && n->pe->file_version) {
        *from = "its version resource";
        return n->pe->file_version;
    }
    *from = "its component's manifest";
    return owner && owner->id ? owner->id->version : NULL;
}

static bool node_time(const mum_node *n, char *date, char *hm)
{
    if (!n->has_mtime)
        return false;
    time_t t = (time_t)n->mtime;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return false;
    strftime(date, 16, "%Y-%m-%d", &tm);
    strftime(hm, 8, "%H:%M", &tm);
    return true;
}

typedef struct verdict {
    bool size_ok, version_ok, date_ok;
    const char *version, *from;
    char date[16], hm[8];
} verdict;

static int judge_one(const expect_state *s, const mum_expect_row *r, const mum_node *n, verdict *v)
{
    memset(v, 0, sizeof *v);
    v->size_ok = r->size < 0 || (uint64_t)r->size == n->size;
    v->version = node_version(r, n, s->owner[n->index], &v->from);
    v->version_ok = !r->version || !v->version || version_cmp(r->version, v->version) == 0;
    v->date_ok = true;
    if (r->date && node_time(n, v->date, v->hm))
        v->date_ok = strcmp(r->date, v->date) == 0 && (!r->time || strncmp(r->time, v->hm, 5) == 0);
    return (int)v->size_ok + (int)v->version_ok + (int)v->date_ok;
}

static bool candidate(const expect_state *s, const mum_expect_row *r, const mum_node *n, size_t input,
                      const char *platform)
{
    const node_priv *np = (const node_priv *)n;
    if (n->input != input || mum_strcasecmp_utf8(n->name, r->name) != 0)
        return false;
    if (r->kind == MUM_EXPECT_ADDITIONAL)
        return n->kind == MUM_NODE_PACKAGE || n->kind == MUM_NODE_COMPONENT;
    return n->kind == MUM_NODE_PAYLOAD && !np->express_blob && !np->metadata &&
           part_matches(r, platform, s->owner[n->index]);
}

/* One row against one input of its platform. */
static int judge_row(expect_state *s, const mum_expect_row *r, size_t input, const char *pkg)
{
    checker *c = s->c;
    const char *platform = mum_graph_input_at(c->g, input)->platform;
    char label[600];
    row_label(r, pkg, label, sizeof label);
    const mum_node *best = NULL;
    int best_score = -1;
    verdict bv;
    void *first = mum__strmap_get_lower(&s->byname, r->name);
    for (size_t i = (size_t)(uintptr_t)first; i; i = s->next[i - 1]) {
        const mum_node *n = mum_graph_node(c->g, i - 1);
        if (!candidate(s, r, n, input, platform))
            continue;
        s->listed[n->index] = true;
        if (s->owner[n->index])
            s->holds_listed[s->owner[n->index]->index] = true;
        verdict v;
        int score = judge_one(s, r, n, &v);
        if (score > best_score) {
            best = n;
            best_score = score;
            bv = v;
        }
    }
    if (!best) {
        mum_location loc = {.input = mum_graph_input_at(c->g, input)->path};
        return mum__finding(c->findings, MUM_R_EXPECT_MISSING, &loc,
                            "%s: listed by the article (%s:%zu) but not in %s (%s)", label,
                            base_name(r->source ? r->source : s->e->source), r->line,
                            mum__judge_input_name(c, input), platform);
    }
    mum_location loc = mum_graph_location(c->g, best, (mum_manifest_pos){0, 0});
    if (!bv.size_ok)
        CHECK(mum__finding(c->findings, MUM_R_EXPECT_SIZE, &loc,
                           "%s: %lld bytes expected by the article, %llu in the package", label,
                           (long long)r->size, (unsigned long long)best->size));
    if (!bv.version_ok)
        CHECK(mum__finding(c->findings, MUM_R_EXPECT_VERSION, &loc,
                           "%s: version %s expected by the article, %s in the package (%s)", label,
                           r->version, bv.version, bv.from));
    if (!bv.date_ok)
        CHECK(mum__finding(c->findings,
                           c->opts->expect_dates ? MUM_R_EXPECT_DATE : MUM_R_EXPECT_DATE_DIFFERS, &loc,
                           "%s: %s%s%s expected by the article, %s %s in the package (the file's "
                           "time in its cabinet)",
                           label, r->date, r->time ? " " : "", r->time ? r->time : "", bv.date, bv.hm));
    return MUM_OK;
}

/* The platform a row's packages have: its section's, else its own. */
static const char *row_package(const mum_expect_row *r)
{
    return r->package_arch ? r->package_arch : r->arch;
}

static bool input_is(const checker *c, size_t input, const char *platform)
{
    const char *p = mum_graph_input_at(c->g, input)->platform;
    return p && *p && mum__ascii_strcasecmp(p, platform) == 0;
}

static int platforms_missing(expect_state *s)
{
    checker *c = s->c;
    size_t ni = mum_graph_input_count(c->g);
    for (size_t k = 0; k < s->e->count; k++) {
        const mum_expect_row *r = &s->e->rows[k];
        const char *pkg = row_package(r);
        if (!pkg)
            continue;
        bool seen = false; /* one note per platform: at its first row */
        for (size_t j = 0; j < k && !seen; j++)
            seen = row_package(&s->e->rows[j]) &&
                   mum__ascii_strcasecmp(row_package(&s->e->rows[j]), pkg) == 0;
        bool present = false;
        for (size_t i = 0; i < ni && !present; i++)
            present = input_is(c, i, pkg);
        if (seen || present)
            continue;
        size_t rows = 0;
        for (size_t j = k; j < s->e->count; j++)
            rows += row_package(&s->e->rows[j]) &&
                    mum__ascii_strcasecmp(row_package(&s->e->rows[j]), pkg) == 0;
        mum_location loc = {.input = r->source ? r->source : s->e->source, .line = (uint32_t)r->line};
        CHECK(mum__finding(c->findings, MUM_R_EXPECT_PLATFORM_MISSING, &loc,
                           "the article lists %zu file%s for %s packages (\"%s\"), but no input is "
                           "one: not checked",
                           rows, rows == 1 ? "" : "s", pkg, r->section ? r->section : ""));
    }
    return MUM_OK;
}

static int unexpected(expect_state *s)
{
    checker *c = s->c;
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        const node_priv *np = (const node_priv *)n;
        const mum_node *owner = s->owner[i];
        if (n->kind != MUM_NODE_PAYLOAD || np->express_blob || np->metadata || s->listed[i] || !owner ||
            !s->holds_listed[owner->index] || !s->covered[n->input])
            continue;
        const char *platform = mum_graph_input_at(c->g, n->input)->platform;
        mum_matrix_part part = node_part(platform, owner);
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        char where[64];
        if (part == MUM_PART_NATIVE || part == MUM_PART_OTHER)
            snprintf(where, sizeof where, "%s", platform);
        else
            snprintf(where, sizeof where, "%s in %s", mum_matrix_part_name(part), platform);
        CHECK(mum__finding(c->findings, MUM_R_EXPECT_UNEXPECTED, &loc,
                           "%s (%s): a file of %s, whose other files the article lists, is not listed",
                           n->name, where, owner->id && owner->id->name ? owner->id->name : owner->name));
    }
    return MUM_OK;
}

/* The owner of every payload, and the nodes by name (chains in node order). */
static int index_nodes(expect_state *s, size_t *last)
{
    checker *c = s->c;
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_edge *e = &n->edges[k];
            if (e->kind == MUM_EDGE_FILE && e->to && !s->owner[e->to->index])
                s->owner[e->to->index] = n;
        }
        char *key = lower_ascii(n->name);
        void *head = NULL;
        if (!key || mum__strmap_put(&s->byname, key, (void *)(uintptr_t)(i + 1), &head) != MUM_OK)
            return MUM_ENOMEM;
        size_t h = head ? (size_t)(uintptr_t)head - 1 : i;
        if (head)
            s->next[last[h]] = i + 1;
        last[h] = i;
    }
    return MUM_OK;
}

int mum__judge_expect(checker *c)
{
    const mum_expect *e = c->opts->expect;
    if (!e || e->count == 0)
        return MUM_OK;
    size_t ni = mum_graph_input_count(c->g);
    expect_state s = {.c = c, .e = e};
    size_t n = c->n ? c->n : 1;
    s.owner = mum__calloc(n, sizeof *s.owner);
    s.listed = mum__calloc(n, sizeof *s.listed);
    s.holds_listed = mum__calloc(n, sizeof *s.holds_listed);
    s.next = mum__calloc(n, sizeof *s.next);
    s.covered = mum__calloc(ni ? ni : 1, sizeof *s.covered);
    size_t *last = mum__calloc(n, sizeof *last);
    int rc = MUM_ENOMEM;
    if (!s.owner || !s.listed || !s.holds_listed || !s.next || !s.covered || !last ||
        (rc = index_nodes(&s, last)) != MUM_OK)
        goto done;
    for (size_t k = 0; k < e->count && rc == MUM_OK; k++) {
        const mum_expect_row *r = &e->rows[k];
        const char *pkg = row_package(r);
        if (!pkg || !r->name)
            continue;
        for (size_t i = 0; i < ni && rc == MUM_OK; i++)
            if (input_is(c, i, pkg)) {
                s.covered[i] = true;
                rc = judge_row(&s, r, i, pkg);
            }
    }
    if (rc == MUM_OK)
        rc = unexpected(&s);
    if (rc == MUM_OK)
        rc = platforms_missing(&s);
done:
    mum__free(last);
    mum__free(s.owner);
    mum__free(s.listed);
    mum__free(s.holds_listed);
    mum__free(s.next);
    mum__free(s.covered);
    mum__strmap_free(&s.byname);
    return rc == MUM_ENOMEM ? mum__nomem(c->ctx) : rc;
}
