/*
 * verify.c - mum_verify_graph, the judge step: runs the rule families
 * (judge_*.c, sharing judge.h) over a built graph in order, the per-input
 * part of two of them in parts on the pool and two others on a side
 * thread, and the accessors of the result it fills.
 */
#include "config.h"

#include "crypto.h"
#include "judge.h"
#include "pool.h"

#include <mum/verify.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void mum_verify_result_free(mum_verify_result *r)
{
    if (!r)
        return;
    mum__matrix_free(r->matrix);
    mum__free(r->reached);
    mum__judge_signatures_free(r);
    mum__free(r);
}

const mum_matrix *mum_verify_matrix(const mum_verify_result *r)
{
    return r && r->matrix ? &r->matrix->pub : NULL;
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
    const judged_sig *j = r && catalog ? mum__judge_catalog_verdict(r, catalog->index) : NULL;
    return j && j->judged ? &j->verdict : NULL;
}

bool mum_verify_reached(const mum_verify_result *r, const mum_node *n)
{
    return r && n && n->index < r->nnodes && r->reached[n->index];
}

/*
 * The checks after the signatures, on two threads: here the inputs, the
 * references, the cycles, mark_reached, then the orphans, the trust chain
 * and the payloads; beside them the catalog members (which need only the
 * verdicts: started as soon as the parts are done) and then the matrix
 * (which needs what mark_reached left: started once it is there), each
 * with its own ctx, the members' findings in their own list added after
 * these so the order is one thread's.  The two write nothing the others
 * read.  One thread when the graph was built with MUM_WALK_SINGLE_THREAD,
 * is as small as part_count judges in one part (starting the worker cost a
 * 1-manifest package more than its side checks: 0.35 ms of CPU and 6 page
 * faults), or no thread can be had.  Over 1 000 small packages the members
 * were the longest of the side checks, and this thread sat waiting for
 * them once its own were done.
 */
/* Inputs and nodes below which a graph is judged on this thread alone. */
enum { SMALL_GRAPH = 64 };

typedef struct side_job {
    checker c;
    int rc;
} side_job;

typedef struct side_checks {
    side_job members, matrix;
    mum__pool *pool;
    uint64_t members_ticket, matrix_ticket;
    bool two, matrix_sent;
} side_checks;

static void members_main(void *arg)
{
    side_job *j = arg;
    j->rc = mum__judge_members(&j->c);
}

static void matrix_main(void *arg)
{
    side_job *j = arg;
    j->rc = mum__judge_build_matrix(&j->c);
}

/* Starts the members' checks beside this thread when there are two. */
static void side_begin(checker *c, side_checks *s)
{
    memset(s, 0, sizeof *s);
    s->members.c = s->matrix.c = *c;
    s->members.c.ctx = s->matrix.c.ctx = NULL;
    bool two = !mum__graph_one_thread(c->g) &&
               (mum_graph_input_count(c->g) + c->n >= SMALL_GRAPH || mum__graph_threads_forced()) &&
               mum_ctx_new(&s->members.c.ctx) == MUM_OK;
    if (two && (mum_ctx_new(&s->matrix.c.ctx) != MUM_OK ||
                mum_findings_new(&s->members.c.findings) != MUM_OK ||
                mum__pool_acquire(&s->pool) != MUM_OK))
        two = false;
    if (!two) {
        mum_ctx_free(s->members.c.ctx);
        mum_ctx_free(s->matrix.c.ctx);
        if (s->members.c.findings != c->findings)
            mum_findings_free(s->members.c.findings);
        s->members.c = s->matrix.c = *c;
        s->pool = NULL;
        return;
    }
    s->two = true;
    /* with no worker to be had, it runs on this thread in mum__pool_wait */
    mum__pool_submit(s->pool, members_main, &s->members, &s->members_ticket);
}

/* Starts the matrix beside this thread (mark_reached done). */
static void side_matrix(side_checks *s)
{
    if (!s->two)
        return;
    mum__pool_submit(s->pool, matrix_main, &s->matrix, &s->matrix_ticket);
    s->matrix_sent = true;
}

