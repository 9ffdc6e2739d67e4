/*
 * express.c - express (IPD) cabinets: the _manifest_.cix.xml index, PA30
 * delta headers, and the resolution of the index's files to the cabinet's
 * blobs (facts only: the express.* findings are judge_express.c's).
 *
 * A blob's PA30 header is read by delta.c's reader of headers
 * (mum__delta_header_prefix), from the blob's first bytes only.
 */
#include "config.h"

#include "delta_internal.h"
#include "digest.h"
#include "express_internal.h"
#include "internal.h"
#include "xml.h"

#include <mum/delta.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *mum_express_status_name(mum_express_status status)
{
    switch (status) {
    case MUM_EXPRESS_STORED: return "stored";
    case MUM_EXPRESS_DELTA_ONLY: return "delta only";
    case MUM_EXPRESS_COPY: return "copy of basis";
    case MUM_EXPRESS_MISSING: return "missing";
    default: return "unchecked";
    }
}

/* ---- PA30 ---- */

/* The signature at the start of a blob: MUM_OK for PA30; PA19 and PA31
 * are deltas delta.c knows (or names), but not what express blobs are;
 * anything else, or fewer than four bytes, is no delta at all. */
static int pa30_signature(const unsigned char *p, size_t size, const char **why)
{
    if (size >= 4 && (memcmp(p, "PA19", 4) == 0 || memcmp(p, "PA31", 4) == 0)) {
        *why = "a PA19 or PA31 delta, not PA30";
        return MUM_EUNSUPPORTED;
    }
    if (size < 4 || memcmp(p, "PA30", 4) != 0) {
        *why = "no \"PA30\" signature";
        return MUM_EFORMAT;
    }
    return MUM_OK;
}

/* The parse itself, by delta.c's one reader of the header (which reads a
 * prefix of a delta, as a cabinet's blob head is): a status, and on
 * failure a constant reason and its offset. */
static int pa30_parse(mum_pa30_header *out, const unsigned char *p, size_t size, const char **why,
                      uint64_t *offset)
{
    memset(out, 0, sizeof *out);
    *offset = 0;
    int rc = pa30_signature(p, size, why);
    if (rc != MUM_OK)
        return rc;
    mum_delta_header h;
    mum__delta_stop stop;
    /* the reason is the constant below; the reader's message is not kept */
    rc = mum__delta_header_prefix(&h, NULL, p, size, &stop, offset);
    if (rc != MUM_OK) {
        switch (stop) {
        case MUM__DELTA_STOP_TRUNCATED: *why = "truncated"; break;
        case MUM__DELTA_STOP_TRUNCATED_HASH: *why = "truncated in the target hash"; break;
        case MUM__DELTA_STOP_LIMIT: *why = "a target hash longer than 64 bytes"; break;
        default: *why = "malformed number"; break;
        }
        return rc;
    }
    out->target_file_time = h.target_file_time;
    out->file_type_set = h.file_type_set;
    out->file_type = h.file_type;
    out->flags = h.flags;
    out->target_size = h.target_size;
    out->hash_alg_id = h.hash_alg;
    out->hash_alg = mum_delta_hash_alg(out->hash_alg_id);
    out->hash_size = h.hash_len;
    memcpy(out->hash, h.hash, h.hash_len);
    if (out->hash_alg != MUM_HASH_NONE && mum_hash_size(out->hash_alg) != out->hash_size)
        out->hash_alg = MUM_HASH_NONE; /* a size that does not fit the algorithm: not comparable */
    out->header_size = h.header_size;
    return MUM_OK;
}

int mum_pa30_header_parse(mum_pa30_header *out, mum_ctx *ctx, const mum_location *loc,
                          const void *data, size_t size)
{
    const char *why;
    uint64_t offset;
    int rc = pa30_parse(out, data, size, &why, &offset);
    if (rc == MUM_OK)
        return MUM_OK;
    mum_location l = loc ? *loc : (mum_location){0};
    l.has_offset = true;
    l.offset = offset;
    l.line = l.column = 0;
    return mum__error(ctx, rc, &l, "PA30 header: %s", why);
}

/* ---- the index ---- */

#define NS_CIX "urn:ContainerIndex"

enum { IN_NONE, IN_FILE, IN_DELTA, IN_SOURCE };

