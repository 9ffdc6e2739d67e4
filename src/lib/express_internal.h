/*
 * express_internal.h - what express.c (the index, the resolution of its
 * files to the cabinet's blobs) shares with judge_express.c (the express.*
 * findings over what the resolution found).
 */
#ifndef MUM_EXPRESS_INTERNAL_H
#define MUM_EXPRESS_INTERNAL_H

#include "internal.h"

#include <mum/express.h>

/* A key (file id, or folded name) and the index of its file, sortable. */
typedef struct mum__express_key {
    char *key;
    size_t index;
} mum__express_key;

/*
 * The resolution reading needs, with no finding: fills each file's basis,
 * status, blob, blob_verified and pa30 fields from the index and the
 * cabinet's blobs (borrowed, and read again by the judge).
 * Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__express_resolve(mum_express_index *idx, const mum_express_blob *blobs,
                                      size_t count);
/*
 * The express.* findings on an index resolved by mum__express_resolve
 * with the same blobs, located at `cabinet` (judge_express.c).
 * Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__judge_express_index(const mum_express_index *idx, const mum_express_blob *blobs,
                                          size_t count, const mum_location *cabinet,
                                          mum_findings *findings);

/* The files' ids as written (names false) or their names folded as
 * Windows compares them, sorted (ties by index); NULL: out of memory. */
MUM_INTERNAL mum__express_key *mum__express_file_keys(const mum_express_index *idx, bool names);
/* A name as Windows compares it, as the resolution matches blobs (owned);
 * NULL: out of memory. */
MUM_INTERNAL char *mum__express_name_key(const char *name);
MUM_INTERNAL void mum__express_keys_free(mum__express_key *k, size_t n);
/* The loops of the basis links of a resolved index: loops[i] marks the
 * members, heads (room for idx->count) the file where each loop was met,
 * in the order met.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__express_loops(const mum_express_index *idx, bool *loops, size_t *heads,
                                    size_t *nheads);
/* The blob's digest of that algorithm, NULL when not kept. */
MUM_INTERNAL const uint8_t *mum__express_blob_digest(const mum_express_blob *b, mum_hash_alg alg);
/* Whether a blob's first bytes (size >= 4: its signature is there) can
 * begin a delta: PA30, or PA19/PA31 (named as such in the parse's reason).
 * Any other head parses as one of no bytes does ("no PA30 signature" at
 * offset 0), so the graph keeps only these (graph.c). */
MUM_INTERNAL bool mum__express_head_may_be_delta(const unsigned char *p, size_t size);
/* The PA30 header parse: on failure a constant reason and its offset. */
MUM_INTERNAL int mum__express_pa30_parse(mum_pa30_header *out, const unsigned char *p, size_t size,
                                         const char **why, uint64_t *offset);

/* ---- rebuilding (express_rebuild.c) ---- */

/* The bytes of a cabinet's blobs kept while it is read, for rebuilding its
 * files: past this, blobs are not kept and the files built on them are not
 * checkable (graph_walk.c). */
#define MUM__EXPRESS_KEPT_MAX (256 << 20)

typedef enum mum__express_outcome {
    MUM__EXPRESS_REBUILT = 0,
    MUM__EXPRESS_UNSUPPORTED,   /* a delta (or a basis's) libmum does not decode yet */
    MUM__EXPRESS_NOT_KEPT,      /* a blob it needs was not kept (the bound above) */
    MUM__EXPRESS_BROKEN,        /* a basis not in the index, a loop, a missing source */
    MUM__EXPRESS_DECODE,        /* the delta does not decode (or its hash differs) */
    MUM__EXPRESS_BASIS_FAILED,  /* its basis could not be rebuilt */
    MUM__EXPRESS_MISMATCH       /* rebuilt, but not the index's length or hash */
} mum__express_outcome;

typedef struct mum__express_rebuilder mum__express_rebuilder;

/*
 * A rebuilder of the files of a resolved index (mum__express_resolve) from
 * the cabinet's blobs: bytes[k] is blob k's whole content (borrowed; NULL
 * when not kept).  wanted marks the files to be rebuilt: a rebuilt basis
 * is freed once every wanted file built on it is done.  Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__express_rebuilder_new(mum__express_rebuilder **out, mum_ctx *ctx,
                                            const mum_express_index *idx, const mum_express_blob *blobs,
                                            size_t nblobs, const uint8_t *const *bytes, const bool *wanted);
MUM_INTERNAL void mum__express_rebuilder_free(mum__express_rebuilder *r);
/*
 * Rebuilds file i (and its bases, once each), checked against the index's
 * length and hash.  *outcome says how it went; *out (borrowed until
 * mum__express_rebuild_done) is the file when REBUILT, *why (borrowed
 * until the rebuilder is freed) the reason otherwise.  Errors: MUM_ENOMEM,
 * MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__express_rebuild(mum__express_rebuilder *r, size_t i, const uint8_t **out,
                                      size_t *out_size, mum__express_outcome *outcome, const char **why);
/* The SHA-1 of file i, REBUILT by mum__express_rebuild, when the index
 * gives it: the rebuild checked the file against it, so its digests need
 * not hash the file again.  False when the index's hash is another
 * algorithm (or none). */
MUM_INTERNAL bool mum__express_rebuilt_sha1(const mum__express_rebuilder *r, size_t i,
                                            uint8_t sha1[20]);
/* As mum__express_rebuild, with the decoder's messages on ctx: when
 * mum__express_rebuild_stages said parallel, files may be rebuilt (and
 * done with) on several threads at once, each with a ctx of its own:
 * see mum__express_rebuild_stages. */
MUM_INTERNAL int mum__express_rebuild_in(mum__express_rebuilder *r, mum_ctx *ctx, size_t i,
                                         const uint8_t **out, size_t *out_size,
                                         mum__express_outcome *outcome, const char **why);
/* When files may be rebuilt at once (*parallel), and in what stages:
 * a file more than one wanted file's chain runs through is rebuilt alone
 * first (its result is then shared), at stage[i] (0 .. *nstages - 1),
 * after those below it; the others (stage[i] == SIZE_MAX) after, at once:
 * the rest of each chain is then that file's alone.  Files of one stage
 * may be rebuilt at once.  Not parallel when the bases form a loop (the
 * reasons then depend on the order: rebuild in index order on one
 * thread).  stage has a slot per file of the index.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__express_rebuild_stages(mum__express_rebuilder *r, bool *parallel, size_t *stage,
                                             size_t *nstages);
/* File i is done with: its bytes may go. */
MUM_INTERNAL void mum__express_rebuild_done(mum__express_rebuilder *r, size_t i);
/* The chain of file i, "tcpip.sys <- 3 (PA30) <- basis 1 <- 0 (RAW)"
 * (owned); NULL: out of memory. */
MUM_INTERNAL char *mum__express_chain(const mum_express_index *idx, size_t i);

#endif
