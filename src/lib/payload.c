/*
 * payload.c - what a package's payloads should hash to, learnt from its
 * component manifests (DigestValue) and express indexes (blob hashes) as
 * a walk passes them.  Keys are lower-case (ASCII) nested paths in a
 * string map (strmap.c), looked up without a lower-cased copy; the first
 * manifest to name a path wins.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

/* Manifests larger than this are not read for their digests. */
#define MANIFEST_MAX ((size_t)64 << 20)

struct mum_payload_digests {
    char *input;
    mum_strmap index;              /* key -> 1 + its place in values */
    mum_payload_digest *values;
    size_t count, values_cap;
    char **sources;                /* nested paths of the manifests that gave digests */
    size_t nsources, sources_cap;
    /* the manifest or index being read */
    char *buf;
    size_t len, bufcap;
    bool reading, too_big;
};

static void lower_ascii(char *s)
{
    for (; *s; s++)
        *s = (char)mum__ascii_tolower((unsigned char)*s);
}

/* The digests a payload's check compares (mum_payload_digest_matches). */
static bool two_kinds(mum_hash_alg alg)
{
    return alg == MUM_HASH_SHA1 || alg == MUM_HASH_SHA256;
}

static bool is_express_index(const mum_entry *e)
{
    return mum__ascii_strcasecmp(e->name, MUM_EXPRESS_INDEX_NAME) == 0;
}

/* Adds key (taken over) unless present. */
static bool put(mum_payload_digests *m, char *key, const char *source, bool express, mum_hash_alg alg,
                const uint8_t *digest, size_t size)
{
    if (!mum__grow((void **)&m->values, &m->values_cap, m->count + 1, sizeof *m->values)) {
        mum__free(key);
        return false;
    }
    void *there = NULL;
    if (mum__strmap_put(&m->index, key, (void *)(uintptr_t)(m->count + 1), &there) != MUM_OK)
        return false;
    if (there)
        return true;
    mum_payload_digest *v = &m->values[m->count++];
    memset(v, 0, sizeof *v);
    v->source = source;
    v->express = express;
    v->alg = alg;
    memcpy(v->digest, digest, size);
    return true;
}

/* A copy of name that lives as long as the map. */
static const char *keep_source(mum_payload_digests *m, const char *name)
{
    if (!mum__grow((void **)&m->sources, &m->sources_cap, m->nsources + 1, sizeof *m->sources))
        return NULL;
    char *copy = mum__strdup(name);
    if (copy)
        m->sources[m->nsources++] = copy;
    return copy;
}

/* prefix (n bytes of it) + rest, the rest's '\\' as '/', lower-cased. */
static char *make_key(const char *prefix, size_t n, const char *sep, const char *rest)
{
    size_t slen = strlen(sep), rlen = strlen(rest);
    char *key = mum__malloc(n + slen + rlen + 1);
    if (!key)
        return NULL;
    memcpy(key, prefix, n);
    memcpy(key + n, sep, slen);
    memcpy(key + n + slen, rest, rlen + 1);
    for (char *p = key + n + slen; *p; p++)
        if (*p == '\\')
            *p = '/';
    lower_ascii(key);
    return key;
}

int mum_payload_digests_new(mum_payload_digests **out, const char *input)
{
    if (!out || !input)
        return MUM_EINVAL;
    *out = NULL;
    mum_payload_digests *m = mum__calloc(1, sizeof *m);
    if (!m)
        return MUM_ENOMEM;
    if (!(m->input = mum__strdup(input))) {
        mum__free(m);
        return MUM_ENOMEM;
    }
    *out = m;
    return MUM_OK;
}

void mum_payload_digests_free(mum_payload_digests *map)
{
    if (!map)
        return;
    mum__strmap_free(&map->index);
    mum__free(map->values);
    for (size_t i = 0; i < map->nsources; i++)
        mum__free(map->sources[i]);
    mum__free(map->sources);
    mum__free(map->buf);
    mum__free(map->input);
    mum__free(map);
}

bool mum_payload_digests_wants(const mum_entry *e)
{
    return e && e->kind == MUM_ENTRY_FILE && e->size <= MANIFEST_MAX &&
           (mum__ascii_ends_with_ci(e->name, ".manifest") || is_express_index(e));
}

int mum_payload_digests_begin(mum_payload_digests *map, const mum_entry *e)
{
    if (!map || !e)
        return MUM_EINVAL;
    map->reading = mum_payload_digests_wants(e);
    map->len = 0;
    map->too_big = false;
    return MUM_OK;
}