typedef struct cix_parser {
    mum_xml *x;
    mum_express_index *out;
    size_t cap;
    uint32_t depth;
    bool root_seen;
    bool in_files;
    int where;          /* inside the current File: IN_* */
    uint32_t file_depth;
} cix_parser;

static const char *attr(const mum_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!a[i].ns && strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static int number_attr(cix_parser *c, const mum_xml_attr *a, size_t n, const char *name,
                       uint64_t *out, bool required)
{
    const char *v = attr(a, n, name);
    if (!v) {
        if (required)
            return mum__xml_fail(c->x, MUM_EFORMAT, "the attribute %s is missing", name);
        return MUM_OK;
    }
    if (!parse_u64(v, out))
        return mum__xml_fail(c->x, MUM_EFORMAT, "%s=\"%s\" is not a decimal number", name, v);
    return MUM_OK;
}

static int hash_attr(cix_parser *c, const mum_xml_attr *a, size_t n, mum_express_hash *h)
{
    const char *alg = attr(a, n, "alg"), *value = attr(a, n, "value");
    if (!alg || !value)
        return mum__xml_fail(c->x, MUM_EFORMAT, "a <Hash> needs alg and value");
    memset(h, 0, sizeof *h);
    if (mum_hash_parse_name(&h->alg, alg) != MUM_OK)
        h->alg = MUM_HASH_NONE;
    if (mum_hex_decode(h->value, sizeof h->value, &h->size, value, strlen(value)) != MUM_OK)
        return mum__xml_fail(c->x, MUM_EFORMAT, "the hash value \"%.80s\" is not hex of at most 64 bytes",
                             value);
    if (h->alg != MUM_HASH_NONE && h->size != mum_hash_size(h->alg))
        return mum__xml_fail(c->x, MUM_EFORMAT, "a %s hash of %zu bytes", mum_hash_name(h->alg),
                             h->size);
    return MUM_OK;
}

static bool in_cix(const char *ns, const char *name, const char *want)
{
    return ns && strcmp(ns, NS_CIX) == 0 && strcmp(name, want) == 0;
}

static int dup_attr(cix_parser *c, char **slot, const char *value)
{
    if (!mum__replace_str(slot, value))
        return mum__xml_fail(c->x, MUM_ENOMEM, "out of memory");
    return MUM_OK;
}

static int start_file(cix_parser *c, const mum_xml_attr *a, size_t n)
{
    mum_express_index *idx = c->out;
    if (idx->count >= MUM_EXPRESS_MAX_FILES)
        return mum__xml_fail(c->x, MUM_ELIMIT, "more than %d files", MUM_EXPRESS_MAX_FILES);
    if (!mum__grow((void **)&idx->files, &c->cap, idx->count + 1, sizeof *idx->files))
        return mum__xml_fail(c->x, MUM_ENOMEM, "out of memory");
    mum_express_file *f = &idx->files[idx->count++];
    memset(f, 0, sizeof *f);
    f->basis = f->blob = MUM_EXPRESS_NONE;
    f->line = mum__xml_location(c->x).line;
    const char *id = attr(a, n, "id"), *name = attr(a, n, "name");
    if (!id || !*id || !name || !*name)
        return mum__xml_fail(c->x, MUM_EFORMAT, "a <File> without an id or a name");
    int rc = dup_attr(c, &f->id, id);
    if (rc == MUM_OK)
        rc = dup_attr(c, &f->name, name);
    if (rc == MUM_OK)
        rc = number_attr(c, a, n, "length", &f->length, true);
    if (rc == MUM_OK)
        rc = number_attr(c, a, n, "time", &f->time, false);
    uint64_t at = 0;
    if (rc == MUM_OK)
        rc = number_attr(c, a, n, "attr", &at, false);
    if (rc == MUM_OK && at > UINT32_MAX)
        rc = mum__xml_fail(c->x, MUM_EFORMAT, "attr=\"%" PRIu64 "\" out of range", at);
    f->attr = (uint32_t)at;
    c->where = IN_FILE;
    c->file_depth = c->depth;
    return rc;
}

static int cix_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    cix_parser *c = ud;
    c->depth++;
    mum_express_index *idx = c->out;
    if (c->depth == 1) {
        if (!in_cix(ns, name, "Container"))
            return mum__xml_fail(c->x, MUM_EFORMAT,
                                 "not an express index: the root is <%s>, not <Container> in %s",
                                 name, NS_CIX);
        c->root_seen = true;
        int rc = MUM_OK;
        const char *v;
        if ((v = attr(a, n, "name")))
            rc = dup_attr(c, &idx->name, v);
        if (rc == MUM_OK && (v = attr(a, n, "type")))
            rc = dup_attr(c, &idx->type, v);
        if (rc == MUM_OK && (v = attr(a, n, "version")))
            rc = dup_attr(c, &idx->version, v);
        if (rc == MUM_OK)
            rc = number_attr(c, a, n, "length", &idx->length, false);
        return rc;
    }
    if (c->depth == 2 && in_cix(ns, name, "Files")) {
        c->in_files = true;
        return MUM_OK;
    }
    if (c->depth == 3 && c->in_files && in_cix(ns, name, "File"))
        return start_file(c, a, n);
    if (c->where == IN_NONE)
        return MUM_OK;
    mum_express_file *f = &idx->files[idx->count - 1];
    uint32_t rel = c->depth - c->file_depth;
    if (rel == 1 && c->where == IN_FILE && in_cix(ns, name, "Hash"))
        return hash_attr(c, a, n, &f->hash);
    if (rel == 1 && c->where == IN_FILE && in_cix(ns, name, "Delta")) {
        c->where = IN_DELTA;
        return MUM_OK;
    }
    if (rel == 2 && c->where == IN_DELTA && in_cix(ns, name, "Source")) {
        if (f->source_type_text)
            return mum__xml_fail(c->x, MUM_EFORMAT, "a <Delta> with more than one <Source>");
        const char *type = attr(a, n, "type"), *src = attr(a, n, "name");
        if (!type || !src || !*src)
            return mum__xml_fail(c->x, MUM_EFORMAT, "a <Source> needs type and name");
        int rc = dup_attr(c, &f->source_type_text, type);
        if (rc == MUM_OK)
            rc = dup_attr(c, &f->source_name, src);
        f->source_type = strcmp(type, "RAW") == 0    ? MUM_EXPRESS_SOURCE_RAW
                         : strcmp(type, "PA30") == 0 ? MUM_EXPRESS_SOURCE_PA30
                                                     : MUM_EXPRESS_SOURCE_OTHER;
        c->where = IN_SOURCE;
        return rc;
    }
    if (rel == 3 && c->where == IN_SOURCE && in_cix(ns, name, "Hash"))
        return hash_attr(c, a, n, &f->source_hash);
    if (rel == 2 && c->where == IN_DELTA && in_cix(ns, name, "Basis")) {
        if (f->basis_id)
            return mum__xml_fail(c->x, MUM_EFORMAT, "a <Delta> with more than one <Basis>");
        const char *file = attr(a, n, "file");
        if (!file || !*file)
            return mum__xml_fail(c->x, MUM_EFORMAT, "a <Basis> without a file");
        return dup_attr(c, &f->basis_id, file);
    }
    return MUM_OK;
}

