/*
 * replay.c - runs a fuzz target over its committed corpus as a TAP test:
 * each input once normally, then once per allocation with that allocation
 * failing (bounded), so out-of-memory paths are exercised as well; then
 * the crashers saved under tests/fuzz/crashers/<name>/, if any (each one
 * committed with its fix).  With file arguments it replays just those (to
 * reproduce a crash).
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

/* Appends the files of folder dir (sorted) to *paths; false when it does
 * not exist. */
static bool add_folder(const char *dir, char ***paths, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    size_t first = *count;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = malloc(strlen(dir) + strlen(e->d_name) + 2);
        char **more = realloc(*paths, (*count + 1) * sizeof **paths);
        if (!path || !more) {
            free(path);
            break;
        }
        sprintf(path, "%s/%s", dir, e->d_name);
        *paths = more;
        (*paths)[(*count)++] = path;
    }
    closedir(d);
    qsort(*paths + first, *count - first, sizeof **paths, cmp_names);
    return true;
}

/* The name a test is reported under (after "<target>/"): the file's name,
 * with "crashers/" before it for a saved crasher. */
static const char *shown(const char *path)
{
    static char buf[512];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (!strstr(path, "/tests/fuzz/crashers/"))
        return name;
    snprintf(buf, sizeof buf, "crashers/%s", name);
    return buf;
}

int main(int argc, char **argv)
{
    char **files = NULL;
    size_t count = 0;
    bool owned = false;
    if (argc > 1) {
        files = argv + 1;
        count = (size_t)argc - 1;
    } else {
        /* the corpus, then the crashers 'make fuzz' saved (tests/fuzz/README.md) */
        const char *src = getenv("MUM_SRCDIR");
        char dir[4096];
        owned = true;
        snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_NAME);
        if (!add_folder(dir, &files, &count)) {
            printf("1..0 # SKIP no corpus at %s\n", dir);
            return 0;
        }
        snprintf(dir, sizeof dir, "%s/tests/fuzz/crashers/%s", src ? src : ".", FUZZ_NAME);
        add_folder(dir, &files, &count);
    }
    printf("1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        const char *path = files[i];
        size_t size;
        unsigned char *data = slurp(path, &size);
        if (!data) {
            printf("not ok %zu - %s/%s # cannot read\n", i + 1, FUZZ_NAME, shown(path));
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
               shown(path), size, sweep);
        fflush(stdout);
    }
    if (owned) {
        for (size_t i = 0; i < count; i++)
            free(files[i]);
        free(files);
    }
    return 0;
}
