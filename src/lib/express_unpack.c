/*
 * express_unpack.c - the files of a walk's express cabinets, rebuilt from
 * the cabinet alone (mum/express.h: the unpacker).
 *
 * Each open cabinet keeps, while it is read, what rebuilding its files
 * needs: its index, the blobs the index names as delta (or renamed RAW)
 * sources, and the stored files other files are built on; the rest passes
 * to the caller untouched.  At the cabinet's end the index is resolved
 * against every entry seen (express.c) and its files are rebuilt one at a
 * time in the index's order (express_rebuild.c), each checked against the
 * index's length and hash, so that at most one rebuilt file and the bases
 * still needed are in memory beside the kept blobs.
 */
#include "config.h"

#include "express_internal.h"
#include "internal.h"

#include <mum/express.h>

#include <stdint.h>
#include <string.h>

enum {
    MAX_OPEN = 16,              /* nested cabinets followed */
    MAX_INDEX = 64 << 20        /* as the collector and payload.c read */
};

/* What the index makes of an entry's name. */
enum { SRC_HOLD = 1, SRC_OWN = 2, SRC_BASIS = 4 };

typedef struct item {
    char *name;                 /* as in the cabinet */
    uint64_t size;
    bool has_mtime;
    int64_t mtime;
    bool has_digests;
    mum_file_digests digests;
    uint8_t head[MUM_PA30_HEADER_MAX];
    size_t head_size;
    uint8_t *bytes;             /* kept: the whole entry */
    size_t len, cap;
    bool keep, held, lost;      /* lost: held, but its bytes could not be kept */
} item;

typedef struct xcab {
    uint32_t depth;             /* of its entries */
    char *prefix;               /* "" or "X.cab!": what the walk puts before its entries' names */
    item *items;
    size_t n, cap;
    size_t kept;                /* bytes reserved for kept entries */
    bool has_index, parsed;
    size_t index_item;
    mum_sbuf index;
    bool index_over;
    char *index_error;          /* why the index cannot be read (owned) */
    mum_express_index idx;
    mum_strmap sources;         /* folded source name -> 1 + its slot in flags */
    unsigned char *flags;
    size_t nflags;
    /* after its end */
    bool ended;
    mum_express_blob *blobs;
    const uint8_t **bytes;
    bool *wanted, *used;
    mum__express_rebuilder *r;
    size_t next_file, next_item, prev_file;
    bool error_given;
} xcab;

struct mum_express_unpacker {
    char *input;
    mum_ctx *ctx;               /* the rebuilder's (delta messages) */
    xcab cabs[MAX_OPEN];
    int top;                    /* cabs[0..top) are open */
    xcab *cur_cab;              /* the current file's cabinet, NULL: not followed */
    item *cur;
    bool cur_index;
    mum_express_output out;
    char *out_path, *out_why;
};

static void cab_clear(xcab *c)
{
    mum__express_rebuilder_free(c->r); /* first: it reads the index */
    for (size_t i = 0; i < c->n; i++) {
        mum__free(c->items[i].name);
        mum__free(c->items[i].bytes);
    }
    mum__free(c->items);
    mum__free(c->prefix);
    mum__sbuf_free(&c->index);
    mum__free(c->index_error);
    mum_express_index_clear(&c->idx);
    mum__strmap_free(&c->sources);
    mum__free(c->flags);
    mum__free(c->blobs);
    mum__free(c->bytes);
    mum__free(c->wanted);
    mum__free(c->used);
    memset(c, 0, sizeof *c);
}

int mum_express_unpacker_new(mum_express_unpacker **out, const char *input)
{
    if (!out || !input)
        return MUM_EINVAL;
    *out = NULL;
    mum_express_unpacker *u = mum__calloc(1, sizeof *u);
    if (!u)
        return MUM_ENOMEM;
    if (!(u->input = mum__strdup(input)) || mum_ctx_new(&u->ctx) != MUM_OK) {
        mum_express_unpacker_free(u);
        return MUM_ENOMEM;
    }
    *out = u;
    return MUM_OK;
}

void mum_express_unpacker_free(mum_express_unpacker *u)
{
    if (!u)
        return;
    for (int i = 0; i < u->top; i++)
        cab_clear(&u->cabs[i]);
    mum_ctx_free(u->ctx);
    mum__free(u->input);
    mum__free(u->out_path);
    mum__free(u->out_why);
    mum__free(u);
}

