/*
 * judge_trust.c - the judge's trust family: what a catalog's members say
 * of themselves (catalog.tag-mismatch), the signatures of cabinets and
 * catalogs against the trust anchors (the graph only checked what they say
 * of themselves, their integrity, while reading), and the catalogs' cover:
 * every package listed in its own catalog, every manifest and payload a
 * package installs listed in the catalog of a package that installs it.
 */
#include "config.h"

#include "crypto.h"
#include "judge.h"

#include <mum/verify.h>

#include <string.h>

static size_t catalog_at(const mum_verify_result *r, size_t index);

static const char *signer_of(const mum_signature *sig, const mum_sig_result *r)
{
    const mum_signer_info *si =
        sig && mum_signature_signer_count(sig) > 0 ? mum_signature_signer(sig, r->signer) : NULL;
    return si && si->has_cert ? si->cert.subject : NULL;
}

static mum_sig_verify_options verify_opts(const checker *c)
{
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = c->opts->anchors;
    o.has_time = c->opts->has_time;
    o.time = c->opts->time;
    return o;
}

/*
 * Without anchors the judged verdict is the graph's integrity verdict (the
 * same verification with no anchors).  With them, the signature is
 * verified again: the checks of the content were kept with the signature
 * when the graph was read (mum_signature_verify), so this costs only the
 * chains.
 */
static int judge_cabinet(checker *c, const mum_graph_input *in, const mum_graph_signature *s,
                         judged_sig *j)
{
    if (!s->present)
        return MUM_OK;
    j->present = true;
    mum_location loc = {.input = in->path, .entry = s->container};
    if (!s->signature) /* unreadable: reported while reading */
        return mum__sig_result_copy(&j->verdict, &s->integrity) == MUM_OK ? MUM_OK
                                                                           : mum__nomem(c->ctx);
    int rc;
    if (!c->opts->anchors) {
        rc = mum__sig_result_copy(&j->verdict, &s->integrity);
        if (rc != MUM_OK)
            return mum__nomem(c->ctx);
    } else {
        mum_sig_verify_options o = verify_opts(c);
        rc = mum__cab_authenticode_verify(&j->verdict, c->ctx, s->signature, s->sha1_ok ? s->sha1 : NULL,
                                          s->sha256_ok ? s->sha256 : NULL, &o, c->memo);
        if (rc == MUM_ENOMEM)
            return rc;
        if (rc != MUM_OK) {
            /* the verification could not run: told as the reading tells it */
            j->verdict.status = MUM_SIG_INTEGRITY_FAILED;
            j->verdict.failed_check = MUM_SIG_CHECK_ATTRIBUTES;
            j->verdict.detail = mum__strdup(mum_ctx_reason(c->ctx));
            mum_ctx_clear(c->ctx);
            return mum__finding(c->findings, MUM_R_SIGNATURE_ATTRIBUTES, &loc,
                                "the cabinet's signature cannot be read: %s",
                                j->verdict.detail ? j->verdict.detail : "malformed");
        }
    }
    j->judged = true;
    j->signer = signer_of(s->signature, &j->verdict);
    return mum_sig_result_findings(&j->verdict, s->signature, c->findings, &loc);
}

static int judge_catalog(checker *c, const mum_node *n, judged_sig *j)
{
    const mum_node_catalog *nc = n->cat; /* a catalog's: there */
    if (!nc->catalog || !nc->integrity_done) /* unreadable: reported while reading */
        return MUM_OK;
    const mum_signature *sig = mum_catalog_signature(nc->catalog);
    mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
    int rc;
    if (!c->opts->anchors) {
        if (mum__sig_result_copy(&j->verdict, &nc->integrity) != MUM_OK)
            return mum__nomem(c->ctx);
    } else {
        mum_sig_verify_options o = verify_opts(c);
        rc = mum__signature_verify_memo(&j->verdict, c->ctx, sig, &o, c->memo);
        if (rc == MUM_ENOMEM)
            return rc;
        if (rc != MUM_OK) {
            rc = mum__finding(c->findings, MUM_R_SIGNATURE_ATTRIBUTES, &loc,
                              "the catalog's signature cannot be checked: %s", mum_ctx_reason(c->ctx));
            mum_ctx_clear(c->ctx);
            return rc;
        }
    }
    j->judged = true;
    j->signer = signer_of(sig, &j->verdict);
    return mum_sig_result_findings(&j->verdict, sig, c->findings, &loc);
}

