/*
 * express_rebuild.c - rebuilds the files of an express cabinet from the
 * cabinet alone: a RAW source is the file; a PA30 source is a delta applied
 * to nothing, or to its basis file (itself perhaps a delta: the chain is
 * followed without recursion).  Each file is rebuilt once; a rebuilt basis
 * is kept only while a file still to rebuild needs it.
 *
 * Files whose chains share no unbuilt link may be rebuilt on several
 * threads at once (once every link more than one chain runs through is
 * built: mum__express_rebuild_stages): each then touches only its own
 * chain's entries, but for the user counts of the shared bases, which
 * the lock guards.
 */
#include "config.h"

#include "express_internal.h"
#include "internal.h"

#include <mum/delta.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ST_NEW = 0, ST_BUILT, ST_FAILED };

struct mum__express_rebuilder {
    const mum_express_index *idx;
    const mum_express_blob *blobs;
    size_t nblobs;
    const uint8_t *const *bytes; /* per blob */
    mum_ctx *ctx;
    unsigned char *state;
    uint8_t **data;              /* ST_BUILT: the file (owned unless borrowed) */
    size_t *size;
    bool *borrowed;
    size_t *users;               /* wanted ones + files still to build on it */
    mum__express_outcome *fail;  /* ST_FAILED: why */
    bool *inherited;             /* failed because its basis did (why is the basis's) */
    char **why;
    pthread_mutex_t lock;        /* users, and data once a count falls to 0 */
    bool has_lock;
};

static void release(mum__express_rebuilder *r, size_t j)
{
    if (j == MUM_EXPRESS_NONE)
        return;
    pthread_mutex_lock(&r->lock);
    if (r->users[j] > 0 && --r->users[j] == 0 && r->state[j] == ST_BUILT) {
        if (!r->borrowed[j])
            mum__free(r->data[j]);
        r->data[j] = NULL;
    }
    pthread_mutex_unlock(&r->lock);
}

int mum__express_rebuilder_new(mum__express_rebuilder **out, mum_ctx *ctx, const mum_express_index *idx,
                               const mum_express_blob *blobs, size_t nblobs,
                               const uint8_t *const *bytes, const bool *wanted)
{
    size_t n = idx->count ? idx->count : 1;
    mum__express_rebuilder *r = mum__calloc(1, sizeof *r);
    if (!r)
        return MUM_ENOMEM;
    r->idx = idx;
    r->blobs = blobs;
    r->nblobs = nblobs;
    r->bytes = bytes;
    r->ctx = ctx;
    r->state = mum__calloc(n, 1);
    r->data = mum__calloc(n, sizeof *r->data);
    r->size = mum__calloc(n, sizeof *r->size);
    r->borrowed = mum__calloc(n, sizeof *r->borrowed);
    r->users = mum__calloc(n, sizeof *r->users);
    r->fail = mum__calloc(n, sizeof *r->fail);
    r->inherited = mum__calloc(n, sizeof *r->inherited);
    r->why = mum__calloc(n, sizeof *r->why);
    if (!r->state || !r->data || !r->size || !r->borrowed || !r->users || !r->fail || !r->inherited ||
        !r->why || pthread_mutex_init(&r->lock, NULL) != 0) {
        mum__express_rebuilder_free(r);
        return MUM_ENOMEM;
    }
    r->has_lock = true;
    /* who needs whom: each wanted file, and each file needed counts once
     * as a user of its basis (a loop ends where a file is met again) */
    bool *needed = mum__calloc(n, sizeof *needed);
    if (!needed) {
        mum__express_rebuilder_free(r);
        return MUM_ENOMEM;
    }
    for (size_t i = 0; i < idx->count; i++) {
        if (!wanted[i])
            continue;
        r->users[i]++;
        for (size_t j = i; !needed[j] && idx->files[j].basis != MUM_EXPRESS_NONE; j = idx->files[j].basis) {
            needed[j] = true;
            r->users[idx->files[j].basis]++;
        }
    }
    mum__free(needed);
    *out = r;
    return MUM_OK;
}

