/*
 * walk_run.c - mum_walk_run: the container walk on several threads.  A
 * producer thread runs the walker (container.c), decodes and (when the
 * consumer asks) prepares each file, and hands blocks to the caller's
 * thread through a queue of slots; with MUM_WALK_FILE_DIGESTS a hashing
 * thread computes each file's digests from those slots between the two;
 * the caller's thread runs the consumer's callbacks.  With
 * MUM_WALK_SINGLE_THREAD the same events come inline.
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
 * A piece of a file in a slot: when `starts`, the entry (its strings in the
 * slot's block, before the data) and then as much data as fits; `ends` when
 * the entry's data is complete.  A small file is one piece.
 */
typedef struct piece {
    mum_entry e;             /* `starts` */
    bool starts, ends;
    size_t off, len;         /* the data: buf[off .. off + len) of its slot */
    int hash_rc;             /* the hashing stage's failure on this piece (MUM_OK: none) */
    bool has_digests;        /* `ends` with MUM_WALK_FILE_DIGESTS: the file's digests */
    mum_file_digests digests;
    void *prepared;          /* `starts` and `ends`: the consumer's prepare() result */
} piece;

/* Small files share a slot, up to this many pieces: the slots, hand-offs
 * and wake-ups follow the bytes rather than the entries (most files of a
 * package are much smaller than a block). */
#define PIECES 16
/* A file starts in the slot in hand only if this much of its block is left. */
#define MIN_ROOM ((size_t)2 << 10)

/*
 * A slot of the queue.  SL_FILE carries pieces of files, in entry order, in
 * its 64 KiB block.  SL_SYNC carries a container event by pointer, the
 * producer waiting; SL_ERROR the producer's failure.
 */
typedef struct slot {
    enum slot_kind kind;
    mum_entry e;             /* SL_SYNC */
    int status;              /* SL_ERROR */
    unsigned char *buf;
    size_t used;             /* bytes of buf taken */
    uint32_t npieces;
    piece pieces[PIECES];
} slot;

/*
 * The queue: a ring of `cap` slots, each with its own 64 KiB block, and
 * three counters that only grow: the slots the producer has filled
 * (`pushed`), those the hashing stage has digested (`hashed`; equal to
 * pushed when there is no such stage) and those the consumer has handed
 * back (`consumed`).  Slot i is slots[i % cap].  Each side takes every slot
 * ready for it at once and works on them without the lock (they are its
 * own until it advances its counter).  A sleeping side is woken only when a
 * batch (a quarter of the ring) is ready for it, or at a sync, the end or
 * an error, so the threads do not wake each other once per block.
 */
typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t filled, freed, to_hash;
    slot *slots;
    uint32_t cap, batch;
    uint64_t pushed, hashed, consumed;
    uint64_t sync_wait;       /* the producer waits until consumed reaches this (0: no) */
    bool consumer_waiting, producer_waiting, hasher_waiting;
    bool hash_stage;          /* a hashing thread digests the files between the two */
    bool hash_flush;          /* the slots hashed last hold a sync, the end or an error */
    bool cancel;
    mum_walk *w;
    mum_ctx *ctx;             /* the caller's */
    const mum_walk_consumer *c;
    void *ud;
    /* the hashing stage's own */
    unsigned hash_want;       /* MUM_DIGEST_* */
    mum__digest_set dig;
    bool dig_dirty;           /* the set holds bytes of a file whose end did not come */
    bool dig_broken;          /* the set failed on this file: no digests for it */
} pipeline;

/* Waits for a free slot; NULL when the consumer has given up. */
static slot *slot_acquire(pipeline *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->pushed - q->consumed == q->cap && !q->cancel) {
        q->producer_waiting = true;
        pthread_cond_wait(&q->freed, &q->mu);
    }
    q->producer_waiting = false;
    slot *s = q->cancel ? NULL : &q->slots[q->pushed % q->cap];
    pthread_mutex_unlock(&q->mu);
    return s;
}