static int cix_end(void *ud, const char *ns, const char *name)
{
    cix_parser *c = ud;
    MUM_UNUSED(ns);
    MUM_UNUSED(name);
    if (c->where != IN_NONE) {
        uint32_t rel = c->depth - c->file_depth;
        if (rel == 0)
            c->where = IN_NONE;
        else if (rel == 1 && c->where == IN_DELTA)
            c->where = IN_FILE;
        else if (rel == 2 && c->where == IN_SOURCE)
            c->where = IN_DELTA;
    }
    if (c->depth == 2)
        c->in_files = false;
    c->depth--;
    return MUM_OK;
}

void mum_express_index_clear(mum_express_index *idx)
{
    if (!idx)
        return;
    for (size_t i = 0; i < idx->count; i++) {
        mum_express_file *f = &idx->files[i];
        mum__free(f->id);
        mum__free(f->name);
        mum__free(f->source_type_text);
        mum__free(f->source_name);
        mum__free(f->basis_id);
    }
    mum__free(idx->files);
    mum__free(idx->name);
    mum__free(idx->type);
    mum__free(idx->version);
    memset(idx, 0, sizeof *idx);
}

int mum_express_index_parse(mum_express_index *out, mum_ctx *ctx, const mum_location *loc,
                            const void *data, size_t size)
{
    static const mum_xml_callbacks cb = {cix_start, NULL, cix_end, false};
    static const mum_xml_limits limits = {32, 64, 64 << 10, (uint64_t)64 << 20};
    memset(out, 0, sizeof *out);
    cix_parser c = {.out = out};
    int rc = mum__xml_new(&c.x, ctx, loc, &cb, &c, &limits);
    if (rc == MUM_OK)
        rc = mum__xml_feed(c.x, data, size);
    if (rc == MUM_OK)
        rc = mum__xml_finish(c.x);
    if (rc == MUM_ENOMEM)
        rc = mum__nomem(ctx);
    mum__xml_free(c.x);
    if (rc != MUM_OK)
        mum_express_index_clear(out);
    return rc;
}

