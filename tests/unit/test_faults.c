/*
 * test_faults.c - verify (the graph build and the checks, as
 * mumtool verify runs them) with faults injected: the N-th allocation
 * failing (alloc.c) and the N-th read of a file failing with EIO, coming
 * short or being interrupted (io.c), for every N, on the samples, a folder
 * input and a genuine package from MUM_REALDATA.  Every run must end
 * cleanly: MUM_ENOMEM or MUM_EIO with the reason (naming the file) on ctx,
 * or MUM_OK with exactly the findings of the run without faults; under
 * AddressSanitizer nothing may leak (testutil.h checks after each test).
 *
 * One walking thread (MUM_WALK_SINGLE_THREAD), so that the N-th allocation
 * or read is the same one every run.
 */
#include "testutil.h"

#include "io.h"

#include <mum/graph.h>
#include <mum/verify.h>

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *sample(const char *rel)
{
    return tu_src_path("samples", rel);
}

/* A genuine package, or NULL (the test then skips, saying so). */
static const char *real(const char *rel)
{
    static char paths[2][1024];
    static unsigned next;
    char *path = paths[next++ % 2];
    const char *dir = getenv("MUM_REALDATA");
    snprintf(path, sizeof paths[0], "%s/%s", dir ? dir : "../../shared/realdata", rel);
    return access(path, R_OK) == 0 ? path : NULL;
}

#define SAMPLE_MSU "kb943650/Windows6.0-KB943650-x86.msu"
/* A Windows 8.1 cabinet (LZX, plain payloads, v2 catalogs) and a signed
 * Windows 7 MSU holding an express cabinet (PA30 blobs, v1 catalogs). */
#define REAL_CAB "msu/Windows8.1-KB2938772-x86.cab"
#define REAL_MSU "msu/Windows6.1-KB2465285-x86.msu"

typedef struct run_result {
    int rc;
    bool on_ctx;    /* it failed in a call that reports on ctx */
    char reason[512];
    char *findings; /* every finding, one a line (malloc'd), on MUM_OK */
} run_result;

static char *describe(const mum_findings *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    cr_assert_not_null(m);
    for (size_t i = 0; i < mum_findings_count(f); i++) {
        const mum_finding *x = mum_findings_get(f, i);
        char where[1024];
        mum_location_format(&x->loc, where, sizeof where);
        fprintf(m, "%s %s %s\n", x->rule->id, where, x->message);
    }
    fclose(m);
    return text;
}

