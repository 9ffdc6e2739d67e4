/*
 * manifest_store.h - what manifest.c (the parser), manifest_model.c (the
 * model it leaves) and manifest_check.c (the checks) share: the storage
 * behind a mum_manifest.
 *
 * Strings live in an arena of chunks, freed at once; the model's arrays are
 * growable vectors whose public pointers are set when the parse finishes.
 * Nested arrays (a parent's identities, an update's targets, a key's values)
 * are slices of one vector each, filled in document order.
 */
#ifndef MUM_MANIFEST_STORE_H
#define MUM_MANIFEST_STORE_H

#include "internal.h"

typedef struct mum_vec {
    void *items;
    size_t count;
    size_t cap;
} mum_vec;

typedef struct mum_arena_chunk {
    struct mum_arena_chunk *next;
    size_t used;
    size_t cap;
    char data[];
} mum_arena_chunk;

/* Something only the parse saw, reported by the checks (rare: duplicates). */
typedef struct mum_manifest_note {
    mum_rule_id rule;
    const char *element;   /* the element's local name (static text) */
    const char *parent;    /* where it appeared (static text) */
    mum_manifest_pos pos;
} mum_manifest_note;

typedef struct mum_manifest_store mum_manifest_store;

/* The records a parse collects, linked into the model at its end. */
typedef struct mum_manifest_build {
    mum_vec parents;       /* mum_manifest_parent */
    mum_vec parent_refs;   /* mum_manifest_ref, sliced by parents */
    mum_vec updates;       /* mum_manifest_update */
    mum_vec applicable;    /* mum_manifest_target, sliced by updates */
    mum_vec items;         /* mum_manifest_target, sliced by updates */
    mum_vec deps;          /* mum_manifest_dependency */
    mum_vec files;         /* mum_manifest_file */
    mum_vec regkeys;       /* mum_manifest_registry_key */
    mum_vec regvalues;     /* mum_manifest_registry_value, sliced by regkeys */
    mum_vec elements;      /* mum_manifest_element */
    mum_vec notes;         /* mum_manifest_note */
    uint32_t *element_index; /* open addressing over elements: index + 1, 0 = free */
    size_t element_index_cap;
    size_t elements_dropped; /* distinct elements past the limit, not kept */
} mum_manifest_build;

/*
 * What a model keeps.  A manifest parsed on its own keeps its records'
 * vectors (build, allocated with the store, fitted at the end).  One
 * parsed by the walk's renewed parser (thousands of them in a graph, each
 * allocation costing malloc's overhead) is one allocation with its store
 * and first arena chunk (one_block), and its records, collected in the
 * parser, are moved into its arena at the end: build is NULL.
 */
struct mum_manifest_store {
    mum_arena_chunk *chunks;
    const mum_manifest_note *notes; /* for mum_manifest_check */
    size_t note_count;
    size_t elements_dropped;
    mum_manifest_build *build;
    bool one_block;
};

/* The most distinct unmodelled elements kept per manifest. */
#define MUM_MANIFEST_MAX_ELEMENTS 4096

#define VEC_AT(v, type, i) (&((type *)(v).items)[i])

/* The first arena chunk's size: a manifest's names, file names, digests
 * and entry path (the repeated values are interned) mostly fit it. */
#define MUM_MANIFEST_FIRST_CHUNK 256

/* The model, its store and a first arena chunk of MUM_MANIFEST_FIRST_CHUNK
 * bytes in one zeroed allocation; freed by mum_manifest_free. */
MUM_INTERNAL mum_manifest *mum__manifest_new_block(void);
/* A zeroed model and its store with the records' vectors (two allocations). */
MUM_INTERNAL mum_manifest *mum__manifest_new_alone(void);
/* Frees the records' vectors and index (not b). */
MUM_INTERNAL void mum__manifest_build_clear(mum_manifest_build *b);

/* Points the model's arrays at the records of b, slicing the nested ones;
 * called once, when the parse finishes (manifest_model.c).  A one-block
 * model's records are moved into its arena (b left empty); false when
 * that memory cannot be had (the model is unchanged). */
MUM_INTERNAL bool mum__manifest_link_model(mum_manifest *m, mum_manifest_build *b);

#endif /* MUM_MANIFEST_STORE_H */