void mum__express_rebuilder_free(mum__express_rebuilder *r)
{
    if (!r)
        return;
    /* after a failed allocation in _new, data may be there without borrowed
     * (and then holds nothing) */
    for (size_t i = 0; r->data && r->borrowed && i < r->idx->count; i++)
        if (!r->borrowed[i])
            mum__free(r->data[i]);
    for (size_t i = 0; r->why && i < r->idx->count; i++)
        mum__free(r->why[i]);
    mum__free(r->state);
    mum__free(r->data);
    mum__free(r->size);
    mum__free(r->borrowed);
    mum__free(r->users);
    mum__free(r->fail);
    mum__free(r->inherited);
    mum__free(r->why);
    if (r->has_lock)
        pthread_mutex_destroy(&r->lock);
    mum__free(r);
}

char *mum__express_chain(const mum_express_index *idx, size_t i)
{
    bool *seen = mum__calloc(idx->count ? idx->count : 1, sizeof *seen);
    if (!seen)
        return NULL;
    mum_sbuf s = {0};
    const mum_express_file *f = &idx->files[i];
    seen[i] = true;
    mum__sbuf_printf(&s, "%s", f->name);
    for (;;) {
        if (f->source_name)
            mum__sbuf_printf(&s, " <- %s (%s)", f->source_name, f->source_type_text);
        if (!f->basis_id)
            break;
        mum__sbuf_printf(&s, " <- basis %s", f->basis_id);
        if (f->basis == MUM_EXPRESS_NONE) {
            mum__sbuf_printf(&s, " (not in the index)");
            break;
        }
        if (seen[f->basis]) { /* the file the loop closes on was written already */
            mum__sbuf_printf(&s, " (a loop)");
            break;
        }
        seen[f->basis] = true;
        f = &idx->files[f->basis];
    }
    mum__free(seen);
    if (s.failed) {
        mum__sbuf_free(&s);
        return NULL;
    }
    return s.data;
}

static int fail(mum__express_rebuilder *r, size_t j, mum__express_outcome kind, const char *fmt, ...)
    MUM_PRINTF(4, 5);

static int fail(mum__express_rebuilder *r, size_t j, mum__express_outcome kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *why = mum__vasprintf(fmt, ap);
    va_end(ap);
    if (!why)
        return MUM_ENOMEM;
    mum__free(r->why[j]); /* a loop's members are met more than once */
    r->state[j] = ST_FAILED;
    r->fail[j] = kind;
    r->why[j] = why;
    return MUM_OK;
}

