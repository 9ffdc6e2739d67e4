/*
 * fuzz_extract.c - 'mumtool extract' (src/cli/cmd_extract.c, linked in) on
 * arbitrary bytes, written into a fresh folder that is removed afterwards.
 *
 * Each input gets a sandbox: the input as in.cab, the output folder out/
 * and a folder trap/ that out/ holds symbolic links into (out/dir,
 * out/sub, out/a.txt: names the seed cabinets use).  After the extraction
 * nothing may have been written outside out/: the sandbox holds exactly
 * in.cab (unchanged), out and an empty trap, the links made point where
 * they did (unless a file took their place), and out/ holds no other link.  A violation aborts.  Bit 0 of the
 * size turns --force on, bit 1 --no-descend.
 */
#include "config.h"

#include "fuzz.h"

#include "cli.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const links[][2] = {
    {"dir", "../trap"},
    {"sub", "../trap"},
    {"a.txt", "../trap/a.txt"},
};

static char sandbox[4096];
static size_t other_links;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_extract: %s (sandbox %s)\n", what, sandbox);
    abort();
}

static int look(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    if (flag == FTW_SL) {
        const char *name = path + ftw->base;
        bool made = ftw->level == 1;
        if (made) {
            made = false;
            for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
                made = made || strcmp(name, links[i][0]) == 0;
        }
        if (!made)
            other_links++;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static size_t count_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        fail("a folder of the sandbox is gone");
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void check(const uint8_t *data, size_t size)
{
    char p[4200];
    if (count_entries(sandbox) != 3)
        fail("something was written beside the output folder");
    snprintf(p, sizeof p, "%s/trap", sandbox);
    if (count_entries(p) != 0)
        fail("something was written through a symbolic link");
    /* a link may have been replaced by a file of the cabinet (--force
     * replacing by rename does that), never pointed elsewhere */
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char target[64];
        snprintf(p, sizeof p, "%s/out/%s", sandbox, links[i][0]);
        ssize_t n = readlink(p, target, sizeof target - 1);
        if (n >= 0 && (target[n] = '\0', strcmp(target, links[i][1]) != 0))
            fail("a symbolic link of the output folder was changed");
    }
    other_links = 0;
    snprintf(p, sizeof p, "%s/out", sandbox);
    nftw(p, look, 16, FTW_PHYS);
    if (other_links)
        fail("extract made a symbolic link");
    snprintf(p, sizeof p, "%s/in.cab", sandbox);
    FILE *f = fopen(p, "rb");
    if (!f)
        fail("the input is gone");
    uint8_t *back = malloc(size + 1);
    size_t got = back ? fread(back, 1, size + 1, f) : 0;
    fclose(f);
    if (back && (got != size || (size && memcmp(back, data, size) != 0)))
        fail("the input was changed");
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(sandbox, sizeof sandbox, "%s/mum-fuzz-extract.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(sandbox))
        return 0;
    char in[4200], out[4200], trap[4200];
    snprintf(in, sizeof in, "%s/in.cab", sandbox);
    snprintf(out, sizeof out, "%s/out", sandbox);
    snprintf(trap, sizeof trap, "%s/trap", sandbox);
    FILE *f = fopen(in, "wb");
    bool ready = f && fwrite(data, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ready = false;
    ready = ready && mkdir(out, 0700) == 0 && mkdir(trap, 0700) == 0;
    for (size_t i = 0; ready && i < sizeof links / sizeof links[0]; i++) {
        char l[4300];
        snprintf(l, sizeof l, "%s/%s", out, links[i][0]);
        ready = symlink(links[i][1], l) == 0;
    }
    if (ready) {
        char *argv[8];
        int argc = 0;
        argv[argc++] = (char *)"extract";
        argv[argc++] = in;
        argv[argc++] = (char *)"-C";
        argv[argc++] = out;
        if (size & 1)
            argv[argc++] = (char *)"--force";
        if (size & 2)
            argv[argc++] = (char *)"--no-descend";
        argv[argc] = NULL;
        cmd_extract(argc, argv);
        check(data, size);
    }
    nftw(sandbox, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
