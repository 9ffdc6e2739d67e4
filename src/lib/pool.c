/*
 * pool.c - the worker pool every parallel stage takes its threads from
 * (pool.h says what it offers).  The only file that makes threads.
 *
 * One mutex guards everything; jobs and tasks are coarse (a catalog, half
 * of a graph, a whole decoding pass), so the lock is taken a few times per
 * job, never per byte.  A queued job lives in jobs[ticket % cap]; the slot
 * is reused for ticket + cap only once the job has run, so a slot holding a
 * later ticket means the earlier one is done.
 */
#include "config.h"

#include "pool.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum job_state { J_FREE, J_QUEUED, J_RUNNING, J_DONE };

typedef struct job {
    mum__pool_fn fn;
    void *arg;
    uint64_t ticket;
    enum job_state state;
} job;

enum worker_state {
    W_NONE,       /* no thread */
    W_IDLE,       /* waiting for a job or a task */
    W_JOB,        /* running a queued job */
    W_ASSIGNED,   /* given a task, not yet running it */
    W_TASK,       /* running a task */
    W_TASK_DONE,  /* the task returned; the worker is its starter's until finish */
};

typedef struct worker {
    pthread_t thread;
    mum__pool *pool;
    enum worker_state state;
    mum__pool_fn fn;              /* the task */
    void *arg;
} worker;

