/*
 * fuzz_diff.c - two package graphs built from mutated inputs and compared.
 *
 * The input is two halves: a 16-bit little-endian length, that many bytes
 * for the old side, the rest for the new side.  A half that starts with
 * "MSCF" is written as a cabinet file, any other as the package manifest
 * update.mum of a folder; each side is built into a graph (one thread, so
 * the allocation failures replay.c injects land on the same allocations
 * every time) and the two are diffed, both ways, with every string of every
 * change read.  A graph compared with itself has no change.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Writes one half under dir; *input is what to build the graph from. */
static bool side(const char *dir, const char *name, const uint8_t *p, size_t n, char *input,
                 size_t cap)
{
    if (n >= 4 && memcmp(p, "MSCF", 4) == 0) {
        snprintf(input, cap, "%s/%s.cab", dir, name);
        return put(input, p, n);
    }
    snprintf(input, cap, "%s/%s", dir, name);
    if (mkdir(input, 0700) != 0)
        return false;
    char file[4200];
    snprintf(file, sizeof file, "%s/update.mum", input);
    return put(file, p, n);
}

static size_t sink;

static void read_str(const char *s)
{
    if (s)
        sink += strlen(s);
}

static void diff(mum_ctx *ctx, const mum_graph *a, const mum_graph *b, bool same)
{
    mum_diff_result *r = NULL;
    if (mum_diff_graphs(&r, ctx, a, b, NULL) != MUM_OK)
        return;
    size_t n = mum_diff_change_count(r);
    if (same && n != 0)
        abort(); /* a graph against itself */
    for (size_t i = 0; i < n; i++) {
        const mum_change *c = mum_diff_change(r, i);
        if (c->pair >= mum_diff_pair_count(r))
            abort();
        read_str(mum_change_kind_name(c->kind));
        read_str(c->subject);
        read_str(c->part);
        read_str(c->item);
        read_str(c->old_value);
        read_str(c->new_value);
        read_str(c->detail);
        read_str(c->old_entry);
        read_str(c->new_entry);
    }
    for (size_t i = 0; i < mum_diff_pair_count(r); i++) {
        const mum_diff_pair *p = mum_diff_pair_at(r, i);
        read_str(p->old_platform);
        read_str(p->new_platform);
    }
    mum_diff_result_free(r);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    MUM_UNUSED(st);
    MUM_UNUSED(flag);
    MUM_UNUSED(ftw);
    remove(path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > (1 << 20))
        return 0;
    size_t cut = (size_t)mum__le16(data);
    data += 2;
    size -= 2;
    if (cut > size)
        cut = size;
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/mum-fuzz-diff.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 0;
    char in[2][4200];
    mum_graph *g[2] = {NULL, NULL};
    mum_ctx *ctx = NULL;
    if (side(dir, "old", data, cut, in[0], sizeof in[0]) &&
        side(dir, "new", data + cut, size - cut, in[1], sizeof in[1]) && mum_ctx_new(&ctx) == MUM_OK) {
        mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
        o.walk_flags = MUM_WALK_SINGLE_THREAD;
        for (int i = 0; i < 2; i++) {
            mum_findings *f = NULL;
            const char *input = in[i];
            if (mum_findings_new(&f) == MUM_OK && mum_graph_build(&g[i], ctx, &input, 1, &o, f) != MUM_OK)
                g[i] = NULL;
            mum_findings_free(f);
        }
        if (g[0] && g[1]) {
            diff(ctx, g[0], g[1], false);
            diff(ctx, g[1], g[0], false);
        }
        if (g[0])
            diff(ctx, g[0], g[0], true);
    }
    mum_graph_free(g[0]);
    mum_graph_free(g[1]);
    mum_ctx_free(ctx);
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}