int mum__judge_catalogs(checker *c, size_t first, size_t end)
{
    mum_verify_result *r = c->res;
    /* the catalogs among nodes first..end-1 (cat_nodes: every catalog node) */
    for (size_t k = catalog_at(r, first); k < r->ncat_sigs && r->cat_nodes[k] < end; k++) {
        const mum_node *n = mum_graph_node(c->g, r->cat_nodes[k]);
        if (!n->cat || !n->cat->catalog)
            continue;
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        if (mum_catalog_check(n->cat->catalog, c->findings, &loc) != MUM_OK)
            return mum__nomem(c->ctx);
    }
    return MUM_OK;
}

int mum__judge_signatures_setup(checker *c)
{
    mum_verify_result *r = c->res;
    size_t ninputs = mum_graph_input_count(c->g), total = 0;
    if (!(r->sig_first = mum__calloc(ninputs + 1, sizeof *r->sig_first)))
        return mum__nomem(c->ctx);
    for (size_t i = 0; i < ninputs; i++) {
        r->sig_first[i] = total;
        total += mum_graph_input_at(c->g, i)->signature_count;
    }
    r->sig_first[ninputs] = total;
    r->nsig_inputs = ninputs;
    size_t ncat = 0;
    for (size_t i = 0; i < c->n; i++)
        ncat += mum_graph_node(c->g, i)->kind == MUM_NODE_CATALOG;
    /* The verdicts' slots are not zeroed here but by whoever judges them
     * (mum__judge_signatures_clear): zeroing them all on this thread was
     * most of its page faults in the judge (77 of 102 over 1 000 small
     * packages, 100 bytes a verdict), while the parts' workers write them. */
    if (!(r->cab_sigs = mum__reallocarray(NULL, total ? total : 1, sizeof *r->cab_sigs)) ||
        !(r->cat_sigs = mum__reallocarray(NULL, ncat ? ncat : 1, sizeof *r->cat_sigs)) ||
        !(r->cat_nodes = mum__calloc(ncat ? ncat : 1, sizeof *r->cat_nodes)))
        return mum__nomem(c->ctx);
    r->ncab_sigs = total;
    for (size_t i = 0, k = 0; i < c->n; i++)
        if (mum_graph_node(c->g, i)->kind == MUM_NODE_CATALOG)
            r->cat_nodes[k++] = (uint32_t)i; /* mum_node.index is 32 bits */
    r->ncat_sigs = ncat;
    return MUM_OK;
}

/* The first catalog whose node index is at least `index` (ncat_sigs: none). */
static size_t catalog_at(const mum_verify_result *r, size_t index)
{
    size_t lo = 0, hi = r->ncat_sigs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->cat_nodes[mid] < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const judged_sig *mum__judge_catalog_verdict(const mum_verify_result *r, size_t index)
{
    if (!r->cat_sigs || !r->cat_nodes)
        return NULL;
    size_t k = catalog_at(r, index);
    return k < r->ncat_sigs && r->cat_nodes[k] == index ? &r->cat_sigs[k] : NULL;
}

void mum__judge_signatures_clear(checker *c, size_t in_first, size_t in_end, size_t node_first,
                                 size_t node_end)
{
    mum_verify_result *r = c->res;
    size_t from = r->sig_first[in_first], to = r->sig_first[in_end];
    memset(r->cab_sigs + from, 0, (to - from) * sizeof *r->cab_sigs);
    from = catalog_at(r, node_first);
    to = catalog_at(r, node_end);
    memset(r->cat_sigs + from, 0, (to - from) * sizeof *r->cat_sigs);
}

int mum__judge_cabinet_signatures(checker *c, size_t first, size_t end)
{
    mum_verify_result *r = c->res;
    for (size_t i = first; i < end; i++) {
        const mum_graph_input *in = mum_graph_input_at(c->g, i);
        for (size_t s = 0; s < in->signature_count; s++)
            CHECK(judge_cabinet(c, in, &in->signatures[s], &r->cab_sigs[r->sig_first[i] + s]));
    }
    return MUM_OK;
}

int mum__judge_catalog_signatures(checker *c, size_t first, size_t end)
{
    mum_verify_result *r = c->res;
    /* the catalogs among nodes first..end-1: each part writes its own */
    for (size_t k = catalog_at(r, first); k < r->ncat_sigs && r->cat_nodes[k] < end; k++)
        CHECK(judge_catalog(c, mum_graph_node(c->g, r->cat_nodes[k]), &r->cat_sigs[k]));
    return MUM_OK;
}

void mum__judge_signatures_free(mum_verify_result *r)
{
    for (size_t i = 0; r->cab_sigs && i < r->ncab_sigs; i++)
        mum_sig_result_clear(&r->cab_sigs[i].verdict);
    for (size_t i = 0; r->cat_sigs && i < r->ncat_sigs; i++)
        mum_sig_result_clear(&r->cat_sigs[i].verdict);
    mum__free(r->cab_sigs);
    mum__free(r->cat_sigs);
    mum__free(r->cat_nodes);
    mum__free(r->sig_first);
}

/* ---- trust chain ---- */

static mum_cat_digests cat_digests(const mum_digests *d, const mum_node_pe *pe)
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
    /* the walk computes only the Authenticode digests the catalogs ask for */
    if (pe && pe->image && (pe->sha1_ok || pe->sha256_ok)) {
        cd.is_pe = true;
        memset(cd.pe_sha1, 0xA5, sizeof cd.pe_sha1);
        memset(cd.pe_sha256, 0xA5, sizeof cd.pe_sha256);
        if (pe->sha1_ok)
            memcpy(cd.pe_sha1, pe->sha1, 20);
        if (pe->sha256_ok)
            memcpy(cd.pe_sha256, pe->sha256, 32);
    }
    return cd;
}