/* Builds file j, whose basis (if it needs one) is built or failed. */
static int build_one(mum__express_rebuilder *r, mum_ctx *ctx, size_t j)
{
    const mum_express_file *f = &r->idx->files[j];
    size_t b = f->basis;
    const uint8_t *src = NULL;
    size_t src_size = 0;
    if (b != MUM_EXPRESS_NONE) {
        if (r->state[b] == ST_FAILED) {
            /* the reason where the chain broke, once, not nested per hop */
            mum__express_outcome kind = r->fail[b] == MUM__EXPRESS_UNSUPPORTED ||
                                                r->fail[b] == MUM__EXPRESS_NOT_KEPT ||
                                                r->fail[b] == MUM__EXPRESS_BROKEN
                                            ? r->fail[b]
                                            : MUM__EXPRESS_BASIS_FAILED;
            int rc = r->inherited[b] ? fail(r, j, kind, "%s", r->why[b])
                                     : fail(r, j, kind, "basis %s: %s", r->idx->files[b].id, r->why[b]);
            r->inherited[j] = true;
            return rc;
        }
        src = r->data[b];
        src_size = r->size[b];
    }
    if (!f->source_name) {
        if (b == MUM_EXPRESS_NONE)
            return fail(r, j, MUM__EXPRESS_BROKEN, "neither a source nor a basis");
        r->data[j] = (uint8_t *)src; /* a copy of its basis */
        r->size[j] = src_size;
        r->borrowed[j] = true;
        r->state[j] = ST_BUILT;
        return MUM_OK;
    }
    if (f->blob == MUM_EXPRESS_NONE || f->blob >= r->nblobs)
        return fail(r, j, MUM__EXPRESS_BROKEN, "its source %s is not in the cabinet", f->source_name);
    const uint8_t *blob = r->bytes[f->blob];
    size_t blob_size = (size_t)r->blobs[f->blob].size;
    if (!blob && blob_size)
        return fail(r, j, MUM__EXPRESS_NOT_KEPT,
                    "its source %s was not kept while the cabinet was read (only what follows the "
                    "index or is named as blobs are, up to %d MiB a cabinet)",
                    f->source_name, MUM__EXPRESS_KEPT_MAX >> 20);
    if (f->source_type == MUM_EXPRESS_SOURCE_RAW) {
        if (b != MUM_EXPRESS_NONE)
            release(r, b);
        r->data[j] = (uint8_t *)blob;
        r->size[j] = blob_size;
        r->borrowed[j] = true;
        r->state[j] = ST_BUILT;
        return MUM_OK;
    }
    if (f->source_type != MUM_EXPRESS_SOURCE_PA30)
        return fail(r, j, MUM__EXPRESS_UNSUPPORTED, "a source of type %s, which libmum does not decode",
                    f->source_type_text);
    uint8_t *out = NULL;
    size_t out_size = 0;
    int rc = mum_delta_apply(&out, &out_size, ctx, src, src_size, blob ? blob : (const uint8_t *)"",
                             blob_size, NULL);
    if (b != MUM_EXPRESS_NONE)
        release(r, b);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        rc = fail(r, j, rc == MUM_EUNSUPPORTED ? MUM__EXPRESS_UNSUPPORTED : MUM__EXPRESS_DECODE,
                  "%s", mum_ctx_reason(ctx));
        mum_ctx_clear(ctx);
        return rc;
    }
    r->data[j] = out;
    r->size[j] = out_size;
    r->state[j] = ST_BUILT;
    return MUM_OK;
}

/* The rebuilt file against the index's length and hash. */
static int check_built(mum__express_rebuilder *r, size_t i)
{
    const mum_express_file *f = &r->idx->files[i];
    if (r->size[i] != f->length)
        return fail(r, i, MUM__EXPRESS_MISMATCH, "the rebuilt file has %zu bytes, the index says %" PRIu64,
                    r->size[i], f->length);
    if (f->hash.alg == MUM_HASH_NONE || !f->hash.size)
        return MUM_OK;
    uint8_t got[MUM_HASH_MAX_SIZE];
    int rc = mum_hash_buffer(got, f->hash.alg, r->data[i] ? (const void *)r->data[i] : "", r->size[i]);
    if (rc != MUM_OK)
        return rc;
    if (memcmp(got, f->hash.value, f->hash.size) == 0)
        return MUM_OK;
    char want[2 * MUM_HASH_MAX_SIZE + 1], have[2 * MUM_HASH_MAX_SIZE + 1];
    mum_hex_encode(want, f->hash.value, f->hash.size);
    mum_hex_encode(have, got, f->hash.size);
    return fail(r, i, MUM__EXPRESS_MISMATCH, "the rebuilt file's %s is %s, the index says %s",
                mum_hash_name(f->hash.alg), have, want);
}

bool mum__express_rebuilt_sha1(const mum__express_rebuilder *r, size_t i, uint8_t sha1[20])
{
    const mum_express_file *f = &r->idx->files[i];
    if (r->state[i] != ST_BUILT || f->hash.alg != MUM_HASH_SHA1 || f->hash.size != 20)
        return false;
    memcpy(sha1, f->hash.value, 20);
    return true;
}

int mum__express_rebuild(mum__express_rebuilder *r, size_t i, const uint8_t **out, size_t *out_size,
                         mum__express_outcome *outcome, const char **why)
{
    return mum__express_rebuild_in(r, r->ctx, i, out, out_size, outcome, why);
}

