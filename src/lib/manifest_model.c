/*
 * manifest_model.c - mum/manifest.h: the model a parse leaves behind (its
 * arrays linked into the store's vectors, freed with the store) and the
 * accessors that need no parser.  The parser is in manifest.c.
 */
#include "config.h"

#include "manifest_store.h"

#include <string.h>

static void store_free(mum_manifest_store *s)
{
    if (!s)
        return;
    mum_vec *vecs[] = {&s->parents, &s->parent_refs, &s->updates, &s->applicable, &s->items,
                       &s->deps,    &s->files,       &s->regkeys, &s->regvalues,  &s->elements,
                       &s->notes};
    for (size_t i = 0; i < MUM_ARRAY_LEN(vecs); i++)
        mum__free(vecs[i]->items);
    mum__free(s->element_index);
    for (mum_arena_chunk *c = s->chunks, *next; c; c = next) {
        next = c->next;
        mum__free(c);
    }
    mum__free(s);
}

void mum_manifest_free(mum_manifest *m)
{
    if (!m)
        return;
    store_free(m->store);
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

/* Points the model's arrays at the vectors, slicing the nested ones. */
void mum__manifest_link_model(mum_manifest *m, mum_manifest_store *s)
{
    /* the index of unmodelled elements serves the parse only */
    mum__free(s->element_index);
    s->element_index = NULL;
    s->element_index_cap = 0;
    vec_fit(&s->parents, sizeof(mum_manifest_parent));
    vec_fit(&s->parent_refs, sizeof(mum_manifest_ref));
    vec_fit(&s->updates, sizeof(mum_manifest_update));
    vec_fit(&s->applicable, sizeof(mum_manifest_target));
    vec_fit(&s->items, sizeof(mum_manifest_target));
    vec_fit(&s->deps, sizeof(mum_manifest_dependency));
    vec_fit(&s->files, sizeof(mum_manifest_file));
    vec_fit(&s->regkeys, sizeof(mum_manifest_registry_key));
    vec_fit(&s->regvalues, sizeof(mum_manifest_registry_value));
    vec_fit(&s->elements, sizeof(mum_manifest_element));
    vec_fit(&s->notes, sizeof(mum_manifest_note));
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