/*
 * Publishes the slot acquired last.  `flush` wakes the next stage now; `wait`
 * (a sync) also waits until the consumer has handed the slot back.
 */
static bool slot_publish(pipeline *q, bool flush, bool wait)
{
    pthread_mutex_lock(&q->mu);
    uint64_t mine = ++q->pushed;
    if (q->hash_stage) {
        if (q->hasher_waiting && (flush || wait || q->pushed - q->hashed >= q->batch))
            pthread_cond_signal(&q->to_hash);
    } else {
        q->hashed = mine;
        if (q->consumer_waiting && (flush || wait || q->hashed - q->consumed >= q->batch))
            pthread_cond_signal(&q->filled);
    }
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

/* The producer's slot being filled (not yet published) and its last piece. */
typedef struct hand {
    slot *s;
    piece *p;
} hand;

/* Publishes the slot in hand, if any: the next stage gets it with the next batch. */
static bool hand_publish(pipeline *q, hand *h, bool flush)
{
    if (!h->s)
        return true;
    h->s = NULL;
    h->p = NULL;
    return slot_publish(q, flush, false);
}

/* A fresh slot in hand for pieces of files. */
static bool hand_acquire(pipeline *q, hand *h)
{
    if (!(h->s = slot_acquire(q)))
        return false;
    h->s->kind = SL_FILE;
    h->s->used = 0;
    h->s->npieces = 0;
    return true;
}

/* A new piece in the slot in hand, its data from offset `off`. */
static piece *new_piece(hand *h, bool starts, size_t off)
{
    piece *p = &h->s->pieces[h->s->npieces++];
    p->starts = starts;
    p->ends = false;
    p->off = off;
    p->len = 0;
    p->hash_rc = MUM_OK;
    p->has_digests = false;
    p->prepared = NULL;
    h->s->used = off;
    return h->p = p;
}

/* The slot in hand (published first when it is nearly full) or a new one
 * for SL_SYNC, SL_DONE or SL_ERROR, published now; `wait` for a sync. */
static bool push_simple(pipeline *q, hand *h, enum slot_kind kind, int status, const mum_entry *e,
                        bool wait)
{
    if (!hand_publish(q, h, false))
        return false;
    slot *s = slot_acquire(q);
    if (!s)
        return false;
    s->kind = kind;
    s->status = status;
    if (e)
        s->e = *e;
    return slot_publish(q, true, wait);
}

/* A piece opening a file: the entry, its strings copied into the block;
 * in the slot in hand when it has room, else in a new one. */
static piece *start_file(pipeline *q, hand *h, const mum_entry *e)
{
    size_t lp = strlen(e->path) + 1, ln = strlen(e->name) + 1;
    if (lp + ln > BLOCK / 2) /* bounded by MAX_PATH_BYTES; kept as a guard */
        lp = ln = 1;
    size_t need = (lp + ln + 15) & ~(size_t)15;
    if (h->s && (h->s->npieces == PIECES || BLOCK - h->s->used < need + MIN_ROOM) &&
        !hand_publish(q, h, false))
        return NULL;
    if (!h->s && !hand_acquire(q, h))
        return NULL;
    size_t at = h->s->used;
    unsigned char *b = h->s->buf + at;
    memcpy(b, lp > 1 ? e->path : "", lp);
    memcpy(b + lp, ln > 1 ? e->name : "", ln);
    piece *p = new_piece(h, true, at + need);
    p->e = *e;
    p->e.path = (const char *)b;
    p->e.name = (const char *)b + lp;
    return p;
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
    bool behind = q->pushed - q->consumed >= q->cap - q->cap * 3 / 8;
    pthread_mutex_unlock(&q->mu);
    return behind;
}

/* Copies a file's data into slots, publishing each one as it fills. */
static bool put_data(pipeline *q, hand *h, const unsigned char *p, size_t n)
{
    while (n) {
        size_t room = BLOCK - h->s->used;
        if (room == 0) {
            if (!hand_publish(q, h, false) || !hand_acquire(q, h))
                return false;
            new_piece(h, false, 0);
            room = BLOCK;
        }
        size_t take = n < room ? n : room;
        memcpy(h->s->buf + h->s->used, p, take);
        h->s->used += take;
        h->p->len += take;
        p += take;
        n -= take;
    }
    return true;
}

/* ---- the hashing stage (MUM_WALK_FILE_DIGESTS) ---- */

/*
 * One piece's share of its file's digests, from the slot's own block (no
 * copy), in entry order.  A failure is left on the piece for the consumer,
 * which fails the walk there as the walker would have (container.c).
 */
static void hash_piece(pipeline *q, const slot *s, piece *p)
{
    if (p->starts) {
        int rc = mum__file_digests_start(&q->dig, &q->dig_dirty, q->hash_want);
        q->dig_broken = rc != MUM_OK;
        if (rc != MUM_OK) {
            p->hash_rc = rc;
            return;
        }
    }
    if (q->dig_broken)
        return;
    if (p->len) {
        q->dig_dirty = true;
        if (mum__digest_set_update(&q->dig, s->buf + p->off, p->len) != MUM_OK) {
            q->dig_broken = true;
            p->hash_rc = MUM_ECRYPTO;
            return;
        }
    }
    if (!p->ends)
        return;
    q->dig_dirty = false;
    if (mum__file_digests_final(&q->dig, &p->digests) != MUM_OK) {
        q->dig_broken = true;
        p->hash_rc = MUM_ECRYPTO;
        return;
    }
    p->has_digests = true;
}

/*
 * The hashing thread: takes the slots the producer published, at most a
 * batch at a time so that the consumer is not kept waiting behind a long
 * run of them, and hands them on.  Ends after the end or an error has gone
 * through, or when the consumer gives up.
 */
static void hasher_task(void *arg)
{
    pipeline *q = arg;
    bool last = false;
    pthread_mutex_lock(&q->mu);
    while (!last) {
        while (q->hashed == q->pushed && !q->cancel) {
            q->hasher_waiting = true;
            pthread_cond_wait(&q->to_hash, &q->mu);
        }
        q->hasher_waiting = false;
        if (q->cancel)
            break;
        uint64_t from = q->hashed, to = q->pushed;
        if (to - from > q->batch)
            to = from + q->batch;
        pthread_mutex_unlock(&q->mu);

        bool flush = false;
        for (uint64_t i = from; i < to; i++) {
            slot *s = &q->slots[i % q->cap];
            if (s->kind == SL_FILE)
                for (uint32_t k = 0; k < s->npieces; k++)
                    hash_piece(q, s, &s->pieces[k]);
            else
                flush = true;
            if (s->kind == SL_DONE || s->kind == SL_ERROR)
                last = true;
        }

        pthread_mutex_lock(&q->mu);
        q->hashed = to;
        if (q->consumer_waiting && (flush || q->hashed - q->consumed >= q->batch))
            pthread_cond_signal(&q->filled);
    }
    pthread_mutex_unlock(&q->mu);
}

static void *producer_main(void *arg)
{
    pipeline *q = arg;
    mum_walk *w = q->w;
    hand h = {0};
    for (;;) {
        const mum_entry *e;
        int rc = mum_walk_next(&e, w);
        if (rc != MUM_OK) {
            push_simple(q, &h, SL_ERROR, rc, NULL, false);
            return NULL;
        }
        if (!e) {
            push_simple(q, &h, SL_DONE, MUM_OK, NULL, false);
            return NULL;
        }
        if (e->kind != MUM_ENTRY_FILE) {
            /* rare: hand over the live event and wait, instead of copying headers and signatures */
            if (!push_simple(q, &h, SL_SYNC, MUM_OK, e, true))
                return NULL;
            continue;
        }
        bool want = !q->c->want_data || q->c->want_data(q->ud, e);
        piece *p = start_file(q, &h, e);
        if (!p)
            return NULL;
        while (want) {
            const void *data;
            size_t n;
            if ((rc = mum_walk_read(w, &data, &n)) != MUM_OK) {
                /* the piece in hand is dropped; the files before it go on */
                h.s->npieces--;
                if (h.s->npieces == 0)
                    h.s = NULL; /* reused below for the error */
                push_simple(q, &h, SL_ERROR, rc, NULL, false);
                return NULL;
            }
            if (n == 0) {
                p = h.p;
                p->ends = true;
                if ((p->has_digests = e->digests != NULL))
                    p->digests = *e->digests;
                /* the whole file in this piece, and the consumer far behind:
                 * do some of its work here instead of waiting for it */
                if (q->c->prepare && p->starts && consumer_behind(q))
                    p->prepared = q->c->prepare(q->ud, e, h.s->buf + p->off, p->len);
                break;
            }
            if (!put_data(q, &h, data, n))
                return NULL;
        }
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

/* One piece's callbacks on the caller's side. */
static int consume_piece(pipeline *q, slot *s, piece *p, mum_entry *cur, char **path, char **name)
{
    const mum_walk_consumer *c = q->c;
    int rc = MUM_OK;
    if (p->hash_rc != MUM_OK) { /* as the walker fails when it digests (container.c) */
        mum_location loc = mum__walk_entry_loc(q->w, p->starts ? p->e.path : cur->path);
        return p->hash_rc == MUM_ENOMEM ? mum__nomem(q->ctx)
                                        : mum__error(q->ctx, MUM_ECRYPTO, &loc, "the digest could not be computed");
    }
    if (p->starts) {
        *cur = p->e;
        mum__free(*path);
        mum__free(*name);
        *path = *name = NULL;
        if (!p->ends) { /* its strings must outlive this slot */
            *path = mum__strdup(p->e.path);
            *name = mum__strdup(p->e.name);
            if (!*path || !*name)
                return MUM_ENOMEM;
            cur->path = *path;
            cur->name = *name;
        }
        cur->prepared = p->prepared; /* the consumer's from here */
        p->prepared = NULL;
        if (c->entry)
            rc = c->entry(q->ud, cur);
    }
    if (rc == MUM_OK && p->len && c->data)
        rc = c->data(q->ud, cur, s->buf + p->off, p->len);
    if (rc == MUM_OK && p->ends && c->entry_end) {
        cur->digests = p->has_digests ? &p->digests : NULL;
        rc = c->entry_end(q->ud, cur);
    }
    return rc;
}

/* One slot's callbacks on the caller's side.  *stop at the end or an error. */
static int consume_slot(pipeline *q, slot *s, mum_entry *cur, char **path, char **name, bool *stop,
                        int *producer_status)
{
    const mum_walk_consumer *c = q->c;
    int rc = MUM_OK;
    switch (s->kind) {
    case SL_FILE:
        for (uint32_t k = 0; k < s->npieces && rc == MUM_OK; k++)
            rc = consume_piece(q, s, &s->pieces[k], cur, path, name);
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
        while (q->consumed == q->hashed) {
            q->consumer_waiting = true;
            pthread_cond_wait(&q->filled, &q->mu);
        }
        q->consumer_waiting = false;
        uint64_t first = q->consumed, n = q->hashed - q->consumed;
        pthread_mutex_unlock(&q->mu);

        uint64_t done = 0;
        while (done < n && !stop && rc == MUM_OK)
            rc = consume_slot(q, &q->slots[(first + done++) % q->cap], &cur, &path, &name, &stop,
                              producer_status);

        pthread_mutex_lock(&q->mu);
        q->consumed += done;
        if (rc != MUM_OK) {
            q->cancel = true;
            pthread_cond_signal(&q->to_hash);
        }
        if (q->producer_waiting && (q->cancel || q->cap - (q->pushed - q->consumed) >= q->batch ||
                                    (q->sync_wait && q->consumed >= q->sync_wait)))
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
    return mum__walk_run(ctx, input, MUM__WALK_SIZE_UNKNOWN, opts, consumer, ud, findings);
}

int mum__walk_run(mum_ctx *ctx, const char *input, uint64_t size, const mum_walk_options *opts,
                  const mum_walk_consumer *consumer, void *ud, mum_findings *findings)
{
    static const mum_walk_consumer none = {0};
    const mum_walk_consumer *c = consumer ? consumer : &none;
    mum_walk *w;
    locale_t old = mum__walk_enter_utf8();
    int rc = mum__walk_open(&w, ctx, input, opts, findings, true, size);
    mum__walk_leave_utf8(old);
    if (rc != MUM_OK)
        return rc;
    if (w->opt.flags & MUM_WALK_SINGLE_THREAD) {
        rc = run_inline(w, c, ud);
        mum_walk_free(w);
        return rc;
    }

    /* The decoding thread records on its own ctx and findings. */
    pipeline q = {.w = w, .ctx = ctx, .c = c, .ud = ud, .cap = w->opt.queue_blocks,
                  .batch = w->opt.queue_blocks / 4};
    mum_ctx *pctx = NULL;
    mum_findings *pfind = NULL;
    bool sync = false, hash_cond = false;
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
    if (rc == MUM_OK && !(hash_cond = pthread_cond_init(&q.to_hash, NULL) == 0))
        rc = MUM_ENOMEM;
    mum__pool *pool = NULL;
    mum__pool_task producer, hasher;
    if (rc == MUM_OK)
        rc = mum__pool_acquire(&pool);
    bool started = false;
    if (rc == MUM_OK) {
        w->ctx = pctx;
        w->findings = pfind;
        /* The files' digests on a thread of their own, from the slots, so
         * that the decoding thread (the one stage that cannot be split)
         * only decodes; with no thread for it they stay on the decoding
         * thread, in the walker, as before. */
        unsigned flags = w->opt.flags;
        if (flags & MUM_WALK_FILE_DIGESTS) {
            q.hash_want = MUM_DIGEST_SHA256 | (flags & MUM_WALK_FILE_NO_SHA1 ? 0 : MUM_DIGEST_SHA1);
            q.hash_stage = mum__pool_start(pool, hasher_task, &q, &hasher);
            if (q.hash_stage)
                w->opt.flags &= ~MUM_WALK_FILE_DIGESTS;
        }
        started = mum__pool_start(pool, producer_task, &q, &producer);
        if (!started) {
            if (q.hash_stage) {
                pthread_mutex_lock(&q.mu);
                q.cancel = true;
                pthread_cond_signal(&q.to_hash);
                pthread_mutex_unlock(&q.mu);
                mum__pool_finish(&hasher);
                q.hash_stage = false;
                w->opt.flags = flags;
            }
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
        if (q.hash_stage)
            mum__pool_finish(&hasher);
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
    if (hash_cond)
        pthread_cond_destroy(&q.to_hash);
    if (sync)
        mum__sync_destroy(&q.mu, &q.filled, &q.freed);
    mum__digest_set_clear(&q.dig);
    for (uint32_t i = 0; q.slots && i < q.cap; i++) {
        slot *s = &q.slots[i];
        for (uint32_t k = 0; s->kind == SL_FILE && k < s->npieces; k++)
            if (s->pieces[k].prepared && c->release) /* made, never delivered */
                c->release(ud, s->pieces[k].prepared);
        mum__free(s->buf);
    }
    mum__free(q.slots);
    mum_walk_free(w);
    mum_findings_free(pfind);
    mum_ctx_free(pctx);
    return rc;
}
