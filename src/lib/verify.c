/*
 * verify.c - the checks of mum/verify.h over a built graph: references,
 * cycles, orphans, the trust chain, payload digests, and the matrix of
 * components and packages across platforms.
 */
#include "config.h"

#include "judge.h"

#include <mum/verify.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

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

void mum_verify_result_free(mum_verify_result *r)
{
    if (!r)
        return;
    mum__free(r->platforms);
    mum__free(r->inputs);
    mum__free(r->comp_rows);
    mum__free(r->pkg_rows);
    mum__free(r->cells);
    mum__free(r->reached);
    mum__judge_signatures_free(r);
    mum__free(r);
}

const mum_matrix *mum_verify_matrix(const mum_verify_result *r)
{
    return r ? &r->matrix : NULL;
}

const mum_sig_result *mum_verify_signature(const mum_verify_result *r, size_t input, size_t s,
                                           const char **signer)
{
    if (signer)
        *signer = NULL;
    if (!r || !r->sig_first || input >= r->nsig_inputs || s >= r->sig_first[input + 1] - r->sig_first[input])
        return NULL;
    const judged_sig *j = &r->cab_sigs[r->sig_first[input] + s];
    if (!j->present)
        return NULL;
    if (signer)
        *signer = j->signer;
    return &j->verdict;
}

const mum_sig_result *mum_verify_catalog_signature(const mum_verify_result *r, const mum_node *catalog)
{
    if (!r || !r->cat_sigs || !catalog || catalog->index >= r->nnodes || !r->cat_sigs[catalog->index].judged)
        return NULL;
    return &r->cat_sigs[catalog->index].verdict;
}

bool mum_verify_reached(const mum_verify_result *r, const mum_node *n)
{
    return r && n && n->index < r->nnodes && r->reached[n->index];
}

static const char *id_text(const mum_identity *id, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s %s", id && id->name ? id->name : "?",
             id && id->version ? id->version : "(no version)",
             id && id->arch ? id->arch : "(no architecture)");
    return buf;
}

static const char *input_name(const checker *c, size_t input)
{
    const char *p = mum_graph_input_at(c->g, input)->path;
    const char *slash = strrchr(p, '/');
    return slash && slash[1] ? slash + 1 : p;
}

static bool follows(mum_edge_kind k)
{
    return k == MUM_EDGE_PACKAGE || k == MUM_EDGE_COMPONENT || k == MUM_EDGE_DRIVER ||
           k == MUM_EDGE_DEPENDENCY;
}

/* ---- references ---- */

static int check_references(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_edge *e = &n->edges[k];
            if (e->to)
                continue;
            mum_location loc = mum_graph_location(c->g, n, e->pos);
            char want[512], got[512];
            switch (e->kind) {
            case MUM_EDGE_PACKAGE:
            case MUM_EDGE_COMPONENT:
            case MUM_EDGE_DRIVER:
            case MUM_EDGE_DEPENDENCY: {
                const char *what = e->kind == MUM_EDGE_PACKAGE ? "package" : "manifest";
                id_text(e->ref, want, sizeof want);
                if (e->other_version) {
                    CHECK(mum__finding(c->findings, MUM_R_GRAPH_WRONG_VERSION, &loc,
                                       "%s needs %s %s, but %s is version %s", n->name, what, want,
                                       e->other_version->name,
                                       e->other_version->id && e->other_version->id->version
                                           ? e->other_version->id->version : "?"));
                } else {
                    CHECK(mum__finding(c->findings,
                                       e->kind == MUM_EDGE_PACKAGE ? MUM_R_GRAPH_MISSING_PACKAGE
                                                                   : MUM_R_GRAPH_MISSING_COMPONENT,
                                       &loc, "%s%s%s%s needs %s %s, which is not in %s", n->name,
                                       e->update ? " (update \"" : "", e->update ? e->update : "",
                                       e->update ? "\")" : "", what, want,
                                       input_name(c, n->input)));
                }
                break;
            }
            case MUM_EDGE_FILE: {
                /* an express delta of it is reported by the express checks */
                CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_MISSING, &loc,
                                   "%s installs %s, which is not in %s (looked in the folder named "
                                   "after the manifest)", n->name, e->file, input_name(c, n->input)));
                break;
            }
            case MUM_EDGE_CATALOG: {
                mum_location at = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
                snprintf(got, sizeof got, "%.*s.cat", (int)(strlen(n->name) > 4 ? strlen(n->name) - 4 : 0),
                         n->name);
                CHECK(mum__finding(c->findings, MUM_R_TRUST_MISSING_CATALOG, &at,
                                   "%s has no catalog: %s is not in %s", n->name, got,
                                   input_name(c, n->input)));
                break;
            }
            }
        }
    }
    return MUM_OK;
}