/* ---- the resolution: which blob and basis each file has (facts only) ---- */

int mum__express_pa30_parse(mum_pa30_header *out, const unsigned char *p, size_t size, const char **why,
                            uint64_t *offset)
{
    return pa30_parse(out, p, size, why, offset);
}

bool mum__express_head_may_be_delta(const unsigned char *p, size_t size)
{
    const char *why;
    return size >= 4 && pa30_signature(p, size, &why) != MUM_EFORMAT;
}

static int cmp_keyed(const void *a, const void *b)
{
    const mum__express_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

/* A name as Windows compares it: backslashes as slashes, lower case
 * (Unicode, as identities; ASCII only when the name is not UTF-8). */
static char *name_key(const char *s)
{
    bool invalid = false;
    char *k = mum__utf8_lower(s, &invalid);
    if (!k && invalid && (k = mum__strdup(s)) != NULL)
        for (char *p = k; *p; p++)
            *p = (char)mum__ascii_tolower((unsigned char)*p);
    if (k)
        for (char *p = k; *p; p++)
            if (*p == '\\')
                *p = '/';
    return k;
}

char *mum__express_name_key(const char *name)
{
    return name_key(name);
}

void mum__express_keys_free(mum__express_key *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        mum__free(k[i].key);
    mum__free(k);
}

static size_t find_keyed(const mum__express_key *k, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(k[mid].key, key);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(k[lo].key, key) == 0 ? k[lo].index : MUM_EXPRESS_NONE;
}

static mum__express_key *make_keys(size_t n, const char *(*get)(const void *, size_t), const void *src,
                                   bool fold)
{
    mum__express_key *k = mum__calloc(n ? n : 1, sizeof *k);
    if (!k)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        k[i].index = i;
        k[i].key = fold ? name_key(get(src, i)) : mum__strdup(get(src, i));
        if (!k[i].key) {
            mum__express_keys_free(k, n);
            return NULL;
        }
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    return k;
}

static const char *get_id(const void *src, size_t i)
{
    return ((const mum_express_index *)src)->files[i].id;
}

static const char *get_name(const void *src, size_t i)
{
    return ((const mum_express_index *)src)->files[i].name;
}

static const char *get_blob(const void *src, size_t i)
{
    return ((const mum_express_blob *)src)[i].name;
}

mum__express_key *mum__express_file_keys(const mum_express_index *idx, bool names)
{
    /* ids are compared as written; names case-folded, with '\\' as '/' */
    return make_keys(idx->count, names ? get_name : get_id, idx, names);
}

/* Basis links form a functional graph: find loops without recursion. */
int mum__express_loops(const mum_express_index *idx, bool *loops, size_t *heads, size_t *nheads)
{
    unsigned char *state = mum__calloc(idx->count ? idx->count : 1, 1); /* 0 new, 1 on path, 2 done */
    if (!state)
        return MUM_ENOMEM;
    *nheads = 0;
    for (size_t i = 0; i < idx->count; i++) {
        size_t j = i;
        while (j != MUM_EXPRESS_NONE && state[j] == 0) {
            state[j] = 1;
            j = idx->files[j].basis;
        }
        if (j != MUM_EXPRESS_NONE && state[j] == 1) {
            size_t m = j;
            do {
                loops[m] = true;
                m = idx->files[m].basis;
            } while (m != j);
            heads[(*nheads)++] = j;
        }
        for (j = i; j != MUM_EXPRESS_NONE && state[j] == 1; j = idx->files[j].basis)
            state[j] = 2;
    }
    mum__free(state);
    return MUM_OK;
}

const uint8_t *mum__express_blob_digest(const mum_express_blob *b, mum_hash_alg alg)
{
    return alg == MUM_HASH_SHA1 ? b->sha1 : alg == MUM_HASH_SHA256 ? b->sha256 : NULL;
}

/* A file whose source blob is in the cabinet: what the blob is. */
static void resolve_source(const mum_express_blob *b, mum_express_file *f, size_t bi)
{
    f->blob = bi;
    const uint8_t *got = mum__express_blob_digest(b, f->source_hash.alg);
    if (got && f->source_hash.size)
        f->blob_verified = memcmp(got, f->source_hash.value, f->source_hash.size) == 0;
    if (f->source_type == MUM_EXPRESS_SOURCE_RAW) {
        f->status = MUM_EXPRESS_STORED;
        return;
    }
    f->status = MUM_EXPRESS_DELTA_ONLY;
    const char *why;
    uint64_t offset;
    if (f->source_type == MUM_EXPRESS_SOURCE_PA30 &&
        pa30_parse(&f->pa30, b->head, b->head_size, &why, &offset) == MUM_OK)
        f->has_pa30 = true;
}

static int resolve(mum_express_index *idx, const mum_express_blob *blobs, size_t nblobs,
                   const mum__express_key *ids, const mum__express_key *bk, bool *loops, size_t *heads)
{
    for (size_t i = 0; i < idx->count; i++) {
        mum_express_file *f = &idx->files[i];
        f->status = MUM_EXPRESS_UNCHECKED;
        f->blob = f->basis = MUM_EXPRESS_NONE;
        f->blob_verified = f->has_pa30 = false;
        if (f->basis_id)
            f->basis = find_keyed(ids, idx->count, f->basis_id);
    }
    size_t nheads;
    int rc = mum__express_loops(idx, loops, heads, &nheads);
    for (size_t i = 0; i < idx->count && rc == MUM_OK; i++) {
        mum_express_file *f = &idx->files[i];
        if (f->source_name) {
            char *key = name_key(f->source_name);
            if (!key)
                return MUM_ENOMEM;
            size_t bi = find_keyed(bk, nblobs, key);
            mum__free(key);
            if (bi == MUM_EXPRESS_NONE)
                f->status = MUM_EXPRESS_MISSING;
            else
                resolve_source(&blobs[bi], f, bi);
        } else if (f->basis != MUM_EXPRESS_NONE && !loops[i]) {
            f->status = MUM_EXPRESS_COPY;
        } else {
            /* a copy of a copy of itself, no source nor basis, or a basis
             * the index does not have: no bytes anywhere */
            f->status = MUM_EXPRESS_MISSING;
        }
    }
    return rc;
}

int mum__express_resolve(mum_express_index *idx, const mum_express_blob *blobs, size_t count)
{
    mum__express_key *ids = mum__express_file_keys(idx, false);
    mum__express_key *bk = make_keys(count, get_blob, blobs, true);
    bool *loops = mum__calloc(idx->count ? idx->count : 1, sizeof *loops);
    size_t *heads = mum__calloc(idx->count ? idx->count : 1, sizeof *heads);
    int rc = MUM_ENOMEM;
    if (ids && bk && loops && heads)
        rc = resolve(idx, blobs, count, ids, bk, loops, heads);
    mum__express_keys_free(ids, idx->count);
    mum__express_keys_free(bk, count);
    mum__free(loops);
    mum__free(heads);
    return rc;
}

int mum_express_check(mum_express_index *idx, const mum_express_blob *blobs, size_t count,
                      const mum_location *cabinet, mum_findings *findings)
{
    int rc = mum__express_resolve(idx, blobs, count);
    return rc == MUM_OK ? mum__judge_express_index(idx, blobs, count, cabinet, findings) : rc;
}

/* ---- the collector ---- */

typedef struct collected {
    char *name;
    uint64_t size;
    uint8_t sha1[20], sha256[32];
    uint8_t head[MUM_PA30_HEADER_MAX];
    size_t head_size;
} collected;

#define MAX_INDEX_SIZE ((size_t)64 << 20)

struct mum_express_collector {
    collected *items;
    size_t count, cap;
    mum__digest_set digests;    /* SHA-1 and SHA-256 of the current entry */
    bool in_entry, is_index;
    collected *cur;
    mum_sbuf index;
    bool have_index;
};

int mum_express_collector_new(mum_express_collector **out)
{
    mum_express_collector *c = mum__calloc(1, sizeof *c);
    if (!c)
        return MUM_ENOMEM;
    int rc = mum__digest_set_init(&c->digests, MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256);
    if (rc != MUM_OK) {
        mum_express_collector_free(c);
        return rc;
    }
    *out = c;
    return MUM_OK;
}

void mum_express_collector_free(mum_express_collector *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        mum__free(c->items[i].name);
    mum__free(c->items);
    mum__digest_set_clear(&c->digests);
    mum__sbuf_free(&c->index);
    mum__free(c);
}

int mum_express_collector_begin(mum_express_collector *c, const char *name, uint64_t size)
{
    if (c->in_entry && mum_express_collector_end(c) != MUM_OK)
        return MUM_ENOMEM;
    if (!mum__grow((void **)&c->items, &c->cap, c->count + 1, sizeof *c->items))
        return MUM_ENOMEM;
    collected *it = &c->items[c->count];
    memset(it, 0, sizeof *it);
    if (!(it->name = mum__strdup(name)))
        return MUM_ENOMEM;
    it->size = size;
    c->count++;
    c->cur = it;
    c->in_entry = true;
    c->is_index = mum__ascii_strcasecmp(name, MUM_EXPRESS_INDEX_NAME) == 0 && !c->have_index;
    return MUM_OK;
}

int mum_express_collector_data(mum_express_collector *c, const void *data, size_t size)
{
    if (!c->in_entry)
        return MUM_OK;
    collected *it = c->cur;
    mum__keep_head(it->head, sizeof it->head, &it->head_size, data, size);
    if (c->is_index) {
        if (c->index.len + size > MAX_INDEX_SIZE)
            return MUM_ELIMIT;
        mum__sbuf_append(&c->index, data, size);
        return c->index.failed ? MUM_ENOMEM : MUM_OK;
    }
    return mum__digest_set_update(&c->digests, data, size);
}

int mum_express_collector_end(mum_express_collector *c)
{
    if (!c->in_entry)
        return MUM_OK;
    c->in_entry = false;
    if (c->is_index) {
        c->have_index = true;
        return MUM_OK;
    }
    int rc = mum__digest_set_final(&c->digests, MUM_HASH_SHA1, c->cur->sha1);
    if (rc == MUM_OK)
        rc = mum__digest_set_final(&c->digests, MUM_HASH_SHA256, c->cur->sha256);
    return rc;
}

int mum_express_collector_finish(mum_express_index **out, mum_express_collector *c, mum_ctx *ctx,
                                 const mum_location *cabinet, mum_findings *findings)
{
    *out = NULL;
    int rc = mum_express_collector_end(c);
    if (rc != MUM_OK)
        return rc == MUM_ENOMEM ? mum__nomem(ctx) : mum__error(ctx, rc, cabinet, "digest failed");
    if (!c->have_index)
        return MUM_OK;
    mum_location loc = cabinet ? *cabinet : (mum_location){0};
    char *entry = loc.entry && *loc.entry ? mum__asprintf("%s!%s", loc.entry, MUM_EXPRESS_INDEX_NAME)
                                          : mum__strdup(MUM_EXPRESS_INDEX_NAME);
    mum_express_index *idx = mum__calloc(1, sizeof *idx);
    mum_express_blob *blobs = mum__calloc(c->count ? c->count : 1, sizeof *blobs);
    if (!entry || !idx || !blobs) {
        rc = mum__nomem(ctx);
        goto done;
    }
    loc.entry = entry;
    rc = mum_express_index_parse(idx, ctx, &loc, c->index.data ? c->index.data : "", c->index.len);
    if (rc != MUM_OK)
        goto done;
    for (size_t i = 0; i < c->count; i++) {
        collected *it = &c->items[i];
        blobs[i].name = it->name;
        blobs[i].size = it->size;
        memcpy(blobs[i].sha1, it->sha1, sizeof it->sha1);
        memcpy(blobs[i].sha256, it->sha256, sizeof it->sha256);
        blobs[i].head = it->head;
        blobs[i].head_size = it->head_size;
    }
    rc = mum_express_check(idx, blobs, c->count, cabinet, findings);
    if (rc != MUM_OK) {
        rc = mum__nomem(ctx);
        mum_express_index_clear(idx);
        goto done;
    }
    *out = idx;
    idx = NULL;
done:
    mum__free(idx);
    mum__free(blobs);
    mum__free(entry);
    return rc;
}