/* Ends the side checks after this thread's (rc: how they went): on one
 * thread, runs them now. */
static int side_end(checker *c, side_checks *s, int rc)
{
    if (!s->two) {
        if (rc == MUM_OK)
            rc = mum__judge_members(c);
        if (rc == MUM_OK)
            rc = mum__judge_build_matrix(c);
        return rc;
    }
    mum__pool_wait(s->pool, s->members_ticket);
    if (s->matrix_sent)
        mum__pool_wait(s->pool, s->matrix_ticket);
    mum__pool_release(s->pool);
    /* the side checks fail only for want of memory */
    if (rc == MUM_OK)
        rc = s->members.rc;
    if (rc == MUM_OK && s->matrix_sent)
        rc = s->matrix.rc;
    if (rc == MUM_OK)
        rc = mum__findings_relay(c->findings, s->members.c.findings);
    mum_findings_free(s->members.c.findings);
    mum_ctx_free(s->members.c.ctx);
    mum_ctx_free(s->matrix.c.ctx);
    return rc;
}

/* The findings on what reading and resolving noted, in the order reading met them. */
static int judge_read_facts(checker *c)
{
    CHECK(mum__judge_kinds(c));
    CHECK(mum__judge_express(c));
    return mum__judge_identities(c);
}

/*
 * The signatures' verdicts and the manifests' own checks: most of the
 * judge's work over many small inputs (two signature verifications and a
 * manifest check a package, 0.13 M instructions), each piece standing
 * alone (one input's cabinet signatures, one node's catalog signature or
 * manifest: from the graph and the options only, its verdict written to
 * its own slot of the result, so judged the same on any thread).  They run
 * on the pool in parts, consecutive inputs and nodes a part, each part
 * with its own ctx and one findings list per family, while this thread
 * judges what reading noted; the lists are then added in the order one
 * thread adds them: read facts, the cabinets' of every part, the
 * catalogs', the manifests', the catalogs' own checks (catalog.*: they
 * came after the signatures' verdicts, and on this thread they were a
 * tenth of the 1 000 copies' judge).  One part, on this thread and straight into
 * the call's findings, when the graph was built on one thread, the graph
 * is small, or no pool is to be had.
 */
enum { PART_CAB, PART_CAT, PART_MAN, PART_CAT_CHECK, PART_FAMILIES };

typedef struct part_job {
    checker c;                          /* the call's, with a ctx of its own */
    size_t in_first, in_end, node_first, node_end;
    mum_findings *found[PART_FAMILIES]; /* each family's findings */
    int rc;
} part_job;

static void part_run(part_job *j)
{
    /* the part's signatures share their chains' verdicts (NULL: none) */
    j->c.memo = j->c.opts->anchors ? mum__sig_memo_new() : NULL;
    j->c.findings = j->found[PART_CAB];
    j->rc = mum__judge_cabinet_signatures(&j->c, j->in_first, j->in_end);
    j->c.findings = j->found[PART_CAT];
    if (j->rc == MUM_OK)
        j->rc = mum__judge_catalog_signatures(&j->c, j->node_first, j->node_end);
    j->c.findings = j->found[PART_MAN];
    mum__sig_memo_free(j->c.memo);
    j->c.memo = NULL;
    if (j->rc == MUM_OK)
        j->rc = mum__judge_manifests(&j->c, j->node_first, j->node_end);
    j->c.findings = j->found[PART_CAT_CHECK];
    if (j->rc == MUM_OK)
        j->rc = mum__judge_catalogs(&j->c, j->node_first, j->node_end);
}

static void part_main(void *arg)
{
    part_job *j = arg;
    /* the part's slots of the verdicts, zeroed here: on the worker that
     * writes them, not all of them on the calling thread */
    mum__judge_signatures_clear(&j->c, j->in_first, j->in_end, j->node_first, j->node_end);
    part_run(j);
}