/* The entry's name inside its container has no folder. */
static bool at_top(const mum_entry *e)
{
    return e->name && !strchr(e->name, '/') && !strchr(e->name, '\\');
}

bool mum_express_unpacker_wants(const mum_entry *e)
{
    return e && e->kind == MUM_ENTRY_FILE && at_top(e);
}

static bool is_index(const char *name)
{
    return mum__ascii_strcasecmp(name, MUM_EXPRESS_INDEX_NAME) == 0;
}

/* What the blobs of express cabinets are named ("0", "17"): held until
 * the cabinet shows whether it has an index. */
static bool blob_like(const mum_entry *e)
{
    return at_top(e) && *e->name && !strchr(e->name, '.');
}

static unsigned source_flags(const xcab *c, const char *name)
{
    if (!c->parsed)
        return 0;
    char *key = mum__express_name_key(name);
    void *v = key ? mum__strmap_get(&c->sources, key) : NULL;
    mum__free(key);
    return v ? c->flags[(uintptr_t)v - 1] : 0;
}

/* Marks what the index makes of the name of a file's source. */
static int mark_source(xcab *c, const char *name, unsigned flag)
{
    char *key = mum__express_name_key(name);
    if (!key)
        return MUM_ENOMEM;
    void *there = mum__strmap_get(&c->sources, key);
    if (there) {
        mum__free(key);
        c->flags[(uintptr_t)there - 1] |= (unsigned char)flag;
        return MUM_OK;
    }
    c->flags[c->nflags] = (unsigned char)flag;
    if (mum__strmap_put(&c->sources, key, (void *)(uintptr_t)(c->nflags + 1), NULL) != MUM_OK)
        return MUM_ENOMEM;
    c->nflags++;
    return MUM_OK;
}

/* The index is complete: parsed, and the entries still to come sorted out. */
static int index_read(mum_express_unpacker *u, xcab *c, const mum_entry *e)
{
    if (c->index_over) {
        c->index_error = mum__asprintf("%s!%s: the express index is larger than %d MiB", u->input, e->path,
                                       MAX_INDEX >> 20);
        return c->index_error ? MUM_OK : MUM_ENOMEM;
    }
    mum_location loc = {.input = u->input, .entry = e->path};
    int rc = mum_express_index_parse(&c->idx, u->ctx, &loc, c->index.data ? c->index.data : "", c->index.len);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK) {
        c->index_error = mum__strdup(mum_ctx_message(u->ctx));
        mum_ctx_clear(u->ctx);
        return c->index_error ? MUM_OK : MUM_ENOMEM;
    }
    /* the bases, found by id (no blob yet: resolved again at the end) */
    rc = mum__express_resolve(&c->idx, NULL, 0);
    if (rc == MUM_OK && !(c->flags = mum__calloc(c->idx.count ? c->idx.count : 1, 1)))
        rc = MUM_ENOMEM;
    for (size_t i = 0; i < c->idx.count && rc == MUM_OK; i++) {
        const mum_express_file *f = &c->idx.files[i];
        if (f->source_name)
            rc = mark_source(c, f->source_name,
                             f->source_type == MUM_EXPRESS_SOURCE_RAW && mum__path_equal(f->source_name, f->name)
                                 ? SRC_OWN
                                 : SRC_HOLD);
    }
    for (size_t i = 0; i < c->idx.count && rc == MUM_OK; i++) {
        size_t b = c->idx.files[i].basis;
        if (b != MUM_EXPRESS_NONE && c->idx.files[b].source_name)
            rc = mark_source(c, c->idx.files[b].source_name, SRC_BASIS);
    }
    c->parsed = rc == MUM_OK;
    return rc;
}

