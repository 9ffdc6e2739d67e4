/*
 * harness.h - what the two manifest benchmarks share, so they measure the
 * same thing: every regular file of a directory is read into memory first,
 * then parsed `rounds` times over; the fastest round counts (the least
 * disturbed by other work on the machine).  Time is the process's CPU time,
 * not wall time, so other jobs on a shared machine disturb it less.
 * Prints one line:
 *   NAME files=N bytes=B seconds=S mb_per_s=R
 */
#ifndef MUM_BENCH_HARNESS_H
#define MUM_BENCH_HARNESS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct bench_file {
    char *name;
    unsigned char *data;
    size_t size;
} bench_file;

static int bench_cmp(const void *a, const void *b)
{
    return strcmp(((const bench_file *)a)->name, ((const bench_file *)b)->name);
}

/* Reads every regular file of dir; exits on failure. */
static bench_file *bench_load(const char *dir, size_t *count, size_t *bytes)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(2);
    }
    bench_file *files = NULL;
    size_t n = 0, cap = 0, total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            files = realloc(files, cap * sizeof *files);
            if (!files)
                exit(2);
        }
        size_t fcap = 1 << 16, size = 0;
        unsigned char *data = malloc(fcap);
        size_t got;
        while (data && (got = fread(data + size, 1, fcap - size, f)) > 0) {
            size += got;
            if (size == fcap)
                data = realloc(data, fcap *= 2);
        }
        fclose(f);
        if (!data)
            exit(2);
        files[n].name = strdup(e->d_name);
        files[n].data = data;
        files[n].size = size;
        total += size;
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "%s: no files\n", dir);
        exit(2);
    }
    qsort(files, n, sizeof *files, bench_cmp);
    *count = n;
    *bytes = total;
    return files;
}

static double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs parse_all `rounds` times; prints the fastest round. */
static void bench_run(const char *label, const char *dir, int rounds,
                      void (*parse_all)(const bench_file *files, size_t n))
{
    size_t n, bytes;
    bench_file *files = bench_load(dir, &n, &bytes);
    double best = 1e30;
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_now();
        parse_all(files, n);
        double t = bench_now() - t0;
        if (t < best)
            best = t;
    }
    printf("%s files=%zu bytes=%zu seconds=%.6f mb_per_s=%.1f\n", label, n, bytes, best,
           (double)bytes / best / 1e6);
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

static int bench_rounds(int argc, char **argv)
{
    int r = argc > 2 ? atoi(argv[2]) : 5;
    return r > 0 ? r : 5;
}

#endif
