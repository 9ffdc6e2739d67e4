/*
 * manifest_model.c - mum/manifest.h: the model a parse leaves behind (its
 * arrays linked into the records' vectors or moved into its arena) and the
 * accessors that need no parser.  The parser is in manifest.c.
 */
#include "config.h"

#include "manifest_store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Where the store and the first chunk lie in a one-block manifest. */
#define ROUND_UP(n, a) (((n) + (a) - 1) / (a) * (a))
#define BLOCK_STORE_OFF ROUND_UP(sizeof(mum_manifest), _Alignof(mum_manifest_store))
#define BLOCK_CHUNK_OFF ROUND_UP(BLOCK_STORE_OFF + sizeof(mum_manifest_store), _Alignof(mum_arena_chunk))

mum_manifest *mum__manifest_new_alone(void)
{
    /* the records' vectors with the store: freed with the model */
    mum_manifest *m = mum__calloc(1, sizeof *m);
    char *sb = m ? mum__calloc(1, ROUND_UP(sizeof(mum_manifest_store), _Alignof(mum_manifest_build)) +
                                      sizeof(mum_manifest_build))
                 : NULL;
    if (!sb) {
        mum__free(m);
        return NULL;
    }
    m->store = (mum_manifest_store *)sb;
    m->store->build = (mum_manifest_build *)(sb + ROUND_UP(sizeof(mum_manifest_store),
                                                            _Alignof(mum_manifest_build)));
    return m;
}

void mum__manifest_build_clear(mum_manifest_build *b)
{
    mum_vec *vecs[] = {&b->parents, &b->parent_refs, &b->updates, &b->applicable, &b->items,
                       &b->deps,    &b->files,       &b->regkeys, &b->regvalues,  &b->elements,
                       &b->notes};
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++)
        mum__free(vecs[i]->items);
    mum__free(b->element_index);
    memset(b, 0, sizeof *b);
}

void mum_manifest_free(mum_manifest *m)
{
    if (!m)
        return;
    mum_manifest_store *s = m->store;
    if (s) {
        if (s->build)
            mum__manifest_build_clear(s->build);
        /* in one block, the first chunk is the last of the list */
        for (mum_arena_chunk *c = s->chunks, *next; c; c = next) {
            next = c->next;
            if (!(s->one_block && !next))
                mum__free(c);
        }
        if (!s->one_block)
            mum__free(s); /* and the build with it */
    }
    mum__free(m);
}

const char *mum_manifest_kind_name(mum_manifest_kind kind)
{
    switch (kind) {
    case MUM_MANIFEST_COMPONENT: return "component";
    case MUM_MANIFEST_DEPLOYMENT: return "deployment";
    case MUM_MANIFEST_PACKAGE: return "package";
    default: return "?";
    }
}

mum_location mum_manifest_location(const mum_manifest *m, mum_manifest_pos pos)
{
    mum_location loc = {0};
    if (m) {
        loc.input = m->input;
        loc.entry = m->entry;
    }
    loc.line = pos.line;
    loc.column = pos.column;
    return loc;
}

int mum_manifest_digest_method(mum_hash_alg *out, const char *uri)
{
    static const struct {
        const char *uri;
        mum_hash_alg alg;
    } methods[] = {
        {"http://www.w3.org/2000/09/xmldsig#sha256", MUM_HASH_SHA256}, /* what Windows writes */
        {"http://www.w3.org/2001/04/xmlenc#sha256", MUM_HASH_SHA256},
        {"http://www.w3.org/2000/09/xmldsig#sha1", MUM_HASH_SHA1},
        {"http://www.w3.org/2001/04/xmldsig-more#sha384", MUM_HASH_SHA384},
        {"http://www.w3.org/2001/04/xmlenc#sha512", MUM_HASH_SHA512},
        {"http://www.w3.org/2001/04/xmldsig-more#md5", MUM_HASH_MD5},
    };
    if (!uri)
        return MUM_ENOTFOUND;
    for (size_t i = 0; i < MUM_ARRAY_LEN(methods); i++) {
        if (strcmp(uri, methods[i].uri) == 0) {
            if (out)
                *out = methods[i].alg;
            return MUM_OK;
        }
    }
    return MUM_ENOTFOUND;
}

/* A vector's spare room given back (a manifest's arrays grow by doubling
 * and then stay for the life of the graph). */
static void vec_fit(mum_vec *v, size_t size)
{
    if (v->cap > v->count && v->items) {
        v->items = mum__shrink(v->items, v->count * size);
        v->cap = v->count;
    }
}

/* What any of the model's arrays needs for alignment. */
typedef union model_item {
    mum_manifest_parent parent;
    mum_manifest_ref ref;
    mum_manifest_update update;
    mum_manifest_target target;
    mum_manifest_dependency dep;
    mum_manifest_file file;
    mum_manifest_registry_key regkey;
    mum_manifest_registry_value regvalue;
    mum_manifest_element element;
    mum_manifest_note note;
} model_item;