static int file_entry(mum_express_unpacker *u, xcab *c, const mum_entry *e, mum_express_take *take)
{
    if (!mum__grow((void **)&c->items, &c->cap, c->n + 1, sizeof *c->items))
        return MUM_ENOMEM;
    item *it = &c->items[c->n];
    memset(it, 0, sizeof *it);
    if (!(it->name = mum__strdup(e->name)))
        return MUM_ENOMEM;
    c->n++;
    it->size = e->size;
    it->has_mtime = e->has_mtime;
    it->mtime = e->mtime;
    u->cur_cab = c;
    u->cur = it;
    u->cur_index = false;
    if (!c->has_index && at_top(e) && is_index(e->name)) {
        c->has_index = true;
        c->index_item = c->n - 1;
        u->cur_index = it->held = true;
    } else if (c->parsed) {
        unsigned fl = source_flags(c, e->name);
        it->held = it->keep = (fl & SRC_HOLD) != 0;
        it->keep = it->keep || ((fl & SRC_OWN) && (fl & SRC_BASIS));
    } else if (!c->has_index && blob_like(e)) {
        it->held = it->keep = true;
    }
    if (it->keep && e->size > MUM__EXPRESS_KEPT_MAX - c->kept) {
        /* past the bound: written as stored; what is built on it fails */
        it->keep = it->held = false;
    }
    if (it->keep)
        c->kept += (size_t)e->size;
    *take = it->held ? MUM_EXPRESS_HOLD : MUM_EXPRESS_PASS;
    return MUM_OK;
}

/* Everything the end needs to give the cabinet's files. */
static int cab_end(mum_express_unpacker *u, xcab *c)
{
    c->ended = true;
    c->prev_file = MUM_EXPRESS_NONE;
    size_t n = c->n ? c->n : 1, nf = c->idx.count ? c->idx.count : 1;
    if (!(c->used = mum__calloc(n, sizeof *c->used)))
        return MUM_ENOMEM;
    if (!c->parsed)
        return MUM_OK;
    c->blobs = mum__calloc(n, sizeof *c->blobs);
    c->bytes = mum__calloc(n, sizeof *c->bytes);
    c->wanted = mum__calloc(nf, sizeof *c->wanted);
    if (!c->blobs || !c->bytes || !c->wanted)
        return MUM_ENOMEM;
    for (size_t k = 0; k < c->n; k++) {
        const item *it = &c->items[k];
        mum_express_blob *b = &c->blobs[k];
        b->name = it->name;
        b->size = it->size;
        if (it->has_digests) {
            memcpy(b->sha1, it->digests.sha1, 20);
            memcpy(b->sha256, it->digests.sha256, 32);
        }
        b->head = it->head;
        b->head_size = it->head_size;
        c->bytes[k] = it->keep && !it->lost && it->len == it->size ? it->bytes : NULL;
    }
    int rc = mum__express_resolve(&c->idx, c->blobs, c->n);
    for (size_t i = 0; i < c->idx.count && rc == MUM_OK; i++) {
        const mum_express_file *f = &c->idx.files[i];
        if (f->blob != MUM_EXPRESS_NONE)
            c->used[f->blob] = true;
        /* stored under its own name: the caller wrote it as it passed */
        c->wanted[i] = !(f->source_type == MUM_EXPRESS_SOURCE_RAW && f->blob != MUM_EXPRESS_NONE &&
                         mum__path_equal(f->source_name, f->name) && !c->items[f->blob].held);
    }
    if (rc == MUM_OK)
        rc = mum__express_rebuilder_new(&c->r, u->ctx, &c->idx, c->blobs, c->n, c->bytes, c->wanted);
    return rc;
}

int mum_express_unpacker_entry(mum_express_take *out, mum_express_unpacker *u, const mum_entry *e)
{
    if (!out || !u || !e)
        return MUM_EINVAL;
    *out = MUM_EXPRESS_PASS;
    u->cur_cab = NULL;
    u->cur = NULL;
    /* a cabinet whose files were not all taken */
    while (u->top && u->cabs[u->top - 1].ended)
        cab_clear(&u->cabs[--u->top]);
    xcab *top = u->top ? &u->cabs[u->top - 1] : NULL;
    if (e->kind == MUM_ENTRY_CONTAINER) {
        if (e->container != MUM_CONTAINER_CABINET || u->top == MAX_OPEN ||
            (top && e->depth != top->depth))
            return MUM_OK;
        xcab *c = &u->cabs[u->top];
        memset(c, 0, sizeof *c);
        c->depth = e->depth + 1;
        c->prefix = *e->path ? mum__asprintf("%s!", e->path) : mum__strdup("");
        if (!c->prefix)
            return MUM_ENOMEM;
        u->top++;
        return MUM_OK;
    }
    if (!top)
        return MUM_OK;
    if (e->kind == MUM_ENTRY_CONTAINER_END)
        return e->depth + 1 == top->depth ? cab_end(u, top) : MUM_OK;
    return e->kind == MUM_ENTRY_FILE && e->depth == top->depth && e->name ? file_entry(u, top, e, out)
                                                                         : MUM_OK;
}