/* ---- cycles (iterative depth-first search) ---- */

typedef struct frame {
    const mum_node *node;
    size_t next_edge;
} frame;

static int check_cycles(checker *c)
{
    unsigned char *color = mum__calloc(c->n ? c->n : 1, 1);
    frame *stack = mum__calloc(c->n ? c->n : 1, sizeof *stack);
    if (!color || !stack) {
        mum__free(color);
        mum__free(stack);
        return mum__nomem(c->ctx);
    }
    int rc = MUM_OK;
    for (size_t root = 0; root < c->n && rc == MUM_OK; root++) {
        if (color[root])
            continue;
        size_t top = 0;
        stack[top++] = (frame){mum_graph_node(c->g, root), 0};
        color[root] = 1;
        while (top && rc == MUM_OK) {
            frame *f = &stack[top - 1];
            if (f->next_edge == f->node->edge_count) {
                color[f->node->index] = 2;
                top--;
                continue;
            }
            const mum_edge *e = &f->node->edges[f->next_edge++];
            if (!follows(e->kind) || !e->to)
                continue;
            if (color[e->to->index] == 0) {
                color[e->to->index] = 1;
                stack[top++] = (frame){e->to, 0};
            } else if (color[e->to->index] == 1) {
                /* a back edge: the cycle is the stack from e->to up to here */
                mum_sbuf path = {0};
                size_t from = top;
                while (from > 0 && stack[from - 1].node != e->to)
                    from--;
                for (size_t k = from ? from - 1 : 0; k < top; k++) {
                    mum__sbuf_puts(&path, stack[k].node->name);
                    mum__sbuf_puts(&path, " -> ");
                }
                mum__sbuf_puts(&path, e->to->name);
                char *text = mum__sbuf_take(&path);
                if (!text) {
                    rc = mum__nomem(c->ctx);
                    break;
                }
                mum_location loc = mum_graph_location(c->g, f->node, e->pos);
                rc = mum__finding(c->findings, MUM_R_GRAPH_CYCLE, &loc, "a cycle: %s", text);
                mum__free(text);
            }
        }
    }
    mum__free(color);
    mum__free(stack);
    return rc;
}

/* ---- reachability and orphans ---- */

static int mark_reached(checker *c)
{
    bool *seen = c->res->reached;
    const mum_node **todo = mum__calloc(c->n ? c->n : 1, sizeof *todo);
    if (!todo)
        return mum__nomem(c->ctx);
    size_t top = 0;
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        /* roots: packages no other package installs */
        if (n->kind == MUM_NODE_PACKAGE && n->in_count == 0 && !seen[i]) {
            seen[i] = true;
            todo[top++] = n;
        }
    }
    while (top) {
        const mum_node *n = todo[--top];
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_node *t = n->edges[k].to;
            if (t && !seen[t->index]) {
                seen[t->index] = true;
                todo[top++] = t;
            }
        }
    }
    mum__free(todo);
    return MUM_OK;
}