struct mum__pool {
    pthread_mutex_t mu;
    pthread_cond_t work;          /* a job queued, a task given, or closing */
    pthread_cond_t done;          /* a job or a task ended */
    unsigned refs;                /* the shared pool's holders (under g_mu) */
    bool shared;
    bool closing;
    unsigned nworkers, maxworkers;
    unsigned idle, working;       /* workers W_IDLE, W_JOB */
    unsigned queued;              /* jobs J_QUEUED */
    uint64_t next;                /* the next ticket handed out (the first is 1) */
    uint64_t take;                /* no job before this ticket is still queued */
    unsigned cap;
    worker *workers;              /* maxworkers, nworkers of them with a thread */
    job *jobs;                    /* cap */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static mum__pool *g_shared;
static atomic_bool g_no_threads;

bool mum__pool_no_threads(bool none)
{
    return atomic_exchange(&g_no_threads, none);
}

/* The oldest job still queued, or NULL; called with the lock held. */
static job *next_queued(mum__pool *p)
{
    for (; p->take < p->next; p->take++) {
        job *j = &p->jobs[p->take % p->cap];
        if (j->ticket == p->take && j->state == J_QUEUED)
            return j;
    }
    return NULL;
}

/*
 * Whether a worker will take the queued jobs: if not (none could be made,
 * tasks hold them all, or all run jobs and no more can be started) the
 * thread that waits runs them itself.  The last case: a job that waits
 * for a job of its own (a shard job of the graph's reading, for the
 * rebuilds of a small express package's files) holds its worker, and with
 * every worker held so no queued job would ever run.  A waiter leaves them
 * to the workers otherwise, so that jobs spread over the workers instead
 * of running where they are waited for.
 */
static bool workers_for_jobs(const mum__pool *p)
{
    return p->idle > 0 || (p->working > 0 && p->nworkers < p->maxworkers);
}

/* Runs a queued job on this thread; called with the lock held, which is
 * let go while the job runs. */
static void run_job(mum__pool *p, job *j)
{
    j->state = J_RUNNING;
    p->queued--;
    pthread_mutex_unlock(&p->mu);
    j->fn(j->arg);
    pthread_mutex_lock(&p->mu);
    j->state = J_DONE;
    pthread_cond_broadcast(&p->done);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    mum__pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (w->state == W_ASSIGNED) {
            w->state = W_TASK;
            pthread_mutex_unlock(&p->mu);
            w->fn(w->arg);
            pthread_mutex_lock(&p->mu);
            w->state = W_TASK_DONE;
            pthread_cond_broadcast(&p->done);
            continue;
        }
        if (w->state == W_IDLE) {
            job *j = next_queued(p);
            if (j) {
                w->state = W_JOB;
                p->idle--;
                p->working++;
                run_job(p, j);
                w->state = W_IDLE;
                p->working--;
                p->idle++;
                continue;
            }
        }
        if (p->closing)
            break;
        pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Starts one more worker in `state` (W_IDLE, or W_ASSIGNED with its task
 * set); called with the lock held.  -1 when none can be had. */
static int spawn(mum__pool *p, enum worker_state state, mum__pool_fn fn, void *arg)
{
    if (p->nworkers == p->maxworkers || atomic_load(&g_no_threads))
        return -1;
    unsigned i = p->nworkers;
    worker *w = &p->workers[i];
    w->pool = p;
    w->state = state;
    w->fn = fn;
    w->arg = arg;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        w->state = W_NONE;
        return -1;
    }
    p->nworkers++;
    if (state == W_IDLE)
        p->idle++;
    return (int)i;
}

int mum__pool_new(mum__pool **out, unsigned workers, unsigned queue)
{
    *out = NULL;
    if (queue == 0 || queue > 65536 || workers > 256)
        return MUM_EINVAL;
    /* one block: the pool, then its workers, then its jobs */
    size_t wsize = (size_t)workers * sizeof(worker), jsize = (size_t)queue * sizeof(job);
    size_t head = (sizeof(mum__pool) + 15) & ~(size_t)15, wpad = (wsize + 15) & ~(size_t)15;
    mum__pool *p = mum__calloc(1, head + wpad + jsize);
    if (!p)
        return MUM_ENOMEM;
    if (!mum__sync_init(&p->mu, &p->work, &p->done)) {
        mum__free(p);
        return MUM_ENOMEM;
    }
    p->refs = 1;
    p->maxworkers = workers;
    p->cap = queue;
    p->next = p->take = 1;
    p->workers = (worker *)((char *)p + head);
    p->jobs = (job *)((char *)p + head + wpad);
    *out = p;
    return MUM_OK;
}

int mum__pool_acquire(mum__pool **out)
{
    int rc = MUM_OK;
    pthread_mutex_lock(&g_mu);
    if (g_shared) {
        g_shared->refs++;
    } else if ((rc = mum__pool_new(&g_shared, MUM_POOL_WORKERS, MUM_POOL_QUEUE)) == MUM_OK) {
        g_shared->shared = true;
    }
    *out = g_shared;
    pthread_mutex_unlock(&g_mu);
    return rc;
}

/* Whether a job or a task is still running; called with the lock held. */
static bool busy(const mum__pool *p)
{
    for (unsigned i = 0; i < p->cap; i++)
        if (p->jobs[i].state == J_RUNNING)
            return true;
    for (unsigned i = 0; i < p->nworkers; i++)
        if (p->workers[i].state == W_ASSIGNED || p->workers[i].state == W_TASK)
            return true;
    return false;
}

void mum__pool_release(mum__pool *p)
{
    if (!p)
        return;
    if (p->shared) {
        pthread_mutex_lock(&g_mu);
        bool last = --p->refs == 0;
        if (last)
            g_shared = NULL;
        pthread_mutex_unlock(&g_mu);
        if (!last)
            return;
    }
    pthread_mutex_lock(&p->mu);
    job *j;
    while ((j = next_queued(p))) /* no job is lost: each runs before the pool goes */
        run_job(p, j);
    while (busy(p))
        pthread_cond_wait(&p->done, &p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i].thread, NULL);
    mum__sync_destroy(&p->mu, &p->work, &p->done);
    mum__free(p);
}

void mum__pool_submit(mum__pool *p, mum__pool_fn fn, void *arg, uint64_t *ticket)
{
    mum__pool_submit_within(p, fn, arg, ticket, UINT_MAX);
}