int mum_express_unpacker_data(mum_express_unpacker *u, const void *data, size_t size)
{
    if (!u)
        return MUM_EINVAL;
    item *it = u->cur;
    if (!it || !size)
        return MUM_OK;
    mum__keep_head(it->head, sizeof it->head, &it->head_size, data, size);
    if (u->cur_index) {
        xcab *c = u->cur_cab;
        if (c->index_over || c->index.len + size > MAX_INDEX) {
            c->index_over = true;
            return MUM_OK;
        }
        mum__sbuf_append(&c->index, data, size);
        return c->index.failed ? MUM_ENOMEM : MUM_OK;
    }
    if (!it->keep || it->lost)
        return MUM_OK;
    if (size > it->size - it->len) { /* more than its cabinet declared */
        it->lost = true;
        mum__free(it->bytes);
        it->bytes = NULL;
        return MUM_OK;
    }
    if (!it->bytes && !(it->bytes = mum__malloc((size_t)it->size)))
        return MUM_ENOMEM;
    memcpy(it->bytes + it->len, data, size);
    it->len += size;
    return MUM_OK;
}

int mum_express_unpacker_entry_end(mum_express_unpacker *u, const mum_entry *e)
{
    if (!u || !e)
        return MUM_EINVAL;
    item *it = u->cur;
    xcab *c = u->cur_cab;
    u->cur = NULL;
    u->cur_cab = NULL;
    if (!it)
        return MUM_OK;
    if (e->digests) {
        it->has_digests = true;
        it->digests = *e->digests;
    }
    if (it->keep && it->len != it->size)
        it->lost = true;
    return u->cur_index ? index_read(u, c, e) : MUM_OK;
}

/* "prefix" + name, its backslashes as '/'. */
static int set_path(mum_express_unpacker *u, const char *prefix, const char *name)
{
    mum__free(u->out_path);
    u->out_path = mum__asprintf("%s%s", prefix, name);
    if (!u->out_path)
        return MUM_ENOMEM;
    for (char *p = u->out_path + strlen(prefix); *p; p++)
        if (*p == '\\')
            *p = '/';
    u->out.path = u->out_path;
    return MUM_OK;
}

static int set_why(mum_express_unpacker *u, char *why)
{
    mum__free(u->out_why);
    u->out_why = why;
    u->out.why = why;
    u->out.failed = true;
    return why ? MUM_OK : MUM_ENOMEM;
}

/* sha1: the file's, when known (a rebuilt file the index gave it for),
 * else NULL. */
static int set_data(mum_express_unpacker *u, const uint8_t *data, size_t size, const uint8_t *sha1,
                    mum_ctx *ctx)
{
    mum_express_output *o = &u->out;
    o->data = data;
    o->size = size;
    o->digests.sha1_valid = true;
    const void *p = data ? (const void *)data : "";
    if (sha1)
        memcpy(o->digests.sha1, sha1, 20);
    if ((!sha1 && mum_hash_buffer(o->digests.sha1, MUM_HASH_SHA1, p, size) != MUM_OK) ||
        mum_hash_buffer(o->digests.sha256, MUM_HASH_SHA256, p, size) != MUM_OK)
        return mum__error(ctx, MUM_ECRYPTO, NULL, "%s: the digest could not be computed", o->path);
    return MUM_OK;
}

/* FILETIME (100 ns since 1601) to seconds since 1970. */
static int64_t unix_time(uint64_t ft)
{
    return (int64_t)(ft / 10000000u) - INT64_C(11644473600);
}