static int check_orphans(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (c->res->reached[i])
            continue;
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        if (n->kind == MUM_NODE_COMPONENT && n->manifest) {
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_MANIFEST, &loc,
                               "no package of %s installs %s (%s)", input_name(c, n->input), n->name,
                               n->deployment ? "a deployment" : "a component"));
        } else if (n->kind == MUM_NODE_CATALOG && !n->catalog_of && !n->payload_of) {
            /* a driver's catalog goes with its component: reported with it */
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_CATALOG, &loc,
                               "%s belongs to no package: no .mum of the same name", n->name));
        } else if (n->kind == MUM_NODE_PAYLOAD && !n->express_delta && n->in_count == 0 &&
                   n->express == NULL) {
            /* express blobs are not payloads; anything else no manifest lists is */
            bool blob = false;
            for (size_t x = 0; x < mum_graph_input_at(c->g, n->input)->express_count && !blob; x++) {
                const mum_express_index *idx = mum_graph_input_at(c->g, n->input)->express[x];
                for (size_t f = 0; f < idx->count && !blob; f++)
                    blob = idx->files[f].source_name && mum__path_equal(idx->files[f].source_name, n->name);
            }
            if (!blob)
                CHECK(mum__finding(c->findings, MUM_R_GRAPH_ORPHAN_PAYLOAD, &loc,
                                   "no manifest lists %s", n->name));
        }
    }
    return MUM_OK;
}

/* ---- trust chain ---- */

static mum_cat_digests cat_digests(const mum_digests *d)
{
    mum_cat_digests cd;
    memset(&cd, 0, sizeof cd);
    /* a digest not taken must not match: fill it with what no member holds */
    memset(cd.sha1, 0xA5, sizeof cd.sha1);
    memset(cd.sha256, 0xA5, sizeof cd.sha256);
    if (d->sha1_ok)
        memcpy(cd.sha1, d->sha1, 20);
    if (d->sha256_ok)
        memcpy(cd.sha256, d->sha256, 32);
    if (d->pe && d->pe_sha1_ok && d->pe_sha256_ok) {
        cd.is_pe = true;
        memcpy(cd.pe_sha1, d->pe_sha1, 20);
        memcpy(cd.pe_sha256, d->pe_sha256, 32);
    }
    return cd;
}

static bool listed(const mum_catalog *cat, const mum_node *n)
{
    mum_cat_digests cd = cat_digests(&n->digests);
    mum_cat_hit hit;
    return mum_catalog_match(cat, &cd, &hit, 1) > 0;
}

/* Marks what package p installs (not its sub-packages: they have their own
 * catalogs) as covered when p's catalog lists it. */
static int cover_package(checker *c, const mum_node *p, const mum_catalog *cat)
{
    const mum_node **todo = mum__calloc(c->n ? c->n : 1, sizeof *todo);
    if (!todo)
        return mum__nomem(c->ctx);
    size_t top = 0, mark = p->index + 1;
    for (size_t k = 0; k < p->edge_count; k++) {
        const mum_edge *e = &p->edges[k];
        if ((e->kind == MUM_EDGE_COMPONENT || e->kind == MUM_EDGE_DRIVER) && e->to &&
            c->stamp[e->to->index] != mark) {
            c->stamp[e->to->index] = mark;
            todo[top++] = e->to;
        }
    }
    while (top) {
        const mum_node *n = todo[--top];
        if (!c->covered[n->index] && listed(cat, n))
            c->covered[n->index] = true;
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_edge *e = &n->edges[k];
            if ((e->kind == MUM_EDGE_DEPENDENCY || e->kind == MUM_EDGE_FILE) && e->to &&
                c->stamp[e->to->index] != mark) {
                c->stamp[e->to->index] = mark;
                todo[top++] = e->to;
            }
        }
    }
    mum__free(todo);
    return MUM_OK;
}

