/*
 * pool.h - the library's one home for threads (internal, not installed).
 *
 * A fixed set of workers (started as work needs them, up to the pool's
 * size), a bounded queue of jobs run in submission order, and tickets to
 * wait for them in that order, in the spirit of wimlib's parallel
 * compressor.  Every parallel stage takes its threads from here: short
 * jobs go through the queue (mum__pool_submit), and a stage that streams
 * data to a thread through a ring of its own borrows one worker for as long
 * as it needs (mum__pool_start).  pthread_create appears nowhere else.
 *
 * No thread to be had is never an error: a queued job then runs on the
 * thread that waits for it, and mum__pool_start says false so that the
 * caller does the work inline, as MUM_WALK_SINGLE_THREAD does.
 */
#ifndef MUM_POOL_H
#define MUM_POOL_H

#include "internal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mum__pool mum__pool;
typedef void (*mum__pool_fn)(void *arg);

/* The library's shared pool's size: the stages of one verify that run at
 * once (the decoding thread, the catalog worker, the cabinet digest, a
 * resolution half or the side checks) with room for a second caller. */
enum { MUM_POOL_WORKERS = 8, MUM_POOL_QUEUE = 64 };

/* A pool of its caller's own: at most `workers` threads (0: every job runs
 * on the thread that waits for it) and `queue` jobs waiting (at least 1).
 * Freed by mum__pool_release.  Errors: MUM_ENOMEM, MUM_EINVAL. */
MUM_INTERNAL int mum__pool_new(mum__pool **out, unsigned workers, unsigned queue);

/* The library's shared pool (MUM_POOL_WORKERS, MUM_POOL_QUEUE), made on the
 * first acquire and freed, its threads joined, when the last holder
 * releases it: nothing is left behind between operations or at exit.
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__pool_acquire(mum__pool **out);

/* Lets go of a pool (NULL is fine).  The last holder waits for every job
 * submitted and every started task to end (jobs still queued run first, on
 * the workers or on this thread), then joins the workers and frees it. */
MUM_INTERNAL void mum__pool_release(mum__pool *p);

/* Queues fn(arg); *ticket (may be NULL) numbers it, from 1 in submission
 * order.  Blocks while the queue is full (running the oldest waiting job
 * itself when no worker is free to).  Never fails: with no thread to be
 * had the job waits for mum__pool_wait or mum__pool_join to run it. */
MUM_INTERNAL void mum__pool_submit(mum__pool *p, mum__pool_fn fn, void *arg, uint64_t *ticket);

/* mum__pool_submit, but a worker is started for the job only while fewer
 * than `workers` are running or waiting for jobs: a stage that keeps more
 * jobs queued than it has processors (so that a worker done with one finds
 * the next at once) still runs them on that many threads.  Workers started
 * before, by other stages, take its jobs too when idle. */
MUM_INTERNAL void mum__pool_submit_within(mum__pool *p, mum__pool_fn fn, void *arg, uint64_t *ticket,
                                          unsigned workers);

/* Returns once the job with this ticket has run (running it here if no
 * worker has taken it yet), so that waiting for tickets in order delivers
 * the jobs' results (which they leave in their arg) in submission order. */
MUM_INTERNAL void mum__pool_wait(mum__pool *p, uint64_t ticket);

/* Waits for every job submitted so far. */
MUM_INTERNAL void mum__pool_join(mum__pool *p);

/* How many jobs to keep in flight on the shared pool: the processors
 * online, at least 2 (one reads while one is merged), at most
 * MUM_POOL_WORKERS. */
MUM_INTERNAL size_t mum__pool_width(void);

/* A long-lived task: fn(arg) on a worker of its own, started now, such as
 * the far end of a stage's data ring.  False, with nothing started, when no
 * worker is free and no thread can be made: the caller then does the work
 * on its own thread.  The worker is the task's until mum__pool_finish. */
typedef struct mum__pool_task {
    mum__pool *pool;
    unsigned worker;
} mum__pool_task;

MUM_INTERNAL bool mum__pool_start(mum__pool *p, mum__pool_fn fn, void *arg, mum__pool_task *task);

/* Waits for a started task's fn to return and gives its worker back. */
MUM_INTERNAL void mum__pool_finish(mum__pool_task *task);

/* Test hook: while true, no thread can be made (as when pthread_create
 * fails), so every stage must take its inline road.  Returns the old value. */
MUM_INTERNAL bool mum__pool_no_threads(bool none);

#endif /* MUM_POOL_H */