/* mumtool verify's library calls on one input. */
static void run_verify(const char *input, run_result *r)
{
    const char *inputs[1] = {input};
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    o.walk_flags = MUM_WALK_SINGLE_THREAD;
    mum_ctx *ctx = NULL;
    mum_findings *f = NULL;
    mum_graph *g = NULL;
    mum_verify_result *v = NULL;
    memset(r, 0, sizeof *r);
    int rc = mum_ctx_new(&ctx);
    if (rc == MUM_OK)
        rc = mum_findings_new(&f);
    if (rc == MUM_OK) {
        r->on_ctx = true;
        rc = mum_graph_build(&g, ctx, inputs, 1, &o, f);
    }
    if (rc == MUM_OK)
        rc = mum_verify_graph(&v, ctx, g, NULL, f);
    r->rc = rc;
    if (ctx && mum_ctx_status(ctx) == rc)
        snprintf(r->reason, sizeof r->reason, "%s", mum_ctx_message(ctx));
    if (rc == MUM_OK) {
        mum_findings_sort(f);
        r->findings = describe(f);
    }
    mum_verify_result_free(v);
    mum_graph_free(g);
    mum_findings_free(f);
    mum_ctx_free(ctx);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Every system read of verifying `input` suffering `fault` in turn.  EIO:
 * MUM_EIO naming `name` (the input or the file of a folder) and an offset,
 * unless the read was one whose failure costs nothing (then the findings
 * are those without faults).  A short or interrupted read: the same
 * findings as without faults.
 */
static void read_sweep(const char *input, const char *name, mum_io_fault fault)
{
    run_result base, r;
    mum__io_fail_at(0, 0);
    run_verify(input, &base);
    unsigned long total = mum__io_fail_at(0, 0);
    cr_assert_eq(base.rc, MUM_OK, "%s: %s", input, base.reason);
    cr_assert_gt(total, 0);
    unsigned long failed = 0;
    fprintf(stderr, "# %s: %lu reads, fault %d on each\n", input, total, (int)fault);
    for (unsigned long n = 1; n <= total; n++) {
        mum__io_fail_at(n, fault);
        run_verify(input, &r);
        mum__io_fail_at(0, 0);
        if (fault == MUM_IO_FAULT_EIO && r.rc != MUM_OK) {
            cr_assert_eq(r.rc, MUM_EIO, "read %lu of %lu failing gave %d (%s)", n, total, r.rc, r.reason);
            cr_assert(strstr(r.reason, name) && strstr(r.reason, "offset") && strstr(r.reason, "read error"),
                      "read %lu of %lu: %s", n, total, r.reason);
            failed++;
        } else {
            cr_assert_eq(r.rc, MUM_OK, "read %lu of %lu (fault %d) gave %d (%s)", n, total, (int)fault, r.rc,
                         r.reason);
            cr_assert_str_eq(r.findings, base.findings, "read %lu of %lu (fault %d): other findings", n, total,
                             (int)fault);
        }
        free(r.findings);
    }
    if (fault == MUM_IO_FAULT_EIO)
        cr_assert_gt(failed, 0, "no read error reached the caller");
    free(base.findings);
}

static void read_sweeps(const char *input, const char *name)
{
    read_sweep(input, name, MUM_IO_FAULT_EIO);
    read_sweep(input, name, MUM_IO_FAULT_SHORT);
    read_sweep(input, name, MUM_IO_FAULT_EINTR);
}

Test(faults, every_read_failing_in_turn_on_a_sample)
{
    read_sweeps(sample(SAMPLE_MSU), "Windows6.0-KB943650-x86.msu");
}

Test(faults, every_read_failing_in_turn_on_genuine_packages)
{
    const char *rel[2] = {REAL_CAB, REAL_MSU};
    for (int i = 0; i < 2; i++) {
        const char *input = real(rel[i]);
        if (!input)
            cr_skip_test("real data absent (set MUM_REALDATA): %s", rel[i]);
        read_sweeps(input, strrchr(rel[i], '/') + 1);
    }
}

/* Writes the files of the sample's inner cabinet into dir, as a folder
 * input (its files are read through the folder path of the walk). */
static void unpack_sample(const char *dir)
{
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, sample(SAMPLE_MSU), NULL, NULL), MUM_OK);
    const char *prefix = "Windows6.0-KB943650-x86.cab!";
    const mum_entry *e;
    int rc;
    size_t files = 0;
    while ((rc = mum_walk_next(&e, w)) == MUM_OK && e) {
        if (e->kind != MUM_ENTRY_FILE || strncmp(e->path, prefix, strlen(prefix)) != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->path + strlen(prefix));
        for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
            *s = '\0';
            mkdir(path, 0700);
            *s = '/';
        }
        FILE *out = fopen(path, "wb");
        cr_assert_not_null(out, "%s", path);
        const void *p;
        size_t n;
        while (mum_walk_read(w, &p, &n) == MUM_OK && n)
            cr_assert_eq(fwrite(p, 1, n, out), n);
        fclose(out);
        files++;
    }
    cr_assert_eq(rc, MUM_OK);
    cr_assert_gt(files, 20);
    mum_walk_free(w);
}