static bool looks_like_pe_name(const char *name)
{
    static const char *const exts[] = {".dll", ".sys", ".exe", ".ocx", ".cpl", ".drv", ".efi",
                                       ".mui", ".scr", ".com", ".tsp", ".ax",  ".acm"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(exts); i++)
        if (mum__ascii_ends_with_ci(name, exts[i]))
            return true;
    return false;
}

static int check_trust(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *p = mum_graph_node(c->g, i);
        if (p->kind != MUM_NODE_PACKAGE)
            continue;
        const mum_node *catnode = NULL;
        for (size_t k = 0; k < p->edge_count; k++)
            if (p->edges[k].kind == MUM_EDGE_CATALOG)
                catnode = p->edges[k].to;
        if (!catnode || !catnode->catalog)
            continue; /* missing: reported; unreadable: reported */
        if (!listed(catnode->catalog, p)) {
            mum_location loc = mum_graph_location(c->g, p, (mum_manifest_pos){0, 0});
            CHECK(mum__finding(c->findings, MUM_R_TRUST_MUM_NOT_IN_CATALOG, &loc,
                               "%s does not list %s (sha1 and sha256 of its bytes)", catnode->name,
                               p->name));
        }
        CHECK(cover_package(c, p, catnode->catalog));
    }
    /* what reached manifests and payloads no catalog listed */
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (!c->res->reached[i] || c->covered[i])
            continue;
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        if (n->kind == MUM_NODE_COMPONENT) {
            CHECK(mum__finding(c->findings, MUM_R_TRUST_MANIFEST_NOT_IN_CATALOG, &loc,
                               "no catalog of a package that installs %s lists it", n->name));
        } else if (n->kind == MUM_NODE_PAYLOAD || n->payload_of) {
            if (n->express_delta && (looks_like_pe_name(n->name) || !n->digests.sha1_ok))
                continue; /* reported as not checkable with its digest */
            CHECK(mum__finding(c->findings, MUM_R_TRUST_PAYLOAD_NOT_IN_CATALOG, &loc,
                               "no catalog of a package that installs %s lists it (by its %s digest)",
                               n->name, n->digests.pe ? "Authenticode" : "flat"));
        }
    }
    return MUM_OK;
}

/*
 * A set of digests (20 or 32 bytes, borrowed from the graph's nodes):
 * open addressing keyed by the first bytes, which a digest spreads evenly.
 */
typedef struct digest_set {
    const uint8_t **slot;
    uint8_t *slot_len;
    size_t cap; /* a power of two, at least twice the entries */
} digest_set;

static size_t digest_home(const digest_set *s, const uint8_t *d)
{
    uint64_t h;
    memcpy(&h, d, sizeof h);
    return (size_t)(h ^ (h >> 29)) & (s->cap - 1);
}

static bool digest_set_init(digest_set *s, size_t entries)
{
    s->cap = 16;
    while (s->cap < 2 * entries)
        s->cap *= 2;
    s->slot = mum__calloc(s->cap, sizeof *s->slot);
    s->slot_len = mum__calloc(s->cap, 1);
    return s->slot && s->slot_len;
}

static void digest_set_free(digest_set *s)
{
    mum__free(s->slot);
    mum__free(s->slot_len);
}

static bool digest_set_has(const digest_set *s, const uint8_t *d, size_t n)
{
    for (size_t i = digest_home(s, d);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slot[i])
            return false;
        if (s->slot_len[i] == n && memcmp(s->slot[i], d, n) == 0)
            return true;
    }
}

static void digest_set_put(digest_set *s, const uint8_t *d, size_t n)
{
    size_t i = digest_home(s, d);
    while (s->slot[i]) {
        if (s->slot_len[i] == n && memcmp(s->slot[i], d, n) == 0)
            return;
        i = (i + 1) & (s->cap - 1);
    }
    s->slot[i] = d;
    s->slot_len[i] = (uint8_t)n;
}

