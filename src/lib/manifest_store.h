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
 * allocation costing malloc's overhead and each byte left over memory
 * touched) is read into the parser's own work model and copied at the end
 * into one allocation of exactly its size (one_block): the model, its
 * store, and one full chunk holding its strings and then its records;
 * build is NULL.
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

/* A zeroed model and its store with the records' vectors (two allocations). */
MUM_INTERNAL mum_manifest *mum__manifest_new_alone(void);
/* Empties the records' vectors (their room kept) and frees the index. */
MUM_INTERNAL void mum__manifest_build_empty(mum_manifest_build *b);
/* Frees the records' vectors and index (not b). */
MUM_INTERNAL void mum__manifest_build_clear(mum_manifest_build *b);

/* Points the model's arrays at the records of b (the model's own
 * vectors, fitted), slicing the nested ones; called once, when the parse
 * finishes (manifest_model.c).  True (kept for the callers' sake). */
MUM_INTERNAL bool mum__manifest_link_model(mum_manifest *m, mum_manifest_build *b);
/* A one-block model copied from `work` (a renewed parser's, its strings
 * in its store's chunks) and the records of b: every string of the work
 * arena rebased into the block (interned and static ones kept), the
 * arrays linked.  b's vectors are emptied, their room kept; work is left
 * as it was.  NULL: out of memory (nothing changed). */
MUM_INTERNAL mum_manifest *mum__manifest_compact(const mum_manifest *work, mum_manifest_build *b);

#endif /* MUM_MANIFEST_STORE_H */
