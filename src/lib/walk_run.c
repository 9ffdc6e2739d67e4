/*
 * walk_run.c - mum_walk_run: the container walk on two threads.  A
 * producer thread runs the walker (container.c), decodes and (when the
 * consumer asks) prepares each file, and hands blocks to the caller's
 * thread through a queue of slots; the caller's thread runs the consumer's
 * callbacks.  With MUM_WALK_SINGLE_THREAD the same events come inline.
 */
#include "config.h"

#include "pool.h"
#include "walk_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK MUM_WALK_BLOCK_SIZE

/* ---- public: pipelined ---- */

enum slot_kind { SL_FILE, SL_SYNC, SL_DONE, SL_ERROR };

/*
 * A slot of the queue.  SL_FILE carries a piece of a file: when `starts`,
 * the entry (its strings at the start of buf) and then as much data as fits;
 * `ends` when the entry's data is complete.  A small file is one slot.
 * SL_SYNC carries a container event by pointer, the producer waiting.
 */
typedef struct slot {
    enum slot_kind kind;
    mum_entry e;
    bool starts, ends;
    size_t off, len;         /* the data: buf[off .. off + len) */
    int status;
    unsigned char *buf;
    bool has_digests;        /* `ends` with MUM_WALK_FILE_DIGESTS: the file's digests */
    mum_file_digests digests;
    void *prepared;          /* `starts` and `ends`: the consumer's prepare() result */
} slot;

/*
 * The queue: a ring of `cap` slots, each with its own 64 KiB block.  The
 * producer fills slots one at a time; the consumer takes every filled slot
 * at once and hands them back together.  A sleeping side is woken only
 * when a batch (a quarter of the ring) is ready for it, or at a sync, the
 * end or an error, so the threads do not wake each other once per block.
 */
typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t filled, freed;
    slot *slots;
    uint32_t cap, head, count, batch;
    uint64_t pushed, consumed;
    uint64_t sync_wait;       /* the producer waits until consumed reaches this (0: no) */
    bool consumer_waiting, producer_waiting;
    bool cancel;
    mum_walk *w;
    const mum_walk_consumer *c;
    void *ud;
} pipeline;

/* Waits for a free slot; NULL when the consumer has given up. */
static slot *slot_acquire(pipeline *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == q->cap && !q->cancel) {
        q->producer_waiting = true;
        pthread_cond_wait(&q->freed, &q->mu);
    }
    q->producer_waiting = false;
    slot *s = q->cancel ? NULL : &q->slots[(q->head + q->count) % q->cap];
    pthread_mutex_unlock(&q->mu);
    return s;
}

/*
 * Publishes the slot acquired last.  `flush` wakes the consumer now; `wait`
 * (a sync) also waits until the consumer has handed the slot back.
 */
static bool slot_publish(pipeline *q, bool flush, bool wait)
{
    pthread_mutex_lock(&q->mu);
    q->count++;
    uint64_t mine = ++q->pushed;
    if (q->consumer_waiting && (flush || wait || q->count >= q->batch))
        pthread_cond_signal(&q->filled);
    if (wait) {
        q->sync_wait = mine;
        while (q->consumed < mine && !q->cancel) {
            q->producer_waiting = true;
            pthread_cond_wait(&q->freed, &q->mu);
        }
        q->producer_waiting = false;
        q->sync_wait = 0;
    }
    bool ok = !q->cancel;
    pthread_mutex_unlock(&q->mu);
    return ok;
}

static bool push_simple(pipeline *q, slot *s, enum slot_kind kind, int status)
{
    if (!s && !(s = slot_acquire(q)))
        return false;
    s->kind = kind;
    s->status = status;
    return slot_publish(q, true, false);
}

/* A slot opening a file: the entry, its strings copied into the block. */
static slot *start_file(pipeline *q, const mum_entry *e)
{
    slot *s = slot_acquire(q);
    if (!s)
        return NULL;
    size_t lp = strlen(e->path) + 1, ln = strlen(e->name) + 1;
    if (lp + ln > BLOCK / 2) /* bounded by MAX_PATH_BYTES; kept as a guard */
        lp = ln = 1;
    memcpy(s->buf, lp > 1 ? e->path : "", lp);
    memcpy(s->buf + lp, ln > 1 ? e->name : "", ln);
    s->kind = SL_FILE;
    s->e = *e;
    s->e.path = (const char *)s->buf;
    s->e.name = (const char *)s->buf + lp;
    s->starts = true;
    s->ends = false;
    s->off = (lp + ln + 15) & ~(size_t)15;
    s->len = 0;
    s->prepared = NULL;
    return s;
}

static bool prepare_always;

void mum__walk_prepare_always(bool always)
{
    prepare_always = always;
}

/*
 * Whether the consumer is behind: more than five eighths of the queue
 * waiting for it.  (On the benchmark package, full - 63 of 64 - let the
 * decoding thread take 250 of 20 000 manifests; 40 about 4 000 and 0.1 s
 * less; 16 so many that the decoding thread became the slower one.)
 */