int mum__express_rebuild_in(mum__express_rebuilder *r, mum_ctx *ctx, size_t i, const uint8_t **out,
                            size_t *out_size, mum__express_outcome *outcome, const char **why)
{
    const mum_express_index *idx = r->idx;
    /* down the chain to a file built, failed, or with no basis */
    size_t *stack = mum__calloc(idx->count ? idx->count : 1, sizeof *stack);
    if (!stack)
        return MUM_ENOMEM;
    size_t top = 0, j = i;
    int rc = MUM_OK;
    bool loop = false;
    while (r->state[j] == ST_NEW) {
        if (top == idx->count) {
            loop = true;
            break;
        }
        stack[top++] = j;
        if (idx->files[j].basis == MUM_EXPRESS_NONE) {
            if (idx->files[j].basis_id) { /* named, not in the index */
                rc = fail(r, j, MUM__EXPRESS_BROKEN, "its basis %s is not in the index",
                          idx->files[j].basis_id);
                top--;
            }
            break;
        }
        j = idx->files[j].basis;
    }
    if (loop) {
        for (size_t k = 0; k < top && rc == MUM_OK; k++)
            if (r->state[stack[k]] == ST_NEW)
                rc = fail(r, stack[k], MUM__EXPRESS_BROKEN, "its basis references form a loop");
    } else {
        while (top && rc == MUM_OK) {
            /* each link checked against the index before it is built on */
            j = stack[--top];
            rc = build_one(r, ctx, j);
            if (rc == MUM_OK && r->state[j] == ST_BUILT)
                rc = check_built(r, j);
        }
    }
    mum__free(stack);
    if (rc != MUM_OK)
        return rc;
    *outcome = r->state[i] == ST_BUILT ? MUM__EXPRESS_REBUILT : r->fail[i];
    *why = r->why[i];
    *out = r->state[i] == ST_BUILT ? r->data[i] : NULL;
    *out_size = r->state[i] == ST_BUILT ? r->size[i] : 0;
    return MUM_OK;
}

int mum__express_rebuild_stages(mum__express_rebuilder *r, bool *parallel, size_t *stage, size_t *nstages)
{
    const mum_express_index *idx = r->idx;
    *parallel = false;
    *nstages = 0;
    /* a loop: its members' reasons depend on which file meets it first, so
     * the caller keeps the one order (0 not seen, 1 on this walk, 2 done) */
    unsigned char *seen = mum__calloc(idx->count ? idx->count : 1, 1);
    if (!seen)
        return MUM_ENOMEM;
    bool loop = false;
    for (size_t i = 0; i < idx->count && !loop; i++) {
        size_t j = i;
        while (j != MUM_EXPRESS_NONE && seen[j] == 0) {
            seen[j] = 1;
            j = idx->files[j].basis;
        }
        loop = j != MUM_EXPRESS_NONE && seen[j] == 1;
        for (j = i; j != MUM_EXPRESS_NONE && seen[j] == 1; j = idx->files[j].basis)
            seen[j] = 2;
    }
    mum__free(seen);
    if (loop)
        return MUM_OK;
    /* without loops each file's outcome is its chain's alone, whatever the
     * order; a link more than one chain runs through is built before them,
     * after those shared below it: its stage is how many are */
    size_t *stack = mum__calloc(idx->count ? idx->count : 1, sizeof *stack);
    if (!stack)
        return MUM_ENOMEM;
    for (size_t i = 0; i < idx->count; i++)
        stage[i] = r->users[i] >= 2 && r->state[i] == ST_NEW ? SIZE_MAX - 1 : SIZE_MAX;
    *nstages = 0;
    for (size_t i = 0; i < idx->count; i++) {
        if (stage[i] != SIZE_MAX - 1)
            continue;
        size_t top = 0, base = 0; /* the stage of the first one below known */
        for (size_t j = i; j != MUM_EXPRESS_NONE; j = idx->files[j].basis) {
            if (stage[j] == SIZE_MAX - 1)
                stack[top++] = j;
            else if (stage[j] != SIZE_MAX) {
                base = stage[j] + 1;
                break;
            }
        }
        while (top) {
            stage[stack[--top]] = base++;
            if (base > *nstages)
                *nstages = base;
        }
    }
    mum__free(stack);
    *parallel = true;
    return MUM_OK;
}

void mum__express_rebuild_done(mum__express_rebuilder *r, size_t i)
{
    release(r, i);
}