#define ITEM_ALIGN _Alignof(model_item)

/* Points the model's arrays at the records of s (their items where they
 * lie), slicing the nested ones. */
static void link_arrays(mum_manifest *m, const mum_manifest_build *s)
{
    mum_manifest_store *store = m->store;
    store->notes = s->notes.items;
    store->note_count = s->notes.count;
    store->elements_dropped = s->elements_dropped;
    m->package.parents = s->parents.items;
    m->package.parent_count = s->parents.count;
    mum_manifest_ref *refs = s->parent_refs.items;
    for (size_t i = 0, at = 0; i < s->parents.count; i++) {
        mum_manifest_parent *pa = VEC_AT(s->parents, mum_manifest_parent, i);
        pa->identities = pa->identity_count ? refs + at : NULL;
        at += pa->identity_count;
    }
    m->package.updates = s->updates.items;
    m->package.update_count = s->updates.count;
    mum_manifest_target *appl = s->applicable.items, *items = s->items.items;
    for (size_t i = 0, ai = 0, ii = 0; i < s->updates.count; i++) {
        mum_manifest_update *u = VEC_AT(s->updates, mum_manifest_update, i);
        u->applicable = u->applicable_count ? appl + ai : NULL;
        u->items = u->item_count ? items + ii : NULL;
        ai += u->applicable_count;
        ii += u->item_count;
    }
    m->dependencies = s->deps.items;
    m->dependency_count = s->deps.count;
    m->files = s->files.items;
    m->file_count = s->files.count;
    m->registry_keys = s->regkeys.items;
    m->registry_key_count = s->regkeys.count;
    mum_manifest_registry_value *values = s->regvalues.items;
    for (size_t i = 0, at = 0; i < s->regkeys.count; i++) {
        mum_manifest_registry_key *k = VEC_AT(s->regkeys, mum_manifest_registry_key, i);
        k->values = k->value_count ? values + at : NULL;
        at += k->value_count;
    }
    m->elements = s->elements.items;
    m->element_count = s->elements.count;
    m->kind = m->has_package      ? MUM_MANIFEST_PACKAGE
              : m->has_deployment ? MUM_MANIFEST_DEPLOYMENT
                                  : MUM_MANIFEST_COMPONENT;
}

/* The record vectors of b, with their item sizes, in one order. */
#define BUILD_VECS(b)                                                                              \
    {&(b)->parents, &(b)->parent_refs, &(b)->updates, &(b)->applicable, &(b)->items, &(b)->deps,   \
     &(b)->files,   &(b)->regkeys,     &(b)->regvalues, &(b)->elements, &(b)->notes}
static const size_t vec_sizes[] = {
    sizeof(mum_manifest_parent),         sizeof(mum_manifest_ref),
    sizeof(mum_manifest_update),         sizeof(mum_manifest_target),
    sizeof(mum_manifest_target),         sizeof(mum_manifest_dependency),
    sizeof(mum_manifest_file),           sizeof(mum_manifest_registry_key),
    sizeof(mum_manifest_registry_value), sizeof(mum_manifest_element),
    sizeof(mum_manifest_note)};

bool mum__manifest_link_model(mum_manifest *m, mum_manifest_build *s)
{
    /* the index of unmodelled elements serves the parse only */
    mum__free(s->element_index);
    s->element_index = NULL;
    s->element_index_cap = 0;
    mum_vec *const vecs[] = BUILD_VECS(s);
    _Static_assert(MUM_ARRAY_LEN(vecs) == MUM_ARRAY_LEN(vec_sizes), "a size for each vector");
    /* a manifest parsed alone keeps its vectors, fitted */
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++)
        vec_fit(vecs[i], vec_sizes[i]);
    link_arrays(m, s);
    return true;
}

/* ---- a renewed parser's model: one block ---- */

/* Where the work arena's chunks went in the block: a string of the work
 * arena lies in one of them (uintptr_t: they are different objects). */
typedef struct reloc {
    uintptr_t from;
    size_t len;
    char *to;
} reloc;

typedef struct relocs {
    const reloc *r;
    size_t n;        /* sorted by from */
    uintptr_t lo;    /* the chunks lie in [lo, lo + span) */
    size_t span;
} relocs;

static int reloc_cmp(const void *a, const void *b)
{
    uintptr_t x = ((const reloc *)a)->from, y = ((const reloc *)b)->from;
    return x < y ? -1 : x > y;
}

/* Where a of the chunks' span went: the chunk holding it (most models have
 * one chunk: no search) or none (interned or static text lying between
 * them). */
