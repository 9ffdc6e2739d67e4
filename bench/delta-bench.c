/*
 * delta-bench - PA30 decode throughput against zlib inflate of the same
 * target, in one process, taking turns (make bench-delta, bench/delta.sh):
 *
 *   delta-bench NAME SOURCE DELTA TARGET [RUNS [BASELINE]]
 *
 * The target is deflated once at zlib's default level; then, RUNS times
 * (default 7), mum_delta_apply (default options: the header's hash, if
 * any, is checked) and inflate (uncompress) each rebuild it into a fresh
 * buffer, the one first in odd runs going second in even ones.  A small
 * target is rebuilt several times per run (about 50 MB of target a run),
 * so that a run is not a few milliseconds of a busy machine's noise.  Both
 * outputs are compared with TARGET once.  Prints one line per run and the
 * medians: MB/s of target (10^6 bytes per second of wall time) and the
 * ratio decode / inflate (the goal: at least 0.5).
 *
 * With BASELINE, a second delta of the same SOURCE and TARGET (the RAW
 * delta of a PE pair, bench/gen-delta.py --pe), it is decoded too in each
 * run, between the two others, and the median ratio DELTA / BASELINE is
 * reported: what DELTA's file type costs on top of the same body.
 */
#include "config.h"

#include <mum/mum.h>
#include <mum/delta.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0, got;
    unsigned char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    fclose(f);
    *size = n;
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Seconds per decode (reps of them), or a negative number on failure. */
static double time_decode(mum_ctx *ctx, const unsigned char *src, size_t src_size,
                          const unsigned char *delta, size_t delta_size,
                          const unsigned char *want, size_t want_size, int check, int reps)
{
    double t0 = now();
    for (int i = 0; i < reps; i++) {
        uint8_t *out = NULL;
        size_t out_size = 0;
        int rc = mum_delta_apply(&out, &out_size, ctx, src_size ? src : NULL, src_size, delta,
                                 delta_size, NULL);
        if (rc != MUM_OK) {
            fprintf(stderr, "delta-bench: %s\n", mum_ctx_message(ctx));
            return -1;
        }
        if (check && (out_size != want_size || memcmp(out, want, want_size) != 0)) {
            fprintf(stderr, "delta-bench: the decoded target differs from TARGET\n");
            mum_free(out);
            return -1;
        }
        mum_free(out);
    }
    return (now() - t0) / reps;
}

static double time_inflate(const unsigned char *z, size_t z_size, const unsigned char *want,
                           size_t want_size, int check, int reps)
{
    double t0 = now();
    for (int i = 0; i < reps; i++) {
        unsigned char *out = malloc(want_size ? want_size : 1);
        uLongf n = (uLongf)want_size;
        int rc = out ? uncompress(out, &n, z, (uLong)z_size) : Z_MEM_ERROR;
        if (rc != Z_OK || n != want_size || (check && memcmp(out, want, want_size) != 0)) {
            fprintf(stderr, "delta-bench: inflate failed (%d)\n", rc);
            free(out);
            return -1;
        }
        free(out);
    }
    return (now() - t0) / reps;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7) {
        fprintf(stderr, "usage: delta-bench NAME SOURCE DELTA TARGET [RUNS [BASELINE]]\n");
        return 2;
    }
    int runs = argc >= 6 ? atoi(argv[5]) : 7;
    if (runs < 1 || runs > 1000)
        runs = 7;
    size_t src_size, delta_size, tgt_size;
    unsigned char *src = slurp(argv[2], &src_size);
    unsigned char *delta = slurp(argv[3], &delta_size);
    unsigned char *tgt = slurp(argv[4], &tgt_size);
    size_t base_size = 0;
    unsigned char *base = argc == 7 ? slurp(argv[6], &base_size) : NULL;
    if (!src || !delta || !tgt || (argc == 7 && !base)) {
        fprintf(stderr, "delta-bench: cannot read the inputs\n");
        return 2;
    }
    uLongf z_size = compressBound((uLong)tgt_size);
    unsigned char *z = malloc(z_size);
    if (!z || compress2(z, &z_size, tgt, (uLong)tgt_size, Z_DEFAULT_COMPRESSION) != Z_OK) {
        fprintf(stderr, "delta-bench: deflate failed\n");
        return 2;
    }
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 2;
    double *dec = calloc((size_t)runs, sizeof *dec), *inf = calloc((size_t)runs, sizeof *inf);
    double *ratio = calloc((size_t)runs, sizeof *ratio);
    double *bdec = calloc((size_t)runs, sizeof *bdec), *bratio = calloc((size_t)runs, sizeof *bratio);
    if (!dec || !inf || !ratio || !bdec || !bratio)
        return 2;
    double mb = tgt_size / 1e6;
    int reps = tgt_size ? (int)(50e6 / tgt_size) : 1;
    if (reps < 1)
        reps = 1;
    printf("%s: target %zu bytes, delta %zu bytes, deflated %lu bytes (level %d); "
           "%d runs of %d decodes\n",
           argv[1], tgt_size, delta_size, (unsigned long)z_size, Z_DEFAULT_COMPRESSION, runs, reps);
    printf("  run  decode MB/s  inflate MB/s  ratio%s\n",
           base ? "  baseline MB/s  vs baseline" : "");
    for (int r = 0; r < runs; r++) {
        double td, ti, tb = 1;
        int check = r == 0;
        if (r % 2 == 0) {
            td = time_decode(ctx, src, src_size, delta, delta_size, tgt, tgt_size, check, reps);
            if (base)
                tb = time_decode(ctx, src, src_size, base, base_size, tgt, tgt_size, check, reps);
            ti = time_inflate(z, z_size, tgt, tgt_size, check, reps);
        } else {
            ti = time_inflate(z, z_size, tgt, tgt_size, check, reps);
            if (base)
                tb = time_decode(ctx, src, src_size, base, base_size, tgt, tgt_size, check, reps);
            td = time_decode(ctx, src, src_size, delta, delta_size, tgt, tgt_size, check, reps);
        }
        if (td <= 0 || ti <= 0 || tb <= 0)
            return 1;
        dec[r] = mb / td;
        inf[r] = mb / ti;
        ratio[r] = dec[r] / inf[r];
        bdec[r] = mb / tb;
        bratio[r] = dec[r] / bdec[r];
        if (base)
            printf("  %3d  %11.1f  %12.1f  %5.2f  %13.1f  %11.2f\n", r + 1, dec[r], inf[r],
                   ratio[r], bdec[r], bratio[r]);
        else
            printf("  %3d  %11.1f  %12.1f  %5.2f\n", r + 1, dec[r], inf[r], ratio[r]);
    }
    double md = median(dec, runs), mi = median(inf, runs), mr = median(ratio, runs);
    printf("%s: median decode %.1f MB/s, inflate %.1f MB/s: ratio %.2f (median of the runs' "
           "ratios %.2f; goal >= 0.50)\n",
           argv[1], md, mi, md / mi, mr);
    if (base) {
        double mbd = median(bdec, runs), mbr = median(bratio, runs);
        const char *bname = strrchr(argv[6], '/') ? strrchr(argv[6], '/') + 1 : argv[6];
        printf("%s: median decode %.1f MB/s, baseline %s %.1f MB/s: ratio %.2f (median of the "
               "runs' ratios %.2f)\n",
               argv[1], md, bname, mbd, md / mbd, mbr);
    }
    free(bdec);
    free(bratio);
    free(base);
    free(dec);
    free(inf);
    free(ratio);
    free(z);
    free(src);
    free(delta);
    free(tgt);
    mum_ctx_free(ctx);
    return 0;
}