int mum_payload_digests_data(mum_payload_digests *map, const void *data, size_t size)
{
    if (!map || (size && !data))
        return MUM_EINVAL;
    if (!map->reading || map->too_big)
        return MUM_OK;
    if (map->len + size > MANIFEST_MAX) {
        map->too_big = true;
        return MUM_OK;
    }
    if (map->len + size > map->bufcap) {
        size_t cap = map->bufcap ? map->bufcap : 65536;
        while (cap < map->len + size)
            cap *= 2;
        char *p = mum__realloc(map->buf, cap);
        if (!p) {
            /* this manifest gives nothing; the walk goes on */
            map->too_big = true;
            return MUM_OK;
        }
        map->buf = p;
        map->bufcap = cap;
    }
    memcpy(map->buf + map->len, data, size);
    map->len += size;
    return MUM_OK;
}

/*
 * A PA30 blob's source hash, a RAW file's hash, for the blob named in the
 * index's folder.  Blobs before the index are not checked (every express
 * cabinet seen puts the index first).
 */
static int index_end(mum_payload_digests *m, const mum_entry *e)
{
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return MUM_ENOMEM;
    mum_express_index idx;
    memset(&idx, 0, sizeof idx);
    mum_location loc = {.input = m->input, .entry = e->path};
    int rc = mum_express_index_parse(&idx, ctx, &loc, m->buf ? m->buf : "", m->len);
    mum_ctx_free(ctx);
    if (rc == MUM_ENOMEM)
        return MUM_ENOMEM;
    if (rc != MUM_OK)
        return MUM_OK; /* verify reports a broken index */
    size_t dirlen = strlen(e->path) - strlen(e->name);
    const char *source = NULL;
    for (size_t i = 0; i < idx.count && rc == MUM_OK; i++) {
        const mum_express_file *f = &idx.files[i];
        const mum_express_hash *h = &f->source_hash;
        if (h->size == 0 && f->source_type == MUM_EXPRESS_SOURCE_RAW)
            h = &f->hash;
        size_t dsize = mum_hash_size(h->alg);
        if (!f->source_name || !two_kinds(h->alg) || h->size != dsize)
            continue;
        if (!source && !(source = keep_source(m, e->path))) {
            rc = MUM_ENOMEM;
            break;
        }
        char *key = make_key(e->path, dirlen, "", f->source_name);
        if (!key || !put(m, key, source, true, h->alg, h->value, dsize))
            rc = MUM_ENOMEM;
    }
    mum_express_index_clear(&idx);
    return rc;
}

/*
 * The payload of <file name="N"> lies in a folder named after the
 * manifest ("stem.manifest" -> "stem/N").
 */
static int manifest_end(mum_payload_digests *m, const mum_entry *e)
{
    mum_ctx *ctx = NULL;
    mum_manifest *man = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return MUM_ENOMEM;
    mum_manifest_options mo = MUM_MANIFEST_OPTIONS_INIT;
    mo.flags = MUM_MANIFEST_NO_NAME_CHECK;
    mum_location loc = {.input = m->input, .entry = e->path};
    int rc = mum_manifest_parse(&man, ctx, &loc, &mo, m->buf ? m->buf : "", m->len);
    mum_ctx_free(ctx);
    if (rc == MUM_ENOMEM)
        return MUM_ENOMEM;
    if (rc != MUM_OK)
        return MUM_OK; /* a delta or broken manifest: its payloads go unchecked */
    size_t stem = strlen(e->path) - strlen(".manifest");
    const char *source = NULL;
    for (size_t i = 0; i < man->file_count && rc == MUM_OK; i++) {
        const mum_manifest_file *f = &man->files[i];
        if (!f->name || !f->digest_ok)
            continue;
        size_t dsize = mum_hash_size(f->digest_alg);
        if (!two_kinds(f->digest_alg) || f->digest_size != dsize)
            continue;
        if (!source && !(source = keep_source(m, e->path))) {
            rc = MUM_ENOMEM;
            break;
        }
        char *key = make_key(e->path, stem, "/", f->name);
        if (!key || !put(m, key, source, false, f->digest_alg, f->digest, dsize))
            rc = MUM_ENOMEM;
    }
    mum_manifest_free(man);
    return rc;
}

int mum_payload_digests_end(mum_payload_digests *map, const mum_entry *e)
{
    if (!map || !e)
        return MUM_EINVAL;
    if (!map->reading)
        return MUM_OK;
    map->reading = false;
    if (map->too_big)
        return MUM_OK;
    return is_express_index(e) ? index_end(map, e) : manifest_end(map, e);
}

const mum_payload_digest *mum_payload_digests_find(const mum_payload_digests *map, const char *path)
{
    if (!map || !path || map->count == 0)
        return NULL;
    void *v = mum__strmap_get_lower(&map->index, path);
    return v ? &map->values[(uintptr_t)v - 1] : NULL;
}

bool mum_payload_digest_matches(const mum_payload_digest *want, const mum_file_digests *got)
{
    if (!want || !got)
        return false;
    if (want->alg == MUM_HASH_SHA256)
        return memcmp(want->digest, got->sha256, 32) == 0;
    return got->sha1_valid && memcmp(want->digest, got->sha1, 20) == 0;
}