Test(faults, every_read_failing_in_turn_on_a_folder)
{
    char dir[] = "/tmp/mum-faults-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    unpack_sample(dir);
    read_sweeps(dir, dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/*
 * Every allocation of verifying a genuine package failing in turn: MUM_OK
 * (a failure that only cost an optional speed-up) with the findings of the
 * run without failures, or MUM_ENOMEM with the reason on ctx.
 *
 * Measured (plain build, loaded 2-core machine): the Windows 8.1 cabinet
 * makes 977 allocations (1 330 before signatures and catalogs were packed
 * into fewer blocks), and failing each in turn takes 15 s, so it is
 * swept whole; the express MSU makes 27 000, a run takes 0.05 s, a whole
 * sweep would take some 15 minutes, so it is swept with a stride giving
 * `steps` runs (every one of the first 300 allocations, the set-up, then
 * evenly), and whole when MUM_FAULTS_FULL is set.  The samples' whole
 * sweep is test_graph's graph::out_of_memory_is_reported.
 */
static void alloc_sweep(const char *input, unsigned long steps)
{
    run_result base, r;
    mum__alloc_fail_at(0);
    double t0 = now();
    run_verify(input, &base);
    double once = now() - t0;
    unsigned long total = mum__alloc_fail_at(0);
    cr_assert_eq(base.rc, MUM_OK, "%s", base.reason);
    cr_assert_gt(total, 500); /* a whole run, not a failure at the start */
    unsigned long stride = getenv("MUM_FAULTS_FULL") || !steps ? 1 : total / steps + 1;
    unsigned long runs = 0, failed = 0;
    t0 = now();
    for (unsigned long n = 1; n <= total; n += n < 300 ? 1 : stride) {
        mum__alloc_fail_at(n);
        run_verify(input, &r);
        mum__alloc_fail_at(0);
        runs++;
        if (r.rc == MUM_OK) {
            cr_assert_str_eq(r.findings, base.findings, "allocation %lu of %lu failing: other findings", n,
                             total);
        } else {
            cr_assert_eq(r.rc, MUM_ENOMEM, "allocation %lu of %lu failing gave %d (%s)", n, total, r.rc,
                         r.reason);
            /* mum_ctx_new and mum_findings_new have no ctx to say it on */
            cr_assert(*r.reason || !r.on_ctx, "allocation %lu: MUM_ENOMEM without a reason on ctx", n);
            failed++;
        }
        free(r.findings);
    }
    fprintf(stderr, "# %s: %lu allocations, one run %.3f s; %lu runs (stride %lu) in %.1f s, %lu failed\n",
            input, total, once, runs, stride, now() - t0, failed);
    cr_assert_gt(failed, runs / 2);
    free(base.findings);
}

Test(faults, every_allocation_failing_on_genuine_packages)
{
    const char *cab = real(REAL_CAB), *msu = real(REAL_MSU);
    if (!cab || !msu)
        cr_skip_test("real data absent (set MUM_REALDATA): %s, %s", REAL_CAB, REAL_MSU);
    alloc_sweep(cab, 0);
    alloc_sweep(msu, 300);
}

/* mum__grow_from: an empty array starts at `first` and doubles; a failed
 * allocation leaves the array and its capacity as they were. */
Test(faults, a_growable_array_starts_at_its_first_capacity)
{
    int *items = NULL;
    size_t cap = 0;
    cr_assert(mum__grow_from((void **)&items, &cap, 1, sizeof *items, 1));
    cr_assert_eq(cap, 1);
    items[0] = 7;
    cr_assert(mum__grow_from((void **)&items, &cap, 1, sizeof *items, 1), "already room");
    cr_assert_eq(cap, 1);
    cr_assert(mum__grow_from((void **)&items, &cap, 2, sizeof *items, 1));
    cr_assert_eq(cap, 2);
    cr_assert(mum__grow_from((void **)&items, &cap, 5, sizeof *items, 1));
    cr_assert_eq(cap, 8);
    cr_assert_eq(items[0], 7);
    mum__alloc_fail_at(1);
    cr_assert_not(mum__grow_from((void **)&items, &cap, 9, sizeof *items, 1));
    mum__alloc_fail_at(0);
    cr_assert_eq(cap, 8);
    cr_assert_eq(items[0], 7);
    mum__free(items);
    int *eight = NULL;
    size_t cap8 = 0;
    cr_assert(mum__grow((void **)&eight, &cap8, 1, sizeof *eight));
    cr_assert_eq(cap8, 8, "mum__grow starts at 8");
    mum__free(eight);
}
