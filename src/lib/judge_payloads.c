/*
 * judge_payloads.c - the judge's payload family: every file matches the
 * DigestValue its manifest gives, every member of a package's catalog
 * stands for a file of its input, and a driver's own catalog (a payload
 * that is a catalog) is told apart and its members matched to its folder.
 */
#include "config.h"

#include "judge.h"

#include <stdio.h>
#include <string.h>

/*
 * A set of digests (20 or 32 bytes) of the graph's nodes: open addressing
 * keyed by the first bytes, which a digest spreads evenly.  A slot names a
 * digest of a node by the node's index and which of its four digests it is
 * (4 bytes, not a pointer and a length): a call over tens of thousands of
 * files makes this table afresh, and every page of it is touched.
 */
typedef struct digest_set {
    const mum_graph *g;
    uint32_t *slot; /* 0: free; else 1 + (node index << 2 | which digest) */
    size_t cap;     /* a power of two, at least twice the entries */
    /* digest sizes (20, 32) of an Authenticode digest some PE file of the
     * set lacks: the walk computes only the algorithms the catalogs read
     * before the file use (graph_walk.c), so a member of that size may
     * stand for it */
    bool pe_missing20, pe_missing32;
} digest_set;

enum { DIGEST_SHA1, DIGEST_SHA256, DIGEST_PE_SHA1, DIGEST_PE_SHA256 };

/* The digests of node n the set takes, one bit each (DIGEST_*). */
static unsigned node_digests(const mum_node *n)
{
    const mum_node_pe *pe = n->pe;
    return (n->digests.sha1_ok ? 1u << DIGEST_SHA1 : 0) | (n->digests.sha256_ok ? 1u << DIGEST_SHA256 : 0) |
           (pe && pe->sha1_ok ? 1u << DIGEST_PE_SHA1 : 0) | (pe && pe->sha256_ok ? 1u << DIGEST_PE_SHA256 : 0);
}

static unsigned bit_count(unsigned v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static const uint8_t *slot_digest(const digest_set *s, uint32_t v, size_t *len)
{
    const mum_node *n = mum_graph_node(s->g, (v - 1) >> 2);
    switch ((v - 1) & 3) {
    case DIGEST_SHA1: *len = 20; return n->digests.sha1;
    case DIGEST_SHA256: *len = 32; return n->digests.sha256;
    case DIGEST_PE_SHA1: *len = 20; return n->pe->sha1;
    default: *len = 32; return n->pe->sha256;
    }
}

static size_t digest_home(const digest_set *s, const uint8_t *d)
{
    uint64_t h;
    memcpy(&h, d, sizeof h);
    return (size_t)(h ^ (h >> 29)) & (s->cap - 1);
}

/* A set for `entries` digests of g's nodes; false: out of memory. */
static bool digest_set_init(digest_set *s, const mum_graph *g, size_t entries)
{
    s->g = g;
    s->cap = 16;
    s->pe_missing20 = s->pe_missing32 = false;
    s->slot = NULL;
    /* a slot holds a node's index times four: a graph that large has run
     * out of memory long before */
    if (mum_graph_node_count(g) > (UINT32_MAX >> 2) - 1)
        return false;
    while (s->cap < 2 * entries)
        s->cap *= 2;
    s->slot = mum__calloc(s->cap, sizeof *s->slot);
    return s->slot != NULL;
}

static void digest_set_free(digest_set *s)
{
    mum__free(s->slot);
}

static bool digest_set_has(const digest_set *s, const uint8_t *d, size_t n)
{
    for (size_t i = digest_home(s, d);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slot[i])
            return false;
        size_t len;
        const uint8_t *have = slot_digest(s, s->slot[i], &len);
        if (len == n && memcmp(have, d, n) == 0)
            return true;
    }
}

static void digest_set_put(digest_set *s, const mum_node *node, unsigned which)
{
    uint32_t v = (uint32_t)(node->index << 2 | which) + 1;
    size_t n;
    const uint8_t *d = slot_digest(s, v, &n);
    size_t i = digest_home(s, d);
    while (s->slot[i]) {
        size_t len;
        const uint8_t *have = slot_digest(s, s->slot[i], &len);
        if (len == n && memcmp(have, d, n) == 0)
            return;
        i = (i + 1) & (s->cap - 1);
    }
    s->slot[i] = v;
}

