/*
 * test_pool.c - the worker pool: jobs run once each and are waited for in
 * submission order, a full queue holds its submitter back without losing
 * a job, a long-lived task has a worker of its own, no thread to be had
 * runs everything on the waiting thread, and a pool let go with work still
 * queued runs it first.  (The stages that use the pool are tested in
 * test_cab, test_container and test_graph, also with no threads.)
 */
#include "testutil.h"

#include "pool.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void pause_fn(void *arg)
{
    (void)arg;
    pause_ms(1);
}

/* The threads of this process (its entries in /proc/self/task), once a
 * first thread has been made and joined: ThreadSanitizer starts a thread
 * of its own with the first one. */
static int thread_count(void)
{
    static bool warm;
    if (!warm) {
        mum__pool *p;
        mum__pool_task t;
        cr_assert_eq(mum__pool_new(&p, 1, 1), MUM_OK);
        if (mum__pool_start(p, pause_fn, NULL, &t))
            mum__pool_finish(&t);
        mum__pool_release(p);
        warm = true;
    }
    DIR *d = opendir("/proc/self/task");
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

typedef struct square {
    unsigned in;
    unsigned long out;
    atomic_int runs;
    pthread_t by;
} square;

static void square_job(void *arg)
{
    square *s = arg;
    s->out = (unsigned long)s->in * s->in;
    s->by = pthread_self();
    atomic_fetch_add(&s->runs, 1);
}

Test(pool, many_jobs_on_few_workers_are_waited_for_in_submission_order)
{
    enum { N = 2000 };
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 2, 4), MUM_OK);
    static square jobs[N];
    static uint64_t tickets[N];
    for (unsigned i = 0; i < N; i++) {
        jobs[i].in = i;
        mum__pool_submit(p, square_job, &jobs[i], &tickets[i]);
        cr_assert_eq(tickets[i], (uint64_t)i + 1, "tickets number the jobs in submission order");
        if (i >= 10) { /* results read in order while later jobs are queued */
            mum__pool_wait(p, tickets[i - 10]);
            cr_assert_eq(jobs[i - 10].out, (unsigned long)(i - 10) * (i - 10));
            cr_assert_eq(atomic_load(&jobs[i - 10].runs), 1);
        }
    }
    mum__pool_join(p);
    bool on_a_worker = false;
    for (unsigned i = 0; i < N; i++) {
        cr_assert_eq(jobs[i].out, (unsigned long)i * i);
        cr_assert_eq(atomic_load(&jobs[i].runs), 1, "job %u ran %d times", i, atomic_load(&jobs[i].runs));
        on_a_worker |= !pthread_equal(jobs[i].by, pthread_self());
    }
    cr_assert(on_a_worker, "some job ran on a worker");
    mum__pool_release(p);
}

/* A job that holds its worker until the gate opens. */
typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool open;
    atomic_int entered;
} gate;

static void gate_job(void *arg)
{
    gate *g = arg;
    atomic_fetch_add(&g->entered, 1);
    pthread_mutex_lock(&g->mu);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void gate_open(gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->open = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

typedef struct submitter {
    mum__pool *into;
    square *job;
    atomic_bool submitted;
} submitter;

static void submit_task(void *arg)
{
    submitter *s = arg;
    mum__pool_submit(s->into, square_job, s->job, NULL);
    atomic_store(&s->submitted, true);
}

Test(pool, a_full_queue_blocks_its_submitter_and_loses_no_job)
{
    mum__pool *p, *other;
    cr_assert_eq(mum__pool_new(&p, 1, 2), MUM_OK);
    cr_assert_eq(mum__pool_new(&other, 1, 1), MUM_OK);
    gate g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    square second = {.in = 2}, third = {.in = 3};
    uint64_t t1;
    mum__pool_submit(p, gate_job, &g, &t1); /* ticket 1: the worker, held */
    while (atomic_load(&g.entered) == 0)
        pause_ms(1);
    mum__pool_submit(p, square_job, &second, NULL); /* ticket 2: queued */
    /* ticket 3 needs ticket 1's slot: its submitter waits for the gate */
    submitter s = {.into = p, .job = &third};
    mum__pool_task t;
    cr_assert(mum__pool_start(other, submit_task, &s, &t));
    pause_ms(200);
    cr_assert_not(atomic_load(&s.submitted), "a full queue let a job in");
    cr_assert_eq(atomic_load(&third.runs), 0);
    gate_open(&g);
    mum__pool_finish(&t);
    cr_assert(atomic_load(&s.submitted));
    mum__pool_join(p);
    cr_assert_eq(atomic_load(&second.runs), 1);
    cr_assert_eq(atomic_load(&third.runs), 1);
    cr_assert_eq(third.out, 9);
    mum__pool_release(other);
    mum__pool_release(p);

    /* and many jobs through a short queue on three workers: each runs once */
    enum { N = 5000 };
    static square many[N];
    cr_assert_eq(mum__pool_new(&p, 3, 3), MUM_OK);
    for (unsigned i = 0; i < N; i++) {
        many[i].in = i;
        mum__pool_submit(p, square_job, &many[i], NULL);
    }
    mum__pool_join(p);
    for (unsigned i = 0; i < N; i++)
        cr_assert(atomic_load(&many[i].runs) == 1 && many[i].out == (unsigned long)i * i, "job %u", i);
    mum__pool_release(p);
}

/* A long-lived task: the far end of a channel, until told to stop. */
typedef struct channel {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned sent, seen;
    bool closing;
    pthread_t by;
} channel;

static void channel_task(void *arg)
{
    channel *c = arg;
    c->by = pthread_self();
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->seen == c->sent && !c->closing)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->seen == c->sent)
            break;
        c->seen = c->sent;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
}