void mum__pool_submit_within(mum__pool *p, mum__pool_fn fn, void *arg, uint64_t *ticket, unsigned workers)
{
    pthread_mutex_lock(&p->mu);
    uint64_t t = p->next;
    job *j = &p->jobs[t % p->cap];
    /* a full queue: the slot's job runs before this one takes its place */
    while (j->state == J_QUEUED || j->state == J_RUNNING) {
        if (j->state == J_QUEUED && !workers_for_jobs(p)) {
            job *oldest = next_queued(p);
            run_job(p, oldest ? oldest : j);
        } else {
            pthread_cond_wait(&p->done, &p->mu);
        }
        t = p->next; /* another thread may have submitted meanwhile */
        j = &p->jobs[t % p->cap];
    }
    p->next = t + 1;
    j->fn = fn;
    j->arg = arg;
    j->ticket = t;
    j->state = J_QUEUED;
    p->queued++;
    /* a worker more for a job no idle one will take, unless `workers` run
     * jobs already: the job then waits in the queue for one of them */
    if (p->queued > p->idle && p->idle + p->working < workers)
        spawn(p, W_IDLE, NULL, NULL); /* none: the job runs when waited for */
    pthread_cond_broadcast(&p->work); /* a signal might wake a worker kept by its task */
    pthread_mutex_unlock(&p->mu);
    if (ticket)
        *ticket = t;
}

/* Waits for ticket t with the lock held. */
static void wait_locked(mum__pool *p, uint64_t t)
{
    for (;;) {
        job *j = &p->jobs[t % p->cap];
        if (t == 0 || t >= p->next || j->ticket != t || j->state == J_DONE)
            return;
        if (j->state == J_QUEUED && !workers_for_jobs(p))
            run_job(p, j);
        else
            pthread_cond_wait(&p->done, &p->mu);
    }
}

void mum__pool_wait(mum__pool *p, uint64_t ticket)
{
    pthread_mutex_lock(&p->mu);
    wait_locked(p, ticket);
    pthread_mutex_unlock(&p->mu);
}

void mum__pool_join(mum__pool *p)
{
    pthread_mutex_lock(&p->mu);
    uint64_t last = p->next - 1;
    /* a ticket older than the queue's length has had its slot reused: done */
    for (uint64_t t = last >= p->cap ? last - p->cap + 1 : 1; t <= last; t++)
        wait_locked(p, t);
    pthread_mutex_unlock(&p->mu);
}

bool mum__pool_start(mum__pool *p, mum__pool_fn fn, void *arg, mum__pool_task *task)
{
    pthread_mutex_lock(&p->mu);
    int i = -1;
    for (unsigned k = 0; k < p->nworkers && i < 0; k++) {
        if (p->workers[k].state == W_IDLE) {
            worker *w = &p->workers[k];
            w->fn = fn;
            w->arg = arg;
            w->state = W_ASSIGNED;
            p->idle--;
            pthread_cond_broadcast(&p->work);
            pthread_cond_broadcast(&p->done); /* waiters may have no worker left for jobs */
            i = (int)k;
        }
    }
    if (i < 0)
        i = spawn(p, W_ASSIGNED, fn, arg);
    pthread_mutex_unlock(&p->mu);
    task->pool = i < 0 ? NULL : p;
    task->worker = i < 0 ? 0 : (unsigned)i;
    return i >= 0;
}

void mum__pool_finish(mum__pool_task *task)
{
    mum__pool *p = task->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    worker *w = &p->workers[task->worker];
    while (w->state != W_TASK_DONE)
        pthread_cond_wait(&p->done, &p->mu);
    w->state = W_IDLE;
    p->idle++;
    pthread_cond_broadcast(&p->work); /* it may take a queued job now */
    pthread_mutex_unlock(&p->mu);
    task->pool = NULL;
}

size_t mum__pool_width(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > MUM_POOL_WORKERS ? MUM_POOL_WORKERS : (size_t)n;
}