static void digest_set_put_node(digest_set *s, const mum_node *n)
{
    const mum_digests *d = &n->digests;
    if (d->sha1_ok)
        digest_set_put(s, d->sha1, 20);
    if (d->sha256_ok)
        digest_set_put(s, d->sha256, 32);
    if (d->pe_sha1_ok)
        digest_set_put(s, d->pe_sha1, 20);
    if (d->pe_sha256_ok)
        digest_set_put(s, d->pe_sha256, 32);
}

/* The members of catalog node n that are none of the digests in have (files
 * of `where`); *matched (if not NULL) counts the others. */
static int unmatched_members(checker *c, const mum_node *n, const digest_set *have, const char *where,
                             size_t *matched)
{
    size_t members = mum_catalog_get_info(n->catalog)->member_count;
    for (size_t k = 0; k < members; k++) {
        const mum_cat_member *m = mum_catalog_member(n->catalog, k);
        if (m->digest_len == 0 || m->digest_len > MUM_HASH_MAX_SIZE)
            continue;
        /* every digest of a file is at least 20 bytes: a shorter one matches none */
        if (m->digest_len >= 8 && digest_set_has(have, m->digest, m->digest_len)) {
            if (matched)
                (*matched)++;
            continue;
        }
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(m->digest, m->digest_len, hex);
        const char *file = mum_cat_member_attr(m, "File");
        const char *hint = mum_cat_member_attr(m, "Hint");
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        loc.has_offset = true;
        loc.offset = m->offset;
        CHECK(mum__finding(c->findings, MUM_R_TRUST_MEMBER_UNMATCHED, &loc,
                           "member %zu (%s %s%s%s) matches no file of %s", k + 1, mum_hash_name(m->alg),
                           hex, file || hint ? ", " : "", hint ? hint : file ? file : "", where));
    }
    return MUM_OK;
}

/* Whether dir is folder or lies beneath it, compared as Windows compares paths. */
static bool within(const char *dir, const char *folder, char *scratch)
{
    size_t n = strlen(folder);
    if (strlen(dir) < n || (dir[n] != '\0' && dir[n] != '/' && dir[n] != '\\'))
        return false;
    memcpy(scratch, dir, n);
    scratch[n] = '\0';
    return mum__path_equal(scratch, folder);
}

/*
 * A catalog that a component installs as one of its files (KB3040017's
 * x86_ntprint.inf ships ntprint.cat): a driver package's own catalog.  It
 * is not part of the CBS chain -- the package's catalog lists it like any
 * payload, which check_trust and check_payloads see to -- but the driver
 * store's: PnP checks the driver's files against it when the driver is
 * staged from the component store.  So here: a note saying so, its members
 * against the files of its own folder (the driver's files sit beside it
 * or below it), members that match none as notes, as for package
 * catalogs.  Its signature was verified when the graph was built (a failed
 * integrity check is a signature.* error there).
 *
 * A file of that folder that the catalog does not list is not reported:
 * the driver store only requires the files the INF copies (its
 * CopyFiles sections) to be in the catalog the INF names, which is not
 * known without reading the INF; and it is not a failure of the package's
 * own chain, which covers every such file through the package catalog.
 */