Test(pool, a_long_lived_task_has_a_worker_of_its_own)
{
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 1, 4), MUM_OK);
    channel c = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    mum__pool_task t;
    cr_assert(mum__pool_start(p, channel_task, &c, &t));
    /* it runs beside this thread: each message is seen before the next */
    for (unsigned i = 1; i <= 100; i++) {
        pthread_mutex_lock(&c.mu);
        c.sent = i;
        pthread_cond_broadcast(&c.cv);
        while (c.seen != i)
            pthread_cond_wait(&c.cv, &c.mu);
        pthread_mutex_unlock(&c.mu);
    }
    /* its worker is taken: a second task has none, jobs run on their waiter */
    mum__pool_task none;
    cr_assert_not(mum__pool_start(p, channel_task, &c, &none));
    square s = {.in = 7};
    uint64_t ticket;
    mum__pool_submit(p, square_job, &s, &ticket);
    mum__pool_wait(p, ticket);
    cr_assert_eq(s.out, 49);
    cr_assert(pthread_equal(s.by, pthread_self()));
    pthread_mutex_lock(&c.mu);
    c.closing = true;
    pthread_cond_broadcast(&c.cv);
    pthread_mutex_unlock(&c.mu);
    mum__pool_finish(&t);
    cr_assert_not(pthread_equal(c.by, pthread_self()));
    /* finished, the worker is the pool's again: jobs and tasks can have it */
    square later = {.in = 8};
    mum__pool_submit(p, square_job, &later, &ticket);
    mum__pool_wait(p, ticket);
    cr_assert_eq(later.out, 64);
    channel c2 = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .closing = true};
    cr_assert(mum__pool_start(p, channel_task, &c2, &t));
    mum__pool_finish(&t);
    cr_assert(pthread_equal(c2.by, c.by), "the same worker, not a new thread");
    mum__pool_release(p);
}

/* Jobs queued beyond a stage's own width wait for its workers instead of
 * starting more threads (the graph's reading keeps two jobs a processor
 * queued on one worker a processor). */
Test(pool, jobs_submitted_within_a_width_start_no_more_workers_than_it)
{
    int before = thread_count();
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 4, 8), MUM_OK);
    gate g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    uint64_t tickets[6];
    for (unsigned i = 0; i < 6; i++)
        mum__pool_submit_within(p, gate_job, &g, &tickets[i], 2);
    while (atomic_load(&g.entered) < 2)
        pause_ms(1);
    pause_ms(20); /* time for a third worker, were one started, to enter */
    cr_assert_eq(atomic_load(&g.entered), 2, "%d jobs running on a width of 2", atomic_load(&g.entered));
    cr_assert_eq(thread_count(), before + 2);
    gate_open(&g);
    for (unsigned i = 0; i < 6; i++)
        mum__pool_wait(p, tickets[i]);
    cr_assert_eq(atomic_load(&g.entered), 6, "every job ran");
    /* a plain submit may start the pool's other workers */
    square s = {.in = 3};
    mum__pool_submit(p, square_job, &s, &tickets[0]);
    mum__pool_wait(p, tickets[0]);
    cr_assert_eq(s.out, 9);
    mum__pool_release(p);
}

/* A job that waits for a job of its own (as a shard job of the graph's
 * reading waits for the rebuilds of a small express package's files). */
typedef struct nester {
    mum__pool *p;
    atomic_int *entered;
    square inner;
} nester;

static void nester_job(void *arg)
{
    nester *n = arg;
    atomic_fetch_add(n->entered, 1);
    /* both outer jobs on their workers before either queues its inner one */
    for (int i = 0; i < 1000 && atomic_load(n->entered) < 2; i++)
        pause_ms(1);
    uint64_t t;
    mum__pool_submit(n->p, square_job, &n->inner, &t);
    mum__pool_wait(n->p, t);
}

