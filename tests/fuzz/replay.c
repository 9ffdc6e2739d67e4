/*
 * replay.c - runs a fuzz target over its committed corpus as a TAP test:
 * each input once normally, then once per allocation with that allocation
 * failing (bounded), so out-of-memory paths are exercised as well.  With
 * file arguments it replays just those (to reproduce a crash).
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the corpus folder"
#endif

enum { REPLAY_MAX_SWEEP = 400, REPLAY_MAX_INPUT = 16 << 20 };

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(REPLAY_MAX_INPUT);
    size_t n = buf ? fread(buf, 1, REPLAY_MAX_INPUT, f) : 0;
    fclose(f);
    *size = n;
    return buf;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char **files = NULL;
    size_t count = 0;
    char dir[4096] = "";
    if (argc > 1) {
        files = argv + 1;
        count = (size_t)argc - 1;
    } else {
        const char *src = getenv("MUM_SRCDIR");
        snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_NAME);
        DIR *d = opendir(dir);
        if (!d) {
            printf("1..0 # SKIP no corpus at %s\n", dir);
            return 0;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            files = realloc(files, (count + 1) * sizeof *files);
            files[count++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(files, count, sizeof *files, cmp_names);
    }
    printf("1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        char path[8192];
        if (*dir)
            snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        else
            snprintf(path, sizeof path, "%s", files[i]);
        size_t size;
        unsigned char *data = slurp(path, &size);
        if (!data) {
            printf("not ok %zu - %s/%s # cannot read\n", i + 1, FUZZ_NAME, files[i]);
            continue;
        }
        mum__alloc_fail_at(0);
        LLVMFuzzerTestOneInput(data, size);
        unsigned long allocs = mum__alloc_fail_at(0);
        unsigned long sweep = allocs < REPLAY_MAX_SWEEP ? allocs : REPLAY_MAX_SWEEP;
        for (unsigned long n = 1; n <= sweep; n++) {
            mum__alloc_fail_at(n);
            LLVMFuzzerTestOneInput(data, size);
        }
        mum__alloc_fail_at(0);
        free(data);
        printf("ok %zu - %s/%s (%zu bytes, %lu allocation failures injected)\n", i + 1, FUZZ_NAME,
               files[i], size, sweep);
        fflush(stdout);
    }
    if (*dir) {
        for (size_t i = 0; i < count; i++)
            free(files[i]);
        free(files);
    }
    return 0;
}