/* Parts at most: four a processor, run on one worker a processor
 * (mum__pool_submit_within): a worker done with its part takes the next
 * queued one.  With one part a processor, the first worker done sat idle
 * until the other's part ended (a few ms of the 1 000 copies' judge: the
 * parts are cut by counts of inputs and nodes, not by their cost, and the
 * two workers share the cores with the caller's judging). */
enum { PARTS_PER_WORKER = 4, PARTS_MAX = PARTS_PER_WORKER * MUM_POOL_WORKERS };

static size_t part_count(const checker *c, size_t ninputs)
{
    /* below this much work a part costs more in hand-overs than it saves */
    if (mum__graph_one_thread(c->g) || ninputs + c->n < SMALL_GRAPH)
        return 1;
    size_t n = PARTS_PER_WORKER * mum__pool_width();
    /* and no part of fewer than 16 nodes */
    while (n > mum__pool_width() && c->n / n < 16)
        n--;
    return n;
}

static void parts_free(part_job *jobs, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        for (int f = 0; f < PART_FAMILIES; f++)
            mum_findings_free(jobs[k].found[f]);
        mum_ctx_free(jobs[k].c.ctx);
    }
    mum__free(jobs);
}

/* judge_read_facts, then the signatures and the manifests (above), the
 * parts on pool (NULL: one part). */
static int judge_read_facts_and_parts(checker *c, mum__pool *pool)
{
    CHECK(mum__judge_signatures_setup(c));
    size_t ninputs = mum_graph_input_count(c->g), nparts = pool ? part_count(c, ninputs) : 1;
    if (nparts == 1) {
        mum__judge_signatures_clear(c, 0, ninputs, 0, c->n);
        part_job one = {.c = *c, .in_end = ninputs, .node_end = c->n};
        for (int f = 0; f < PART_FAMILIES; f++)
            one.found[f] = c->findings;
        CHECK(judge_read_facts(c));
        part_run(&one);
        return one.rc;
    }
    part_job *jobs = mum__calloc(nparts, sizeof *jobs);
    uint64_t tickets[PARTS_MAX];
    int rc = jobs ? MUM_OK : MUM_ENOMEM;
    for (size_t k = 0; k < nparts && rc == MUM_OK; k++) {
        part_job *j = &jobs[k];
        j->c = *c;
        j->c.ctx = NULL;
        j->in_first = ninputs * k / nparts;
        j->in_end = ninputs * (k + 1) / nparts;
        j->node_first = c->n * k / nparts;
        j->node_end = c->n * (k + 1) / nparts;
        if (mum_ctx_new(&j->c.ctx) != MUM_OK)
            rc = MUM_ENOMEM;
        for (int f = 0; f < PART_FAMILIES && rc == MUM_OK; f++)
            if (mum_findings_new(&j->found[f]) != MUM_OK)
                rc = MUM_ENOMEM;
    }
    size_t submitted = 0;
    if (rc != MUM_OK) /* no part runs: every slot zeroed here, for the result's free */
        mum__judge_signatures_clear(c, 0, ninputs, 0, c->n);
    for (; rc == MUM_OK && submitted < nparts; submitted++)
        mum__pool_submit_within(pool, part_main, &jobs[submitted], &tickets[submitted],
                                (unsigned)mum__pool_width());
    if (rc == MUM_OK)
        rc = judge_read_facts(c);
    for (size_t k = 0; k < submitted; k++)
        mum__pool_wait(pool, tickets[k]);
    /* a part stops at its first error (want of memory): the call's is the
     * first part's, and no findings are added after it */
    for (size_t k = 0; k < submitted && rc == MUM_OK; k++) {
        part_job *j = &jobs[k];
        if (j->rc != MUM_OK) {
            rc = j->rc;
            if (mum_ctx_status(j->c.ctx) != MUM_OK && rc != MUM_ENOMEM)
                mum__error(c->ctx, mum_ctx_status(j->c.ctx), mum_ctx_location(j->c.ctx), "%s",
                           mum_ctx_reason(j->c.ctx));
        }
    }
    for (int f = 0; f < PART_FAMILIES && rc == MUM_OK; f++)
        for (size_t k = 0; k < nparts && rc == MUM_OK; k++)
            rc = mum__findings_relay(c->findings, jobs[k].found[f]);
    if (jobs)
        parts_free(jobs, nparts);
    return rc;
}