/* Every worker in a job that waits for a queued job, and no worker more to
 * be had: the waiters run the queued jobs themselves instead of waiting
 * for each other for ever. */
Test(pool, jobs_waiting_for_jobs_on_every_worker_run_them, .timeout = 20)
{
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 2, 8), MUM_OK);
    atomic_int entered = 0;
    nester n[2] = {{p, &entered, {.in = 5}}, {p, &entered, {.in = 6}}};
    uint64_t tickets[2];
    for (unsigned i = 0; i < 2; i++)
        mum__pool_submit_within(p, nester_job, &n[i], &tickets[i], 2);
    for (unsigned i = 0; i < 2; i++)
        mum__pool_wait(p, tickets[i]);
    cr_assert_eq(n[0].inner.out, 25);
    cr_assert_eq(n[1].inner.out, 36);
    mum__pool_release(p);
}

Test(pool, with_no_thread_to_be_had_everything_runs_on_the_caller)
{
    cr_assert_not(mum__pool_no_threads(true));
    int before = thread_count();
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 4, 3), MUM_OK);
    mum__pool_task t;
    channel c = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .closing = true};
    cr_assert_not(mum__pool_start(p, channel_task, &c, &t), "a task started with no thread");
    mum__pool_finish(&t); /* harmless on a task never started */
    enum { N = 50 };
    square jobs[N];
    uint64_t tickets[N];
    memset(jobs, 0, sizeof jobs);
    for (unsigned i = 0; i < N; i++) {
        jobs[i].in = i;
        mum__pool_submit(p, square_job, &jobs[i], &tickets[i]); /* a full queue runs its oldest */
    }
    for (unsigned i = 0; i < N; i++) {
        mum__pool_wait(p, tickets[i]);
        cr_assert_eq(jobs[i].out, (unsigned long)i * i);
        cr_assert_eq(atomic_load(&jobs[i].runs), 1);
        cr_assert(pthread_equal(jobs[i].by, pthread_self()));
    }
    cr_assert_eq(thread_count(), before, "a thread was made");
    mum__pool_release(p);
    cr_assert(mum__pool_no_threads(false));
}

static void slow_job(void *arg)
{
    pause_ms(20);
    square_job(arg);
}

Test(pool, a_pool_let_go_with_work_queued_runs_it_first)
{
    int before = thread_count();
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 1, 8), MUM_OK);
    square jobs[8];
    memset(jobs, 0, sizeof jobs);
    for (unsigned i = 0; i < 8; i++) {
        jobs[i].in = i;
        mum__pool_submit(p, slow_job, &jobs[i], NULL);
    }
    mum__pool_release(p); /* none waited for */
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(atomic_load(&jobs[i].runs), 1, "job %u ran %d times", i, atomic_load(&jobs[i].runs));
    cr_assert_eq(thread_count(), before, "the workers are joined");
    /* a pool with no workers at all */
    cr_assert_eq(mum__pool_new(&p, 0, 2), MUM_OK);
    memset(jobs, 0, sizeof jobs);
    for (unsigned i = 0; i < 5; i++)
        mum__pool_submit(p, square_job, &jobs[i], NULL);
    mum__pool_release(p);
    for (unsigned i = 0; i < 5; i++)
        cr_assert_eq(atomic_load(&jobs[i].runs), 1);
    mum__pool_release(NULL);
}

Test(pool, the_shared_pool_lives_while_it_is_held)
{
    int before = thread_count();
    mum__pool *a, *b;
    cr_assert_eq(mum__pool_acquire(&a), MUM_OK);
    cr_assert_eq(mum__pool_acquire(&b), MUM_OK);
    cr_assert_eq(a, b, "one pool for every holder");
    square s = {.in = 3};
    uint64_t ticket;
    mum__pool_submit(a, square_job, &s, &ticket);
    mum__pool_release(a);
    mum__pool_wait(b, ticket); /* still there for the other holder */
    cr_assert_eq(s.out, 9);
    mum__pool_release(b);
    cr_assert_eq(thread_count(), before, "the last holder's release joins the workers");
    /* made again on the next acquire; its allocation failing is MUM_ENOMEM */
    mum__alloc_fail_at(1);
    int rc = mum__pool_acquire(&a);
    mum__alloc_fail_at(0);
    cr_assert_eq(rc, MUM_ENOMEM);
    cr_assert_null(a);
    cr_assert_eq(mum__pool_acquire(&a), MUM_OK);
    mum__pool_release(a);
}

Test(pool, bad_sizes_are_refused)
{
    mum__pool *p;
    cr_assert_eq(mum__pool_new(&p, 2, 0), MUM_EINVAL);
    cr_assert_null(p);
}