static int check_payload_catalog(checker *c, const mum_node *n)
{
    size_t count = 0, matched = 0, members = n->catalog ? mum_catalog_get_info(n->catalog)->member_count : 0;
    char *scratch = mum__malloc(strlen(n->dir) + 1);
    if (!scratch)
        return mum__nomem(c->ctx);
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *f = mum_graph_node(c->g, i);
        count += f->input == n->input && f != n && strcmp(f->container, n->container) == 0 &&
                 within(f->dir, n->dir, scratch);
    }
    digest_set have;
    int rc = MUM_OK;
    if (!digest_set_init(&have, 4 * count))
        rc = mum__nomem(c->ctx);
    for (size_t i = 0; i < c->n && rc == MUM_OK; i++) {
        const mum_node *f = mum_graph_node(c->g, i);
        if (f->input == n->input && f != n && strcmp(f->container, n->container) == 0 &&
            within(f->dir, n->dir, scratch))
            digest_set_put_node(&have, f);
    }
    mum__free(scratch);
    char *where = NULL;
    if (rc == MUM_OK && n->catalog) {
        where = mum__asprintf("%s in %s", *n->dir ? n->dir : "its folder", input_name(c, n->input));
        rc = where ? unmatched_members(c, n, &have, where, &matched) : mum__nomem(c->ctx);
    }
    mum__free(where);
    digest_set_free(&have);
    if (rc != MUM_OK)
        return rc;
    mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
    char sig[96];
    if (!n->catalog)
        snprintf(sig, sizeof sig, "it could not be read");
    else if (!mum_verify_catalog_signature(c->res, n))
        snprintf(sig, sizeof sig, "its signature was not checked");
    else
        snprintf(sig, sizeof sig, "its signature: %s",
                 mum_sig_status_name(mum_verify_catalog_signature(c->res, n)->status));
    return mum__finding(c->findings, MUM_R_TRUST_PAYLOAD_CATALOG, &loc,
                        "%s is a file of %s, a driver's own catalog: Windows checks it when the driver "
                        "is staged, not as part of the package's chain (%s; %zu of %zu members match "
                        "files of its folder)", n->name, n->payload_of->name, sig, matched, members);
}

/* Every member of every catalog should stand for a file of its input: one
 * that does not is worth knowing (a file left out, or a stale catalog). */
static int check_members(checker *c)
{
    for (size_t input = 0; input < mum_graph_input_count(c->g); input++) {
        size_t count = 0;
        for (size_t i = 0; i < c->n; i++)
            if (mum_graph_node(c->g, i)->input == input)
                count += 4;
        digest_set have;
        if (!digest_set_init(&have, count)) {
            digest_set_free(&have);
            return mum__nomem(c->ctx);
        }
        int rc = MUM_OK;
        for (size_t i = 0; i < c->n; i++)
            if (mum_graph_node(c->g, i)->input == input)
                digest_set_put_node(&have, mum_graph_node(c->g, i));
        for (size_t i = 0; i < c->n && rc == MUM_OK; i++) {
            const mum_node *n = mum_graph_node(c->g, i);
            if (n->input != input || n->kind != MUM_NODE_CATALOG || !n->catalog || n->payload_of)
                continue;
            rc = unmatched_members(c, n, &have, input_name(c, input), NULL);
        }
        digest_set_free(&have);
        if (rc != MUM_OK)
            return rc;
    }
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (n->kind == MUM_NODE_CATALOG && n->payload_of)
            CHECK(check_payload_catalog(c, n));
    }
    return MUM_OK;
}

/* ---- payload digests ---- */

