/*
 * manifest_model.c - mum/manifest.h: the model a parse leaves behind (its
 * arrays linked into the records' vectors or moved into its arena) and the
 * accessors that need no parser.  The parser is in manifest.c.
 */
#include "config.h"

#include "manifest_store.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Where the store and the first chunk lie in a one-block manifest. */
#define ROUND_UP(n, a) (((n) + (a) - 1) / (a) * (a))
#define BLOCK_STORE_OFF ROUND_UP(sizeof(mum_manifest), _Alignof(mum_manifest_store))
#define BLOCK_CHUNK_OFF ROUND_UP(BLOCK_STORE_OFF + sizeof(mum_manifest_store), _Alignof(mum_arena_chunk))

mum_manifest *mum__manifest_new_block(void)
{
    char *b = mum__calloc(1, BLOCK_CHUNK_OFF + sizeof(mum_arena_chunk) + MUM_MANIFEST_FIRST_CHUNK);
    if (!b)
        return NULL;
    mum_manifest *m = (mum_manifest *)b;
    mum_manifest_store *s = (mum_manifest_store *)(b + BLOCK_STORE_OFF);
    mum_arena_chunk *c = (mum_arena_chunk *)(b + BLOCK_CHUNK_OFF);
    c->cap = MUM_MANIFEST_FIRST_CHUNK;
    s->chunks = c;
    s->one_block = true;
    m->store = s;
    return m;
}

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

/*
 * Moves the vectors' items into the arena, each array exactly its size:
 * into the spare room of the newest chunk when they fit, else into one
 * new chunk of their size; the vectors' own items are freed.  False
 * (nothing moved) when that chunk cannot be had.
 */
static bool arrays_to_arena(mum_manifest_store *s, mum_vec *const *vecs, const size_t *sizes,
                            size_t n)
{
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = vecs[i]->count * sizes[i]; /* no overflow: the vector holds it */
        if (b > SIZE_MAX - need - ITEM_ALIGN)
            return false;
        need += ROUND_UP(b, ITEM_ALIGN);
    }
    if (need == 0)
        return true; /* nothing to move, every vector empty */
    char *at = NULL;
    mum_arena_chunk *c = s->chunks;
    if (c) {
        uintptr_t p = (uintptr_t)(c->data + c->used);
        size_t pad = (size_t)((ITEM_ALIGN - p % ITEM_ALIGN) % ITEM_ALIGN);
        if (c->cap - c->used >= pad && c->cap - c->used - pad >= need) {
            at = c->data + c->used + pad;
            c->used += pad + need;
        }
    }
    if (!at) {
        /* data follows three size_t-sized fields: aligned for the items
         * unless they need more than malloc gives, then padded */
        size_t slack = offsetof(mum_arena_chunk, data) % ITEM_ALIGN == 0 &&
                               ITEM_ALIGN <= _Alignof(max_align_t)
                           ? 0
                           : ITEM_ALIGN - 1;
        if (need > SIZE_MAX - sizeof *c - slack)
            return false;
        mum_arena_chunk *nc = mum__malloc(sizeof *nc + need + slack);
        if (!nc)
            return false;
        nc->cap = need + slack;
        nc->used = nc->cap;
        nc->next = c;
        s->chunks = nc;
        uintptr_t p = (uintptr_t)nc->data;
        at = nc->data + (ITEM_ALIGN - p % ITEM_ALIGN) % ITEM_ALIGN;
    }
    for (size_t i = 0; i < n; i++) {
        mum_vec *v = vecs[i];
        size_t b = v->count * sizes[i];
        if (b)
            memcpy(at, v->items, b);
        mum__free(v->items);
        v->items = b ? at : NULL;
        v->cap = v->count;
        at += ROUND_UP(b, ITEM_ALIGN);
    }
    return true;
}

/* Points the model's arrays at the vectors, slicing the nested ones. */
bool mum__manifest_link_model(mum_manifest *m, mum_manifest_build *s)
{
    mum_manifest_store *store = m->store;
    /* the index of unmodelled elements serves the parse only */
    mum__free(s->element_index);
    s->element_index = NULL;
    s->element_index_cap = 0;
    mum_vec *const vecs[] = {&s->parents, &s->parent_refs, &s->updates,   &s->applicable,
                             &s->items,   &s->deps,        &s->files,     &s->regkeys,
                             &s->regvalues, &s->elements,  &s->notes};
    static const size_t sizes[] = {
        sizeof(mum_manifest_parent),         sizeof(mum_manifest_ref),
        sizeof(mum_manifest_update),         sizeof(mum_manifest_target),
        sizeof(mum_manifest_target),         sizeof(mum_manifest_dependency),
        sizeof(mum_manifest_file),           sizeof(mum_manifest_registry_key),
        sizeof(mum_manifest_registry_value), sizeof(mum_manifest_element),
        sizeof(mum_manifest_note)};
    _Static_assert(MUM_ARRAY_LEN(vecs) == MUM_ARRAY_LEN(sizes), "a size for each vector");
    if (store->one_block) {
        if (!arrays_to_arena(store, vecs, sizes, MUM_ARRAY_LEN(vecs)))
            return false;
    } else {
        /* a manifest parsed alone keeps its vectors, fitted */
        for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++)
            vec_fit(vecs[i], sizes[i]);
    }
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
    if (store->one_block) /* the records are the arena's now, not the parser's */
        memset(s, 0, sizeof *s);
    return true;
}