static const char *rebased(const relocs *rl, uintptr_t a)
{
    size_t lo = 0, hi = rl->n;
    while (lo < hi) { /* the last chunk starting at or before a */
        size_t mid = lo + (hi - lo) / 2;
        if (rl->r[mid].from <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    const reloc *r = &rl->r[lo - 1]; /* lo > 0: a is at or past the first chunk */
    /* every string takes a byte at least: none starts at a chunk's end */
    return a - r->from < r->len ? r->to + (a - r->from) : NULL;
}

/* *sp moved with the chunk it lies in (NULL, interned and static text stay). */
static inline void rebase(const relocs *rl, const char **sp)
{
    uintptr_t a = (uintptr_t)*sp;
    if (a - rl->lo >= rl->span) /* NULL too: below lo */
        return;
    const char *to = rl->n == 1 ? rl->r[0].to + (a - rl->lo) : rebased(rl, a);
    if (to)
        *sp = to;
}

#define REBASE(rl, field) rebase(rl, (const char **)&(field))

static void rebase_identity(const relocs *rl, mum_identity *id)
{
    REBASE(rl, id->name);
    REBASE(rl, id->version);
    REBASE(rl, id->arch);
    REBASE(rl, id->language);
    REBASE(rl, id->public_key_token);
    REBASE(rl, id->build_type);
    REBASE(rl, id->version_scope);
    REBASE(rl, id->type);
}

/* Every string of the model and its arrays (in the block already): a new
 * string field of mum/manifest.h must be rebased here. */
static void rebase_model(const relocs *rl, mum_manifest *m, const mum_manifest_build *s)
{
    REBASE(rl, m->input);
    REBASE(rl, m->entry);
    REBASE(rl, m->manifest_version);
    REBASE(rl, m->description);
    REBASE(rl, m->display_name);
    REBASE(rl, m->company);
    REBASE(rl, m->copyright);
    REBASE(rl, m->support_information);
    REBASE(rl, m->creation_time_stamp);
    REBASE(rl, m->last_update_time_stamp);
    if (m->identity_count) /* else never filled */
        rebase_identity(rl, &m->identity);
    if (m->package_count || m->package.has_installer || m->package.has_extended) { /* else never filled */
        mum_manifest_package *pk = &m->package;
        REBASE(rl, pk->identifier);
        REBASE(rl, pk->release_type);
        REBASE(rl, pk->restart);
        REBASE(rl, pk->applicability_evaluation);
        REBASE(rl, pk->completely_offline_capable);
        REBASE(rl, pk->package_size);
        rebase_identity(rl, &pk->installer.id);
    }
    for (size_t i = 0; i < s->parents.count; i++) {
        mum_manifest_parent *x = VEC_AT(s->parents, mum_manifest_parent, i);
        REBASE(rl, x->build_compare);
        REBASE(rl, x->service_compare);
        REBASE(rl, x->revision_compare);
        REBASE(rl, x->integrate);
        REBASE(rl, x->disposition);
    }
    for (size_t i = 0; i < s->parent_refs.count; i++)
        rebase_identity(rl, &VEC_AT(s->parent_refs, mum_manifest_ref, i)->id);
    for (size_t i = 0; i < s->updates.count; i++) {
        mum_manifest_update *x = VEC_AT(s->updates, mum_manifest_update, i);
        REBASE(rl, x->name);
        REBASE(rl, x->applicable_disposition);
    }
    const mum_vec *targets[] = {&s->applicable, &s->items};
    for (size_t t = 0; t < MUM_ARRAY_LEN(targets); t++) {
        for (size_t i = 0; i < targets[t]->count; i++) {
            mum_manifest_target *x = VEC_AT(*targets[t], mum_manifest_target, i);
            REBASE(rl, x->integrate);
            REBASE(rl, x->inf);
            REBASE(rl, x->ranking);
            REBASE(rl, x->elevate);
            rebase_identity(rl, &x->ref.id);
        }
    }
    for (size_t i = 0; i < s->deps.count; i++) {
        mum_manifest_dependency *x = VEC_AT(s->deps, mum_manifest_dependency, i);
        REBASE(rl, x->discoverable);
        REBASE(rl, x->resource_type);
        REBASE(rl, x->dependency_type);
        rebase_identity(rl, &x->ref.id);
    }
    for (size_t i = 0; i < s->files.count; i++) {
        mum_manifest_file *x = VEC_AT(s->files, mum_manifest_file, i);
        REBASE(rl, x->name);
        REBASE(rl, x->source_name);
        REBASE(rl, x->source_path);
        REBASE(rl, x->destination_path);
        REBASE(rl, x->import_path);
        REBASE(rl, x->digest_method);
        REBASE(rl, x->digest_text);
        REBASE(rl, x->transform);
    }
    for (size_t i = 0; i < s->regkeys.count; i++) {
        mum_manifest_registry_key *x = VEC_AT(s->regkeys, mum_manifest_registry_key, i);
        REBASE(rl, x->key_name);
        REBASE(rl, x->owner);
    }
    for (size_t i = 0; i < s->regvalues.count; i++) {
        mum_manifest_registry_value *x = VEC_AT(s->regvalues, mum_manifest_registry_value, i);
        REBASE(rl, x->name);
        REBASE(rl, x->value_type);
        REBASE(rl, x->value);
        REBASE(rl, x->operation_hint);
        REBASE(rl, x->owner);
    }
    for (size_t i = 0; i < s->elements.count; i++) {
        mum_manifest_element *x = VEC_AT(s->elements, mum_manifest_element, i);
        REBASE(rl, x->ns);
        REBASE(rl, x->name);
        REBASE(rl, x->parent);
    }
    for (size_t i = 0; i < s->notes.count; i++) {
        mum_manifest_note *x = VEC_AT(s->notes, mum_manifest_note, i);
        REBASE(rl, x->element);
        REBASE(rl, x->parent);
    }
}

_Static_assert(ITEM_ALIGN <= _Alignof(max_align_t), "malloc aligns the block for the items");

mum_manifest *mum__manifest_compact(const mum_manifest *work, mum_manifest_build *b)
{
    const mum_manifest_store *ws = work->store;
    mum_vec *const vecs[] = BUILD_VECS(b);
    size_t nchunks = 0, text = 0;
    for (const mum_arena_chunk *c = ws->chunks; c; c = c->next) {
        nchunks++;
        text += c->used; /* no overflow: each chunk holds it */
    }
    const size_t data_off = BLOCK_CHUNK_OFF + offsetof(mum_arena_chunk, data);
    if (text > SIZE_MAX / 2 - data_off - ITEM_ALIGN)
        return NULL;
    size_t total = ROUND_UP(data_off + text, ITEM_ALIGN);
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++) {
        size_t n = vecs[i]->count * vec_sizes[i]; /* no overflow: the vector holds it */
        if (n > SIZE_MAX / 2 - total - ITEM_ALIGN)
            return NULL;
        total += ROUND_UP(n, ITEM_ALIGN);
    }
    reloc few[8];
    reloc *r = nchunks <= MUM_ARRAY_LEN(few) ? few : mum__calloc(nchunks, sizeof *r);
    char *blk = r ? mum__malloc(total) : NULL;
    if (!blk) {
        if (r != few)
            mum__free(r);
        return NULL;
    }
    mum_manifest *m = (mum_manifest *)blk;
    mum_manifest_store *s = (mum_manifest_store *)(blk + BLOCK_STORE_OFF);
    mum_arena_chunk *c = (mum_arena_chunk *)(blk + BLOCK_CHUNK_OFF);
    *m = *work;
    memset(s, 0, sizeof *s);
    s->one_block = true;
    s->chunks = c;
    m->store = s;
    c->next = NULL;
    c->cap = c->used = total - data_off;
    /* the strings, chunk after chunk */
    char *at = c->data;
    size_t k = 0;
    for (const mum_arena_chunk *w = ws->chunks; w; w = w->next, k++) {
        if (w->used)
            memcpy(at, w->data, w->used);
        r[k] = (reloc){(uintptr_t)w->data, w->used, at};
        at += w->used;
    }
    /* then the records, each array aligned */
    at = blk + ROUND_UP(data_off + text, ITEM_ALIGN);
    mum_manifest_build moved = *b;
    mum_vec *const to[] = BUILD_VECS(&moved);
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++) {
        size_t n = vecs[i]->count * vec_sizes[i];
        if (n)
            memcpy(at, vecs[i]->items, n);
        to[i]->items = n ? at : NULL;
        at += ROUND_UP(n, ITEM_ALIGN);
    }
    if (nchunks > 1)
        qsort(r, nchunks, sizeof *r, reloc_cmp);
    relocs rl = {r, nchunks, 0, 0};
    if (nchunks) {
        rl.lo = r[0].from;
        for (size_t i = 0; i < nchunks; i++)
            if (r[i].from + r[i].len - rl.lo > rl.span)
                rl.span = r[i].from + r[i].len - rl.lo;
    }
    rebase_model(&rl, m, &moved);
    link_arrays(m, &moved);
    if (r != few)
        mum__free(r);
    mum__manifest_build_empty(b);
    return m;
}

void mum__manifest_build_empty(mum_manifest_build *b)
{
    mum_vec *const vecs[] = BUILD_VECS(b);
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++)
        vecs[i]->count = 0;
    mum__free(b->element_index);
    b->element_index = NULL;
    b->element_index_cap = 0;
    b->elements_dropped = 0;
}