int mum_verify_read_facts(mum_ctx *ctx, const mum_graph *g, mum_findings *findings)
{
    static const mum_verify_options defaults = MUM_VERIFY_OPTIONS_INIT;
    if (!g || !findings)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_verify_read_facts: bad arguments");
    checker c = {.ctx = ctx, .g = g, .opts = &defaults, .findings = findings, .n = mum_graph_node_count(g)};
    int rc = judge_read_facts(&c);
    return rc == MUM_ENOMEM ? mum__nomem(ctx) : rc;
}

int mum_verify_graph(mum_verify_result **out, mum_ctx *ctx, const mum_graph *g,
                     const mum_verify_options *opts, mum_findings *findings)
{
    static const mum_verify_options defaults = MUM_VERIFY_OPTIONS_INIT;
    if (out)
        *out = NULL;
    if (!opts)
        opts = &defaults;
    /* a caller built against version 2 passes the struct without expect */
    mum_verify_options v2 = MUM_VERIFY_OPTIONS_INIT;
    if (opts->version == 2) {
        memcpy(&v2, opts, offsetof(mum_verify_options, expect));
        v2.version = MUM_VERIFY_OPTIONS_VERSION;
        opts = &v2;
    }
    if (!g || !findings || opts->version != MUM_VERIFY_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_verify_graph: bad arguments");
    checker c = {.ctx = ctx, .g = g, .opts = opts, .findings = findings, .n = mum_graph_node_count(g)};
    if (opts->policy)
        CHECK(mum_policy_apply_severities(opts->policy, findings));
    c.res = mum__calloc(1, sizeof *c.res);
    c.covered = mum__calloc(c.n ? c.n : 1, sizeof *c.covered);
    c.stamp = mum__calloc(c.n ? c.n : 1, sizeof *c.stamp);
    int rc = MUM_ENOMEM;
    mum__pool *pool = NULL;
    if (!c.res || !c.covered || !c.stamp ||
        !(c.res->reached = mum__calloc(c.n ? c.n : 1, sizeof *c.res->reached)))
        goto done;
    c.res->nnodes = c.n;
    /* Held for the whole call: the parts' workers are then the side
     * checks' too (the last holder's release joins them). */
    if (!mum__graph_one_thread(g) && mum__pool_acquire(&pool) != MUM_OK)
        pool = NULL;
    /* what reading noted, then the signatures: other rules read their verdicts */
    if ((rc = judge_read_facts_and_parts(&c, pool)) != MUM_OK)
        goto done;
    side_checks side;
    side_begin(&c, &side);
    if ((rc = mum__judge_inputs(&c)) == MUM_OK && (rc = mum__judge_references(&c)) == MUM_OK &&
        (rc = mum__judge_cycles(&c)) == MUM_OK && (rc = mum__judge_mark_reached(&c)) == MUM_OK) {
        side_matrix(&side);
        if ((rc = mum__judge_orphans(&c)) == MUM_OK && (rc = mum__judge_cover(&c)) == MUM_OK)
            rc = mum__judge_payloads(&c);
    }
    if ((rc = side_end(&c, &side, rc)) != MUM_OK || (rc = mum__judge_matrix(&c)) != MUM_OK ||
        (rc = mum__judge_expect(&c)) != MUM_OK)
        goto done;
    if (opts->policy && (rc = mum_policy_report_unused(opts->policy, findings)) != MUM_OK)
        goto done;
    rc = MUM_OK;
done:
    mum__pool_release(pool);
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