static void digest_set_put_node(digest_set *s, const mum_node *n)
{
    unsigned has = node_digests(n);
    for (unsigned which = DIGEST_SHA1; which <= DIGEST_PE_SHA256; which++)
        if (has & (1u << which))
            digest_set_put(s, n, which);
    const mum_node_pe *pe = n->pe;
    if (pe && pe->image && !pe->sha1_ok)
        s->pe_missing20 = true;
    if (pe && pe->image && !pe->sha256_ok)
        s->pe_missing32 = true;
}

/* The members of catalog node n that are none of the digests in have (files
 * of `where`); *matched (if not NULL) counts the others. */
static int unmatched_members(checker *c, const mum_node *n, const digest_set *have, const char *where,
                             size_t *matched)
{
    const mum_catalog *cat = n->cat->catalog;
    size_t members = mum_catalog_get_info(cat)->member_count;
    for (size_t k = 0; k < members; k++) {
        const mum_cat_member *m = mum_catalog_member(cat, k);
        if (m->digest_len == 0 || m->digest_len > MUM_HASH_MAX_SIZE)
            continue;
        /* every digest of a file is at least 20 bytes: a shorter one matches none */
        if (m->digest_len >= 8 && digest_set_has(have, m->digest, m->digest_len)) {
            if (matched)
                (*matched)++;
            continue;
        }
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(hex, m->digest, m->digest_len);
        const char *file = mum_cat_member_attr(m, "File");
        const char *hint = mum_cat_member_attr(m, "Hint");
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        loc.has_offset = true;
        loc.offset = m->offset;
        if ((m->digest_len == 20 && have->pe_missing20) || (m->digest_len == 32 && have->pe_missing32)) {
            /* not re-read: said as it is */
            CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_NOT_CHECKABLE, &loc,
                               "member %zu (%s %s%s%s) matches no file of %s whose digests were "
                               "computed: a PE file came before any catalog asking for its "
                               "Authenticode %s digest, which was not computed",
                               k + 1, mum_hash_name(m->alg), hex, file || hint ? ", " : "",
                               hint ? hint : file ? file : "", where,
                               m->digest_len == 20 ? "SHA-1" : "SHA-256"));
            continue;
        }
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
 * payload, which mum__judge_cover and mum__judge_payloads see to -- but the driver
 * store's: PnP checks the driver's files against it when the driver is
 * staged from the component store.  So here: a note saying so, its members
 * against the files of its own folder (the driver's files sit beside it
 * or below it), members that match none as notes, as for package
 * catalogs.  Its signature was judged first (judge_trust.c: a failed
 * integrity check is a signature.* error there); the note says its verdict.
 *
 * A file of that folder that the catalog does not list is not reported:
 * the driver store only requires the files the INF copies (its
 * CopyFiles sections) to be in the catalog the INF names, which is not
 * known without reading the INF; and it is not a failure of the package's
 * own chain, which covers every such file through the package catalog.
 */
static int check_payload_catalog(checker *c, const mum_node *n)
{
    const mum_catalog *cat = n->cat->catalog; /* n is a catalog: its record is there */
    size_t count = 0, matched = 0, members = cat ? mum_catalog_get_info(cat)->member_count : 0;
    char *scratch = mum__malloc(strlen(n->dir) + 1);
    if (!scratch)
        return mum__nomem(c->ctx);
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *f = mum_graph_node(c->g, i);
        if (f->input == n->input && f != n && strcmp(f->container, n->container) == 0 &&
            within(f->dir, n->dir, scratch))
            count += bit_count(node_digests(f));
    }
    digest_set have;
    int rc = MUM_OK;
    if (!digest_set_init(&have, c->g, count))
        rc = mum__nomem(c->ctx);
    for (size_t i = 0; i < c->n && rc == MUM_OK; i++) {
        const mum_node *f = mum_graph_node(c->g, i);
        if (f->input == n->input && f != n && strcmp(f->container, n->container) == 0 &&
            within(f->dir, n->dir, scratch))
            digest_set_put_node(&have, f);
    }
    mum__free(scratch);
    char *where = NULL;
    if (rc == MUM_OK && cat) {
        where = mum__asprintf("%s in %s", *n->dir ? n->dir : "its folder", mum__judge_input_name(c, n->input));
        rc = where ? unmatched_members(c, n, &have, where, &matched) : mum__nomem(c->ctx);
    }
    mum__free(where);
    digest_set_free(&have);
    if (rc != MUM_OK)
        return rc;
    mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
    char sig[96];
    if (!cat)
        snprintf(sig, sizeof sig, "it could not be read");
    else if (!mum_verify_catalog_signature(c->res, n))
        snprintf(sig, sizeof sig, "its signature was not checked");
    else
        snprintf(sig, sizeof sig, "its signature: %s",
                 mum_sig_status_name(mum_verify_catalog_signature(c->res, n)->status));
    return mum__finding(c->findings, MUM_R_TRUST_PAYLOAD_CATALOG, &loc,
                        "%s is a file of %s, a driver's own catalog: Windows checks it when the driver "
                        "is staged, not as part of the package's chain (%s; %zu of %zu members match "
                        "files of its folder)", n->name, n->cat->payload_of->name, sig, matched, members);
}

