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
MUM_INTERNAL void mum__express_keys_free(mum__express_key *k, size_t n);
/* The loops of the basis links of a resolved index: loops[i] marks the
 * members, heads (room for idx->count) the file where each loop was met,
 * in the order met.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__express_loops(const mum_express_index *idx, bool *loops, size_t *heads,
                                    size_t *nheads);
/* The blob's digest of that algorithm, NULL when not kept. */
MUM_INTERNAL const uint8_t *mum__express_blob_digest(const mum_express_blob *b, mum_hash_alg alg);
/* The PA30 header parse: on failure a constant reason and its offset. */
MUM_INTERNAL int mum__express_pa30_parse(mum_pa30_header *out, const unsigned char *p, size_t size,
                                         const char **why, uint64_t *offset);

#endif