static bool listed(const mum_catalog *cat, const mum_node *n)
{
    mum_cat_digests cd = cat_digests(&n->digests, n->pe);
    mum_cat_hit hit;
    return mum_catalog_match(cat, &cd, &hit, 1) > 0;
}

/* Marks what package p installs (not its sub-packages: they have their own
 * catalogs) as covered when p's catalog lists it.  todo: the caller's stack,
 * room for every node (each is pushed once a package, by its stamp). */
static void cover_package(checker *c, const mum_node *p, const mum_catalog *cat, const mum_node **todo)
{
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
}

int mum__judge_cover(checker *c)
{
    /* one stack for every package: one the size of the graph per package
     * (allocated and zeroed) was quadratic over many small packages; not
     * zeroed (an entry is pushed before it is popped), so that only the
     * pages the deepest package needs are touched */
    const mum_node **todo = mum__reallocarray(NULL, c->n ? c->n : 1, sizeof *todo);
    if (!todo)
        return mum__nomem(c->ctx);
    int rc = MUM_OK;
    for (size_t i = 0; i < c->n && rc == MUM_OK; i++) {
        const mum_node *p = mum_graph_node(c->g, i);
        if (p->kind != MUM_NODE_PACKAGE)
            continue;
        const mum_node *catnode = NULL;
        for (size_t k = 0; k < p->edge_count; k++)
            if (p->edges[k].kind == MUM_EDGE_CATALOG)
                catnode = p->edges[k].to;
        const mum_catalog *cat = catnode ? catnode->cat->catalog : NULL; /* a catalog's edge */
        if (!cat)
            continue; /* missing: reported; unreadable: reported */
        if (!listed(cat, p)) {
            mum_location loc = mum_graph_location(c->g, p, (mum_manifest_pos){0, 0});
            rc = mum__finding(c->findings, MUM_R_TRUST_MUM_NOT_IN_CATALOG, &loc,
                              "%s does not list %s (sha1 and sha256 of its bytes)", catnode->name, p->name);
        }
        if (rc == MUM_OK)
            cover_package(c, p, cat, todo);
    }
    mum__free(todo);
    if (rc != MUM_OK)
        return rc;
    /* what reached manifests and payloads no catalog listed */
    for (size_t i = 0; i < c->n; i++) {
        const mum_node *n = mum_graph_node(c->g, i);
        if (!c->res->reached[i] || c->covered[i])
            continue;
        mum_location loc = mum_graph_location(c->g, n, (mum_manifest_pos){0, 0});
        if (n->kind == MUM_NODE_COMPONENT) {
            CHECK(mum__finding(c->findings, MUM_R_TRUST_MANIFEST_NOT_IN_CATALOG, &loc,
                               "no catalog of a package that installs %s lists it", n->name));
        } else if (n->kind == MUM_NODE_PAYLOAD || (n->cat && n->cat->payload_of)) {
            if (n->express_delta && (mum__judge_pe_name(n->name) || !n->digests.sha1_ok))
                continue; /* reported as not checkable with its digest */
            CHECK(mum__finding(c->findings, MUM_R_TRUST_PAYLOAD_NOT_IN_CATALOG, &loc,
                               "no catalog of a package that installs %s lists it (by its %s digest)",
                               n->name, n->pe && n->pe->image ? "Authenticode" : "flat"));
        }
    }
    return MUM_OK;
}