/* Every member of every catalog should stand for a file of its input: one
 * that does not is worth knowing (a file left out, or a stale catalog). */
int mum__judge_members(checker *c)
{
    /* each input's nodes alone: a walk over all of them per input was
     * quadratic in a call over many packages */
    mum__by_input by = mum__graph_by_input(c->g);
    if (!by.first)
        return mum__nomem(c->ctx);
    for (size_t input = 0; input < mum_graph_input_count(c->g); input++) {
        size_t from = by.first[input], to = by.first[input + 1], count = 0;
        for (size_t k = from; k < to; k++)
            count += bit_count(node_digests(mum_graph_node(c->g, by.order[k])));
        digest_set have;
        if (!digest_set_init(&have, c->g, count)) {
            digest_set_free(&have);
            mum__free(by.first);
            return mum__nomem(c->ctx);
        }
        int rc = MUM_OK;
        for (size_t k = from; k < to; k++)
            digest_set_put_node(&have, mum_graph_node(c->g, by.order[k]));
        for (size_t k = from; k < to && rc == MUM_OK; k++) {
            const mum_node *n = mum_graph_node(c->g, by.order[k]);
            if (!n->cat || !n->cat->catalog || n->cat->payload_of)
                continue;
            rc = unmatched_members(c, n, &have, mum__judge_input_name(c, input), NULL);
        }
        digest_set_free(&have);
        if (rc != MUM_OK) {
            mum__free(by.first);
            return rc;
        }
    }
    mum__free(by.first);
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (n->cat && n->cat->payload_of)
            CHECK(check_payload_catalog(c, n));
    }
    return MUM_OK;
}

/* ---- payload digests ---- */

int mum__judge_payloads(checker *c)
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
                    const char *why = p->express ? p->express->why : NULL;
                    CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_NOT_CHECKABLE, &loc,
                                       "%s is only a delta in the express cabinet%s%s%s: its %s digest "
                                       "cannot be checked without decoding it%s",
                                       p->name, why ? ", not rebuilt (" : "", why ? why : "", why ? ")" : "",
                                       mum_hash_name(f->digest_alg),
                                       in_catalog ? " (the index's digest is in a catalog)"
                                                  : mum__judge_pe_name(p->name)
                                                        ? ", nor its Authenticode digest against the catalog"
                                                        : ""));
                }
                continue; /* no usable digest in the manifest: reported by its checks */
            }
            if (memcmp(have, f->digest, f->digest_size) != 0) {
                char want[2 * MUM_HASH_MAX_SIZE + 1], got[2 * MUM_HASH_MAX_SIZE + 1];
                mum_hex_encode(want, f->digest, f->digest_size);
                mum_hex_encode(got, have, f->digest_size);
                mum_location at = mum_graph_location(c->g, m, f->hash_pos.line ? f->hash_pos : f->pos);
                CHECK(mum__finding(c->findings, MUM_R_PAYLOAD_DIGEST_MISMATCH, &at,
                                   "%s: %s is %s, the manifest's DigestValue says %s", p->entry,
                                   mum_hash_name(f->digest_alg), got, want));
            }
        }
    }
    return MUM_OK;
}