static bool consumer_behind(pipeline *q)
{
    if (prepare_always)
        return true;
    pthread_mutex_lock(&q->mu);
    bool behind = q->count >= q->cap - q->cap * 3 / 8;
    pthread_mutex_unlock(&q->mu);
    return behind;
}

/* Copies a file's data into slots, publishing each one as it fills. */
static slot *put_data(pipeline *q, slot *s, const unsigned char *p, size_t n)
{
    while (n) {
        size_t room = BLOCK - s->off - s->len;
        if (room == 0) {
            if (!slot_publish(q, false, false) || !(s = slot_acquire(q)))
                return NULL;
            s->kind = SL_FILE;
            s->starts = s->ends = false;
            s->off = s->len = 0;
            room = BLOCK;
        }
        size_t take = n < room ? n : room;
        memcpy(s->buf + s->off + s->len, p, take);
        s->len += take;
        p += take;
        n -= take;
    }
    return s;
}

static void *producer_main(void *arg)
{
    pipeline *q = arg;
    mum_walk *w = q->w;
    for (;;) {
        const mum_entry *e;
        int rc = mum_walk_next(&e, w);
        if (rc != MUM_OK) {
            push_simple(q, NULL, SL_ERROR, rc);
            return NULL;
        }
        if (!e) {
            push_simple(q, NULL, SL_DONE, MUM_OK);
            return NULL;
        }
        if (e->kind != MUM_ENTRY_FILE) {
            /* rare: hand over the live event and wait, instead of copying headers and signatures */
            slot *s = slot_acquire(q);
            if (!s)
                return NULL;
            s->kind = SL_SYNC;
            s->e = *e;
            if (!slot_publish(q, true, true))
                return NULL;
            continue;
        }
        bool want = !q->c->want_data || q->c->want_data(q->ud, e);
        slot *s = start_file(q, e);
        if (!s)
            return NULL;
        while (want) {
            const void *p;
            size_t n;
            if ((rc = mum_walk_read(w, &p, &n)) != MUM_OK) {
                push_simple(q, s, SL_ERROR, rc); /* the piece in hand is dropped */
                return NULL;
            }
            if (n == 0) {
                s->ends = true;
                if ((s->has_digests = e->digests != NULL))
                    s->digests = *e->digests;
                /* the whole file in this slot, and the consumer far behind:
                 * do some of its work here instead of waiting for it */
                if (q->c->prepare && s->starts && consumer_behind(q))
                    s->prepared = q->c->prepare(q->ud, e, s->buf + s->off, s->len);
                break;
            }
            if (!(s = put_data(q, s, p, n)))
                return NULL;
        }
        if (!slot_publish(q, false, false))
            return NULL;
    }
}

/* The decoding thread: a task of the pool beside this one, for the walk. */
static void producer_task(void *arg)
{
    (void)producer_main(arg);
}

/* Copies the producer's failure to the caller's ctx, unchanged. */
static int relay_error(mum_ctx *ctx, const mum_ctx *from, int status)
{
    if (status == MUM_ENOMEM)
        return mum__nomem(ctx);
    const char *reason = mum_ctx_reason(from);
    return mum__error(ctx, status, mum_ctx_location(from), "%s", *reason ? reason : mum_strerror(status));
}

/* One thread: the same events, straight from the walker. */
static int run_inline(mum_walk *w, const mum_walk_consumer *c, void *ud)
{
    for (;;) {
        const mum_entry *e;
        int rc = mum_walk_next(&e, w);
        if (rc != MUM_OK || !e)
            return rc;
        if (c->entry && (rc = c->entry(ud, e)) != MUM_OK)
            return rc;
        if (e->kind != MUM_ENTRY_FILE || (c->want_data && !c->want_data(ud, e)))
            continue;
        for (;;) {
            const void *p;
            size_t n;
            if ((rc = mum_walk_read(w, &p, &n)) != MUM_OK)
                return rc;
            if (n == 0)
                break;
            if (c->data && (rc = c->data(ud, e, p, n)) != MUM_OK)
                return rc;
        }
        if (c->entry_end && (rc = c->entry_end(ud, e)) != MUM_OK)
            return rc;
    }
}

/* One slot's callbacks on the caller's side.  *stop at the end or an error. */
static int consume_slot(pipeline *q, slot *s, mum_entry *cur, char **path, char **name, bool *stop,
                        int *producer_status)
{
    const mum_walk_consumer *c = q->c;
    int rc = MUM_OK;
    switch (s->kind) {
    case SL_FILE:
        if (s->starts) {
            mum__free(*path);
            mum__free(*name);
            *path = mum__strdup(s->e.path);
            *name = mum__strdup(s->e.name);
            if (!*path || !*name)
                return MUM_ENOMEM;
            *cur = s->e;
            cur->path = *path;
            cur->name = *name;
            cur->prepared = s->prepared; /* the consumer's from here */
            s->prepared = NULL;
            if (c->entry)
                rc = c->entry(q->ud, cur);
        }
        if (rc == MUM_OK && s->len && c->data)
            rc = c->data(q->ud, cur, s->buf + s->off, s->len);
        if (rc == MUM_OK && s->ends && c->entry_end) {
            cur->digests = s->has_digests ? &s->digests : NULL;
            rc = c->entry_end(q->ud, cur);
        }
        return rc;
    case SL_SYNC:
        return c->entry ? c->entry(q->ud, &s->e) : MUM_OK;
    case SL_DONE:
        *stop = true;
        return MUM_OK;
    case SL_ERROR:
        *producer_status = s->status;
        *stop = true;
        return MUM_OK;
    }
    return MUM_OK;
}