static int check_payloads(checker *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *m = mum_graph_node(c->g, i);
        if (m->kind != MUM_NODE_COMPONENT || !c->res->reached[i])
            continue;
        for (size_t k = 0; k < m->edge_count; k++) {
            const mum_edge *e = &m->edges[k];
            if (e->kind != MUM_EDGE_FILE || !e->to)
                continue;
            const mum_node *p = e->to;
            const mum_manifest_file *f = e->file_info;
            mum_location loc = mum_graph_location(c->g, p, (mum_manifest_pos){0, 0});
            const uint8_t *have = NULL;
            if (f->digest_ok && f->digest_alg == MUM_HASH_SHA256 && p->digests.sha256_ok)
                have = p->digests.sha256;
            else if (f->digest_ok && f->digest_alg == MUM_HASH_SHA1 && p->digests.sha1_ok)
                have = p->digests.sha1;
            if (!have) {
                if (p->express_delta || (f->digest_ok && p->express)) {
                    bool in_catalog = c->covered[p->index];
                    CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_NOT_CHECKABLE, &loc,
                                       "%s is only a delta in the express cabinet: its %s digest "
                                       "cannot be checked without decoding it%s",
                                       p->name, mum_hash_name(f->digest_alg),
                                       in_catalog ? " (the index's digest is in a catalog)"
                                                  : looks_like_pe_name(p->name)
                                                        ? ", nor its Authenticode digest against the catalog"
                                                        : ""));
                }
                continue; /* no usable digest in the manifest: reported by its checks */
            }
            if (memcmp(have, f->digest, f->digest_size) != 0) {
                char want[2 * MUM_HASH_MAX_SIZE + 1], got[2 * MUM_HASH_MAX_SIZE + 1];
                mum_hex_encode(f->digest, f->digest_size, want);
                mum_hex_encode(have, f->digest_size, got);
                mum_location at = mum_graph_location(c->g, m, f->hash_pos.line ? f->hash_pos : f->pos);
                CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_DIGEST_MISMATCH, &at,
                                   "%s: %s is %s, the manifest's DigestValue says %s", p->entry,
                                   mum_hash_name(f->digest_alg), got, want));
            }
        }
    }
    return MUM_OK;
}

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

static int build_matrix(checker *c)
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

static int check_matrix(checker *c)
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
                     input_name(c, res->inputs[first]), res->platforms[first],
                     input_name(c, res->inputs[col]), res->platforms[col]);
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
                             input_name(c, res->inputs[col]), input_name(c, res->inputs[x86]),
                             tc->version ? tc->version : "?");
                else
                    snprintf(what, sizeof what, "%s (%s) in %s has no x86 twin: %s does not have it",
                             row->name, mum_matrix_part_name(row->part), input_name(c, res->inputs[col]),
                             input_name(c, res->inputs[x86]));
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
                     input_name(c, res->inputs[first]), res->platforms[first],
                     input_name(c, res->inputs[col]), res->platforms[col]);
            CHECK(difference(c, MUM_EXPECT_MISSING_PACKAGE, row->name, res->platforms[col], &cells[col].expected,
                             MUM_R_MATRIX_PACKAGE_MISSING, &loc, what));
        }
    }
    return MUM_OK;
}

/* ---- inputs ---- */

static int check_inputs(checker *c)
{
    bool signatures = false;
    for (size_t i = 0; i < mum_graph_input_count(c->g); i++) {
        const mum_graph_input *in = mum_graph_input_at(c->g, i);
        mum_location loc = {.input = in->path};
        if (in->packages == 0)
            CHECK(mum__finding(c->findings, MUM_R_GRAPH_NO_PACKAGE, &loc,
                               "%s holds no package (.mum): nothing to install", in->path));
        bool top_signed = false, top_seen = false;
        for (size_t s = 0; s < in->signature_count; s++) {
            if (in->signatures[s].present)
                signatures = true;
            if (strcmp(in->signatures[s].container, "") == 0) {
                top_seen = true;
                top_signed = in->signatures[s].present;
            }
        }
        if (top_seen && !top_signed)
            CHECK(mum__finding(c->findings, MUM_R_TRUST_OUTER_UNSIGNED, &loc,
                               "the %s carries no Authenticode signature of its own (its catalogs "
                               "still sign its contents)", in->kind ? in->kind : "input"));
    }
    for (size_t i = 0; i < c->n && !signatures; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        signatures = n->kind == MUM_NODE_CATALOG && n->integrity_done &&
                     n->integrity.status != MUM_SIG_UNSIGNED;
    }
    if (signatures && !c->opts->anchors)
        CHECK(mum__finding(c->findings, MUM_R_TRUST_NO_ANCHORS, NULL,
                           "no trust anchors were given (--trust): signatures were checked for "
                           "integrity only, not chained to a root"));
    return MUM_OK;
}