/* The next of the index's files to give, if any is left (*got). */
static int next_file(mum_express_unpacker *u, xcab *c, mum_ctx *ctx, bool *got)
{
    *got = false;
    while (c->r && c->next_file < c->idx.count) {
        size_t i = c->next_file++;
        if (!c->wanted[i])
            continue;
        const mum_express_file *f = &c->idx.files[i];
        const uint8_t *data;
        size_t size;
        mum__express_outcome how;
        const char *why;
        int rc = mum__express_rebuild(c->r, i, &data, &size, &how, &why);
        if (rc != MUM_OK)
            return rc == MUM_ENOMEM ? mum__nomem(ctx) : mum__error(ctx, rc, NULL, "%s: rebuilding failed", f->name);
        c->prev_file = i;
        if ((rc = set_path(u, c->prefix, f->name)) != MUM_OK)
            return mum__nomem(ctx);
        u->out.rebuilt = true;
        u->out.has_mtime = f->time != 0;
        u->out.mtime = unix_time(f->time);
        *got = true;
        if (how == MUM__EXPRESS_REBUILT && (f->hash.alg == MUM_HASH_NONE || !f->hash.size))
            how = MUM__EXPRESS_MISMATCH, why = "the index gives no hash of a known algorithm to check it against";
        uint8_t sha1[20];
        if (how == MUM__EXPRESS_REBUILT)
            return set_data(u, data, size, mum__express_rebuilt_sha1(c->r, i, sha1) ? sha1 : NULL, ctx);
        char *chain = mum__express_chain(&c->idx, i);
        rc = set_why(u, chain ? mum__asprintf("%s: %s", chain, why) : NULL);
        mum__free(chain);
        return rc == MUM_OK ? MUM_OK : mum__nomem(ctx);
    }
    return MUM_OK;
}

/* The held entries no file was made of, as stored (*got). */
static int next_held(mum_express_unpacker *u, xcab *c, mum_ctx *ctx, bool *got)
{
    *got = false;
    if (c->index_error && !c->error_given) {
        c->error_given = true;
        *got = true;
        if (set_path(u, c->prefix, MUM_EXPRESS_INDEX_NAME) != MUM_OK)
            return mum__nomem(ctx);
        char *why = mum__asprintf("%s; the cabinet's entries are written as stored", c->index_error);
        return set_why(u, why) == MUM_OK ? MUM_OK : mum__nomem(ctx);
    }
    while (c->next_item < c->n) {
        size_t k = c->next_item++;
        item *it = &c->items[k];
        bool index = c->has_index && k == c->index_item;
        if (!it->held || c->used[k] || (index && c->parsed))
            continue;
        *got = true;
        if (set_path(u, c->prefix, it->name) != MUM_OK)
            return mum__nomem(ctx);
        u->out.has_mtime = it->has_mtime;
        u->out.mtime = it->mtime;
        if (index) {
            if (c->index_over)
                return set_why(u, mum__strdup("larger than the express index is read")) == MUM_OK
                           ? MUM_OK
                           : mum__nomem(ctx);
            return set_data(u, (const uint8_t *)c->index.data, c->index.len, NULL, ctx);
        }
        if (it->lost)
            return set_why(u, mum__strdup("its data was not what its cabinet declares, and was not kept")) ==
                           MUM_OK
                       ? MUM_OK
                       : mum__nomem(ctx);
        return set_data(u, it->bytes, it->len, NULL, ctx);
    }
    return MUM_OK;
}

int mum_express_unpacker_next(const mum_express_output **out, mum_express_unpacker *u, mum_ctx *ctx)
{
    if (!out || !u || !ctx)
        return MUM_EINVAL;
    *out = NULL;
    if (!u->top || !u->cabs[u->top - 1].ended)
        return MUM_OK;
    xcab *c = &u->cabs[u->top - 1];
    if (c->prev_file != MUM_EXPRESS_NONE) {
        mum__express_rebuild_done(c->r, c->prev_file);
        c->prev_file = MUM_EXPRESS_NONE;
    }
    memset(&u->out, 0, sizeof u->out);
    bool got;
    int rc = next_file(u, c, ctx, &got);
    if (rc == MUM_OK && !got)
        rc = next_held(u, c, ctx, &got);
    if (rc != MUM_OK)
        return rc;
    if (!got) {
        cab_clear(c);
        u->top--;
        return MUM_OK;
    }
    *out = &u->out;
    return MUM_OK;
}