/* The caller's side of the pipeline: every filled slot taken at once, in order. */
static int consume(pipeline *q, int *producer_status)
{
    mum_entry cur = {0};
    char *path = NULL, *name = NULL;
    int rc = MUM_OK;
    bool stop = false;
    *producer_status = MUM_OK;
    while (!stop && rc == MUM_OK) {
        pthread_mutex_lock(&q->mu);
        while (q->count == 0) {
            q->consumer_waiting = true;
            pthread_cond_wait(&q->filled, &q->mu);
        }
        q->consumer_waiting = false;
        uint32_t n = q->count, head = q->head;
        pthread_mutex_unlock(&q->mu);

        uint32_t done = 0;
        while (done < n && !stop && rc == MUM_OK)
            rc = consume_slot(q, &q->slots[(head + done++) % q->cap], &cur, &path, &name, &stop,
                              producer_status);

        pthread_mutex_lock(&q->mu);
        q->head = (q->head + done) % q->cap;
        q->count -= done;
        q->consumed += done;
        if (rc != MUM_OK)
            q->cancel = true;
        if (q->producer_waiting &&
            (q->cancel || q->cap - q->count >= q->batch || (q->sync_wait && q->consumed >= q->sync_wait)))
            pthread_cond_signal(&q->freed);
        pthread_mutex_unlock(&q->mu);
    }
    mum__free(path);
    mum__free(name);
    return rc;
}

int mum_walk_run(mum_ctx *ctx, const char *input, const mum_walk_options *opts,
                 const mum_walk_consumer *consumer, void *ud, mum_findings *findings)
{
    static const mum_walk_consumer none = {0};
    const mum_walk_consumer *c = consumer ? consumer : &none;
    mum_walk *w;
    locale_t old = mum__walk_enter_utf8();
    int rc = mum__walk_open(&w, ctx, input, opts, findings, true);
    mum__walk_leave_utf8(old);
    if (rc != MUM_OK)
        return rc;
    if (w->opt.flags & MUM_WALK_SINGLE_THREAD) {
        rc = run_inline(w, c, ud);
        mum_walk_free(w);
        return rc;
    }

    /* The decoding thread records on its own ctx and findings. */
    pipeline q = {.w = w, .c = c, .ud = ud, .cap = w->opt.queue_blocks, .batch = w->opt.queue_blocks / 4};
    mum_ctx *pctx = NULL;
    mum_findings *pfind = NULL;
    bool sync = false;
    rc = mum_ctx_new(&pctx);
    if (rc == MUM_OK && findings)
        rc = mum_findings_new(&pfind);
    if (rc == MUM_OK && !(q.slots = mum__calloc(q.cap, sizeof *q.slots)))
        rc = MUM_ENOMEM;
    for (uint32_t i = 0; rc == MUM_OK && i < q.cap; i++)
        if (!(q.slots[i].buf = mum__malloc(BLOCK)))
            rc = MUM_ENOMEM;
    if (rc == MUM_OK && !(sync = mum__sync_init(&q.mu, &q.filled, &q.freed)))
        rc = MUM_ENOMEM;
    mum__pool *pool = NULL;
    mum__pool_task producer;
    if (rc == MUM_OK)
        rc = mum__pool_acquire(&pool);
    bool started = false;
    if (rc == MUM_OK) {
        w->ctx = pctx;
        w->findings = pfind;
        started = mum__pool_start(pool, producer_task, &q, &producer);
        if (!started) {
            /* no second thread to be had: do the same work on this one */
            w->ctx = ctx;
            w->findings = findings;
            rc = run_inline(w, c, ud);
        }
    } else {
        rc = mum__nomem(ctx);
    }
    if (started) {
        int pstatus;
        rc = consume(&q, &pstatus);
        mum__pool_finish(&producer);
        if (rc == MUM_ENOMEM)
            rc = mum__nomem(ctx);
        else if (rc == MUM_OK && pstatus != MUM_OK)
            rc = relay_error(ctx, pctx, pstatus);
        if (pfind) {
            int frc = mum__findings_relay(findings, pfind);
            if (rc == MUM_OK && frc != MUM_OK)
                rc = mum__nomem(ctx);
        }
    }
    mum__pool_release(pool);
    if (sync)
        mum__sync_destroy(&q.mu, &q.filled, &q.freed);
    for (uint32_t i = 0; q.slots && i < q.cap; i++) {
        if (q.slots[i].prepared && c->release) /* made, never delivered */
            c->release(ud, q.slots[i].prepared);
        mum__free(q.slots[i].buf);
    }
    mum__free(q.slots);
    mum_walk_free(w);
    mum_findings_free(pfind);
    mum_ctx_free(pctx);
    return rc;
}