/*
 * The checks that need only what mark_reached left, on two threads: the
 * orphans, the trust chain and the payloads here; the catalog members and
 * the matrix (which writes nothing the others read) beside them, with their
 * own ctx and findings, added after these so the order is one thread's.
 * One thread when the graph was built with MUM_WALK_SINGLE_THREAD or no
 * thread can be had.
 */
typedef struct side_job {
    checker c;
    int rc;
} side_job;

static void side_run(side_job *j)
{
    j->rc = check_members(&j->c);
    if (j->rc == MUM_OK)
        j->rc = build_matrix(&j->c);
}

static void *side_main(void *arg)
{
    side_run(arg);
    return NULL;
}

static int side_checks(checker *c)
{
    side_job j = {.c = *c, .rc = MUM_OK};
    pthread_t thread;
    bool two = !mum__graph_one_thread(c->g) && mum_ctx_new(&j.c.ctx) == MUM_OK;
    if (two && mum_findings_new(&j.c.findings) != MUM_OK) {
        mum_ctx_free(j.c.ctx);
        two = false;
    }
    if (two && pthread_create(&thread, NULL, side_main, &j) != 0) {
        mum_findings_free(j.c.findings);
        mum_ctx_free(j.c.ctx);
        two = false;
    }
    int rc = check_orphans(c);
    if (rc == MUM_OK)
        rc = check_trust(c);
    if (rc == MUM_OK)
        rc = check_payloads(c);
    if (!two) {
        if (rc != MUM_OK)
            return rc;
        j.c = *c;
        side_run(&j);
        return j.rc;
    }
    pthread_join(thread, NULL);
    /* the side checks fail only for want of memory */
    if (rc == MUM_OK)
        rc = j.rc != MUM_OK ? j.rc : mum__findings_relay(c->findings, j.c.findings);
    mum_findings_free(j.c.findings);
    mum_ctx_free(j.c.ctx);
    return rc;
}

int mum_verify_graph(mum_ctx *ctx, const mum_graph *g, const mum_verify_options *opts,
                     mum_findings *findings, mum_verify_result **out)
{
    static const mum_verify_options defaults = MUM_VERIFY_OPTIONS_INIT;
    if (out)
        *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!g || !findings || opts->version != MUM_VERIFY_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_verify_graph: bad arguments");
    checker c = {.ctx = ctx, .g = g, .opts = opts, .findings = findings, .n = mum_graph_node_count(g)};
    if (opts->policy)
        CHECK(mum_policy_apply_severities(opts->policy, findings));
    c.res = mum__calloc(1, sizeof *c.res);
    c.covered = mum__calloc(c.n ? c.n : 1, sizeof *c.covered);
    c.stamp = mum__calloc(c.n ? c.n : 1, sizeof *c.stamp);
    int rc = MUM_ENOMEM;
    if (!c.res || !c.covered || !c.stamp ||
        !(c.res->reached = mum__calloc(c.n ? c.n : 1, sizeof *c.res->reached)))
        goto done;
    c.res->nnodes = c.n;
    if ((rc = mum__judge_signatures(&c)) != MUM_OK || (rc = check_inputs(&c)) != MUM_OK || (rc = check_references(&c)) != MUM_OK ||
        (rc = check_cycles(&c)) != MUM_OK || (rc = mark_reached(&c)) != MUM_OK ||
        (rc = side_checks(&c)) != MUM_OK || (rc = check_matrix(&c)) != MUM_OK)
        goto done;
    if (opts->policy && (rc = mum_policy_report_unused(opts->policy, findings)) != MUM_OK)
        goto done;
    rc = MUM_OK;
done:
    mum__free(c.covered);
    mum__free(c.stamp);
    if (rc == MUM_ENOMEM && mum_ctx_status(ctx) == MUM_OK)
        mum__nomem(ctx);
    if (rc != MUM_OK || !out)
        mum_verify_result_free(c.res);
    else
        *out = c.res;
    return rc;
}
